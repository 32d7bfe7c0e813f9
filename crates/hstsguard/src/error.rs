//! Errors: input that cannot be used at all.
//!
//! Diagnostics about a value that *was* understood are [`crate::Issue`]s; an [`Error`]
//! means there is nothing to work with. Every error has a stable [`Error::code`], shared
//! by the C, Python and Node bindings; messages name the field and the offending value.

use std::fmt;

/// Why a duration string was refused. See [`crate::parse_duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DurationErrorKind {
    /// Empty or whitespace only.
    Empty,
    /// Starts with `-`.
    Negative,
    /// Has a decimal point or exponent (`3600.0`, `1e6`).
    Fractional,
    /// Not a number at all (`NaN`, `inf`, `abc`).
    NotANumber,
    /// An unknown unit suffix (`5x`).
    UnknownUnit,
    /// More seconds than [`crate::MAX_AGE_CAP`].
    Overflow,
}

impl DurationErrorKind {
    /// The stable code, e.g. `"duration.negative"`.
    pub const fn code(self) -> &'static str {
        match self {
            DurationErrorKind::Empty => "duration.empty",
            DurationErrorKind::Negative => "duration.negative",
            DurationErrorKind::Fractional => "duration.fractional",
            DurationErrorKind::NotANumber => "duration.not_a_number",
            DurationErrorKind::UnknownUnit => "duration.unknown_unit",
            DurationErrorKind::Overflow => "duration.overflow",
        }
    }

    const fn explain(self) -> &'static str {
        match self {
            DurationErrorKind::Empty => "it is empty",
            DurationErrorKind::Negative => "it is negative",
            DurationErrorKind::Fractional => {
                "it is not written as a whole number of seconds (no decimal point or exponent)"
            }
            DurationErrorKind::NotANumber => "it is not a number",
            DurationErrorKind::UnknownUnit => "the unit is not one of s, m, h, d, w, y",
            DurationErrorKind::Overflow => "it is larger than 9007199254740991 seconds",
        }
    }
}

/// One problem found while building a [`crate::Policy`], with the path of the field
/// (`hsts.max_age`, `cookies.rules[2].same_site`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConfigError {
    path: String,
    code: &'static str,
    message: String,
}

impl ConfigError {
    /// Creates a configuration error for the field at `path`.
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.into(),
            code,
            message: message.into(),
        }
    }

    /// The dotted path of the offending field (empty for the whole document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The stable code, e.g. `"config.unknown_key"`, `"duration.negative"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message (names the field and the value).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} [{}]", self.message, self.code)
        } else {
            write!(f, "{}: {} [{}]", self.path, self.message, self.code)
        }
    }
}

/// Every error hstsguard returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A duration (max-age) could not be used.
    #[error("invalid duration {value:?}: {}{}", kind.explain(), crate::duration::unit_word_hint(value))]
    InvalidDuration {
        /// The text as given (truncated to 80 characters).
        value: String,
        /// What was wrong.
        kind: DurationErrorKind,
    },
    /// A header value could not be turned into a policy; `code` is the first error issue.
    #[error("invalid {header} value {value:?}: {message}")]
    InvalidHeader {
        /// Which header (`Strict-Transport-Security`, `Public-Key-Pins`).
        header: &'static str,
        /// The value (truncated to 80 characters).
        value: String,
        /// The code of the first error issue.
        issue: crate::Code,
        /// The message of the first error issue.
        message: String,
    },
    /// An HPKP pin is not base64 of a 32-byte SHA-256 digest.
    #[error("invalid pin-sha256 {value:?}: {reason}")]
    InvalidPin {
        /// The pin as given (truncated).
        value: String,
        /// What was wrong.
        reason: String,
    },
    /// Building an HPKP header needs at least two distinct pins (one in use, one backup).
    #[error("an HPKP header needs at least two distinct pins (one matching the certificate chain and one backup), got {distinct}")]
    TooFewPins {
        /// How many distinct pins were given.
        distinct: usize,
    },
    /// A certificate or public key could not be read.
    #[error("cannot read certificate or public key: {reason}")]
    Certificate {
        /// What was wrong.
        reason: String,
    },
    /// A policy configuration has errors; all of them are listed.
    #[error("{}", ConfigErrors(.0))]
    Config(Vec<ConfigError>),
    /// A file could not be read.
    #[error("cannot read {path:?}: {reason}")]
    Io {
        /// The path.
        path: String,
        /// The OS error text.
        reason: String,
    },
    /// A host name cannot be used by the Known HSTS Host store or the preload list
    /// ([`crate::Code::UaHostInvalid`], [`crate::Code::UaHostTooLong`],
    /// [`crate::Code::UaHostNotUtf8`]).
    #[error("invalid host {value}: {reason}")]
    InvalidHost {
        /// The host, quoted for a message (at most 80 characters, control characters escaped).
        value: String,
        /// The stable code.
        code: crate::Code,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A URL cannot be parsed ([`crate::Code::UaUrlInvalid`]).
    #[error("invalid URL {value}: {reason}")]
    InvalidUrl {
        /// The URL, quoted for a message.
        value: String,
        /// The parser's reason.
        reason: String,
    },
    /// An HSTS store file cannot be read or written; the store in memory is unchanged
    /// ([`crate::Code::UaStoreIsDirectory`], [`crate::Code::UaStoreIo`]).
    #[error("HSTS store file {path:?}: {reason}")]
    StoreFile {
        /// The path of the file.
        path: String,
        /// The stable code.
        code: crate::Code,
        /// What went wrong (the OS error text).
        reason: String,
    },
    /// A preload list cannot be loaded or compiled
    /// ([`crate::Code::UaPreloadInvalidList`], [`crate::Code::UaPreloadInvalidCompiled`],
    /// [`crate::Code::UaStoreIo`] when the file cannot be read).
    #[error("preload list {origin}: {reason}")]
    PreloadList {
        /// Where the list came from (a path, or `<bytes>`).
        origin: String,
        /// The stable code.
        code: crate::Code,
        /// What is wrong.
        reason: String,
    },
}

