//! Per request: the request as borrowed views, the decision as plain data whose strings
//! borrow from the policy, and the Location written into a caller buffer. The pass path
//! does not allocate.

use std::ffi::{c_char, c_void};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::ptr::{self, addr_of_mut};

use hsg::policy::{ExistingHeader, Policy};
use hsg::redirect::Outcome;
use hsg::{HeaderLookup, RequestFacts};

use crate::ffi::{hstsguard_header, hstsguard_str, init, utf8};
use crate::panic::guard;
use crate::policy::hstsguard_policy;
use crate::result::{code_cstr, hstsguard_result, status};

/// Looks a request header up by name, for servers that keep headers in their own
/// structure (nginx's `headers_in` list, Apache's `apr_table_t`).
///
/// `name` is the field name hstsguard wants (compare it ASCII case-insensitively; it is
/// not NUL-terminated). `index` counts the fields of that name in the order received: 0
/// is the first, 1 the second, ... When that field exists, set `*value_out` to its value
/// and return true; otherwise return false. A server that keeps repeated fields combined
/// into one value (`"a, b"`) may answer index 0 with it and false for the others; at
/// most 1024 fields of one name are read. The value must stay valid until the evaluating
/// call returns. A value that is not UTF-8, or NULL with a non-zero length, is ignored
/// (as if that field were absent).
///
/// The callback is only called during `hstsguard_policy_evaluate()` /
/// `hstsguard_policy_is_secure()`, on the calling thread, and only when the peer is a
/// trusted proxy. It must return normally: a C++ exception escaping it aborts the process,
/// and `longjmp` out of it is undefined behaviour.
pub type hstsguard_header_lookup_fn = Option<
    unsafe extern "C-unwind" fn(
        userdata: *mut c_void,
        name: hstsguard_str,
        index: usize,
        value_out: *mut hstsguard_str,
    ) -> bool,
>;

/// What hstsguard needs to know about one request, as views borrowed for the duration of
/// the call (nothing is kept afterwards).
///
/// Views follow the `hstsguard_str` rule (NULL data only with length 0) unless stated.
/// Text that is not UTF-8 never fails the call; the rules are:
/// - `method`: read with each invalid sequence replaced by U+FFFD (so it is simply not
///   GET or HEAD);
/// - `host`: a Host that is not UTF-8 is malformed: the request is rejected with 400
///   (`host.malformed`) where a Host matters, exactly as for any other malformed Host;
/// - `target`: each byte of an invalid sequence is percent-encoded (`%FF`) before
///   evaluation, which is what the Location would contain anyway;
/// - header values: a field whose value is not UTF-8 is ignored.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_request {
    /// The method as sent (`GET`, `POST`, ...).
    pub method: hstsguard_str,
    /// True when the connection to this server is TLS.
    pub tls: bool,
    /// The Host header, or the authority of an absolute-form target.
    /// `data == NULL` (with `len == 0`): the request has no Host.
    pub host: hstsguard_str,
    /// The raw path and query as received (`/a/b?c=d`), not decoded.
    pub target: hstsguard_str,
    /// The textual IPv4 or IPv6 address of the peer that connected to this server
    /// (`192.0.2.1`, `2001:db8::1`; no port, no brackets). Empty: unknown. It is read
    /// only when the decision depends on it (a request that is not TLS, under a policy
    /// with trusted proxies); then anything but an address is `HSTSGUARD_INVALID_PEER`.
    pub peer: hstsguard_str,
    /// The request's header fields in the order received (`headers_len` of them; NULL
    /// when 0), repeated names included: each proxy rule reads the field it needs (the
    /// first, or the last for `list = "rightmost"`). They are read only when the peer is
    /// a trusted proxy; an entry whose name or value is NULL with a non-zero length is
    /// ignored. Use either `headers` or `lookup`, not both.
    pub headers: *const hstsguard_header,
    /// The number of entries at `headers`.
    pub headers_len: usize,
    /// A header lookup callback, used instead of `headers`; NULL for none.
    pub lookup: hstsguard_header_lookup_fn,
    /// Passed to `lookup` as its first argument.
    pub lookup_userdata: *mut c_void,
    /// The time of the request in seconds since the epoch, when the server has it at hand
    /// (nginx's cached `ngx_time()`); 0 reads the system clock when the policy needs the
    /// time (a policy with an `[hsts.ramp]`, and only then).
    pub now: u64,
}

