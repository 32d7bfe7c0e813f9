use std::borrow::Cow;

use serde_json::Value;

use super::*;
use crate::issue::Code;

fn star() -> CookieRule {
    CookieRule::new("*").unwrap()
}

fn codes(f: &FlaggedCookie<'_>) -> Vec<&'static str> {
    f.issues().iter().map(|i| i.code().as_str()).collect()
}

fn flag(policy: &CookiePolicy, s: &str, secure: bool) -> (String, bool, Vec<&'static str>) {
    let f = policy.flag(s, secure);
    // Every result is idempotent and borrowed exactly when unchanged.
    let again = policy.flag(f.value(), secure);
    assert_eq!(again.value(), f.value(), "not idempotent for {s:?}");
    assert!(!again.changed(), "second pass changed {s:?}");
    assert_eq!(matches!(f.value, Cow::Borrowed(_)), !f.changed());
    (f.value().to_owned(), f.changed(), codes(&f))
}

fn all_on() -> CookiePolicy {
    CookiePolicy::new(vec![star()
        .with_secure(true)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)])
}

// ---- settings ----

#[test]
fn same_site_parses_any_case_and_names_bad_values() {
    for (text, v) in [
        ("strict", SameSite::Strict),
        ("LAX", SameSite::Lax),
        ("nOnE", SameSite::None),
    ] {
        assert_eq!(text.parse::<SameSite>(), Ok(v));
        assert_eq!(v.as_str().parse::<SameSite>(), Ok(v));
        assert_eq!(v.to_string(), v.as_str());
    }
    let err = "lax ".parse::<SameSite>().unwrap_err().to_string();
    assert!(
        err.contains("`lax `") && err.contains("Strict") && err.contains("None"),
        "{err}"
    );
    assert!("".parse::<SameSite>().is_err());
}

#[test]
fn modes_round_trip() {
    for m in [PrefixMode::Repair, PrefixMode::Report] {
        assert_eq!(m.as_str().parse::<PrefixMode>(), Ok(m));
    }
    for w in [SecureWhen::Always, SecureWhen::RequestSecure] {
        assert_eq!(w.to_string().parse::<SecureWhen>(), Ok(w));
    }
    assert!("sometimes"
        .parse::<SecureWhen>()
        .unwrap_err()
        .to_string()
        .contains("`sometimes`"));
    assert!("fix"
        .parse::<PrefixMode>()
        .unwrap_err()
        .to_string()
        .contains("`fix`"));
}

#[test]
fn rule_patterns() {
    assert!(CookieRule::new("")
        .unwrap_err()
        .to_string()
        .contains("empty"));
    for bad in ["a;b", "a=b", "a\u{0}", "a\r\nb", " a", "a\t", "\u{7f}"] {
        assert!(CookieRule::new(bad).is_err(), "{bad:?} accepted");
    }
    let exact = CookieRule::new("SID").unwrap();
    assert!(matches!(exact.matcher, Matcher::Exact));
    assert!(exact.matches("SID") && !exact.matches("sid") && !exact.matches("SID2"));
    assert!(matches!(
        CookieRule::new("**").unwrap().matcher,
        Matcher::Any
    ));
    let prefix = CookieRule::new("sess_*").unwrap();
    assert!(matches!(prefix.matcher, Matcher::Prefix(5)));
    assert!(prefix.matches("sess_") && prefix.matches("sess_x") && !prefix.matches("Sess_x"));
    let glob = CookieRule::new("a?c*z").unwrap();
    assert!(matches!(glob.matcher, Matcher::Glob(_)));
    assert!(
        glob.matches("abcz")
            && glob.matches("aécXYZz")
            && !glob.matches("acz")
            && !glob.matches("abczy")
    );
    // `?` is one character, whatever its UTF-8 length; a non-ASCII literal is itself.
    let one = CookieRule::new("s?d").unwrap();
    assert!(one.matches("sid") && one.matches("séd") && one.matches("s😀d"));
    assert!(!one.matches("sd") && !one.matches("séed") && !one.matches("s😀😀d"));
    let lit = CookieRule::new("é*").unwrap();
    assert!(lit.matches("é") && lit.matches("éx") && !lit.matches("e") && !lit.matches("xé"));
    // Regex metacharacters are literal.
    let meta = CookieRule::new("a.b+(c)*").unwrap();
    assert!(meta.matches("a.b+(c)") && !meta.matches("axb+(c)"));
    let suffix = CookieRule::new("*_csrf").unwrap();
    assert!(suffix.matches("x_csrf") && suffix.matches("_csrf") && !suffix.matches("x_csrf_"));
    assert_eq!(CookieRule::new("a").unwrap(), CookieRule::new("a").unwrap());
    assert_ne!(
        CookieRule::new("a").unwrap(),
        CookieRule::new("a").unwrap().with_secure(true)
    );
}

