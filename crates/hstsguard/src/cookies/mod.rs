//! `Set-Cookie` flagging: `Secure`, `HttpOnly` and `SameSite` per [`CookieRule`]s, and
//! the `__Secure-` / `__Host-` prefix requirements, one `Set-Cookie` value at a time.
//!
//! A [`CookiePolicy`] is built once (from the `[cookies]` section of a policy document or
//! in code) and is immutable; [`CookiePolicy::flag`] only reads it.
//!
//! ```
//! use hstsguard::cookies::{CookiePolicy, CookieRule, SameSite};
//!
//! let policy = CookiePolicy::new(vec![
//!     CookieRule::new("*").unwrap().with_secure(true).with_http_only(true),
//!     CookieRule::new("csrftoken").unwrap().with_http_only(false),
//!     CookieRule::new("sess_*").unwrap().with_same_site(SameSite::Strict),
//! ]);
//!
//! let flagged = policy.flag("sess_id=42; path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT", true);
//! assert_eq!(
//!     flagged.value(),
//!     "sess_id=42; path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; HttpOnly; SameSite=Strict"
//! );
//! assert!(flagged.changed());
//!
//! // Already right: returned as written, borrowed.
//! let same = policy.flag("csrftoken=x; secure; samesite=lax", true);
//! assert!(!same.changed());
//! assert_eq!(same.value(), "csrftoken=x; secure; samesite=lax");
//! ```
//!
//! # What is kept, what is changed
//!
//! The value is read as RFC 6265bis §5.6 reads it: the name-value pair runs up to the
//! first `;`, then come attributes separated by `;` (quotes are not special), each an
//! attribute name, optionally `=` and a value, with spaces and tabs around them; attribute
//! names are case-insensitive.
//!
//! The flagger owns `Secure`, `HttpOnly` and `SameSite` (and, when it repairs a `__Host-`
//! cookie, `Path` and `Domain`). Everything else — the name-value pair, `Path`, `Domain`,
//! `Expires` with its comma, `Max-Age`, `Partitioned`, `Priority`, unknown extensions —
//! is kept byte for byte, with its spacing, case and position. An owned attribute that is
//! already right stays as written (`secure` is not rewritten to `Secure`); a missing one is
//! appended (`; Secure`, `; HttpOnly`, `; SameSite=Lax`); a `SameSite` with another value
//! has its value rewritten in place; a removed one disappears with its `;`. A repeated
//! owned attribute (`secure; Secure`) is collapsed into its first occurrence
//! (`cookie.attribute.duplicate_removed`); for a repeated `SameSite` the value that user
//! agents use, the last one, is kept in the first occurrence's place. Flagging is
//! idempotent: flagging a flagged value changes nothing.
//!
//! Every matching rule applies, and for each attribute the *last* matching rule that sets
//! it wins (nginx's `proxy_cookie_flags` applies only the first matching rule). A cookie
//! that no rule matches and that has no prefix is returned as is, without allocating.
//!
//! `SameSite=None` always gets `Secure` (browsers reject it otherwise;
//! `cookie.samesite_none.secure_added`), except with [`SecureWhen::RequestSecure`] on an
//! insecure request, where it is left alone and reported
//! (`cookie.samesite_none.without_secure`).
//!
//! A value with a control character (any byte below 0x20 except HTAB, or DEL), or with
//! neither a name nor a value (`=`, `; Secure`: user agents ignore it), is returned
//! unchanged with a `cookie.malformed.*` error issue.
//!
//! A nameless cookie (`abc`, `=abc`) is one user agents accept (RFC 6265bis §5.6: without
//! `=` the whole pair is the value, under an empty name): it is flagged like any other,
//! as the empty name (so only rules such as `*` match it), with a `cookie.nameless`
//! warning.
//!
//! # Bytes that are not UTF-8
//!
//! A `Set-Cookie` value is bytes; a value may be Latin-1 or anything else, while the
//! attributes the flagger reads and writes are ASCII. [`CookiePolicy::flag_bytes`] flags
//! such a value byte-wise: every byte outside ASCII is kept as it is, and the result is
//! what [`CookiePolicy::flag`] gives for the same structure.
//!
//! ```
//! use hstsguard::cookies::CookiePolicy;
//!
//! let f = CookiePolicy::default().flag_bytes(b"name=caf\xe9; Path=/", true);
//! assert_eq!(f.value(), b"name=caf\xe9; Path=/; Secure");
//! assert!(f.changed());
//! let nameless = CookiePolicy::default().flag("abc", true);
//! assert_eq!(nameless.value(), "abc; Secure");
//! ```
//!
//! # Prefixes
//!
//! A `__Secure-` cookie needs `Secure`; a `__Host-` cookie needs `Secure`, `Path=/` and no
//! `Domain` (RFC 6265bis §4.1.3). With [`PrefixMode::Repair`] (the default) the cookie is
//! repaired (`Secure` added, a different `Path` value set to `/` or `; Path=/` appended,
//! every `Domain` dropped) with a `cookie.prefix.*.repaired` warning; with
//! [`PrefixMode::Report`] it is left alone and a `cookie.prefix.*.violation` error is
//! reported. A rule with `secure = false` never strips `Secure` from a prefixed cookie.
//!
//! Prefixes are matched **case-insensitively** (`__secure-`, `__HOST-` count), as the
//! storage model of RFC 6265bis (§5.7, "begins with a case-insensitive match for the
//! string") has required since draft 11 (httpwg/http-extensions#2236; earlier drafts
//! said case-sensitive). The reason: a server that treats cookie names
//! case-insensitively would otherwise take a `__SECURE-id` cookie, set over plain HTTP
//! without any prefix guarantee, for its `__Secure-id`. Treating the variants as
//! prefixed costs nothing for a cookie that is already right.
//!
//! A `__Host-` cookie's `Path` is right when the last `Path` attribute (the one user agents
//! use) is exactly `/`; any `Domain` attribute, even an empty one, counts as a violation.

mod config;
mod flag;
mod flagged;
mod rules;
mod scan;
#[cfg(test)]
mod tests;

pub use flag::CookiePolicy;
pub use flag::FlaggedInto;
pub use flagged::{FlaggedCookie, FlaggedCookieBytes};
pub use rules::{CookieRule, NamePattern, PrefixMode, SameSite, SecureWhen};
pub use scan::CookieAttributes;

pub(crate) use config::from_section;

#[allow(unused_imports)]
use {flag::*, flagged::*, rules::*, scan::*};
