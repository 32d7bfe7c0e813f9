//! The HSTS preload list: Chromium's list compiled at build time into a compact automaton
//! (a DAFSA) over reversed host names and embedded in the binary, or a newer list compiled
//! at run time.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::compile::{
    self, fnv1a, CompileError, HEADER_LEN, INFO, I_FINAL, I_IMPLICIT, K_JUMP, K_LISTED, K_MASK,
    K_TERM, K_WIDE, MAGIC, SYMBOLS,
};
use super::host::{normalize, Norm};
use super::time::ListDate;
use crate::issue::Code;
use crate::Error;

/// The embedded list, compiled by `build.rs` from `data/hsts_preload.json`.
static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hsts_preload.bin"));

/// The bytes behind a list: the embedded static bytes or a loaded copy.
#[derive(Clone)]
enum ListBytes {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl ListBytes {
    fn whole(&self) -> &[u8] {
        match self {
            ListBytes::Static(b) => b,
            ListBytes::Shared(b) => b,
        }
    }
}

/// An HSTS preload list, ready for lookups: a minimal acyclic automaton (DAFSA) over host
/// names read backwards (labels in reverse order), in a compact byte encoding (documented
/// in `src/ua/compile.rs`). Lookups walk it once over the host's bytes from the last to
/// the first and allocate nothing for a host in canonical form.
///
/// [`PreloadList::embedded`] is the list built into this library (Chromium's list; see
/// [`PreloadList::date`]). A newer list in Chromium's JSON format can be compiled with
/// [`PreloadList::from_json`] (or `hstsguard preload compile`) and loaded with
/// [`PreloadList::from_file`]. Only entries with `mode: "force-https"` are kept.
///
/// Cloning is cheap (the bytes are shared).
///
/// ```
/// use hstsguard::ua::PreloadList;
///
/// let list = PreloadList::embedded();
/// let m = list.lookup("gist.github.com").unwrap().expect("github.com is preloaded");
/// assert_eq!(m.entry(), "github.com");
/// assert!(m.include_subdomains());
/// assert!(list.lookup("example.com").unwrap().is_none());
/// assert_eq!(list.date().to_string(), "2025-01-01");
/// ```
#[derive(Clone)]
pub struct PreloadList {
    bytes: ListBytes,
    date: ListDate,
    entries: u32,
}

impl fmt::Debug for PreloadList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreloadList")
            .field("date", &self.date.to_string())
            .field("entries", &self.entries)
            .field("bytes", &self.size_bytes())
            .finish()
    }
}

/// A preload list entry that matched a host: the host itself (congruent) or a
/// superdomain whose entry has `include_subdomains`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PreloadMatch<'h> {
    entry: Cow<'h, str>,
    include_subdomains: bool,
    exact: bool,
}

impl<'h> PreloadMatch<'h> {
    /// The name of the matching entry (the host or one of its superdomains), normalised.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// Whether the entry has `include_subdomains`.
    pub fn include_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// True when the entry is the host itself (a congruent match).
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// The same match, owning its entry name.
    pub fn into_owned(self) -> PreloadMatch<'static> {
        PreloadMatch {
            entry: Cow::Owned(self.entry.into_owned()),
            include_subdomains: self.include_subdomains,
            exact: self.exact,
        }
    }
}

fn invalid_compiled(origin: &str, reason: impl Into<String>) -> Error {
    Error::PreloadList {
        origin: origin.to_owned(),
        code: Code::UaPreloadInvalidCompiled,
        reason: reason.into(),
    }
}

/// What [`PreloadList::from_json`] compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompileSummary {
    /// `force-https` entries in the compiled list.
    pub entries: usize,
    /// Entries left out because their mode is not `force-https`.
    pub not_force_https: usize,
    /// Entries left out because their name is not a host name (or is an IP address).
    pub invalid_names: usize,
    /// Names listed more than once (merged).
    pub duplicates: usize,
}

