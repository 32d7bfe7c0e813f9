#![no_main]
//! Fuzz target `c_abi`: every C ABI entry point that takes bytes (`fuzz/bodies/c_abi.rs`,
//! which the corpus replay in bindings/c also runs on stable Rust).
use libfuzzer_sys::fuzz_target;

// The body names the C binding's modules as `crate::…`.
#[allow(unused_imports)]
use hstsguard_c_abi::{cookie, error, ffi, hpkp, policy, request, result, sts};

#[path = "../bodies/c_abi.rs"]
mod bodies;

fuzz_target!(|data: &[u8]| bodies::c_abi(data));
