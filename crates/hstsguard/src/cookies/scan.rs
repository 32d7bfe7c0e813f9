//! Scanning a `Set-Cookie` value: the name, the value and each attribute, as user agents read them.

use super::flag::Out;
use super::rules::SameSite;

// ---------------------------------------------------------------------------------------
// Attribute scanning
// ---------------------------------------------------------------------------------------

/// A control character as RFC 5234 defines CTL, except HTAB.
pub(crate) fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// A space or a tab.
#[inline]
pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without spaces and tabs around it.
#[inline]
pub(crate) fn trim_wsp(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().take_while(|&&c| is_wsp(c)).count();
    let end = b.len() - b[start..].iter().rev().take_while(|&&c| is_wsp(c)).count();
    &s[start..end]
}

/// `s` without spaces and tabs at its end.
#[inline]
pub(crate) fn trim_end_wsp(s: &str) -> &str {
    let b = s.as_bytes();
    &s[..b.len() - b.iter().rev().take_while(|&&c| is_wsp(c)).count()]
}

/// The position of the first `byte` at or after `from`, or the length.
#[inline]
pub(crate) fn find_byte(b: &[u8], from: usize, byte: u8) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == byte)
        .map_or(b.len(), |i| from + i)
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
    pub(crate) fn put_with_value(self, s: &str, value: &str, out: &mut impl Out) {
        match self.value {
            Some((a, b)) => {
                out.put(&s[self.start..a]);
                out.put(value);
                out.put(&s[b..self.end]);
            }
            None => {
                out.put(&s[self.start..self.name_end]);
                out.put("=");
                out.put(value);
                out.put(&s[self.name_end..self.end]);
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

    #[inline]
    fn next(&mut self) -> Option<Attr> {
        let s = self.s;
        let b = s.as_bytes();
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        let body = start + 1;
        // One pass to the next `;`, noting the first `=`.
        let mut end = body;
        let mut eq = None;
        while end < b.len() && b[end] != b';' {
            if b[end] == b'=' && eq.is_none() {
                eq = Some(end);
            }
            end += 1;
        }
        self.pos = end;
        let name_part_end = eq.unwrap_or(end);
        let value = eq.map(|i| {
            let raw = &s[i + 1..end];
            let lead = raw.bytes().take_while(|&c| is_wsp(c)).count();
            let a = i + 1 + lead;
            (a, a + trim_wsp(raw).len())
        });
        let name_part = &s[body..name_part_end];
        let lead = b[body..name_part_end]
            .iter()
            .take_while(|&&c| is_wsp(c))
            .count();
        let name = trim_wsp(name_part);
        let name_end = body + lead + name.len();
        Some(Attr {
            start,
            end,
            name_end,
            value,
            kind: Kind::of(name.as_bytes()),
        })
    }
}

impl Kind {
    /// The kind of an attribute by its name (ASCII case-insensitive).
    #[inline]
    fn of(name: &[u8]) -> Kind {
        match name.len() {
            4 if name.eq_ignore_ascii_case(b"path") => Kind::Path,
            6 if name.eq_ignore_ascii_case(b"secure") => Kind::Secure,
            6 if name.eq_ignore_ascii_case(b"domain") => Kind::Domain,
            8 if name.eq_ignore_ascii_case(b"httponly") => Kind::HttpOnly,
            8 if name.eq_ignore_ascii_case(b"samesite") => Kind::SameSite,
            _ => Kind::Other,
        }
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
