//! The user-agent side of HSTS (RFC 6797 §8) for C clients: a Known HSTS Host store
//! shared by threads (`hstsguard_known_hosts_*`), the embedded preload list
//! (`hstsguard_preload_lookup()`, `hstsguard_preload_list_info()`), URL upgrades and
//! curl's HSTS cache files. Every decision is the core's (`hstsguard::ua`); this module
//! only reads C arguments and writes C outputs.
//!
//! Times are `uint64_t` seconds since the epoch; `HSTSGUARD_NOW` (0) means "the system
//! clock, read at the call".

use std::ffi::c_char;
use std::time::{SystemTime, UNIX_EPOCH};

use hsg::ua::{
    host_from_bytes, EntryKind, HstsMatch, KnownHosts, KnownHostsOptions, LoadReport, PreloadList,
    ReceiveResult, Source, DEFAULT_CAPACITY,
};

use crate::error::{give, hstsguard_error};
use crate::ffi::{bytes, hstsguard_str, init, utf8, write_bytes, OutBuf};
use crate::panic::guard;
use crate::result::{code_cstr, hstsguard_result, status};

/// `now` meaning "read the system clock" (seconds since the epoch at the call). Any other
/// value is taken as the time, in seconds since the epoch, so tests and replays can fix
/// it.
pub const HSTSGUARD_NOW: u64 = 0;

/// The `expires` of `hstsguard_known_hosts_insert()` for an entry that never expires
/// (curl's `"unlimited"`).
pub const HSTSGUARD_EXPIRES_UNLIMITED: u64 = u64::MAX;

/// The number of skipped lines a `hstsguard_load_report` lists (the first ones; the
/// count of all of them is `skipped`).
pub const HSTSGUARD_LOAD_REPORT_SKIPPED_MAX: usize = 8;

/// A Known HSTS Host store with the preload list behind it. Created by
/// `hstsguard_known_hosts_new()`, freed by `hstsguard_known_hosts_free()`. Thread-safe:
/// every function but `_free` takes it as `const` and may be called from any number of
/// threads at once (a read-write lock inside; lookups share it). Not shared across
/// `fork()`: a child has its own copy (share state through the store file).
pub struct hstsguard_known_hosts {
    inner: KnownHosts,
}

/// How a store is set up. Fill it with `hstsguard_known_hosts_options_default()`, then
/// change what you need.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_known_hosts_options {
    /// The most entries kept (default 10,000; 0 is taken as 1). When the store is full,
    /// expired entries go first, then the entry that expires first.
    pub capacity: usize,
    /// Consult the embedded preload list after the dynamic entries (default true).
    pub preload: bool,
    /// Let a single-label host (`app`, `dev`) match its own TLD entry in the preload list
    /// (default false: `http://app:8000` stays plain HTTP).
    pub allow_single_label_preload: bool,
    /// When true, ignore the preload list once it is older than `preload_max_age` seconds
    /// at a lookup's `now` (Chromium: 70 days, Firefox: 18 weeks). Default false: always
    /// use it.
    pub preload_max_age_set: bool,
    /// The maximum age of the preload list in seconds, when `preload_max_age_set`.
    pub preload_max_age: u64,
}

/// What `hstsguard_known_hosts_receive()` did.
///
/// cbindgen:prefix-with-name
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hstsguard_receive_result {
    /// The host became a Known HSTS Host.
    Added = 0,
    /// The host's entry got a new expiry and includeSubDomains.
    Updated = 1,
    /// `max-age=0`: the entry was deleted (for a preloaded host, a knock-out entry now
    /// overrides the list; `reason` is then `"ua.receive.knock_out"`).
    Deleted = 2,
    /// Nothing changed; `reason` says why.
    Ignored = 3,
}

/// The outcome of `hstsguard_known_hosts_receive()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_receive {
    /// Added, updated, deleted or ignored.
    pub result: hstsguard_receive_result,
    /// Why, as a static NUL-terminated code (never freed), or NULL: always set for
    /// `HSTSGUARD_RECEIVE_RESULT_IGNORED` (`"ua.receive.insecure_transport"`,
    /// `"ua.receive.ip_literal"`, `"ua.receive.not_known"`, `"response.no_header"`, or the
    /// first error of an invalid STS value, `"header.parse.*"`), and
    /// `"ua.receive.knock_out"` for a knock-out.
    pub reason: *const c_char,
}

/// Where a matching entry came from.
///
/// cbindgen:prefix-with-name
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hstsguard_source {
    /// No match.
    None = 0,
    /// The site sent it (or it was loaded from a cache file, or inserted).
    Dynamic = 1,
    /// The preload list.
    Preload = 2,
}

