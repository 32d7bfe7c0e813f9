//! The hstspreload.org rules (`preloadCheck`, `removableCheck`, `domainCheck`,
//! `auditRedirectChain`), over the core's `preload` module. Offline: the caller supplies
//! what it observed.

use napi_derive::napi;

use crate::issue::{issues, Issue};

/// The verdict of `preloadCheck` or `removableCheck`: the strict parse of the header plus
/// the audit's issues, in hstspreload's order.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PreloadVerdict {
    /// True when there is no error: the header (and domain, if checked) qualifies.
    pub ok: bool,
    /// The codes of the errors, in order.
    pub errors: Vec<String>,
    /// The codes of the warnings, in order.
    pub warnings: Vec<String>,
    /// Every issue: parse issues, then requirement issues, then domain issues.
    pub issues: Vec<Issue>,
    /// True when the header itself is valid (RFC 6797).
    pub valid: bool,
    /// The max-age that was read, if a well-formed one was.
    pub max_age: Option<f64>,
    /// A valueless `includeSubDomains` was seen.
    pub include_sub_domains: bool,
    /// A valueless `preload` was seen.
    pub preload: bool,
}

impl From<&hstsguard::PreloadVerdict> for PreloadVerdict {
    fn from(v: &hstsguard::PreloadVerdict) -> Self {
        let p = v.parsed();
        PreloadVerdict {
            ok: v.is_ok(),
            errors: v.errors().into_iter().map(str::to_owned).collect(),
            warnings: v.warnings().into_iter().map(str::to_owned).collect(),
            issues: issues(v.issues()),
            valid: p.is_valid(),
            max_age: p.max_age().map(|a| a as f64),
            include_sub_domains: p.include_subdomains(),
            preload: p.preload(),
        }
    }
}

/// Checks a header value against the hstspreload.org submission requirements: a strictly
/// valid header with `max-age` of at least one year (31536000 s), `includeSubDomains` and
/// `preload`. With `domain`, the `domainCheck` issues are added.
///
/// ```js
/// preloadCheck('max-age=31536000; includeSubDomains; preload').ok // true
/// preloadCheck('max-age=300').errors
/// // ['header.preloadable.include_sub_domains.missing', 'header.preloadable.preload.missing',
/// //  'header.preloadable.max_age.below_1_year']
/// ```
#[napi(catch_unwind)]
pub fn preload_check(value: String, domain: Option<String>) -> PreloadVerdict {
    let verdict = hstsguard::preload_check(&value);
    let verdict = match domain {
        Some(d) => verdict.with_domain(&d),
        None => verdict,
    };
    PreloadVerdict::from(&verdict)
}

/// Checks a header value against the requirements for removal from the preload list: no
/// `preload` directive and a valid `max-age`. With `domain`, the `domainCheck` issues are
/// added.
#[napi(catch_unwind)]
pub fn removable_check(value: String, domain: Option<String>) -> PreloadVerdict {
    let verdict = hstsguard::removable_check(&value);
    let verdict = match domain {
        Some(d) => verdict.with_domain(&d),
        None => verdict,
    };
    PreloadVerdict::from(&verdict)
}

/// Checks a domain name as hstspreload.org does: format (dots, characters, IP address,
/// length, public suffix) and level (only a registrable domain, eTLD+1). An empty list
/// means the name is acceptable.
#[napi(catch_unwind)]
pub fn domain_check(domain: String) -> Vec<Issue> {
    issues(&hstsguard::domain_check(&domain))
}

/// One hop of a redirect chain observed by the caller.
#[napi(object)]
pub struct RedirectHop {
    /// The absolute URL of the hop (a `Location` value).
    pub url: String,
    /// The `Strict-Transport-Security` value of that URL's response, when it had one.
    #[napi(ts_type = "string | null")]
    pub sts: Option<Option<String>>,
}

/// Audits what a client saw when it fetched `http://domain/`: the STS value of that
/// plain-HTTP response (should be none) and the redirects followed from it, with
/// hstspreload.org's redirect rules (first to `https://domain`, every hop HTTPS, at most
/// 3 redirects, a preloadable header on the first HTTPS page).
#[napi(catch_unwind)]
pub fn audit_redirect_chain(
    domain: String,
    http_sts: Option<String>,
    hops: Vec<RedirectHop>,
) -> Vec<Issue> {
    let hops: Vec<hstsguard::RedirectHop<'_>> = hops
        .iter()
        .map(|h| hstsguard::RedirectHop {
            url: &h.url,
            sts: h.sts.as_ref().and_then(|s| s.as_deref()),
        })
        .collect();
    issues(&hstsguard::audit_redirect_chain(
        &domain,
        http_sts.as_deref(),
        &hops,
    ))
}