#[test]
fn policy_is_send_sync_and_defaults() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<CookiePolicy>();
    let d = CookiePolicy::default();
    assert_eq!(d.rules().len(), 1);
    assert_eq!(d.rules()[0].pattern(), "*");
    assert_eq!(
        (
            d.rules()[0].secure(),
            d.rules()[0].http_only(),
            d.rules()[0].same_site()
        ),
        (Some(true), None, None)
    );
    assert_eq!(
        (d.secure_mode(), d.prefix_mode()),
        (SecureWhen::Always, PrefixMode::Repair)
    );
    assert_eq!(d, CookiePolicy::new(vec![star().with_secure(true)]));
}

// ---- keeping bytes ----

#[test]
fn appends_missing_flags_and_keeps_everything_else() {
    let p = all_on();
    let (v, changed, issues) = flag(
        &p,
        "id=a3fWa;  Expires=Thu, 21 Oct 2027 07:28:00 GMT ;max-age=3600;Domain=Example.COM; path=/x;Partitioned; Priority=High; x-ext=\"q;\"",
        true,
    );
    assert_eq!(
        v,
        "id=a3fWa;  Expires=Thu, 21 Oct 2027 07:28:00 GMT ;max-age=3600;Domain=Example.COM; path=/x;Partitioned; Priority=High; x-ext=\"q;\"; Secure; HttpOnly; SameSite=Lax"
    );
    assert!(changed);
    assert!(issues.is_empty());
}

#[test]
fn right_flags_are_left_as_written() {
    let p = all_on();
    let s = "id=1;secure ;  HTTPONLY;samesite = lax";
    let f = p.flag(s, true);
    assert!(!f.changed());
    assert!(matches!(f.into_value(), Cow::Borrowed(x) if std::ptr::eq(x, s)));
}

#[test]
fn same_site_value_is_rewritten_in_place() {
    let p = CookiePolicy::new(vec![star().with_same_site(SameSite::Strict)]);
    assert_eq!(
        flag(&p, "a=1; samesite = lax ; Path=/", true).0,
        "a=1; samesite = Strict ; Path=/"
    );
    assert_eq!(
        flag(&p, "a=1; SameSite; Path=/", true).0,
        "a=1; SameSite=Strict; Path=/"
    );
    assert_eq!(
        flag(&p, "a=1; SameSite=; Path=/", true).0,
        "a=1; SameSite=Strict; Path=/"
    );
    assert_eq!(
        flag(&p, "a=1; SameSite=garbage", true).0,
        "a=1; SameSite=Strict"
    );
    assert_eq!(
        flag(&p, "a=1; SameSite=STRICT", true),
        ("a=1; SameSite=STRICT".into(), false, vec![])
    );
}

#[test]
fn removal() {
    let p = CookiePolicy::new(vec![star().with_secure(false).with_http_only(false)]);
    assert_eq!(
        flag(&p, "a=1; Secure; Path=/;httponly ; SECURE", true),
        ("a=1; Path=/".into(), true, vec![])
    );
    assert_eq!(
        flag(&p, "a=1; Path=/", true),
        ("a=1; Path=/".into(), false, vec![])
    );
}

#[test]
fn secure_with_a_value_counts_as_secure() {
    let p = CookiePolicy::default();
    assert_eq!(
        flag(&p, "a=1; Secure=no", true),
        ("a=1; Secure=no".into(), false, vec![])
    );
}

#[test]
fn quotes_are_not_special() {
    let p = CookiePolicy::default();
    // The name-value pair ends at the first `;`, even inside quotes (RFC 6265bis).
    // `Secure"` is an unknown attribute, not Secure.
    assert_eq!(flag(&p, "a=\"x;Secure\"", true).0, "a=\"x;Secure\"; Secure");
    assert_eq!(flag(&p, "a=\"x; y\"", true).0, "a=\"x; y\"; Secure");
}

#[test]
fn semicolon_runs_and_trailing_semicolons_are_kept() {
    let p = CookiePolicy::default();
    assert_eq!(
        flag(&p, "a=1;;; ;Path=/;", true).0,
        "a=1;;; ;Path=/; Secure"
    );
    assert_eq!(flag(&p, "a=1 ", true).0, "a=1 ; Secure");
}

