"""hstsguard: HTTPS transport security decisions from one Rust core.

- HSTS (RFC 6797): :class:`HstsPolicy` builds the header value, :func:`parse_sts` parses a
  received one strictly.
- hstspreload.org rules: :func:`preload_check`, :func:`removable_check`,
  :func:`domain_check`.
- HPKP (RFC 7469, deprecated): :func:`parse_hpkp`, :class:`HpkpHeader`, pin functions
  (also in :mod:`hstsguard.hpkp`).
- Per-request decisions: :class:`Policy` (built once) and :meth:`Policy.evaluate`,
  :meth:`Policy.flag_set_cookie`; the policy document's sections as typed dicts
  (:class:`PolicyDocument`, :class:`HstsSection`, ..., generated from the core's schema)
  and the core's "did you mean" (:func:`suggest`).
- Django: :mod:`hstsguard.django` (a drop-in ``SecurityMiddleware`` and deploy checks).
- The client side (RFC 6797 §8): :class:`KnownHosts` (a thread-safe Known HSTS Host
  store, curl's cache format), :func:`preload_lookup` (the embedded Chromium preload
  list, dated :data:`PRELOAD_LIST_DATE`); HSTS for httpx (:mod:`hstsguard.httpx`) and
  requests (:mod:`hstsguard.requests`).
- The live audit: :func:`scan` (the object ``hstsguard scan --json`` prints).

Errors subclass :class:`HstsGuardError` (a :class:`ValueError`) and carry ``.code``.
"""

from __future__ import annotations

from hstsguard._errors import (
    CertificateError,
    ConfigError,
    DurationError,
    HeaderError,
    HstsGuardError,
    HostError,
    PinError,
    PolicyFileError,
    PreloadListError,
    ScanOptionError,
    StoreFileError,
    UrlError,
)
from hstsguard._native import (
    DEFAULT_STORE_CAPACITY,
    ERROR_CODES,
    ISSUE_CODES,
    PRELOAD_LIST_DATE,
    PRELOAD_LIST_ENTRIES,
    SCAN_ERROR_CODES,
    MAX_AGE_CAP,
    ONE_YEAR,
    VERSION,
    CookieAttributes,
    Decision,
    FlaggedCookie,
    HpkpHeader,
    HstsMatch,
    HstsPolicy,
    HstsStage,
    Issue,
    KnownHosts,
    LoadReport,
    ParsedHpkp,
    ParsedSts,
    Policy,
    PreloadMatch,
    PreloadVerdict,
    ReceiveOutcome,
    SaveReport,
    StoreEntry,
    UrlUpgrade,
    domain_check,
    format_duration,
    parse_duration,
    parse_hpkp,
    parse_sts,
    pin_from_pem_or_der,
    pin_of_spki,
    pins_from_pem_chain,
    preload_check,
    preload_list_age,
    preload_lookup,
    read_policy_file,
    removable_check,
    scan,
    suggest,
)
from hstsguard._schema import (
    CookieRuleSection,
    CookiesSection,
    CustomHeaderSection,
    HpkpSection,
    HstsSection,
    PolicyDocument,
    ProxySection,
    RampSection,
    RedirectSection,
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
    "CookieAttributes",
    "HstsStage",
    "read_policy_file",
    "suggest",
    "PolicyDocument",
    "HstsSection",
    "RampSection",
    "ProxySection",
    "CustomHeaderSection",
    "RedirectSection",
    "CookiesSection",
    "CookieRuleSection",
    "HpkpSection",
    "HostError",
    "UrlError",
    "StoreFileError",
    "PreloadListError",
    "ScanOptionError",
    "DEFAULT_STORE_CAPACITY",
    "PRELOAD_LIST_DATE",
    "PRELOAD_LIST_ENTRIES",
    "SCAN_ERROR_CODES",
    "KnownHosts",
    "ReceiveOutcome",
    "HstsMatch",
    "UrlUpgrade",
    "StoreEntry",
    "LoadReport",
    "SaveReport",
    "PreloadMatch",
    "preload_lookup",
    "preload_list_age",
    "scan",
]
