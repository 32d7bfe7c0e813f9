//! The `Strict-Transport-Security` header (RFC 6797): the [`HstsPolicy`] value type and
//! the strict parser [`parse_sts`].

use std::fmt;
use std::str::FromStr;

use crate::directive::{directives, Item, SyntaxError};
use crate::error::{truncate, Error};
use crate::issue::{quote, Code, Issue, Severity};

/// The largest max-age hstsguard represents: 2^53 - 1 seconds (about 285 million
/// years). Larger values in a received header saturate to it (with the warning
/// `header.parse.max_age.saturated`); larger configured values are refused. The cap is
/// the largest integer a JavaScript number or a JSON double holds exactly, so every
/// binding sees the same number.
pub const MAX_AGE_CAP: u64 = (1 << 53) - 1;

const VALUE_CAPACITY: usize = 64;

/// An HSTS policy: max-age, includeSubDomains and preload. Immutable and `Copy`; its
/// header value is computed once, when it is made, so formatting never allocates.
///
/// Constructors force the subdomain decision:
///
/// ```
/// use hstsguard::HstsPolicy;
/// let p = HstsPolicy::including_subdomains(63_072_000).with_preload();
/// assert_eq!(p.value(), "max-age=63072000; includeSubDomains; preload");
/// assert_eq!(p.to_string(), p.value());
/// assert_eq!("max-age=63072000; includeSubDomains; preload".parse::<HstsPolicy>().unwrap(), p);
///
/// let q = HstsPolicy::excluding_subdomains(300);
/// assert_eq!(q.value(), "max-age=300");
/// ```
#[derive(Clone, Copy)]
pub struct HstsPolicy {
    max_age: u64,
    include_subdomains: bool,
    preload: bool,
    len: u8,
    buf: [u8; VALUE_CAPACITY],
}

impl HstsPolicy {
    fn make(max_age: u64, include_subdomains: bool, preload: bool) -> HstsPolicy {
        let max_age = max_age.min(MAX_AGE_CAP);
        let mut p = HstsPolicy {
            max_age,
            include_subdomains,
            preload,
            len: 0,
            buf: [0; VALUE_CAPACITY],
        };
        let mut w = Writer {
            buf: &mut p.buf,
            len: 0,
        };
        w.push(b"max-age=");
        w.push(itoa::Buffer::new().format(max_age).as_bytes());
        if include_subdomains {
            w.push(b"; includeSubDomains");
        }
        if preload {
            w.push(b"; preload");
        }
        p.len = w.len as u8;
        p
    }

    /// A policy whose header covers subdomains (`includeSubDomains`). `max_age` is in
    /// seconds and is capped at [`MAX_AGE_CAP`].
    pub fn including_subdomains(max_age: u64) -> HstsPolicy {
        HstsPolicy::make(max_age, true, false)
    }

    /// A policy for this host only (no `includeSubDomains`).
    pub fn excluding_subdomains(max_age: u64) -> HstsPolicy {
        HstsPolicy::make(max_age, false, false)
    }

    /// A policy with the subdomain decision given as a flag.
    pub fn new(max_age: u64, include_subdomains: bool) -> HstsPolicy {
        HstsPolicy::make(max_age, include_subdomains, false)
    }

    /// `max-age=0`: tells user agents to forget the host (RFC 6797 §6.1.1). Use it to
    /// back out of HSTS.
    pub fn removal() -> HstsPolicy {
        HstsPolicy::make(0, false, false)
    }

    /// The same policy with the `preload` directive (hstspreload.org's opt-in).
    pub fn with_preload(self) -> HstsPolicy {
        HstsPolicy::make(self.max_age, self.include_subdomains, true)
    }

    /// The same policy without the `preload` directive.
    pub fn without_preload(self) -> HstsPolicy {
        HstsPolicy::make(self.max_age, self.include_subdomains, false)
    }

    /// max-age in seconds.
    pub fn max_age(&self) -> u64 {
        self.max_age
    }

    /// True when the policy covers subdomains.
    pub fn include_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// True when the header carries `preload`.
    pub fn preload(&self) -> bool {
        self.preload
    }

