//! `hstsguard scan`: the live audit of one domain or a fleet (crate `hstsguard-scan`).

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use hstsguard_scan::{ConnectTo, Options, ScanReport, Scanner};

/// Arguments of `hstsguard scan`.
#[derive(Args)]
pub struct ScanArgs {
    /// The domain to scan (or use --list).
    domain: Option<String>,
    /// Scan every domain of FILE (one a line, `#` comments; `-` for stdin); prints JSON Lines.
    #[arg(long, value_name = "FILE", conflicts_with = "domain")]
    list: Option<PathBuf>,
    /// Domains scanned at the same time in --list mode.
    #[arg(long, default_value_t = 32, value_name = "N")]
    concurrency: usize,
    /// Seconds allowed for each TCP connect plus TLS handshake.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    connect_timeout: f64,
    /// Seconds allowed for a whole domain (all four chains).
    #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
    timeout: f64,
    /// Connect to ADDR:PORT for requests to HOST:PORT (curl's syntax; repeatable; empty HOST matches every host).
    #[arg(long = "connect-to", value_name = "HOST:PORT:ADDR:PORT")]
    connect_to: Vec<String>,
    /// Also trust the CA certificates of this PEM file.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Judge the header by hstspreload's removal rules instead of its preload rules.
    #[arg(long)]
    removable: bool,
    /// Print one JSON object (always JSON Lines with --list).
    #[arg(long)]
    json: bool,
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("hstsguard: {msg}");
    ExitCode::from(2)
}

fn seconds(name: &str, v: f64) -> Result<Duration, ExitCode> {
    if v.is_finite() && v > 0.0 && v <= 86_400.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(usage(format!(
            "{name}: expected seconds between 0 and 86400, got {v}"
        )))
    }
}

fn options(args: &ScanArgs) -> Result<Options, ExitCode> {
    let mut o = Options::default();
    o.connect_timeout = seconds("--connect-timeout", args.connect_timeout)?;
    o.domain_timeout = seconds("--timeout", args.timeout)?;
    o.removable = args.removable;
    for value in &args.connect_to {
        match value.parse::<ConnectTo>() {
            Ok(rule) => o.connect_to.push(rule),
            Err(e) => return Err(usage(e)),
        }
    }
    if let Some(path) = &args.ca_file {
        if let Err(e) = o.add_ca_file(path) {
            return Err(usage(e));
        }
    }
    Ok(o)
}

/// Runs `hstsguard scan`; exit 0 without errors, 1 with errors, 2 on a usage error.
pub fn main(args: ScanArgs) -> ExitCode {
    let options = match options(&args) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let scanner = match Scanner::new(options) {
        Ok(s) => Arc::new(s),
        Err(e) => return usage(e),
    };
    if args.concurrency == 0 {
        return usage("--concurrency: must be at least 1");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hstsguard: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match (&args.domain, &args.list) {
        (Some(domain), None) => {
            let report = runtime.block_on(scanner.scan(domain));
            if args.json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                print!("{}", human(&report, args.removable));
            }
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        (None, Some(path)) => fleet(&runtime, &scanner, path, args.concurrency),
        _ => usage("scan: give one DOMAIN or --list FILE"),
    }
}

fn fleet(
    rt: &tokio::runtime::Runtime,
    scanner: &Arc<Scanner>,
    path: &PathBuf,
    concurrency: usize,
) -> ExitCode {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        match File::open(path) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => return usage(format!("--list {}: {e}", path.display())),
        }
    };
    // The list is read as it goes. A line that is not UTF-8 is reported (with its number)
    // and skipped; a read error is reported and ends the list: nothing is dropped silently.
    let skipped = std::cell::Cell::new(0usize);
    let read_error = std::cell::Cell::new(false);
    let number = std::cell::Cell::new(0usize);
    let domains = reader
        .split(b'\n')
        .map_while(|line| match line {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                eprintln!(
                    "hstsguard scan: --list: read error after line {}: {e}; the rest of the list is not scanned",
                    number.get()
                );
                read_error.set(true);
                None
            }
        })
        .filter_map(|bytes| {
            number.set(number.get() + 1);
            let Ok(line) = String::from_utf8(bytes) else {
                eprintln!("hstsguard scan: --list line {}: not UTF-8, skipped", number.get());
                skipped.set(skipped.get() + 1);
                return None;
            };
            let line = line.split('#').next().unwrap_or("").trim();
            (!line.is_empty()).then(|| line.to_owned())
        });
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} scanned, {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let started = Instant::now();
    let mut stats = Summary::default();
    let stdout = std::io::stdout();
    rt.block_on(
        scanner.scan_fleet(domains, concurrency, |report: ScanReport| {
            let line = serde_json::to_string(&report).unwrap_or_default();
            let mut out = stdout.lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
            stats.add(&report);
            if let Some(bar) = &progress {
                bar.inc(1);
                bar.set_message(format!("{} with errors", stats.failed));
            }
        }),
    );
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "hstsguard scan: {} domains in {secs:.1} s ({:.1}/s): {} ok, {} with errors, {} preloadable",
        stats.total,
        stats.total as f64 / secs.max(1e-9),
        stats.total - stats.failed,
        stats.failed,
        stats.preloadable
    );
    if skipped.get() > 0 {
        eprintln!(
            "  {} line(s) of the list skipped (not UTF-8)",
            skipped.get()
        );
    }
    let mut top: Vec<_> = stats.codes.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (code, n) in top.iter().take(10) {
        eprintln!("  {n:>6}  {code}");
    }
    if stats.failed == 0 && skipped.get() == 0 && !read_error.get() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[derive(Default)]
