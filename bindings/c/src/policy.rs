//! The immutable policy handle: built once at configuration time (from a TOML or JSON
//! document, a file, or builder calls), shared by every thread and forked worker.

use std::ffi::c_char;

use hsg::policy::Policy;
use hsg::Error;
use serde_json::{Map, Value};

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

/// Collects a policy document through calls (`hsts.max_age` = `"1y"`, ...), then builds
/// it with `hstsguard_policy_builder_build()`. The keys are those of docs/POLICY.md as
/// dotted paths; every value is validated when the policy is built, with the same errors
/// (and paths) as a policy file. Not thread-safe: use a builder from one thread at a time.
pub struct hstsguard_policy_builder {
    doc: Map<String, Value>,
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

/// Runs a policy constructor and hands the outcome to C.
///
/// # Safety
/// `policy_out` and `error_out` must be NULL or writable.
unsafe fn deliver(
    policy_out: *mut *mut hstsguard_policy,
    error_out: *mut *mut hstsguard_error,
    build: impl FnOnce() -> Result<Result<Policy, Error>, (hstsguard_result, &'static str)>,
) -> hstsguard_result {
    // SAFETY: promised by the caller; outputs are written, never read.
    unsafe {
        if !error_out.is_null() {
            error_out.write(std::ptr::null_mut());
        }
        if policy_out.is_null() {
            give(
                error_out,
                hstsguard_error::of_result(hstsguard_result::NULL_ARGUMENT, "policy_out is NULL"),
            );
            return hstsguard_result::NULL_ARGUMENT;
        }
        policy_out.write(std::ptr::null_mut());
        match build() {
            Ok(Ok(policy)) => {
                policy_out.write(Box::into_raw(Box::new(hstsguard_policy { inner: policy })));
                hstsguard_result::OK
            }
            Ok(Err(err)) => {
                let e = hstsguard_error::of_core(&err);
                let r = hstsguard_result::of_error(&err);
                give(error_out, e);
                r
            }
            Err((r, why)) => {
                give(error_out, hstsguard_error::of_result(r, why));
                r
            }
        }
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
        deliver(policy_out, error_out, || {
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
        deliver(policy_out, error_out, || {
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
        deliver(policy_out, error_out, || {
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
        deliver(policy_out, std::ptr::null_mut(), || {
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

/// The `Strict-Transport-Security` value the policy sends (e.g.
/// `max-age=31536000; includeSubDomains`), as a view valid while the policy lives;
/// `data` is NULL when HSTS is disabled.
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
            if p.hsts().enabled {
                *v = hstsguard_str::of(p.hsts().policy.value());
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
            builder_out.write(Box::into_raw(Box::new(hstsguard_policy_builder {
                doc: Map::new(),
            })));
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

/// Splits a dotted key into its segments: UTF-8, no empty segment.
fn key_segments(key: &str) -> Result<Vec<&str>, hstsguard_result> {
    let segments: Vec<&str> = key.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(hstsguard_result::INVALID_ARGUMENT);
    }
    Ok(segments)
}

impl hstsguard_policy_builder {
    /// The slot at a dotted path, creating tables on the way. A segment that holds a
    /// non-table value is an `INVALID_ARGUMENT`.
    fn slot(&mut self, key: &str) -> Result<&mut Value, hstsguard_result> {
        let segments = key_segments(key)?;
        let (last, parents) = segments
            .split_last()
            .ok_or(hstsguard_result::INVALID_ARGUMENT)?;
        let mut table = &mut self.doc;
        for seg in parents {
            let entry = table
                .entry((*seg).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            table = entry
                .as_object_mut()
                .ok_or(hstsguard_result::INVALID_ARGUMENT)?;
        }
        Ok(table.entry((*last).to_owned()).or_insert(Value::Null))
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

/// Sets the boolean at a dotted key of the policy document, such as
/// `hsts.include_subdomains` or `redirect.enabled`. The key is checked for shape only
/// (UTF-8, no empty segment; `HSTSGUARD_INVALID_ARGUMENT` when a parent holds a value
/// that is not a table); unknown keys and wrong types are reported, with their path, by
/// `hstsguard_policy_builder_build()`.
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
            *b.slot(key)? = Value::Bool(value);
            Ok(())
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
            *b.slot(key)? = Value::from(value);
            Ok(())
        })())
    })
}

/// Sets the string at a dotted key, such as `hsts.max_age` (`"2y"`), `hsts.send`,
/// `redirect.canonical_host`, `proxy.custom_header.name`. `value` must be UTF-8. As
/// `hstsguard_policy_builder_set_bool()`.
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
            *b.slot(key)? = Value::from(v);
            Ok(())
        })())
    })
}

/// Appends a string to the list at a dotted key, such as `redirect.allowed_hosts`,
/// `redirect.exempt`, `proxy.trusted`, `proxy.sources` or `hpkp.pins` (the list is
/// created by the first call). `HSTSGUARD_INVALID_ARGUMENT` when the key holds a value
/// that is not a list. Otherwise as `hstsguard_policy_builder_set_string()`.
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
    guard(|| {
        status((|| unsafe {
            let (b, key) = builder_and_key(builder, key, key_len)?;
            if value.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let v = text(value, value_len)?;
            let slot = b.slot(key)?;
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            slot.as_array_mut()
                .ok_or(hstsguard_result::INVALID_ARGUMENT)?
                .push(Value::from(v));
            Ok(())
        })())
    })
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
                1 => Ok(Some(false)),
                2 => Ok(Some(true)),
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
            let mut rule = Map::new();
            rule.insert("name".into(), Value::from(name));
            if let Some(s) = secure {
                rule.insert("secure".into(), Value::Bool(s));
            }
            if let Some(h) = http_only {
                rule.insert("http_only".into(), Value::Bool(h));
            }
            if let Some(s) = same_site {
                rule.insert("same_site".into(), Value::from(s));
            }
            let rules = b.slot("cookies.rules")?;
            if rules.is_null() {
                *rules = Value::Array(Vec::new());
            }
            rules
                .as_array_mut()
                .ok_or(hstsguard_result::INVALID_ARGUMENT)?
                .push(Value::Object(rule));
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
        deliver(policy_out, error_out, || {
            let b = builder.as_ref().ok_or(arg_error(
                hstsguard_result::NULL_ARGUMENT,
                "the builder is NULL",
            ))?;
            Ok(Policy::from_value(&Value::Object(b.doc.clone())))
        })
    })
}
