//! `hstsguard.suggest`: the core's one "did you mean" (`hstsguard::config::suggest`),
//! so the Django settings and checks suggest what every other face suggests.

use pyo3::prelude::*;

/// The closest of `candidates` to `word` when it is close enough to be a likely typo,
/// else None. Words are compared ignoring case, `-` and `_` (Jaro-Winkler similarity,
/// at least 0.8), exactly as policy documents, directives and Express options are.
#[pyfunction]
pub(crate) fn suggest(word: &str, candidates: Vec<String>) -> Option<String> {
    hstsguard::config::suggest(word, candidates.iter().map(String::as_str)).map(str::to_owned)
}
