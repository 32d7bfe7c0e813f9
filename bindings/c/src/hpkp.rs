//! HTTP Public Key Pinning (RFC 7469, deprecated): pins, and parsing received values into
//! plain structs.

use std::ffi::c_char;

#[cfg(feature = "certificates")]
use hsg::hpkp::pin_from_pem_or_der;
use hsg::hpkp::{parse_hpkp, PinSha256};

#[cfg(feature = "certificates")]
use crate::ffi::bytes;
use crate::ffi::{hstsguard_issue, init, text, write_bytes, write_issues, OutBuf};
use crate::panic::guard;
use crate::result::{hstsguard_result, status};

/// A `pin-sha256` value: the SHA-256 digest of a SubjectPublicKeyInfo, and its base64
/// form as written in the header (44 characters and a NUL).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_pin {
    /// The 32 digest bytes.
    pub sha256: [u8; 32],
    /// Standard base64 with padding, NUL-terminated.
    pub base64: [c_char; 45],
}

impl hstsguard_pin {
    const EMPTY: hstsguard_pin = hstsguard_pin {
        sha256: [0; 32],
        base64: [0; 45],
    };

    fn of(pin: &PinSha256) -> hstsguard_pin {
        let mut p = hstsguard_pin {
            sha256: *pin.as_bytes(),
            ..hstsguard_pin::EMPTY
        };
        for (dst, src) in p.base64.iter_mut().zip(pin.to_string().bytes().take(44)) {
            *dst = src as c_char;
        }
        p
    }

    fn pin(&self) -> PinSha256 {
        PinSha256::from_digest(self.sha256)
    }
}

/// Reads a pin from its base64 form (exactly 32 bytes, standard alphabet, padded):
/// `HSTSGUARD_HPKP_INVALID_PIN` otherwise (then `*pin_out` is zeroed).
///
/// # Safety
/// `base64` must have `len` readable bytes; `pin_out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_pin_from_base64(
    base64: *const c_char,
    len: usize,
    pin_out: *mut hstsguard_pin,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let p = init(pin_out, hstsguard_pin::EMPTY)?;
            if base64.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let t = text(base64, len)?;
            let pin: PinSha256 = t.parse().map_err(|e| hstsguard_result::of_error(&e))?;
            *p = hstsguard_pin::of(&pin);
            Ok(())
        })())
    })
}

/// The pin of a certificate or public key given as PEM (the first certificate or public
/// key block) or DER: `HSTSGUARD_HPKP_CERTIFICATE` when it cannot be read. Present when
/// the library is built with the feature `certificates` (the default, and the packaged
/// libhstsguard).
///
/// # Safety
/// `data` must have `len` readable bytes; `pin_out` must be writable.
#[cfg(feature = "certificates")]
#[no_mangle]
pub unsafe extern "C" fn hstsguard_pin_of_certificate(
    data: *const u8,
    len: usize,
    pin_out: *mut hstsguard_pin,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let p = init(pin_out, hstsguard_pin::EMPTY)?;
            if data.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let raw = bytes(data.cast(), len)?;
            let pin = pin_from_pem_or_der(raw).map_err(|e| hstsguard_result::of_error(&e))?;
            *p = hstsguard_pin::of(&pin);
            Ok(())
        })())
    })
}

/// A parsed `Public-Key-Pins` or `Public-Key-Pins-Report-Only` value. The fields report
/// what was read even when the value is invalid; a client honours it only when `valid`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hstsguard_hpkp {
    /// True when there is no error issue (`hpkp.deprecated` is a warning).
    pub valid: bool,
    /// True when parsed as `Public-Key-Pins-Report-Only`.
    pub report_only: bool,
    /// True when a well-formed max-age was read.
    pub has_max_age: bool,
    /// max-age in seconds (saturated at 2^53-1); 0 without one.
    pub max_age: u64,
    /// True when a valueless `includeSubDomains` was seen.
    pub include_subdomains: bool,
    /// The number of distinct well-formed pins (written to the pin array as far as it
    /// goes, in order of first appearance).
    pub pins_len: usize,
    /// True when a well-formed `report-uri` was read.
    pub has_report_uri: bool,
    /// The length of the report-uri (written to the report-uri buffer when it fits).
    pub report_uri_len: usize,
    /// The number of issues (they always start with `hpkp.deprecated`).
    pub issues_len: usize,
}

