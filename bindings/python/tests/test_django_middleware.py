"""hstsguard.django.SecurityMiddleware with the real test client and RequestFactory.

The project is tests/django_settings.py (our middleware first, sessions, CSRF);
each test adjusts settings with pytest-django's ``settings`` fixture before the first
request, when the client builds its middleware chain.
"""

from __future__ import annotations

import datetime
import logging
from http.cookies import SimpleCookie
from typing import Any

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.test import Client, RequestFactory

from hstsguard.django import SecurityMiddleware
from hstsguard.django.middleware import _redirects

HSTS = "Strict-Transport-Security"
rf = RequestFactory()


def ok_view(request: Any) -> HttpResponse:
    return HttpResponse("ok")


def set_cookie_header(response: Any, name: str) -> str:
    """The Set-Cookie value Django's handler sends for cookie ``name``."""
    return str(response.cookies[name].OutputString())


def cookie_attributes(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(";")[1:]:
        k, _, v = part.partition("=")
        out[k.strip().lower()] = v.strip()
    return out


# --- HSTS -------------------------------------------------------------------------


def test_secure_request_gets_hsts_and_djangos_other_headers(client: Client) -> None:
    r = client.get("/", secure=True)
    assert r.status_code == 200
    assert r[HSTS] == "max-age=31536000"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_flags(settings: Any, client: Client) -> None:
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    r = client.get("/", secure=True)
    assert r[HSTS] == "max-age=63072000; includeSubDomains; preload"


def test_hsts_seconds_as_duration_string(settings: Any, client: Client) -> None:
    settings.SECURE_HSTS_SECONDS = "1y"
    assert client.get("/", secure=True)[HSTS] == "max-age=31536000"


def test_no_hsts_on_plain_http(settings: Any, client: Client) -> None:
    settings.SECURE_SSL_REDIRECT = False
    r = client.get("/")
    assert r.status_code == 200
    assert HSTS not in r
    assert r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("seconds", [0, None, False])
def test_hsts_off_when_seconds_falsy(settings: Any, client: Client, seconds: Any) -> None:
    settings.SECURE_HSTS_SECONDS = seconds
    assert HSTS not in client.get("/", secure=True)


def test_view_hsts_header_is_never_overwritten(client: Client) -> None:
    r = client.get("/own-hsts", secure=True)
    assert r[HSTS] == "max-age=60"


def test_view_headers_are_kept(client: Client) -> None:
    r = client.get("/own-headers", secure=True)
    assert r["X-Content-Type-Options"] == "sniff-away"
    assert r["Referrer-Policy"] == "no-referrer"
    assert r["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_non_transport_headers_follow_settings(settings: Any, client: Client) -> None:
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False
    settings.SECURE_REFERRER_POLICY = " strict-origin , no-referrer "
    settings.SECURE_CROSS_ORIGIN_OPENER_POLICY = None
    r = client.get("/", secure=True)
    assert "X-Content-Type-Options" not in r
    assert r["Referrer-Policy"] == "strict-origin,no-referrer"
    assert "Cross-Origin-Opener-Policy" not in r


def test_referrer_policy_as_list(settings: Any, client: Client) -> None:
    settings.SECURE_REFERRER_POLICY = ["no-referrer", "strict-origin"]
    assert client.get("/", secure=True)["Referrer-Policy"] == "no-referrer,strict-origin"


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "localhost", "app.localhost:8000"])
def test_no_hsts_for_ip_and_localhost_hosts(settings: Any, host: str) -> None:
    # Documented difference: RFC 6797 §8.1.1, and no HSTS pinned on a developer's
    # localhost. Django would send it.
    settings.ALLOWED_HOSTS = ["*"]
    mw = SecurityMiddleware(ok_view)
    r = mw(rf.get("/", secure=True, HTTP_HOST=host))
    assert HSTS not in r
    assert r["X-Content-Type-Options"] == "nosniff"