/// What the server should do with a request.
///
/// cbindgen:prefix-with-name
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hstsguard_action {
    /// No decision: the call failed (the value of a zeroed decision). Never returned
    /// with `HSTSGUARD_OK`.
    None = 0,
    /// Serve the request (and add the headers of the decision).
    Pass = 1,
    /// Answer with `status` and a `Location` header (the location buffer).
    Redirect = 2,
    /// Refuse the request with `status` (400, 403 or 426); `reason_code` says why.
    Reject = 3,
}

/// The most headers a decision carries (`hstsguard_decision.headers`).
pub const HSTSGUARD_MAX_RESPONSE_HEADERS: usize = 8;

/// A header the server should add to the response; views borrowed from the policy (or
/// static), valid while the policy lives.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_response_header {
    /// The field name: `Strict-Transport-Security`, `Public-Key-Pins`,
    /// `Public-Key-Pins-Report-Only`, `Upgrade`, `Connection`, ...
    pub name: hstsguard_str,
    /// The field value.
    pub value: hstsguard_str,
    /// True: replace a field of this name that the response already has. False: keep an
    /// existing field and add this one only when there is none.
    pub replace: bool,
}

/// The decision for one request: plain data, no allocation to free. String views borrow
/// from the policy (or are static) and stay valid while the policy lives.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_decision {
    /// Pass, redirect or reject (`HSTSGUARD_ACTION_NONE` only when the call failed).
    pub action: hstsguard_action,
    /// The status of a redirect (301, 302, 303, 307, 308) or reject (400, 403, 426);
    /// 0 for pass.
    pub status: u16,
    /// True when the request arrived over TLS or through a trusted proxy that says so.
    pub secure: bool,
    /// For a reject, why: `host.missing`, `host.malformed`, `host.not_allowed`,
    /// `redirect.method_refused` or `proxy.sources_disagree` (static, NUL-terminated);
    /// NULL otherwise.
    pub reason_code: *const c_char,
    /// For a redirect, the length of the `Location` value (the absolute `https://` URL,
    /// free of CR, LF, NUL, spaces and user-info); 0 otherwise.
    pub location_len: usize,
    /// The number of entries of `headers` in use.
    pub headers_len: usize,
    /// The headers to add to the response, whatever the action (error pages and
    /// redirects included), in order: `Strict-Transport-Security` (on secure requests),
    /// HPKP when configured, and for a 426 answer `Upgrade` and `Connection`. Entries from
    /// `headers_len` on are unspecified.
    pub headers: [hstsguard_response_header; HSTSGUARD_MAX_RESPONSE_HEADERS],
}

/// Sets the scalar fields of a decision through the raw pointer. The caller's struct may
/// hold anything (it is an output) and is never referenced as a whole: its header entries
/// from `headers_len` on are left as they are, so the request path writes only what it
/// uses.
///
/// # Safety
/// `d` must be non-NULL, aligned and writable.
unsafe fn set_decision(
    d: *mut hstsguard_decision,
    action: hstsguard_action,
    status: u16,
    secure: bool,
    reason_code: *const c_char,
    location_len: usize,
    headers_len: usize,
) {
    // SAFETY: promised by the caller; each field is written in place.
    unsafe {
        addr_of_mut!((*d).action).write(action);
        addr_of_mut!((*d).status).write(status);
        addr_of_mut!((*d).secure).write(secure);
        addr_of_mut!((*d).reason_code).write(reason_code);
        addr_of_mut!((*d).location_len).write(location_len);
        addr_of_mut!((*d).headers_len).write(headers_len);
    }
}

