//! HTTP Public Key Pinning (RFC 7469), **deprecated**.
//!
//! Every major browser removed HPKP (Chrome 72, Firefox 72): a wrong or lost pin locks
//! users out of a site for up to max-age, and an attacker who briefly controls a site
//! can pin keys the owner does not hold. This module exists to audit headers that are
//! still sent, to support the few non-browser clients that still honour them, and to
//! make sending one hard to get wrong:
//!
//! - [`PinSha256`]: a `pin-sha256` value (SHA-256 of a SubjectPublicKeyInfo), with
//!   base64 `Display` / `FromStr`;
//! - [`pin_from_pem_or_der`] and [`pins_from_pem_chain`]: pins of certificates and
//!   public keys;
//! - [`parse_hpkp`]: the strict RFC 7469 §2.1 parser, sharing the STS directive
//!   grammar, whose issues always start with `hpkp.deprecated`;
//! - [`validate_pins`] / [`ParsedHpkp::with_chain`]: the RFC 7469 §2.5 check of a pin set
//!   against a certificate chain;
//! - [`HpkpHeader`]: an immutable header built only with at least two distinct pins.
//!
//! ```
//! use hstsguard::hpkp::{parse_hpkp, HpkpHeader, PinSha256};
//! use hstsguard::Code;
//!
//! let live = PinSha256::of_spki(b"the SubjectPublicKeyInfo DER of the site key");
//! let backup: PinSha256 = "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=".parse().unwrap();
//!
//! let header = HpkpHeader::new(&[live, backup], 5_184_000).unwrap().report_only(true);
//! assert_eq!(header.name(), "Public-Key-Pins-Report-Only");
//!
//! let parsed = parse_hpkp(header.value(), true);
//! assert!(parsed.is_valid());
//! assert_eq!(parsed.pins(), [live, backup]);
//! assert_eq!(parsed.issues()[0].code(), Code::HpkpDeprecated);
//! ```

#[cfg(feature = "certificates")]
mod cert;
mod config;
mod header;
mod parse;
mod pin;
#[cfg(all(test, feature = "certificates"))]
mod tests;

#[cfg(feature = "certificates")]
pub use cert::{pin_from_pem_or_der, pins_from_pem_chain};
pub(crate) use config::from_section;
pub use header::HpkpHeader;
pub use parse::{parse_hpkp, validate_pins, ParsedHpkp};
pub use pin::PinSha256;

/// The enforcing header field name, `Public-Key-Pins` (RFC 7469 §2.1).
pub const HEADER: &str = "Public-Key-Pins";

/// The report-only header field name, `Public-Key-Pins-Report-Only` (RFC 7469 §2.1).
pub const HEADER_REPORT_ONLY: &str = "Public-Key-Pins-Report-Only";

/// The length of a SHA-256 digest, and so of every pin.
pub(crate) const PIN_LEN: usize = 32;

/// The length of a pin in padded base64.
pub(crate) const PIN_B64_LEN: usize = 44;

pub(crate) fn header_name(report_only: bool) -> &'static str {
    if report_only {
        HEADER_REPORT_ONLY
    } else {
        HEADER
    }
}
