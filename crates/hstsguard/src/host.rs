//! Host names as a server receives them (a `Host` header or the authority of an
//! absolute-form request target), and Django-style allowed-host patterns.
//!
//! [`parse_host`] is strict: whatever it accepts is safe to write into a `Location`
//! header as the authority of an `https://` URL. The rules:
//!
//! - The value is a registered name, a dotted-decimal IPv4 address or a bracketed IPv6
//!   literal, optionally followed by `:port` (1 to 65535, at most five digits).
//! - Names are lowercased; Unicode names are converted to A-labels (UTS #46, as the
//!   WHATWG URL standard does) and an `xn--` label must be valid Punycode.
//! - Name characters are ASCII letters, digits, `-`, `_` and `.`; labels may start or end
//!   with `-` and may contain `_` (real-world names do; WHATWG and Django allow them).
//! - One trailing dot is removed (`example.com.` is `example.com`, as in Django).
//! - Refused: an empty label, a label over 63 octets, a name over 253 octets, user-info
//!   (`@`), whitespace, any control character (CR, LF, NUL, ...), `/`, `\`, `?`, `#`,
//!   `%` (percent-encoding), an IPv6 zone identifier, an unbracketed IPv6 address, and a
//!   name whose last label is numeric but that is not a dotted-decimal IPv4 address
//!   (`127.1`, `0x7f.0.0.1`, `01.2.3.4`: browsers read these as IPv4 addresses, so they
//!   are ambiguous).
//!
//! ```
//! use hstsguard::host::parse_host;
//!
//! let host = parse_host("WWW.Example.COM.:8080").unwrap();
//! assert_eq!(host.name(), "www.example.com");
//! assert_eq!(host.port(), Some(8080));
//! assert_eq!(host.to_string(), "www.example.com:8080");
//!
//! assert_eq!(parse_host("bücher.example").unwrap().name(), "xn--bcher-kva.example");
//! assert!(parse_host("[::1]:8443").unwrap().is_localhost());
//! assert!(parse_host("evil.example@example.com").is_err());
//! assert!(parse_host("example.com\r\nSet-Cookie: x=1").is_err());
//! ```

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use serde_json::Value;

use crate::config::field::Field;
use crate::config::reader::Reader;
use crate::config::Kind as ConfigKind;
use crate::error::Error;
use crate::issue::{quote, Code};

/// The longest name accepted, in octets (RFC 1035, without the root dot).
const MAX_NAME: usize = 253;
/// The longest label accepted, in octets (RFC 1035).
const MAX_LABEL: usize = 63;
/// Inputs longer than this are refused before any work (a Unicode name may be longer
/// than its A-label form, so this is more than `MAX_NAME`).
const MAX_INPUT: usize = 1024;

/// Why a host could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// There is no host: no `Host` header, or an empty one.
    #[error("the request has no Host")]
    Missing,
    /// The host is malformed.
    #[error("malformed host {value}: {reason}")]
    Malformed {
        /// The offending value, quoted for a message: at most 80 characters, control
        /// characters escaped.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl HostError {
    /// The stable code: [`Code::HostMissing`] or [`Code::HostMalformed`].
    pub fn code(&self) -> Code {
        match self {
            HostError::Missing => Code::HostMissing,
            HostError::Malformed { .. } => Code::HostMalformed,
        }
    }

    fn malformed(raw: &str, reason: &'static str) -> HostError {
        HostError::Malformed {
            value: quote(raw),
            reason,
        }
    }
}

/// What kind of host a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Name,
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

/// A host after [`parse_host`]: a normalised name (lowercase A-labels, or an IP literal,
/// IPv6 in brackets) and an optional port.
///
/// `Display` writes `name[:port]`, which [`parse_host`] (and `FromStr`) read back to an
/// equal value.
///
/// ```
/// use hstsguard::host::Host;
///
/// let host: Host = "[2001:DB8:0:0::1]:8443".parse().unwrap();
/// assert_eq!(host.name(), "[2001:db8::1]");
/// assert_eq!(host.port(), Some(8443));
/// assert!(host.is_ip_literal());
/// assert_eq!(host.to_string().parse::<Host>().unwrap(), host);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Host {
    name: Box<str>,
    port: Option<u16>,
    kind: Kind,
}

impl Host {
    /// The name: lowercase, Unicode converted to A-labels (`xn--...`), no trailing dot;
    /// an IPv4 address in dotted-decimal form; an IPv6 address in its canonical
    /// (RFC 5952) form inside brackets (`[2001:db8::1]`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The port, when the host had one.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The IP address, when the host is an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.kind {
            Kind::Name => None,
            Kind::V4(a) => Some(IpAddr::V4(a)),
            Kind::V6(a) => Some(IpAddr::V6(a)),
        }
    }

    /// True for an IPv4 or IPv6 literal (RFC 6797 §8.1.1: no HSTS for these).
    pub fn is_ip_literal(&self) -> bool {
        self.kind != Kind::Name
    }

    /// True for `localhost`, any `*.localhost` name (RFC 6761), `127.0.0.0/8`, `::1`
    /// and `::ffff:127.0.0.0/104`.
    pub fn is_localhost(&self) -> bool {
        is_localhost(&self.name, self.kind)
    }

    /// The same host without its port.
    pub fn without_port(&self) -> Host {
        Host {
            port: None,
            ..self.clone()
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

impl FromStr for Host {
    type Err = HostError;

    /// Same as [`parse_host`].
    fn from_str(s: &str) -> Result<Host, HostError> {
        parse_host(s)
    }
}

/// Parses a `Host` header value or the authority of an absolute-form request target.
/// The rules are in the [module documentation](self).
///
/// An empty value is [`HostError::Missing`] (HTTP/1.1 sends an empty `Host` when the
/// target has no authority); every other refusal is [`HostError::Malformed`].
///
/// ```
/// use hstsguard::{host::parse_host, Code};
///
/// assert_eq!(parse_host("Example.COM").unwrap().name(), "example.com");
/// assert_eq!(parse_host("").unwrap_err().code(), Code::HostMissing);
/// assert_eq!(parse_host("example.com:99999").unwrap_err().code(), Code::HostMalformed);
/// assert_eq!(parse_host("exa%6Dple.com").unwrap_err().code(), Code::HostMalformed);
/// ```
pub fn parse_host(raw: &str) -> Result<Host, HostError> {
    parse_view(raw).map(HostView::into_owned)
}

/// A parsed host that borrows from the input when it can (the common case: an already
/// lowercase ASCII name), so the per-request path does not allocate for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostView<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) port: Option<u16>,
    pub(crate) kind: Kind,
}

impl HostView<'_> {
    pub(crate) fn into_owned(self) -> Host {
        Host {
            name: self.name.into_owned().into_boxed_str(),
            port: self.port,
            kind: self.kind,
        }
    }
}

