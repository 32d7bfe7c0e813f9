//! Exempt paths: the ACME challenge prefix, the user's patterns, and the dot segments that are never exempt.

use regex::Regex;

use crate::error::Error;

pub(crate) const ACME_PREFIX: &str = "/.well-known/acme-challenge/";

/// True when `path` has a segment that a server may normalise away after the exemption
/// check: a dot segment (see [`is_dot_segment`]), a backslash, or a percent-encoded dot,
/// slash or backslash anywhere.
pub(crate) fn has_dot_segment(path: &str) -> bool {
    let b = path.as_bytes();
    if b.contains(&b'\\') {
        return true;
    }
    let encoded = |w: &[u8]| {
        w[0] == b'%'
            && [b"2e", b"2f", b"5c"]
                .iter()
                .any(|e| w[1..].eq_ignore_ascii_case(&e[..]))
    };
    b.windows(3).any(encoded) || path.split('/').any(is_dot_segment)
}

/// A path segment that servers resolve as `.` or `..`: the part before the first `;`
/// (a path parameter, `..;jsessionid=x`, which Tomcat, Jetty and Spring strip before
/// resolving) or its percent-encoded form `%3B`, with each `%2E` (any case) read as a
/// dot, is `.` or `..`. So `..;`, `.;x`, `%2e%2E`, `.%2e;` and `%2E%3b` all count.
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    let b = segment.as_bytes();
    let mut dots = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b';' {
            break;
        }
        if b[i] == b'.' {
            dots += 1;
            i += 1;
        } else if b[i] == b'%' && b.len() >= i + 3 {
            let hex = &b[i + 1..i + 3];
            if hex.eq_ignore_ascii_case(b"2e") {
                dots += 1;
                i += 3;
            } else if hex.eq_ignore_ascii_case(b"3b") {
                break;
            } else {
                return false;
            }
        } else {
            return false;
        }
        if dots > 2 {
            return false;
        }
    }
    dots == 1 || dots == 2
}

/// An exempt path pattern: a regular expression *searched* in the raw path (anchor it
/// yourself), compiled when it is read. Two patterns are equal when their text is.
///
/// ```
/// use hstsguard::redirect::ExemptPattern;
/// let p: ExemptPattern = "^/health$".parse().unwrap();
/// assert!(p.regex().is_match("/health"));
/// assert!("(".parse::<ExemptPattern>().is_err());
/// assert!("".parse::<ExemptPattern>().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ExemptPattern(Regex);

impl ExemptPattern {
    /// The compiled expression.
    pub fn regex(&self) -> &Regex {
        &self.0
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq for ExemptPattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::str::FromStr for ExemptPattern {
    type Err = Error;

    fn from_str(pattern: &str) -> Result<ExemptPattern, Error> {
        compile_exempt(pattern).map(ExemptPattern)
    }
}

impl std::fmt::Display for ExemptPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::config::field::text_field!(ExemptPattern, split_commas = false);

/// Compiles an exempt pattern; the error's reason is the regex error's last line.
pub(crate) fn compile_exempt(pattern: &str) -> Result<Regex, Error> {
    let invalid = |reason: &str| Error::InvalidValue {
        what: "exempt pattern",
        value: pattern.to_owned(),
        reason: reason.to_owned(),
    };
    if pattern.is_empty() {
        return Err(invalid("an empty pattern would exempt every path"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let text = e.to_string();
            let why = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid")
                .trim()
                .trim_start_matches("error: ");
            invalid(&format!("not a regular expression: {why}"))
        })
}
