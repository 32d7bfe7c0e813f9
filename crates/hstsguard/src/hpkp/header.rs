//! Building an HPKP header, with guard rails (two distinct pins, a max-age).

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use super::parse::{check_report_uri, parse_hpkp};
use super::pin::PinSha256;
use super::{header_name, HEADER};
use crate::error::{truncate, DurationErrorKind, Error};
use crate::issue::{quote, Code, Issue};
use crate::MAX_AGE_CAP;

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
    pub(crate) pins: Vec<PinSha256>,
    pub(crate) max_age: u64,
    pub(crate) include_subdomains: bool,
    pub(crate) report_uri: Option<String>,
    pub(crate) report_only: bool,
    pub(crate) value: String,
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

    pub(crate) fn render(mut self) -> HpkpHeader {
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
