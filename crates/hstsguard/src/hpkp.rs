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

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::directive::{directives, Item, SyntaxError};
use crate::error::{truncate, DurationErrorKind, Error};
use crate::issue::{quote, Code, Issue, Severity};
use crate::MAX_AGE_CAP;

/// The enforcing header field name, `Public-Key-Pins` (RFC 7469 §2.1).
pub const HEADER: &str = "Public-Key-Pins";

/// The report-only header field name, `Public-Key-Pins-Report-Only` (RFC 7469 §2.1).
pub const HEADER_REPORT_ONLY: &str = "Public-Key-Pins-Report-Only";

/// The length of a SHA-256 digest, and so of every pin.
const PIN_LEN: usize = 32;

/// The length of a pin in padded base64.
const PIN_B64_LEN: usize = 44;

fn header_name(report_only: bool) -> &'static str {
    if report_only {
        HEADER_REPORT_ONLY
    } else {
        HEADER
    }
}

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
enum PinProblem {
    NotBase64,
    Length(usize),
}

impl PinProblem {
    fn reason(&self) -> String {
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

fn decode_pin(text: &str) -> Result<PinSha256, PinProblem> {
    let bytes = STANDARD.decode(text).map_err(|_| PinProblem::NotBase64)?;
    <[u8; PIN_LEN]>::try_from(bytes.as_slice())
        .map(PinSha256)
        .map_err(|_| PinProblem::Length(bytes.len()))
}

/// Base64 as Firefox decoded pins: non-zero trailing bits accepted (padding still required).
const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// A pin in a received header: canonical base64 first, then the lenient form Firefox
/// decodes (the `bool` is true when the text was canonical).
fn decode_received_pin(text: &str) -> Result<(PinSha256, bool), PinProblem> {
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

impl crate::config::field::Field for PinSha256 {
    const KIND: crate::config::Kind = crate::config::Kind::Text;

    fn read(
        value: &serde_json::Value,
        path: &str,
        r: &mut crate::config::reader::Reader,
    ) -> Option<PinSha256> {
        match value {
            serde_json::Value::String(s) => s.parse().map_err(|e| r.error(path, e)).ok(),
            other => {
                r.invalid_type(path, "a string", other);
                None
            }
        }
    }

    fn to_value(&self) -> serde_json::Value {
        serde_json::Value::String(self.to_string())
    }
}

crate::config::field::list_field!(PinSha256 => crate::config::Kind::Text);

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

// ---------------------------------------------------------------------------------------
// Pins of certificates and keys
// ---------------------------------------------------------------------------------------

fn cert_error(reason: impl Into<String>) -> Error {
    Error::Certificate {
        reason: reason.into(),
    }
}

/// True when some line starts with `-----BEGIN `, as the PEM reader expects.
fn looks_like_pem(bytes: &[u8]) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ";
    bytes.starts_with(BEGIN)
        || bytes
            .windows(BEGIN.len() + 1)
            .any(|w| w.first() == Some(&b'\n') && w.get(1..) == Some(BEGIN))
}

/// The SPKI of a DER certificate, which must be the whole input.
fn pin_of_der_certificate(der: &[u8], what: &str) -> Result<PinSha256, Error> {
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
fn pin_of_der_spki(der: &[u8], what: &str) -> Result<PinSha256, Error> {
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
fn pin_of_block(block: &Pem, n: usize) -> Result<Option<PinSha256>, Error> {
    let what = |label: &str| format!("PEM block {} ({label})", n + 1);
    match block.label.as_str() {
        "CERTIFICATE" => pin_of_der_certificate(&block.contents, &what("CERTIFICATE")).map(Some),
        "PUBLIC KEY" => pin_of_der_spki(&block.contents, &what("PUBLIC KEY")).map(Some),
        _ => Ok(None),
    }
}

fn pem_blocks(bytes: &[u8]) -> impl Iterator<Item = Result<(usize, Pem), Error>> + '_ {
    Pem::iter_from_buffer(bytes).enumerate().map(|(n, block)| {
        block
            .map(|b| (n, b))
            .map_err(|e| cert_error(format!("PEM block {} cannot be decoded: {e}", n + 1)))
    })
}

fn no_usable_block(labels: &[String]) -> Error {
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

fn pin_of_der(bytes: &[u8]) -> Result<PinSha256, Error> {
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

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

fn deprecated_issue() -> Issue {
    Issue::warning(
        Code::HpkpDeprecated,
        "HPKP (RFC 7469) is deprecated: Chrome 72 and Firefox 72 removed it, so current browsers ignore this header, \
         while clients that still honour it can be locked out of the site (\"bricked\") for up to max-age when the \
         pinned keys change or are lost. Prefer Certificate Transparency monitoring and CAA records.",
    )
}

/// The result of parsing a received `Public-Key-Pins` or `Public-Key-Pins-Report-Only`
/// value: the fields seen and the list of issues, which always starts with the
/// `hpkp.deprecated` warning.
///
/// The getters report what was read even when the header is invalid (useful for
/// diagnostics); a client must honour the header only when [`ParsedHpkp::is_valid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedHpkp {
    report_only: bool,
    max_age: Option<u64>,
    include_subdomains: bool,
    pins: Vec<PinSha256>,
    report_uri: Option<String>,
    issues: Vec<Issue>,
}

impl ParsedHpkp {
    /// True when there is no error-severity issue (the deprecation notice is a warning).
    pub fn is_valid(&self) -> bool {
        !self.issues.iter().any(Issue::is_error)
    }

    /// True when this was parsed as `Public-Key-Pins-Report-Only`.
    pub fn report_only(&self) -> bool {
        self.report_only
    }

    /// The max-age that was read, if a well-formed one was (saturated at
    /// [`crate::MAX_AGE_CAP`]).
    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// True when a valueless `includeSubDomains` was seen.
    pub fn include_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// The distinct well-formed `pin-sha256` values, in order of first appearance.
    pub fn pins(&self) -> &[PinSha256] {
        &self.pins
    }

    /// The `report-uri`, when a well-formed one was read.
    pub fn report_uri(&self) -> Option<&str> {
        self.report_uri.as_deref()
    }

    /// Every issue in the order found, starting with `hpkp.deprecated`.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Consumes the result, returning the issues.
    pub fn into_issues(self) -> Vec<Issue> {
        self.issues
    }

    /// The same result with the [`validate_pins`] issues for `chain` (the pins of the
    /// served certificate chain) appended; any of them makes the result invalid.
    ///
    /// ```
    /// use hstsguard::hpkp::{parse_hpkp, PinSha256};
    /// let a = "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=";
    /// let b = "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=";
    /// let value = format!("pin-sha256=\"{a}\"; pin-sha256=\"{b}\"; max-age=600");
    ///
    /// let served: PinSha256 = a.parse().unwrap();
    /// assert!(parse_hpkp(&value, false).with_chain(&[served]).is_valid());
    ///
    /// let other = PinSha256::of_spki(b"another key");
    /// assert!(!parse_hpkp(&value, false).with_chain(&[other]).is_valid());
    /// ```
    pub fn with_chain(mut self, chain: &[PinSha256]) -> ParsedHpkp {
        let extra = validate_pins(&self, chain);
        self.issues.extend(extra);
        self
    }

    /// `{"valid", "report_only", "max_age", "include_subdomains", "pins", "report_uri",
    /// "issues"}`: pins as base64 strings, `max_age` and `report_uri` null when absent,
    /// issues as [`Issue::to_json`].
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "valid": self.is_valid(),
            "report_only": self.report_only,
            "max_age": self.max_age,
            "include_subdomains": self.include_subdomains,
            "pins": self.pins.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "report_uri": self.report_uri,
            "issues": self.issues.iter().map(Issue::to_json).collect::<Vec<_>>(),
        })
    }
}

/// Adds an issue the first time only (`flag` remembers), without scanning the list.
fn once(
    issues: &mut Vec<Issue>,
    flag: &mut bool,
    code: Code,
    severity: Severity,
    message: impl FnOnce() -> String,
) {
    if !*flag {
        *flag = true;
        issues.push(Issue::new(code, severity, message()));
    }
}

fn syntax_issue(e: SyntaxError<'_>, header: &str) -> Issue {
    let (code, message) = match e {
        SyntaxError::InvalidCharacter { at } => (
            Code::HpkpParseSyntaxInvalidCharacter,
            format!(
                "The {header} value contains the character {} (U+{:04X}), which is not allowed in a header value outside a quoted-string.",
                quote(&at.to_string()),
                at as u32
            ),
        ),
        SyntaxError::InvalidDirectiveName { text } => (
            Code::HpkpParseSyntaxInvalidDirectiveName,
            format!("The directive {} does not start with a valid name (a token).", quote(text)),
        ),
        SyntaxError::InvalidValue { text } => (
            Code::HpkpParseSyntaxInvalidValue,
            format!("The directive {} has a value that is not a token or a quoted-string.", quote(text)),
        ),
        SyntaxError::UnterminatedQuotedString { text } => (
            Code::HpkpParseSyntaxUnterminatedQuotedString,
            format!("The directive {} has a quoted-string without a closing quote.", quote(text)),
        ),
    };
    Issue::error(code, message)
}

/// What the parse loop has seen so far.
#[derive(Default)]
struct Seen {
    pin_directives: usize,
    pin_error: bool,
    max_age: bool,
    include_subdomains: bool,
    report_uri: bool,
    empty_directive: bool,
    invalid_include_subdomains: bool,
    repeated_max_age: bool,
    repeated_include_subdomains: bool,
    repeated_report_uri: bool,
    syntax_error: bool,
}

/// Parses a `Public-Key-Pins` (`report_only == false`) or `Public-Key-Pins-Report-Only`
/// field value strictly, as RFC 7469 §2.1 specifies, with the directive grammar shared
/// with `Strict-Transport-Security`:
///
/// - directive names are case-insensitive; unknown directives are ignored (warning);
/// - `pin-sha256` must be a quoted-string holding base64 of exactly 32 bytes, or the
///   header is void; a repeated identical pin is kept once (warning); `pin-<other>`
///   algorithms are ignored (warning);
/// - at least one `pin-sha256` and at least two distinct pins (a live and a backup
///   pin, RFC 7469 §4.3) are required;
/// - `max-age` (1*DIGIT, quoted allowed, saturated at [`crate::MAX_AGE_CAP`]) is
///   required in the enforcing header and optional in the report-only header;
/// - `includeSubDomains` takes no value; `report-uri` must be a quoted absolute
///   `http(s)` URI; a report-only header without `report-uri` gets a warning;
/// - a repeated `max-age`, `includeSubDomains` or `report-uri` voids the header, and so
///   does any grammar violation (after which nothing more is read or required).
///
/// The issues always start with the `hpkp.deprecated` warning.
///
/// ```
/// use hstsguard::hpkp::parse_hpkp;
/// use hstsguard::Code;
///
/// // RFC 7469 §2.1.5, first example.
/// let p = parse_hpkp(
///     "max-age=3000; pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
///      pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"",
///     false,
/// );
/// assert!(p.is_valid());
/// assert_eq!(p.max_age(), Some(3000));
/// assert_eq!(p.pins().len(), 2);
///
/// let bad = parse_hpkp("max-age=3000; pin-sha256=d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM", false);
/// assert!(!bad.is_valid());
/// assert_eq!(bad.issues()[1].code(), Code::HpkpParsePinUnquoted);
/// ```
pub fn parse_hpkp(value: &str, report_only: bool) -> ParsedHpkp {
    let header = header_name(report_only);
    let mut parsed = ParsedHpkp {
        report_only,
        max_age: None,
        include_subdomains: false,
        pins: Vec::new(),
        report_uri: None,
        issues: vec![deprecated_issue()],
    };
    let unfolded = crate::directive::unfold(value);
    let value: &str = &unfolded;
    if value.bytes().all(|b| b == b' ' || b == b'\t') {
        parsed.issues.push(Issue::error(
            Code::HpkpParseEmpty,
            format!("The {header} value is empty: it has no pins, so it is void."),
        ));
        return parsed;
    }

    let mut seen = Seen::default();
    let mut distinct: HashSet<PinSha256> = HashSet::new();
    let issues = &mut parsed.issues;

    for item in directives(value) {
        let (name, dvalue, raw) = match item {
            Ok(Item::Empty) => {
                once(
                    issues,
                    &mut seen.empty_directive,
                    Code::HpkpParseEmptyDirective,
                    Severity::Warning,
                    || {
                        format!(
                            "The {header} value includes an empty directive or extra semicolon."
                        )
                    },
                );
                continue;
            }
            Ok(Item::Directive { name, value, raw }) => (name, value, raw),
            Err(e) => {
                issues.push(syntax_issue(e, header));
                seen.syntax_error = true;
                break;
            }
        };

        if name.eq_ignore_ascii_case("pin-sha256") {
            seen.pin_directives += 1;
            let v = match dvalue {
                Some(v) if v.quoted => v,
                Some(_) => {
                    seen.pin_error = true;
                    issues.push(Issue::error(
                        Code::HpkpParsePinUnquoted,
                        format!("The pin {} is not a quoted-string, as RFC 7469 §2.1.1 requires; the header is void.", quote(raw)),
                    ));
                    continue;
                }
                None => {
                    seen.pin_error = true;
                    issues.push(Issue::error(
                        Code::HpkpParsePinUnquoted,
                        format!("The directive {} has no value: a pin-sha256 is a quoted base64 digest; the header is void.", quote(raw)),
                    ));
                    continue;
                }
            };
            match decode_received_pin(&v.text) {
                Ok((pin, canonical)) => {
                    if !canonical {
                        issues.push(Issue::warning(
                            Code::HpkpParsePinNonCanonicalBase64,
                            format!(
                                "The pin {} is not canonical base64 (it should read {}); browsers decode it, so it counts.",
                                quote(&v.text),
                                quote(&pin.to_string())
                            ),
                        ));
                    }
                    if distinct.insert(pin) {
                        parsed.pins.push(pin);
                    } else {
                        issues.push(Issue::warning(
                            Code::HpkpParseRepeatedPin,
                            format!(
                                "The pin {} appears more than once; it counts once.",
                                quote(&v.text)
                            ),
                        ));
                    }
                }
                Err(problem) => {
                    seen.pin_error = true;
                    let code = match problem {
                        PinProblem::NotBase64 => Code::HpkpParsePinInvalidBase64,
                        PinProblem::Length(_) => Code::HpkpParsePinWrongLength,
                    };
                    issues.push(Issue::error(
                        code,
                        format!(
                            "The pin {} is invalid: {}; the header is void.",
                            quote(&v.text),
                            problem.reason()
                        ),
                    ));
                }
            }
        } else if name
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("pin-"))
        {
            issues.push(Issue::warning(
                Code::HpkpParsePinUnknownAlgorithm,
                format!("The pin {} uses a hash algorithm other than sha256; it is ignored (RFC 7469 §2.1.1).", quote(raw)),
            ));
        } else if name.eq_ignore_ascii_case("max-age") {
            if seen.max_age {
                once(
                    issues,
                    &mut seen.repeated_max_age,
                    Code::HpkpParseRepeatedMaxAge,
                    Severity::Error,
                    || {
                        format!("The {header} value repeats the max-age directive ({}), which voids it.", quote(raw))
                    },
                );
                continue;
            }
            seen.max_age = true;
            let text = dvalue.as_ref().map_or("", |v| &*v.text);
            if text.is_empty() {
                issues.push(Issue::error(
                    Code::HpkpParseInvalidMaxAgeNoValue,
                    format!(
                        "The directive {} has no value: specify max-age in seconds.",
                        quote(raw)
                    ),
                ));
                continue;
            }
            let Some((seconds, saturated)) = crate::directive::delta_seconds(text) else {
                issues.push(Issue::error(
                    Code::HpkpParseMaxAgeNonDigitCharacters,
                    format!(
                        "The max-age value contains characters that are not digits: {}.",
                        quote(raw)
                    ),
                ));
                continue;
            };
            if saturated {
                issues.push(Issue::warning(
                    Code::HpkpParseMaxAgeSaturated,
                    format!(
                        "The max-age value {} is larger than {MAX_AGE_CAP} and is treated as {MAX_AGE_CAP}.",
                        quote(text)
                    ),
                ));
            }
            parsed.max_age = Some(seconds);
        } else if name.eq_ignore_ascii_case("includeSubDomains") {
            if dvalue.is_some() {
                once(
                    issues,
                    &mut seen.invalid_include_subdomains,
                    Code::HpkpParseInvalidIncludeSubDomains,
                    Severity::Error,
                    || {
                        format!(
                            "The includeSubDomains directive takes no value, but has one: {}.",
                            quote(raw)
                        )
                    },
                );
            } else if seen.include_subdomains {
                once(
                    issues,
                    &mut seen.repeated_include_subdomains,
                    Code::HpkpParseRepeatedIncludeSubDomains,
                    Severity::Error,
                    || {
                        format!("The {header} value repeats the includeSubDomains directive, which voids it.")
                    },
                );
            } else {
                seen.include_subdomains = true;
                parsed.include_subdomains = true;
            }
        } else if name.eq_ignore_ascii_case("report-uri") {
            if seen.report_uri {
                once(
                    issues,
                    &mut seen.repeated_report_uri,
                    Code::HpkpParseRepeatedReportUri,
                    Severity::Error,
                    || {
                        format!("The {header} value repeats the report-uri directive ({}), which voids it.", quote(raw))
                    },
                );
                continue;
            }
            seen.report_uri = true;
            match dvalue {
                Some(v) if v.quoted => match check_report_uri(&v.text) {
                    Ok(()) => parsed.report_uri = Some(v.text.into_owned()),
                    Err(why) => issues.push(Issue::error(
                        Code::HpkpParseReportUriInvalid,
                        format!("The report-uri {} is not an absolute http(s) URI: {why}.", quote(&v.text)),
                    )),
                },
                _ => issues.push(Issue::error(
                    Code::HpkpParseReportUriUnquoted,
                    format!("The directive {} is not a quoted-string, as RFC 7469 §2.1.4 requires; the header is void.", quote(raw)),
                )),
            }
        } else {
            issues.push(Issue::warning(
                Code::HpkpParseUnknownDirective,
                format!(
                    "The {header} value contains an unknown directive, which is ignored: {}.",
                    quote(raw)
                ),
            ));
        }
    }

