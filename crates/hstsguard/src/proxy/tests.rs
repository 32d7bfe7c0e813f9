use super::*;
use super::{config::*, source::*};
use crate::request::NoHeaders;

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

fn facts<'a>(tls: bool, peer: Option<IpAddr>, headers: &'a dyn HeaderLookup) -> RequestFacts<'a> {
    RequestFacts::new("GET", tls, Some("example.com"), "/", headers).with_peer(peer)
}

fn trust(nets: &[&str], sources: &[ProxySource], list: ListRule) -> ProxyTrust {
    let mut b = ProxyTrust::builder().list_rule(list);
    for n in nets {
        b = b.trust(n);
    }
    for s in sources {
        b = b.source(s.clone());
    }
    b.build().unwrap()
}

fn says(source: ProxySource, value: &str, list: ListRule) -> Option<bool> {
    source.says_https(&[(source.header(), value)], list)
}

#[test]
fn tls_is_always_secure() {
    let t = ProxyTrust::none();
    assert!(t.is_secure(&facts(true, None, &NoHeaders)));
    assert!(!t.is_secure(&facts(false, None, &NoHeaders)));
    assert_eq!(
        t.explain_secure(&facts(true, None, &NoHeaders)),
        SecureReason::Tls
    );
}

#[test]
fn untrusted_peers_cannot_spoof() {
    let h = [("X-Forwarded-Proto", "https"), ("Forwarded", "proto=https")];
    let none = ProxyTrust::none();
    assert!(!none.is_secure(&facts(false, ip("10.0.0.1"), &h)));
    assert_eq!(
        none.explain_secure(&facts(false, ip("10.0.0.1"), &h)),
        SecureReason::UntrustedPeer
    );
    let t = trust(&["10.0.0.0/8"], &[], ListRule::Leftmost);
    assert!(t.is_secure(&facts(false, ip("10.0.0.1"), &h)));
    assert!(!t.is_secure(&facts(false, ip("11.0.0.1"), &h)));
    assert!(!t.is_secure(&facts(false, None, &h)));
    assert_eq!(
        t.explain_secure(&facts(false, None, &h)),
        SecureReason::UntrustedPeer
    );
    assert_eq!(
        t.explain_secure(&facts(false, ip("11.0.0.1"), &NoHeaders)),
        SecureReason::NotSecure
    );
}

#[test]
fn networks_and_mapped_addresses() {
    let t = trust(
        &["10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"],
        &[],
        ListRule::Leftmost,
    );
    assert_eq!(t.networks().len(), 4);
    for yes in [
        "10.255.0.1",
        "192.0.2.7",
        "::ffff:192.0.2.7",
        "::ffff:10.9.9.9",
        "2001:db8::5",
        "::1",
    ] {
        assert!(t.trusts(yes.parse().unwrap()), "{yes}");
    }
    for no in [
        "192.0.2.8",
        "11.0.0.1",
        "2001:db9::1",
        "::2",
        "::ffff:11.0.0.1",
        "::10.0.0.1",
    ] {
        assert!(!t.trusts(no.parse().unwrap()), "{no}");
    }
    assert!(!t.trusts_everyone());
    assert!(trust(&["0.0.0.0/0"], &[], ListRule::Leftmost).trusts_everyone());
    assert!(trust(&["::/0"], &[], ListRule::Leftmost).trusts_everyone());
    assert_eq!(
        trust(&["10.1.2.3/8"], &[], ListRule::Leftmost).networks()[0].to_string(),
        "10.0.0.0/8"
    );
    let err = ProxyTrust::builder()
        .trust("10.0.0.1")
        .trust("10.0.0.1")
        .trust("10.0.0.0/33")
        .trust("nope")
        .build()
        .unwrap_err();
    let paths: Vec<_> = err
        .config_errors()
        .iter()
        .map(|e| e.path().to_owned())
        .collect();
    assert_eq!(paths, ["proxy.trusted[2]", "proxy.trusted[3]"]);
}

