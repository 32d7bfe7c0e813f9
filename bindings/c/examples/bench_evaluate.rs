//! `Policy::evaluate` in Rust against `hstsguard_policy_evaluate()` through the C ABI of
//! `libhstsguard.so`, on the same policy and requests, in one process.
//!
//! The machine this runs on drifts in speed by up to 2x within seconds, so the two sides
//! are timed in alternating chunks (C first in one pair, Rust first in the next) and the
//! ratio reported is the median of the per-pair ratios: both sides of a pair see the same
//! machine. `bindings/c/bench/bench_evaluate.c` is the same loop compiled by a C compiler;
//! scripts/bench-c.sh runs both and prints the figures.
//!
//! Usage: `bench_evaluate POLICY_FILE CALLS PAIRS [LIBHSTSGUARD_SO] [SCENARIO]`. Without
//! the library only the Rust side runs (for instruction counts). Prints one line per
//! scenario: `<name> <median ns per call, Rust> [<median ns per call, C> <median ratio>]`.

use std::ffi::{c_char, c_int, c_void, CString};
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::net::IpAddr;
use std::ptr::addr_of;
use std::time::Instant;

use hsg::policy::{Action, Policy};
use hsg::{HeaderLookup, RequestFacts};

const HEADERS: [(&str, &str); 8] = [
    ("Accept", "text/html,application/xhtml+xml"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Accept-Language", "en-US,en;q=0.9"),
    ("Cache-Control", "no-cache"),
    ("Cookie", "sid=0123456789abcdef; theme=dark"),
    (
        "User-Agent",
        "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0",
    ),
    ("X-Forwarded-For", "198.51.100.23"),
    ("X-Forwarded-Proto", "https"),
];

/// The first seven of `HEADERS` (no `X-Forwarded-Proto`).
const HEADERS7: [(&str, &str); 7] = [
    HEADERS[0], HEADERS[1], HEADERS[2], HEADERS[3], HEADERS[4], HEADERS[5], HEADERS[6],
];

const METHOD: &str = "GET";
const HOST: &str = "www.example.com";
const TARGET: &str = "/articles/2024/hsts.html?utm_source=feed";

struct Scenario {
    name: &'static str,
    tls: bool,
    peer: &'static str,
    headers: usize,
}

const SCENARIOS: [Scenario; 3] = [
    // A TLS request that passes with HSTS (the common case of a server).
    Scenario {
        name: "pass_tls",
        tls: true,
        peer: "203.0.113.9",
        headers: 7,
    },
    // A plain-HTTP request redirected to HTTPS (Location built and copied).
    Scenario {
        name: "redirect",
        tls: false,
        peer: "203.0.113.9",
        headers: 7,
    },
    // Behind a trusted proxy that says https: headers are read.
    Scenario {
        name: "proxied",
        tls: false,
        peer: "10.0.0.7",
        headers: 8,
    },
];

/// One Rust evaluation, as a Rust server makes it: borrowed text and the peer as an
/// address it already has from its socket (the C side receives the peer as text).
fn rust_call(policy: &Policy, s: &Scenario, peer: IpAddr) -> usize {
    let headers: &dyn HeaderLookup = if black_box(s.headers) == 8 {
        &HEADERS
    } else {
        &HEADERS7
    };
    let facts = RequestFacts::new(
        black_box(METHOD),
        black_box(s.tls),
        Some(black_box(HOST)),
        black_box(TARGET),
        headers,
    )
    .with_peer(Some(black_box(peer)));
    let d = policy.evaluate(&facts);
    let location = match d.action() {
        Action::Redirect { location, .. } => location.len(),
        _ => 0,
    };
    location + d.headers().count()
}

// ---- The C ABI, mirrored from include/hstsguard.h for the calls used here ----

#[repr(C)]
#[derive(Clone, Copy)]
struct CStr_ {
    data: *const c_char,
    len: usize,
}

impl CStr_ {
    fn of(s: &'static str) -> CStr_ {
        CStr_ {
            data: s.as_ptr().cast(),
            len: s.len(),
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
struct CHeader {
    name: CStr_,
    value: CStr_,
}

#[repr(C)]
struct CRequest {
    method: CStr_,
    tls: bool,
    host: CStr_,
    target: CStr_,
    peer: CStr_,
    headers: *const CHeader,
    headers_len: usize,
    lookup: *const c_void,
    lookup_userdata: *mut c_void,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct CResponseHeader {
    name: CStr_,
    value: CStr_,
    replace: bool,
}

#[repr(C)]
struct CDecision {
    action: u32,
    status: u16,
    secure: bool,
    reason_code: *const c_char,
    location_len: usize,
    headers_len: usize,
    headers: [CResponseHeader; 8],
}

type FromFile =
    unsafe extern "C" fn(*const c_char, usize, *mut *mut c_void, *mut *mut c_void) -> u32;
type Evaluate =
    unsafe extern "C" fn(*const c_void, *const CRequest, *mut CDecision, *mut c_char, usize) -> u32;

extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

const RTLD_NOW: c_int = 2;

struct CApi {
    evaluate: Evaluate,
    policy: *mut c_void,
    headers: Vec<CHeader>,
}

impl CApi {
    fn load(lib: &str, policy_file: &str) -> CApi {
        let path = CString::new(lib).expect("path");
        // SAFETY: dlopen/dlsym with NUL-terminated names; the symbols have the types of
        // include/hstsguard.h.
        unsafe {
            let handle = dlopen(path.as_ptr(), RTLD_NOW);
            assert!(!handle.is_null(), "cannot dlopen {lib}");
            let sym = |name: &str| {
                let name = CString::new(name).expect("name");
                let p = dlsym(handle, name.as_ptr());
                assert!(!p.is_null(), "{name:?} is not exported");
                p
            };
            let from_file: FromFile = std::mem::transmute(sym("hstsguard_policy_from_file"));
            let evaluate: Evaluate = std::mem::transmute(sym("hstsguard_policy_evaluate"));
            let mut policy = std::ptr::null_mut();
            let rc = from_file(
                policy_file.as_ptr().cast(),
                policy_file.len(),
                &mut policy,
                std::ptr::null_mut(),
            );
            assert_eq!(rc, 0, "hstsguard_policy_from_file");
            let headers = HEADERS
                .iter()
                .map(|(n, v)| CHeader {
                    name: CStr_::of(n),
                    value: CStr_::of(v),
                })
                .collect();
            CApi {
                evaluate,
                policy,
                headers,
            }
        }
    }

    fn request(&self, s: &Scenario) -> CRequest {
        CRequest {
            method: CStr_::of(METHOD),
            tls: s.tls,
            host: CStr_::of(HOST),
            target: CStr_::of(TARGET),
            peer: CStr_::of(s.peer),
            headers: self.headers.as_ptr(),
            headers_len: s.headers,
            lookup: std::ptr::null(),
            lookup_userdata: std::ptr::null_mut(),
        }
    }

    /// One evaluation through the C ABI, with the request filled once as a C server does.
    fn call(&self, req: &CRequest, location: &mut [u8; 512]) -> usize {
        // Left uninitialized, as a C caller's stack variable: the function fills it.
        let mut d = MaybeUninit::<CDecision>::uninit();
        // SAFETY: a live policy, a valid request and buffers, as the header requires.
        let rc = unsafe {
            (self.evaluate)(
                self.policy,
                black_box(req),
                d.as_mut_ptr(),
                location.as_mut_ptr().cast(),
                location.len(),
            )
        };
        assert_eq!(rc, 0, "hstsguard_policy_evaluate");
        let p = d.as_ptr();
        // SAFETY: on success these fields are set (the header entries beyond headers_len
        // are not, and are not read).
        unsafe { addr_of!((*p).location_len).read() + addr_of!((*p).headers_len).read() }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !(4..=6).contains(&args.len()) {
        eprintln!("usage: bench_evaluate POLICY_FILE CALLS PAIRS [LIBHSTSGUARD_SO] [SCENARIO]");
        std::process::exit(2);
    }
    let policy = Policy::from_file(&args[1]).expect("the policy builds");
    let calls: usize = args[2].parse().expect("CALLS");
    let pairs: usize = args[3].parse().expect("PAIRS");
    let capi = args
        .get(4)
        .filter(|l| !l.is_empty() && *l != "-")
        .map(|lib| CApi::load(lib, &args[1]));
    let only = args.get(5);
    let mut checksum = 0usize;
    let mut location = [0u8; 512];

    for s in SCENARIOS
        .iter()
        .filter(|s| only.is_none_or(|o| o == s.name))
    {
        let peer: IpAddr = s.peer.parse().expect("peer");
        let req = capi.as_ref().map(|c| c.request(s));
        let (mut rust, mut c, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
        for pair in 0..pairs {
            let time_rust = |checksum: &mut usize| {
                let t = Instant::now();
                for _ in 0..calls {
                    *checksum += rust_call(&policy, s, peer);
                }
                t.elapsed().as_nanos() as f64 / calls as f64
            };
            let mut time_c = |checksum: &mut usize| {
                let (api, req) = (capi.as_ref()?, req.as_ref()?);
                let t = Instant::now();
                for _ in 0..calls {
                    *checksum += api.call(req, &mut location);
                }
                Some(t.elapsed().as_nanos() as f64 / calls as f64)
            };
            let (r, cc) = if pair % 2 == 0 {
                let r = time_rust(&mut checksum);
                (r, time_c(&mut checksum))
            } else {
                let cc = time_c(&mut checksum);
                (time_rust(&mut checksum), cc)
            };
            rust.push(r);
            if let Some(cc) = cc {
                c.push(cc);
                ratio.push(cc / r);
            }
        }
        if c.is_empty() {
            println!("{} {:.1}", s.name, median(&mut rust));
        } else {
            println!(
                "{} {:.1} {:.1} {:.3}",
                s.name,
                median(&mut rust),
                median(&mut c),
                median(&mut ratio)
            );
        }
    }
    eprintln!("checksum {checksum}");
}