#[test]
fn non_ascii_is_kept() {
    let p = all_on();
    assert_eq!(
        flag(&p, "naïve=café☕; Path=/ü", true).0,
        "naïve=café☕; Path=/ü; Secure; HttpOnly; SameSite=Lax"
    );
}

// ---- rule resolution ----

#[test]
fn last_matching_setter_wins_for_each_attribute() {
    let p = CookiePolicy::new(vec![
        star()
            .with_secure(true)
            .with_http_only(true)
            .with_same_site(SameSite::Lax),
        CookieRule::new("csrf*").unwrap().with_http_only(false),
        CookieRule::new("csrftoken")
            .unwrap()
            .with_same_site(SameSite::Strict),
        CookieRule::new("other").unwrap().with_secure(false),
    ]);
    assert_eq!(
        flag(&p, "csrftoken=1; HttpOnly", true).0,
        "csrftoken=1; Secure; SameSite=Strict"
    );
    assert_eq!(
        flag(&p, "csrf_x=1", true).0,
        "csrf_x=1; Secure; SameSite=Lax"
    );
    assert_eq!(
        flag(&p, "other=1; Secure", true).0,
        "other=1; HttpOnly; SameSite=Lax"
    );
    assert_eq!(
        flag(&p, "sid=1", true).0,
        "sid=1; Secure; HttpOnly; SameSite=Lax"
    );
}

#[test]
fn no_matching_rule_is_borrowed() {
    let p = CookiePolicy::new(vec![CookieRule::new("sid").unwrap().with_secure(true)]);
    let s = "other=1; secure; Secure";
    let f = p.flag(s, true);
    assert!(!f.changed() && f.issues().is_empty());
    assert!(matches!(f.into_value(), Cow::Borrowed(_)));
    assert_eq!(flag(&p, " sid =1", true).0, " sid =1; Secure");
}

#[test]
fn a_rule_that_sets_nothing_changes_nothing() {
    let p = CookiePolicy::new(vec![star()]);
    assert_eq!(
        flag(&p, "a=1; SameSite=None", true),
        (
            "a=1; SameSite=None; Secure".into(),
            true,
            vec!["cookie.samesite_none.secure_added"]
        )
    );
    assert_eq!(
        flag(&p, "a=1; Path=/", true),
        ("a=1; Path=/".into(), false, vec![])
    );
}

// ---- duplicates ----

#[test]
fn duplicates_collapse_to_the_first() {
    let p = all_on();
    let (v, changed, issues) = flag(
        &p,
        "a=1; secure; Path=/; Secure; HttpOnly; SECURE; httponly; SameSite=Lax; samesite=lax",
        true,
    );
    assert_eq!(v, "a=1; secure; Path=/; HttpOnly; SameSite=Lax");
    assert!(changed);
    assert_eq!(issues, ["cookie.attribute.duplicate_removed"; 3]);
}

#[test]
fn duplicate_same_site_keeps_the_value_user_agents_use() {
    let p = CookiePolicy::default();
    assert_eq!(
        flag(&p, "a=1; SameSite=Lax; Secure; SameSite=Strict", true),
        (
            "a=1; SameSite=Strict; Secure".into(),
            true,
            vec!["cookie.attribute.duplicate_removed"]
        )
    );
    // Same meaning: the first spelling stays.
    assert_eq!(
        flag(&p, "a=1; SameSite=lax; Secure; SameSite=LAX", true).0,
        "a=1; SameSite=lax; Secure"
    );
    // The last one is None: Secure is required.
    assert_eq!(
        flag(
            &CookiePolicy::new(vec![star()]),
            "a=1; SameSite=Lax; samesite=none",
            true
        ),
        (
            "a=1; SameSite=none; Secure".into(),
            true,
            vec![
                "cookie.attribute.duplicate_removed",
                "cookie.samesite_none.secure_added"
            ]
        )
    );
}

// ---- SecureWhen and SameSite=None ----

#[test]
fn secure_when_request_secure() {
    let p =
        CookiePolicy::new(vec![star().with_secure(true)]).secure_when(SecureWhen::RequestSecure);
    assert_eq!(flag(&p, "a=1", true).0, "a=1; Secure");
    assert_eq!(flag(&p, "a=1", false), ("a=1".into(), false, vec![]));
    let remove =
        CookiePolicy::new(vec![star().with_secure(false)]).secure_when(SecureWhen::RequestSecure);
    assert_eq!(
        flag(&remove, "a=1; Secure", false),
        ("a=1; Secure".into(), false, vec![])
    );
    assert_eq!(
        flag(&remove, "a=1; Secure", true),
        ("a=1".into(), true, vec![])
    );
}

