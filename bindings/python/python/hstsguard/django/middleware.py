"""A drop-in replacement for ``django.middleware.security.SecurityMiddleware``.

Swap one line in ``MIDDLEWARE``::

    "django.middleware.security.SecurityMiddleware"  ->  "hstsguard.django.SecurityMiddleware"

and keep the settings: ``SECURE_HSTS_SECONDS``, ``SECURE_HSTS_INCLUDE_SUBDOMAINS``,
``SECURE_HSTS_PRELOAD``, ``SECURE_SSL_REDIRECT``, ``SECURE_SSL_HOST``,
``SECURE_REDIRECT_EXEMPT``, ``SECURE_PROXY_SSL_HEADER``, ``SECURE_CONTENT_TYPE_NOSNIFF``,
``SECURE_REFERRER_POLICY`` and ``SECURE_CROSS_ORIGIN_OPENER_POLICY`` mean what they mean
to Django, ``ALLOWED_HOSTS`` is enforced by ``request.get_host()`` as before, and an HSTS
header the view set is never overwritten. The differences are safety fixes, listed in
the README ("Python and Django"): an invalid max-age stops the server at start-up, other
methods than GET and HEAD are redirected with 308 (configurable), no HSTS for IP and
localhost hosts, and a few Location repairs.

The policy is built once, here; per request the work is two native calls.
"""

from __future__ import annotations

from typing import Any, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import DisallowedHost
from django.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.http.cookie import SimpleCookie
from django.http.response import HttpResponseRedirectBase, ResponseHeaders

try:  # Django >= 5.2 refuses longer redirects
    from django.http.response import MAX_URL_REDIRECT_LENGTH as _MAX_REDIRECT_LENGTH
except ImportError:  # pragma: no cover
    _MAX_REDIRECT_LENGTH = 1 << 62

from hstsguard._native import DjangoGuard
from hstsguard.django.conf import DjangoConfig, load

__all__ = ["SecurityMiddleware"]


_new = object.__new__


class HttpResponseSeeOther(HttpResponseRedirectBase):
    status_code = 303


class HttpResponseTemporaryRedirect(HttpResponseRedirectBase):
    status_code = 307


class HttpResponsePermanentRedirect308(HttpResponseRedirectBase):
    status_code = 308


# Django's own classes for 301 and 302, so a test that checks the class still passes.
_REDIRECTS: dict[int, type[HttpResponseRedirectBase]] = {
    301: HttpResponsePermanentRedirect,
    302: HttpResponseRedirect,
    303: HttpResponseSeeOther,
    307: HttpResponseTemporaryRedirect,
    308: HttpResponsePermanentRedirect308,
}


class _CannotClone(Exception):
    pass


class _RedirectMaker:
    """Makes the redirect responses of one class as copies of a pristine one built at
    start-up: the same attributes, a fresh header store with the Location, fresh
    cookies and fresh lists. Django's constructor re-validates the Location on every
    call (``iri_to_uri``, ``urlsplit``, header charset checks), which the core already
    guarantees, and that is two thirds of a redirect's cost. ``cls(location)`` is
    still what is copied, and :meth:`verified` compares a copy with a real response
    at start-up; anything unexpected (a future Django) falls back to the constructor.
    """

    def __init__(self, cls: type[HttpResponseRedirectBase]) -> None:
        self.cls = cls
        proto = cls("https://hstsguard.invalid/")
        headers = proto.headers
        store = getattr(headers, "_store", None)
        if type(headers) is not ResponseHeaders or not isinstance(store, dict):
            raise _CannotClone("header store")
        self.store = {k: v for k, v in store.items() if k != "location"}
        self.shared: dict[str, Any] = {}
        self.lists: list[tuple[str, list[Any]]] = []
        self.cookie_attrs: list[str] = []
        for name, value in proto.__dict__.items():
            if name == "headers":
                continue
            if value is None or type(value) in (str, bytes, int, float, bool, tuple):
                self.shared[name] = value
            elif type(value) is list and all(type(x) in (bytes, str) for x in value):
                self.lists.append((name, list(value)))
            elif type(value) is SimpleCookie and not value:
                self.cookie_attrs.append(name)
            else:
                raise _CannotClone(name)

    def __call__(self, location: str) -> HttpResponse:
        if len(location) > _MAX_REDIRECT_LENGTH:
            return self.cls(location)  # Django's DisallowedRedirect, as Django would.
        response = _new(self.cls)
        state = response.__dict__
        state.update(self.shared)
        headers = _new(ResponseHeaders)
        store = self.store.copy()
        store["location"] = ("Location", location)
        headers._store = store
        state["headers"] = headers
        for name in self.cookie_attrs:
            state[name] = SimpleCookie()
        for name, items in self.lists:
            state[name] = items.copy()
        return response

    def verified(self) -> bool:
        location = "https://example.com:8443/a%20b?c=d"
        copy, real = self(location), self.cls(location)
        return (
            type(copy) is type(real)
            and copy.__dict__.keys() == real.__dict__.keys()
            and all(type(copy.__dict__[k]) is type(v) for k, v in real.__dict__.items())
            and list(copy.items()) == list(real.items())
            and copy.status_code == real.status_code
            and copy.content == real.content
            and copy.url == real.url
        )