impl hstsguard_hpkp {
    const EMPTY: hstsguard_hpkp = hstsguard_hpkp {
        valid: false,
        report_only: false,
        has_max_age: false,
        max_age: 0,
        include_subdomains: false,
        pins_len: 0,
        has_report_uri: false,
        report_uri_len: 0,
        issues_len: 0,
    };
}

/// Parses a received HPKP value strictly (RFC 7469 §2.1) as `Public-Key-Pins`
/// (`report_only` false) or `Public-Key-Pins-Report-Only` (true).
///
/// When `chain` is not NULL, the pin set is also checked against the `chain_len` pins of
/// the served certificate chain (RFC 7469 §2.5: a pin must match the chain and another
/// must be a backup); `chain_len` may then be 0 (an empty chain matches nothing).
///
/// Outputs: `*hpkp_out` always; the pins to `pins` (`pins_cap` entries), the report-uri to
/// `report_uri_buf` (`report_uri_cap` bytes, not NUL-terminated), the issues to `issues`
/// (`issues_cap` entries). Pass NULL and 0 for an output you do not want. When a wanted
/// output is too small, as much as fits is written (nothing of the report-uri),
/// `*hpkp_out` has the full counts and lengths, and the result is
/// `HSTSGUARD_BUFFER_TOO_SMALL`. A value that is not UTF-8 is `HSTSGUARD_INVALID_UTF8`.
///
/// # Safety
/// `value` must have `value_len` readable bytes; `chain` must be NULL or have
/// `chain_len` readable pins; `hpkp_out` must be writable; every output buffer must have
/// its capacity writable.
#[no_mangle]
pub unsafe extern "C" fn hstsguard_hpkp_parse(
    value: *const c_char,
    value_len: usize,
    report_only: bool,
    chain: *const hstsguard_pin,
    chain_len: usize,
    hpkp_out: *mut hstsguard_hpkp,
    pins: *mut hstsguard_pin,
    pins_cap: usize,
    report_uri_buf: *mut c_char,
    report_uri_cap: usize,
    issues: *mut hstsguard_issue,
    issues_cap: usize,
) -> hstsguard_result {
    guard(|| {
        status((|| unsafe {
            let o = init(hpkp_out, hstsguard_hpkp::EMPTY)?;
            if value.is_null() {
                return Err(hstsguard_result::NULL_ARGUMENT);
            }
            let pin_buf = OutBuf::new(pins, pins_cap)?;
            let uri_buf = OutBuf::new(report_uri_buf, report_uri_cap)?;
            let issue_buf = OutBuf::new(issues, issues_cap)?;
            let chain: Option<Vec<PinSha256>> = if chain.is_null() {
                None
            } else {
                if chain_len > isize::MAX as usize / std::mem::size_of::<hstsguard_pin>() {
                    return Err(hstsguard_result::INVALID_ARGUMENT);
                }
                let c = std::slice::from_raw_parts(chain, chain_len);
                Some(c.iter().map(hstsguard_pin::pin).collect())
            };
            let value = text(value, value_len)?;
            let mut parsed = parse_hpkp(value, report_only);
            if let Some(chain) = chain {
                parsed = parsed.with_chain(&chain);
            }
            let uri = parsed.report_uri();
            *o = hstsguard_hpkp {
                valid: parsed.is_valid(),
                report_only: parsed.report_only(),
                has_max_age: parsed.max_age().is_some(),
                max_age: parsed.max_age().unwrap_or(0),
                include_subdomains: parsed.include_subdomains(),
                pins_len: parsed.pins().len(),
                has_report_uri: uri.is_some(),
                report_uri_len: uri.map_or(0, str::len),
                issues_len: parsed.issues().len(),
            };
            let mut fitted = true;
            if !pin_buf.declined() {
                let ps = parsed.pins();
                fitted &= pin_buf.write_prefix(ps.len(), |i| hstsguard_pin::of(&ps[i]));
            }
            if let (Some(uri), false) = (uri, uri_buf.declined()) {
                fitted &= write_bytes(&uri_buf, uri.as_bytes());
            }
            fitted &= write_issues(&issue_buf, parsed.issues()).is_ok();
            if fitted {
                Ok(())
            } else {
                Err(hstsguard_result::BUFFER_TOO_SMALL)
            }
        })())
    })
}
