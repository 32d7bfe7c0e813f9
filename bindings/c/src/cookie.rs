//! `Set-Cookie` flagging into a caller buffer.

use std::ffi::c_char;

use crate::ffi::{bytes, hstsguard_issue, init, write_issues, OutBuf};
use crate::panic::guard;
use crate::policy::hstsguard_policy;
use crate::result::{hstsguard_result, status};

/// The outcome of `hstsguard_policy_flag_set_cookie()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_cookie {
    /// The length of the value to send (written to the caller buffer when it fits).
    pub len: usize,
    /// True when the value to send differs from the input (then it is in the caller's
    /// buffer). When false, send the input as it is: nothing was written to the buffer.
    pub changed: bool,
    /// The number of issues found (`cookie.prefix.*`, `cookie.samesite_none.*`,
    /// `cookie.malformed.*`, ...); the first ones are written to the issue array.
    pub issues_len: usize,
}

/// Flags one `Set-Cookie` field value (without `Set-Cookie:`) per the policy's cookie
/// rules, for a response to a request that was secure (`request_secure`, usually
/// `decision.secure`) or not. Every attribute hstsguard does not own is kept byte for
/// byte; a malformed value comes back unchanged with a `cookie.malformed.*` issue.
///
/// A changed value is written to `buf` (`cap` bytes, not NUL-terminated) and its length
/// is `cookie_out->len`; an unchanged one is not copied (send the input: no work, no
/// allocation for the common case of a cookie already right). When it does not fit nothing is written to `buf` and the result is
/// `HSTSGUARD_BUFFER_TOO_SMALL`, with `cookie_out` complete (so `changed == false` still
/// means "send the input as it is"); `buf` may be NULL when `cap` is 0. The issues go to
/// `issues` (`issues_cap` entries; pass NULL and 0 if you do not want them): when more
/// were found than fit, the first `issues_cap` are written and the result is
/// `HSTSGUARD_BUFFER_TOO_SMALL`.
///
/// The value is bytes and need not be UTF-8: a value that is not (a Latin-1 cookie
/// value, say) is flagged byte-wise, every byte outside ASCII kept as it is.
///
/// When the value to send does not fit but is the input itself (`changed == false`),
/// nothing needs writing: the result is `HSTSGUARD_OK` (send the input). So
/// `HSTSGUARD_BUFFER_TOO_SMALL` always means "call again with a buffer of
/// `cookie_out->len` bytes" (or more issue entries). Thread-safe.
///
/// # Safety
/// `policy` must be a live policy; `value` must have `value_len` readable bytes; `buf`
/// must have `cap` writable bytes that do not overlap `value` (an overlapping buffer is
/// refused with `HSTSGUARD_INVALID_ARGUMENT`); `cookie_out` must be writable; `issues` must have
/// `issues_cap` writable entries.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_flag_set_cookie(
    policy: *const hstsguard_policy,
    value: *const c_char,
    value_len: usize,
    request_secure: bool,
    buf: *mut c_char,
    cap: usize,
    cookie_out: *mut hstsguard_cookie,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let c = init(
                cookie_out,
                hstsguard_cookie {
                    len: 0,
                    changed: false,
                    issues_len: 0,
                },
            )?;
            let policy = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            if value.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            if buf.is_null() && cap != 0 {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let issue_buf = OutBuf::new(issues, issues_cap)?;
            let value = bytes(value, value_len)?;
            let out: &mut [u8] = if buf.is_null() {
                &mut []
            } else {
                if cap > isize::MAX as usize {
                    return Err(hstsguard_result::INVALID_ARGUMENT);
                }
                let (b, v) = (buf as usize, value.as_ptr() as usize);
                if b < v + value.len() && v < b + cap {
                    // The buffer overlaps the value: refused rather than read while written.
                    return Err(hstsguard_result::INVALID_ARGUMENT);
                }
                // SAFETY: the caller gives `cap` writable bytes, which do not overlap the
                // value (checked above).
                std::slice::from_raw_parts_mut(buf.cast::<u8>(), cap)
            };
            // A changed value is written by the core straight into the caller's buffer
            // when it fits (nothing is allocated for it); an unchanged value is never
            // copied: the caller sends its input.
            let flagged = policy.flag_set_cookie_bytes_into(value, request_secure, out);
            *c = hstsguard_cookie {
                len: flagged.len(),
                changed: flagged.changed(),
                issues_len: flagged.issues().len(),
            };
            let fitted = !flagged.changed() || flagged.written();
            write_issues(&issue_buf, flagged.issues())?;
            if fitted {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}
