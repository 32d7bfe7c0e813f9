//! One immutable [`Policy`] bundling HSTS, proxy trust, redirects, cookie rules and
//! (optionally) HPKP; per request, [`Policy::evaluate`] returns a [`Decision`].
//!
//! Build it once at configuration time (from a TOML or JSON document, see
//! `docs/POLICY.md`, or with [`PolicyBuilder`]); share it between threads and forked
//! workers. Header values are computed when the policy is built; the secure pass path
//! of [`Policy::evaluate`] does not allocate.
//!
//! ```
//! use hstsguard::policy::{Action, Policy};
//! use hstsguard::RequestFacts;
//!
//! let policy = Policy::from_toml(r#"
//!     [hsts]
//!     max_age = "2y"
//!     preload = true
//!     [redirect]
//!     allowed_hosts = [".example.com"]
//! "#).unwrap();
//!
//! let headers: [(&str, &str); 0] = [];
//! let plain = RequestFacts::new("POST", false, Some("www.example.com"), "/form?x=1", &headers);
//! let d = policy.evaluate(&plain);
//! assert_eq!(d.action(), &Action::Redirect { status: 308, location: "https://www.example.com/form?x=1".into() });
//!
//! let tls = RequestFacts::new("GET", true, Some("www.example.com"), "/", &headers);
//! let d = policy.evaluate(&tls);
//! assert_eq!(d.hsts(), Some("max-age=63072000; includeSubDomains; preload"));
//! ```

mod builder;
mod decision;
#[cfg(test)]
mod tests;

pub use builder::PolicyBuilder;
pub use decision::{Decision, Evaluation, HeaderToSet, ResponseHeaders};

use std::path::Path;

use serde_json::Value;

use crate::config::reader::{into_result, Reader};
use crate::config::{Format, PolicyDocument, Spelling};
use crate::cookies::{CookiePolicy, FlaggedCookie, FlaggedCookieBytes, FlaggedInto};
use crate::error::Error;
use crate::hpkp::HpkpHeader;
pub use crate::hsts::{ExistingHeader, HstsSettings, SendHsts};
use crate::issue::{Code, Issue};
use crate::proxy::ProxyTrust;
pub use crate::redirect::Action;
use crate::redirect::{Outcome, RedirectPolicy};
use crate::request::RequestFacts;

/// The immutable, thread-safe policy. See the module documentation.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) hsts: HstsSettings,
    pub(crate) proxy: ProxyTrust,
    pub(crate) redirect: RedirectPolicy,
    pub(crate) cookies_enabled: bool,
    pub(crate) cookies: CookiePolicy,
    pub(crate) hpkp: Option<HpkpHeader>,
    pub(crate) warnings: Vec<Issue>,
    /// `hsts.policy.value()`, kept as a string so the request path borrows it directly.
    pub(crate) hsts_value: Box<str>,
}

impl Default for Policy {
    /// The built-in default: HSTS one year with includeSubDomains on secure requests,
    /// redirects for any Host (301 GET/HEAD, 308 otherwise), no trusted proxy, every
    /// cookie Secure.
    fn default() -> Self {
        PolicyBuilder::new()
            .build()
            .expect("the default policy is valid")
    }
}

