//! The immutable policy handle: built once at configuration time (from a TOML or JSON
//! document, a file, or builder calls), shared by every thread and forked worker.

use std::ffi::c_char;

use hsg::config::PolicyDocument;
use hsg::policy::Policy;
use hsg::{ConfigError, Error};

use crate::error::{give, hstsguard_error};
use crate::ffi::{bytes, hstsguard_issue, hstsguard_str, init, text};
use crate::panic::guard;
use crate::result::{hstsguard_result, status};

/// A built policy: HSTS, proxy trust, redirects, cookie rules and HPKP. Immutable and safe
/// to use from any number of threads at once, and across `fork()`. Free it with
/// `hstsguard_policy_free()` after the last request that uses it: views in a
/// `hstsguard_decision` point into it.
pub struct hstsguard_policy {
    pub(crate) inner: Policy,
}

/// A policy document being put together: empty, or read from a file or text, then set
/// key by key (`hsts.max_age` = `"1y"`, ...) and laid over other documents, before
/// `hstsguard_policy_builder_build()` builds the policy. The keys are those of
/// docs/POLICY.md as dotted paths (`cookies.rules[0].name` for a list of tables). Not
/// thread-safe: use a builder from one thread at a time.
#[derive(Clone, Default)]
pub struct hstsguard_policy_builder {
    doc: PolicyDocument,
    /// Problems met by the setters that report at build time.
    pending: Vec<ConfigError>,
}

/// A three-state setting for a cookie rule attribute.
///
/// cbindgen:prefix-with-name
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hstsguard_flag {
    /// Leave the attribute as it is.
    Unset = 0,
    /// Remove the attribute.
    Off = 1,
    /// Ensure the attribute.
    On = 2,
}

/// A cookie rule's `SameSite` setting.
///
/// cbindgen:prefix-with-name
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hstsguard_same_site {
    /// Leave `SameSite` as it is.
    Unset = 0,
    /// `SameSite=Strict`.
    Strict = 1,
    /// `SameSite=Lax`.
    Lax = 2,
    /// `SameSite=None` (always with `Secure`).
    None = 3,
}

/// Runs a constructor and hands the outcome to C: the new handle in `*out`, or the
/// error object in `*error_out` and its result code.
///
/// # Safety
/// `out` and `error_out` must be NULL or writable.
unsafe fn deliver<T, H>(
    out: *mut *mut H,
    error_out: *mut *mut hstsguard_error,
    what: &'static str,
    wrap: impl FnOnce(T) -> H,
    build: impl FnOnce() -> Result<Result<T, Error>, (hstsguard_result, &'static str)>,
) -> hstsguard_result {
    // SAFETY: promised by the caller; outputs are written, never read.
    unsafe {
        if !error_out.is_null() {
            error_out.write(std::ptr::null_mut());
        }
        if out.is_null() {
            give(
                error_out,
                hstsguard_error::of_result(hstsguard_result::NULL_ARGUMENT, what),
            );
            return hstsguard_result::NULL_ARGUMENT;
        }
        out.write(std::ptr::null_mut());
        match build() {
            Ok(Ok(value)) => {
                out.write(Box::into_raw(Box::new(wrap(value))));
                hstsguard_result::OK
            }
            Ok(Err(err)) => {
                give(error_out, hstsguard_error::of_core(&err));
                hstsguard_result::of_error(&err)
            }
            Err((r, why)) => {
                give(error_out, hstsguard_error::of_result(r, why));
                r
            }
        }
    }
}

/// [`deliver`] for a policy.
///
/// # Safety
/// As [`deliver`].
unsafe fn deliver_policy(
    policy_out: *mut *mut hstsguard_policy,
    error_out: *mut *mut hstsguard_error,
    build: impl FnOnce() -> Result<Result<Policy, Error>, (hstsguard_result, &'static str)>,
) -> hstsguard_result {
    // SAFETY: forwarded to the caller.
    unsafe {
        deliver(
            policy_out,
            error_out,
            "policy_out is NULL",
            |inner| hstsguard_policy { inner },
            build,
        )
    }
}

fn arg_error(r: hstsguard_result, what: &'static str) -> (hstsguard_result, &'static str) {
    (r, what)
}

/// Reads text input for a constructor, naming the argument in the error.
///
/// # Safety
/// As [`text`].
unsafe fn doc_text<'a>(
    data: *const c_char,
    len: usize,
) -> Result<&'a str, (hstsguard_result, &'static str)> {
    if data.is_null() {
        return Err(arg_error(
            hstsguard_result::NULL_ARGUMENT,
            "the document text is NULL",
        ));
    }
    // SAFETY: forwarded to the caller.
    unsafe { text(data, len) }.map_err(|r| match r {
        hstsguard_result::INVALID_UTF8 => arg_error(r, "the document is not valid UTF-8"),
        _ => arg_error(r, "the document text is not usable"),
    })
}

