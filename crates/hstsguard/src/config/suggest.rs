//! "Did you mean": the one suggestion algorithm of every face (policy documents, nginx
//! and Apache directives, Express options, Django settings).

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
///
/// Words are compared ignoring ASCII case, `-` and `_` (so `includeSubdomains`,
/// `include-subdomains` and `include_subdomains` are the same word), by Jaro-Winkler
/// similarity, which favours a shared beginning; below 0.8 nothing is suggested.
///
/// ```
/// use hstsguard::config::suggest;
/// assert_eq!(suggest("maxage", ["max_age", "preload"]), Some("max_age"));
/// assert_eq!(suggest("SECURE_HSTS_SECOND", ["SECURE_HSTS_SECONDS", "SECURE_SSL_HOST"]), Some("SECURE_HSTS_SECONDS"));
/// assert_eq!(suggest("zzz", ["max_age", "preload"]), None);
/// ```
pub fn suggest<'k, I>(word: &str, candidates: I) -> Option<&'k str>
where
    I: IntoIterator<Item = &'k str>,
{
    let w = normalize(word);
    candidates
        .into_iter()
        .map(|cand| (strsim::jaro_winkler(&w, &normalize(cand)), cand))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Lower case, without `-` and `_`: the form in which two spellings of a key compare equal.
pub(crate) fn normalize(word: &str) -> String {
    word.chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `normalize(a) == normalize(b)`, without allocating.
pub(crate) fn same_word(a: &str, b: &str) -> bool {
    let mut x = a.bytes().filter(|c| *c != b'-' && *c != b'_');
    let mut y = b.bytes().filter(|c| *c != b'-' && *c != b'_');
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.eq_ignore_ascii_case(&q) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_across_spellings() {
        let known = ["include_subdomains", "preload", "max_age"];
        assert_eq!(
            suggest("includeSubdomains", known),
            Some("include_subdomains")
        );
        assert_eq!(
            suggest("include-sub-domain", known),
            Some("include_subdomains")
        );
        assert_eq!(suggest("preloa", known), Some("preload"));
        assert_eq!(suggest("x", known), None);
        assert!(same_word("includeSubDomains", "include_subdomains"));
        assert!(!same_word("include_subdomains", "include"));
    }
}