impl Policy {
    /// A builder starting from the defaults.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::new()
    }

    /// Builds a policy from a TOML document (docs/POLICY.md).
    pub fn from_toml(text: &str) -> Result<Policy, Error> {
        Policy::from_value(&crate::config::document::toml_value(text)?)
    }

    /// Builds a policy from a JSON document with the same keys as the TOML form.
    pub fn from_json(text: &str) -> Result<Policy, Error> {
        Policy::from_value(&crate::config::document::json_value(text)?)
    }

    /// Builds a policy from a document in bytes (UTF-8), in a format or detecting it
    /// (JSON when the first character that is not white space is `{`).
    pub fn from_bytes(bytes: &[u8], format: Format) -> Result<Policy, Error> {
        Policy::from_value(&crate::config::document::document_value(bytes, format)?)
    }

    /// Reads a policy file: JSON when the name ends in `.json` or the text starts with
    /// `{`, TOML otherwise.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Policy, Error> {
        Policy::from_value(&crate::config::document::file_value(path.as_ref())?)
    }

    /// Builds a policy from a parsed document (a JSON object). Reports every problem.
    pub fn from_value(doc: &Value) -> Result<Policy, Error> {
        Policy::from_value_spelled(doc, Spelling::Snake)
    }

    /// Builds a policy from a document whose keys are spelled `spelling` (JavaScript
    /// options are camelCase); the paths of problems are in the same spelling.
    pub fn from_value_spelled(doc: &Value, spelling: Spelling) -> Result<Policy, Error> {
        let mut r = Reader::new(spelling);
        let document = PolicyDocument::read_value(doc, &mut r);
        let policy = Policy::build(&document, &mut r);
        into_result(r, policy)
    }

    /// Builds a policy from a typed document (read from a file, laid over another one,
    /// set key by key by a server's directives). Reports every problem.
    ///
    /// ```
    /// use hstsguard::config::PolicyDocument;
    /// use hstsguard::policy::Policy;
    /// let mut doc = PolicyDocument::from_toml("[hsts]\nmax_age = \"2y\"\n").unwrap();
    /// doc.set_text("redirect.allowed_hosts", ".example.com").unwrap();
    /// let policy = Policy::from_document(&doc).unwrap();
    /// assert_eq!(policy.hsts().policy.max_age(), 63_072_000);
    /// ```
    pub fn from_document(document: &PolicyDocument) -> Result<Policy, Error> {
        let mut r = Reader::new(Spelling::Snake);
        let policy = Policy::build(document, &mut r);
        into_result(r, policy)
    }

    pub(crate) fn build(document: &PolicyDocument, r: &mut Reader) -> Policy {
        let mut b = PolicyBuilder::new();
        if let Some(s) = &document.hsts {
            b.hsts = crate::hsts::from_section(s, "hsts", r);
        }
        if let Some(s) = &document.proxy {
            b.proxy = crate::proxy::from_section(s, "proxy", r);
        }
        if let Some(s) = &document.redirect {
            b.redirect = crate::redirect::from_section(s, "redirect", r);
        }
        if let Some(s) = &document.cookies {
            let (enabled, cookies) = crate::cookies::from_section(s, "cookies", r);
            b.cookies_enabled = enabled;
            b.cookies = cookies;
        }
        if let Some(s) = &document.hpkp {
            b.hpkp = crate::hpkp::from_section(s, "hpkp", r);
        }
        b.finish(r)
    }

    /// The HSTS settings.
    pub fn hsts(&self) -> &HstsSettings {
        &self.hsts
    }

    /// The proxy trust settings.
    pub fn proxy(&self) -> &ProxyTrust {
        &self.proxy
    }

    /// The redirect settings.
    pub fn redirect(&self) -> &RedirectPolicy {
        &self.redirect
    }

    /// The cookie rules.
    pub fn cookies(&self) -> &CookiePolicy {
        &self.cookies
    }

    /// False when cookie flagging is off (`[cookies] enabled = false`): then
    /// [`Policy::flag_set_cookie`] returns every value unchanged.
    pub fn cookies_enabled(&self) -> bool {
        self.cookies_enabled
    }

    /// The HPKP header, when configured.
    pub fn hpkp(&self) -> Option<&HpkpHeader> {
        self.hpkp.as_ref()
    }

    /// Deploy warnings found when the policy was built (in the spirit of Django's
    /// `check --deploy`): HSTS off, no includeSubDomains, redirect off, ...
    pub fn warnings(&self) -> &[Issue] {
        &self.warnings
    }

    /// Is the request secure (TLS, or a trusted proxy says so)?
    pub fn is_secure(&self, facts: &RequestFacts<'_>) -> bool {
        self.proxy.is_secure(facts)
    }

    /// Decides what to do with one request: pass, redirect to HTTPS or reject, and which
    /// headers to add.
    ///
    /// A request from a trusted proxy whose configured headers disagree (one says HTTPS,
    /// another does not) is refused with 400 `proxy.sources_disagree`: it is never
    /// decided by whichever header comes first, and a 400 is not heuristically cacheable
    /// where a redirect would be.
    pub fn evaluate<'p>(&'p self, facts: &RequestFacts<'_>) -> Decision<'p> {
        let e = self.evaluation(facts);
        Decision {
            action: e.outcome.into_action(),
            secure: e.secure,
            hsts: e.hsts,
            hpkp: e.hpkp,
            upgrade: e.upgrade,
        }
    }

    /// [`Policy::evaluate`] with the `Location` of a redirect not yet written: the
    /// [`Evaluation`] holds it as a [`crate::redirect::Location`], which a server writes
    /// straight into its own buffer. Nothing is allocated for a pass or for a redirect to
    /// an already lowercase host; [`Evaluation::into_decision`] gives what
    /// [`Policy::evaluate`] gives.
    ///
    /// ```
    /// use hstsguard::policy::Policy;
    /// use hstsguard::redirect::Outcome;
    /// use hstsguard::{NoHeaders, RequestFacts};
    ///
    /// let policy = Policy::default();
    /// let facts = RequestFacts::new("GET", false, Some("example.com"), "/a", &NoHeaders);
    /// let e = policy.evaluation(&facts);
    /// let Outcome::Redirect { status: 301, location } = e.outcome() else { panic!() };
    /// let mut buf = [0u8; 32];
    /// let n = location.write_into(&mut buf).unwrap();
    /// assert_eq!(&buf[..n], b"https://example.com/a");
    /// assert_eq!(e.into_decision(), policy.evaluate(&facts));
    /// ```
    #[inline]
    pub fn evaluation<'p, 'f>(&'p self, facts: &RequestFacts<'f>) -> Evaluation<'p, 'f>
    where
        'p: 'f,
    {
        let (secure, outcome) = match self.proxy.secure_or_disagree(facts) {
            Ok(secure) => (secure, self.redirect.outcome(facts, secure)),
            Err(reason) => (
                false,
                Outcome::Reject {
                    status: 400,
                    code: Code::ProxySourcesDisagree,
                    reason: format!("{reason}; refused"),
                },
            ),
        };
        let ResponseHeaders { hsts, hpkp } = self.headers(secure, facts.host, facts.now);
        let upgrade = matches!(outcome, Outcome::Reject { status: 426, .. });
        Evaluation {
            outcome,
            secure,
            hsts,
            hpkp,
            upgrade,
        }
    }

    /// The headers a response gets (HSTS, HPKP), for a request already known to be secure
    /// or not, with its Host (IP literals and `localhost` may be skipped): what
    /// [`Policy::evaluate`] adds, for a framework that decided the rest itself.
    ///
    /// ```
    /// use hstsguard::policy::Policy;
    /// let p = Policy::default();
    /// let h = p.response_headers(true, Some("example.com"));
    /// assert_eq!(h.hsts().map(|h| h.value), Some("max-age=31536000; includeSubDomains"));
    /// assert!(p.response_headers(true, Some("127.0.0.1")).hsts().is_none());
    /// assert!(p.response_headers(false, Some("example.com")).hsts().is_none());
    /// ```
    pub fn response_headers(&self, secure: bool, host: Option<&str>) -> ResponseHeaders<'_> {
        self.headers(secure, host, None)
    }

    /// [`Policy::response_headers`] at a time the caller has at hand (seconds since the
    /// epoch; `None` reads the system clock if an `[hsts.ramp]` needs the time).
    #[inline]
    pub fn response_headers_at(
        &self,
        secure: bool,
        host: Option<&str>,
        now: Option<u64>,
    ) -> ResponseHeaders<'_> {
        self.headers(secure, host, now)
    }

    /// True when [`Policy::response_headers_at`] can answer differently at two times for
    /// the same request (an `[hsts.ramp]` whose value steps up): a server that keeps the
    /// headers of a Host across requests must then ask again each second. Otherwise the
    /// answer depends on the Host only, and can be kept as long as the policy.
    ///
    /// ```
    /// use hstsguard::policy::Policy;
    /// assert!(!Policy::default().headers_depend_on_time());
    /// let ramp = Policy::from_json(
    ///     r#"{"hsts": {"ramp": {"start": "2026-12-01", "stages": ["5m", "1w", "1y"],
    ///         "step": "1w"}}}"#,
    /// )
    /// .unwrap();
    /// assert!(ramp.headers_depend_on_time());
    /// ```
    pub fn headers_depend_on_time(&self) -> bool {
        self.hsts.enabled && self.hsts.ramp.is_some()
    }

    /// The headers wanted, decided inline (a plain request under the usual policy wants
    /// none, which costs a few instructions); the Host is classified only when one is.
    #[inline(always)]
    fn headers(&self, secure: bool, host: Option<&str>, now: Option<u64>) -> ResponseHeaders<'_> {
        let h = &self.hsts;
        let wanted = h.enabled && (secure || h.send == SendHsts::Always);
        let hpkp_wanted = secure && self.hpkp.is_some();
        if !(wanted || hpkp_wanted) {
            return ResponseHeaders {
                hsts: None,
                hpkp: None,
            };
        }
        self.wanted_headers(wanted, hpkp_wanted, host, now)
    }

    /// [`Policy::headers`] when HSTS or HPKP is wanted: one host classification serves
    /// both headers.
    fn wanted_headers(
        &self,
        wanted: bool,
        hpkp_wanted: bool,
        host: Option<&str>,
        now: Option<u64>,
    ) -> ResponseHeaders<'_> {
        let h = &self.hsts;
        if host.is_some_and(|raw| crate::host::skip_hsts(raw, h.skip_ip_hosts, h.skip_localhost)) {
            return ResponseHeaders {
                hsts: None,
                hpkp: None,
            };
        }
        let hsts = wanted.then(|| HeaderToSet {
            name: "Strict-Transport-Security",
            value: match &h.ramp {
                None => &self.hsts_value,
                Some(ramp) => ramp.current_value(now.unwrap_or_else(crate::request::clock)),
            },
            existing: h.existing,
        });
        let hpkp = match &self.hpkp {
            Some(p) if hpkp_wanted => Some(HeaderToSet {
                name: p.name(),
                value: p.value(),
                existing: ExistingHeader::Keep,
            }),
            _ => None,
        };
        ResponseHeaders { hsts, hpkp }
    }

    /// Flags one `Set-Cookie` value per the cookie rules. With cookies disabled the
    /// value comes back unchanged.
    pub fn flag_set_cookie<'a>(
        &self,
        set_cookie: &'a str,
        request_secure: bool,
    ) -> FlaggedCookie<'a> {
        if self.cookies_enabled {
            self.cookies.flag(set_cookie, request_secure)
        } else {
            FlaggedCookie::unchanged(set_cookie)
        }
    }

    /// [`Policy::flag_set_cookie`] for a value given as bytes, which need not be UTF-8
    /// (see [`CookiePolicy::flag_bytes`]): what servers hand over.
    pub fn flag_set_cookie_bytes<'a>(
        &self,
        set_cookie: &'a [u8],
        request_secure: bool,
    ) -> FlaggedCookieBytes<'a> {
        if self.cookies_enabled {
            self.cookies.flag_bytes(set_cookie, request_secure)
        } else {
            FlaggedCookieBytes::unchanged(set_cookie)
        }
    }

    /// [`Policy::flag_set_cookie_bytes`] with a changed value written straight into `buf`
    /// (see [`CookiePolicy::flag_bytes_into`]): nothing is allocated for the value, and
    /// an unchanged one is never copied. With cookies disabled the value is unchanged.
    ///
    /// ```
    /// let policy = hstsguard::policy::Policy::default();
    /// let mut buf = [0u8; 128];
    /// let f = policy.flag_set_cookie_bytes_into(b"sid=1", true, &mut buf);
    /// assert!(f.changed() && f.written());
    /// assert!(buf[..f.len()].starts_with(b"sid=1; Secure"));
    /// ```
    pub fn flag_set_cookie_bytes_into(
        &self,
        set_cookie: &[u8],
        request_secure: bool,
        buf: &mut [u8],
    ) -> FlaggedInto {
        if self.cookies_enabled {
            self.cookies
                .flag_bytes_into(set_cookie, request_secure, buf)
        } else {
            FlaggedInto::unchanged(set_cookie.len())
        }
    }

    /// The Strict-Transport-Security value this policy sends at `now` (seconds since the
    /// epoch) to a secure request for an ordinary host; `None` when HSTS is off. With an
    /// `[hsts.ramp]` it follows the schedule.
    pub fn hsts_value_at(&self, now: u64) -> Option<&str> {
        let h = &self.hsts;
        if !h.enabled {
            return None;
        }
        Some(match &h.ramp {
            None => &self.hsts_value,
            Some(ramp) => ramp.current_value(now),
        })
    }

    /// `{"ok", "errors": [], "warnings": [issue]}`, the shape of `hstsguard policy check --json`.
    pub fn report_json(&self) -> Value {
        serde_json::json!({
            "ok": true,
            "errors": [],
            "warnings": self.warnings.iter().map(Issue::to_json).collect::<Vec<_>>(),
            "hsts": if self.hsts.enabled { Value::from(self.hsts.policy.value()) } else { Value::Null },
            "schedule": match &self.hsts.ramp {
                Some(ramp) if self.hsts.enabled => Value::Array(
                    ramp.stages()
                        .iter()
                        .map(|s| serde_json::json!({
                            "starts": s.starts_rfc3339(),
                            "max_age": s.max_age,
                            "value": &*s.value,
                        }))
                        .collect(),
                ),
                _ => Value::Null,
            },
        })
    }
}