    /// The canonical header value, `max-age=N[; includeSubDomains][; preload]`, borrowed
    /// from the policy (no allocation).
    pub fn value(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("max-age=0")
    }

    /// The hstspreload.org verdict on this policy's header.
    pub fn preload_verdict(&self) -> crate::PreloadVerdict {
        crate::preload_check(self.value())
    }
}

struct Writer<'b> {
    buf: &'b mut [u8; VALUE_CAPACITY],
    len: usize,
}

impl Writer<'_> {
    fn push(&mut self, bytes: &[u8]) {
        // The longest value is 8 + 16 + 19 + 9 = 52 bytes, within the capacity.
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

impl PartialEq for HstsPolicy {
    fn eq(&self, other: &Self) -> bool {
        (self.max_age, self.include_subdomains, self.preload)
            == (other.max_age, other.include_subdomains, other.preload)
    }
}

impl Eq for HstsPolicy {}

impl std::hash::Hash for HstsPolicy {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.max_age, self.include_subdomains, self.preload).hash(state);
    }
}

impl fmt::Debug for HstsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HstsPolicy")
            .field("max_age", &self.max_age)
            .field("include_subdomains", &self.include_subdomains)
            .field("preload", &self.preload)
            .finish()
    }
}

impl fmt::Display for HstsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.value())
    }
}

impl FromStr for HstsPolicy {
    type Err = Error;

    /// Parses a header value strictly ([`parse_sts`]); an invalid value is an
    /// [`Error::InvalidHeader`] carrying the first error's code.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = parse_sts(s);
        match parsed.policy {
            Some(p) => Ok(p),
            None => {
                let first = parsed.issues.iter().find(|i| i.is_error());
                Err(Error::InvalidHeader {
                    header: "Strict-Transport-Security",
                    value: truncate(s),
                    issue: first.map_or(Code::HeaderParseMaxAgeMissing, |i| i.code()),
                    message: first.map_or_else(String::new, |i| i.message().to_owned()),
                })
            }
        }
    }
}

/// The result of parsing a received `Strict-Transport-Security` value: either a policy
/// or invalid, always with the list of issues.
///
/// The field getters report what was seen even when the header is invalid (useful for
/// diagnostics and the preload audit); a user agent must use [`ParsedSts::policy`] only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSts {
    policy: Option<HstsPolicy>,
    max_age: Option<u64>,
    include_subdomains: bool,
    preload: bool,
    issues: Vec<Issue>,
}

impl ParsedSts {
    /// The policy, when the header is valid.
    pub fn policy(&self) -> Option<&HstsPolicy> {
        self.policy.as_ref()
    }

    /// True when the header is valid (no error-severity issue).
    pub fn is_valid(&self) -> bool {
        self.policy.is_some()
    }

    /// The max-age that was read, if a well-formed one was.
    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// True when a valueless `includeSubDomains` was seen.
    pub fn include_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// True when a valueless `preload` was seen.
    pub fn preload(&self) -> bool {
        self.preload
    }

    /// Every issue, in the order found.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Consumes the result, returning the issues.
    pub fn into_issues(self) -> Vec<Issue> {
        self.issues
    }

    /// `{"valid", "max_age", "include_subdomains", "preload", "issues"}`, the shape of
    /// `hstsguard parse --json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "valid": self.is_valid(),
            "max_age": self.max_age,
            "include_subdomains": self.include_subdomains,
            "preload": self.preload,
            "issues": self.issues.iter().map(Issue::to_json).collect::<Vec<_>>(),
        })
    }
}

/// Collects issues, keeping "unique" codes once. The codes reported once are tracked in
/// a short list of their own, so a header of thousands of directives stays linear.
struct Issues(Vec<Issue>, Vec<Code>);

impl Issues {
    fn add(&mut self, code: Code, severity: Severity, message: String) {
        self.0.push(Issue::new(code, severity, message));
    }

    fn add_unique(&mut self, code: Code, severity: Severity, message: impl FnOnce() -> String) {
        if !self.1.contains(&code) {
            self.1.push(code);
            self.0.push(Issue::new(code, severity, message()));
        }
    }
}