/// [`parse_host`] without the copy.
#[inline]
pub(crate) fn parse_view(raw: &str) -> Result<HostView<'_>, HostError> {
    // The usual Host (a plain DNS name, optionally with a port) in one pass over its
    // bytes, or this thread's answer for the same bytes; anything else takes the full
    // parse below.
    if let Some(plain) = plain_name_memo(raw.as_bytes()) {
        let name = &raw[..plain.name_len];
        return Ok(HostView {
            name: if plain.upper {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            },
            port: plain.port,
            kind: Kind::Name,
        });
    }
    parse_full(raw)
}

/// [`parse_view`] without the shortcut for plain names.
fn parse_full(raw: &str) -> Result<HostView<'_>, HostError> {
    if raw.is_empty() {
        return Err(HostError::Missing);
    }
    if raw.len() > MAX_INPUT {
        return Err(HostError::malformed(raw, "it is too long"));
    }
    if let Some(reason) = forbidden_character(raw) {
        return Err(HostError::malformed(raw, reason));
    }
    if let Some(rest) = raw.strip_prefix('[') {
        let Some(end) = rest.bytes().position(|b| b == b']') else {
            return Err(HostError::malformed(
                raw,
                "an IPv6 literal lacks its closing `]`",
            ));
        };
        let port = match &rest[end + 1..] {
            "" => None,
            after => match after.strip_prefix(':') {
                Some(digits) => Some(parse_port(digits).map_err(|r| HostError::malformed(raw, r))?),
                None => return Err(HostError::malformed(raw, "unexpected text after `]`")),
            },
        };
        let addr: Ipv6Addr = rest[..end]
            .parse()
            .map_err(|_| HostError::malformed(raw, "not a valid IPv6 address"))?;
        return Ok(HostView {
            name: Cow::Owned(format!("[{addr}]")),
            port,
            kind: Kind::V6(addr),
        });
    }
    let (name, port) = match raw.bytes().position(|b| b == b':') {
        Some(colon) => {
            let port = parse_port(&raw[colon + 1..]).map_err(|r| HostError::malformed(raw, r))?;
            (&raw[..colon], Some(port))
        }
        None => (raw, None),
    };
    let name = normalize_name(name).map_err(|r| HostError::malformed(raw, r))?;
    let kind =
        if ends_in_number(&name) {
            match name.parse::<Ipv4Addr>() {
                Ok(addr) => Kind::V4(addr),
                Err(_) => return Err(HostError::malformed(
                    raw,
                    "the last label is numeric but the host is not a dotted-decimal IPv4 address",
                )),
            }
        } else {
            Kind::Name
        };
    Ok(HostView { name, port, kind })
}

/// Whether a response for this raw Host must not carry HSTS: an IP literal (RFC 6797
/// §8.1.1: user agents ignore HSTS for those) when `skip_ip`, a localhost name or
/// loopback address when `skip_localhost`, and a Host that does not parse at all (there
/// is no host a user agent could note). Same classification as [`Host::is_ip_literal`]
/// and [`Host::is_localhost`]; allocates only for hosts that need normalising.
#[inline]
pub(crate) fn skip_hsts(raw: &str, skip_ip: bool, skip_localhost: bool) -> bool {
    if let Some(plain) = plain_name(raw.as_bytes()) {
        return skip_localhost && plain.is_localhost(raw.as_bytes());
    }
    skip_hsts_full(raw, skip_ip, skip_localhost)
}

/// [`skip_hsts`] for a Host that is not a plain name.
fn skip_hsts_full(raw: &str, skip_ip: bool, skip_localhost: bool) -> bool {
    match parse_view(raw) {
        Ok(view) => {
            (skip_ip && !matches!(view.kind, Kind::Name))
                || (skip_localhost && is_localhost(&view.name, view.kind))
        }
        Err(_) => true,
    }
}

/// Hosts of at most this many bytes have their [`plain_name`] answer kept per thread.
const MEMO_MAX: usize = 32;

/// Up to [`MEMO_MAX`] bytes as four words that, with the length, determine them: the
/// first and last 8 bytes, and for a longer input the 8 after the first and the 8 before
/// the last (the words may overlap); zero-padded when shorter than 8. `None` for an
/// empty or longer input.
#[inline(always)]
fn memo_key(raw: &[u8]) -> Option<[u64; 4]> {
    let n = raw.len();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&raw[at..at + 8]);
        u64::from_le_bytes(w)
    };
    match n {
        0 => None,
        1..=7 => {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(raw);
            Some([u64::from_le_bytes(w), 0, 0, 0])
        }
        8..=16 => Some([word(0), word(n - 8), 0, 0]),
        17..=MEMO_MAX => Some([word(0), word(n - 8), word(8), word(n - 16)]),
        _ => None,
    }
}

/// A Host that [`plain_name`] accepted, and its answer.
#[derive(Clone, Copy)]
struct PlainMemo {
    /// The Host's length; 0 when nothing is kept.
    len: usize,
    /// [`memo_key`] of its bytes.
    key: [u64; 4],
    /// What [`plain_name`] found.
    plain: PlainName,
}

/// Slots of a thread's memo (a power of two).
const MEMO_SLOTS: usize = 4;

/// Nothing kept.
const MEMO_EMPTY: PlainMemo = PlainMemo {
    len: 0,
    key: [0; 4],
    plain: PlainName {
        name_len: 0,
        last_label: 0,
        port: None,
        upper: false,
    },
};

/// One thread's Hosts: one per slot, the slot chosen by the Host's key, and the slot
/// that answered last, asked first.
struct PlainMemos {
    /// The slot that answered or was filled last.
    last: std::cell::Cell<usize>,
    /// The Hosts kept.
    slot: [std::cell::Cell<PlainMemo>; MEMO_SLOTS],
}

