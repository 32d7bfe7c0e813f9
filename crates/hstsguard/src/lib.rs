//! # hstsguard
//!
//! One core that decides everything about HTTPS transport security, so that nginx,
//! Apache, Django, Express and HTTP clients all get the same answer:
//!
//! - **HSTS** (RFC 6797): build a `Strict-Transport-Security` value from an
//!   [`HstsPolicy`], and parse any received value strictly with [`parse_sts`]
//!   (RFC 6797 §6.1 grammar, with diagnostics as [`Issue`]s).
//! - **Preload audit**: the hstspreload.org rules for a header ([`preload_check`],
//!   [`removable_check`]) and a domain name ([`domain_check`]).
//! - **HPKP** (RFC 7469, deprecated): parse, validate against a chain, compute pins and
//!   build a header only with guard rails ([`hpkp`]).
//! - **Per-request decisions**: is the request secure, redirect or not, which HSTS
//!   header, which cookie flags, all behind one immutable [`Policy`].
//!
//! ```
//! use hstsguard::{parse_sts, HstsPolicy};
//!
//! let policy = HstsPolicy::including_subdomains(31_536_000).with_preload();
//! assert_eq!(policy.to_string(), "max-age=31536000; includeSubDomains; preload");
//!
//! let parsed = parse_sts("max-age=31536000; includesubdomains; preload");
//! assert!(parsed.is_valid());
//! assert_eq!(parsed.policy(), Some(&policy));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
mod directive;
mod duration;
mod error;
mod issue;
mod preload;
mod public_suffix;
mod request;
mod sts;

pub mod cookies;
pub mod host;
pub mod hpkp;
pub mod hsts;
pub mod policy;
pub mod proxy;
pub mod redirect;
pub mod ua;

pub use duration::{duration_from_f64, format_duration, parse_duration};
pub use error::{ConfigError, DurationErrorKind, Error};
pub use issue::{Code, Issue, Severity};
pub use preload::{
    audit_redirect_chain, domain_check, preload_check, removable_check, PreloadVerdict, RedirectHop,
};
pub use request::{parse_peer, HeaderLookup, NoHeaders, RequestFacts};
pub use sts::{parse_sts, parse_sts_fields, HstsPolicy, ParsedSts, MAX_AGE_CAP};

/// One year in seconds (365 days), the unit of `1y` and the preload minimum.
pub const ONE_YEAR: u64 = 31_536_000;

/// The crate version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
