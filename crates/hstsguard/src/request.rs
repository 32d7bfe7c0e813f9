//! [`RequestFacts`]: what a server knows about a request, as plain borrowed data.
//!
//! No framework or `http` crate types: nginx, Apache, Django, Express and the CLI can
//! all fill this struct from what they have.

use std::net::IpAddr;

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
        self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
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
