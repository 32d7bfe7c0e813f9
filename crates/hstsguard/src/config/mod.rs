//! Policy documents: the schema, defined once, and how every face reads it.
//!
//! A policy document (TOML or JSON, see `docs/POLICY.md`) is described by typed
//! sections ([`PolicyDocument`], [`HstsSection`], ...) declared once in this module;
//! their schema ([`SCHEMA`]: every key with its type, default and documentation) is data,
//! from which the other faces are generated and drift-checked: `docs/POLICY.md`, the
//! TypeScript types of the Node package, the Python `TypedDict`s and the table of the
//! nginx and Apache directives.
//!
//! Reading reports **every** problem with its path and a did-you-mean ([`suggest`], the
//! one suggestion algorithm of every face), in the spelling of the face ([`Spelling`]:
//! `max_age` in documents and Python, `maxAge` in JavaScript, any case in directives).
//!
//! ```
//! use hstsguard::config::{PolicyDocument, Spelling};
//!
//! let base = PolicyDocument::from_toml("[hsts]\nmax_age = \"1y\"\ninclude_subdomains = false\n").unwrap();
//! let mut inner = PolicyDocument::default();
//! inner.set_text("hsts.max_age", "300").unwrap();          // one key, as a directive sets it
//! let merged = base.overlaid(&inner);                        // per key: includeSubDomains stays off
//! assert_eq!(merged.hsts().include_subdomains(), false);
//! assert_eq!(merged.hsts().max_age().0, 300);
//! ```

pub mod docs;
pub(crate) mod document;
pub(crate) mod field;
pub(crate) mod reader;
mod schema;
mod suggest;

pub use document::{
    CookieRuleSection, CookiesSection, CustomHeaderSection, Format, HpkpSection, HstsSection,
    PolicyDocument, ProxySection, RampSection, RedirectSection, SCHEMA,
};
pub use field::{OtherStatus, Port, RedirectStatus, Seconds};
pub use schema::{respell, Key, Kind, Section, Spelling};
pub use suggest::suggest;

pub(crate) use reader::join;
