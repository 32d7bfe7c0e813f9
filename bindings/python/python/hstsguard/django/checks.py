"""System checks, registered when ``"hstsguard.django"`` is in ``INSTALLED_APPS``.

Once the project uses ``hstsguard.django.SecurityMiddleware``, Django's own checks tied
to its middleware (security.W004, W005, W006, W008, W021, W022, E023, E024) no longer
run; these take their place under the same numbers, and add what Django does not look
at. ``manage.py check --deploy`` shows them.

=================  ==========================================================================
id                 fires when
=================  ==========================================================================
hstsguard.E001     a setting is unusable (the middleware would refuse to start); one per problem
hstsguard.W002     a ``SECURE_*``-like or ``HSTSGUARD``-like setting name is misspelled
hstsguard.W004     HSTS is off (as security.W004)
hstsguard.W005     HSTS without includeSubDomains (as security.W005)
hstsguard.W006     no ``X-Content-Type-Options: nosniff`` (as security.W006)
hstsguard.W008     no HTTP to HTTPS redirect (as security.W008)
hstsguard.W012     the session cookie is not Secure, by setting or by cookie rule (as security.W012)
hstsguard.W016     the CSRF cookie is not Secure, by setting or by cookie rule (as security.W016)
hstsguard.W021     HSTS without preload (as security.W021)
hstsguard.W022     no Referrer-Policy (as security.W022)
hstsguard.E023     an invalid SECURE_REFERRER_POLICY (as security.E023)
hstsguard.E024     an invalid SECURE_CROSS_ORIGIN_OPENER_POLICY (as security.E024)
hstsguard.W101     preload is set but the header fails hstspreload.org's rules
hstsguard.W102     HSTS max-age below one year
hstsguard.W103     a cookie gets SameSite=None without Secure (browsers reject it)
hstsguard.W104     a trusted proxy network covers every address
hstsguard.W105     SECURE_PROXY_SSL_HEADER is believed from any client (no trusted proxies)
hstsguard.W106     HPKP is configured (deprecated)
hstsguard.W107     Django's SecurityMiddleware is in MIDDLEWARE too
hstsguard.W109     redirects follow any Host (ALLOWED_HOSTS has "*", no SECURE_SSL_HOST)
hstsguard.W110     HSTS is sent over plain HTTP too
hstsguard.W111     proxy headers are configured but no proxy is trusted
hstsguard.W112     trusted proxies without SECURE_PROXY_SSL_HEADER (request.is_secure() stays http)
=================  ==========================================================================
"""

from __future__ import annotations

import difflib
from typing import Any

from django import conf as django_conf
from django.conf import global_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.checks.security.base import (
    CROSS_ORIGIN_OPENER_POLICY_VALUES,
    REFERRER_POLICY_VALUES,
)

from hstsguard.django.conf import HSTSGUARD_KEYS, DjangoConfig, build

MIDDLEWARE_PATHS = (
    "hstsguard.django.SecurityMiddleware",
    "hstsguard.django.middleware.SecurityMiddleware",
)
DJANGO_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"

_KNOWN_NAMES = sorted(
    {n for n in dir(global_settings) if n.startswith("SECURE_")} | {"HSTSGUARD"}
)


def _ours() -> bool:
    return any(p in django_conf.settings.MIDDLEWARE for p in MIDDLEWARE_PATHS)


def _misspellings() -> list[CheckMessage]:
    known_everywhere = {n for n in dir(global_settings) if n.isupper()} | {"HSTSGUARD"}
    messages: list[CheckMessage] = []
    for name in sorted(n for n in dir(django_conf.settings) if n.isupper()):
        if name in known_everywhere:
            continue
        close = difflib.get_close_matches(name, _KNOWN_NAMES, n=1, cutoff=0.85)
        if not close:
            continue
        messages.append(
            Warning(
                f"{name} is not a setting that Django or hstsguard reads, so it has "
                f"no effect.",
                hint=f"Did you mean {close[0]}?",
                obj=name,
                id="hstsguard.W002",
            )
        )
    extra = getattr(django_conf.settings, "HSTSGUARD", None)
    if isinstance(extra, dict) and not _ours():
        # With the middleware installed these are E001 (it refuses to start).
        for key in extra:
            if key not in HSTSGUARD_KEYS:
                close = difflib.get_close_matches(str(key), HSTSGUARD_KEYS, n=1, cutoff=0.6)
                messages.append(
                    Warning(
                        f"HSTSGUARD[{key!r}] is not an hstsguard setting.",
                        hint=f"Did you mean {close[0]!r}?" if close else
                        "Known keys: " + ", ".join(HSTSGUARD_KEYS) + ".",
                        obj="HSTSGUARD",
                        id="hstsguard.W002",
                    )
                )
    return messages


