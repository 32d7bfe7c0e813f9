//! Live scans against real servers on 127.0.0.1 (see `lab/mod.rs`), one scenario a test.

mod lab;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hstsguard_scan::{ScanReport, Scanner};
use lab::{lab, PRELOAD};

fn scanner() -> Scanner {
    Scanner::new(lab().options()).unwrap()
}

async fn scan(domain: &str) -> ScanReport {
    scanner().scan(domain).await
}

fn codes(r: &ScanReport) -> String {
    r.issues
        .iter()
        .map(|i| format!("{} ({}): {}", i.code, i.severity, i.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn assert_error(r: &ScanReport, code: &str) {
    assert!(
        r.errors.iter().any(|c| c == code),
        "{} lacks error {code}:\n{}",
        r.domain,
        codes(r)
    );
    assert!(!r.ok);
}

#[track_caller]
fn assert_warning(r: &ScanReport, code: &str) {
    assert!(
        r.warnings.iter().any(|c| c == code),
        "{} lacks warning {code}:\n{}",
        r.domain,
        codes(r)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preloadable_site() {
    let r = scan("good.test").await;
    assert!(r.ok && r.preloadable, "{}", codes(&r));
    assert!(
        r.errors.is_empty() && r.warnings.is_empty(),
        "{}",
        codes(&r)
    );
    assert_eq!(r.header.as_deref(), Some(PRELOAD));
    let http = &r.chains.http_apex;
    assert_eq!(http.len(), 2);
    assert_eq!(http[0].url, "http://good.test/");
    assert_eq!(http[0].status, Some(301));
    assert_eq!(http[0].location.as_deref(), Some("https://good.test/"));
    assert!(http[0].tls.is_none());
    let tls = r.chains.https_apex[0].tls.as_ref().unwrap();
    assert!(tls.verified, "{tls:?}");
    assert_eq!(tls.version, "TLSv1.3");
    assert!(tls.cipher.starts_with("TLS13_"), "{}", tls.cipher);
    assert_eq!(tls.sans, ["good.test"]);
    assert!(tls.subject.contains("good.test") && tls.issuer.contains("hstsguard test CA"));
    assert!(tls.not_after.as_deref().unwrap().ends_with('Z'));
    assert_eq!(r.chains.https_www.len(), 1);
    assert_eq!(r.chains.http_www.len(), 2);
    // The JSON shape the README documents.
    let v = r.to_json();
    for key in [
        "domain",
        "ok",
        "preloadable",
        "errors",
        "warnings",
        "header",
        "chains",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let hop = &v["chains"]["https_apex"][0];
    for key in [
        "url",
        "status",
        "location",
        "sts",
        "set_cookie",
        "tls",
        "error",
    ] {
        assert!(hop.get(key).is_some(), "{key}");
    }
    for key in ["version", "verified", "error", "not_after"] {
        assert!(hop["tls"].get(key).is_some(), "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_scenarios() {
    let s = scanner();
    let r = s.scan("noredirect.test").await;
    assert_error(&r, "redirects.http.no_redirect");
    let r = s.scan("otherhost.test").await;
    assert_error(&r, "redirects.http.first_redirect.insecure");
    let r = s.scan("wwwfirst.test").await;
    assert_error(&r, "redirects.http.www_first");
    let r = s.scan("loop.test").await;
    assert_error(&r, "scan.redirects.loop");
    assert_error(&r, "redirects.follow_error");
    assert_eq!(r.chains.http_apex.len(), 2, "{:?}", r.chains.http_apex);
    let r = s.scan("httpsts.test").await;
    assert_warning(&r, "redirects.http.useless_header");
    assert!(r.preloadable, "{}", codes(&r));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_scenarios() {
    let s = scanner();
    let r = s.scan("noheader.test").await;
    assert_error(&r, "response.no_header");
    assert_eq!(r.header, None);
    let r = s.scan("twoheaders.test").await;
    assert_error(&r, "response.multiple_headers");
    assert_eq!(r.chains.https_apex[0].sts.len(), 2);
    let r = s.scan("weak.test").await;
    assert_error(&r, "header.preloadable.max_age.below_1_year");
    assert_eq!(
        r.header.as_deref(),
        Some("max-age=300; includeSubDomains; preload")
    );
    let r = s.scan("wwwdiff.test").await;
    assert_warning(&r, "scan.hsts.inconsistent");
    let r = s.scan("legacy.test").await;
    assert_warning(&r, "hpkp.deprecated");
    assert_warning(&r, "scan.legacy.expect_ct");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn www_scenarios() {
    let s = scanner();
    let r = s.scan("wwwnotls.test").await;
    assert_error(&r, "domain.www.no_tls");
    assert!(!r.preloadable);
    // www:443 refuses TCP: hstspreload does not judge www then.
    let r = s.scan("nowww.test").await;
    assert!(r.ok && r.preloadable, "{}", codes(&r));
    assert_eq!(
        r.chains.https_www[0].error.as_ref().unwrap().code,
        "scan.connect.failed"
    );
    // A subdomain is reported, and www is not followed for it.
    let r = s.scan("www.good.test").await;
    assert_error(&r, "domain.is_subdomain");
    assert!(r.chains.http_www.is_empty() && !r.chains.https_apex.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_scenarios() {
    let s = scanner();
    for (domain, why) in [
        ("expired.test", "expired"),
        ("selfsigned.test", "self_signed"),
        ("wrongname.test", "wrong_name"),
    ] {
        let r = s.scan(domain).await;
        assert_error(&r, "domain.tls.invalid_cert_chain");
        let tls = r.chains.https_apex[0].tls.as_ref().unwrap();
        assert!(!tls.verified);
        assert_eq!(tls.error.as_deref(), Some(why), "{domain}");
        // The scan goes on behind the bad certificate and reads the header.
        assert_eq!(r.header.as_deref(), Some(PRELOAD), "{domain}");
    }
    // An unknown CA: the same server without the test CA.
    let mut o = lab().options();
    o = {
        let mut fresh = hstsguard_scan::Options::default();
        fresh.connect_to = std::mem::take(&mut o.connect_to);
        fresh
    };
    let r = Scanner::new(o).unwrap().scan("good.test").await;
    assert_error(&r, "domain.tls.invalid_cert_chain");
    assert_eq!(
        r.chains.https_apex[0]
            .tls
            .as_ref()
            .unwrap()
            .error
            .as_deref(),
        Some("unknown_ca")
    );
    let r = s.scan("soon.test").await;
    assert_warning(&r, "scan.tls.expires_soon");
    assert!(r.ok, "{}", codes(&r));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_and_mixed_content() {
    let s = scanner();
    let r = s.scan("cookies.test").await;
    assert_warning(&r, "scan.cookie.not_secure");
    assert_warning(&r, "cookie.prefix.host.violation");
    let not_secure: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == "scan.cookie.not_secure")
        .collect();
    assert_eq!(not_secure.len(), 1, "{}", codes(&r));
    assert!(not_secure[0].message.contains("`sid`"));
    assert_eq!(r.chains.https_apex[0].set_cookie.len(), 3);

    let r = s.scan("mixed.test").await;
    assert_warning(&r, "scan.mixed_content");
    assert_eq!(
        r.mixed_content,
        [
            "<script src> http://cdn.mixed.test/app.js",
            "<img src> http://cdn.mixed.test/a.png"
        ]
    );
    assert!(r.ok, "mixed content is a warning: {}", codes(&r));

    let r = s.scan("bigbody.test").await;
    assert_warning(&r, "scan.response.body_too_large");
    assert!(r.mixed_content.is_empty(), "only the first 1 MB is read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_server_ends_within_its_timeout() {
    let mut o = lab().options();
    o.connect_timeout = Duration::from_secs(1);
    o.domain_timeout = Duration::from_secs(2);
    let started = Instant::now();
    let r = Scanner::new(o).unwrap().scan("silent.test").await;
    let took = started.elapsed();
    assert!(took < Duration::from_millis(3500), "took {took:?}");
    assert!(took >= Duration::from_millis(900), "took {took:?}");
    assert_error(&r, "domain.tls.cannot_connect");
    assert_error(&r, "scan.connect.timeout");
    assert_error(&r, "scan.timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_each_gets_its_code_and_the_fleet_goes_on() {
    let cases = [
        ("bad..domain", "domain.format.contains_double_dot"),
        ("nothttp.test", "scan.response.not_http"),
        ("alert.test", "scan.tls.handshake"),
        ("truncated.test", "scan.response.truncated"),
        ("bighead.test", "scan.response.header_too_large"),
        ("crlf.test", "scan.location.invalid"),
        ("scheme.test", "scan.location.not_http"),
        ("endless.test", "scan.redirects.limit"),
        ("good.test", ""),
    ];
    let scanner = Arc::new(scanner());
    let mut reports = Vec::new();
    scanner
        .scan_fleet(cases.iter().map(|(d, _)| (*d).to_owned()), 4, |r| {
            reports.push(r)
        })
        .await;
    assert_eq!(reports.len(), cases.len());
    for (domain, code) in cases {
        let r = reports.iter().find(|r| r.domain == domain).unwrap();
        if code.is_empty() {
            assert!(r.ok, "{}", codes(r));
        } else {
            assert_error(r, code);
        }
    }
    let alert = reports.iter().find(|r| r.domain == "alert.test").unwrap();
    assert_error(alert, "domain.tls.cannot_connect");
    assert!(alert.chains.https_apex[0]
        .error
        .as_ref()
        .unwrap()
        .message
        .contains("HandshakeFailure"));
    let endless = reports.iter().find(|r| r.domain == "endless.test").unwrap();
    assert_eq!(endless.chains.http_apex.len(), 10);
    let bad = reports.iter().find(|r| r.domain == "bad..domain").unwrap();
    assert!(
        bad.chains.http_apex.is_empty(),
        "no network for an invalid name"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_rules() {
    let mut o = lab().options();
    o.removable = true;
    let r = Scanner::new(o).unwrap().scan("good.test").await;
    assert_eq!(r.removable, Some(false));
    assert_error(&r, "header.removable.contains.preload");
    assert!(r.preloadable);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_of_1000_names_on_one_sni_server() {
    let scanner = Arc::new(scanner());
    let names = (0..1000).map(|n| format!("fleet-{n}.test"));
    let mut seen = HashSet::new();
    let mut failed = Vec::new();
    let started = Instant::now();
    scanner
        .scan_fleet(names, 32, |r| {
            if !r.ok {
                failed.push(format!("{}: {:?}", r.domain, r.errors));
            }
            assert!(seen.insert(r.domain.clone()));
        })
        .await;
    eprintln!("1000 names in {:?}", started.elapsed());
    assert_eq!(seen.len(), 1000);
    assert!(failed.is_empty(), "{failed:?}");
}

#[test]
fn blocking_api() {
    let r = Scanner::new(lab().options())
        .unwrap()
        .scan_blocking("good.test")
        .unwrap();
    assert!(r.ok, "{}", codes(&r));
    let json = serde_json::to_string(&r).unwrap();
    let back: ScanReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}