#[test]
fn preset_values() {
    use ListRule::*;
    use ProxySource::*;
    assert_eq!(says(XForwardedProto, "https", Leftmost), Some(true));
    assert_eq!(says(XForwardedProto, " HTTPS\t", Leftmost), Some(true));
    assert_eq!(says(XForwardedProto, "http", Leftmost), Some(false));
    assert_eq!(says(XForwardedProto, "", Leftmost), Some(false));
    assert_eq!(says(XForwardedProto, "https, http", Leftmost), Some(true));
    assert_eq!(says(XForwardedProto, "https, http", Rightmost), Some(false));
    assert_eq!(says(XForwardedProto, "http,https", Rightmost), Some(true));
    assert_eq!(says(XForwardedProto, ", https", Leftmost), Some(true));
    assert_eq!(says(XForwardedProto, "https, ", Rightmost), Some(true));
    assert_eq!(says(XForwardedProto, "https;x", Leftmost), Some(false));
    assert_eq!(says(XForwardedProto, "httpss", Leftmost), Some(false));
    assert_eq!(says(XForwardedSsl, "on", Leftmost), Some(true));
    assert_eq!(says(XForwardedSsl, "On", Leftmost), Some(true));
    assert_eq!(says(XForwardedSsl, "off", Leftmost), Some(false));
    assert_eq!(says(XForwardedSsl, "1", Leftmost), Some(false));
    assert_eq!(says(FrontEndHttps, "ON", Leftmost), Some(true));
    assert_eq!(says(FrontEndHttps, "off, on", Rightmost), Some(true));
    assert_eq!(
        says(XArrSsl, "2048|256|C=US, O=Example|CN=x", Leftmost),
        Some(true)
    );
    assert_eq!(says(XArrSsl, "  ", Leftmost), Some(false));
    assert_eq!(
        says(CloudFrontForwardedProto, "https", Leftmost),
        Some(true)
    );
    assert_eq!(
        says(CloudFrontForwardedProto, "http", Leftmost),
        Some(false)
    );
    let custom = ProxySource::custom("X-Forwarded-Protocol", " SSL ").unwrap();
    assert_eq!(says(custom.clone(), "ssl", Leftmost), Some(true));
    assert_eq!(says(custom.clone(), "tls", Leftmost), Some(false));
    assert_eq!(says(custom, "ssl, http", Rightmost), Some(false));
    assert_eq!(XForwardedProto.says_https(&NoHeaders, Leftmost), None);
}

#[test]
fn forwarded_parsing() {
    use ListRule::*;
    use ProxySource::Forwarded as F;
    assert_eq!(says(F, "proto=https", Leftmost), Some(true));
    assert_eq!(
        says(F, "for=192.0.2.60;proto=https;by=203.0.113.43", Leftmost),
        Some(true)
    );
    assert_eq!(
        says(
            F,
            "For=\"[2001:db8:cafe::17]:4711\";PROTO=\"HTTPS\"",
            Leftmost
        ),
        Some(true)
    );
    assert_eq!(says(F, "for=a; proto = https ;by=b", Leftmost), Some(true));
    assert_eq!(says(F, "proto=\"ht\\tps\"", Leftmost), Some(true));
    assert_eq!(says(F, "proto=http", Leftmost), Some(false));
    assert_eq!(says(F, "for=192.0.2.60", Leftmost), None);
    assert_eq!(says(F, "", Leftmost), None);
    assert_eq!(says(F, "proto=https, proto=http", Leftmost), Some(true));
    assert_eq!(says(F, "proto=https, proto=http", Rightmost), Some(false));
    assert_eq!(says(F, "proto=http, for=x", Rightmost), None);
    assert_eq!(
        says(F, "for=\"a,proto=http\";proto=https", Leftmost),
        Some(true)
    );
    assert_eq!(
        says(F, "for=\"a;proto=http\";proto=https", Leftmost),
        Some(true)
    );
    assert_eq!(
        says(F, "for=\"unterminated;proto=https", Leftmost),
        Some(false)
    );
    assert_eq!(says(F, "proto=https;proto=https", Leftmost), Some(false));
    assert_eq!(says(F, "proto=\"https", Leftmost), Some(false));
    assert_eq!(says(F, "proto=\"https\"x", Leftmost), Some(false));
    assert_eq!(says(F, "proto=\"httpsx\"", Leftmost), Some(false));
    assert_eq!(says(F, "proto=\"http\"", Leftmost), Some(false));
    assert_eq!(says(F, "xproto=https", Leftmost), None);
}

