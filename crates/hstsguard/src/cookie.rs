//! `Set-Cookie` flagging: `Secure`, `HttpOnly` and `SameSite` per [`CookieRule`]s, and
//! the `__Secure-` / `__Host-` prefix requirements, one `Set-Cookie` value at a time.
//!
//! A [`CookiePolicy`] is built once (from the `[cookies]` section of a policy document or
//! in code) and is immutable; [`CookiePolicy::flag`] only reads it.
//!
//! ```
//! use hstsguard::cookie::{CookiePolicy, CookieRule, SameSite};
//!
//! let policy = CookiePolicy::new(vec![
//!     CookieRule::new("*").unwrap().with_secure(true).with_http_only(true),
//!     CookieRule::new("csrftoken").unwrap().with_http_only(false),
//!     CookieRule::new("sess_*").unwrap().with_same_site(SameSite::Strict),
//! ]);
//!
//! let flagged = policy.flag("sess_id=42; path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT", true);
//! assert_eq!(
//!     flagged.value(),
//!     "sess_id=42; path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly; SameSite=Strict"
//! );
//! assert!(flagged.changed());
//!
//! // Already right: returned as written, borrowed.
//! let same = policy.flag("csrftoken=x; secure; samesite=lax", true);
//! assert!(!same.changed());
//! assert_eq!(same.value(), "csrftoken=x; secure; samesite=lax");
//! ```
//!
//! # What is kept, what is changed
//!
//! The value is read as RFC 6265bis §5.6 reads it: the name-value pair runs up to the
//! first `;`, then come attributes separated by `;` (quotes are not special), each an
//! attribute name, optionally `=` and a value, with spaces and tabs around them; attribute
//! names are case-insensitive.
//!
//! The flagger owns `Secure`, `HttpOnly` and `SameSite` (and, when it repairs a `__Host-`
//! cookie, `Path` and `Domain`). Everything else — the name-value pair, `Path`, `Domain`,
//! `Expires` with its comma, `Max-Age`, `Partitioned`, `Priority`, unknown extensions —
//! is kept byte for byte, with its spacing, case and position. An owned attribute that is
//! already right stays as written (`secure` is not rewritten to `Secure`); a missing one is
//! appended (`; Secure`, `; HttpOnly`, `; SameSite=Lax`); a `SameSite` with another value
//! has its value rewritten in place; a removed one disappears with its `;`. A repeated
//! owned attribute (`secure; Secure`) is collapsed into its first occurrence
//! (`cookie.attribute.duplicate_removed`); for a repeated `SameSite` the value that user
//! agents use, the last one, is kept in the first occurrence's place. Flagging is
//! idempotent: flagging a flagged value changes nothing.
//!
//! Every matching rule applies, and for each attribute the *last* matching rule that sets
//! it wins (nginx's `proxy_cookie_flags` applies only the first matching rule). A cookie
//! that no rule matches and that has no prefix is returned as is, without allocating.
//!
//! `SameSite=None` always gets `Secure` (browsers reject it otherwise;
//! `cookie.samesite_none.secure_added`), except with [`SecureWhen::RequestSecure`] on an
//! insecure request, where it is left alone and reported
//! (`cookie.samesite_none.without_secure`).
//!
//! A value with a control character (any byte below 0x20 except HTAB, or DEL), or with
//! neither a name nor a value (`=`, `; Secure`: user agents ignore it), is returned
//! unchanged with a `cookie.malformed.*` error issue.
//!
//! A nameless cookie (`abc`, `=abc`) is one user agents accept (RFC 6265bis §5.6: without
//! `=` the whole pair is the value, under an empty name): it is flagged like any other,
//! as the empty name (so only rules such as `*` match it), with a `cookie.nameless`
//! warning.
//!
//! # Bytes that are not UTF-8
//!
//! A `Set-Cookie` value is bytes; a value may be Latin-1 or anything else, while the
//! attributes the flagger reads and writes are ASCII. [`CookiePolicy::flag_bytes`] flags
//! such a value byte-wise: every byte outside ASCII is kept as it is, and the result is
//! what [`CookiePolicy::flag`] gives for the same structure.
//!
//! ```
//! use hstsguard::cookie::CookiePolicy;
//!
//! let f = CookiePolicy::default().flag_bytes(b"name=caf\xe9; Path=/", true);
//! assert_eq!(f.value(), b"name=caf\xe9; Path=/; Secure");
//! assert!(f.changed());
//! let nameless = CookiePolicy::default().flag("abc", true);
//! assert_eq!(nameless.value(), "abc; Secure");
//! ```
//!
//! # Prefixes
//!
//! A `__Secure-` cookie needs `Secure`; a `__Host-` cookie needs `Secure`, `Path=/` and no
//! `Domain` (RFC 6265bis §4.1.3). With [`PrefixMode::Repair`] (the default) the cookie is
//! repaired (`Secure` added, a different `Path` value set to `/` or `; Path=/` appended,
//! every `Domain` dropped) with a `cookie.prefix.*.repaired` warning; with
//! [`PrefixMode::Report`] it is left alone and a `cookie.prefix.*.violation` error is
//! reported. A rule with `secure = false` never strips `Secure` from a prefixed cookie.
//!
//! Prefixes are matched **case-insensitively** (`__secure-`, `__HOST-` count), as the
//! storage model of RFC 6265bis (§5.7, "begins with a case-insensitive match for the
//! string") has required since draft 11 (httpwg/http-extensions#2236; earlier drafts
//! said case-sensitive). The reason: a server that treats cookie names
//! case-insensitively would otherwise take a `__SECURE-id` cookie, set over plain HTTP
//! without any prefix guarantee, for its `__Secure-id`. Treating the variants as
//! prefixed costs nothing for a cookie that is already right.
//!
//! A `__Host-` cookie's `Path` is right when the last `Path` attribute (the one user agents
//! use) is exactly `/`; any `Domain` attribute, even an empty one, counts as a violation.

use std::borrow::Cow;
use std::fmt;

use regex::Regex;
use serde_json::Value;

use crate::config::field::words;
use crate::error::Error;
use crate::config::field::Field;
use crate::config::reader::Reader;
use crate::config::{join, CookieRuleSection, CookiesSection, Kind as ConfigKind};
use crate::issue::{quote, Code, Issue};

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

words! {
    /// The `SameSite` attribute's value (RFC 6265bis §4.1.2.7). Read ignoring case;
    /// written `Strict`, `Lax` or `None`. In a policy document `true` means `Strict`,
    /// as it does for Express's `res.cookie`.
    ///
    /// ```
    /// use hstsguard::cookie::SameSite;
    /// assert_eq!(SameSite::None.as_str(), "None");
    /// assert_eq!("lax".parse::<SameSite>().unwrap().to_string(), "Lax");
    /// assert_eq!("STRICT".parse::<SameSite>().unwrap(), SameSite::Strict);
    /// let err = "sometimes".parse::<SameSite>().unwrap_err();
    /// assert_eq!(err.code(), hstsguard::Code::ConfigInvalidValue);
    /// assert!(err.to_string().contains("`sometimes`"));
    /// ```
    pub enum SameSite ("SameSite value") true = Strict {
        /// Sent only with same-site requests.
        Strict = "Strict",
        /// Sent with same-site requests and top-level cross-site navigations.
        Lax = "Lax",
        /// Sent with every request; browsers accept it only together with `Secure`.
        None = "None",
    }
}

impl SameSite {
    /// The value an attribute text means, as user agents read it (any case, no quotes).
    fn of_attribute(value: &str) -> Option<SameSite> {
        value.parse().ok()
    }
}

words! {
    /// What to do with a `__Secure-` or `__Host-` cookie that breaks its prefix's rules.
    ///
    /// ```
    /// use hstsguard::cookie::PrefixMode;
    /// assert_eq!("Report".parse::<PrefixMode>().unwrap(), PrefixMode::Report);
    /// ```
    #[derive(Default)]
    pub enum PrefixMode ("prefix mode") {
        /// Repair it: add `Secure`, set `Path=/`, drop `Domain` (the default).
        #[default]
        Repair = "repair",
        /// Leave it as the application wrote it and report an error issue.
        Report = "report",
    }
}

