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
//! use hstsguard::secure::{ProxySource, ProxyTrust};
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

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde_json::Value;

use crate::config::field::{words, Field};
use crate::config::reader::Reader;
use crate::config::{join, Kind, ProxySection};
use crate::error::{ConfigError, Error};
use crate::issue::quote;
use crate::request::{HeaderLookup, RequestFacts};

/// Where a trusted proxy states the scheme the client used.
///
/// The presets and what makes them say HTTPS (values are trimmed of spaces and tabs
/// and compared ASCII case-insensitively):
///
/// | preset name | header | HTTPS when |
/// |---|---|---|
/// | `forwarded` | `Forwarded` (RFC 7239) | the selected element has `proto=https` |
/// | `x-forwarded-proto` | `X-Forwarded-Proto` | the selected element is `https` |
/// | `x-forwarded-ssl` | `X-Forwarded-Ssl` | the selected element is `on` |
/// | `front-end-https` | `Front-End-Https` | the selected element is `on` |
/// | `x-arr-ssl` | `X-ARR-SSL` (IIS ARR) | the value is not empty |
/// | `cloudfront-forwarded-proto` | `CloudFront-Forwarded-Proto` | the selected element is `https` |
///
/// [`ProxySource::Custom`] works like Django's `SECURE_PROXY_SSL_HEADER`: HTTPS when the
/// selected element of `header` equals `value`.
///
/// "Selected element": values are comma lists (a proxy chain appends, and a repeated
/// header is combined with `, `); the [`ListRule`] picks which element counts. Empty
/// elements are ignored (RFC 9110 §5.6.1). `X-ARR-SSL` is not a list (its value is
/// certificate text that contains commas): the whole value counts.
///
/// `Forwarded`: elements are separated by commas and parameters by semicolons, outside
/// quoted-strings; parameter names are case-insensitive and values may be quoted
/// (`proto="https"`). The source counts as *present* only when the selected element has
/// a `proto` parameter, so `Forwarded: for=192.0.2.1` alone counts as absent.
/// An unterminated quoted-string or a repeated `proto` in the selected element makes it
/// say "not HTTPS" (fail closed).
///
/// `Display` writes the preset name (the header name for a custom source); `FromStr`
/// reads the preset names, case-insensitively.
///
/// ```
/// use hstsguard::secure::ProxySource;
///
/// let s: ProxySource = "X-Forwarded-Proto".parse().unwrap();
/// assert_eq!(s, ProxySource::XForwardedProto);
/// assert_eq!(s.to_string(), "x-forwarded-proto");
/// assert_eq!(s.header(), "X-Forwarded-Proto");
/// assert!("x-forwarded-scheme".parse::<ProxySource>().is_err());
///
/// let django = ProxySource::custom("X-Forwarded-Protocol", "ssl").unwrap();
/// assert_eq!(django.header(), "X-Forwarded-Protocol");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProxySource {
    /// `Forwarded: for=...;proto=https` (RFC 7239).
    Forwarded,
    /// `X-Forwarded-Proto: https`.
    XForwardedProto,
    /// `X-Forwarded-Ssl: on`.
    XForwardedSsl,
    /// `Front-End-Https: on` (Microsoft).
    FrontEndHttps,
    /// `X-ARR-SSL`: any non-empty value means TLS (IIS Application Request Routing).
    XArrSsl,
    /// `CloudFront-Forwarded-Proto: https` (Amazon CloudFront).
    CloudFrontForwardedProto,
    /// A header and the value that means HTTPS, like Django's `SECURE_PROXY_SSL_HEADER`.
    /// Build it with [`ProxySource::custom`], which validates both.
    Custom {
        /// The header name (an RFC 9110 token).
        header: String,
        /// The value meaning HTTPS (compared trimmed, case-insensitively). A value with
        /// a comma never matches, since only one list element is compared.
        value: String,
    },
}

/// The preset names, in documentation order.
const PRESETS: [(&str, ProxySource); 6] = [
    ("forwarded", ProxySource::Forwarded),
    ("x-forwarded-proto", ProxySource::XForwardedProto),
    ("x-forwarded-ssl", ProxySource::XForwardedSsl),
    ("front-end-https", ProxySource::FrontEndHttps),
    ("x-arr-ssl", ProxySource::XArrSsl),
    (
        "cloudfront-forwarded-proto",
        ProxySource::CloudFrontForwardedProto,
    ),
];

impl ProxySource {
    /// The preset names accepted by `FromStr`.
    pub const PRESET_NAMES: [&'static str; 6] = [
        "forwarded",
        "x-forwarded-proto",
        "x-forwarded-ssl",
        "front-end-https",
        "x-arr-ssl",
        "cloudfront-forwarded-proto",
    ];