/// The entry that makes a host an HSTS host (RFC 6797 §8.2), from
/// `hstsguard_known_hosts_lookup()`. The entry's host name goes to the caller's buffer.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_hsts_match {
    /// True when the host is an HSTS host (then every other field is set).
    pub matched: bool,
    /// The length of the matching entry's host (the host itself or a superdomain,
    /// normalised), written to the caller's buffer when it fits.
    pub entry_len: usize,
    /// The entry's includeSubDomains.
    pub include_subdomains: bool,
    /// False for `"unlimited"` entries and preload entries (then `expires` and
    /// `remaining_seconds` are 0).
    pub has_expires: bool,
    /// When the entry expires, in seconds since the epoch.
    pub expires: u64,
    /// Seconds left at the lookup's `now`.
    pub remaining_seconds: u64,
    /// Dynamic or preload (`HSTSGUARD_SOURCE_NONE` when not matched).
    pub source: hstsguard_source,
}

/// The outcome of `hstsguard_known_hosts_upgrade_url()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_url_upgrade {
    /// The length of the URL to use (written to the caller's buffer when it fits).
    pub len: usize,
    /// True when the URL was rewritten to `https`. When false the URL to use is the input
    /// itself.
    pub upgraded: bool,
    /// True when the host is an HSTS host, also for an `https` URL that needs no rewrite
    /// (and must not fall back to plain HTTP, nor accept a certificate error).
    pub known_host: bool,
}

/// One skipped line of a cache file.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_skipped_line {
    /// The line number, counting from 1.
    pub line: usize,
    /// Why (static, NUL-terminated): `"ua.cache.malformed_line"`,
    /// `"ua.cache.invalid_date"`, `"ua.cache.invalid_host"`, `"ua.cache.ip_literal"`.
    pub code: *const c_char,
}

/// What loading a cache file (or text) found. Plain data, filled in by the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_load_report {
    /// Entries taken (after merging duplicates; knock-outs included).
    pub loaded: usize,
    /// Lines dropped because their entry had expired.
    pub expired: usize,
    /// Lines for a host listed earlier in the file (merged: the later expiry, and
    /// includeSubDomains if either line has it).
    pub duplicates: usize,
    /// Malformed lines skipped (loading went on).
    pub skipped: usize,
    /// How many of `first_skipped` are set: `min(skipped,
    /// HSTSGUARD_LOAD_REPORT_SKIPPED_MAX)`.
    pub first_skipped_len: usize,
    /// The first skipped lines, in file order.
    pub first_skipped: [hstsguard_skipped_line; HSTSGUARD_LOAD_REPORT_SKIPPED_MAX],
}

/// What `hstsguard_known_hosts_save()` wrote.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_save_report {
    /// Entries written (known hosts and knock-outs).
    pub written: usize,
    /// Entries taken from the file that another process had saved meanwhile (now in
    /// this store too).
    pub merged_from_file: usize,
}

/// A preload list entry that matched, from `hstsguard_preload_lookup()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_preload_match {
    /// True when the host or a superdomain that counts is on the list.
    pub preloaded: bool,
    /// The entry's `include_subdomains` (false when not preloaded).
    pub include_subdomains: bool,
    /// True when the entry is the host itself (a congruent match).
    pub exact: bool,
    /// The length of the entry's name (written to the caller's buffer when it fits).
    pub entry_len: usize,
}

/// The embedded preload list, from `hstsguard_preload_list_info()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_preload_info {
    /// The list's date (of the Chromium snapshot), UTC: year.
    pub year: u32,
    /// Month, 1-12.
    pub month: u32,
    /// Day, 1-31.
    pub day: u32,
    /// The date as seconds since the epoch (midnight UTC).
    pub date_epoch_seconds: u64,
    /// The list's age at `now`, in seconds (0 when `now` is before its date).
    pub age_seconds: u64,
    /// The number of `force-https` entries.
    pub entries: usize,
    /// The size of the compiled list in bytes.
    pub size_bytes: usize,
}

const EMPTY_SKIPPED: hstsguard_skipped_line = hstsguard_skipped_line {
    line: 0,
    code: std::ptr::null(),
};

const EMPTY_REPORT: hstsguard_load_report = hstsguard_load_report {
    loaded: 0,
    expired: 0,
    duplicates: 0,
    skipped: 0,
    first_skipped_len: 0,
    first_skipped: [EMPTY_SKIPPED; HSTSGUARD_LOAD_REPORT_SKIPPED_MAX],
};

const NO_MATCH: hstsguard_hsts_match = hstsguard_hsts_match {
    matched: false,
    entry_len: 0,
    include_subdomains: false,
    has_expires: false,
    expires: 0,
    remaining_seconds: 0,
    source: hstsguard_source::None,
};

const NOT_PRELOADED: hstsguard_preload_match = hstsguard_preload_match {
    preloaded: false,
    include_subdomains: false,
    exact: false,
    entry_len: 0,
};

