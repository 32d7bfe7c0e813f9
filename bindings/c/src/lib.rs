//! # libhstsguard: the C ABI of hstsguard
//!
//! This crate builds `libhstsguard.a` and `libhstsguard.so` (SONAME `libhstsguard.so.N`,
//! N the major version) for nginx, Apache and any C or C++ program; `include/hstsguard.h`
//! is generated from it by cbindgen (see `build.rs` and `cbindgen.toml`). Only
//! `hstsguard_*` symbols are exported.
//!
//! Conventions (the README's "C API conventions" chapter has the full text):
//!
//! - Opaque handles (`hstsguard_policy`, `hstsguard_policy_builder`, `hstsguard_error`,
//!   `hstsguard_known_hosts`) are created by one function and freed by their `_free`;
//!   nothing else is ever allocated for the caller. A policy is immutable and a Known HSTS
//!   Host store locks inside: both are shared by threads.
//! - Every fallible function returns a `hstsguard_result`, 0 being `HSTSGUARD_OK`.
//! - Inputs are `(const char *, size_t)` views; outputs are plain structs, views into a
//!   handle (with the lifetime the header states), or caller buffers whose needed length
//!   is reported with `HSTSGUARD_BUFFER_TOO_SMALL`.
//! - Every exported function checks its pointers and catches panics (`HSTSGUARD_PANIC`).
//!
//! The module layout mirrors the core: [`policy`], [`request`], [`cookie`], [`sts`],
//! [`hpkp`], the user-agent side [`ua`] (Known HSTS Hosts, the preload list), plus
//! [`result`] and [`error`].
#![allow(non_camel_case_types)]
#![deny(missing_docs)]
// Every exported function documents its pointer contract in a `# Safety` section; the
// bodies spell out their `unsafe` blocks.
#![warn(unsafe_op_in_unsafe_fn)]

mod panic;

// In the order of the header.
pub mod cookie;
pub mod error;
#[cfg(feature = "test-faults")]
mod faults;
pub mod ffi;
pub mod hpkp;

#[cfg(test)]
mod fuzz_replay;
pub mod policy;
pub mod request;
pub mod result;
pub mod sts;
#[cfg(test)]
mod tests;
pub mod ua;
pub mod version;
