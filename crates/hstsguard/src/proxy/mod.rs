//! Is a request secure? TLS on this connection, or a trusted reverse proxy that says
//! the client used HTTPS.
//!
//! The rule ([`ProxyTrust::is_secure`]):
//!
//! 1. A TLS connection is secure.
//! 2. Otherwise, proxy headers count only when the peer (the address that connected to
//!    this server) is inside a trusted network. A peer outside them, or an unknown peer,
//!    is a possible client spoofing `X-Forwarded-Proto: https`: its headers are ignored.
//! 3. For a trusted peer, every configured [`ProxySource`] is read. The sources that are
//!    present decide together: secure when they all say HTTPS, not secure when they all
//!    say something else, and [`SecureReason::Disagree`] when they disagree (a client
//!    added a header the proxy passed through): the policy then refuses the request with
//!    400 `proxy.sources_disagree`. The order of the sources never decides, so a
//!    client-supplied header can never outrank the one the trusted proxy sets.
//!
//! With `proxy.trusted` set, the sources are the explicit `proxy.sources` list, or one
//! header, `X-Forwarded-Proto`, by default. The trusted proxy must overwrite (or strip)
//! every header listed: one the proxy passes through unchanged is the client's word.
//!
//! ```
//! use hstsguard::proxy::{ProxySource, ProxyTrust};
//! use hstsguard::RequestFacts;
//!
//! let trust = ProxyTrust::builder()
//!     .trust("10.0.0.0/8")
//!     .source(ProxySource::XForwardedProto)
//!     .build()
//!     .unwrap();
//! let headers = [("X-Forwarded-Proto", "https")];
//! let facts = RequestFacts::new("GET", false, Some("example.com"), "/", &headers);
//!
//! // From the trusted proxy: believed.
//! assert!(trust.is_secure(&facts.with_peer(Some("10.1.2.3".parse().unwrap()))));
//! // From anyone else: a spoofing attempt, ignored.
//! assert!(!trust.is_secure(&facts.with_peer(Some("203.0.113.9".parse().unwrap()))));
//! assert!(!trust.is_secure(&facts));
//! ```

mod config;
mod source;
#[cfg(test)]
mod tests;

pub use config::{parse_network, ProxyTrustBuilder};
pub use source::{ListRule, ProxySource, SourceName, UnknownProxySource};

pub(crate) use config::from_section;

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::request::{HeaderLookup, RequestFacts};

/// Why [`ProxyTrust::explain_secure`] decided as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureReason<'p> {
    /// The connection is TLS.
    Tls,
    /// A trusted proxy said HTTPS through this source.
    Proxy(&'p ProxySource),
    /// Plain HTTP: no TLS and no trusted proxy header saying HTTPS (a trusted proxy
    /// said HTTP, or no configured header was present).
    NotSecure,
    /// Plain HTTP, and a configured proxy header was present but ignored because the
    /// peer is not trusted (or unknown): possibly a spoofing attempt.
    UntrustedPeer,
    /// A trusted peer, and the configured sources present in the request disagree (one
    /// says HTTPS, another does not): a client added a header the proxy passed through.
    /// Not secure; [`crate::policy::Policy::evaluate`] refuses such a request with 400
    /// (`proxy.sources_disagree`).
    Disagree {
        /// The first source present that says HTTPS.
        https: &'p ProxySource,
        /// The first source present that does not.
        other: &'p ProxySource,
    },
}

impl SecureReason<'_> {
    /// True for [`SecureReason::Tls`] and [`SecureReason::Proxy`].
    pub fn is_secure(&self) -> bool {
        matches!(self, SecureReason::Tls | SecureReason::Proxy(_))
    }
}

impl fmt::Display for SecureReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecureReason::Tls => f.write_str("TLS connection"),
            SecureReason::Proxy(s) => write!(f, "trusted proxy says HTTPS ({})", s.header()),
            SecureReason::NotSecure => f.write_str("plain HTTP"),
            SecureReason::UntrustedPeer => {
                f.write_str("plain HTTP (proxy header ignored: the peer is not a trusted proxy)")
            }
            SecureReason::Disagree { https, other } => write!(
                f,
                "the trusted proxy's headers disagree ({} says HTTPS, {} does not)",
                https.header(),
                other.header()
            ),
        }
    }
}

