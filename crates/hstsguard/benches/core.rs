//! Criterion benchmarks of the core, with hyperium/headers' `StrictTransportSecurity`
//! decode measured in the same run as the peer. After the criterion groups, a paired
//! comparison (interleaved chunks, so both sides see the same machine speed) prints our
//! time, the peer's time and their ratio.
//!
//! Run: `cargo bench -p hstsguard --bench core` (or `make bench`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use headers::{Header, HeaderValue, StrictTransportSecurity};
use hstsguard::policy::Policy;
use hstsguard::{parse_sts, preload_check, HstsPolicy, RequestFacts};

const VALUE: &str = "max-age=31536000; includeSubDomains; preload";

fn peer_decode(hv: &HeaderValue) -> Option<StrictTransportSecurity> {
    StrictTransportSecurity::decode(&mut std::iter::once(hv)).ok()
}

fn policy() -> Policy {
    Policy::from_toml(
        r#"
        [hsts]
        max_age = "2y"
        preload = true
        [proxy]
        trusted = ["10.0.0.0/8"]
        [redirect]
        allowed_hosts = ["example.com", ".example.com"]
        [[cookies.rules]]
        name = "*"
        secure = true
        http_only = true
        same_site = "Lax"
        "#,
    )
    .expect("bench policy")
}

fn benches(c: &mut Criterion) {
    let hv = HeaderValue::from_static(VALUE);
    let mut g = c.benchmark_group("sts");
    g.bench_function("parse/hstsguard", |b| {
        b.iter(|| parse_sts(black_box(VALUE)))
    });
    g.bench_function("parse/headers-crate", |b| {
        b.iter(|| peer_decode(black_box(&hv)))
    });
    let p = HstsPolicy::including_subdomains(31_536_000).with_preload();
    g.bench_function("format/value", |b| b.iter(|| black_box(&p).value().len()));
    g.bench_function("build/policy", |b| {
        b.iter(|| HstsPolicy::including_subdomains(black_box(31_536_000)).with_preload())
    });
    g.bench_function("preload_check", |b| {
        b.iter(|| preload_check(black_box(VALUE)))
    });
    g.finish();

    let policy = policy();
    let none: [(&str, &str); 0] = [];
    let mut g = c.benchmark_group("request");
    g.bench_function("evaluate/secure_pass", |b| {
        b.iter(|| {
            let f = RequestFacts::new(
                "GET",
                true,
                Some("www.example.com"),
                "/index.html?x=1",
                &none,
            );
            black_box(policy.evaluate(black_box(&f))).secure()
        })
    });
    g.bench_function("evaluate/redirect", |b| {
        b.iter(|| {
            let f = RequestFacts::new(
                "GET",
                false,
                Some("www.example.com"),
                "/index.html?x=1",
                &none,
            );
            black_box(policy.evaluate(black_box(&f))).secure()
        })
    });
    let proxied = [("X-Forwarded-Proto", "https")];
    let peer = Some("10.1.2.3".parse().unwrap());
    g.bench_function("evaluate/proxied_pass", |b| {
        b.iter(|| {
            let f = RequestFacts::new("GET", false, Some("www.example.com"), "/", &proxied)
                .with_peer(peer);
            black_box(policy.evaluate(black_box(&f))).secure()
        })
    });
    g.bench_function("cookie/flag", |b| {
        b.iter(|| {
            policy
                .flag_set_cookie(black_box("sessionid=abc123; Path=/; Max-Age=3600"), true)
                .changed()
        })
    });
    g.bench_function("cookie/already_flagged", |b| {
        b.iter(|| {
            policy
                .flag_set_cookie(
                    black_box("sessionid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax"),
                    true,
                )
                .changed()
        })
    });
    g.finish();
}

/// Median nanoseconds per call of `a` and `b`, measured in alternating chunks.
fn paired(mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    const CHUNK: u32 = 20_000;
    let mut ta = Vec::new();
    let mut tb = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline || ta.len() < 15 {
        let t = Instant::now();
        for _ in 0..CHUNK {
            a();
        }
        ta.push(t.elapsed().as_nanos() as f64 / CHUNK as f64);
        let t = Instant::now();
        for _ in 0..CHUNK {
            b();
        }
        tb.push(t.elapsed().as_nanos() as f64 / CHUNK as f64);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut ta), median(&mut tb))
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();

    let hv = HeaderValue::from_static(VALUE);
    let (ours, peer) = paired(
        || {
            black_box(parse_sts(black_box(VALUE)));
        },
        || {
            black_box(peer_decode(black_box(&hv)));
        },
    );
    println!();
    println!("paired comparison, parse {VALUE:?}:");
    println!("  hstsguard parse_sts:                  {ours:8.1} ns");
    println!("  headers StrictTransportSecurity::decode {peer:6.1} ns");
    println!(
        "  ratio (ours / peer):                  {:8.2}",
        ours / peer
    );
}
