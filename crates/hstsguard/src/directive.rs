//! The directive grammar shared by `Strict-Transport-Security` (RFC 6797 §6.1) and
//! `Public-Key-Pins` (RFC 7469 §2.1):
//!
//! ```text
//! value          = [ directive ] *( ";" [ directive ] )
//! directive      = directive-name [ "=" directive-value ]
//! directive-name = token
//! directive-value = token / quoted-string
//! ```
//!
//! with implied linear whitespace (SP / HTAB) around `;` and `=` and before and after
//! every directive. The tokenizer borrows from the input and allocates only to unescape
//! a quoted-string that contains a backslash.

use std::borrow::Cow;

/// A syntax error; the parsers map it to their own issue codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SyntaxError<'a> {
    /// A control character (other than HTAB) anywhere, or a non-ASCII byte outside a
    /// quoted-string. `at` is the offending character.
    InvalidCharacter { at: char },
    /// A directive name is not a token; `text` is the remainder of the directive.
    InvalidDirectiveName { text: &'a str },
    /// A value is not a token or quoted-string, or text follows it; `text` is the directive.
    InvalidValue { text: &'a str },
    /// A quoted-string has no closing quote; `text` is the directive.
    UnterminatedQuotedString { text: &'a str },
}

/// A directive value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value<'a> {
    /// The value with quotes removed and escapes resolved. Empty for `name=` (no value).
    pub text: Cow<'a, str>,
    /// True when it was a quoted-string.
    pub quoted: bool,
}

/// One item between semicolons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item<'a> {
    /// Nothing between two semicolons (or after the last one).
    Empty,
    /// A directive. `raw` is its text as written, without surrounding whitespace.
    Directive {
        name: &'a str,
        value: Option<Value<'a>>,
        raw: &'a str,
    },
}

/// RFC 9110 tchar, as a table: the scanners run once per byte of every header.
static TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b as u8,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' |
            b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z');
        b += 1;
    }
    t
};

/// RFC 9110 tchar.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// Reads a 1*DIGIT delta-seconds value in one pass: `None` when `text` is empty or has a
/// non-digit; otherwise the value and whether it was saturated to [`crate::MAX_AGE_CAP`].
pub(crate) fn delta_seconds(text: &str) -> Option<(u64, bool)> {
    if text.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    let mut saturated = false;
    for b in text.bytes() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        if !saturated {
            n = n * 10 + u64::from(d);
            if n > crate::MAX_AGE_CAP {
                saturated = true;
                n = crate::MAX_AGE_CAP;
            }
        }
    }
    Some((n, saturated))
}

/// Undoes what a raw header line may still carry around a field value: a trailing
/// CR/LF (with any whitespace around it) is dropped, and an obsolete line fold (CRLF or
/// LF followed by SP/HTAB, RFC 9112 §5.2) becomes one space, as curl and Firefox accept
/// them. Any other CR or LF stays, so `max-age=1\r\nSet-Cookie: a` is still refused.
/// Borrows unless the value has a CR or LF.
pub(crate) fn unfold(value: &str) -> Cow<'_, str> {
    if !value.bytes().any(|b| b == b'\r' || b == b'\n') {
        return Cow::Borrowed(value);
    }
    let b = value.as_bytes();
    // The end without trailing line breaks and their surrounding whitespace.
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b'\r' | b'\n' | b' ' | b'\t') {
        end -= 1;
    }
    let mut out = String::with_capacity(end);
    let mut i = 0;
    while i < end {
        let fold = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'\r', Some(b'\n'), Some(b' ' | b'\t')) => Some(2),
            (b'\n', Some(b' ' | b'\t'), _) => Some(1),
            _ => None,
        };
        match fold {
            Some(len) => {
                out.push(' ');
                i += len;
            }
            None => {
                // Copy up to the next CR or LF (UTF-8 boundaries are safe: CR/LF are ASCII).
                let next = b[i + 1..end]
                    .iter()
                    .position(|&c| c == b'\r' || c == b'\n')
                    .map_or(end, |p| i + 1 + p);
                out.push_str(&value[i..next]);
                i = next;
            }
        }
    }
    Cow::Owned(out)
}

#[inline]
fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Iterator over the items of a directive list. After the first `Err` it yields nothing.
pub(crate) struct Directives<'a> {
    input: &'a str,
    pos: usize,
    /// True once the end is reached or an error returned.
    done: bool,
}

