//! # hstsguard-scan
//!
//! Audits a live HTTPS deployment as hstspreload.org does, and further: for one domain
//! or a fleet. For `DOMAIN` it follows four redirect chains (`http://DOMAIN/`,
//! `https://DOMAIN/`, `http://www.DOMAIN/`, `https://www.DOMAIN/`) over a real TLS stack
//! (rustls) and HTTP client (hyper), records every hop (status, `Location`, each
//! `Strict-Transport-Security` and `Set-Cookie` field, the TLS version, cipher and
//! certificate) and judges them with the core's rules:
//!
//! - hstspreload's checks with hstspreload's codes: `domain.*`, `domain.tls.*`,
//!   `domain.www.no_tls`, `response.*`, `header.*`, `redirects.*`;
//! - and what it lacks (`scan.*` codes, warnings): certificates about to expire, HSTS
//!   over plain HTTP, headers that differ between hops or between apex and www, cookies
//!   without `Secure` or breaking their prefix, leftover `Public-Key-Pins`/`Expect-CT`,
//!   and mixed content on the landing page.
//!
//! The network stays out of the core crate; this crate is the only one that opens
//! sockets. Everything is bounded: 10 hops per chain, loops detected, 64 KiB of response
//! head, 1 MB of landing page, 5 s per connect, 20 s per domain.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hstsguard_scan::ScanError> {
//! let scanner = hstsguard_scan::Scanner::new(hstsguard_scan::Options::default())?;
//! let report = scanner.scan("example.com").await;
//! println!("{}", serde_json::to_string(&report).unwrap());
//! # Ok(()) }
//! ```
//!
//! Input that needs no network is judged without it:
//!
//! ```
//! use hstsguard_scan::{scan_domain_blocking, Options};
//! let report = scan_domain_blocking(&Options::default(), "com").unwrap();
//! assert_eq!(report.errors, ["domain.format.public_suffix"]);
//! assert!(report.chains.https_apex.is_empty());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod chain;
mod checks;
mod fetch;
mod mixed;
mod options;
mod report;
mod tls;

use std::collections::HashMap;
use std::sync::Arc;

use hstsguard::{domain_check, Code};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

pub use options::{ConnectTo, Options, ScanError, SCAN_ERROR_CODES};
pub use report::{Chains, Finding, Hop, HopError, ScanReport, TlsInfo};

/// A configured scanner: the options and one TLS client configuration, shared by every
/// scan (cheap to share behind an `Arc`; `Send + Sync`).
#[derive(Debug, Clone)]
pub struct Scanner {
    options: Options,
    tls: tls::Tls,
}

impl Scanner {
    /// Builds a scanner; fails on unusable options (a bad extra CA, a zero timeout).
    ///
    /// ```
    /// let scanner = hstsguard_scan::Scanner::new(Default::default()).unwrap();
    /// assert_eq!(scanner.options().max_hops, 10);
    /// ```
    pub fn new(options: Options) -> Result<Scanner, ScanError> {
        options.validate()?;
        let tls = tls::Tls::new(&options)?;
        Ok(Scanner { options, tls })
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Scans one domain. Never fails: problems are findings of the report. Ends within
    /// the domain timeout (plus a moment to write the report).
    pub async fn scan(&self, domain: &str) -> ScanReport {
        let domain = domain.trim();
        let issues = domain_check(domain);
        let format_failed = issues.iter().any(|i| i.code() != Code::DomainIsSubdomain);
        let url = |scheme: &str, host: &str| Url::parse(&format!("{scheme}://{host}/")).ok();
        let apex = domain.to_ascii_lowercase();
        let (Some(http_apex), Some(https_apex), false) =
            (url("http", &apex), url("https", &apex), format_failed)
        else {
            let mut issues = issues;
            if issues.is_empty() {
                issues.push(hstsguard::Issue::error(
                    Code::DomainFormatInvalidCharacters,
                    format!("{domain:?} cannot form a URL."),
                ));
            }
            let findings = issues
                .iter()
                .map(|i| Finding::from_issue("domain", i))
                .collect();
            return ScanReport::finish(
                domain,
                findings,
                None,
                false,
                None,
                Vec::new(),
                Chains::default(),
            );
        };
        // hstspreload judges www only for a registrable domain.
        let check_www = issues.is_empty();
        let www = format!("www.{apex}");
        let deadline = Instant::now() + self.options.domain_timeout;
        let www_chain = |scheme: &'static str| {
            let start = url(scheme, &www);
            async move {
                match start {
                    Some(u) if check_www => Some(self.follow(u, false, deadline).await),
                    _ => None,
                }
            }
        };
        let (a, b, c, d) = tokio::join!(
            self.follow(http_apex, false, deadline),
            self.follow(https_apex, true, deadline),
            www_chain("http"),
            www_chain("https"),
        );
        checks::evaluate(
            &self.options,
            domain,
            &issues,
            checks::Observed {
                http_apex: a,
                https_apex: b,
                http_www: c,
                https_www: d,
            },
        )
    }

