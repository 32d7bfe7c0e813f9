//! The body of the `c_abi` fuzz target: every C ABI entry point that takes caller bytes,
//! called as a C program would (pointer and length views, caller-owned output buffers).
//!
//! Included twice with `#[path]`: by `fuzz/fuzz_targets/c_abi.rs` (over the
//! `hstsguard-c-abi` crate in `fuzz/c-abi`, the same sources built as an rlib), and by the
//! corpus replay inside `bindings/c` (`src/fuzz_replay.rs`), which `cargo test
//! --workspace` runs on stable Rust. `crate::` is the C binding crate in both.
//!
//! Property: no call returns `HSTSGUARD_PANIC` (a panic caught at the boundary is a bug),
//! and every handle created is freed (the fuzzer runs under LeakSanitizer).

use crate::cookie::{hstsguard_cookie, hstsguard_policy_flag_set_cookie};
use crate::error::{hstsguard_error, hstsguard_error_free};
use crate::ffi::{hstsguard_header, hstsguard_issue, hstsguard_str};
#[cfg(feature = "certificates")]
use crate::hpkp::hstsguard_pin_of_certificate;
use crate::hpkp::{hstsguard_hpkp, hstsguard_hpkp_parse, hstsguard_pin, hstsguard_pin_from_base64};
use crate::policy::{
    hstsguard_policy, hstsguard_policy_default, hstsguard_policy_free, hstsguard_policy_from_json,
    hstsguard_policy_from_toml,
};
use crate::request::{hstsguard_decision, hstsguard_policy_evaluate, hstsguard_request};
use crate::result::hstsguard_result;
use crate::sts::{
    hstsguard_parse_duration, hstsguard_preload_check, hstsguard_preload_check_domain,
    hstsguard_sts, hstsguard_sts_parse, hstsguard_sts_parse_fields, hstsguard_verdict,
};
use std::mem::MaybeUninit;
use std::os::raw::c_char;

fn ok(r: hstsguard_result, what: &str) {
    assert!(r != hstsguard_result::PANIC, "{what} caught a panic");
}

fn view(b: &[u8]) -> hstsguard_str {
    hstsguard_str {
        data: b.as_ptr().cast(),
        len: b.len(),
    }
}

