"""Drop-in equivalence: Django's SecurityMiddleware and ours, same settings, same requests.

Every (settings, request) pair of the table goes through both middlewares; the status,
the headers (names, values and order) and any exception must be identical, except for
the documented safety fixes, each checked for the
exact difference it makes (``expected_difference``).
"""

from __future__ import annotations

from typing import Any, Callable

import pytest
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware as DjangoMiddleware
from django.test import RequestFactory

from hstsguard.django import SecurityMiddleware as OurMiddleware

rf = RequestFactory()

SETTINGS: dict[str, dict[str, Any]] = {
    "stock": {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "ALLOWED_HOSTS": ["testserver", "example.com"],
    },
    "hsts+redirect": {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "ALLOWED_HOSTS": ["testserver", "example.com", ".example.org", "127.0.0.1", "localhost"],
    },
    "full": {
        "SECURE_HSTS_SECONDS": 63072000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^health$", r"^api/public/"],
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_REFERRER_POLICY": ["no-referrer", "strict-origin-when-cross-origin"],
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin-allow-popups",
        "ALLOWED_HOSTS": [".example.com"],
    },
    # Django's 301 for every method: the one setting that makes POST identical too.
    "django-301": {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "ALLOWED_HOSTS": ["example.com", "testserver"],
        "HSTSGUARD": {"REDIRECT_STATUS_OTHER": 301},
    },
    "ssl-host": {
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_SSL_HOST": "secure.example.com",
        "SECURE_CONTENT_TYPE_NOSNIFF": False,
        "SECURE_REFERRER_POLICY": None,
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": None,
        "ALLOWED_HOSTS": ["example.com"],
    },
}


def request(method: str, path: str, **extra: Any) -> Callable[[], Any]:
    def make() -> Any:
        return rf.generic(method, path, **extra)

    return make


REQUESTS: dict[str, Callable[[], Any]] = {
    "get-http": request("GET", "/a/b?x=1&y=%20z", HTTP_HOST="example.com"),
    "get-https": request("GET", "/a/b?x=1", secure=True, HTTP_HOST="example.com"),
    "head-http": request("HEAD", "/a", HTTP_HOST="example.com"),
    "head-https": request("HEAD", "/a", secure=True, HTTP_HOST="example.com"),
    "post-http": request("POST", "/form", data=b"a=1", HTTP_HOST="example.com"),
    "post-https": request("POST", "/form", data=b"a=1", secure=True, HTTP_HOST="example.com"),
    "put-http": request("PUT", "/r/1", data=b"{}", HTTP_HOST="example.com"),
    "delete-http": request("DELETE", "/r/1", HTTP_HOST="example.com"),
    "testserver-http": request("GET", "/"),
    "subdomain-http": request("GET", "/", HTTP_HOST="www.example.com"),
    "wildcard-http": request("GET", "/q?a=b", HTTP_HOST="shop.example.org"),
    "evil-host-http": request("GET", "/", HTTP_HOST="evil.example"),
    "evil-host-https": request("GET", "/", secure=True, HTTP_HOST="evil.example"),
    "host-port-http": request("GET", "/p", HTTP_HOST="example.com:8443"),
    "host-port-80-http": request("GET", "/p", HTTP_HOST="example.com:80"),
    "upper-host-http": request("GET", "/", HTTP_HOST="EXAMPLE.com"),
    "unicode-path-http": request("GET", "/caf\u00e9/\u2603?q=\u00e9", HTTP_HOST="example.com"),
    "quoted-path-http": request("GET", "/a%2Fb%20c", HTTP_HOST="example.com"),
    "health-http": request("GET", "/health", HTTP_HOST="example.com"),
    "health-slash-http": request("GET", "/health/", HTTP_HOST="example.com"),
    "api-public-http": request("GET", "/api/public/x", HTTP_HOST="example.com"),
    "xfp-https-http": request("GET", "/", HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="https"),
    "xfp-http-http": request("GET", "/", HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="http"),
    "xfp-list-http": request("GET", "/", HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="https, http"),
    "ip-host-https": request("GET", "/", secure=True, HTTP_HOST="127.0.0.1"),
    "localhost-https": request("GET", "/", secure=True, HTTP_HOST="localhost"),
    "view-headers-https": request("GET", "/own", secure=True, HTTP_HOST="example.com"),
    # Django refuses a redirect longer than MAX_URL_REDIRECT_LENGTH (16384): with the
    # Host example.com the first Location is that long, the second one byte longer.
    "longest-path-http": request("GET", "/" + "a" * (16384 - 20), HTTP_HOST="example.com"),
    "too-long-path-http": request("GET", "/" + "a" * (16384 - 19), HTTP_HOST="example.com"),
}


