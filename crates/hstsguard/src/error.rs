//! Errors: input that cannot be used at all.
//!
//! Diagnostics about a value that *was* understood are [`crate::Issue`]s; an [`Error`]
//! means there is nothing to work with. Every error has a stable [`Error::code`], shared
//! by the C, Python and Node bindings; messages name the field and the offending value.

use std::fmt;

use crate::Code;

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
    /// The stable code, e.g. [`Code::DurationNegative`] (`"duration.negative"`).
    pub const fn code(self) -> Code {
        match self {
            DurationErrorKind::Empty => Code::DurationEmpty,
            DurationErrorKind::Negative => Code::DurationNegative,
            DurationErrorKind::Fractional => Code::DurationFractional,
            DurationErrorKind::NotANumber => Code::DurationNotANumber,
            DurationErrorKind::UnknownUnit => Code::DurationUnknownUnit,
            DurationErrorKind::Overflow => Code::DurationOverflow,
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
    code: Code,
    message: String,
}

impl ConfigError {
    /// Creates a configuration error for the field at `path`.
    pub fn new(path: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
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

    /// The stable code, e.g. [`Code::ConfigUnknownKey`], [`Code::DurationNegative`].
    pub fn code(&self) -> Code {
        self.code
    }

    /// The same error at another path (bindings spell paths their users' way).
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
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
    /// A value is not one of the words allowed for it (e.g. a SameSite value).
    #[error(
        "invalid {what} {}: expected {}",
        crate::issue::quote(value),
        words(expected)
    )]
    UnknownWord {
        /// What the value is (`"SameSite value"`).
        what: &'static str,
        /// The value as given.
        value: String,
        /// The words allowed (compared ignoring ASCII case).
        expected: &'static [&'static str],
    },
    /// A value cannot be used (a host pattern, a glob, a header name, a network...).
    #[error("invalid {what} {}: {reason}", crate::issue::quote(value))]
    InvalidValue {
        /// What the value is (`"allowed host pattern"`).
        what: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
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
    /// A peer address is not an IP address ([`crate::parse_peer`]).
    #[error("the peer address {value} is not an IPv4 or IPv6 address")]
    InvalidPeer {
        /// The text, quoted for a message.
        value: String,
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
    /// assert_eq!(err.code(), hstsguard::Code::DurationNegative);
    /// assert_eq!(err.code().as_str(), "duration.negative");
    /// ```
    pub fn code(&self) -> Code {
        match self {
            Error::InvalidDuration { kind, .. } => kind.code(),
            Error::InvalidHeader { issue, .. } => *issue,
            Error::InvalidPin { .. } => Code::HpkpInvalidPin,
            Error::TooFewPins { .. } => Code::HpkpTooFewPins,
            Error::Certificate { .. } => Code::HpkpCertificate,
            Error::UnknownWord { .. } | Error::InvalidValue { .. } => Code::ConfigInvalidValue,
            Error::Config(errors) => match errors.as_slice() {
                [only] => only.code(),
                _ => Code::ConfigInvalid,
            },
            Error::Io { .. } => Code::Io,
            Error::InvalidHost { code, .. }
            | Error::StoreFile { code, .. }
            | Error::PreloadList { code, .. } => *code,
            Error::InvalidUrl { .. } => Code::UaUrlInvalid,
            Error::InvalidPeer { .. } => Code::ArgumentInvalidPeer,
        }
    }

    /// This error as one configuration problem at `path` (a [`Error::Config`] keeps its
    /// own paths, under `path`).
    pub fn at(self, path: &str) -> Vec<ConfigError> {
        match self {
            Error::Config(errors) => errors
                .into_iter()
                .map(|e| {
                    let p = crate::config::join(path, e.path());
                    e.with_path(p)
                })
                .collect(),
            other => vec![ConfigError::new(path, other.code(), other.to_string())],
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

fn words(expected: &[&str]) -> String {
    let quoted: Vec<String> = expected.iter().map(|w| format!("{w:?}")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

pub(crate) fn truncate(value: &str) -> String {
    const LIMIT: usize = 80;
    match value.char_indices().nth(LIMIT) {
        Some((i, _)) => format!("{}...", &value[..i]),
        None => value.to_owned(),
    }
}