/// Tokenizes `input`. The caller handles the all-empty input (`""`, `"  "`) itself.
pub(crate) fn directives(input: &str) -> Directives<'_> {
    Directives {
        input,
        pos: 0,
        done: false,
    }
}

impl<'a> Directives<'a> {
    fn skip_ows(&mut self) {
        let b = self.input.as_bytes();
        while self.pos < b.len() && is_ows(b[self.pos]) {
            self.pos += 1;
        }
    }

    /// The character at byte offset `at` (for messages).
    fn char_at(&self, at: usize) -> char {
        self.input[at..].chars().next().unwrap_or('\0')
    }

    /// The rest of the current directive, up to the next `;` outside quotes or the end.
    fn rest_of_directive(&self, start: usize) -> &'a str {
        let b = self.input.as_bytes();
        let mut i = start;
        let mut in_quotes = false;
        while i < b.len() {
            match b[i] {
                b'\\' if in_quotes => i += 1,
                b'"' => in_quotes = !in_quotes,
                b';' if !in_quotes => break,
                _ => {}
            }
            i += 1;
        }
        self.input[start..i.min(b.len())].trim_end_matches([' ', '\t'])
    }

    fn fail(&mut self, err: SyntaxError<'a>) -> Option<Result<Item<'a>, SyntaxError<'a>>> {
        self.done = true;
        Some(Err(err))
    }

    /// A control or non-ASCII character at `at` becomes InvalidCharacter, anything
    /// else becomes `otherwise`.
    fn bad_byte(&self, at: usize, otherwise: SyntaxError<'a>) -> SyntaxError<'a> {
        let byte = self.input.as_bytes()[at];
        if byte >= 0x80 || (byte < 0x20 && byte != b'\t') || byte == 0x7f {
            SyntaxError::InvalidCharacter {
                at: self.char_at(at),
            }
        } else {
            otherwise
        }
    }

    fn quoted_string(&mut self, start: usize) -> Result<Value<'a>, SyntaxError<'a>> {
        // self.pos is at the opening quote.
        let b = self.input.as_bytes();
        let content_start = self.pos + 1;
        let mut i = content_start;
        let mut escaped = false;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    let raw = &self.input[content_start..i];
                    self.pos = i + 1;
                    let text = if escaped {
                        let mut s = String::with_capacity(raw.len());
                        let mut chars = raw.chars();
                        while let Some(c) = chars.next() {
                            if c == '\\' {
                                if let Some(n) = chars.next() {
                                    s.push(n);
                                }
                            } else {
                                s.push(c);
                            }
                        }
                        Cow::Owned(s)
                    } else {
                        Cow::Borrowed(raw)
                    };
                    return Ok(Value { text, quoted: true });
                }
                b'\\' => {
                    escaped = true;
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                    if i + 1 >= b.len() {
                        break;
                    }
                    let n = b[i + 1];
                    if (n < 0x20 && n != b'\t') || n == 0x7f {
                        return Err(SyntaxError::InvalidCharacter {
                            at: self.char_at(i + 1),
                        });
                    }
                    i += 2;
                }
                c if (c < 0x20 && c != b'\t') || c == 0x7f => {
                    return Err(SyntaxError::InvalidCharacter {
                        at: self.char_at(i),
                    });
                }
                _ => i += 1,
            }
        }
        Err(SyntaxError::UnterminatedQuotedString {
            text: self.rest_of_directive(start),
        })
    }
}

impl<'a> Iterator for Directives<'a> {
    type Item = Result<Item<'a>, SyntaxError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let b = self.input.as_bytes();
        self.skip_ows();
        if self.pos >= b.len() {
            // Reached only after a ';' (or for an empty input): one trailing empty item.
            self.done = true;
            return Some(Ok(Item::Empty));
        }
        if b[self.pos] == b';' {
            self.pos += 1;
            return Some(Ok(Item::Empty));
        }

        let start = self.pos;
        while self.pos < b.len() && is_tchar(b[self.pos]) {
            self.pos += 1;
        }
        if self.pos == start {
            let err = self.bad_byte(
                start,
                SyntaxError::InvalidDirectiveName {
                    text: self.rest_of_directive(start),
                },
            );
            return self.fail(err);
        }
        let name = &self.input[start..self.pos];
        // `end` is the end of the directive's text, before any trailing whitespace.
        let mut end = self.pos;
        self.skip_ows();

