use super::*;
use crate::request::NoHeaders;
use serde_json::{json, Value};

fn facts<'a>(method: &'a str, host: Option<&'a str>, target: &'a str) -> RequestFacts<'a> {
    RequestFacts::new(method, false, host, target, &NoHeaders)
}

fn redirect(status: u16, location: &str) -> Action {
    Action::Redirect {
        status,
        location: location.to_owned(),
    }
}

fn go(p: &RedirectPolicy, method: &str, host: Option<&str>, target: &str) -> Action {
    p.decide(&facts(method, host, target), false)
}

#[test]
fn defaults() {
    let p = RedirectPolicy::default();
    assert!(p.enabled() && p.acme_exempt() && !p.keep_port());
    assert_eq!(
        (p.https_port(), p.status_get_head(), p.status_other()),
        (443, 301, 308)
    );
    assert!(
        p.allowed_hosts().allows_any() && p.canonical_host().is_none() && p.exempt().is_empty()
    );
    assert_eq!(RedirectPolicy::builder().build().unwrap(), p);
    assert_eq!(
        go(&p, "GET", Some("example.com"), "/x?y=1#"),
        redirect(301, "https://example.com/x?y=1%23")
    );
    assert_eq!(
        go(&p, "HEAD", Some("example.com"), "/"),
        redirect(301, "https://example.com/")
    );
    assert_eq!(
        go(&p, "head", Some("example.com"), "/"),
        redirect(301, "https://example.com/")
    );
    assert_eq!(
        go(&p, "POST", Some("example.com"), "/"),
        redirect(308, "https://example.com/")
    );
    assert_eq!(
        go(&p, "Get", Some("example.com"), "/"),
        redirect(308, "https://example.com/")
    );
    assert_eq!(
        p.decide(&facts("GET", Some("example.com"), "/"), true),
        Action::Pass
    );
    assert_eq!(
        go(&RedirectPolicy::disabled(), "GET", None, "/"),
        Action::Pass
    );
}

#[test]
fn host_refusals() {
    let p = RedirectPolicy::builder()
        .allowed_hosts(["example.com"])
        .build()
        .unwrap();
    let code = |host: Option<&str>| {
        let out = go(&p, "GET", host, "/");
        assert_eq!(out.status(), Some(400), "{host:?}");
        out.code().unwrap()
    };
    assert_eq!(code(None), Code::HostMissing);
    assert_eq!(code(Some("")), Code::HostMissing);
    assert_eq!(code(Some("exa mple.com")), Code::HostMalformed);
    assert_eq!(code(Some("evil.example")), Code::HostNotAllowed);
    assert_eq!(code(Some("www.example.com")), Code::HostNotAllowed);
    assert_eq!(
        go(&p, "GET", Some("EXAMPLE.com.:80"), "/"),
        redirect(301, "https://example.com/")
    );
    let none = RedirectPolicy::builder()
        .allowed_hosts(Vec::<String>::new())
        .build()
        .unwrap();
    assert_eq!(
        go(&none, "GET", Some("example.com"), "/").code(),
        Some(Code::HostNotAllowed)
    );
    let Action::Reject { reason, .. } = go(&p, "GET", Some("a\r\nb"), "/") else {
        panic!()
    };
    assert!(!reason.contains(['\r', '\n']), "{reason}");
}

