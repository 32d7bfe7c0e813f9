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

The policy is built once, here; per request the work is two native calls, which use
Django's own API for Django's part: ``request.get_host()``, ``request.get_full_path()``,
Django's redirect classes and ``response.headers[name] = value``. Without
``"hstsguard.django"`` in INSTALLED_APPS (the deploy checks) the middleware logs a
warning once, at start-up (logger ``hstsguard.django``).
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import DisallowedHost
from django.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseRedirectBase

from hstsguard._native import DjangoGuard
from hstsguard.django.conf import DjangoConfig, load

__all__ = ["SecurityMiddleware"]

logger = logging.getLogger("hstsguard.django")


class HttpResponseSeeOther(HttpResponseRedirectBase):
    status_code = 303


class HttpResponseTemporaryRedirect(HttpResponseRedirectBase):
    status_code = 307


class HttpResponsePermanentRedirect308(HttpResponseRedirectBase):
    status_code = 308


# Django's own classes for 301 and 302, so a test that checks the class still passes.
_REDIRECTS: dict[int, Callable[..., HttpResponse]] = {
    301: HttpResponsePermanentRedirect,
    302: HttpResponseRedirect,
    303: HttpResponseSeeOther,
    307: HttpResponseTemporaryRedirect,
    308: HttpResponsePermanentRedirect308,
}


def _redirects() -> dict[int, tuple[Callable[[str], HttpResponse], Callable[[str], HttpResponse]]]:
    """Two makers of a redirect response per status, each called with the Location.

    The first is Django's constructor: it stores ``iri_to_uri(location)`` and refuses a
    Location longer than ``MAX_URL_REDIRECT_LENGTH`` or of a scheme Django does not
    allow (``DisallowedRedirect``). The second makes the same response without those
    steps; the guard calls it only for an ``https://`` Location within that length
    whose every character ``iri_to_uri`` keeps, for which they change nothing (the
    core's Locations always are, built from ``get_full_path()``, up to the length).
    The Content-Type is the one Django would give them (``DEFAULT_CHARSET``), read once
    like every other setting."""
    from django.conf import settings

    content_type = f"text/html; charset={settings.DEFAULT_CHARSET}"
    return {
        status: (functools.partial(cls, content_type=content_type), _made(cls, content_type))
        for status, cls in _REDIRECTS.items()
    }


def _made(cls: Any, content_type: str) -> Callable[[str], HttpResponse]:
    """An instance of ``cls`` with ``location`` stored as it is: what its constructor
    makes (``HttpResponse.__init__``, then the Location through the response's header
    mapping, which validates it) without ``iri_to_uri`` and the length and scheme
    checks.
    ``tests/test_django_middleware.py`` compares the two, attribute by attribute."""
    init = HttpResponse.__init__

    def make(location: str) -> HttpResponse:
        response = cls.__new__(cls)
        init(response, content_type=content_type)
        response["Location"] = location
        return response

    return make


def _location_limit() -> int | None:
    """The longest Location Django's redirect classes accept, in the Django releases
    that have the limit (``django.utils.http.MAX_URL_REDIRECT_LENGTH``)."""
    from django.utils import http

    limit = getattr(http, "MAX_URL_REDIRECT_LENGTH", None)
    return limit if isinstance(limit, int) else None


def _disallowed_host(code: str, message: str) -> None:
    # Django's own 400: logged to django.security.DisallowedHost, handler400.
    raise DisallowedHost(f"hstsguard refused the redirect: {message} [{code}]")


def _reject(status: int, code: str, message: str) -> HttpResponse:
    # redirect.method_refused (status_other = 403 or 426): the method is refused over
    # plain HTTP; proxy.sources_disagree (400). (426 asks for an Upgrade header, which
    # WSGI forbids applications to send; the body says what to do.)
    return HttpResponse(
        f"{message}\n", status=status, content_type="text/plain; charset=utf-8"
    )


def make_guard(config: DjangoConfig) -> DjangoGuard:
    return DjangoGuard(
        config.policy,
        defaults=config.defaults,
        exempt=config.exempt,
        proxy_meta=config.proxy_meta,
        any_peer=config.any_peer,
        strip_meta_key=config.strip_meta_key,
        redirects=_redirects(),
        location_limit=_location_limit(),
        reject_response=_reject,
        disallowed_host=_disallowed_host,
    )


_warned_without_app = False


def _warn_without_app() -> None:
    """Warns once per process when ``hstsguard.django`` is not in INSTALLED_APPS: then
    no deploy check looks at the transport security settings (Django's own stop once
    its middleware is gone, and the project has likely silenced security.W001)."""
    global _warned_without_app
    if _warned_without_app:
        return
    from django.apps import apps

    if apps.is_installed("hstsguard.django"):
        return
    _warned_without_app = True
    logger.warning(
        "hstsguard.django.SecurityMiddleware is in MIDDLEWARE but \"hstsguard.django\" is "
        "not in INSTALLED_APPS, so `manage.py check --deploy` runs no transport "
        "security checks (Django's security.W004-W008, W021, W022, E023 and E024 stop "
        "once its SecurityMiddleware is replaced). Add \"hstsguard.django\" to "
        "INSTALLED_APPS."
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
        _warn_without_app()
        guard = make_guard(self.config)
        self._handle = guard.handle
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
        return self._handle(request, self.get_response)

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

