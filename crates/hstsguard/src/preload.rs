//! The hstspreload.org rules: is a header preloadable or removable, is a domain name
//! acceptable, does an observed redirect chain qualify. Offline: the caller supplies
//! what it observed; nothing here opens a connection.

use crate::issue::{quote, Code, Issue, Severity};
use crate::public_suffix;
use crate::sts::{parse_sts, ParsedSts};

const TEN_YEARS: u64 = 10 * crate::ONE_YEAR;

/// The verdict of [`preload_check`] or [`removable_check`]: the parse result plus the
/// audit's issues, in hstspreload's order (parse issues first, then the requirements).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreloadVerdict {
    parsed: ParsedSts,
    issues: Vec<Issue>,
}

impl PreloadVerdict {
    /// The strict parse of the header.
    pub fn parsed(&self) -> &ParsedSts {
        &self.parsed
    }

    /// Every issue (parse issues, then requirement issues, then domain issues).
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// True when there is no error: the header (and domain, if checked) qualifies.
    pub fn is_ok(&self) -> bool {
        !self.issues.iter().any(Issue::is_error)
    }

    /// The codes of the errors, in order.
    pub fn errors(&self) -> Vec<&'static str> {
        self.codes(Severity::Error)
    }

    /// The codes of the warnings, in order.
    pub fn warnings(&self) -> Vec<&'static str> {
        self.codes(Severity::Warning)
    }

    fn codes(&self, severity: Severity) -> Vec<&'static str> {
        self.issues
            .iter()
            .filter(|i| i.severity() == severity)
            .map(|i| i.code().as_str())
            .collect()
    }

    /// Adds the [`domain_check`] issues for `domain`.
    pub fn with_domain(mut self, domain: &str) -> PreloadVerdict {
        self.issues.extend(domain_check(domain));
        self
    }

    /// The parse JSON shape plus `"errors"` and `"warnings"` (code lists) and `"ok"`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = self.parsed.to_json();
        v["issues"] = self.issues.iter().map(Issue::to_json).collect();
        v["errors"] = self.errors().into();
        v["warnings"] = self.warnings().into();
        v["ok"] = self.is_ok().into();
        v
    }
}

/// Checks a header value against the hstspreload.org submission requirements:
/// `max-age` of at least 31536000 seconds (an error for 0, a warning above ten years),
/// `includeSubDomains` and `preload`, on top of a strictly valid header.
///
/// ```
/// use hstsguard::preload_check;
/// let v = preload_check("max-age=31536000; includeSubDomains; preload");
/// assert!(v.is_ok());
/// let v = preload_check("max-age=300");
/// assert_eq!(v.errors(), [
///     "header.preloadable.include_sub_domains.missing",
///     "header.preloadable.preload.missing",
///     "header.preloadable.max_age.below_1_year",
/// ]);
/// ```
pub fn preload_check(value: &str) -> PreloadVerdict {
    let parsed = parse_sts(value);
    let mut issues = parsed.issues().to_vec();
    if !parsed.include_subdomains() {
        issues.push(Issue::error(
            Code::HeaderPreloadableIncludeSubDomainsMissing,
            "The header must contain the `includeSubDomains` directive.",
        ));
    }
    if !parsed.preload() {
        issues.push(Issue::error(
            Code::HeaderPreloadablePreloadMissing,
            "The header must contain the `preload` directive.",
        ));
    }
    match parsed.max_age() {
        None => issues.push(Issue::error(
            Code::HeaderPreloadableMaxAgeMissing,
            "The header must contain a valid `max-age` directive.",
        )),
        Some(0) => issues.push(Issue::error(
            Code::HeaderPreloadableMaxAgeZero,
            "The max-age must be at least 31536000 seconds (1 year), but the header has max-age=0, which removes HSTS.",
        )),
        Some(n) if n < crate::ONE_YEAR => issues.push(Issue::error(
            Code::HeaderPreloadableMaxAgeBelow1Year,
            format!("The max-age must be at least 31536000 seconds (1 year), but the header has max-age={n}."),
        )),
        Some(n) if n > TEN_YEARS => issues.push(Issue::warning(
            Code::HeaderPreloadableMaxAgeOver10Years,
            format!("The max-age ({n} seconds) is longer than 10 years, which is an unusually long value."),
        )),
        Some(_) => {}
    }
    PreloadVerdict { parsed, issues }
}

