//! What JavaScript accepts beyond the core's schema, shared by the runtime conversion
//! ([`crate::document`]) and the generator of the TypeScript types (`tests/generated.rs`,
//! which includes this file), so the types and the runtime cannot disagree.
//!
//! Everything else about a key (its name in each spelling, its type, its default and
//! documentation) is the core's: `hstsguard::config::SCHEMA`.

/// Keys whose values are regular expressions, as `(section type, key)`: there a
/// JavaScript `RegExp` is accepted as well as a pattern string (the core's schema types
/// a pattern as text, and has no kind of its own for regular expressions).
pub const REGEX_KEYS: &[(&str, &str)] = &[("RedirectSection", "exempt")];
