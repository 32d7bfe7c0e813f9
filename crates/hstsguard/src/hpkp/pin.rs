//! `pin-sha256` values: SHA-256 digests of a SubjectPublicKeyInfo, written in base64.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{PIN_B64_LEN, PIN_LEN};
use crate::error::{truncate, Error};

// ---------------------------------------------------------------------------------------
// Pins
// ---------------------------------------------------------------------------------------

/// A `pin-sha256` value: the SHA-256 digest of a DER-encoded SubjectPublicKeyInfo
/// (RFC 7469 §2.4).
///
/// `Display` is standard base64 with padding (RFC 4648 §4), as written in the header;
/// `FromStr` accepts exactly that: base64 of exactly 32 bytes, nothing around it.
///
/// ```
/// use hstsguard::hpkp::PinSha256;
///
/// let text = "d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=";
/// let pin: PinSha256 = text.parse().unwrap();
/// assert_eq!(pin.to_string(), text);
///
/// let err = "d6qzRu9zOECb90Uez27xWltNsj0e".parse::<PinSha256>().unwrap_err();
/// assert_eq!(err.code(), "hpkp.invalid_pin");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PinSha256([u8; PIN_LEN]);

impl PinSha256 {
    /// A pin from a SHA-256 digest computed elsewhere.
    pub const fn from_digest(digest: [u8; PIN_LEN]) -> PinSha256 {
        PinSha256(digest)
    }

    /// The pin of a public key: SHA-256 of its SubjectPublicKeyInfo DER. The bytes are
    /// hashed as given, not parsed; use [`pin_from_pem_or_der`] to read files.
    ///
    /// ```
    /// use hstsguard::hpkp::PinSha256;
    /// // SHA-256 of the empty input.
    /// assert_eq!(
    ///     PinSha256::of_spki(b"").to_string(),
    ///     "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    /// );
    /// ```
    pub fn of_spki(der: &[u8]) -> PinSha256 {
        PinSha256(Sha256::digest(der).into())
    }

    /// The 32 digest bytes.
    pub const fn as_bytes(&self) -> &[u8; PIN_LEN] {
        &self.0
    }
}

impl From<[u8; PIN_LEN]> for PinSha256 {
    fn from(digest: [u8; PIN_LEN]) -> PinSha256 {
        PinSha256(digest)
    }
}

impl fmt::Display for PinSha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; PIN_B64_LEN];
        let n = STANDARD
            .encode_slice(self.0, &mut buf)
            .map_err(|_| fmt::Error)?;
        let text = buf.get(..n).ok_or(fmt::Error)?;
        f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for PinSha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PinSha256(\"{self}\")")
    }
}

/// Why a text is not a pin.
pub(crate) enum PinProblem {
    NotBase64,
    Length(usize),
}

impl PinProblem {
    pub(crate) fn reason(&self) -> String {
        match self {
            PinProblem::NotBase64 => {
                "it is not base64 (RFC 4648 standard alphabet, with padding)".to_owned()
            }
            PinProblem::Length(n) => {
                format!("it decodes to {n} bytes, but a SHA-256 digest has 32")
            }
        }
    }
}

pub(crate) fn decode_pin(text: &str) -> Result<PinSha256, PinProblem> {
    let bytes = STANDARD.decode(text).map_err(|_| PinProblem::NotBase64)?;
    <[u8; PIN_LEN]>::try_from(bytes.as_slice())
        .map(PinSha256)
        .map_err(|_| PinProblem::Length(bytes.len()))
}

/// Base64 as Firefox decoded pins: non-zero trailing bits accepted (padding still required).
pub(crate) const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// A pin in a received header: canonical base64 first, then the lenient form Firefox
/// decodes (the `bool` is true when the text was canonical).
pub(crate) fn decode_received_pin(text: &str) -> Result<(PinSha256, bool), PinProblem> {
    match decode_pin(text) {
        Ok(pin) => Ok((pin, true)),
        Err(PinProblem::NotBase64) => {
            let bytes = LENIENT.decode(text).map_err(|_| PinProblem::NotBase64)?;
            <[u8; PIN_LEN]>::try_from(bytes.as_slice())
                .map(|d| (PinSha256(d), false))
                .map_err(|_| PinProblem::Length(bytes.len()))
        }
        Err(e) => Err(e),
    }
}

crate::config::field::text_field!(PinSha256, split_commas = true);

impl FromStr for PinSha256 {
    type Err = Error;

    /// Parses standard padded base64 of exactly 32 bytes; anything else is an
    /// [`Error::InvalidPin`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        decode_pin(s).map_err(|problem| Error::InvalidPin {
            value: truncate(s),
            reason: problem.reason(),
        })
    }
}