#[test]
fn same_site_none_gets_secure() {
    let p = CookiePolicy::new(vec![star()
        .with_secure(false)
        .with_same_site(SameSite::None)]);
    assert_eq!(
        flag(&p, "a=1", true),
        (
            "a=1; Secure; SameSite=None".into(),
            true,
            vec!["cookie.samesite_none.secure_added"]
        )
    );
    // Already Secure: kept, silently, although the rule removes Secure.
    assert_eq!(
        flag(&p, "a=1; Secure; SameSite=None", true),
        ("a=1; Secure; SameSite=None".into(), false, vec![])
    );
    // Lower-case none from the application.
    let d = CookiePolicy::new(vec![star()]);
    assert_eq!(
        flag(&d, "a=1; samesite=none", false).0,
        "a=1; samesite=none; Secure"
    );
}

#[test]
fn same_site_none_on_insecure_request_with_request_secure() {
    let p = CookiePolicy::new(vec![star()
        .with_secure(true)
        .with_same_site(SameSite::None)])
    .secure_when(SecureWhen::RequestSecure);
    assert_eq!(
        flag(&p, "a=1", false),
        (
            "a=1; SameSite=None".into(),
            true,
            vec!["cookie.samesite_none.without_secure"]
        )
    );
    assert_eq!(
        flag(&p, "a=1", true),
        ("a=1; Secure; SameSite=None".into(), true, vec![])
    );
    assert_eq!(
        flag(&p, "a=1; Secure; SameSite=None", false),
        ("a=1; Secure; SameSite=None".into(), false, vec![])
    );
}

// ---- prefixes ----

#[test]
fn secure_prefix_repair_and_report() {
    let none = CookiePolicy::new(vec![]);
    assert_eq!(
        flag(&none, "__Secure-id=1; Path=/", true),
        (
            "__Secure-id=1; Path=/; Secure".into(),
            true,
            vec!["cookie.prefix.secure.repaired"]
        )
    );
    assert_eq!(
        flag(&none, "__secure-id=1", false),
        (
            "__secure-id=1; Secure".into(),
            true,
            vec!["cookie.prefix.secure.repaired"]
        )
    );
    let report = none.clone().prefixes(PrefixMode::Report);
    assert_eq!(
        flag(&report, "__Secure-id=1", true),
        (
            "__Secure-id=1".into(),
            false,
            vec!["cookie.prefix.secure.violation"]
        )
    );
    assert_eq!(
        flag(&report, "__Secure-id=1; secure", true),
        ("__Secure-id=1; secure".into(), false, vec![])
    );
    // A rule that adds Secure satisfies the prefix: no violation.
    let add = CookiePolicy::default().prefixes(PrefixMode::Report);
    assert_eq!(
        flag(&add, "__Secure-id=1", true),
        ("__Secure-id=1; Secure".into(), true, vec![])
    );
}

#[test]
fn secure_false_never_strips_a_prefixed_cookie() {
    for mode in [PrefixMode::Repair, PrefixMode::Report] {
        let p = CookiePolicy::new(vec![star().with_secure(false)]).prefixes(mode);
        assert_eq!(
            flag(&p, "__Secure-a=1; Secure", true),
            ("__Secure-a=1; Secure".into(), false, vec![])
        );
        assert_eq!(
            flag(&p, "__Host-a=1; Secure; Path=/", true),
            ("__Host-a=1; Secure; Path=/".into(), false, vec![])
        );
        assert_eq!(flag(&p, "a=1; Secure", true).0, "a=1");
    }
}

