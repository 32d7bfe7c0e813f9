//! HTTP Public Key Pinning (RFC 7469), **deprecated**: parse and audit received headers,
//! compute pins, and build a header only with guard rails. Over the core's `hpkp` module.

use napi::bindgen_prelude::{Buffer, Either};
use napi::Env;
use napi_derive::napi;

use hstsguard::hpkp::PinSha256;

use crate::duration::{seconds, MaxAge};
use crate::error::check;
use crate::issue::{issues, Issue};
use napi::Result;

/// The result of parsing a `Public-Key-Pins` or `Public-Key-Pins-Report-Only` value. The
/// issues always start with the `hpkp.deprecated` warning.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ParsedHpkp {
    /// True when there is no error-severity issue.
    pub valid: bool,
    /// True when parsed as `Public-Key-Pins-Report-Only`.
    pub report_only: bool,
    /// The max-age that was read, if a well-formed one was.
    pub max_age: Option<f64>,
    /// A valueless `includeSubDomains` was seen.
    pub include_sub_domains: bool,
    /// The distinct well-formed `pin-sha256` values (base64), in order of appearance.
    pub pins: Vec<String>,
    /// The `report-uri`, when a well-formed one was read.
    pub report_uri: Option<String>,
    /// Every issue in the order found, starting with `hpkp.deprecated`.
    pub issues: Vec<Issue>,
}

impl From<&hstsguard::hpkp::ParsedHpkp> for ParsedHpkp {
    fn from(p: &hstsguard::hpkp::ParsedHpkp) -> Self {
        ParsedHpkp {
            valid: p.is_valid(),
            report_only: p.report_only(),
            max_age: p.max_age().map(|a| a as f64),
            include_sub_domains: p.include_subdomains(),
            pins: pin_strings(p.pins()),
            report_uri: p.report_uri().map(str::to_owned),
            issues: issues(p.issues()),
        }
    }
}

fn pin_strings(pins: &[PinSha256]) -> Vec<String> {
    pins.iter().map(ToString::to_string).collect()
}

fn parse_pins(env: &Env, pins: &[String]) -> Result<Vec<PinSha256>> {
    pins.iter()
        .map(|p| check(env, p.parse::<PinSha256>()))
        .collect()
}

fn bytes(data: &Either<Buffer, String>) -> &[u8] {
    match data {
        Either::A(b) => b.as_ref(),
        Either::B(s) => s.as_bytes(),
    }
}

/// Parses a `Public-Key-Pins` value (`reportOnly` false, the default) or a
/// `Public-Key-Pins-Report-Only` value strictly (RFC 7469 §2.1). With `chainPins` (the
/// base64 pins of the served certificate chain), the RFC 7469 §2.5 check is added:
/// `hpkp.validate.no_matching_pin` and `hpkp.validate.no_backup_pin`.
///
/// Throws only for a malformed `chainPins` entry (`hpkp.invalid_pin`); problems with the
/// header are `issues`.
#[napi(catch_unwind)]
pub fn parse_hpkp(
    env: Env,
    value: String,
    report_only: Option<bool>,
    chain_pins: Option<Vec<String>>,
) -> Result<ParsedHpkp> {
    let mut parsed = hstsguard::hpkp::parse_hpkp(&value, report_only.unwrap_or(false));
    if let Some(chain) = chain_pins {
        parsed = parsed.with_chain(&parse_pins(&env, &chain)?);
    }
    Ok(ParsedHpkp::from(&parsed))
}

/// The `pin-sha256` (base64) of the first certificate or public key in PEM text or DER
/// bytes. Throws `hpkp.certificate` when nothing usable is found.
#[napi(catch_unwind)]
pub fn pin_from_pem_or_der(env: Env, data: Either<Buffer, String>) -> Result<String> {
    check(&env, hstsguard::hpkp::pin_from_pem_or_der(bytes(&data))).map(|p| p.to_string())
}

