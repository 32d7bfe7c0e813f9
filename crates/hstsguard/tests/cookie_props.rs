//! Properties of `Set-Cookie` flagging through the public API: allocation counts (zero
//! when unchanged, exactly one when changed), idempotence, byte-for-byte preservation of
//! the attributes the flagger does not own, and the prefix guarantees, over generated
//! hostile inputs.

use std::borrow::Cow;

use hstsguard::cookies::{CookiePolicy, CookieRule, PrefixMode, SameSite, SecureWhen};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;

fn star() -> CookieRule {
    CookieRule::new("*").unwrap()
}

fn all_on() -> CookiePolicy {
    CookiePolicy::new(vec![star()
        .with_secure(true)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)])
}

#[test]
fn unchanged_values_do_not_allocate() {
    let policies = [
        CookiePolicy::default(),
        all_on(),
        CookiePolicy::new(vec![CookieRule::new("sid").unwrap().with_secure(true)]),
        CookiePolicy::new(vec![CookieRule::new("s?d*").unwrap().with_secure(true)]),
    ];
    for p in &policies {
        for s in [
            "sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax",
            "other=1; Path=/",
            "sid=1; secure; httponly; samesite=lax",
        ] {
            // A glob's regex builds its per-thread cache on first use: warm it up.
            let _ = p.flag(s, true);
            let (n, f) = allocations(|| p.flag(s, true));
            if !f.changed() {
                assert_eq!(n, 0, "{s:?} allocated although unchanged");
                assert!(matches!(f.into_value(), Cow::Borrowed(b) if std::ptr::eq(b, s)));
            }
        }
    }
    let default = CookiePolicy::default();
    let (n, f) = allocations(|| default.flag("sid=1; Path=/; Secure", false));
    assert_eq!((n, f.changed()), (0, false));
}

#[test]
fn a_changed_value_costs_one_allocation() {
    let default = CookiePolicy::default();
    let all = all_on();
    let host = CookiePolicy::new(vec![]);
    for (p, s) in [
        (&default, "sid=abc123; Path=/; HttpOnly"),
        (&all, "sid=abc123; Path=/; Max-Age=3600"),
        (&all, "sid=1; SameSite=Strict; secure; Secure"),
        (&all, "sid=1; SameSite"),
        (&host, "__Host-sid=1; Path; Domain=example.com"),
    ] {
        let (n, f) = allocations(|| p.flag(s, true).into_value());
        assert!(matches!(f, Cow::Owned(_)), "{s:?} unchanged");
        // Issues allocate too; these inputs have none except the last two.
        let issues = p.flag(s, true).issues().len();
        if issues == 0 {
            assert_eq!(n, 1, "{s:?} took {n} allocations");
        }
    }
}

/// The segments (from each `;`) that the flagger does not own, as written.
fn foreign_segments(s: &str, host_repair: bool, drop_trailing_empty: bool) -> Vec<&str> {
    let Some(first) = s.find(';') else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = &s[first..];
    while !rest.is_empty() {
        let end = rest[1..].find(';').map_or(rest.len(), |i| i + 1);
        let seg = &rest[..end];
        let name = seg[1..]
            .split('=')
            .next()
            .unwrap()
            .trim_matches([' ', '\t']);
        let owned = ["secure", "httponly", "samesite"]
            .iter()
            .any(|o| name.eq_ignore_ascii_case(o))
            || (host_repair
                && ["path", "domain"]
                    .iter()
                    .any(|o| name.eq_ignore_ascii_case(o)));
        // An input's trailing empty attribute (`a=1; `) carries nothing: the first
        // appended flag is written into it.
        let trailing_empty = drop_trailing_empty
            && end == rest.len()
            && seg[1..].trim_matches([' ', '\t']).is_empty();
        if !owned && !trailing_empty {
            out.push(seg);
        }
        rest = &rest[end..];
    }
    out
}

fn has_ctl(s: &str) -> bool {
    s.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
}