words! {
    /// When rules that set `Secure` apply.
    ///
    /// ```
    /// use hstsguard::cookie::SecureWhen;
    /// assert_eq!("request_secure".parse::<SecureWhen>().unwrap(), SecureWhen::RequestSecure);
    /// ```
    #[derive(Default)]
    pub enum SecureWhen ("secure_when value") {
        /// On every response (the default).
        #[default]
        Always = "always",
        /// Only on responses to secure requests; on insecure requests `Secure` is neither
        /// added nor removed (for development over plain HTTP).
        RequestSecure = "request_secure",
    }
}

// ---------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------

/// How a rule's pattern is matched; chosen once, when the rule is made.
#[derive(Clone)]
enum Matcher {
    /// Only `*`s: every name.
    Any,
    /// No `*` or `?`: the name itself, byte for byte.
    Exact,
    /// A literal followed by `*`s: names starting with the first `n` bytes of the pattern.
    Prefix(usize),
    /// Anything else: the glob compiled to an anchored regular expression.
    Glob(Regex),
}

/// Selects cookies by name and says what to do with their `Secure`, `HttpOnly` and
/// `SameSite` attributes.
///
/// The pattern is an exact cookie name (case-sensitive, byte for byte) or a glob where `*`
/// matches any run of characters and `?` exactly one character. Exact names, `*` and
/// `literal*` patterns are compared directly; other globs are compiled once, here, to an
/// anchored regular expression. Each setting is `None` (leave the attribute as the
/// application wrote it) until a builder method sets it.
///
/// ```
/// use hstsguard::cookie::{CookieRule, SameSite};
///
/// let rule = CookieRule::new("sess_??_*").unwrap()
///     .with_secure(true)
///     .with_same_site(SameSite::Lax);
/// assert!(rule.matches("sess_eu_main"));
/// assert!(!rule.matches("Sess_eu_main"));
/// assert_eq!(rule.secure(), Some(true));
/// assert_eq!(rule.http_only(), None);
///
/// assert!(CookieRule::new("a;b").is_err());
/// ```
#[derive(Clone)]
pub struct CookieRule {
    pattern: Box<str>,
    matcher: Matcher,
    secure: Option<bool>,
    http_only: Option<bool>,
    same_site: Option<SameSite>,
}

impl CookieRule {
    /// A rule for cookies whose name matches `pattern`, with every setting unset.
    ///
    /// Fails, with a message naming the pattern, when it is empty, contains `;`, `=` or a
    /// control character, or starts or ends with a space or tab: no cookie name can.
    pub fn new(pattern: &str) -> Result<CookieRule, Error> {
        let invalid = |reason: String| Error::InvalidValue {
            what: "cookie name pattern",
            value: pattern.to_owned(),
            reason,
        };
        if pattern.is_empty() {
            return Err(invalid(
                "it is empty; use an exact name or a glob such as `*` or `sess_*`".to_owned(),
            ));
        }
        if let Some(c) = pattern
            .chars()
            .find(|&c| c.is_ascii_control() || c == ';' || c == '=')
        {
            let what = if c.is_ascii_control() {
                format!("the control character U+{:04X}", c as u32)
            } else {
                format!("`{c}`")
            };
            return Err(invalid(format!(
                "it contains {what}, which cannot be part of a cookie name"
            )));
        }
        if pattern.starts_with([' ', '\t']) || pattern.ends_with([' ', '\t']) {
            return Err(invalid(
                "it starts or ends with whitespace, which is never part of a cookie name"
                    .to_owned(),
            ));
        }
        let matcher = if !pattern.contains(['*', '?']) {
            Matcher::Exact
        } else if pattern.bytes().all(|b| b == b'*') {
            Matcher::Any
        } else {
            let literal = pattern.trim_end_matches('*');
            if literal.contains(['*', '?']) {
                Matcher::Glob(compile_glob(pattern).map_err(invalid)?)
            } else {
                Matcher::Prefix(literal.len())
            }
        };
        Ok(CookieRule {
            pattern: pattern.into(),
            matcher,
            secure: None,
            http_only: None,
            same_site: None,
        })
    }

    /// `true`: make sure the cookie has `Secure`; `false`: remove it (never from a
    /// `__Secure-` or `__Host-` cookie, nor from a `SameSite=None` one).
    #[must_use]
    pub fn with_secure(mut self, secure: bool) -> CookieRule {
        self.secure = Some(secure);
        self
    }

    /// `true`: make sure the cookie has `HttpOnly`; `false`: remove it.
    #[must_use]
    pub fn with_http_only(mut self, http_only: bool) -> CookieRule {
        self.http_only = Some(http_only);
        self
    }

    /// Set (or replace) the cookie's `SameSite` attribute.
    #[must_use]
    pub fn with_same_site(mut self, same_site: SameSite) -> CookieRule {
        self.same_site = Some(same_site);
        self
    }

    /// The name pattern as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The `Secure` setting: `Some(true)` ensure, `Some(false)` remove, `None` leave.
    pub fn secure(&self) -> Option<bool> {
        self.secure
    }

    /// The `HttpOnly` setting: `Some(true)` ensure, `Some(false)` remove, `None` leave.
    pub fn http_only(&self) -> Option<bool> {
        self.http_only
    }

    /// The `SameSite` setting: `Some` set or replace, `None` leave.
    pub fn same_site(&self) -> Option<SameSite> {
        self.same_site
    }

    /// True when the cookie name (as it appears before `=`, without surrounding
    /// whitespace) matches the pattern. Names are case-sensitive.
    ///
    /// ```
    /// use hstsguard::cookie::CookieRule;
    /// let rule = CookieRule::new("__Host-*").unwrap();
    /// assert!(rule.matches("__Host-sid"));
    /// assert!(!rule.matches("__host-sid"));
    /// ```
    pub fn matches(&self, name: &str) -> bool {
        match &self.matcher {
            Matcher::Any => true,
            Matcher::Exact => name == &*self.pattern,
            Matcher::Prefix(n) => name.as_bytes().starts_with(&self.pattern.as_bytes()[..*n]),
            Matcher::Glob(re) => re.is_match(name),
        }
    }
}

/// `*` → any run, `?` → one character, everything else literal; anchored at both ends.
fn compile_glob(pattern: &str) -> Result<Regex, String> {
    let mut re = String::with_capacity(pattern.len() * 2 + 8);
    re.push_str("^(?s:");
    let mut buf = [0u8; 4];
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            _ => re.push_str(&regex::escape(c.encode_utf8(&mut buf))),
        }
    }
    re.push_str(")$");
    Regex::new(&re).map_err(|e| format!("it cannot be compiled: {e}"))
}

/// A cookie name pattern as a policy document holds it: an exact name or a glob,
/// checked when it is read (see [`CookieRule::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamePattern(Box<str>);

impl NamePattern {
    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for NamePattern {
    type Err = Error;

    fn from_str(pattern: &str) -> Result<NamePattern, Error> {
        CookieRule::new(pattern).map(|_| NamePattern(pattern.into()))
    }
}

impl Field for NamePattern {
    const KIND: ConfigKind = ConfigKind::Text;

