"""Django settings to one hstsguard policy, read once.

:func:`load` turns Django's ``SECURE_*`` settings (same names, same meaning as
``django.middleware.security.SecurityMiddleware``) and the optional ``HSTSGUARD`` dict
into a policy document, builds the core :class:`hstsguard.Policy` from it and reports
*every* problem at once, each named by the setting it came from::

    SECURE_HSTS_SECONDS: invalid duration "-1": it is negative [duration.negative]

The middleware calls it in ``__init__`` (so a bad setting stops the server at start-up
with :class:`~django.core.exceptions.ImproperlyConfigured`), the deploy checks call it
to report the same problems as ``hstsguard.E001``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

from hstsguard import (
    ConfigError,
    HstsGuardError,
    Policy,
    PolicyDocument,
    read_policy_file,
    suggest,
)

__all__ = ["DjangoConfig", "Problem", "HSTSGUARD_KEYS", "load", "build"]

#: Every key the ``HSTSGUARD`` setting accepts.
HSTSGUARD_KEYS = (
    "TRUSTED_PROXIES",
    "PROXY_HEADERS",
    "REDIRECT_STATUS_GET_HEAD",
    "REDIRECT_STATUS_OTHER",
    "COOKIES",
    "HPKP",
    "POLICY",
    "POLICY_FILE",
)

#: The statuses for GET/HEAD and for other methods when ``HSTSGUARD`` says nothing:
#: Django's 301 for GET and HEAD; 308 for the other methods, so a POST body is neither
#: lost nor turned into a GET (Django answers 301, which browsers follow with a GET).
DEFAULT_STATUS_GET_HEAD = 301
DEFAULT_STATUS_OTHER = 308


@dataclass(frozen=True)
class Problem:
    """One configuration problem: the setting it came from, the core's code, a message."""

    setting: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class DjangoConfig:
    """Everything the middleware and the checks need, computed once."""

    policy: Policy
    document: dict[str, Any]
    #: Headers added when the response lacks them: nosniff, Referrer-Policy, COOP.
    defaults: list[tuple[str, str]]
    #: SECURE_REDIRECT_EXEMPT, compiled (Django's meaning: searched in the path without
    #: its leading slashes).
    exempt: list[re.Pattern[str]]
    #: Core header name -> META key, for SECURE_PROXY_SSL_HEADER keys without HTTP_.
    proxy_meta: list[tuple[str, str]]
    #: SECURE_PROXY_SSL_HEADER without HSTSGUARD["TRUSTED_PROXIES"]: Django believes it
    #: from any client, and so do we (the deploy check W105 says so).
    any_peer: bool
    #: The META key of SECURE_PROXY_SSL_HEADER, removed from requests of untrusted peers
    #: when trusted proxies are configured.
    strip_meta_key: str | None
    #: Where each part of the document came from: path prefix -> setting name.
    origins: dict[str, str] = field(default_factory=dict)


def _setting(settings: Any, name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


def _suggest(key: str, known: tuple[str, ...] | list[str]) -> str:
    close = suggest(key, list(known))
    if close is not None:
        return f"did you mean {close!r}?"
    return "known keys: " + ", ".join(known)


def _merge(base: dict[str, Any], overlay: Mapping[str, Any], path: str, origin: str,
           origins: dict[str, str]) -> None:
    """Merges ``overlay`` into ``base`` key by key (tables recursively, anything else
    replaced), recording where every value came from."""
    for key, value in overlay.items():
        sub = f"{path}.{key}" if path else str(key)
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, sub, origin, origins)
        else:
            base[key] = dict(value) if isinstance(value, Mapping) else value
            for known in [p for p in origins if p == sub or p.startswith(sub + ".")
                          or p.startswith(sub + "[")]:
                del origins[known]
            origins[sub] = origin