def view(req: Any) -> HttpResponse:
    response = HttpResponse(b"body")
    if req.path == "/own":
        response["Strict-Transport-Security"] = "max-age=1"
        response["X-Content-Type-Options"] = "nosniff-view"
        response["Referrer-Policy"] = "origin"
    return response


def outcome(middleware: Any, make: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        response = middleware(make())
    except Exception as exc:  # DisallowedHost, as the handler would turn into 400
        return ("raises", type(exc).__name__)
    return (response.status_code, list(response.items()))


def location(result: tuple[Any, ...]) -> str | None:
    return dict(result[1]).get("Location") if result[0] != "raises" else None


def same_but_status(django: tuple[Any, ...], ours: tuple[Any, ...]) -> None:
    """POST, PUT, DELETE: 308 keeps the method and body; Django's 301 turns them into a
    GET. Everything else is the same."""
    assert django[0] == 301 and ours[0] == 308
    assert django[1] == ours[1]


def no_hsts_for_local(django: tuple[Any, ...], ours: tuple[Any, ...]) -> None:
    """No HSTS for IP literals and localhost (RFC 6797 §8.1.1); the rest is the same."""
    names = [n for n, _ in django[1] if n != "Strict-Transport-Security"]
    assert [n for n, _ in ours[1]] == names
    assert ("Strict-Transport-Security" in dict(django[1]))


def port_80_dropped(django: tuple[Any, ...], ours: tuple[Any, ...]) -> None:
    """https://example.com:80/ never works; the port is dropped."""
    assert location(django) == "https://example.com:80/p"
    assert location(ours) == "https://example.com/p"


def lowercased_host(django: tuple[Any, ...], ours: tuple[Any, ...]) -> None:
    """The Location's host is normalised (lower case), as the core writes it."""
    assert location(django) == "https://EXAMPLE.com/"
    assert location(ours) == "https://example.com/"


def expected_difference(
    settings_name: str, request_name: str
) -> Callable[[tuple[Any, ...], tuple[Any, ...]], None] | None:
    """The documented difference this pair shows, if any."""
    conf = SETTINGS[settings_name]
    redirect = conf.get("SECURE_SSL_REDIRECT", False)
    hsts = conf.get("SECURE_HSTS_SECONDS", 0)
    status_other = conf.get("HSTSGUARD", {}).get("REDIRECT_STATUS_OTHER", 308)
    if redirect and status_other == 308 and request_name in ("post-http", "put-http", "delete-http"):
        return same_but_status
    if hsts and request_name in ("ip-host-https", "localhost-https"):
        return no_hsts_for_local
    host_checked = redirect and not conf.get("SECURE_SSL_HOST")
    if host_checked and request_name == "host-port-80-http":
        return port_80_dropped
    if host_checked and request_name == "upper-host-http":
        return lowercased_host
    return None


CASES = [
    pytest.param(s, r, id=f"{s}:{r}") for s in SETTINGS for r in REQUESTS
]


@pytest.mark.parametrize(("settings_name", "request_name"), CASES)
def test_drop_in(settings: Any, settings_name: str, request_name: str) -> None:
    for name, value in SETTINGS[settings_name].items():
        setattr(settings, name, value)
    make = REQUESTS[request_name]
    django = outcome(DjangoMiddleware(view), make)
    ours = outcome(OurMiddleware(view), make)
    difference = expected_difference(settings_name, request_name)
    if difference is None:
        assert ours == django
    else:
        assert ours != django, "a documented difference no longer differs"
        difference(django, ours)



def test_the_table_shows_every_difference() -> None:
    shown = {
        expected_difference(s, r).__name__  # type: ignore[union-attr]
        for s in SETTINGS
        for r in REQUESTS
        if expected_difference(s, r) is not None
    }
    assert shown == {"same_but_status", "no_hsts_for_local", "port_80_dropped", "lowercased_host"}