    /// [`Scanner::scan`] on a private single-threaded runtime, for callers without one
    /// (bindings release their interpreter lock around this call).
    pub fn scan_blocking(&self, domain: &str) -> Result<ScanReport, ScanError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ScanError::Runtime)?;
        Ok(rt.block_on(self.scan(domain)))
    }

    /// Scans a fleet with at most `concurrency` domains in flight, calling `on_report`
    /// for each result in completion order. `domains` is pulled lazily, so a list of any
    /// length uses memory for `concurrency` scans only. A slow domain holds one slot for
    /// at most the domain timeout.
    pub async fn scan_fleet<I, F>(
        self: &Arc<Self>,
        domains: I,
        concurrency: usize,
        mut on_report: F,
    ) where
        I: IntoIterator<Item = String>,
        F: FnMut(ScanReport),
    {
        let concurrency = concurrency.max(1);
        let budget = self.options.domain_timeout + std::time::Duration::from_secs(2);
        let mut set = JoinSet::new();
        let mut names = HashMap::new();
        let mut domains = domains.into_iter();
        loop {
            while set.len() < concurrency {
                let Some(domain) = domains.next() else { break };
                let scanner = Arc::clone(self);
                let name = domain.clone();
                let handle = set.spawn(async move {
                    match tokio::time::timeout(budget, scanner.scan(&name)).await {
                        Ok(report) => report,
                        Err(_) => {
                            failed(&name, Code::ScanTimeout, "the domain's time budget ran out")
                        }
                    }
                });
                names.insert(handle.id(), domain);
            }
            let Some(done) = set.join_next_with_id().await else {
                break;
            };
            match done {
                Ok((id, report)) => {
                    names.remove(&id);
                    on_report(report);
                }
                Err(e) => {
                    let name = names.remove(&e.id()).unwrap_or_default();
                    on_report(failed(
                        &name,
                        Code::ScanInternal,
                        &format!("the scan failed: {e}"),
                    ));
                }
            }
        }
    }
}

fn failed(domain: &str, code: Code, message: &str) -> ScanReport {
    let finding = Finding::new(
        "domain",
        code,
        hstsguard::Severity::Error,
        message.to_owned(),
    );
    ScanReport::finish(
        domain,
        vec![finding],
        None,
        false,
        None,
        Vec::new(),
        Chains::default(),
    )
}

/// Scans one domain with these options (builds a [`Scanner`] for the call; keep a
/// `Scanner` to scan several).
pub async fn scan_domain(options: &Options, domain: &str) -> Result<ScanReport, ScanError> {
    Ok(Scanner::new(options.clone())?.scan(domain).await)
}

/// The blocking form of [`scan_domain`], on a private single-threaded runtime.
pub fn scan_domain_blocking(options: &Options, domain: &str) -> Result<ScanReport, ScanError> {
    Scanner::new(options.clone())?.scan_blocking(domain)
}