/// The request's headers, read from the array or through the callback.
struct CHeaders<'a> {
    array: &'a [hstsguard_header],
    lookup: hstsguard_header_lookup_fn,
    userdata: *mut c_void,
}

/// Calls the C callback from a function that cannot unwind: an exception thrown through
/// the callback aborts the process here instead of unwinding through Rust frames.
extern "C" fn call_lookup(
    f: unsafe extern "C-unwind" fn(*mut c_void, hstsguard_str, usize, *mut hstsguard_str) -> bool,
    userdata: *mut c_void,
    name: hstsguard_str,
    index: usize,
    value: *mut hstsguard_str,
) -> bool {
    // SAFETY: the callback's contract is documented on hstsguard_header_lookup_fn.
    unsafe { f(userdata, name, index, value) }
}

/// The most fields of one name read through the lookup callback (a guard against a
/// callback that never answers false).
const MAX_FIELDS: usize = 1024;

/// The UTF-8 text of a header value view, or `None`.
///
/// # Safety
/// The view must be valid for `'a`.
unsafe fn header_text<'a>(v: hstsguard_str) -> Option<&'a str> {
    // SAFETY: forwarded to the caller.
    utf8(unsafe { v.bytes() }.ok()?)
}

impl<'a> CHeaders<'a> {
    /// Calls `f` with each UTF-8 value of the fields named `name`, in order, until it
    /// returns false.
    fn visit(&self, name: &str, mut f: impl FnMut(&'a str) -> bool) {
        match self.lookup {
            Some(cb) => {
                for index in 0..MAX_FIELDS {
                    let mut value = hstsguard_str::NONE;
                    if !call_lookup(
                        cb,
                        self.userdata,
                        hstsguard_str::of(name),
                        index,
                        &mut value,
                    ) {
                        return;
                    }
                    // SAFETY: the callback promises the value stays valid during the call.
                    if let Some(v) = unsafe { header_text(value) } {
                        if !f(v) {
                            return;
                        }
                    }
                }
            }
            None => {
                let want = name.as_bytes();
                for h in self.array {
                    // Lengths first: most fields are skipped without reading their name.
                    if h.name.len != want.len() || h.name.data.is_null() {
                        continue;
                    }
                    // SAFETY: non-NULL, as long as `name` (so at most isize::MAX), and
                    // valid for 'a (the caller's promise).
                    let n =
                        unsafe { std::slice::from_raw_parts(h.name.data.cast::<u8>(), want.len()) };
                    if n.eq_ignore_ascii_case(want) {
                        // SAFETY: as above.
                        if let Some(v) = unsafe { header_text(h.value) } {
                            if !f(v) {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

impl HeaderLookup for CHeaders<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let mut first = None;
        self.visit(name, |v| {
            first = Some(v);
            false
        });
        first
    }

    fn for_each_value<'s>(&'s self, name: &str, f: &mut dyn FnMut(&'s str)) {
        self.visit(name, |v| {
            f(v);
            true
        });
    }
}

/// Percent-encodes every byte of an invalid UTF-8 sequence; valid text is kept.
fn encode_invalid(raw: &[u8]) -> String {
    let mut s = String::with_capacity(raw.len() + 16);
    for chunk in raw.utf8_chunks() {
        s.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s
}

/// True when a decision depends on the peer address: only a request that is not TLS,
/// under a policy that trusts some proxy (the test `the_peer_matters_only_when_needed`
/// holds the core to it).
fn peer_needed(policy: &Policy, tls: bool) -> bool {
    !tls && !policy.proxy().networks().is_empty()
}

/// The peer's address from its text, read by the core's one peer reader
/// (`hsg::parse_peer`: IPv4, IPv6, brackets and an IPv6 zone allowed).
fn parse_peer(text: &[u8]) -> Option<IpAddr> {
    hsg::parse_peer(utf8(text)?).ok()
}

/// Text of a request field: borrowed when UTF-8 (no allocation), otherwise converted by
/// `fix` into `slot`.
#[inline]
fn field_text<'a>(b: &'a [u8], slot: &'a mut Option<String>, fix: fn(&[u8]) -> String) -> &'a str {
    match utf8(b) {
        Some(t) => t,
        None => slot.insert(fix(b)),
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Reads and checks a request, then runs `f` with its facts. Nothing is allocated unless a
/// field is not UTF-8.
///
/// # Safety
/// Every view and the header array must be valid as documented on hstsguard_request.
#[inline]
unsafe fn with_facts<R>(
    r: &hstsguard_request,
    policy: &Policy,
    f: impl FnOnce(&RequestFacts<'_>) -> R,
) -> Result<R, hstsguard_result> {
    // SAFETY: promised by the caller.
    unsafe {
        let (mut method_slot, mut host_slot, mut target_slot) = (None, None, None);
        let method = field_text(r.method.bytes()?, &mut method_slot, lossy);
        let host = if r.host.data.is_null() && r.host.len == 0 {
            None
        } else {
            Some(field_text(r.host.bytes()?, &mut host_slot, lossy))
        };
        let target = field_text(r.target.bytes()?, &mut target_slot, encode_invalid);
        let peer_text = r.peer.bytes()?;
        // The core reads the peer only for a request that is not TLS under a policy that
        // trusts proxies (`ProxyTrust::is_secure`); otherwise it is not even parsed.
        let peer = if peer_text.is_empty() || !peer_needed(policy, r.tls) {
            None
        } else {
            Some(parse_peer(peer_text).ok_or(hstsguard_result::INVALID_PEER)?)
        };
        let array: &[hstsguard_header] = if r.headers.is_null() {
            if r.headers_len != 0 {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            &[]
        } else {
            if r.headers_len > isize::MAX as usize / std::mem::size_of::<hstsguard_header>() {
                return Err(hstsguard_result::INVALID_ARGUMENT);
            }
            std::slice::from_raw_parts(r.headers, r.headers_len)
        };
        if r.lookup.is_some() && !array.is_empty() {
            return Err(hstsguard_result::INVALID_ARGUMENT);
        }
        let headers = CHeaders {
            array,
            lookup: r.lookup,
            userdata: r.lookup_userdata,
        };
        let facts = RequestFacts {
            method,
            tls: r.tls,
            host,
            target,
            peer,
            headers: &headers,
            now: now(r),
        };
        Ok(f(&facts))
    }
}

/// The request's time for the core: `None` (read the clock if needed) for 0.
#[inline]
fn now(r: &hstsguard_request) -> Option<u64> {
    (r.now != 0).then_some(r.now)
}

/// Writes up to `cap` headers to `slots`; returns how many were written.
///
/// # Safety
/// `slots` must have `cap` writable entries.
#[inline]
unsafe fn write_headers<'p>(
    slots: *mut hstsguard_response_header,
    cap: usize,
    headers: impl Iterator<Item = hsg::policy::HeaderToSet<'p>>,
) -> usize {
    let mut n = 0;
    for h in headers {
        if n == cap {
            break;
        }
        // SAFETY: `n < cap`.
        unsafe { slots.add(n).write(c_header(h)) };
        n += 1;
    }
    n
}

/// A header of the core as the C struct (views into the policy, or static).
#[inline]
fn c_header(h: hsg::policy::HeaderToSet<'_>) -> hstsguard_response_header {
    hstsguard_response_header {
        name: hstsguard_str::of(h.name),
        value: hstsguard_str::of(h.value),
        replace: h.existing == ExistingHeader::Replace,
    }
}

/// A TLS request's Host as text, after the checks every request's views get (as in
/// [`with_facts`]); the method, target and peer are not read.
///
/// # Safety
/// Every view and the header array must be valid as documented on hstsguard_request.
#[inline]
unsafe fn tls_host<'a>(
    r: &'a hstsguard_request,
    slot: &'a mut Option<String>,
) -> Result<Option<&'a str>, hstsguard_result> {
    // SAFETY: promised by the caller.
    unsafe {
        r.method.bytes()?;
        let host = if r.host.data.is_null() && r.host.len == 0 {
            None
        } else {
            Some(r.host.bytes()?)
        };
        r.target.bytes()?;
        r.peer.bytes()?;
        if r.headers.is_null() && r.headers_len != 0 {
            return Err(hstsguard_result::NULL_ARGUMENT);
        }
        if !r.headers.is_null()
            && r.headers_len > isize::MAX as usize / std::mem::size_of::<hstsguard_header>()
        {
            return Err(hstsguard_result::INVALID_ARGUMENT);
        }
        if r.lookup.is_some() && !r.headers.is_null() && r.headers_len != 0 {
            return Err(hstsguard_result::INVALID_ARGUMENT);
        }
        Ok(host.map(|b| field_text(b, slot, lossy)))
    }
}

/// Decides what to do with one request: pass, redirect to HTTPS or reject, and which
/// headers to add.
///
/// Fills `*decision_out` (see `hstsguard_decision`). For a redirect the `Location` value
/// is written to `location_buf` (`location_cap` bytes, not NUL-terminated) and its length
/// is `decision_out->location_len`; when it does not fit, nothing is written to the buffer,
/// the result is `HSTSGUARD_BUFFER_TOO_SMALL` and every field of the decision is still
/// set, so you can call again with `location_len` bytes (the answer is the same).
/// `location_buf` may be NULL when `location_cap` is 0.
///
/// Errors: `HSTSGUARD_NULL_ARGUMENT`, `HSTSGUARD_INVALID_PEER`,
/// `HSTSGUARD_INVALID_ARGUMENT` (both `headers` and `lookup` set), `HSTSGUARD_PANIC`; the
/// decision is then zeroed (`HSTSGUARD_ACTION_NONE`, `headers_len` 0): do not serve the
/// request as if it passed. The contract for a server (what nginx and Apache do): fail
/// closed. Never pass a plain-HTTP request; answer 500 (or the redirect, when the request
/// can still be decided); on TLS still send the policy's precomputed HSTS value
/// (`hstsguard_policy_hsts_value()`); log a line. Thread-safe; does not allocate unless it redirects, rejects
/// or meets a field that is not UTF-8.
///
/// # Safety
/// `policy` must be a live policy; `request` must point to a valid request (see
/// `hstsguard_request`); `decision_out` must be writable; `location_buf` must have
/// `location_cap` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_evaluate(
    policy: *const hstsguard_policy,
    request: *const hstsguard_request,
    decision_out: *mut hstsguard_decision,
    location_buf: *mut c_char,
    location_cap: usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let d = decision_out;
            if d.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            set_decision(d, hstsguard_action::None, 0, false, ptr::null(), 0, 0);
            let policy = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            let request = request.as_ref().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            #[cfg(feature = "test-faults")]
            crate::faults::inject(request);
            if location_buf.is_null() && location_cap != 0 {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let buf: &mut [u8] = if location_buf.is_null() {
                &mut []
            } else {
                if location_cap > isize::MAX as usize {
                    return Err(hstsguard_result::INVALID_ARGUMENT);
                }
                // SAFETY: the caller gives `location_cap` writable bytes.
                std::slice::from_raw_parts_mut(location_buf.cast::<u8>(), location_cap)
            };
            if request.tls {
                // A TLS request always passes with the response headers of a secure
                // request for its Host (the core's rule: TLS is secure, and a secure
                // request is never redirected or refused): asked for directly, without
                // reading the method, target or peer (`tls_is_the_response_headers`
                // holds the core to it). The views are checked as for any request.
                let mut host_slot = None;
                let host = tls_host(request, &mut host_slot)?;
                let headers = policy.response_headers_at(true, host, now(request));
                let slots = addr_of_mut!((*d).headers).cast::<hstsguard_response_header>();
                let mut n = 0;
                for h in [headers.hsts(), headers.hpkp()].into_iter().flatten() {
                    slots.add(n).write(c_header(h));
                    n += 1;
                }
                set_decision(d, hstsguard_action::Pass, 0, true, ptr::null(), 0, n);
                return Ok(());
            }
            with_facts(request, policy, |facts| {
                let e = policy.evaluation(facts);
                let slots = addr_of_mut!((*d).headers).cast::<hstsguard_response_header>();
                let mut n = 0;
                for h in [e.hsts_header(), e.hpkp_header()].into_iter().flatten() {
                    slots.add(n).write(c_header(h));
                    n += 1;
                }
                if e.upgrade() {
                    n = write_headers(
                        slots.add(n),
                        HSTSGUARD_MAX_RESPONSE_HEADERS - n,
                        e.upgrade_headers(),
                    ) + n;
                }
                let secure = e.secure();
                match e.outcome() {
                    Outcome::Pass => {
                        set_decision(d, hstsguard_action::Pass, 0, secure, ptr::null(), 0, n);
                        Ok(())
                    }
                    Outcome::Redirect { status, location } => {
                        // Straight into the caller's buffer; its length when it does not
                        // fit (nothing written).
                        let (len, fitted) = match location.write_into(buf) {
                            Some(len) => (len, true),
                            None => (location.len(), false),
                        };
                        set_decision(
                            d,
                            hstsguard_action::Redirect,
                            *status,
                            secure,
                            ptr::null(),
                            len,
                            n,
                        );
                        if fitted {
                            Ok(())
                        } else {
                            Err(hstsguard_result::BUFFER_TOO_SMALL)
                        }
                    }
                    Outcome::Reject { status, code, .. } => {
                        let reason = code_cstr(*code).as_ptr();
                        set_decision(d, hstsguard_action::Reject, *status, secure, reason, 0, n);
                        Ok(())
                    }
                }
            })?
        })())
    })
}

/// Is the request secure (TLS, or a trusted proxy says so)? The same answer as
/// `decision.secure` of `hstsguard_policy_evaluate()`, without the rest. Errors as for
/// `hstsguard_policy_evaluate()` (then `*secure_out` is false).
///
/// # Safety
/// As `hstsguard_policy_evaluate()`; `secure_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_is_secure(
    policy: *const hstsguard_policy,
    request: *const hstsguard_request,
    secure_out: *mut bool,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let s = init(secure_out, false)?;
            let policy = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            let request = request.as_ref().ok_or(hstsguard_result::NULL_ARGUMENT)?;
            *s = with_facts(request, policy, |facts| policy.is_secure(facts))?;
            Ok(())
        })())
    })
}

