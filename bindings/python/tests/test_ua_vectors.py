"""tests/vectors/ua_store.json through the Python binding (the Rust runner is
crates/hstsguard/tests/ua_vectors.rs; both must produce the same results).

Each case is one test named by its id; a failing step is named by its number and op.
Only the keys present in ``expected`` are compared (tests/vectors/README.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import hstsguard
from hstsguard import HstsGuardError, KnownHosts

from .conftest import VECTORS

DOC = json.loads((VECTORS / "ua_store.json").read_text(encoding="utf-8"))
CASES = DOC["cases"]


def store_for(options: dict[str, Any]) -> KnownHosts:
    return KnownHosts(
        capacity=options.get("capacity", hstsguard.DEFAULT_STORE_CAPACITY),
        preload=options.get("preload") is not False,
        allow_single_label_preload=options.get("allow_single_label_preload", False),
    )


def run_step(store: KnownHosts, step: dict[str, Any]) -> dict[str, Any]:
    now = step.get("now", 0)
    op = step["op"]
    try:
        if op == "receive":
            out = store.receive(step["host"], step["fields"], secure=step.get("secure", True), now=now)
            return {"result": out.result, "reason": out.reason}
        if op == "query":
            m = store.lookup(step["host"], now=now)
            return {
                "upgrade": m is not None,
                "entry": m.entry if m else None,
                "include_subdomains": m.include_subdomains if m else None,
                "expires": m.expires if m else None,
                "remaining_seconds": m.remaining_seconds if m else None,
                "source": m.source if m else None,
            }
        if op == "upgrade":
            up = store.upgrade_url(step["url"], now=now)
            return {"url": up.url, "upgraded": up.upgraded}
        if op == "load":
            r = store.load_text(step["text"], now=now)
            return {
                "loaded": r.loaded,
                "expired": r.expired,
                "duplicates": r.duplicates,
                "skipped": [[line, code] for line, code, _ in r.skipped],
            }
        if op == "list":
            lines = [
                line
                for line in store.to_cache_text(now=now).splitlines()
                if not line.startswith("# Your HSTS cache") and not line.startswith("# This file")
            ]
            return {"lines": lines}
        if op == "preload_lookup":
            p = hstsguard.preload_lookup(step["host"], allow_single_label=step.get("allow_single_label", False))
            return {
                "preloaded": p is not None,
                "entry": p.entry if p else None,
                "include_subdomains": p.include_subdomains if p else None,
            }
    except HstsGuardError as exc:
        return {"error": exc.code}
    raise AssertionError(f"unknown op {op!r}")


def test_vectors_are_many() -> None:
    assert DOC["kind"] == "ua_store"
    assert sum(len(c["steps"]) for c in CASES) > 100


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_ua_store(case: dict[str, Any]) -> None:
    store = store_for(case.get("options") or {})
    failures = []
    for i, step in enumerate(case["steps"], 1):
        got = run_step(store, step)
        for key, want in step["expected"].items():
            if got.get(key) != want:
                failures.append(f"step {i} ({step['op']}): {key}: want {want!r}, got {got.get(key)!r}")
    assert not failures, "\n".join(failures)
