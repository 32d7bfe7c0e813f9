"""Exceptions: input that cannot be used at all.

Every class subclasses :class:`HstsGuardError`, itself a :class:`ValueError`, and
carries ``.code``: the core's stable code string (``"duration.negative"``,
``"config.unknown_key"``, ...), the same string the C, Node and CLI layers report.
Codes are API; messages are for humans and may change.
"""

from __future__ import annotations

__all__ = [
    "HstsGuardError",
    "ConfigError",
    "DurationError",
    "HeaderError",
    "PinError",
    "CertificateError",
    "PolicyFileError",
]


class HstsGuardError(ValueError):
    """Base class: ``str(exc)`` is the message, ``exc.code`` the stable code."""

    code: str

    def __init__(self, message: str, code: str = "hstsguard.error") -> None:
        super().__init__(message, code)
        self.code = code

    @property
    def message(self) -> str:
        """The message (names the offending value)."""
        return str(self.args[0])

    def __str__(self) -> str:
        return str(self.args[0])


class ConfigError(HstsGuardError):
    """A policy has errors; ``errors`` lists every one as ``(path, code, message)``.

    ``code`` is the only error's code, or ``"config.invalid"`` when there are several.
    """

    errors: list[tuple[str, str, str]]

    def __init__(
        self,
        message: str,
        code: str = "config.invalid",
        errors: list[tuple[str, str, str]] | None = None,
    ) -> None:
        super().__init__(message, code)
        self.args = (message, code, list(errors or []))
        self.errors = [tuple(e) for e in (errors or [])]  # type: ignore[misc]


class DurationError(HstsGuardError):
    """A duration (max-age) is unusable: ``duration.negative``, ``duration.fractional``,
    ``duration.not_a_number``, ``duration.unknown_unit``, ``duration.overflow``,
    ``duration.empty``."""


class HeaderError(HstsGuardError):
    """A header value cannot be turned into a policy; ``code`` is the first error issue
    (``header.parse.*``, ``hpkp.parse.*``)."""


class PinError(HstsGuardError):
    """An HPKP pin is not base64 of 32 bytes (``hpkp.invalid_pin``), or a header was
    asked for with fewer than two distinct pins (``hpkp.too_few_pins``)."""


class CertificateError(HstsGuardError):
    """A certificate or public key cannot be read (``hpkp.certificate``)."""


class PolicyFileError(HstsGuardError, OSError):
    """A policy file cannot be read (``io``). Also an :class:`OSError`."""

    def __init__(self, message: str, code: str = "io") -> None:
        HstsGuardError.__init__(self, message, code)
        self.errno = None
        self.strerror = message


# Shown as ``hstsguard.ConfigError`` in tracebacks; pickling finds them there too.
for _cls in (
    HstsGuardError,
    ConfigError,
    DurationError,
    HeaderError,
    PinError,
    CertificateError,
    PolicyFileError,
):
    _cls.__module__ = "hstsguard"
del _cls