/// `now`, with `HSTSGUARD_NOW` replaced by the system clock.
fn resolve_now(now: u64) -> u64 {
    if now != HSTSGUARD_NOW {
        return now;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs().max(1))
}

fn core_err(e: hsg::Error) -> hstsguard_result {
    hstsguard_result::of_error(&e)
}

/// The host of a (pointer, length) input: NULL is `NULL_ARGUMENT`, bytes that are not
/// UTF-8 are `UA_HOST_NOT_UTF8` (the core's check); the core normalises and checks the
/// rest.
///
/// # Safety
/// `data` must have `len` readable bytes.
unsafe fn host_arg<'a>(data: *const c_char, len: usize) -> Result<&'a str, hstsguard_result> {
    if data.is_null() {
        return Err(hstsguard_result::NULL_ARGUMENT);
    }
    // SAFETY: forwarded to the caller.
    let raw = unsafe { bytes(data, len) }?;
    match utf8(raw) {
        Some(s) => Ok(s),
        None => host_from_bytes(raw).map_err(core_err),
    }
}

/// The store behind a handle, or `NULL_ARGUMENT`.
///
/// # Safety
/// `store` must be NULL or a live store.
unsafe fn store_ref<'a>(
    store: *const hstsguard_known_hosts,
) -> Result<&'a KnownHosts, hstsguard_result> {
    // SAFETY: promised by the caller.
    unsafe { store.as_ref() }
        .map(|s| &s.inner)
        .ok_or(hstsguard_result::NULL_ARGUMENT)
}

/// A file path of `len` bytes (any bytes the OS accepts but NUL).
///
/// # Safety
/// `data` must have `len` readable bytes.
unsafe fn path_arg(
    data: *const c_char,
    len: usize,
) -> Result<std::path::PathBuf, hstsguard_result> {
    if data.is_null() {
        return Err(hstsguard_result::NULL_ARGUMENT);
    }
    // SAFETY: forwarded to the caller.
    let raw = unsafe { bytes(data, len) }?;
    if raw.is_empty() || raw.contains(&0) {
        return Err(hstsguard_result::INVALID_ARGUMENT);
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(std::ffi::OsStr::from_bytes(raw).into())
    }
    #[cfg(not(unix))]
    {
        Ok(String::from_utf8_lossy(raw).into_owned().into())
    }
}

fn load_report_of(r: &LoadReport) -> hstsguard_load_report {
    let mut out = EMPTY_REPORT;
    out.loaded = r.loaded;
    out.expired = r.expired;
    out.duplicates = r.duplicates;
    out.skipped = r.skipped.len();
    for (slot, s) in out.first_skipped.iter_mut().zip(&r.skipped) {
        *slot = hstsguard_skipped_line {
            line: s.line,
            code: code_cstr(s.code).as_ptr(),
        };
        out.first_skipped_len += 1;
    }
    out
}

/// Writes an error to `error_out` for a failed file operation.
///
/// # Safety
/// `error_out` must be NULL or writable.
unsafe fn fail_with(
    error_out: *mut *mut hstsguard_error,
    r: hstsguard_result,
    core: Option<&hsg::Error>,
    what: &str,
) -> hstsguard_result {
    let e = match core {
        Some(err) => hstsguard_error::of_core(err),
        None => hstsguard_error::of_result(r, what),
    };
    // SAFETY: forwarded to the caller.
    unsafe { give(error_out, e) };
    r
}

/// Fills `options_out` with the defaults: capacity 10,000, the embedded preload list,
/// no single-label preload matches, no maximum age for the list.
///
/// # Safety
/// `options_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_options_default(
    options_out: *mut hstsguard_known_hosts_options,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            init(
                options_out,
                hstsguard_known_hosts_options {
                    capacity: DEFAULT_CAPACITY,
                    preload: true,
                    allow_single_label_preload: false,
                    preload_max_age_set: false,
                    preload_max_age: 0,
                },
            )?;
            Ok(())
        })())
    })
}

/// Creates an empty store with `options` (NULL: the defaults of
/// `hstsguard_known_hosts_options_default()`). `*store_out` is the store (free it with
/// `hstsguard_known_hosts_free()`), or NULL on failure.
///
/// # Safety
/// `options` must be NULL or readable; `store_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_new(
    options: *const hstsguard_known_hosts_options,
    store_out: *mut *mut hstsguard_known_hosts,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(store_out, std::ptr::null_mut())?;
            let mut o = KnownHostsOptions::default();
            if let Some(c) = options.as_ref() {
                o.capacity = c.capacity;
                if !c.preload {
                    o.preload = None;
                }
                o.allow_single_label_preload = c.allow_single_label_preload;
                o.preload_max_age = c.preload_max_age_set.then_some(c.preload_max_age);
            }
            *out = Box::into_raw(Box::new(hstsguard_known_hosts {
                inner: KnownHosts::with_options(o),
            }));
            Ok(())
        })())
    })
}