    // max-age=0 removes the host's pins (RFC 7469 §2.3.3): browsers accepted it with
    // fewer than two pins, so the pin-count rules do not apply to it.
    let removal = parsed.max_age == Some(0);
    if !seen.syntax_error && !removal {
        if seen.pin_directives == 0 {
            issues.push(Issue::error(
                Code::HpkpParsePinsMissing,
                format!("The {header} value has no pin-sha256 directive, so it is void."),
            ));
        } else if !seen.pin_error && parsed.pins.len() < 2 {
            issues.push(Issue::error(
                Code::HpkpParsePinsTooFew,
                format!(
                    "The {header} value has {} distinct pin(s): it needs one matching the certificate chain and at least one backup pin (RFC 7469 §4.3).",
                    parsed.pins.len()
                ),
            ));
        }
    }
    if !seen.syntax_error {
        if !report_only && !seen.max_age {
            issues.push(Issue::error(
                Code::HpkpParseMaxAgeMissing,
                "The Public-Key-Pins value has no max-age directive, which RFC 7469 §2.1.2 requires; the header is void.".to_owned(),
            ));
        }
        if report_only && !seen.report_uri {
            issues.push(Issue::warning(
                Code::HpkpReportOnlyNoReportUri,
                "The Public-Key-Pins-Report-Only value has no report-uri, so pin validation failures are reported nowhere.".to_owned(),
            ));
        }
    }
    parsed
}