struct ConfigErrors<'a>(&'a [ConfigError]);

impl fmt::Display for ConfigErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "invalid policy ({n} error{})",
            if n == 1 { "" } else { "s" }
        )?;
        for e in self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl Error {
    /// The stable code of this error. Codes are API, shared by every binding.
    ///
    /// ```
    /// let err = hstsguard::parse_duration("-1").unwrap_err();
    /// assert_eq!(err.code(), "duration.negative");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidDuration { kind, .. } => kind.code(),
            Error::InvalidHeader { issue, .. } => issue.as_str(),
            Error::InvalidPin { .. } => "hpkp.invalid_pin",
            Error::TooFewPins { .. } => "hpkp.too_few_pins",
            Error::Certificate { .. } => "hpkp.certificate",
            Error::Config(errors) => match errors.as_slice() {
                [only] => only.code(),
                _ => "config.invalid",
            },
            Error::Io { .. } => "io",
            Error::InvalidHost { code, .. }
            | Error::StoreFile { code, .. }
            | Error::PreloadList { code, .. } => code.as_str(),
            Error::InvalidUrl { .. } => crate::Code::UaUrlInvalid.as_str(),
        }
    }

    /// The configuration errors, when this is [`Error::Config`]; empty otherwise.
    pub fn config_errors(&self) -> &[ConfigError] {
        match self {
            Error::Config(errors) => errors,
            _ => &[],
        }
    }
}

/// Every error code [`Error::code`] and [`ConfigError::code`] can return, for the docs.
pub const ERROR_CODES: &[(&str, &str)] = &[
    ("duration.empty", "A duration is empty."),
    ("duration.negative", "A duration is negative."),
    (
        "duration.fractional",
        "A duration is not a whole number of seconds.",
    ),
    (
        "duration.not_a_number",
        "A duration is not a number (NaN, inf, text).",
    ),
    (
        "duration.unknown_unit",
        "A duration has a unit other than s, m, h, d, w, y.",
    ),
    ("duration.overflow", "A duration exceeds 2^53-1 seconds."),
    (
        "hpkp.invalid_pin",
        "A pin-sha256 is not base64 of 32 bytes.",
    ),
    (
        "hpkp.too_few_pins",
        "An HPKP header was requested with fewer than two distinct pins.",
    ),
    (
        "hpkp.certificate",
        "A certificate or public key could not be parsed.",
    ),
    (
        "config.invalid",
        "A policy has several configuration errors (each has its own code).",
    ),
    (
        "config.syntax",
        "A policy document is not valid TOML or JSON.",
    ),
    (
        "config.unknown_key",
        "A policy key is unknown (the message suggests the closest known key).",
    ),
    ("config.invalid_type", "A policy value has the wrong type."),
    (
        "config.invalid_value",
        "A policy value is out of range or not allowed.",
    ),
    (
        "config.conflict",
        "Two policy settings contradict each other.",
    ),
    ("io", "A file could not be read."),
];

pub(crate) fn truncate(value: &str) -> String {
    const LIMIT: usize = 80;
    match value.char_indices().nth(LIMIT) {
        Some((i, _)) => format!("{}...", &value[..i]),
        None => value.to_owned(),
    }
}