def _origin_of(path: str, origins: dict[str, str]) -> str:
    best = ""
    for prefix in origins:
        if (path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")) \
                and len(prefix) > len(best):
            best = prefix
    if best:
        return origins[best]
    top = path.split(".", 1)[0].split("[", 1)[0]
    return origins.get(top, "hstsguard policy")


def _header_value(setting: str, value: str, problems: list[Problem]) -> str | None:
    """A header value made once, checked as Django's ResponseHeaders would check it on
    every response (latin-1, no CR or LF)."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        problems.append(Problem(setting, "config.invalid_value",
                                f"{value!r} is not latin-1 text, so it cannot be a header value"))
        return None
    if "\r" in value or "\n" in value:
        problems.append(Problem(setting, "config.invalid_value",
                                f"{value!r} contains a line break, so it cannot be a header value"))
        return None
    return value


def _meta_header_name(key: str) -> str:
    """``HTTP_X_FORWARDED_PROTO`` -> ``X-Forwarded-Proto``; other META keys as they are."""
    if key.startswith("HTTP_") and len(key) > 5:
        return "-".join(part.capitalize() for part in key[5:].split("_"))
    return key


def build(settings: Any) -> tuple[DjangoConfig | None, list[Problem]]:
    """Reads the settings; returns the config (None when there are problems) and every
    problem found."""
    problems: list[Problem] = []
    origins: dict[str, str] = {}

    extra_setting = _setting(settings, "HSTSGUARD", None)
    if extra_setting is None:
        extra: Mapping[str, Any] = {}
    elif isinstance(extra_setting, Mapping):
        extra = extra_setting
    else:
        problems.append(Problem("HSTSGUARD", "config.invalid_type",
                                f"expected a dict, found {type(extra_setting).__name__}"))
        extra = {}
    for key in extra:
        if key not in HSTSGUARD_KEYS:
            problems.append(Problem(f"HSTSGUARD[{key!r}]", "config.unknown_key",
                                    f"unknown key {key!r}; {_suggest(str(key), HSTSGUARD_KEYS)}"))

    # --- HSTS: SECURE_HSTS_* with Django's meaning (a falsy max-age means off). ---
    seconds = _setting(settings, "SECURE_HSTS_SECONDS", 0)
    hsts: dict[str, Any]
    if seconds:
        hsts = {
            "enabled": True,
            "max_age": seconds,
            "include_subdomains": bool(_setting(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False)),
            "preload": bool(_setting(settings, "SECURE_HSTS_PRELOAD", False)),
        }
    else:
        hsts = {"enabled": False}
    origins["hsts"] = "SECURE_HSTS_SECONDS"
    origins["hsts.max_age"] = "SECURE_HSTS_SECONDS"

    # --- Redirects: SECURE_SSL_REDIRECT, SECURE_SSL_HOST. ALLOWED_HOSTS stays Django's
    # business (request.get_host()), so the core accepts any host Django accepted. ---
    redirect: dict[str, Any] = {
        "enabled": bool(_setting(settings, "SECURE_SSL_REDIRECT", False)),
        "allowed_hosts": ["*"],
        # Django keeps the Host's port in the Location; so do we (except :80).
        "keep_port": True,
        # Django has no ACME exemption.
        "acme_exempt": False,
        "status_get_head": extra.get("REDIRECT_STATUS_GET_HEAD", DEFAULT_STATUS_GET_HEAD),
        "status_other": extra.get("REDIRECT_STATUS_OTHER", DEFAULT_STATUS_OTHER),
    }
    origins["redirect"] = "SECURE_SSL_REDIRECT"
    origins["redirect.status_get_head"] = "HSTSGUARD['REDIRECT_STATUS_GET_HEAD']"
    origins["redirect.status_other"] = "HSTSGUARD['REDIRECT_STATUS_OTHER']"
    ssl_host = _setting(settings, "SECURE_SSL_HOST", None)
    if ssl_host:
        redirect["canonical_host"] = ssl_host
        origins["redirect.canonical_host"] = "SECURE_SSL_HOST"

    # --- Proxies: SECURE_PROXY_SSL_HEADER, HSTSGUARD TRUSTED_PROXIES / PROXY_HEADERS. ---
    proxy: dict[str, Any] = {}
    proxy_meta: list[tuple[str, str]] = []
    any_peer = False
    strip_meta_key: str | None = None
    ssl_header = _setting(settings, "SECURE_PROXY_SSL_HEADER", None)
    trusted = extra.get("TRUSTED_PROXIES")
    if ssl_header:
        try:
            meta_key, secure_value = ssl_header
        except (TypeError, ValueError):
            problems.append(Problem("SECURE_PROXY_SSL_HEADER", "config.invalid_value",
                                    "must be a tuple of two values, such as "
                                    "('HTTP_X_FORWARDED_PROTO', 'https')"))
        else:
            if not isinstance(meta_key, str) or not isinstance(secure_value, str):
                problems.append(Problem("SECURE_PROXY_SSL_HEADER", "config.invalid_type",
                                        "both values must be strings"))
            else:
                name = _meta_header_name(meta_key)
                if not meta_key.startswith("HTTP_"):
                    proxy_meta.append((name, meta_key))
                proxy["custom_header"] = {"name": name, "value": secure_value}
                origins["proxy.custom_header"] = "SECURE_PROXY_SSL_HEADER"
                if trusted is None:
                    any_peer = True
                    proxy["trusted"] = ["0.0.0.0/0", "::/0"]
                    origins["proxy.trusted"] = "SECURE_PROXY_SSL_HEADER"
                else:
                    strip_meta_key = meta_key
    if trusted is not None:
        proxy["trusted"] = trusted
        origins["proxy.trusted"] = "HSTSGUARD['TRUSTED_PROXIES']"
    if "PROXY_HEADERS" in extra:
        proxy["sources"] = extra["PROXY_HEADERS"]
        if proxy.get("custom_header") and isinstance(proxy["sources"], list):
            proxy["sources"] = [*proxy["sources"], "custom"]
        origins["proxy.sources"] = "HSTSGUARD['PROXY_HEADERS']"

    # --- Cookies: off unless HSTSGUARD["COOKIES"] says (Django flags no cookie). ---
    cookies_setting = extra.get("COOKIES")
    cookies: Any
    if cookies_setting is None or cookies_setting is False:
        cookies = {"enabled": False}
    elif cookies_setting is True:
        cookies = {}
    elif isinstance(cookies_setting, (list, tuple)):
        cookies = {"rules": list(cookies_setting)}
    else:
        cookies = cookies_setting
    origins["cookies"] = "HSTSGUARD['COOKIES']"

    document: dict[str, Any] = {"hsts": hsts, "redirect": redirect, "cookies": cookies}
    if proxy:
        document["proxy"] = proxy
    if extra.get("HPKP") is not None:
        document["hpkp"] = extra["HPKP"]
        origins["hpkp"] = "HSTSGUARD['HPKP']"

    # --- A policy file, then a policy dict, override key by key. ---
    policy_file = extra.get("POLICY_FILE")
    if policy_file is not None:
        label = f"HSTSGUARD['POLICY_FILE'] ({os.fspath(policy_file)})"
        try:
            overlay = read_policy_file(policy_file)
        except ConfigError as exc:
            # Every problem of the file, with its path in the file.
            for path, code, message in exc.errors:
                where = f"{label} {path}" if path else label
                problems.append(Problem(where, code, message))
        except HstsGuardError as exc:  # PolicyFileError: the file cannot be read
            problems.append(Problem(label, exc.code, exc.message))
        else:
            _merge(document, overlay, "", label, origins)
    policy_dict = extra.get("POLICY")
    if policy_dict is not None:
        if isinstance(policy_dict, Mapping):
            _merge(document, policy_dict, "", "HSTSGUARD['POLICY']", origins)
        else:
            problems.append(Problem("HSTSGUARD['POLICY']", "config.invalid_type",
                                    f"expected a dict, found {type(policy_dict).__name__}"))

    # --- The headers Django's middleware also sets. ---
    defaults: list[tuple[str, str]] = []
    if _setting(settings, "SECURE_CONTENT_TYPE_NOSNIFF", True):
        defaults.append(("X-Content-Type-Options", "nosniff"))
    referrer = _setting(settings, "SECURE_REFERRER_POLICY", "same-origin")
    if referrer:
        try:
            joined = ",".join(
                [v.strip() for v in referrer.split(",")] if isinstance(referrer, str)
                else referrer
            )
        except TypeError:
            problems.append(Problem("SECURE_REFERRER_POLICY", "config.invalid_type",
                                    "expected a str or an iterable of str"))
        else:
            value = _header_value("SECURE_REFERRER_POLICY", joined, problems)
            if value is not None:
                defaults.append(("Referrer-Policy", value))
    coop = _setting(settings, "SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin")
    if coop:
        value = _header_value("SECURE_CROSS_ORIGIN_OPENER_POLICY", str(coop), problems)
        if value is not None:
            defaults.append(("Cross-Origin-Opener-Policy", value))

    exempt: list[re.Pattern[str]] = []
    for i, pattern in enumerate(_setting(settings, "SECURE_REDIRECT_EXEMPT", []) or []):
        try:
            exempt.append(re.compile(pattern))
        except (re.error, TypeError) as exc:
            problems.append(Problem(f"SECURE_REDIRECT_EXEMPT[{i}]", "config.invalid_value",
                                    f"{pattern!r} is not a regular expression: {exc}"))

    try:
        policy = Policy.from_dict(cast(PolicyDocument, document))
    except ConfigError as exc:
        for path, code, message in exc.errors:
            setting = _origin_of(path, origins)
            # Inside a policy overlay (file or dict) the document path says where.
            in_overlay = setting.startswith("HSTSGUARD") or setting == "hstsguard policy"
            where = f" {path}" if path and in_overlay else ""
            problems.append(Problem(setting + where, code, message))
        return None, problems
    if problems:
        return None, problems
    return DjangoConfig(
        policy=policy,
        document=document,
        defaults=defaults,
        exempt=exempt,
        proxy_meta=proxy_meta,
        any_peer=any_peer,
        strip_meta_key=strip_meta_key,
        origins=origins,
    ), []


def raise_problems(problems: list[Problem]) -> NoReturn:
    from django.core.exceptions import ImproperlyConfigured

    lines = "\n".join(f"  {p}" for p in problems)
    raise ImproperlyConfigured(
        f"hstsguard: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
        f"in the settings:\n{lines}"
    )


def load(settings: Any = None) -> DjangoConfig:
    """The config for ``settings`` (Django's, by default); raises ImproperlyConfigured
    listing every problem."""
    if settings is None:
        from django.conf import settings as django_settings

        settings = django_settings
    config, problems = build(settings)
    if config is None:
        raise_problems(problems)
    return config