/// The slot of a Host: a multiplicative hash of its key and length, its top bits.
#[inline(always)]
fn memo_slot(key: &[u64; 4], len: usize) -> usize {
    let h = (key[0] ^ key[1].rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> (64 - MEMO_SLOTS.trailing_zeros())) as usize
}

thread_local! {
    /// A server sees the same Host on request after request, or a few Hosts in turn:
    /// [`plain_name`] is a pure function of the bytes, so its answers on this thread are
    /// reused for the same bytes (compared whole, as words) instead of scanned again.
    static PLAIN_MEMO: PlainMemos = const {
        PlainMemos {
            last: std::cell::Cell::new(0),
            slot: [const { std::cell::Cell::new(MEMO_EMPTY) }; MEMO_SLOTS],
        }
    };
}

#[cfg(test)]
thread_local! {
    /// Answers from the memo (counted by tests).
    static MEMO_HITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts an answer from the memo (tests only).
#[inline(always)]
fn memo_hit() {
    #[cfg(test)]
    MEMO_HITS.with(|h| h.set(h.get() + 1));
}

/// [`plain_name`], answered from this thread's memo when it has the same bytes: the slot
/// that answered last, else the Host's slot.
#[inline]
fn plain_name_memo(raw: &[u8]) -> Option<PlainName> {
    let Some(key) = memo_key(raw) else {
        return plain_name(raw);
    };
    // One access to the thread's memo for the lookup and the update. A thread being
    // torn down has none: then the scan answers.
    PLAIN_MEMO
        .try_with(|m| {
            let last = m.last.get() & (MEMO_SLOTS - 1);
            let kept = m.slot[last].get();
            if kept.len == raw.len() && kept.key == key {
                memo_hit();
                return Some(kept.plain);
            }
            let at = memo_slot(&key, raw.len());
            if at != last {
                let kept = m.slot[at].get();
                if kept.len == raw.len() && kept.key == key {
                    m.last.set(at);
                    memo_hit();
                    return Some(kept.plain);
                }
            }
            let plain = plain_name(raw)?;
            m.slot[at].set(PlainMemo {
                len: raw.len(),
                key,
                plain,
            });
            m.last.set(at);
            Some(plain)
        })
        .unwrap_or_else(|_| plain_name(raw))
}

/// What [`plain_name`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlainName {
    /// The name's length in bytes: the input up to the port, without a trailing dot.
    name_len: usize,
    /// Where its last label starts.
    last_label: usize,
    /// The port, when there is one.
    port: Option<u16>,
    /// The name has upper-case letters (it is lowercased to be used).
    upper: bool,
}

impl PlainName {
    /// The name is `localhost` or ends in `.localhost` (any case): its last label is.
    #[inline]
    fn is_localhost(&self, raw: &[u8]) -> bool {
        let last = &raw[self.last_label..self.name_len];
        last.len() == 9 && last.eq_ignore_ascii_case(b"localhost")
    }
}

/// The classes of bytes [`plain_name`] reads: a label's letter, digit, `-` or `_`
/// (`L`), an upper-case letter (`U`), `.` (`D`), `:` (`C`); anything else (`X`) ends the
/// shortcut.
const L: u8 = 0;
const U: u8 = 1;
const D: u8 = 2;
const C: u8 = 4;
const X: u8 = 8;
static CLASS: [u8; 256] = {
    let mut t = [X; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => L,
            b'A'..=b'Z' => U,
            b'.' => D,
            b':' => C,
            _ => X,
        };
        b += 1;
    }
    t
};

/// True when the label at `at` starts with `xn--` (any case).
#[inline]
fn punycode_label(raw: &[u8], at: usize) -> bool {
    raw.len() - at >= 4
        && raw[at] | 0x20 == b'x'
        && raw[at + 1..at + 4].eq_ignore_ascii_case(b"n--")
}

/// The request path's shortcut for the common Host: a plain DNS name (ASCII letters,
/// digits, `-` and `_` in labels of 1 to 63 octets, one trailing dot allowed, at most 253
/// octets, no `xn--` label, a last label that is not numeric and does not start with
/// `0x`) with an optional port of 1 to 5 digits that fits 1-65535. For such a Host,
/// the full parse in [`parse_view`] gives [`Kind::Name`] with the name lowercased and
/// without its trailing dot, and this port. Anything else is `None`, for the full parse
/// to decide. One pass over the bytes with a table, no allocation.
#[inline(always)]
fn plain_name(raw: &[u8]) -> Option<PlainName> {
    let n = raw.len();
    // Every class read, or-ed: tells whether an upper-case letter was seen.
    let mut seen = 0u8;
    let mut label_start = 0usize;
    // The label before the current one (the last label of a name with a trailing dot).
    let mut prev_label_start = 0usize;
    // Where the name ends: at the `:` of a port, else at the end.
    let mut name_end = n;
    for (i, &b) in raw.iter().enumerate() {
        let class = CLASS[usize::from(b)];
        seen |= class;
        if class <= U {
            continue;
        }
        match class {
            D => {
                let len = i - label_start;
                if len == 0 || len > MAX_LABEL || punycode_label(raw, label_start) {
                    return None;
                }
                prev_label_start = label_start;
                label_start = i + 1;
            }
            C => {
                name_end = i;
                break;
            }
            _ => return None,
        }
    }
    let upper = seen & U != 0;
    let last_len = name_end - label_start;
    let (name_len, last_label) = if last_len == 0 {
        // Empty, or a trailing dot (the dot checked the label before it): that label is
        // the last one.
        if name_end == 0 {
            return None;
        }
        (name_end - 1, prev_label_start)
    } else {
        if last_len > MAX_LABEL || punycode_label(raw, label_start) {
            return None;
        }
        (name_end, label_start)
    };
    if name_len > MAX_NAME {
        return None;
    }
    // A numeric last label (or one starting with `0x`) makes the name an IPv4 address or
    // nothing: the full parse decides. A label that starts with a letter is neither.
    let last = &raw[last_label..name_len];
    if last[0].is_ascii_digit()
        && (last.iter().all(u8::is_ascii_digit)
            || (last.len() >= 2 && last[0] == b'0' && last[1] | 0x20 == b'x'))
    {
        return None;
    }
    let port = if name_end < n {
        let digits = &raw[name_end + 1..];
        if digits.is_empty() || digits.len() > 5 {
            return None;
        }
        let mut port = 0u32;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            port = port * 10 + u32::from(d - b'0');
        }
        if port == 0 || port > 65_535 {
            return None;
        }
        Some(port as u16)
    } else {
        None
    };
    Some(PlainName {
        name_len,
        last_label,
        port,
        upper,
    })
}

