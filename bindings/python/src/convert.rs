//! Python values to and from the JSON model the core reads policy documents in.
//!
//! A policy given as a Python dict is converted value by value: `None`, `bool`, `int`,
//! `float`, `str`, mappings with `str` keys and sequences (lists, tuples, any
//! `collections.abc.Sequence` but text and bytes), and paths (`os.PathLike`) as text.
//! Anything else (a set, bytes, an object) is a `ConfigError` naming the path, because silently turning it into
//! text would hide a mistake. `int` and `float` stay distinct, so `3600.0` reaches the
//! core as a float and is refused there like in a JSON document.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString,
    PyTuple,
};
use serde_json::{Map, Number, Value};

use crate::errors::config_error;

/// Deeper than this is surely a cycle.
const MAX_DEPTH: usize = 64;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// Converts a Python value into JSON; `path` names it in errors.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    to_json_at(obj, path, 0)
}

fn to_json_at(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(config_error(
            path,
            hstsguard::Code::ConfigInvalidValue,
            "the value is nested too deeply (a reference cycle?)",
        ));
    }
    let shown = || if path.is_empty() { "the policy" } else { path };
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        // Larger than any setting can be: keep the sign so the core can say
        // "negative" or "overflow" for a duration.
        let text = obj.str()?.to_string();
        return Ok(Value::String(text));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return match Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            // NaN and infinities have no JSON form; as text the duration reader says
            // "not a number", and any other reader says "wrong type".
            None => Ok(Value::String(v.to_string())),
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return mapping(d.items().iter(), path, depth);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_json_at(&item?, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        return mapping(m.items()?.iter(), path, depth);
    }
    let binary = obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>();
    if !binary && obj.cast::<PySequence>().is_ok() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_json_at(&item?, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(p) = obj.py().import("os")?.call_method1("fspath", (obj,)) {
        if let Ok(s) = p.cast::<PyString>() {
            return Ok(Value::String(s.to_cow()?.into_owned()));
        }
    }
    Err(config_error(
        path,
        hstsguard::Code::ConfigInvalidType,
        format!(
            "{} is a {}, which a policy cannot hold (use None, bool, int, str, a list or a dict)",
            shown(),
            type_name(obj)
        ),
    ))
}

fn mapping<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    path: &str,
    depth: usize,
) -> PyResult<Value> {
    let mut out = Map::new();
    for item in items {
        let (k, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let Ok(key) = k.cast::<PyString>() else {
            return Err(config_error(
                path,
                hstsguard::Code::ConfigInvalidType,
                format!(
                    "keys must be strings, found a {} ({})",
                    type_name(&k),
                    k.repr()?
                ),
            ));
        };
        let key = key.to_cow()?.into_owned();
        let value = to_json_at(&v, &join(path, &key), depth + 1)?;
        out.insert(key, value);
    }
    Ok(Value::Object(out))
}

/// Converts JSON into Python: objects become dicts, arrays lists.
pub(crate) fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A `TypeError` for an argument of the wrong type.
pub(crate) fn type_error(what: &str, expected: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!("{what} must be {expected}, not {}", type_name(obj)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_values_become_json_and_back() {
        Python::initialize();
        Python::attach(|py| {
            let obj = py
                .eval(
                    c"{'a': [1, 2.0, True, None, 'x', (3,)], 'b': {'c': -4, 'd': 2**70}}",
                    None,
                    None,
                )
                .unwrap();
            let value = to_json(&obj, "").unwrap();
            assert_eq!(
                value,
                json!({"a": [1, 2.0, true, null, "x", [3]], "b": {"c": -4, "d": "1180591620717411303424"}})
            );
            let back = to_py(py, &value).unwrap();
            assert_eq!(to_json(&back, "").unwrap(), value);
            // Any sequence but text and bytes is a list (the typed dicts say Sequence).
            let seq = py.eval(c"{'a': range(2), 'b': 'xy'}", None, None).unwrap();
            assert_eq!(to_json(&seq, "").unwrap(), json!({"a": [0, 1], "b": "xy"}));
        });
    }

    #[test]
    fn values_without_json_form_are_config_errors() {
        Python::initialize();
        Python::attach(|py| {
            // The error classes live in the Python package, absent here: the conversion
            // still fails (with the import error) instead of guessing.
            let set = py.eval(c"{'hsts': {1, 2}}", None, None).unwrap();
            assert!(to_json(&set, "").is_err());
            let keys = py.eval(c"{1: 2}", None, None).unwrap();
            assert!(to_json(&keys, "").is_err());
        });
    }
}
