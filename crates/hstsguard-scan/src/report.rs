//! The scan report: plain serde data, the same shape in the CLI's JSON and every binding.

use hstsguard::{Code, Issue, Severity};
use serde::{Deserialize, Serialize};

/// What was learnt about the TLS connection of one hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TlsInfo {
    /// Protocol version, e.g. `"TLSv1.3"`.
    pub version: String,
    /// Negotiated cipher suite, e.g. `"TLS13_AES_256_GCM_SHA384"`.
    pub cipher: String,
    /// The leaf certificate's subject (RFC 4514 form).
    pub subject: String,
    /// The leaf certificate's issuer (RFC 4514 form).
    pub issuer: String,
    /// The leaf certificate's subject alternative names (DNS names and IP addresses).
    pub sans: Vec<String>,
    /// The leaf certificate's notAfter, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after: Option<String>,
    /// True when the chain verified for the host name against the trusted roots.
    pub verified: bool,
    /// Why verification failed: `"expired"`, `"not_yet_valid"`, `"self_signed"`,
    /// `"wrong_name"`, `"unknown_ca"`, `"bad_signature"` or `"invalid"`.
    pub error: Option<String>,
}

/// Why a hop failed or could not be followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopError {
    /// A stable code such as `"scan.connect.failed"` or `"scan.location.invalid"`.
    pub code: String,
    /// A human message (not API).
    pub message: String,
}

/// One request of a redirect chain and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// The response status, when a response came.
    pub status: Option<u16>,
    /// The raw `Location` value, when present.
    pub location: Option<String>,
    /// Every `Strict-Transport-Security` field, in order.
    pub sts: Vec<String>,
    /// Every `Set-Cookie` field, in order.
    pub set_cookie: Vec<String>,
    /// Every `Public-Key-Pins` / `Public-Key-Pins-Report-Only` field (deprecated).
    pub public_key_pins: Vec<String>,
    /// Every `Expect-CT` field (obsolete).
    pub expect_ct: Vec<String>,
    /// The TLS connection, for `https` URLs that completed a handshake.
    pub tls: Option<TlsInfo>,
    /// Why this hop failed, or why its redirect was not followed.
    pub error: Option<HopError>,
}

impl Hop {
    pub(crate) fn new(url: &str) -> Hop {
        Hop {
            url: url.to_owned(),
            status: None,
            location: None,
            sts: Vec::new(),
            set_cookie: Vec::new(),
            public_key_pins: Vec::new(),
            expect_ct: Vec::new(),
            tls: None,
            error: None,
        }
    }

    /// True for a hop over `https`.
    pub fn is_https(&self) -> bool {
        self.url.starts_with("https://")
    }
}

/// The four chains a scan follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Chains {
    /// From `http://domain/`.
    pub http_apex: Vec<Hop>,
    /// From `https://domain/`.
    pub https_apex: Vec<Hop>,
    /// From `http://www.domain/` (empty when www is not checked).
    pub http_www: Vec<Hop>,
    /// From `https://www.domain/` (empty when www is not checked).
    pub https_www: Vec<Hop>,
}

/// One finding, with the check group it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable code (see `docs/CODES.md`).
    pub code: String,
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// The check group: `domain`, `tls`, `header`, `redirects`, `www`, `cookies`,
    /// `content` or `legacy`.
    pub check: String,
    /// A human message (not API).
    pub message: String,
}

impl Finding {
    pub(crate) fn from_issue(check: &str, issue: &Issue) -> Finding {
        Finding {
            code: issue.code().as_str().to_owned(),
            severity: issue.severity().as_str().to_owned(),
            check: check.to_owned(),
            message: issue.message().to_owned(),
        }
    }

    pub(crate) fn new(check: &str, code: Code, severity: Severity, message: String) -> Finding {
        Finding {
            code: code.as_str().to_owned(),
            severity: severity.as_str().to_owned(),
            check: check.to_owned(),
            message,
        }
    }

    /// True for an error.
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// The result of scanning one domain.
///
/// Serialised with serde, this is the JSON object of `hstsguard scan --json` (one line per
/// domain in fleet mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// The domain as given.
    pub domain: String,
    /// True when there is no error.
    pub ok: bool,
    /// True when the preload requirements are all met.
    pub preloadable: bool,
    /// With the removal rules (`removable` option): true when they are met.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub removable: Option<bool>,
    /// The codes of the errors, in report order (may repeat when several hops fail alike).
    pub errors: Vec<String>,
    /// The codes of the warnings, in report order.
    pub warnings: Vec<String>,
    /// The apex's single HSTS header over HTTPS, if exactly one was sent.
    pub header: Option<String>,
    /// Every finding with its message and check group.
    pub issues: Vec<Finding>,
    /// `http://` subresources found on the HTTPS landing page (at most 20).
    pub mixed_content: Vec<String>,
    /// The redirect chains, hop by hop.
    pub chains: Chains,
}

impl ScanReport {
    pub(crate) fn finish(
        domain: &str,
        issues: Vec<Finding>,
        header: Option<String>,
        preloadable: bool,
        removable: Option<bool>,
        mixed_content: Vec<String>,
        chains: Chains,
    ) -> ScanReport {
        let errors: Vec<String> = issues
            .iter()
            .filter(|i| i.is_error())
            .map(|i| i.code.clone())
            .collect();
        let warnings = issues
            .iter()
            .filter(|i| !i.is_error())
            .map(|i| i.code.clone())
            .collect();
        ScanReport {
            domain: domain.to_owned(),
            ok: errors.is_empty(),
            preloadable,
            removable,
            errors,
            warnings,
            header,
            issues,
            mixed_content,
            chains,
        }
    }

    /// True when `code` is among the errors or warnings.
    ///
    /// ```
    /// let options = hstsguard_scan::Options::default();
    /// let report = hstsguard_scan::scan_domain_blocking(&options, "bad..domain").unwrap();
    /// assert!(report.has("domain.format.contains_double_dot"));
    /// assert!(!report.ok);
    /// ```
    pub fn has(&self, code: &str) -> bool {
        self.issues.iter().any(|i| i.code == code)
    }

    /// The report as a `serde_json::Value`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
