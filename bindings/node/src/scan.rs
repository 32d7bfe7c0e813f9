//! `scan(domain, options)`: the live audit of one domain (crate `hstsguard-scan`),
//! resolving to the same object `hstsguard scan --json` prints.
//!
//! The scan runs on the libuv thread pool (an `AsyncTask`) with the scan crate's
//! blocking entry point, which drives a private single-threaded tokio runtime for the
//! call; the JavaScript thread never waits. The report objects mirror the scan crate's
//! serde types field for field (snake_case keys, `null` where the JSON has `null`,
//! `removable` present only with the `removable` option); the conversions destructure
//! every field, so a field added to the scan crate fails this crate's build until it is
//! added here too.

use napi::bindgen_prelude::{AsyncTask, Either, Null};
use napi::{Env, JsError, Task};
use napi_derive::napi;

use hstsguard_scan as scan;

/// Options of `scan`; every field is optional.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// `HOST:PORT:ADDR:PORT` rules with curl's `--connect-to` syntax and meaning (an
    /// empty HOST matches every host); the first that matches applies.
    pub connect_to: Option<Either<String, Vec<String>>>,
    /// A PEM file of CA certificates to trust in addition to the built-in roots.
    pub ca_file: Option<String>,
    /// Seconds allowed for each TCP connect plus TLS handshake (default 5).
    pub connect_timeout: Option<f64>,
    /// Seconds allowed for the whole domain, all four chains (default 20).
    pub timeout: Option<f64>,
    /// Judge the header with hstspreload's removal rules instead of its preload rules.
    pub removable: Option<bool>,
}

/// What was learnt about the TLS connection of one hop.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ScanTls {
    /// Protocol version, e.g. `"TLSv1.3"`.
    pub version: String,
    /// Negotiated cipher suite, e.g. `"TLS13_AES_256_GCM_SHA384"`.
    pub cipher: String,
    /// The leaf certificate's subject (RFC 4514 form).
    pub subject: String,
    /// The leaf certificate's issuer (RFC 4514 form).
    pub issuer: String,
    /// The leaf certificate's subject alternative names.
    pub sans: Vec<String>,
    /// The leaf certificate's notAfter, `YYYY-MM-DDTHH:MM:SSZ`.
    #[napi(js_name = "not_after", ts_type = "string | null")]
    pub not_after: Either<String, Null>,
    /// True when the chain verified for the host name against the trusted roots.
    pub verified: bool,
    /// Why verification failed: `"expired"`, `"not_yet_valid"`, `"self_signed"`,
    /// `"wrong_name"`, `"unknown_ca"`, `"bad_signature"` or `"invalid"`.
    #[napi(ts_type = "string | null")]
    pub error: Either<String, Null>,
}

/// Why a hop failed or could not be followed.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ScanHopError {
    /// A stable code such as `"scan.connect.failed"` or `"scan.location.invalid"`.
    pub code: String,
    /// A human message (not API).
    pub message: String,
}

/// One request of a redirect chain and what came back.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ScanHop {
    /// The URL requested.
    pub url: String,
    /// The response status, when a response came.
    #[napi(ts_type = "number | null")]
    pub status: Either<u32, Null>,
    /// The raw `Location` value, when present.
    #[napi(ts_type = "string | null")]
    pub location: Either<String, Null>,
    /// Every `Strict-Transport-Security` field, in order.
    pub sts: Vec<String>,
    /// Every `Set-Cookie` field, in order.
    #[napi(js_name = "set_cookie")]
    pub set_cookie: Vec<String>,
    /// Every `Public-Key-Pins` / `Public-Key-Pins-Report-Only` field (deprecated).
    #[napi(js_name = "public_key_pins")]
    pub public_key_pins: Vec<String>,
    /// Every `Expect-CT` field (obsolete).
    #[napi(js_name = "expect_ct")]
    pub expect_ct: Vec<String>,
    /// The TLS connection, for `https` URLs that completed a handshake.
    #[napi(ts_type = "ScanTls | null")]
    pub tls: Either<ScanTls, Null>,
    /// Why this hop failed, or why its redirect was not followed.
    #[napi(ts_type = "ScanHopError | null")]
    pub error: Either<ScanHopError, Null>,
}

