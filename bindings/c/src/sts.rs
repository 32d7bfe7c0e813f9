//! `Strict-Transport-Security`: parse received values into plain structs, format a value,
//! the hstspreload.org audit, and durations.

use std::ffi::c_char;

use hsg::{HstsPolicy, Issue, ParsedSts, PreloadVerdict};

use crate::ffi::{
    bytes, hstsguard_issue, hstsguard_str, init, text, write_bytes, write_issues, OutBuf,
};
use crate::panic::guard;
use crate::result::{hstsguard_result, status};

/// A parsed `Strict-Transport-Security` value. The fields report what was read even when
/// the value is invalid; a user agent honours the header only when `valid`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_sts {
    /// True when the value is valid (no error issue): the header applies.
    pub valid: bool,
    /// True when a well-formed max-age was read (then `max_age` holds it).
    pub has_max_age: bool,
    /// max-age in seconds, saturated at 2^53-1; 0 when `has_max_age` is false.
    pub max_age: u64,
    /// True when a valueless `includeSubDomains` was seen.
    pub include_subdomains: bool,
    /// True when a valueless `preload` was seen.
    pub preload: bool,
    /// The number of issues found (written to the caller's issue array as far as it goes).
    pub issues_len: usize,
}

impl hstsguard_sts {
    const EMPTY: hstsguard_sts = hstsguard_sts {
        valid: false,
        has_max_age: false,
        max_age: 0,
        include_subdomains: false,
        preload: false,
        issues_len: 0,
    };

    fn of(p: &ParsedSts) -> hstsguard_sts {
        hstsguard_sts {
            valid: p.is_valid(),
            has_max_age: p.max_age().is_some(),
            max_age: p.max_age().unwrap_or(0),
            include_subdomains: p.include_subdomains(),
            preload: p.preload(),
            issues_len: p.issues().len(),
        }
    }
}

/// Fills the output struct and the issues; see `hstsguard_sts_parse`.
///
/// # Safety
/// `sts_out` must be writable; `issues` must have `issues_cap` writable entries.
unsafe fn deliver_sts(
    parse: impl FnOnce() -> Result<ParsedSts, hstsguard_result>,
    sts_out: *mut hstsguard_sts,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    status((|| unsafe {
        let o = init(sts_out, hstsguard_sts::EMPTY)?;
        let issue_buf = OutBuf::new(issues, issues_cap)?;
        let parsed = parse()?;
        *o = hstsguard_sts::of(&parsed);
        write_issues(&issue_buf, parsed.issues())
    })())
}

/// Parses one received `Strict-Transport-Security` value strictly (RFC 6797 §6.1, as
/// Chromium and Firefox do): `value_len` bytes at `value`, UTF-8 (otherwise
/// `HSTSGUARD_INVALID_UTF8`; such a header is void anyway).
///
/// Fills `*sts_out`; the issues (static codes, in the order found) go to `issues`
/// (`issues_cap` entries): pass NULL and 0 if you only want the fields. When more issues
/// were found than fit, the first `issues_cap` are written, `sts_out->issues_len` is the
/// total and the result is `HSTSGUARD_BUFFER_TOO_SMALL` (the fields are complete).
///
/// # Safety
/// `value` must have `value_len` readable bytes; `sts_out` must be writable; `issues`
/// must have `issues_cap` writable entries.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_sts_parse(
    value: *const c_char,
    value_len: usize,
    sts_out: *mut hstsguard_sts,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_sts(
            || {
                if value.is_null() {
                    return Err(hstsguard_result::NULL_ARGUMENT);
                }
                Ok(hsg::parse_sts(text(value, value_len)?))
            },
            sts_out,
            issues,
            issues_cap,
        )
    })
}

/// Parses every `Strict-Transport-Security` field of one response (`values_len` views at
/// `values`) as a user agent does (RFC 6797 §8.1): only the first is processed; several
/// add the warning `response.multiple_headers`; none is the error `response.no_header`.
/// `values` may be NULL when `values_len` is 0. Otherwise as `hstsguard_sts_parse()`.
///
/// # Safety
/// `values` must have `values_len` readable views, each valid; otherwise as
/// `hstsguard_sts_parse()`.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_sts_parse_fields(
    values: *const hstsguard_str,
    values_len: usize,
    sts_out: *mut hstsguard_sts,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_sts(
            || {
                let views: &[hstsguard_str] = if values.is_null() {
                    if values_len != 0 {
                        return Err(hstsguard_result::NULL_ARGUMENT);
                    }
                    &[]
                } else {
                    if values_len > isize::MAX as usize / std::mem::size_of::<hstsguard_str>() {
                        return Err(hstsguard_result::INVALID_ARGUMENT);
                    }
                    std::slice::from_raw_parts(values, values_len)
                };
                let texts = views
                    .iter()
                    .map(|v| text(v.data, v.len))
                    .collect::<Result<Vec<&str>, _>>()?;
                Ok(hsg::parse_sts_fields(texts))
            },
            sts_out,
            issues,
            issues_cap,
        )
    })
}