#[test]
fn ports() {
    let p = RedirectPolicy::default();
    assert_eq!(
        go(&p, "GET", Some("example.com:8080"), "/"),
        redirect(301, "https://example.com/")
    );
    assert_eq!(
        go(&p, "GET", Some("[::1]:8080"), "/"),
        redirect(301, "https://[::1]/")
    );
    let p = RedirectPolicy::builder().https_port(8443).build().unwrap();
    assert_eq!(
        go(&p, "GET", Some("example.com"), "/"),
        redirect(301, "https://example.com:8443/")
    );
    assert_eq!(
        go(&p, "GET", Some("example.com:80"), "/"),
        redirect(301, "https://example.com:8443/")
    );
    assert_eq!(
        go(&p, "GET", Some("example.com:8080"), "/"),
        redirect(301, "https://example.com:8443/")
    );
    let p = RedirectPolicy::builder().keep_port(true).build().unwrap();
    assert_eq!(
        go(&p, "GET", Some("example.com:8080"), "/"),
        redirect(301, "https://example.com:8080/")
    );
    assert_eq!(
        go(&p, "GET", Some("example.com:80"), "/"),
        redirect(301, "https://example.com/")
    );
    assert_eq!(
        go(&p, "GET", Some("example.com:443"), "/"),
        redirect(301, "https://example.com/")
    );
    assert_eq!(
        go(&p, "GET", Some("192.0.2.1:1"), "/"),
        redirect(301, "https://192.0.2.1:1/")
    );
    let p = RedirectPolicy::builder()
        .keep_port(true)
        .https_port(4443)
        .build()
        .unwrap();
    assert_eq!(
        go(&p, "GET", Some("example.com:80"), "/"),
        redirect(301, "https://example.com:4443/")
    );
    assert_eq!(
        go(&p, "GET", Some("example.com:65535"), "/"),
        redirect(301, "https://example.com:65535/")
    );
}

#[test]
fn canonical_host() {
    let p = RedirectPolicy::builder()
        .canonical_host("WWW.Example.com")
        .build()
        .unwrap();
    assert_eq!(p.canonical_host().unwrap().name(), "www.example.com");
    for host in [
        None,
        Some(""),
        Some("evil.example"),
        Some("example.com:8080"),
        Some("[::1]"),
    ] {
        assert_eq!(
            go(&p, "GET", host, "/a"),
            redirect(301, "https://www.example.com/a"),
            "{host:?}"
        );
    }
    assert_eq!(
        go(&p, "GET", Some("evil@example.com"), "/").code(),
        Some(Code::HostMalformed)
    );
    assert_eq!(
        go(&p, "GET", Some("example.com\r\n"), "/").code(),
        Some(Code::HostMalformed)
    );
    // Port from the canonical host wins; otherwise https_port, whatever the order.
    let p = RedirectPolicy::builder()
        .canonical_host("example.com:8443")
        .https_port(9443)
        .build()
        .unwrap();
    assert_eq!(
        go(&p, "GET", None, "/"),
        redirect(301, "https://example.com:8443/")
    );
    let p = RedirectPolicy::builder()
        .canonical_host("example.com")
        .https_port(9443)
        .build()
        .unwrap();
    assert_eq!(
        go(&p, "GET", None, "/"),
        redirect(301, "https://example.com:9443/")
    );
    let p = RedirectPolicy::builder()
        .https_port(9443)
        .canonical_host("example.com:443")
        .build()
        .unwrap();
    assert_eq!(
        go(&p, "GET", None, "/"),
        redirect(301, "https://example.com/")
    );
    let p = RedirectPolicy::builder()
        .canonical_host("[2001:db8::1]")
        .keep_port(true)
        .build()
        .unwrap();
    assert_eq!(
        go(&p, "GET", Some("x:8080"), "/"),
        redirect(301, "https://[2001:db8::1]/")
    );
    for bad in [
        "https://example.com",
        "example.com/",
        "",
        "a b",
        "example.com:0",
        "user@example.com",
    ] {
        let err = RedirectPolicy::builder()
            .canonical_host(bad)
            .build()
            .unwrap_err();
        assert_eq!(
            err.config_errors()[0].path(),
            "redirect.canonical_host",
            "{bad}"
        );
    }
}