/// The first reason to refuse `raw` outright, by the classes of characters that must
/// never reach a `Location` header. One pass over the bytes; non-ASCII characters are
/// looked at only when there are some.
fn forbidden_character(raw: &str) -> Option<&'static str> {
    let mut non_ascii = false;
    for &b in raw.as_bytes() {
        let reason = match b {
            b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'A'..=b'Z' | b':' | b'_' | b'[' | b']' => {
                continue
            }
            b'\r' | b'\n' => "it contains CR or LF",
            0 => "it contains NUL",
            0..=0x1f | 0x7f => "it contains a control character",
            b' ' => "it contains whitespace",
            b'@' => "it contains user-info (`@`)",
            b'/' | b'\\' | b'?' | b'#' => "it contains a path, query or fragment character",
            b'%' => "it contains percent-encoding (`%`)",
            0x80.. => {
                non_ascii = true;
                continue;
            }
            _ => continue,
        };
        return Some(reason);
    }
    if non_ascii {
        for c in raw.chars().filter(|c| !c.is_ascii()) {
            if c.is_control() {
                return Some("it contains a control character");
            }
            if c.is_whitespace() {
                return Some("it contains whitespace");
            }
        }
    }
    None
}

/// `1..=65535`, digits only, at most five of them.
fn parse_port(digits: &str) -> Result<u16, &'static str> {
    if digits.is_empty() {
        return Err("the port is empty");
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the port is not a number");
    }
    if digits.len() > 5 {
        return Err("the port is out of range (1 to 65535)");
    }
    match digits.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err("the port is out of range (1 to 65535)"),
    }
}

/// Lowercase A-labels without the trailing dot, or the reason the name is refused.
fn normalize_name(name: &str) -> Result<Cow<'_, str>, &'static str> {
    let converted: Cow<'_, str> = if name.is_ascii() {
        Cow::Borrowed(name)
    } else {
        let ascii = idna::domain_to_ascii_cow(name.as_bytes(), AsciiDenyList::URL)
            .map_err(|_| "it is not a valid internationalised domain name")?;
        Cow::Owned(ascii.into_owned())
    };
    let trimmed: Cow<'_, str> = match converted {
        Cow::Borrowed(s) => Cow::Borrowed(s.strip_suffix('.').unwrap_or(s)),
        Cow::Owned(mut s) => {
            if s.ends_with('.') {
                s.pop();
            }
            Cow::Owned(s)
        }
    };
    if trimmed.is_empty() {
        return Err("the host name is empty");
    }
    if trimmed.len() > MAX_NAME {
        return Err("the host name is longer than 253 octets");
    }
    // One pass over the bytes: characters, label lengths, upper case, `xn--` labels.
    let bytes = trimmed.as_bytes();
    let (mut upper, mut punycode) = (false, false);
    let mut label_len = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'.' => {
                if label_len == 0 {
                    return Err("the host name has an empty label");
                }
                label_len = 0;
                continue;
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {}
            b'A'..=b'Z' => upper = true,
            _ => return Err("it contains a character not allowed in a host name"),
        }
        if label_len == 0 && (b == b'x' || b == b'X') {
            punycode |= bytes
                .get(i..i + 4)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"));
        }
        label_len += 1;
        if label_len > MAX_LABEL {
            return Err("a label is longer than 63 octets");
        }
    }
    if label_len == 0 {
        return Err("the host name has an empty label");
    }
    if punycode {
        // Validates the Punycode; the result is the lowercase A-label form.
        let checked = Uts46::new()
            .to_ascii(
                trimmed.as_bytes(),
                AsciiDenyList::EMPTY,
                Hyphens::Allow,
                DnsLength::Ignore,
            )
            .map_err(|_| "an `xn--` label is not valid Punycode")?;
        if let Cow::Owned(s) = checked {
            return Ok(Cow::Owned(s));
        }
    }
    if upper {
        return Ok(Cow::Owned(trimmed.to_ascii_lowercase()));
    }
    Ok(trimmed)
}

/// WHATWG's "ends in a number": the last label is all digits, or `0x` and hex digits.
/// Such a host must be an IPv4 address.
fn ends_in_number(name: &str) -> bool {
    let b = name.as_bytes();
    let last = match b.iter().rposition(|&c| c == b'.') {
        Some(dot) => &name[dot + 1..],
        None => name,
    };
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("0x") => last[2..].bytes().all(|b| b.is_ascii_hexdigit()),
        _ => false,
    }
}

