//! HTTP to HTTPS redirects: whether a plain-HTTP request is redirected, refused or
//! served, and the exact `Location`.
//!
//! [`RedirectPolicy::decide`] in order:
//!
//! 1. A secure request, or redirects disabled: [`RedirectOutcome::Pass`].
//! 2. An exempt path: `Pass`. The ACME HTTP-01 path `/.well-known/acme-challenge/...`
//!    (on by default), then every `exempt` regular expression, *searched* (like Python's
//!    `re.search`, as Django's `SECURE_REDIRECT_EXEMPT` does) in the raw path: the target
//!    up to its first `?`, not percent-decoded. Anchor patterns yourself with `^` and `$`:
//!    `health` also exempts `/api/unhealthy`, `^/health$` only `/health`. Unlike Django the
//!    leading `/` is kept, so write `^/health$`, not `^health$`.
//! 3. The status: `status_get_head` for `GET` and `HEAD` (also `get`, `head`),
//!    `status_other` for every other method. A `status_other` of 403 or 426 refuses
//!    those methods instead ([`RedirectOutcome::Reject`], `redirect.method_refused`), so
//!    a body already sent in clear text is not silently replayed over HTTPS. (A 426
//!    response must carry an `Upgrade` header, RFC 9110 §15.5.22: the server adds it.)
//! 4. The host: the canonical host when one is configured (a request `Host` that is
//!    present but malformed is still refused with 400); otherwise the request's `Host`,
//!    which must parse ([`crate::host::parse_host`]: 400 `host.missing` /
//!    `host.malformed`) and match `allowed_hosts` (400 `host.not_allowed`, never a
//!    redirect to some other host).
//! 5. The port: a canonical host's own port when it has one, else `https_port`; for the
//!    request's `Host`, its port is replaced by `https_port` unless `keep_port` is set,
//!    and port 80 is always dropped (replaced). Port 443 is never written.
//! 6. The path and query: [`RequestFacts::target`] kept byte for byte when it is a sane
//!    origin-form target. Otherwise it is repaired, never refused:
//!    - a leading run of `/` and `\` becomes a single `/` (so `//evil.example/x` can
//!      never become a scheme-relative URL), and a target that does not start with `/`
//!      (an absolute-form URL, `*`, or garbage) gets one prepended: it becomes a path on
//!      the chosen host, never another host;
//!    - these bytes are percent-encoded (`%XX`, upper-case hex): controls (CR, LF, NUL,
//!      ... and DEL), space, non-ASCII bytes (each UTF-8 byte), `"`, `#`, `<`, `>`, `\`,
//!      `` ` ``, `{` and `}`. Every other byte, including `%`, is kept.
//!
//! The guarantee: a `Location` is `https://` + a host that is the canonical host or an
//! allowed host (lowercase A-labels or an IP literal) + an optional port + a target that
//! starts with exactly one `/`; it never contains CR, LF, NUL, other controls, spaces,
//! non-ASCII or user-info.
//!
//! ```
//! use hstsguard::redirect::{RedirectOutcome, RedirectPolicy};
//! use hstsguard::{Code, NoHeaders, RequestFacts};
//!
//! let policy = RedirectPolicy::builder()
//!     .allowed_hosts([".example.com"])
//!     .exempt("^/health$")
//!     .build()
//!     .unwrap();
//!
//! let get = RequestFacts::new("GET", false, Some("www.example.com:8080"), "/a?b=1", &NoHeaders);
//! assert_eq!(
//!     policy.decide(&get, false),
//!     RedirectOutcome::Redirect { status: 301, location: "https://www.example.com/a?b=1".into() }
//! );
//! assert_eq!(policy.decide(&get, true), RedirectOutcome::Pass);
//!
//! let health = RequestFacts::new("GET", false, Some("www.example.com"), "/health", &NoHeaders);
//! assert_eq!(policy.decide(&health, false), RedirectOutcome::Pass);
//!
//! let evil = RequestFacts::new("GET", false, Some("evil.example"), "/", &NoHeaders);
//! assert_eq!(policy.decide(&evil, false).code(), Some(Code::HostNotAllowed));
//! ```

use regex::Regex;

use serde_json::Value;

use crate::config::field::Field;
use crate::config::reader::Reader;
use crate::config::{join, Kind, OtherStatus, Port, RedirectSection, RedirectStatus};
use crate::error::Error;
use crate::host::{parse_view, AllowedHosts, Host, HostError, HostPattern};
use crate::issue::{quote, Code};
use crate::request::RequestFacts;

/// The statuses allowed for GET and HEAD.
pub const GET_HEAD_STATUSES: &[u16] = RedirectStatus::ALLOWED;
/// The statuses allowed for other methods (403 and 426 refuse instead of redirecting).
pub const OTHER_STATUSES: &[u16] = OtherStatus::ALLOWED;

const ACME_PREFIX: &str = "/.well-known/acme-challenge/";

/// True when `path` has a segment that a server may normalise away after the exemption
/// check: a dot segment (see [`is_dot_segment`]), a backslash, or a percent-encoded dot,
/// slash or backslash anywhere.
fn has_dot_segment(path: &str) -> bool {
    let b = path.as_bytes();
    if b.contains(&b'\\') {
        return true;
    }
    let encoded = |w: &[u8]| {
        w[0] == b'%'
            && [b"2e", b"2f", b"5c"]
                .iter()
                .any(|e| w[1..].eq_ignore_ascii_case(&e[..]))
    };
    b.windows(3).any(encoded) || path.split('/').any(is_dot_segment)
}

/// A path segment that servers resolve as `.` or `..`: the part before the first `;`
/// (a path parameter, `..;jsessionid=x`, which Tomcat, Jetty and Spring strip before
/// resolving) or its percent-encoded form `%3B`, with each `%2E` (any case) read as a
/// dot, is `.` or `..`. So `..;`, `.;x`, `%2e%2E`, `.%2e;` and `%2E%3b` all count.
fn is_dot_segment(segment: &str) -> bool {
    let b = segment.as_bytes();
    let mut dots = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b';' {
            break;
        }
        if b[i] == b'.' {
            dots += 1;
            i += 1;
        } else if b[i] == b'%' && b.len() >= i + 3 {
            let hex = &b[i + 1..i + 3];
            if hex.eq_ignore_ascii_case(b"2e") {
                dots += 1;
                i += 3;
            } else if hex.eq_ignore_ascii_case(b"3b") {
                break;
            } else {
                return false;
            }
        } else {
            return false;
        }
        if dots > 2 {
            return false;
        }
    }
    dots == 1 || dots == 2
}