    /// A custom source: HTTPS when `header`'s selected element equals `value`. The
    /// header name must be an RFC 9110 token; the value must be non-empty after
    /// trimming and free of control characters and commas. The error names the value.
    pub fn custom(header: &str, value: &str) -> Result<ProxySource, Error> {
        check_header_name(header)?;
        let value = check_header_value(value)?;
        Ok(ProxySource::Custom {
            header: header.to_owned(),
            value: value.to_owned(),
        })
    }

    /// The preset name (`x-forwarded-proto`), or the header name for a custom source.
    pub fn name(&self) -> &str {
        match self {
            ProxySource::Custom { header, .. } => header,
            preset => PRESETS
                .iter()
                .find(|(_, p)| p == preset)
                .map_or("custom", |(n, _)| n),
        }
    }

    /// The header this source reads.
    pub fn header(&self) -> &str {
        match self {
            ProxySource::Forwarded => "Forwarded",
            ProxySource::XForwardedProto => "X-Forwarded-Proto",
            ProxySource::XForwardedSsl => "X-Forwarded-Ssl",
            ProxySource::FrontEndHttps => "Front-End-Https",
            ProxySource::XArrSsl => "X-ARR-SSL",
            ProxySource::CloudFrontForwardedProto => "CloudFront-Forwarded-Proto",
            ProxySource::Custom { header, .. } => header,
        }
    }

    /// What this source says about the request: `None` when it is absent, otherwise
    /// whether it says HTTPS. Does not allocate.
    ///
    /// When the header occurs in several fields, they count as one comma-joined list:
    /// the leftmost rule reads the first field that has a non-empty element, the
    /// rightmost rule the last one (so a field appended by the nearest proxy wins over
    /// one the client sent).
    pub fn says_https(&self, headers: &dyn HeaderLookup, list: ListRule) -> Option<bool> {
        let raw = match list {
            ListRule::Leftmost => headers.get(self.header())?,
            ListRule::Rightmost => {
                let mut last = None;
                let mut first = None;
                headers.for_each_value(self.header(), &mut |v| {
                    first.get_or_insert(v);
                    if v.split(',').any(|e| !trim(e).is_empty()) {
                        last = Some(v);
                    }
                });
                last.or(first)?
            }
        };
        let answer = match self {
            ProxySource::Forwarded => return forwarded_proto_is_https(raw, list),
            ProxySource::XArrSsl => !trim(raw).is_empty(),
            ProxySource::XForwardedProto | ProxySource::CloudFrontForwardedProto => {
                select(raw.split(','), list).is_some_and(|v| v.eq_ignore_ascii_case("https"))
            }
            ProxySource::XForwardedSsl | ProxySource::FrontEndHttps => {
                select(raw.split(','), list).is_some_and(|v| v.eq_ignore_ascii_case("on"))
            }
            ProxySource::Custom { value, .. } => {
                let want = trim(value);
                !want.is_empty()
                    && select(raw.split(','), list).is_some_and(|v| v.eq_ignore_ascii_case(want))
            }
        };
        Some(answer)
    }
}

impl fmt::Display for ProxySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A proxy source name that is not a preset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown proxy source {value}; expected one of \"forwarded\", \"x-forwarded-proto\", \
     \"x-forwarded-ssl\", \"front-end-https\", \"x-arr-ssl\", \"cloudfront-forwarded-proto\""
)]
pub struct UnknownProxySource {
    /// The name as given, quoted for a message.
    pub value: String,
}

impl FromStr for ProxySource {
    type Err = UnknownProxySource;

    fn from_str(s: &str) -> Result<ProxySource, UnknownProxySource> {
        PRESETS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, p)| p.clone())
            .ok_or_else(|| UnknownProxySource { value: quote(s) })
    }
}

words! {
    /// Which element of a comma-separated list counts.
    ///
    /// A header may hold a list: a proxy chain appends (`X-Forwarded-Proto: https, http`),
    /// a repeated header is combined with `, `, and `Forwarded` has one element per proxy.
    /// Empty elements are skipped (RFC 9110 §5.6.1) before choosing; Django and Express
    /// take the text before the first comma as it is, so for `", https"` they say "not
    /// HTTPS" where hstsguard says HTTPS (the leftmost element is client-controlled anyway
    /// when a proxy appends).
    ///
    /// - [`ListRule::Leftmost`] (the default, as Django and Express do): the first element,
    ///   written by the proxy nearest the client. Right when the trusted proxy *replaces*
    ///   the header (nginx `proxy_set_header X-Forwarded-Proto $scheme`).
    /// - [`ListRule::Rightmost`]: the last element, written by the proxy that connected to
    ///   this server. Right when the trusted proxy *appends* to whatever the client sent
    ///   (then the leftmost element is the client's and can be spoofed).
    ///
    /// ```
    /// use hstsguard::secure::{ListRule, ProxySource};
    ///
    /// let headers = [("X-Forwarded-Proto", "https, http")];
    /// let s = ProxySource::XForwardedProto;
    /// assert_eq!(s.says_https(&headers, ListRule::Leftmost), Some(true));
    /// assert_eq!(s.says_https(&headers, ListRule::Rightmost), Some(false));
    /// assert_eq!("rightmost".parse::<ListRule>().unwrap(), ListRule::Rightmost);
    /// ```
    #[derive(Default)]
    pub enum ListRule ("list rule") {
        /// The first non-empty element.
        #[default]
        Leftmost = "leftmost",
        /// The last non-empty element.
        Rightmost = "rightmost",
    }
}

