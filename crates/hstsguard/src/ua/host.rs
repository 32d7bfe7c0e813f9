//! Host normalisation for the user-agent side, applied before every store or preload
//! operation: lower-case, IDNA (UTS #46) to A-labels, one trailing dot stripped; IP
//! literals recognised (they never match, RFC 6797 §8.1.1).

use std::borrow::Cow;
use std::net::{IpAddr, Ipv6Addr};

use idna::uts46::AsciiDenyList;

use crate::issue::{quote, Code};
use crate::Error;

/// The longest host name, in octets (RFC 1035, without the root dot).
const MAX_NAME: usize = 253;
/// The longest label, in octets.
const MAX_LABEL: usize = 63;
/// Inputs longer than this are refused before any IDNA work.
const MAX_INPUT: usize = 1024;

/// A host after normalisation: a domain name in canonical form, or an IP literal.
///
/// ```
/// use hstsguard::ua::{normalize_host, NormalizedHost};
///
/// assert_eq!(normalize_host("WWW.Example.COM.").unwrap(), NormalizedHost::Name("www.example.com".into()));
/// assert_eq!(normalize_host("Bücher.example").unwrap(), NormalizedHost::Name("xn--bcher-kva.example".into()));
/// assert!(normalize_host("[::1]").unwrap().is_ip_literal());
/// assert!(normalize_host("192.0.2.1").unwrap().is_ip_literal());
/// assert_eq!(normalize_host("a b.example").unwrap_err().code(), "ua.host.invalid");
/// assert_eq!(normalize_host(&"a.".repeat(130)).unwrap_err().code(), "ua.host.too_long");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NormalizedHost {
    /// A domain name: lower-case ASCII (A-labels), no trailing dot, labels of letters,
    /// digits, `-` and `_`.
    Name(String),
    /// An IP address (or a name whose last label is numeric, which URL parsers read as
    /// an IPv4 address); never an HSTS host.
    IpLiteral(String),
}

impl NormalizedHost {
    /// True for [`NormalizedHost::IpLiteral`].
    pub fn is_ip_literal(&self) -> bool {
        matches!(self, NormalizedHost::IpLiteral(_))
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        match self {
            NormalizedHost::Name(s) | NormalizedHost::IpLiteral(s) => s,
        }
    }
}

/// Normalises a host for HSTS matching. Errors: [`Code::UaHostInvalid`] and
/// [`Code::UaHostTooLong`] (as [`Error::InvalidHost`]).
pub fn normalize_host(host: &str) -> Result<NormalizedHost, Error> {
    Ok(match normalize(host)? {
        Norm::Name(n) => NormalizedHost::Name(n.into_owned()),
        Norm::Ip => NormalizedHost::IpLiteral(ip_text(host)),
    })
}

/// Checks that a host given as bytes (from C, or a file) is UTF-8:
/// [`Code::UaHostNotUtf8`] otherwise.
///
/// ```
/// assert_eq!(hstsguard::ua::host_from_bytes(b"example.com").unwrap(), "example.com");
/// assert_eq!(hstsguard::ua::host_from_bytes(b"ex\xffample.com").unwrap_err().code(), "ua.host.not_utf8");
/// ```
pub fn host_from_bytes(host: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(host).map_err(|_| Error::InvalidHost {
        value: quote(&String::from_utf8_lossy(host)),
        code: Code::UaHostNotUtf8,
        reason: "it is not valid UTF-8",
    })
}

/// A normalised host, borrowing the input when it is already canonical.
pub(crate) enum Norm<'a> {
    Name(Cow<'a, str>),
    Ip,
}

/// The canonical text of a host that [`normalize`] classified as an IP literal.
fn ip_text(raw: &str) -> String {
    let trimmed = raw.strip_suffix('.').unwrap_or(raw);
    let inner = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
    if let Some(Ok(addr)) = inner.map(str::parse::<Ipv6Addr>) {
        return format!("[{addr}]");
    }
    match trimmed.parse::<IpAddr>() {
        Ok(IpAddr::V6(a)) => format!("[{a}]"),
        Ok(IpAddr::V4(a)) => a.to_string(),
        Err(_) => match url::Host::parse(&trimmed.to_ascii_lowercase()) {
            Ok(url::Host::Ipv4(a)) => a.to_string(),
            _ => trimmed.to_ascii_lowercase(),
        },
    }
}

fn invalid(raw: &str, reason: &'static str) -> Error {
    Error::InvalidHost {
        value: quote(raw),
        code: Code::UaHostInvalid,
        reason,
    }
}

fn too_long(raw: &str) -> Error {
    Error::InvalidHost {
        value: quote(raw),
        code: Code::UaHostTooLong,
        reason: "it is longer than 253 octets",
    }
}