/// Formats a `Strict-Transport-Security` value: `max-age=N[; includeSubDomains][;
/// preload]` (max_age capped at 2^53-1), into `buf` (`cap` bytes, not NUL-terminated;
/// at most 64 bytes are needed). `*len_out` is its length; `HSTSGUARD_BUFFER_TOO_SMALL`
/// (nothing written) when it does not fit.
///
/// # Safety
/// `buf` must have `cap` writable bytes; `len_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_sts_format(
    max_age: u64,
    include_subdomains: bool,
    preload: bool,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let len = init(len_out, 0)?;
            let buf = OutBuf::new(buf, cap)?;
            let mut p = HstsPolicy::new(max_age, include_subdomains);
            if preload {
                p = p.with_preload();
            }
            *len = p.value().len();
            if write_bytes(&buf, p.value().as_bytes()) {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}

/// The verdict of an hstspreload.org check.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_verdict {
    /// True when there is no error issue: the header (and domain) qualifies.
    pub ok: bool,
    /// The number of issues (errors and warnings, in hstspreload's order).
    pub issues_len: usize,
}

/// Fills a verdict and its issues.
///
/// # Safety
/// As `deliver_sts`.
unsafe fn deliver_verdict(
    check: impl FnOnce() -> Result<Vec<Issue>, hstsguard_result>,
    verdict_out: *mut hstsguard_verdict,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    status((|| unsafe {
        let o = init(
            verdict_out,
            hstsguard_verdict {
                ok: false,
                issues_len: 0,
            },
        )?;
        let issue_buf = OutBuf::new(issues, issues_cap)?;
        let found = check()?;
        *o = hstsguard_verdict {
            ok: !found.iter().any(Issue::is_error),
            issues_len: found.len(),
        };
        write_issues(&issue_buf, &found)
    })())
}

/// Checks a header value against the hstspreload.org rules: for the preload list
/// (`removable` false: includeSubDomains, preload, max-age of at least a year) or for
/// removal from it (`removable` true: no preload, a valid max-age). When `domain` is not
/// NULL the domain name (`domain_len` bytes) is checked too, as
/// `hstsguard_preload_check_domain()` does. Issues as in `hstsguard_sts_parse()`; an
/// issue with `HSTSGUARD_SEVERITY_ERROR` is an error of the verdict, the others warnings.
///
/// # Safety
/// `value` must have `value_len` readable bytes, `domain` NULL or `domain_len` readable
/// bytes; `verdict_out` must be writable; `issues` must have `issues_cap` writable entries.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_preload_check(
    value: *const c_char,
    value_len: usize,
    removable: bool,
    domain: *const c_char,
    domain_len: usize,
    verdict_out: *mut hstsguard_verdict,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_verdict(
            || {
                if value.is_null() {
                    return Err(hstsguard_result::NULL_ARGUMENT);
                }
                let value = text(value, value_len)?;
                let domain = if domain.is_null() {
                    None
                } else {
                    Some(text(domain, domain_len)?)
                };
                let verdict: PreloadVerdict = if removable {
                    hsg::removable_check(value)
                } else {
                    hsg::preload_check(value)
                };
                let verdict = match domain {
                    Some(d) => verdict.with_domain(d),
                    None => verdict,
                };
                Ok(verdict.issues().to_vec())
            },
            verdict_out,
            issues,
            issues_cap,
        )
    })
}

/// Checks a domain name as hstspreload.org does (format, public suffix, registrable
/// domain). As `hstsguard_preload_check()`.
///
/// # Safety
/// `domain` must have `domain_len` readable bytes; otherwise as `hstsguard_preload_check()`.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_preload_check_domain(
    domain: *const c_char,
    domain_len: usize,
    verdict_out: *mut hstsguard_verdict,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_verdict(
            || {
                if domain.is_null() {
                    return Err(hstsguard_result::NULL_ARGUMENT);
                }
                Ok(hsg::domain_check(text(domain, domain_len)?))
            },
            verdict_out,
            issues,
            issues_cap,
        )
    })
}

/// Parses a duration as the policy documents write it: `300`, `300s`, `5m`, `1h`, `1d`,
/// `18w`, `1y` (365 days), `2y`. Refusals are `HSTSGUARD_DURATION_*` (negative,
/// fractional, not a number, unknown unit, overflow above 2^53-1, empty); then
/// `*seconds_out` is 0.
///
/// # Safety
/// `text_ptr` must have `len` readable bytes; `seconds_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_parse_duration(
    text_ptr: *const c_char,
    len: usize,
    seconds_out: *mut u64,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let s = init(seconds_out, 0)?;
            if text_ptr.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let raw = bytes(text_ptr, len)?;
            let t = crate::ffi::utf8(raw).ok_or(hstsguard_result::INVALID_UTF8)?;
            *s = hsg::parse_duration(t).map_err(|e| hstsguard_result::of_error(&e))?;
            Ok(())
        })())
    })
}

/// Converts a number of seconds given as a double into whole seconds, with the same
/// refusals as `hstsguard_parse_duration()` (NaN and infinities are
/// `HSTSGUARD_DURATION_NOT_A_NUMBER`).
///
/// # Safety
/// `seconds_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_duration_from_double(
    value: f64,
    seconds_out: *mut u64,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let s = init(seconds_out, 0)?;
            *s = hsg::duration_from_f64(value).map_err(|e| hstsguard_result::of_error(&e))?;
            Ok(())
        })())
    })
}