/// Builds a policy from a TOML document (`len` bytes at `toml`, UTF-8; see
/// docs/POLICY.md). On success `*policy_out` is the new policy (free it with
/// `hstsguard_policy_free()`). On failure `*policy_out` is NULL and, when `error_out` is
/// not NULL, `*error_out` is an error object listing every problem with its path (free
/// it with `hstsguard_error_free()`); the result is its code (`HSTSGUARD_CONFIG_INVALID`
/// for several problems, the problem's own code for one).
///
/// # Safety
/// `toml` must have `len` readable bytes; `policy_out` must be writable; `error_out` must
/// be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_from_toml(
    toml: *const c_char,
    len: usize,
    policy_out: *mut *mut hstsguard_policy,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_policy(policy_out, error_out, || {
            Ok(Policy::from_toml(doc_text(toml, len)?))
        })
    })
}

/// Builds a policy from a JSON document with the same keys as the TOML form. Otherwise as
/// `hstsguard_policy_from_toml()`.
///
/// # Safety
/// As `hstsguard_policy_from_toml()`.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_from_json(
    json: *const c_char,
    len: usize,
    policy_out: *mut *mut hstsguard_policy,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_policy(policy_out, error_out, || {
            Ok(Policy::from_json(doc_text(json, len)?))
        })
    })
}

/// Reads a policy file (`path_len` bytes at `path`, not NUL-terminated; any bytes the OS
/// accepts): JSON when the name ends in `.json` or the text starts with `{`, TOML
/// otherwise. A file that cannot be read is `HSTSGUARD_IO`. Otherwise as
/// `hstsguard_policy_from_toml()`.
///
/// # Safety
/// `path` must have `path_len` readable bytes; `policy_out` must be writable; `error_out`
/// must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_from_file(
    path: *const c_char,
    path_len: usize,
    policy_out: *mut *mut hstsguard_policy,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_policy(policy_out, error_out, || {
            if path.is_null() {
                return Err(arg_error(
                    hstsguard_result::NULL_ARGUMENT,
                    "the path is NULL",
                ));
            }
            let raw = bytes(path, path_len).map_err(|r| arg_error(r, "the path is not usable"))?;
            if raw.is_empty() || raw.contains(&0) {
                return Err(arg_error(
                    hstsguard_result::INVALID_ARGUMENT,
                    "the path is empty or contains a NUL byte",
                ));
            }
            Ok(Policy::from_file(path_of(raw)))
        })
    })
}

#[cfg(unix)]
fn path_of(raw: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(raw).into()
}

#[cfg(not(unix))]
fn path_of(raw: &[u8]) -> std::path::PathBuf {
    String::from_utf8_lossy(raw).into_owned().into()
}

