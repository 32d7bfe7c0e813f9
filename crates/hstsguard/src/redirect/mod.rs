//! HTTP to HTTPS redirects: whether a plain-HTTP request is redirected, refused or
//! served, and the exact `Location`.
//!
//! [`RedirectPolicy::decide`] in order:
//!
//! 1. A secure request, or redirects disabled: [`Action::Pass`].
//! 2. An exempt path: `Pass`. The ACME HTTP-01 path `/.well-known/acme-challenge/...`
//!    (on by default), then every `exempt` regular expression, *searched* (like Python's
//!    `re.search`, as Django's `SECURE_REDIRECT_EXEMPT` does) in the raw path: the target
//!    up to its first `?`, not percent-decoded. Anchor patterns yourself with `^` and `$`:
//!    `health` also exempts `/api/unhealthy`, `^/health$` only `/health`. Unlike Django the
//!    leading `/` is kept, so write `^/health$`, not `^health$`.
//! 3. The status: `status_get_head` for `GET` and `HEAD` (also `get`, `head`),
//!    `status_other` for every other method. A `status_other` of 403 or 426 refuses
//!    those methods instead ([`Action::Reject`], `redirect.method_refused`), so
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
//! use hstsguard::redirect::{Action, RedirectPolicy};
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
//!     Action::Redirect { status: 301, location: "https://www.example.com/a?b=1".into() }
//! );
//! assert_eq!(policy.decide(&get, true), Action::Pass);
//!
//! let health = RequestFacts::new("GET", false, Some("www.example.com"), "/health", &NoHeaders);
//! assert_eq!(policy.decide(&health, false), Action::Pass);
//!
//! let evil = RequestFacts::new("GET", false, Some("evil.example"), "/", &NoHeaders);
//! assert_eq!(policy.decide(&evil, false).code(), Some(Code::HostNotAllowed));
//! ```

mod config;
mod exempt;
mod location;
#[cfg(test)]
mod tests;

pub use config::RedirectPolicyBuilder;
pub use exempt::ExemptPattern;
pub use location::Location;

pub(crate) use config::from_section;
#[allow(unused_imports)]
use {exempt::*, location::*};

use crate::config::{OtherStatus, RedirectStatus};
use crate::host::{parse_view, AllowedHosts, Host, HostError};
use crate::issue::{quote, Code};
use crate::request::RequestFacts;

/// The statuses allowed for GET and HEAD.
pub const GET_HEAD_STATUSES: &[u16] = RedirectStatus::ALLOWED;
/// The statuses allowed for other methods (403 and 426 refuse instead of redirecting).
pub const OTHER_STATUSES: &[u16] = OtherStatus::ALLOWED;

/// What the server does with one request: pass it, redirect it to HTTPS, or reject it.
///
/// ```
/// use hstsguard::redirect::{Action, RedirectPolicy};
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
pub enum Action {
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

impl Action {
    /// True for [`Action::Pass`].
    pub fn is_pass(&self) -> bool {
        matches!(self, Action::Pass)
    }

    /// The status of a redirect or a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            Action::Pass => None,
            Action::Redirect { status, .. } | Action::Reject { status, .. } => Some(*status),
        }
    }

    /// The `Location` of a redirect.
    pub fn location(&self) -> Option<&str> {
        match self {
            Action::Redirect { location, .. } => Some(location),
            _ => None,
        }
    }

    /// The code of a refusal.
    pub fn code(&self) -> Option<Code> {
        match self {
            Action::Reject { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// `"pass"`, `"redirect"` or `"reject"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Pass => "pass",
            Action::Redirect { .. } => "redirect",
            Action::Reject { .. } => "reject",
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
/// use hstsguard::redirect::{Action, RedirectPolicy};
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
    pub(crate) enabled: bool,
    pub(crate) canonical_host: Option<Host>,
    /// `https://` + canonical host + port, when there is a canonical host.
    pub(crate) canonical_prefix: Option<Box<str>>,
    pub(crate) allowed_hosts: AllowedHosts,
    pub(crate) https_port: u16,
    pub(crate) keep_port: bool,
    pub(crate) exempt: Vec<ExemptPattern>,
    pub(crate) acme_exempt: bool,
    pub(crate) status_get_head: u16,
    pub(crate) status_other: u16,
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
    pub fn exempt(&self) -> &[ExemptPattern] {
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
    #[inline]
    pub fn is_exempt(&self, target: &str) -> bool {
        // The ACME prefix has no `?`: the target starts with it exactly when its path
        // does. The path, the patterns and the dot-segment scan are only looked at when
        // some exemption could apply.
        let acme = self.acme_exempt && target.starts_with(ACME_PREFIX);
        if !acme && self.exempt.is_empty() {
            return false;
        }
        let path = target.split_once('?').map_or(target, |(p, _)| p);
        (acme || self.exempt.iter().any(|e| e.is_match(path))) && !has_dot_segment(path)
    }

    /// Decides what to do with a request; `secure` comes from
    /// [`crate::proxy::ProxyTrust::is_secure`]. The steps are in the
    /// [module documentation](self). The pass path does not allocate; a redirect
    /// allocates its `Location` only.
    pub fn decide(&self, facts: &RequestFacts<'_>, secure: bool) -> Action {
        self.outcome(facts, secure).into_action()
    }

    /// [`RedirectPolicy::decide`] with the `Location` of a redirect not yet written
    /// ([`Location`]): a server writes it straight into its own buffer. Allocates
    /// nothing for a pass or a redirect to an already lowercase host.
    #[inline]
    pub fn outcome<'a>(&'a self, facts: &RequestFacts<'a>, secure: bool) -> Outcome<'a> {
        if secure || !self.enabled || self.is_exempt(facts.target) {
            return Outcome::Pass;
        }
        let get_or_head = matches!(facts.method, "GET" | "HEAD" | "get" | "head");
        let status = if get_or_head {
            self.status_get_head
        } else {
            self.status_other
        };
        if matches!(status, 403 | 426) {
            return Outcome::Reject {
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
            return Outcome::Redirect {
                status,
                location: Location::canonical(prefix, facts.target),
            };
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
        Outcome::Redirect {
            status,
            location: Location::host(host.name, port, facts.target),
        }
    }
}

/// [`RedirectPolicy::outcome`]: an [`Action`] whose redirect `Location` is not yet
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// Serve the request as it is.
    Pass,
    /// Redirect to HTTPS.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The `Location`, to be written.
        location: Location<'a>,
    },
    /// Refuse the request, as [`Action::Reject`].
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

impl Outcome<'_> {
    /// The [`Action`], with the `Location` of a redirect written to a `String`.
    pub fn into_action(self) -> Action {
        match self {
            Outcome::Pass => Action::Pass,
            Outcome::Redirect { status, location } => Action::Redirect {
                status,
                location: location.into_string(),
            },
            Outcome::Reject {
                status,
                code,
                reason,
            } => Action::Reject {
                status,
                code,
                reason,
            },
        }
    }
}

pub(crate) fn not_allowed(name: &str) -> Outcome<'static> {
    Outcome::Reject {
        status: 400,
        code: Code::HostNotAllowed,
        reason: format!("host {} is not in allowed_hosts", quote(name)),
    }
}

pub(crate) fn reject_host(e: HostError) -> Outcome<'static> {
    Outcome::Reject {
        status: 400,
        code: e.code(),
        reason: e.to_string(),
    }
}
