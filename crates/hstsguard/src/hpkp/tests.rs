use std::fmt;

use crate::error::Error;
use crate::issue::{Code, Issue, Severity};
use crate::MAX_AGE_CAP;

use super::*;
use super::{header::*, parse::*, pin::*};

const A: &str = "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=";
const B: &str = "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=";
const C: &str = "NPwobeaLnjbM0FZuLCXjGHQUOE5bli/br8Lcf4KsSkM=";

/// The pin of tests/data/cert.pem, computed once with
/// `openssl x509 -pubkey -noout -in cert.pem | openssl pkey -pubin -outform der |
/// openssl dgst -sha256 -binary | base64`.
const CERT_PIN: &str = "5LCPmoL9ep1dU3vVMGhd7aBm52YTrZf554Zv1rUZwa4=";
/// The pin of the second certificate of tests/data/chain.pem, computed the same way.
const CHAIN_SECOND_PIN: &str = "p5xu/0nGhmB8ZU3XF/iaMPTwkTUfNnu7z6Ui01ugxIs=";

const CERT_PEM: &[u8] = include_bytes!("../../tests/data/cert.pem");
const CERT_DER: &[u8] = include_bytes!("../../tests/data/cert.der");
const PUBKEY_PEM: &[u8] = include_bytes!("../../tests/data/pubkey.pem");
const PUBKEY_DER: &[u8] = include_bytes!("../../tests/data/pubkey.der");
const CHAIN_PEM: &[u8] = include_bytes!("../../tests/data/chain.pem");

fn pin(s: &str) -> PinSha256 {
    s.parse().unwrap()
}

fn two_pins() -> String {
    format!("pin-sha256=\"{A}\"; pin-sha256=\"{B}\"")
}

fn codes(value: &str, report_only: bool) -> Vec<&'static str> {
    parse_hpkp(value, report_only)
        .issues()
        .iter()
        .map(|i| i.code().as_str())
        .collect()
}

#[test]
fn pin_display_from_str_round_trip() {
    for s in [A, B, C, CERT_PIN] {
        assert_eq!(pin(s).to_string(), s);
    }
    assert_eq!(format!("{:?}", pin(A)), format!("PinSha256(\"{A}\")"));
    assert_eq!(PinSha256::from_digest(*pin(A).as_bytes()), pin(A));
    assert_eq!(PinSha256::from(*pin(B).as_bytes()), pin(B));
}

