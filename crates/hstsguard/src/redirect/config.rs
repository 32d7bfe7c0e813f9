//! The `[redirect]` section of a policy document, and the builder that reads the same way.

use crate::config::field::Field;
use crate::config::reader::Reader;
use crate::config::{join, OtherStatus, Port, RedirectSection, RedirectStatus};
use crate::error::Error;
use crate::host::{AllowedHosts, HostPattern};

use super::exempt::ExemptPattern;
use super::location::refresh_prefix;
use super::RedirectPolicy;

/// Builds a [`RedirectPolicy`] in code: each method sets one key of a
/// [`RedirectSection`], read as a policy document's `[redirect]` section is read;
/// [`RedirectPolicyBuilder::build`] reports every bad value with its path
/// (`redirect.exempt[0]`).
#[derive(Debug, Default)]
pub struct RedirectPolicyBuilder {
    pub(crate) section: RedirectSection,
    pub(crate) exempt_calls: usize,
    pub(crate) r: Reader,
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

/// `status` when it is one of `allowed`, else the problem is recorded at `path`.
pub(crate) fn status_in(status: u16, allowed: &[u16], path: &str, r: &mut Reader) -> Option<u16> {
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
    p.exempt = s.exempt.iter().flatten().cloned().collect();
    if let Some(st) = status_in(
        s.status_get_head().0,
        RedirectStatus::ALLOWED,
        &at("status_get_head"),
        r,
    ) {
        p.status_get_head = st;
    }
    if let Some(st) = status_in(
        s.status_other().0,
        OtherStatus::ALLOWED,
        &at("status_other"),
        r,
    ) {
        p.status_other = st;
    }
    p
}
