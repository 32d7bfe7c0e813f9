//! Compiling the Public Suffix List (`data/public_suffix_list.dat`) into the keys of the
//! automaton that `src/public_suffix/mod.rs` walks. `build.rs` includes this file to
//! compile the embedded list; the library includes it for the kind symbols below. It
//! depends on `std` and `idna` only.
//!
//! Every rule is one key: a kind symbol, then the rule's name (lower case, in A-labels)
//! with its bytes in reverse order, as the preload list's keys (`src/ua/compile.rs`, whose
//! encoding the automaton uses). The kinds are those of the list's format:
//!
//! | rule | kind | key |
//! |---|---|---|
//! | `com.ac` | [`NORMAL`] | `0ca.moc` |
//! | `*.ck` (a wildcard: every name one label under `ck`) | [`WILDCARD`] | `1kc` |
//! | `!www.ck` (an exception to a wildcard) | [`EXCEPTION`] | `2kc.www` |

// Not every item is used by both the build script and the library.
#![allow(dead_code)]

/// The kind symbol of a normal rule.
pub(crate) const NORMAL: u8 = b'0';
/// The kind symbol of a wildcard rule (`*.` and a name).
pub(crate) const WILDCARD: u8 = b'1';
/// The kind symbol of an exception rule (`!` and a name).
pub(crate) const EXCEPTION: u8 = b'2';

/// A line of the list that is not a rule hstsguard can compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleError {
    /// The line number, from 1.
    pub(crate) line: usize,
    /// The rule as written.
    pub(crate) rule: String,
    /// Why it cannot be compiled.
    pub(crate) why: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: rule {:?} {}", self.line, self.rule, self.why)
    }
}

/// The keys of every rule in the list's text: one rule per line, the rule ending at the
/// first white space, `//` comment lines and blank lines skipped (the list's own format).
pub(crate) fn keys(text: &str) -> Result<Vec<Vec<u8>>, RuleError> {
    let mut keys = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let rule = line.split_whitespace().next().unwrap_or("");
        if rule.is_empty() || rule.starts_with("//") {
            continue;
        }
        let error = |why: String| RuleError {
            line: i + 1,
            rule: rule.to_owned(),
            why,
        };
        let (kind, name) = if let Some(name) = rule.strip_prefix('!') {
            (EXCEPTION, name)
        } else if let Some(name) = rule.strip_prefix("*.") {
            (WILDCARD, name)
        } else {
            (NORMAL, rule)
        };
        let ascii = if name.is_ascii() {
            name.to_ascii_lowercase()
        } else {
            idna::domain_to_ascii(name).map_err(|e| error(format!("has no A-label form ({e})")))?
        };
        if ascii.is_empty()
            || ascii.starts_with('.')
            || ascii.ends_with('.')
            || ascii.contains("..")
            || !ascii
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        {
            return Err(error(
                "is not a name of letters, digits, '-' and '.' (a wildcard only as `*.` first)"
                    .into(),
            ));
        }
        let mut key = Vec::with_capacity(ascii.len() + 1);
        key.push(kind);
        key.extend(ascii.bytes().rev());
        keys.push(key);
    }
    Ok(keys)
}
