//! Pins of certificates and public keys (PEM or DER), with x509-parser (cargo feature `certificates`).

use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::pin::PinSha256;
use crate::error::Error;
use crate::issue::quote;

// ---------------------------------------------------------------------------------------
// Pins of certificates and keys
// ---------------------------------------------------------------------------------------

pub(crate) fn cert_error(reason: impl Into<String>) -> Error {
    Error::Certificate {
        reason: reason.into(),
    }
}

/// True when some line starts with `-----BEGIN `, as the PEM reader expects.
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ";
    bytes.starts_with(BEGIN)
        || bytes
            .windows(BEGIN.len() + 1)
            .any(|w| w.first() == Some(&b'\n') && w.get(1..) == Some(BEGIN))
}

/// The SPKI of a DER certificate, which must be the whole input.
pub(crate) fn pin_of_der_certificate(der: &[u8], what: &str) -> Result<PinSha256, Error> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], cert)) => Ok(PinSha256::of_spki(cert.public_key().raw)),
        Ok((rest, _)) => Err(cert_error(format!(
            "{what} is followed by {} unexpected bytes",
            rest.len()
        ))),
        Err(e) => Err(cert_error(format!(
            "{what} is not a valid X.509 certificate ({e})"
        ))),
    }
}

/// A DER SubjectPublicKeyInfo, which must be the whole input.
pub(crate) fn pin_of_der_spki(der: &[u8], what: &str) -> Result<PinSha256, Error> {
    match SubjectPublicKeyInfo::from_der(der) {
        Ok(([], spki)) => Ok(PinSha256::of_spki(spki.raw)),
        Ok((rest, _)) => Err(cert_error(format!(
            "{what} is followed by {} unexpected bytes",
            rest.len()
        ))),
        Err(e) => Err(cert_error(format!(
            "{what} is not a valid SubjectPublicKeyInfo ({e})"
        ))),
    }
}

/// The pin of a PEM block: `Some` for CERTIFICATE and PUBLIC KEY, `None` for any other
/// label.
pub(crate) fn pin_of_block(block: &Pem, n: usize) -> Result<Option<PinSha256>, Error> {
    let what = |label: &str| format!("PEM block {} ({label})", n + 1);
    match block.label.as_str() {
        "CERTIFICATE" => pin_of_der_certificate(&block.contents, &what("CERTIFICATE")).map(Some),
        "PUBLIC KEY" => pin_of_der_spki(&block.contents, &what("PUBLIC KEY")).map(Some),
        _ => Ok(None),
    }
}

pub(crate) fn pem_blocks(bytes: &[u8]) -> impl Iterator<Item = Result<(usize, Pem), Error>> + '_ {
    Pem::iter_from_buffer(bytes).enumerate().map(|(n, block)| {
        block
            .map(|b| (n, b))
            .map_err(|e| cert_error(format!("PEM block {} cannot be decoded: {e}", n + 1)))
    })
}

pub(crate) fn no_usable_block(labels: &[String]) -> Error {
    if labels.is_empty() {
        return cert_error(
            "the input looks like PEM but has no complete `-----BEGIN ...-----` block",
        );
    }
    let found: Vec<String> = labels.iter().map(|l| quote(l)).collect();
    cert_error(format!(
        "the PEM input has no CERTIFICATE or PUBLIC KEY block (found {}); extract the public key with `openssl pkey -pubout` or `openssl x509 -pubkey -noout`",
        found.join(", ")
    ))
}

