//! The proxy headers that can say a request came over HTTPS, and how each is read (comma lists, RFC 7239 `Forwarded`).

use std::fmt;
use std::str::FromStr;

use super::config::{check_header_name, check_header_value};
use crate::config::field::words;
use crate::error::Error;
use crate::issue::quote;
use crate::request::HeaderLookup;

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
/// use hstsguard::proxy::ProxySource;
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
pub(crate) const PRESETS: [(&str, ProxySource); 6] = [
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
    /// use hstsguard::proxy::{ListRule, ProxySource};
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

/// Trims optional whitespace (space and tab).
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// The element the rule selects, trimmed, skipping empty elements.
pub(crate) fn select<'a>(
    elements: impl Iterator<Item = &'a str>,
    list: ListRule,
) -> Option<&'a str> {
    let mut non_empty = elements.map(trim).filter(|e| !e.is_empty());
    match list {
        ListRule::Leftmost => non_empty.next(),
        ListRule::Rightmost => non_empty.last(),
    }
}

/// Splits on `sep` outside quoted-strings (with `\` escapes inside them).
pub(crate) struct SplitQuoted<'a> {
    pub(crate) rest: Option<&'a str>,
    pub(crate) sep: u8,
}

impl<'a> Iterator for SplitQuoted<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let mut quotes = Quotes::default();
        for (i, &c) in s.as_bytes().iter().enumerate() {
            if quotes.outside(c) && c == self.sep {
                self.rest = Some(&s[i + 1..]);
                return Some(&s[..i]);
            }
        }
        self.rest = None;
        Some(s)
    }
}

pub(crate) fn split_quoted(s: &str, sep: u8) -> SplitQuoted<'_> {
    SplitQuoted { rest: Some(s), sep }
}

/// True when every quoted-string is terminated.
pub(crate) fn quotes_balanced(s: &str) -> bool {
    let mut quotes = Quotes::default();
    for &c in s.as_bytes() {
        quotes.outside(c);
    }
    !quotes.quoted
}

/// Where a scan is in RFC 9110 quoted-strings (`"..."` with `\` escapes).
#[derive(Default)]
struct Quotes {
    quoted: bool,
    escaped: bool,
}

impl Quotes {
    /// Takes the next byte: true when it stands outside every quoted-string (a quote
    /// that opens or closes one does not).
    fn outside(&mut self, c: u8) -> bool {
        if self.escaped {
            self.escaped = false;
        } else if self.quoted {
            match c {
                b'\\' => self.escaped = true,
                b'"' => self.quoted = false,
                _ => {}
            }
        } else if c == b'"' {
            self.quoted = true;
        } else {
            return true;
        }
        false
    }
}

/// The `Forwarded` rule: `None` when the selected element has no `proto`.
pub(crate) fn forwarded_proto_is_https(raw: &str, list: ListRule) -> Option<bool> {
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
pub(crate) fn proto_value_is_https(value: &str) -> bool {
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
