//! The cookie policy and the flagging of one `Set-Cookie` value: the plan of what to add, change or drop, and the prefix rules.

use std::borrow::Cow;

use crate::issue::{quote, Code, Issue};

use super::flagged::{FlaggedCookie, FlaggedCookieBytes};
use super::rules::{CookieRule, Matcher, PrefixMode, SameSite, SecureWhen};
use super::scan::{trim_end_wsp, trim_wsp, Attrs, Kind, Scan};

// ---------------------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------------------

/// The cookie part of a policy: rules in order, when `Secure` applies, and what to do with
/// prefix violations. Immutable, `Send + Sync`, cheap to share.
///
/// ```
/// use hstsguard::cookies::{CookiePolicy, CookieRule, PrefixMode, SecureWhen};
///
/// let policy = CookiePolicy::new(vec![CookieRule::new("*").unwrap().with_secure(true)])
///     .secure_when(SecureWhen::RequestSecure)
///     .prefixes(PrefixMode::Report);
///
/// assert_eq!(policy.flag("a=1", true).value(), "a=1; Secure");
/// assert_eq!(policy.flag("a=1", false).value(), "a=1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookiePolicy {
    pub(crate) rules: Vec<CookieRule>,
    pub(crate) secure_when: SecureWhen,
    pub(crate) prefixes: PrefixMode,
}

impl Default for CookiePolicy {
    /// One rule, `*` with `Secure` ensured; [`SecureWhen::Always`]; [`PrefixMode::Repair`].
    ///
    /// ```
    /// use hstsguard::cookies::CookiePolicy;
    /// let flagged = CookiePolicy::default().flag("sid=abc; Path=/; HttpOnly", true);
    /// assert_eq!(flagged.value(), "sid=abc; Path=/; HttpOnly; Secure");
    /// ```
    fn default() -> Self {
        let all = CookieRule {
            pattern: "*".into(),
            matcher: Matcher::Any,
            secure: Some(true),
            http_only: None,
            same_site: None,
        };
        CookiePolicy::new(vec![all])
    }
}

impl CookiePolicy {
    /// A policy with these rules, [`SecureWhen::Always`] and [`PrefixMode::Repair`].
    /// Every matching rule applies; for each attribute the last matching rule that sets it
    /// wins.
    pub fn new(rules: Vec<CookieRule>) -> CookiePolicy {
        CookiePolicy {
            rules,
            secure_when: SecureWhen::Always,
            prefixes: PrefixMode::Repair,
        }
    }

    /// The same policy with another [`SecureWhen`].
    #[must_use]
    pub fn secure_when(mut self, when: SecureWhen) -> CookiePolicy {
        self.secure_when = when;
        self
    }

