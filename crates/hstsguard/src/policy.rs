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

use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::config::field::words;
use crate::config::reader::{into_result, Reader};
use crate::config::{join, Format, HpkpSection, HstsSection, PolicyDocument, Spelling};
use crate::cookie::{CookiePolicy, FlaggedCookie, FlaggedCookieBytes};
use crate::error::Error;
use crate::hpkp::{HpkpHeader, PinSha256};
use crate::issue::{Code, Issue};
use crate::redirect::{RedirectOutcome, RedirectPolicy};
use crate::request::RequestFacts;
use crate::secure::ProxyTrust;
use crate::sts::HstsPolicy;

words! {
    /// When to send `Strict-Transport-Security`.
    #[derive(Default)]
    pub enum SendHsts ("send value") {
        /// Only on responses to secure requests, as RFC 6797 §7.2 requires (the default).
        #[default]
        Secure = "secure",
        /// On every response (what helmet does). User agents ignore it over HTTP.
        Always = "always",
    }
}

words! {
    /// What to do when the response already carries the header (set by the application).
    #[derive(Default)]
    pub enum ExistingHeader ("existing value") {
        /// Leave the application's header alone (the default; Django does the same).
        #[default]
        Keep = "keep",
        /// Replace it with the policy's value, so there is exactly one.
        Replace = "replace",
    }
}

/// The HSTS part of a [`Policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HstsSettings {
    /// False: never send the header.
    pub enabled: bool,
    /// The header.
    pub policy: HstsPolicy,
    /// When to send it.
    pub send: SendHsts,
    /// An existing header in the response.
    pub existing: ExistingHeader,
    /// Skip IP-literal hosts (RFC 6797 §8.1.1: UAs ignore HSTS for them).
    pub skip_ip_hosts: bool,
    /// Skip `localhost` and `*.localhost`.
    pub skip_localhost: bool,
    /// Building fails unless the header passes the hstspreload.org rules.
    pub require_preloadable: bool,
}

impl Default for HstsSettings {
    fn default() -> Self {
        HstsSettings {
            enabled: true,
            policy: HstsPolicy::including_subdomains(crate::ONE_YEAR),
            send: SendHsts::Secure,
            existing: ExistingHeader::Keep,
            skip_ip_hosts: true,
            skip_localhost: true,
            require_preloadable: false,
        }
    }
}

/// What a request gets: pass, redirect to HTTPS, or reject. The redirect decision's
/// own type, [`RedirectOutcome`], under the name the policy API uses.
pub type Action = RedirectOutcome;

/// A header the server should add to the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderToSet<'p> {
    /// The field name.
    pub name: &'static str,
    /// The field value, borrowed from the policy.
    pub value: &'p str,
    /// What to do when the response already has this field.
    pub existing: ExistingHeader,
}

/// The outcome of [`Policy::evaluate`] for one request. Borrows header values from the
/// policy; allocates only for a redirect's Location or a reject's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'p> {
    action: Action,
    secure: bool,
    hsts: Option<HeaderToSet<'p>>,
    hpkp: Option<HeaderToSet<'p>>,
    /// A 426 answer names the protocol to switch to (RFC 9110 §15.5.22).
    upgrade: bool,
}

/// `Upgrade` and `Connection` for a 426 answer (RFC 9110 §15.5.22, RFC 2817).
const UPGRADE_HEADERS: [HeaderToSet<'static>; 2] = [
    HeaderToSet {
        name: "Upgrade",
        value: "TLS/1.2, HTTP/1.1",
        existing: ExistingHeader::Replace,
    },
    HeaderToSet {
        name: "Connection",
        value: "Upgrade",
        existing: ExistingHeader::Replace,
    },
];

impl<'p> Decision<'p> {
    /// Pass, redirect or reject.
    pub fn action(&self) -> &Action {
        &self.action
    }

    /// Consumes the decision, returning the action.
    pub fn into_action(self) -> Action {
        self.action
    }