/// The built-in default policy: HSTS one year with includeSubDomains on secure requests,
/// redirects for any Host (301 GET/HEAD, 308 otherwise), no trusted proxy, every cookie
/// `Secure`.
///
/// # Safety
/// `policy_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_default(
    policy_out: *mut *mut hstsguard_policy,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_policy(policy_out, std::ptr::null_mut(), || {
            Ok(Ok(Policy::default()))
        })
    })
}

/// Frees a policy. NULL is ignored. Every view a decision borrowed from it becomes
/// invalid; no request may be using it any more.
///
/// # Safety
/// `policy` must be NULL or a policy from this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_free(policy: *mut hstsguard_policy) {
    guard(|| {
        if !policy.is_null() {
            // SAFETY: created by Box::into_raw in `deliver`, freed once (caller's promise).
            drop(unsafe { Box::from_raw(policy) });
        }
    })
}

/// The `Strict-Transport-Security` value the policy sends now (e.g.
/// `max-age=31536000; includeSubDomains`; with an `[hsts.ramp]`, the stage in force), as
/// a view valid while the policy lives; `data` is NULL when HSTS is disabled.
///
/// # Safety
/// `policy` must be a live policy; `value_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_hsts_value(
    policy: *const hstsguard_policy,
    value_out: *mut hstsguard_str,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let v = init(value_out, hstsguard_str::NONE)?;
            let p = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            // With an `[hsts.ramp]`, the stage in force now (each stage's value lives as
            // long as the policy).
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            if let Some(value) = p.hsts_value_at(now) {
                *v = hstsguard_str::of(value);
            }
            Ok(())
        })())
    })
}

/// The number of deploy warnings found when the policy was built (HSTS off, no
/// includeSubDomains, redirects for any Host, ...); 0 for NULL.
///
/// # Safety
/// `policy` must be NULL or a live policy.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_warnings_len(policy: *const hstsguard_policy) -> usize {
    // SAFETY: promised by the caller.
    guard(|| unsafe { policy.as_ref() }.map_or(0, |p| p.inner.warnings().len()))
}

/// The deploy warning at `index` (below `hstsguard_policy_warnings_len()`): its code and
/// severity in `*issue_out`, and when `message_out` is not NULL its message as a view
/// valid while the policy lives. `HSTSGUARD_INVALID_ARGUMENT` when `index` is out of
/// range.
///
/// # Safety
/// `policy` must be a live policy; `issue_out` must be writable; `message_out` must be
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_warning(
    policy: *const hstsguard_policy,
    index: usize,
    issue_out: *mut hstsguard_issue,
    message_out: *mut hstsguard_str,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let issue = init(
                issue_out,
                hstsguard_issue {
                    code: std::ptr::null(),
                    severity: crate::ffi::hstsguard_severity::None,
                },
            )?;
            let message = if message_out.is_null() {
                None
            } else {
                Some(init(message_out, hstsguard_str::NONE)?)
            };
            let p = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            let w = p
                .warnings()
                .get(index)
                .ok_or(hstsguard_result::INVALID_ARGUMENT)?;
            *issue = hstsguard_issue::of(w);
            if let Some(m) = message {
                *m = hstsguard_str::of(w.message());
            }
            Ok(())
        })())
    })
}

// ---------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------

/// Creates an empty builder (every setting at its default). Free it with
/// `hstsguard_policy_builder_free()`.
///
/// # Safety
/// `builder_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_new(
    builder_out: *mut *mut hstsguard_policy_builder,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            if builder_out.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            builder_out.write(Box::into_raw(Box::default()));
            Ok(())
        })())
    })
}

