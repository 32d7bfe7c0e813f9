//! The owned error object: what went wrong when building a policy (or reading a file),
//! with every configuration error's path, code and message, so a server can print them
//! at configuration time.

use std::ffi::{c_char, CStr};

use hsg::Error;

use crate::ffi::{hstsguard_str, init, write_bytes, OutBuf};
use crate::panic::guard;
use crate::result::{code_cstr, hstsguard_result};

/// An error: a result code, a stable code string, a message, and for configuration errors
/// one detail per problem (path, code, message). Created by the functions that take a
/// `hstsguard_error **error_out`; free it with `hstsguard_error_free()`. Immutable: it may
/// be read from any thread.
pub struct hstsguard_error {
    result: hstsguard_result,
    code: &'static CStr,
    message: String,
    details: Vec<Detail>,
}

struct Detail {
    path: String,
    code: &'static CStr,
    message: String,
}

/// One configuration error of a `hstsguard_error`, as views borrowed from the error
/// object (valid until `hstsguard_error_free()`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_config_error {
    /// The dotted path of the field, e.g. `hsts.max_age`, `cookies.rules[2].same_site`;
    /// empty for the whole document.
    pub path: hstsguard_str,
    /// The stable code, e.g. `"duration.negative"` (static, NUL-terminated).
    pub code: *const c_char,
    /// The message: names the field and the offending value; for humans, not API.
    pub message: hstsguard_str,
}

impl hstsguard_error {
    /// The error object for a core error.
    pub(crate) fn of_core(err: &Error) -> hstsguard_error {
        hstsguard_error {
            result: hstsguard_result::of_error(err),
            code: code_cstr(err.code()),
            message: err.to_string(),
            details: err
                .config_errors()
                .iter()
                .map(|e| Detail {
                    path: e.path().to_owned(),
                    code: code_cstr(e.code()),
                    message: e.message().to_owned(),
                })
                .collect(),
        }
    }

    /// The error object for a failure of the call itself (NULL, UTF-8, ...).
    pub(crate) fn of_result(
        result: hstsguard_result,
        message: impl Into<String>,
    ) -> hstsguard_error {
        hstsguard_error {
            result,
            code: result.name(),
            message: message.into(),
            details: Vec::new(),
        }
    }
}

/// Hands `err` to C through `error_out` when the caller asked for it (non-NULL).
///
/// # Safety
/// `error_out` must be NULL or writable.
pub(crate) unsafe fn give(error_out: *mut *mut hstsguard_error, err: hstsguard_error) {
    if !error_out.is_null() {
        // SAFETY: writable per the caller.
        unsafe { error_out.write(Box::into_raw(Box::new(err))) };
    }
}

/// The result code of an error (what the failing call returned);
/// `HSTSGUARD_NULL_ARGUMENT` for NULL.
///
/// # Safety
/// `error` must be NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_error_result(error: *const hstsguard_error) -> hstsguard_result {
    guard(|| {
        // SAFETY: promised by the caller.
        match unsafe { error.as_ref() } {
            Some(e) => e.result,
            None => hstsguard_result::NULL_ARGUMENT,
        }
    })
}

/// The stable code string of an error, e.g. `"config.invalid"` (several configuration
/// errors), `"duration.negative"` (exactly one), `"io"`, `"argument.invalid_utf8"`.
/// Static and NUL-terminated; NULL when `error` is NULL.
///
/// # Safety
/// `error` must be NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_error_code(error: *const hstsguard_error) -> *const c_char {
    guard(|| {
        // SAFETY: promised by the caller.
        match unsafe { error.as_ref() } {
            Some(e) => e.code.as_ptr(),
            None => std::ptr::null(),
        }
    })
}

/// Copies the error's whole message into `buf` (`cap` bytes, not NUL-terminated) and sets
/// `*len_out` to its length. For a configuration error the message has one line per
/// problem: `invalid policy (2 errors)\n  hsts.max_age: ... [duration.negative]\n  ...`.
///
/// Returns `HSTSGUARD_BUFFER_TOO_SMALL` (and writes nothing) when `cap < *len_out`;
/// `buf` may be NULL when `cap` is 0, to ask for the length.
///
/// # Safety
/// `error` must be NULL or a live error object; `buf` must have `cap` writable bytes;
/// `len_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_error_message(
    error: *const hstsguard_error,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> hstsguard_result {
    guard(|| {
        // SAFETY: promised by the caller.
        let run = || unsafe {
            let len_out = init(len_out, 0)?;
            let e = error.as_ref().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            let buf = OutBuf::new(buf, cap)?;
            *len_out = e.message.len();
            if write_bytes(&buf, e.message.as_bytes()) {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        };
        run().err().unwrap_or(hstsguard_result::OK)
    })
}

/// The number of configuration errors in `error` (0 for other errors and for NULL).
///
/// # Safety
/// `error` must be NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_error_details_len(error: *const hstsguard_error) -> usize {
    // SAFETY: promised by the caller.
    guard(|| unsafe { error.as_ref() }.map_or(0, |e| e.details.len()))
}

/// The configuration error at `index` (0-based, below `hstsguard_error_details_len()`),
/// as views valid until the error is freed. `HSTSGUARD_INVALID_ARGUMENT` when `index` is
/// out of range.
///
/// # Safety
/// `error` must be NULL or a live error object; `detail_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_error_detail(
    error: *const hstsguard_error,
    index: usize,
    detail_out: *mut hstsguard_config_error,
) -> hstsguard_result {
    guard(|| {
        // SAFETY: promised by the caller.
        let run = || unsafe {
            let d = init(
                detail_out,
                hstsguard_config_error {
                    path: hstsguard_str::NONE,
                    code: std::ptr::null(),
                    message: hstsguard_str::NONE,
                },
            )?;
            let e = error.as_ref().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            let detail = e
                .details
                .get(index)
                .ok_or(hstsguard_result::INVALID_ARGUMENT)?;
            *d = hstsguard_config_error {
                path: hstsguard_str::of(&detail.path),
                code: detail.code.as_ptr(),
                message: hstsguard_str::of(&detail.message),
            };
            Ok(())
        };
        run().err().unwrap_or(hstsguard_result::OK)
    })
}

/// Frees an error object. NULL is ignored. Every view obtained from it becomes invalid.
///
/// # Safety
/// `error` must be NULL or an error object from this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_error_free(error: *mut hstsguard_error) {
    guard(|| {
        if !error.is_null() {
            // SAFETY: created by Box::into_raw in `give`, freed once (caller's promise).
            drop(unsafe { Box::from_raw(error) });
        }
    })
}
