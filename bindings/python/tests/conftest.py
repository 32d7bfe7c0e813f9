"""Shared fixtures: the repository's test vectors and data."""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"
DATA = ROOT / "crates" / "hstsguard" / "tests" / "data"


def load_cases(name: str, kind: str) -> list[Any]:
    """The cases of tests/vectors/<name>, as pytest params named by case id."""
    doc = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    assert doc["kind"] == kind, f"{name}: wrong kind"
    ids = [c["id"] for c in doc["cases"]]
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
    return [pytest.param(c["input"], c["expected"], id=c["id"]) for c in doc["cases"]]


def expect_fields(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Only the keys present in ``expected`` are checked (tests/vectors/README.md)."""
    diffs = [
        f"{k}: expected {v!r}, got {actual.get(k)!r}"
        for k, v in expected.items()
        if actual.get(k) != v
    ]
    assert not diffs, "; ".join(diffs)


@pytest.fixture
def data_dir() -> Path:
    return DATA


# ---- The client-side lab (tests/hsts_lab.py) ----

#: Names the lab serves: dynamic hosts under .test (not on the preload list) and a
#: host on the embedded preload list (hstspreload.org, include_subdomains).
LAB_NAMES = [
    "dyn.hstsguard.test",
    "other.hstsguard.test",
    "sub.dyn.hstsguard.test",
    "curl.hstsguard.test",
    "hstspreload.org",
    "lab.hstspreload.org",
]
PRELOADED = "lab.hstspreload.org"


@pytest.fixture
def lab() -> Iterator[Any]:
    from .hsts_lab import Lab, patched_resolver

    the_lab = Lab(LAB_NAMES)
    for name in LAB_NAMES:
        the_lab.route(name)
    try:
        with patched_resolver(the_lab):
            yield the_lab
    finally:
        the_lab.stop()