/// The four chains a scan follows.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ScanChains {
    /// From `http://domain/`.
    #[napi(js_name = "http_apex")]
    pub http_apex: Vec<ScanHop>,
    /// From `https://domain/`.
    #[napi(js_name = "https_apex")]
    pub https_apex: Vec<ScanHop>,
    /// From `http://www.domain/` (empty when www is not checked).
    #[napi(js_name = "http_www")]
    pub http_www: Vec<ScanHop>,
    /// From `https://www.domain/` (empty when www is not checked).
    #[napi(js_name = "https_www")]
    pub https_www: Vec<ScanHop>,
}

/// One finding of a scan, with its check group.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ScanFinding {
    /// The stable code (docs/CODES.md).
    pub code: String,
    /// `"error"` or `"warning"`.
    #[napi(ts_type = "'error' | 'warning'")]
    pub severity: String,
    /// The check group: `domain`, `tls`, `header`, `redirects`, `www`, `cookies`,
    /// `content` or `legacy`.
    pub check: String,
    /// A human message (not API).
    pub message: String,
}

/// The result of scanning one domain: the object `hstsguard scan --json` prints.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct ScanReport {
    /// The domain as given.
    pub domain: String,
    /// True when there is no error.
    pub ok: bool,
    /// True when the preload requirements are all met.
    pub preloadable: bool,
    /// With the `removable` option only: true when the removal rules are met.
    pub removable: Option<bool>,
    /// The codes of the errors, in report order.
    pub errors: Vec<String>,
    /// The codes of the warnings, in report order.
    pub warnings: Vec<String>,
    /// The apex's single HSTS header over HTTPS, if exactly one was sent.
    #[napi(ts_type = "string | null")]
    pub header: Either<String, Null>,
    /// Every finding with its message and check group.
    pub issues: Vec<ScanFinding>,
    /// `http://` subresources found on the HTTPS landing page (at most 20).
    #[napi(js_name = "mixed_content")]
    pub mixed_content: Vec<String>,
    /// The redirect chains, hop by hop.
    pub chains: ScanChains,
}

fn nullable<T>(v: Option<T>) -> Either<T, Null> {
    v.map_or(Either::B(Null), Either::A)
}

impl From<scan::TlsInfo> for ScanTls {
    fn from(t: scan::TlsInfo) -> Self {
        let scan::TlsInfo {
            version,
            cipher,
            subject,
            issuer,
            sans,
            not_after,
            verified,
            error,
        } = t;
        ScanTls {
            version,
            cipher,
            subject,
            issuer,
            sans,
            not_after: nullable(not_after),
            verified,
            error: nullable(error),
        }
    }
}

impl From<scan::Hop> for ScanHop {
    fn from(h: scan::Hop) -> Self {
        let scan::Hop {
            url,
            status,
            location,
            sts,
            set_cookie,
            public_key_pins,
            expect_ct,
            tls,
            error,
        } = h;
        ScanHop {
            url,
            status: nullable(status.map(u32::from)),
            location: nullable(location),
            sts,
            set_cookie,
            public_key_pins,
            expect_ct,
            tls: nullable(tls.map(ScanTls::from)),
            error: nullable(
                error.map(|scan::HopError { code, message }| ScanHopError { code, message }),
            ),
        }
    }
}

fn hops(list: Vec<scan::Hop>) -> Vec<ScanHop> {
    list.into_iter().map(ScanHop::from).collect()
}