/// Checks `uri` is an absolute `http://` or `https://` URI (RFC 3986 absolute-URI, no
/// fragment) made only of URI characters; the error says why not.
fn check_report_uri(uri: &str) -> Result<(), &'static str> {
    /// RFC 3986 unreserved, reserved and `%`.
    fn is_uri_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
    }
    let b = uri.as_bytes();
    if b.is_empty() {
        return Err("it is empty");
    }
    if !b.iter().all(|&c| is_uri_char(c)) {
        return Err("it contains a character not allowed in a URI (space, quote, backslash, control or non-ASCII)");
    }
    for (i, &c) in b.iter().enumerate() {
        if c == b'%' {
            let hex = b.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return Err("it has a % not followed by two hexadecimal digits");
            }
        }
    }
    if b.contains(&b'#') {
        return Err("it has a fragment (#)");
    }
    let rest = ["https://", "http://"]
        .iter()
        .find_map(|scheme| {
            uri.get(..scheme.len())
                .filter(|s| s.eq_ignore_ascii_case(scheme))
                .and_then(|_| uri.get(scheme.len()..))
        })
        .ok_or("it does not start with http:// or https://")?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let (inside, after) = literal
            .split_once(']')
            .ok_or("its IPv6 address has no closing ]")?;
        if inside.is_empty()
            || !inside
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
        {
            return Err("its IPv6 address is malformed");
        }
        match after {
            "" => (inside, None),
            _ => (
                inside,
                Some(
                    after
                        .strip_prefix(':')
                        .ok_or("it has text after the IPv6 address")?,
                ),
            ),
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("it has no host");
    }
    if host.contains(['[', ']']) {
        return Err("its host contains [ or ]");
    }
    if let Some(port) = port {
        if port.is_empty()
            || port.len() > 5
            || !port.bytes().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().is_err()
        {
            return Err("its port is not a number from 0 to 65535");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Validation against a chain (RFC 7469 §2.5)
// ---------------------------------------------------------------------------------------

/// Checks a parsed pin set against the pins of the served certificate chain, as RFC
/// 7469 §2.5 requires of a host before it sends the header:
///
/// - `hpkp.validate.no_matching_pin` (error) when no pin matches any SPKI of the chain;
/// - `hpkp.validate.no_backup_pin` (error) when every pin matches the chain, so there is
///   no backup pin to move to when the keys change.
///
/// ```
/// use hstsguard::hpkp::{parse_hpkp, validate_pins, PinSha256};
/// use hstsguard::Code;
/// let a = "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=";
/// let b = "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=";
/// let parsed = parse_hpkp(&format!("pin-sha256=\"{a}\"; pin-sha256=\"{b}\"; max-age=600"), false);
///
/// let both: Vec<PinSha256> = vec![a.parse().unwrap(), b.parse().unwrap()];
/// let issues = validate_pins(&parsed, &both);
/// assert_eq!(issues[0].code(), Code::HpkpValidateNoBackupPin);
/// ```
pub fn validate_pins(parsed: &ParsedHpkp, chain: &[PinSha256]) -> Vec<Issue> {
    let header = header_name(parsed.report_only);
    let chain: HashSet<&PinSha256> = chain.iter().collect();
    let matching = parsed.pins.iter().filter(|p| chain.contains(p)).count();
    let mut issues = Vec::new();
    if matching == 0 {
        issues.push(Issue::error(
            Code::HpkpValidateNoMatchingPin,
            format!(
                "None of the {} pin(s) of the {header} value matches a public key of the certificate chain (RFC 7469 §2.5): clients that honour it would refuse the connection.",
                parsed.pins.len()
            ),
        ));
    } else if matching == parsed.pins.len() {
        issues.push(Issue::error(
            Code::HpkpValidateNoBackupPin,
            format!(
                "Every pin of the {header} value matches the certificate chain: there is no backup pin, so a key change would lock clients out (RFC 7469 §2.5)."
            ),
        ));
    }
    issues
}

// ---------------------------------------------------------------------------------------
// Building a header
// ---------------------------------------------------------------------------------------

/// A `Public-Key-Pins` (or `-Report-Only`) header, built only with guard rails: at least
/// two distinct pins, max-age within [`crate::MAX_AGE_CAP`], a well-formed `report-uri`.
/// Immutable once built; the field name and value are computed when it is made, so
/// serving it never allocates. Repeated pins are written once.
///
/// The value is `pin-sha256="..."; pin-sha256="..."; max-age=N[; includeSubDomains][;
/// report-uri="..."]`, and [`parse_hpkp`] reads it back to the same pins and flags.
///
/// RFC 7469 §4.1 suggests a max-age of at most 60 days (5184000 s); every extra second
/// prolongs a lock-out.
///
/// ```
/// use hstsguard::hpkp::{HpkpHeader, PinSha256};
/// let a: PinSha256 = "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=".parse().unwrap();
/// let b: PinSha256 = "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=".parse().unwrap();
///
/// let h = HpkpHeader::new(&[a, b], 600)
///     .unwrap()
///     .include_subdomains(true)
///     .report_uri("https://example.com/hpkp")
///     .unwrap();
/// assert_eq!(h.name(), "Public-Key-Pins");
/// assert_eq!(
///     h.value(),
///     "pin-sha256=\"sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=\"; \
///      pin-sha256=\"82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=\"; \
///      max-age=600; includeSubDomains; report-uri=\"https://example.com/hpkp\""
/// );
/// assert_eq!(h.to_string(), h.value());
/// assert_eq!(h.value().parse::<HpkpHeader>().unwrap(), h);
///
/// let err = HpkpHeader::new(&[a, a], 600).unwrap_err();
/// assert_eq!(err.code(), "hpkp.too_few_pins");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HpkpHeader {
    pins: Vec<PinSha256>,
    max_age: u64,
    include_subdomains: bool,
    report_uri: Option<String>,
    report_only: bool,
    value: String,
}

impl HpkpHeader {
    /// An enforcing header with `pins` (at least two distinct ones, else
    /// [`Error::TooFewPins`]) and `max_age` in seconds (above [`crate::MAX_AGE_CAP`] it is
    /// an [`Error::InvalidDuration`]), without `includeSubDomains` or `report-uri`.
    pub fn new(pins: &[PinSha256], max_age: u64) -> Result<HpkpHeader, Error> {
        if max_age > MAX_AGE_CAP {
            return Err(Error::InvalidDuration {
                value: max_age.to_string(),
                kind: DurationErrorKind::Overflow,
            });
        }
        let mut seen = HashSet::with_capacity(pins.len());
        let distinct: Vec<PinSha256> = pins.iter().copied().filter(|p| seen.insert(*p)).collect();
        if distinct.len() < 2 {
            return Err(Error::TooFewPins {
                distinct: distinct.len(),
            });
        }
        Ok(HpkpHeader {
            pins: distinct,
            max_age,
            include_subdomains: false,
            report_uri: None,
            report_only: false,
            value: String::new(),
        }
        .render())
    }

    fn render(mut self) -> HpkpHeader {
        use fmt::Write as _;
        let mut v = String::with_capacity(self.pins.len() * 58 + 64);
        for pin in &self.pins {
            // Writing to a String cannot fail.
            let _ = write!(v, "pin-sha256=\"{pin}\"; ");
        }
        let _ = write!(v, "max-age={}", self.max_age);
        if self.include_subdomains {
            v.push_str("; includeSubDomains");
        }
        if let Some(uri) = &self.report_uri {
            let _ = write!(v, "; report-uri=\"{uri}\"");
        }
        self.value = v;
        self
    }

    /// The same header with or without `includeSubDomains`.
    pub fn include_subdomains(mut self, yes: bool) -> HpkpHeader {
        self.include_subdomains = yes;
        self.render()
    }

    /// The same header with a `report-uri`, which must be an absolute `http://` or
    /// `https://` URI without spaces, quotes, CR/LF or a fragment; anything else is an
    /// [`Error::InvalidHeader`] with the code `hpkp.parse.report_uri.invalid`.
    ///
    /// ```
    /// use hstsguard::hpkp::{HpkpHeader, PinSha256};
    /// let pins = [PinSha256::of_spki(b"a"), PinSha256::of_spki(b"b")];
    /// let h = HpkpHeader::new(&pins, 60).unwrap();
    /// let err = h.report_uri("https://example.com/\r\nSet-Cookie: x=1").unwrap_err();
    /// assert_eq!(err.code(), "hpkp.parse.report_uri.invalid");
    /// ```
    pub fn report_uri(mut self, uri: &str) -> Result<HpkpHeader, Error> {
        if let Err(why) = check_report_uri(uri) {
            return Err(Error::InvalidHeader {
                header: self.name(),
                value: truncate(uri),
                issue: Code::HpkpParseReportUriInvalid,
                message: format!(
                    "report-uri {} is not an absolute http(s) URI: {why}",
                    quote(uri)
                ),
            });
        }
        self.report_uri = Some(uri.to_owned());
        Ok(self.render())
    }

    /// The same header as `Public-Key-Pins-Report-Only` (`true`) or `Public-Key-Pins`
    /// (`false`). A report-only header is useful only with a [`HpkpHeader::report_uri`].
    pub fn report_only(mut self, yes: bool) -> HpkpHeader {
        self.report_only = yes;
        self
    }

    /// The field name: `Public-Key-Pins` or `Public-Key-Pins-Report-Only`.
    pub fn name(&self) -> &'static str {
        header_name(self.report_only)
    }

    /// The field value, computed when the header was built.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The distinct pins, in the order given.
    pub fn pins(&self) -> &[PinSha256] {
        &self.pins
    }

    /// max-age in seconds.
    pub fn max_age(&self) -> u64 {
        self.max_age
    }

    /// True when the value carries `includeSubDomains`.
    pub fn includes_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// True for `Public-Key-Pins-Report-Only`.
    pub fn is_report_only(&self) -> bool {
        self.report_only
    }

    /// The `report-uri`, if any.
    pub fn reporting_uri(&self) -> Option<&str> {
        self.report_uri.as_deref()
    }
}

