//! Exempt paths: the ACME challenge prefix, the user's patterns, and the dot segments that are never exempt.

use regex_lite::Regex;

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
/// The syntax is the `regex` crate's, matched by `regex-lite` in linear time, codepoint
/// by codepoint. The path is the raw, percent-encoded request target, so the classes are
/// ASCII: `\d`, `\w`, `\s` and `\b` are ASCII, `(?i)` folds ASCII letters, and Unicode
/// classes (`\p{L}`) are refused when the pattern is read. A pattern that is `^`, then
/// literal characters (metacharacters escaped), then `$` or nothing, such as
/// `^/healthz$` or `^/api/public/`, is matched by comparing strings, with the same answer.
///
/// ```
/// use hstsguard::redirect::ExemptPattern;
/// let p: ExemptPattern = r"^/v\d+/health$".parse().unwrap();
/// assert!(p.is_match("/v2/health") && p.regex().is_match("/v2/health"));
/// assert!(!p.is_match("/v2/healthz"));
/// let i: ExemptPattern = "(?i)^/status".parse().unwrap();
/// assert!(i.is_match("/STATUS"));
/// let literal: ExemptPattern = r"^/robots\.txt$".parse().unwrap();
/// assert!(literal.is_match("/robots.txt") && !literal.is_match("/robotsXtxt"));
/// assert!("(".parse::<ExemptPattern>().is_err());
/// assert!(r"^/\p{L}".parse::<ExemptPattern>().is_err());
/// assert!("".parse::<ExemptPattern>().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ExemptPattern {
    regex: Regex,
    literal: Option<Literal>,
}

/// An anchored literal pattern, matched without the regex engine.
#[derive(Debug, Clone)]
enum Literal {
    /// `^text$`: the path is the text.
    Exact(Box<str>),
    /// `^text`: the path starts with the text.
    Prefix(Box<str>),
}

impl ExemptPattern {
    /// Whether the pattern is found in `path` (the path alone, without its query).
    #[inline]
    pub fn is_match(&self, path: &str) -> bool {
        match &self.literal {
            Some(Literal::Exact(text)) => path == &**text,
            Some(Literal::Prefix(text)) => path.starts_with(&**text),
            None => self.regex.is_match(path),
        }
    }

    /// The compiled expression.
    pub fn regex(&self) -> &Regex {
        &self.regex
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }
}

/// `^`, literal characters (a metacharacter escaped with `\`), then `$` or nothing; `None`
/// for any other pattern. The characters `regex_lite::escape` escapes are the
/// metacharacters; an escaped letter or digit is a class or an escape, not a literal.
fn anchored_literal(pattern: &str) -> Option<Literal> {
    const META: &str = "\\.+*?()|[]{}^$#&-~";
    let body = pattern.strip_prefix('^')?;
    let mut text = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if META.contains(e) => text.push(e),
                _ => return None,
            },
            '$' => {
                return chars
                    .next()
                    .is_none()
                    .then(|| Literal::Exact(text.into_boxed_str()))
            }
            '#' | '&' | '-' | '~' => text.push(c),
            _ if META.contains(c) => return None,
            _ => text.push(c),
        }
    }
    Some(Literal::Prefix(text.into_boxed_str()))
}

impl PartialEq for ExemptPattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::str::FromStr for ExemptPattern {
    type Err = Error;

    fn from_str(pattern: &str) -> Result<ExemptPattern, Error> {
        let regex = compile_exempt(pattern)?;
        let literal = anchored_literal(pattern);
        Ok(ExemptPattern { regex, literal })
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
    regex_lite::RegexBuilder::new(pattern)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The string comparison gives the regex's answer, and is used where it should be.
    #[test]
    fn literal_patterns_agree_with_the_regex() {
        let patterns = [
            ("^/healthz$", true),
            ("^/api/public/", true),
            (r"^/robots\.txt$", true),
            (r"^/a\$b$", true),
            (r"^/\(x\)\[y\]\{1\}\|\*\+\?\^\\", true),
            ("^/a-b_c~d&e#f g", true),
            ("^/é$", true),
            ("^", true),
            ("^$", true),
            ("/healthz", false),
            ("^/health.$", false),
            (r"^/v\d$", false),
            ("^/a$|^/b$", false),
            ("^/a$b", false),
            ("^/a$$", false),
            ("^/x*", false),
            ("^/(a)", false),
            ("(?i)^/a", false),
            (r"^/\n", false),
        ];
        let paths = [
            "",
            "/",
            "/healthz",
            "/healthzz",
            "/healthz/",
            "/api/public/",
            "/api/public/x",
            "/api/public",
            "/robots.txt",
            "/robotsxtxt",
            "/a$b",
            "/a",
            "/b",
            r"/(x)[y]{1}|*+?^\",
            "/a-b_c~d&e#f g",
            "/a-b_c~d&e#f gh",
            "/é",
            "/e",
            "/v1",
            "/x",
            "/xx",
            "/A",
            "/health1",
        ];
        for (pattern, literal) in patterns {
            let p: ExemptPattern = pattern.parse().unwrap();
            assert_eq!(p.literal.is_some(), literal, "{pattern}");
            for path in paths {
                assert_eq!(
                    p.is_match(path),
                    p.regex().is_match(path),
                    "{pattern} on {path:?}"
                );
            }
        }
    }
}