#[test]
fn host_prefix_repair() {
    let p = CookiePolicy::new(vec![]);
    assert_eq!(
        flag(&p, "__Host-id=1", true),
        (
            "__Host-id=1; Secure; Path=/".into(),
            true,
            vec!["cookie.prefix.host.repaired"]
        )
    );
    assert_eq!(
        flag(
            &p,
            "__Host-id=1; Domain=example.com; path=/app; Secure; domain=.x",
            true
        ),
        (
            "__Host-id=1; path=/; Secure".into(),
            true,
            vec!["cookie.prefix.host.repaired"]
        )
    );
    assert_eq!(
        flag(&p, "__HOST-id=1; Path=/a; Path=/b; Secure", true),
        (
            "__HOST-id=1; Path=/; Secure".into(),
            true,
            vec!["cookie.prefix.host.repaired"]
        )
    );
    assert_eq!(
        flag(&p, "__Host-id=1; Path; Secure", true).0,
        "__Host-id=1; Path=/; Secure"
    );
    // The last Path is what counts.
    assert_eq!(
        flag(&p, "__Host-id=1; Path=/a; Path=/; Secure", true),
        ("__Host-id=1; Path=/a; Path=/; Secure".into(), false, vec![])
    );
    let fine = "__Host-id=1; Secure; Path = / ";
    assert_eq!(flag(&p, fine, true), (fine.into(), false, vec![]));
    let d = CookiePolicy::default();
    assert_eq!(
        flag(&d, "__Host-id=1; Domain=a.example", true),
        (
            "__Host-id=1; Secure; Path=/".into(),
            true,
            vec!["cookie.prefix.host.repaired"]
        )
    );
}

#[test]
fn host_prefix_report() {
    let p = CookiePolicy::default().prefixes(PrefixMode::Report);
    let (v, changed, issues) = flag(&p, "__Host-id=1; Domain=example.com; Path=/a", true);
    assert_eq!(v, "__Host-id=1; Domain=example.com; Path=/a; Secure");
    assert!(changed);
    assert_eq!(issues, ["cookie.prefix.host.violation"]);
    let f = p.flag("__Host-id=1; Domain=example.com; Path=/a", true);
    assert!(f.issues()[0].is_error());
    assert!(f.issues()[0].message().contains("Path") && f.issues()[0].message().contains("Domain"));
    let none = CookiePolicy::new(vec![]).prefixes(PrefixMode::Report);
    assert_eq!(
        flag(&none, "__Host-id=1", true),
        (
            "__Host-id=1".into(),
            false,
            vec!["cookie.prefix.host.violation"]
        )
    );
}

#[test]
fn prefix_and_same_site_none_report_once() {
    let p = CookiePolicy::new(vec![star().with_same_site(SameSite::None)]);
    assert_eq!(
        flag(&p, "__Secure-a=1", true),
        (
            "__Secure-a=1; Secure; SameSite=None".into(),
            true,
            vec!["cookie.prefix.secure.repaired"]
        )
    );
}

#[test]
fn prefix_needs_the_full_prefix() {
    let p = CookiePolicy::new(vec![]);
    for s in [
        "__Secure=1",
        "__Host=1",
        "_Host-a=1",
        "x__Host-a=1",
        "__Secur-a=1",
    ] {
        assert_eq!(flag(&p, s, true), (s.into(), false, vec![]), "{s}");
    }
    // The name is trimmed before the prefix check.
    assert_eq!(flag(&p, " __Secure-a =1", true).0, " __Secure-a =1; Secure");
}

// ---- nameless and non-UTF-8 ----

#[test]
fn nameless_cookies_are_flagged() {
    let p = all_on();
    for (s, want) in [
        ("abc", "abc; Secure; HttpOnly; SameSite=Lax"),
        ("=abc", "=abc; Secure; HttpOnly; SameSite=Lax"),
        (" \t=v", " \t=v; Secure; HttpOnly; SameSite=Lax"),
        (
            "novalue; a=b",
            "novalue; a=b; Secure; HttpOnly; SameSite=Lax",
        ),
        ("abc; Secure", "abc; Secure; HttpOnly; SameSite=Lax"),
    ] {
        let (v, changed, codes) = flag(&p, s, true);
        assert_eq!((v.as_str(), changed), (want, true), "{s:?}");
        assert_eq!(codes[0], "cookie.nameless", "{s:?}");
    }
    // Only rules that match the empty name apply.
    let named = CookiePolicy::new(vec![CookieRule::new("abc").unwrap().with_secure(true)]);
    assert_eq!(
        flag(&named, "abc", true),
        ("abc".into(), false, vec!["cookie.nameless"])
    );
    let f = all_on().flag("abc", true);
    assert!(!f.issues()[0].is_error());
}