impl fmt::Display for HpkpHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl FromStr for HpkpHeader {
    type Err = Error;

    /// Parses an enforcing `Public-Key-Pins` value strictly ([`parse_hpkp`]); an invalid
    /// value is an [`Error::InvalidHeader`] carrying the first error's code.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = parse_hpkp(s, false);
        let first = parsed.issues.iter().find(|i| i.is_error());
        match (first, parsed.max_age) {
            (None, Some(max_age)) => Ok(HpkpHeader {
                pins: parsed.pins,
                max_age,
                include_subdomains: parsed.include_subdomains,
                report_uri: parsed.report_uri,
                report_only: false,
                value: String::new(),
            }
            .render()),
            _ => Err(Error::InvalidHeader {
                header: HEADER,
                value: truncate(s),
                issue: first.map_or(Code::HpkpParseMaxAgeMissing, Issue::code),
                message: first.map_or_else(String::new, |i| i.message().to_owned()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=";
    const B: &str = "82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=";
    const C: &str = "NPwobeaLnjbM0FZuLCXjGHQUOE5bli/br8Lcf4KsSkM=";

    /// The pin of tests/data/cert.pem, computed once with
    /// `openssl x509 -pubkey -noout -in cert.pem | openssl pkey -pubin -outform der |
    /// openssl dgst -sha256 -binary | base64`.
    const CERT_PIN: &str = "5LCPmoL9ep1dU3vVMGhd7aBm52YTrZf554Zv1rUZwa4=";
    /// The pin of the second certificate of tests/data/chain.pem, computed the same way.
    const CHAIN_SECOND_PIN: &str = "p5xu/0nGhmB8ZU3XF/iaMPTwkTUfNnu7z6Ui01ugxIs=";

    const CERT_PEM: &[u8] = include_bytes!("../tests/data/cert.pem");
    const CERT_DER: &[u8] = include_bytes!("../tests/data/cert.der");
    const PUBKEY_PEM: &[u8] = include_bytes!("../tests/data/pubkey.pem");
    const PUBKEY_DER: &[u8] = include_bytes!("../tests/data/pubkey.der");
    const CHAIN_PEM: &[u8] = include_bytes!("../tests/data/chain.pem");

    fn pin(s: &str) -> PinSha256 {
        s.parse().unwrap()
    }

    fn two_pins() -> String {
        format!("pin-sha256=\"{A}\"; pin-sha256=\"{B}\"")
    }

    fn codes(value: &str, report_only: bool) -> Vec<&'static str> {
        parse_hpkp(value, report_only)
            .issues()
            .iter()
            .map(|i| i.code().as_str())
            .collect()
    }

    #[test]
    fn pin_display_from_str_round_trip() {
        for s in [A, B, C, CERT_PIN] {
            assert_eq!(pin(s).to_string(), s);
        }
        assert_eq!(format!("{:?}", pin(A)), format!("PinSha256(\"{A}\")"));
        assert_eq!(PinSha256::from_digest(*pin(A).as_bytes()), pin(A));
        assert_eq!(PinSha256::from(*pin(B).as_bytes()), pin(B));
    }

    #[test]
    fn pin_from_str_errors() {
        for (text, fragment) in [
            ("", "0 bytes"),
            ("mp+rA/Rc+z5L5HFusRiSXCG+cvo=", "20 bytes"),
            ("+OmZvgwam9exGT9UDb8oQM7poGvhWn8NlmQsYDt3ukCv", "33 bytes"),
            ("sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk", "not base64"),
            ("sEu-pIV8-dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=", "not base64"),
            (
                " sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=",
                "not base64",
            ),
            ("sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrl=", "not base64"),
        ] {
            match text.parse::<PinSha256>() {
                Err(Error::InvalidPin { value, reason }) => {
                    assert_eq!(value, text);
                    assert!(reason.contains(fragment), "{text}: {reason}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        match "x".repeat(500).parse::<PinSha256>() {
            Err(Error::InvalidPin { value, .. }) => assert!(value.len() < 100),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pins_of_test_certificate_in_every_format() {
        let want = pin(CERT_PIN);
        assert_eq!(pin_from_pem_or_der(CERT_PEM).unwrap(), want);
        assert_eq!(pin_from_pem_or_der(CERT_DER).unwrap(), want);
        assert_eq!(pin_from_pem_or_der(PUBKEY_PEM).unwrap(), want);
        assert_eq!(pin_from_pem_or_der(PUBKEY_DER).unwrap(), want);
        assert_eq!(PinSha256::of_spki(PUBKEY_DER), want);
        // CRLF line endings and text around the block are fine.
        let crlf = String::from_utf8(CERT_PEM.to_vec())
            .unwrap()
            .replace('\n', "\r\n");
        assert_eq!(
            pin_from_pem_or_der(format!("subject=CN=x\r\n{crlf}").as_bytes()).unwrap(),
            want
        );
    }

    #[test]
    fn pins_of_a_chain() {
        let pins = pins_from_pem_chain(CHAIN_PEM).unwrap();
        assert_eq!(pins, [pin(CERT_PIN), pin(CHAIN_SECOND_PIN)]);
        // The first certificate of a bundle is the one pin_from_pem_or_der reads.
        assert_eq!(pin_from_pem_or_der(CHAIN_PEM).unwrap(), pin(CERT_PIN));
        // A single DER certificate is a chain of one.
        assert_eq!(pins_from_pem_chain(CERT_DER).unwrap(), [pin(CERT_PIN)]);
        // Lines that are not UTF-8 before and inside a block.
        let mut junk = b"\xff\xfe junk\n".to_vec();
        junk.extend_from_slice(CERT_PEM);
        assert_eq!(pin_from_pem_or_der(&junk).unwrap(), pin(CERT_PIN));
        let bad = b"-----BEGIN CERTIFICATE-----\n\xff\n-----END CERTIFICATE-----\n";
        assert!(pin_from_pem_or_der(bad).is_err());
        // Other blocks are skipped.
        let mut with_key =
            b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                .to_vec();
        with_key.extend_from_slice(CHAIN_PEM);
        assert_eq!(pins_from_pem_chain(&with_key).unwrap(), pins);
        assert_eq!(pin_from_pem_or_der(&with_key).unwrap(), pin(CERT_PIN));
    }

    fn cert_reason(result: Result<impl fmt::Debug, Error>) -> String {
        match result {
            Err(Error::Certificate { reason }) => reason,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn certificate_errors_say_what_is_wrong() {
        assert!(cert_reason(pin_from_pem_or_der(b"")).contains("empty"));
        assert!(cert_reason(pin_from_pem_or_der(b" \n")).contains("empty"));
        assert!(cert_reason(pin_from_pem_or_der(b"hello")).contains("neither PEM"));
        let truncated = CERT_DER.get(..CERT_DER.len() - 10).unwrap();
        assert!(cert_reason(pin_from_pem_or_der(truncated)).contains("neither PEM"));
        let mut trailing = CERT_DER.to_vec();
        trailing.push(0);
        assert!(cert_reason(pin_from_pem_or_der(&trailing))
            .contains("certificate is followed by 1 unexpected bytes"));
        let mut trailing = PUBKEY_DER.to_vec();
        trailing.extend_from_slice(b"xy");
        assert!(cert_reason(pin_from_pem_or_der(&trailing))
            .contains("SubjectPublicKeyInfo is followed by 2 unexpected bytes"));

        let key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let why = cert_reason(pin_from_pem_or_der(key));
        assert!(
            why.contains("`PRIVATE KEY`") && why.contains("openssl"),
            "{why}"
        );
        let why = cert_reason(pins_from_pem_chain(key));
        assert!(why.contains("`PRIVATE KEY`"), "{why}");

        let bad_b64 = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(cert_reason(pin_from_pem_or_der(bad_b64)).contains("PEM block 1 cannot be decoded"));
        let not_cert = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(cert_reason(pin_from_pem_or_der(not_cert))
            .contains("PEM block 1 (CERTIFICATE) is not a valid X.509"));
        let not_spki = b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        assert!(cert_reason(pin_from_pem_or_der(not_spki))
            .contains("PEM block 1 (PUBLIC KEY) is not a valid SubjectPublicKeyInfo"));
        let unterminated = b"-----BEGIN CERTIFICATE-----\nAAAA\n";
        assert!(cert_reason(pin_from_pem_or_der(unterminated)).contains("cannot be decoded"));

        // A bad second certificate is named.
        let mut chain = CERT_PEM.to_vec();
        chain.extend_from_slice(not_cert);
        assert!(cert_reason(pins_from_pem_chain(&chain)).contains("PEM block 2"));
    }

    #[test]
    fn certificate_readers_survive_garbage() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let _ = pin_from_pem_or_der(&bytes);
            let _ = pins_from_pem_chain(&bytes);
            // Mutate the real certificate too.
            let mut cert = CERT_DER.to_vec();
            if let Some(b) = cert.get_mut(len % CERT_DER.len()) {
                *b ^= next() as u8 | 1;
            }
            let _ = pin_from_pem_or_der(&cert);
            let _ =
                pin_from_pem_or_der(CERT_PEM.get(..len.min(CERT_PEM.len())).unwrap_or_default());
        }
    }

    #[test]
    fn deprecated_always_first() {
        for (value, ro) in [
            ("", false),
            ("x", true),
            ("\u{7f}", false),
            (two_pins().as_str(), true),
        ] {
            let p = parse_hpkp(value, ro);
            assert_eq!(p.issues()[0].code(), Code::HpkpDeprecated, "{value:?}");
            assert_eq!(p.issues()[0].severity(), Severity::Warning);
            assert!(p.issues()[0].message().contains("Chrome 72"));
            assert!(p.issues()[0].message().contains("Firefox 72"));
        }
    }

    #[test]
    fn rfc_7469_section_2_1_5_examples() {
        let e1 = parse_hpkp(
            "max-age=3000; pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"",
            false,
        );
        assert!(e1.is_valid());
        assert_eq!(e1.max_age(), Some(3000));
        assert_eq!(e1.issues().len(), 1);

        // Example 2: one pin only, so invalid here (RFC 7469 §4.3 requires a backup).
        let e2 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; max-age=3000";
        assert_eq!(
            codes(e2, false),
            ["hpkp.deprecated", "hpkp.parse.pins.too_few"]
        );

        let e3 = "max-age=2592000; pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; \
                  pin-sha256=\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"; report-uri=\"http://example.com/pkp-report\"";
        let p3 = parse_hpkp(e3, false);
        assert!(p3.is_valid());
        assert_eq!(p3.report_uri(), Some("http://example.com/pkp-report"));

        // Example 4: report-only, no max-age.
        let e4 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
                  pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; report-uri=\"https://other.example.net/pkp-report\"";
        let p4 = parse_hpkp(e4, true);
        assert!(p4.is_valid());
        assert_eq!(p4.max_age(), None);
        assert!(p4.report_only());
        assert_eq!(
            codes(e4, false),
            ["hpkp.deprecated", "hpkp.parse.max_age.missing"]
        );

        let e5 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
                  pin-sha256=\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"; max-age=259200";
        assert!(parse_hpkp(e5, false).is_valid());

        let e6 = "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; \
                  pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; \
                  pin-sha256=\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"; max-age=10000; includeSubDomains";
        let p6 = parse_hpkp(e6, false);
        assert!(p6.is_valid());
        assert!(p6.include_subdomains());
        assert_eq!(p6.pins().len(), 3);
    }

    #[test]
    fn names_are_case_insensitive_and_whitespace_allowed() {
        let v = format!("PIN-SHA256 = \"{A}\" ;Pin-Sha256=\"{B}\";MAX-AGE=\"60\"; includesubdomains ; REPORT-URI=\"HTTPS://r.example/x\"");
        let p = parse_hpkp(&v, false);
        assert!(p.is_valid(), "{:?}", p.issues());
        assert_eq!(p.max_age(), Some(60));
        assert!(p.include_subdomains());
        assert_eq!(p.report_uri(), Some("HTTPS://r.example/x"));
    }

    #[test]
    fn pin_rules() {
        let m = "max-age=60";
        assert_eq!(
            codes(
                &format!(
                    "pin-sha256={}; pin-sha256=\"{B}\"; {m}",
                    A.trim_end_matches('=')
                ),
                false
            ),
            ["hpkp.deprecated", "hpkp.parse.pin.unquoted"]
        );
        assert_eq!(
            codes(&format!("pin-sha256; pin-sha256=\"{B}\"; {m}"), false),
            ["hpkp.deprecated", "hpkp.parse.pin.unquoted"]
        );
        assert_eq!(
            codes(
                &format!("pin-sha256=\"not base64!\"; pin-sha256=\"{B}\"; {m}"),
                false
            ),
            ["hpkp.deprecated", "hpkp.parse.pin.invalid_base64"]
        );
        assert_eq!(
            codes(
                &format!("pin-sha256=\"mp+rA/Rc+z5L5HFusRiSXCG+cvo=\"; pin-sha256=\"{B}\"; {m}"),
                false
            ),
            ["hpkp.deprecated", "hpkp.parse.pin.wrong_length"]
        );
        let p = parse_hpkp(
            &format!("{}; pin-sha1=\"abc\"; pin-sha256=\"{A}\"; {m}", two_pins()),
            false,
        );
        assert!(p.is_valid());
        assert_eq!(p.pins(), [pin(A), pin(B)]);
        let got: Vec<_> = p.issues().iter().map(|i| i.code().as_str()).collect();
        assert_eq!(
            got,
            [
                "hpkp.deprecated",
                "hpkp.parse.pin.unknown_algorithm",
                "hpkp.parse.repeated.pin"
            ]
        );

        assert_eq!(
            codes(m, false),
            ["hpkp.deprecated", "hpkp.parse.pins.missing"]
        );
        assert_eq!(
            codes(
                &format!("pin-sha256=\"{A}\"; pin-sha256=\"{A}\"; {m}"),
                false
            ),
            [
                "hpkp.deprecated",
                "hpkp.parse.repeated.pin",
                "hpkp.parse.pins.too_few"
            ]
        );
        // Only unknown algorithms: no pin-sha256 at all.
        assert_eq!(
            codes(&format!("pin-sha1=\"{A}\"; pin-sha512=\"{B}\"; {m}"), false),
            [
                "hpkp.deprecated",
                "hpkp.parse.pin.unknown_algorithm",
                "hpkp.parse.pin.unknown_algorithm",
                "hpkp.parse.pins.missing"
            ]
        );
    }

    #[test]
    fn max_age_rules() {
        let p = two_pins();
        assert_eq!(
            codes(&p, false),
            ["hpkp.deprecated", "hpkp.parse.max_age.missing"]
        );
        assert_eq!(
            codes(&p, true),
            ["hpkp.deprecated", "hpkp.report_only.no_report_uri"]
        );
        assert_eq!(
            codes(&format!("{p}; max-age"), false),
            ["hpkp.deprecated", "hpkp.parse.invalid.max_age.no_value"]
        );
        assert_eq!(
            codes(&format!("{p}; max-age=\"\""), false),
            ["hpkp.deprecated", "hpkp.parse.invalid.max_age.no_value"]
        );
        assert_eq!(
            codes(&format!("{p}; max-age=-1"), false),
            ["hpkp.deprecated", "hpkp.parse.max_age.non_digit_characters"]
        );
        assert_eq!(
            codes(&format!("{p}; max-age=\"1 0\""), false),
            ["hpkp.deprecated", "hpkp.parse.max_age.non_digit_characters"]
        );
        assert_eq!(
            codes(&format!("{p}; max-age=1; max-age=1; max-age=2"), false),
            ["hpkp.deprecated", "hpkp.parse.repeated.max_age"]
        );
        let big = parse_hpkp(&format!("{p}; max-age=99999999999999999999999"), false);
        assert!(big.is_valid());
        assert_eq!(big.max_age(), Some(MAX_AGE_CAP));
        assert_eq!(big.issues()[1].code(), Code::HpkpParseMaxAgeSaturated);
        let cap = parse_hpkp(&format!("{p}; max-age={MAX_AGE_CAP}"), false);
        assert_eq!(cap.issues().len(), 1);
        let quoted = parse_hpkp(&format!("{p}; max-age=\"0\""), false);
        assert!(quoted.is_valid());
        assert_eq!(quoted.max_age(), Some(0));
    }

    #[test]
    fn include_subdomains_and_report_uri_rules() {
        let p = format!("{}; max-age=60", two_pins());
        assert_eq!(
            codes(
                &format!("{p}; includeSubDomains=1; includeSubDomains=\"\""),
                false
            ),
            ["hpkp.deprecated", "hpkp.parse.invalid.include_sub_domains"]
        );
        assert_eq!(
            codes(
                &format!("{p}; includeSubDomains; INCLUDESUBDOMAINS; includesubdomains"),
                false
            ),
            ["hpkp.deprecated", "hpkp.parse.repeated.include_sub_domains"]
        );
        assert_eq!(
            codes(&format!("{p}; report-uri=https://r.example/"), false),
            ["hpkp.deprecated", "hpkp.parse.syntax.invalid_value"]
        );
        assert_eq!(
            codes(&format!("{p}; report-uri=r"), false),
            ["hpkp.deprecated", "hpkp.parse.report_uri.unquoted"]
        );
        assert_eq!(
            codes(&format!("{p}; report-uri"), false),
            ["hpkp.deprecated", "hpkp.parse.report_uri.unquoted"]
        );
        for bad in [
            "",
            "/relative",
            "ftp://r.example/",
            "https://",
            "https:///path",
            "https://r.example:99999/",
            "https://r.example:/",
            "https://r.example/a b",
            "https://r.example/é",
            "https://r.example/#frag",
            "https://r.example/%zz",
            "https://[::1/",
            "https://[zz]/",
            "https://[::1]x/",
            "https://r]example/",
            "javascript:alert(1)",
        ] {
            let v = format!("{p}; report-uri=\"{bad}\"");
            assert_eq!(
                codes(&v, false),
                ["hpkp.deprecated", "hpkp.parse.report_uri.invalid"],
                "{bad}"
            );
        }
        for good in [
            "https://r.example",
            "http://r.example:8080/hpkp?x=1&y=%20",
            "https://user@r.example/",
            "https://[2001:db8::1]:443/r",
            "https://192.0.2.1/r;x",
        ] {
            let v = format!("{p}; report-uri=\"{good}\"");
            let parsed = parse_hpkp(&v, false);
            assert!(parsed.is_valid(), "{good}: {:?}", parsed.issues());
            assert_eq!(parsed.report_uri(), Some(good));
        }
        assert_eq!(
            codes(
                &format!(
                    "{p}; report-uri=\"https://a.example/\"; report-uri=\"https://a.example/\""
                ),
                false
            ),
            ["hpkp.deprecated", "hpkp.parse.repeated.report_uri"]
        );
    }

    #[test]
    fn unknown_and_empty_directives() {
        let p = format!("{}; max-age=60", two_pins());
        assert_eq!(
            codes(&format!(";;{p};; preload; strict;"), false),
            [
                "hpkp.deprecated",
                "hpkp.parse.empty_directive",
                "hpkp.parse.unknown_directive",
                "hpkp.parse.unknown_directive"
            ]
        );
        assert_eq!(codes("", false), ["hpkp.deprecated", "hpkp.parse.empty"]);
        assert_eq!(codes(" \t ", true), ["hpkp.deprecated", "hpkp.parse.empty"]);
    }

    #[test]
    fn syntax_errors_stop_reading() {
        let p = two_pins();
        assert_eq!(
            codes(&format!("{p}; max-age=1 2"), false),
            ["hpkp.deprecated", "hpkp.parse.syntax.invalid_value"]
        );
        assert_eq!(
            codes("pin-sha256=\"abc", false),
            [
                "hpkp.deprecated",
                "hpkp.parse.syntax.unterminated_quoted_string"
            ]
        );
        assert_eq!(
            codes("@; max-age=1", false),
            [
                "hpkp.deprecated",
                "hpkp.parse.syntax.invalid_directive_name"
            ]
        );
        assert_eq!(
            codes(&format!("{p}; max-age=1\r\nX-Injected: 1"), false),
            ["hpkp.deprecated", "hpkp.parse.syntax.invalid_character"]
        );
        assert_eq!(
            codes("max-age=1; prélo", false),
            ["hpkp.deprecated", "hpkp.parse.syntax.invalid_character"]
        );
        // Non-ASCII inside a quoted pin is a bad pin, not a syntax error.
        assert_eq!(
            codes(&format!("{p}; pin-sha256=\"é\"; max-age=1"), false),
            ["hpkp.deprecated", "hpkp.parse.pin.invalid_base64"]
        );
    }

    #[test]
    fn hostile_inputs_are_linear_and_bounded() {
        let many = format!("{}; max-age=60{}", two_pins(), ";".repeat(100_000));
        let p = parse_hpkp(&many, false);
        assert!(p.is_valid());
        assert_eq!(p.issues().len(), 2);

        let unknown = "x;".repeat(50_000);
        // deprecated, 50000 unknown, one empty (the trailing `;`), pins.missing, no_report_uri.
        assert_eq!(
            parse_hpkp(&unknown, true).issues().len(),
            1 + 50_000 + 1 + 1 + 1
        );

        let long_pin = format!("pin-sha256=\"{}\"", "A".repeat(1 << 20));
        let p = parse_hpkp(&long_pin, false);
        assert_eq!(p.issues()[1].code(), Code::HpkpParsePinWrongLength);
        assert!(p.issues().iter().all(|i| i.message().len() < 400));

        let dupes = format!("pin-sha256=\"{A}\";").repeat(20_000);
        assert_eq!(parse_hpkp(&dupes, false).pins(), [pin(A)]);
    }

    #[test]
    fn random_values_keep_the_invariants() {
        let directives = [
            "pin-sha256=\"sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=\"",
            "pin-sha256=\"82w5Wmn1ed7ebRi4uwcf3rHedqRXQQypywjf7VZ6ncY=\"",
            "pin-sha256=\"NPwobeaLnjbM0FZuLCXjGHQUOE5bli/br8Lcf4KsSkM=\"",
            "PIN-SHA256=\"MbWAXZkGQwtA7lX38/YLSo2uN0vvSfkEfE7ICbnEdns=\"",
            "pin-sha256=",
            "pin-sha1=\"x\"",
            "max-age=60",
            "max-age=\"0\"",
            "max-age=99999999999999999999",
            "max-age=",
            "includeSubDomains",
            "report-uri=\"https://r.example/\"",
            "report-uri=",
            "x=y",
        ];
        let junk = [
            ";", "=", "\"", "\\", " ", "\t", "\r\n", "\u{0}", "é", "x", "@",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut valid = 0;
        for _ in 0..5_000 {
            let mut value = String::new();
            for _ in 0..(next() % 7) {
                let r = next();
                let d = directives.get((r % directives.len() as u64) as usize);
                value.push_str(d.unwrap_or(&""));
                if r % 9 == 0 {
                    let j = junk.get((r / 9 % junk.len() as u64) as usize);
                    value.push_str(j.unwrap_or(&""));
                } else {
                    value.push_str("; ");
                }
            }
            for report_only in [false, true] {
                let p = parse_hpkp(&value, report_only);
                assert_eq!(p.issues()[0].code(), Code::HpkpDeprecated, "{value:?}");
                if !p.is_valid() {
                    continue;
                }
                valid += 1;
                if p.max_age() == Some(0) {
                    // A removal: valid whatever the pins (RFC 7469 §2.3.3).
                    continue;
                }
                assert!(p.pins().len() >= 2, "{value:?}");
                assert!(report_only || p.max_age().is_some(), "{value:?}");
                if let Some(age) = p.max_age() {
                    let h = HpkpHeader::new(p.pins(), age).unwrap();
                    let again = parse_hpkp(h.value(), false);
                    assert!(again.is_valid(), "{value:?}");
                    assert_eq!(again.pins(), p.pins());
                    assert_eq!(again.max_age(), Some(age));
                }
            }
        }
        assert!(valid > 100, "only {valid} valid values");
    }

    #[test]
    fn validation_against_a_chain() {
        let p = parse_hpkp(&format!("{}; max-age=60", two_pins()), false);
        assert!(validate_pins(&p, &[pin(A)]).is_empty());
        assert!(validate_pins(&p, &[pin(C), pin(B)]).is_empty());
        let none: Vec<_> = validate_pins(&p, &[pin(C)])
            .iter()
            .map(Issue::code)
            .collect();
        assert_eq!(none, [Code::HpkpValidateNoMatchingPin]);
        assert_eq!(
            validate_pins(&p, &[]).first().map(Issue::code),
            Some(Code::HpkpValidateNoMatchingPin)
        );
        let all: Vec<_> = validate_pins(&p, &[pin(B), pin(C), pin(A)])
            .iter()
            .map(Issue::code)
            .collect();
        assert_eq!(all, [Code::HpkpValidateNoBackupPin]);

        let checked = p.clone().with_chain(&[pin(A), pin(B)]);
        assert!(!checked.is_valid());
        assert_eq!(
            checked.issues().last().map(Issue::code),
            Some(Code::HpkpValidateNoBackupPin)
        );
        assert!(p.clone().with_chain(&[pin(A)]).is_valid());

        // The real certificate plus a backup pin.
        let chain = pins_from_pem_chain(CHAIN_PEM).unwrap();
        let v = format!("pin-sha256=\"{CERT_PIN}\"; pin-sha256=\"{C}\"; max-age=60");
        assert!(parse_hpkp(&v, false).with_chain(&chain).is_valid());
    }

    #[test]
    fn to_json_shape() {
        let p = parse_hpkp(
            &format!(
                "{}; max-age=60; report-uri=\"https://r.example/\"",
                two_pins()
            ),
            true,
        );
        let j = p.to_json();
        assert_eq!(j["valid"], true);
        assert_eq!(j["report_only"], true);
        assert_eq!(j["max_age"], 60);
        assert_eq!(j["include_subdomains"], false);
        assert_eq!(j["pins"], serde_json::json!([A, B]));
        assert_eq!(j["report_uri"], "https://r.example/");
        assert_eq!(j["issues"][0]["code"], "hpkp.deprecated");
        assert_eq!(j["issues"][0]["severity"], "warning");
        assert_eq!(j.as_object().map(|o| o.len()), Some(7));

        let empty = parse_hpkp("", false).to_json();
        assert_eq!(empty["valid"], false);
        assert_eq!(empty["max_age"], serde_json::Value::Null);
        assert_eq!(empty["report_uri"], serde_json::Value::Null);
        assert_eq!(empty["pins"], serde_json::json!([]));
    }

    #[test]
    fn builder_guard_rails() {
        assert_eq!(
            HpkpHeader::new(&[], 60),
            Err(Error::TooFewPins { distinct: 0 })
        );
        assert_eq!(
            HpkpHeader::new(&[pin(A)], 60),
            Err(Error::TooFewPins { distinct: 1 })
        );
        assert_eq!(
            HpkpHeader::new(&[pin(A), pin(A), pin(A)], 60),
            Err(Error::TooFewPins { distinct: 1 })
        );
        assert_eq!(
            HpkpHeader::new(&[pin(A), pin(B)], MAX_AGE_CAP + 1)
                .unwrap_err()
                .code(),
            "duration.overflow"
        );

        let h = HpkpHeader::new(&[pin(A), pin(B), pin(A)], 60).unwrap();
        assert_eq!(h.pins(), [pin(A), pin(B)]);
        assert_eq!(h.name(), "Public-Key-Pins");
        assert_eq!(h.value(), format!("{}; max-age=60", two_pins()));
        assert!(!h.includes_subdomains() && !h.is_report_only() && h.reporting_uri().is_none());
        assert_eq!(h.max_age(), 60);

        for bad in [
            "https://r.example/\"",
            "https://r.example/\r\n",
            "https://r.example/\\",
            "r.example",
            "",
        ] {
            let err = h.clone().report_uri(bad).unwrap_err();
            assert_eq!(err.code(), "hpkp.parse.report_uri.invalid", "{bad:?}");
        }

        let ro = h.clone().report_only(true);
        assert_eq!(ro.name(), "Public-Key-Pins-Report-Only");
        assert_eq!(ro.value(), h.value());
        let back = ro
            .report_only(false)
            .include_subdomains(true)
            .include_subdomains(false);
        assert_eq!(back, h);
    }

    #[test]
    fn builder_round_trips_through_the_parser() {
        let pins = [pin(A), pin(B), pin(C), pin(CERT_PIN)];
        for n in 2..=pins.len() {
            for max_age in [0, 60, 5_184_000, MAX_AGE_CAP] {
                for include in [false, true] {
                    for uri in [None, Some("https://r.example/hpkp?a=b;c")] {
                        for ro in [false, true] {
                            let mut h = HpkpHeader::new(pins.get(..n).unwrap(), max_age)
                                .unwrap()
                                .include_subdomains(include)
                                .report_only(ro);
                            if let Some(u) = uri {
                                h = h.report_uri(u).unwrap();
                            }
                            let p = parse_hpkp(h.value(), h.is_report_only());
                            assert!(p.is_valid(), "{h}: {:?}", p.issues());
                            assert_eq!(p.pins(), h.pins());
                            assert_eq!(p.max_age(), Some(max_age));
                            assert_eq!(p.include_subdomains(), include);
                            assert_eq!(p.report_uri(), uri);
                            assert_eq!(p.report_only(), ro);
                            if !ro {
                                assert_eq!(h.value().parse::<HpkpHeader>().unwrap(), h);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn from_str_errors_carry_the_first_error_code() {
        match "max-age=60".parse::<HpkpHeader>() {
            Err(Error::InvalidHeader { header, issue, .. }) => {
                assert_eq!(header, "Public-Key-Pins");
                assert_eq!(issue, Code::HpkpParsePinsMissing);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            two_pins().parse::<HpkpHeader>().unwrap_err().code(),
            "hpkp.parse.max_age.missing"
        );
    }

    #[test]
    fn types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<HpkpHeader>();
        check::<ParsedHpkp>();
        check::<PinSha256>();
    }
}
