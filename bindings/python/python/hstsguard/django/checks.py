"""System checks, registered when ``"hstsguard.django"`` is in ``INSTALLED_APPS``.

Once the project uses ``hstsguard.django.SecurityMiddleware``, Django's checks tied to
its own middleware (security.W004, W005, W006, W008, W021, W022, E023, E024) no longer
run; these take their place under the same numbers, and add what Django does not look
at. Django's other security checks keep running: security.W001 (its middleware is not
in MIDDLEWARE: silence it), and the cookie checks security.W010/W011/W012 (session) and
W016 (CSRF), which read only ``SESSION_COOKIE_SECURE`` / ``CSRF_COOKIE_SECURE``. So that
no setting gets two warnings, hstsguard.W012 / W016 speak only where Django's are
silenced: a project whose ``HSTSGUARD["COOKIES"]`` rules make those cookies Secure can
silence Django's, and hstsguard's then check that the rules do cover them.

Every deploy warning of the core (``Policy.warnings``) reaches ``check --deploy`` with
its code in the message: under a Django-like number where there is one, else as
hstsguard.W100.

=================  ==========================================================================
id                 fires when
=================  ==========================================================================
hstsguard.E001     a setting is unusable (the middleware would refuse to start); one per problem
hstsguard.E002     SECURE_PROXY_SSL_HEADER names a META key without Django's ``HTTP_`` prefix
hstsguard.W001     neither security middleware is in MIDDLEWARE while security.W001 is silenced
hstsguard.W002     a ``SECURE_*``-like or ``HSTSGUARD``-like setting name is misspelled
hstsguard.W004     HSTS is off (as security.W004)
hstsguard.W005     HSTS without includeSubDomains (as security.W005)
hstsguard.W006     no ``X-Content-Type-Options: nosniff`` (as security.W006)
hstsguard.W008     no HTTP to HTTPS redirect (as security.W008)
hstsguard.W012     security.W010/W011/W012 silenced, and no cookie rule makes the session cookie Secure
hstsguard.W016     security.W016 silenced, and no cookie rule makes the CSRF cookie Secure
hstsguard.W021     HSTS without preload (as security.W021)
hstsguard.W022     no Referrer-Policy (as security.W022)
hstsguard.E023     an invalid SECURE_REFERRER_POLICY (as security.E023)
hstsguard.E024     an invalid SECURE_CROSS_ORIGIN_OPENER_POLICY (as security.E024)
hstsguard.W100     any other deploy warning of the core (its code in the message)
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
hstsguard.W113     several proxy headers are believed
hstsguard.W114     a SECURE_REDIRECT_EXEMPT pattern starts with ``^/`` (it never matches)
=================  ==========================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import conf as django_conf
from django.conf import global_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.checks.security.base import (
    CROSS_ORIGIN_OPENER_POLICY_VALUES,
    REFERRER_POLICY_VALUES,
)
from django.core.checks.security.csrf import check_csrf_cookie_secure
from django.core.checks.security.sessions import check_session_cookie_secure

from hstsguard import Issue, suggest
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


def _silenced(check_id: str) -> bool:
    return check_id in django_conf.settings.SILENCED_SYSTEM_CHECKS


def _misspelled(name: str) -> str | None:
    """The known setting ``name`` is a typo of, by the core's suggestion. ``SECURE_*``
    names are compared after the prefix they share, so a project's own
    ``SECURE_API_KEY`` is not taken for a typo of ``SECURE_SSL_HOST``."""
    prefix = "SECURE_"
    if name.startswith(prefix):
        rests = [k[len(prefix):] for k in _KNOWN_NAMES if k.startswith(prefix)]
        close = suggest(name[len(prefix):], rests)
        return None if close is None else prefix + close
    return suggest(name, _KNOWN_NAMES)


def _misspellings() -> list[CheckMessage]:
    known_everywhere = {n for n in dir(global_settings) if n.isupper()} | {"HSTSGUARD"}
    messages: list[CheckMessage] = []
    for name in sorted(n for n in dir(django_conf.settings) if n.isupper()):
        if name in known_everywhere:
            continue
        close = _misspelled(name)
        if close is None:
            continue
        messages.append(
            Warning(
                f"{name} is not a setting that Django or hstsguard reads, so it has "
                f"no effect.",
                hint=f"Did you mean {close}?",
                obj=name,
                id="hstsguard.W002",
            )
        )
    extra = getattr(django_conf.settings, "HSTSGUARD", None)
    if isinstance(extra, dict) and not _ours():
        # With the middleware installed these are E001 (it refuses to start).
        for key in extra:
            if key not in HSTSGUARD_KEYS:
                close = suggest(str(key), list(HSTSGUARD_KEYS))
                messages.append(
                    Warning(
                        f"HSTSGUARD[{key!r}] is not an hstsguard setting.",
                        hint=f"Did you mean {close!r}?" if close else
                        "Known keys: " + ", ".join(HSTSGUARD_KEYS) + ".",
                        obj="HSTSGUARD",
                        id="hstsguard.W002",
                    )
                )
    return messages


def _proxy_header_prefix() -> list[CheckMessage]:
    """SECURE_PROXY_SSL_HEADER must name the META key Django stores the header under:
    ``HTTP_`` and the name in capitals with ``_`` for ``-``. Any other name is never
    found on a request, so no request counts as HTTPS: behind a proxy that terminates
    TLS, every request is redirected to itself."""
    setting = getattr(django_conf.settings, "SECURE_PROXY_SSL_HEADER", None)
    if not isinstance(setting, (tuple, list)) or len(setting) != 2:
        return []  # unset, or unusable (hstsguard.E001 says so)
    key, value = setting
    if not isinstance(key, str) or key.startswith("HTTP_"):
        return []
    fixed = "HTTP_" + key.upper().replace("-", "_")
    return [
        Error(
            f"SECURE_PROXY_SSL_HEADER names {key!r}, which is not where Django puts a "
            "request header in request.META (those keys start with 'HTTP_'): no request "
            "is taken for HTTPS, so behind a proxy that terminates TLS every request is "
            "redirected to itself (a redirect loop).",
            hint=f"Did you mean ({fixed!r}, {value!r})? If your server itself sets "
            f"{key!r} in the WSGI environ, silence hstsguard.E002.",
            obj="SECURE_PROXY_SSL_HEADER",
            id="hstsguard.E002",
        )
    ]


_NEVER_MATCHES = re.compile(r"^(\^|\\A)/")


def _exempt_patterns() -> list[CheckMessage]:
    """Django searches SECURE_REDIRECT_EXEMPT in ``request.path`` without its leading
    ``/`` (``/healthz`` is matched as ``healthz``): a pattern anchored before a ``/``
    never matches."""
    messages: list[CheckMessage] = []
    patterns = getattr(django_conf.settings, "SECURE_REDIRECT_EXEMPT", None) or []
    if not isinstance(patterns, (list, tuple)):
        return messages
    for i, pattern in enumerate(patterns):
        text = getattr(pattern, "pattern", pattern)
        found = _NEVER_MATCHES.match(text) if isinstance(text, str) else None
        if found is None:
            continue
        anchor = found.group(1)
        fixed = anchor + text[len(anchor) + 1:]
        messages.append(
            Warning(
                f"SECURE_REDIRECT_EXEMPT[{i}] = {text!r} never matches: Django searches "
                "the patterns in the path without its leading '/' (the path '/healthz' "
                "is searched as 'healthz').",
                hint=f"Did you mean {fixed!r}?",
                obj="SECURE_REDIRECT_EXEMPT",
                id="hstsguard.W114",
            )
        )
    return messages


@register(Tags.security)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Misspelled setting names, settings the middleware would refuse, and settings
    that look right but cannot work (with either middleware)."""
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
    messages.extend(_proxy_header_prefix())
    messages.extend(_exempt_patterns())
    return messages