/// The headers a response gets (`Strict-Transport-Security`, HPKP when configured) for a
/// request already known to be secure (`secure`: a TLS connection) or not, with its Host
/// (`host.data == NULL`: none; IP literals and `localhost` may be skipped, as the policy
/// says): what `hstsguard_policy_evaluate()` puts in a decision, without a redirect
/// decision and without a request to describe. One call for the response path of a TLS
/// request, where there is nothing to decide; `now` is the time in seconds since the
/// epoch (0: the system clock, read only for an `[hsts.ramp]`).
///
/// Writes up to `cap` entries (views valid while the policy lives) to `headers_out` and
/// their number to `*len_out`; 2 entries always suffice. Does not allocate.
///
/// # Safety
/// `policy` must be a live policy; `host` must be a valid view; `headers_out` must have
/// `cap` writable entries (NULL when `cap` is 0); `len_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_response_headers(
    policy: *const hstsguard_policy,
    secure: bool,
    host: hstsguard_str,
    now: u64,
    headers_out: *mut hstsguard_response_header,
    cap: usize,
    len_out: *mut usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let len = crate::ffi::init(len_out, 0)?;
            let policy = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            if headers_out.is_null() && cap != 0 {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let mut host_slot = None;
            let host = if host.data.is_null() && host.len == 0 {
                None
            } else {
                Some(field_text(host.bytes()?, &mut host_slot, lossy))
            };
            let headers = policy.response_headers_at(secure, host, (now != 0).then_some(now));
            let mut n = 0;
            for h in headers.iter() {
                if n == cap {
                    return Err(hstsguard_result::BUFFER_TOO_SMALL);
                }
                headers_out.add(n).write(hstsguard_response_header {
                    name: hstsguard_str::of(h.name),
                    value: hstsguard_str::of(h.value),
                    replace: h.existing == ExistingHeader::Replace,
                });
                n += 1;
                *len = n;
            }
            Ok(())
        })())
    })
}