#[test]
fn pin_from_str_errors() {
    for (text, fragment) in [
        ("", "0 bytes"),
        ("mp+rA/Rc+z5L5HFusRiSXCG+cvo=", "20 bytes"),
        ("+OmZvgwam9exGT9UDb8oQM7poGvhWn8NlmQsYDt3ukCv", "33 bytes"),
        ("sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk", "not base64"),
        ("sEu-pIV8-dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=", "not base64"),
        (
            " sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=",
            "not base64",
        ),
        ("sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrl=", "not base64"),
    ] {
        match text.parse::<PinSha256>() {
            Err(Error::InvalidPin { value, reason }) => {
                assert_eq!(value, text);
                assert!(reason.contains(fragment), "{text}: {reason}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    match "x".repeat(500).parse::<PinSha256>() {
        Err(Error::InvalidPin { value, .. }) => assert!(value.len() < 100),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pins_of_test_certificate_in_every_format() {
    let want = pin(CERT_PIN);
    assert_eq!(pin_from_pem_or_der(CERT_PEM).unwrap(), want);
    assert_eq!(pin_from_pem_or_der(CERT_DER).unwrap(), want);
    assert_eq!(pin_from_pem_or_der(PUBKEY_PEM).unwrap(), want);
    assert_eq!(pin_from_pem_or_der(PUBKEY_DER).unwrap(), want);
    assert_eq!(PinSha256::of_spki(PUBKEY_DER), want);
    // CRLF line endings and text around the block are fine.
    let crlf = String::from_utf8(CERT_PEM.to_vec())
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(
        pin_from_pem_or_der(format!("subject=CN=x\r\n{crlf}").as_bytes()).unwrap(),
        want
    );
}

#[test]
fn pins_of_a_chain() {
    let pins = pins_from_pem_chain(CHAIN_PEM).unwrap();
    assert_eq!(pins, [pin(CERT_PIN), pin(CHAIN_SECOND_PIN)]);
    // The first certificate of a bundle is the one pin_from_pem_or_der reads.
    assert_eq!(pin_from_pem_or_der(CHAIN_PEM).unwrap(), pin(CERT_PIN));
    // A single DER certificate is a chain of one.
    assert_eq!(pins_from_pem_chain(CERT_DER).unwrap(), [pin(CERT_PIN)]);
    // Lines that are not UTF-8 before and inside a block.
    let mut junk = b"\xff\xfe junk\n".to_vec();
    junk.extend_from_slice(CERT_PEM);
    assert_eq!(pin_from_pem_or_der(&junk).unwrap(), pin(CERT_PIN));
    let bad = b"-----BEGIN CERTIFICATE-----\n\xff\n-----END CERTIFICATE-----\n";
    assert!(pin_from_pem_or_der(bad).is_err());
    // Other blocks are skipped.
    let mut with_key =
        b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n".to_vec();
    with_key.extend_from_slice(CHAIN_PEM);
    assert_eq!(pins_from_pem_chain(&with_key).unwrap(), pins);
    assert_eq!(pin_from_pem_or_der(&with_key).unwrap(), pin(CERT_PIN));
}

fn cert_reason(result: Result<impl fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Certificate { reason }) => reason,
        other => panic!("{other:?}"),
    }
}

#[test]
fn certificate_errors_say_what_is_wrong() {
    assert!(cert_reason(pin_from_pem_or_der(b"")).contains("empty"));
    assert!(cert_reason(pin_from_pem_or_der(b" \n")).contains("empty"));
    assert!(cert_reason(pin_from_pem_or_der(b"hello")).contains("neither PEM"));
    let truncated = CERT_DER.get(..CERT_DER.len() - 10).unwrap();
    assert!(cert_reason(pin_from_pem_or_der(truncated)).contains("neither PEM"));
    let mut trailing = CERT_DER.to_vec();
    trailing.push(0);
    assert!(cert_reason(pin_from_pem_or_der(&trailing))
        .contains("certificate is followed by 1 unexpected bytes"));
    let mut trailing = PUBKEY_DER.to_vec();
    trailing.extend_from_slice(b"xy");
    assert!(cert_reason(pin_from_pem_or_der(&trailing))
        .contains("SubjectPublicKeyInfo is followed by 2 unexpected bytes"));

    let key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let why = cert_reason(pin_from_pem_or_der(key));
    assert!(
        why.contains("`PRIVATE KEY`") && why.contains("openssl"),
        "{why}"
    );
    let why = cert_reason(pins_from_pem_chain(key));
    assert!(why.contains("`PRIVATE KEY`"), "{why}");

    let bad_b64 = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    assert!(cert_reason(pin_from_pem_or_der(bad_b64)).contains("PEM block 1 cannot be decoded"));
    let not_cert = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert!(cert_reason(pin_from_pem_or_der(not_cert))
        .contains("PEM block 1 (CERTIFICATE) is not a valid X.509"));
    let not_spki = b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    assert!(cert_reason(pin_from_pem_or_der(not_spki))
        .contains("PEM block 1 (PUBLIC KEY) is not a valid SubjectPublicKeyInfo"));
    let unterminated = b"-----BEGIN CERTIFICATE-----\nAAAA\n";
    assert!(cert_reason(pin_from_pem_or_der(unterminated)).contains("cannot be decoded"));

    // A bad second certificate is named.
    let mut chain = CERT_PEM.to_vec();
    chain.extend_from_slice(not_cert);
    assert!(cert_reason(pins_from_pem_chain(&chain)).contains("PEM block 2"));
}

#[test]
fn certificate_readers_survive_garbage() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = pin_from_pem_or_der(&bytes);
        let _ = pins_from_pem_chain(&bytes);
        // Mutate the real certificate too.
        let mut cert = CERT_DER.to_vec();
        if let Some(b) = cert.get_mut(len % CERT_DER.len()) {
            *b ^= next() as u8 | 1;
        }
        let _ = pin_from_pem_or_der(&cert);
        let _ = pin_from_pem_or_der(CERT_PEM.get(..len.min(CERT_PEM.len())).unwrap_or_default());
    }
}

#[test]
fn deprecated_always_first() {
    for (value, ro) in [
        ("", false),
        ("x", true),
        ("\u{7f}", false),
        (two_pins().as_str(), true),
    ] {
        let p = parse_hpkp(value, ro);
        assert_eq!(p.issues()[0].code(), Code::HpkpDeprecated, "{value:?}");
        assert_eq!(p.issues()[0].severity(), Severity::Warning);
        assert!(p.issues()[0].message().contains("Chrome 72"));
        assert!(p.issues()[0].message().contains("Firefox 72"));
    }
}

#[test]
fn rfc_7469_section_2_1_5_examples() {
    let e1 = parse_hpkp(
        "max-age=3000; pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"",
        false,
    );
    assert!(e1.is_valid());
    assert_eq!(e1.max_age(), Some(3000));
    assert_eq!(e1.issues().len(), 1);

    // Example 2: one pin only, so invalid here (RFC 7469 §4.3 requires a backup).
    let e2 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; max-age=3000";
    assert_eq!(
        codes(e2, false),
        ["hpkp.deprecated", "hpkp.parse.pins.too_few"]
    );

    let e3 = "max-age=2592000; pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; \
              pin-sha256=\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"; report-uri=\"http://example.com/pkp-report\"";
    let p3 = parse_hpkp(e3, false);
    assert!(p3.is_valid());
    assert_eq!(p3.report_uri(), Some("http://example.com/pkp-report"));

    // Example 4: report-only, no max-age.
    let e4 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
              pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; report-uri=\"https://other.example.net/pkp-report\"";
    let p4 = parse_hpkp(e4, true);
    assert!(p4.is_valid());
    assert_eq!(p4.max_age(), None);
    assert!(p4.report_only());
    assert_eq!(
        codes(e4, false),
        ["hpkp.deprecated", "hpkp.parse.max_age.missing"]
    );

    let e5 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
              pin-sha256=\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"; max-age=259200";
    assert!(parse_hpkp(e5, false).is_valid());

    let e6 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
              pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; \
              pin-sha256=\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"; max-age=10000; includeSubDomains";
    let p6 = parse_hpkp(e6, false);
    assert!(p6.is_valid());
    assert!(p6.include_subdomains());
    assert_eq!(p6.pins().len(), 3);
}

#[test]
fn names_are_case_insensitive_and_whitespace_allowed() {
    let v = format!("PIN-SHA256 = \"{A}\" ;Pin-Sha256=\"{B}\";MAX-AGE=\"60\"; includesubdomains ; REPORT-URI=\"HTTPS://r.example/x\"");
    let p = parse_hpkp(&v, false);
    assert!(p.is_valid(), "{:?}", p.issues());
    assert_eq!(p.max_age(), Some(60));
    assert!(p.include_subdomains());
    assert_eq!(p.report_uri(), Some("HTTPS://r.example/x"));
}

#[test]
fn pin_rules() {
    let m = "max-age=60";
    assert_eq!(
        codes(
            &format!(
                "pin-sha256={}; pin-sha256=\"{B}\"; {m}",
                A.trim_end_matches('=')
            ),
            false
        ),
        ["hpkp.deprecated", "hpkp.parse.pin.unquoted"]
    );
    assert_eq!(
        codes(&format!("pin-sha256; pin-sha256=\"{B}\"; {m}"), false),
        ["hpkp.deprecated", "hpkp.parse.pin.unquoted"]
    );
    assert_eq!(
        codes(
            &format!("pin-sha256=\"not base64!\"; pin-sha256=\"{B}\"; {m}"),
            false
        ),
        ["hpkp.deprecated", "hpkp.parse.pin.invalid_base64"]
    );
    assert_eq!(
        codes(
            &format!("pin-sha256=\"mp+rA/Rc+z5L5HFusRiSXCG+cvo=\"; pin-sha256=\"{B}\"; {m}"),
            false
        ),
        ["hpkp.deprecated", "hpkp.parse.pin.wrong_length"]
    );
    let p = parse_hpkp(
        &format!("{}; pin-sha1=\"abc\"; pin-sha256=\"{A}\"; {m}", two_pins()),
        false,
    );
    assert!(p.is_valid());
    assert_eq!(p.pins(), [pin(A), pin(B)]);
    let got: Vec<_> = p.issues().iter().map(|i| i.code().as_str()).collect();
    assert_eq!(
        got,
        [
            "hpkp.deprecated",
            "hpkp.parse.pin.unknown_algorithm",
            "hpkp.parse.repeated.pin"
        ]
    );

    assert_eq!(
        codes(m, false),
        ["hpkp.deprecated", "hpkp.parse.pins.missing"]
    );
    assert_eq!(
        codes(
            &format!("pin-sha256=\"{A}\"; pin-sha256=\"{A}\"; {m}"),
            false
        ),
        [
            "hpkp.deprecated",
            "hpkp.parse.repeated.pin",
            "hpkp.parse.pins.too_few"
        ]
    );
    // Only unknown algorithms: no pin-sha256 at all.
    assert_eq!(
        codes(&format!("pin-sha1=\"{A}\"; pin-sha512=\"{B}\"; {m}"), false),
        [
            "hpkp.deprecated",
            "hpkp.parse.pin.unknown_algorithm",
            "hpkp.parse.pin.unknown_algorithm",
            "hpkp.parse.pins.missing"
        ]
    );
}

#[test]
fn max_age_rules() {
    let p = two_pins();
    assert_eq!(
        codes(&p, false),
        ["hpkp.deprecated", "hpkp.parse.max_age.missing"]
    );
    assert_eq!(
        codes(&p, true),
        ["hpkp.deprecated", "hpkp.report_only.no_report_uri"]
    );
    assert_eq!(
        codes(&format!("{p}; max-age"), false),
        ["hpkp.deprecated", "hpkp.parse.invalid.max_age.no_value"]
    );
    assert_eq!(
        codes(&format!("{p}; max-age=\"\""), false),
        ["hpkp.deprecated", "hpkp.parse.invalid.max_age.no_value"]
    );
    assert_eq!(
        codes(&format!("{p}; max-age=-1"), false),
        ["hpkp.deprecated", "hpkp.parse.max_age.non_digit_characters"]
    );
    assert_eq!(
        codes(&format!("{p}; max-age=\"1 0\""), false),
        ["hpkp.deprecated", "hpkp.parse.max_age.non_digit_characters"]
    );
    assert_eq!(
        codes(&format!("{p}; max-age=1; max-age=1; max-age=2"), false),
        ["hpkp.deprecated", "hpkp.parse.repeated.max_age"]
    );
    let big = parse_hpkp(&format!("{p}; max-age=99999999999999999999999"), false);
    assert!(big.is_valid());
    assert_eq!(big.max_age(), Some(MAX_AGE_CAP));
    assert_eq!(big.issues()[1].code(), Code::HpkpParseMaxAgeSaturated);
    let cap = parse_hpkp(&format!("{p}; max-age={MAX_AGE_CAP}"), false);
    assert_eq!(cap.issues().len(), 1);
    let quoted = parse_hpkp(&format!("{p}; max-age=\"0\""), false);
    assert!(quoted.is_valid());
    assert_eq!(quoted.max_age(), Some(0));
}

#[test]
fn include_subdomains_and_report_uri_rules() {
    let p = format!("{}; max-age=60", two_pins());
    assert_eq!(
        codes(
            &format!("{p}; includeSubDomains=1; includeSubDomains=\"\""),
            false
        ),
        ["hpkp.deprecated", "hpkp.parse.invalid.include_sub_domains"]
    );
    assert_eq!(
        codes(
            &format!("{p}; includeSubDomains; INCLUDESUBDOMAINS; includesubdomains"),
            false
        ),
        ["hpkp.deprecated", "hpkp.parse.repeated.include_sub_domains"]
    );
    assert_eq!(
        codes(&format!("{p}; report-uri=https://r.example/"), false),
        ["hpkp.deprecated", "hpkp.parse.syntax.invalid_value"]
    );
    assert_eq!(
        codes(&format!("{p}; report-uri=r"), false),
        ["hpkp.deprecated", "hpkp.parse.report_uri.unquoted"]
    );
    assert_eq!(
        codes(&format!("{p}; report-uri"), false),
        ["hpkp.deprecated", "hpkp.parse.report_uri.unquoted"]
    );
    for bad in [
        "",
        "/relative",
        "ftp://r.example/",
        "https://",
        "https:///path",
        "https://r.example:99999/",
        "https://r.example:/",
        "https://r.example/a b",
        "https://r.example/é",
        "https://r.example/#frag",
        "https://r.example/%zz",
        "https://[::1/",
        "https://[zz]/",
        "https://[::1]x/",
        "https://r]example/",
        "javascript:alert(1)",
    ] {
        let v = format!("{p}; report-uri=\"{bad}\"");
        assert_eq!(
            codes(&v, false),
            ["hpkp.deprecated", "hpkp.parse.report_uri.invalid"],
            "{bad}"
        );
    }
    for good in [
        "https://r.example",
        "http://r.example:8080/hpkp?x=1&y=%20",
        "https://user@r.example/",
        "https://[2001:db8::1]:443/r",
        "https://192.0.2.1/r;x",
    ] {
        let v = format!("{p}; report-uri=\"{good}\"");
        let parsed = parse_hpkp(&v, false);
        assert!(parsed.is_valid(), "{good}: {:?}", parsed.issues());
        assert_eq!(parsed.report_uri(), Some(good));
    }
    assert_eq!(
        codes(
            &format!("{p}; report-uri=\"https://a.example/\"; report-uri=\"https://a.example/\""),
            false
        ),
        ["hpkp.deprecated", "hpkp.parse.repeated.report_uri"]
    );
}

#[test]
fn unknown_and_empty_directives() {
    let p = format!("{}; max-age=60", two_pins());
    assert_eq!(
        codes(&format!(";;{p};; preload; strict;"), false),
        [
            "hpkp.deprecated",
            "hpkp.parse.empty_directive",
            "hpkp.parse.unknown_directive",
            "hpkp.parse.unknown_directive"
        ]
    );
    assert_eq!(codes("", false), ["hpkp.deprecated", "hpkp.parse.empty"]);
    assert_eq!(codes(" \t ", true), ["hpkp.deprecated", "hpkp.parse.empty"]);
}

#[test]
fn syntax_errors_stop_reading() {
    let p = two_pins();
    assert_eq!(
        codes(&format!("{p}; max-age=1 2"), false),
        ["hpkp.deprecated", "hpkp.parse.syntax.invalid_value"]
    );
    assert_eq!(
        codes("pin-sha256=\"abc", false),
        [
            "hpkp.deprecated",
            "hpkp.parse.syntax.unterminated_quoted_string"
        ]
    );
    assert_eq!(
        codes("@; max-age=1", false),
        [
            "hpkp.deprecated",
            "hpkp.parse.syntax.invalid_directive_name"
        ]
    );
    assert_eq!(
        codes(&format!("{p}; max-age=1\r\nX-Injected: 1"), false),
        ["hpkp.deprecated", "hpkp.parse.syntax.invalid_character"]
    );
    assert_eq!(
        codes("max-age=1; prélo", false),
        ["hpkp.deprecated", "hpkp.parse.syntax.invalid_character"]
    );
    // Non-ASCII inside a quoted pin is a bad pin, not a syntax error.
    assert_eq!(
        codes(&format!("{p}; pin-sha256=\"é\"; max-age=1"), false),
        ["hpkp.deprecated", "hpkp.parse.pin.invalid_base64"]
    );
}

#[test]
fn hostile_inputs_are_linear_and_bounded() {
    let many = format!("{}; max-age=60{}", two_pins(), ";".repeat(100_000));
    let p = parse_hpkp(&many, false);
    assert!(p.is_valid());
    assert_eq!(p.issues().len(), 2);

    let unknown = "x;".repeat(50_000);
    // deprecated, 50000 unknown, one empty (the trailing `;`), pins.missing, no_report_uri.
    assert_eq!(
        parse_hpkp(&unknown, true).issues().len(),
        1 + 50_000 + 1 + 1 + 1
    );

    let long_pin = format!("pin-sha256=\"{}\"", "A".repeat(1 << 20));
    let p = parse_hpkp(&long_pin, false);
    assert_eq!(p.issues()[1].code(), Code::HpkpParsePinWrongLength);
    assert!(p.issues().iter().all(|i| i.message().len() < 400));

    let dupes = format!("pin-sha256=\"{A}\";").repeat(20_000);
    assert_eq!(parse_hpkp(&dupes, false).pins(), [pin(A)]);
}

#[test]
fn random_values_keep_the_invariants() {
    let directives = [
        "pin-sha256=\"sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=\"",
        "pin-sha256=\"82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=\"",
        "pin-sha256=\"NPwobeaLnjbM0FZuLCXjGHQUOE5bli/br8Lcf4KsSkM=\"",
        "PIN-SHA256=\"MbWAXZkGQwtA7lX38/YLSo2uN0vvSfkEfE7ICbnEdns=\"",
        "pin-sha256=",
        "pin-sha1=\"x\"",
        "max-age=60",
        "max-age=\"0\"",
        "max-age=99999999999999999999",
        "max-age=",
        "includeSubDomains",
        "report-uri=\"https://r.example/\"",
        "report-uri=",
        "x=y",
    ];
    let junk = [
        ";", "=", "\"", "\\", " ", "\t", "\r\n", "\u{0}", "é", "x", "@",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut valid = 0;
    for _ in 0..5_000 {
        let mut value = String::new();
        for _ in 0..(next() % 7) {
            let r = next();
            let d = directives.get((r % directives.len() as u64) as usize);
            value.push_str(d.unwrap_or(&""));
            if r % 9 == 0 {
                let j = junk.get((r / 9 % junk.len() as u64) as usize);
                value.push_str(j.unwrap_or(&""));
            } else {
                value.push_str("; ");
            }
        }
        for report_only in [false, true] {
            let p = parse_hpkp(&value, report_only);
            assert_eq!(p.issues()[0].code(), Code::HpkpDeprecated, "{value:?}");
            if !p.is_valid() {
                continue;
            }
            valid += 1;
            if p.max_age() == Some(0) {
                // A removal: valid whatever the pins (RFC 7469 §2.3.3).
                continue;
            }
            assert!(p.pins().len() >= 2, "{value:?}");
            assert!(report_only || p.max_age().is_some(), "{value:?}");
            if let Some(age) = p.max_age() {
                let h = HpkpHeader::new(p.pins(), age).unwrap();
                let again = parse_hpkp(h.value(), false);
                assert!(again.is_valid(), "{value:?}");
                assert_eq!(again.pins(), p.pins());
                assert_eq!(again.max_age(), Some(age));
            }
        }
    }
    assert!(valid > 100, "only {valid} valid values");
}

#[test]
fn validation_against_a_chain() {
    let p = parse_hpkp(&format!("{}; max-age=60", two_pins()), false);
    assert!(validate_pins(&p, &[pin(A)]).is_empty());
    assert!(validate_pins(&p, &[pin(C), pin(B)]).is_empty());
    let none: Vec<_> = validate_pins(&p, &[pin(C)])
        .iter()
        .map(Issue::code)
        .collect();
    assert_eq!(none, [Code::HpkpValidateNoMatchingPin]);
    assert_eq!(
        validate_pins(&p, &[]).first().map(Issue::code),
        Some(Code::HpkpValidateNoMatchingPin)
    );
    let all: Vec<_> = validate_pins(&p, &[pin(B), pin(C), pin(A)])
        .iter()
        .map(Issue::code)
        .collect();
    assert_eq!(all, [Code::HpkpValidateNoBackupPin]);

    let checked = p.clone().with_chain(&[pin(A), pin(B)]);
    assert!(!checked.is_valid());
    assert_eq!(
        checked.issues().last().map(Issue::code),
        Some(Code::HpkpValidateNoBackupPin)
    );
    assert!(p.clone().with_chain(&[pin(A)]).is_valid());

    // The real certificate plus a backup pin.
    let chain = pins_from_pem_chain(CHAIN_PEM).unwrap();
    let v = format!("pin-sha256=\"{CERT_PIN}\"; pin-sha256=\"{C}\"; max-age=60");
    assert!(parse_hpkp(&v, false).with_chain(&chain).is_valid());
}

#[test]
fn to_json_shape() {
    let p = parse_hpkp(
        &format!(
            "{}; max-age=60; report-uri=\"https://r.example/\"",
            two_pins()
        ),
        true,
    );
    let j = p.to_json();
    assert_eq!(j["valid"], true);
    assert_eq!(j["report_only"], true);
    assert_eq!(j["max_age"], 60);
    assert_eq!(j["include_subdomains"], false);
    assert_eq!(j["pins"], serde_json::json!([A, B]));
    assert_eq!(j["report_uri"], "https://r.example/");
    assert_eq!(j["issues"][0]["code"], "hpkp.deprecated");
    assert_eq!(j["issues"][0]["severity"], "warning");
    assert_eq!(j.as_object().map(|o| o.len()), Some(7));

    let empty = parse_hpkp("", false).to_json();
    assert_eq!(empty["valid"], false);
    assert_eq!(empty["max_age"], serde_json::Value::Null);
    assert_eq!(empty["report_uri"], serde_json::Value::Null);
    assert_eq!(empty["pins"], serde_json::json!([]));
}

#[test]
fn builder_guard_rails() {
    assert_eq!(
        HpkpHeader::new(&[], 60),
        Err(Error::TooFewPins { distinct: 0 })
    );
    assert_eq!(
        HpkpHeader::new(&[pin(A)], 60),
        Err(Error::TooFewPins { distinct: 1 })
    );
    assert_eq!(
        HpkpHeader::new(&[pin(A), pin(A), pin(A)], 60),
        Err(Error::TooFewPins { distinct: 1 })
    );
    assert_eq!(
        HpkpHeader::new(&[pin(A), pin(B)], MAX_AGE_CAP + 1)
            .unwrap_err()
            .code(),
        "duration.overflow"
    );

    let h = HpkpHeader::new(&[pin(A), pin(B), pin(A)], 60).unwrap();
    assert_eq!(h.pins(), [pin(A), pin(B)]);
    assert_eq!(h.name(), "Public-Key-Pins");
    assert_eq!(h.value(), format!("{}; max-age=60", two_pins()));
    assert!(!h.includes_subdomains() && !h.is_report_only() && h.reporting_uri().is_none());
    assert_eq!(h.max_age(), 60);

    for bad in [
        "https://r.example/\"",
        "https://r.example/\r\n",
        "https://r.example/\\",
        "r.example",
        "",
    ] {
        let err = h.clone().report_uri(bad).unwrap_err();
        assert_eq!(err.code(), "hpkp.parse.report_uri.invalid", "{bad:?}");
    }

    let ro = h.clone().report_only(true);
    assert_eq!(ro.name(), "Public-Key-Pins-Report-Only");
    assert_eq!(ro.value(), h.value());
    let back = ro
        .report_only(false)
        .include_subdomains(true)
        .include_subdomains(false);
    assert_eq!(back, h);
}

#[test]
fn builder_round_trips_through_the_parser() {
    let pins = [pin(A), pin(B), pin(C), pin(CERT_PIN)];
    for n in 2..=pins.len() {
        for max_age in [0, 60, 5_184_000, MAX_AGE_CAP] {
            for include in [false, true] {
                for uri in [None, Some("https://r.example/hpkp?a=b;c")] {
                    for ro in [false, true] {
                        let mut h = HpkpHeader::new(pins.get(..n).unwrap(), max_age)
                            .unwrap()
                            .include_subdomains(include)
                            .report_only(ro);
                        if let Some(u) = uri {
                            h = h.report_uri(u).unwrap();
                        }
                        let p = parse_hpkp(h.value(), h.is_report_only());
                        assert!(p.is_valid(), "{h}: {:?}", p.issues());
                        assert_eq!(p.pins(), h.pins());
                        assert_eq!(p.max_age(), Some(max_age));
                        assert_eq!(p.include_subdomains(), include);
                        assert_eq!(p.report_uri(), uri);
                        assert_eq!(p.report_only(), ro);
                        if !ro {
                            assert_eq!(h.value().parse::<HpkpHeader>().unwrap(), h);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn from_str_errors_carry_the_first_error_code() {
    match "max-age=60".parse::<HpkpHeader>() {
        Err(Error::InvalidHeader { header, issue, .. }) => {
            assert_eq!(header, "Public-Key-Pins");
            assert_eq!(issue, Code::HpkpParsePinsMissing);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        two_pins().parse::<HpkpHeader>().unwrap_err().code(),
        "hpkp.parse.max_age.missing"
    );
}

#[test]
fn types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<HpkpHeader>();
    check::<ParsedHpkp>();
    check::<PinSha256>();
}
