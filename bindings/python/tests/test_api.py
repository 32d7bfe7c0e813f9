"""The Python API beyond the vectors: value classes, errors, constructors, arguments."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import pytest

import hstsguard
from hstsguard import (
    CertificateError,
    ConfigError,
    DurationError,
    HeaderError,
    HpkpHeader,
    HstsGuardError,
    HstsPolicy,
    PinError,
    Policy,
    PolicyFileError,
)

PINS = [
    "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=",
    "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=",
]


# --- HstsPolicy ------------------------------------------------------------------------


def test_hsts_policy_value_class() -> None:
    p = HstsPolicy(63072000, include_subdomains=True, preload=True)
    assert str(p) == p.value == "max-age=63072000; includeSubDomains; preload"
    assert repr(p) == "HstsPolicy(max_age=63072000, include_subdomains=True, preload=True)"
    assert (p.max_age, p.include_subdomains, p.preload) == (63072000, True, True)
    q = HstsPolicy.parse("MAX-AGE=63072000 ; includesubdomains; PRELOAD")
    assert p == q and hash(p) == hash(q) and len({p, q}) == 1
    assert p != HstsPolicy.including_subdomains(63072000)
    assert p.without_preload() == HstsPolicy.including_subdomains("2y")
    assert p.without_preload().with_preload() == p
    assert p != "max-age=63072000; includeSubDomains; preload"
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p


def test_hsts_policy_is_frozen() -> None:
    p = HstsPolicy.excluding_subdomains(300)
    with pytest.raises(AttributeError):
        p.max_age = 1  # type: ignore[misc]
    assert str(p) == "max-age=300"


def test_hsts_policy_constructors() -> None:
    assert str(HstsPolicy.removal()) == "max-age=0"
    assert str(HstsPolicy("18w", include_subdomains=False)) == "max-age=10886400"
    with pytest.raises(TypeError):
        HstsPolicy(300)  # type: ignore[call-arg]  # the subdomain decision is required


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (-1, "duration.negative"),
        ("-1", "duration.negative"),
        (3600.0, "duration.fractional"),
        (1.5, "duration.fractional"),
        (float("inf"), "duration.not_a_number"),
        ("1e6", "duration.fractional"),
        ("5x", "duration.unknown_unit"),
        ("", "duration.empty"),
        (2**53, "duration.overflow"),
        (10**30, "duration.overflow"),
    ],
)
def test_hsts_policy_refuses_bad_durations(value: Any, code: str) -> None:
    with pytest.raises(DurationError) as info:
        HstsPolicy(value, include_subdomains=True)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [True, None, [1], b"300"])
def test_hsts_policy_max_age_type(value: Any) -> None:
    with pytest.raises(TypeError):
        HstsPolicy(value, include_subdomains=True)


def test_hsts_policy_parse_error() -> None:
    with pytest.raises(HeaderError) as info:
        HstsPolicy.parse("max-age=1; includeSubDomains; includeSubDomains")
    assert info.value.code == "header.parse.repeated.include_sub_domains"


def test_hsts_policy_preload_check() -> None:
    verdict = HstsPolicy.including_subdomains(300).preload_check()
    assert not verdict.ok and not verdict
    assert verdict.errors == [
        "header.preloadable.preload.missing",
        "header.preloadable.max_age.below_1_year",
    ]
    assert "PreloadVerdict(ok=False" in repr(verdict)
    assert verdict.parsed.max_age == 300


# --- Parsing, durations ------------------------------------------------------------------


def test_parse_sts_result() -> None:
    parsed = hstsguard.parse_sts('max-age="300"; foo')
    assert parsed.valid and parsed.max_age == 300
    assert [i.code for i in parsed.issues] == [
        "header.parse.max_age.quoted",
        "header.parse.unknown_directive",
    ]
    issue = parsed.issues[0]
    assert issue.severity == "warning" and not issue.is_error
    assert str(issue).startswith("warning [header.parse.max_age.quoted]: ")
    assert issue == hstsguard.parse_sts('max-age="300"; foo').issues[0]
    assert issue.to_dict()["code"] == "header.parse.max_age.quoted"
    assert parsed.to_dict()["issues"][0]["severity"] == "warning"
    assert parsed.policy == HstsPolicy.excluding_subdomains(300)
    assert "ParsedSts(valid=True" in repr(parsed)


def test_parse_sts_several_fields() -> None:
    parsed = hstsguard.parse_sts(("max-age=1", "max-age=2"))
    assert parsed.max_age == 1
    assert parsed.issues[0].code == "response.multiple_headers"
    with pytest.raises(TypeError):
        hstsguard.parse_sts(5)  # type: ignore[arg-type]


def test_durations() -> None:
    assert hstsguard.parse_duration("1y") == hstsguard.ONE_YEAR
    assert hstsguard.parse_duration(31536000.0) == 31536000
    assert hstsguard.format_duration(10886400) == "18w"
    assert hstsguard.MAX_AGE_CAP == 2**53 - 1


def test_domain_check() -> None:
    assert hstsguard.domain_check("example.com") == []
    assert [i.code for i in hstsguard.domain_check("co.uk")] == ["domain.format.public_suffix"]


def test_codes_are_exported() -> None:
    assert "duration.negative" in hstsguard.ERROR_CODES
    assert "policy.proxy.trusts_everyone" in hstsguard.ISSUE_CODES


# --- Errors ----------------------------------------------------------------------------


def test_error_hierarchy_and_codes() -> None:
    for cls in (ConfigError, DurationError, HeaderError, PinError, CertificateError,
                PolicyFileError):
        assert issubclass(cls, HstsGuardError)
    assert issubclass(HstsGuardError, ValueError)
    assert issubclass(PolicyFileError, OSError)
    assert HstsGuardError.__module__ == "hstsguard"


def test_config_error_lists_every_problem() -> None:
    with pytest.raises(ConfigError) as info:
        Policy(hsts={"max_age": -1, "preload": "yes", "maxage": 1},  # type: ignore[typeddict-item, typeddict-unknown-key]
               bogus=1)  # type: ignore[call-arg]
    err = info.value
    assert err.code == "config.invalid"
    assert [(p, c) for p, c, _ in err.errors] == [
        ("hsts.max_age", "duration.negative"),
        ("hsts.preload", "config.invalid_type"),
        ("hsts.maxage", "config.unknown_key"),
        ("bogus", "config.unknown_key"),
    ]
    assert "did you mean `max_age`" in err.errors[2][2]
    assert str(err).startswith("invalid policy (4 errors)")
    again = pickle.loads(pickle.dumps(err))
    assert (type(again), again.code, again.errors, str(again)) == (
        ConfigError, err.code, err.errors, str(err))


def test_single_config_error_has_its_own_code() -> None:
    with pytest.raises(ConfigError) as info:
        Policy(redirect={"status_other": 200})  # type: ignore[typeddict-item]
    assert info.value.code == "config.invalid_value"


def test_values_python_cannot_express_in_a_policy() -> None:
    with pytest.raises(ConfigError) as info:
        Policy(redirect={"allowed_hosts": {"a", "b"}})  # type: ignore[typeddict-item]
    assert info.value.errors[0][:2] == ("redirect.allowed_hosts", "config.invalid_type")
    with pytest.raises(ConfigError) as info:
        Policy.from_dict({1: 2})  # type: ignore[misc]
    assert info.value.code == "config.invalid_type"
    cyclic: dict[str, Any] = {}
    cyclic["hsts"] = cyclic
    with pytest.raises(ConfigError):
        Policy.from_dict(cyclic)  # type: ignore[arg-type]


def test_pickled_errors_keep_their_class() -> None:
    try:
        hstsguard.parse_duration("-5")
    except DurationError as exc:
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is DurationError and again.code == "duration.negative"
        assert str(again) == str(exc)


def test_policy_file_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError) as info:
        Policy.from_file(tmp_path / "missing.toml")
    assert info.value.code == "io"
    assert isinstance(info.value, OSError) and isinstance(info.value, ValueError)
    assert "missing.toml" in str(info.value)


# --- Policy ------------------------------------------------------------------------------


def test_policy_constructors(tmp_path: Path) -> None:
    by_kwargs = Policy(hsts={"max_age": "2y", "preload": True},
                       redirect={"allowed_hosts": [".example.com"]})
    by_dict = Policy.from_dict({"hsts": {"max_age": "2y", "preload": True},
                                "redirect": {"allowed_hosts": [".example.com"]}})
    toml = '[hsts]\nmax_age = "2y"\npreload = true\n[redirect]\nallowed_hosts = [".example.com"]\n'
    by_toml = Policy.from_toml(toml)
    by_json = Policy.from_json('{"hsts": {"max_age": "2y", "preload": true}, '
                               '"redirect": {"allowed_hosts": [".example.com"]}}')
    path = tmp_path / "policy.toml"
    path.write_text(toml, encoding="utf-8")
    by_file = Policy.from_file(path)
    by_str_path = Policy.from_file(str(path))
    for p in (by_kwargs, by_dict, by_toml, by_json, by_file, by_str_path):
        assert str(p.hsts) == "max-age=63072000; includeSubDomains; preload"
        assert p.warnings == []
    assert hstsguard.read_policy_file(path) == {
        "hsts": {"max_age": "2y", "preload": True},
        "redirect": {"allowed_hosts": [".example.com"]},
    }
    with pytest.raises(ConfigError) as info:
        Policy.from_toml("[hsts")
    assert info.value.code == "config.syntax"


def test_default_policy() -> None:
    p = Policy()
    assert [w.code for w in p.warnings] == ["policy.redirect.any_host"]
    assert p.report()["hsts"] == "max-age=31536000; includeSubDomains"
    assert p.hpkp is None
    assert "<Policy hsts=" in repr(p)


def test_evaluate() -> None:
    p = Policy(redirect={"allowed_hosts": ["example.com"]})
    d = p.evaluate(method="POST", host="example.com", target="/f?x=1")
    assert (d.action, d.status, d.location, d.secure, d.reason) == (
        "redirect", 308, "https://example.com/f?x=1", False, None)
    assert d.headers == {}
    assert str(d) == d.explain() == "redirect 308 to https://example.com/f?x=1 (plain HTTP)"
    d = p.evaluate(tls=True, host="example.com")
    assert d.action == "pass" and d.headers == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains"}
    d = p.evaluate(host="evil.example")
    assert (d.action, d.status, d.reason) == ("reject", 400, "host.not_allowed")
    assert "evil.example" in (d.message or "")
    assert d.to_dict() == {"action": "reject", "status": 400, "location": None,
                           "secure": False, "headers": {}, "reason": "host.not_allowed"}


def test_evaluate_headers_and_peer() -> None:
    p = Policy(proxy={"trusted": ["10.0.0.0/8"]})
    for headers in ({"X-Forwarded-Proto": "https"}, [("x-forwarded-proto", "https")],
                    [["X-Forwarded-Proto", "https"]]):
        assert p.is_secure(peer="10.0.0.1", headers=headers)  # type: ignore[arg-type]
        assert not p.is_secure(peer="192.0.2.1", headers=headers)  # type: ignore[arg-type]
    # The core's peer reader, its error code; brackets and zones as servers write them.
    with pytest.raises(HstsGuardError, match="not an IPv4 or IPv6 address") as info:
        p.evaluate(peer="nope")
    assert info.value.code == "argument.invalid_peer"
    assert isinstance(info.value, ValueError)
    v6 = Policy(proxy={"trusted": ["::1"]})
    assert v6.is_secure(peer="[::1]", headers={"X-Forwarded-Proto": "https"})
    with pytest.raises(TypeError):
        p.evaluate(headers="X-Forwarded-Proto: https")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        p.evaluate(headers=[("a", "b", "c")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        p.evaluate("GET")  # type: ignore[call-arg]


def test_flag_set_cookie() -> None:
    p = Policy(cookies={"rules": [{"name": "*", "secure": True, "http_only": True}]})
    f = p.flag_set_cookie("sid=1; path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT", True)
    assert str(f) == f.value == "sid=1; path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly"
    assert f.changed and f.issues == []
    broken = p.flag_set_cookie("=", True)
    assert not broken.changed and broken.issues[0].code == "cookie.malformed.empty_name"
    assert broken.to_dict()["issues"][0]["code"] == "cookie.malformed.empty_name"


# --- HPKP --------------------------------------------------------------------------------


def test_hpkp_header() -> None:
    h = HpkpHeader(PINS, "30d", include_subdomains=True, report_uri="https://example.com/r")
    assert h.name == "Public-Key-Pins"
    assert str(h) == h.value
    assert h.pins == PINS and h.max_age == 2592000 and h.include_subdomains
    assert HpkpHeader.parse(h.value) == h
    assert pickle.loads(pickle.dumps(h)) == h
    ro = HpkpHeader(PINS, 600, report_only=True)
    assert ro.name == "Public-Key-Pins-Report-Only" and ro.report_only
    assert pickle.loads(pickle.dumps(ro)) == ro
    with pytest.raises(PinError) as info:
        HpkpHeader([PINS[0], PINS[0]], 600)
    assert info.value.code == "hpkp.too_few_pins"
    with pytest.raises(PinError) as info:
        HpkpHeader(["bad", PINS[0]], 600)
    assert info.value.code == "hpkp.invalid_pin"
    with pytest.raises(HeaderError) as header_info:
        HpkpHeader(PINS, 600, report_uri="https://x/\r\nSet-Cookie: a=1")
    assert header_info.value.code == "hpkp.parse.report_uri.invalid"


def test_hpkp_pins_of_certificates(data_dir: Path) -> None:
    pem = (data_dir / "cert.pem").read_bytes()
    der = (data_dir / "cert.der").read_bytes()
    pin = hstsguard.pin_from_pem_or_der(pem)
    assert pin == hstsguard.pin_from_pem_or_der(der) == hstsguard.pin_from_pem_or_der(pem.decode())
    assert hstsguard.pin_from_pem_or_der((data_dir / "pubkey.pem").read_bytes()) == pin
    chain = hstsguard.pins_from_pem_chain((data_dir / "chain.pem").read_bytes())
    assert len(chain) >= 2
    with pytest.raises(CertificateError) as info:
        hstsguard.pin_from_pem_or_der(b"not a certificate")
    assert info.value.code == "hpkp.certificate"
    assert len(hstsguard.pin_of_spki(b"x")) == 44


def test_hpkp_parse_with_chain() -> None:
    value = f'pin-sha256="{PINS[0]}"; pin-sha256="{PINS[1]}"; max-age=600'
    assert hstsguard.parse_hpkp(value, chain_pins=[PINS[0]]).valid
    parsed = hstsguard.parse_hpkp(value, chain_pins=PINS)
    assert not parsed.valid and parsed.issues[-1].code == "hpkp.validate.no_backup_pin"
    with pytest.raises(PinError):
        hstsguard.parse_hpkp(value, chain_pins=["bad"])
    assert hstsguard.hpkp.parse_hpkp is hstsguard.parse_hpkp


# --- Hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "\x00", "max-age=1\r\nSet-Cookie: x", "\u2603" * 10000, "a" * 1_000_000, ";" * 10000],
)
def test_no_panic_on_hostile_text(text: str) -> None:
    hstsguard.parse_sts(text)
    hstsguard.preload_check(text, text)
    hstsguard.parse_hpkp(text)
    Policy().flag_set_cookie(text, True)
    Policy().evaluate(method=text, host=text, target=text, headers={text or "x": text})


def test_lone_surrogates_are_a_python_error_not_a_crash() -> None:
    with pytest.raises(UnicodeEncodeError):
        hstsguard.parse_sts("max-age=1\udcff")
