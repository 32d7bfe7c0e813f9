//! The Public Suffix List (publicsuffix.org), for the preload audit's domain rules:
//! hstspreload.org accepts only a registrable domain, never a public suffix or a
//! subdomain.
//!
//! `build.rs` compiles `data/public_suffix_list.dat` into an automaton in the preload
//! list's encoding (`src/ua/compile.rs`; the keys are in `compile.rs` here), 57 kB
//! against the 650 kB of code a `match` over the list compiles to. A walk over a name's
//! bytes from the last to the first meets every rule that is a suffix of the name.

mod compile;
#[cfg(test)]
mod tests;

use crate::ua::compile::symbol;
use crate::ua::preload::{is_final, step};
use compile::{EXCEPTION, NORMAL, WILDCARD};

/// The embedded list's automaton, compiled by `build.rs`.
static LIST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/public_suffix.bin"));

/// The automaton's root node.
const ROOT: usize = 1;

/// What [`symbol`] returns for a byte that is not one of the automaton's symbols.
const NOT_A_SYMBOL: u8 = 0xff;

/// Calls `found(start)` for every rule of `kind` equal to the whole-label suffix
/// `name[start..]`, from the shortest suffix to the longest. A byte outside the
/// automaton's symbols ends the walk: `step` reads a byte as one of them, and any other
/// could equal a node's first byte.
fn walk(kind: u8, name: &[u8], mut found: impl FnMut(usize)) {
    let Some(mut at) = step(LIST, ROOT, kind) else {
        return;
    };
    for i in (0..name.len()).rev() {
        if symbol(name[i]) == NOT_A_SYMBOL {
            return;
        }
        if name[i] == b'.' && is_final(LIST, at) {
            found(i + 1);
        }
        match step(LIST, at, name[i]) {
            Some(next) => at = next,
            None => return,
        }
    }
    if is_final(LIST, at) {
        found(0);
    }
}

/// The start of the label of `name` that ends at `end` (a `.` or the end of the name).
fn label_start(name: &[u8], end: usize) -> usize {
    name[..end]
        .iter()
        .rposition(|&b| b == b'.')
        .map_or(0, |dot| dot + 1)
}

/// The byte offset in `name` at which its public suffix starts, by the list's algorithm:
/// an exception rule prevails (the suffix is the rule without its first label);
/// otherwise the rule with the most labels, a wildcard counting one more than its name;
/// with no rule, the last label (the rule `*`). `name` is lower-case ASCII with no
/// trailing dot; any other byte simply matches no rule.
pub(crate) fn suffix_start(name: &str) -> usize {
    let b = name.as_bytes();
    let mut exception = None;
    walk(EXCEPTION, b, |start| exception = Some(start));
    if let Some(start) = exception {
        return match b[start..].iter().position(|&c| c == b'.') {
            Some(dot) => start + dot + 1,
            None => b.len(),
        };
    }
    let mut best = label_start(b, b.len());
    walk(NORMAL, b, |start| best = best.min(start));
    walk(WILDCARD, b, |start| {
        if start > 0 {
            best = best.min(label_start(b, start - 1));
        }
    });
    best
}

/// The byte offset in `name` at which its registrable domain (the public suffix and one
/// label more) starts; `None` when `name` is itself a public suffix.
pub(crate) fn registrable_start(name: &str) -> Option<usize> {
    match suffix_start(name) {
        0 => None,
        start => Some(label_start(name.as_bytes(), start - 1)),
    }
}
