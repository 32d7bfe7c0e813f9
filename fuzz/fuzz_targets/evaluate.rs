#![no_main]
//! No panic; a Location never holds CR, LF, NUL, space or user-info, and its host is
//! always the canonical host or an allowed host.
use libfuzzer_sys::fuzz_target;
use hstsguard::policy::{Action, Policy};
use hstsguard::RequestFacts;
use std::sync::OnceLock;

static POLICIES: OnceLock<Vec<(Policy, &'static [&'static str])>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let policies = POLICIES.get_or_init(|| {
        vec![
            (Policy::from_json(r#"{"redirect": {"allowed_hosts": ["example.com", ".example.org"]}, "proxy": {"trusted": ["10.0.0.0/8"]}}"#).unwrap(), &["example.com", "example.org"][..]),
            (Policy::from_json(r#"{"redirect": {"canonical_host": "canon.example", "keep_port": true}}"#).unwrap(), &["canon.example"][..]),
        ]
    });
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Split the input into host, target, method and one header value.
    let mut parts = text.splitn(4, '\u{1}');
    let host = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let method = parts.next().unwrap_or("GET");
    let xfp = parts.next().unwrap_or("");
    let headers = [("X-Forwarded-Proto", xfp), ("Forwarded", xfp)];
    for (policy, allowed) in policies {
        for peer in [None, Some("10.1.2.3".parse().unwrap())] {
            let facts = RequestFacts::new(method, false, Some(host), target, &headers).with_peer(peer);
            let d = policy.evaluate(&facts);
            if let Action::Redirect { location, .. } = d.action() {
                assert!(!location.bytes().any(|b| b <= b' ' || b == 0x7f), "{location:?}");
                let rest = location.strip_prefix("https://").expect("https");
                let authority = rest.split(['/', '?', '#']).next().unwrap();
                assert!(!authority.contains('@'), "{location:?}");
                let name = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
                assert!(allowed.iter().any(|a| name == *a || name.ends_with(&format!(".{a}"))), "{location:?}");
            }
        }
    }
});