fn is_localhost(name: &str, kind: Kind) -> bool {
    match kind {
        Kind::Name => name == "localhost" || name.ends_with(".localhost"),
        Kind::V4(a) => a.is_loopback(),
        Kind::V6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// One allowed-host pattern (Django's `ALLOWED_HOSTS` syntax): `example.com` exactly,
/// `.example.com` for it and every name under it, or `*` for every host. Checked when
/// it is read: a scheme, a port, a path, whitespace or another wildcard is refused.
///
/// ```
/// use hstsguard::host::HostPattern;
/// let p: HostPattern = ".EXAMPLE.com".parse().unwrap();
/// assert_eq!(p.as_str(), ".example.com");
/// assert!("*.example.com".parse::<HostPattern>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostPattern {
    /// As written back: `*`, `example.com` or `.example.com` (normalised).
    text: Box<str>,
    subdomains: bool,
}

impl HostPattern {
    /// `*`: every host.
    pub fn any() -> HostPattern {
        HostPattern {
            text: "*".into(),
            subdomains: false,
        }
    }

    /// The normalised pattern.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for `*`.
    pub fn is_any(&self) -> bool {
        &*self.text == "*"
    }

    fn base(&self) -> &str {
        if self.subdomains {
            &self.text[1..]
        } else {
            &self.text
        }
    }

    fn matches(&self, name: &str) -> bool {
        if self.is_any() {
            return true;
        }
        let base = self.base();
        if name == base {
            return true;
        }
        self.subdomains
            && name.len() > base.len()
            && name.ends_with(base)
            && name.as_bytes()[name.len() - base.len() - 1] == b'.'
    }
}

impl FromStr for HostPattern {
    type Err = Error;

    fn from_str(pattern: &str) -> Result<HostPattern, Error> {
        check_pattern(pattern).map_err(|reason| Error::InvalidValue {
            what: "allowed-host pattern",
            value: pattern.to_owned(),
            reason,
        })
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

crate::config::field::text_field!(HostPattern, split_commas = true);

impl Field for Host {
    const KIND: ConfigKind = ConfigKind::Text;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<Host> {
        let text = match value {
            Value::String(s) => s,
            other => {
                r.invalid_type(path, "a string", other);
                return None;
            }
        };
        let invalid = |reason: String| Error::InvalidValue {
            what: "host",
            value: text.to_owned(),
            reason,
        };
        let result = if let Some((_, rest)) = text.split_once("://") {
            let host = rest.split('/').next().unwrap_or(rest);
            Err(invalid(format!(
                "it is a URL; write the host only (such as {})",
                quote(host)
            )))
        } else {
            match parse_host(text) {
                Ok(host) => Ok(host),
                Err(HostError::Missing) => Err(invalid("it is empty".to_owned())),
                Err(e) => Err(invalid(e.to_string())),
            }
        };
        result.map_err(|e| r.error(path, e)).ok()
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

/// Which hosts a server answers for, with the semantics of Django's `ALLOWED_HOSTS`:
///
/// - `example.com` matches exactly that name (case-insensitively: patterns and hosts are
///   both normalised, Unicode to A-labels, one trailing dot removed);
/// - `.example.com` matches `example.com` and every name under it (`a.b.example.com`);
/// - `*` matches every host.
///
/// Ports are ignored when matching, as in Django. A pattern must be a host name (or IP
/// literal) only: a port, a scheme, a path, whitespace or any other wildcard is refused
/// when the list is built. An empty list matches nothing.
///
/// ```
/// use hstsguard::host::{parse_host, AllowedHosts};
///
/// let allowed = AllowedHosts::new(["example.com", ".example.org", "[::1]"]).unwrap();
/// assert!(allowed.matches(&parse_host("EXAMPLE.com:8080").unwrap()));
/// assert!(allowed.matches(&parse_host("a.b.example.org").unwrap()));
/// assert!(allowed.matches(&parse_host("example.org.").unwrap()));
/// assert!(!allowed.matches(&parse_host("www.example.com").unwrap()));
/// assert!(!allowed.matches(&parse_host("evilexample.org").unwrap()));
/// assert!(AllowedHosts::any().matches(&parse_host("anything.test").unwrap()));
///
/// assert!(AllowedHosts::new(["https://example.com"]).is_err());
/// assert!(AllowedHosts::new(["example.com:443"]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts {
    any: bool,
    patterns: Vec<HostPattern>,
}

impl Default for AllowedHosts {
    /// `*`: every host.
    fn default() -> Self {
        AllowedHosts::any()
    }
}

impl AllowedHosts {
    /// `*`: every host is allowed.
    pub fn any() -> AllowedHosts {
        AllowedHosts {
            any: true,
            patterns: Vec::new(),
        }
    }

    /// The empty list: no host is allowed.
    pub fn none() -> AllowedHosts {
        AllowedHosts {
            any: false,
            patterns: Vec::new(),
        }
    }

    /// Builds a list from patterns; the error names the first bad pattern and says why.
    ///
    /// ```
    /// use hstsguard::host::AllowedHosts;
    /// assert!(AllowedHosts::new(["example.com", ".example.org"]).is_ok());
    /// let err = AllowedHosts::new(["*.example.com"]).unwrap_err();
    /// assert_eq!(err.code(), hstsguard::Code::ConfigInvalidValue);
    /// assert!(err.to_string().contains("`.example.com`"), "{err}");
    /// ```
    pub fn new<I, S>(patterns: I) -> Result<AllowedHosts, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = AllowedHosts::none();
        for p in patterns {
            out.add(p.as_ref())?;
        }
        Ok(out)
    }

    /// Adds one pattern (used by [`AllowedHosts::new`]).
    pub(crate) fn add(&mut self, pattern: &str) -> Result<(), Error> {
        self.push(pattern.parse()?);
        Ok(())
    }

    /// Adds a checked pattern.
    pub fn push(&mut self, pattern: HostPattern) {
        if pattern.is_any() {
            self.any = true;
        } else if !self.patterns.contains(&pattern) {
            self.patterns.push(pattern);
        }
    }

    /// The list of these patterns.
    pub fn from_patterns<'a>(patterns: impl IntoIterator<Item = &'a HostPattern>) -> AllowedHosts {
        let mut out = AllowedHosts::none();
        for p in patterns {
            out.push(p.clone());
        }
        out
    }

    /// True when the list contains `*`.
    pub fn allows_any(&self) -> bool {
        self.any
    }

    /// True when no host at all is allowed.
    pub fn is_empty(&self) -> bool {
        !self.any && self.patterns.is_empty()
    }

    /// The normalised patterns (`*` first when present).
    pub fn patterns(&self) -> impl Iterator<Item = &str> + '_ {
        self.any
            .then_some("*")
            .into_iter()
            .chain(self.patterns.iter().map(|p| &*p.text))
    }

    /// True when `host` is allowed. Only the name is compared; the port is ignored.
    /// Does not allocate.
    pub fn matches(&self, host: &Host) -> bool {
        self.matches_name(host.name())
    }

    /// [`AllowedHosts::matches`] for a name already normalised by [`parse_host`].
    #[inline]
    pub(crate) fn matches_name(&self, name: &str) -> bool {
        self.any || self.patterns.iter().any(|p| p.matches(name))
    }
}

impl fmt::Display for AllowedHosts {
    /// The patterns separated by `, `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.patterns().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p)?;
        }
        Ok(())
    }
}