/// Parses a `Strict-Transport-Security` field value strictly, as RFC 6797 §6.1 and the
/// Chromium and Firefox parsers do.
///
/// - whitespace is allowed around `;` and `=`; empty directives are allowed;
/// - directive names are case-insensitive; values are tokens or quoted-strings;
/// - `max-age` is required and must be 1*DIGIT (quoted allowed); values above
///   [`MAX_AGE_CAP`] saturate;
/// - `includeSubDomains` takes no value; any value voids the header;
/// - a repeated `max-age` or `includeSubDomains` voids the header;
/// - unknown directives are ignored; `preload` (not in the RFC) is recognised and
///   reported;
/// - any grammar violation voids the whole header.
///
/// ```
/// use hstsguard::{parse_sts, Code};
/// let ok = parse_sts("max-age=\"31536000\" ; INCLUDESUBDOMAINS");
/// assert!(ok.is_valid());
/// assert_eq!(ok.max_age(), Some(31_536_000));
///
/// let bad = parse_sts("max-age=-1");
/// assert!(!bad.is_valid());
/// assert_eq!(bad.issues()[0].code(), Code::HeaderParseMaxAgeNonDigitCharacters);
/// ```
pub fn parse_sts(value: &str) -> ParsedSts {
    let mut issues = Issues(Vec::new(), Vec::new());
    let mut max_age: Option<u64> = None;
    let mut max_age_seen = false;
    let mut include_subdomains = false;
    let mut preload = false;

    let unfolded = crate::directive::unfold(value);
    let value: &str = &unfolded;
    if value.bytes().all(|b| b == b' ' || b == b'\t') {
        issues.add(
            Code::HeaderParseEmpty,
            Severity::Error,
            "The HSTS header is empty: it has no max-age, so user agents ignore it.".into(),
        );
        return ParsedSts {
            policy: None,
            max_age: None,
            include_subdomains: false,
            preload: false,
            issues: issues.0,
        };
    }

    for item in directives(value) {
        let (name, dvalue, raw) = match item {
            Ok(Item::Empty) => {
                issues.add_unique(Code::HeaderParseEmptyDirective, Severity::Warning, || {
                    "The header includes an empty directive or extra semicolon.".into()
                });
                continue;
            }
            Ok(Item::Directive { name, value, raw }) => (name, value, raw),
            Err(e) => {
                let (code, message) = match e {
                    SyntaxError::InvalidCharacter { at } => (
                        Code::HeaderParseSyntaxInvalidCharacter,
                        format!(
                            "The header contains the character {} (U+{:04X}), which is not allowed in a header value outside a quoted-string.",
                            quote(&at.to_string()),
                            at as u32
                        ),
                    ),
                    SyntaxError::InvalidDirectiveName { text } => (
                        Code::HeaderParseSyntaxInvalidDirectiveName,
                        format!("The directive {} does not start with a valid name (a token).", quote(text)),
                    ),
                    SyntaxError::InvalidValue { text } => (
                        Code::HeaderParseSyntaxInvalidValue,
                        format!("The directive {} has a value that is not a token or a quoted-string.", quote(text)),
                    ),
                    SyntaxError::UnterminatedQuotedString { text } => (
                        Code::HeaderParseSyntaxUnterminatedQuotedString,
                        format!("The directive {} has a quoted-string without a closing quote.", quote(text)),
                    ),
                };
                issues.add(code, Severity::Error, message);
                break;
            }
        };

        // `name=` with nothing after it: a value must be a token (1*tchar) or a
        // quoted-string. max-age and includeSubDomains report it with their own codes.
        let is_max_age = name.eq_ignore_ascii_case("max-age");
        let is_isd = name.eq_ignore_ascii_case("includeSubDomains");
        if !is_max_age
            && !is_isd
            && dvalue
                .as_ref()
                .is_some_and(|v| !v.quoted && v.text.is_empty())
        {
            issues.add(
                Code::HeaderParseSyntaxInvalidValue,
                Severity::Error,
                format!(
                    "The directive {} has `=` but no value; a value must be a token or a quoted-string.",
                    quote(raw)
                ),
            );
            break;
        }
        if is_max_age {
            if max_age_seen {
                issues.add_unique(Code::HeaderParseRepeatedMaxAge, Severity::Error, || {
                    format!(
                        "The header repeats the max-age directive ({}), which voids it.",
                        quote(raw)
                    )
                });
                continue;
            }
            max_age_seen = true;
            let text: &str = dvalue.as_ref().map_or("", |v| &v.text);
            if text.is_empty() {
                issues.add(
                    Code::HeaderParseInvalidMaxAgeNoValue,
                    Severity::Error,
                    format!(
                        "The directive {} has no value: specify max-age in seconds.",
                        quote(raw)
                    ),
                );
                continue;
            }
            let Some((seconds, saturated)) = crate::directive::delta_seconds(text) else {
                issues.add(
                    Code::HeaderParseMaxAgeNonDigitCharacters,
                    Severity::Error,
                    format!(
                        "The max-age value contains characters that are not digits: {}.",
                        quote(raw)
                    ),
                );
                continue;
            };
            if dvalue.as_ref().is_some_and(|v| v.quoted) {
                issues.add(
                    Code::HeaderParseMaxAgeQuoted,
                    Severity::Warning,
                    format!(
                        "The max-age value is quoted ({}); valid, but some tools reject it.",
                        quote(raw)
                    ),
                );
            }
            if text.len() > 1 && text.starts_with('0') {
                issues.add(
                    Code::HeaderParseMaxAgeLeadingZero,
                    Severity::Warning,
                    format!("The max-age value has a leading 0: {}.", quote(raw)),
                );
            }
            if saturated {
                issues.add(
                    Code::HeaderParseMaxAgeSaturated,
                    Severity::Warning,
                    format!(
                        "The max-age value {} is larger than {MAX_AGE_CAP} and is treated as {MAX_AGE_CAP}.",
                        quote(text)
                    ),
                );
            }
            max_age = Some(seconds);
        } else if is_isd {
            if dvalue.is_some() {
                issues.add_unique(
                    Code::HeaderParseInvalidIncludeSubDomains,
                    Severity::Error,
                    || {
                        format!(
                            "The includeSubDomains directive takes no value, but has one: {}.",
                            quote(raw)
                        )
                    },
                );
            } else if include_subdomains {
                issues.add_unique(
                    Code::HeaderParseRepeatedIncludeSubDomains,
                    Severity::Error,
                    || "The header repeats the includeSubDomains directive, which voids it.".into(),
                );
            } else {
                include_subdomains = true;
            }
        } else if name.eq_ignore_ascii_case("preload") {
            if dvalue.is_some() {
                issues.add_unique(Code::HeaderParseInvalidPreload, Severity::Warning, || {
                    format!("The preload directive takes no value, but has one ({}); it is not recognised as preload.", quote(raw))
                });
            } else if preload {
                issues.add_unique(Code::HeaderParseRepeatedPreload, Severity::Warning, || {
                    "The header repeats the preload directive.".into()
                });
            } else {
                preload = true;
            }
        } else {
            issues.add(
                Code::HeaderParseUnknownDirective,
                Severity::Warning,
                format!(
                    "The header contains an unknown directive, which is ignored: {}.",
                    quote(raw)
                ),
            );
        }
    }

    if !max_age_seen && !issues.0.iter().any(|i| i.is_error()) {
        issues.add(
            Code::HeaderParseMaxAgeMissing,
            Severity::Error,
            "The header has no max-age directive, which RFC 6797 requires: user agents ignore it."
                .into(),
        );
    }

    let valid = !issues.0.iter().any(|i| i.is_error());
    let policy = match (valid, max_age) {
        (true, Some(age)) => Some(HstsPolicy::make(age, include_subdomains, preload)),
        _ => None,
    };
    ParsedSts {
        policy,
        max_age,
        include_subdomains,
        preload,
        issues: issues.0,
    }
}