/// Frees a store. NULL is ignored. No other thread may be using it.
///
/// # Safety
/// `store` must be NULL or a store from this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_free(store: *mut hstsguard_known_hosts) {
    guard(|| {
        if !store.is_null() {
            // SAFETY: created by Box::into_raw in `hstsguard_known_hosts_new`, freed once.
            drop(unsafe { Box::from_raw(store) });
        }
    })
}

/// Records the `Strict-Transport-Security` field values of one response from `host`
/// (RFC 6797 §8.1): `fields` are the values of every STS field of the response, in
/// order (`fields_len` of them; NULL when 0); `secure_transport` says whether the
/// response came over a secure transport (TLS without certificate errors). Only the
/// first field counts and an invalid one is ignored; `max-age=0` deletes the entry.
///
/// The outcome goes to `*receive_out`. Errors: `HSTSGUARD_UA_HOST_INVALID`,
/// `HSTSGUARD_UA_HOST_TOO_LONG`, `HSTSGUARD_UA_HOST_NOT_UTF8` for the host;
/// `HSTSGUARD_INVALID_UTF8` when a field value is not UTF-8 (nothing is recorded). On an
/// error `*receive_out` is `IGNORED` with a NULL reason. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `host` must have `host_len` readable bytes; `fields`
/// must have `fields_len` readable views, each valid; `receive_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_receive(
    store: *const hstsguard_known_hosts,
    host: *const c_char,
    host_len: usize,
    fields: *const hstsguard_str,
    fields_len: usize,
    secure_transport: bool,
    now: u64,
    receive_out: *mut hstsguard_receive,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(
                receive_out,
                hstsguard_receive {
                    result: hstsguard_receive_result::Ignored,
                    reason: std::ptr::null(),
                },
            )?;
            let store = store_ref(store)?;
            let host = host_arg(host, host_len)?;
            if fields.is_null() && fields_len != 0 {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let views: &[hstsguard_str] = if fields_len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(fields, fields_len)
            };
            let mut values: Vec<&str> = Vec::with_capacity(views.len());
            for v in views {
                values.push(utf8(v.bytes()?).ok_or(hstsguard_result::INVALID_UTF8)?);
            }
            let o = store
                .receive(host, &values, secure_transport, resolve_now(now))
                .map_err(core_err)?;
            *out = hstsguard_receive {
                result: match o.result {
                    ReceiveResult::Added => hstsguard_receive_result::Added,
                    ReceiveResult::Updated => hstsguard_receive_result::Updated,
                    ReceiveResult::Deleted => hstsguard_receive_result::Deleted,
                    _ => hstsguard_receive_result::Ignored,
                },
                reason: o.reason.map_or(std::ptr::null(), |c| code_cstr(c).as_ptr()),
            };
            Ok(())
        })())
    })
}

fn match_of(m: &HstsMatch) -> hstsguard_hsts_match {
    hstsguard_hsts_match {
        matched: true,
        entry_len: m.entry.len(),
        include_subdomains: m.include_subdomains,
        has_expires: m.expires.is_some(),
        expires: m.expires.unwrap_or(0),
        remaining_seconds: m.remaining_seconds.unwrap_or(0),
        source: match m.source {
            Source::Dynamic => hstsguard_source::Dynamic,
            Source::Preload => hstsguard_source::Preload,
        },
    }
}

/// Whether `host` is an HSTS host at `now` and by which entry (RFC 6797 §8.2): a
/// congruent match, or a superdomain whose entry has includeSubDomains; dynamic entries
/// first (a knock-out means no), then the preload list. The host is normalised first
/// (lower-case, IDNA to A-labels, one trailing dot removed); an IP literal never matches.
/// Expired entries never match and are evicted.
///
/// The result goes to `*match_out`; the matching entry's host name to `entry_buf`
/// (`entry_cap` bytes, not NUL-terminated; NULL with 0 when you do not want it). When
/// the name does not fit nothing is written to the buffer and the result is
/// `HSTSGUARD_BUFFER_TOO_SMALL`, with `*match_out` complete (`entry_len` is the size
/// needed; at most 253). Host errors as `hstsguard_known_hosts_receive()`. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `host` must have `host_len` readable bytes; `entry_buf`
/// must have `entry_cap` writable bytes; `match_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_lookup(
    store: *const hstsguard_known_hosts,
    host: *const c_char,
    host_len: usize,
    now: u64,
    entry_buf: *mut c_char,
    entry_cap: usize,
    match_out: *mut hstsguard_hsts_match,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(match_out, NO_MATCH)?;
            let store = store_ref(store)?;
            let buf = OutBuf::new(entry_buf, entry_cap)?;
            let host = host_arg(host, host_len)?;
            let Some(m) = store.lookup(host, resolve_now(now)).map_err(core_err)? else {
                return Ok(());
            };
            *out = match_of(&m);
            if buf.declined() || write_bytes(&buf, m.entry.as_bytes()) {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}

