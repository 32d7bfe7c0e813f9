"""The HSTS logic shared by the httpx transports and the requests adapter (private).

Every decision is the core's (:class:`hstsguard.KnownHosts`): this module only holds the
store, reads the clock, and decides when the optional store file is written:

- the file (curl's HSTS cache format) is loaded once, when the client is built;
- it is saved at once when a host is **added** or **deleted** (a change of who is an
  HSTS host, which another client or process must see), and at close when only expiry
  times were **updated** (every response of a known host refreshes its expiry; writing
  the file for each would cost a file write per response).

Saving merges with what another process saved meanwhile (the core's locked merge).
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from collections.abc import Callable
from typing import Union

from hstsguard._native import KnownHosts, LoadReport, UrlUpgrade

StoreFile = Union[str, "os.PathLike[str]", None]
Clock = Callable[[], float]


def check_verifying_context(ctx: ssl.SSLContext) -> None:
    """Refuses an SSL context that would not verify a known host's certificate."""
    if ctx.verify_mode != ssl.CERT_REQUIRED or not ctx.check_hostname:
        raise ValueError(
            "the SSL context for known HSTS hosts must verify certificates "
            "(verify_mode=CERT_REQUIRED and check_hostname=True): RFC 6797 §8.4 forbids "
            "clicking through certificate errors for them"
        )


class ClientPolicy:
    """One client's view of a shared :class:`KnownHosts` store and its file."""

    def __init__(self, store: KnownHosts | None, store_file: StoreFile, clock: Clock) -> None:
        self.store = store if store is not None else KnownHosts()
        self.store_file = os.fspath(store_file) if store_file is not None else None
        self.clock = clock
        self._lock = threading.Lock()
        self._dirty = False
        self.load_report: LoadReport | None = None
        if self.store_file is not None:
            self.load_report = self.store.load(self.store_file, now=self.now())

    def now(self) -> int:
        """The clock, in whole seconds since the epoch."""
        return int(self.clock())

    def prepare(self, url: str) -> UrlUpgrade:
        """The URL to send to (upgraded for an HSTS host) and whether the host is one."""
        return self.store.upgrade_url(url, now=self.now())

    def record(self, host: str, fields: list[str], secure: bool) -> bool:
        """Records the STS fields of one response; True when the file must be saved now."""
        if not fields:
            return False
        out = self.store.receive(host, fields, secure=secure, now=self.now())
        if self.store_file is None or not out.changed:
            return False
        if out.result == "updated":
            with self._lock:
                self._dirty = True
            return False
        return True

    def save(self) -> None:
        """Writes the store file (if any); the GIL is released while it is written."""
        if self.store_file is None:
            return
        with self._lock:
            self._dirty = False
        self.store.save(self.store_file, now=self.now())

    def close(self) -> None:
        """Saves pending expiry updates."""
        with self._lock:
            dirty = self._dirty
        if dirty:
            self.save()


def default_clock() -> float:
    """``time.time()`` (looked up at each call, so tests may patch it)."""
    return time.time()
