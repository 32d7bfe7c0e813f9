"""Client-side lookups through the Python binding, against the PyPI peer in the same run.

1. Preload lookup: ``hstsguard.preload_lookup(host)`` (the embedded list, compiled into
   the native module) against ``hstspreload.in_hsts_preload(host)`` **uncached**: the
   peer's function is wrapped in ``functools.lru_cache``; we call its inner function
   (``in_hsts_preload.__wrapped__``), so every call does the lookup, as every call of
   ours does. Same hosts (hits, shallow and deep misses), same process; the two are
   timed in alternating chunks inside each repeat so both see the same machine speed.
2. ``KnownHosts.lookup`` with 10,000 dynamic entries (hits, superdomain hits, misses
   that fall through to the preload list).

Prints ours, peer and the ratio (target: ours >= 1,000x faster than the peer).
Usage: python bench/bench_ua.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import hstspreload

import hstsguard

HOSTS = [
    # hits (exact, and through an include_subdomains superdomain)
    "accounts.google.com",
    "www.paypal.com",
    "github.com",
    "login.gov",
    "mail.google.com",
    "deep.sub.domain.stripe.com",
    "x.dev",
    # shallow misses
    "example.com",
    "example.org",
    "wikipedia.de",
    # deep misses
    "a.b.c.d.e.f.example.net",
    "static.assets.cdn.example.co.uk",
    "www.some-long-unlisted-name-for-a-bench.example.org",
]

PEER = hstspreload.in_hsts_preload.__wrapped__  # the uncached lookup


def per_call(fn: Callable[[str], object], calls: int) -> float:
    """Seconds per call of fn over HOSTS, `calls` calls in all."""
    rounds = max(1, calls // len(HOSTS))
    start = time.perf_counter()
    for _ in range(rounds):
        for h in HOSTS:
            fn(h)
    return (time.perf_counter() - start) / (rounds * len(HOSTS))


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    agree = sum((hstsguard.preload_lookup(h) is not None) == bool(PEER(h)) for h in HOSTS)
    print(
        f"hstsguard list {hstsguard.PRELOAD_LIST_DATE} ({hstsguard.PRELOAD_LIST_ENTRIES} entries), "
        f"hstspreload {hstspreload.__version__}; verdicts agree on {agree}/{len(HOSTS)} hosts"
    )

    ours_t, peer_t, ratios = [], [], []
    for _ in range(args.repeats):
        o1 = per_call(hstsguard.preload_lookup, 100_000)
        p = per_call(PEER, 1_300)
        o2 = per_call(hstsguard.preload_lookup, 100_000)
        o = (o1 + o2) / 2
        ours_t.append(o)
        peer_t.append(p)
        ratios.append(p / o)
    o, p, r = statistics.median(ours_t), statistics.median(peer_t), statistics.median(ratios)
    print("preload lookup (median of repeats, per call):")
    print(f"  ours  {fmt(o):>10}  hstsguard.preload_lookup")
    print(f"  peer  {fmt(p):>10}  hstspreload.in_hsts_preload, uncached (its __wrapped__)")
    print(f"  ratio {r:,.0f}x (target >= 1,000x: {'met' if r >= 1000 else 'MISSED'})")

    store = hstsguard.KnownHosts(capacity=10_000)
    now = 1_800_000_000
    for i in range(10_000):
        store.insert(f"host{i}.example{i % 97}.com", include_subdomains=i % 2 == 0, expires=now + 10**6 + i, now=now)
    assert len(store) == 10_000
    queries = [
        "host4242.example71.com",  # exact
        "www.host4244.example73.com",  # includeSubDomains superdomain
        "unknown.example.com",  # miss, then the preload list (miss)
        "accounts.google.com",  # miss, then the preload list (hit)
    ]

    def lookup(h: str) -> object:
        return store.lookup(h, now=now)

    times = []
    for _ in range(args.repeats):
        rounds = 25_000
        start = time.perf_counter()
        for _ in range(rounds):
            for q in queries:
                lookup(q)
        times.append((time.perf_counter() - start) / (rounds * len(queries)))
    print(f"KnownHosts.lookup, 10,000 entries (median per call): {fmt(statistics.median(times))}")


if __name__ == "__main__":
    main()
