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
    "HostError",
    "UrlError",
    "StoreFileError",
    "PreloadListError",
    "ScanOptionError",
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


class HostError(HstsGuardError):
    """A host name cannot be used by the HSTS store or the preload list:
    ``ua.host.invalid``, ``ua.host.too_long``, ``ua.host.not_utf8``."""


class UrlError(HstsGuardError):
    """A URL cannot be parsed (``ua.url.invalid``); never a silent pass."""


class StoreFileError(HstsGuardError, OSError):
    """An HSTS store file cannot be read or written (``ua.store.is_directory``,
    ``ua.store.io``); the store in memory is unchanged. Also an :class:`OSError`."""

    def __init__(self, message: str, code: str = "ua.store.io") -> None:
        HstsGuardError.__init__(self, message, code)
        self.errno = None
        self.strerror = message


class PreloadListError(HstsGuardError):
    """A preload list cannot be loaded (``ua.preload.invalid_list``,
    ``ua.preload.invalid_compiled``)."""


class ScanOptionError(HstsGuardError):
    """An option of :func:`hstsguard.scan` is unusable (``scan.option.connect_to``,
    ``scan.option.ca_file``, ``scan.option.tls``, ``scan.option.invalid``); the message
    names the value."""


# Shown as ``hstsguard.ConfigError`` in tracebacks; pickling finds them there too.
for _cls in (
    HstsGuardError,
    ConfigError,
    DurationError,
    HeaderError,
    PinError,
    CertificateError,
    PolicyFileError,
    HostError,
    UrlError,
    StoreFileError,
    PreloadListError,
    ScanOptionError,
):
    _cls.__module__ = "hstsguard"
del _cls
