//! Rust-side tests of the C functions (the C tests in tests/c cover them from C).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::{c_char, CStr};
use std::ptr;

use crate::error::*;
use crate::ffi::*;
use crate::policy::*;
use crate::request::*;
use crate::result::hstsguard_result as R;

/// Counts the allocations of the current thread (tests run in parallel threads).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: forwarded.
        unsafe { System.dealloc(p, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn s(text: &'static str) -> hstsguard_str {
    hstsguard_str {
        data: text.as_ptr().cast(),
        len: text.len(),
    }
}

fn toml_policy(doc: &str) -> *mut hstsguard_policy {
    let mut p = ptr::null_mut();
    let mut e = ptr::null_mut();
    // SAFETY: valid buffers and out pointers.
    let rc = unsafe { hstsguard_policy_from_toml(doc.as_ptr().cast(), doc.len(), &mut p, &mut e) };
    assert_eq!(rc, R::OK);
    assert!(e.is_null());
    p
}

fn request(tls: bool, peer: &'static str, headers: &[hstsguard_header]) -> hstsguard_request {
    hstsguard_request {
        method: s("GET"),
        tls,
        host: s("www.example.com"),
        target: s("/a?b=c"),
        peer: s(peer),
        headers: if headers.is_empty() {
            ptr::null()
        } else {
            headers.as_ptr()
        },
        headers_len: headers.len(),
        lookup: None,
        lookup_userdata: ptr::null_mut(),
        now: 0,
    }
}

fn empty_decision() -> hstsguard_decision {
    // SAFETY: plain data; all-zero is a valid value of every field.
    unsafe { std::mem::zeroed() }
}

#[test]
fn the_pass_path_does_not_allocate() {
    let policy = toml_policy(
        "[proxy]\ntrusted = [\"10.0.0.0/8\"]\n[redirect]\nallowed_hosts = [\".example.com\"]\n",
    );
    let headers = [
        hstsguard_header {
            name: s("Accept"),
            value: s("*/*"),
        },
        hstsguard_header {
            name: s("X-Forwarded-Proto"),
            value: s("https"),
        },
    ];
    let requests = [
        request(true, "203.0.113.9", &headers),
        request(false, "10.1.2.3", &headers),
    ];
    let mut d = empty_decision();
    for req in &requests {
        // Warm up (lazy statics), then count.
        // SAFETY: valid pointers.
        assert_eq!(
            unsafe { hstsguard_policy_evaluate(policy, req, &mut d, ptr::null_mut(), 0) },
            R::OK
        );
        let before = allocations();
        for _ in 0..100 {
            // SAFETY: valid pointers.
            let rc = unsafe { hstsguard_policy_evaluate(policy, req, &mut d, ptr::null_mut(), 0) };
            assert_eq!(rc, R::OK);
        }
        assert_eq!(
            allocations() - before,
            0,
            "evaluate allocated on the pass path"
        );
        assert_eq!(d.action, hstsguard_action::Pass);
        assert!(d.secure);
        assert_eq!(d.headers_len, 1);
    }
    // SAFETY: created above.
    unsafe { hstsguard_policy_free(policy) };
}

#[test]
fn config_errors_have_paths_codes_and_messages() {
    let doc = "[hsts]\nmax_age = \"-1\"\nmaxage = 1\n[redirect]\nstatus_other = 200\n";
    let mut p = ptr::null_mut();
    let mut e = ptr::null_mut();
    // SAFETY: valid buffers and out pointers.
    let rc = unsafe { hstsguard_policy_from_toml(doc.as_ptr().cast(), doc.len(), &mut p, &mut e) };
    assert_eq!(rc, R::CONFIG_INVALID);
    assert!(p.is_null());
    // SAFETY: `e` is a live error.
    unsafe {
        assert_eq!(hstsguard_error_result(e), R::CONFIG_INVALID);
        assert_eq!(
            CStr::from_ptr(hstsguard_error_code(e)).to_str().unwrap(),
            "config.invalid"
        );
        let n = hstsguard_error_details_len(e);
        let mut got = Vec::new();
        for i in 0..n {
            let mut d = hstsguard_config_error {
                path: hstsguard_str::NONE,
                code: ptr::null(),
                message: hstsguard_str::NONE,
            };
            assert_eq!(hstsguard_error_detail(e, i, &mut d), R::OK);
            let path = std::slice::from_raw_parts(d.path.data.cast::<u8>(), d.path.len);
            let message = std::slice::from_raw_parts(d.message.data.cast::<u8>(), d.message.len);
            assert!(!message.is_empty());
            got.push((
                String::from_utf8(path.to_vec()).unwrap(),
                CStr::from_ptr(d.code).to_str().unwrap().to_owned(),
            ));
        }
        assert_eq!(
            got,
            [
                ("hsts.max_age".to_owned(), "duration.negative".to_owned()),
                ("hsts.maxage".to_owned(), "config.unknown_key".to_owned()),
                (
                    "redirect.status_other".to_owned(),
                    "config.invalid_value".to_owned()
                ),
            ]
        );
        let mut len = 0;
        assert_eq!(
            hstsguard_error_message(e, ptr::null_mut(), 0, &mut len),
            R::BUFFER_TOO_SMALL
        );
        let mut buf = vec![0 as c_char; len];
        assert_eq!(
            hstsguard_error_message(e, buf.as_mut_ptr(), len, &mut len),
            R::OK
        );
        let text = String::from_utf8(buf.iter().map(|&c| c as u8).collect()).unwrap();
        assert!(text.starts_with("invalid policy (3 errors)"), "{text}");
        assert!(text.contains("hsts.max_age: "), "{text}");
        hstsguard_error_free(e);
    }
}

#[test]
fn builder_documents_equal_files() {
    // SAFETY: valid pointers throughout; every handle is freed once.
    unsafe {
        let mut b = ptr::null_mut();
        assert_eq!(hstsguard_policy_builder_new(&mut b), R::OK);
        let set_str = |k: &str, v: &str| {
            hstsguard_policy_builder_set_string(
                b,
                k.as_ptr().cast(),
                k.len(),
                v.as_ptr().cast(),
                v.len(),
            )
        };
        let push = |k: &str, v: &str| {
            hstsguard_policy_builder_append_string(
                b,
                k.as_ptr().cast(),
                k.len(),
                v.as_ptr().cast(),
                v.len(),
            )
        };
        assert_eq!(set_str("hsts.max_age", "2y"), R::OK);
        let k = "hsts.preload";
        assert_eq!(
            hstsguard_policy_builder_set_bool(b, k.as_ptr().cast(), k.len(), true),
            R::OK
        );
        let k = "redirect.https_port";
        assert_eq!(
            hstsguard_policy_builder_set_int(b, k.as_ptr().cast(), k.len(), 8443),
            R::OK
        );
        assert_eq!(push("redirect.allowed_hosts", "example.com"), R::OK);
        assert_eq!(push("redirect.allowed_hosts", ".example.com"), R::OK);
        assert_eq!(push("proxy.trusted", "10.0.0.0/8"), R::OK);
        assert_eq!(
            set_str("proxy.custom_header.name", "X-Forwarded-Protocol"),
            R::OK
        );
        assert_eq!(set_str("proxy.custom_header.value", "ssl"), R::OK);
        let name = "__Host-*";
        assert_eq!(
            hstsguard_policy_builder_add_cookie_rule(
                b,
                name.as_ptr().cast(),
                name.len(),
                hstsguard_flag::On as u32,
                hstsguard_flag::Unset as u32,
                hstsguard_same_site::Strict as u32
            ),
            R::OK
        );
        let mut built = ptr::null_mut();
        assert_eq!(
            hstsguard_policy_builder_build(b, &mut built, ptr::null_mut()),
            R::OK
        );
        hstsguard_policy_builder_free(b);

        let file = toml_policy(
            "[hsts]\nmax_age = \"2y\"\npreload = true\n\
             [redirect]\nhttps_port = 8443\nallowed_hosts = [\"example.com\", \".example.com\"]\n\
             [proxy]\ntrusted = [\"10.0.0.0/8\"]\ncustom_header = { name = \"X-Forwarded-Protocol\", value = \"ssl\" }\n\
             [[cookies.rules]]\nname = \"__Host-*\"\nsecure = true\nsame_site = \"Strict\"\n",
        );
        let (a, b) = (&(*built).inner, &(*file).inner);
        assert_eq!(a.hsts(), b.hsts());
        assert_eq!(a.redirect(), b.redirect());
        assert_eq!(a.proxy(), b.proxy());
        assert_eq!(a.cookies(), b.cookies());
        assert_eq!(a.warnings(), b.warnings());
        hstsguard_policy_free(built);
        hstsguard_policy_free(file);
    }
}

#[test]
fn a_lookup_callback_sees_every_field_of_a_name() {
    unsafe extern "C-unwind" fn lookup(
        userdata: *mut std::ffi::c_void,
        name: hstsguard_str,
        index: usize,
        value_out: *mut hstsguard_str,
    ) -> bool {
        // SAFETY: the test passes a Vec of (name, value) pairs.
        let fields = unsafe { &*(userdata as *const Vec<(&str, &str)>) };
        // SAFETY: hstsguard passes a valid name view.
        let name = unsafe { std::slice::from_raw_parts(name.data.cast::<u8>(), name.len) };
        match fields
            .iter()
            .filter(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
            .nth(index)
        {
            Some((_, v)) => {
                // SAFETY: hstsguard passes a writable slot.
                unsafe { *value_out = hstsguard_str::of(v) };
                true
            }
            None => false,
        }
    }
    let policy = toml_policy(
        "[proxy]\ntrusted = [\"10.0.0.0/8\"]\nsources = [\"x-forwarded-proto\"]\nlist = \"rightmost\"\n",
    );
    for (fields, secure) in [
        (
            vec![
                ("X-Forwarded-Proto", "https"),
                ("x-forwarded-proto", "http"),
            ],
            false,
        ),
        (
            vec![
                ("X-Forwarded-Proto", "http"),
                ("x-forwarded-proto", "https"),
            ],
            true,
        ),
        (vec![("X-Forwarded-Proto", "http, https")], true),
    ] {
        let mut req = request(false, "10.0.0.1", &[]);
        req.lookup = Some(lookup);
        req.lookup_userdata = (&fields as *const Vec<(&str, &str)>).cast_mut().cast();
        let mut out = !secure;
        // SAFETY: valid pointers.
        assert_eq!(
            unsafe { hstsguard_policy_is_secure(policy, &req, &mut out) },
            R::OK
        );
        assert_eq!(out, secure, "{fields:?}");
    }
    // SAFETY: created above.
    unsafe { hstsguard_policy_free(policy) };
}

#[test]
fn warnings_borrow_from_the_policy() {
    let policy = toml_policy("[hsts]\nmax_age = 300\n");
    // SAFETY: valid pointers.
    unsafe {
        let n = hstsguard_policy_warnings_len(policy);
        assert!(n >= 2);
        let mut issue = hstsguard_issue {
            code: ptr::null(),
            severity: hstsguard_severity::None,
        };
        let mut message = hstsguard_str::NONE;
        assert_eq!(
            hstsguard_policy_warning(policy, 0, &mut issue, &mut message),
            R::OK
        );
        assert_eq!(
            CStr::from_ptr(issue.code).to_str().unwrap(),
            "policy.hsts.short_max_age"
        );
        assert_eq!(issue.severity, hstsguard_severity::Warning);
        assert!(message.len > 10);
        assert_eq!(
            hstsguard_policy_warning(policy, n, &mut issue, ptr::null_mut()),
            R::INVALID_ARGUMENT
        );
        assert!(issue.code.is_null());
        let mut v = hstsguard_str::NONE;
        assert_eq!(hstsguard_policy_hsts_value(policy, &mut v), R::OK);
        assert_eq!(
            std::slice::from_raw_parts(v.data.cast::<u8>(), v.len),
            b"max-age=300; includeSubDomains"
        );
        hstsguard_policy_free(policy);
    }
}
