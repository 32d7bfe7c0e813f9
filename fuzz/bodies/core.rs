//! The bodies of the fuzz targets over the core crate, one function per target.
//!
//! Shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`, run by `cargo fuzz`) and by
//! the corpus replay that runs on stable Rust in `cargo test --workspace`
//! (`crates/hstsguard/tests/fuzz_corpus.rs`), so a committed input exercises exactly the
//! code that the fuzzer ran. Every body must not panic on any input; the assertions are
//! the properties each target checks beyond that.

use hstsguard::policy::{Action, Policy};
use hstsguard::proxy::{ListRule, ProxySource, ProxyTrust};
use hstsguard::ua::{KnownHosts, PreloadList};
use hstsguard::RequestFacts;
use std::net::IpAddr;
use std::sync::OnceLock;

/// A target's body.
pub type Body = fn(&[u8]);

/// The targets of this file, in the order of `fuzz/Cargo.toml`.
pub const TARGETS: &[(&str, Body)] = &[
    ("sts_parse", sts_parse),
    ("hpkp_parse", hpkp_parse),
    ("cookie_flag", cookie_flag),
    ("evaluate", evaluate),
    ("policy_load", policy_load),
    ("host_parse", host_parse),
    ("forwarded", forwarded),
    ("store_load", store_load),
    ("preload_lookup", preload_lookup),
];

/// STS parser: a valid header's canonical form parses back to the same policy, without
/// issues. Also the preload audit, the domain check and the duration parser.
pub fn sts_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = hstsguard::parse_sts(text);
    if let Some(p) = parsed.policy() {
        let again = hstsguard::parse_sts(p.value());
        assert_eq!(again.policy(), Some(p));
        assert!(again.issues().is_empty());
    }
    // Several field lines, split at NUL, as a server sees repeated headers.
    let fields: Vec<&str> = text.split('\0').collect();
    let _ = hstsguard::parse_sts_fields(fields.iter().copied());
    let _ = hstsguard::preload_check(text);
    let _ = hstsguard::domain_check(text);
    let _ = hstsguard::parse_duration(text);
}

/// HPKP parser: a built header parses back to the same pins and max-age; certificate
/// pins from arbitrary PEM or DER bytes.
pub fn hpkp_parse(data: &[u8]) {
    let _ = hstsguard::hpkp::pin_from_pem_or_der(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for report_only in [false, true] {
        let parsed = hstsguard::hpkp::parse_hpkp(text, report_only);
        if parsed.is_valid() {
            if let Some(age) = parsed.max_age() {
                if let Ok(h) = hstsguard::hpkp::HpkpHeader::new(parsed.pins(), age) {
                    let again = hstsguard::hpkp::parse_hpkp(h.value(), false);
                    assert!(again.is_valid());
                    assert_eq!(again.pins(), parsed.pins());
                    assert_eq!(again.max_age(), Some(age));
                }
            }
        }
    }
}

fn cookie_policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        [
            r#"{}"#,
            r#"{"cookies": {"rules": [{"name": "*", "secure": true, "http_only": true, "same_site": "Lax"}]}}"#,
            r#"{"cookies": {"secure_when": "request_secure", "prefixes": "report", "rules": [{"name": "s*", "same_site": "None"}, {"name": "x", "secure": false}]}}"#,
        ]
        .iter()
        .map(|j| Policy::from_json(j).expect("the fuzz policies are valid"))
        .collect()
    })
}

/// Set-Cookie flagger: output never gains control bytes, and flagging is idempotent.
pub fn cookie_flag(data: &[u8]) {
    // Into a caller's buffer (any size, any bytes): the same value as flag_set_cookie_bytes,
    // written only when it changed and fits, and nothing written otherwise.
    for policy in cookie_policies() {
        for secure in [false, true] {
            let owned = policy.flag_set_cookie_bytes(data, secure);
            for cap in [0, data.len() / 2, data.len() + 8, data.len() + 64] {
                let mut buf = vec![0xA5u8; cap];
                let f = policy.flag_set_cookie_bytes_into(data, secure, &mut buf);
                assert_eq!(f.changed(), owned.changed());
                assert_eq!(f.len(), owned.value().len());
                assert_eq!(f.issues(), owned.issues());
                if f.written() {
                    assert_eq!(&buf[..f.len()], owned.value());
                } else {
                    assert!(!f.changed() || f.len() > cap);
                    assert!(
                        buf.iter().all(|&b| b == 0xA5),
                        "written although it did not fit"
                    );
                }
            }
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for policy in cookie_policies() {
        for secure in [false, true] {
            let once = policy.flag_set_cookie(text, secure);
            let out = once.value().to_owned();
            if !text.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
                assert!(!out.bytes().any(|b| b.is_ascii_control() && b != b'\t'));
            }
            let twice = policy.flag_set_cookie(&out, secure);
            assert_eq!(twice.value(), out.as_str(), "not idempotent");
        }
    }
}

type PolicyAndHosts = (Policy, &'static [&'static str]);

fn redirect_policies() -> &'static [PolicyAndHosts] {
    static POLICIES: OnceLock<Vec<PolicyAndHosts>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        vec![
            (
                Policy::from_json(r#"{"redirect": {"allowed_hosts": ["example.com", ".example.org"]}, "proxy": {"trusted": ["10.0.0.0/8"]}}"#)
                    .expect("valid"),
                &["example.com", "example.org"][..],
            ),
            (
                Policy::from_json(r#"{"redirect": {"canonical_host": "canon.example", "keep_port": true}}"#)
                    .expect("valid"),
                &["canon.example"][..],
            ),
        ]
    })
}