/// What to do with one request.
///
/// ```
/// use hstsguard::redirect::{RedirectOutcome, RedirectPolicy};
/// use hstsguard::{Code, NoHeaders, RequestFacts};
///
/// let policy = RedirectPolicy::builder().allowed_hosts(["example.com"]).build().unwrap();
/// let out = policy.decide(&RequestFacts::new("GET", false, None, "/", &NoHeaders), false);
/// assert_eq!(out.as_str(), "reject");
/// assert_eq!((out.status(), out.code()), (Some(400), Some(Code::HostMissing)));
///
/// let out = policy.decide(&RequestFacts::new("PUT", false, Some("example.com"), "/x", &NoHeaders), false);
/// assert_eq!(out.status(), Some(308));
/// assert_eq!(out.location(), Some("https://example.com/x"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectOutcome {
    /// Serve the request as it is.
    Pass,
    /// Redirect to HTTPS.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The absolute `https://` URL (see the [module documentation](self) for what it
        /// may contain).
        location: String,
    },
    /// Refuse the request.
    Reject {
        /// 400 for a bad Host, 403 or 426 for a method refused over plain HTTP.
        status: u16,
        /// `host.missing`, `host.malformed`, `host.not_allowed` or
        /// `redirect.method_refused`.
        code: Code,
        /// A message for logs; names the offending value, escaped and truncated.
        reason: String,
    },
}

impl RedirectOutcome {
    /// True for [`RedirectOutcome::Pass`].
    pub fn is_pass(&self) -> bool {
        matches!(self, RedirectOutcome::Pass)
    }

    /// The status of a redirect or a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            RedirectOutcome::Pass => None,
            RedirectOutcome::Redirect { status, .. } | RedirectOutcome::Reject { status, .. } => {
                Some(*status)
            }
        }
    }

    /// The `Location` of a redirect.
    pub fn location(&self) -> Option<&str> {
        match self {
            RedirectOutcome::Redirect { location, .. } => Some(location),
            _ => None,
        }
    }

    /// The code of a refusal.
    pub fn code(&self) -> Option<Code> {
        match self {
            RedirectOutcome::Reject { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// `"pass"`, `"redirect"` or `"reject"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RedirectOutcome::Pass => "pass",
            RedirectOutcome::Redirect { .. } => "redirect",
            RedirectOutcome::Reject { .. } => "reject",
        }
    }
}

/// The redirect settings (the `[redirect]` section of a policy document). Immutable and
/// `Send + Sync`; the canonical `Location` prefix is computed once, when it is built.
///
/// Defaults: enabled, no canonical host, every host allowed (`*`), HTTPS port 443,
/// `keep_port` off, no exempt pattern, ACME challenges exempt, 301 for GET/HEAD, 308
/// for other methods.
///
/// ```
/// use hstsguard::redirect::{RedirectOutcome, RedirectPolicy};
/// use hstsguard::{Code, NoHeaders, RequestFacts};
///
/// let policy = RedirectPolicy::builder()
///     .canonical_host("example.com")
///     .https_port(8443)
///     .status_other(426)
///     .build()
///     .unwrap();
/// let get = RequestFacts::new("GET", false, Some("203.0.113.5"), "//evil.example/%0d", &NoHeaders);
/// assert_eq!(
///     policy.decide(&get, false).location(),
///     Some("https://example.com:8443/evil.example/%0d")
/// );
/// let post = RequestFacts::new("POST", false, Some("example.com"), "/login", &NoHeaders);
/// assert_eq!(policy.decide(&post, false).code(), Some(Code::RedirectMethodRefused));
///
/// assert!(RedirectPolicy::builder().status_get_head(200).build().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    enabled: bool,
    canonical_host: Option<Host>,
    /// `https://` + canonical host + port, when there is a canonical host.
    canonical_prefix: Option<Box<str>>,
    allowed_hosts: AllowedHosts,
    https_port: u16,
    keep_port: bool,
    exempt: Vec<Regex>,
    acme_exempt: bool,
    status_get_head: u16,
    status_other: u16,
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        RedirectPolicy {
            enabled: true,
            canonical_host: None,
            canonical_prefix: None,
            allowed_hosts: AllowedHosts::any(),
            https_port: 443,
            keep_port: false,
            exempt: Vec::new(),
            acme_exempt: true,
            status_get_head: 301,
            status_other: 308,
        }
    }
}

impl PartialEq for RedirectPolicy {
    /// Compares every setting; exempt patterns by their source text.
    fn eq(&self, other: &Self) -> bool {
        self.enabled == other.enabled
            && self.canonical_host == other.canonical_host
            && self.allowed_hosts == other.allowed_hosts
            && self.https_port == other.https_port
            && self.keep_port == other.keep_port
            && self.exempt.len() == other.exempt.len()
            && self
                .exempt
                .iter()
                .zip(&other.exempt)
                .all(|(a, b)| a.as_str() == b.as_str())
            && self.acme_exempt == other.acme_exempt
            && self.status_get_head == other.status_get_head
            && self.status_other == other.status_other
    }
}

impl RedirectPolicy {
    /// A builder, starting from the defaults.
    pub fn builder() -> RedirectPolicyBuilder {
        RedirectPolicyBuilder::default()
    }

    /// Redirects off: every request passes.
    pub fn disabled() -> RedirectPolicy {
        RedirectPolicy {
            enabled: false,
            ..RedirectPolicy::default()
        }
    }

    /// Whether plain-HTTP requests are redirected at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The host every redirect goes to, when set (possibly with a port).
    pub fn canonical_host(&self) -> Option<&Host> {
        self.canonical_host.as_ref()
    }

    /// The hosts a request's `Host` must match when there is no canonical host.
    pub fn allowed_hosts(&self) -> &AllowedHosts {
        &self.allowed_hosts
    }