/// Which proxies are trusted and which of their headers are read. Immutable, cheap to
/// share (`Send + Sync`); build it once at configuration time.
///
/// Trusted networks are CIDR networks; a single address is a /32 or /128. A peer given
/// as an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, as dual-stack sockets report
/// IPv4 clients) is matched against the IPv4 networks too.
///
/// ```
/// use hstsguard::proxy::{ListRule, ProxySource, ProxyTrust, SecureReason};
/// use hstsguard::RequestFacts;
///
/// let trust = ProxyTrust::builder()
///     .trust("127.0.0.1")
///     .trust("2001:db8::/32")
///     .source(ProxySource::Forwarded)
///     .source(ProxySource::XForwardedProto)
///     .list_rule(ListRule::Rightmost)
///     .build()
///     .unwrap();
/// let headers = [("Forwarded", "for=192.0.2.60;proto=http, for=198.51.100.17;Proto=\"HTTPS\"")];
/// let facts = RequestFacts::new("GET", false, Some("example.com"), "/", &headers)
///     .with_peer(Some("::ffff:127.0.0.1".parse().unwrap()));
/// assert!(trust.is_secure(&facts));
/// assert_eq!(trust.explain_secure(&facts), SecureReason::Proxy(&ProxySource::Forwarded));
///
/// assert!(!ProxyTrust::none().is_secure(&facts));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyTrust {
    pub(crate) networks: Vec<IpNet>,
    pub(crate) sources: Vec<ProxySource>,
    /// The sources were given (not the default), for deploy warnings.
    pub(crate) sources_configured: bool,
    pub(crate) list: ListRule,
}

impl Default for ProxyTrust {
    /// [`ProxyTrust::none`].
    fn default() -> Self {
        ProxyTrust::none()
    }
}

impl ProxyTrust {
    /// Trusts nobody: only TLS makes a request secure. The source is the default, one
    /// header (`x-forwarded-proto`), unused until a network is trusted.
    pub fn none() -> ProxyTrust {
        ProxyTrust {
            networks: Vec::new(),
            sources: default_sources(),
            sources_configured: false,
            list: ListRule::Leftmost,
        }
    }

    /// A builder, starting from [`ProxyTrust::none`].
    pub fn builder() -> ProxyTrustBuilder {
        ProxyTrustBuilder {
            trust: ProxyTrust::none(),
            sources_set: false,
            trusted_calls: 0,
            errors: Vec::new(),
        }
    }

    /// The trusted networks (single addresses as /32 or /128).
    pub fn networks(&self) -> &[IpNet] {
        &self.networks
    }

    /// The sources, in the order they were configured (every one is read; see
    /// [`ProxyTrust::is_secure`]).
    pub fn sources(&self) -> &[ProxySource] {
        &self.sources
    }

    /// Which element of a comma list counts.
    pub fn list_rule(&self) -> ListRule {
        self.list
    }

    /// True when the sources were configured (`proxy.sources`, `custom_header`, or
    /// [`ProxyTrustBuilder::source`]) rather than left at the default, even when the
    /// configured list equals the default. For deploy warnings.
    pub fn sources_configured(&self) -> bool {
        self.sources_configured
    }

    /// True when a trusted network covers every address (`0.0.0.0/0` or `::/0`): then
    /// any client can claim HTTPS. For deploy warnings.
    pub fn trusts_everyone(&self) -> bool {
        self.networks.iter().any(|n| n.prefix_len() == 0)
    }

