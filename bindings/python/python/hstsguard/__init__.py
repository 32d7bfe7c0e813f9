"""hstsguard: HTTPS transport security decisions from one Rust core.

- HSTS (RFC 6797): :class:`HstsPolicy` builds the header value, :func:`parse_sts` parses a
  received one strictly.
- hstspreload.org rules: :func:`preload_check`, :func:`removable_check`,
  :func:`domain_check`.
- HPKP (RFC 7469, deprecated): :func:`parse_hpkp`, :class:`HpkpHeader`, pin functions
  (also in :mod:`hstsguard.hpkp`).
- Per-request decisions: :class:`Policy` (built once) and :meth:`Policy.evaluate`,
  :meth:`Policy.flag_set_cookie`.
- Django: :mod:`hstsguard.django` (a drop-in ``SecurityMiddleware`` and deploy checks).

Errors subclass :class:`HstsGuardError` (a :class:`ValueError`) and carry ``.code``.
"""

from __future__ import annotations

from hstsguard._errors import (
    CertificateError,
    ConfigError,
    DurationError,
    HeaderError,
    HstsGuardError,
    PinError,
    PolicyFileError,
)
from hstsguard._native import (
    ERROR_CODES,
    ISSUE_CODES,
    MAX_AGE_CAP,
    ONE_YEAR,
    VERSION,
    Decision,
    FlaggedCookie,
    HpkpHeader,
    HstsPolicy,
    Issue,
    ParsedHpkp,
    ParsedSts,
    Policy,
    PreloadVerdict,
    domain_check,
    format_duration,
    parse_duration,
    parse_hpkp,
    parse_sts,
    pin_from_pem_or_der,
    pin_of_spki,
    pins_from_pem_chain,
    preload_check,
    read_policy_file,
    removable_check,
)

from hstsguard import hpkp  # noqa: E402  (the submodule, as in the core)

__version__ = VERSION

__all__ = [
    "__version__",
    "VERSION",
    "MAX_AGE_CAP",
    "ONE_YEAR",
    "ERROR_CODES",
    "ISSUE_CODES",
    "HstsGuardError",
    "ConfigError",
    "DurationError",
    "HeaderError",
    "PinError",
    "CertificateError",
    "PolicyFileError",
    "Issue",
    "HstsPolicy",
    "ParsedSts",
    "parse_sts",
    "parse_duration",
    "format_duration",
    "PreloadVerdict",
    "preload_check",
    "removable_check",
    "domain_check",
    "ParsedHpkp",
    "HpkpHeader",
    "parse_hpkp",
    "pin_from_pem_or_der",
    "pins_from_pem_chain",
    "pin_of_spki",
    "Policy",
    "Decision",
    "FlaggedCookie",
    "read_policy_file",
]
