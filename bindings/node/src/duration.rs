//! Durations (max-age): JavaScript numbers go through the core's `duration_from_f64`,
//! strings through `parse_duration`, so `3600`, `3600.0` (the same JavaScript number),
//! `"1h"` and `"3600s"` are accepted, and `3600.5`, `NaN`, `-1`, `Infinity` are refused
//! with the core's `duration.*` codes.

use napi::bindgen_prelude::Either;
use napi::Env;
use napi_derive::napi;

use crate::error::check;
use napi::Result;

/// A max-age as JavaScript gives it: seconds as a number, or a duration string.
pub type MaxAge = Either<f64, String>;

/// Seconds from a JavaScript max-age, with the core's rules and errors.
pub fn seconds(value: &MaxAge) -> std::result::Result<u64, hstsguard::Error> {
    match value {
        Either::A(n) => hstsguard::duration_from_f64(*n),
        Either::B(s) => hstsguard::parse_duration(s),
    }
}

/// Parses a max-age into whole seconds. A number must be a whole, non-negative number of
/// seconds (at most 2^53 - 1); a string is a whole number with an optional unit: `300`,
/// `300s`, `5m`, `1h`, `1d`, `18w`, `1y` (365 days), `2y`.
///
/// Throws an `Error` with `code` `duration.empty`, `duration.negative`,
/// `duration.fractional`, `duration.not_a_number`, `duration.unknown_unit` or
/// `duration.overflow`.
///
/// ```js
/// parseDuration('2y')   // 63072000
/// parseDuration(3600)   // 3600
/// parseDuration(3600.5) // throws, err.code === 'duration.fractional'
/// ```
#[napi(catch_unwind)]
pub fn parse_duration(env: Env, value: Either<f64, String>) -> Result<f64> {
    check(&env, seconds(&value)).map(|s| s as f64)
}

/// Formats seconds with the largest exact unit (`31536000` -> `"1y"`, `301` -> `"301s"`);
/// `parseDuration` reads it back. Throws like `parseDuration` for a number that is not a
/// whole number of seconds.
#[napi(catch_unwind)]
pub fn format_duration(env: Env, seconds: f64) -> Result<String> {
    check(&env, hstsguard::duration_from_f64(seconds)).map(hstsguard::format_duration)
}