/// The pattern, or why it cannot be used.
fn check_pattern(pattern: &str) -> Result<HostPattern, String> {
    if pattern.is_empty() {
        return Err("it is empty".to_owned());
    }
    if pattern == "*" {
        return Ok(HostPattern::any());
    }
    if let Some((_, rest)) = pattern.split_once("://") {
        return Err(format!(
            "it is a URL; write only the host name (such as {})",
            quote(rest.split(['/', ':']).next().unwrap_or(rest))
        ));
    }
    if pattern.chars().any(char::is_whitespace) {
        return Err("it contains whitespace".to_owned());
    }
    if pattern.contains(['/', '\\', '?', '#']) {
        return Err("it contains a path; write only the host name".to_owned());
    }
    if let Some(rest) = pattern.strip_prefix("*.") {
        return Err(format!(
            "subdomain wildcards are written {} (Django syntax)",
            quote(&format!(".{}", rest.chars().take(80).collect::<String>()))
        ));
    }
    if pattern.contains('*') {
        return Err("`*` is only allowed alone".to_owned());
    }
    let (subdomains, body) = match pattern.strip_prefix('.') {
        Some(body) => (true, body),
        None => (false, pattern),
    };
    let host = match parse_view(body) {
        Ok(h) => h,
        Err(HostError::Missing) => return Err("it has no host name".to_owned()),
        Err(HostError::Malformed { reason, .. }) => {
            return Err(format!("it is not a valid host: {reason}"));
        }
    };
    if host.port.is_some() {
        return Err("it contains a port; ports are ignored when matching, so remove it".to_owned());
    }
    if subdomains && host.kind != Kind::Name {
        return Err("a leading `.` needs a domain name, not an IP address".to_owned());
    }
    let text = if subdomains {
        format!(".{}", host.name)
    } else {
        host.name.into_owned()
    };
    Ok(HostPattern {
        text: text.into_boxed_str(),
        subdomains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memo answers what the scan answers, whatever Hosts came before.
    #[test]
    fn the_memo_gives_the_scan_s_answer_for_every_sequence_of_hosts() {
        // A name of every length up to past MEMO_MAX, in turn with the same name with
        // one byte changed at each position (same length: only the words tell them
        // apart; the name is kept first, so the first change is asked against it), each
        // asked twice, and after an invalid Host.
        let mut hosts: Vec<String> = Vec::new();
        for len in 1..=MEMO_MAX + 3 {
            let name: String = (0..len)
                .map(|i| {
                    if i % 6 == 5 {
                        '.'
                    } else {
                        (b'a' + (i % 26) as u8) as char
                    }
                })
                .collect();
            hosts.push(name.clone());
            for at in 0..len {
                let mut b = name.clone().into_bytes();
                // An answer other than the name's: a port that is not one (no answer),
                // or an upper-case letter where a dot was.
                b[at] = if b[at] == b'.' { b'A' } else { b':' };
                assert_ne!(plain_name(&b), plain_name(name.as_bytes()));
                hosts.push(String::from_utf8(b).unwrap());
                hosts.push(name.clone());
            }
            hosts.push(name.to_ascii_uppercase());
            hosts.push(format!("{name}:8080"));
            hosts.push(format!("{name}:80"));
            hosts.push("bad host".into());
            hosts.push(name);
        }
        hosts.extend(["", "a", "a", "1.2.3.4", "a", "A", "a."].map(String::from));
        // Keys that only the length tells apart: the same words, longer.
        hosts.extend(
            ["abcdefgh", "abcdefghabcdefgh", "abcdefgh", "a", "a\0", "a"].map(String::from),
        );
        for raw in &hosts {
            for _ in 0..2 {
                assert_eq!(
                    plain_name_memo(raw.as_bytes()),
                    plain_name(raw.as_bytes()),
                    "{raw:?}"
                );
            }
        }
        // Another thread starts with nothing kept and keeps its own.
        std::thread::spawn(|| {
            assert_eq!(
                plain_name_memo(b"other.example"),
                plain_name(b"other.example")
            );
            assert_eq!(plain_name_memo(b"x"), plain_name(b"x"));
        })
        .join()
        .unwrap();
        assert_eq!(plain_name_memo(b"a."), plain_name(b"a."));
    }

    /// Hosts in turn whose slots differ are each answered from the memo after their
    /// first request; Hosts of one slot take turns in it and are still answered right.
    #[test]
    fn hosts_in_turn_are_answered_from_their_slots() {
        let hits = || MEMO_HITS.with(|h| h.get());
        let slot = |raw: &[u8]| memo_slot(&memo_key(raw).unwrap(), raw.len());
        let a: &[u8] = b"example.com";
        let names: Vec<String> = (0..64).map(|i| format!("site{i}.example.org")).collect();
        let b = names
            .iter()
            .map(|n| n.as_bytes())
            .find(|n| slot(n) != slot(a))
            .unwrap();
        let c = names
            .iter()
            .map(|n| n.as_bytes())
            .find(|n| slot(n) == slot(a) && *n != a)
            .unwrap();
        assert_eq!(plain_name_memo(a), plain_name(a));
        assert_eq!(plain_name_memo(b), plain_name(b));
        let before = hits();
        for _ in 0..10 {
            assert_eq!(plain_name_memo(a), plain_name(a));
            assert_eq!(plain_name_memo(b), plain_name(b));
        }
        assert_eq!(hits(), before + 20);
        // c shares a's slot: a and c take turns in it, so after the first a (still
        // kept) neither is answered from the memo.
        let before = hits();
        for _ in 0..10 {
            assert_eq!(plain_name_memo(a), plain_name(a));
            assert_eq!(plain_name_memo(c), plain_name(c));
        }
        assert_eq!(hits(), before + 1);
        // Every slot is used by some name.
        let mut used = [false; MEMO_SLOTS];
        for n in &names {
            used[slot(n.as_bytes())] = true;
        }
        assert!(used.iter().all(|u| *u));
    }

    /// The shortcut never disagrees with the full parse: where it answers, the full
    /// parse accepts the host as a name with the same (lowercased) name, port and
    /// localhost classification, and `parse_view` gives what `parse_full` gives.
    #[test]
    fn the_plain_name_shortcut_agrees_with_the_full_parse() {
        let check = |raw: &str| -> bool {
            let Some(fast) = plain_name(raw.as_bytes()) else {
                return false;
            };
            let full = parse_full(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            assert_eq!(full.kind, Kind::Name, "{raw:?}");
            assert_eq!(
                fast.is_localhost(raw.as_bytes()),
                is_localhost(&full.name, full.kind),
                "{raw:?}"
            );
            assert_eq!(fast.port, full.port, "{raw:?}");
            assert_eq!(
                raw[..fast.name_len].to_ascii_lowercase(),
                full.name,
                "{raw:?}"
            );
            assert_eq!(fast.upper, raw[..fast.name_len] != *full.name, "{raw:?}");
            true
        };
        let mut samples: Vec<String> = [
            "example.com",
            "EXAMPLE.com",
            "example.com.",
            "example.com..",
            ".example.com",
            "localhost",
            "LOCALHOST",
            "localhost.",
            "app.localhost",
            "app.localhost.:80",
            "notlocalhost",
            "localhost.example",
            "a.b-c_d.example:8443",
            "example.com:0",
            "example.com:65535",
            "example.com:65536",
            "example.com:",
            "example.com:08",
            "example.com:123456",
            "1.2.3.4",
            "1.2.3.4:80",
            "a.0x1f",
            "0x7f.1",
            "a.b.c.123",
            "xn--bcher-kva.example",
            "a.XN--bcher-kva.example",
            "-a.example",
            "a-.example",
            "a..b",
            ":80",
            "",
            ".",
            "..",
            "a.",
            "_dmarc.example",
            "[::1]",
            "ex ample.com",
            "exa%6dple.com",
            "bücher.example",
            "a.b.c.d.e.f.g",
            "localhost:65535",
            "xn--",
            "a.xn--",
            "a.0x",
            "a.0X1",
            "a.0",
            "x.localhost",
            "xlocalhost",
            ".localhost",
            "LocalHost.:1",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        samples.push(format!("{}.com", "a".repeat(63)));
        samples.push(format!("{}.com", "a".repeat(64)));
        samples.push(format!("{}.com", ["abcdefghij"; 25].join(".")));
        samples.push(format!("{}.co", ["abcdefghij"; 23].join(".")));
        // Every short string over a small alphabet.
        let alphabet = ['a', 'L', '0', '9', '.', ':', '-', '_', 'x'];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for s in &frontier {
                for c in alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            samples.extend(next.iter().cloned());
            frontier = next;
        }
        for raw in &samples {
            check(raw);
            // Whatever answers, parse_view (with its shortcut) and the full parse agree.
            assert_eq!(parse_view(raw), parse_full(raw), "{raw:?}");
            assert_eq!(
                skip_hsts(raw, true, true),
                match parse_full(raw) {
                    Ok(v) => v.kind != Kind::Name || is_localhost(&v.name, v.kind),
                    Err(_) => true,
                },
                "{raw:?}"
            );
        }
        // ... and it answers for the hosts of ordinary requests.
        for raw in [
            "example.com",
            "www.example.com:8443",
            "Example.COM.",
            "localhost:3000",
        ] {
            assert!(check(raw), "{raw}");
        }
    }

    fn ok(raw: &str) -> Host {
        parse_host(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    fn bad(raw: &str) -> HostError {
        match parse_host(raw) {
            Ok(h) => panic!("{raw:?} accepted as {h:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(ok("example.com").name(), "example.com");
        assert_eq!(ok("EXAMPLE.Com").name(), "example.com");
        assert_eq!(ok("example.com.").name(), "example.com");
        assert_eq!(ok("example.com.:8080").to_string(), "example.com:8080");
        assert_eq!(ok("localhost").name(), "localhost");
        assert_eq!(ok("under_score.example").name(), "under_score.example");
        assert_eq!(ok("-lead.trail-.example").name(), "-lead.trail-.example");
        assert_eq!(ok("a").name(), "a");
        assert_eq!(ok("ex.com:1").port(), Some(1));
        assert_eq!(ok("ex.com:65535").port(), Some(65535));
        assert_eq!(ok("ex.com:00080").port(), Some(80));
    }

    #[test]
    fn borrowed_when_already_normal() {
        assert!(matches!(
            parse_view("example.com").unwrap().name,
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            parse_view("example.com.:81").unwrap().name,
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            parse_view("Example.com").unwrap().name,
            Cow::Owned(_)
        ));
    }

    #[test]
    fn unicode_becomes_a_labels() {
        assert_eq!(ok("bücher.example").name(), "xn--bcher-kva.example");
        assert_eq!(ok("BÜCHER.example").name(), "xn--bcher-kva.example");
        assert_eq!(ok("xn--bcher-kva.example").name(), "xn--bcher-kva.example");
        assert_eq!(ok("XN--BCHER-KVA.example").name(), "xn--bcher-kva.example");
        assert_eq!(
            ok("例え.テスト:8443").to_string(),
            "xn--r8jz45g.xn--zckzah:8443"
        );
        // Ideographic full stop is a dot (UTS #46 mapping).
        assert_eq!(ok("example。com").name(), "example.com");
        // Invalid Punycode.
        assert_eq!(bad("xn--a.example").code(), Code::HostMalformed);
        assert_eq!(bad("xn--.example").code(), Code::HostMalformed);
        // Mapped to forbidden ASCII (fullwidth solidus and commercial at).
        bad("example.com\u{FF0F}evil");
        bad("user\u{FF20}example.com");
        bad("exa\u{00A0}mple.com");
        bad("exa\u{2028}mple.com");
        bad("exa\u{0085}mple.com");
        bad("\u{200B}");
    }

    #[test]
    fn ip_literals() {
        let v4 = ok("192.0.2.1:8080");
        assert!(v4.is_ip_literal());
        assert_eq!(v4.ip(), Some("192.0.2.1".parse().unwrap()));
        assert_eq!(v4.name(), "192.0.2.1");
        assert_eq!(ok("192.0.2.1.").name(), "192.0.2.1");
        let v6 = ok("[2001:DB8::0:1]");
        assert_eq!(v6.name(), "[2001:db8::1]");
        assert_eq!(v6.port(), None);
        assert_eq!(ok("[::1]:443").port(), Some(443));
        assert_eq!(ok("[::ffff:127.0.0.1]").name(), "[::ffff:127.0.0.1]");
        for raw in [
            "::1",
            "2001:db8::1",
            "[::1",
            "[::1]x",
            "[::1]:",
            "[::1]:0",
            "[fe80::1%25eth0]",
            "[fe80::1%eth0]",
            "[example.com]",
            "[]",
            "127.1",
            "0x7f.0.0.1",
            "01.2.3.4",
            "1.2.3.4.5",
            "256.0.0.1",
            "example.123",
            "example.0x1f",
        ] {
            assert_eq!(bad(raw).code(), Code::HostMalformed, "{raw}");
        }
        assert!(!ok("example.1a").is_ip_literal());
    }

    #[test]
    fn localhost() {
        for raw in [
            "localhost",
            "LOCALHOST:8000",
            "a.localhost",
            "127.0.0.1",
            "127.9.9.9:1",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "localhost.",
        ] {
            assert!(ok(raw).is_localhost(), "{raw}");
        }
        for raw in [
            "localhost.example",
            "notlocalhost",
            "128.0.0.1",
            "[::2]",
            "example.com",
        ] {
            assert!(!ok(raw).is_localhost(), "{raw}");
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(bad(""), HostError::Missing);
        assert_eq!(bad("").code(), Code::HostMissing);
        let long_label = format!("{}.example", "a".repeat(64));
        let long_name = ["a".repeat(60).as_str(); 5].join(".");
        let huge = "a".repeat(5000);
        for raw in [
            " ",
            "example.com ",
            " example.com",
            "exa mple.com",
            "example.com\t",
            "example.com\r\n",
            "example.com\rX: y",
            "example.com\nX: y",
            "example.com\0",
            "exa\x7fmple.com",
            "exa\x01mple.com",
            "user@example.com",
            "user:pass@example.com",
            "example.com@evil.example",
            "example.com/path",
            "example.com\\path",
            "example.com?q",
            "example.com#f",
            "exa%6dple.com",
            "example.com%0d%0a",
            "example.com:",
            "example.com:0",
            "example.com:65536",
            "example.com:99999999999999999999",
            "example.com:080a",
            "example.com:+80",
            "example.com:-1",
            "example.com:000080",
            "example.com:80:80",
            "example..com",
            ".example.com",
            ".",
            "..",
            "example.com..",
            "exa\"mple.com",
            "exa<mple.com",
            "exa,mple.com",
            "exa*mple.com",
            "exa!mple.com",
            long_label.as_str(),
            long_name.as_str(),
            huge.as_str(),
        ] {
            let e = bad(raw);
            assert_eq!(e.code(), Code::HostMalformed, "{raw:?}");
            let msg = e.to_string();
            assert!(!msg.contains(['\r', '\n', '\0']), "{msg:?}");
            assert!(msg.len() < 250, "{msg:?}");
        }
        let e = bad("evil\r\nSet-Cookie: a=b");
        assert!(e.to_string().contains("evil\\r\\nSet-Cookie"), "{e}");
    }

    #[test]
    fn display_round_trips() {
        for raw in [
            "example.com",
            "example.com:8080",
            "192.0.2.1:1",
            "[2001:db8::1]:65535",
            "[::1]",
            "xn--bcher-kva.example",
        ] {
            let h = ok(raw);
            assert_eq!(h.to_string(), raw);
            assert_eq!(ok(&h.to_string()), h);
        }
        assert_eq!(
            ok("example.com:8080").without_port().to_string(),
            "example.com"
        );
    }

    #[test]
    fn allowed_hosts_semantics() {
        let a = AllowedHosts::new([
            "Example.COM",
            ".example.org",
            "bücher.example",
            "192.0.2.1",
            "[::1]",
            "example.net.",
        ])
        .unwrap();
        let yes = |h: &str| a.matches(&ok(h));
        assert!(yes("example.com"));
        assert!(yes("example.com:1234"));
        assert!(yes("EXAMPLE.COM."));
        assert!(!yes("www.example.com"));
        assert!(yes("example.org"));
        assert!(yes("www.example.org"));
        assert!(yes("a.b.c.example.org:80"));
        assert!(!yes("evilexample.org"));
        assert!(!yes("example.org.evil"));
        assert!(yes("xn--bcher-kva.example"));
        assert!(yes("BÜCHER.example"));
        assert!(yes("192.0.2.1:8080"));
        assert!(!yes("192.0.2.10"));
        assert!(yes("[0::1]"));
        assert!(yes("example.net"));
        assert!(!yes("localhost"));
        assert_eq!(
            a.patterns().collect::<Vec<_>>(),
            [
                "example.com",
                ".example.org",
                "xn--bcher-kva.example",
                "192.0.2.1",
                "[::1]",
                "example.net"
            ]
        );
        assert!(!a.allows_any());
        assert!(AllowedHosts::none().is_empty());
        assert!(!AllowedHosts::none().matches(&ok("example.com")));
        let star = AllowedHosts::new(["example.com", "*"]).unwrap();
        assert!(star.allows_any());
        assert!(star.matches(&ok("anything.invalid")));
        assert_eq!(star.to_string(), "*, example.com");
        assert_eq!(AllowedHosts::default(), AllowedHosts::any());
    }

    #[test]
    fn allowed_host_patterns_are_validated() {
        for p in [
            "",
            " ",
            "example.com ",
            "https://example.com",
            "http://example.com/",
            "example.com/",
            "example.com/path",
            "example.com:443",
            "[::1]:443",
            "*.example.com",
            "ex*mple.com",
            "**",
            ".",
            "..example.com",
            ".192.0.2.1",
            ".[::1]",
            "user@example.com",
            "exa%6dple.com",
            "example..com",
            "example.com\r\n",
        ] {
            let err = AllowedHosts::new([p]).expect_err(p).to_string();
            assert!(!err.contains(['\r', '\n']), "{err:?}");
        }
        let err = AllowedHosts::new(["https://example.com:8443/x"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`example.com`"), "{err}");
        let err = AllowedHosts::new(["*.example.com"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`.example.com`"), "{err}");
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Host>();
        check::<AllowedHosts>();
        check::<HostError>();
    }
}