#[test]
fn bytes_that_are_not_utf8_are_flagged_bytewise() {
    let p = all_on();
    let f = p.flag_bytes(b"sid=caf\xe9; Path=/\xff", true);
    assert_eq!(
        f.value(),
        b"sid=caf\xe9; Path=/\xff; Secure; HttpOnly; SameSite=Lax"
    );
    assert!(f.changed());
    // Already right: borrowed, unchanged.
    let raw: &[u8] = b"sid=\xff; secure; httponly; samesite=lax";
    let f = p.flag_bytes(raw, true);
    assert!(!f.changed());
    assert!(std::ptr::eq(f.value(), raw));
    // A SameSite value rewritten in place, a Latin-1 byte next to it kept.
    let f = p.flag_bytes(b"a=\xe9;SameSite=None;x=\xe9", true);
    assert_eq!(f.value(), b"a=\xe9;SameSite=Lax;x=\xe9; Secure; HttpOnly");
    // A __Host- prefix with a non-UTF-8 path is repaired.
    let f = CookiePolicy::default().flag_bytes(b"__Host-x=1; Path=/\xe9", true);
    assert_eq!(f.value(), b"__Host-x=1; Path=/; Secure");
    // Control characters are still refused.
    let f = p.flag_bytes(b"a=\xff\r\nSet-Cookie: b", true);
    assert!(!f.changed());
    assert_eq!(f.issues()[0].code(), Code::CookieMalformedControlCharacter);
    // UTF-8 input: the same as flag().
    for s in ["a=1", "abc", "__Secure-x=1", "=", "a=\u{e9}; Path=/"] {
        let t = p.flag(s, true);
        let b = p.flag_bytes(s.as_bytes(), true);
        assert_eq!(
            (t.value().as_bytes(), t.changed(), t.issues()),
            (b.value(), b.changed(), b.issues())
        );
    }
}

// ---- malformed ----

#[test]
fn malformed_values_come_back_unchanged() {
    let p = all_on();
    for (s, code) in [
        ("", "cookie.malformed.empty_name"),
        ("=", "cookie.malformed.empty_name"),
        (" = ; Secure", "cookie.malformed.empty_name"),
        ("; Path=/", "cookie.malformed.empty_name"),
        (
            "a=1\r\nSet-Cookie: b=2",
            "cookie.malformed.control_character",
        ),
        ("a=1; Path=/\u{0}", "cookie.malformed.control_character"),
        ("a=\u{7f}", "cookie.malformed.control_character"),
        ("\u{1}", "cookie.malformed.control_character"),
    ] {
        let f = p.flag(s, true);
        assert_eq!((f.value(), f.changed()), (s, false), "{s:?}");
        assert_eq!(codes(&f), [code], "{s:?}");
        assert!(f.issues()[0].is_error());
        assert!(!f.issues()[0].message().contains('\n'));
    }
    // HTAB is allowed.
    assert_eq!(
        flag(&p, "a=1;\tPath=/", true).0,
        "a=1;\tPath=/; Secure; HttpOnly; SameSite=Lax"
    );
}

#[test]
fn random_input_never_panics_and_is_idempotent() {
    // A small xorshift generator: deterministic, no dependency.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const PIECES: &[&str] = &[
        ";",
        "=",
        " ",
        "\t",
        "secure",
        "Secure",
        "HttpOnly",
        "httponly",
        "SameSite",
        "samesite=none",
        "SameSite=Lax",
        "Path",
        "path=/",
        "Path=/a",
        "Domain=x",
        "__Host-",
        "__secure-",
        "\"",
        ",",
        "a",
        "é",
        "☕",
        "\u{0}",
        "\r",
        "\n",
        "\u{7f}",
        "Expires=Wed, 21 Oct 2026",
        "*",
        "?",
    ];
    let policies = [
        CookiePolicy::default(),
        all_on(),
        CookiePolicy::new(vec![
            CookieRule::new("s*")
                .unwrap()
                .with_same_site(SameSite::None),
            CookieRule::new("x").unwrap().with_secure(false),
        ])
        .secure_when(SecureWhen::RequestSecure)
        .prefixes(PrefixMode::Report),
        CookiePolicy::new(vec![star()
            .with_secure(false)
            .with_http_only(false)
            .with_same_site(SameSite::Strict)]),
    ];
    for _ in 0..20_000 {
        let n = (next() % 12) as usize;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        // Random bytes too, kept only when they form UTF-8.
        let bytes: Vec<u8> = (0..(next() % 8)).map(|_| next() as u8).collect();
        if let Ok(t) = std::str::from_utf8(&bytes) {
            s.push_str(t);
        }
        // The one-pass scan agrees with reading the value piece by piece.
        let scan = Scan::new(&s);
        let b = s.as_bytes();
        assert_eq!(scan.ctl, b.iter().position(|&c| is_ctl(c)), "{s:?}");
        assert_eq!(scan.nv_end, s.find(';').unwrap_or(s.len()), "{s:?}");
        assert_eq!(scan.nv_eq, s[..scan.nv_end].find('='), "{s:?}");
        let attrs: Vec<Attr> = Attrs::new(&s, scan.nv_end).collect();
        let count = |k: Kind| attrs.iter().filter(|a| a.kind == k).count() as u32;
        assert_eq!(
            (
                scan.secure,
                scan.http_only,
                scan.same_site,
                scan.path,
                scan.domain
            ),
            (
                count(Kind::Secure),
                count(Kind::HttpOnly),
                count(Kind::SameSite),
                count(Kind::Path),
                count(Kind::Domain)
            ),
            "{s:?}"
        );
        let last = |k: Kind| {
            attrs
                .iter()
                .rev()
                .find(|a| a.kind == k)
                .map_or("", |a| a.value_text(&s))
        };
        assert_eq!(scan.last_same_site, last(Kind::SameSite), "{s:?}");
        assert_eq!(scan.last_path, last(Kind::Path), "{s:?}");
        for a in &attrs {
            let name = s[a.start + 1..a.eq.unwrap_or(a.end)].trim_matches([' ', '\t']);
            assert!(s[..a.name_end].ends_with(name), "{s:?}");
        }
        for p in &policies {
            for secure in [false, true] {
                let f = p.flag(&s, secure);
                let has_ctl = s.bytes().any(is_ctl);
                if has_ctl {
                    assert!(!f.changed());
                }
                assert!(!f.value().bytes().any(is_ctl) || has_ctl);
                let again = p.flag(f.value(), secure);
                assert_eq!(again.value(), f.value(), "not idempotent: {s:?}");
                assert!(f.value().starts_with(&s[..s.find(';').unwrap_or(s.len())]));
            }
        }
    }
}