    /// True when `peer` is inside a trusted network. An IPv4-mapped IPv6 peer also
    /// matches the IPv4 networks.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        if self.networks.iter().any(|n| n.contains(&peer)) {
            return true;
        }
        match peer {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => {
                    let v4 = IpAddr::V4(v4);
                    self.networks.iter().any(|n| n.contains(&v4))
                }
                None => false,
            },
            IpAddr::V4(_) => false,
        }
    }

    /// Is the request secure? TLS, or a trusted peer whose present sources all say
    /// HTTPS. Headers from an untrusted or unknown peer are ignored; sources that
    /// disagree make the request not secure (see [`SecureReason::Disagree`]). Does not
    /// allocate; with no trusted network it looks at `facts.tls` only.
    pub fn is_secure(&self, facts: &RequestFacts<'_>) -> bool {
        if facts.tls {
            return true;
        }
        if self.networks.is_empty() {
            return false;
        }
        match facts.peer {
            Some(peer) if self.trusts(peer) => {
                matches!(self.verdict(facts.headers), Verdict::Https(_))
            }
            _ => false,
        }
    }

    /// [`ProxyTrust::is_secure`], except that sources that disagree give
    /// `Err(SecureReason::Disagree { .. })` (for [`crate::policy::Policy::evaluate`],
    /// which refuses such a request). Does not allocate.
    #[inline(always)]
    pub(crate) fn secure_or_disagree(
        &self,
        facts: &RequestFacts<'_>,
    ) -> Result<bool, SecureReason<'_>> {
        // TLS, or no proxy trusted: decided inline, without a call.
        if facts.tls {
            return Ok(true);
        }
        if self.networks.is_empty() {
            return Ok(false);
        }
        self.secure_via_proxy(facts)
    }

    /// [`ProxyTrust::secure_or_disagree`] for a plain request under a policy that trusts
    /// proxies.
    fn secure_via_proxy(&self, facts: &RequestFacts<'_>) -> Result<bool, SecureReason<'_>> {
        match facts.peer {
            Some(peer) if self.trusts(peer) => match self.verdict(facts.headers) {
                Verdict::Https(_) => Ok(true),
                Verdict::Disagree { https, other } => Err(SecureReason::Disagree { https, other }),
                Verdict::Http | Verdict::Absent => Ok(false),
            },
            _ => Ok(false),
        }
    }

    /// [`ProxyTrust::is_secure`] with the reason, for explanations and logs.
    /// `explain_secure(f).is_secure() == is_secure(f)` always holds.
    pub fn explain_secure(&self, facts: &RequestFacts<'_>) -> SecureReason<'_> {
        if facts.tls {
            return SecureReason::Tls;
        }
        let trusted = !self.networks.is_empty() && facts.peer.is_some_and(|p| self.trusts(p));
        if trusted {
            return match self.verdict(facts.headers) {
                Verdict::Https(source) => SecureReason::Proxy(source),
                Verdict::Disagree { https, other } => SecureReason::Disagree { https, other },
                Verdict::Http | Verdict::Absent => SecureReason::NotSecure,
            };
        }
        if self
            .sources
            .iter()
            .any(|s| facts.headers.get(s.header()).is_some())
        {
            SecureReason::UntrustedPeer
        } else {
            SecureReason::NotSecure
        }
    }

    /// What the present sources say together. Reads every source, so that the order of
    /// the sources never decides.
    pub(crate) fn verdict(&self, headers: &dyn HeaderLookup) -> Verdict<'_> {
        let (mut https, mut other) = (None, None);
        for s in &self.sources {
            match s.says_https(headers, self.list) {
                Some(true) => {
                    https.get_or_insert(s);
                }
                Some(false) => {
                    other.get_or_insert(s);
                }
                None => {}
            }
        }
        match (https, other) {
            (Some(https), Some(other)) => Verdict::Disagree { https, other },
            (Some(s), None) => Verdict::Https(s),
            (None, Some(_)) => Verdict::Http,
            (None, None) => Verdict::Absent,
        }
    }
}

/// What a trusted peer's headers say (see [`ProxyTrust::verdict`]).
pub(crate) enum Verdict<'p> {
    /// No configured source is present.
    Absent,
    /// Every present source says HTTPS (the first is kept for explanations).
    Https(&'p ProxySource),
    /// Every present source says something else.
    Http,
    /// Some say HTTPS, some do not.
    Disagree {
        https: &'p ProxySource,
        other: &'p ProxySource,
    },
}

/// The default source: one header, `X-Forwarded-Proto` (what nginx, HAProxy, AWS ELB
/// and most proxies set). `Forwarded` is not read unless listed: many proxies pass a
/// client's `Forwarded` through while overwriting `X-Forwarded-Proto`.
pub(crate) fn default_sources() -> Vec<ProxySource> {
    vec![ProxySource::XForwardedProto]
}
