//! Proves with a counting allocator that the hot paths do not allocate: formatting an
//! HSTS value, parsing a canonical header, and evaluating a secure request that passes.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;

#[test]
fn formatting_and_parsing_a_canonical_header_do_not_allocate() {
    let p = hstsguard::HstsPolicy::including_subdomains(63_072_000).with_preload();
    let (n, len) = allocations(|| p.value().len());
    assert_eq!((n, len), (0, 44));
    let (n, valid) = allocations(|| {
        hstsguard::parse_sts("max-age=31536000; includeSubDomains; preload").is_valid()
    });
    assert!(valid);
    assert_eq!(n, 0, "parse_sts allocated");
}

#[test]
fn secure_pass_path_does_not_allocate() {
    let policy = hstsguard::policy::Policy::from_toml(
        "[proxy]\ntrusted = [\"10.0.0.0/8\"]\n[redirect]\nallowed_hosts = [\".example.com\"]\n",
    )
    .unwrap();
    let headers = [("X-Forwarded-Proto", "https")];
    let none: [(&str, &str); 0] = [];
    let (n, hsts) = allocations(|| {
        let facts =
            hstsguard::RequestFacts::new("GET", true, Some("www.example.com"), "/a?b", &none);
        policy.evaluate(&facts).hsts().map(str::len)
    });
    assert_eq!(hsts, Some("max-age=31536000; includeSubDomains".len()));
    assert_eq!(n, 0, "evaluate allocated on the TLS pass path");
    let (n, secure) = allocations(|| {
        let facts =
            hstsguard::RequestFacts::new("GET", false, Some("www.example.com"), "/", &headers)
                .with_peer(Some("10.0.0.1".parse().unwrap()));
        policy.evaluate(&facts).secure()
    });
    assert!(secure);
    assert_eq!(n, 0, "evaluate allocated on the proxied pass path");
}

#[test]
fn an_unchanged_cookie_does_not_allocate() {
    let policy = hstsguard::policy::Policy::default();
    let (n, changed) = allocations(|| {
        policy
            .flag_set_cookie("sid=1; Path=/; Secure", true)
            .changed()
    });
    assert!(!changed);
    assert_eq!(n, 0);
}