def _cookie_secure(config: DjangoConfig, name: str, setting_secure: Any) -> bool:
    """Does the cookie leave with Secure on a secure request: by the Django setting, or
    because the hstsguard cookie rules add it?"""
    if setting_secure is True:
        return True
    return config.policy.flag_set_cookie(f"{name}=x; Path=/", True).attributes.secure


def _unsilenced(messages: list[CheckMessage]) -> list[CheckMessage]:
    return [m for m in messages if not _silenced(m.id)]


def _cookie_checks(config: DjangoConfig) -> list[CheckMessage]:
    """hstsguard.W012 / W016 where Django's own cookie checks are silenced (they still
    run with hstsguard's middleware), and W103."""
    settings = django_conf.settings
    messages: list[CheckMessage] = []
    cookies = [
        # (prefix, cookie name, our id, what, Django's check)
        ("SESSION", settings.SESSION_COOKIE_NAME, "W012", "session",
         check_session_cookie_secure),
        ("CSRF", settings.CSRF_COOKIE_NAME, "W016", "CSRF", check_csrf_cookie_secure),
    ]
    for prefix, name, check_id, what, djangos_check in cookies:
        djangos = djangos_check(None)
        if not djangos:
            continue  # Secure by setting, or the cookie is not used.
        secure = _cookie_secure(config, name, getattr(settings, f"{prefix}_COOKIE_SECURE"))
        if not secure and not _unsilenced(djangos):
            silenced = ", ".join(m.id for m in djangos)
            messages.append(
                Warning(
                    f"Your {prefix}_COOKIE_SECURE setting is not set to True and no "
                    f"hstsguard cookie rule adds Secure to the {what} cookie "
                    f"({name!r}), so it can be sent over plain HTTP and stolen "
                    f"({silenced} is silenced).",
                    hint=f"Set {prefix}_COOKIE_SECURE = True, or add a rule to "
                    "HSTSGUARD['COOKIES'], such as {'name': '*', 'secure': True}.",
                    id=f"hstsguard.{check_id}",
                )
            )
        samesite = getattr(settings, f"{prefix}_COOKIE_SAMESITE")
        if isinstance(samesite, str) and samesite.lower() == "none" and not secure:
            flagged = config.policy.flag_set_cookie(f"{name}=x; SameSite=None", True)
            if not flagged.attributes.secure:
                messages.append(
                    Warning(
                        f"{prefix}_COOKIE_SAMESITE is 'None' but the {what} cookie is not "
                        "Secure: browsers reject such cookies.",
                        hint=f"Set {prefix}_COOKIE_SECURE = True.",
                        id="hstsguard.W103",
                    )
                )
    return messages