    /// The same policy with another [`PrefixMode`].
    #[must_use]
    pub fn prefixes(mut self, mode: PrefixMode) -> CookiePolicy {
        self.prefixes = mode;
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[CookieRule] {
        &self.rules
    }

    /// When rules that set `Secure` apply.
    pub fn secure_mode(&self) -> SecureWhen {
        self.secure_when
    }

    /// What happens to a cookie breaking its `__Secure-` / `__Host-` prefix.
    pub fn prefix_mode(&self) -> PrefixMode {
        self.prefixes
    }

    /// Flags one `Set-Cookie` value (the field value, without `Set-Cookie:`) for a
    /// response to a request that was secure or not. See the module documentation for the
    /// rules. Never panics; an unchanged value is borrowed, a changed one is built with
    /// one allocation (issues, when there are any, allocate their messages; a glob pattern's
    /// regular expression builds a per-thread cache the first time it runs).
    ///
    /// ```
    /// use hstsguard::cookies::{CookiePolicy, CookieRule, SameSite};
    /// use hstsguard::Code;
    ///
    /// let policy = CookiePolicy::new(vec![CookieRule::new("*").unwrap().with_same_site(SameSite::None)]);
    /// let flagged = policy.flag("id=7; SameSite=Strict", true);
    /// assert_eq!(flagged.value(), "id=7; SameSite=None; Secure");
    /// assert_eq!(flagged.issues()[0].code(), Code::CookieSameSiteNoneSecureAdded);
    ///
    /// let nameless = policy.flag("no equals sign", true);
    /// assert_eq!(nameless.value(), "no equals sign; Secure; SameSite=None");
    /// assert_eq!(nameless.issues()[0].code(), Code::CookieNameless);
    ///
    /// let broken = policy.flag("=; Path=/", true);
    /// assert!(!broken.changed());
    /// assert_eq!(broken.issues()[0].code(), Code::CookieMalformedEmptyName);
    /// ```
    pub fn flag<'a>(&self, set_cookie: &'a str, request_secure: bool) -> FlaggedCookie<'a> {
        let mut out = Owned {
            text: String::new(),
            input_len: set_cookie.len(),
        };
        let (changed, issues) = self.flag_to(set_cookie, request_secure, &mut out);
        FlaggedCookie {
            value: if changed {
                Cow::Owned(out.text)
            } else {
                Cow::Borrowed(set_cookie)
            },
            changed,
            issues,
        }
    }

    /// [`CookiePolicy::flag`] with the value written to `out` only when it changes:
    /// returns whether it did, and the issues.
    pub(crate) fn flag_to(
        &self,
        s: &str,
        request_secure: bool,
        out: &mut impl Out,
    ) -> (bool, Vec<Issue>) {
        // One pass over the value (Scan::new): its control characters, its name-value
        // pair and its attributes.
        let scan = Scan::new(s);
        if let Some(at) = scan.ctl {
            let byte = s.as_bytes()[at];
            return (
                false,
                vec![Issue::error(
                    Code::CookieMalformedControlCharacter,
                    format!(
                        "The Set-Cookie value contains the control character U+{byte:04X} at byte {at}; it is left unchanged."
                    ),
                )],
            );
        }
        let nv_end = scan.nv_end;
        let nv = &s[..nv_end];
        let (name, value) = match scan.nv_eq {
            Some(eq) => (trim_wsp(&nv[..eq]), trim_wsp(&nv[eq + 1..])),
            None => ("", trim_wsp(nv)),
        };
        let mut issues = Vec::new();
        if name.is_empty() {
            if value.is_empty() {
                return (
                    false,
                    vec![Issue::error(
                        Code::CookieMalformedEmptyName,
                        format!(
                            "The Set-Cookie value {} has neither a cookie name nor a value; user agents ignore it, so it is left unchanged.",
                            quote(nv)
                        ),
                    )],
                );
            }
            issues.push(Issue::warning(
                Code::CookieNameless,
                format!(
                    "The Set-Cookie value {} has no cookie name; user agents store it under the empty name, so it is flagged as the cookie \"\".",
                    quote(nv)
                ),
            ));
        }

        let mut matched = false;
        let mut want = Wanted::default();
        for rule in self.rules.iter().filter(|r| r.matches(name)) {
            matched = true;
            want.secure = rule.secure.or(want.secure);
            want.http_only = rule.http_only.or(want.http_only);
            want.same_site = rule.same_site.or(want.same_site);
        }
        // A nameless cookie whose value starts with a prefix is one user agents refuse
        // (RFC 6265bis §5.6); its prefix rules are applied all the same.
        let prefix = Prefix::of(if name.is_empty() { value } else { name });
        if !matched && prefix.is_none() {
            return (false, issues);
        }

        let mut plan = self.plan(s, name, prefix, &want, &scan, request_secure);
        let changed = plan.edits(&scan, &want);
        if changed {
            plan.apply(s, nv_end, &scan, &want, out);
        }
        issues.append(&mut plan.issues);
        (changed, issues)
    }

    /// [`CookiePolicy::flag_bytes`] with a changed value written straight into `buf`
    /// (nothing is allocated for it), for a server that has its own memory. When the
    /// changed value does not fit, nothing is written and [`FlaggedInto::written`] is
    /// false ([`FlaggedInto::len`] says how much room it needs). An unchanged value is
    /// never copied.
    ///
    /// ```
    /// use hstsguard::cookies::{CookiePolicy, CookieRule, SameSite};
    ///
    /// let policy = CookiePolicy::new(vec![CookieRule::new("*").unwrap()
    ///     .with_secure(true).with_http_only(true).with_same_site(SameSite::Lax)]);
    /// let mut buf = [0u8; 64];
    /// let f = policy.flag_bytes_into(b"sid=1; Path=/", true, &mut buf);
    /// assert!(f.changed() && f.written());
    /// assert_eq!(&buf[..f.len()], b"sid=1; Path=/; Secure; HttpOnly; SameSite=Lax");
    /// assert!(!policy.flag_bytes_into(b"sid=1; Path=/", true, &mut [0u8; 8]).written());
    /// let same = policy.flag_bytes_into(b"a=1; Secure; HttpOnly; SameSite=Lax", true, &mut []);
    /// assert!(!same.changed() && same.len() == 35);
    /// ```
    pub fn flag_bytes_into(
        &self,
        set_cookie: &[u8],
        request_secure: bool,
        buf: &mut [u8],
    ) -> FlaggedInto {
        let Ok(text) = std::str::from_utf8(set_cookie) else {
            // Not UTF-8: flagged byte-wise as flag_bytes does, then copied.
            let f = self.flag_bytes(set_cookie, request_secure);
            let value = f.value();
            let written = f.changed() && value.len() <= buf.len();
            if written {
                buf[..value.len()].copy_from_slice(value);
            }
            return FlaggedInto {
                len: value.len(),
                changed: f.changed(),
                written,
                issues: f.issues,
            };
        };
        // A flagged value is at most MAX_GROWTH bytes longer than the input: with that
        // much room it is written in one pass; otherwise its length is found first, so
        // that nothing is written when it does not fit.
        if buf.len() < text.len() + MAX_GROWTH {
            let mut count = Count(0);
            let (changed, issues) = self.flag_to(text, request_secure, &mut count);
            if !changed {
                return FlaggedInto {
                    len: text.len(),
                    changed,
                    written: false,
                    issues,
                };
            }
            if count.0 > buf.len() {
                return FlaggedInto {
                    len: count.0,
                    changed,
                    written: false,
                    issues,
                };
            }
        }
        let mut w = Write { buf, len: 0 };
        let (changed, issues) = self.flag_to(text, request_secure, &mut w);
        let written = changed && w.len <= w.buf.len();
        FlaggedInto {
            len: if changed { w.len } else { text.len() },
            changed,
            written,
            issues,
        }
    }

    /// Flags one `Set-Cookie` value given as bytes, which need not be UTF-8 (a value or
    /// a `Path` may be Latin-1): the same rules as [`CookiePolicy::flag`], applied
    /// byte-wise, every byte outside ASCII kept as it is. A UTF-8 value gives exactly
    /// what [`CookiePolicy::flag`] gives. An unchanged value is borrowed; for a value that
    /// is not UTF-8, the name a rule is matched against and the issue messages read each
    /// byte as the Latin-1 character of that number.
    ///
    /// ```
    /// use hstsguard::cookies::{CookiePolicy, CookieRule};
    ///
    /// let policy = CookiePolicy::new(vec![CookieRule::new("*").unwrap().with_secure(true).with_http_only(true)]);
    /// let f = policy.flag_bytes(b"bad=\xff; Path=/", true);
    /// assert_eq!(f.value(), b"bad=\xff; Path=/; Secure; HttpOnly");
    /// let same = policy.flag_bytes(b"ok=\xff\xfe; secure; httponly", true);
    /// assert!(!same.changed());
    /// ```
    pub fn flag_bytes<'a>(
        &self,
        set_cookie: &'a [u8],
        request_secure: bool,
    ) -> FlaggedCookieBytes<'a> {
        if let Ok(text) = std::str::from_utf8(set_cookie) {
            let f = self.flag(text, request_secure);
            return FlaggedCookieBytes {
                value: match f.value {
                    Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
                    Cow::Owned(o) => Cow::Owned(o.into_bytes()),
                },
                changed: f.changed,
                issues: f.issues,
            };
        }
        // Each byte as the Latin-1 character of that number: the ASCII structure is the
        // same, and every character of the result is an input byte or ASCII the flagger
        // wrote, so it maps back to bytes without loss.
        let text: String = set_cookie.iter().map(|&b| char::from(b)).collect();
        let f = self.flag(&text, request_secure);
        let value = if f.changed {
            Cow::Owned(
                f.value()
                    .chars()
                    .map(|c| u8::try_from(c).unwrap_or(b'?'))
                    .collect(),
            )
        } else {
            Cow::Borrowed(set_cookie)
        };
        FlaggedCookieBytes {
            value,
            changed: f.changed,
            issues: f.issues,
        }
    }

    /// Decides the final state of every owned attribute, and the issues.
    pub(crate) fn plan<'s>(
        &self,
        s: &'s str,
        name: &str,
        prefix: Option<Prefix>,
        want: &Wanted,
        scan: &Scan<'s>,
        request_secure: bool,
    ) -> Plan<'s> {
        let mut issues = Vec::new();
        let has_secure = scan.secure > 0;
        let insecure_exempt = self.secure_when == SecureWhen::RequestSecure && !request_secure;
        let rule_secure = if insecure_exempt { None } else { want.secure };
        let mut secure = rule_secure.unwrap_or(has_secure) || (prefix.is_some() && has_secure);
        let http_only = want.http_only.unwrap_or(scan.http_only > 0);

        // SameSite: the value written in the first occurrence, and the one that results.
        let first_ss = scan.first_same_site.map_or("", |a| a.value_text(s));
        let same_site_rewrite = match want.same_site {
            Some(v) if scan.same_site > 0 => {
                (SameSite::of_attribute(first_ss) != Some(v)).then_some(v.as_str())
            }
            None if scan.same_site > 1 => (SameSite::of_attribute(first_ss)
                != SameSite::of_attribute(scan.last_same_site))
            .then_some(scan.last_same_site),
            _ => None,
        };
        let same_site = want
            .same_site
            .or_else(|| SameSite::of_attribute(scan.last_same_site));

        // Prefix repair comes before the SameSite=None rule, so that a repaired cookie
        // is reported once.
        let path_right = scan.path > 0 && scan.last_path == "/";
        let mut fix_path = false;
        let mut drop_domain = false;
        match (prefix, self.prefixes) {
            (None, _) => {}
            (Some(p), PrefixMode::Repair) => {
                let mut done: Vec<&str> = Vec::new();
                if !secure {
                    secure = true;
                    done.push("added Secure");
                }
                if p == Prefix::Host {
                    fix_path = !path_right;
                    drop_domain = scan.domain > 0;
                    if fix_path {
                        done.push("set Path=/");
                    }
                    if drop_domain {
                        done.push("removed Domain");
                    }
                }
                if !done.is_empty() {
                    issues.push(Issue::warning(
                        p.code(true),
                        format!(
                            "The cookie {} has the {} prefix, which requires {}; {}.",
                            quote(name),
                            p.as_str(),
                            p.requires(),
                            done.join(", ")
                        ),
                    ));
                }
            }
            (Some(_), PrefixMode::Report) => {}
        }

        if same_site == Some(SameSite::None) && !secure {
            if insecure_exempt {
                issues.push(Issue::warning(
                    Code::CookieSameSiteNoneWithoutSecure,
                    format!(
                        "The cookie {} has SameSite=None without Secure; Secure is not added on an insecure request (secure_when = \"request_secure\"), so browsers will reject the cookie.",
                        quote(name)
                    ),
                ));
            } else {
                secure = true;
                if !has_secure {
                    issues.push(Issue::warning(
                        Code::CookieSameSiteNoneSecureAdded,
                        format!(
                            "The cookie {} has SameSite=None, which browsers accept only with Secure; Secure was added.",
                            quote(name)
                        ),
                    ));
                }
            }
        }

        if let (Some(p), PrefixMode::Report) = (prefix, self.prefixes) {
            let mut wrong: Vec<&str> = Vec::new();
            if !secure {
                wrong.push("Secure is missing");
            }
            if p == Prefix::Host {
                if !path_right {
                    wrong.push("Path is not `/`");
                }
                if scan.domain > 0 {
                    wrong.push("it has a Domain");
                }
            }
            if !wrong.is_empty() {
                issues.push(Issue::error(
                    p.code(false),
                    format!(
                        "The cookie {} has the {} prefix, which requires {}, but {}: browsers will reject it.",
                        quote(name),
                        p.as_str(),
                        p.requires(),
                        wrong.join(", ")
                    ),
                ));
            }
        }

        // Duplicates come first in the list; they depend on the final Secure.
        if scan.secure > 1 || scan.http_only > 1 || scan.same_site > 1 {
            let mut dups = Vec::new();
            for (count, kept, attribute) in [
                (scan.secure, secure, "Secure"),
                (scan.http_only, http_only, "HttpOnly"),
                (scan.same_site, true, "SameSite"),
            ] {
                if count > 1 && kept {
                    dups.push(Issue::warning(
                        Code::CookieAttributeDuplicateRemoved,
                        format!(
                            "The cookie {} has the {attribute} attribute {count} times; only the first is kept.",
                            quote(name)
                        ),
                    ));
                }
            }
            if !dups.is_empty() {
                dups.append(&mut issues);
                issues = dups;
            }
        }

        Plan {
            secure,
            http_only,
            same_site_rewrite,
            fix_path,
            drop_domain,
            issues,
        }
    }
}