/// The normaliser. Borrows (no allocation) when `raw` is lower-case ASCII in canonical
/// form, with or without one trailing dot.
pub(crate) fn normalize(raw: &str) -> Result<Norm<'_>, Error> {
    if raw.is_empty() {
        return Err(invalid(raw, "it is empty"));
    }
    if raw.len() > MAX_INPUT {
        return Err(too_long(raw));
    }
    let bytes = raw.as_bytes();
    // Fast path: already canonical lower-case ASCII.
    if bytes
        .iter()
        .all(|&b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.'))
    {
        let name = raw.strip_suffix('.').unwrap_or(raw);
        check_name(raw, name)?;
        return Ok(classify(name));
    }
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return match inner.parse::<Ipv6Addr>() {
            Ok(_) => Ok(Norm::Ip),
            Err(_) => Err(invalid(raw, "it is not a valid IPv6 literal")),
        };
    }
    if raw.parse::<IpAddr>().is_ok() {
        return Ok(Norm::Ip);
    }
    let mut name: String = if raw.is_ascii() {
        raw.to_ascii_lowercase()
    } else {
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid(
                raw,
                "it contains whitespace or a control character",
            ));
        }
        match idna::domain_to_ascii_cow(raw.as_bytes(), AsciiDenyList::URL) {
            Ok(ascii) => ascii.into_owned(),
            Err(_) => {
                return Err(invalid(
                    raw,
                    "it is not a valid internationalised domain name",
                ))
            }
        }
    };
    if name.ends_with('.') {
        name.pop();
    }
    check_name(raw, &name)?;
    Ok(match classify(&name) {
        Norm::Ip => Norm::Ip,
        Norm::Name(_) => Norm::Name(Cow::Owned(name)),
    })
}

/// Checks a candidate canonical name: characters, labels, length.
fn check_name(raw: &str, name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(invalid(raw, "it is empty"));
    }
    if name.len() > MAX_NAME {
        return Err(too_long(raw));
    }
    let mut label = 0usize;
    for b in name.bytes() {
        match b {
            b'.' => {
                if label == 0 {
                    return Err(invalid(raw, "it has an empty label"));
                }
                label = 0;
                continue;
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {}
            _ => {
                return Err(invalid(
                    raw,
                    "it contains a character other than letters, digits, `-`, `_` and `.`",
                ))
            }
        }
        label += 1;
        if label > MAX_LABEL {
            return Err(invalid(raw, "a label is longer than 63 octets"));
        }
    }
    if label == 0 {
        return Err(invalid(raw, "it has an empty label"));
    }
    Ok(())
}

/// A checked canonical name, or an IP literal when its last label is numeric (WHATWG's
/// "ends in a number": `127.1`, `0x7f.1`, `1.2.3.4`).
fn classify(name: &str) -> Norm<'_> {
    let last = name.rsplit('.').next().unwrap_or(name);
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || (last.len() >= 2
            && last[..2].eq_ignore_ascii_case("0x")
            && last[2..].bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric {
        Norm::Ip
    } else {
        Norm::Name(Cow::Borrowed(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> String {
        match normalize(s).unwrap() {
            Norm::Name(n) => n.into_owned(),
            Norm::Ip => panic!("{s} is an IP literal"),
        }
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(name("example.com"), "example.com");
        assert_eq!(name("example.com."), "example.com");
        assert_eq!(name("EXAMPLE.com."), "example.com");
        assert_eq!(name("bücher.de"), "xn--bcher-kva.de");
        assert_eq!(name("XN--BCHER-KVA.de"), "xn--bcher-kva.de");
        assert_eq!(name("under_score.example"), "under_score.example");
        assert_eq!(
            normalize_host("127.1").unwrap(),
            NormalizedHost::IpLiteral("127.0.0.1".into())
        );
        assert_eq!(
            normalize_host("::1").unwrap(),
            NormalizedHost::IpLiteral("[::1]".into())
        );
        assert_eq!(
            normalize_host("[2001:DB8::1]").unwrap(),
            NormalizedHost::IpLiteral("[2001:db8::1]".into())
        );
        assert_eq!(
            normalize_host("192.0.2.1.").unwrap(),
            NormalizedHost::IpLiteral("192.0.2.1".into())
        );
        for bad in [
            "",
            ".",
            "example.com..",
            "a..b",
            "-",
            "a b",
            "a\nb",
            "exa%6dple.com",
            "a/b",
            "[x]",
            "é\u{0}.example",
        ] {
            if bad == "-" {
                continue;
            }
            assert!(normalize(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            normalize(&"a".repeat(64)).err().unwrap().code(),
            "ua.host.invalid"
        );
        assert_eq!(
            normalize(&"a".repeat(2000)).err().unwrap().code(),
            "ua.host.too_long"
        );
        let long = format!("{}.example", "a.".repeat(125));
        assert_eq!(normalize(&long).err().unwrap().code(), "ua.host.too_long");
    }
}