/// Whether `hstsguard_policy_response_headers()` can answer differently at two times for
/// the same secure request (`*depends_out` true: an `[hsts.ramp]` whose value steps up).
/// When false, the headers of a Host can be kept as long as the policy lives: a server
/// that keeps them per Host need not compare the time on every request.
///
/// # Safety
/// `policy` must be a live policy; `depends_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_policy_headers_depend_on_time(
    policy: *const hstsguard_policy,
    depends_out: *mut bool,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let d = init(depends_out, false)?;
            let policy = &policy
                .as_ref()
                .ok_or(hstsguard_result::NULL_ARGUMENT)?
                .inner;
            *d = policy.headers_depend_on_time();
            Ok(())
        })())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsg::policy::Action;
    use hsg::NoHeaders;

    /// The binding skips the peer when `peer_needed` is false: the core must then decide
    /// the same with and without it.
    #[test]
    fn the_peer_matters_only_when_needed() {
        let docs = [
            "{}",
            r#"{"proxy": {"trusted": ["10.0.0.0/8"]}}"#,
            r#"{"proxy": {"trusted": ["0.0.0.0/0", "::/0"]}, "hsts": {"send": "always"}}"#,
            r#"{"proxy": {"sources": ["x-forwarded-proto"]}, "redirect": {"canonical_host": "example.com"}}"#,
        ];
        let headers = [("X-Forwarded-Proto", "https"), ("Forwarded", "proto=https")];
        for doc in docs {
            let policy = Policy::from_json(doc).unwrap();
            for tls in [false, true] {
                for host in [
                    Some("example.com"),
                    Some("10.0.0.1"),
                    Some("localhost"),
                    None,
                ] {
                    for h in [&headers as &dyn HeaderLookup, &NoHeaders] {
                        let facts = RequestFacts::new("GET", tls, host, "/x", h);
                        for peer in ["10.1.2.3", "192.0.2.1", "::1"] {
                            let with =
                                policy.evaluate(&facts.with_peer(Some(peer.parse().unwrap())));
                            let without = policy.evaluate(&facts);
                            if !peer_needed(&policy, tls) {
                                assert_eq!(with, without, "{doc} tls={tls} {host:?} {peer}");
                            }
                        }
                    }
                }
            }
        }
    }

    /// hstsguard_policy_evaluate() answers a TLS request with the response headers of a
    /// secure request for its Host, without reading the method, target or peer: the core
    /// must decide every TLS request so, whatever those are.
    #[test]
    fn tls_is_the_response_headers() {
        let docs = [
            "{}",
            r#"{"hsts": {"send": "always", "skip_ip_hosts": false, "skip_localhost": false}}"#,
            r#"{"hsts": {"enabled": false}, "redirect": {"status_other": 426}}"#,
            r#"{"proxy": {"trusted": ["0.0.0.0/0", "::/0"]}, "redirect": {"canonical_host": "example.com", "allowed_hosts": ["example.org"]}}"#,
            r#"{"hsts": {"existing": "replace", "ramp": {"start": "2026-01-01", "stages": ["5m", "1d", "1y"], "step": "1w"}}}"#,
            r#"{"redirect": {"enabled": false, "exempt": ["^/x"]}}"#,
        ];
        let headers = [("X-Forwarded-Proto", "http"), ("Forwarded", "proto=https")];
        let c_headers: Vec<hstsguard_header> = headers
            .iter()
            .map(|(n, v)| hstsguard_header {
                name: hstsguard_str::of(n),
                value: hstsguard_str::of(v),
            })
            .collect();
        for doc in docs {
            let policy = hstsguard_policy {
                inner: Policy::from_json(doc).unwrap(),
            };
            for host in [
                Some("example.com"),
                Some("EXAMPLE.com:8443"),
                Some("10.0.0.1"),
                Some("[::1]"),
                Some("localhost"),
                Some("bad host"),
                Some(""),
                None,
            ] {
                for (method, target) in [("GET", "/x"), ("POST", "//a b"), ("PUT", "*")] {
                    for now in [0, 1_780_000_000] {
                        let facts = RequestFacts::new(method, true, host, target, &headers)
                            .with_peer(Some("10.1.2.3".parse().unwrap()))
                            .with_now((now != 0).then_some(now));
                        let want = policy.inner.evaluate(&facts);
                        let req = hstsguard_request {
                            method: hstsguard_str::of(method),
                            tls: true,
                            host: host.map_or(hstsguard_str::NONE, hstsguard_str::of),
                            target: hstsguard_str::of(target),
                            peer: hstsguard_str::of("10.1.2.3"),
                            headers: c_headers.as_ptr(),
                            headers_len: c_headers.len(),
                            lookup: None,
                            lookup_userdata: ptr::null_mut(),
                            now,
                        };
                        let mut d = std::mem::MaybeUninit::<hstsguard_decision>::uninit();
                        // SAFETY: valid views and outputs.
                        let rc = unsafe {
                            hstsguard_policy_evaluate(
                                &policy,
                                &req,
                                d.as_mut_ptr(),
                                ptr::null_mut(),
                                0,
                            )
                        };
                        assert_eq!(rc, hstsguard_result::OK);
                        // SAFETY: written by the call (entries from headers_len on unread).
                        let d = unsafe { d.assume_init_ref() };
                        let what = format!("{doc} {host:?} {method} {target} {now}");
                        assert_eq!(want.action(), &Action::Pass, "{what}");
                        assert!(want.secure(), "{what}");
                        assert_eq!(d.action, hstsguard_action::Pass, "{what}");
                        assert!(d.secure && d.status == 0 && d.location_len == 0, "{what}");
                        assert!(d.reason_code.is_null(), "{what}");
                        let got: Vec<_> = d.headers[..d.headers_len]
                            .iter()
                            // SAFETY: views into the policy.
                            .map(|h| unsafe {
                                (
                                    std::str::from_utf8(h.name.bytes().unwrap()).unwrap(),
                                    std::str::from_utf8(h.value.bytes().unwrap()).unwrap(),
                                    h.replace,
                                )
                            })
                            .collect();
                        let wanted: Vec<_> = want
                            .headers()
                            .map(|h| (h.name, h.value, h.existing == ExistingHeader::Replace))
                            .collect();
                        assert_eq!(got, wanted, "{what}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_fast_ipv4_path_agrees_with_std() {
        let mut samples: Vec<String> = vec![
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.",
            " 1.2.3.4",
            "1.02.3.4",
            "000.1.2.3",
            "1.2.3.04",
            "1..2.3",
            "1.2.3.4a",
            "1234.1.1.1",
            "10.0.0.1",
            "::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "",
            "1.2.3.+4",
            "1.2.3.-0",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        // Every octet shape in every position.
        for o in [
            "0", "00", "01", "9", "10", "99", "100", "199", "255", "256", "999", "0000",
        ] {
            for pos in 0..4 {
                let mut parts = ["1", "2", "3", "4"];
                parts[pos] = o;
                samples.push(parts.join("."));
            }
        }
        for s in &samples {
            let std = s.parse::<IpAddr>().ok();
            assert_eq!(parse_peer(s.as_bytes()), std, "{s:?}");
        }
    }

    #[test]
    fn invalid_target_bytes_are_percent_encoded() {
        assert_eq!(encode_invalid(b"/a\xffb?\xc3\xa9\xc3"), "/a%FFb?\u{e9}%C3");
    }
}
