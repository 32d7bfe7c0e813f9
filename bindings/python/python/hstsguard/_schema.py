"""The policy document as typed dicts: every section of a policy (docs/POLICY.md)
with its keys, their types and their documentation.

Generated from the core's schema (``hstsguard::config::SCHEMA``) by
bindings/python/tests/generated.rs; do not edit. Regenerate with
``UPDATE_GENERATED=1 cargo test -p hstsguard-python --test generated``.

Keys are spelled as in TOML and JSON documents (snake_case). Every key is optional
(``total=False``): an absent key takes its default, shown in its comment. Words are
compared ignoring case at run time; the types list their documented spelling. A
list key also takes a single value (a list of one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypedDict

__all__ = [
    "CookieRuleSection",
    "CookiesSection",
    "CustomHeaderSection",
    "HpkpSection",
    "HstsSection",
    "PolicyDocument",
    "ProxySection",
    "RampSection",
    "RedirectSection",
]


class PolicyDocument(TypedDict, total=False):
    """A policy document: one TOML or JSON document read by every face (the C ABI,
    nginx, Apache, Python and Django, Node and Express, the CLI).
    """

    # `Strict-Transport-Security`: the header, when it is sent, and a staged max-age ramp.
    hsts: HstsSection

    # Which peers are trusted proxies, and which of their headers say the request came over HTTPS.
    proxy: ProxySection

    # HTTP to HTTPS redirects: hosts, ports, exemptions, status codes.
    redirect: RedirectSection

    # Set-Cookie flagging: `Secure`, `HttpOnly`, `SameSite`, and the cookie prefixes.
    cookies: CookiesSection

    # HTTP Public Key Pinning (RFC 7469). Deprecated: every browser removed it.
    hpkp: HpkpSection


class HstsSection(TypedDict, total=False):
    """The `[hsts]` section."""

    # `false`: never send Strict-Transport-Security.
    # Default: True.
    enabled: bool

    # The max-age: seconds (an integer) or a duration (`"300"`, `"5m"`, `"18w"`, `"1y"`,
    # `"2y"`). A year is 31536000 seconds; `0` tells browsers to forget the host.
    # Default: "1y".
    max_age: int | str

    # Send `includeSubDomains`.
    # Default: True.
    include_subdomains: bool

    # Send `preload` (hstspreload.org's opt-in).
    # Default: False.
    preload: bool

    # `true`: building fails unless the header passes hstspreload.org's rules.
    # Default: False.
    require_preloadable: bool

    # `"secure"`: only on secure requests (RFC 6797 §7.2); `"always"`: on every
    # response (browsers ignore it over plain HTTP).
    # Default: "secure".
    send: Literal["secure", "always"]

    # A response that already has the header: `"keep"` it or `"replace"` it.
    # Default: "keep".
    existing: Literal["keep", "replace"]

    # Never send HSTS for an IP-literal Host (RFC 6797 §8.1.1: browsers ignore it there).
    # Default: True.
    skip_ip_hosts: bool

    # Never send HSTS for `localhost` and `*.localhost` (no HSTS pinned in a developer's browser).
    # Default: True.
    skip_localhost: bool

    # A staged max-age ramp: start with a short max-age and raise it step by step.
    # While it is set, `max_age` is not used.
    ramp: RampSection


class RampSection(TypedDict, total=False):
    """The `[hsts.ramp]` section: guides tell operators to start HSTS with a short
    max-age and raise it once nothing breaks; the ramp does it on a schedule.

    From `start` the first stage's max-age is sent; after each `step` the next
    stage's; after the last step the last stage stays (before `start`, the first).
    `include_subdomains` and `preload`, when set in `[hsts]`, are sent only at the
    last stage. The value is recomputed at most once a minute, never per request.
    """

    # The date (UTC) the first stage starts: `"2026-12-01"`.
    start: str

    # The max-age of each stage, in order, as durations: `["5m", "1d", "1w", "30d", "1y", "2y"]`.
    stages: int | str | Sequence[int | str]

    # How long each stage lasts before the next one starts.
    # Default: "1w".
    step: int | str


class ProxySection(TypedDict, total=False):
    """The `[proxy]` section. A request is secure when the connection is TLS, or when
    the peer is in `trusted` and the configured sources present say HTTPS.

    **The proxy must overwrite or strip every listed header**: whatever it passes
    through reaches hstsguard as the client sent it. Sources that disagree on one
    request get a 400 (`proxy.sources_disagree`).
    """

    # Trusted proxies: CIDR networks or single addresses (`"10.0.0.0/8"`, `"2001:db8::/32"`,
    # `"127.0.0.1"`). Headers from any other peer are ignored.
    # Default: [].
    trusted: str | Sequence[str]

    # The headers read: `"forwarded"` (RFC 7239 `proto=`), `"x-forwarded-proto"`,
    # `"x-forwarded-ssl"` (`on`), `"front-end-https"` (`on`), `"x-arr-ssl"` (any
    # value), `"cloudfront-forwarded-proto"`, and `"custom"` for the place of
    # `custom_header`. Without it: `custom_header` alone when that is set, else
    # `x-forwarded-proto` alone.
    # Default: ["x-forwarded-proto"].
    sources: Literal["forwarded", "x-forwarded-proto", "x-forwarded-ssl", "front-end-https", "x-arr-ssl", "cloudfront-forwarded-proto", "custom"] | Sequence[Literal["forwarded", "x-forwarded-proto", "x-forwarded-ssl", "front-end-https", "x-arr-ssl", "cloudfront-forwarded-proto", "custom"]]

    # A header and the value that means HTTPS, like Django's `SECURE_PROXY_SSL_HEADER`.
    custom_header: CustomHeaderSection

    # Which element of a comma-separated list counts: `"leftmost"` (as Django and
    # Express read it) or `"rightmost"` (the value the nearest proxy appended).
    # Default: "leftmost".
    list: Literal["leftmost", "rightmost"]


class CustomHeaderSection(TypedDict, total=False):
    """`proxy.custom_header = { name = "X-Forwarded-Protocol", value = "ssl" }`."""

    # The header name (an RFC 9110 token). Required.
    name: str

    # The value that means HTTPS (compared trimmed, ignoring case). Required.
    value: str


class RedirectSection(TypedDict, total=False):
    """The `[redirect]` section."""

    # `false`: serve plain-HTTP requests as they are.
    # Default: True.
    enabled: bool

    # Redirect every insecure request to this host (an explicit `allowed_hosts`
    # list is still enforced on the request's Host).
    canonical_host: str

    # Hosts a redirect may go to, with Django's semantics: `"example.com"` exactly,
    # `".example.com"` for it and its subdomains, `"*"` for any. An empty list allows
    # no host (every redirect is a 400).
    # Default: ["*"].
    allowed_hosts: str | Sequence[str]

    # The port of the `Location` (443 is left out).
    # Default: 443.
    https_port: int

    # Keep a Host's port other than 80 as it is, instead of `https_port`.
    # Default: False.
    keep_port: bool

    # Regular expressions *searched* in the raw path (no query): matching requests
    # are not redirected. Anchor them yourself: `"^/health$"`. The `regex` crate's
    # syntax with ASCII classes (`\d`, `\w`, `(?i)`; no `\p{..}`). A path with a dot
    # segment is never exempt.
    # Default: [].
    exempt: str | Sequence[str]

    # `/.well-known/acme-challenge/` is never redirected.
    # Default: True.
    acme_exempt: bool

    # The redirect status for GET and HEAD.
    # Default: 301.
    status_get_head: Literal[301, 302, 303, 307, 308]

    # The status for other methods: a redirect (308 keeps the method and body), or
    # 403 / 426 to refuse them over plain HTTP.
    # Default: 308.
    status_other: Literal[301, 302, 303, 307, 308, 403, 426]


class CookiesSection(TypedDict, total=False):
    """The `[cookies]` section: every `Set-Cookie` of a response is flagged per the rules."""

    # `false`: leave every Set-Cookie alone.
    # Default: True.
    enabled: bool

    # `"always"`, or `"request_secure"`: add `Secure` only on secure requests.
    # Default: "always".
    secure_when: Literal["always", "request_secure"]

    # `__Secure-` / `__Host-` rule violations: `"repair"` them or `"report"` them.
    # Default: "repair".
    prefixes: Literal["repair", "report"]

    # The rules (`[[cookies.rules]]`). Every matching rule applies; for each
    # attribute the last one that sets it wins. Without rules: every cookie gets
    # `Secure` (`[{name = "*", secure = true}]`); an empty list means no rules.
    rules: Sequence[CookieRuleSection]


class CookieRuleSection(TypedDict, total=False):
    """One `[[cookies.rules]]` entry."""

    # An exact cookie name or a glob (`*` and `?`). Required.
    name: str

    # `true`: ensure `Secure`; `false`: remove it; absent: leave it as it is.
    secure: bool

    # `true`: ensure `HttpOnly`; `false`: remove it; absent: leave it as it is.
    http_only: bool

    # `"Strict"`, `"Lax"` or `"None"` (any case; `true` means `"Strict"`, as for
    # Express's `res.cookie`); absent: leave it as it is.
    same_site: Literal["Strict", "Lax", "None", True]


class HpkpSection(TypedDict, total=False):
    """The `[hpkp]` section (RFC 7469). Deprecated and ignored by current browsers; a
    wrong pin can lock out clients that still honour it.
    """

    # Required: `true`, to send HPKP anyway.
    # Default: False.
    acknowledge_deprecation: bool

    # The `pin-sha256` values (base64 of 32 bytes): at least two distinct ones.
    pins: str | Sequence[str]

    # The max-age (required, unless `report_only`).
    max_age: int | str

    # Send `includeSubDomains`.
    # Default: False.
    include_subdomains: bool

    # An absolute `report-uri`.
    report_uri: str

    # Send `Public-Key-Pins-Report-Only` instead.
    # Default: False.
    report_only: bool
