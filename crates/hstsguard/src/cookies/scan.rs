//! Scanning a `Set-Cookie` value: the name, the value and each attribute, as user agents read them.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------
// Attribute scanning
// ---------------------------------------------------------------------------------------

/// A control character as RFC 5234 defines CTL, except HTAB.
pub(crate) fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

pub(crate) fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

pub(crate) fn trim_wsp(s: &str) -> &str {
    s.trim_matches(is_wsp)
}

/// The attributes the flagger knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
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
pub(crate) struct Attr {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) name_end: usize,
    pub(crate) value: Option<(usize, usize)>,
    pub(crate) kind: Kind,
}

impl Attr {
    /// The value without surrounding whitespace; empty without `=`.
    pub(crate) fn value_text(self, s: &str) -> &str {
        self.value.map_or("", |(a, b)| &s[a..b])
    }

    /// Writes the segment with its value replaced by `value` (or `=value` inserted after
    /// the name when it had none), keeping the rest of the segment as written.
    pub(crate) fn push_with_value(self, s: &str, value: &str, out: &mut String) {
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
pub(crate) struct Attrs<'s> {
    pub(crate) s: &'s str,
    pub(crate) pos: usize,
}

impl<'s> Attrs<'s> {
    pub(crate) fn new(s: &'s str, nv_end: usize) -> Attrs<'s> {
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
pub(crate) struct Scan<'s> {
    pub(crate) secure: u32,
    pub(crate) http_only: u32,
    pub(crate) same_site: u32,
    pub(crate) path: u32,
    pub(crate) domain: u32,
    pub(crate) first_same_site: Option<Attr>,
    /// The last `SameSite` value (the one user agents use).
    pub(crate) last_same_site: &'s str,
    /// The last `Path` value (the one user agents use).
    pub(crate) last_path: &'s str,
}

impl<'s> Scan<'s> {
    pub(crate) fn new(s: &'s str, nv_end: usize) -> Scan<'s> {
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
