//! The Node.js binding of hstsguard: the native addon of the npm package `hstsguard`.
//!
//! This crate only translates: JavaScript values in, core types out, and back. Every
//! decision is the core's (`crates/hstsguard`), and the modules mirror the core's:
//!
//! | module | JavaScript API | core |
//! |---|---|---|
//! | [`duration`] | `parseDuration`, `formatDuration` | `parse_duration`, `duration_from_f64` |
//! | [`sts`] | `HstsPolicy`, `parseSts`, `parseStsFields` | `sts` |
//! | [`preload`] | `preloadCheck`, `removableCheck`, `domainCheck`, `auditRedirectChain` | `preload` |
//! | [`hpkp`] | `parseHpkp`, `pinFromPemOrDer`, `pinsFromPemChain`, `pinOfSpki`, `HpkpHeader` | `hpkp` |
//! | [`cookie`] | `flagSetCookie` | `cookie` |
//! | [`document`] | JavaScript options and documents to the core's document model | `config` |
//! | [`policy`] | `Policy`, `policy.evaluate()` (and the middleware's private entry points) | `policy` |
//! | [`ua`] | `KnownHosts`, `preloadLookup`, `preloadListInfo` (the client side; `hstsguard/fetch` builds on it) | `ua` |
//! | [`scan`] | `scan` (a Promise; runs on the libuv pool) | crate `hstsguard-scan` |
//!
//! Errors become JavaScript `Error`s whose `code` is the core's stable code
//! ([`error`]). Every exported function is wrapped in `catch_unwind`, so a panic (there
//! should be none: inputs are checked, nothing unwraps JavaScript data) becomes a thrown
//! `Error` instead of aborting the Node process.
//!
//! The Express middleware (`hstsguard/express`) is JavaScript on top of this API; see
//! the package README.

// The napi macros generate code that clippy cannot see through (the exported functions
// look unused to rustc, and their generated registration code trips a few lints).
#![allow(clippy::new_without_default)]

use napi_derive::napi;

pub mod cookie;
pub mod document;
pub mod duration;
pub mod error;
pub mod hpkp;
pub mod issue;
pub mod js_schema;
pub mod policy;
pub mod preload;
pub mod scan;
pub mod sts;
pub mod ua;

/// The version of the hstsguard core this addon was built from.
#[napi]
pub const VERSION: &str = hstsguard::VERSION;

/// One year in seconds (31536000), the default HSTS max-age and the preload minimum.
#[napi]
pub const ONE_YEAR: u32 = hstsguard::ONE_YEAR as u32;

/// The largest max-age hstsguard represents: 2^53 - 1 seconds, `Number.MAX_SAFE_INTEGER`.
/// Larger values in a received header saturate to it; larger configured values are refused.
#[napi]
pub const MAX_AGE_CAP: f64 = hstsguard::MAX_AGE_CAP as f64;