/// Sets `*upgrade_out` to whether requests to `host` must use HTTPS at `now`
/// (`hstsguard_known_hosts_lookup()` finds a match). Errors as that function; then
/// `*upgrade_out` is false. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `host` must have `host_len` readable bytes;
/// `upgrade_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_should_upgrade(
    store: *const hstsguard_known_hosts,
    host: *const c_char,
    host_len: usize,
    now: u64,
    upgrade_out: *mut bool,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(upgrade_out, false)?;
            let store = store_ref(store)?;
            let host = host_arg(host, host_len)?;
            *out = store
                .should_upgrade(host, resolve_now(now))
                .map_err(core_err)?;
            Ok(())
        })())
    })
}

/// Upgrades a URL for a request (RFC 6797 §8.3): when its host is an HSTS host and its
/// scheme is `http`, the scheme becomes `https`, port 80 becomes the default port, any
/// other explicit port is kept, and user-info, path, query and fragment are kept. Other
/// URLs stay as they are.
///
/// The URL to use is written to `buf` (`cap` bytes, not NUL-terminated); its length is
/// `upgrade_out->len`. When it does not fit nothing is written and the result is
/// `HSTSGUARD_BUFFER_TOO_SMALL` with `*upgrade_out` complete; but when the URL was not
/// upgraded (`upgraded == false`, the URL to use is the input) the result is
/// `HSTSGUARD_OK` whether or not it fitted. `buf` may be NULL when `cap` is 0.
///
/// A URL that cannot be parsed (or is relative) is `HSTSGUARD_UA_URL_INVALID`, never
/// passed through; a URL that is not UTF-8 is `HSTSGUARD_INVALID_UTF8`. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `url` must have `url_len` readable bytes; `buf` must
/// have `cap` writable bytes; `upgrade_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_upgrade_url(
    store: *const hstsguard_known_hosts,
    url: *const c_char,
    url_len: usize,
    now: u64,
    buf: *mut c_char,
    cap: usize,
    upgrade_out: *mut hstsguard_url_upgrade,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(
                upgrade_out,
                hstsguard_url_upgrade {
                    len: 0,
                    upgraded: false,
                    known_host: false,
                },
            )?;
            let store = store_ref(store)?;
            let buf = OutBuf::new(buf, cap)?;
            if url.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let url = utf8(bytes(url, url_len)?).ok_or(hstsguard_result::INVALID_UTF8)?;
            let up = store.upgrade_url(url, resolve_now(now)).map_err(core_err)?;
            *out = hstsguard_url_upgrade {
                len: up.url.len(),
                upgraded: up.upgraded,
                known_host: up.matched.is_some(),
            };
            if write_bytes(&buf, up.url.as_bytes()) || !up.upgraded {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}

/// Adds or replaces a Known HSTS Host entry directly (as a browser's "add HSTS host"
/// setting does): `expires` in seconds since the epoch, or
/// `HSTSGUARD_EXPIRES_UNLIMITED`. The capacity applies as for receiving. An IP literal
/// is `HSTSGUARD_UA_HOST_INVALID`; other host errors as
/// `hstsguard_known_hosts_receive()`. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `host` must have `host_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_insert(
    store: *const hstsguard_known_hosts,
    host: *const c_char,
    host_len: usize,
    include_subdomains: bool,
    expires: u64,
    now: u64,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let store = store_ref(store)?;
            let host = host_arg(host, host_len)?;
            let expires = (expires != HSTSGUARD_EXPIRES_UNLIMITED).then_some(expires);
            store
                .insert(host, include_subdomains, expires, resolve_now(now))
                .map_err(core_err)
        })())
    })
}

/// Removes the entry for exactly `host` (known host or knock-out); `*removed_out` (may be
/// NULL) says whether there was one. Host errors as `hstsguard_known_hosts_receive()`.
/// Thread-safe.
///
/// # Safety
/// `store` must be a live store; `host` must have `host_len` readable bytes;
/// `removed_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_remove(
    store: *const hstsguard_known_hosts,
    host: *const c_char,
    host_len: usize,
    removed_out: *mut bool,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            if !removed_out.is_null() {
                removed_out.write(false);
            }
            let store = store_ref(store)?;
            let host = host_arg(host, host_len)?;
            let removed = store.remove(host).map_err(core_err)?;
            if !removed_out.is_null() {
                removed_out.write(removed);
            }
            Ok(())
        })())
    })
}

/// Removes every entry. Thread-safe.
///
/// # Safety
/// `store` must be NULL or a live store.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_clear(
    store: *const hstsguard_known_hosts,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            store_ref(store)?.clear();
            Ok(())
        })())
    })
}