#[test]
fn large_values() {
    let p = all_on();
    let big = format!("a={}; Path=/", "x".repeat(8192));
    let f = p.flag(&big, true);
    assert_eq!(f.value(), format!("{big}; Secure; HttpOnly; SameSite=Lax"));
    let many = format!("a=1{}", "; secure".repeat(10_000));
    assert_eq!(
        flag(&p, &many, true).0,
        "a=1; secure; HttpOnly; SameSite=Lax"
    );
}

#[test]
fn output_capacity_is_enough_for_one_allocation() {
    let p = all_on();
    for s in ["a=1", "__Host-a=1", "a=1; SameSite", "__Host-a=1; Path"] {
        let policy = if s.starts_with("__") {
            CookiePolicy::new(vec![star()
                .with_secure(true)
                .with_http_only(true)
                .with_same_site(SameSite::Strict)])
        } else {
            p.clone()
        };
        let f = policy.flag(s, true);
        let Cow::Owned(v) = f.into_value() else {
            panic!("unchanged")
        };
        assert!(v.capacity() == s.len() + 48, "{s:?} reallocated");
    }
}

#[test]
fn to_json_shape() {
    let f = CookiePolicy::new(vec![star()]).flag("a=1; SameSite=None", true);
    let j = f.to_json();
    assert_eq!(j["set_cookie"], "a=1; SameSite=None; Secure");
    assert_eq!(j["changed"], true);
    assert_eq!(j["issues"][0]["code"], "cookie.samesite_none.secure_added");
    assert_eq!(j["issues"][0]["severity"], "warning");
}

// ---- configuration ----

