//! Reading documents: a walk over a `serde_json::Value` that collects *every* problem
//! with its field path instead of stopping at the first, and suggests the closest known
//! key for a misspelled one. The keys come from the schema (`config/schema.rs`); the
//! typed values from the [`super::field::Field`] implementations.

use serde_json::{Map, Value};

use super::field::Field;
use super::schema::{Section, Spelling};
use crate::error::{truncate, ConfigError};
use crate::Code;

/// The state of one read: the problems found so far, and how the user spells keys.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    pub errors: Vec<ConfigError>,
    pub spelling: Spelling,
}

impl Reader {
    /// A reader for keys spelled `spelling`.
    pub fn new(spelling: Spelling) -> Reader {
        Reader {
            errors: Vec::new(),
            spelling,
        }
    }

    /// Records a problem at `path` (a snake_case document path).
    pub fn push(&mut self, path: &str, code: Code, message: impl Into<String>) {
        self.errors.push(ConfigError::new(path, code, message));
    }

    /// `config.invalid_value` at `path`.
    pub fn invalid_value(&mut self, path: &str, message: impl Into<String>) {
        self.push(path, Code::ConfigInvalidValue, message);
    }

    /// `config.invalid_type` at `path`: expected `want`, found `found`.
    pub fn invalid_type(&mut self, path: &str, want: &str, found: &Value) {
        let shown = match found {
            Value::Object(_) | Value::Array(_) | Value::Null => String::new(),
            other => format!(" ({})", truncate(&other.to_string())),
        };
        self.push(
            path,
            Code::ConfigInvalidType,
            format!("expected {want}, found {}{shown}", type_name(found)),
        );
    }

    /// A core error about the value at `path` (its code and message).
    pub fn error(&mut self, path: &str, err: crate::Error) {
        self.errors.extend(err.at(path));
    }
}

/// `Ok(value)` when the read found no problem, else every problem (paths in the reader's
/// spelling, in document order).
pub(crate) fn into_result<T>(r: Reader, value: T) -> Result<T, crate::Error> {
    if r.errors.is_empty() {
        Ok(value)
    } else {
        Err(crate::Error::Config(super::document::respell_errors(
            r.errors, r.spelling,
        )))
    }
}

/// Joins a path and a key: `join("hsts", "max_age") == "hsts.max_age"`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else if key.is_empty() {
        path.to_owned()
    } else {
        format!("{path}.{key}")
    }
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

/// A table being read: call [`Table::field`] for every key of its section, then
/// [`Table::finish`] to report the keys nobody asked for.
pub(crate) struct Table<'v> {
    map: &'v Map<String, Value>,
    path: String,
    section: &'static Section,
    seen: Vec<&'v str>,
}

impl<'v> Table<'v> {
    /// Opens `value` as a table of `section` at `path`; anything but an object is
    /// reported (`config.invalid_type`) and gives `None`.
    pub fn open(
        value: &'v Value,
        path: &str,
        section: &'static Section,
        r: &mut Reader,
    ) -> Option<Table<'v>> {
        match value {
            Value::Object(map) => Some(Table {
                map,
                path: path.to_owned(),
                section,
                seen: Vec::new(),
            }),
            other => {
                r.invalid_type(path, "a table", other);
                None
            }
        }
    }

    /// Reads the key `name` (its snake_case name in the schema) as a `T`, or `None` when
    /// it is absent or unusable (then the problem is recorded with the key's path).
    pub fn field<T: Field>(&mut self, name: &'static str, r: &mut Reader) -> Option<T> {
        let key = self.section.key(name)?;
        let spelling = r.spelling;
        let (word, value) = self
            .map
            .iter()
            .find(|(word, _)| key.is_named(word, spelling))?;
        self.seen.push(word.as_str());
        T::read(value, &join(&self.path, name), r)
    }

    /// Reports every key that no [`Table::field`] call asked for, with a did-you-mean
    /// suggestion in the user's spelling.
    pub fn finish(&mut self, r: &mut Reader) {
        let spelling = r.spelling;
        let known: Vec<String> = self
            .section
            .keys
            .iter()
            .map(|k| k.spelled(spelling).into_owned())
            .collect();
        for word in self.map.keys() {
            if self.seen.contains(&word.as_str()) {
                continue;
            }
            let path = join(&self.path, word);
            let message = match super::suggest(word, known.iter().map(String::as_str)) {
                Some(s) => format!("unknown key `{}`; did you mean `{s}`?", truncate(word)),
                None => format!(
                    "unknown key `{}`; known keys here: {}",
                    truncate(word),
                    known.join(", ")
                ),
            };
            r.push(&path, Code::ConfigUnknownKey, message);
        }
        self.seen.clear();
        self.map = empty_map();
    }
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: once_cell::sync::Lazy<Map<String, Value>> = once_cell::sync::Lazy::new(Map::new);
    &EMPTY
}

/// Tests: reads `value` as the section `name` of a document and builds it with `build`;
/// the result and every problem as `(path, code)`.
#[cfg(test)]
pub(crate) fn build_section<T: Field + Default, O>(
    name: &str,
    value: &Value,
    build: impl FnOnce(&T, &str, &mut Reader) -> O,
) -> (O, Vec<(String, &'static str)>) {
    let mut r = Reader::new(Spelling::Snake);
    let section = T::read(value, name, &mut r).unwrap_or_default();
    let out = build(&section, name, &mut r);
    let errors = super::document::respell_errors(r.errors, Spelling::Snake)
        .into_iter()
        .map(|e| (e.path().to_owned(), e.code().as_str()))
        .collect();
    (out, errors)
}
