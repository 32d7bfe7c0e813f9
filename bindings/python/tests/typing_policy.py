"""Type checks of the generated policy types (``hstsguard._schema``), run by mypy
--strict over the tests (not by pytest: nothing here is executed).

Each line marked ``# type: ignore[...]`` must be an error, and mypy's
``warn_unused_ignores`` (on under --strict) fails when it is not: if the keyword
arguments of ``Policy`` or the argument of ``Policy.from_dict`` stopped being typed,
these ignores would be unused and the Python stage would fail.
"""

from __future__ import annotations

from hstsguard import HstsSection, Policy, PolicyDocument, RampSection


def well_typed() -> list[Policy]:
    ramp: RampSection = {"start": "2026-12-01", "stages": ["5m", "1d", 604800], "step": "1w"}
    hsts: HstsSection = {"max_age": "2y", "preload": True, "ramp": ramp}
    doc: PolicyDocument = {
        "hsts": hsts,
        "redirect": {"allowed_hosts": (".example.com",), "status_other": 426},
        "proxy": {"trusted": "10.0.0.0/8", "sources": ["forwarded"]},
        "cookies": {"rules": [{"name": "*", "secure": True, "same_site": True}]},
    }
    return [
        Policy(hsts={"max_age": 63072000}, redirect={"status_get_head": 308}),
        Policy.from_dict(doc),
        Policy(**doc),
    ]


def misspelled_key() -> Policy:
    return Policy(hsts={"maxage": 1})  # type: ignore[typeddict-unknown-key]


def unknown_section() -> Policy:
    return Policy(hstss={})  # type: ignore[call-arg]


def wrong_status() -> Policy:
    return Policy(redirect={"status_get_head": 200})  # type: ignore[typeddict-item]


def wrong_word() -> Policy:
    return Policy.from_dict({"hsts": {"send": "sometimes"}})  # type: ignore[typeddict-item]


def float_max_age() -> Policy:
    return Policy(hsts={"max_age": 3600.0})  # type: ignore[typeddict-item]


def ramp_stages_of_the_wrong_type() -> Policy:
    return Policy(hsts={"ramp": {"stages": [1.5]}})  # type: ignore[list-item]
