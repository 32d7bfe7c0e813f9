//! Deterministic mutation testing over the shared vectors (a cheap, always-on cousin of
//! the cargo-fuzz targets in fuzz/): thousands of mutated inputs, checking invariants
//! rather than exact outputs.

mod common;

use hstsguard::policy::{Action, Policy};
use hstsguard::{parse_sts, preload_check, RequestFacts};

/// xorshift64*: a tiny deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    ";",
    "=",
    "\"",
    "\\",
    " ",
    "\t",
    "\r",
    "\n",
    "\0",
    "é",
    "max-age",
    "includeSubDomains",
    "preload",
    "@",
    ":",
    "/",
    "//",
    "%0d%0a",
    "[",
    "]",
    "::1",
    "..",
    ".",
    "-",
    "9999999999999999999999",
    "*",
    ",",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(3) {
            0 if !s.is_empty() => {
                let end = (at + 1 + rng.below(4)).min(s.len());
                s.drain(at.min(s.len())..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                for (k, c) in piece.chars().enumerate() {
                    s.insert(at + k, c);
                }
            }
            _ => {
                if at < s.len() {
                    s[at] = char::from(rng.below(128) as u8);
                }
            }
        }
    }
    s.into_iter().collect()
}

#[test]
fn sts_parser_invariants_under_mutation() {
    let seeds: Vec<String> = common::load("sts.json", "sts")
        .iter()
        .filter_map(|c| c["input"]["value"].as_str().map(str::to_owned))
        .filter(|s| s.len() < 512)
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed.as_str());
        let parsed = parse_sts(&input);
        // Valid <=> no error issue, and the canonical form round-trips.
        assert_eq!(
            parsed.is_valid(),
            !parsed.issues().iter().any(|i| i.is_error()),
            "{input:?}"
        );
        if let Some(p) = parsed.policy() {
            let again = parse_sts(p.value());
            assert_eq!(again.policy(), Some(p), "{input:?}");
        }
        // Messages never carry raw control characters.
        for issue in parsed.issues() {
            assert!(
                !issue.message().chars().any(char::is_control),
                "{input:?}: {issue}"
            );
        }
        let verdict = preload_check(&input);
        assert_eq!(verdict.is_ok(), verdict.errors().is_empty());
    }
}

#[test]
fn redirect_guarantee_under_mutation() {
    let policy = Policy::from_json(
        r#"{"redirect": {"allowed_hosts": ["example.com", ".example.org"], "keep_port": true},
            "proxy": {"trusted": ["10.0.0.0/8"]}}"#,
    )
    .unwrap();
    let hosts = [
        "example.com",
        "www.example.org",
        "example.org:8443",
        "[::1]:80",
        "EXAMPLE.COM.",
    ];
    let targets = ["/", "/a/b?c=d", "/%2e%2e/x", "//evil.example/", "/?q=a b"];
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let h = hosts[rng.below(hosts.len())];
        let host = mutate(&mut rng, h);
        let t = targets[rng.below(targets.len())];
        let target = mutate(&mut rng, t);
        let xfp = mutate(&mut rng, "https");
        let headers = [("X-Forwarded-Proto", xfp.as_str())];
        let peer = if rng.below(2) == 0 {
            None
        } else {
            Some("10.9.9.9".parse().unwrap())
        };
        let facts = RequestFacts::new("GET", false, Some(&host), &target, &headers).with_peer(peer);
        let decision = policy.evaluate(&facts);
        if let Action::Redirect { location, .. } = decision.action() {
            assert!(
                !location.bytes().any(|b| b <= b' ' || b >= 0x7f),
                "{host:?} {target:?} -> {location:?}"
            );
            let rest = location.strip_prefix("https://").expect("https Location");
            let authority = rest.split(['/', '?', '#']).next().unwrap();
            assert!(!authority.contains('@'), "{location:?}");
            let name = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
            assert!(
                name == "example.com" || name == "example.org" || name.ends_with(".example.org"),
                "{host:?} -> {location:?}"
            );
            assert!(rest[authority.len()..].starts_with('/'), "{location:?}");
            assert!(!rest[authority.len()..].starts_with("//"), "{location:?}");
        }
    }
}

#[test]
fn huge_headers_parse_in_linear_time() {
    // Quadratic issue bookkeeping would take minutes here; linear takes milliseconds.
    let n = 100_000;
    let value = format!("max-age=1{}{}", ";a".repeat(n), ";".repeat(2 * n));
    let parsed = parse_sts(&value);
    assert!(parsed.is_valid());
    assert_eq!(parsed.issues().len(), n + 1);
    let pins = format!("max-age=1{}{}", ";a".repeat(n), ";".repeat(2 * n));
    assert!(!hstsguard::hpkp::parse_hpkp(&pins, false).is_valid());
}
