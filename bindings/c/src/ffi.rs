//! Plain data shared by every module: string views, issues, and the helpers that read
//! C arguments and write C outputs.

use std::ffi::c_char;

use hsg::{Issue, Severity};

use crate::result::{code_cstr, hstsguard_result};

/// A borrowed string view: `len` bytes at `data`, not NUL-terminated.
///
/// As an input, `data` may be NULL only when `len` is 0 (an empty string), unless the
/// field's documentation gives NULL a meaning (such as "absent"). As an output it is a
/// view into memory owned by hstsguard, valid as long as its owner (documented at each
/// use); `data` is NULL when the value is absent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_str {
    /// The first byte, or NULL.
    pub data: *const c_char,
    /// The number of bytes.
    pub len: usize,
}

impl hstsguard_str {
    /// The absent view (NULL, 0).
    pub(crate) const NONE: hstsguard_str = hstsguard_str {
        data: std::ptr::null(),
        len: 0,
    };

    /// A view of `s` (which must outlive the view's use in C).
    pub(crate) fn of(s: &str) -> hstsguard_str {
        hstsguard_str {
            data: s.as_ptr().cast(),
            len: s.len(),
        }
    }

    /// The bytes of an input view; NULL with a non-zero length is an error.
    ///
    /// # Safety
    /// `data` must point to `len` readable bytes that stay valid for `'a`.
    pub(crate) unsafe fn bytes<'a>(self) -> Result<&'a [u8], hstsguard_result> {
        // SAFETY: forwarded to the caller.
        unsafe { bytes(self.data, self.len) }
    }
}

/// One request header field, as two views.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_header {
    /// The field name (compared ASCII case-insensitively).
    pub name: hstsguard_str,
    /// The field value. A field whose value is not UTF-8 is ignored.
    pub value: hstsguard_str,
}

/// How bad an issue is.
///
/// cbindgen:prefix-with-name
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hstsguard_severity {
    /// Not an issue (only in zeroed structs).
    None = 0,
    /// Worth knowing; the value is still usable.
    Warning = 1,
    /// The value is void (parsers) or the requirement unmet (audits, cookie prefixes).
    Error = 2,
}

/// One diagnostic: a stable code and a severity. Messages are not part of the C API
/// (they are for humans and may change); the codes are documented in docs/CODES.md.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_issue {
    /// The stable code, e.g. `"header.parse.max_age.missing"`: a static NUL-terminated
    /// string, never freed.
    pub code: *const c_char,
    /// `HSTSGUARD_SEVERITY_WARNING` or `HSTSGUARD_SEVERITY_ERROR`.
    pub severity: hstsguard_severity,
}

impl hstsguard_issue {
    pub(crate) fn of(issue: &Issue) -> hstsguard_issue {
        hstsguard_issue {
            code: code_cstr(issue.code()).as_ptr(),
            severity: match issue.severity() {
                Severity::Warning => hstsguard_severity::Warning,
                Severity::Error => hstsguard_severity::Error,
            },
        }
    }
}

/// The bytes of a (pointer, length) input. NULL is allowed with length 0.
///
/// # Safety
/// `data` must point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn bytes<'a>(
    data: *const c_char,
    len: usize,
) -> Result<&'a [u8], hstsguard_result> {
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(hstsguard_result::NULL_ARGUMENT)
        };
    }
    if len > isize::MAX as usize {
        return Err(hstsguard_result::INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, length checked above, validity promised by the caller.
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
}

/// True when every byte is ASCII. Branch-free over 8-byte words: request lines and
/// headers are short, and `<[u8]>::is_ascii`'s alignment prologue costs more than the
/// check itself at these lengths.
#[inline]
fn all_ascii(b: &[u8]) -> bool {
    let mut words = b.chunks_exact(8);
    let mut acc = 0u64;
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        acc |= u64::from_ne_bytes(word);
    }
    let tail = words.remainder().iter().fold(0u8, |a, &x| a | x);
    acc & 0x8080_8080_8080_8080 == 0 && tail < 0x80
}

/// `b` as text when it is UTF-8. ASCII (the usual request line and headers) is checked
/// first, which costs less than full validation.
#[inline]
pub(crate) fn utf8(b: &[u8]) -> Option<&str> {
    if all_ascii(b) {
        // SAFETY: ASCII is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(b) })
    } else {
        std::str::from_utf8(b).ok()
    }
}

/// The UTF-8 text of a (pointer, length) input.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    data: *const c_char,
    len: usize,
) -> Result<&'a str, hstsguard_result> {
    // SAFETY: forwarded to the caller.
    let b = unsafe { bytes(data, len) }?;
    utf8(b).ok_or(hstsguard_result::INVALID_UTF8)
}

