//! The embedded list against the `psl` crate (a dev-dependency built from the same
//! rules), and the rule parser.

use super::compile::{keys, RuleError, EXCEPTION, NORMAL, WILDCARD};
use super::{registrable_start, suffix_start};

const LIST_TEXT: &str = include_str!("../../data/public_suffix_list.dat");

/// Our suffix and registrable domain of `name`, as strings.
fn ours(name: &str) -> (String, Option<String>) {
    (
        name[suffix_start(name)..].to_owned(),
        registrable_start(name).map(|s| name[s..].to_owned()),
    )
}

/// The `psl` crate's.
fn theirs(name: &str) -> (String, Option<String>) {
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    (
        psl::suffix(name.as_bytes()).map_or(String::new(), |s| text(s.as_bytes())),
        psl::domain(name.as_bytes()).map(|d| text(d.as_bytes())),
    )
}

#[test]
fn agrees_with_the_psl_crate_on_every_rule() {
    let mut names = vec![
        "com".to_owned(),
        "example.com".to_owned(),
        "www.example.com".to_owned(),
        "localhost".to_owned(),
        "a.b.unknown-tld".to_owned(),
        "github.io".to_owned(),
        "user.github.io".to_owned(),
        "a.user.github.io".to_owned(),
        "ck".to_owned(),
        "www.ck".to_owned(),
        "a.www.ck".to_owned(),
        "foo.ck".to_owned(),
        "a.foo.ck".to_owned(),
        "city.kobe.jp".to_owned(),
        "x.city.kobe.jp".to_owned(),
        "kobe.jp".to_owned(),
        "other.kobe.jp".to_owned(),
        "a.other.kobe.jp".to_owned(),
    ];
    let mut rules = 0;
    for line in LIST_TEXT.lines() {
        if line.is_empty() || line.starts_with("//") || !line.is_ascii() {
            continue;
        }
        rules += 1;
        let rule = line.trim_start_matches('!').replace('*', "wild");
        names.push(rule.clone());
        names.push(format!("example.{rule}"));
        names.push(format!("www.example.{rule}"));
    }
    assert!(rules > 9_000, "{rules} ASCII rules read");
    for name in &names {
        assert_eq!(ours(name), theirs(name), "{name}");
    }
}

#[test]
fn internationalised_rules_agree_with_the_psl_crate_in_a_labels() {
    // The `psl` crate matches these rules in Unicode; the automaton holds their A-labels.
    let ascii = |name: &str| idna::domain_to_ascii(name).unwrap();
    let mut rules = 0;
    for line in LIST_TEXT.lines() {
        if line.is_ascii() {
            continue;
        }
        rules += 1;
        let rule = line.trim_start_matches('!').replace('*', "wild");
        for name in [
            rule.clone(),
            format!("example.{rule}"),
            format!("www.example.{rule}"),
        ] {
            let (suffix, domain) = theirs(&name);
            let expected = (ascii(&suffix), domain.map(|d| ascii(&d)));
            assert_eq!(ours(&ascii(&name)), expected, "{name}");
        }
    }
    assert!(rules > 400, "{rules} internationalised rules read");
}

#[test]
fn internationalised_rules_match_in_a_labels() {
    // `公司.cn` is a rule; hstspreload.org takes domains in A-labels.
    let (suffix, domain) = ours("example.xn--55qx5d.cn");
    assert_eq!(suffix, "xn--55qx5d.cn");
    assert_eq!(domain.as_deref(), Some("example.xn--55qx5d.cn"));
    assert_eq!(registrable_start("xn--55qx5d.cn"), None);
}

#[test]
fn bytes_outside_the_symbols_match_no_rule() {
    // A byte of 0x80 or more could equal a node's first byte; the walk stops there.
    for name in [
        "\u{b8}.com",
        "a.\u{e9}.com",
        "\u{b8}",
        "x\u{f4}",
        "a b.com",
        "A.COM",
    ] {
        let start = suffix_start(name);
        assert!(name.is_char_boundary(start), "{name}");
        let last = &name[name.rfind('.').map_or(0, |d| d + 1)..];
        let expected = if name.ends_with(".com") { "com" } else { last };
        assert_eq!(&name[start..], expected, "{name}");
    }
}

#[test]
fn rule_parser_kinds_and_errors() {
    let k = keys("// comment\n\ncom.ac\n*.ck extra words\n!www.ck\n").unwrap();
    assert_eq!(
        k,
        vec![
            [&[NORMAL][..], b"ca.moc"].concat(),
            [&[WILDCARD][..], b"kc"].concat(),
            [&[EXCEPTION][..], b"kc.www"].concat(),
        ]
    );
    assert_eq!(keys("公司.cn").unwrap()[0][1..], *b"nc.d5xq55--nx");
    for (text, line) in [
        ("com\nfoo.*.bar\n", 2),
        ("a..b", 1),
        ("x_y.com", 1),
        ("a.", 1),
    ] {
        let e: RuleError = keys(text).unwrap_err();
        assert_eq!(e.line, line, "{text}: {e}");
        assert!(e.to_string().contains("is not a name"), "{e}");
    }
}