type Loaded = (Option<(bool, CookiePolicy)>, Vec<(String, &'static str)>);

fn load(section: Value) -> Loaded {
    let (out, errs) = crate::config::reader::build_section("cookies", &section, from_section);
    (errs.is_empty().then_some(out), errs)
}

#[test]
fn config_reads_every_key() {
    let (got, errs) = load(serde_json::json!({
        "enabled": false,
        "secure_when": "request_secure",
        "prefixes": "Report",
        "rules": [
            {"name": "*", "secure": true, "http_only": true, "same_site": "lax"},
            {"name": "csrf?", "http_only": false},
        ],
    }));
    assert_eq!(errs, []);
    let (enabled, p) = got.unwrap();
    assert!(!enabled);
    assert_eq!(p.secure_mode(), SecureWhen::RequestSecure);
    assert_eq!(p.prefix_mode(), PrefixMode::Report);
    assert_eq!(
        p.rules(),
        [
            star()
                .with_secure(true)
                .with_http_only(true)
                .with_same_site(SameSite::Lax),
            CookieRule::new("csrf?").unwrap().with_http_only(false),
        ]
    );
}

#[test]
fn config_defaults() {
    let (got, _) = load(serde_json::json!({}));
    assert_eq!(got, Some((true, CookiePolicy::default())));
    let (got, _) = load(serde_json::json!({"rules": []}));
    assert_eq!(got.unwrap().1.rules(), []);
}

#[test]
fn config_reports_every_problem_with_its_path() {
    let (_, errs) = load(serde_json::json!({
        "enabled": "yes",
        "secure_when": "sometimes",
        "prefixes": 3,
        "rules": [
            {"name": "*", "secure": true},
            {"name": "a;b"},
            {"name": "x", "same_site": "Relaxed", "http_only": "no"},
            {"secure": true},
            "sid",
            {"name": "y", "samesite": "Lax"},
            {"name": 5},
        ],
        "rule": [],
    }));
    let s = |p: &str, c: &'static str| (p.to_owned(), c);
    assert_eq!(
        errs,
        [
            s("cookies.enabled", "config.invalid_type"),
            s("cookies.secure_when", "config.invalid_value"),
            s("cookies.prefixes", "config.invalid_type"),
            s("cookies.rules[1].name", "config.invalid_value"),
            s("cookies.rules[2].http_only", "config.invalid_type"),
            s("cookies.rules[2].same_site", "config.invalid_value"),
            s("cookies.rules[3].name", "config.invalid_value"),
            s("cookies.rules[4]", "config.invalid_type"),
            s("cookies.rules[5].samesite", "config.unknown_key"),
            s("cookies.rules[6].name", "config.invalid_type"),
            s("cookies.rule", "config.unknown_key"),
        ]
    );
    let (_, errs) = load(serde_json::json!({"rules": {"name": "*"}}));
    assert_eq!(errs, [s("cookies.rules", "config.invalid_type")]);
}

#[test]
fn config_messages_suggest_and_name_values() {
    let v = serde_json::json!({"secure_when": "sometimes", "rules": [{"name": "y", "samesite": "Lax", "same_site": "Relaxed"}]});
    let err = crate::policy::Policy::from_value(&serde_json::json!({"cookies": v})).unwrap_err();
    let messages: Vec<_> = err
        .config_errors()
        .iter()
        .map(|e| e.message().to_owned())
        .collect();
    assert!(
        messages[0].contains("`sometimes`") && messages[0].contains("request_secure"),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("`Relaxed`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("did you mean `same_site`")),
        "{messages:?}"
    );
}

#[test]
fn flagging_into_a_buffer_writes_what_flag_bytes_gives() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const PIECES: &[&[u8]] = &[
        b";",
        b"=",
        b" ",
        b"\t",
        b"secure",
        b"HttpOnly",
        b"SameSite",
        b"samesite=none",
        b"SameSite=Lax",
        b"path",
        b"Path=/a",
        b"Domain=x",
        b"__Host-",
        b"__Secure-",
        b"a",
        b"\xc3\xa9",
        b"\xe9",
        b"\xff",
        b"\r",
        b"Max-Age=1",
    ];
    let policies = [
        CookiePolicy::default(),
        all_on(),
        CookiePolicy::new(vec![star()
            .with_secure(true)
            .with_http_only(true)
            .with_same_site(SameSite::Strict)]),
        CookiePolicy::new(vec![star().with_secure(false).with_http_only(false)])
            .prefixes(PrefixMode::Report),
    ];
    for _ in 0..5_000 {
        let mut s = Vec::new();
        for _ in 0..(next() % 10) {
            s.extend_from_slice(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        for p in &policies {
            for secure in [false, true] {
                let want = p.flag_bytes(&s, secure);
                let len = want.value().len();
                for cap in [
                    0,
                    len.saturating_sub(1),
                    len,
                    len + 1,
                    s.len() + MAX_GROWTH + 5,
                ] {
                    let mut buf = vec![0xAA_u8; cap];
                    let f = p.flag_bytes_into(&s, secure, &mut buf);
                    let what = format!(
                        "{:?} secure={secure} cap={cap}",
                        String::from_utf8_lossy(&s)
                    );
                    assert_eq!(f.changed(), want.changed(), "{what}");
                    assert_eq!(f.len(), len, "{what}");
                    assert_eq!(f.issues(), want.issues(), "{what}");
                    assert_eq!(f.written(), want.changed() && len <= cap, "{what}");
                    if f.written() {
                        assert_eq!(&buf[..len], want.value(), "{what}");
                        assert!(buf[len..].iter().all(|&b| b == 0xAA), "{what}");
                    } else {
                        assert!(buf.iter().all(|&b| b == 0xAA), "nothing written: {what}");
                    }
                }
            }
        }
    }
}
