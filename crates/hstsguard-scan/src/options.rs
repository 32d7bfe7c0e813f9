//! Scanner options, `--connect-to` rules and the typed errors of option handling.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// An option the scanner cannot use. Every variant has a stable [`ScanError::code`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// A `--connect-to` value is not `HOST:PORT:ADDR:PORT`.
    #[error("invalid --connect-to value {value:?}: {reason}")]
    ConnectTo {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A CA file cannot be read or holds no usable certificate.
    #[error("cannot use CA file {path:?}: {reason}")]
    CaFile {
        /// The path as given.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The TLS client could not be configured (e.g. an extra CA certificate is unusable).
    #[error("cannot configure TLS: {reason}")]
    Tls {
        /// What went wrong.
        reason: String,
    },
    /// A numeric option is out of range.
    #[error("invalid option {name}: {reason}")]
    Option {
        /// The option's name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The async runtime of a blocking call could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl ScanError {
    /// The stable code, e.g. `"scan.option.connect_to"`.
    ///
    /// ```
    /// let err = "nonsense".parse::<hstsguard_scan::ConnectTo>().unwrap_err();
    /// assert_eq!(err.code(), "scan.option.connect_to");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::ConnectTo { .. } => "scan.option.connect_to",
            ScanError::CaFile { .. } => "scan.option.ca_file",
            ScanError::Tls { .. } => "scan.option.tls",
            ScanError::Option { .. } => "scan.option.invalid",
            ScanError::Runtime(_) => "scan.runtime",
        }
    }
}

/// Every code [`ScanError::code`] can return.
pub const SCAN_ERROR_CODES: &[&str] = &[
    "scan.option.connect_to",
    "scan.option.ca_file",
    "scan.option.tls",
    "scan.option.invalid",
    "scan.runtime",
];

/// One `--connect-to` rule with curl's syntax and meaning: `HOST:PORT:ADDR:PORT`.
///
/// Requests for `HOST:PORT` connect to `ADDR:PORT` instead; the URL, the `Host` header
/// and the TLS server name stay those of the request. An empty `HOST` or first `PORT`
/// matches any; an empty `ADDR` or second `PORT` keeps the request's. IPv6 addresses go
/// in brackets.
///
/// ```
/// use hstsguard_scan::ConnectTo;
/// let rule: ConnectTo = "example.com:443:127.0.0.1:8443".parse().unwrap();
/// assert_eq!(rule.apply("example.com", 443), Some(("127.0.0.1".to_owned(), 8443)));
/// assert_eq!(rule.apply("example.com", 80), None);
/// let any: ConnectTo = "::[::1]:".parse().unwrap();
/// assert_eq!(any.apply("www.example.org", 80), Some(("::1".to_owned(), 80)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    host: Option<String>,
    port: Option<u16>,
    to_host: Option<String>,
    to_port: Option<u16>,
    text: String,
}

impl ConnectTo {
    /// The address to connect to for a request to `host:port`, if this rule matches.
    pub fn apply(&self, host: &str, port: u16) -> Option<(String, u16)> {
        if let Some(h) = &self.host {
            if !h.eq_ignore_ascii_case(host) {
                return None;
            }
        }
        if self.port.is_some_and(|p| p != port) {
            return None;
        }
        Some((
            self.to_host.clone().unwrap_or_else(|| host.to_owned()),
            self.to_port.unwrap_or(port),
        ))
    }
}

impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Splits `s` on `:` outside brackets.
fn split_fields(s: &str) -> Option<Vec<&str>> {
    let mut fields = Vec::new();
    let mut depth = 0u8;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' if depth == 0 => depth = 1,
            ']' if depth == 1 => depth = 0,
            '[' | ']' => return None,
            ':' if depth == 0 => {
                fields.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return None;
    }
    fields.push(&s[start..]);
    Some(fields)
}

fn host_field(f: &str) -> Result<Option<String>, &'static str> {
    if f.is_empty() {
        return Ok(None);
    }
    if let Some(inner) = f.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or("unbalanced brackets")?;
        inner
            .parse::<std::net::Ipv6Addr>()
            .map_err(|_| "bracketed host is not an IPv6 address")?;
        return Ok(Some(inner.to_owned()));
    }
    if f.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
    {
        Ok(Some(f.to_ascii_lowercase()))
    } else {
        Err("a host has characters other than letters, digits, '-', '.', '_'")
    }
}

fn port_field(f: &str) -> Result<Option<u16>, &'static str> {
    if f.is_empty() {
        return Ok(None);
    }
    match f.parse::<u16>() {
        Ok(0) | Err(_) => Err("a port is not a number from 1 to 65535"),
        Ok(p) => Ok(Some(p)),
    }
}

impl FromStr for ConnectTo {
    type Err = ScanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason| ScanError::ConnectTo {
            value: s.to_owned(),
            reason,
        };
        let fields = split_fields(s).ok_or_else(|| bad("unbalanced brackets"))?;
        let [host, port, to_host, to_port] = fields[..] else {
            return Err(bad("expected HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT"));
        };
        Ok(ConnectTo {
            host: host_field(host).map_err(bad)?,
            port: port_field(port).map_err(bad)?,
            to_host: host_field(to_host).map_err(bad)?,
            to_port: port_field(to_port).map_err(bad)?,
            text: s.to_owned(),
        })
    }
}