#[test]
fn present_sources_decide_together() {
    let t = trust(
        &["10.0.0.0/8"],
        &[ProxySource::Forwarded, ProxySource::XForwardedProto],
        ListRule::Leftmost,
    );
    let peer = ip("10.0.0.2");
    // The reproduction of issue 15: a client's Forwarded against the proxy's
    // X-Forwarded-Proto, in either direction and either order.
    for h in [
        [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")],
        [("X-Forwarded-Proto", "http"), ("Forwarded", "proto=https")],
        [("X-Forwarded-Proto", "https"), ("Forwarded", "proto=http")],
    ] {
        assert!(!t.is_secure(&facts(false, peer, &h)));
        assert!(matches!(
            t.explain_secure(&facts(false, peer, &h)),
            SecureReason::Disagree { .. }
        ));
    }
    let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
    assert_eq!(
        t.explain_secure(&facts(false, peer, &h)),
        SecureReason::Disagree {
            https: &ProxySource::XForwardedProto,
            other: &ProxySource::Forwarded
        }
    );
    // A source without a verdict (no proto parameter) is absent.
    let h = [("Forwarded", "for=1.2.3.4"), ("X-Forwarded-Proto", "https")];
    assert!(t.is_secure(&facts(false, peer, &h)));
    assert_eq!(
        t.explain_secure(&facts(false, peer, &h)),
        SecureReason::Proxy(&ProxySource::XForwardedProto)
    );
    let h = [("Forwarded", "proto=https"), ("X-Forwarded-Proto", "HTTPS")];
    assert_eq!(
        t.explain_secure(&facts(false, peer, &h)),
        SecureReason::Proxy(&ProxySource::Forwarded)
    );
    let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "http")];
    assert_eq!(
        t.explain_secure(&facts(false, peer, &h)),
        SecureReason::NotSecure
    );
    let h = [("X-Forwarded-Ssl", "on")];
    assert!(!t.is_secure(&facts(false, peer, &h)));
    assert_eq!(
        t.explain_secure(&facts(false, peer, &h)),
        SecureReason::NotSecure
    );
    // Untrusted peers: nothing is read, so nothing disagrees.
    let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
    assert_eq!(
        t.explain_secure(&facts(false, ip("11.0.0.1"), &h)),
        SecureReason::UntrustedPeer
    );
}

#[test]
fn one_source_by_default() {
    let t = ProxyTrust::builder().trust("10.0.0.0/8").build().unwrap();
    assert_eq!(t.sources(), [ProxySource::XForwardedProto]);
    let peer = ip("10.0.0.7");
    // A client's Forwarded is not read at all by default.
    let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
    assert!(t.is_secure(&facts(false, peer, &h)));
    let h = [("Forwarded", "proto=https")];
    assert!(!t.is_secure(&facts(false, peer, &h)));
}

#[test]
fn source_names_round_trip() {
    for name in ProxySource::PRESET_NAMES {
        let s: ProxySource = name.parse().unwrap();
        assert_eq!(s.to_string(), name);
        assert_eq!(name.to_uppercase().parse::<ProxySource>().unwrap(), s);
    }
    let e = "x-forwarded-scheme"
        .parse::<ProxySource>()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("x-forwarded-scheme") && e.contains("cloudfront-forwarded-proto"),
        "{e}"
    );
    assert!(ProxySource::custom("Bad Header", "x").is_err());
    assert!(ProxySource::custom("", "x").is_err());
    assert!(ProxySource::custom("X-Ok", "").is_err());
    assert!(ProxySource::custom("X-Ok", "a\r\nb").is_err());
    assert!(ProxySource::custom("X-Ok", "a,b").is_err());
    assert_eq!(
        ListRule::Rightmost.to_string().parse::<ListRule>(),
        Ok(ListRule::Rightmost)
    );
    assert!("middle".parse::<ListRule>().is_err());
}

