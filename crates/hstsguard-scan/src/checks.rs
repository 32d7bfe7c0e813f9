//! The checks: hstspreload.org's (through the core's `domain_check`, `preload_check`,
//! `removable_check` and `audit_redirect_chain`) and the ones it lacks.

use std::collections::BTreeSet;

use hstsguard::cookies::{CookiePolicy, PrefixMode};
use hstsguard::{
    audit_redirect_chain, preload_check, removable_check, Code, Issue, RedirectHop, Severity,
};

use crate::chain::Chain;
use crate::report::{Chains, Finding, Hop, ScanReport};
use crate::tls::{now_secs, parse_iso8601};
use crate::Options;

/// Which verdict a finding counts towards.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Both the preload and the removal verdicts.
    Common,
    /// Only the preload verdict.
    Preload,
    /// Only the removal verdict.
    Removal,
}

#[derive(Default)]
struct Findings(Vec<(Scope, Finding)>);

impl Findings {
    fn push(&mut self, scope: Scope, check: &str, code: Code, severity: Severity, msg: String) {
        self.0
            .push((scope, Finding::new(check, code, severity, msg)));
    }
    fn issue(&mut self, scope: Scope, check: &str, issue: &Issue) {
        self.0.push((scope, Finding::from_issue(check, issue)));
    }
    fn error(&mut self, scope: Scope, check: &str, code: Code, msg: String) {
        self.push(scope, check, code, Severity::Error, msg);
    }
    fn warning(&mut self, check: &str, code: Code, msg: String) {
        self.push(Scope::Common, check, code, Severity::Warning, msg);
    }
}

fn hop_code(hop: &Hop) -> Option<Code> {
    hop.error.as_ref().and_then(|e| Code::from_code(&e.code))
}

fn is_connect_failure(code: Option<Code>) -> bool {
    matches!(
        code,
        Some(Code::ScanConnectFailed | Code::ScanConnectTimeout)
    )
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

fn single_sts(hop: &Hop) -> Option<&str> {
    match hop.sts.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    }
}

/// Later-hop failures of a chain (the first hop is judged by its own check).
fn later_failures(f: &mut Findings, chain: &[Hop], name: &str, severity: Severity, umbrella: bool) {
    for (n, hop) in chain.iter().enumerate() {
        let (Some(err), Some(code)) = (&hop.error, hop_code(hop)) else {
            continue;
        };
        if n == 0 && hop.status.is_none() {
            continue;
        }
        let msg = format!("{name}, request #{} ({}): {}", n + 1, hop.url, err.message);
        if umbrella && severity == Severity::Error {
            f.error(
                Scope::Common,
                "redirects",
                Code::RedirectsFollowError,
                msg.clone(),
            );
        }
        f.push(Scope::Common, "redirects", code, severity, msg);
    }
}

pub(crate) struct Observed {
    pub(crate) http_apex: Chain,
    pub(crate) https_apex: Chain,
    pub(crate) http_www: Option<Chain>,
    pub(crate) https_www: Option<Chain>,
}