/// The number of entries held (expired ones included until they are evicted); 0 for
/// NULL. Thread-safe.
///
/// # Safety
/// `store` must be NULL or a live store.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_len(store: *const hstsguard_known_hosts) -> usize {
    // SAFETY: promised by the caller.
    guard(|| unsafe { store_ref(store) }.map_or(0, |s| s.len()))
}

/// Drops the entries expired at `now`; `*purged_out` (may be NULL) is how many.
/// Thread-safe.
///
/// # Safety
/// `store` must be a live store; `purged_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_purge_expired(
    store: *const hstsguard_known_hosts,
    now: u64,
    purged_out: *mut usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            if !purged_out.is_null() {
                purged_out.write(0);
            }
            let n = store_ref(store)?.purge_expired(resolve_now(now));
            if !purged_out.is_null() {
                purged_out.write(n);
            }
            Ok(())
        })())
    })
}

/// The live entries at `now` in curl's HSTS cache format (what
/// `hstsguard_known_hosts_save()` writes): two `#` comment lines, then one entry a line
/// (`[.]host "YYYYMMDD HH:MM:SS"` or `"unlimited"`; knock-outs as
/// `# hstsguard knock-out: host` comments), sorted by host, each line ending in `\n`.
///
/// Written to `buf` (`cap` bytes, not NUL-terminated); `*len_out` is its length. When it
/// does not fit nothing is written and the result is `HSTSGUARD_BUFFER_TOO_SMALL`;
/// `buf` may be NULL when `cap` is 0, to ask for the length. The text can grow between
/// two calls when other threads add entries: call again on `BUFFER_TOO_SMALL`.
/// Thread-safe.
///
/// # Safety
/// `store` must be a live store; `buf` must have `cap` writable bytes; `len_out` must be
/// writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_to_cache_text(
    store: *const hstsguard_known_hosts,
    now: u64,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let len = init(len_out, 0)?;
            let store = store_ref(store)?;
            let buf = OutBuf::new(buf, cap)?;
            let text = store.to_cache_text(resolve_now(now));
            *len = text.len();
            if write_bytes(&buf, text.as_bytes()) {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}

/// The number of live entries at `now` that are knock-outs (a preloaded host that sent
/// `max-age=0`) and known hosts: `*known_out` and `*knockouts_out` (either may be NULL).
/// Thread-safe.
///
/// # Safety
/// `store` must be a live store; the outputs must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_count(
    store: *const hstsguard_known_hosts,
    now: u64,
    known_out: *mut usize,
    knockouts_out: *mut usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            for p in [known_out, knockouts_out] {
                if !p.is_null() {
                    p.write(0);
                }
            }
            let entries = store_ref(store)?.entries(resolve_now(now));
            let knockouts = entries
                .iter()
                .filter(|e| e.kind == EntryKind::KnockOut)
                .count();
            if !known_out.is_null() {
                known_out.write(entries.len() - knockouts);
            }
            if !knockouts_out.is_null() {
                knockouts_out.write(knockouts);
            }
            Ok(())
        })())
    })
}

/// Loads entries from text in curl's HSTS cache format (`len` bytes at `text`, UTF-8:
/// otherwise `HSTSGUARD_INVALID_UTF8` and nothing is loaded). Malformed lines are
/// skipped and reported in `*report_out` (loading goes on); a host listed twice keeps the
/// later expiry and includeSubDomains if either line has it; expired lines are dropped.
/// Thread-safe.
///
/// # Safety
/// `store` must be a live store; `text` must have `len` readable bytes; `report_out`
/// must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_load_text(
    store: *const hstsguard_known_hosts,
    text: *const c_char,
    len: usize,
    now: u64,
    report_out: *mut hstsguard_load_report,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            if !report_out.is_null() {
                report_out.write(EMPTY_REPORT);
            }
            let store = store_ref(store)?;
            if text.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let text = utf8(bytes(text, len)?).ok_or(hstsguard_result::INVALID_UTF8)?;
            let report = store.load_text(text, resolve_now(now));
            if !report_out.is_null() {
                report_out.write(load_report_of(&report));
            }
            Ok(())
        })())
    })
}