def test_hsts_for_localhost_when_policy_says(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.HSTSGUARD = {"POLICY": {"hsts": {"skip_localhost": False}}}
    r = SecurityMiddleware(ok_view)(rf.get("/", secure=True, HTTP_HOST="localhost"))
    assert r[HSTS] == "max-age=31536000"


def test_existing_replace_from_policy(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {"POLICY": {"hsts": {"existing": "replace"}}}
    assert client.get("/own-hsts", secure=True)[HSTS] == "max-age=31536000"


# --- Redirects ----------------------------------------------------------------------


def test_get_redirects_with_301_like_django(client: Client) -> None:
    r = client.get("/app/x?q=1&r=%20")
    assert r.status_code == 301
    assert isinstance(r, HttpResponsePermanentRedirect)
    assert r["Location"] == "https://testserver/app/x?q=1&r=%20"
    assert HSTS not in r
    assert r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "location",
    ["https://example.com/", "https://[::1]:8443/a/b?q=1&r=%20#f",
     "https://xn--bcher-kva.example/" + "".join(
         c for c in map(chr, range(33, 127)) if c not in "\"<>\\^`{|}")],
)
def test_redirect_made_without_the_constructor_is_djangos(location: str) -> None:
    # The guard skips the constructor's iri_to_uri and scheme check for a Location they
    # keep as it is: the response must be the one the constructor makes, attribute by
    # attribute (a Django release that adds state to its redirect classes fails here;
    # one that adds a check fails the equivalence table's long paths, or this).
    for status, (checked, made) in _redirects().items():
        a, b = checked(location), made(location)
        assert type(a) is type(b) and a.status_code == b.status_code == status
        assert list(a.items()) == list(b.items())
        assert a.url == b.url == location
        va, vb = vars(a), vars(b)
        assert va.keys() == vb.keys()
        for key in va:
            if key == "headers":
                assert list(va[key].items()) == list(vb[key].items())
            else:
                assert va[key] == vb[key], key


def test_the_characters_iri_to_uri_keeps() -> None:
    # The guard's table of them (bindings/python/src/django.rs pins the same literal).
    from django.utils.encoding import iri_to_uri

    kept = "".join(c for c in map(chr, range(256)) if iri_to_uri(c) == c)
    assert kept == (
        "!#$%&'()*+,-./0123456789:;=?@"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~"
    )


@pytest.mark.parametrize("code", range(0x20, 0x80))
def test_every_ascii_character_of_a_target_gives_djangos_location(code: int) -> None:
    # Whichever maker the guard picks, the redirect is what Django's constructor makes
    # of the core's Location: a target byte the core keeps but iri_to_uri encodes
    # (`^`, `|`) takes the constructor. get_full_path() never gives such a byte, so a
    # request whose get_full_path says otherwise stands in for one.
    mw = SecurityMiddleware(ok_view)
    target = f"/p{chr(code)}q?x={chr(code)}"
    req = rf.get("/p", HTTP_HOST="example.com")
    req.get_full_path = lambda: target
    core = mw.policy.evaluate(host="example.com", target=target).location
    assert core is not None
    want = HttpResponsePermanentRedirect(core, content_type="text/html; charset=utf-8")
    got = mw(req)
    assert type(got) is HttpResponsePermanentRedirect
    assert list(got.items())[:2] == list(want.items())


def test_head_redirects_with_301(client: Client) -> None:
    r = client.head("/app/x")
    assert r.status_code == 301
    assert r["Location"] == "https://testserver/app/x"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_redirect_with_308(client: Client, method: str) -> None:
    r = getattr(client, method)("/echo", data="a=1", content_type="text/plain")
    assert r.status_code == 308
    assert r["Location"] == "https://testserver/echo"


def test_redirect_status_other_can_be_djangos(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {"REDIRECT_STATUS_OTHER": 301}
    r = client.post("/echo", data={"a": "1"})
    assert r.status_code == 301
    assert isinstance(r, HttpResponsePermanentRedirect)


def test_redirect_status_get_head(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {"REDIRECT_STATUS_GET_HEAD": 307, "REDIRECT_STATUS_OTHER": 307}
    assert client.get("/").status_code == 307
    assert client.put("/echo").status_code == 307


@pytest.mark.parametrize("status", [403, 426])
def test_other_methods_refused(settings: Any, client: Client, status: int) -> None:
    settings.HSTSGUARD = {"REDIRECT_STATUS_OTHER": status}
    r = client.post("/echo", data={"a": "1"})
    assert r.status_code == status
    assert "Location" not in r
    assert b"use HTTPS" in r.content
    assert client.get("/").status_code == 301


def test_secure_post_reaches_view(client: Client) -> None:
    r = client.post("/echo", data="x", content_type="text/plain", secure=True)
    assert r.status_code == 200
    assert r.content == b"POST True b'x'"
    assert r[HSTS] == "max-age=31536000"


def test_redirect_off(settings: Any, client: Client) -> None:
    settings.SECURE_SSL_REDIRECT = False
    assert client.get("/").status_code == 200


def test_redirect_exempt_has_djangos_meaning(settings: Any, client: Client) -> None:
    # Django searches the patterns in the path without its leading slash.
    settings.SECURE_REDIRECT_EXEMPT = [r"^health$", r"^app/public/"]
    assert client.get("/health").status_code == 200
    assert client.get("/app/public/x").status_code == 200
    assert client.get("/app/private").status_code == 301
    settings.SECURE_REDIRECT_EXEMPT = [r"^/health$"]
    assert Client().get("/health").status_code == 301


def test_ssl_host(settings: Any, client: Client) -> None:
    settings.SECURE_SSL_HOST = "secure.example.com:8443"
    r = client.get("/a?b=1", HTTP_HOST="evil.example")
    # Django does not check the Host when SECURE_SSL_HOST is set; neither do we.
    assert r.status_code == 301
    assert r["Location"] == "https://secure.example.com:8443/a?b=1"


def test_host_port_is_kept_like_django(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["example.com"]
    mw = SecurityMiddleware(ok_view)
    r = mw(rf.get("/x", HTTP_HOST="example.com:8000"))
    assert r["Location"] == "https://example.com:8000/x"
    # Port 80 is never right for https (Django would write https://example.com:80/x).
    r = mw(rf.get("/x", HTTP_HOST="example.com:80"))
    assert r["Location"] == "https://example.com/x"


def test_non_ascii_path_and_query(client: Client) -> None:
    r = client.get("/app/caf\u00e9", {"q": "\u00e9 t"})
    assert r["Location"] == "https://testserver/app/caf%C3%A9?q=%C3%A9+t"


def test_leading_slashes_never_become_a_scheme_relative_location(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["example.com"]
    request = rf.get("/x", HTTP_HOST="example.com")
    request.path = request.path_info = "//evil.example/x"
    r = SecurityMiddleware(ok_view)(request)
    assert r["Location"] == "https://example.com/evil.example/x"


# --- ALLOWED_HOSTS ------------------------------------------------------------------


def test_disallowed_host_is_djangos_400(client: Client, caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
        r = client.get("/", HTTP_HOST="evil.example")
    assert r.status_code == 400
    assert "Location" not in r
    assert any("evil.example" in m for m in caplog.messages)


def test_allowed_wildcard_host(client: Client) -> None:
    r = client.get("/", HTTP_HOST="www.example.org")
    assert r.status_code == 301
    assert r["Location"] == "https://www.example.org/"


def test_disallowed_host_raises_from_middleware(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["example.com"]
    with pytest.raises(DisallowedHost):
        SecurityMiddleware(ok_view)(rf.get("/", HTTP_HOST="evil.example"))


def test_x_forwarded_host_follows_djangos_setting(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["example.com", "public.example.com"]
    settings.USE_X_FORWARDED_HOST = True
    r = SecurityMiddleware(ok_view)(
        rf.get("/x", HTTP_HOST="example.com", HTTP_X_FORWARDED_HOST="public.example.com")
    )
    assert r["Location"] == "https://public.example.com/x"


def test_host_django_allows_but_core_finds_malformed_is_400(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    with pytest.raises(DisallowedHost, match="host.malformed"):
        SecurityMiddleware(ok_view)(rf.get("/", HTTP_HOST="example.com:99999"))


def test_secure_requests_do_not_look_at_the_host(client: Client) -> None:
    # Like Django: no get_host() on the HSTS path (CommonMiddleware checks it later).
    r = client.get("/", secure=True, HTTP_HOST="evil.example")
    assert r.status_code == 400


# --- Proxies ------------------------------------------------------------------------


def test_proxy_ssl_header_like_django(settings: Any, client: Client) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    r = client.get("/echo", HTTP_X_FORWARDED_PROTO="https")
    assert r.status_code == 200
    assert r[HSTS] == "max-age=31536000"
    assert r.content == b"GET True b''"
    assert client.get("/echo", HTTP_X_FORWARDED_PROTO="http").status_code == 301
    assert client.get("/echo").status_code == 301


def test_proxy_ssl_header_without_remote_addr(settings: Any) -> None:
    # Django believes the header from anyone, even an unknown peer (a Unix socket).
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.get("/", HTTP_X_FORWARDED_PROTO="https")
    del request.META["REMOTE_ADDR"]
    assert SecurityMiddleware(ok_view)(request).status_code == 200


def test_proxy_ssl_header_not_http_prefixed(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTPS", "on")
    request = rf.get("/")
    request.META["HTTPS"] = "on"
    assert SecurityMiddleware(ok_view)(request).status_code == 200
    assert SecurityMiddleware(ok_view)(rf.get("/")).status_code == 301


def test_trusted_proxies(settings: Any, client: Client) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.HSTSGUARD = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    r = client.get("/echo", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 200
    assert r[HSTS] == "max-age=31536000"
    assert r.content == b"GET True b''"


def test_untrusted_peer_cannot_spoof_https(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.HSTSGUARD = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    settings.SECURE_SSL_REDIRECT = False
    seen = {}

    def view(request: Any) -> HttpResponse:
        seen["secure"] = request.is_secure()
        return HttpResponse()

    request = rf.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.9")
    r = SecurityMiddleware(view)(request)
    assert HSTS not in r
    # The header is removed, so Django's own request.is_secure() is not fooled either.
    assert seen["secure"] is False
    assert "HTTP_X_FORWARDED_PROTO" not in request.META


def test_proxy_presets(settings: Any) -> None:
    settings.HSTSGUARD = {"TRUSTED_PROXIES": ["127.0.0.1"], "PROXY_HEADERS": ["forwarded"]}
    mw = SecurityMiddleware(ok_view)
    ok = rf.get("/", HTTP_FORWARDED='for=192.0.2.1;proto="https"', REMOTE_ADDR="127.0.0.1")
    assert mw(ok).status_code == 200
    spoofed = rf.get("/", HTTP_FORWARDED="proto=https", REMOTE_ADDR="192.0.2.7")
    assert mw(spoofed).status_code == 301
    xfp = rf.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
    assert mw(xfp).status_code == 301, "only the configured sources count"


def test_tls_connection_is_secure_whatever_the_header_says(settings: Any) -> None:
    # Documented difference: Django would redirect https to https (a loop).
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    r = SecurityMiddleware(ok_view)(rf.get("/", secure=True, HTTP_X_FORWARDED_PROTO="http"))
    assert r.status_code == 200


# --- Cookies ------------------------------------------------------------------------


def test_cookies_untouched_by_default(client: Client) -> None:
    r = client.get("/cookie", secure=True)
    assert "secure" not in cookie_attributes(set_cookie_header(r, "view_cookie"))


def test_cookie_rules_flag_session_csrf_and_view_cookies(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {
        "COOKIES": [
            {"name": "*", "secure": True, "http_only": True, "same_site": "Lax"},
            {"name": "csrftoken", "http_only": False},
            {"name": "view_cookie", "same_site": "None"},
        ]
    }
    session = client.get("/session", secure=True)
    attrs = cookie_attributes(set_cookie_header(session, "sessionid"))
    assert {"secure", "httponly"} <= attrs.keys() and attrs["samesite"] == "Lax"

    csrf = client.get("/csrf", secure=True)
    attrs = cookie_attributes(set_cookie_header(csrf, "csrftoken"))
    assert "secure" in attrs and "httponly" not in attrs and attrs["samesite"] == "Lax"

    view = client.get("/cookie", secure=True)
    attrs = cookie_attributes(set_cookie_header(view, "view_cookie"))
    assert "secure" in attrs and attrs["samesite"] == "None"
    host = cookie_attributes(set_cookie_header(view, "__Host-id"))
    assert host["path"] == "/" and "secure" in host and "domain" not in host

    # The client keeps the flagged cookie and the session goes on.
    again = client.get("/session", secure=True)
    assert again.status_code == 200


def test_cookies_true_means_every_cookie_secure(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {"COOKIES": True}
    r = client.get("/cookie", secure=True)
    assert "secure" in cookie_attributes(set_cookie_header(r, "view_cookie"))


def test_cookie_secure_only_on_secure_requests(settings: Any, client: Client) -> None:
    settings.SECURE_SSL_REDIRECT = False
    settings.HSTSGUARD = {
        "COOKIES": {"secure_when": "request_secure", "rules": [{"name": "*", "secure": True}]}
    }
    plain = client.get("/session")
    assert "secure" not in cookie_attributes(set_cookie_header(plain, "sessionid"))
    secure = Client().get("/session", secure=True)
    assert "secure" in cookie_attributes(set_cookie_header(secure, "sessionid"))


def test_raw_set_cookie_header_is_flagged(settings: Any) -> None:
    settings.HSTSGUARD = {"COOKIES": [{"name": "*", "secure": True}]}

    def view(request: Any) -> HttpResponse:
        response = HttpResponse()
        response["Set-Cookie"] = "raw=1; Path=/"
        return response

    r = SecurityMiddleware(view)(rf.get("/", secure=True))
    assert r["Set-Cookie"] == "raw=1; Path=/; Secure"


def test_flagged_cookie_round_trips_through_http_cookies(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {"COOKIES": [{"name": "*", "secure": True, "same_site": "Strict"}]}
    r = client.get("/cookie", secure=True)
    parsed: SimpleCookie = SimpleCookie()
    parsed.load(r.cookies.output(header="", sep=";"))
    assert parsed["view_cookie"]["samesite"] == "Strict"


# --- HPKP ---------------------------------------------------------------------------

PINS = [
    "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=",
    "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=",
]


def test_hpkp_header_on_secure_requests(settings: Any, client: Client) -> None:
    settings.HSTSGUARD = {
        "HPKP": {"acknowledge_deprecation": True, "pins": PINS, "max_age": "30d",
                 "report_only": True, "report_uri": "https://example.com/r"},
    }
    r = client.get("/", secure=True)
    assert r["Public-Key-Pins-Report-Only"].startswith(f'pin-sha256="{PINS[0]}"')
    assert "Public-Key-Pins-Report-Only" not in Client().get("/", follow=False)


# --- Configuration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (-1, "duration.negative"),
        (3600.0, "duration.fractional"),
        ("abc", "duration.not_a_number"),
        ("1x", "duration.unknown_unit"),
        (True, "config.invalid_type"),
        (float("nan"), "duration.not_a_number"),
    ],
)
def test_invalid_max_age_stops_startup(settings: Any, value: Any, code: str) -> None:
    # Documented difference: Django would send "max-age=-1" (and browsers ignore it).
    settings.SECURE_HSTS_SECONDS = value
    with pytest.raises(ImproperlyConfigured, match=rf"SECURE_HSTS_SECONDS: .*\[{code}\]"):
        SecurityMiddleware(ok_view)


def test_every_problem_at_once(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = -5
    settings.SECURE_SSL_HOST = "https://example.com/"
    settings.SECURE_REDIRECT_EXEMPT = ["("]
    settings.HSTSGUARD = {"TRUSTED_PROXY": ["10.0.0.0/8"], "REDIRECT_STATUS_OTHER": 200}
    with pytest.raises(ImproperlyConfigured) as info:
        SecurityMiddleware(ok_view)
    text = str(info.value)
    assert "HSTSGUARD['TRUSTED_PROXY']: unknown key 'TRUSTED_PROXY'; did you mean 'TRUSTED_PROXIES'?" in text
    assert "SECURE_REDIRECT_EXEMPT[0]" in text
    assert "SECURE_HSTS_SECONDS: invalid duration \"-5\": it is negative [duration.negative]" in text
    assert "SECURE_SSL_HOST: " in text and "is a URL" in text
    assert "HSTSGUARD['REDIRECT_STATUS_OTHER']" in text
    assert text.startswith("hstsguard: 5 problems")


def test_bad_proxy_ssl_header(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = "HTTP_X_FORWARDED_PROTO"
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        SecurityMiddleware(ok_view)


def test_bad_trusted_proxy(settings: Any) -> None:
    settings.HSTSGUARD = {"TRUSTED_PROXIES": ["10.0.0.0/8", "not-an-ip"]}
    with pytest.raises(ImproperlyConfigured, match=r"HSTSGUARD\['TRUSTED_PROXIES'\] proxy.trusted\[1\]"):
        SecurityMiddleware(ok_view)


def test_header_values_checked_once(settings: Any) -> None:
    settings.SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin\r\nSet-Cookie: x=1"
    with pytest.raises(ImproperlyConfigured, match="SECURE_CROSS_ORIGIN_OPENER_POLICY"):
        SecurityMiddleware(ok_view)


def test_policy_file_overrides_settings(settings: Any, tmp_path: Any, client: Client) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[hsts]\nmax_age = "2y"\ninclude_subdomains = true\n', encoding="utf-8")
    settings.HSTSGUARD = {"POLICY_FILE": path}
    r = client.get("/", secure=True)
    assert r[HSTS] == "max-age=63072000; includeSubDomains"


def test_policy_file_errors_name_the_file(settings: Any, tmp_path: Any) -> None:
    path = tmp_path / "policy.json"
    path.write_text('{"hsts": {"max_age": -1}}', encoding="utf-8")
    settings.HSTSGUARD = {"POLICY_FILE": str(path)}
    with pytest.raises(ImproperlyConfigured, match=r"POLICY_FILE'\] \(.*policy.json\) hsts.max_age"):
        SecurityMiddleware(ok_view)
    settings.HSTSGUARD = {"POLICY_FILE": str(tmp_path / "missing.toml")}
    with pytest.raises(ImproperlyConfigured, match=r"\[io\]"):
        SecurityMiddleware(ok_view)


def test_policy_dict_unknown_key(settings: Any) -> None:
    settings.HSTSGUARD = {"POLICY": {"hsts": {"maxage": 1}}}
    with pytest.raises(ImproperlyConfigured, match="did you mean `max_age`"):
        SecurityMiddleware(ok_view)


# --- Hooks, async ---------------------------------------------------------------------


def test_django_hook_methods() -> None:
    mw = SecurityMiddleware(ok_view)
    insecure = rf.get("/x")
    redirect = mw.process_request(insecure)
    assert redirect.status_code == 301
    secure = rf.get("/x", secure=True)
    assert mw.process_request(secure) is None
    response = mw.process_response(secure, HttpResponse())
    assert response[HSTS] == "max-age=31536000"
    fresh = mw.process_response(rf.get("/", secure=True), HttpResponse())
    assert fresh[HSTS] == "max-age=31536000"


def test_async_middleware() -> None:
    async def view(request: Any) -> HttpResponse:
        return HttpResponse("async")

    mw = SecurityMiddleware(view)
    assert iscoroutinefunction(mw)
    r = async_to_sync(mw)(rf.get("/", secure=True))
    assert r.content == b"async" and r[HSTS] == "max-age=31536000"
    assert async_to_sync(mw)(rf.get("/")).status_code == 301


def test_get_response_required() -> None:
    with pytest.raises(ValueError):
        SecurityMiddleware(None)  # type: ignore[arg-type]


def test_policy_is_built_once(settings: Any) -> None:
    mw = SecurityMiddleware(ok_view)
    settings.SECURE_HSTS_SECONDS = 5
    assert mw(rf.get("/", secure=True))[HSTS] == "max-age=31536000"


def test_ssl_host_refuses_a_malformed_host(settings: Any) -> None:
    # Documented difference: Django redirects whatever the Host; a malformed one is a 400.
    settings.SECURE_SSL_HOST = "secure.example.com"
    with pytest.raises(DisallowedHost, match="host.malformed"):
        SecurityMiddleware(ok_view)(rf.get("/", HTTP_HOST="bad host"))


def test_responses_without_djangos_header_store_use_the_public_api() -> None:
    class Headers(dict):  # type: ignore[type-arg]
        pass

    class Response:
        def __init__(self) -> None:
            self.headers = Headers()
            self.cookies = SimpleCookie()

    r = SecurityMiddleware(lambda request: Response())(rf.get("/", secure=True))
    assert r.headers == {
        HSTS: "max-age=31536000",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


# --- Django's own API for Django's part -------------------------------------------------


def test_headers_go_through_the_public_header_api(settings: Any) -> None:
    # Every header is added with response.headers[name] = value (Django validates it),
    # never by writing into Django's private store.
    from django.http.response import ResponseHeaders

    stored: list[tuple[str, str]] = []

    class Recording(ResponseHeaders):  # type: ignore[misc]
        def __setitem__(self, key: str, value: str) -> None:
            stored.append((key, value))
            super().__setitem__(key, value)

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("ok")
        response.headers = Recording(dict(response.headers))
        stored.clear()
        return response

    r = SecurityMiddleware(view)(rf.get("/", secure=True))
    assert stored == [
        (HSTS, "max-age=31536000"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    assert r[HSTS] == "max-age=31536000"


def test_redirect_target_is_djangos_get_full_path(settings: Any) -> None:
    request = rf.get("/x?y=1")
    request.get_full_path = lambda: "/from-django?z=%C3%A9"
    r = SecurityMiddleware(ok_view)(request)
    assert r.status_code == 301
    assert r["Location"] == "https://testserver/from-django?z=%C3%A9"


def test_redirects_are_djangos_classes() -> None:
    from django.http import HttpResponseRedirect
    from django.http.response import HttpResponseRedirectBase

    r = SecurityMiddleware(ok_view)(rf.post("/x"))
    assert isinstance(r, HttpResponseRedirectBase) and r.status_code == 308
    assert r.url == "https://testserver/x"
    assert isinstance(SecurityMiddleware(ok_view)(rf.get("/x")), HttpResponsePermanentRedirect)
    assert not isinstance(SecurityMiddleware(ok_view)(rf.get("/x")), HttpResponseRedirect)


def test_an_unreadable_remote_addr_is_an_untrusted_peer(settings: Any) -> None:
    settings.HSTSGUARD = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    mw = SecurityMiddleware(ok_view)
    for addr in ("", "unix:/run/app.sock", "10.0.0.1:1234"):
        r = mw(rf.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=addr))
        assert r.status_code == 301, addr
    # The core's peer reader: brackets and IPv6 zones as servers write them.
    settings.HSTSGUARD = {"TRUSTED_PROXIES": ["fe80::/10"]}
    r = SecurityMiddleware(ok_view)(
        rf.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="fe80::1%eth0"))
    assert r.status_code == 200


# --- Exemptions, as Django matches them -----------------------------------------------------


def test_redirect_exempt_documented_example(settings: Any, client: Client) -> None:
    # README: SECURE_REDIRECT_EXEMPT = [r"^healthz$"] matches /healthz (Django searches
    # the path without its leading "/"), and only it.
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/healthz").status_code == 200  # served over plain HTTP
    assert client.get("/healthz/").status_code == 301
    assert client.get("/app/healthz").status_code == 301


# --- Start-up warning without the app -------------------------------------------------------


def test_warns_once_without_the_app(settings: Any, caplog: Any, monkeypatch: Any) -> None:
    from hstsguard.django import middleware

    monkeypatch.setattr(middleware, "_warned_without_app", False)
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "hstsguard.django"]
    with caplog.at_level(logging.WARNING, logger="hstsguard.django"):
        SecurityMiddleware(ok_view)
        SecurityMiddleware(ok_view)
    warned = [r for r in caplog.records if r.name == "hstsguard.django"]
    assert len(warned) == 1
    assert '"hstsguard.django" is not in INSTALLED_APPS' in warned[0].getMessage()
    assert warned[0].levelno == logging.WARNING


def test_no_warning_with_the_app(caplog: Any, monkeypatch: Any) -> None:
    from hstsguard.django import middleware

    monkeypatch.setattr(middleware, "_warned_without_app", False)
    with caplog.at_level(logging.WARNING, logger="hstsguard.django"):
        SecurityMiddleware(ok_view)
    assert [r for r in caplog.records if r.name == "hstsguard.django"] == []


# --- Durations in words ------------------------------------------------------------------


def test_a_duration_in_words_gets_did_you_mean(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = "1 year"
    with pytest.raises(ImproperlyConfigured,
                       match=r'SECURE_HSTS_SECONDS: .*did you mean "1y"\? \[duration.unknown_unit\]'):
        SecurityMiddleware(ok_view)
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.HSTSGUARD = {"POLICY": {"hsts": {"ramp": {"start": "2026-01-01",
                                                        "stages": ["5 minutes", "2 weeks"]}}}}
    with pytest.raises(ImproperlyConfigured) as info:
        SecurityMiddleware(ok_view)
    text = str(info.value)
    assert "HSTSGUARD['POLICY'] hsts.ramp.stages[0]: " in text
    assert 'did you mean "5m"?' in text and 'did you mean "2w"?' in text


# --- The staged max-age ramp ------------------------------------------------------------------


def _ramp(start: datetime.date) -> dict[str, Any]:
    return {"POLICY": {"hsts": {"ramp": {"start": start.isoformat(),
                                          "stages": ["5m", "1d", "1y"], "step": "1w"}}}}


def test_ramp_not_started_sends_the_first_stage(settings: Any, client: Client) -> None:
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.HSTSGUARD = _ramp(datetime.date.today() + datetime.timedelta(days=30))
    assert client.get("/", secure=True)[HSTS] == "max-age=300"


def test_ramp_follows_the_schedule(settings: Any) -> None:
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    today = datetime.datetime.now(datetime.timezone.utc).date()
    settings.HSTSGUARD = _ramp(today - datetime.timedelta(days=8))
    assert Client().get("/", secure=True)[HSTS] == "max-age=86400"
    # includeSubDomains only at the last stage.
    settings.HSTSGUARD = _ramp(today - datetime.timedelta(days=400))
    assert Client().get("/", secure=True)[HSTS] == "max-age=31536000; includeSubDomains"
    # A view's own header still wins; no HSTS over plain HTTP or for localhost.
    assert Client().get("/own-hsts", secure=True)[HSTS] == "max-age=60"
    settings.ALLOWED_HOSTS = ["*"]
    assert HSTS not in SecurityMiddleware(ok_view)(rf.get("/", secure=True, HTTP_HOST="localhost"))
    assert HSTS not in Client().get("/", follow=False)


def test_ramp_in_a_policy_file(settings: Any, tmp_path: Any) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[hsts.ramp]\nstart = 2000-01-01\nstages = ["5m", "2y"]\n', encoding="utf-8")
    settings.HSTSGUARD = {"POLICY_FILE": path}
    mw = SecurityMiddleware(ok_view)
    assert mw(rf.get("/", secure=True))[HSTS] == "max-age=63072000"
    assert mw.policy.hsts_schedule is not None and len(mw.policy.hsts_schedule) == 2