    /// True when the request arrived over TLS or through a trusted proxy that says so.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// The Strict-Transport-Security value to send, if any.
    pub fn hsts(&self) -> Option<&'p str> {
        self.hsts.map(|h| h.value)
    }

    /// The headers to add to the response, in order: HSTS, HPKP, and for a 426 answer
    /// `Upgrade: TLS/1.2, HTTP/1.1` with `Connection: Upgrade`.
    pub fn headers(&self) -> impl Iterator<Item = HeaderToSet<'p>> + '_ {
        let upgrade: &[HeaderToSet<'static>] = if self.upgrade { &UPGRADE_HEADERS } else { &[] };
        self.hsts
            .into_iter()
            .chain(self.hpkp)
            .chain(upgrade.iter().copied())
    }

    /// One line for logs, e.g. `redirect 308 to https://example.com/x (plain HTTP)`.
    pub fn explain(&self) -> String {
        let transport = if self.secure {
            "secure request"
        } else {
            "plain HTTP"
        };
        let mut line = match &self.action {
            Action::Pass => format!("pass ({transport})"),
            Action::Redirect { status, location } => {
                format!("redirect {status} to {location} ({transport})")
            }
            Action::Reject {
                status,
                code,
                reason,
            } => {
                format!("reject {status} [{code}]: {reason} ({transport})")
            }
        };
        for h in self.headers() {
            line.push_str(&format!("; set {}: {}", h.name, h.value));
        }
        line
    }

    /// `{"action", "status", "location", "secure", "headers": {name: value}, "reason"}`,
    /// the shape of `hstsguard redirect --json`. `reason` is the reject code.
    pub fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers()
            .map(|h| (h.name.to_owned(), Value::from(h.value)))
            .collect();
        let (location, reason) = match &self.action {
            Action::Pass => (Value::Null, Value::Null),
            Action::Redirect { location, .. } => (Value::from(location.as_str()), Value::Null),
            Action::Reject { code, .. } => (Value::Null, Value::from(code.as_str())),
        };
        serde_json::json!({
            "action": self.action.as_str(),
            "status": self.action.status(),
            "location": location,
            "secure": self.secure,
            "headers": headers,
            "reason": reason,
        })
    }
}

impl fmt::Display for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain())
    }
}

/// The immutable, thread-safe policy. See the module documentation.
#[derive(Debug, Clone)]
pub struct Policy {
    hsts: HstsSettings,
    proxy: ProxyTrust,
    redirect: RedirectPolicy,
    cookies_enabled: bool,
    cookies: CookiePolicy,
    hpkp: Option<HpkpHeader>,
    warnings: Vec<Issue>,
    /// `hsts.policy.value()`, kept as a string so the request path borrows it directly.
    hsts_value: Box<str>,
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