/// Loads an HSTS cache file in curl's format (`path_len` bytes at `path`, not
/// NUL-terminated) into the store, as `hstsguard_known_hosts_load_text()` (a line that
/// is not UTF-8 is skipped as malformed). A missing file is an empty file.
///
/// Errors: `HSTSGUARD_UA_STORE_IS_DIRECTORY`, `HSTSGUARD_UA_STORE_IO` (the error object,
/// when `error_out` is not NULL, names the path and the OS error; free it with
/// `hstsguard_error_free()`); `HSTSGUARD_INVALID_ARGUMENT` for an empty path or one with
/// a NUL byte. On an error the store is unchanged. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `path` must have `path_len` readable bytes;
/// `report_out` and `error_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_load(
    store: *const hstsguard_known_hosts,
    path: *const c_char,
    path_len: usize,
    now: u64,
    report_out: *mut hstsguard_load_report,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        if !error_out.is_null() {
            error_out.write(std::ptr::null_mut());
        }
        if !report_out.is_null() {
            report_out.write(EMPTY_REPORT);
        }
        let store = match store_ref(store) {
            Ok(s) => s,
            Err(r) => return fail_with(error_out, r, None, "the store is NULL"),
        };
        let path = match path_arg(path, path_len) {
            Ok(p) => p,
            Err(r) => {
                return fail_with(
                    error_out,
                    r,
                    None,
                    "the path is NULL, empty or has a NUL byte",
                )
            }
        };
        match store.load(&path, resolve_now(now)) {
            Ok(report) => {
                if !report_out.is_null() {
                    report_out.write(load_report_of(&report));
                }
                hstsguard_result::OK
            }
            Err(e) => fail_with(error_out, core_err(e.clone()), Some(&e), ""),
        }
    })
}

/// Saves the store to an HSTS cache file in curl's format, so that `curl --hsts FILE`
/// can use it: under an advisory lock (`FILE.lock`) the file is read again and merged
/// (entries this store changed win; entries another process saved meanwhile are kept and
/// taken into this store), written to a temporary file in the same directory and renamed
/// over the file. Two processes (or two stores) saving the same file lose no entry.
///
/// `*report_out` (may be NULL) says what was written. Errors as
/// `hstsguard_known_hosts_load()`; the store and the old file are then unchanged.
/// Thread-safe.
///
/// # Safety
/// `store` must be a live store; `path` must have `path_len` readable bytes;
/// `report_out` and `error_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_save(
    store: *const hstsguard_known_hosts,
    path: *const c_char,
    path_len: usize,
    now: u64,
    report_out: *mut hstsguard_save_report,
    error_out: *mut *mut hstsguard_error,
) -> hstsguard_result {
    guard(|| unsafe {
        if !error_out.is_null() {
            error_out.write(std::ptr::null_mut());
        }
        if !report_out.is_null() {
            report_out.write(hstsguard_save_report {
                written: 0,
                merged_from_file: 0,
            });
        }
        let store = match store_ref(store) {
            Ok(s) => s,
            Err(r) => return fail_with(error_out, r, None, "the store is NULL"),
        };
        let path = match path_arg(path, path_len) {
            Ok(p) => p,
            Err(r) => {
                return fail_with(
                    error_out,
                    r,
                    None,
                    "the path is NULL, empty or has a NUL byte",
                )
            }
        };
        match store.save(&path, resolve_now(now)) {
            Ok(report) => {
                if !report_out.is_null() {
                    report_out.write(hstsguard_save_report {
                        written: report.written,
                        merged_from_file: report.merged_from_file,
                    });
                }
                hstsguard_result::OK
            }
            Err(e) => fail_with(error_out, core_err(e.clone()), Some(&e), ""),
        }
    })
}

/// Looks `host` up in the embedded preload list (without any store): the most specific
/// entry for the host or a superdomain that counts (the host itself, or a superdomain
/// whose entry has include_subdomains). A single-label host (`app`, `dev`) matches its
/// own TLD entry only when `allow_single_label` is true. The host is normalised first; an
/// IP literal is never preloaded.
///
/// The result goes to `*match_out`; the entry's name to `entry_buf` (`entry_cap` bytes,
/// not NUL-terminated; NULL with 0 when you do not want it), as
/// `hstsguard_known_hosts_lookup()` (`HSTSGUARD_BUFFER_TOO_SMALL` with `*match_out`
/// complete). Host errors as `hstsguard_known_hosts_receive()`. No allocation for a
/// host in canonical form; thread-safe.
///
/// # Safety
/// `host` must have `host_len` readable bytes; `entry_buf` must have `entry_cap`
/// writable bytes; `match_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_preload_lookup(
    host: *const c_char,
    host_len: usize,
    allow_single_label: bool,
    entry_buf: *mut c_char,
    entry_cap: usize,
    match_out: *mut hstsguard_preload_match,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(match_out, NOT_PRELOADED)?;
            let buf = OutBuf::new(entry_buf, entry_cap)?;
            let host = host_arg(host, host_len)?;
            let Some(m) = PreloadList::embedded()
                .lookup_with(host, allow_single_label)
                .map_err(core_err)?
            else {
                return Ok(());
            };
            *out = hstsguard_preload_match {
                preloaded: true,
                include_subdomains: m.include_subdomains(),
                exact: m.is_exact(),
                entry_len: m.entry().len(),
            };
            if buf.declined() || write_bytes(&buf, m.entry().as_bytes()) {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}