/// [`deliver`] for a builder holding a document.
///
/// # Safety
/// As [`deliver`].
unsafe fn deliver_builder(
    builder_out: *mut *mut hstsguard_policy_builder,
    error_out: *mut *mut hstsguard_error,
    read: impl FnOnce() -> Result<Result<PolicyDocument, Error>, (hstsguard_result, &'static str)>,
) -> hstsguard_result {
    // SAFETY: forwarded to the caller.
    unsafe {
        deliver(
            builder_out,
            error_out,
            "builder_out is NULL",
            |doc| hstsguard_policy_builder {
                doc,
                pending: Vec::new(),
            },
            read,
        )
    }
}

/// Creates a builder holding a policy file (TOML, or JSON when the name ends in `.json`
/// or the text starts with `{`), so that settings can be laid over it: what a server
/// block with a policy file and inline directives does. Every problem of the file is
/// reported at once, as by `hstsguard_policy_from_file()` (an unusable file: `HSTSGUARD_IO`).
///
/// # Safety
/// `path` must have `path_len` readable bytes; `builder_out` must be writable;
/// `error_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_from_file(
    path: *const c_char,
    path_len: usize,
    builder_out: *mut *mut hstsguard_policy_builder,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_builder(builder_out, error_out, || {
            let path = doc_text(path, path_len)?;
            Ok(PolicyDocument::from_file(path))
        })
    })
}

/// Creates a builder holding a document given as text (TOML, or JSON when the first
/// character that is not white space is `{`). As `hstsguard_policy_builder_from_file()`.
///
/// # Safety
/// `text` must have `len` readable bytes; `builder_out` must be writable; `error_out`
/// must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_from_text(
    text: *const c_char,
    len: usize,
    builder_out: *mut *mut hstsguard_policy_builder,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_builder(builder_out, error_out, || {
            if text.is_null() {
                return Err(arg_error(
                    hstsguard_result::NULL_ARGUMENT,
                    "the document text is NULL",
                ));
            }
            let b =
                bytes(text, len).map_err(|r| arg_error(r, "the document text is not usable"))?;
            Ok(PolicyDocument::from_bytes(b, hsg::config::Format::Detect))
        })
    })
}

/// A new builder holding `base` with `over` laid over it key by key: every key `over`
/// sets replaces `base`'s (a list as a whole), every other key of `base` stays. This is
/// how an inner server block inherits from the outer one. Problems waiting in either
/// builder are carried along. The inputs are unchanged.
///
/// # Safety
/// `base` and `over` must be live builders; `builder_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_overlay(
    base: *const hstsguard_policy_builder,
    over: *const hstsguard_policy_builder,
    builder_out: *mut *mut hstsguard_policy_builder,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            if builder_out.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            builder_out.write(std::ptr::null_mut());
            let base = base.as_ref().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            let over = over.as_ref().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            let mut out = base.clone();
            out.doc.overlay(&over.doc);
            out.pending.extend(over.pending.iter().cloned());
            builder_out.write(Box::into_raw(Box::new(out)));
            Ok(())
        })())
    })
}

/// Frees a builder. NULL is ignored. Policies built from it are independent of it.
///
/// # Safety
/// `builder` must be NULL or a builder from this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_free(builder: *mut hstsguard_policy_builder) {
    guard(|| {
        if !builder.is_null() {
            // SAFETY: created by Box::into_raw, freed once (caller's promise).
            drop(unsafe { Box::from_raw(builder) });
        }
    })
}

/// A dotted key has UTF-8 text and no empty segment.
fn check_key(key: &str) -> Result<(), hstsguard_result> {
    if key.split('.').any(str::is_empty) {
        return Err(hstsguard_result::INVALID_ARGUMENT);
    }
    Ok(())
}

impl hstsguard_policy_builder {
    /// Sets a key from text; a problem waits for `build`.
    fn set_later(&mut self, key: &str, value: &str) -> Result<(), hstsguard_result> {
        check_key(key)?;
        if let Err(e) = self.doc.set_text(key, value) {
            self.pending.extend(e.config_errors().iter().cloned());
        }
        Ok(())
    }
}