def _redirect_factory() -> Callable[[int, str], HttpResponse]:
    makers: dict[int, Callable[[str], HttpResponse]] = {}
    for status, cls in _REDIRECTS.items():
        try:
            maker = _RedirectMaker(cls)
            makers[status] = maker if maker.verified() else cls
        except Exception:  # pragma: no cover - a future Django
            makers[status] = cls

    def redirect(status: int, location: str) -> HttpResponse:
        return makers[status](location)

    return redirect


def _reject(status: int, code: str, message: str) -> HttpResponse:
    if code.startswith("host."):
        # Django's own 400: logged to django.security.DisallowedHost, handler400.
        raise DisallowedHost(f"hstsguard refused the redirect: {message} [{code}]")
    # redirect.method_refused (status_other = 403 or 426): the method is refused over
    # plain HTTP. (426 asks for an Upgrade header, which WSGI forbids applications to
    # send; the body says what to do.)
    response = HttpResponse(
        f"{message}\n", status=status, content_type="text/plain; charset=utf-8"
    )
    return response


def _store_is_usable() -> bool:
    """True when Django's header store is the dict of ``{lower: (name, value)}`` that
    Django 3.2 to 5.2 use, so the middleware can add a header with one dict store (its
    values are checked once, at start-up). Otherwise the public API is used."""
    response = HttpResponse()
    store = getattr(response.headers, "_store", None)
    if not isinstance(store, dict):
        return False
    store["x-hstsguard-probe"] = ("X-Hstsguard-Probe", "1")
    try:
        return (
            response.has_header("X-HSTSGUARD-PROBE")
            and response["x-hstsguard-probe"] == "1"
            and ("X-Hstsguard-Probe", "1") in list(response.items())
        )
    except Exception:  # pragma: no cover - a future Django
        return False


def make_guard(config: DjangoConfig) -> DjangoGuard:
    return DjangoGuard(
        config.policy,
        defaults=config.defaults,
        exempt=config.exempt,
        proxy_meta=config.proxy_meta,
        any_peer=config.any_peer,
        strip_meta_key=config.strip_meta_key,
        redirect_response=_redirect_factory(),
        reject_response=_reject,
        direct_store=_store_is_usable(),
    )


class SecurityMiddleware:
    """Django's SecurityMiddleware, decided by the hstsguard core. Sync and async."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        if get_response is None:
            raise ValueError("get_response must be provided.")
        self.get_response = get_response
        #: The configuration, read once (ImproperlyConfigured lists every problem).
        self.config = load()
        self.policy = self.config.policy
        guard = make_guard(self.config)
        self._check = guard.check
        self._finish = guard.finish
        self._flags_for = guard.flags_for
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __repr__(self) -> str:
        return f"<{self.__class__.__qualname__} get_response={self.get_response!r}>"

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        flags, response = self._check(request)
        if response is None:
            response = self.get_response(request)
        return self._finish(response, flags)

    async def __acall__(self, request: Any) -> Any:
        flags, response = self._check(request)
        if response is None:
            response = await self.get_response(request)
        return self._finish(response, flags)

    # Django's hook methods, for code that calls them directly (Django's own handler
    # calls __call__ above).

    def process_request(self, request: Any) -> Any:
        """The redirect (or refusal) for an insecure request, else None."""
        flags, response = self._check(request)
        request._hstsguard_flags = flags
        return response

    def process_response(self, request: Any, response: Any) -> Any:
        """Adds the headers to a response."""
        flags = getattr(request, "_hstsguard_flags", None)
        if flags is None:
            flags = self._flags_for(request.is_secure(), request.META.get("HTTP_HOST"))
        return self._finish(response, flags)

