//! Cookie rules: which cookies (exact names or globs) get which `Secure`, `HttpOnly` and `SameSite`, and the words of the `[cookies]` section.

use std::fmt;

use regex_lite::Regex;

use crate::config::field::words;
use crate::error::Error;

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

words! {
    /// The `SameSite` attribute's value (RFC 6265bis §4.1.2.7). Read ignoring case;
    /// written `Strict`, `Lax` or `None`. In a policy document `true` means `Strict`,
    /// as it does for Express's `res.cookie`.
    ///
    /// ```
    /// use hstsguard::cookies::SameSite;
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
    pub(crate) fn of_attribute(value: &str) -> Option<SameSite> {
        value.parse().ok()
    }
}

words! {
    /// What to do with a `__Secure-` or `__Host-` cookie that breaks its prefix's rules.
    ///
    /// ```
    /// use hstsguard::cookies::PrefixMode;
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
    /// use hstsguard::cookies::SecureWhen;
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
pub(crate) enum Matcher {
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
/// use hstsguard::cookies::{CookieRule, SameSite};
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
    pub(crate) pattern: Box<str>,
    pub(crate) matcher: Matcher,
    pub(crate) secure: Option<bool>,
    pub(crate) http_only: Option<bool>,
    pub(crate) same_site: Option<SameSite>,
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
    /// use hstsguard::cookies::CookieRule;
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
pub(crate) fn compile_glob(pattern: &str) -> Result<Regex, String> {
    let mut re = String::with_capacity(pattern.len() * 2 + 8);
    re.push_str("^(?s:");
    let mut buf = [0u8; 4];
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            _ => re.push_str(&regex_lite::escape(c.encode_utf8(&mut buf))),
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

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::config::field::text_field!(NamePattern, split_commas = true);

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