fn config(v: serde_json::Value) -> (ProxyTrust, Vec<(String, &'static str)>) {
    crate::config::reader::build_section("proxy", &v, from_section)
}

#[test]
fn config_reads_everything() {
    let (p, errs) = config(serde_json::json!({
        "trusted": ["10.0.0.0/8", "127.0.0.1", "2001:db8::/32"],
        "sources": ["x-forwarded-proto", "custom", "forwarded"],
        "custom_header": {"name": "X-Forwarded-Protocol", "value": "ssl"},
        "list": "rightmost",
    }));
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(p.networks().len(), 3);
    assert_eq!(
        p.sources(),
        [
            ProxySource::XForwardedProto,
            ProxySource::custom("X-Forwarded-Protocol", "ssl").unwrap(),
            ProxySource::Forwarded
        ]
    );
    assert_eq!(p.list_rule(), ListRule::Rightmost);

    let (p, errs) =
        config(serde_json::json!({"custom_header": {"name": "X-Proto", "value": "https"}}));
    assert!(errs.is_empty());
    assert_eq!(
        p.sources(),
        [ProxySource::custom("X-Proto", "https").unwrap()]
    );
    let (p, _) = config(
        serde_json::json!({"sources": ["forwarded"], "custom_header": {"name": "X-Proto", "value": "https"}}),
    );
    assert_eq!(p.sources().len(), 2);
    let (p, errs) = config(serde_json::json!({}));
    assert!(errs.is_empty());
    assert_eq!(p, ProxyTrust::none());
    let (p, _) = config(serde_json::json!({"trusted": ["10.0.0.0/8"]}));
    assert_eq!(p.sources(), [ProxySource::XForwardedProto]);
    let (p, errs) = config(serde_json::json!({"trusted": "10.0.0.1"}));
    assert!(errs.is_empty());
    assert_eq!(p.networks()[0].to_string(), "10.0.0.1/32");
}

#[test]
fn config_reports_every_error_with_its_path() {
    let (_, errs) = config(serde_json::json!({
        "trusted": ["10.0.0.0/8", "10.0.0.0/99", 7, "example.com"],
        "sources": ["forwarded", "x-forwarded-scheme", "forwarded", "custom"],
        "list": "middle",
        "trustd": [],
    }));
    let want: Vec<(String, &str)> = vec![
        ("proxy.trusted[1]".into(), "config.invalid_value"),
        ("proxy.trusted[2]".into(), "config.invalid_type"),
        ("proxy.trusted[3]".into(), "config.invalid_value"),
        ("proxy.sources[1]".into(), "config.invalid_value"),
        ("proxy.sources[2]".into(), "config.invalid_value"),
        // sources[3] is "custom" without custom_header: not checked while the list
        // has items that cannot be used.
        ("proxy.list".into(), "config.invalid_value"),
        ("proxy.trustd".into(), "config.unknown_key"),
    ];
    assert_eq!(errs, want);

    let (_, errs) = config(serde_json::json!({
        "custom_header": {"name": "Bad Name", "value": "a\r\nb", "extra": 1},
        "list": 3,
        "sources": "nope",
    }));
    let want: Vec<(String, &str)> = vec![
        ("proxy.sources".into(), "config.invalid_value"),
        ("proxy.custom_header.name".into(), "config.invalid_value"),
        ("proxy.custom_header.value".into(), "config.invalid_value"),
        ("proxy.custom_header.extra".into(), "config.unknown_key"),
        ("proxy.list".into(), "config.invalid_type"),
    ];
    assert_eq!(errs, want);

    let (_, errs) = config(serde_json::json!({"custom_header": {"name": "X-A"}, "sources": 5}));
    let want: Vec<(String, &str)> = vec![
        ("proxy.sources".into(), "config.invalid_type"),
        ("proxy.custom_header.value".into(), "config.invalid_value"),
    ];
    assert_eq!(errs, want);
    let (_, errs) = config(serde_json::json!({"custom_header": "X-A: b"}));
    assert_eq!(
        errs,
        [("proxy.custom_header".to_owned(), "config.invalid_type")]
    );
}

#[test]
fn send_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<ProxyTrust>();
    check::<ProxySource>();
}