    /// The port written into a `Location` (omitted when 443).
    pub fn https_port(&self) -> u16 {
        self.https_port
    }

    /// Whether a request `Host`'s own port (other than 80) is kept.
    pub fn keep_port(&self) -> bool {
        self.keep_port
    }

    /// The exempt path patterns.
    pub fn exempt(&self) -> &[Regex] {
        &self.exempt
    }

    /// Whether `/.well-known/acme-challenge/` paths are exempt.
    pub fn acme_exempt(&self) -> bool {
        self.acme_exempt
    }

    /// The redirect status for GET and HEAD.
    pub fn status_get_head(&self) -> u16 {
        self.status_get_head
    }

    /// The status for other methods (403 or 426 refuse them).
    pub fn status_other(&self) -> u16 {
        self.status_other
    }

    /// True when the raw path (the target before any `?`) is exempt.
    ///
    /// A path with dot-segments (`/./`, `/../`, also with a path parameter, `/..;/`, and
    /// in any percent-encoded or mixed-case spelling, `/%2E%2e;x/`), a backslash, or a
    /// percent-encoded dot, slash or backslash is never exempt: servers normalise such
    /// paths after this decision (Tomcat, Jetty and Spring resolve `..;` as `..`), so
    /// `/.well-known/acme-challenge/..;/..;/admin` must not escape HTTPS.
    ///
    /// ```
    /// use hstsguard::redirect::RedirectPolicy;
    /// let p = RedirectPolicy::default();
    /// assert!(p.is_exempt("/.well-known/acme-challenge/tok3n_-A"));
    /// assert!(!p.is_exempt("/.well-known/acme-challenge/../../admin"));
    /// assert!(!p.is_exempt("/.well-known/acme-challenge/%2e%2e/admin"));
    /// assert!(!p.is_exempt("/.well-known/acme-challenge/..;/..;/admin"));
    /// ```
    pub fn is_exempt(&self, target: &str) -> bool {
        let path = target.split_once('?').map_or(target, |(p, _)| p);
        if has_dot_segment(path) || (!self.acme_exempt && self.exempt.is_empty()) {
            return false;
        }
        (self.acme_exempt && path.starts_with(ACME_PREFIX))
            || self.exempt.iter().any(|re| re.is_match(path))
    }

    /// Decides what to do with a request; `secure` comes from
    /// [`crate::secure::ProxyTrust::is_secure`]. The steps are in the
    /// [module documentation](self). The pass path does not allocate; a redirect
    /// allocates its `Location` only.
    pub fn decide(&self, facts: &RequestFacts<'_>, secure: bool) -> RedirectOutcome {
        if secure || !self.enabled || self.is_exempt(facts.target) {
            return RedirectOutcome::Pass;
        }
        let get_or_head = matches!(facts.method, "GET" | "HEAD" | "get" | "head");
        let status = if get_or_head {
            self.status_get_head
        } else {
            self.status_other
        };
        if matches!(status, 403 | 426) {
            return RedirectOutcome::Reject {
                status,
                code: Code::RedirectMethodRefused,
                reason: format!(
                    "method {} is refused over plain HTTP (status_other = {status}); use HTTPS",
                    quote(facts.method)
                ),
            };
        }
        if let Some(prefix) = &self.canonical_prefix {
            // The canonical host is the target. A malformed Host is still refused, and an
            // explicit allowed_hosts list (not "*") is still enforced, as it would be
            // without a canonical host.
            if let Some(raw) = facts.host {
                match parse_view(raw) {
                    Err(e @ HostError::Malformed { .. }) => return reject_host(e),
                    Ok(h)
                        if !self.allowed_hosts.allows_any()
                            && !self.allowed_hosts.matches_name(&h.name) =>
                    {
                        return not_allowed(&h.name)
                    }
                    _ => {}
                }
            }
            let mut location = String::with_capacity(prefix.len() + facts.target.len() + 1);
            location.push_str(prefix);
            push_target(&mut location, facts.target);
            return RedirectOutcome::Redirect { status, location };
        }
        let host = match facts.host.map(parse_view) {
            None => return reject_host(HostError::Missing),
            Some(Err(e)) => return reject_host(e),
            Some(Ok(h)) => h,
        };
        if !self.allowed_hosts.matches_name(&host.name) {
            return not_allowed(&host.name);
        }
        let port = match host.port {
            Some(p) if self.keep_port && p != 80 => p,
            _ => self.https_port,
        };
        let mut location = String::with_capacity(8 + host.name.len() + 6 + facts.target.len() + 1);
        location.push_str("https://");
        location.push_str(&host.name);
        push_port(&mut location, port);
        push_target(&mut location, facts.target);
        RedirectOutcome::Redirect { status, location }
    }
}

fn not_allowed(name: &str) -> RedirectOutcome {
    RedirectOutcome::Reject {
        status: 400,
        code: Code::HostNotAllowed,
        reason: format!("host {} is not in allowed_hosts", quote(name)),
    }
}

fn reject_host(e: HostError) -> RedirectOutcome {
    RedirectOutcome::Reject {
        status: 400,
        code: e.code(),
        reason: e.to_string(),
    }
}

