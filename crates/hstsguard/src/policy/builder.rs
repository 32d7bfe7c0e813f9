//! Building a policy in code, and the deploy warnings every policy is checked for when it is built.

use crate::config::reader::{into_result, Reader};
use crate::config::Spelling;
use crate::cookies::CookiePolicy;
use crate::error::Error;
use crate::hpkp::HpkpHeader;
use crate::hsts::{HstsSettings, SendHsts};
use crate::issue::{Code, Issue};
use crate::proxy::ProxyTrust;
use crate::redirect::RedirectPolicy;
use crate::sts::HstsPolicy;

use super::Policy;

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
    pub(crate) hsts: HstsSettings,
    pub(crate) proxy: ProxyTrust,
    pub(crate) redirect: RedirectPolicy,
    pub(crate) cookies_enabled: bool,
    pub(crate) cookies: CookiePolicy,
    pub(crate) hpkp: Option<HpkpHeader>,
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
    pub(crate) fn finish(self, r: &mut Reader) -> Policy {
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
        if let Some(ramp) = h.ramp.as_ref().filter(|_| h.enabled && p.preload()) {
            if p.max_age() < crate::ONE_YEAR {
                warnings.push(Issue::warning(
                    Code::PolicyHstsRampPreloadShortLastStage,
                    format!(
                        "preload is set but the ramp's last stage sends max-age={} ({} stages), below the year the preload list requires.",
                        p.max_age(),
                        ramp.stages().len()
                    ),
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
                    // Every problem, each with its own code.
                    for problem in &problems {
                        r.push(
                            "hsts",
                            problem.code(),
                            format!(
                                "require_preloadable is set but {:?} is not preloadable: {}",
                                p.value(),
                                problem.message()
                            ),
                        );
                    }
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
                if rule.same_site() == Some(crate::cookies::SameSite::None)
                    && rule.secure() == Some(false)
                {
                    warnings.push(Issue::warning(
                        Code::PolicyCookieSameSiteNoneWithoutSecure,
                        format!("cookies.rules[{i}] sets SameSite=None but removes Secure; browsers reject such cookies (hstsguard adds Secure back)."),
                    ));
                }
            }
            let request_secure_only =
                self.cookies.secure_mode() == crate::cookies::SecureWhen::RequestSecure;
            let any_none = self
                .cookies
                .rules()
                .iter()
                .any(|r| r.same_site() == Some(crate::cookies::SameSite::None));
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