/// Runs every byte-taking entry point on `data` (and on its parts split at NUL).
pub fn c_abi(data: &[u8]) {
    let p: *const c_char = data.as_ptr().cast();
    let n = data.len();
    let mut issues = [MaybeUninit::<hstsguard_issue>::uninit(); 8];
    let issues_ptr = issues.as_mut_ptr().cast::<hstsguard_issue>();
    let mut buf = [0 as c_char; 256];
    // SAFETY (whole block): every pointer is a live local or `data`, with the length or
    // capacity passed next to it, as the header's contracts ask.
    unsafe {
        let mut sts = MaybeUninit::<hstsguard_sts>::uninit();
        ok(
            hstsguard_sts_parse(p, n, sts.as_mut_ptr(), issues_ptr, 8),
            "sts_parse",
        );
        ok(
            hstsguard_sts_parse(p, n, sts.as_mut_ptr(), issues_ptr, 0),
            "sts_parse (no room)",
        );
        let fields: Vec<hstsguard_str> = data.split(|b| *b == 0).map(view).collect();
        ok(
            hstsguard_sts_parse_fields(
                fields.as_ptr(),
                fields.len(),
                sts.as_mut_ptr(),
                issues_ptr,
                8,
            ),
            "sts_parse_fields",
        );

        let mut verdict = MaybeUninit::<hstsguard_verdict>::uninit();
        let (value, domain) = match data.iter().position(|b| *b == 0) {
            Some(i) => (&data[..i], &data[i + 1..]),
            None => (data, &b"example.com"[..]),
        };
        for removable in [false, true] {
            ok(
                hstsguard_preload_check(
                    value.as_ptr().cast(),
                    value.len(),
                    removable,
                    domain.as_ptr().cast(),
                    domain.len(),
                    verdict.as_mut_ptr(),
                    issues_ptr,
                    8,
                ),
                "preload_check",
            );
        }
        ok(
            hstsguard_preload_check_domain(p, n, verdict.as_mut_ptr(), issues_ptr, 8),
            "preload_check_domain",
        );
        let mut seconds = 0u64;
        ok(
            hstsguard_parse_duration(p, n, &mut seconds),
            "parse_duration",
        );

        let mut pin = MaybeUninit::<hstsguard_pin>::uninit();
        ok(
            hstsguard_pin_from_base64(p, n, pin.as_mut_ptr()),
            "pin_from_base64",
        );
        #[cfg(feature = "certificates")]
        ok(
            hstsguard_pin_of_certificate(data.as_ptr(), n, pin.as_mut_ptr()),
            "pin_of_certificate",
        );
        let mut hpkp = MaybeUninit::<hstsguard_hpkp>::uninit();
        let mut pins = [MaybeUninit::<hstsguard_pin>::uninit(); 4];
        for report_only in [false, true] {
            ok(
                hstsguard_hpkp_parse(
                    p,
                    n,
                    report_only,
                    std::ptr::null(),
                    0,
                    hpkp.as_mut_ptr(),
                    pins.as_mut_ptr().cast(),
                    4,
                    buf.as_mut_ptr(),
                    buf.len(),
                    issues_ptr,
                    8,
                ),
                "hpkp_parse",
            );
        }

        // Policy documents: both formats; whatever is built is freed.
        type Load = unsafe extern "C" fn(
            *const c_char,
            usize,
            *mut *mut hstsguard_policy,
            *mut *mut hstsguard_error,
        ) -> hstsguard_result;
        let loaders: [(Load, &str); 2] = [
            (hstsguard_policy_from_json, "policy_from_json"),
            (hstsguard_policy_from_toml, "policy_from_toml"),
        ];
        for (load, name) in loaders {
            let mut policy: *mut hstsguard_policy = std::ptr::null_mut();
            let mut error: *mut hstsguard_error = std::ptr::null_mut();
            ok(load(p, n, &mut policy, &mut error), name);
            hstsguard_policy_free(policy);
            hstsguard_error_free(error);
        }

        // The per-request calls, on the default policy: a Set-Cookie value, and a request
        // whose host, target and Forwarded value come from the input.
        let mut policy: *mut hstsguard_policy = std::ptr::null_mut();
        assert!(hstsguard_policy_default(&mut policy) == hstsguard_result::OK);
        let mut cookie = MaybeUninit::<hstsguard_cookie>::uninit();
        for secure in [false, true] {
            ok(
                hstsguard_policy_flag_set_cookie(
                    policy,
                    p,
                    n,
                    secure,
                    buf.as_mut_ptr(),
                    buf.len(),
                    cookie.as_mut_ptr(),
                    issues_ptr,
                    8,
                ),
                "policy_flag_set_cookie",
            );
        }
        let mut parts = data.splitn(3, |b| *b == 0);
        let host = parts.next().unwrap_or(b"");
        let target = parts.next().unwrap_or(b"/");
        let forwarded = parts.next().unwrap_or(b"");
        let headers = [
            hstsguard_header {
                name: view(b"Forwarded"),
                value: view(forwarded),
            },
            hstsguard_header {
                name: view(b"X-Forwarded-Proto"),
                value: view(forwarded),
            },
        ];
        let request = hstsguard_request {
            method: view(b"GET"),
            tls: false,
            host: view(host),
            target: view(target),
            peer: view(b"127.0.0.1"),
            headers: headers.as_ptr(),
            headers_len: headers.len(),
            lookup: None,
            lookup_userdata: std::ptr::null_mut(),
            now: 0,
        };
        let mut decision = MaybeUninit::<hstsguard_decision>::uninit();
        ok(
            hstsguard_policy_evaluate(
                policy,
                &request,
                decision.as_mut_ptr(),
                buf.as_mut_ptr(),
                buf.len(),
            ),
            "policy_evaluate",
        );
        hstsguard_policy_free(policy);
    }
}