        let mut value = None;
        if self.pos < b.len() && b[self.pos] == b'=' {
            self.pos += 1;
            self.skip_ows();
            if self.pos < b.len() && b[self.pos] == b'"' {
                match self.quoted_string(start) {
                    Ok(v) => value = Some(v),
                    Err(e) => return self.fail(e),
                }
                end = self.pos;
            } else {
                let vstart = self.pos;
                while self.pos < b.len() && is_tchar(b[self.pos]) {
                    self.pos += 1;
                }
                value = Some(Value {
                    text: Cow::Borrowed(&self.input[vstart..self.pos]),
                    quoted: false,
                });
                end = self.pos;
            }
            self.skip_ows();
        }

        if self.pos < b.len() {
            if b[self.pos] == b';' {
                self.pos += 1;
            } else {
                let at = self.pos;
                let text = self.rest_of_directive(start);
                let otherwise = if value.is_some() {
                    SyntaxError::InvalidValue { text }
                } else {
                    SyntaxError::InvalidDirectiveName { text }
                };
                let err = self.bad_byte(at, otherwise);
                return self.fail(err);
            }
        } else {
            self.done = true;
        }
        let raw = &self.input[start..end];
        Some(Ok(Item::Directive { name, value, raw }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(s: &str) -> Vec<Result<Item<'_>, SyntaxError<'_>>> {
        directives(s).collect()
    }

    #[test]
    fn simple() {
        let v = items("max-age=1; includeSubDomains");
        assert_eq!(v.len(), 2);
        match &v[0] {
            Ok(Item::Directive { name, value, raw }) => {
                assert_eq!(*name, "max-age");
                assert_eq!(value.as_ref().unwrap().text, "1");
                assert_eq!(*raw, "max-age=1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trailing_semicolon_gives_empty() {
        let v = items("a;");
        assert_eq!(v.len(), 2);
        assert_eq!(v[1], Ok(Item::Empty));
    }

    #[test]
    fn quoted_with_escape_and_semicolon() {
        let v = items(r#"x = "a\"b;c" ; y"#);
        assert_eq!(v.len(), 2);
        match &v[0] {
            Ok(Item::Directive { value, .. }) => {
                let value = value.as_ref().unwrap();
                assert!(value.quoted);
                assert_eq!(value.text, "a\"b;c");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unfold_trailing_crlf_and_obs_fold() {
        assert!(matches!(unfold("max-age=1"), Cow::Borrowed("max-age=1")));
        assert_eq!(unfold("max-age=\"31536000\"\r\n"), "max-age=\"31536000\"");
        assert_eq!(unfold("max-age=1 \r\n "), "max-age=1");
        assert_eq!(
            unfold("max-age=1;\r\n includeSubDomains"),
            "max-age=1;  includeSubDomains"
        );
        assert_eq!(unfold("max-age=1;\n\tpreload"), "max-age=1; \tpreload");
        assert_eq!(unfold("\r\n max-age=1"), "  max-age=1");
        assert_eq!(
            unfold("max-age=1\r\nSet-Cookie: a=b"),
            "max-age=1\r\nSet-Cookie: a=b"
        );
        assert_eq!(unfold("\u{e9}\r\n\u{e9}\n"), "\u{e9}\r\n\u{e9}");
        assert_eq!(unfold("\r\n"), "");
    }

    #[test]
    fn errors() {
        assert!(matches!(
            items("max-age=1 2").last(),
            Some(Err(SyntaxError::InvalidValue { .. }))
        ));
        assert!(matches!(
            items("max-age=\"1").last(),
            Some(Err(SyntaxError::UnterminatedQuotedString { .. }))
        ));
        assert!(matches!(
            items("@x").last(),
            Some(Err(SyntaxError::InvalidDirectiveName { .. }))
        ));
        assert!(matches!(
            items("max-age=1\r\n").last(),
            Some(Err(SyntaxError::InvalidCharacter { at: '\r' }))
        ));
        assert!(matches!(
            items("préload").last(),
            Some(Err(SyntaxError::InvalidCharacter { at: 'é' }))
        ));
    }
}