#[test]
fn generated_values_keep_foreign_bytes_and_are_idempotent() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const NAMES: &[&str] = &[
        "sid",
        "__Host-id",
        "__host-ID",
        "__Secure-x",
        "__SECURE-y",
        "csrftoken",
        "sess_1",
        " a ",
        "café",
        "",
        "x y",
    ];
    const ATTRS: &[&str] = &[
        "Secure",
        " secure ",
        "SECURE=1",
        "HttpOnly",
        "httponly",
        "SameSite=Lax",
        "samesite=none",
        "SameSite",
        "SameSite=bogus",
        "Path=/",
        "path=/app",
        "Path",
        "Domain=example.com",
        "domain=",
        "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "Max-Age=0",
        "Partitioned",
        "Priority=High",
        "",
        " ",
        "x=\"a",
        "b\"",
        "ünï=cödé",
        "\t",
    ];
    let policies = [
        CookiePolicy::default(),
        all_on(),
        CookiePolicy::new(vec![]),
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
        CookiePolicy::new(vec![
            star().with_secure(true),
            CookieRule::new("__*").unwrap().with_secure(false),
        ])
        .prefixes(PrefixMode::Report),
    ];
    for _ in 0..5_000 {
        let name = NAMES[(next() % NAMES.len() as u64) as usize];
        let mut s = format!("{name}={}", next() % 1000);
        if next() % 10 == 0 {
            s = name.to_owned();
        }
        for _ in 0..(next() % 7) {
            s.push(';');
            s.push_str(ATTRS[(next() % ATTRS.len() as u64) as usize]);
        }
        for (i, p) in policies.iter().enumerate() {
            for secure in [false, true] {
                let f = p.flag(&s, secure);
                let out = f.value();
                assert_eq!(f.changed(), out != s, "{s:?}");
                assert!(!has_ctl(out) || has_ctl(&s));
                // The name-value pair is never touched.
                let nv = &s[..s.find(';').unwrap_or(s.len())];
                assert!(out.starts_with(nv), "policy {i}: {s:?} -> {out:?}");
                // Attributes the flagger does not own survive byte for byte, in order.
                let trimmed = nv.split('=').next().unwrap_or("").trim_matches([' ', '\t']);
                let host =
                    trimmed.len() >= 7 && trimmed.as_bytes()[..7].eq_ignore_ascii_case(b"__Host-");
                let repair = host && p.prefix_mode() == PrefixMode::Repair;
                let ends_empty = s.trim_end_matches([' ', '\t']).ends_with(';');
                assert_eq!(
                    foreign_segments(&s, repair, ends_empty),
                    foreign_segments(out, repair, ends_empty),
                    "policy {i}: {s:?} -> {out:?}"
                );
                // Idempotent, and the second pass is borrowed.
                let again = p.flag(out, secure);
                assert_eq!(again.value(), out, "policy {i}: not idempotent for {s:?}");
                assert!(!again.changed());
                // A repaired prefix always holds afterwards.
                if f.issues().iter().all(|i| !i.is_error()) && repair {
                    let lower = out.to_ascii_lowercase();
                    assert!(lower.contains("secure"), "{out:?}");
                    assert!(!lower.contains("domain"), "{out:?}");
                }
            }
        }
    }
}

#[test]
fn every_matching_rule_applies_last_setter_wins() {
    let p = CookiePolicy::new(vec![
        star().with_secure(true).with_http_only(true),
        CookieRule::new("public_*").unwrap().with_http_only(false),
        CookieRule::new("public_embed")
            .unwrap()
            .with_same_site(SameSite::None),
    ]);
    assert_eq!(
        p.flag("public_embed=1", true).value(),
        "public_embed=1; Secure; SameSite=None"
    );
    assert_eq!(p.flag("public_x=1", true).value(), "public_x=1; Secure");
    assert_eq!(
        p.flag("private=1", true).value(),
        "private=1; Secure; HttpOnly"
    );
}

#[test]
fn policy_is_shareable_between_threads() {
    let p = std::sync::Arc::new(all_on());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let p = p.clone();
            std::thread::spawn(move || p.flag(&format!("c{i}=1"), true).value().to_owned())
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(
            h.join().unwrap(),
            format!("c{i}=1; Secure; HttpOnly; SameSite=Lax")
        );
    }
}
