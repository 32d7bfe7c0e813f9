"""HSTS for requests (RFC 6797 §8): a transport adapter for a ``Session``.

::

    import requests
    from hstsguard.requests import HSTSAdapter

    session = requests.Session()
    adapter = HSTSAdapter(store_file="~/.hsts")
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # or: session = hstsguard.requests.session(store_file="~/.hsts")

What the adapter does, for every request (requests sends each redirect hop through the
adapter mounted for its URL, so mount it for both schemes):

- ``http://`` URLs of a Known HSTS Host or a preloaded host are rewritten to ``https://``
  before anything is sent (port 80 becomes 443, another explicit port is kept); the
  prepared request is changed in place, so ``response.url`` shows where it went.
- For such a host the certificate is always verified: a ``verify=False`` of the session
  or the call is replaced by the adapter's ``verify`` (``True`` or a CA bundle path;
  ``False`` is refused), so a certificate error is fatal (:class:`requests.exceptions.SSLError`).
- The ``Strict-Transport-Security`` fields of ``https://`` responses are recorded when
  the certificate was verified (RFC 6797 §8.1).
- ``store_file`` (curl's HSTS cache format, shared with ``curl --hsts``) is loaded at
  construction, saved at once when a host is added or deleted, and at ``close()`` when
  only expiry times changed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from hstsguard._client import ClientPolicy, Clock, StoreFile, default_clock
from hstsguard._native import KnownHosts

__all__ = ["HSTSAdapter", "session"]


class HSTSAdapter(HTTPAdapter):
    """A requests ``HTTPAdapter`` with HSTS. Mount the same adapter for ``http://`` and
    ``https://``.

    ``store`` is a shared :class:`hstsguard.KnownHosts` (default: a new one with the
    embedded preload list); ``store_file`` a curl-format cache file; ``verify`` the
    trust for Known HSTS Hosts when the caller turned verification off (``True`` or a CA
    bundle path); ``clock`` returns seconds since the epoch (default ``time.time``).
    Other keyword arguments go to ``HTTPAdapter``.
    """

    def __init__(
        self,
        *,
        store: KnownHosts | None = None,
        store_file: StoreFile = None,
        verify: bool | str | os.PathLike[str] = True,
        clock: Clock = default_clock,
        **kwargs: Any,
    ) -> None:
        if verify is False:
            raise ValueError(
                "verify=False is refused: requests to Known HSTS Hosts always verify "
                "certificates (RFC 6797 §8.4)"
            )
        self._known_verify: bool | str = verify if verify is True else os.fspath(verify)
        self._policy = ClientPolicy(store, store_file, clock)
        super().__init__(**kwargs)

    @property
    def store(self) -> KnownHosts:
        """The Known HSTS Host store this adapter reads and updates."""
        return self._policy.store

    @property
    def store_file(self) -> str | None:
        """The store file, or ``None``."""
        return self._policy.store_file

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: None | float | tuple[float, float] | tuple[float, None] = None,
        verify: bool | str = True,
        cert: None | bytes | str | tuple[bytes | str, bytes | str] = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = request.url or ""
        decision = self._policy.prepare(url)
        if decision.upgraded:
            request.url = decision.url
        if decision.known and verify is False:
            verify = self._known_verify
        response = super().send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )
        parts = urlsplit(request.url or "")
        if parts.scheme == "https" and parts.hostname:
            raw_headers = getattr(response.raw, "headers", None)
            fields: list[str] = []
            if raw_headers is not None and hasattr(raw_headers, "getlist"):
                fields = list(raw_headers.getlist("Strict-Transport-Security"))
            elif "Strict-Transport-Security" in response.headers:
                fields = [response.headers["Strict-Transport-Security"]]
            if fields and self._policy.record(parts.hostname, fields, verify is not False):
                self._policy.save()
        return response

    def close(self) -> None:
        try:
            self._policy.close()
        finally:
            super().close()


def session(
    *,
    store: KnownHosts | None = None,
    store_file: StoreFile = None,
    verify: bool | str | os.PathLike[str] = True,
    clock: Clock = default_clock,
) -> requests.Session:
    """A ``requests.Session`` with one :class:`HSTSAdapter` mounted for both schemes."""
    s = requests.Session()
    adapter = HSTSAdapter(store=store, store_file=store_file, verify=verify, clock=clock)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s