/// `:port`, unless it is 443.
fn push_port(out: &mut String, port: u16) {
    if port == 443 {
        return;
    }
    out.push(':');
    let mut digits = [0u8; 5];
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
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// Bytes written as they are; everything else is percent-encoded.
fn keep_byte(b: u8) -> bool {
    matches!(b, b'!'..=b'~') && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\\' | b'`' | b'{' | b'}')
}

/// Writes the target as the rules of the module documentation say: one leading `/`,
/// unsafe bytes percent-encoded.
fn push_target(out: &mut String, target: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let rest = target.trim_start_matches(['/', '\\']);
    out.push('/');
    if rest.bytes().all(keep_byte) {
        out.push_str(rest);
        return;
    }
    for b in rest.bytes() {
        if keep_byte(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// Builds a [`RedirectPolicy`] in code: each method sets one key of a
/// [`RedirectSection`], read as a policy document's `[redirect]` section is read;
/// [`RedirectPolicyBuilder::build`] reports every bad value with its path
/// (`redirect.exempt[0]`).
#[derive(Debug, Default)]
pub struct RedirectPolicyBuilder {
    section: RedirectSection,
    exempt_calls: usize,
    r: Reader,
}

impl RedirectPolicyBuilder {
    /// Whether plain-HTTP requests are redirected at all.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.section.enabled = Some(enabled);
        self
    }

    /// Redirect every insecure request to this host (`example.com`,
    /// `example.com:8443`, `[2001:db8::1]`), whatever its `Host` was.
    pub fn canonical_host(mut self, host: &str) -> Self {
        self.section.canonical_host =
            Field::read_text(host, "redirect.canonical_host", &mut self.r);
        self
    }

    /// Replaces the allowed hosts with these patterns (Django's `ALLOWED_HOSTS`
    /// syntax, see [`AllowedHosts`]).
    pub fn allowed_hosts<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Vec::new();
        for (i, p) in patterns.into_iter().enumerate() {
            let path = format!("redirect.allowed_hosts[{i}]");
            list.extend(HostPattern::read_text(p.as_ref(), &path, &mut self.r));
        }
        self.section.allowed_hosts = Some(list);
        self
    }

    /// The port written into a `Location` (443 is omitted). Must not be 0.
    pub fn https_port(mut self, port: u16) -> Self {
        self.section.https_port = Some(Port(port));
        self
    }

    /// Keep a request `Host`'s port (other than 80) instead of `https_port`.
    pub fn keep_port(mut self, keep: bool) -> Self {
        self.section.keep_port = Some(keep);
        self
    }

    /// Adds an exempt path pattern (a regular expression searched in the raw path;
    /// anchor it with `^` yourself).
    pub fn exempt(mut self, pattern: &str) -> Self {
        let path = format!("redirect.exempt[{}]", self.exempt_calls);
        self.exempt_calls += 1;
        let read = ExemptPattern::read_text(pattern, &path, &mut self.r);
        self.section
            .exempt
            .get_or_insert_with(Vec::new)
            .extend(read);
        self
    }

    /// Whether `/.well-known/acme-challenge/` paths are exempt (default true).
    pub fn acme_exempt(mut self, exempt: bool) -> Self {
        self.section.acme_exempt = Some(exempt);
        self
    }

    /// The redirect status for GET and HEAD: 301, 302, 303, 307 or 308.
    pub fn status_get_head(mut self, status: u16) -> Self {
        self.section.status_get_head = Some(RedirectStatus(status));
        self
    }

    /// The status for other methods: 301, 302, 303, 307, 308, or 403 / 426 to refuse them.
    pub fn status_other(mut self, status: u16) -> Self {
        self.section.status_other = Some(OtherStatus(status));
        self
    }

    /// The policy, or [`Error::Config`] listing every bad value.
    pub fn build(self) -> Result<RedirectPolicy, Error> {
        let mut r = self.r;
        let policy = from_section(&self.section, "redirect", &mut r);
        crate::config::reader::into_result(r, policy)
    }
}

/// An exempt path pattern: a regular expression *searched* in the raw path (anchor it
/// yourself), compiled when it is read. Two patterns are equal when their text is.
///
/// ```
/// use hstsguard::redirect::ExemptPattern;
/// let p: ExemptPattern = "^/health$".parse().unwrap();
/// assert!(p.regex().is_match("/health"));
/// assert!("(".parse::<ExemptPattern>().is_err());
/// assert!("".parse::<ExemptPattern>().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ExemptPattern(Regex);

impl ExemptPattern {
    /// The compiled expression.
    pub fn regex(&self) -> &Regex {
        &self.0
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq for ExemptPattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::str::FromStr for ExemptPattern {
    type Err = Error;

    fn from_str(pattern: &str) -> Result<ExemptPattern, Error> {
        compile_exempt(pattern).map(ExemptPattern)
    }
}

impl Field for ExemptPattern {
    const KIND: Kind = Kind::Text;
    const SPLIT_COMMAS: bool = false;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<ExemptPattern> {
        match value {
            Value::String(s) => s.parse().map_err(|e| r.error(path, e)).ok(),
            other => {
                r.invalid_type(path, "a string", other);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.as_str().to_owned())
    }
}

crate::config::field::list_field!(ExemptPattern => Kind::Text);

/// Recomputes the canonical `Location` prefix: the canonical host's own port, else
/// `https_port`.
fn refresh_prefix(policy: &mut RedirectPolicy) {
    policy.canonical_prefix = policy.canonical_host.as_ref().map(|h| {
        let mut p = String::with_capacity(8 + h.name().len() + 6);
        p.push_str("https://");
        p.push_str(h.name());
        push_port(&mut p, h.port().unwrap_or(policy.https_port));
        p.into_boxed_str()
    });
}

/// `status` when it is one of `allowed`, else the problem is recorded at `path`.
fn status_in(status: u16, allowed: &[u16], path: &str, r: &mut Reader) -> Option<u16> {
    if allowed.contains(&status) {
        return Some(status);
    }
    let list = allowed
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    r.invalid_value(
        path,
        format!("status {status} is not allowed here; expected one of {list}"),
    );
    None
}

/// Compiles an exempt pattern; the error's reason is the regex error's last line.
fn compile_exempt(pattern: &str) -> Result<Regex, Error> {
    let invalid = |reason: &str| Error::InvalidValue {
        what: "exempt pattern",
        value: pattern.to_owned(),
        reason: reason.to_owned(),
    };
    if pattern.is_empty() {
        return Err(invalid("an empty pattern would exempt every path"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let text = e.to_string();
            let why = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid")
                .trim()
                .trim_start_matches("error: ");
            invalid(&format!("not a regular expression: {why}"))
        })
}

/// Builds the redirect rules from the `[redirect]` section of a policy document
/// (docs/POLICY.md). Every bad value is recorded with its path (`redirect.exempt[0]`).
pub(crate) fn from_section(s: &RedirectSection, path: &str, r: &mut Reader) -> RedirectPolicy {
    let mut p = RedirectPolicy {
        enabled: s.enabled(),
        keep_port: s.keep_port(),
        acme_exempt: s.acme_exempt(),
        ..RedirectPolicy::default()
    };
    let at = |key: &str| join(path, key);
    match s.https_port() {
        Port(0) => r.invalid_value(&at("https_port"), "0 is not a port (1-65535)"),
        Port(port) => p.https_port = port,
    }
    p.canonical_host = s.canonical_host.clone();
    refresh_prefix(&mut p);
    if let Some(patterns) = &s.allowed_hosts {
        p.allowed_hosts = AllowedHosts::from_patterns(patterns);
    }
    p.exempt = s.exempt.iter().flatten().map(|e| e.regex().clone()).collect();
    if let Some(st) = status_in(
        s.status_get_head().0,
        RedirectStatus::ALLOWED,
        &at("status_get_head"),
        r,
    ) {
        p.status_get_head = st;
    }
    if let Some(st) = status_in(s.status_other().0, OtherStatus::ALLOWED, &at("status_other"), r) {
        p.status_other = st;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::NoHeaders;
    use serde_json::{json, Value};

    fn facts<'a>(method: &'a str, host: Option<&'a str>, target: &'a str) -> RequestFacts<'a> {
        RequestFacts::new(method, false, host, target, &NoHeaders)
    }

    fn redirect(status: u16, location: &str) -> RedirectOutcome {
        RedirectOutcome::Redirect {
            status,
            location: location.to_owned(),
        }
    }

    fn go(p: &RedirectPolicy, method: &str, host: Option<&str>, target: &str) -> RedirectOutcome {
        p.decide(&facts(method, host, target), false)
    }

    #[test]
    fn defaults() {
        let p = RedirectPolicy::default();
        assert!(p.enabled() && p.acme_exempt() && !p.keep_port());
        assert_eq!(
            (p.https_port(), p.status_get_head(), p.status_other()),
            (443, 301, 308)
        );
        assert!(
            p.allowed_hosts().allows_any() && p.canonical_host().is_none() && p.exempt().is_empty()
        );
        assert_eq!(RedirectPolicy::builder().build().unwrap(), p);
        assert_eq!(
            go(&p, "GET", Some("example.com"), "/x?y=1#"),
            redirect(301, "https://example.com/x?y=1%23")
        );
        assert_eq!(
            go(&p, "HEAD", Some("example.com"), "/"),
            redirect(301, "https://example.com/")
        );
        assert_eq!(
            go(&p, "head", Some("example.com"), "/"),
            redirect(301, "https://example.com/")
        );
        assert_eq!(
            go(&p, "POST", Some("example.com"), "/"),
            redirect(308, "https://example.com/")
        );
        assert_eq!(
            go(&p, "Get", Some("example.com"), "/"),
            redirect(308, "https://example.com/")
        );
        assert_eq!(
            p.decide(&facts("GET", Some("example.com"), "/"), true),
            RedirectOutcome::Pass
        );
        assert_eq!(
            go(&RedirectPolicy::disabled(), "GET", None, "/"),
            RedirectOutcome::Pass
        );
    }

    #[test]
    fn host_refusals() {
        let p = RedirectPolicy::builder()
            .allowed_hosts(["example.com"])
            .build()
            .unwrap();
        let code = |host: Option<&str>| {
            let out = go(&p, "GET", host, "/");
            assert_eq!(out.status(), Some(400), "{host:?}");
            out.code().unwrap()
        };
        assert_eq!(code(None), Code::HostMissing);
        assert_eq!(code(Some("")), Code::HostMissing);
        assert_eq!(code(Some("exa mple.com")), Code::HostMalformed);
        assert_eq!(code(Some("evil.example")), Code::HostNotAllowed);
        assert_eq!(code(Some("www.example.com")), Code::HostNotAllowed);
        assert_eq!(
            go(&p, "GET", Some("EXAMPLE.com.:80"), "/"),
            redirect(301, "https://example.com/")
        );
        let none = RedirectPolicy::builder()
            .allowed_hosts(Vec::<String>::new())
            .build()
            .unwrap();
        assert_eq!(
            go(&none, "GET", Some("example.com"), "/").code(),
            Some(Code::HostNotAllowed)
        );
        let RedirectOutcome::Reject { reason, .. } = go(&p, "GET", Some("a\r\nb"), "/") else {
            panic!()
        };
        assert!(!reason.contains(['\r', '\n']), "{reason}");
    }

    #[test]
    fn ports() {
        let p = RedirectPolicy::default();
        assert_eq!(
            go(&p, "GET", Some("example.com:8080"), "/"),
            redirect(301, "https://example.com/")
        );
        assert_eq!(
            go(&p, "GET", Some("[::1]:8080"), "/"),
            redirect(301, "https://[::1]/")
        );
        let p = RedirectPolicy::builder().https_port(8443).build().unwrap();
        assert_eq!(
            go(&p, "GET", Some("example.com"), "/"),
            redirect(301, "https://example.com:8443/")
        );
        assert_eq!(
            go(&p, "GET", Some("example.com:80"), "/"),
            redirect(301, "https://example.com:8443/")
        );
        assert_eq!(
            go(&p, "GET", Some("example.com:8080"), "/"),
            redirect(301, "https://example.com:8443/")
        );
        let p = RedirectPolicy::builder().keep_port(true).build().unwrap();
        assert_eq!(
            go(&p, "GET", Some("example.com:8080"), "/"),
            redirect(301, "https://example.com:8080/")
        );
        assert_eq!(
            go(&p, "GET", Some("example.com:80"), "/"),
            redirect(301, "https://example.com/")
        );
        assert_eq!(
            go(&p, "GET", Some("example.com:443"), "/"),
            redirect(301, "https://example.com/")
        );
        assert_eq!(
            go(&p, "GET", Some("192.0.2.1:1"), "/"),
            redirect(301, "https://192.0.2.1:1/")
        );
        let p = RedirectPolicy::builder()
            .keep_port(true)
            .https_port(4443)
            .build()
            .unwrap();
        assert_eq!(
            go(&p, "GET", Some("example.com:80"), "/"),
            redirect(301, "https://example.com:4443/")
        );
        assert_eq!(
            go(&p, "GET", Some("example.com:65535"), "/"),
            redirect(301, "https://example.com:65535/")
        );
    }

    #[test]
    fn canonical_host() {
        let p = RedirectPolicy::builder()
            .canonical_host("WWW.Example.com")
            .build()
            .unwrap();
        assert_eq!(p.canonical_host().unwrap().name(), "www.example.com");
        for host in [
            None,
            Some(""),
            Some("evil.example"),
            Some("example.com:8080"),
            Some("[::1]"),
        ] {
            assert_eq!(
                go(&p, "GET", host, "/a"),
                redirect(301, "https://www.example.com/a"),
                "{host:?}"
            );
        }
        assert_eq!(
            go(&p, "GET", Some("evil@example.com"), "/").code(),
            Some(Code::HostMalformed)
        );
        assert_eq!(
            go(&p, "GET", Some("example.com\r\n"), "/").code(),
            Some(Code::HostMalformed)
        );
        // Port from the canonical host wins; otherwise https_port, whatever the order.
        let p = RedirectPolicy::builder()
            .canonical_host("example.com:8443")
            .https_port(9443)
            .build()
            .unwrap();
        assert_eq!(
            go(&p, "GET", None, "/"),
            redirect(301, "https://example.com:8443/")
        );
        let p = RedirectPolicy::builder()
            .canonical_host("example.com")
            .https_port(9443)
            .build()
            .unwrap();
        assert_eq!(
            go(&p, "GET", None, "/"),
            redirect(301, "https://example.com:9443/")
        );
        let p = RedirectPolicy::builder()
            .https_port(9443)
            .canonical_host("example.com:443")
            .build()
            .unwrap();
        assert_eq!(
            go(&p, "GET", None, "/"),
            redirect(301, "https://example.com/")
        );
        let p = RedirectPolicy::builder()
            .canonical_host("[2001:db8::1]")
            .keep_port(true)
            .build()
            .unwrap();
        assert_eq!(
            go(&p, "GET", Some("x:8080"), "/"),
            redirect(301, "https://[2001:db8::1]/")
        );
        for bad in [
            "https://example.com",
            "example.com/",
            "",
            "a b",
            "example.com:0",
            "user@example.com",
        ] {
            let err = RedirectPolicy::builder()
                .canonical_host(bad)
                .build()
                .unwrap_err();
            assert_eq!(
                err.config_errors()[0].path(),
                "redirect.canonical_host",
                "{bad}"
            );
        }
    }

    #[test]
    fn methods_and_statuses() {
        for &s in GET_HEAD_STATUSES {
            let p = RedirectPolicy::builder()
                .status_get_head(s)
                .build()
                .unwrap();
            assert_eq!(go(&p, "GET", Some("a.example"), "/").status(), Some(s));
        }
        for s in [301, 302, 303, 307, 308] {
            let p = RedirectPolicy::builder().status_other(s).build().unwrap();
            assert_eq!(go(&p, "DELETE", Some("a.example"), "/").status(), Some(s));
        }
        for s in [403, 426] {
            let p = RedirectPolicy::builder().status_other(s).build().unwrap();
            let out = go(&p, "POST", None, "/");
            assert_eq!(
                (out.status(), out.code()),
                (Some(s), Some(Code::RedirectMethodRefused))
            );
            assert_eq!(go(&p, "GET", Some("a.example"), "/").status(), Some(301));
            assert_eq!(
                p.decide(&facts("POST", None, "/"), true),
                RedirectOutcome::Pass
            );
        }
        for bad in [0, 200, 300, 304, 403, 426, 999] {
            assert!(
                RedirectPolicy::builder()
                    .status_get_head(bad)
                    .build()
                    .is_err(),
                "{bad}"
            );
        }
        for bad in [0, 200, 400, 404, 500] {
            assert!(
                RedirectPolicy::builder().status_other(bad).build().is_err(),
                "{bad}"
            );
        }
        assert!(RedirectPolicy::builder().https_port(0).build().is_err());
    }

    #[test]
    fn exemptions() {
        let p = RedirectPolicy::builder()
            .exempt("^/health$")
            .exempt("^/api/public/")
            .exempt("metrics")
            .build()
            .unwrap();
        let pass = |t: &str| go(&p, "GET", Some("example.com"), t).is_pass();
        assert!(pass("/health"));
        assert!(pass("/health?full=1"));
        assert!(!pass("/healthz"));
        assert!(!pass("/x/health"));
        assert!(pass("/api/public/a"));
        assert!(!pass("/api/private/a"));
        assert!(pass("/a/metrics/b"));
        assert!(!pass("/a?metrics"));
        assert!(!pass("/%68ealth"));
        assert!(pass("/.well-known/acme-challenge/token"));
        assert!(!pass("/.well-known/acme-challenge"));
        assert!(!pass("/.WELL-KNOWN/acme-challenge/token"));
        assert!(!pass("/.well-known/security.txt"));
        let p = RedirectPolicy::builder()
            .acme_exempt(false)
            .build()
            .unwrap();
        assert!(!go(
            &p,
            "GET",
            Some("example.com"),
            "/.well-known/acme-challenge/t"
        )
        .is_pass());
        // Exempt paths pass before the Host is looked at.
        let p = RedirectPolicy::builder()
            .allowed_hosts(["example.com"])
            .build()
            .unwrap();
        assert!(go(&p, "GET", None, "/.well-known/acme-challenge/t").is_pass());
        let err = RedirectPolicy::builder()
            .exempt("^/ok$")
            .exempt("(")
            .exempt("")
            .build()
            .unwrap_err();
        let paths: Vec<_> = err.config_errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["redirect.exempt[1]", "redirect.exempt[2]"]);
        assert!(
            err.config_errors()[0].message().contains("unclosed group"),
            "{err}"
        );
    }

    #[test]
    fn targets_are_kept_or_repaired() {
        let p = RedirectPolicy::default();
        let loc = |t: &str| {
            go(&p, "GET", Some("example.com"), t)
                .location()
                .unwrap()
                .to_owned()
        };
        let cases = [
            ("/", "https://example.com/"),
            ("", "https://example.com/"),
            (
                "/a/b;c=d?e=f&g=%20h|i^j[k]",
                "https://example.com/a/b;c=d?e=f&g=%20h|i^j[k]",
            ),
            (
                "/~user/!$&'()*+,;=:@",
                "https://example.com/~user/!$&'()*+,;=:@",
            ),
            ("/%zz%", "https://example.com/%zz%"),
            ("//evil.example/x", "https://example.com/evil.example/x"),
            ("///evil.example", "https://example.com/evil.example"),
            ("/\\evil.example", "https://example.com/evil.example"),
            ("\\\\evil.example", "https://example.com/evil.example"),
            ("/a//b", "https://example.com/a//b"),
            (
                "/a?next=//evil.example",
                "https://example.com/a?next=//evil.example",
            ),
            (
                "http://evil.example/x",
                "https://example.com/http://evil.example/x",
            ),
            (
                "https://user@evil.example/",
                "https://example.com/https://user@evil.example/",
            ),
            ("*", "https://example.com/*"),
            ("?q=1", "https://example.com/?q=1"),
            ("/a b", "https://example.com/a%20b"),
            (
                "/a\r\nLocation: https://evil.example",
                "https://example.com/a%0D%0ALocation:%20https://evil.example",
            ),
            ("/\0", "https://example.com/%00"),
            ("/\x7f\x1b", "https://example.com/%7F%1B"),
            ("/é", "https://example.com/%C3%A9"),
            (
                "/\"<script>`{}\\#",
                "https://example.com/%22%3Cscript%3E%60%7B%7D%5C%23",
            ),
        ];
        for (target, want) in cases {
            assert_eq!(loc(target), want, "{target:?}");
        }
    }

    /// Checks the guarantee of the module documentation for one outcome.
    fn assert_guarantee(out: &RedirectOutcome, allowed: &dyn Fn(&str) -> bool, ctx: &str) {
        let RedirectOutcome::Redirect { location, status } = out else {
            if let RedirectOutcome::Reject { reason, .. } = out {
                assert!(
                    !reason.chars().any(char::is_control),
                    "{ctx}: reason {reason:?}"
                );
            }
            return;
        };
        assert!(GET_HEAD_STATUSES.contains(status), "{ctx}");
        assert!(
            location.bytes().all(|b| b.is_ascii_graphic()),
            "{ctx}: {location:?}"
        );
        let rest = location
            .strip_prefix("https://")
            .unwrap_or_else(|| panic!("{ctx}: {location:?}"));
        let end = rest
            .find('/')
            .unwrap_or_else(|| panic!("{ctx}: no path in {location:?}"));
        let (authority, path) = rest.split_at(end);
        assert!(
            !authority.contains(['@', '?', '#', '\\', '%']),
            "{ctx}: {location:?}"
        );
        assert!(!path.starts_with("//"), "{ctx}: {location:?}");
        let name = match authority.rsplit_once(':') {
            Some((n, port)) if !n.ends_with(':') && (n.starts_with('[') == n.ends_with(']')) => {
                let p: u16 = port
                    .parse()
                    .unwrap_or_else(|_| panic!("{ctx}: port in {location:?}"));
                assert!(p != 0 && p != 443, "{ctx}: {location:?}");
                n
            }
            _ => authority,
        };
        assert!(allowed(name), "{ctx}: host {name:?} in {location:?}");
        assert_eq!(
            crate::host::parse_host(authority).map(|h| h.to_string()).as_deref(),
            Ok(authority),
            "{ctx}"
        );
    }

    #[test]
    fn adversarial_requests_keep_the_guarantee() {
        let hosts: Vec<String> = [
            "example.com",
            "EXAMPLE.COM",
            "example.com.",
            "example.com..",
            "www.example.com",
            "evil.example",
            "example.com.evil.example",
            "evil.example\r\nSet-Cookie: a=b",
            "example.com\r\n",
            "example.com\n",
            "example.com\r",
            "\r\nexample.com",
            "example.com\0",
            "example.com\0evil.example",
            "evil.example@example.com",
            "example.com@evil.example",
            "user:pass@example.com",
            "@example.com",
            "example.com ",
            " example.com",
            "exa mple.com",
            "example.com\t",
            "example.com:8080",
            "example.com:80",
            "example.com:443",
            "example.com:0",
            "example.com:65536",
            "example.com:99999",
            "example.com:4294967297",
            "example.com:18446744073709551617",
            "example.com:-80",
            "example.com:8080:80",
            "example.com:",
            "example.com:http",
            "[::1]",
            "[::1]:8443",
            "[::1]:",
            "[::1]]",
            "[[::1]]",
            "[::1",
            "::1",
            "::1:8080",
            "[fe80::1%25eth0]",
            "[fe80::1%eth0]:80",
            "[::ffff:127.0.0.1]",
            "[2001:db8::1]:65536",
            "[example.com]",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1",
            "0x7f.0.0.1",
            "2130706433",
            "exa%6dple.com",
            "example.com%2fevil.example",
            "example.com%0d%0a",
            "%65xample.com",
            "bücher.example",
            "BÜCHER.example",
            "xn--bcher-kva.example",
            "xn--zz.example",
            "ｅｘａｍｐｌｅ.com",
            "example。com",
            "example.com\u{FF0F}evil.example",
            "example.com\u{2028}",
            "exam\u{200B}ple.com",
            "example.com/evil.example",
            "example.com\\evil.example",
            "example.com?.evil.example",
            "example.com#.evil.example",
            "http://evil.example",
            "https://example.com",
            "//evil.example",
            "*",
            ".example.com",
            "",
            ".",
            "-",
            "_",
            "a..b",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([
            "a".repeat(64) + ".example.com",
            ["a".repeat(63).as_str(); 5].join("."),
            "x".repeat(100_000),
        ])
        .collect();
        let targets = [
            "/",
            "",
            "/a/b?c=d",
            "//evil.example",
            "//evil.example/path",
            "///evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "\\\\evil.example",
            "/%2f%2fevil.example",
            "http://evil.example/",
            "https://user:pass@evil.example/x",
            "evil.example",
            "@evil.example",
            "*",
            "?q=//evil.example",
            "/a b",
            "/a\r\nSet-Cookie: x=1",
            "/a\nLocation: //evil.example",
            "/\r\n\r\n<html>",
            "/\0",
            "/\x7f",
            "/\x1b[31m",
            "/é/ü?ß=∂",
            "/\u{202E}gnp.exe",
            "/a#frag",
            "/\"><script>alert(1)</script>",
            "/%0d%0aSet-Cookie:%20x",
            "/.well-known/acme-challenge/../../admin",
            "/\t/evil.example",
        ];
        let policies = [
            RedirectPolicy::builder()
                .allowed_hosts([
                    "example.com",
                    ".example.org",
                    "[::1]",
                    "127.0.0.1",
                    "xn--bcher-kva.example",
                ])
                .build()
                .unwrap(),
            RedirectPolicy::builder()
                .allowed_hosts(["example.com", "[::1]", "127.0.0.1", "xn--bcher-kva.example"])
                .keep_port(true)
                .https_port(8443)
                .build()
                .unwrap(),
            RedirectPolicy::builder()
                .canonical_host("example.com")
                .acme_exempt(false)
                .build()
                .unwrap(),
            RedirectPolicy::builder()
                .canonical_host("[::1]:8443")
                .build()
                .unwrap(),
            RedirectPolicy::default(),
        ];
        let allowed: [&dyn Fn(&str) -> bool; 5] = [
            &|n| {
                ["example.com", "[::1]", "127.0.0.1", "xn--bcher-kva.example"].contains(&n)
                    || n == "example.org"
                    || n.ends_with(".example.org")
            },
            &|n| ["example.com", "[::1]", "127.0.0.1", "xn--bcher-kva.example"].contains(&n),
            &|n| n == "example.com",
            &|n| n == "[::1]",
            // `*`: any host, but still a well-formed one (checked by the re-parse).
            &|n| !n.is_empty(),
        ];
        let mut redirects = 0;
        for (p, ok) in policies.iter().zip(allowed) {
            for host in &hosts {
                for target in targets {
                    for method in ["GET", "POST"] {
                        let out = p.decide(&facts(method, Some(host), target), false);
                        let ctx = format!("{method} {host:?} {target:?}");
                        assert_guarantee(&out, ok, &ctx);
                        redirects += usize::from(matches!(out, RedirectOutcome::Redirect { .. }));
                    }
                }
                let out = p.decide(&facts("GET", None, "/"), false);
                assert_guarantee(&out, ok, "no host");
            }
        }
        assert!(redirects > 2000, "{redirects}");
        // Specific hostile hosts never produce a redirect without a canonical host.
        for host in [
            "evil.example@example.com",
            "example.com\r\n",
            "example.com:99999",
            "[fe80::1%25eth0]",
            "exa%6dple.com",
        ] {
            assert_eq!(
                go(&policies[4], "GET", Some(host), "/").status(),
                Some(400),
                "{host:?}"
            );
        }
    }

    #[test]
    fn config_reads_everything() {
        let v = json!({
            "enabled": true,
            "canonical_host": "Example.com",
            "allowed_hosts": ["example.com", ".example.com"],
            "https_port": 8443,
            "keep_port": true,
            "exempt": ["^/health$", "^/api/public/"],
            "acme_exempt": false,
            "status_get_head": 302,
            "status_other": 426,
        });
        let (p, errs) = config(&v);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(p.canonical_host().unwrap().to_string(), "example.com");
        assert_eq!(
            p.allowed_hosts().patterns().collect::<Vec<_>>(),
            ["example.com", ".example.com"]
        );
        assert_eq!(
            (p.https_port(), p.keep_port(), p.acme_exempt()),
            (8443, true, false)
        );
        assert_eq!(
            (p.status_get_head(), p.status_other(), p.exempt().len()),
            (302, 426, 2)
        );
        assert_eq!(
            go(&p, "GET", None, "/"),
            redirect(302, "https://example.com:8443/")
        );
        let (p, errs) = config(&json!({}));
        assert!(errs.is_empty());
        assert_eq!(p, RedirectPolicy::default());
        let (p, errs) = config(&json!({"allowed_hosts": "example.com"}));
        assert!(errs.is_empty());
        assert!(!p.allowed_hosts().allows_any());
    }

    fn config(v: &Value) -> (RedirectPolicy, Vec<(String, &'static str)>) {
        crate::config::reader::build_section("redirect", v, from_section)
    }

    #[test]
    fn config_reports_every_error_with_its_path() {
        let v = json!({
            "enabled": "yes",
            "canonical_host": "https://example.com/",
            "allowed_hosts": ["example.com", "*.example.com", 3, "example.com:8080"],
            "https_port": 70000,
            "keep_port": 1,
            "exempt": ["^/ok$", "(", "[z-a]"],
            "acme_exempt": null,
            "status_get_head": 200,
            "status_other": -1,
            "statusother": 308,
        });
        let (_, errs) = config(&v);
        let want: Vec<(String, &str)> = [
            // In document order: the order of the keys in the schema (docs/POLICY.md).
            ("redirect.enabled", "config.invalid_type"),
            ("redirect.canonical_host", "config.invalid_value"),
            ("redirect.allowed_hosts[1]", "config.invalid_value"),
            ("redirect.allowed_hosts[2]", "config.invalid_type"),
            ("redirect.allowed_hosts[3]", "config.invalid_value"),
            ("redirect.https_port", "config.invalid_value"),
            ("redirect.keep_port", "config.invalid_type"),
            ("redirect.exempt[1]", "config.invalid_value"),
            ("redirect.exempt[2]", "config.invalid_value"),
            ("redirect.acme_exempt", "config.invalid_type"),
            ("redirect.status_get_head", "config.invalid_value"),
            ("redirect.status_other", "config.invalid_type"),
            ("redirect.statusother", "config.unknown_key"),
        ]
        .into_iter()
        .map(|(p, c)| (p.to_owned(), c))
        .collect();
        assert_eq!(errs, want);
        let (_, errs) = config(&json!({"exempt": 5, "allowed_hosts": {"a": 1}}));
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync + Clone>() {}
        check::<RedirectPolicy>();
        check::<RedirectOutcome>();
    }
}