struct Summary {
    total: usize,
    failed: usize,
    preloadable: usize,
    codes: std::collections::BTreeMap<String, usize>,
}

impl Summary {
    fn add(&mut self, r: &ScanReport) {
        self.total += 1;
        self.failed += usize::from(!r.ok);
        self.preloadable += usize::from(r.preloadable);
        let mut seen = std::collections::BTreeSet::new();
        for code in &r.errors {
            if seen.insert(code) {
                *self.codes.entry(code.clone()).or_default() += 1;
            }
        }
    }
}

/// The checks shown with ✓ when nothing is found, grouped as in the report.
const CHECKS: &[(&str, &[(&str, &str)])] = &[
    (
        "domain",
        &[
            ("domain.format", "a well-formed domain name"),
            ("domain.is_subdomain", "a registrable domain"),
        ],
    ),
    (
        "tls",
        &[
            ("domain.tls.cannot_connect", "HTTPS answers"),
            (
                "domain.tls.invalid_cert_chain",
                "the certificate chain verifies",
            ),
            (
                "scan.tls.expires_soon",
                "no certificate expires within 30 days",
            ),
        ],
    ),
    (
        "header",
        &[
            ("response.no_header", "an HSTS header is sent"),
            ("response.multiple_headers", "exactly one HSTS header"),
            ("header.", "the header meets the rules"),
            (
                "scan.hsts.over_http",
                "no HSTS over plain HTTP beyond the first response",
            ),
            (
                "scan.hsts.inconsistent",
                "the same header on every HTTPS hop, apex and www",
            ),
        ],
    ),
    (
        "redirects",
        &[
            (
                "redirects.http.",
                "http:// redirects to https:// on the same host first",
            ),
            ("redirects.insecure", "every redirect stays on https://"),
            ("redirects.too_many", "at most 3 redirects"),
            ("redirects.follow_error", "every redirect can be followed"),
        ],
    ),
    (
        "www",
        &[(
            "domain.www.no_tls",
            "www serves valid HTTPS (or does not exist)",
        )],
    ),
    (
        "cookies",
        &[
            (
                "scan.cookie.not_secure",
                "cookies set over HTTPS are Secure",
            ),
            ("cookie.", "cookie prefixes and SameSite are valid"),
        ],
    ),
    (
        "content",
        &[(
            "scan.mixed_content",
            "no http:// subresources on the landing page",
        )],
    ),
    (
        "legacy",
        &[
            ("hpkp.deprecated", "no Public-Key-Pins"),
            ("scan.legacy.expect_ct", "no Expect-CT"),
        ],
    ),
];

/// The human report: grouped by check, each line with its code and ✓ or ✗.
fn human(r: &ScanReport, removable: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "hstsguard scan {}", r.domain);
    let _ = writeln!(s, "  header: {}", r.header.as_deref().unwrap_or("(none)"));
    let network = !r.chains.https_apex.is_empty();
    for (group, checks) in CHECKS {
        let found: Vec<_> = r.issues.iter().filter(|i| i.check == *group).collect();
        if !network && *group != "domain" {
            continue;
        }
        let _ = writeln!(s, "{group}");
        for i in &found {
            let _ = writeln!(s, "  ✗ {} ({}): {}", i.code, i.severity, i.message);
        }
        for (code, what) in checks.iter() {
            let code = if removable && *code == "header." {
                "header.removable"
            } else {
                code
            };
            if !found.iter().any(|i| i.code.starts_with(code)) {
                let _ = writeln!(s, "  ✓ {code}: {what}");
            }
        }
    }
    if network {
        let _ = writeln!(s, "chains");
        for (name, hops) in [
            ("http_apex", &r.chains.http_apex),
            ("https_apex", &r.chains.https_apex),
            ("http_www", &r.chains.http_www),
            ("https_www", &r.chains.https_www),
        ] {
            if hops.is_empty() {
                continue;
            }
            let _ = writeln!(s, "  {name}:");
            for h in hops {
                let status = h.status.map_or("---".to_owned(), |c| c.to_string());
                let _ = write!(s, "    {status} {}", h.url);
                if let Some(l) = &h.location {
                    let _ = write!(s, " -> {l:?}");
                }
                if let Some(t) = &h.tls {
                    let verdict = if t.verified {
                        "verified".to_owned()
                    } else {
                        t.error.clone().unwrap_or_default()
                    };
                    let _ = write!(s, " [{} {}, {}]", t.version, t.cipher, verdict);
                }
                if let Some(e) = &h.error {
                    let _ = write!(s, " ({})", e.code);
                }
                let _ = writeln!(s);
            }
        }
    }
    let verdict = match r.removable {
        Some(true) => "removable",
        Some(false) => "not removable",
        None if r.preloadable => "preloadable",
        None => "not preloadable",
    };
    let _ = writeln!(
        s,
        "{} error(s), {} warning(s); {verdict}",
        r.errors.len(),
        r.warnings.len()
    );
    s
}