/// What the matching rules ask for, attribute by attribute (last setter wins).
#[derive(Debug, Default)]
pub(crate) struct Wanted {
    pub(crate) secure: Option<bool>,
    pub(crate) http_only: Option<bool>,
    pub(crate) same_site: Option<SameSite>,
}

/// The final state of the owned attributes.
pub(crate) struct Plan<'s> {
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    /// A new value for the first `SameSite` attribute.
    pub(crate) same_site_rewrite: Option<&'s str>,
    /// `__Host-` repair: keep one `Path`, with the value `/`.
    pub(crate) fix_path: bool,
    /// `__Host-` repair: drop every `Domain`.
    pub(crate) drop_domain: bool,
    pub(crate) issues: Vec<Issue>,
}

impl Plan<'_> {
    /// True when the output differs from the input.
    pub(crate) fn edits(&self, scan: &Scan<'_>, want: &Wanted) -> bool {
        let flag = |wanted: bool, count: u32| if wanted { count != 1 } else { count > 0 };
        flag(self.secure, scan.secure)
            || flag(self.http_only, scan.http_only)
            || self.same_site_rewrite.is_some()
            || scan.same_site > 1
            || (want.same_site.is_some() && scan.same_site == 0)
            || self.fix_path
            || self.drop_domain
    }

    /// Writes the output: kept segments byte for byte, owned ones per the plan, then the
    /// appended attributes.
    pub(crate) fn apply(
        &self,
        s: &str,
        nv_end: usize,
        scan: &Scan<'_>,
        want: &Wanted,
        out: &mut impl Out,
    ) {
        // Only attributes to add (the usual case): the input as it is, then those.
        let in_place = (self.secure && scan.secure > 1)
            || (!self.secure && scan.secure > 0)
            || (self.http_only && scan.http_only > 1)
            || (!self.http_only && scan.http_only > 0)
            || self.same_site_rewrite.is_some()
            || scan.same_site > 1
            || (self.fix_path && scan.path > 0)
            || self.drop_domain;
        if !in_place {
            out.put(s);
        } else {
            out.put(&s[..nv_end]);
            let (mut secure_seen, mut http_only_seen, mut same_site_seen, mut path_seen) =
                (false, false, false, false);
            for a in Attrs::new(s, nv_end) {
                let segment = &s[a.start..a.end];
                match a.kind {
                    Kind::Secure => {
                        if self.secure && !secure_seen {
                            out.put(segment);
                        }
                        secure_seen = true;
                    }
                    Kind::HttpOnly => {
                        if self.http_only && !http_only_seen {
                            out.put(segment);
                        }
                        http_only_seen = true;
                    }
                    Kind::SameSite => {
                        if !same_site_seen {
                            match self.same_site_rewrite {
                                Some(v) => a.put_with_value(s, v, out),
                                None => out.put(segment),
                            }
                        }
                        same_site_seen = true;
                    }
                    Kind::Path if self.fix_path => {
                        if !path_seen {
                            if a.value_text(s) == "/" {
                                out.put(segment);
                            } else {
                                a.put_with_value(s, "/", out);
                            }
                        }
                        path_seen = true;
                    }
                    Kind::Domain if self.drop_domain => {}
                    _ => out.put(segment),
                }
            }
        }
        // A value that ends in an empty attribute (`a=1;`, `a=1; `) gets its first added
        // flag written into it: `a=1; Secure`, not `a=1;; Secure`. The output ends as the
        // input does then (that empty attribute is always kept).
        let body = trim_end_wsp(s);
        let mut reuse = body.ends_with(';').then_some(body.len() == s.len());
        if self.secure && scan.secure == 0 {
            push_attribute(out, "Secure", &mut reuse);
        }
        if self.http_only && scan.http_only == 0 {
            push_attribute(out, "HttpOnly", &mut reuse);
        }
        if let (Some(v), 0) = (want.same_site, scan.same_site) {
            push_attribute(out, "SameSite=", &mut reuse);
            out.put(v.as_str());
        }
        if self.fix_path && scan.path == 0 {
            push_attribute(out, "Path=/", &mut reuse);
        }
    }
}

