"""HSTS for httpx (RFC 6797 §8): transports that wrap the one you would have used.

::

    import httpx
    from hstsguard.httpx import HSTSTransport

    with httpx.Client(transport=HSTSTransport(store_file="~/.hsts")) as client:
        client.get("http://example.com/")   # leaves as https:// if example.com is known

What the transport does, for every request (httpx follows redirects above the
transport, so every hop of a redirect chain passes through it):

- ``http://`` URLs of a Known HSTS Host or a preloaded host are rewritten to ``https://``
  *before* anything is sent (port 80 becomes 443, another explicit port is kept); the
  request object is changed in place, so ``response.url`` shows where it went.
- Every request to such a host goes through a **verifying** transport owned by this
  one (``verify=``: ``True`` for httpx's default trust store, a CA file path, or an
  ``ssl.SSLContext`` that verifies): a certificate error is fatal
  (:class:`KnownHostCertificateError`) even when the wrapped transport was built with
  ``verify=False``. Other hosts use the wrapped transport unchanged.
- The ``Strict-Transport-Security`` fields of ``https://`` responses are recorded; a
  response counts as secure only when its TLS connection verified the certificate
  (RFC 6797 §8.1: errors or plain HTTP mean the field is ignored).
- ``store_file`` (curl's HSTS cache format, shared with ``curl --hsts``) is loaded at
  construction, saved at once when a host is added or deleted, and at ``close()`` when
  only expiry times changed. Several clients may share one :class:`hstsguard.KnownHosts`
  (``store=``) and several processes one file (saves merge under a lock).
"""

from __future__ import annotations

import os
import ssl
from types import TracebackType

import httpx

from hstsguard._client import (
    ClientPolicy,
    Clock,
    StoreFile,
    check_verifying_context,
    default_clock,
)
from hstsguard._native import KnownHosts

__all__ = ["HSTSTransport", "AsyncHSTSTransport", "KnownHostCertificateError"]


class KnownHostCertificateError(httpx.ConnectError):
    """The TLS certificate of a Known HSTS Host did not verify: the request failed and
    no fallback is allowed (RFC 6797 §8.4). ``.code`` is ``"ua.tls.certificate_error"``,
    the code Node's ``hstsguard/fetch`` gives the same failure."""

    code: str = "ua.tls.certificate_error"


def _strict_context(verify: ssl.SSLContext | str | os.PathLike[str] | bool) -> ssl.SSLContext | bool:
    if verify is False:
        raise ValueError(
            "verify=False is refused: requests to Known HSTS Hosts always verify "
            "certificates (RFC 6797 §8.4)"
        )
    if verify is True:
        return True
    if isinstance(verify, ssl.SSLContext):
        check_verifying_context(verify)
        return verify
    return ssl.create_default_context(cafile=os.fspath(verify))


def _is_cert_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, ssl.SSLCertVerificationError):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _verified(response: httpx.Response) -> bool:
    """Whether the response's TLS connection verified the certificate and name."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        # A transport that exposes no connection (a test double): trust the scheme.
        return True
    ssl_object = stream.get_extra_info("ssl_object")
    if ssl_object is None:
        return False
    ctx = ssl_object.context
    return bool(ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname)


def _sts_fields(response: httpx.Response) -> list[str]:
    return response.headers.get_list("strict-transport-security")


class _Base:
    _policy: ClientPolicy

    @property
    def store(self) -> KnownHosts:
        """The Known HSTS Host store this transport reads and updates."""
        return self._policy.store

    @property
    def store_file(self) -> str | None:
        """The store file, or ``None``."""
        return self._policy.store_file

    def _prepare(self, request: httpx.Request) -> bool:
        """Upgrades the request in place; True when the host is an HSTS host."""
        decision = self._policy.prepare(str(request.url))
        if decision.upgraded:
            request.url = httpx.URL(decision.url)
        return decision.known

    def _record(self, request: httpx.Request, response: httpx.Response, known: bool) -> bool:
        if request.url.scheme != "https":
            return False
        fields = _sts_fields(response)
        if not fields:
            return False
        secure = known or _verified(response)
        return self._policy.record(request.url.host, fields, secure)


class HSTSTransport(_Base, httpx.BaseTransport):
    """A synchronous httpx transport with HSTS.

    ``transport`` is the transport you would have used (default
    ``httpx.HTTPTransport()``); ``store`` a shared :class:`hstsguard.KnownHosts` (default:
    a new one with the embedded preload list); ``store_file`` a curl-format cache file;
    ``verify`` the trust for Known HSTS Hosts (``True``, a CA file, or a verifying
    ``ssl.SSLContext``; ``False`` is refused); ``clock`` returns seconds since the epoch
    (default ``time.time``).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        store: KnownHosts | None = None,
        store_file: StoreFile = None,
        verify: ssl.SSLContext | str | os.PathLike[str] | bool = True,
        trust_env: bool = True,
        clock: Clock = default_clock,
    ) -> None:
        strict = _strict_context(verify)
        self._inner = transport if transport is not None else httpx.HTTPTransport()
        self._strict = httpx.HTTPTransport(verify=strict, trust_env=trust_env)
        self._policy = ClientPolicy(store, store_file, clock)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        known = self._prepare(request)
        if known:
            try:
                response = self._strict.handle_request(request)
            except httpx.ConnectError as exc:
                if _is_cert_error(exc):
                    raise KnownHostCertificateError(
                        f"certificate of Known HSTS Host {request.url.host!r} did not verify: {exc}",
                        request=request,
                    ) from exc
                raise
        else:
            response = self._inner.handle_request(request)
        if self._record(request, response, known):
            self._policy.save()
        return response

    def close(self) -> None:
        try:
            self._policy.close()
        finally:
            self._strict.close()
            self._inner.close()

    def __enter__(self) -> HSTSTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()


class AsyncHSTSTransport(_Base, httpx.AsyncBaseTransport):
    """The asynchronous twin of :class:`HSTSTransport` (default wrapped transport
    ``httpx.AsyncHTTPTransport()``). Store file writes run in a worker thread."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        store: KnownHosts | None = None,
        store_file: StoreFile = None,
        verify: ssl.SSLContext | str | os.PathLike[str] | bool = True,
        trust_env: bool = True,
        clock: Clock = default_clock,
    ) -> None:
        strict = _strict_context(verify)
        self._inner = transport if transport is not None else httpx.AsyncHTTPTransport()
        self._strict = httpx.AsyncHTTPTransport(verify=strict, trust_env=trust_env)
        self._policy = ClientPolicy(store, store_file, clock)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import anyio.to_thread

        known = self._prepare(request)
        if known:
            try:
                response = await self._strict.handle_async_request(request)
            except httpx.ConnectError as exc:
                if _is_cert_error(exc):
                    raise KnownHostCertificateError(
                        f"certificate of Known HSTS Host {request.url.host!r} did not verify: {exc}",
                        request=request,
                    ) from exc
                raise
        else:
            response = await self._inner.handle_async_request(request)
        if self._record(request, response, known):
            await anyio.to_thread.run_sync(self._policy.save)
        return response

    async def aclose(self) -> None:
        import anyio.to_thread

        try:
            await anyio.to_thread.run_sync(self._policy.close)
        finally:
            await self._strict.aclose()
            await self._inner.aclose()

    async def __aenter__(self) -> AsyncHSTSTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()