/// Reads the builder and the key of a setter.
///
/// # Safety
/// `builder` must be NULL or a live builder; `key` must have `key_len` readable bytes.
unsafe fn builder_and_key<'a>(
    builder: *mut hstsguard_policy_builder,
    key: *const c_char,
    key_len: usize,
) -> Result<(&'a mut hstsguard_policy_builder, &'a str), hstsguard_result> {
    // SAFETY: promised by the caller.
    unsafe {
        let b = builder.as_mut().ok_or(hstsguard_result::NULL_ARGUMENT)?;
        if key.is_null() {
            return Err(hstsguard_result::NULL_ARGUMENT);
        }
        Ok((b, text(key, key_len)?))
    }
}

/// Sets one key from text, as a server directive does, and checks it at once: `key` is
/// a dotted path of docs/POLICY.md, matched ignoring case, `-` and `_`
/// (`hsts.max-age`, `cookies.rules[0].httponly`); `value` is read for the key's type
/// (`on`/`off`, `1y`, `lax`, `308`, a date). A list key gets the value appended (split
/// at commas, except for lists of text such as exempt patterns); for a list of tables,
/// index `N` equal to its length adds an entry. On a problem (an unknown key, with the
/// closest known one suggested; a value of the wrong type) the result is its code and,
/// when `error_out` is not NULL, `*error_out` describes it with its path; the builder is
/// unchanged. Problems that need the whole document (an invalid regular expression, a
/// missing ramp start) are reported by `hstsguard_policy_builder_build()`.
///
/// # Safety
/// `builder` must be a live builder; `key` and `value` must have `key_len` and
/// `value_len` readable bytes; `error_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_set_text(
    builder: *mut hstsguard_policy_builder,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        if !error_out.is_null() {
            error_out.write(std::ptr::null_mut());
        }
        let args = (|| {
            let (b, key) = builder_and_key(builder, key, key_len)?;
            if value.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            Ok((b, key, text(value, value_len)?))
        })();
        let (b, key, value) = match args {
            Ok(x) => x,
            Err(r) => {
                give(
                    error_out,
                    hstsguard_error::of_result(r, "an argument is not usable"),
                );
                return r;
            }
        };
        let mut doc = b.doc.clone();
        match doc.set_text(key, value) {
            Ok(()) => {
                b.doc = doc;
                hstsguard_result::OK
            }
            Err(err) => {
                give(error_out, hstsguard_error::of_core(&err));
                hstsguard_result::of_error(&err)
            }
        }
    })
}

/// Sets the boolean at a dotted key of the policy document, such as
/// `hsts.include_subdomains` or `redirect.enabled`. The key is checked for shape only
/// (UTF-8, no empty segment; `HSTSGUARD_INVALID_ARGUMENT` otherwise); unknown keys and
/// wrong types are reported, with their path, by `hstsguard_policy_builder_build()`.
/// `hstsguard_policy_builder_set_text()` checks at once instead.
///
/// # Safety
/// `builder` must be a live builder; `key` must have `key_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_set_bool(
    builder: *mut hstsguard_policy_builder,
    key: *const c_char,
    key_len: usize,
    value: bool,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let (b, key) = builder_and_key(builder, key, key_len)?;
            b.set_later(key, if value { "on" } else { "off" })
        })())
    })
}

/// Sets the integer at a dotted key, such as `hsts.max_age` (seconds),
/// `redirect.https_port` or `redirect.status_other`. As `hstsguard_policy_builder_set_bool()`.
///
/// # Safety
/// As `hstsguard_policy_builder_set_bool()`.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_set_int(
    builder: *mut hstsguard_policy_builder,
    key: *const c_char,
    key_len: usize,
    value: i64,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let (b, key) = builder_and_key(builder, key, key_len)?;
            b.set_later(key, &value.to_string())
        })())
    })
}