impl PreloadList {
    /// The list embedded in this build (Chromium's list as of [`PreloadList::date`]).
    pub fn embedded() -> &'static PreloadList {
        static LIST: OnceLock<PreloadList> = OnceLock::new();
        LIST.get_or_init(|| {
            // The bytes were produced by build.rs with the same compiler; failure here
            // would be a build bug, and the tests load the list.
            PreloadList::parse(ListBytes::Static(EMBEDDED), "<embedded>", false)
                .unwrap_or_else(|e| panic!("the embedded preload list is corrupt: {e}"))
        })
    }

    /// Loads a compiled list (the bytes [`PreloadList::to_bytes`] or `hstsguard preload
    /// compile` wrote). The bytes are checked: magic, header and checksum;
    /// [`Code::UaPreloadInvalidCompiled`] otherwise.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<PreloadList, Error> {
        PreloadList::parse(ListBytes::Shared(bytes.into()), "<bytes>", true)
    }

    /// Loads a compiled list from a file ([`Code::UaStoreIo`] when it cannot be read,
    /// [`Code::UaPreloadInvalidCompiled`] when it is not a compiled list).
    pub fn from_file(path: impl AsRef<Path>) -> Result<PreloadList, Error> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::PreloadList {
            origin: origin.clone(),
            code: Code::UaStoreIo,
            reason: e.to_string(),
        })?;
        PreloadList::parse(ListBytes::Shared(bytes.into()), &origin, true)
    }

    /// Compiles a list in Chromium's JSON format (`//` comment lines allowed; entries as
    /// objects with `name`, `mode`, `include_subdomains`, or as `[name,
    /// include_subdomains, mode]` arrays) with the given date, into the same structure
    /// as the embedded list. [`Code::UaPreloadInvalidList`] when the text is not such a
    /// list.
    ///
    /// ```
    /// use hstsguard::ua::PreloadList;
    ///
    /// let json = r#"{
    ///   // a comment line, as in Chromium's file
    ///   "entries": [
    ///     {"name": "example.org", "policy": "custom", "mode": "force-https", "include_subdomains": true},
    ///     {"name": "pinned.example", "policy": "custom", "include_subdomains": true}
    ///   ]
    /// }"#;
    /// let (list, summary) = PreloadList::from_json(json, "2026-11-01".parse().unwrap()).unwrap();
    /// assert_eq!((summary.entries, summary.not_force_https), (1, 1));
    /// assert_eq!(list.lookup("a.example.org").unwrap().unwrap().entry(), "example.org");
    /// assert!(list.lookup("pinned.example").unwrap().is_none());
    /// let again = PreloadList::from_bytes(list.to_bytes()).unwrap();
    /// assert_eq!(again.len(), 1);
    /// ```
    pub fn from_json(text: &str, date: ListDate) -> Result<(PreloadList, CompileSummary), Error> {
        let to_err = |e: CompileError| Error::PreloadList {
            origin: "<json>".to_owned(),
            code: match e {
                CompileError::TooLarge(_) => Code::UaPreloadInvalidCompiled,
                _ => Code::UaPreloadInvalidList,
            },
            reason: e.to_string(),
        };
        let (entries, mut stats) = compile::parse_list(text).map_err(to_err)?;
        let bytes = compile::compile(&entries, date.epoch_days(), &mut stats).map_err(to_err)?;
        let list = PreloadList::parse(ListBytes::Shared(bytes.into()), "<json>", false)?;
        Ok((
            list,
            CompileSummary {
                entries: stats.entries,
                not_force_https: stats.not_force_https,
                invalid_names: stats.invalid_names,
                duplicates: stats.duplicates,
            },
        ))
    }

    fn parse(bytes: ListBytes, origin: &str, verify: bool) -> Result<PreloadList, Error> {
        let whole = bytes.whole();
        if whole.len() < HEADER_LEN || &whole[..8] != MAGIC {
            return Err(invalid_compiled(
                origin,
                "it does not start with the magic bytes of a compiled hstsguard preload list",
            ));
        }
        let word = |at: usize| {
            u32::from_le_bytes([whole[at], whole[at + 1], whole[at + 2], whole[at + 3]])
        };
        let (date, entries) = (word(8), word(12));
        let checksum = u64::from(word(16)) | (u64::from(word(20)) << 32);
        if whole.len() == HEADER_LEN {
            return Err(invalid_compiled(origin, "the automaton is empty"));
        }
        if verify && fnv1a(&whole[HEADER_LEN..]) != checksum {
            return Err(invalid_compiled(
                origin,
                "the checksum does not match (the file is truncated or corrupt)",
            ));
        }
        Ok(PreloadList {
            bytes,
            date: ListDate::from_epoch_days(date),
            entries,
        })
    }

    /// The compiled form (what [`PreloadList::from_bytes`] reads).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.whole().to_vec()
    }

    /// The date of the list (for the embedded list: the date of the Chromium snapshot).
    pub fn date(&self) -> ListDate {
        self.date
    }

    /// How old the list is at `now` (seconds since the epoch), in seconds; 0 when `now`
    /// is before the list's date.
    pub fn age_seconds(&self, now: u64) -> u64 {
        now.saturating_sub(self.date.epoch_seconds())
    }

    /// True when the list is older than `max_age_seconds` at `now`. Chromium stops
    /// using its built-in list 70 days after the build, Firefox 18 weeks after
    /// generation; hstsguard uses the list whatever its age unless the caller sets a
    /// maximum ([`super::KnownHostsOptions::preload_max_age`]).
    pub fn is_stale(&self, now: u64, max_age_seconds: u64) -> bool {
        self.age_seconds(now) > max_age_seconds
    }

    /// The number of `force-https` entries.
    pub fn len(&self) -> usize {
        self.entries as usize
    }

    /// True when the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The size of the compiled list in bytes (header and automaton).
    pub fn size_bytes(&self) -> usize {
        self.bytes.whole().len()
    }

    /// The most specific entry for `host` or a superdomain that counts: the host itself,
    /// or a superdomain whose entry has `include_subdomains`. The host is normalised
    /// first (lower-case, IDNA to A-labels, one trailing dot removed); an IP literal
    /// never matches. A single-label host (`app`, `dev`, an intranet name) does not match
    /// a TLD entry: see [`PreloadList::lookup_with`] to opt in.
    ///
    /// Allocates nothing for a host in canonical form (lower-case ASCII).
    pub fn lookup<'h>(&self, host: &'h str) -> Result<Option<PreloadMatch<'h>>, Error> {
        self.lookup_with(host, false)
    }

    /// [`PreloadList::lookup`], where `allow_single_label` lets a single-label host
    /// match its own TLD entry (`dev` matching the entry `dev`).
    ///
    /// ```
    /// use hstsguard::ua::PreloadList;
    /// let list = PreloadList::embedded();
    /// assert!(list.lookup("app").unwrap().is_none());
    /// assert_eq!(list.lookup_with("app", true).unwrap().unwrap().entry(), "app");
    /// assert_eq!(list.lookup("my.app").unwrap().unwrap().entry(), "app");
    /// ```
    pub fn lookup_with<'h>(
        &self,
        host: &'h str,
        allow_single_label: bool,
    ) -> Result<Option<PreloadMatch<'h>>, Error> {
        // Hosts already in canonical form skip the general normaliser (same result).
        let name = match canonical(host) {
            Some(n) => Cow::Borrowed(n),
            None => match normalize(host)? {
                Norm::Ip => return Ok(None),
                Norm::Name(n) => n,
            },
        };
        let Some((start, include_subdomains)) = self.find(&name, allow_single_label) else {
            return Ok(None);
        };
        let entry = match name {
            Cow::Borrowed(s) => Cow::Borrowed(&s[start..]),
            Cow::Owned(mut s) => {
                s.drain(..start);
                Cow::Owned(s)
            }
        };
        Ok(Some(PreloadMatch {
            entry,
            include_subdomains,
            exact: start == 0,
        }))
    }

    /// True when the list has an entry for exactly this canonical name.
    pub(crate) fn has_entry(&self, name: &str) -> bool {
        matches!(self.find(name, true), Some((0, _)))
    }

    /// The walk: returns the byte offset in `name` of the most specific matching entry
    /// and its include_subdomains flag. `name` is canonical.
    pub(crate) fn find(&self, name: &str, allow_single_label: bool) -> Option<(usize, bool)> {
        let dafsa = &self.bytes.whole()[HEADER_LEN..];
        let name = name.as_bytes();
        // The root; the key is the name read backwards.
        let mut at = 1usize;
        let mut best = None;
        let mut dotted = false;
        for (i, &c) in name.iter().enumerate().rev() {
            match step(dafsa, at, c) {
                Some(next) => at = next,
                None => return best,
            }
            if c == b'.' {
                // A superdomain counts only with include_subdomains: key `rev.`.
                dotted = true;
                if is_final(dafsa, at) {
                    best = Some((i + 1, true));
                }
            }
        }
        if !dotted && !allow_single_label {
            // A single-label host: never matches a TLD entry without opt-in.
            return best;
        }
        // The entry for the host itself: `rev` (no include_subdomains) or `rev.`.
        if is_final(dafsa, at) {
            return Some((0, false));
        }
        if step(dafsa, at, b'.').is_some_and(|n| is_final(dafsa, n)) {
            return Some((0, true));
        }
        best
    }
}