@register(Tags.security)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Misspelled setting names, and settings the middleware would refuse."""
    messages = _misspellings()
    if _ours():
        _config, problems = build(django_conf.settings)
        for p in problems:
            messages.append(
                Error(
                    str(p),
                    hint="hstsguard.django.SecurityMiddleware refuses to start with this "
                    "setting (ImproperlyConfigured).",
                    obj=p.setting,
                    id="hstsguard.E001",
                )
            )
    return messages


def _attributes(set_cookie: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in set_cookie.split(";")[1:]:
        name, _, value = part.partition("=")
        out[name.strip().lower()] = value.strip()
    return out


def _cookie_secure(config: DjangoConfig, name: str, setting_secure: Any) -> bool:
    """Does the cookie leave with Secure on a secure request: by the Django setting, or
    because the hstsguard cookie rules add it?"""
    if setting_secure is True:
        return True
    flagged = config.policy.flag_set_cookie(f"{name}=x; Path=/", True)
    return "secure" in _attributes(flagged.value)


def _cookie_checks(config: DjangoConfig) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    session_used = (
        "django.contrib.sessions" in django_conf.settings.INSTALLED_APPS
        or "django.contrib.sessions.middleware.SessionMiddleware" in django_conf.settings.MIDDLEWARE
    )
    csrf_used = (
        "django.middleware.csrf.CsrfViewMiddleware" in django_conf.settings.MIDDLEWARE
        and not django_conf.settings.CSRF_USE_SESSIONS
    )
    cookies = []
    if session_used:
        cookies.append(("SESSION", django_conf.settings.SESSION_COOKIE_NAME, "W012", "session"))
    if csrf_used:
        cookies.append(("CSRF", django_conf.settings.CSRF_COOKIE_NAME, "W016", "CSRF"))
    for prefix, name, check_id, what in cookies:
        secure_setting = getattr(django_conf.settings, f"{prefix}_COOKIE_SECURE")
        secure = _cookie_secure(config, name, secure_setting)
        if not secure:
            messages.append(
                Warning(
                    f"Your {prefix}_COOKIE_SECURE setting is not set to True and no "
                    f"hstsguard cookie rule adds Secure to the {what} cookie "
                    f"({name!r}), so it can be sent over plain HTTP and stolen.",
                    hint=f"Set {prefix}_COOKIE_SECURE = True, or add a rule to "
                    "HSTSGUARD['COOKIES'], such as {'name': '*', 'secure': True}.",
                    id=f"hstsguard.{check_id}",
                )
            )
        samesite = getattr(django_conf.settings, f"{prefix}_COOKIE_SAMESITE")
        if isinstance(samesite, str) and samesite.lower() == "none" and not secure:
            flagged = config.policy.flag_set_cookie(f"{name}=x; SameSite=None", True)
            if "secure" not in _attributes(flagged.value):
                messages.append(
                    Warning(
                        f"{prefix}_COOKIE_SAMESITE is 'None' but the {what} cookie is not "
                        "Secure: browsers reject such cookies.",
                        hint=f"Set {prefix}_COOKIE_SECURE = True.",
                        id="hstsguard.W103",
                    )
                )
    return messages


@register(Tags.security, deploy=True)
def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """What Django's security checks say of its middleware, and more."""
    if not _ours():
        return []
    config, _problems = build(django_conf.settings)
    if config is None:
        return []  # check_settings reports the problems (hstsguard.E001).
    policy = config.policy
    warnings = {w.code: w for w in policy.warnings}
    extra = getattr(django_conf.settings, "HSTSGUARD", None) or {}
    messages: list[CheckMessage] = []

    def warn(check_id: str, msg: str, hint: str | None = None) -> None:
        messages.append(Warning(msg, hint=hint, id=f"hstsguard.{check_id}"))

    if DJANGO_MIDDLEWARE in django_conf.settings.MIDDLEWARE:
        warn(
            "W107",
            "Both django.middleware.security.SecurityMiddleware and "
            "hstsguard.django.SecurityMiddleware are in MIDDLEWARE.",
            "Remove Django's: hstsguard's replaces it, and with both, Django's "
            "decides first.",
        )

    hsts = policy.hsts
    if "policy.hsts.disabled" in warnings:
        warn(
            "W004",
            "HSTS is off: SECURE_HSTS_SECONDS is not set (or is 0). If your entire site "
            "is served only over HTTPS, set it to enable HTTP Strict Transport Security.",
            "Start with a short max-age and raise it to one year or more; enabling HSTS "
            "carelessly can cause serious, irreversible problems.",
        )
    else:
        if "policy.hsts.no_include_subdomains" in warnings:
            warn(
                "W005",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS is not True: subdomains (and cookies "
                "scoped to them) stay open to downgrade attacks.",
                "Set it to True once every subdomain is served only over HTTPS.",
            )
        if hsts is not None and not hsts.preload:
            warn(
                "W021",
                "SECURE_HSTS_PRELOAD is not True: the site cannot be submitted to the "
                "browsers' preload list.",
            )
        if "policy.hsts.short_max_age" in warnings:
            warn("W102", warnings["policy.hsts.short_max_age"].message,
                 "One year (31536000) or more is the usual value, and the preload "
                 "list's minimum.")
        if "policy.hsts.preload_not_eligible" in warnings and hsts is not None:
            verdict = hsts.preload_check()
            warn(
                "W101",
                f"SECURE_HSTS_PRELOAD is set, but the header {str(hsts)!r} would be "
                f"refused by hstspreload.org: {', '.join(verdict.errors)}.",
                " ".join(i.message for i in verdict.issues if i.is_error),
            )
        if "policy.hsts.sent_over_http" in warnings:
            warn("W110", warnings["policy.hsts.sent_over_http"].message)

    if "policy.redirect.disabled" in warnings:
        warn(
            "W008",
            "SECURE_SSL_REDIRECT is not True: plain-HTTP requests are served as they are.",
            "Set it to True, unless a load balancer or proxy already redirects every "
            "request to HTTPS.",
        )
    elif (
        "policy.redirect.any_host" in warnings
        and "*" in django_conf.settings.ALLOWED_HOSTS
    ):
        warn(
            "W109",
            "Redirects to HTTPS follow any Host header: ALLOWED_HOSTS contains '*' and "
            "SECURE_SSL_HOST is not set.",
            "List your host names in ALLOWED_HOSTS, or set SECURE_SSL_HOST.",
        )

    if not django_conf.settings.SECURE_CONTENT_TYPE_NOSNIFF:
        warn(
            "W006",
            "SECURE_CONTENT_TYPE_NOSNIFF is not True, so responses do not carry "
            "'X-Content-Type-Options: nosniff'.",
        )
    referrer = django_conf.settings.SECURE_REFERRER_POLICY
    if referrer is None:
        warn(
            "W022",
            "SECURE_REFERRER_POLICY is not set, so responses carry no Referrer-Policy.",
        )
    else:
        values = (
            {v.strip() for v in referrer.split(",")}
            if isinstance(referrer, str)
            else set(referrer)
        )
        if not values <= REFERRER_POLICY_VALUES:
            messages.append(
                Error(
                    "SECURE_REFERRER_POLICY has an invalid value.",
                    hint="Valid values are: "
                    + ", ".join(sorted(REFERRER_POLICY_VALUES))
                    + ".",
                    id="hstsguard.E023",
                )
            )
    coop = django_conf.settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if coop is not None and coop not in CROSS_ORIGIN_OPENER_POLICY_VALUES:
        messages.append(
            Error(
                "SECURE_CROSS_ORIGIN_OPENER_POLICY has an invalid value.",
                hint="Valid values are: "
                + ", ".join(sorted(CROSS_ORIGIN_OPENER_POLICY_VALUES))
                + ".",
                id="hstsguard.E024",
            )
        )

    messages.extend(_cookie_checks(config))
    if "policy.cookie.samesite_none_without_secure" in warnings:
        warn("W103", warnings["policy.cookie.samesite_none_without_secure"].message)

    if "policy.proxy.trusts_everyone" in warnings:
        if config.any_peer:
            warn(
                "W105",
                "SECURE_PROXY_SSL_HEADER is believed from any client: a client that "
                "sends it directly (bypassing the proxy) is taken for HTTPS, as with "
                "Django's own middleware.",
                "List your proxies in HSTSGUARD['TRUSTED_PROXIES'] (such as "
                "['10.0.0.0/8']); hstsguard then ignores the header from anyone else and "
                "removes it, so request.is_secure() cannot be spoofed either.",
            )
        else:
            warn(
                "W104",
                warnings["policy.proxy.trusts_everyone"].message,
                "Narrow HSTSGUARD['TRUSTED_PROXIES'] to your proxies' addresses.",
            )
    if "policy.proxy.headers_without_proxies" in warnings:
        warn("W111", warnings["policy.proxy.headers_without_proxies"].message,
             "Set HSTSGUARD['TRUSTED_PROXIES'].")
    if "policy.proxy.several_sources" in warnings:
        warn("W113", warnings["policy.proxy.several_sources"].message,
             "List only the header your proxy sets in HSTSGUARD['PROXY_HEADERS'], and "
             "make the proxy overwrite or strip it on every request.")
    if extra.get("TRUSTED_PROXIES") and not django_conf.settings.SECURE_PROXY_SSL_HEADER:
        warn(
            "W112",
            "HSTSGUARD['TRUSTED_PROXIES'] is set but SECURE_PROXY_SSL_HEADER is not: "
            "hstsguard knows when a proxy says HTTPS, but Django's request.is_secure() "
            "(CSRF, build_absolute_uri) does not.",
            "Set SECURE_PROXY_SSL_HEADER to the header your proxy sets; hstsguard "
            "removes it from requests of untrusted peers.",
        )
    if "policy.hpkp.configured" in warnings:
        warn("W106", warnings["policy.hpkp.configured"].message)
    return messages
