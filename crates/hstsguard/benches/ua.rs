//! Benchmarks of the user-agent side: preload lookups in the embedded list (hits,
//! shallow misses, deep misses) against a `HashMap<String, bool>` of the same names
//! doing the same walk (the host, then each superdomain), measured in the same run; and
//! [`KnownHosts`] lookups with 10,000 entries. After the criterion groups, a paired
//! comparison (interleaved chunks, so both sides see the same machine speed) prints our
//! time, the peer's time and their ratio.
//!
//! Run: `cargo bench -p hstsguard --bench ua`.
//!
//! For instruction counts (callgrind or cachegrind, immune to a busy machine), the
//! variable `UA_BENCH_COUNT=CASE:N` (CASE one of `hit`, `shallow`, `deep`, `peer-hit`,
//! `peer-shallow`, `peer-deep`) makes the binary do only N lookups of that case and exit;
//! the difference between two runs with different N, divided by the difference of N, is
//! the cost of one lookup.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use hstsguard::ua::{KnownHosts, KnownHostsOptions, PreloadList};

/// The names of the embedded list, read from the repository's copy.
fn peer_map() -> HashMap<String, bool> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/hsts_preload.json");
    let text = std::fs::read_to_string(path).expect("data/hsts_preload.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    doc["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e[2] == "force-https")
        .map(|e| (e[0].as_str().unwrap().to_owned(), e[1].as_bool().unwrap()))
        .collect()
}

/// The peer's lookup: the host, then each superdomain with include_subdomains.
fn peer_lookup(map: &HashMap<String, bool>, host: &str) -> Option<bool> {
    if let Some(&isd) = map.get(host) {
        return Some(isd);
    }
    let mut rest = host;
    while let Some(dot) = rest.find('.') {
        rest = &rest[dot + 1..];
        if let Some(&true) = map.get(rest) {
            return Some(true);
        }
    }
    None
}

fn hosts(map: &HashMap<String, bool>) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut names: Vec<&String> = map.keys().collect();
    names.sort();
    let hits: Vec<String> = names
        .iter()
        .step_by(names.len() / 64)
        .take(64)
        .map(|n| format!("www.{n}"))
        .collect();
    let shallow: Vec<String> = (0..64).map(|i| format!("not-preloaded-{i}.com")).collect();
    let deep: Vec<String> = (0..64)
        .map(|i| format!("a.b.c.host-{i}.not-preloaded.example.co.uk"))
        .collect();
    (hits, shallow, deep)
}

fn store_with(n: usize) -> (KnownHosts, Vec<String>) {
    let store = KnownHosts::with_options(KnownHostsOptions {
        capacity: n,
        ..KnownHostsOptions::default()
    });
    let mut probes = Vec::new();
    for i in 0..n {
        let host = format!("site-{i}.example");
        store
            .receive(&host, &["max-age=31536000; includeSubDomains"], true, 1_000)
            .expect("receive");
        if i % (n / 64).max(1) == 0 {
            probes.push(format!("www.{host}"));
        }
    }
    (store, probes)
}

fn benches(c: &mut Criterion, map: &HashMap<String, bool>) {
    let list = PreloadList::embedded();
    let (hits, shallow, deep) = hosts(map);
    let mut g = c.benchmark_group("preload");
    for (name, set) in [
        ("hit", &hits),
        ("shallow_miss", &shallow),
        ("deep_miss", &deep),
    ] {
        g.bench_function(format!("{name}/hstsguard"), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % set.len();
                list.lookup(black_box(&set[i])).map(|m| m.is_some())
            })
        });
        g.bench_function(format!("{name}/hashmap"), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % set.len();
                peer_lookup(map, black_box(&set[i]))
            })
        });
    }
    g.finish();

    let (store, probes) = store_with(10_000);
    let mut g = c.benchmark_group("store");
    g.bench_function("lookup/10k_hit", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % probes.len();
            store
                .lookup(black_box(&probes[i]), 2_000)
                .map(|m| m.is_some())
        })
    });
    g.bench_function("lookup/10k_miss_then_preload", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % shallow.len();
            store
                .lookup(black_box(&shallow[i]), 2_000)
                .map(|m| m.is_some())
        })
    });
    g.bench_function("upgrade_url/10k_hit", |b| {
        b.iter(|| {
            store
                .upgrade_url(black_box("http://www.site-5000.example/a?b"), 2_000)
                .map(|u| u.upgraded)
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

/// `UA_BENCH_COUNT=CASE:N`: N lookups of one case, no criterion, for instruction counts.
fn count_mode(spec: &str) {
    let (case, n) = spec.split_once(':').expect("UA_BENCH_COUNT=CASE:N");
    let n: usize = n.parse().expect("N");
    let map = peer_map();
    let list = PreloadList::embedded();
    let (hits, shallow, deep) = hosts(&map);
    let (peer, set) = match case {
        "hit" => (false, &hits),
        "shallow" => (false, &shallow),
        "deep" => (false, &deep),
        "peer-hit" => (true, &hits),
        "peer-shallow" => (true, &shallow),
        "peer-deep" => (true, &deep),
        _ => panic!("unknown case {case}"),
    };
    let mut found = 0usize;
    for i in 0..n {
        let host = black_box(&set[i % set.len()]);
        let hit = if peer {
            peer_lookup(&map, host).is_some()
        } else {
            list.lookup(host).map(|m| m.is_some()).unwrap_or(false)
        };
        found += usize::from(hit);
    }
    println!("{case}: {n} lookups, {found} found");
}

fn main() {
    if let Some(spec) = std::env::var_os("UA_BENCH_COUNT") {
        count_mode(spec.to_str().expect("UTF-8"));
        return;
    }
    let map = peer_map();
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &map);
    c.final_summary();

    let list = PreloadList::embedded();
    let (hits, shallow, deep) = hosts(&map);
    println!();
    println!(
        "embedded preload list: {} entries, {} bytes compiled, dated {}",
        list.len(),
        list.size_bytes(),
        list.date()
    );
    println!("paired comparison, preload lookup (ns per lookup, median):");
    println!(
        "  {:<14} {:>10} {:>18} {:>8}",
        "case", "hstsguard", "HashMap<String,bool>", "ratio"
    );
    for (name, set) in [
        ("hit", &hits),
        ("shallow miss", &shallow),
        ("deep miss", &deep),
    ] {
        let (mut i, mut j) = (0, 0);
        let (ours, peer) = paired(
            || {
                i = (i + 1) % set.len();
                black_box(list.lookup(black_box(&set[i])).map(|m| m.is_some()).ok());
            },
            || {
                j = (j + 1) % set.len();
                black_box(peer_lookup(&map, black_box(&set[j])));
            },
        );
        println!(
            "  {name:<14} {ours:>10.1} {peer:>18.1} {:>8.2}",
            ours / peer
        );
    }
    let (store, probes) = store_with(10_000);
    let mut k = 0;
    let (hit, _) = paired(
        || {
            k = (k + 1) % probes.len();
            black_box(store.lookup(black_box(&probes[k]), 2_000).ok());
        },
        || {},
    );
    println!("store lookup with 10,000 entries (superdomain hit): {hit:.1} ns");
}