impl From<scan::ScanReport> for ScanReport {
    fn from(r: scan::ScanReport) -> Self {
        let scan::ScanReport {
            domain,
            ok,
            preloadable,
            removable,
            errors,
            warnings,
            header,
            issues,
            mixed_content,
            chains,
        } = r;
        let scan::Chains {
            http_apex,
            https_apex,
            http_www,
            https_www,
        } = chains;
        ScanReport {
            domain,
            ok,
            preloadable,
            removable,
            errors,
            warnings,
            header: nullable(header),
            issues: issues
                .into_iter()
                .map(
                    |scan::Finding {
                         code,
                         severity,
                         check,
                         message,
                     }| ScanFinding {
                        code,
                        severity,
                        check,
                        message,
                    },
                )
                .collect(),
            mixed_content,
            chains: ScanChains {
                http_apex: hops(http_apex),
                https_apex: hops(https_apex),
                http_www: hops(http_www),
                https_www: hops(https_www),
            },
        }
    }
}

/// Seconds from a JavaScript number, as the CLI takes them (more than 0, at most a day).
fn timeout(
    name: &'static str,
    v: Option<f64>,
) -> Result<Option<std::time::Duration>, scan::ScanError> {
    match v {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => {
            Ok(Some(std::time::Duration::from_secs_f64(s)))
        }
        Some(_) => Err(scan::ScanError::Option {
            name,
            reason: "expected seconds between 0 and 86400",
        }),
    }
}

fn options(o: &ScanOptions) -> Result<scan::Options, scan::ScanError> {
    let mut out = scan::Options::default();
    if let Some(t) = timeout("connectTimeout", o.connect_timeout)? {
        out.connect_timeout = t;
    }
    if let Some(t) = timeout("timeout", o.timeout)? {
        out.domain_timeout = t;
    }
    out.removable = o.removable.unwrap_or(false);
    let rules: Vec<&String> = match &o.connect_to {
        None => Vec::new(),
        Some(Either::A(one)) => vec![one],
        Some(Either::B(list)) => list.iter().collect(),
    };
    for rule in rules {
        out.connect_to.push(rule.parse()?);
    }
    if let Some(path) = &o.ca_file {
        out.add_ca_file(path)?;
    }
    Ok(out)
}

/// The scan of one domain, run on the libuv thread pool.
pub struct ScanTask {
    domain: String,
    options: ScanOptions,
}

impl Task for ScanTask {
    type Output = Result<scan::ScanReport, scan::ScanError>;
    type JsValue = ScanReport;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // A panic in the scanner must not unwind into libuv: it becomes a rejection.
        let domain = &self.domain;
        let opts = &self.options;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let o = options(opts)?;
            scan::scan_domain_blocking(&o, domain)
        }))
        .map_err(|_| napi::Error::from_reason("the scan panicked (a bug in hstsguard-scan)"))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<ScanReport> {
        match output {
            Ok(report) => Ok(ScanReport::from(report)),
            Err(e) => {
                let js = JsError::from(napi::Error::new(e.code(), e.to_string())).into_unknown(env);
                Err(napi::Error::from(js))
            }
        }
    }
}

/// Scans a live deployment as `hstsguard scan DOMAIN --json` does: the four redirect
/// chains (`http://` and `https://`, apex and `www`), hstspreload's checks and codes, and
/// hstsguard's own warnings. Resolves to the same object the CLI prints; the scan runs
/// on the libuv thread pool and ends within `timeout` seconds (default 20). Problems of
/// the site are findings of the report, never rejections. Rejects with an `Error` whose
/// `code` is `scan.option.connect_to`, `scan.option.ca_file`, `scan.option.tls`,
/// `scan.option.invalid` or `scan.runtime` for options that cannot be used.
///
/// ```js
/// const report = await scan('example.com', { connectTo: ['::127.0.0.1:8443'], caFile: 'ca.pem' })
/// report.ok, report.errors, report.chains.https_apex[0].tls.version
/// ```
#[napi(catch_unwind, ts_return_type = "Promise<ScanReport>")]
pub fn scan(domain: String, options: Option<ScanOptions>) -> AsyncTask<ScanTask> {
    AsyncTask::new(ScanTask {
        domain,
        options: options.unwrap_or_default(),
    })
}
