//! A small reader for policy documents (TOML or JSON, read into `serde_json::Value`)
//! that collects *every* problem with its field path instead of stopping at the
//! first, and suggests the closest known key for a misspelled one.

use serde_json::{Map, Value};

use crate::error::{truncate, ConfigError, DurationErrorKind, Error};

/// Collected configuration errors.
#[derive(Debug, Default)]
pub(crate) struct Errors(pub Vec<ConfigError>);

impl Errors {
    pub fn push(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.0.push(ConfigError::new(path, code, message));
    }

    pub fn invalid_value(&mut self, path: &str, message: impl Into<String>) {
        self.push(path, "config.invalid_value", message);
    }
}

/// Joins a path and a key: `join("hsts", "max_age") == "hsts.max_age"`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The closest of `known` to `key`, when it is close enough to be a likely typo.
pub(crate) fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    let k = norm(key);
    known
        .iter()
        .map(|cand| (strsim::jaro_winkler(&k, &norm(cand)), *cand))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Short description of a JSON value's type, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// A table being read. Call the typed getters for every known key, then [`Table::finish`]
/// to report the unknown ones.
pub(crate) struct Table<'v> {
    map: Option<&'v Map<String, Value>>,
    path: String,
    seen: Vec<&'static str>,
}

impl<'v> Table<'v> {
    /// Wraps `value` (which must be an object; anything else is reported) at `path`.
    pub fn new(value: &'v Value, path: &str, errors: &mut Errors) -> Table<'v> {
        let map = match value {
            Value::Object(m) => Some(m),
            other => {
                errors.push(
                    path,
                    "config.invalid_type",
                    format!("expected a table, found {}", type_name(other)),
                );
                None
            }
        };
        Table {
            map,
            path: path.to_owned(),
            seen: Vec::new(),
        }
    }

    /// The path of a key in this table.
    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The raw value of `key`, marking it as known.
    pub fn get(&mut self, key: &'static str) -> Option<&'v Value> {
        self.seen.push(key);
        self.map.and_then(|m| m.get(key))
    }

    fn typed<T>(
        &mut self,
        key: &'static str,
        errors: &mut Errors,
        want: &str,
        f: impl FnOnce(&'v Value) -> Option<T>,
    ) -> Option<T> {
        let v = self.get(key)?;
        let path = self.path_of(key);
        match f(v) {
            Some(t) => Some(t),
            None => {
                errors.push(
                    &path,
                    "config.invalid_type",
                    format!(
                        "expected {want}, found {} ({})",
                        type_name(v),
                        truncate(&v.to_string())
                    ),
                );
                None
            }
        }
    }

    /// A boolean.
    pub fn bool(&mut self, key: &'static str, errors: &mut Errors) -> Option<bool> {
        self.typed(key, errors, "true or false", Value::as_bool)
    }

    /// A string.
    pub fn str(&mut self, key: &'static str, errors: &mut Errors) -> Option<&'v str> {
        self.typed(key, errors, "a string", Value::as_str)
    }

    /// One of a fixed set of words (ASCII case-insensitive), e.g. `"keep"` / `"replace"`.
    pub fn choice<T: Copy>(
        &mut self,
        key: &'static str,
        options: &[(&str, T)],
        errors: &mut Errors,
    ) -> Option<T> {
        let word = self.str(key, errors)?;
        match options
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
        {
            Some((_, value)) => Some(*value),
            None => {
                let expected: Vec<String> = options.iter().map(|(n, _)| format!("{n:?}")).collect();
                errors.invalid_value(
                    &self.path_of(key),
                    format!(
                        "unknown value {:?}; expected {}",
                        truncate(word),
                        expected.join(" or ")
                    ),
                );
                None
            }
        }
    }

    /// An integer in `0..=u64::MAX`.
    pub fn u64(&mut self, key: &'static str, errors: &mut Errors) -> Option<u64> {
        self.typed(key, errors, "a non-negative integer", Value::as_u64)
    }

    /// A list of strings (a single string is accepted as a list of one).
    pub fn str_list(&mut self, key: &'static str, errors: &mut Errors) -> Option<Vec<&'v str>> {
        self.typed(key, errors, "a list of strings", |v| match v {
            Value::String(s) => Some(vec![s.as_str()]),
            Value::Array(items) => items.iter().map(Value::as_str).collect(),
            _ => None,
        })
    }

    /// A duration: an integer number of seconds or a string for
    /// [`crate::parse_duration`] (`"1y"`, `"18w"`, `"300"`). Floats are refused with the
    /// same codes as `parse_duration` (`duration.fractional`, `duration.negative`).
    pub fn duration(&mut self, key: &'static str, errors: &mut Errors) -> Option<u64> {
        let v = self.get(key)?;
        let path = self.path_of(key);
        let result = match v {
            Value::String(s) => crate::parse_duration(s),
            // Integers only: a float such as 3600.0 is refused (Django sends it as is),
            // with the codes parse_duration gives the same text.
            Value::Number(n) => match n.as_u64() {
                Some(u) => crate::parse_duration(&u.to_string()),
                None => Err(Error::InvalidDuration {
                    value: n.to_string(),
                    kind: if n.as_f64().is_some_and(|f| f < 0.0) {
                        DurationErrorKind::Negative
                    } else {
                        DurationErrorKind::Fractional
                    },
                }),
            },
            other => {
                errors.push(
                    &path,
                    "config.invalid_type",
                    format!(
                        "expected seconds or a duration such as \"1y\", found {}",
                        type_name(other)
                    ),
                );
                return None;
            }
        };
        match result {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(&path, e.code(), e.to_string());
                None
            }
        }
    }

    /// A nested table, if present.
    pub fn table(&mut self, key: &'static str, errors: &mut Errors) -> Option<Table<'v>> {
        let v = self.get(key)?;
        let path = self.path_of(key);
        Some(Table::new(v, &path, errors))
    }

    /// Reports every key that no getter asked for, with a did-you-mean suggestion.
    pub fn finish(self, errors: &mut Errors) {
        let Some(map) = self.map else { return };
        for key in map.keys() {
            if self.seen.contains(&key.as_str()) {
                continue;
            }
            let path = join(&self.path, key);
            let msg = match suggest(key, &self.seen) {
                Some(s) => format!("unknown key `{}`; did you mean `{s}`?", truncate(key)),
                None => format!(
                    "unknown key `{}`; known keys here: {}",
                    truncate(key),
                    self.seen.join(", ")
                ),
            };
            errors.push(&path, "config.unknown_key", msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests() {
        assert_eq!(suggest("maxage", &["max_age", "preload"]), Some("max_age"));
        assert_eq!(
            suggest("includeSubdomains", &["include_subdomains", "preload"]),
            Some("include_subdomains")
        );
        assert_eq!(suggest("zzz", &["max_age", "preload"]), None);
    }

    #[test]
    fn collects_all_errors() {
        let v: Value = serde_json::json!({"max_age": -1, "preload": "yes", "maxage": 3});
        let mut errors = Errors::default();
        let mut t = Table::new(&v, "hsts", &mut errors);
        assert_eq!(t.duration("max_age", &mut errors), None);
        assert_eq!(t.bool("preload", &mut errors), None);
        t.finish(&mut errors);
        let codes: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.path().to_owned(), e.code()))
            .collect();
        assert_eq!(
            codes,
            [
                ("hsts.max_age".to_owned(), "duration.negative"),
                ("hsts.preload".to_owned(), "config.invalid_type"),
                ("hsts.maxage".to_owned(), "config.unknown_key"),
            ]
        );
        assert!(errors.0[2].message().contains("did you mean `max_age`"));
    }
}