/// Parses all `Strict-Transport-Security` field values of one response, as a user agent
/// does (RFC 6797 §8.1): only the first is processed; when there are several,
/// `response.multiple_headers` is reported (a warning), and none at all is the error
/// `response.no_header`.
///
/// ```
/// use hstsguard::{parse_sts_fields, Code};
/// let r = parse_sts_fields(["max-age=300", "max-age=0"]);
/// assert_eq!(r.max_age(), Some(300));
/// assert_eq!(r.issues()[0].code(), Code::ResponseMultipleHeaders);
/// ```
pub fn parse_sts_fields<'v, I>(values: I) -> ParsedSts
where
    I: IntoIterator<Item = &'v str>,
{
    let mut iter = values.into_iter();
    let Some(first) = iter.next() else {
        return ParsedSts {
            policy: None,
            max_age: None,
            include_subdomains: false,
            preload: false,
            issues: vec![Issue::error(
                Code::ResponseNoHeader,
                "The response has no Strict-Transport-Security header.",
            )],
        };
    };
    let others = iter.count();
    let mut parsed = parse_sts(first);
    if others > 0 {
        parsed.issues.insert(
            0,
            Issue::warning(
                Code::ResponseMultipleHeaders,
                format!(
                    "The response has {} Strict-Transport-Security headers; user agents process only the first.",
                    others + 1
                ),
            ),
        );
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &str) -> Vec<&'static str> {
        parse_sts(s)
            .issues
            .iter()
            .map(|i| i.code().as_str())
            .collect()
    }

    #[test]
    fn canonical_round_trip() {
        for p in [
            HstsPolicy::including_subdomains(31_536_000).with_preload(),
            HstsPolicy::excluding_subdomains(0),
            HstsPolicy::new(MAX_AGE_CAP, true).with_preload(),
            HstsPolicy::removal(),
        ] {
            let parsed = parse_sts(p.value());
            assert_eq!(parsed.policy(), Some(&p), "{}", p.value());
            assert!(parsed.issues().is_empty(), "{:?}", parsed.issues());
        }
    }

    #[test]
    fn rfc_6797_section_6_2_examples() {
        let a = parse_sts("max-age=31536000");
        assert_eq!(
            a.policy(),
            Some(&HstsPolicy::excluding_subdomains(31_536_000))
        );
        let b = parse_sts("max-age=15768000 ; includeSubDomains");
        assert_eq!(
            b.policy(),
            Some(&HstsPolicy::including_subdomains(15_768_000))
        );
        let c = parse_sts("max-age=\"31536000\"");
        assert_eq!(c.max_age(), Some(31_536_000));
        let d = parse_sts("max-age=0");
        assert_eq!(d.policy(), Some(&HstsPolicy::removal()));
        let e = parse_sts("max-age=0; includeSubDomains");
        assert_eq!(e.max_age(), Some(0));
    }

    #[test]
    fn voiding_rules() {
        assert_eq!(
            codes("max-age=1; max-age=2"),
            ["header.parse.repeated.max_age"]
        );
        assert_eq!(
            codes("max-age=1; includeSubDomains; includesubdomains"),
            ["header.parse.repeated.include_sub_domains"]
        );
        assert_eq!(
            codes("max-age=1; includeSubDomains=true"),
            ["header.parse.invalid.include_sub_domains"]
        );
        assert_eq!(
            codes("max-age=+1"),
            ["header.parse.max_age.non_digit_characters"]
        );
        assert_eq!(
            codes("max-age=1.0"),
            ["header.parse.max_age.non_digit_characters"]
        );
        assert_eq!(codes("max-age=1 2"), ["header.parse.syntax.invalid_value"]);
        assert_eq!(codes("max-age="), ["header.parse.invalid.max_age.no_value"]);
        assert_eq!(codes("includeSubDomains"), ["header.parse.max_age.missing"]);
        assert_eq!(codes(""), ["header.parse.empty"]);
        assert!(!parse_sts("max-age=1; preload; preload")
            .issues()
            .iter()
            .any(|i| i.is_error()));
    }

    #[test]
    fn saturates() {
        let p = parse_sts("max-age=99999999999999999999999999");
        assert!(p.is_valid());
        assert_eq!(p.max_age(), Some(MAX_AGE_CAP));
        assert_eq!(p.issues()[0].code(), Code::HeaderParseMaxAgeSaturated);
    }

    #[test]
    fn value_fits() {
        assert_eq!(
            HstsPolicy::including_subdomains(u64::MAX)
                .with_preload()
                .value(),
            "max-age=9007199254740991; includeSubDomains; preload"
        );
    }
}