/// Judges the observed chains of `domain`.
pub(crate) fn evaluate(
    options: &Options,
    domain: &str,
    domain_issues: &[Issue],
    seen: Observed,
) -> ScanReport {
    let mut f = Findings::default();
    for i in domain_issues {
        f.issue(Scope::Preload, "domain", i);
    }
    let apex = domain.to_ascii_lowercase();
    let www = format!("www.{apex}");
    let mut header = None;

    // ---- TLS and the apex's header (hstspreload's getResponse + PreloadableResponse) ----
    let https = &seen.https_apex.hops;
    let first = https.first();
    let reachable = first.is_some_and(|h| h.status.is_some());
    match first {
        Some(h) if !reachable => {
            let why = h
                .error
                .as_ref()
                .map_or("no response".into(), |e| e.message.clone());
            f.error(
                Scope::Common,
                "tls",
                Code::DomainTlsCannotConnect,
                format!("We cannot connect to https://{apex} using TLS: {why}."),
            );
            if let Some(code) = hop_code(h) {
                f.error(
                    Scope::Common,
                    "tls",
                    code,
                    format!("https://{apex}/: {why}"),
                );
            }
        }
        _ => {}
    }
    if let Some(h) = first.filter(|_| reachable) {
        if let Some(tls) = h.tls.as_ref().filter(|t| !t.verified) {
            f.error(
                Scope::Common,
                "tls",
                Code::DomainTlsInvalidCertChain,
                format!(
                    "https://{apex} uses an invalid certificate chain ({}; subject {}, issuer {}).",
                    tls.error.as_deref().unwrap_or("invalid"),
                    tls.subject,
                    tls.issuer
                ),
            );
        }
        match h.sts.as_slice() {
            [] => f.error(
                Scope::Common,
                "header",
                Code::ResponseNoHeader,
                "Response error: No HSTS header is present on the response.".into(),
            ),
            [one] => {
                header = Some(one.clone());
                for i in preload_check(one).issues() {
                    f.issue(Scope::Preload, "header", i);
                }
                if options.removable {
                    for i in removable_check(one).issues() {
                        f.issue(Scope::Removal, "header", i);
                    }
                }
            }
            many => f.error(
                Scope::Common,
                "header",
                Code::ResponseMultipleHeaders,
                format!(
                    "Response error: Multiple HSTS headers (number of HSTS headers: {}).",
                    many.len()
                ),
            ),
        }
    }
    let header_failed =
        f.0.iter()
            .any(|(s, i)| i.is_error() && i.check == "header" && *s != Scope::Removal);

    // Certificates about to expire, once per host.
    let now = now_secs();
    let mut warned = BTreeSet::new();
    for hop in all_hops(&seen) {
        let Some(tls) = &hop.tls else { continue };
        let Some(end) = tls.not_after.as_deref().and_then(parse_iso8601) else {
            continue;
        };
        let left = end - now;
        if left >= 0 && (left as u64) < options.expiry_warning.as_secs() {
            let host = host_of(&hop.url);
            if warned.insert(host.clone()) {
                f.warning(
                    "tls",
                    Code::ScanTlsExpiresSoon,
                    format!(
                        "The certificate of {host} expires in {} days ({}).",
                        left / 86_400,
                        tls.not_after.as_deref().unwrap_or("")
                    ),
                );
            }
        }
    }

    // ---- Redirects (hstspreload's preloadableHTTPRedirects / preloadableHTTPSRedirects) ----
    let http = &seen.http_apex.hops;
    if let Some(h0) = http.first() {
        if h0.status.is_none() {
            let code = hop_code(h0);
            let why = h0
                .error
                .as_ref()
                .map_or(String::new(), |e| e.message.clone());
            if is_connect_failure(code) || !seen.http_apex.first_tcp {
                f.warning(
                    "redirects",
                    Code::RedirectsHttpDoesNotExist,
                    format!("The site appears to be unavailable over plain HTTP (http://{apex}: {why})."),
                );
            } else if let Some(code) = code {
                f.error(
                    Scope::Common,
                    "redirects",
                    code,
                    format!("http://{apex}/: {why}"),
                );
            }
        } else if reachable {
            let hops: Vec<RedirectHop<'_>> = http[1..]
                .iter()
                .map(|h| RedirectHop {
                    url: h.url.as_str(),
                    sts: single_sts(h),
                })
                .collect();
            let http_sts = h0.sts.first().map(String::as_str);
            for i in audit_redirect_chain(&apex, http_sts, &hops) {
                // hstspreload hides the first-redirect header finding when the apex's own
                // header already failed: it would only repeat it.
                if i.code() == Code::RedirectsHttpFirstRedirectNoHsts && header_failed {
                    continue;
                }
                let scope = if i.code() == Code::RedirectsHttpUselessHeader {
                    Scope::Common
                } else {
                    Scope::Preload
                };
                f.issue(scope, "redirects", &i);
            }
        }
        later_failures(
            &mut f,
            http,
            &format!("http://{apex}/"),
            Severity::Error,
            true,
        );
    }
    if reachable {
        let initial = format!("https://{apex}");
        let targets = &https[1..];
        if targets.len() > 3 {
            f.error(
                Scope::Preload,
                "redirects",
                Code::RedirectsTooMany,
                format!("There are more than 3 redirects starting from `{initial}`."),
            );
        }
        if let Some((n, h)) = targets.iter().enumerate().find(|(_, h)| !h.is_https()) {
            let (code, msg) = if n == 0 {
                (
                    Code::RedirectsInsecureInitial,
                    format!("`{initial}` redirects to an insecure page: `{}`", h.url),
                )
            } else {
                (
                    Code::RedirectsInsecureSubsequent,
                    format!(
                        "`{initial}` redirects to an insecure page on redirect #{}: `{}`",
                        n + 1,
                        h.url
                    ),
                )
            };
            f.error(Scope::Preload, "redirects", code, msg);
        }
        later_failures(
            &mut f,
            https,
            &format!("https://{apex}/"),
            Severity::Error,
            true,
        );
    }

    // ---- www (hstspreload's checkWWW: judged only when TCP to www:443 connects) ----
    if let Some(chain) = &seen.https_www {
        if let Some(h0) = chain.hops.first() {
            let tls_bad = h0.tls.as_ref().is_some_and(|t| !t.verified);
            let handshake_failed = h0.tls.is_none()
                && matches!(
                    hop_code(h0),
                    Some(Code::ScanTlsHandshake | Code::ScanConnectTimeout)
                );
            if chain.first_tcp && (tls_bad || handshake_failed) {
                let why = match (&h0.tls, &h0.error) {
                    (Some(t), _) if !t.verified => format!(
                        "invalid certificate: {}",
                        t.error.as_deref().unwrap_or("invalid")
                    ),
                    (_, Some(e)) => e.message.clone(),
                    _ => "unknown".into(),
                };
                f.error(
                    Scope::Preload,
                    "www",
                    Code::DomainWwwNoTls,
                    format!("The www subdomain exists, but we couldn't connect to it using HTTPS ({why}). Since many people type this by habit, HSTS preloading would likely cause issues for your site."),
                );
            } else if h0.status.is_none() && chain.first_tcp && !handshake_failed {
                if let Some(code) = hop_code(h0) {
                    let why = h0
                        .error
                        .as_ref()
                        .map_or(String::new(), |e| e.message.clone());
                    f.warning("www", code, format!("https://{www}/: {why}"));
                }
            }
        }
        later_failures(
            &mut f,
            &chain.hops,
            &format!("https://{www}/"),
            Severity::Warning,
            false,
        );
    }
    if let Some(chain) = &seen.http_www {
        if let Some(h0) = chain.hops.first() {
            if h0.status.is_none() && chain.first_tcp {
                if let Some(code) = hop_code(h0) {
                    let why = h0
                        .error
                        .as_ref()
                        .map_or(String::new(), |e| e.message.clone());
                    f.warning("www", code, format!("http://{www}/: {why}"));
                }
            }
        }
        later_failures(
            &mut f,
            &chain.hops,
            &format!("http://{www}/"),
            Severity::Warning,
            false,
        );
    }

    // ---- Header hygiene beyond hstspreload ----
    for (n, hop) in all_hops(&seen).enumerate() {
        // http_apex's first response is hstspreload's redirects.http.useless_header.
        if n == 0 || hop.is_https() || hop.sts.is_empty() {
            continue;
        }
        f.warning(
            "header",
            Code::ScanHstsOverHttp,
            format!(
                "{} sends Strict-Transport-Security over plain HTTP, where user agents ignore it.",
                hop.url
            ),
        );
    }
    if let Some(reference) = first.filter(|_| reachable) {
        let mut reported = BTreeSet::new();
        for hop in all_hops(&seen) {
            let host = host_of(&hop.url);
            if !hop.is_https() || hop.status.is_none() || (host != apex && host != www) {
                continue;
            }
            if hop.sts != reference.sts && reported.insert(hop.sts.clone()) {
                let show = |s: &[String]| {
                    if s.is_empty() {
                        "no header".to_owned()
                    } else {
                        format!("{:?}", s.join(" | "))
                    }
                };
                f.warning(
                    "header",
                    Code::ScanHstsInconsistent,
                    format!(
                        "{} sends {} but https://{apex}/ sends {}.",
                        hop.url,
                        show(&hop.sts),
                        show(&reference.sts)
                    ),
                );
            }
        }
    }

    // ---- Cookies over HTTPS (the core's cookie analysis, reporting only) ----
    let analyser = CookiePolicy::new(Vec::new()).prefixes(PrefixMode::Report);
    let mut reported = BTreeSet::new();
    for hop in all_hops(&seen).filter(|h| h.is_https()) {
        for cookie in &hop.set_cookie {
            let name = cookie
                .split(['=', ';'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            let has_secure = cookie.split(';').skip(1).any(|a| {
                a.split('=')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("secure")
            });
            if !has_secure && reported.insert((Code::ScanCookieNotSecure, name.clone())) {
                f.warning(
                    "cookies",
                    Code::ScanCookieNotSecure,
                    format!("The cookie `{name}` set by {} lacks `Secure`: browsers would also send it over plain HTTP.", hop.url),
                );
            }
            for issue in analyser.flag(cookie, true).issues() {
                let code = match issue.code() {
                    Code::CookieSameSiteNoneSecureAdded => Code::CookieSameSiteNoneWithoutSecure,
                    Code::CookieAttributeDuplicateRemoved => continue,
                    c => c,
                };
                if reported.insert((code, name.clone())) {
                    f.warning(
                        "cookies",
                        code,
                        format!("{} (cookie `{name}` from {})", issue.message(), hop.url),
                    );
                }
            }
        }
    }

    // ---- Mixed content on the HTTPS landing page ----
    let mixed = seen.https_apex.mixed.clone();
    if let Some(landing) = https.last().filter(|_| !mixed.is_empty()) {
        f.warning(
            "content",
            Code::ScanMixedContent,
            format!(
                "The HTTPS page {} loads {} http:// subresource(s){}, e.g. {}.",
                landing.url,
                mixed.len(),
                if mixed.len() >= crate::mixed::MAX_FINDINGS {
                    " or more"
                } else {
                    ""
                },
                mixed[0]
            ),
        );
    }
    if seen.https_apex.body_too_large {
        f.warning(
            "content",
            Code::ScanResponseBodyTooLarge,
            format!(
                "The landing page {} is larger than {} bytes; only its beginning was checked for mixed content.",
                https.last().map_or("", |h| h.url.as_str()),
                options.max_body_bytes
            ),
        );
    }

    // ---- Leftover headers ----
    if let Some(h) = all_hops(&seen).find(|h| h.is_https() && !h.public_key_pins.is_empty()) {
        f.warning(
            "legacy",
            Code::HpkpDeprecated,
            format!(
                "{} still sends Public-Key-Pins, which browsers removed; drop it.",
                h.url
            ),
        );
    }
    if let Some(h) = all_hops(&seen).find(|h| h.is_https() && !h.expect_ct.is_empty()) {
        f.warning(
            "legacy",
            Code::ScanLegacyExpectCt,
            format!(
                "{} still sends Expect-CT, which is obsolete; drop it.",
                h.url
            ),
        );
    }

    let preloadable =
        !f.0.iter()
            .any(|(s, i)| *s != Scope::Removal && i.is_error());
    let (removable, keep): (Option<bool>, fn(Scope) -> bool) = if options.removable {
        let ok =
            !f.0.iter()
                .any(|(s, i)| *s != Scope::Preload && i.is_error());
        (Some(ok), |s| s != Scope::Preload)
    } else {
        (None, |s| s != Scope::Removal)
    };
    let issues =
        f.0.into_iter()
            .filter(|(s, _)| keep(*s))
            .map(|(_, i)| i)
            .collect();
    let chains = Chains {
        http_apex: seen.http_apex.hops,
        https_apex: seen.https_apex.hops,
        http_www: seen.http_www.map(|c| c.hops).unwrap_or_default(),
        https_www: seen.https_www.map(|c| c.hops).unwrap_or_default(),
    };
    ScanReport::finish(
        domain,
        issues,
        header,
        preloadable,
        removable,
        mixed,
        chains,
    )
}

fn all_hops(seen: &Observed) -> impl Iterator<Item = &Hop> {
    seen.http_apex
        .hops
        .iter()
        .chain(&seen.https_apex.hops)
        .chain(seen.http_www.iter().flat_map(|c| &c.hops))
        .chain(seen.https_www.iter().flat_map(|c| &c.hops))
}