/// Checks a header value against the requirements for removal from the preload list:
/// no `preload` directive and a valid `max-age`. Parse warnings are left out, as
/// hstspreload does (a removal should not be held up by style).
///
/// ```
/// let v = hstsguard::removable_check("max-age=31536000; includeSubDomains");
/// assert!(v.is_ok());
/// assert_eq!(hstsguard::removable_check("max-age=1; preload").errors(), ["header.removable.contains.preload"]);
/// ```
pub fn removable_check(value: &str) -> PreloadVerdict {
    let parsed = parse_sts(value);
    let mut issues: Vec<Issue> = parsed
        .issues()
        .iter()
        .filter(|i| i.is_error())
        .cloned()
        .collect();
    if parsed.preload() {
        issues.push(Issue::error(
            Code::HeaderRemovableContainsPreload,
            "For preload list removal, the header must not contain the `preload` directive.",
        ));
    }
    if parsed.max_age().is_none() {
        issues.push(Issue::error(
            Code::HeaderRemovableMissingMaxAge,
            "For preload list removal, the header must contain a valid `max-age` directive.",
        ));
    }
    PreloadVerdict { parsed, issues }
}

/// Checks a domain name as hstspreload.org does before it looks at the site: format
/// (leading or trailing dot, `..`, public suffix, characters, IP address, length) and
/// level (only a registrable domain, eTLD+1, may be submitted). The Public Suffix List
/// is embedded (`data/public_suffix_list.dat`, compiled at build time; a domain is read
/// in A-labels).
///
/// ```
/// use hstsguard::domain_check;
/// assert!(domain_check("example.com").is_empty());
/// assert_eq!(domain_check("www.example.com")[0].code().as_str(), "domain.is_subdomain");
/// assert_eq!(domain_check("co.uk")[0].code().as_str(), "domain.format.public_suffix");
/// ```
pub fn domain_check(domain: &str) -> Vec<Issue> {
    let err = |code, msg: String| vec![Issue::error(code, msg)];
    if domain.is_empty() {
        return err(
            Code::DomainFormatEmpty,
            "Please provide a domain name.".into(),
        );
    }
    if domain.starts_with('.') {
        return err(
            Code::DomainFormatBeginsWithDot,
            format!(
                "Please provide a domain that does not begin with `.`: {}.",
                quote(domain)
            ),
        );
    }
    if domain.ends_with('.') {
        return err(
            Code::DomainFormatEndsWithDot,
            format!(
                "Please provide a domain that does not end with `.`: {}.",
                quote(domain)
            ),
        );
    }
    if domain.contains("..") {
        return err(
            Code::DomainFormatContainsDoubleDot,
            format!(
                "Please provide a domain that does not contain `..`: {}.",
                quote(domain)
            ),
        );
    }
    let lower = domain.to_ascii_lowercase();
    if public_suffix::suffix_start(&lower) == 0 {
        return err(
            Code::DomainFormatPublicSuffix,
            format!(
                "{} is a public suffix (a TLD or a suffix listed at publicsuffix.org) and cannot be submitted; enter the whole registrable domain, e.g. `example.com`.",
                quote(domain)
            ),
        );
    }
    if let Some(bad) = lower
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        let hint = if !bad.is_ascii() {
            match idna::domain_to_ascii(domain) {
                Ok(a) if a != lower => {
                    format!(" For an internationalised name use its A-label form: `{a}`.")
                }
                _ => String::new(),
            }
        } else {
            String::new()
        };
        return err(
            Code::DomainFormatInvalidCharacters,
            format!(
                "Please provide a domain using valid characters (letters, numbers, dashes, dots); {} contains {}.{hint}",
                quote(domain),
                quote(&bad.to_string())
            ),
        );
    }
    if lower.parse::<std::net::IpAddr>().is_ok() {
        return err(
            Code::DomainFormatIsIpAddress,
            format!(
                "Please provide a domain, not an IP address: {}.",
                quote(domain)
            ),
        );
    }
    if lower.len() > 253 || lower.split('.').any(|l| l.len() > 63) {
        return err(
            Code::DomainFormatTooLong,
            format!(
                "The domain {} is too long (labels of at most 63 octets, 253 in all).",
                quote(domain)
            ),
        );
    }
    match public_suffix::registrable_start(&lower) {
        Some(start) if start > 0 => {
            let reg = &lower[start..];
            err(
                Code::DomainIsSubdomain,
                format!(
                    "{} is a subdomain. Please preload `{reg}` instead: only whole registered domains are accepted.",
                    quote(domain)
                ),
            )
        }
        _ => Vec::new(),
    }
}