words! {
    /// A proxy source named in a policy document's `proxy.sources`: one of the presets
    /// of [`ProxySource`], or `custom` for the place of `proxy.custom_header`.
    pub enum SourceName ("proxy source") unique = true {
        /// `Forwarded` (RFC 7239 `proto=`).
        Forwarded = "forwarded",
        /// `X-Forwarded-Proto`.
        XForwardedProto = "x-forwarded-proto",
        /// `X-Forwarded-Ssl: on`.
        XForwardedSsl = "x-forwarded-ssl",
        /// `Front-End-Https: on`.
        FrontEndHttps = "front-end-https",
        /// `X-ARR-SSL` (any value).
        XArrSsl = "x-arr-ssl",
        /// `CloudFront-Forwarded-Proto`.
        CloudFrontForwardedProto = "cloudfront-forwarded-proto",
        /// The header of `proxy.custom_header`, at this place in the order.
        Custom = "custom",
    }
}

crate::config::field::list_field!(SourceName => SourceName::KIND);

impl SourceName {
    /// The preset this name stands for; `None` for `custom`.
    pub fn preset(self) -> Option<ProxySource> {
        Some(match self {
            SourceName::Forwarded => ProxySource::Forwarded,
            SourceName::XForwardedProto => ProxySource::XForwardedProto,
            SourceName::XForwardedSsl => ProxySource::XForwardedSsl,
            SourceName::FrontEndHttps => ProxySource::FrontEndHttps,
            SourceName::XArrSsl => ProxySource::XArrSsl,
            SourceName::CloudFrontForwardedProto => ProxySource::CloudFrontForwardedProto,
            SourceName::Custom => return None,
        })
    }
}

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
/// use hstsguard::secure::{ListRule, ProxySource, ProxyTrust, SecureReason};
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
    networks: Vec<IpNet>,
    sources: Vec<ProxySource>,
    /// The sources were given (not the default), for deploy warnings.
    sources_configured: bool,
    list: ListRule,
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
    pub(crate) fn secure_or_disagree(
        &self,
        facts: &RequestFacts<'_>,
    ) -> Result<bool, SecureReason<'_>> {
        if facts.tls {
            return Ok(true);
        }
        if self.networks.is_empty() {
            return Ok(false);
        }
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
    fn verdict(&self, headers: &dyn HeaderLookup) -> Verdict<'_> {
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
enum Verdict<'p> {
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
fn default_sources() -> Vec<ProxySource> {
    vec![ProxySource::XForwardedProto]
}

/// Builds a [`ProxyTrust`]; every bad value is collected and reported by
/// [`ProxyTrustBuilder::build`].
#[derive(Debug, Clone)]
pub struct ProxyTrustBuilder {
    trust: ProxyTrust,
    sources_set: bool,
    /// How many times `trust` was called, for the error paths.
    trusted_calls: usize,
    errors: Vec<ConfigError>,
}

impl ProxyTrustBuilder {
    /// Trusts a network (`10.0.0.0/8`, `2001:db8::/32`) or a single address
    /// (`127.0.0.1`, `::1`). Host bits after the prefix are ignored (`10.1.2.3/8` is
    /// `10.0.0.0/8`).
    pub fn trust(mut self, network: &str) -> Self {
        let path = format!("proxy.trusted[{}]", self.trusted_calls);
        self.trusted_calls += 1;
        match parse_network(network) {
            Ok(net) => self.trust_network_inner(net),
            Err(e) => self.errors.extend(e.at(&path)),
        }
        self
    }

    /// Trusts a network.
    pub fn trust_network(mut self, network: IpNet) -> Self {
        self.trust_network_inner(unmap(network.trunc()));
        self
    }

    fn trust_network_inner(&mut self, network: IpNet) {
        if !self.trust.networks.contains(&network) {
            self.trust.networks.push(network);
        }
    }

    /// Adds a source, read along with those added before. The first call replaces the
    /// default source (`x-forwarded-proto`).
    pub fn source(mut self, source: ProxySource) -> Self {
        if !self.sources_set {
            self.trust.sources.clear();
            self.sources_set = true;
            self.trust.sources_configured = true;
        }
        if !self.trust.sources.contains(&source) {
            self.trust.sources.push(source);
        }
        self
    }

    /// Which element of a comma list counts.
    pub fn list_rule(mut self, list: ListRule) -> Self {
        self.trust.list = list;
        self
    }

    /// The trust settings, or [`Error::Config`] listing every bad network.
    pub fn build(self) -> Result<ProxyTrust, Error> {
        if self.errors.is_empty() {
            Ok(self.trust)
        } else {
            Err(Error::Config(self.errors))
        }
    }
}