/// How a scan runs. Build with [`Options::default`] and adjust the fields.
///
/// ```
/// use std::time::Duration;
/// let mut options = hstsguard_scan::Options::default();
/// options.connect_timeout = Duration::from_secs(2);
/// options.connect_to.push("::127.0.0.1:".parse().unwrap());
/// assert_eq!(options.max_hops, 10);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// Time allowed for each TCP connect plus TLS handshake (default 5 s).
    pub connect_timeout: Duration,
    /// Time allowed for a whole domain, all four chains (default 20 s).
    pub domain_timeout: Duration,
    /// `--connect-to` rules; the first that matches applies.
    pub connect_to: Vec<ConnectTo>,
    /// Check the header with hstspreload's removal rules instead of its preload rules.
    pub removable: bool,
    /// Most requests followed per chain (default 10).
    pub max_hops: usize,
    /// Largest response head read (default 64 KiB).
    pub max_header_bytes: usize,
    /// Most bytes of the landing page read for the mixed-content check (default 1 MB).
    pub max_body_bytes: usize,
    /// A certificate expiring within this time is reported (default 30 days).
    pub expiry_warning: Duration,
    /// The `User-Agent` sent.
    pub user_agent: String,
    extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(5),
            domain_timeout: Duration::from_secs(20),
            connect_to: Vec::new(),
            removable: false,
            max_hops: 10,
            max_header_bytes: 64 * 1024,
            max_body_bytes: 1_000_000,
            expiry_warning: Duration::from_secs(30 * 86_400),
            user_agent: format!("hstsguard-scan/{}", env!("CARGO_PKG_VERSION")),
            extra_roots: Vec::new(),
        }
    }
}

impl Options {
    /// Trusts the CA certificates of a PEM file in addition to the built-in roots.
    /// Returns how many certificates were added.
    pub fn add_ca_file(&mut self, path: impl AsRef<Path>) -> Result<usize, ScanError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| ScanError::CaFile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        self.add_ca_pem(&bytes).map_err(|e| match e {
            ScanError::CaFile { reason, .. } => ScanError::CaFile {
                path: path.display().to_string(),
                reason,
            },
            other => other,
        })
    }

    /// Trusts the CA certificates of PEM text in addition to the built-in roots.
    /// Returns how many certificates were added.
    ///
    /// ```
    /// let mut options = hstsguard_scan::Options::default();
    /// let err = options.add_ca_pem(b"not pem").unwrap_err();
    /// assert_eq!(err.code(), "scan.option.ca_file");
    /// ```
    pub fn add_ca_pem(&mut self, pem: &[u8]) -> Result<usize, ScanError> {
        let bad = |reason: String| ScanError::CaFile {
            path: "<pem>".into(),
            reason,
        };
        let mut n = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| bad(format!("bad PEM: {e}")))?;
            self.extra_roots.push(cert);
            n += 1;
        }
        if n == 0 {
            return Err(bad("no CERTIFICATE block found".into()));
        }
        Ok(n)
    }

    pub(crate) fn extra_roots(&self) -> &[CertificateDer<'static>] {
        &self.extra_roots
    }

    /// The connect-to address for `host:port`, or `host:port` itself.
    pub(crate) fn route(&self, host: &str, port: u16) -> (String, u16) {
        self.connect_to
            .iter()
            .find_map(|r| r.apply(host, port))
            .unwrap_or_else(|| (host.to_owned(), port))
    }

    pub(crate) fn validate(&self) -> Result<(), ScanError> {
        if self.max_hops == 0 {
            return Err(ScanError::Option {
                name: "max_hops",
                reason: "must be at least 1",
            });
        }
        if self.connect_timeout.is_zero() || self.domain_timeout.is_zero() {
            return Err(ScanError::Option {
                name: "timeout",
                reason: "must be more than 0",
            });
        }
        if self.max_header_bytes < 8192 {
            return Err(ScanError::Option {
                name: "max_header_bytes",
                reason: "must be at least 8192",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_syntax() {
        for bad in [
            "",
            "a:1:b",
            "a:1:b:2:3",
            "a:x:b:2",
            "a:1:b:70000",
            "[::1:1:b:2",
            "a b:1::",
        ] {
            let e = bad.parse::<ConnectTo>().unwrap_err();
            assert_eq!(e.code(), "scan.option.connect_to", "{bad}");
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
        let r: ConnectTo = "Example.COM::[::1]:8443".parse().unwrap();
        assert_eq!(r.apply("example.com", 80), Some(("::1".into(), 8443)));
        assert_eq!(r.apply("other.com", 80), None);
        let keep: ConnectTo = ":443::".parse().unwrap();
        assert_eq!(keep.apply("x.test", 443), Some(("x.test".into(), 443)));
    }
}
