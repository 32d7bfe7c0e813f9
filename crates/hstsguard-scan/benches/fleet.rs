//! Fleet benchmark (`make bench-scan`): 1,000 local domains, four chains each (six
//! requests and four TLS handshakes per domain on loopback), scanned with the default
//! concurrency. Prints domains per second and the scanner's peak RSS, and checks that
//! the per-domain results equal those of a `--concurrency 1` run, ordering aside.
//!
//! The servers (the test lab: an SNI TLS server and a plain HTTP server, hyper on
//! tokio) run in a child process, so the peak RSS measured is the scanner's alone.
//! Targets: at most 30 s and 150 MB.

#[path = "../tests/lab/mod.rs"]
mod lab;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use hstsguard_scan::{Options, Scanner};

const DOMAINS: usize = 1000;
const ROLE: &str = "HSTSGUARD_BENCH_ROLE";

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn serve() {
    let lab = lab::lab();
    println!(
        "{}",
        serde_json::json!({"tls": lab.tls, "http": lab.http, "ca": lab.ca_pem})
    );
    // Serve until the parent closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

fn run(scanner: &Arc<Scanner>, concurrency: usize) -> (f64, Vec<String>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let names = (0..DOMAINS).map(|n| format!("bench-{n}.test"));
    let mut results = Vec::with_capacity(DOMAINS);
    let started = Instant::now();
    rt.block_on(scanner.scan_fleet(names, concurrency, |r| {
        assert!(r.ok, "{}: {:?}", r.domain, r.issues);
        results.push(serde_json::to_string(&r).expect("json"));
    }));
    let secs = started.elapsed().as_secs_f64();
    results.sort();
    (secs, results)
}

fn main() {
    if std::env::var_os(ROLE).is_some() {
        return serve();
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for benchmark names; there is one, unnamed.
    }
    let mut child = Command::new(std::env::current_exe().expect("current exe"))
        .env(ROLE, "server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the lab servers");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("lab ports");
    let lab: serde_json::Value = serde_json::from_str(&line).expect("lab json");
    let mut options = Options::default();
    options.connect_to.push(
        format!(":80:127.0.0.1:{}", lab["http"])
            .parse()
            .expect("rule"),
    );
    options.connect_to.push(
        format!(":443:127.0.0.1:{}", lab["tls"])
            .parse()
            .expect("rule"),
    );
    options
        .add_ca_pem(lab["ca"].as_str().expect("ca").as_bytes())
        .expect("ca");
    let scanner = Arc::new(Scanner::new(options).expect("scanner"));

    // Warm-up: the lab makes each name's certificate on first use; make them all once,
    // so both measured runs see the same servers.
    let _ = run(&scanner, 32);
    let hwm_before = vm_hwm_kib();
    let (secs, fleet) = run(&scanner, 32);
    let hwm = vm_hwm_kib();
    let (secs_1, serial) = run(&scanner, 1);
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();

    let equal = fleet == serial;
    println!("hstsguard scan fleet benchmark: {DOMAINS} local domains, 4 chains each (6 requests, 4 TLS handshakes per domain)");
    println!(
        "  --concurrency 32: {secs:6.2} s  {:7.1} domains/s  peak RSS {:.1} MB (after warm-up {:.1} MB)",
        DOMAINS as f64 / secs,
        hwm as f64 / 1024.0,
        hwm_before as f64 / 1024.0
    );
    println!(
        "  --concurrency 1:  {secs_1:6.2} s  {:7.1} domains/s  (speed-up {:.1}x)",
        DOMAINS as f64 / secs_1,
        secs_1 / secs
    );
    println!("  per-domain results equal, ordering aside: {equal}");
    println!(
        "  targets: <= 30 s ({}), <= 150 MB ({})",
        if secs <= 30.0 { "met" } else { "MISSED" },
        if hwm <= 150 * 1024 { "met" } else { "MISSED" }
    );
    if !equal {
        std::process::exit(1);
    }
}
