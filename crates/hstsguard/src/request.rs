//! [`RequestFacts`]: what a server knows about a request, as plain borrowed data.
//!
//! No framework or `http` crate types: nginx, Apache, Django, Express and the CLI can
//! all fill this struct from what they have.

use std::net::{IpAddr, Ipv4Addr};

/// Read access to a request's header fields, by case-insensitive name.
///
/// When a field occurs several times, `get` should return the values combined with
/// `", "` (RFC 9110 §5.3), as Django's `META`, Node and Apache do; returning only the
/// first field is also acceptable (nginx does that for unknown headers). The proxy
/// rules that read comma lists document how they treat them.
pub trait HeaderLookup {
    /// The value of the field named `name` (ASCII case-insensitive), if present.
    fn get(&self, name: &str) -> Option<&str>;

    /// Calls `f` with the value of every field named `name`, in the order received.
    /// Proxy rules that take the *rightmost* list element use it, so a field appended by
    /// the nearest proxy is seen even when the client sent its own. The default calls
    /// `f` once with [`HeaderLookup::get`]'s value.
    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        if let Some(v) = self.get(name) {
            f(v);
        }
    }
}

/// A request without headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHeaders;

impl HeaderLookup for NoHeaders {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// A list of `(name, value)` pairs, looked up with a linear, case-insensitive scan.
/// Several fields of the same name: `get` returns the first, `for_each_value` visits all.
impl HeaderLookup for [(&str, &str)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        for (n, v) in self {
            if n.eq_ignore_ascii_case(name) {
                f(v);
            }
        }
    }
}

impl<const N: usize> HeaderLookup for [(&str, &str); N] {
    fn get(&self, name: &str) -> Option<&str> {
        HeaderLookup::get(self.as_slice(), name)
    }

    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        self.as_slice().for_each_value(name, f)
    }
}

impl HeaderLookup for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        for (n, v) in self {
            if n.eq_ignore_ascii_case(name) {
                f(v);
            }
        }
    }
}

/// The facts about one request that transport-security decisions need.
///
/// ```
/// use hstsguard::{RequestFacts, NoHeaders};
/// let facts = RequestFacts::new("GET", false, Some("example.com"), "/a?b=1", &NoHeaders);
/// assert_eq!(facts.method, "GET");
/// assert!(!facts.tls);
/// ```
#[derive(Clone, Copy)]
pub struct RequestFacts<'a> {
    /// The request method, as sent (`GET`, `post`, ...). Compared case-sensitively per
    /// RFC 9110, except that the well-known methods are also recognised in lower case.
    pub method: &'a str,
    /// True when the connection to this server is TLS (the scheme the server saw is https).
    pub tls: bool,
    /// The Host header, or the authority of an absolute-form request target. `None` when
    /// the request has neither.
    pub host: Option<&'a str>,
    /// The raw path and query as received (`/a/b?c=d`), not decoded. For an absolute-form
    /// request target, pass only its path and query.
    pub target: &'a str,
    /// The address of the peer that connected to this server (a proxy, when there is one).
    pub peer: Option<IpAddr>,
    /// The request's header fields.
    pub headers: &'a dyn HeaderLookup,
    /// The time of the request in seconds since the epoch, when the server has it at
    /// hand (nginx's cached time); `None` reads the system clock when it matters (a
    /// policy with an `[hsts.ramp]`, and only then).
    pub now: Option<u64>,
}

impl<'a> RequestFacts<'a> {
    /// Facts with no peer address.
    pub fn new(
        method: &'a str,
        tls: bool,
        host: Option<&'a str>,
        target: &'a str,
        headers: &'a dyn HeaderLookup,
    ) -> Self {
        RequestFacts {
            method,
            tls,
            host,
            target,
            peer: None,
            now: None,
            headers,
        }
    }

    /// The same facts with the peer address set.
    pub fn with_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// The same facts with the time of the request (seconds since the epoch).
    pub fn with_now(mut self, now: Option<u64>) -> Self {
        self.now = now;
        self
    }

    /// The time of the request: [`RequestFacts::now`], or the system clock.
    pub fn now_or_clock(&self) -> u64 {
        self.now.unwrap_or_else(clock)
    }
}

impl std::fmt::Debug for RequestFacts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestFacts")
            .field("method", &self.method)
            .field("tls", &self.tls)
            .field("host", &self.host)
            .field("target", &self.target)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// The system clock, in seconds since the epoch.
pub(crate) fn clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads a peer address as servers and frameworks give it: an IPv4 or IPv6 address,
/// an IPv6 address in brackets (`[::1]`), and an IPv6 zone (`fe80::1%eth0`) dropped.
/// The one reader of every binding (C, Python, Node).
///
/// ```
/// use hstsguard::parse_peer;
/// assert_eq!(parse_peer("10.0.0.7").unwrap().to_string(), "10.0.0.7");
/// assert_eq!(parse_peer("::ffff:10.0.0.7").unwrap().to_string(), "::ffff:10.0.0.7");
/// assert_eq!(parse_peer("[::1]").unwrap().to_string(), "::1");
/// assert_eq!(parse_peer("fe80::1%eth0").unwrap().to_string(), "fe80::1");
/// let err = parse_peer("unix:").unwrap_err();
/// assert_eq!(err.code(), hstsguard::Code::ArgumentInvalidPeer);
/// ```
pub fn parse_peer(text: &str) -> Result<IpAddr, crate::Error> {
    if let Some(v4) = fast_ipv4(text.as_bytes()) {
        return Ok(IpAddr::V4(v4));
    }
    let t = text
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .filter(|x| x.contains(':'))
        .unwrap_or(text);
    let t = match t.split_once('%') {
        Some((addr, _zone)) if addr.contains(':') => addr,
        _ => t,
    };
    t.parse().map_err(|_| crate::Error::InvalidPeer {
        value: crate::issue::quote(text),
    })
}

/// A dotted-quad IPv4 address, read exactly as `Ipv4Addr::from_str` reads it (1 to 3
/// digits per octet, no leading zero, at most 255) but without its general parser;
/// `None` for anything else.
fn fast_ipv4(b: &[u8]) -> Option<Ipv4Addr> {
    if !(7..=15).contains(&b.len()) {
        return None;
    }
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (n, octet) in octets.iter_mut().enumerate() {
        if n > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v: u32 = 0;
        while i < b.len() && i - start < 3 && b[i].is_ascii_digit() {
            v = v * 10 + u32::from(b[i] - b'0');
            i += 1;
        }
        let len = i - start;
        if len == 0 || v > 255 || (len > 1 && b[start] == b'0') {
            return None;
        }
        *octet = v as u8;
    }
    (i == b.len()).then_some(Ipv4Addr::from(octets))
}

#[cfg(test)]
mod peer_tests {
    use super::*;

    #[test]
    fn fast_ipv4_agrees_with_the_standard_parser() {
        for text in [
            "0.0.0.0",
            "1.2.3.4",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..3.4",
            "1.2.3.4 ",
            "a.b.c.d",
            "127.000.0.1",
            "10.0.0.07",
        ] {
            assert_eq!(fast_ipv4(text.as_bytes()), text.parse().ok(), "{text}");
        }
    }

    #[test]
    fn peers() {
        assert!(parse_peer("").is_err());
        assert!(parse_peer("[10.0.0.1]").is_err(), "brackets are for IPv6");
        assert!(parse_peer("10.0.0.1%eth0").is_err());
        assert_eq!(
            parse_peer("[fe80::1%25eth0]").map(|a| a.to_string()).ok(),
            Some("fe80::1".into())
        );
    }
}