#[test]
fn methods_and_statuses() {
    for &s in GET_HEAD_STATUSES {
        let p = RedirectPolicy::builder()
            .status_get_head(s)
            .build()
            .unwrap();
        assert_eq!(go(&p, "GET", Some("a.example"), "/").status(), Some(s));
    }
    for s in [301, 302, 303, 307, 308] {
        let p = RedirectPolicy::builder().status_other(s).build().unwrap();
        assert_eq!(go(&p, "DELETE", Some("a.example"), "/").status(), Some(s));
    }
    for s in [403, 426] {
        let p = RedirectPolicy::builder().status_other(s).build().unwrap();
        let out = go(&p, "POST", None, "/");
        assert_eq!(
            (out.status(), out.code()),
            (Some(s), Some(Code::RedirectMethodRefused))
        );
        assert_eq!(go(&p, "GET", Some("a.example"), "/").status(), Some(301));
        assert_eq!(p.decide(&facts("POST", None, "/"), true), Action::Pass);
    }
    for bad in [0, 200, 300, 304, 403, 426, 999] {
        assert!(
            RedirectPolicy::builder()
                .status_get_head(bad)
                .build()
                .is_err(),
            "{bad}"
        );
    }
    for bad in [0, 200, 400, 404, 500] {
        assert!(
            RedirectPolicy::builder().status_other(bad).build().is_err(),
            "{bad}"
        );
    }
    assert!(RedirectPolicy::builder().https_port(0).build().is_err());
}

#[test]
fn exemptions() {
    let p = RedirectPolicy::builder()
        .exempt("^/health$")
        .exempt("^/api/public/")
        .exempt("metrics")
        .build()
        .unwrap();
    let pass = |t: &str| go(&p, "GET", Some("example.com"), t).is_pass();
    assert!(pass("/health"));
    assert!(pass("/health?full=1"));
    assert!(!pass("/healthz"));
    assert!(!pass("/x/health"));
    assert!(pass("/api/public/a"));
    assert!(!pass("/api/private/a"));
    assert!(pass("/a/metrics/b"));
    assert!(!pass("/a?metrics"));
    assert!(!pass("/%68ealth"));
    assert!(pass("/.well-known/acme-challenge/token"));
    assert!(!pass("/.well-known/acme-challenge"));
    assert!(!pass("/.WELL-KNOWN/acme-challenge/token"));
    assert!(!pass("/.well-known/security.txt"));
    // ASCII classes and case folding (the path is percent-encoded); `.` is one character.
    let p = RedirectPolicy::builder()
        .exempt(r"^/v\d+/status$")
        .exempt("(?i)^/ping$")
        .exempt("(?i)^/k$")
        .exempt("^/café$")
        .exempt("^/x.$")
        .build()
        .unwrap();
    let pass = |t: &str| go(&p, "GET", Some("example.com"), t).is_pass();
    assert!(pass("/v12/status") && !pass("/v١/status"));
    assert!(pass("/PING") && pass("/ping") && !pass("/pıng"));
    // ASCII folding only: Unicode's simple folding would take the Kelvin sign to `k`.
    assert!(pass("/K") && !pass("/\u{212A}"));
    assert!(pass("/café") && !pass("/cafe"));
    assert!(pass("/xy") && pass("/xé") && !pass("/xéé"));
    for unicode in [r"^/\p{L}", r"^/\pL"] {
        let err = RedirectPolicy::builder()
            .exempt(unicode)
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains(unicode) && err.contains("Unicode"), "{err}");
    }
    let p = RedirectPolicy::builder()
        .acme_exempt(false)
        .build()
        .unwrap();
    assert!(!go(
        &p,
        "GET",
        Some("example.com"),
        "/.well-known/acme-challenge/t"
    )
    .is_pass());
    // Exempt paths pass before the Host is looked at.
    let p = RedirectPolicy::builder()
        .allowed_hosts(["example.com"])
        .build()
        .unwrap();
    assert!(go(&p, "GET", None, "/.well-known/acme-challenge/t").is_pass());
    let err = RedirectPolicy::builder()
        .exempt("^/ok$")
        .exempt("(")
        .exempt("")
        .build()
        .unwrap_err();
    let paths: Vec<_> = err.config_errors().iter().map(|e| e.path()).collect();
    assert_eq!(paths, ["redirect.exempt[1]", "redirect.exempt[2]"]);
    assert!(
        err.config_errors()[0].message().contains("without closing"),
        "{err}"
    );
}