/// Appends `; attr`; or, once, only `attr` into the input's trailing empty attribute
/// (`reuse`: `Some(true)` when it has no whitespace after its `;`, which gets one).
pub(crate) fn push_attribute(out: &mut impl Out, attr: &str, reuse: &mut Option<bool>) {
    match reuse.take() {
        Some(true) => out.put(" "),
        Some(false) => {}
        None => out.put("; "),
    }
    out.put(attr);
}

/// The most a flagged value outgrows its input: `; Secure; HttpOnly; SameSite=Strict;
/// Path=/` (a rewritten SameSite or Path value never outgrows what it replaces or
/// appends).
pub(crate) const MAX_GROWTH: usize = 48;

/// Where a flagged value is written.
pub(crate) trait Out {
    fn put(&mut self, s: &str);
}

/// A new `String`, allocated once (for the input and [`MAX_GROWTH`]) at the first write.
pub(crate) struct Owned {
    pub(crate) text: String,
    pub(crate) input_len: usize,
}

impl Out for Owned {
    #[inline]
    fn put(&mut self, s: &str) {
        if self.text.capacity() == 0 {
            self.text.reserve_exact(self.input_len + MAX_GROWTH);
        }
        self.text.push_str(s);
    }
}

/// Counts the bytes of the output.
pub(crate) struct Count(pub(crate) usize);