def _warning(check_id: str, msg: str, hint: str | None = None) -> Warning:
    return Warning(msg, hint=hint, id=f"hstsguard.{check_id}")


def _core(issue: Issue, check_id: str = "W100", hint: str | None = None,
          msg: str | None = None) -> list[CheckMessage]:
    """A core warning as a check message, with the core's code."""
    return [_warning(check_id, f"{msg or issue.message} [{issue.code}]", hint)]


_Translate = Callable[[DjangoConfig, Issue], list[CheckMessage]]


def _hsts_disabled(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    return _core(
        issue, "W004",
        "Start with a short max-age and raise it to one year or more (HSTSGUARD['POLICY'] "
        "{'hsts': {'ramp': ...}} does it on a schedule); enabling HSTS carelessly can "
        "cause serious, irreversible problems.",
        "HSTS is off: SECURE_HSTS_SECONDS is not set (or is 0). If your entire site is "
        "served only over HTTPS, set it to enable HTTP Strict Transport Security.",
    )


def _no_include_subdomains(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    return _core(
        issue, "W005", "Set it to True once every subdomain is served only over HTTPS.",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS is not True: subdomains (and cookies scoped to "
        "them) stay open to downgrade attacks.",
    )


def _preload_not_eligible(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    hsts = config.policy.hsts
    if hsts is None:
        return _core(issue, "W101")
    verdict = hsts.preload_check()
    return _core(
        issue, "W101", " ".join(i.message for i in verdict.issues if i.is_error),
        f"SECURE_HSTS_PRELOAD is set, but the header {str(hsts)!r} would be refused by "
        f"hstspreload.org: {', '.join(verdict.errors)}.",
    )


def _redirect_disabled(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    return _core(
        issue, "W008",
        "Set it to True, unless a load balancer or proxy already redirects every request "
        "to HTTPS.",
        "SECURE_SSL_REDIRECT is not True: plain-HTTP requests are served as they are.",
    )


def _any_host(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    # Django's ALLOWED_HOSTS bounds the Host of a redirect (request.get_host()); the
    # core follows any Host only when ALLOWED_HOSTS does.
    if "*" not in django_conf.settings.ALLOWED_HOSTS:
        return []
    return _core(
        issue, "W109", "List your host names in ALLOWED_HOSTS, or set SECURE_SSL_HOST.",
        "Redirects to HTTPS follow any Host header: ALLOWED_HOSTS contains '*' and "
        "SECURE_SSL_HOST is not set.",
    )


def _cookie_not_secure(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    # Cookie flagging is off by default on this face, as in Django: the cookies Django
    # sets are checked by security.W010-W012 / W016, or hstsguard.W012 / W016.
    return []


def _trusts_everyone(config: DjangoConfig, issue: Issue) -> list[CheckMessage]:
    if config.any_peer:
        return _core(
            issue, "W105",
            "List your proxies in HSTSGUARD['TRUSTED_PROXIES'] (such as ['10.0.0.0/8']); "
            "hstsguard then ignores the header from anyone else and removes it, so "
            "request.is_secure() cannot be spoofed either.",
            "SECURE_PROXY_SSL_HEADER is believed from any client: a client that sends it "
            "directly (bypassing the proxy) is taken for HTTPS, as with Django's own "
            "middleware.",
        )
    return _core(issue, "W104", "Narrow HSTSGUARD['TRUSTED_PROXIES'] to your proxies' addresses.")


#: How each core warning is said on this face; any other goes out as hstsguard.W100.
_TRANSLATIONS: dict[str, _Translate] = {
    "policy.hsts.disabled": _hsts_disabled,
    "policy.hsts.no_include_subdomains": _no_include_subdomains,
    "policy.hsts.short_max_age": lambda c, i: _core(
        i, "W102", "One year (31536000) or more is the usual value, and the preload "
        "list's minimum."),
    "policy.hsts.preload_not_eligible": _preload_not_eligible,
    "policy.hsts.sent_over_http": lambda c, i: _core(i, "W110"),
    "policy.redirect.disabled": _redirect_disabled,
    "policy.redirect.any_host": _any_host,
    "policy.cookie.not_secure": _cookie_not_secure,
    "policy.cookie.samesite_none_without_secure": lambda c, i: _core(i, "W103"),
    "policy.proxy.trusts_everyone": _trusts_everyone,
    "policy.proxy.headers_without_proxies": lambda c, i: _core(
        i, "W111", "Set HSTSGUARD['TRUSTED_PROXIES']."),
    "policy.proxy.several_sources": lambda c, i: _core(
        i, "W113", "List only the header your proxy sets in HSTSGUARD['PROXY_HEADERS'], "
        "and make the proxy overwrite or strip it on every request."),
    "policy.hpkp.configured": lambda c, i: _core(i, "W106"),
}


def core_warnings(config: DjangoConfig, warnings: list[Issue]) -> list[CheckMessage]:
    """Every deploy warning of the core as check messages with the core's code."""
    messages: list[CheckMessage] = []
    for issue in warnings:
        translate = _TRANSLATIONS.get(issue.code)
        messages.extend(translate(config, issue) if translate else _core(issue))
    return messages


@register(Tags.security, deploy=True)
def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """What Django's security checks say of its middleware, the core's deploy
    warnings, and more."""
    settings = django_conf.settings
    if not _ours():
        if DJANGO_MIDDLEWARE not in settings.MIDDLEWARE and _silenced("security.W001"):
            return [
                _warning(
                    "W001",
                    "Neither hstsguard.django.SecurityMiddleware nor Django's "
                    "SecurityMiddleware is in MIDDLEWARE (security.W001 is silenced): no "
                    "HSTS, no redirect to HTTPS.",
                    "Add 'hstsguard.django.SecurityMiddleware' to MIDDLEWARE.",
                )
            ]
        return []
    config, _problems = build(settings)
    if config is None:
        return []  # check_settings reports the problems (hstsguard.E001).
    policy = config.policy
    extra = getattr(settings, "HSTSGUARD", None) or {}
    messages: list[CheckMessage] = []

    if DJANGO_MIDDLEWARE in settings.MIDDLEWARE:
        messages.append(_warning(
            "W107",
            "Both django.middleware.security.SecurityMiddleware and "
            "hstsguard.django.SecurityMiddleware are in MIDDLEWARE.",
            "Remove Django's: hstsguard's replaces it, and with both, Django's "
            "decides first.",
        ))

    messages.extend(core_warnings(config, policy.warnings))

    # Django's own checks of its middleware's settings that are not core warnings.
    hsts = policy.hsts
    hsts_off = any(w.code == "policy.hsts.disabled" for w in policy.warnings)
    if hsts is not None and not hsts_off and not hsts.preload:
        messages.append(_warning(
            "W021",
            "SECURE_HSTS_PRELOAD is not True: the site cannot be submitted to the "
            "browsers' preload list.",
        ))
    if not settings.SECURE_CONTENT_TYPE_NOSNIFF:
        messages.append(_warning(
            "W006",
            "SECURE_CONTENT_TYPE_NOSNIFF is not True, so responses do not carry "
            "'X-Content-Type-Options: nosniff'.",
        ))
    referrer = settings.SECURE_REFERRER_POLICY
    if referrer is None:
        messages.append(_warning(
            "W022",
            "SECURE_REFERRER_POLICY is not set, so responses carry no Referrer-Policy.",
        ))
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
    coop = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
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

    if extra.get("TRUSTED_PROXIES") and not settings.SECURE_PROXY_SSL_HEADER:
        messages.append(_warning(
            "W112",
            "HSTSGUARD['TRUSTED_PROXIES'] is set but SECURE_PROXY_SSL_HEADER is not: "
            "hstsguard knows when a proxy says HTTPS, but Django's request.is_secure() "
            "(CSRF, build_absolute_uri) does not.",
            "Set SECURE_PROXY_SSL_HEADER to the header your proxy sets; hstsguard "
            "removes it from requests of untrusted peers.",
        ))
    return messages