/// Reads a trusted-proxy network: a CIDR network (`10.0.0.0/8`, `2001:db8::/32`) or a
/// single address (`127.0.0.1`). Host bits after the prefix are ignored. An IPv4-mapped
/// IPv6 network (`::ffff:10.0.0.0/104`) is stored as the IPv4 network it maps
/// (`10.0.0.0/8`), so it matches IPv4 and mapped peers alike.
///
/// ```
/// use hstsguard::secure::parse_network;
/// assert_eq!(parse_network("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
/// assert_eq!(parse_network("::ffff:10.0.0.0/104").unwrap().to_string(), "10.0.0.0/8");
/// assert_eq!(parse_network("ten").unwrap_err().code(), hstsguard::Code::ConfigInvalidValue);
/// ```
pub fn parse_network(text: &str) -> Result<IpNet, Error> {
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(unmap(net.trunc()));
    }
    if let Ok(addr) = text.parse::<IpAddr>() {
        return Ok(unmap(IpNet::from(addr)));
    }
    Err(Error::InvalidValue {
        what: "trusted proxy network",
        value: text.to_owned(),
        reason: "not an IP address or CIDR network (such as \"10.0.0.0/8\", \"2001:db8::/32\" or \"127.0.0.1\")".to_owned(),
    })
}

impl Field for IpNet {
    const KIND: Kind = Kind::Text;
    const SPLIT_COMMAS: bool = true;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<IpNet> {
        match value {
            Value::String(s) => match parse_network(s) {
                Ok(net) => Some(net),
                Err(e) => {
                    r.error(path, e);
                    None
                }
            },
            other => {
                r.invalid_type(path, "a string", other);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

crate::config::field::list_field!(IpNet => Kind::Text);

fn unmap(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
                .map(IpNet::V4)
                .unwrap_or(net),
            None => net,
        },
        _ => net,
    }
}

/// An RFC 9110 token.
fn check_header_name(name: &str) -> Result<(), Error> {
    let invalid = |reason: &str| Error::InvalidValue {
        what: "header name",
        value: name.to_owned(),
        reason: reason.to_owned(),
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if !name.bytes().all(crate::directive::is_tchar) {
        return Err(invalid("not an RFC 9110 token"));
    }
    Ok(())
}

/// Non-empty after trimming, no control characters (CR, LF, NUL, ...), no comma.
fn check_header_value(value: &str) -> Result<&str, Error> {
    let invalid = |reason: &str| Error::InvalidValue {
        what: "header value",
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid("it contains a control character"));
    }
    let trimmed = trim(value);
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    if trimmed.contains(',') {
        return Err(invalid(
            "it contains a comma; only one list element is compared, so it could never match",
        ));
    }
    Ok(trimmed)
}

/// Trims optional whitespace (space and tab).
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// The element the rule selects, trimmed, skipping empty elements.
fn select<'a>(elements: impl Iterator<Item = &'a str>, list: ListRule) -> Option<&'a str> {
    let mut non_empty = elements.map(trim).filter(|e| !e.is_empty());
    match list {
        ListRule::Leftmost => non_empty.next(),
        ListRule::Rightmost => non_empty.last(),
    }
}

/// Splits on `sep` outside quoted-strings (with `\` escapes inside them).
struct SplitQuoted<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for SplitQuoted<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let b = s.as_bytes();
        let (mut quoted, mut escaped) = (false, false);
        for (i, &c) in b.iter().enumerate() {
            if escaped {
                escaped = false;
            } else if quoted {
                match c {
                    b'\\' => escaped = true,
                    b'"' => quoted = false,
                    _ => {}
                }
            } else if c == b'"' {
                quoted = true;
            } else if c == self.sep {
                self.rest = Some(&s[i + 1..]);
                return Some(&s[..i]);
            }
        }
        self.rest = None;
        Some(s)
    }
}

fn split_quoted(s: &str, sep: u8) -> SplitQuoted<'_> {
    SplitQuoted { rest: Some(s), sep }
}

/// True when every quoted-string is terminated.
fn quotes_balanced(s: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for &c in s.as_bytes() {
        if escaped {
            escaped = false;
        } else if quoted {
            match c {
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
        } else if c == b'"' {
            quoted = true;
        }
    }
    !quoted
}

/// The `Forwarded` rule: `None` when the selected element has no `proto`.
fn forwarded_proto_is_https(raw: &str, list: ListRule) -> Option<bool> {
    if !quotes_balanced(raw) {
        return Some(false);
    }
    let element = select(split_quoted(raw, b','), list)?;
    let mut found = None;
    for pair in split_quoted(element, b';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if !trim(name).eq_ignore_ascii_case("proto") {
            continue;
        }
        if found.is_some() {
            // RFC 7239 §4: a parameter must not occur twice in one element.
            return Some(false);
        }
        found = Some(proto_value_is_https(trim(value)));
    }
    found
}