/// One `pin-sha256` per certificate (and per `PUBLIC KEY` block) of a PEM bundle such as
/// a `fullchain.pem`, in file order. Throws `hpkp.certificate` for an undecodable block
/// or a bundle without certificates.
#[napi(catch_unwind)]
pub fn pins_from_pem_chain(env: Env, data: Either<Buffer, String>) -> Result<Vec<String>> {
    check(&env, hstsguard::hpkp::pins_from_pem_chain(bytes(&data))).map(|p| pin_strings(&p))
}

/// The `pin-sha256` of a DER SubjectPublicKeyInfo: SHA-256 of the bytes as given (not
/// parsed).
#[napi(catch_unwind)]
pub fn pin_of_spki(der: Buffer) -> String {
    PinSha256::of_spki(der.as_ref()).to_string()
}

/// What an `HpkpHeader` is built from.
#[napi(object)]
pub struct HpkpOptions {
    /// At least two distinct base64 `pin-sha256` values: one of the served chain, one
    /// backup.
    pub pins: Vec<String>,
    /// Seconds or a duration string. RFC 7469 §4.1 suggests at most 60 days.
    #[napi(ts_type = "number | string")]
    pub max_age: MaxAge,
    /// Add `includeSubDomains` (default false).
    pub include_sub_domains: Option<bool>,
    /// An absolute `http://` or `https://` URI for violation reports.
    pub report_uri: Option<String>,
    /// Send as `Public-Key-Pins-Report-Only` (default false).
    pub report_only: Option<bool>,
}

/// A `Public-Key-Pins` (or `-Report-Only`) header, built only with guard rails: at least
/// two distinct pins (`hpkp.too_few_pins`), valid pins (`hpkp.invalid_pin`), a valid
/// max-age (`duration.*`), a well-formed `report-uri` (`hpkp.parse.report_uri.invalid`).
#[napi]
pub struct HpkpHeader {
    inner: hstsguard::hpkp::HpkpHeader,
}

#[napi]
impl HpkpHeader {
    /// Builds the header; throws with the core's code when a guard rail is hit.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: HpkpOptions) -> Result<Self> {
        let pins = parse_pins(&env, &options.pins)?;
        let max_age = check(&env, seconds(&options.max_age))?;
        let mut header = check(&env, hstsguard::hpkp::HpkpHeader::new(&pins, max_age))?
            .include_subdomains(options.include_sub_domains.unwrap_or(false))
            .report_only(options.report_only.unwrap_or(false));
        if let Some(uri) = &options.report_uri {
            header = check(&env, header.report_uri(uri))?;
        }
        Ok(HpkpHeader { inner: header })
    }

    /// Parses an enforcing `Public-Key-Pins` value strictly; an invalid value throws with
    /// the first error issue's code.
    #[napi(factory, catch_unwind)]
    pub fn parse(env: Env, value: String) -> Result<Self> {
        let inner = check(&env, value.parse::<hstsguard::hpkp::HpkpHeader>())?;
        Ok(HpkpHeader { inner })
    }

    /// The field name: `Public-Key-Pins` or `Public-Key-Pins-Report-Only`.
    #[napi(getter)]
    pub fn name(&self) -> &'static str {
        self.inner.name()
    }

    /// The field value.
    #[napi(getter)]
    pub fn value(&self) -> String {
        self.inner.value().to_owned()
    }

    /// The distinct pins (base64), in the order given.
    #[napi(getter)]
    pub fn pins(&self) -> Vec<String> {
        pin_strings(self.inner.pins())
    }

    /// max-age in seconds.
    #[napi(getter)]
    pub fn max_age(&self) -> f64 {
        self.inner.max_age() as f64
    }

    /// True when the value carries `includeSubDomains`.
    #[napi(getter, js_name = "includeSubDomains")]
    pub fn include_subdomains(&self) -> bool {
        self.inner.includes_subdomains()
    }

    /// True for `Public-Key-Pins-Report-Only`.
    #[napi(getter)]
    pub fn report_only(&self) -> bool {
        self.inner.is_report_only()
    }

    /// The `report-uri`, if any.
    #[napi(getter)]
    pub fn report_uri(&self) -> Option<String> {
        self.inner.reporting_uri().map(str::to_owned)
    }

    /// The field value.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.inner.value().to_owned()
    }
}