    fn read(value: &Value, path: &str, r: &mut Reader) -> Option<NamePattern> {
        match value {
            Value::String(s) => s.parse().map_err(|e| r.error(path, e)).ok(),
            other => {
                r.invalid_type(path, "a string", other);
                None
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl fmt::Debug for CookieRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieRule")
            .field("pattern", &self.pattern)
            .field("secure", &self.secure)
            .field("http_only", &self.http_only)
            .field("same_site", &self.same_site)
            .finish()
    }
}

impl PartialEq for CookieRule {
    fn eq(&self, other: &Self) -> bool {
        (&self.pattern, self.secure, self.http_only, self.same_site)
            == (
                &other.pattern,
                other.secure,
                other.http_only,
                other.same_site,
            )
    }
}

impl Eq for CookieRule {}

// ---------------------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------------------

/// The cookie part of a policy: rules in order, when `Secure` applies, and what to do with
/// prefix violations. Immutable, `Send + Sync`, cheap to share.
///
/// ```
/// use hstsguard::cookie::{CookiePolicy, CookieRule, PrefixMode, SecureWhen};
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
    rules: Vec<CookieRule>,
    secure_when: SecureWhen,
    prefixes: PrefixMode,
}

impl Default for CookiePolicy {
    /// One rule, `*` with `Secure` ensured; [`SecureWhen::Always`]; [`PrefixMode::Repair`].
    ///
    /// ```
    /// use hstsguard::cookie::CookiePolicy;
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
    /// use hstsguard::cookie::{CookiePolicy, CookieRule, SameSite};
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
        let s = set_cookie;
        if let Some(at) = s.bytes().position(is_ctl) {
            let byte = s.as_bytes()[at];
            return FlaggedCookie::malformed(
                s,
                Code::CookieMalformedControlCharacter,
                format!(
                    "The Set-Cookie value contains the control character U+{byte:04X} at byte {at}; it is left unchanged."
                ),
            );
        }
        let nv_end = s.find(';').unwrap_or(s.len());
        let nv = &s[..nv_end];
        let (name, value) = match nv.find('=') {
            Some(eq) => (trim_wsp(&nv[..eq]), trim_wsp(&nv[eq + 1..])),
            None => ("", trim_wsp(nv)),
        };
        let mut issues = Vec::new();
        if name.is_empty() {
            if value.is_empty() {
                return FlaggedCookie::malformed(
                    s,
                    Code::CookieMalformedEmptyName,
                    format!(
                        "The Set-Cookie value {} has neither a cookie name nor a value; user agents ignore it, so it is left unchanged.",
                        quote(nv)
                    ),
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
            return FlaggedCookie {
                value: Cow::Borrowed(s),
                changed: false,
                issues,
            };
        }

        let scan = Scan::new(s, nv_end);
        let mut plan = self.plan(s, name, prefix, &want, &scan, request_secure);
        let value = if plan.edits(&scan, &want) {
            Cow::Owned(plan.apply(s, nv_end, &scan, &want))
        } else {
            Cow::Borrowed(s)
        };
        let changed = matches!(value, Cow::Owned(_));
        issues.append(&mut plan.issues);
        FlaggedCookie {
            value,
            changed,
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
    /// use hstsguard::cookie::{CookiePolicy, CookieRule};
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
    fn plan<'s>(
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
struct Wanted {
    secure: Option<bool>,
    http_only: Option<bool>,
    same_site: Option<SameSite>,
}

/// The final state of the owned attributes.
struct Plan<'s> {
    secure: bool,
    http_only: bool,
    /// A new value for the first `SameSite` attribute.
    same_site_rewrite: Option<&'s str>,
    /// `__Host-` repair: keep one `Path`, with the value `/`.
    fix_path: bool,
    /// `__Host-` repair: drop every `Domain`.
    drop_domain: bool,
    issues: Vec<Issue>,
}

impl Plan<'_> {
    /// True when the output differs from the input.
    fn edits(&self, scan: &Scan<'_>, want: &Wanted) -> bool {
        let flag = |wanted: bool, count: u32| if wanted { count != 1 } else { count > 0 };
        flag(self.secure, scan.secure)
            || flag(self.http_only, scan.http_only)
            || self.same_site_rewrite.is_some()
            || scan.same_site > 1
            || (want.same_site.is_some() && scan.same_site == 0)
            || self.fix_path
            || self.drop_domain
    }

    /// Builds the output: kept segments byte for byte, owned ones per the plan, then the
    /// appended attributes.
    fn apply(&self, s: &str, nv_end: usize, scan: &Scan<'_>, want: &Wanted) -> String {
        // The longest growth is "; Secure; HttpOnly; SameSite=Strict; Path=/" (43 bytes):
        // a rewritten SameSite or Path value never outgrows what it replaces or appends.
        let mut out = String::with_capacity(s.len() + 48);
        out.push_str(&s[..nv_end]);
        let (mut secure_seen, mut http_only_seen, mut same_site_seen, mut path_seen) =
            (false, false, false, false);
        for a in Attrs::new(s, nv_end) {
            let segment = &s[a.start..a.end];
            match a.kind {
                Kind::Secure => {
                    if self.secure && !secure_seen {
                        out.push_str(segment);
                    }
                    secure_seen = true;
                }
                Kind::HttpOnly => {
                    if self.http_only && !http_only_seen {
                        out.push_str(segment);
                    }
                    http_only_seen = true;
                }
                Kind::SameSite => {
                    if !same_site_seen {
                        match self.same_site_rewrite {
                            Some(v) => a.push_with_value(s, v, &mut out),
                            None => out.push_str(segment),
                        }
                    }
                    same_site_seen = true;
                }
                Kind::Path if self.fix_path => {
                    if !path_seen {
                        if a.value_text(s) == "/" {
                            out.push_str(segment);
                        } else {
                            a.push_with_value(s, "/", &mut out);
                        }
                    }
                    path_seen = true;
                }
                Kind::Domain if self.drop_domain => {}
                _ => out.push_str(segment),
            }
        }
        // A value that ends in an empty attribute (`a=1;`, `a=1; `) gets its first added
        // flag written into it: `a=1; Secure`, not `a=1;; Secure`.
        let mut reuse = s.trim_end_matches([' ', '\t']).ends_with(';');
        if self.secure && scan.secure == 0 {
            push_attribute(&mut out, "Secure", &mut reuse);
        }
        if self.http_only && scan.http_only == 0 {
            push_attribute(&mut out, "HttpOnly", &mut reuse);
        }
        if let (Some(v), 0) = (want.same_site, scan.same_site) {
            push_attribute(&mut out, "SameSite=", &mut reuse);
            out.push_str(v.as_str());
        }
        if self.fix_path && scan.path == 0 {
            push_attribute(&mut out, "Path=/", &mut reuse);
        }
        out
    }
}

/// Appends `; attr`; or, once, only `attr` into the input's trailing empty attribute.
fn push_attribute(out: &mut String, attr: &str, reuse: &mut bool) {
    let trimmed = out.trim_end_matches([' ', '\t']).len();
    if std::mem::take(reuse) && out[..trimmed].ends_with(';') {
        if trimmed == out.len() {
            out.push(' ');
        }
    } else {
        out.push_str("; ");
    }
    out.push_str(attr);
}

/// A cookie name prefix with requirements (RFC 6265bis §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Secure,
    Host,
}

impl Prefix {
    /// The prefix of a cookie name, matched case-insensitively (see the module docs).
    fn of(name: &str) -> Option<Prefix> {
        let b = name.as_bytes();
        if b.len() >= 9 && b[..9].eq_ignore_ascii_case(b"__Secure-") {
            Some(Prefix::Secure)
        } else if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"__Host-") {
            Some(Prefix::Host)
        } else {
            None
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Prefix::Secure => "__Secure-",
            Prefix::Host => "__Host-",
        }
    }

    fn requires(self) -> &'static str {
        match self {
            Prefix::Secure => "Secure",
            Prefix::Host => "Secure, Path=/ and no Domain",
        }
    }

