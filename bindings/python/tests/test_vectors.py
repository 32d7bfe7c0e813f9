"""The shared vectors (tests/vectors/*.json) through the Python API.

Each case is its own test, named by its id (``test_sts[sts-017]``), so a failure names
the case. The rules are tests/vectors/README.md's: issue codes are compared as ordered
lists, and only the keys present in ``expected`` are checked.
"""

from __future__ import annotations

from typing import Any

import pytest

import hstsguard
from hstsguard import (
    DurationError,
    Policy,
    domain_check,
    parse_duration,
    parse_hpkp,
    parse_sts,
    preload_check,
    removable_check,
)

from .conftest import expect_fields, load_cases


def codes(issues: list[hstsguard.Issue]) -> list[str]:
    return [i.code for i in issues]


def request_kwargs(req: dict[str, Any]) -> dict[str, Any]:
    """A vector's request object as ``Policy.evaluate`` keyword arguments (defaults per
    the README: GET, no TLS, no host, "/", no peer, no headers)."""
    return {
        "method": req.get("method", "GET"),
        "tls": req.get("tls", False),
        "host": req.get("host"),
        "target": req.get("target", "/"),
        "peer": req.get("peer"),
        "headers": req.get("headers", []),
    }


@pytest.mark.parametrize(("case", "expected"), load_cases("sts.json", "sts"))
def test_sts(case: dict[str, Any], expected: dict[str, Any]) -> None:
    parsed = parse_sts(case["value"] if "value" in case else case["values"])
    actual = parsed.to_dict()
    actual["issues"] = codes(parsed.issues)
    policy = parsed.policy
    if policy is not None:
        assert (policy.max_age, policy.include_subdomains) == (
            parsed.max_age,
            parsed.include_subdomains,
        )
        again = parse_sts(str(policy))
        assert again.policy == policy and again.issues == [], "canonical form round-trips"
    expect_fields(actual, expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("durations.json", "durations"))
def test_durations(case: dict[str, Any], expected: dict[str, Any]) -> None:
    value = case["text"] if "text" in case else float(case["number"])
    try:
        actual: dict[str, Any] = {"seconds": parse_duration(value)}
    except DurationError as exc:
        actual = {"error": exc.code}
    expect_fields(actual, expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("preload.json", "preload"))
def test_preload(case: dict[str, Any], expected: dict[str, Any]) -> None:
    if "value" in case:
        check = removable_check if case.get("mode") == "removable" else preload_check
        verdict = check(case["value"], case.get("domain"))
        actual = {"ok": verdict.ok, "errors": verdict.errors, "warnings": verdict.warnings}
        assert bool(verdict) is verdict.ok
    else:
        issues = domain_check(case["domain"])
        errors = [i.code for i in issues if i.is_error]
        actual = {
            "ok": not errors,
            "errors": errors,
            "warnings": [i.code for i in issues if not i.is_error],
        }
    expect_fields(actual, expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("hpkp.json", "hpkp"))
def test_hpkp(case: dict[str, Any], expected: dict[str, Any]) -> None:
    parsed = parse_hpkp(case["value"], case["report_only"], case.get("chain_pins"))
    assert parsed.issues[0].code == "hpkp.deprecated"
    assert parsed.valid == (not any(i.is_error for i in parsed.issues))
    actual = parsed.to_dict()
    actual["issues"] = codes(parsed.issues)
    expect_fields(actual, expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("secure.json", "secure"))
def test_secure(case: dict[str, Any], expected: dict[str, Any]) -> None:
    policy = Policy.from_dict(case.get("policy", {}))
    kwargs = request_kwargs(case.get("request", {}))
    secure = policy.is_secure(**kwargs)
    assert policy.evaluate(**kwargs).secure == secure, "is_secure and evaluate disagree"
    expect_fields({"secure": secure}, expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("redirect.json", "redirect"))
def test_redirect(case: dict[str, Any], expected: dict[str, Any]) -> None:
    policy = Policy.from_dict(case.get("policy", {}))
    decision = policy.evaluate(**request_kwargs(case.get("request", {})))
    expect_fields(decision.to_dict(), expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("cookie.json", "cookie"))
def test_cookie(case: dict[str, Any], expected: dict[str, Any]) -> None:
    policy = Policy.from_dict(case.get("policy", {}))
    flagged = policy.flag_set_cookie(case["set_cookie"], case.get("secure", False))
    actual = flagged.to_dict()
    actual["issues"] = codes(flagged.issues)
    expect_fields(actual, expected)


@pytest.mark.parametrize(("case", "expected"), load_cases("policy.json", "policy"))
def test_policy(case: dict[str, Any], expected: dict[str, Any]) -> None:
    try:
        policy = Policy.from_dict(case["policy"])
    except hstsguard.ConfigError as exc:
        assert exc.code == (exc.errors[0][1] if len(exc.errors) == 1 else "config.invalid")
        actual: dict[str, Any] = {
            "ok": False,
            "errors": [{"path": path, "code": code} for path, code, _ in exc.errors],
        }
    else:
        actual = {"ok": True, "errors": [], "warnings": codes(policy.warnings)}
    expect_fields(actual, expected)