/// The embedded preload list's date, age at `now`, size and number of entries. The date
/// is the API's way to decide when the list is too old (Chromium ignores its list 70
/// days after the build, Firefox 18 weeks after generation; see
/// `hstsguard_known_hosts_options.preload_max_age`).
///
/// # Safety
/// `info_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_preload_list_info(
    now: u64,
    info_out: *mut hstsguard_preload_info,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let list = PreloadList::embedded();
            let date = list.date();
            let (year, month, day) = date.ymd();
            init(
                info_out,
                hstsguard_preload_info {
                    year,
                    month,
                    day,
                    date_epoch_seconds: date.epoch_seconds(),
                    age_seconds: list.age_seconds(resolve_now(now)),
                    entries: list.len(),
                    size_bytes: list.size_bytes(),
                },
            )?;
            Ok(())
        })())
    })
}

/// Whether a store consults the preload list at `now` (configured, and not older than
/// its maximum age): `*in_use_out`. Thread-safe.
///
/// # Safety
/// `store` must be a live store; `in_use_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_known_hosts_preload_in_use(
    store: *const hstsguard_known_hosts,
    now: u64,
    in_use_out: *mut bool,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let out = init(in_use_out, false)?;
            *out = store_ref(store)?.preload_in_use(resolve_now(now)).is_some();
            Ok(())
        })())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_store(preload: bool) -> *mut hstsguard_known_hosts {
        let mut o = std::mem::MaybeUninit::uninit();
        let mut s = std::ptr::null_mut();
        unsafe {
            assert_eq!(
                hstsguard_known_hosts_options_default(o.as_mut_ptr()),
                hstsguard_result::OK
            );
            let mut o = o.assume_init();
            o.preload = preload;
            assert_eq!(hstsguard_known_hosts_new(&o, &mut s), hstsguard_result::OK);
        }
        assert!(!s.is_null());
        s
    }

    fn receive(s: *const hstsguard_known_hosts, host: &[u8], value: &str) -> hstsguard_result {
        let f = hstsguard_str::of(value);
        let mut out = std::mem::MaybeUninit::uninit();
        unsafe {
            hstsguard_known_hosts_receive(
                s,
                host.as_ptr().cast(),
                host.len(),
                &f,
                1,
                true,
                1_800_000_000,
                out.as_mut_ptr(),
            )
        }
    }

    #[test]
    fn receive_then_lookup_through_the_abi() {
        let s = new_store(false);
        assert_eq!(
            receive(s, b"Example.COM.", "max-age=600; includeSubDomains"),
            hstsguard_result::OK
        );
        let mut buf = [0 as c_char; 16];
        let mut m = NO_MATCH;
        let host = b"a.example.com";
        let r = unsafe {
            hstsguard_known_hosts_lookup(
                s,
                host.as_ptr().cast(),
                host.len(),
                1_800_000_100,
                buf.as_mut_ptr(),
                buf.len(),
                &mut m,
            )
        };
        assert_eq!(r, hstsguard_result::OK);
        assert!(m.matched && m.include_subdomains && m.has_expires);
        assert_eq!(
            (m.remaining_seconds, m.source),
            (500, hstsguard_source::Dynamic)
        );
        let name: Vec<u8> = buf[..m.entry_len].iter().map(|&c| c as u8).collect();
        assert_eq!(name, b"example.com");
        unsafe { hstsguard_known_hosts_free(s) };
    }

    #[test]
    fn host_errors_are_ua_results() {
        let s = new_store(false);
        assert_eq!(
            receive(s, b"\xffexample.com", "max-age=1"),
            hstsguard_result::UA_HOST_NOT_UTF8
        );
        assert_eq!(
            receive(s, "a.".repeat(130).as_bytes(), "max-age=1"),
            hstsguard_result::UA_HOST_TOO_LONG
        );
        assert_eq!(
            receive(s, b"a b", "max-age=1"),
            hstsguard_result::UA_HOST_INVALID
        );
        unsafe { hstsguard_known_hosts_free(s) };
    }

    #[test]
    fn the_system_clock_stands_in_for_zero() {
        assert_eq!(resolve_now(42), 42);
        assert!(resolve_now(HSTSGUARD_NOW) > 1_700_000_000);
    }

    #[test]
    fn a_load_report_lists_the_first_skipped_lines() {
        let s = new_store(false);
        let text = "x\n".repeat(20);
        let mut r = EMPTY_REPORT;
        let rc = unsafe {
            hstsguard_known_hosts_load_text(s, text.as_ptr().cast(), text.len(), 1, &mut r)
        };
        assert_eq!(rc, hstsguard_result::OK);
        assert_eq!((r.skipped, r.first_skipped_len), (20, 8));
        assert_eq!(r.first_skipped[7].line, 8);
        unsafe { hstsguard_known_hosts_free(s) };
    }
}