    fn code(self, repaired: bool) -> Code {
        match (self, repaired) {
            (Prefix::Secure, true) => Code::CookiePrefixSecureRepaired,
            (Prefix::Secure, false) => Code::CookiePrefixSecureViolation,
            (Prefix::Host, true) => Code::CookiePrefixHostRepaired,
            (Prefix::Host, false) => Code::CookiePrefixHostViolation,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Attribute scanning
// ---------------------------------------------------------------------------------------

/// A control character as RFC 5234 defines CTL, except HTAB.
fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn trim_wsp(s: &str) -> &str {
    s.trim_matches(is_wsp)
}

/// The attributes the flagger knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Secure,
    HttpOnly,
    SameSite,
    Path,
    Domain,
    Other,
}

/// One attribute: the byte range of its segment (from its `;` up to the next `;` or the
/// end), where its name ends, and its trimmed value's range if it has `=`.
#[derive(Debug, Clone, Copy)]
struct Attr {
    start: usize,
    end: usize,
    name_end: usize,
    value: Option<(usize, usize)>,
    kind: Kind,
}

impl Attr {
    /// The value without surrounding whitespace; empty without `=`.
    fn value_text(self, s: &str) -> &str {
        self.value.map_or("", |(a, b)| &s[a..b])
    }

    /// Writes the segment with its value replaced by `value` (or `=value` inserted after
    /// the name when it had none), keeping the rest of the segment as written.
    fn push_with_value(self, s: &str, value: &str, out: &mut String) {
        match self.value {
            Some((a, b)) => {
                out.push_str(&s[self.start..a]);
                out.push_str(value);
                out.push_str(&s[b..self.end]);
            }
            None => {
                out.push_str(&s[self.start..self.name_end]);
                out.push('=');
                out.push_str(value);
                out.push_str(&s[self.name_end..self.end]);
            }
        }
    }
}

/// Iterates over the attributes after the name-value pair (each segment starts at a `;`).
struct Attrs<'s> {
    s: &'s str,
    pos: usize,
}

impl<'s> Attrs<'s> {
    fn new(s: &'s str, nv_end: usize) -> Attrs<'s> {
        Attrs { s, pos: nv_end }
    }
}

impl Iterator for Attrs<'_> {
    type Item = Attr;