    fn build(document: &PolicyDocument, r: &mut Reader) -> Policy {
        let mut b = PolicyBuilder::new();
        if let Some(s) = &document.hsts {
            b.hsts = hsts_from_section(s, "hsts", r);
        }
        if let Some(s) = &document.proxy {
            b.proxy = crate::secure::from_section(s, "proxy", r);
        }
        if let Some(s) = &document.redirect {
            b.redirect = crate::redirect::from_section(s, "redirect", r);
        }
        if let Some(s) = &document.cookies {
            let (enabled, cookies) = crate::cookie::from_section(s, "cookies", r);
            b.cookies_enabled = enabled;
            b.cookies = cookies;
        }
        if let Some(s) = &document.hpkp {
            b.hpkp = hpkp_from_section(s, "hpkp", r);
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
        let (secure, action) = match self.proxy.secure_or_disagree(facts) {
            Ok(secure) => (secure, self.redirect.decide(facts, secure)),
            Err(reason) => (
                false,
                Action::Reject {
                    status: 400,
                    code: Code::ProxySourcesDisagree,
                    reason: format!("{reason}; refused"),
                },
            ),
        };
        let h = &self.hsts;
        let wanted = h.enabled && (secure || h.send == SendHsts::Always);
        let hpkp_wanted = secure && self.hpkp.is_some();
        // One host classification serves both headers; none when neither is wanted.
        let host_ok = (wanted || hpkp_wanted)
            && !facts
                .host
                .is_some_and(|raw| crate::host::skip_hsts(raw, h.skip_ip_hosts, h.skip_localhost));
        let hsts = (wanted && host_ok).then_some(HeaderToSet {
            name: "Strict-Transport-Security",
            value: &self.hsts_value,
            existing: h.existing,
        });
        let hpkp = match &self.hpkp {
            Some(p) if hpkp_wanted && host_ok => Some(HeaderToSet {
                name: p.name(),
                value: p.value(),
                existing: ExistingHeader::Keep,
            }),
            _ => None,
        };
        let upgrade = matches!(action, Action::Reject { status: 426, .. });
        Decision {
            action,
            secure,
            hsts,
            hpkp,
            upgrade,
        }
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

    /// `{"ok", "errors": [], "warnings": [issue]}`, the shape of `hstsguard policy check --json`.
    pub fn report_json(&self) -> Value {
        serde_json::json!({
            "ok": true,
            "errors": [],
            "warnings": self.warnings.iter().map(Issue::to_json).collect::<Vec<_>>(),
            "hsts": if self.hsts.enabled { Value::from(self.hsts.policy.value()) } else { Value::Null },
        })
    }
}

fn hsts_from_section(s: &HstsSection, _path: &str, _r: &mut Reader) -> HstsSettings {
    let mut policy = HstsPolicy::new(s.max_age().0, s.include_subdomains());
    if s.preload() {
        policy = policy.with_preload();
    }
    HstsSettings {
        enabled: s.enabled(),
        policy,
        send: s.send(),
        existing: s.existing(),
        skip_ip_hosts: s.skip_ip_hosts(),
        skip_localhost: s.skip_localhost(),
        require_preloadable: s.require_preloadable(),
    }
}

fn hpkp_from_section(s: &HpkpSection, path: &str, r: &mut Reader) -> Option<HpkpHeader> {
    let at = |key: &str| join(path, key);
    let mut ok = true;
    if !s.acknowledge_deprecation() {
        let p = at("acknowledge_deprecation");
        if !r.errors.iter().any(|e| e.path() == p) {
            r.invalid_value(
                &p,
                "HPKP is deprecated and removed from every major browser; a wrong pin can lock users out. Set acknowledge_deprecation = true to send it anyway",
            );
        }
        ok = false;
    }
    let pins: Vec<PinSha256> = s.pins.clone().unwrap_or_default();
    let Some(max_age) = s.max_age else {
        let p = at("max_age");
        if ok && !r.errors.iter().any(|e| e.path() == p) {
            r.invalid_value(&p, "HPKP needs a max-age");
        }
        return None;
    };
    if !ok || !r.errors.iter().all(|e| !e.path().starts_with(path)) {
        return None;
    }
    let header = match HpkpHeader::new(&pins, max_age.0) {
        Ok(h) => h
            .include_subdomains(s.include_subdomains())
            .report_only(s.report_only()),
        Err(e) => {
            let p = if e.code().as_str().starts_with("duration.") {
                at("max_age")
            } else {
                at("pins")
            };
            r.error(&p, e);
            return None;
        }
    };
    match &s.report_uri {
        None => Some(header),
        Some(uri) => match header.report_uri(uri) {
            Ok(h) => Some(h),
            Err(e) => {
                r.error(&at("report_uri"), e);
                None
            }
        },
    }
}

/// Builds a [`Policy`] in code. Every setter replaces one part; [`PolicyBuilder::build`]
/// validates the whole and computes the deploy warnings.
///
/// ```
/// use hstsguard::{policy::Policy, redirect::RedirectPolicy, HstsPolicy};
/// let p = Policy::builder()
///     .hsts(HstsPolicy::including_subdomains(63_072_000).with_preload())
///     .redirect(RedirectPolicy::builder().allowed_hosts(["example.com", ".example.com"]).build().unwrap())
///     .build()
///     .unwrap();
/// assert!(p.warnings().is_empty(), "{:?}", p.warnings());
/// assert_eq!(Policy::default().warnings()[0].code().as_str(), "policy.redirect.any_host");
/// ```
#[derive(Debug, Clone)]
pub struct PolicyBuilder {
    hsts: HstsSettings,
    proxy: ProxyTrust,
    redirect: RedirectPolicy,
    cookies_enabled: bool,
    cookies: CookiePolicy,
    hpkp: Option<HpkpHeader>,
}

impl Default for PolicyBuilder {
    fn default() -> Self {
        PolicyBuilder::new()
    }
}

impl PolicyBuilder {
    /// The defaults of [`Policy::default`].
    pub fn new() -> PolicyBuilder {
        PolicyBuilder {
            hsts: HstsSettings::default(),
            proxy: ProxyTrust::none(),
            redirect: RedirectPolicy::default(),
            cookies_enabled: true,
            cookies: CookiePolicy::default(),
            hpkp: None,
        }
    }

    /// The HSTS header.
    pub fn hsts(mut self, policy: HstsPolicy) -> Self {
        self.hsts.policy = policy;
        self.hsts.enabled = true;
        self
    }

    /// All HSTS settings.
    pub fn hsts_settings(mut self, settings: HstsSettings) -> Self {
        self.hsts = settings;
        self
    }

    /// Never send HSTS.
    pub fn without_hsts(mut self) -> Self {
        self.hsts.enabled = false;
        self
    }

    /// Proxy trust.
    pub fn proxy(mut self, proxy: ProxyTrust) -> Self {
        self.proxy = proxy;
        self
    }

    /// Redirect settings.
    pub fn redirect(mut self, redirect: RedirectPolicy) -> Self {
        self.redirect = redirect;
        self
    }

    /// Cookie rules (and turns cookie flagging on).
    pub fn cookies(mut self, cookies: CookiePolicy) -> Self {
        self.cookies = cookies;
        self.cookies_enabled = true;
        self
    }

    /// Leave every Set-Cookie alone.
    pub fn without_cookie_flags(mut self) -> Self {
        self.cookies_enabled = false;
        self
    }

    /// Send an HPKP header (deprecated; see [`crate::hpkp`]).
    pub fn hpkp(mut self, header: HpkpHeader) -> Self {
        self.hpkp = Some(header);
        self
    }

    /// Validates and builds the policy.
    pub fn build(self) -> Result<Policy, Error> {
        let mut r = Reader::new(Spelling::Snake);
        let policy = self.finish(&mut r);
        into_result(r, policy)
    }

    /// The policy with its deploy warnings; problems (`require_preloadable`) go to `r`.
    fn finish(self, r: &mut Reader) -> Policy {
        let mut warnings = Vec::new();
        let h = &self.hsts;
        let p = &h.policy;
        if !h.enabled || p.max_age() == 0 {
            warnings.push(Issue::warning(
                Code::PolicyHstsDisabled,
                "HSTS is off: browsers will keep trying plain HTTP first.",
            ));
        } else {
            if p.max_age() < crate::ONE_YEAR {
                warnings.push(Issue::warning(
                    Code::PolicyHstsShortMaxAge,
                    format!(
                        "HSTS max-age is {} seconds, less than one year (31536000).",
                        p.max_age()
                    ),
                ));
            }
            if crate::duration::looks_like_milliseconds(p.max_age()) {
                warnings.push(Issue::warning(
                    Code::PolicyHstsMaxAgeLooksLikeMilliseconds,
                    format!(
                        "HSTS max-age is {} seconds, over {} years: it looks like milliseconds. max-age counts seconds; did you mean {}?",
                        p.max_age(),
                        p.max_age() / crate::ONE_YEAR,
                        p.max_age() / 1000
                    ),
                ));
            }
            if !p.include_subdomains() {
                warnings.push(Issue::warning(
                    Code::PolicyHstsNoIncludeSubDomains,
                    "HSTS without includeSubDomains leaves subdomains (and cookies scoped to them) open to downgrade.",
                ));
            }
            if h.send == SendHsts::Always {
                warnings.push(Issue::warning(
                    Code::PolicyHstsSentOverHttp,
                    "HSTS is sent over plain HTTP too, where RFC 6797 §7.2 says not to; browsers ignore it there.",
                ));
            }
        }
        if h.enabled && (p.preload() || h.require_preloadable) {
            let verdict = p.preload_verdict();
            let problems: Vec<&Issue> = verdict.issues().iter().filter(|i| i.is_error()).collect();
            if !problems.is_empty() {
                let list = problems
                    .iter()
                    .map(|i| i.message())
                    .collect::<Vec<_>>()
                    .join(" ");
                if h.require_preloadable {
                    r.push(
                        "hsts",
                        problems[0].code(),
                        format!(
                            "require_preloadable is set but {:?} is not preloadable: {list}",
                            p.value()
                        ),
                    );
                } else {
                    warnings.push(Issue::warning(
                        Code::PolicyHstsPreloadNotEligible,
                        format!("The preload flag is set but {:?} is not eligible for the preload list: {list}", p.value()),
                    ));
                }
            }
        }
        if !self.redirect.enabled() {
            warnings.push(Issue::warning(
                Code::PolicyRedirectDisabled,
                "HTTP to HTTPS redirects are off: plain-HTTP requests are served as they are.",
            ));
        } else if self.redirect.canonical_host().is_none()
            && self.redirect.allowed_hosts().allows_any()
        {
            warnings.push(Issue::warning(
                Code::PolicyRedirectAnyHost,
                "Redirects follow any Host header: set redirect.canonical_host or redirect.allowed_hosts.",
            ));
        }
        if self.cookies_enabled {
            for (i, rule) in self.cookies.rules().iter().enumerate() {
                if rule.same_site() == Some(crate::cookie::SameSite::None)
                    && rule.secure() == Some(false)
                {
                    warnings.push(Issue::warning(
                        Code::PolicyCookieSameSiteNoneWithoutSecure,
                        format!("cookies.rules[{i}] sets SameSite=None but removes Secure; browsers reject such cookies (hstsguard adds Secure back)."),
                    ));
                }
            }
            let request_secure_only =
                self.cookies.secure_mode() == crate::cookie::SecureWhen::RequestSecure;
            let any_none = self
                .cookies
                .rules()
                .iter()
                .any(|r| r.same_site() == Some(crate::cookie::SameSite::None));
            if request_secure_only && any_none {
                warnings.push(Issue::warning(
                    Code::PolicyCookieSameSiteNoneWithoutSecure,
                    "A cookie rule sets SameSite=None while secure_when = \"request_secure\": on plain HTTP such cookies go out without Secure and browsers drop them.",
                ));
            }
            if !self
                .cookies
                .rules()
                .iter()
                .any(|r| r.secure() == Some(true))
            {
                warnings.push(Issue::warning(
                    Code::PolicyCookieNotSecure,
                    "No cookie rule sets Secure: cookies may be sent over plain HTTP.",
                ));
            }
        } else {
            warnings.push(Issue::warning(
                Code::PolicyCookieNotSecure,
                "Cookie flagging is off: cookies may be sent over plain HTTP.",
            ));
        }
        if self.proxy.networks().is_empty() && self.proxy.sources_configured() {
            warnings.push(Issue::warning(
                Code::PolicyProxyHeadersWithoutProxies,
                "Proxy headers are configured but proxy.trusted is empty, so they are never believed.",
            ));
        }
        if !self.proxy.networks().is_empty() && self.proxy.sources().len() > 1 {
            let names: Vec<&str> = self.proxy.sources().iter().map(|s| s.header()).collect();
            warnings.push(Issue::warning(
                Code::PolicyProxySeveralSources,
                format!(
                    "Several proxy headers are read ({}): the trusted proxy must overwrite or strip every one of them, or a client's copy of one makes its requests fail with 400 (proxy.sources_disagree). List only the header your proxy sets.",
                    names.join(", ")
                ),
            ));
        }
        if self.proxy.trusts_everyone() {
            warnings.push(Issue::warning(
                Code::PolicyProxyTrustsEveryone,
                "A trusted proxy network covers every address (0.0.0.0/0 or ::/0): any client can claim HTTPS.",
            ));
        }
        if self.hpkp.is_some() {
            warnings.push(Issue::warning(
                Code::PolicyHpkpConfigured,
                "HPKP is configured. It is deprecated and ignored by current browsers; a wrong pin can lock out clients that still honour it.",
            ));
        }
        Policy {
            hsts_value: self.hsts.policy.value().into(),
            hsts: self.hsts,
            proxy: self.proxy,
            redirect: self.redirect,
            cookies_enabled: self.cookies_enabled,
            cookies: self.cookies,
            hpkp: self.hpkp,
            warnings,
        }
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Policy>();
    }

    #[test]
    fn hsts_is_skipped_for_ip_and_localhost_hosts() {
        let policy = Policy::default();
        let none: [(&str, &str); 0] = [];
        let hsts = |host: &str| {
            policy
                .evaluate(&RequestFacts::new("GET", true, Some(host), "/", &none))
                .hsts()
                .is_some()
        };
        for h in [
            "127.0.0.1",
            "127.0.0.1:8443",
            "[::1]",
            "[::1]:443",
            "[::ffff:127.0.0.1]",
            "localhost",
            "LOCALHOST:80",
            "app.localhost",
            "localhost.",
            "192.0.2.1",
            "127.1",
            "0x7f.0.0.1",
            "2130706433",
            "localhost\r\n",
        ] {
            assert!(!hsts(h), "{h:?} got HSTS");
        }
        for h in [
            "example.com",
            "notlocalhost",
            "localhost.example.com",
            "www.example.com:8443",
        ] {
            assert!(hsts(h), "{h:?} lacks HSTS");
        }
        let keep_ip = Policy::from_json(r#"{"hsts": {"skip_ip_hosts": false}}"#).unwrap();
        let f = RequestFacts::new("GET", true, Some("192.0.2.1"), "/", &none);
        assert!(keep_ip.evaluate(&f).hsts().is_some());
        let f = RequestFacts::new("GET", true, Some("127.0.0.1"), "/", &none);
        assert!(
            keep_ip.evaluate(&f).hsts().is_none(),
            "loopback is localhost"
        );
    }

    #[test]
    fn proxy_sources_that_disagree_are_refused() {
        let p = Policy::from_json(
            r#"{"proxy": {"trusted": ["10.0.0.0/8"], "sources": ["forwarded", "x-forwarded-proto"]},
                "redirect": {"allowed_hosts": ["example.com"]}}"#,
        )
        .unwrap();
        let codes: Vec<_> = p.warnings().iter().map(|w| w.code()).collect();
        assert!(
            codes.contains(&Code::PolicyProxySeveralSources),
            "{codes:?}"
        );
        let h = [("Forwarded", "proto=http"), ("X-Forwarded-Proto", "https")];
        let facts = RequestFacts::new("GET", false, Some("example.com"), "/", &h)
            .with_peer(Some("10.0.0.7".parse().unwrap()));
        let d = p.evaluate(&facts);
        assert_eq!(d.action().code(), Some(Code::ProxySourcesDisagree));
        assert_eq!(d.action().status(), Some(400));
        assert!(!d.secure() && d.hsts().is_none());
        assert!(
            d.explain().contains("X-Forwarded-Proto says HTTPS"),
            "{}",
            d.explain()
        );
        // One source (the default): no warning, and the client's Forwarded is not read.
        let one = Policy::from_json(r#"{"proxy": {"trusted": ["10.0.0.0/8"]}}"#).unwrap();
        assert!(one
            .warnings()
            .iter()
            .all(|w| w.code() != Code::PolicyProxySeveralSources));
        assert!(one.evaluate(&facts).action().is_pass());
    }

    #[test]
    fn every_error_at_once() {
        let err = Policy::from_json(
            r#"{"hsts": {"max_age": -1, "preload": "yes", "maxage": 1}, "bogus": 1}"#,
        )
        .unwrap_err();
        let paths: Vec<_> = err
            .config_errors()
            .iter()
            .map(|e| (e.path(), e.code().as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("hsts.max_age", "duration.negative"),
                ("hsts.preload", "config.invalid_type"),
                ("hsts.maxage", "config.unknown_key"),
                ("bogus", "config.unknown_key"),
            ]
        );
    }
}
