//! Writing the `Location`: the port and the request target, repaired and percent-encoded,
//! into a `String` or straight into a caller's buffer.

use std::borrow::Cow;
use std::fmt;

use super::RedirectPolicy;

/// `:port`, unless it is 443.
pub(crate) fn push_port(out: &mut String, port: u16) {
    let mut digits = [0u8; 6];
    out.push_str(port_text(port, &mut digits));
}

/// `:port` as text in `digits` (empty for 443).
fn port_text(port: u16, digits: &mut [u8; 6]) -> &str {
    if port == 443 {
        return "";
    }
    let mut i = digits.len();
    let mut n = port;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    i -= 1;
    digits[i] = b':';
    // Only ASCII digits and `:` were written.
    std::str::from_utf8(&digits[i..]).unwrap_or("")
}

/// The bytes of a target written as they are; every other byte is percent-encoded.
static KEEP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = matches!(c, b'!'..=b'~')
            && !matches!(c, b'"' | b'#' | b'<' | b'>' | b'\\' | b'`' | b'{' | b'}');
        b += 1;
    }
    t
};

/// The target without its leading run of `/` and `\`; the `Location` writes one `/`
/// before it.
#[inline]
fn target_rest(target: &str) -> &[u8] {
    let b = target.as_bytes();
    let skip = b.iter().take_while(|&&c| c == b'/' || c == b'\\').count();
    &b[skip..]
}

/// Calls `put` with the encoded target in runs: kept bytes as they are, each other byte
/// as its `%XX` escape (upper-case hex).
#[inline]
fn write_encoded(rest: &[u8], mut put: impl FnMut(&[u8])) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut start = 0;
    for (i, &b) in rest.iter().enumerate() {
        if !KEEP[usize::from(b)] {
            if start < i {
                put(&rest[start..i]);
            }
            put(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
            start = i + 1;
        }
    }
    if start < rest.len() {
        put(&rest[start..]);
    }
}

/// The length of the encoded target (without the leading `/`).
fn encoded_len(rest: &[u8]) -> usize {
    rest.iter()
        .map(|&b| if KEEP[usize::from(b)] { 1 } else { 3 })
        .sum()
}

/// Recomputes the canonical `Location` prefix: the canonical host's own port, else
/// `https_port`.
pub(crate) fn refresh_prefix(policy: &mut RedirectPolicy) {
    policy.canonical_prefix = policy.canonical_host.as_ref().map(|h| {
        let mut p = String::with_capacity(8 + h.name().len() + 6);
        p.push_str("https://");
        p.push_str(h.name());
        push_port(&mut p, h.port().unwrap_or(policy.https_port));
        p.into_boxed_str()
    });
}

/// Where a redirect goes before the target: a canonical prefix computed when the policy
/// was built, or the request's own host and the port.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin<'a> {
    /// `https://host[:port]`, complete.
    Prefix(&'a str),
    /// `https://` + the validated host name + `:port` (none for 443).
    Host(Cow<'a, str>, u16),
}

/// A redirect's `Location` before it is written: the pieces it is made of, borrowed from
/// the policy and the request. [`Location::write_into`] writes it straight into a
/// caller's buffer (what a server module does, with no intermediate `String`);
/// `Display` and [`Location::into_string`] give the text. Every form is the same bytes,
/// the `Location` of [`Action::Redirect`]; see the [module documentation](super) for
/// what it may contain.
///
/// ```
/// use hstsguard::redirect::{Outcome, RedirectPolicy};
/// use hstsguard::{NoHeaders, RequestFacts};
///
/// let policy = RedirectPolicy::default();
/// let facts = RequestFacts::new("GET", false, Some("Example.com:80"), "//a b?c", &NoHeaders);
/// let Outcome::Redirect { status, location } = policy.outcome(&facts, false) else { panic!() };
/// assert_eq!(status, 301);
/// assert_eq!(location.len(), "https://example.com/a%20b?c".len());
/// let mut buf = [0u8; 64];
/// let n = location.write_into(&mut buf).unwrap();
/// assert_eq!(&buf[..n], b"https://example.com/a%20b?c");
/// assert_eq!(location.to_string(), "https://example.com/a%20b?c");
/// assert!(location.write_into(&mut [0u8; 8]).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location<'a> {
    origin: Origin<'a>,
    target: &'a str,
}

impl<'a> Location<'a> {
    pub(crate) fn canonical(prefix: &'a str, target: &'a str) -> Location<'a> {
        Location {
            origin: Origin::Prefix(prefix),
            target,
        }
    }

    pub(crate) fn host(name: Cow<'a, str>, port: u16, target: &'a str) -> Location<'a> {
        Location {
            origin: Origin::Host(name, port),
            target,
        }
    }

    /// Calls `put` with the pieces of the `Location`, in order.
    #[inline]
    fn pieces(&self, mut put: impl FnMut(&[u8])) {
        match &self.origin {
            Origin::Prefix(p) => put(p.as_bytes()),
            Origin::Host(name, port) => {
                put(b"https://");
                put(name.as_bytes());
                let mut digits = [0u8; 6];
                put(port_text(*port, &mut digits).as_bytes());
            }
        }
        put(b"/");
        write_encoded(target_rest(self.target), put);
    }

    /// The length of the `Location` in bytes.
    pub fn len(&self) -> usize {
        let origin = match &self.origin {
            Origin::Prefix(p) => p.len(),
            Origin::Host(name, port) => {
                let mut digits = [0u8; 6];
                8 + name.len() + port_text(*port, &mut digits).len()
            }
        };
        origin + 1 + encoded_len(target_rest(self.target))
    }

    /// Never true: a `Location` has at least `https://`, a host and `/`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the `Location` at the start of `buf` and returns its length, or returns
    /// `None` and writes nothing when it does not fit (see [`Location::len`]).
    #[inline]
    pub fn write_into(&self, buf: &mut [u8]) -> Option<usize> {
        // The target grows at most threefold: when even that fits, no length is needed
        // first.
        let rest = target_rest(self.target);
        let bound = match &self.origin {
            Origin::Prefix(p) => p.len(),
            Origin::Host(name, _) => 8 + name.len() + 6,
        } + 1
            + 3 * rest.len();
        if bound > buf.len() && self.len() > buf.len() {
            return None;
        }
        let mut at = match &self.origin {
            Origin::Prefix(p) => {
                buf[..p.len()].copy_from_slice(p.as_bytes());
                p.len()
            }
            Origin::Host(name, port) => {
                buf[..8].copy_from_slice(b"https://");
                let end = 8 + name.len();
                buf[8..end].copy_from_slice(name.as_bytes());
                let mut digits = [0u8; 6];
                let port = port_text(*port, &mut digits).as_bytes();
                buf[end..end + port.len()].copy_from_slice(port);
                end + port.len()
            }
        };
        buf[at] = b'/';
        at += 1;
        // Byte by byte: targets are short, and a kept byte is one store.
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for &b in rest {
            if KEEP[usize::from(b)] {
                buf[at] = b;
                at += 1;
            } else {
                buf[at] = b'%';
                buf[at + 1] = HEX[usize::from(b >> 4)];
                buf[at + 2] = HEX[usize::from(b & 0xF)];
                at += 3;
            }
        }
        Some(at)
    }

    /// The `Location` as a `String`.
    pub fn into_string(self) -> String {
        let mut bytes = Vec::with_capacity(self.len());
        self.pieces(|piece| bytes.extend_from_slice(piece));
        // ASCII only: `https://`, a normalised host, digits, and the target's kept
        // (printable ASCII) bytes and escapes.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.clone().into_string())
    }
}