/// `host` itself when it is already a canonical name that the normaliser would return
/// unchanged (lower-case letters, digits, `-`, `_`, labels of 1 to 63 octets, at most
/// 253 octets, one trailing dot removed, a last label that does not start with a
/// digit); `None` sends the host to the general normaliser.
#[inline]
fn canonical(host: &str) -> Option<&str> {
    let bytes = host.as_bytes();
    let len = match bytes.last() {
        Some(b'.') => bytes.len() - 1,
        _ => bytes.len(),
    };
    let name = host.get(..len)?;
    if len == 0 || len > 253 {
        return None;
    }
    let mut label = 0usize;
    let mut last = 0usize;
    for (i, &b) in name.as_bytes().iter().enumerate() {
        match HOST_BYTE[usize::from(b)] {
            LABEL_BYTE => label += 1,
            DOT_BYTE if label > 0 && label <= 63 => {
                label = 0;
                last = i + 1;
            }
            _ => return None,
        }
    }
    // A numeric last label (an IPv4 address) is the normaliser's case.
    if label == 0 || label > 63 || name.as_bytes().get(last)?.is_ascii_digit() {
        return None;
    }
    Some(name)
}

/// [`HOST_BYTE`]: a letter, digit, `-` or `_`.
const LABEL_BYTE: u8 = 1;
/// [`HOST_BYTE`]: a dot.
const DOT_BYTE: u8 = 2;
/// The class of every byte in a canonical host name (0 for the others).
static HOST_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => LABEL_BYTE,
            b'.' => DOT_BYTE,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Whether the node at `at` is final.
