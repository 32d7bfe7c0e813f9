"""The system checks: each one firing and not firing, and ``manage.py check --deploy``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.checks import run_checks

import hstsguard
from django.core.management import call_command
from django.core.management.base import SystemCheckError

PINS = [
    "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=",
    "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=",
]

GOOD = {
    "SECURE_HSTS_SECONDS": 63072000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def ids(deploy: bool = True) -> list[str]:
    return sorted(
        m.id for m in run_checks(include_deployment_checks=deploy) if m.id.startswith("hstsguard.")
    )


def configure(settings: Any, **values: Any) -> None:
    for name, value in {**GOOD, **values}.items():
        setattr(settings, name, value)


def test_a_good_deployment_has_no_hstsguard_message(settings: Any) -> None:
    configure(settings)
    assert ids() == []


def all_ids(deploy: bool = True) -> set[str]:
    # What `manage.py check` shows: silenced checks are left out.
    return {m.id for m in run_checks(include_deployment_checks=deploy) if not m.is_silenced()}


def test_the_test_project_defaults(settings: Any) -> None:
    # tests/django_settings.py: one year, no includeSubDomains, no preload, cookies
    # without Secure (Django's own security.W012 / W016 say so; they keep running).
    assert ids() == ["hstsguard.W005", "hstsguard.W021"]
    assert {"security.W012", "security.W016"} <= all_ids()


def test_w004_hsts_off(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=0)
    assert ids() == ["hstsguard.W004"]


def test_w005_w021_w102(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=False,
              SECURE_HSTS_PRELOAD=False)
    assert ids() == ["hstsguard.W005", "hstsguard.W021", "hstsguard.W102"]


def test_w101_preload_not_eligible(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=300, SECURE_HSTS_INCLUDE_SUBDOMAINS=False)
    messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "hstsguard.W101"]
    assert len(messages) == 1
    assert "header.preloadable.include_sub_domains.missing" in messages[0].msg
    assert "header.preloadable.max_age.below_1_year" in messages[0].msg
    assert "max-age=300; preload" in messages[0].msg


def test_w101_not_for_an_eligible_header(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=31536000)
    assert "hstsguard.W101" not in ids()


def test_w008_redirect_off(settings: Any) -> None:
    configure(settings, SECURE_SSL_REDIRECT=False)
    assert ids() == ["hstsguard.W008"]


def test_w006_w022_e023_e024(settings: Any) -> None:
    configure(settings, SECURE_CONTENT_TYPE_NOSNIFF=False, SECURE_REFERRER_POLICY=None)
    assert ids() == ["hstsguard.W006", "hstsguard.W022"]
    configure(settings, SECURE_CONTENT_TYPE_NOSNIFF=True, SECURE_REFERRER_POLICY="no-referrer, bogus",
              SECURE_CROSS_ORIGIN_OPENER_POLICY="bogus")
    assert ids() == ["hstsguard.E023", "hstsguard.E024"]


SILENCE_COOKIES = ["security.W001", "security.W012", "security.W016"]


def test_djangos_cookie_checks_still_run_and_ours_do_not_repeat_them(settings: Any) -> None:
    # Django's security.W010-W012 and W016 do not depend on its SecurityMiddleware: they
    # run with ours, so ours stay quiet for the same setting.
    configure(settings, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)
    found = all_ids()
    assert {"security.W012", "security.W016"} <= found
    assert not {"hstsguard.W012", "hstsguard.W016"} & found
    # Django's session check says W010 or W011 when only the app or the middleware is used.
    configure(settings, SESSION_COOKIE_SECURE=False, MIDDLEWARE=[
        m for m in settings.MIDDLEWARE if "SessionMiddleware" not in m])
    found = all_ids()
    assert "security.W010" in found and "hstsguard.W012" not in found


def test_w012_w016_take_over_when_djangos_are_silenced(settings: Any) -> None:
    configure(settings, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False,
              SILENCED_SYSTEM_CHECKS=SILENCE_COOKIES)
    assert ids() == ["hstsguard.W012", "hstsguard.W016"]
    messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "hstsguard.W012"]
    assert "security.W012 is silenced" in messages[0].msg


def test_w012_w016_quiet_when_cookie_rules_add_secure(settings: Any) -> None:
    configure(settings, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False,
              SILENCED_SYSTEM_CHECKS=SILENCE_COOKIES,
              HSTSGUARD={"COOKIES": [{"name": "*", "secure": True}]})
    assert ids() == []
    assert not {"security.W012", "security.W016"} & all_ids()


def test_w012_when_rules_miss_the_session_cookie(settings: Any) -> None:
    configure(settings, SESSION_COOKIE_SECURE=False, SILENCED_SYSTEM_CHECKS=SILENCE_COOKIES,
              HSTSGUARD={"COOKIES": [{"name": "csrftoken", "secure": True}]})
    assert ids() == ["hstsguard.W012"]


def test_no_cookie_check_fires_twice_for_one_setting(settings: Any) -> None:
    for silenced in ([], SILENCE_COOKIES, ["security.W012"], ["security.W016"]):
        configure(settings, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False,
                  SILENCED_SYSTEM_CHECKS=["security.W001", *silenced])
        found = all_ids()
        assert len({"security.W012", "hstsguard.W012"} & found) == 1, silenced
        assert len({"security.W016", "hstsguard.W016"} & found) == 1, silenced


def test_w016_quiet_with_csrf_in_sessions(settings: Any) -> None:
    configure(settings, CSRF_COOKIE_SECURE=False, CSRF_USE_SESSIONS=True,
              SILENCED_SYSTEM_CHECKS=SILENCE_COOKIES)
    assert ids() == []


def test_w103_samesite_none_without_secure(settings: Any) -> None:
    configure(settings, SESSION_COOKIE_SECURE=False, SESSION_COOKIE_SAMESITE="None")
    assert ids() == ["hstsguard.W103"]
    # Cookie flagging on: the core adds Secure to SameSite=None (and here to everything).
    configure(settings, SESSION_COOKIE_SECURE=False, SESSION_COOKIE_SAMESITE="None",
              HSTSGUARD={"COOKIES": True})
    assert ids() == []


def test_w103_from_a_cookie_rule(settings: Any) -> None:
    configure(settings, HSTSGUARD={"COOKIES": [{"name": "*", "secure": False, "same_site": "None"}]})
    assert "hstsguard.W103" in ids()


def test_w104_trusted_proxy_trusts_everyone(settings: Any) -> None:
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["0.0.0.0/0"]})
    assert ids() == ["hstsguard.W104"]


def test_w105_proxy_header_without_trusted_proxies(settings: Any) -> None:
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    assert ids() == ["hstsguard.W105"]
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
    assert ids() == []


def test_w111_w112_proxy_settings(settings: Any) -> None:
    configure(settings, HSTSGUARD={"PROXY_HEADERS": ["x-forwarded-proto"]})
    assert ids() == ["hstsguard.W111"]
    configure(settings, HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
    assert ids() == ["hstsguard.W112"]


def test_w113_several_proxy_sources(settings: Any) -> None:
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"],
                         "PROXY_HEADERS": ["forwarded", "x-forwarded-proto"]})
    assert ids() == ["hstsguard.W113"]
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
    assert ids() == []  # SECURE_PROXY_SSL_HEADER alone: one source


def test_w106_hpkp(settings: Any) -> None:
    configure(settings, HSTSGUARD={"HPKP": {"acknowledge_deprecation": True, "pins": PINS,
                                            "max_age": 600}})
    assert ids() == ["hstsguard.W106"]


def test_w107_both_middlewares(settings: Any) -> None:
    configure(settings, MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware", *settings.MIDDLEWARE])
    assert ids() == ["hstsguard.W107"]


def test_w109_any_host(settings: Any) -> None:
    configure(settings, ALLOWED_HOSTS=["*"])
    assert ids() == ["hstsguard.W109"]
    configure(settings, ALLOWED_HOSTS=["*"], SECURE_SSL_HOST="example.com")
    assert ids() == []


def test_w110_hsts_over_http(settings: Any) -> None:
    configure(settings, HSTSGUARD={"POLICY": {"hsts": {"send": "always"}}})
    assert ids() == ["hstsguard.W110"]


def test_w002_misspelled_settings(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECOND=31536000, HSTS_GUARD={}, SECURE_API_KEY="x")
    messages = [m for m in run_checks(include_deployment_checks=False) if m.id == "hstsguard.W002"]
    assert sorted((m.obj, m.hint) for m in messages) == [
        ("HSTS_GUARD", "Did you mean HSTSGUARD?"),
        ("SECURE_HSTS_SECOND", "Did you mean SECURE_HSTS_SECONDS?"),
    ]


def test_w002_hstsguard_keys_without_the_middleware(settings: Any) -> None:
    configure(settings, MIDDLEWARE=["django.middleware.security.SecurityMiddleware"],
              HSTSGUARD={"COOKIE": True})
    messages = [m for m in run_checks() if m.id == "hstsguard.W002"]
    assert [m.hint for m in messages] == ["Did you mean 'COOKIES'?"]


def test_e001_unusable_settings_even_without_deploy(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=-1, HSTSGUARD={"TRUSTED_PROXY": []})
    messages = [m for m in run_checks() if m.id == "hstsguard.E001"]
    assert [m.obj for m in messages] == ["HSTSGUARD['TRUSTED_PROXY']", "SECURE_HSTS_SECONDS"]
    assert "[duration.negative]" in messages[1].msg
    assert "did you mean 'TRUSTED_PROXIES'" in messages[0].msg


def test_nothing_when_djangos_middleware_is_used(settings: Any) -> None:
    configure(settings, MIDDLEWARE=["django.middleware.security.SecurityMiddleware"],
              SECURE_HSTS_SECONDS=0, SILENCED_SYSTEM_CHECKS=[])
    assert ids() == []
    all_ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "security.W004" in all_ids


def test_manage_py_check_deploy_shows_them(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=3600, SECURE_HSTS_PRELOAD=True,
              SESSION_COOKIE_SECURE=False)
    out = StringIO()
    call_command("check", "--deploy", stdout=out, stderr=out)
    text = out.getvalue()
    for check_id in ("hstsguard.W101", "hstsguard.W102", "security.W012"):
        assert f"({check_id})" in text
    assert "[policy.hsts.short_max_age]" in text
    assert "(hstsguard.W012)" not in text


def test_manage_py_check_deploy_fails_on_errors(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=3600.0)
    with pytest.raises(SystemCheckError, match=r"hstsguard.E001.*duration.fractional"):
        call_command("check", "--deploy", stdout=StringIO(), stderr=StringIO())


# --- Every core warning, with its code ---------------------------------------------------


def deploy_messages() -> list[Any]:
    return [m for m in run_checks(include_deployment_checks=True) if m.id.startswith("hstsguard.")]


def test_core_warnings_carry_their_codes(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=False,
              SECURE_SSL_REDIRECT=False)
    text = {m.id: m.msg for m in deploy_messages()}
    assert text["hstsguard.W102"].endswith("[policy.hsts.short_max_age]")
    assert text["hstsguard.W005"].endswith("[policy.hsts.no_include_subdomains]")
    assert text["hstsguard.W008"].endswith("[policy.redirect.disabled]")


def test_max_age_in_milliseconds_reaches_check_deploy(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS=31536000000)
    (message,) = [m for m in deploy_messages() if m.id == "hstsguard.W100"]
    assert "[policy.hsts.max_age_looks_like_milliseconds]" in message.msg
    assert "did you mean 31536000?" in message.msg
    out = StringIO()
    call_command("check", "--deploy", stdout=out, stderr=out)
    assert "policy.hsts.max_age_looks_like_milliseconds" in out.getvalue()


def test_ramp_preload_short_last_stage_reaches_check_deploy(settings: Any) -> None:
    configure(settings, HSTSGUARD={"POLICY": {"hsts": {"ramp": {
        "start": "2026-01-01", "stages": ["5m", "1d", "30d"]}}}})
    codes = [m.msg for m in deploy_messages() if m.id == "hstsguard.W100"]
    assert len(codes) == 1 and "[policy.hsts.ramp_preload_short_last_stage]" in codes[0]


def test_several_sources_reaches_check_deploy_with_its_code(settings: Any) -> None:
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"],
                         "PROXY_HEADERS": ["forwarded", "x-forwarded-proto"]})
    (message,) = [m for m in deploy_messages() if m.id == "hstsguard.W113"]
    assert message.msg.endswith("[policy.proxy.several_sources]")


def test_every_core_warning_is_said(settings: Any) -> None:
    # A core warning without a translation of its own (a future one) still reaches
    # check --deploy, as hstsguard.W100 with its code.
    from hstsguard.django import checks
    from hstsguard.django.conf import load

    class Future:
        code = "policy.future.something"
        message = "Something the core learnt to warn about."

    configure(settings)
    (message,) = checks.core_warnings(load(), [Future()])  # type: ignore[list-item]
    assert (message.id, message.msg) == (
        "hstsguard.W100", "Something the core learnt to warn about. [policy.future.something]")
    # Every warning code the core has today is either translated or goes out as W100.
    policy_codes = [c for c in hstsguard.ISSUE_CODES if c.startswith("policy.")]
    assert policy_codes and set(checks._TRANSLATIONS) <= set(policy_codes)


# --- Settings that look right but cannot work ---------------------------------------------


def test_e002_proxy_header_without_http_prefix(settings: Any) -> None:
    configure(settings, SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
    (message,) = [m for m in run_checks() if m.id == "hstsguard.E002"]
    assert message.hint.startswith("Did you mean ('HTTP_X_FORWARDED_PROTO', 'https')?")
    assert "redirect loop" in message.msg
    with pytest.raises(SystemCheckError, match="hstsguard.E002"):
        call_command("check", stdout=StringIO(), stderr=StringIO())
    # Also with Django's middleware: the setting means the same to it.
    configure(settings, SECURE_PROXY_SSL_HEADER=("X_FORWARDED_PROTO", "https"),
              MIDDLEWARE=["django.middleware.security.SecurityMiddleware"])
    assert "hstsguard.E002" in all_ids(deploy=False)
    configure(settings, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
              HSTSGUARD={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
    assert "hstsguard.E002" not in all_ids()


def test_w114_exempt_pattern_with_a_leading_slash(settings: Any) -> None:
    configure(settings, SECURE_REDIRECT_EXEMPT=[r"^healthz$", r"^/healthz$", r"\A/api/", "/x"])
    messages = [m for m in run_checks() if m.id == "hstsguard.W114"]
    assert [m.hint for m in messages] == ["Did you mean '^healthz$'?", "Did you mean '\\\\Aapi/'?"]
    assert "SECURE_REDIRECT_EXEMPT[1] = '^/healthz$' never matches" in messages[0].msg


def test_w001_when_no_security_middleware_is_left(settings: Any) -> None:
    # The README says to silence security.W001; hstsguard.W001 keeps that from hiding a
    # project with no security middleware at all.
    configure(settings, MIDDLEWARE=[m for m in settings.MIDDLEWARE if "SecurityMiddleware" not in m])
    assert ids() == ["hstsguard.W001"]
    configure(settings, SILENCED_SYSTEM_CHECKS=[])
    assert "hstsguard.W001" not in all_ids() and "security.W001" in all_ids()


def test_e001_duration_in_words_did_you_mean(settings: Any) -> None:
    configure(settings, SECURE_HSTS_SECONDS="2 years")
    (message,) = [m for m in run_checks() if m.id == "hstsguard.E001"]
    assert 'did you mean "2y"?' in message.msg and "[duration.unknown_unit]" in message.msg