/// Computes the pin of a certificate or public key file, detecting its format:
///
/// - PEM: the first `CERTIFICATE` block (the pin of its SubjectPublicKeyInfo) or
///   `PUBLIC KEY` block (a SubjectPublicKeyInfo), skipping blocks with other labels
///   (private keys, parameters); use [`pins_from_pem_chain`] for every certificate of a
///   bundle;
/// - otherwise DER: an X.509 certificate, else a SubjectPublicKeyInfo.
///
/// The result is what `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der |
/// openssl dgst -sha256 -binary | base64` prints. Anything unusable is an
/// [`Error::Certificate`] saying what was wrong.
///
/// ```
/// use hstsguard::hpkp::pin_from_pem_or_der;
///
/// let pem = "-----BEGIN PUBLIC KEY-----
/// MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENit8A7OFKg8nz/1QjcGgDvBvA10Q
/// INWBmWhS76HzPQgZCDdt6M6c8BGNV4oyp/8nmQic6MBLZnn4clhHBm1nHQ==
/// -----END PUBLIC KEY-----
/// ";
/// let pin = pin_from_pem_or_der(pem.as_bytes()).unwrap();
/// assert_eq!(pin.to_string(), "5LCPmoL9ep1dU3vVMGhd7aBm52YTrZf554Zv1rUZwa4=");
///
/// let err = pin_from_pem_or_der(b"not a certificate").unwrap_err();
/// assert_eq!(err.code(), "hpkp.certificate");
/// ```
pub fn pin_from_pem_or_der(bytes: &[u8]) -> Result<PinSha256, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(cert_error("the input is empty"));
    }
    if !looks_like_pem(bytes) {
        return pin_of_der(bytes);
    }
    let mut labels = Vec::new();
    for block in pem_blocks(bytes) {
        let (n, block) = block?;
        if let Some(pin) = pin_of_block(&block, n)? {
            return Ok(pin);
        }
        labels.push(block.label);
    }
    Err(no_usable_block(&labels))
}

pub(crate) fn pin_of_der(bytes: &[u8]) -> Result<PinSha256, Error> {
    match x509_parser::parse_x509_certificate(bytes) {
        Ok(([], cert)) => return Ok(PinSha256::of_spki(cert.public_key().raw)),
        Ok((rest, _)) => {
            return Err(cert_error(format!(
                "the DER certificate is followed by {} unexpected bytes",
                rest.len()
            )))
        }
        Err(_) => {}
    }
    match SubjectPublicKeyInfo::from_der(bytes) {
        Ok(([], spki)) => Ok(PinSha256::of_spki(spki.raw)),
        Ok((rest, _)) => Err(cert_error(format!(
            "the DER SubjectPublicKeyInfo is followed by {} unexpected bytes",
            rest.len()
        ))),
        Err(_) => Err(cert_error(
            "the input is neither PEM (no `-----BEGIN` line) nor a DER X.509 certificate nor a DER SubjectPublicKeyInfo",
        )),
    }
}

/// Computes one pin per certificate (and per `PUBLIC KEY` block) of a PEM bundle such
/// as a `fullchain.pem`, in file order, skipping blocks with other labels. Pins are not
/// deduplicated: the n-th pin belongs to the n-th certificate. A non-PEM input is read
/// as a single DER certificate or public key, as [`pin_from_pem_or_der`] does.
///
/// Any undecodable block is an [`Error::Certificate`] naming the block; so is a bundle
/// with no certificate at all.
///
/// ```
/// use hstsguard::hpkp::pins_from_pem_chain;
/// let err = pins_from_pem_chain(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
///     .unwrap_err();
/// assert_eq!(err.code(), "hpkp.certificate");
/// ```
pub fn pins_from_pem_chain(bytes: &[u8]) -> Result<Vec<PinSha256>, Error> {
    if !looks_like_pem(bytes) {
        return pin_from_pem_or_der(bytes).map(|pin| vec![pin]);
    }
    let mut pins = Vec::new();
    let mut labels = Vec::new();
    for block in pem_blocks(bytes) {
        let (n, block) = block?;
        match pin_of_block(&block, n)? {
            Some(pin) => pins.push(pin),
            None => labels.push(block.label),
        }
    }
    if pins.is_empty() {
        return Err(no_usable_block(&labels));
    }
    Ok(pins)
}