#[inline]
pub(crate) fn is_final(dafsa: &[u8], at: usize) -> bool {
    dafsa
        .get(at)
        .is_some_and(|&h| INFO[usize::from(h)] & I_FINAL != 0)
}

/// Eight bytes at `at`, little endian (the padding after the automaton makes them
/// available at every node of a well-formed list).
#[inline(always)]
fn word(dafsa: &[u8], at: usize) -> Option<u64> {
    let b = dafsa.get(at..at + 8)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

/// The target of the variable offset at `k` (format in `compile.rs`).
#[inline(always)]
fn offset(dafsa: &[u8], k: usize) -> Option<usize> {
    let b = dafsa.get(k..k + 4)?;
    let v = u32::from_be_bytes(b.try_into().ok()?);
    Some(match v >> 30 {
        0 | 1 => k + (v >> 24) as usize,
        2 => k + (v >> 16 & 0x3fff) as usize,
        _ => (v >> 8 & 0x3f_ffff) as usize,
    })
}

/// The byte length of a variable offset, from the top two bits of its first byte.
const OFFSET_LEN: [u8; 4] = [1, 1, 2, 3];

/// The node reached from the node at `at` on the symbol `c`. Every access is
/// bounds-checked, so a corrupt automaton gives wrong answers, never a panic; every
/// step consumes one input byte, so a walk always ends.
#[inline(always)]
pub(crate) fn step(dafsa: &[u8], at: usize, c: u8) -> Option<usize> {
    let h = *dafsa.get(at)?;
    if h == c {
        // A chain byte.
        return Some(at + 1);
    }
    let info = INFO[usize::from(h)];
    match info & K_MASK {
        K_TERM => (info as u8 == c).then_some(0),
        K_JUMP if info as u8 == c => offset(dafsa, at + 1),
        K_LISTED => {
            let n = (info & 0xf) as usize;
            // Compare the (up to 8) labels at once: the first zero byte of `x`.
            let x = word(dafsa, at + 1)? ^ (0x0101_0101_0101_0101u64 * u64::from(c));
            let zero = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
            let hit = zero & (u64::MAX >> (64 - 8 * n));
            if hit == 0 {
                return None;
            }
            let i = (hit.trailing_zeros() / 8) as usize;
            let mut k = at + 1 + n;
            for _ in 0..i {
                k += usize::from(OFFSET_LEN[usize::from(*dafsa.get(k)? >> 6)]);
            }
            if info & I_IMPLICIT != 0 && i == n - 1 {
                return Some(k);
            }
            offset(dafsa, k)
        }
        K_WIDE => {
            let w = (info >> 12 & 3) as usize;
            let bitmap = word(dafsa, at + 1)? & 0xff_ffff_ffff;
            let s = u32::from(SYMBOLS[usize::from(c)]);
            if s >= 40 || bitmap >> s & 1 == 0 {
                return None;
            }
            let rank = (bitmap & ((1u64 << s) - 1)).count_ones() as usize;
            let k = at + 6 + rank * w;
            let v = u32::from_le_bytes(dafsa.get(k..k + 4)?.try_into().ok()?);
            let shift = 32 - 8 * w as u32;
            let delta = ((v << shift) as i32) >> shift;
            at.checked_add_signed(delta as isize)
        }
        _ => None,
    }
}

/// Looks `host` up in the embedded list ([`PreloadList::lookup`] on
/// [`PreloadList::embedded`]).
///
/// ```
/// let m = hstsguard::ua::preload_lookup("accounts.google.com").unwrap();
/// assert!(m.is_some());
/// ```
pub fn preload_lookup(host: &str) -> Result<Option<PreloadMatch<'_>>, Error> {
    PreloadList::embedded().lookup(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(json: &str) -> PreloadList {
        PreloadList::from_json(json, "2026-01-01".parse().unwrap())
            .unwrap()
            .0
    }

    #[test]
    fn walk_finds_every_boundary() {
        let l = list(
            r#"{"entries": [["com", false, "force-https"], ["example.com", true, "force-https"],
            ["a.b.example.com", false, "force-https"], ["x.a.b.example.com", true, "force-https"],
            ["dev", true, "force-https"], ["nosub.org", false, "force-https"]]}"#,
        );
        let find = |h: &str| {
            l.lookup(h)
                .unwrap()
                .map(|m| (m.entry().to_owned(), m.include_subdomains()))
        };
        assert_eq!(find("example.com"), Some(("example.com".into(), true)));
        assert_eq!(find("b.example.com"), Some(("example.com".into(), true)));
        assert_eq!(
            find("a.b.example.com"),
            Some(("a.b.example.com".into(), false))
        );
        assert_eq!(
            find("z.a.b.example.com"),
            Some(("example.com".into(), true))
        );
        assert_eq!(
            find("y.x.a.b.example.com"),
            Some(("x.a.b.example.com".into(), true))
        );
        assert_eq!(find("EXAMPLE.COM."), Some(("example.com".into(), true)));
        assert_eq!(find("nosub.org"), Some(("nosub.org".into(), false)));
        assert_eq!(find("a.nosub.org"), None);
        assert_eq!(find("com"), None);
        assert_eq!(find("other.com"), None);
        assert_eq!(find("dev"), None);
        assert_eq!(find("my.dev"), Some(("dev".into(), true)));
        assert_eq!(find("xexample.com"), None);
        assert_eq!(find("127.0.0.1"), None);
        assert!(l.lookup_with("com", true).unwrap().is_some());
        assert!(l.has_entry("a.b.example.com"));
        assert!(!l.has_entry("b.example.com"));
    }

    #[test]
    fn the_fast_path_agrees_with_the_normaliser() {
        let long_label = "a".repeat(63);
        let too_long_label = "a".repeat(64);
        let long_name = format!("{}example.com", "a.".repeat(120));
        let too_long_name = format!("{}example.com", "a.".repeat(125));
        let cases = [
            "example.com",
            "example.com.",
            "example.com..",
            ".example.com",
            "a..b",
            "",
            ".",
            "EXAMPLE.com",
            "ex_ample.com",
            "-a-.b",
            "1.2.3.4",
            "1.2.3.4.",
            "a.0x1f",
            "a.1b",
            "app",
            "app.",
            "xn--bcher-kva.de",
            "bücher.de",
            "a b.com",
            "a/b",
            &long_label,
            &too_long_label,
            &long_name,
            &too_long_name,
        ];
        for host in cases {
            let slow = match normalize(host) {
                Ok(Norm::Name(n)) => Ok(Some(n.into_owned())),
                Ok(Norm::Ip) => Ok(None),
                Err(e) => Err(e.code()),
            };
            if let Some(fast) = canonical(host) {
                assert_eq!(Ok(Some(fast.to_owned())), slow, "{host:?}");
            }
        }
        assert_eq!(canonical("www.example.com."), Some("www.example.com"));
        assert_eq!(canonical(&long_name), Some(long_name.as_str()));
        assert_eq!(canonical("1.2.3.4"), None);
    }

    #[test]
    fn corrupt_bytes_are_refused() {
        let l = list(r#"{"entries": [["example.com", true, "force-https"]]}"#);
        let mut bytes = l.to_bytes();
        let n = bytes.len();
        bytes[n - 6] ^= 0xff;
        assert_eq!(
            PreloadList::from_bytes(bytes).unwrap_err().code(),
            "ua.preload.invalid_compiled"
        );
        assert_eq!(
            PreloadList::from_bytes(b"nope".to_vec())
                .unwrap_err()
                .code(),
            "ua.preload.invalid_compiled"
        );
        assert_eq!(
            PreloadList::from_json("{", "2026-01-01".parse().unwrap())
                .unwrap_err()
                .code(),
            "ua.preload.invalid_list"
        );
    }
}