/// Policy::evaluate: a Location never holds CR, LF, NUL, space or user-info, and its host
/// is always the canonical host or an allowed host. Input: host, target, method and a
/// proxy header value, separated by U+0001.
pub fn evaluate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\u{1}');
    let host = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let method = parts.next().unwrap_or("GET");
    let xfp = parts.next().unwrap_or("");
    let headers = [("X-Forwarded-Proto", xfp), ("Forwarded", xfp)];
    let peers: [Option<IpAddr>; 2] = [None, Some(IpAddr::from([10, 1, 2, 3]))];
    for (policy, allowed) in redirect_policies() {
        for peer in peers {
            let facts =
                RequestFacts::new(method, false, Some(host), target, &headers).with_peer(peer);
            let d = policy.evaluate(&facts);
            if let Action::Redirect { location, .. } = d.action() {
                assert!(
                    !location.bytes().any(|b| b <= b' ' || b == 0x7f),
                    "{location:?}"
                );
                let rest = location.strip_prefix("https://").expect("https");
                let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                assert!(!authority.contains('@'), "{location:?}");
                let name = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
                assert!(
                    allowed
                        .iter()
                        .any(|a| name == *a || name.ends_with(&format!(".{a}"))),
                    "{location:?}"
                );
            }
        }
    }
}

/// Policy documents, JSON and TOML: an error or a policy, never a panic; a policy's HSTS
/// value parses as a valid STS header.
pub fn policy_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for policy in [Policy::from_json(text), Policy::from_toml(text)]
        .into_iter()
        .flatten()
    {
        let value = policy.hsts().policy.value();
        assert!(hstsguard::parse_sts(value).policy().is_some(), "{value:?}");
    }
}

/// The Host parser: a parsed host re-parses to itself (name and port), and its name has
/// no upper-case ASCII, no spaces and no user-info.
pub fn host_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(host) = hstsguard::host::parse_host(text) else {
        return;
    };
    let name = host.name();
    assert!(
        !name
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b <= b' ' || b == b'@'),
        "{name:?}"
    );
    // An IPv6 literal's name keeps its brackets.
    let again = match host.port() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_owned(),
    };
    let reparsed = hstsguard::host::parse_host(&again)
        .unwrap_or_else(|e| panic!("{again:?} (from {text:?}) does not parse again: {e}"));
    assert_eq!(reparsed.name(), name);
    assert_eq!(reparsed.port(), host.port());
    let _ = host.without_port();
}

fn trusts() -> &'static [ProxyTrust] {
    static TRUSTS: OnceLock<Vec<ProxyTrust>> = OnceLock::new();
    TRUSTS.get_or_init(|| {
        [ListRule::Leftmost, ListRule::Rightmost]
            .into_iter()
            .map(|rule| {
                ProxyTrust::builder()
                    .trust("0.0.0.0/0")
                    .trust("::/0")
                    .source(ProxySource::Forwarded)
                    .source(ProxySource::XForwardedProto)
                    .list_rule(rule)
                    .build()
                    .expect("valid proxy trust")
            })
            .collect()
    })
}

/// The `Forwarded` (RFC 7239) and `X-Forwarded-Proto` parsers, through proxy trust:
/// repeated fields split at NUL; the same answer with either header order, and the
/// explanation agrees with the answer.
pub fn forwarded(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut headers: Vec<(String, String)> = text
        .split('\0')
        .map(|v| ("Forwarded".to_owned(), v.to_owned()))
        .collect();
    let first = text.split('\0').next().unwrap_or("").to_owned();
    headers.push(("X-Forwarded-Proto".to_owned(), first));
    let peer = Some(IpAddr::from([192, 0, 2, 1]));
    for trust in trusts() {
        let facts =
            RequestFacts::new("GET", false, Some("example.com"), "/", &headers).with_peer(peer);
        let secure = trust.is_secure(&facts);
        assert_eq!(trust.explain_secure(&facts).is_secure(), secure);
        let none = RequestFacts::new("GET", false, Some("example.com"), "/", &headers);
        // No peer address: a proxy header is never trusted.
        assert!(!trust.is_secure(&none));
    }
}

/// curl's HSTS cache format (`KnownHosts::load_text`): what loads is written back in a
/// form that loads to the same text again.
pub fn store_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = 1_700_000_000;
    let store = KnownHosts::new();
    let report = store.load_text(text, now);
    assert!(report.loaded <= text.lines().count());
    let written = store.to_cache_text(now);
    let again = KnownHosts::new();
    let report2 = again.load_text(&written, now);
    assert!(
        report2.skipped.is_empty(),
        "{written:?}: {:?}",
        report2.skipped
    );
    assert_eq!(again.to_cache_text(now), written);
}

/// Host normalisation and the embedded preload list: a match's entry is the normalised
/// host or one of its parent domains, and a normalised host normalises to itself.
pub fn preload_lookup(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = hstsguard::ua::host_from_bytes(data);
    if let Ok(normal) = hstsguard::ua::normalize_host(text) {
        let n = normal.as_str().to_owned();
        let twice = hstsguard::ua::normalize_host(&n).expect("a normalised host normalises");
        assert_eq!(twice.as_str(), n);
    }
    let list = PreloadList::embedded();
    for single in [false, true] {
        if let Ok(Some(m)) = list.lookup_with(text, single) {
            let entry = m.entry();
            let n = hstsguard::ua::normalize_host(text).expect("a matched host normalises");
            let n = n.as_str();
            assert!(
                n == entry || n.ends_with(&format!(".{entry}")),
                "{n:?} matched {entry:?}"
            );
        }
    }
}
