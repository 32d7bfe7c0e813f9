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

/// What a `Set-Cookie` value says, read as user agents read it (RFC 6265bis §5.6): the
/// cookie's name, and the attributes that count (for `SameSite` and `Path`, the last one).
///
/// ```
/// use hstsguard::cookies::{CookieAttributes, SameSite};
/// let a = CookieAttributes::of("sid=1; Path=/a; secure; SameSite=none; samesite=Lax; Domain=example.com");
/// assert_eq!(a.name, "sid");
/// assert!(a.secure && !a.http_only && a.domain);
/// assert_eq!(a.same_site, Some(SameSite::Lax));
/// assert_eq!(a.path, Some("/a"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieAttributes<'a> {
    /// The cookie name (empty for a nameless cookie).
    pub name: &'a str,
    /// `Secure` is present.
    pub secure: bool,
    /// `HttpOnly` is present.
    pub http_only: bool,
    /// The last `SameSite` value, when it is one user agents know.
    pub same_site: Option<SameSite>,
    /// The last `Path` value.
    pub path: Option<&'a str>,
    /// A `Domain` attribute is present.
    pub domain: bool,
}

impl<'a> CookieAttributes<'a> {
    /// Reads a `Set-Cookie` value (without `Set-Cookie:`).
    pub fn of(set_cookie: &'a str) -> CookieAttributes<'a> {
        let nv_end = set_cookie.find(';').unwrap_or(set_cookie.len());
        let nv = &set_cookie[..nv_end];
        let name = nv.find('=').map_or("", |eq| trim_wsp(&nv[..eq]));
        let scan = Scan::new(set_cookie, nv_end);
        CookieAttributes {
            name,
            secure: scan.secure > 0,
            http_only: scan.http_only > 0,
            same_site: (scan.same_site > 0)
                .then(|| SameSite::of_attribute(scan.last_same_site))
                .flatten(),
            path: (scan.path > 0).then_some(scan.last_path),
            domain: scan.domain > 0,
        }
    }
}
