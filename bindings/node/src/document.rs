//! JavaScript values to the document model: a plain object (options such as
//! `{hsts: {maxAge: '1y'}}`, or a snake_case policy document) becomes the
//! `serde_json::Value` the core reads. The core then reads it with the schema
//! (`hstsguard::config::SCHEMA`), in the user's spelling, and reports every problem with
//! its path and a did-you-mean: this module knows no key, type or default of its own.
//!
//! The conversion walks the value alongside the core's schema only to know where it is:
//! it descends into the tables the schema declares (so a cyclic object under an unknown
//! key cannot make it loop; such a value is handed to the core as an empty table, which
//! the core reports as an unknown key), and it knows where a `RegExp` is welcome
//! ([`REGEX_KEYS`]). JavaScript has one number type, so:
//! - `undefined` is an absent key (as `JSON.stringify` drops it);
//! - a whole number is an integer (`3600` and `3600.0` are the same number); any other
//!   finite number stays a float, which the core refuses where it wants an integer
//!   (`duration.fractional` for a max-age);
//! - `NaN`, `Infinity` and `-Infinity` are written as those strings: the core's duration
//!   reader refuses them with `duration.not_a_number` (or `duration.negative`), every
//!   other field with `config.invalid_type`;
//! - a `RegExp` in an exempt list becomes its pattern (see [`regex_pattern`]);
//! - functions, symbols, bigints and a `RegExp` anywhere else are refused here, with
//!   `config.invalid_type` and their path.

use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, ValueType};
use serde_json::{Map, Number, Value};

use hstsguard::config::{Key, Kind, Section, Spelling};
use hstsguard::{Code, ConfigError};

pub use crate::js_schema::REGEX_KEYS;

/// Where a value sits in the document.
#[derive(Clone, Copy)]
enum At {
    /// A table of this section.
    Table(&'static Section),
    /// The value of this key of the section named first.
    Key(&'static str, &'static Key),
    /// One item of a list key (or of a list of tables).
    Item(&'static str, &'static Key),
    /// Somewhere the schema does not know (an unknown key): the core reports the key.
    Unknown,
}

/// One conversion: the environment (for `RegExp`), the spelling of keys and the
/// problems found.
pub struct Converter<'e> {
    env: &'e Env,
    spelling: Spelling,
    /// Problems found by the conversion itself, with their paths in the user's spelling.
    pub errors: Vec<ConfigError>,
}

impl<'e> Converter<'e> {
    /// A conversion of values whose keys are spelled `spelling`.
    pub fn new(env: &'e Env, spelling: Spelling) -> Self {
        Converter {
            env,
            spelling,
            errors: Vec::new(),
        }
    }

    /// A whole document (the root table of the schema).
    pub fn document(&mut self, value: &Unknown<'_>) -> napi::Result<Option<Value>> {
        self.convert(value, "", At::Table(&hstsguard::config::SCHEMA))
    }

    /// The value of one section of the document (`"hsts"`, `"redirect"`...): a
    /// middleware's options. Paths are relative to the value.
    pub fn section(&mut self, name: &str, value: &Unknown<'_>) -> napi::Result<Option<Value>> {
        let at = match hstsguard::config::SCHEMA.key(name) {
            Some(key) => At::Key("PolicyDocument", key),
            None => At::Unknown,
        };
        self.convert(value, "", at)
    }

    fn refuse(&mut self, path: &str, what: &str) {
        self.errors.push(ConfigError::new(
            path,
            Code::ConfigInvalidType,
            format!("{what} cannot be used in a policy"),
        ));
    }

    fn convert(&mut self, value: &Unknown<'_>, path: &str, at: At) -> napi::Result<Option<Value>> {
        Ok(match value.get_type()? {
            ValueType::Undefined => None,
            ValueType::Null => Some(Value::Null),
            ValueType::Boolean => Some(Value::Bool(value.coerce_to_bool()?)),
            ValueType::String => Some(Value::String(
                value.coerce_to_string()?.into_utf8()?.as_str()?.to_owned(),
            )),
            ValueType::Number => Some(number(value.coerce_to_number()?.get_double()?)),
            ValueType::Object => self.object(value, path, at)?,
            ValueType::Function => {
                self.refuse(path, "a function");
                None
            }
            ValueType::Symbol => {
                self.refuse(path, "a symbol");
                None
            }
            _ => {
                // bigint (Node-API 6 is not assumed) and external values.
                self.refuse(path, "this kind of value (a bigint? use a number)");
                None
            }
        })
    }

