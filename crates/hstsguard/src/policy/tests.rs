use super::*;

#[test]
fn policy_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
}

#[test]
fn hsts_is_skipped_for_ip_and_localhost_hosts() {
    let policy = Policy::default();
    let none: [(&str, &str); 0] = [];
    let hsts = |host: &str| {
        policy
            .evaluate(&RequestFacts::new("GET", true, Some(host), "/", &none))
            .hsts()
            .is_some()
    };
    for h in [
        "127.0.0.1",
        "127.0.0.1:8443",
        "[::1]",
        "[::1]:443",
        "[::ffff:127.0.0.1]",
        "localhost",
        "LOCALHOST:80",
        "app.localhost",
        "localhost.",
        "192.0.2.1",
        "127.1",
        "0x7f.0.0.1",
        "2130706433",
        "localhost\r\n",
    ] {
        assert!(!hsts(h), "{h:?} got HSTS");
    }
    for h in [
        "example.com",
        "notlocalhost",
        "localhost.example.com",
        "www.example.com:8443",
    ] {
        assert!(hsts(h), "{h:?} lacks HSTS");
    }
    let keep_ip = Policy::from_json(r#"{"hsts": {"skip_ip_hosts": false}}"#).unwrap();
    let f = RequestFacts::new("GET", true, Some("192.0.2.1"), "/", &none);
    assert!(keep_ip.evaluate(&f).hsts().is_some());
    let f = RequestFacts::new("GET", true, Some("127.0.0.1"), "/", &none);
    assert!(
        keep_ip.evaluate(&f).hsts().is_none(),
        "loopback is localhost"
    );
}

#[test]
fn proxy_sources_that_disagree_are_refused() {
    let p = Policy::from_json(
        r#"{"proxy": {"trusted": ["10.0.0.0/8"], "sources": ["forwarded", "x-forwarded-proto"]},
            "redirect": {"allowed_hosts": ["example.com"]}}"#,
    )
    .unwrap();
    let codes: Vec<_> = p.warnings().iter().map(|w| w.code()).collect();
    assert!(
        codes.contains(&Code::PolicyProxySeveralSources),
        "{codes:?}"
    );
    let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
    let facts = RequestFacts::new("GET", false, Some("example.com"), "/", &h)
        .with_peer(Some("10.0.0.7".parse().unwrap()));
    let d = p.evaluate(&facts);
    assert_eq!(d.action().code(), Some(Code::ProxySourcesDisagree));
    assert_eq!(d.action().status(), Some(400));
    assert!(!d.secure() && d.hsts().is_none());
    assert!(
        d.explain().contains("X-Forwarded-Proto says HTTPS"),
        "{}",
        d.explain()
    );
    // One source (the default): no warning, and the client's Forwarded is not read.
    let one = Policy::from_json(r#"{"proxy": {"trusted": ["10.0.0.0/8"]}}"#).unwrap();
    assert!(one
        .warnings()
        .iter()
        .all(|w| w.code() != Code::PolicyProxySeveralSources));
    assert!(one.evaluate(&facts).action().is_pass());
}

#[test]
fn every_error_at_once() {
    let err = Policy::from_json(
        r#"{"hsts": {"max_age": -1, "preload": "yes", "maxage": 1}, "bogus": 1}"#,
    )
    .unwrap_err();
    let paths: Vec<_> = err
        .config_errors()
        .iter()
        .map(|e| (e.path(), e.code().as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("hsts.max_age", "duration.negative"),
            ("hsts.preload", "config.invalid_type"),
            ("hsts.maxage", "config.unknown_key"),
            ("bogus", "config.unknown_key"),
        ]
    );
}