/// Initializes a required output with `value` and returns a reference to it, or
/// `NULL_ARGUMENT` for NULL. The value is written before any reference is made: an output
/// struct may arrive holding anything (an uninitialized C variable).
///
/// # Safety
/// `ptr` must be NULL or point to writable, aligned memory for a `T`.
pub(crate) unsafe fn init<'a, T>(ptr: *mut T, value: T) -> Result<&'a mut T, hstsguard_result> {
    if ptr.is_null() {
        return Err(hstsguard_result::NULL_ARGUMENT);
    }
    // SAFETY: non-NULL; writable and aligned per the caller.
    unsafe {
        ptr.write(value);
        Ok(&mut *ptr)
    }
}

/// A caller buffer of `cap` elements: NULL is allowed only with `cap == 0`.
#[derive(Debug)]
pub(crate) struct OutBuf<T> {
    ptr: *mut T,
    cap: usize,
}

impl<T: Copy> OutBuf<T> {
    /// Checks the (pointer, capacity) pair.
    pub(crate) fn new(ptr: *mut T, cap: usize) -> Result<OutBuf<T>, hstsguard_result> {
        if ptr.is_null() && cap != 0 {
            return Err(hstsguard_result::NULL_ARGUMENT);
        }
        Ok(OutBuf { ptr, cap })
    }

    /// True when the caller passed no buffer at all (NULL, 0).
    pub(crate) fn declined(&self) -> bool {
        self.ptr.is_null()
    }

    /// Writes all of `items` when they fit and returns true; otherwise writes nothing and
    /// returns false.
    ///
    /// # Safety
    /// The buffer must have been given as `cap` writable elements.
    pub(crate) unsafe fn write_all(&self, items: &[T]) -> bool {
        if items.len() > self.cap {
            return false;
        }
        if !items.is_empty() {
            // SAFETY: `items.len() <= cap`, the pointer is non-NULL when cap > 0, and a
            // Rust slice never overlaps a caller buffer we only write to.
            unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), self.ptr, items.len()) };
        }
        true
    }

    /// Writes the first `min(cap, n)` items produced by `item(i)`; returns true when all
    /// `n` fitted.
    ///
    /// # Safety
    /// As [`OutBuf::write_all`].
    pub(crate) unsafe fn write_prefix(&self, n: usize, mut item: impl FnMut(usize) -> T) -> bool {
        let k = n.min(self.cap);
        for i in 0..k {
            // SAFETY: `i < cap`.
            unsafe { self.ptr.add(i).write(item(i)) };
        }
        n <= self.cap
    }
}

/// Writes `src` into a caller byte buffer when it fits. Reports whether it fitted.
///
/// # Safety
/// As [`OutBuf::write_all`].
pub(crate) unsafe fn write_bytes(buf: &OutBuf<c_char>, src: &[u8]) -> bool {
    // SAFETY: u8 and c_char have the same layout.
    let src = unsafe { std::slice::from_raw_parts(src.as_ptr().cast::<c_char>(), src.len()) };
    // SAFETY: forwarded to the caller.
    unsafe { buf.write_all(src) }
}

/// Writes the issues into a caller array: returns `Ok(())` when the caller declined them
/// (NULL, 0) or all fitted, `BUFFER_TOO_SMALL` after writing as many as fit.
///
/// # Safety
/// As [`OutBuf::write_all`].
pub(crate) unsafe fn write_issues(
    buf: &OutBuf<hstsguard_issue>,
    issues: &[Issue],
) -> Result<(), hstsguard_result> {
    if buf.declined() {
        return Ok(());
    }
    // SAFETY: forwarded to the caller.
    if unsafe { buf.write_prefix(issues.len(), |i| hstsguard_issue::of(&issues[i])) } {
        Ok(())
    } else {
        Err(hstsguard_result::BUFFER_TOO_SMALL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_check_matches_std() {
        let mut samples: Vec<Vec<u8>> = vec![Vec::new(), b"GET".to_vec(), vec![0x7f; 17]];
        for len in 0..40 {
            for pos in 0..len {
                let mut v = vec![b'a'; len];
                v[pos] = 0x80;
                samples.push(v.clone());
                v[pos] = 0xff;
                samples.push(v);
            }
            samples.push(vec![b'z'; len]);
        }
        for s in samples {
            assert_eq!(all_ascii(&s), s.is_ascii(), "{s:?}");
            assert_eq!(utf8(&s), std::str::from_utf8(&s).ok());
        }
    }
}