#[test]
fn targets_are_kept_or_repaired() {
    let p = RedirectPolicy::default();
    let loc = |t: &str| {
        go(&p, "GET", Some("example.com"), t)
            .location()
            .unwrap()
            .to_owned()
    };
    let cases = [
        ("/", "https://example.com/"),
        ("", "https://example.com/"),
        (
            "/a/b;c=d?e=f&g=%20h|i^j[k]",
            "https://example.com/a/b;c=d?e=f&g=%20h|i^j[k]",
        ),
        (
            "/~user/!$&'()*+,;=:@",
            "https://example.com/~user/!$&'()*+,;=:@",
        ),
        ("/%zz%", "https://example.com/%zz%"),
        ("//evil.example/x", "https://example.com/evil.example/x"),
        ("///evil.example", "https://example.com/evil.example"),
        ("/\\evil.example", "https://example.com/evil.example"),
        ("\\\\evil.example", "https://example.com/evil.example"),
        ("/a//b", "https://example.com/a//b"),
        (
            "/a?next=//evil.example",
            "https://example.com/a?next=//evil.example",
        ),
        (
            "http://evil.example/x",
            "https://example.com/http://evil.example/x",
        ),
        (
            "https://user@evil.example/",
            "https://example.com/https://user@evil.example/",
        ),
        ("*", "https://example.com/*"),
        ("?q=1", "https://example.com/?q=1"),
        ("/a b", "https://example.com/a%20b"),
        (
            "/a\r\nLocation: https://evil.example",
            "https://example.com/a%0D%0ALocation:%20https://evil.example",
        ),
        ("/\0", "https://example.com/%00"),
        ("/\x7f\x1b", "https://example.com/%7F%1B"),
        ("/é", "https://example.com/%C3%A9"),
        (
            "/\"<script>`{}\\#",
            "https://example.com/%22%3Cscript%3E%60%7B%7D%5C%23",
        ),
    ];
    for (target, want) in cases {
        assert_eq!(loc(target), want, "{target:?}");
    }
}

/// Checks the guarantee of the module documentation for one outcome.
fn assert_guarantee(out: &Action, allowed: &dyn Fn(&str) -> bool, ctx: &str) {
    let Action::Redirect { location, status } = out else {
        if let Action::Reject { reason, .. } = out {
            assert!(
                !reason.chars().any(char::is_control),
                "{ctx}: reason {reason:?}"
            );
        }
        return;
    };
    assert!(GET_HEAD_STATUSES.contains(status), "{ctx}");
    assert!(
        location.bytes().all(|b| b.is_ascii_graphic()),
        "{ctx}: {location:?}"
    );
    let rest = location
        .strip_prefix("https://")
        .unwrap_or_else(|| panic!("{ctx}: {location:?}"));
    let end = rest
        .find('/')
        .unwrap_or_else(|| panic!("{ctx}: no path in {location:?}"));
    let (authority, path) = rest.split_at(end);
    assert!(
        !authority.contains(['@', '?', '#', '\\', '%']),
        "{ctx}: {location:?}"
    );
    assert!(!path.starts_with("//"), "{ctx}: {location:?}");
    let name = match authority.rsplit_once(':') {
        Some((n, port)) if !n.ends_with(':') && (n.starts_with('[') == n.ends_with(']')) => {
            let p: u16 = port
                .parse()
                .unwrap_or_else(|_| panic!("{ctx}: port in {location:?}"));
            assert!(p != 0 && p != 443, "{ctx}: {location:?}");
            n
        }
        _ => authority,
    };
    assert!(allowed(name), "{ctx}: host {name:?} in {location:?}");
    assert_eq!(
        crate::host::parse_host(authority)
            .map(|h| h.to_string())
            .as_deref(),
        Ok(authority),
        "{ctx}"
    );
}

