//! The strict HPKP parser (RFC 7469 §2.1), and the check of a parsed header against a chain (§2.5).

use std::collections::HashSet;

use super::header_name;
use super::pin::{decode_received_pin, PinProblem, PinSha256};
use crate::directive::{directives, Item, SyntaxError};
use crate::issue::{quote, Code, Issue, Severity};
use crate::MAX_AGE_CAP;

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

pub(crate) fn deprecated_issue() -> Issue {
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
    pub(crate) report_only: bool,
    pub(crate) max_age: Option<u64>,
    pub(crate) include_subdomains: bool,
    pub(crate) pins: Vec<PinSha256>,
    pub(crate) report_uri: Option<String>,
    pub(crate) issues: Vec<Issue>,
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
pub(crate) fn once(
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

pub(crate) fn syntax_issue(e: SyntaxError<'_>, header: &str) -> Issue {
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
pub(crate) struct Seen {
    pub(crate) pin_directives: usize,
    pub(crate) pin_error: bool,
    pub(crate) max_age: bool,
    pub(crate) include_subdomains: bool,
    pub(crate) report_uri: bool,
    pub(crate) empty_directive: bool,
    pub(crate) invalid_include_subdomains: bool,
    pub(crate) repeated_max_age: bool,
    pub(crate) repeated_include_subdomains: bool,
    pub(crate) repeated_report_uri: bool,
    pub(crate) syntax_error: bool,
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
pub(crate) fn check_report_uri(uri: &str) -> Result<(), &'static str> {
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