/// One hop of a redirect chain observed by the caller: the URL redirected to, and the
/// `Strict-Transport-Security` value its response carried, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectHop<'a> {
    /// The absolute URL of the hop (a `Location` value).
    pub url: &'a str,
    /// The STS value of that URL's response, when it was fetched and had one.
    pub sts: Option<&'a str>,
}

/// The scheme and host of a URL (lower case; IDNs as A-labels; IPv6 in brackets), read
/// with the `url` crate; empty strings for text that is not an absolute URL.
fn scheme_and_host(url: &str) -> (String, String) {
    match url::Url::parse(url.trim()) {
        Ok(u) => (
            u.scheme().to_owned(),
            u.host_str().unwrap_or_default().to_owned(),
        ),
        Err(_) => (String::new(), String::new()),
    }
}

/// Audits what a client saw when it fetched `http://domain/`: the STS value of that
/// plain-HTTP response (should be none), and the redirects followed from it. Applies
/// hstspreload.org's redirect rules: the first redirect must go to `https://domain`
/// (not to `www` first), that page must serve a preloadable header, every hop must be
/// HTTPS, and there must be at most 3 redirects.
///
/// ```
/// use hstsguard::{audit_redirect_chain, RedirectHop};
/// let ok = [RedirectHop { url: "https://example.com/", sts: Some("max-age=31536000; includeSubDomains; preload") }];
/// assert!(audit_redirect_chain("example.com", None, &ok).is_empty());
/// let www = [RedirectHop { url: "https://www.example.com/", sts: None }];
/// assert_eq!(audit_redirect_chain("example.com", None, &www)[0].code().as_str(), "redirects.http.www_first");
/// ```
pub fn audit_redirect_chain(
    domain: &str,
    http_sts: Option<&str>,
    hops: &[RedirectHop<'_>],
) -> Vec<Issue> {
    let domain = domain.to_ascii_lowercase();
    let initial = format!("http://{domain}");
    let mut issues = Vec::new();
    if http_sts.is_some() {
        issues.push(Issue::warning(
            Code::RedirectsHttpUselessHeader,
            format!("The HTTP page at {initial} sends an HSTS header. This has no effect over HTTP, and should be removed."),
        ));
    }
    if hops.len() > 3 {
        issues.push(Issue::error(
            Code::RedirectsTooMany,
            format!("There are more than 3 redirects starting from `{initial}`."),
        ));
    }
    let Some(first) = hops.first() else {
        issues.push(Issue::error(
            Code::RedirectsHttpNoRedirect,
            format!("`{initial}` does not redirect to `https://{domain}`."),
        ));
        return issues;
    };
    let (scheme, host) = scheme_and_host(first.url);
    if scheme == "https" && host == domain {
        let verdict = first.sts.map(preload_check);
        let first_error = match &verdict {
            None => Some("no HSTS header".to_owned()),
            Some(v) => v
                .issues()
                .iter()
                .find(|i| i.is_error())
                .map(|i| i.message().to_owned()),
        };
        if let Some(why) = first_error {
            issues.push(Issue::error(
                Code::RedirectsHttpFirstRedirectNoHsts,
                format!(
                    "`{initial}` redirects to {}, which does not serve an HSTS header that satisfies the preload requirements. First error: {why}",
                    quote(first.url)
                ),
            ));
        }
        for (n, hop) in hops.iter().enumerate() {
            if scheme_and_host(hop.url).0 != "https" {
                let (code, msg) = if n == 0 {
                    (
                        Code::RedirectsInsecureInitial,
                        format!(
                            "`{initial}` redirects to an insecure page: {}",
                            quote(hop.url)
                        ),
                    )
                } else {
                    (
                        Code::RedirectsInsecureSubsequent,
                        format!(
                            "`{initial}` redirects to an insecure page on redirect #{}: {}",
                            n + 1,
                            quote(hop.url)
                        ),
                    )
                };
                issues.push(Issue::error(code, msg));
                break;
            }
        }
    } else if host == format!("www.{domain}") {
        issues.push(Issue::error(
            Code::RedirectsHttpWwwFirst,
            format!(
                "`{initial}` (HTTP) should immediately redirect to `https://{domain}` (HTTPS) before adding the www subdomain. Right now, the first redirect is to {}.",
                quote(first.url)
            ),
        ));
    } else {
        issues.push(Issue::error(
            Code::RedirectsHttpFirstRedirectInsecure,
            format!(
                "`{initial}` (HTTP) redirects to {}. The first redirect should be to a secure page on the same host (`https://{domain}`).",
                quote(first.url)
            ),
        ));
    }
    issues
}