#[test]
fn adversarial_requests_keep_the_guarantee() {
    let hosts: Vec<String> = [
        "example.com",
        "EXAMPLE.COM",
        "example.com.",
        "example.com..",
        "www.example.com",
        "evil.example",
        "example.com.evil.example",
        "evil.example\r\nSet-Cookie: a=b",
        "example.com\r\n",
        "example.com\n",
        "example.com\r",
        "\r\nexample.com",
        "example.com\0",
        "example.com\0evil.example",
        "evil.example@example.com",
        "example.com@evil.example",
        "user:pass@example.com",
        "@example.com",
        "example.com ",
        " example.com",
        "exa mple.com",
        "example.com\t",
        "example.com:8080",
        "example.com:80",
        "example.com:443",
        "example.com:0",
        "example.com:65536",
        "example.com:99999",
        "example.com:4294967297",
        "example.com:18446744073709551617",
        "example.com:-80",
        "example.com:8080:80",
        "example.com:",
        "example.com:http",
        "[::1]",
        "[::1]:8443",
        "[::1]:",
        "[::1]]",
        "[[::1]]",
        "[::1",
        "::1",
        "::1:8080",
        "[fe80::1%25eth0]",
        "[fe80::1%eth0]:80",
        "[::ffff:127.0.0.1]",
        "[2001:db8::1]:65536",
        "[example.com]",
        "127.0.0.1",
        "127.0.0.1:8080",
        "127.1",
        "0x7f.0.0.1",
        "2130706433",
        "exa%6dple.com",
        "example.com%2fevil.example",
        "example.com%0d%0a",
        "%65xample.com",
        "bücher.example",
        "BÜCHER.example",
        "xn--bcher-kva.example",
        "xn--zz.example",
        "ｅｘａｍｐｌｅ.com",
        "example。com",
        "example.com\u{FF0F}evil.example",
        "example.com\u{2028}",
        "exam\u{200B}ple.com",
        "example.com/evil.example",
        "example.com\\evil.example",
        "example.com?.evil.example",
        "example.com#.evil.example",
        "http://evil.example",
        "https://example.com",
        "//evil.example",
        "*",
        ".example.com",
        "",
        ".",
        "-",
        "_",
        "a..b",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([
        "a".repeat(64) + ".example.com",
        ["a".repeat(63).as_str(); 5].join("."),
        "x".repeat(100_000),
    ])
    .collect();
    let targets = [
        "/",
        "",
        "/a/b?c=d",
        "//evil.example",
        "//evil.example/path",
        "///evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "\\\\evil.example",
        "/%2f%2fevil.example",
        "http://evil.example/",
        "https://user:pass@evil.example/x",
        "evil.example",
        "@evil.example",
        "*",
        "?q=//evil.example",
        "/a b",
        "/a\r\nSet-Cookie: x=1",
        "/a\nLocation: //evil.example",
        "/\r\n\r\n<html>",
        "/\0",
        "/\x7f",
        "/\x1b[31m",
        "/é/ü?ß=∂",
        "/\u{202E}gnp.exe",
        "/a#frag",
        "/\"><script>alert(1)</script>",
        "/%0d%0aSet-Cookie:%20x",
        "/.well-known/acme-challenge/../../admin",
        "/\t/evil.example",
    ];
    let policies = [
        RedirectPolicy::builder()
            .allowed_hosts([
                "example.com",
                ".example.org",
                "[::1]",
                "127.0.0.1",
                "xn--bcher-kva.example",
            ])
            .build()
            .unwrap(),
        RedirectPolicy::builder()
            .allowed_hosts(["example.com", "[::1]", "127.0.0.1", "xn--bcher-kva.example"])
            .keep_port(true)
            .https_port(8443)
            .build()
            .unwrap(),
        RedirectPolicy::builder()
            .canonical_host("example.com")
            .acme_exempt(false)
            .build()
            .unwrap(),
        RedirectPolicy::builder()
            .canonical_host("[::1]:8443")
            .build()
            .unwrap(),
        RedirectPolicy::default(),
    ];
    let allowed: [&dyn Fn(&str) -> bool; 5] = [
        &|n| {
            ["example.com", "[::1]", "127.0.0.1", "xn--bcher-kva.example"].contains(&n)
                || n == "example.org"
                || n.ends_with(".example.org")
        },
        &|n| ["example.com", "[::1]", "127.0.0.1", "xn--bcher-kva.example"].contains(&n),
        &|n| n == "example.com",
        &|n| n == "[::1]",
        // `*`: any host, but still a well-formed one (checked by the re-parse).
        &|n| !n.is_empty(),
    ];
    let mut redirects = 0;
    for (p, ok) in policies.iter().zip(allowed) {
        for host in &hosts {
            for target in targets {
                for method in ["GET", "POST"] {
                    let out = p.decide(&facts(method, Some(host), target), false);
                    let ctx = format!("{method} {host:?} {target:?}");
                    assert_guarantee(&out, ok, &ctx);
                    redirects += usize::from(matches!(out, Action::Redirect { .. }));
                }
            }
            let out = p.decide(&facts("GET", None, "/"), false);
            assert_guarantee(&out, ok, "no host");
        }
    }
    assert!(redirects > 2000, "{redirects}");
    // Specific hostile hosts never produce a redirect without a canonical host.
    for host in [
        "evil.example@example.com",
        "example.com\r\n",
        "example.com:99999",
        "[fe80::1%25eth0]",
        "exa%6dple.com",
    ] {
        assert_eq!(
            go(&policies[4], "GET", Some(host), "/").status(),
            Some(400),
            "{host:?}"
        );
    }
}

#[test]
fn config_reads_everything() {
    let v = json!({
        "enabled": true,
        "canonical_host": "Example.com",
        "allowed_hosts": ["example.com", ".example.com"],
        "https_port": 8443,
        "keep_port": true,
        "exempt": ["^/health$", "^/api/public/"],
        "acme_exempt": false,
        "status_get_head": 302,
        "status_other": 426,
    });
    let (p, errs) = config(&v);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(p.canonical_host().unwrap().to_string(), "example.com");
    assert_eq!(
        p.allowed_hosts().patterns().collect::<Vec<_>>(),
        ["example.com", ".example.com"]
    );
    assert_eq!(
        (p.https_port(), p.keep_port(), p.acme_exempt()),
        (8443, true, false)
    );
    assert_eq!(
        (p.status_get_head(), p.status_other(), p.exempt().len()),
        (302, 426, 2)
    );
    assert_eq!(
        go(&p, "GET", None, "/"),
        redirect(302, "https://example.com:8443/")
    );
    let (p, errs) = config(&json!({}));
    assert!(errs.is_empty());
    assert_eq!(p, RedirectPolicy::default());
    let (p, errs) = config(&json!({"allowed_hosts": "example.com"}));
    assert!(errs.is_empty());
    assert!(!p.allowed_hosts().allows_any());
}

fn config(v: &Value) -> (RedirectPolicy, Vec<(String, &'static str)>) {
    crate::config::reader::build_section("redirect", v, from_section)
}

#[test]
fn config_reports_every_error_with_its_path() {
    let v = json!({
        "enabled": "yes",
        "canonical_host": "https://example.com/",
        "allowed_hosts": ["example.com", "*.example.com", 3, "example.com:8080"],
        "https_port": 70000,
        "keep_port": 1,
        "exempt": ["^/ok$", "(", "[z-a]"],
        "acme_exempt": null,
        "status_get_head": 200,
        "status_other": -1,
        "statusother": 308,
    });
    let (_, errs) = config(&v);
    let want: Vec<(String, &str)> = [
        // In document order: the order of the keys in the schema (docs/POLICY.md).
        ("redirect.enabled", "config.invalid_type"),
        ("redirect.canonical_host", "config.invalid_value"),
        ("redirect.allowed_hosts[1]", "config.invalid_value"),
        ("redirect.allowed_hosts[2]", "config.invalid_type"),
        ("redirect.allowed_hosts[3]", "config.invalid_value"),
        ("redirect.https_port", "config.invalid_value"),
        ("redirect.keep_port", "config.invalid_type"),
        ("redirect.exempt[1]", "config.invalid_value"),
        ("redirect.exempt[2]", "config.invalid_value"),
        ("redirect.acme_exempt", "config.invalid_type"),
        ("redirect.status_get_head", "config.invalid_value"),
        ("redirect.status_other", "config.invalid_type"),
        ("redirect.statusother", "config.unknown_key"),
    ]
    .into_iter()
    .map(|(p, c)| (p.to_owned(), c))
    .collect();
    assert_eq!(errs, want);
    let (_, errs) = config(&json!({"exempt": 5, "allowed_hosts": {"a": 1}}));
    assert_eq!(errs.len(), 2);
}

#[test]
fn send_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<RedirectPolicy>();
    check::<Action>();
}