    fn object(&mut self, value: &Unknown<'_>, path: &str, at: At) -> napi::Result<Option<Value>> {
        let object: Object<'_> = value.coerce_to_object()?;
        if value.is_array()? {
            let item_at = match at {
                At::Key(section, key) => match key.kind {
                    Kind::List(_) => At::Item(section, key),
                    Kind::Tables(s) => At::Table(s),
                    // A list where the schema wants one value: the core says so.
                    _ => return Ok(Some(Value::Array(Vec::new()))),
                },
                _ => return Ok(Some(Value::Array(Vec::new()))),
            };
            let len = object.get_array_length()?;
            let mut items = Vec::with_capacity(len as usize);
            for i in 0..len {
                let item: Unknown<'_> = object.get_element(i)?;
                let item_path = format!("{path}[{i}]");
                // An item left out stays in place as null, so later indices keep their
                // meaning (the conversion has reported it).
                items.push(
                    self.convert(&item, &item_path, item_at)?
                        .unwrap_or(Value::Null),
                );
            }
            return Ok(Some(Value::Array(items)));
        }
        if self.is_regexp(value)? {
            return Ok(match at {
                At::Key(section, key) | At::Item(section, key)
                    if REGEX_KEYS.contains(&(section, key.name)) =>
                {
                    match regex_pattern(&object) {
                        Ok(pattern) => Some(Value::String(pattern)),
                        Err(message) => {
                            self.errors.push(ConfigError::new(
                                path,
                                Code::ConfigInvalidValue,
                                message,
                            ));
                            None
                        }
                    }
                }
                _ => {
                    self.refuse(path, "a RegExp (regular expressions are for `exempt`)");
                    None
                }
            });
        }
        let section = match at {
            At::Table(s) => s,
            At::Key(_, key) => match key.kind {
                Kind::Table(s) => s,
                // An object where the schema wants a value: the core says so.
                _ => return Ok(Some(Value::Object(Map::new()))),
            },
            _ => return Ok(Some(Value::Object(Map::new()))),
        };
        let mut map = Map::new();
        for word in Object::keys(&object)? {
            let item: Unknown<'_> = object.get_named_property(&word)?;
            let item_path = join(path, &word);
            let item_at = match section.find(&word, self.spelling) {
                Some(key) => At::Key(section.name, key),
                None => At::Unknown,
            };
            if let Some(v) = self.convert(&item, &item_path, item_at)? {
                map.insert(word, v);
            }
        }
        Ok(Some(Value::Object(map)))
    }

    fn is_regexp(&self, value: &Unknown<'_>) -> napi::Result<bool> {
        let global = self.env.get_global()?;
        let ctor: Unknown<'_> = global.get_named_property("RegExp")?;
        value.instanceof(ctor)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A JavaScript number as a document value. See the module documentation.
fn number(n: f64) -> Value {
    if n.is_nan() {
        return Value::from("NaN");
    }
    if n.is_infinite() {
        return Value::from(if n > 0.0 { "Infinity" } else { "-Infinity" });
    }
    if n.fract() == 0.0 {
        // Whole numbers are integers (JavaScript has no other way to write one); -0 is 0.
        if (0.0..=u64::MAX as f64).contains(&n) {
            return Value::from(n as u64);
        }
        if n >= i64::MIN as f64 && n < 0.0 {
            return Value::from(n as i64);
        }
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// The pattern of a JavaScript `RegExp` in the core's (Rust) regular expression syntax:
/// its `source`, with the flags that change what matches written as inline flags
/// (`i` -> `(?i)`, `m` -> `(?m)`, `s` -> `(?s)`). `g` and `d` change only how JavaScript
/// reports a match, and `u` what Rust does anyway (Unicode), so they are accepted and
/// have no effect; `y` (sticky) and `v` (set notation) cannot be honoured, and are
/// refused with the reason. The pattern is then checked by the core like any other.
pub fn regex_pattern(regexp: &Object<'_>) -> Result<String, String> {
    let source: String = regexp
        .get_named_property("source")
        .map_err(|e| e.to_string())?;
    let flags: String = regexp
        .get_named_property("flags")
        .map_err(|e| e.to_string())?;
    let mut inline = String::new();
    for flag in flags.chars() {
        match flag {
            'i' | 'm' | 's' => inline.push(flag),
            'g' | 'd' | 'u' => {}
            'y' => {
                return Err(format!(
                    "/{source}/{flags}: the `y` (sticky) flag cannot be honoured: exempt \
                     patterns are searched in the whole path; anchor the pattern with `^` instead"
                ))
            }
            'v' => {
                return Err(format!(
                    "/{source}/{flags}: the `v` flag's set notation is not the syntax of \
                     hstsguard's regular expressions (Rust's `regex`); write the class without it"
                ))
            }
            other => {
                return Err(format!(
                    "/{source}/{flags}: the `{other}` flag cannot be honoured"
                ))
            }
        }
    }
    Ok(if inline.is_empty() {
        source
    } else {
        format!("(?{inline}){source}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(3600.0), Value::from(3600u64));
        assert_eq!(number(-0.0), Value::from(0u64));
        assert_eq!(number(-1.0), Value::from(-1i64));
        assert_eq!(number(2f64.powi(60)), Value::from(1u64 << 60));
        assert_eq!(number(f64::NAN), Value::from("NaN"));
        assert_eq!(number(f64::INFINITY), Value::from("Infinity"));
        assert_eq!(number(f64::NEG_INFINITY), Value::from("-Infinity"));
        assert!(number(1.5).is_f64());
        assert!(number(1e300).is_f64());
    }
}