/// Sets the value at a dotted key from text, such as `hsts.max_age` (`"2y"`),
/// `hsts.send`, `redirect.canonical_host`, `proxy.custom_header.name`; for a list key the
/// value is appended. `value` must be UTF-8. As `hstsguard_policy_builder_set_bool()`.
///
/// # Safety
/// As `hstsguard_policy_builder_set_bool()`; `value` must have `value_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_set_string(
    builder: *mut hstsguard_policy_builder,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let (b, key) = builder_and_key(builder, key, key_len)?;
            if value.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let v = text(value, value_len)?;
            b.set_later(key, v)
        })())
    })
}

/// Appends a string to the list at a dotted key, such as `redirect.allowed_hosts`,
/// `redirect.exempt`, `proxy.trusted`, `proxy.sources` or `hpkp.pins` (the list is
/// created by the first call). Otherwise as `hstsguard_policy_builder_set_string()`.
///
/// # Safety
/// As `hstsguard_policy_builder_set_string()`.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_append_string(
    builder: *mut hstsguard_policy_builder,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> hstsguard_result {
    // SAFETY: forwarded to the caller.
    unsafe { hstsguard_policy_builder_set_string(builder, key, key_len, value, value_len) }
}

/// Appends a cookie rule (`[[cookies.rules]]`): `name` is an exact cookie name or a glob
/// (`*`, `?`); `secure` and `http_only` are `hstsguard_flag` values and `same_site` a
/// `hstsguard_same_site` value (anything else is `HSTSGUARD_INVALID_ARGUMENT`). Every
/// matching rule applies; for each attribute the last matching rule that sets it wins.
///
/// # Safety
/// `builder` must be a live builder; `name` must have `name_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_add_cookie_rule(
    builder: *mut hstsguard_policy_builder,
    name: *const c_char,
    name_len: usize,
    secure: u32,
    http_only: u32,
    same_site: u32,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let b = builder.as_mut().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            if name.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let name = text(name, name_len)?;
            let flag = |v: u32| match v {
                0 => Ok(None),
                1 => Ok(Some("off")),
                2 => Ok(Some("on")),
                _ => Err(hstsguard_result::INVALID_ARGUMENT),
            };
            let (secure, http_only) = (flag(secure)?, flag(http_only)?);
            let same_site = match same_site {
                0 => None,
                1 => Some("Strict"),
                2 => Some("Lax"),
                3 => Some("None"),
                _ => return Err(hstsguard_result::INVALID_ARGUMENT),
            };
            let i = b
                .doc
                .cookies
                .as_ref()
                .and_then(|c| c.rules.as_ref())
                .map_or(0, Vec::len);
            b.set_later(&format!("cookies.rules[{i}].name"), name)?;
            if let Some(v) = secure {
                b.set_later(&format!("cookies.rules[{i}].secure"), v)?;
            }
            if let Some(v) = http_only {
                b.set_later(&format!("cookies.rules[{i}].http_only"), v)?;
            }
            if let Some(v) = same_site {
                b.set_later(&format!("cookies.rules[{i}].same_site"), v)?;
            }
            Ok(())
        })())
    })
}

/// Builds a policy from the builder's settings, validating everything at once: as
/// `hstsguard_policy_from_toml()` (every problem reported with its path). The builder is
/// not consumed: it may be changed and built again, and must still be freed.
///
/// # Safety
/// `builder` must be a live builder; `policy_out` must be writable; `error_out` must be
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_builder_build(
    builder: *const hstsguard_policy_builder,
    policy_out: *mut *mut hstsguard_policy,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        deliver_policy(policy_out, error_out, || {
            let b = builder.as_ref().ok_or(arg_error(
                hstsguard_result::NULL_ARGUMENT,
                "the builder is NULL",
            ))?;
            Ok(
                match (Policy::from_document(&b.doc), b.pending.is_empty()) {
                    (result, true) => result,
                    (Ok(_), false) => Err(Error::Config(b.pending.clone())),
                    (Err(e), false) => {
                        let mut all = b.pending.clone();
                        all.extend(e.config_errors().iter().cloned());
                        Err(Error::Config(all))
                    }
                },
            )
        })
    })
}