/// `https` as a token or a quoted-string (with `\` escapes), any case.
fn proto_value_is_https(value: &str) -> bool {
    let Some(inner) = value.strip_prefix('"') else {
        return value.eq_ignore_ascii_case("https");
    };
    let Some(inner) = inner.strip_suffix('"') else {
        return false;
    };
    let want = b"https";
    let mut n = 0;
    let mut bytes = inner.bytes();
    while let Some(mut c) = bytes.next() {
        if c == b'\\' {
            match bytes.next() {
                Some(next) => c = next,
                None => return false,
            }
        }
        if n == want.len() || !c.eq_ignore_ascii_case(&want[n]) {
            return false;
        }
        n += 1;
    }
    n == want.len()
}

/// Builds the proxy trust from the `[proxy]` section of a policy document
/// (docs/POLICY.md): `trusted`, `sources`, `custom_header`, `list`. Every bad value is
/// recorded with its path.
///
/// `custom_header = {name, value}` adds a [`ProxySource::Custom`]: where `"custom"`
/// appears in `sources`, else after the listed sources, and as the only source when
/// `sources` is absent (Django's `SECURE_PROXY_SSL_HEADER` is the only header Django
/// reads).
pub(crate) fn from_section(s: &ProxySection, path: &str, r: &mut Reader) -> ProxyTrust {
    let at = |key: &str| join(path, key);
    let mut out = ProxyTrust::none();
    out.networks = s.trusted();

    let custom = s.custom_header.as_ref().and_then(|c| {
        let cpath = at("custom_header");
        let part = |key: &str, v: &Option<String>, r: &mut Reader| {
            let p = join(&cpath, key);
            if v.is_none() && !r.errors.iter().any(|e| e.path() == p) {
                r.invalid_value(&p, format!("missing: custom_header needs `{key}`"));
            }
            v.clone()
        };
        let name = part("name", &c.name, r);
        let value = part("value", &c.value, r);
        let name = name?;
        let value = value?;
        let checked_name = check_header_name(&name);
        let checked_value = check_header_value(&value);
        if let Err(e) = &checked_name {
            r.error(&join(&cpath, "name"), e.clone());
        }
        match checked_value {
            Err(e) => {
                r.error(&join(&cpath, "value"), e);
                None
            }
            Ok(v) => checked_name.ok().map(|()| ProxySource::Custom {
                header: name.clone(),
                value: v.to_owned(),
            }),
        }
    });

    let mut sources = Vec::new();
    let mut custom_placed = false;
    if let Some(names) = &s.sources {
        for (i, name) in names.iter().enumerate() {
            match name.preset() {
                Some(preset) => sources.push(preset),
                None if s.custom_header.is_none() => r.invalid_value(
                    &format!("{}[{i}]", at("sources")),
                    "\"custom\" needs a custom_header = {name, value} table",
                ),
                None => {
                    custom_placed = true;
                    sources.extend(custom.clone());
                }
            }
        }
    }
    if !custom_placed {
        sources.extend(custom);
    }
    out.sources_configured = s.sources.is_some() || s.custom_header.is_some();
    out.sources = if out.sources_configured {
        sources
    } else {
        default_sources()
    };
    out.list = s.list();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::NoHeaders;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn facts<'a>(
        tls: bool,
        peer: Option<IpAddr>,
        headers: &'a dyn HeaderLookup,
    ) -> RequestFacts<'a> {
        RequestFacts::new("GET", tls, Some("example.com"), "/", headers).with_peer(peer)
    }

    fn trust(nets: &[&str], sources: &[ProxySource], list: ListRule) -> ProxyTrust {
        let mut b = ProxyTrust::builder().list_rule(list);
        for n in nets {
            b = b.trust(n);
        }
        for s in sources {
            b = b.source(s.clone());
        }
        b.build().unwrap()
    }

    fn says(source: ProxySource, value: &str, list: ListRule) -> Option<bool> {
        source.says_https(&[(source.header(), value)], list)
    }

    #[test]
    fn tls_is_always_secure() {
        let t = ProxyTrust::none();
        assert!(t.is_secure(&facts(true, None, &NoHeaders)));
        assert!(!t.is_secure(&facts(false, None, &NoHeaders)));
        assert_eq!(
            t.explain_secure(&facts(true, None, &NoHeaders)),
            SecureReason::Tls
        );
    }

    #[test]
    fn untrusted_peers_cannot_spoof() {
        let h = [("X-Forwarded-Proto", "https"), ("Forwarded", "proto=https")];
        let none = ProxyTrust::none();
        assert!(!none.is_secure(&facts(false, ip("10.0.0.1"), &h)));
        assert_eq!(
            none.explain_secure(&facts(false, ip("10.0.0.1"), &h)),
            SecureReason::UntrustedPeer
        );
        let t = trust(&["10.0.0.0/8"], &[], ListRule::Leftmost);
        assert!(t.is_secure(&facts(false, ip("10.0.0.1"), &h)));
        assert!(!t.is_secure(&facts(false, ip("11.0.0.1"), &h)));
        assert!(!t.is_secure(&facts(false, None, &h)));
        assert_eq!(
            t.explain_secure(&facts(false, None, &h)),
            SecureReason::UntrustedPeer
        );
        assert_eq!(
            t.explain_secure(&facts(false, ip("11.0.0.1"), &NoHeaders)),
            SecureReason::NotSecure
        );
    }

    #[test]
    fn networks_and_mapped_addresses() {
        let t = trust(
            &["10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"],
            &[],
            ListRule::Leftmost,
        );
        assert_eq!(t.networks().len(), 4);
        for yes in [
            "10.255.0.1",
            "192.0.2.7",
            "::ffff:192.0.2.7",
            "::ffff:10.9.9.9",
            "2001:db8::5",
            "::1",
        ] {
            assert!(t.trusts(yes.parse().unwrap()), "{yes}");
        }
        for no in [
            "192.0.2.8",
            "11.0.0.1",
            "2001:db9::1",
            "::2",
            "::ffff:11.0.0.1",
            "::10.0.0.1",
        ] {
            assert!(!t.trusts(no.parse().unwrap()), "{no}");
        }
        assert!(!t.trusts_everyone());
        assert!(trust(&["0.0.0.0/0"], &[], ListRule::Leftmost).trusts_everyone());
        assert!(trust(&["::/0"], &[], ListRule::Leftmost).trusts_everyone());
        assert_eq!(
            trust(&["10.1.2.3/8"], &[], ListRule::Leftmost).networks()[0].to_string(),
            "10.0.0.0/8"
        );
        let err = ProxyTrust::builder()
            .trust("10.0.0.1")
            .trust("10.0.0.1")
            .trust("10.0.0.0/33")
            .trust("nope")
            .build()
            .unwrap_err();
        let paths: Vec<_> = err
            .config_errors()
            .iter()
            .map(|e| e.path().to_owned())
            .collect();
        assert_eq!(paths, ["proxy.trusted[2]", "proxy.trusted[3]"]);
    }

    #[test]
    fn preset_values() {
        use ListRule::*;
        use ProxySource::*;
        assert_eq!(says(XForwardedProto, "https", Leftmost), Some(true));
        assert_eq!(says(XForwardedProto, " HTTPS\t", Leftmost), Some(true));
        assert_eq!(says(XForwardedProto, "http", Leftmost), Some(false));
        assert_eq!(says(XForwardedProto, "", Leftmost), Some(false));
        assert_eq!(says(XForwardedProto, "https, http", Leftmost), Some(true));
        assert_eq!(says(XForwardedProto, "https, http", Rightmost), Some(false));
        assert_eq!(says(XForwardedProto, "http,https", Rightmost), Some(true));
        assert_eq!(says(XForwardedProto, ", https", Leftmost), Some(true));
        assert_eq!(says(XForwardedProto, "https, ", Rightmost), Some(true));
        assert_eq!(says(XForwardedProto, "https;x", Leftmost), Some(false));
        assert_eq!(says(XForwardedProto, "httpss", Leftmost), Some(false));
        assert_eq!(says(XForwardedSsl, "on", Leftmost), Some(true));
        assert_eq!(says(XForwardedSsl, "On", Leftmost), Some(true));
        assert_eq!(says(XForwardedSsl, "off", Leftmost), Some(false));
        assert_eq!(says(XForwardedSsl, "1", Leftmost), Some(false));
        assert_eq!(says(FrontEndHttps, "ON", Leftmost), Some(true));
        assert_eq!(says(FrontEndHttps, "off, on", Rightmost), Some(true));
        assert_eq!(
            says(XArrSsl, "2048|256|C=US, O=Example|CN=x", Leftmost),
            Some(true)
        );
        assert_eq!(says(XArrSsl, "  ", Leftmost), Some(false));
        assert_eq!(
            says(CloudFrontForwardedProto, "https", Leftmost),
            Some(true)
        );
        assert_eq!(
            says(CloudFrontForwardedProto, "http", Leftmost),
            Some(false)
        );
        let custom = ProxySource::custom("X-Forwarded-Protocol", " SSL ").unwrap();
        assert_eq!(says(custom.clone(), "ssl", Leftmost), Some(true));
        assert_eq!(says(custom.clone(), "tls", Leftmost), Some(false));
        assert_eq!(says(custom, "ssl, http", Rightmost), Some(false));
        assert_eq!(XForwardedProto.says_https(&NoHeaders, Leftmost), None);
    }

    #[test]
    fn forwarded_parsing() {
        use ListRule::*;
        use ProxySource::Forwarded as F;
        assert_eq!(says(F, "proto=https", Leftmost), Some(true));
        assert_eq!(
            says(F, "for=192.0.2.60;proto=https;by=203.0.113.43", Leftmost),
            Some(true)
        );
        assert_eq!(
            says(
                F,
                "For=\"[2001:db8:cafe::17]:4711\";PROTO=\"HTTPS\"",
                Leftmost
            ),
            Some(true)
        );
        assert_eq!(says(F, "for=a; proto = https ;by=b", Leftmost), Some(true));
        assert_eq!(says(F, "proto=\"ht\\tps\"", Leftmost), Some(true));
        assert_eq!(says(F, "proto=http", Leftmost), Some(false));
        assert_eq!(says(F, "for=192.0.2.60", Leftmost), None);
        assert_eq!(says(F, "", Leftmost), None);
        assert_eq!(says(F, "proto=https, proto=http", Leftmost), Some(true));
        assert_eq!(says(F, "proto=https, proto=http", Rightmost), Some(false));
        assert_eq!(says(F, "proto=http, for=x", Rightmost), None);
        assert_eq!(
            says(F, "for=\"a,proto=http\";proto=https", Leftmost),
            Some(true)
        );
        assert_eq!(
            says(F, "for=\"a;proto=http\";proto=https", Leftmost),
            Some(true)
        );
        assert_eq!(
            says(F, "for=\"unterminated;proto=https", Leftmost),
            Some(false)
        );
        assert_eq!(says(F, "proto=https;proto=https", Leftmost), Some(false));
        assert_eq!(says(F, "proto=\"https", Leftmost), Some(false));
        assert_eq!(says(F, "proto=\"https\"x", Leftmost), Some(false));
        assert_eq!(says(F, "proto=\"httpsx\"", Leftmost), Some(false));
        assert_eq!(says(F, "proto=\"http\"", Leftmost), Some(false));
        assert_eq!(says(F, "xproto=https", Leftmost), None);
    }

    #[test]
    fn present_sources_decide_together() {
        let t = trust(
            &["10.0.0.0/8"],
            &[ProxySource::Forwarded, ProxySource::XForwardedProto],
            ListRule::Leftmost,
        );
        let peer = ip("10.0.0.2");
        // The reproduction of issue 15: a client's Forwarded against the proxy's
        // X-Forwarded-Proto, in either direction and either order.
        for h in [
            [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")],
            [("X-Forwarded-Proto", "http"), ("Forwarded", "proto=https")],
            [("X-Forwarded-Proto", "https"), ("Forwarded", "proto=http")],
        ] {
            assert!(!t.is_secure(&facts(false, peer, &h)));
            assert!(matches!(
                t.explain_secure(&facts(false, peer, &h)),
                SecureReason::Disagree { .. }
            ));
        }
        let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
        assert_eq!(
            t.explain_secure(&facts(false, peer, &h)),
            SecureReason::Disagree {
                https: &ProxySource::XForwardedProto,
                other: &ProxySource::Forwarded
            }
        );
        // A source without a verdict (no proto parameter) is absent.
        let h = [("Forwarded", "for=1.2.3.4"), ("X-Forwarded-Proto", "https")];
        assert!(t.is_secure(&facts(false, peer, &h)));
        assert_eq!(
            t.explain_secure(&facts(false, peer, &h)),
            SecureReason::Proxy(&ProxySource::XForwardedProto)
        );
        let h = [("Forwarded", "proto=https"), ("X-Forwarded-Proto", "HTTPS")];
        assert_eq!(
            t.explain_secure(&facts(false, peer, &h)),
            SecureReason::Proxy(&ProxySource::Forwarded)
        );
        let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "http")];
        assert_eq!(
            t.explain_secure(&facts(false, peer, &h)),
            SecureReason::NotSecure
        );
        let h = [("X-Forwarded-Ssl", "on")];
        assert!(!t.is_secure(&facts(false, peer, &h)));
        assert_eq!(
            t.explain_secure(&facts(false, peer, &h)),
            SecureReason::NotSecure
        );
        // Untrusted peers: nothing is read, so nothing disagrees.
        let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
        assert_eq!(
            t.explain_secure(&facts(false, ip("11.0.0.1"), &h)),
            SecureReason::UntrustedPeer
        );
    }

    #[test]
    fn one_source_by_default() {
        let t = ProxyTrust::builder().trust("10.0.0.0/8").build().unwrap();
        assert_eq!(t.sources(), [ProxySource::XForwardedProto]);
        let peer = ip("10.0.0.7");
        // A client's Forwarded is not read at all by default.
        let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
        assert!(t.is_secure(&facts(false, peer, &h)));
        let h = [("Forwarded", "proto=https")];
        assert!(!t.is_secure(&facts(false, peer, &h)));
    }

    #[test]
    fn source_names_round_trip() {
        for name in ProxySource::PRESET_NAMES {
            let s: ProxySource = name.parse().unwrap();
            assert_eq!(s.to_string(), name);
            assert_eq!(name.to_uppercase().parse::<ProxySource>().unwrap(), s);
        }
        let e = "x-forwarded-scheme"
            .parse::<ProxySource>()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x-forwarded-scheme") && e.contains("cloudfront-forwarded-proto"),
            "{e}"
        );
        assert!(ProxySource::custom("Bad Header", "x").is_err());
        assert!(ProxySource::custom("", "x").is_err());
        assert!(ProxySource::custom("X-Ok", "").is_err());
        assert!(ProxySource::custom("X-Ok", "a\r\nb").is_err());
        assert!(ProxySource::custom("X-Ok", "a,b").is_err());
        assert_eq!(
            ListRule::Rightmost.to_string().parse::<ListRule>(),
            Ok(ListRule::Rightmost)
        );
        assert!("middle".parse::<ListRule>().is_err());
    }

    fn config(v: serde_json::Value) -> (ProxyTrust, Vec<(String, &'static str)>) {
        crate::config::reader::build_section("proxy", &v, from_section)
    }

    #[test]
    fn config_reads_everything() {
        let (p, errs) = config(serde_json::json!({
            "trusted": ["10.0.0.0/8", "127.0.0.1", "2001:db8::/32"],
            "sources": ["x-forwarded-proto", "custom", "forwarded"],
            "custom_header": {"name": "X-Forwarded-Protocol", "value": "ssl"},
            "list": "rightmost",
        }));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(p.networks().len(), 3);
        assert_eq!(
            p.sources(),
            [
                ProxySource::XForwardedProto,
                ProxySource::custom("X-Forwarded-Protocol", "ssl").unwrap(),
                ProxySource::Forwarded
            ]
        );
        assert_eq!(p.list_rule(), ListRule::Rightmost);

        let (p, errs) =
            config(serde_json::json!({"custom_header": {"name": "X-Proto", "value": "https"}}));
        assert!(errs.is_empty());
        assert_eq!(
            p.sources(),
            [ProxySource::custom("X-Proto", "https").unwrap()]
        );
        let (p, _) = config(
            serde_json::json!({"sources": ["forwarded"], "custom_header": {"name": "X-Proto", "value": "https"}}),
        );
        assert_eq!(p.sources().len(), 2);
        let (p, errs) = config(serde_json::json!({}));
        assert!(errs.is_empty());
        assert_eq!(p, ProxyTrust::none());
        let (p, _) = config(serde_json::json!({"trusted": ["10.0.0.0/8"]}));
        assert_eq!(p.sources(), [ProxySource::XForwardedProto]);
        let (p, errs) = config(serde_json::json!({"trusted": "10.0.0.1"}));
        assert!(errs.is_empty());
        assert_eq!(p.networks()[0].to_string(), "10.0.0.1/32");
    }

    #[test]
    fn config_reports_every_error_with_its_path() {
        let (_, errs) = config(serde_json::json!({
            "trusted": ["10.0.0.0/8", "10.0.0.0/99", 7, "example.com"],
            "sources": ["forwarded", "x-forwarded-scheme", "forwarded", "custom"],
            "list": "middle",
            "trustd": [],
        }));
        let want: Vec<(String, &str)> = vec![
            ("proxy.trusted[1]".into(), "config.invalid_value"),
            ("proxy.trusted[2]".into(), "config.invalid_type"),
            ("proxy.trusted[3]".into(), "config.invalid_value"),
            ("proxy.sources[1]".into(), "config.invalid_value"),
            ("proxy.sources[2]".into(), "config.invalid_value"),
            // sources[3] is "custom" without custom_header: not checked while the list
            // has items that cannot be used.
            ("proxy.list".into(), "config.invalid_value"),
            ("proxy.trustd".into(), "config.unknown_key"),
        ];
        assert_eq!(errs, want);

        let (_, errs) = config(serde_json::json!({
            "custom_header": {"name": "Bad Name", "value": "a\r\nb", "extra": 1},
            "list": 3,
            "sources": "nope",
        }));
        let want: Vec<(String, &str)> = vec![
            ("proxy.sources".into(), "config.invalid_value"),
            ("proxy.custom_header.name".into(), "config.invalid_value"),
            ("proxy.custom_header.value".into(), "config.invalid_value"),
            ("proxy.custom_header.extra".into(), "config.unknown_key"),
            ("proxy.list".into(), "config.invalid_type"),
        ];
        assert_eq!(errs, want);

        let (_, errs) = config(serde_json::json!({"custom_header": {"name": "X-A"}, "sources": 5}));
        let want: Vec<(String, &str)> = vec![
            ("proxy.sources".into(), "config.invalid_type"),
            ("proxy.custom_header.value".into(), "config.invalid_value"),
        ];
        assert_eq!(errs, want);
        let (_, errs) = config(serde_json::json!({"custom_header": "X-A: b"}));
        assert_eq!(
            errs,
            [("proxy.custom_header".to_owned(), "config.invalid_type")]
        );
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync + Clone>() {}
        check::<ProxyTrust>();
        check::<ProxySource>();
    }
}
