//! Scanning a `Set-Cookie` value: the name, the value and each attribute, as user agents read them.

use super::flag::Out;
use super::rules::SameSite;

// ---------------------------------------------------------------------------------------
// Attribute scanning
// ---------------------------------------------------------------------------------------

/// A control character as RFC 5234 defines CTL, except HTAB.
pub(crate) const fn is_ctl(b: u8) -> bool {
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

/// `a..z` without the spaces and tabs at either end.
#[inline]
fn trim_range(b: &[u8], mut a: usize, mut z: usize) -> (usize, usize) {
    while a < z && is_wsp(b[a]) {
        a += 1;
    }
    while z > a && is_wsp(b[z - 1]) {
        z -= 1;
    }
    (a, z)
}

// The byte classes of the one pass over a value ([`Scan::new`]): most bytes are `PLAIN`.
const PLAIN: u8 = 0;
const CTL: u8 = 1;
const SEMICOLON: u8 = 2;
const EQUALS: u8 = 3;

/// The class of every byte: a control character (CTL but HTAB), `;`, `=` or plain.
static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        if is_ctl(i as u8) {
            t[i] = CTL;
        }
        i += 1;
    }
    t[b';' as usize] = SEMICOLON;
    t[b'=' as usize] = EQUALS;
    t
};

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
/// end), where its name ends, and its first `=` if it has one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) name_end: usize,
    pub(crate) eq: Option<usize>,
    pub(crate) kind: Kind,
}

impl Attr {
    /// The attribute whose segment is `b[start..end]` (`b[start]` is its `;`), with its
    /// first `=` at `eq`.
    #[inline]
    fn at(b: &[u8], start: usize, end: usize, eq: Option<usize>) -> Attr {
        let (name_start, name_end) = trim_range(b, start + 1, eq.unwrap_or(end));
        Attr {
            start,
            end,
            name_end,
            eq,
            kind: Kind::of(&b[name_start..name_end]),
        }
    }

    /// The byte range of the value without surrounding whitespace, if it has `=` (found
    /// only when asked: most attributes' values are never read).
    fn value(self, s: &str) -> Option<(usize, usize)> {
        self.eq.map(|i| trim_range(s.as_bytes(), i + 1, self.end))
    }

    /// The value without surrounding whitespace; empty without `=`.
    pub(crate) fn value_text(self, s: &str) -> &str {
        self.value(s).map_or("", |(a, b)| &s[a..b])
    }

    /// Writes the segment with its value replaced by `value` (or `=value` inserted after
    /// the name when it had none), keeping the rest of the segment as written.
    pub(crate) fn put_with_value(self, s: &str, value: &str, out: &mut impl Out) {
        match self.value(s) {
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

    fn next(&mut self) -> Option<Attr> {
        let b = self.s.as_bytes();
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        let end = find_byte(b, start + 1, b';');
        let eq = b[start + 1..end]
            .iter()
            .position(|&c| c == b'=')
            .map(|i| start + 1 + i);
        self.pos = end;
        Some(Attr::at(b, start, end, eq))
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

/// What one pass over a whole value found: where the name-value pair ends and its `=`,
/// the first control character, and the attributes that count.
#[derive(Debug, Default)]
pub(crate) struct Scan<'s> {
    /// The end of the name-value pair (its `;`, or the length).
    pub(crate) nv_end: usize,
    /// The name-value pair's first `=`.
    pub(crate) nv_eq: Option<usize>,
    /// The first control character (CTL but HTAB).
    pub(crate) ctl: Option<usize>,
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
    /// Reads `s` once, byte by byte: each byte's class comes from one table, so the control
    /// characters, the `;` that end the name-value pair and each attribute, and each
    /// segment's first `=` are found in the same pass (the flagger's cost is mostly this).
    pub(crate) fn new(s: &'s str) -> Scan<'s> {
        let b = s.as_bytes();
        let mut scan = Scan {
            nv_end: b.len(),
            ..Scan::default()
        };
        // The current attribute's `;`; None while in the name-value pair.
        let mut segment: Option<usize> = None;
        let mut eq: Option<usize> = None;
        for (i, &c) in b.iter().enumerate() {
            match CLASS[usize::from(c)] {
                PLAIN => {}
                SEMICOLON => {
                    match segment {
                        None => {
                            scan.nv_end = i;
                            scan.nv_eq = eq;
                        }
                        Some(start) => scan.add(s, Attr::at(b, start, i, eq)),
                    }
                    segment = Some(i);
                    eq = None;
                }
                EQUALS => {
                    if eq.is_none() {
                        eq = Some(i);
                    }
                }
                _ => {
                    if scan.ctl.is_none() {
                        scan.ctl = Some(i);
                    }
                }
            }
        }
        match segment {
            None => scan.nv_eq = eq,
            Some(start) => scan.add(s, Attr::at(b, start, b.len(), eq)),
        }
        scan
    }

    #[inline]
    fn add(&mut self, s: &'s str, a: Attr) {
        match a.kind {
            Kind::Secure => self.secure += 1,
            Kind::HttpOnly => self.http_only += 1,
            Kind::SameSite => {
                self.same_site += 1;
                self.first_same_site.get_or_insert(a);
                self.last_same_site = a.value_text(s);
            }
            Kind::Path => {
                self.path += 1;
                self.last_path = a.value_text(s);
            }
            Kind::Domain => self.domain += 1,
            Kind::Other => {}
        }
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
        let scan = Scan::new(set_cookie);
        let name = scan.nv_eq.map_or("", |eq| trim_wsp(&set_cookie[..eq]));
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