impl Out for Count {
    #[inline]
    fn put(&mut self, s: &str) {
        self.0 += s.len();
    }
}

/// Writes into a caller's buffer as far as it goes, counting every byte.
pub(crate) struct Write<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) len: usize,
}

impl Out for Write<'_> {
    #[inline]
    fn put(&mut self, s: &str) {
        let end = self.len + s.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(s.as_bytes());
        }
        self.len = end;
    }
}

/// What [`CookiePolicy::flag_bytes_into`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedInto {
    pub(crate) len: usize,
    pub(crate) changed: bool,
    pub(crate) written: bool,
    pub(crate) issues: Vec<Issue>,
}

impl FlaggedInto {
    /// An unchanged value of `len` bytes, with no issue.
    pub(crate) fn unchanged(len: usize) -> FlaggedInto {
        FlaggedInto {
            len,
            changed: false,
            written: false,
            issues: Vec::new(),
        }
    }

    /// The length of the value to send: the flagged value's (written to the buffer when
    /// it fits), or the input's when it is unchanged.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the value is empty (an empty input left as it is).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when the value to send differs from the input.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// True when the changed value was written to the buffer (it fitted).
    pub fn written(&self) -> bool {
        self.written
    }

    /// Every issue, as for [`FlaggedCookie::issues`].
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }
}

/// A cookie name prefix with requirements (RFC 6265bis §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    Secure,
    Host,
}

impl Prefix {
    /// The prefix of a cookie name, matched case-insensitively (see the module docs).
    pub(crate) fn of(name: &str) -> Option<Prefix> {
        let b = name.as_bytes();
        if b.len() >= 9 && b[..9].eq_ignore_ascii_case(b"__Secure-") {
            Some(Prefix::Secure)
        } else if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"__Host-") {
            Some(Prefix::Host)
        } else {
            None
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Prefix::Secure => "__Secure-",
            Prefix::Host => "__Host-",
        }
    }

    pub(crate) fn requires(self) -> &'static str {
        match self {
            Prefix::Secure => "Secure",
            Prefix::Host => "Secure, Path=/ and no Domain",
        }
    }

    pub(crate) fn code(self, repaired: bool) -> Code {
        match (self, repaired) {
            (Prefix::Secure, true) => Code::CookiePrefixSecureRepaired,
            (Prefix::Secure, false) => Code::CookiePrefixSecureViolation,
            (Prefix::Host, true) => Code::CookiePrefixHostRepaired,
            (Prefix::Host, false) => Code::CookiePrefixHostViolation,
        }
    }
}