    fn next(&mut self) -> Option<Attr> {
        let s = self.s;
        if self.pos >= s.len() {
            return None;
        }
        let start = self.pos;
        let body = start + 1;
        let end = s[body..].find(';').map_or(s.len(), |i| body + i);
        self.pos = end;
        let segment = &s[body..end];
        let (name_part, value) = match segment.find('=') {
            Some(i) => {
                let raw = &segment[i + 1..];
                let lead = raw.len() - raw.trim_start_matches(is_wsp).len();
                let a = body + i + 1 + lead;
                (&segment[..i], Some((a, a + trim_wsp(raw).len())))
            }
            None => (segment, None),
        };
        let lead = name_part.len() - name_part.trim_start_matches(is_wsp).len();
        let name = trim_wsp(name_part);
        let name_end = body + lead + name.len();
        let kind = if name.eq_ignore_ascii_case("secure") {
            Kind::Secure
        } else if name.eq_ignore_ascii_case("httponly") {
            Kind::HttpOnly
        } else if name.eq_ignore_ascii_case("samesite") {
            Kind::SameSite
        } else if name.eq_ignore_ascii_case("path") {
            Kind::Path
        } else if name.eq_ignore_ascii_case("domain") {
            Kind::Domain
        } else {
            Kind::Other
        };
        Some(Attr {
            start,
            end,
            name_end,
            value,
            kind,
        })
    }
}

/// What one pass over the attributes found.
#[derive(Debug, Default)]
struct Scan<'s> {
    secure: u32,
    http_only: u32,
    same_site: u32,
    path: u32,
    domain: u32,
    first_same_site: Option<Attr>,
    /// The last `SameSite` value (the one user agents use).
    last_same_site: &'s str,
    /// The last `Path` value (the one user agents use).
    last_path: &'s str,
}

impl<'s> Scan<'s> {
    fn new(s: &'s str, nv_end: usize) -> Scan<'s> {
        let mut scan = Scan::default();
        for a in Attrs::new(s, nv_end) {
            match a.kind {
                Kind::Secure => scan.secure += 1,
                Kind::HttpOnly => scan.http_only += 1,
                Kind::SameSite => {
                    scan.same_site += 1;
                    scan.first_same_site.get_or_insert(a);
                    scan.last_same_site = a.value_text(s);
                }
                Kind::Path => {
                    scan.path += 1;
                    scan.last_path = a.value_text(s);
                }
                Kind::Domain => scan.domain += 1,
                Kind::Other => {}
            }
        }
        scan
    }
}

// ---------------------------------------------------------------------------------------
// Result
// ---------------------------------------------------------------------------------------

/// The outcome of [`CookiePolicy::flag`]: the value to send, whether it differs from the
/// input, and the issues found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedCookie<'a> {
    value: Cow<'a, str>,
    changed: bool,
    issues: Vec<Issue>,
}

impl<'a> FlaggedCookie<'a> {
    /// The value returned as is, with no issues (what a disabled cookie policy returns).
    ///
    /// ```
    /// use hstsguard::cookie::FlaggedCookie;
    /// let f = FlaggedCookie::unchanged("a=1");
    /// assert_eq!((f.value(), f.changed(), f.issues().len()), ("a=1", false, 0));
    /// ```
    pub fn unchanged(set_cookie: &'a str) -> FlaggedCookie<'a> {
        FlaggedCookie {
            value: Cow::Borrowed(set_cookie),
            changed: false,
            issues: Vec::new(),
        }
    }

    fn malformed(set_cookie: &'a str, code: Code, message: String) -> FlaggedCookie<'a> {
        FlaggedCookie {
            value: Cow::Borrowed(set_cookie),
            changed: false,
            issues: vec![Issue::error(code, message)],
        }
    }

    /// The `Set-Cookie` value to send.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// True when [`FlaggedCookie::value`] differs from the input.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Every issue, in a stable order: duplicates, prefix, `SameSite=None`.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The value, borrowed from the input when unchanged.
    pub fn into_value(self) -> Cow<'a, str> {
        self.value
    }

    /// `{"set_cookie": str, "changed": bool, "issues": [issue]}`, the shape of
    /// `hstsguard cookie --json`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "set_cookie": self.value,
            "changed": self.changed,
            "issues": self.issues.iter().map(Issue::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The outcome of [`CookiePolicy::flag_bytes`]: the bytes to send, whether they differ
/// from the input, and the issues found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedCookieBytes<'a> {
    value: Cow<'a, [u8]>,
    changed: bool,
    issues: Vec<Issue>,
}

impl<'a> FlaggedCookieBytes<'a> {
    /// The bytes returned as they are, with no issues (what a disabled cookie policy
    /// returns).
    ///
    /// ```
    /// use hstsguard::cookie::FlaggedCookieBytes;
    /// let f = FlaggedCookieBytes::unchanged(b"a=\xe9");
    /// assert_eq!((f.value(), f.changed()), (&b"a=\xe9"[..], false));
    /// ```
    pub fn unchanged(set_cookie: &'a [u8]) -> FlaggedCookieBytes<'a> {
        FlaggedCookieBytes {
            value: Cow::Borrowed(set_cookie),
            changed: false,
            issues: Vec::new(),
        }
    }

    /// The `Set-Cookie` value to send.
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// True when [`FlaggedCookieBytes::value`] differs from the input.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Every issue, as for [`FlaggedCookie::issues`].
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The value, borrowed from the input when unchanged.
    pub fn into_value(self) -> Cow<'a, [u8]> {
        self.value
    }
}

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

/// Builds the cookie rules from the `[cookies]` section of a policy document
/// (docs/POLICY.md): returns `enabled` (default true) and the policy. Every bad value is
/// recorded with its path; a rule with an error is left out. Without `rules` the default
/// rule (`*`, Secure) applies; an empty list means no rules (only the prefix
/// requirements).
pub(crate) fn from_section(s: &CookiesSection, path: &str, r: &mut Reader) -> (bool, CookiePolicy) {
    let mut policy = CookiePolicy::default()
        .secure_when(s.secure_when())
        .prefixes(s.prefixes());
    if let Some(rules) = &s.rules {
        let rules_path = join(path, "rules");
        policy.rules = rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| rule_from_section(rule, &format!("{rules_path}[{i}]"), r))
            .collect();
    }
    (s.enabled(), policy)
}

fn rule_from_section(s: &CookieRuleSection, path: &str, r: &mut Reader) -> Option<CookieRule> {
    let name_path = join(path, "name");
    let Some(name) = &s.name else {
        if !r.errors.iter().any(|e| e.path().starts_with(path)) {
            r.invalid_value(
                &name_path,
                "missing: every rule needs a `name` (an exact cookie name or a glob such as \"*\")",
            );
        }
        return None;
    };
    if r.errors.iter().any(|e| e.path().starts_with(&format!("{path}."))) {
        // A key of this rule could not be read: leave the rule out rather than apply half of it.
        return None;
    }
    match CookieRule::new(name.as_str()) {
        Ok(mut rule) => {
            rule.secure = s.secure;
            rule.http_only = s.http_only;
            rule.same_site = s.same_site;
            Some(rule)
        }
        Err(e) => {
            r.error(&name_path, e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn star() -> CookieRule {
        CookieRule::new("*").unwrap()
    }

    fn codes(f: &FlaggedCookie<'_>) -> Vec<&'static str> {
        f.issues().iter().map(|i| i.code().as_str()).collect()
    }

    fn flag(policy: &CookiePolicy, s: &str, secure: bool) -> (String, bool, Vec<&'static str>) {
        let f = policy.flag(s, secure);
        // Every result is idempotent and borrowed exactly when unchanged.
        let again = policy.flag(f.value(), secure);
        assert_eq!(again.value(), f.value(), "not idempotent for {s:?}");
        assert!(!again.changed(), "second pass changed {s:?}");
        assert_eq!(matches!(f.value, Cow::Borrowed(_)), !f.changed());
        (f.value().to_owned(), f.changed(), codes(&f))
    }

    fn all_on() -> CookiePolicy {
        CookiePolicy::new(vec![star()
            .with_secure(true)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)])
    }

    // ---- settings ----

    #[test]
    fn same_site_parses_any_case_and_names_bad_values() {
        for (text, v) in [
            ("strict", SameSite::Strict),
            ("LAX", SameSite::Lax),
            ("nOnE", SameSite::None),
        ] {
            assert_eq!(text.parse::<SameSite>(), Ok(v));
            assert_eq!(v.as_str().parse::<SameSite>(), Ok(v));
            assert_eq!(v.to_string(), v.as_str());
        }
        let err = "lax ".parse::<SameSite>().unwrap_err().to_string();
        assert!(
            err.contains("`lax `") && err.contains("Strict") && err.contains("None"),
            "{err}"
        );
        assert!("".parse::<SameSite>().is_err());
    }

    #[test]
    fn modes_round_trip() {
        for m in [PrefixMode::Repair, PrefixMode::Report] {
            assert_eq!(m.as_str().parse::<PrefixMode>(), Ok(m));
        }
        for w in [SecureWhen::Always, SecureWhen::RequestSecure] {
            assert_eq!(w.to_string().parse::<SecureWhen>(), Ok(w));
        }
        assert!("sometimes"
            .parse::<SecureWhen>()
            .unwrap_err()
            .to_string()
            .contains("`sometimes`"));
        assert!("fix"
            .parse::<PrefixMode>()
            .unwrap_err()
            .to_string()
            .contains("`fix`"));
    }

    #[test]
    fn rule_patterns() {
        assert!(CookieRule::new("")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        for bad in ["a;b", "a=b", "a\u{0}", "a\r\nb", " a", "a\t", "\u{7f}"] {
            assert!(CookieRule::new(bad).is_err(), "{bad:?} accepted");
        }
        let exact = CookieRule::new("SID").unwrap();
        assert!(matches!(exact.matcher, Matcher::Exact));
        assert!(exact.matches("SID") && !exact.matches("sid") && !exact.matches("SID2"));
        assert!(matches!(
            CookieRule::new("**").unwrap().matcher,
            Matcher::Any
        ));
        let prefix = CookieRule::new("sess_*").unwrap();
        assert!(matches!(prefix.matcher, Matcher::Prefix(5)));
        assert!(prefix.matches("sess_") && prefix.matches("sess_x") && !prefix.matches("Sess_x"));
        let glob = CookieRule::new("a?c*z").unwrap();
        assert!(matches!(glob.matcher, Matcher::Glob(_)));
        assert!(
            glob.matches("abcz")
                && glob.matches("aécXYZz")
                && !glob.matches("acz")
                && !glob.matches("abczy")
        );
        // Regex metacharacters are literal.
        let meta = CookieRule::new("a.b+(c)*").unwrap();
        assert!(meta.matches("a.b+(c)") && !meta.matches("axb+(c)"));
        let suffix = CookieRule::new("*_csrf").unwrap();
        assert!(suffix.matches("x_csrf") && suffix.matches("_csrf") && !suffix.matches("x_csrf_"));
        assert_eq!(CookieRule::new("a").unwrap(), CookieRule::new("a").unwrap());
        assert_ne!(
            CookieRule::new("a").unwrap(),
            CookieRule::new("a").unwrap().with_secure(true)
        );
    }

    #[test]
    fn policy_is_send_sync_and_defaults() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<CookiePolicy>();
        let d = CookiePolicy::default();
        assert_eq!(d.rules().len(), 1);
        assert_eq!(d.rules()[0].pattern(), "*");
        assert_eq!(
            (
                d.rules()[0].secure(),
                d.rules()[0].http_only(),
                d.rules()[0].same_site()
            ),
            (Some(true), None, None)
        );
        assert_eq!(
            (d.secure_mode(), d.prefix_mode()),
            (SecureWhen::Always, PrefixMode::Repair)
        );
        assert_eq!(d, CookiePolicy::new(vec![star().with_secure(true)]));
    }

    // ---- keeping bytes ----

    #[test]
    fn appends_missing_flags_and_keeps_everything_else() {
        let p = all_on();
        let (v, changed, issues) = flag(
            &p,
            "id=a3fWa;  Expires=Thu, 21 Oct 2027 07:28:00 GMT ;max-age=3600;Domain=Example.COM; path=/x;Partitioned; Priority=High; x-ext=\"q;\"",
            true,
        );
        assert_eq!(
            v,
            "id=a3fWa;  Expires=Thu, 21 Oct 2027 07:28:00 GMT ;max-age=3600;Domain=Example.COM; path=/x;Partitioned; Priority=High; x-ext=\"q;\"; Secure; HttpOnly; SameSite=Lax"
        );
        assert!(changed);
        assert!(issues.is_empty());
    }

    #[test]
    fn right_flags_are_left_as_written() {
        let p = all_on();
        let s = "id=1;secure ;  HTTPONLY;samesite = lax";
        let f = p.flag(s, true);
        assert!(!f.changed());
        assert!(matches!(f.into_value(), Cow::Borrowed(x) if std::ptr::eq(x, s)));
    }

    #[test]
    fn same_site_value_is_rewritten_in_place() {
        let p = CookiePolicy::new(vec![star().with_same_site(SameSite::Strict)]);
        assert_eq!(
            flag(&p, "a=1; samesite = lax ; Path=/", true).0,
            "a=1; samesite = Strict ; Path=/"
        );
        assert_eq!(
            flag(&p, "a=1; SameSite; Path=/", true).0,
            "a=1; SameSite=Strict; Path=/"
        );
        assert_eq!(
            flag(&p, "a=1; SameSite=; Path=/", true).0,
            "a=1; SameSite=Strict; Path=/"
        );
        assert_eq!(
            flag(&p, "a=1; SameSite=garbage", true).0,
            "a=1; SameSite=Strict"
        );
        assert_eq!(
            flag(&p, "a=1; SameSite=STRICT", true),
            ("a=1; SameSite=STRICT".into(), false, vec![])
        );
    }

    #[test]
    fn removal() {
        let p = CookiePolicy::new(vec![star().with_secure(false).with_http_only(false)]);
        assert_eq!(
            flag(&p, "a=1; Secure; Path=/;httponly ; SECURE", true),
            ("a=1; Path=/".into(), true, vec![])
        );
        assert_eq!(
            flag(&p, "a=1; Path=/", true),
            ("a=1; Path=/".into(), false, vec![])
        );
    }

    #[test]
    fn secure_with_a_value_counts_as_secure() {
        let p = CookiePolicy::default();
        assert_eq!(
            flag(&p, "a=1; Secure=no", true),
            ("a=1; Secure=no".into(), false, vec![])
        );
    }

    #[test]
    fn quotes_are_not_special() {
        let p = CookiePolicy::default();
        // The name-value pair ends at the first `;`, even inside quotes (RFC 6265bis).
        // `Secure"` is an unknown attribute, not Secure.
        assert_eq!(flag(&p, "a=\"x;Secure\"", true).0, "a=\"x;Secure\"; Secure");
        assert_eq!(flag(&p, "a=\"x; y\"", true).0, "a=\"x; y\"; Secure");
    }

    #[test]
    fn semicolon_runs_and_trailing_semicolons_are_kept() {
        let p = CookiePolicy::default();
        assert_eq!(
            flag(&p, "a=1;;; ;Path=/;", true).0,
            "a=1;;; ;Path=/; Secure"
        );
        assert_eq!(flag(&p, "a=1 ", true).0, "a=1 ; Secure");
    }

    #[test]
    fn non_ascii_is_kept() {
        let p = all_on();
        assert_eq!(
            flag(&p, "naïve=café☕; Path=/ü", true).0,
            "naïve=café☕; Path=/ü; Secure; HttpOnly; SameSite=Lax"
        );
    }

    // ---- rule resolution ----

    #[test]
    fn last_matching_setter_wins_for_each_attribute() {
        let p = CookiePolicy::new(vec![
            star()
                .with_secure(true)
                .with_http_only(true)
                .with_same_site(SameSite::Lax),
            CookieRule::new("csrf*").unwrap().with_http_only(false),
            CookieRule::new("csrftoken")
                .unwrap()
                .with_same_site(SameSite::Strict),
            CookieRule::new("other").unwrap().with_secure(false),
        ]);
        assert_eq!(
            flag(&p, "csrftoken=1; HttpOnly", true).0,
            "csrftoken=1; Secure; SameSite=Strict"
        );
        assert_eq!(
            flag(&p, "csrf_x=1", true).0,
            "csrf_x=1; Secure; SameSite=Lax"
        );
        assert_eq!(
            flag(&p, "other=1; Secure", true).0,
            "other=1; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            flag(&p, "sid=1", true).0,
            "sid=1; Secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn no_matching_rule_is_borrowed() {
        let p = CookiePolicy::new(vec![CookieRule::new("sid").unwrap().with_secure(true)]);
        let s = "other=1; secure; Secure";
        let f = p.flag(s, true);
        assert!(!f.changed() && f.issues().is_empty());
        assert!(matches!(f.into_value(), Cow::Borrowed(_)));
        assert_eq!(flag(&p, " sid =1", true).0, " sid =1; Secure");
    }

    #[test]
    fn a_rule_that_sets_nothing_changes_nothing() {
        let p = CookiePolicy::new(vec![star()]);
        assert_eq!(
            flag(&p, "a=1; SameSite=None", true),
            (
                "a=1; SameSite=None; Secure".into(),
                true,
                vec!["cookie.samesite_none.secure_added"]
            )
        );
        assert_eq!(
            flag(&p, "a=1; Path=/", true),
            ("a=1; Path=/".into(), false, vec![])
        );
    }

    // ---- duplicates ----

    #[test]
    fn duplicates_collapse_to_the_first() {
        let p = all_on();
        let (v, changed, issues) = flag(
            &p,
            "a=1; secure; Path=/; Secure; HttpOnly; SECURE; httponly; SameSite=Lax; samesite=lax",
            true,
        );
        assert_eq!(v, "a=1; secure; Path=/; HttpOnly; SameSite=Lax");
        assert!(changed);
        assert_eq!(issues, ["cookie.attribute.duplicate_removed"; 3]);
    }

    #[test]
    fn duplicate_same_site_keeps_the_value_user_agents_use() {
        let p = CookiePolicy::default();
        assert_eq!(
            flag(&p, "a=1; SameSite=Lax; Secure; SameSite=Strict", true),
            (
                "a=1; SameSite=Strict; Secure".into(),
                true,
                vec!["cookie.attribute.duplicate_removed"]
            )
        );
        // Same meaning: the first spelling stays.
        assert_eq!(
            flag(&p, "a=1; SameSite=lax; Secure; SameSite=LAX", true).0,
            "a=1; SameSite=lax; Secure"
        );
        // The last one is None: Secure is required.
        assert_eq!(
            flag(
                &CookiePolicy::new(vec![star()]),
                "a=1; SameSite=Lax; samesite=none",
                true
            ),
            (
                "a=1; SameSite=none; Secure".into(),
                true,
                vec![
                    "cookie.attribute.duplicate_removed",
                    "cookie.samesite_none.secure_added"
                ]
            )
        );
    }

    // ---- SecureWhen and SameSite=None ----

    #[test]
    fn secure_when_request_secure() {
        let p = CookiePolicy::new(vec![star().with_secure(true)])
            .secure_when(SecureWhen::RequestSecure);
        assert_eq!(flag(&p, "a=1", true).0, "a=1; Secure");
        assert_eq!(flag(&p, "a=1", false), ("a=1".into(), false, vec![]));
        let remove = CookiePolicy::new(vec![star().with_secure(false)])
            .secure_when(SecureWhen::RequestSecure);
        assert_eq!(
            flag(&remove, "a=1; Secure", false),
            ("a=1; Secure".into(), false, vec![])
        );
        assert_eq!(
            flag(&remove, "a=1; Secure", true),
            ("a=1".into(), true, vec![])
        );
    }

    #[test]
    fn same_site_none_gets_secure() {
        let p = CookiePolicy::new(vec![star()
            .with_secure(false)
            .with_same_site(SameSite::None)]);
        assert_eq!(
            flag(&p, "a=1", true),
            (
                "a=1; Secure; SameSite=None".into(),
                true,
                vec!["cookie.samesite_none.secure_added"]
            )
        );
        // Already Secure: kept, silently, although the rule removes Secure.
        assert_eq!(
            flag(&p, "a=1; Secure; SameSite=None", true),
            ("a=1; Secure; SameSite=None".into(), false, vec![])
        );
        // Lower-case none from the application.
        let d = CookiePolicy::new(vec![star()]);
        assert_eq!(
            flag(&d, "a=1; samesite=none", false).0,
            "a=1; samesite=none; Secure"
        );
    }

    #[test]
    fn same_site_none_on_insecure_request_with_request_secure() {
        let p = CookiePolicy::new(vec![star()
            .with_secure(true)
            .with_same_site(SameSite::None)])
        .secure_when(SecureWhen::RequestSecure);
        assert_eq!(
            flag(&p, "a=1", false),
            (
                "a=1; SameSite=None".into(),
                true,
                vec!["cookie.samesite_none.without_secure"]
            )
        );
        assert_eq!(
            flag(&p, "a=1", true),
            ("a=1; Secure; SameSite=None".into(), true, vec![])
        );
        assert_eq!(
            flag(&p, "a=1; Secure; SameSite=None", false),
            ("a=1; Secure; SameSite=None".into(), false, vec![])
        );
    }

    // ---- prefixes ----

    #[test]
    fn secure_prefix_repair_and_report() {
        let none = CookiePolicy::new(vec![]);
        assert_eq!(
            flag(&none, "__Secure-id=1; Path=/", true),
            (
                "__Secure-id=1; Path=/; Secure".into(),
                true,
                vec!["cookie.prefix.secure.repaired"]
            )
        );
        assert_eq!(
            flag(&none, "__secure-id=1", false),
            (
                "__secure-id=1; Secure".into(),
                true,
                vec!["cookie.prefix.secure.repaired"]
            )
        );
        let report = none.clone().prefixes(PrefixMode::Report);
        assert_eq!(
            flag(&report, "__Secure-id=1", true),
            (
                "__Secure-id=1".into(),
                false,
                vec!["cookie.prefix.secure.violation"]
            )
        );
        assert_eq!(
            flag(&report, "__Secure-id=1; secure", true),
            ("__Secure-id=1; secure".into(), false, vec![])
        );
        // A rule that adds Secure satisfies the prefix: no violation.
        let add = CookiePolicy::default().prefixes(PrefixMode::Report);
        assert_eq!(
            flag(&add, "__Secure-id=1", true),
            ("__Secure-id=1; Secure".into(), true, vec![])
        );
    }

    #[test]
    fn secure_false_never_strips_a_prefixed_cookie() {
        for mode in [PrefixMode::Repair, PrefixMode::Report] {
            let p = CookiePolicy::new(vec![star().with_secure(false)]).prefixes(mode);
            assert_eq!(
                flag(&p, "__Secure-a=1; Secure", true),
                ("__Secure-a=1; Secure".into(), false, vec![])
            );
            assert_eq!(
                flag(&p, "__Host-a=1; Secure; Path=/", true),
                ("__Host-a=1; Secure; Path=/".into(), false, vec![])
            );
            assert_eq!(flag(&p, "a=1; Secure", true).0, "a=1");
        }
    }

    #[test]
    fn host_prefix_repair() {
        let p = CookiePolicy::new(vec![]);
        assert_eq!(
            flag(&p, "__Host-id=1", true),
            (
                "__Host-id=1; Secure; Path=/".into(),
                true,
                vec!["cookie.prefix.host.repaired"]
            )
        );
        assert_eq!(
            flag(
                &p,
                "__Host-id=1; Domain=example.com; path=/app; Secure; domain=.x",
                true
            ),
            (
                "__Host-id=1; path=/; Secure".into(),
                true,
                vec!["cookie.prefix.host.repaired"]
            )
        );
        assert_eq!(
            flag(&p, "__HOST-id=1; Path=/a; Path=/b; Secure", true),
            (
                "__HOST-id=1; Path=/; Secure".into(),
                true,
                vec!["cookie.prefix.host.repaired"]
            )
        );
        assert_eq!(
            flag(&p, "__Host-id=1; Path; Secure", true).0,
            "__Host-id=1; Path=/; Secure"
        );
        // The last Path is what counts.
        assert_eq!(
            flag(&p, "__Host-id=1; Path=/a; Path=/; Secure", true),
            ("__Host-id=1; Path=/a; Path=/; Secure".into(), false, vec![])
        );
        let fine = "__Host-id=1; Secure; Path = / ";
        assert_eq!(flag(&p, fine, true), (fine.into(), false, vec![]));
        let d = CookiePolicy::default();
        assert_eq!(
            flag(&d, "__Host-id=1; Domain=a.example", true),
            (
                "__Host-id=1; Secure; Path=/".into(),
                true,
                vec!["cookie.prefix.host.repaired"]
            )
        );
    }

    #[test]
    fn host_prefix_report() {
        let p = CookiePolicy::default().prefixes(PrefixMode::Report);
        let (v, changed, issues) = flag(&p, "__Host-id=1; Domain=example.com; Path=/a", true);
        assert_eq!(v, "__Host-id=1; Domain=example.com; Path=/a; Secure");
        assert!(changed);
        assert_eq!(issues, ["cookie.prefix.host.violation"]);
        let f = p.flag("__Host-id=1; Domain=example.com; Path=/a", true);
        assert!(f.issues()[0].is_error());
        assert!(
            f.issues()[0].message().contains("Path") && f.issues()[0].message().contains("Domain")
        );
        let none = CookiePolicy::new(vec![]).prefixes(PrefixMode::Report);
        assert_eq!(
            flag(&none, "__Host-id=1", true),
            (
                "__Host-id=1".into(),
                false,
                vec!["cookie.prefix.host.violation"]
            )
        );
    }

    #[test]
    fn prefix_and_same_site_none_report_once() {
        let p = CookiePolicy::new(vec![star().with_same_site(SameSite::None)]);
        assert_eq!(
            flag(&p, "__Secure-a=1", true),
            (
                "__Secure-a=1; Secure; SameSite=None".into(),
                true,
                vec!["cookie.prefix.secure.repaired"]
            )
        );
    }

    #[test]
    fn prefix_needs_the_full_prefix() {
        let p = CookiePolicy::new(vec![]);
        for s in [
            "__Secure=1",
            "__Host=1",
            "_Host-a=1",
            "x__Host-a=1",
            "__Secur-a=1",
        ] {
            assert_eq!(flag(&p, s, true), (s.into(), false, vec![]), "{s}");
        }
        // The name is trimmed before the prefix check.
        assert_eq!(flag(&p, " __Secure-a =1", true).0, " __Secure-a =1; Secure");
    }

    // ---- nameless and non-UTF-8 ----

    #[test]
    fn nameless_cookies_are_flagged() {
        let p = all_on();
        for (s, want) in [
            ("abc", "abc; Secure; HttpOnly; SameSite=Lax"),
            ("=abc", "=abc; Secure; HttpOnly; SameSite=Lax"),
            (" \t=v", " \t=v; Secure; HttpOnly; SameSite=Lax"),
            (
                "novalue; a=b",
                "novalue; a=b; Secure; HttpOnly; SameSite=Lax",
            ),
            ("abc; Secure", "abc; Secure; HttpOnly; SameSite=Lax"),
        ] {
            let (v, changed, codes) = flag(&p, s, true);
            assert_eq!((v.as_str(), changed), (want, true), "{s:?}");
            assert_eq!(codes[0], "cookie.nameless", "{s:?}");
        }
        // Only rules that match the empty name apply.
        let named = CookiePolicy::new(vec![CookieRule::new("abc").unwrap().with_secure(true)]);
        assert_eq!(
            flag(&named, "abc", true),
            ("abc".into(), false, vec!["cookie.nameless"])
        );
        let f = all_on().flag("abc", true);
        assert!(!f.issues()[0].is_error());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_flagged_bytewise() {
        let p = all_on();
        let f = p.flag_bytes(b"sid=caf\xe9; Path=/\xff", true);
        assert_eq!(
            f.value(),
            b"sid=caf\xe9; Path=/\xff; Secure; HttpOnly; SameSite=Lax"
        );
        assert!(f.changed());
        // Already right: borrowed, unchanged.
        let raw: &[u8] = b"sid=\xff; secure; httponly; samesite=lax";
        let f = p.flag_bytes(raw, true);
        assert!(!f.changed());
        assert!(std::ptr::eq(f.value(), raw));
        // A SameSite value rewritten in place, a Latin-1 byte next to it kept.
        let f = p.flag_bytes(b"a=\xe9;SameSite=None;x=\xe9", true);
        assert_eq!(f.value(), b"a=\xe9;SameSite=Lax;x=\xe9; Secure; HttpOnly");
        // A __Host- prefix with a non-UTF-8 path is repaired.
        let f = CookiePolicy::default().flag_bytes(b"__Host-x=1; Path=/\xe9", true);
        assert_eq!(f.value(), b"__Host-x=1; Path=/; Secure");
        // Control characters are still refused.
        let f = p.flag_bytes(b"a=\xff\r\nSet-Cookie: b", true);
        assert!(!f.changed());
        assert_eq!(f.issues()[0].code(), Code::CookieMalformedControlCharacter);
        // UTF-8 input: the same as flag().
        for s in ["a=1", "abc", "__Secure-x=1", "=", "a=\u{e9}; Path=/"] {
            let t = p.flag(s, true);
            let b = p.flag_bytes(s.as_bytes(), true);
            assert_eq!(
                (t.value().as_bytes(), t.changed(), t.issues()),
                (b.value(), b.changed(), b.issues())
            );
        }
    }

    // ---- malformed ----

    #[test]
    fn malformed_values_come_back_unchanged() {
        let p = all_on();
        for (s, code) in [
            ("", "cookie.malformed.empty_name"),
            ("=", "cookie.malformed.empty_name"),
            (" = ; Secure", "cookie.malformed.empty_name"),
            ("; Path=/", "cookie.malformed.empty_name"),
            (
                "a=1\r\nSet-Cookie: b=2",
                "cookie.malformed.control_character",
            ),
            ("a=1; Path=/\u{0}", "cookie.malformed.control_character"),
            ("a=\u{7f}", "cookie.malformed.control_character"),
            ("\u{1}", "cookie.malformed.control_character"),
        ] {
            let f = p.flag(s, true);
            assert_eq!((f.value(), f.changed()), (s, false), "{s:?}");
            assert_eq!(codes(&f), [code], "{s:?}");
            assert!(f.issues()[0].is_error());
            assert!(!f.issues()[0].message().contains('\n'));
        }
        // HTAB is allowed.
        assert_eq!(
            flag(&p, "a=1;\tPath=/", true).0,
            "a=1;\tPath=/; Secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn random_input_never_panics_and_is_idempotent() {
        // A small xorshift generator: deterministic, no dependency.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const PIECES: &[&str] = &[
            ";",
            "=",
            " ",
            "\t",
            "secure",
            "Secure",
            "HttpOnly",
            "httponly",
            "SameSite",
            "samesite=none",
            "SameSite=Lax",
            "Path",
            "path=/",
            "Path=/a",
            "Domain=x",
            "__Host-",
            "__secure-",
            "\"",
            ",",
            "a",
            "é",
            "☕",
            "\u{0}",
            "\r",
            "\n",
            "\u{7f}",
            "Expires=Wed, 21 Oct 2026",
            "*",
            "?",
        ];
        let policies = [
            CookiePolicy::default(),
            all_on(),
            CookiePolicy::new(vec![
                CookieRule::new("s*")
                    .unwrap()
                    .with_same_site(SameSite::None),
                CookieRule::new("x").unwrap().with_secure(false),
            ])
            .secure_when(SecureWhen::RequestSecure)
            .prefixes(PrefixMode::Report),
            CookiePolicy::new(vec![star()
                .with_secure(false)
                .with_http_only(false)
                .with_same_site(SameSite::Strict)]),
        ];
        for _ in 0..20_000 {
            let n = (next() % 12) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            // Random bytes too, kept only when they form UTF-8.
            let bytes: Vec<u8> = (0..(next() % 8)).map(|_| next() as u8).collect();
            if let Ok(t) = std::str::from_utf8(&bytes) {
                s.push_str(t);
            }
            for p in &policies {
                for secure in [false, true] {
                    let f = p.flag(&s, secure);
                    let has_ctl = s.bytes().any(is_ctl);
                    if has_ctl {
                        assert!(!f.changed());
                    }
                    assert!(!f.value().bytes().any(is_ctl) || has_ctl);
                    let again = p.flag(f.value(), secure);
                    assert_eq!(again.value(), f.value(), "not idempotent: {s:?}");
                    assert!(f.value().starts_with(&s[..s.find(';').unwrap_or(s.len())]));
                }
            }
        }
    }

    #[test]
    fn large_values() {
        let p = all_on();
        let big = format!("a={}; Path=/", "x".repeat(8192));
        let f = p.flag(&big, true);
        assert_eq!(f.value(), format!("{big}; Secure; HttpOnly; SameSite=Lax"));
        let many = format!("a=1{}", "; secure".repeat(10_000));
        assert_eq!(
            flag(&p, &many, true).0,
            "a=1; secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn output_capacity_is_enough_for_one_allocation() {
        let p = all_on();
        for s in ["a=1", "__Host-a=1", "a=1; SameSite", "__Host-a=1; Path"] {
            let policy = if s.starts_with("__") {
                CookiePolicy::new(vec![star()
                    .with_secure(true)
                    .with_http_only(true)
                    .with_same_site(SameSite::Strict)])
            } else {
                p.clone()
            };
            let f = policy.flag(s, true);
            let Cow::Owned(v) = f.into_value() else {
                panic!("unchanged")
            };
            assert!(v.capacity() == s.len() + 48, "{s:?} reallocated");
        }
    }

    #[test]
    fn to_json_shape() {
        let f = CookiePolicy::new(vec![star()]).flag("a=1; SameSite=None", true);
        let j = f.to_json();
        assert_eq!(j["set_cookie"], "a=1; SameSite=None; Secure");
        assert_eq!(j["changed"], true);
        assert_eq!(j["issues"][0]["code"], "cookie.samesite_none.secure_added");
        assert_eq!(j["issues"][0]["severity"], "warning");
    }

    // ---- configuration ----

    type Loaded = (Option<(bool, CookiePolicy)>, Vec<(String, &'static str)>);

    fn load(section: Value) -> Loaded {
        let (out, errs) = crate::config::reader::build_section("cookies", &section, from_section);
        (errs.is_empty().then_some(out), errs)
    }

    #[test]
    fn config_reads_every_key() {
        let (got, errs) = load(serde_json::json!({
            "enabled": false,
            "secure_when": "request_secure",
            "prefixes": "Report",
            "rules": [
                {"name": "*", "secure": true, "http_only": true, "same_site": "lax"},
                {"name": "csrf?", "http_only": false},
            ],
        }));
        assert_eq!(errs, []);
        let (enabled, p) = got.unwrap();
        assert!(!enabled);
        assert_eq!(p.secure_mode(), SecureWhen::RequestSecure);
        assert_eq!(p.prefix_mode(), PrefixMode::Report);
        assert_eq!(
            p.rules(),
            [
                star()
                    .with_secure(true)
                    .with_http_only(true)
                    .with_same_site(SameSite::Lax),
                CookieRule::new("csrf?").unwrap().with_http_only(false),
            ]
        );
    }

    #[test]
    fn config_defaults() {
        let (got, _) = load(serde_json::json!({}));
        assert_eq!(got, Some((true, CookiePolicy::default())));
        let (got, _) = load(serde_json::json!({"rules": []}));
        assert_eq!(got.unwrap().1.rules(), []);
    }

    #[test]
    fn config_reports_every_problem_with_its_path() {
        let (_, errs) = load(serde_json::json!({
            "enabled": "yes",
            "secure_when": "sometimes",
            "prefixes": 3,
            "rules": [
                {"name": "*", "secure": true},
                {"name": "a;b"},
                {"name": "x", "same_site": "Relaxed", "http_only": "no"},
                {"secure": true},
                "sid",
                {"name": "y", "samesite": "Lax"},
                {"name": 5},
            ],
            "rule": [],
        }));
        let s = |p: &str, c: &'static str| (p.to_owned(), c);
        assert_eq!(
            errs,
            [
                s("cookies.enabled", "config.invalid_type"),
                s("cookies.secure_when", "config.invalid_value"),
                s("cookies.prefixes", "config.invalid_type"),
                s("cookies.rules[1].name", "config.invalid_value"),
                s("cookies.rules[2].http_only", "config.invalid_type"),
                s("cookies.rules[2].same_site", "config.invalid_value"),
                s("cookies.rules[3].name", "config.invalid_value"),
                s("cookies.rules[4]", "config.invalid_type"),
                s("cookies.rules[5].samesite", "config.unknown_key"),
                s("cookies.rules[6].name", "config.invalid_type"),
                s("cookies.rule", "config.unknown_key"),
            ]
        );
        let (_, errs) = load(serde_json::json!({"rules": {"name": "*"}}));
        assert_eq!(errs, [s("cookies.rules", "config.invalid_type")]);
    }

    #[test]
    fn config_messages_suggest_and_name_values() {
        let v = serde_json::json!({"secure_when": "sometimes", "rules": [{"name": "y", "samesite": "Lax", "same_site": "Relaxed"}]});
        let err = crate::policy::Policy::from_value(&serde_json::json!({"cookies": v})).unwrap_err();
        let messages: Vec<_> = err.config_errors().iter().map(|e| e.message().to_owned()).collect();
        assert!(
            messages[0].contains("`sometimes`") && messages[0].contains("request_secure"),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`Relaxed`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("did you mean `same_site`")),
            "{messages:?}"
        );
    }
}
