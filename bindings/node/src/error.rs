//! Errors: the core's [`hstsguard::Error`] as a JavaScript `Error` whose `code` is the
//! core's stable code (`"duration.negative"`, `"config.invalid"`, `"hpkp.invalid_pin"`,
//! ...), as node-rs does with `err.code`.
//!
//! A configuration error (`Error::Config`) also carries every problem found, as
//! `err.errors = [{path, code, message}]`; `err.code` is the only error's code when
//! there is one, `"config.invalid"` when there are several.

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsError, JsValue, Status};

/// One problem of a policy document, with the dotted path of the field.
#[napi_derive::napi(object)]
#[derive(Debug, Clone)]
pub struct ConfigProblem {
    /// The field, e.g. `hsts.max_age` or `cookies.rules[2].same_site` (empty for the whole
    /// document).
    pub path: String,
    /// The stable code, e.g. `config.unknown_key` or `duration.negative`.
    pub code: String,
    /// What is wrong, naming the value (for humans; may change between versions).
    pub message: String,
}

impl From<&hstsguard::ConfigError> for ConfigProblem {
    fn from(e: &hstsguard::ConfigError) -> Self {
        ConfigProblem {
            path: e.path().to_owned(),
            code: e.code().as_str().to_owned(),
            message: e.message().to_owned(),
        }
    }
}

/// Builds the JavaScript `Error` for a core error: `message` is the core's message,
/// `code` its stable code, and `errors` the list of problems of a configuration error.
pub fn to_js(env: &Env, err: &hstsguard::Error) -> napi::Error {
    build(env, err).unwrap_or_else(|_| {
        napi::Error::new(Status::GenericFailure, format!("{err} [{}]", err.code()))
    })
}

fn build(env: &Env, err: &hstsguard::Error) -> napi::Result<napi::Error> {
    let js =
        JsError::from(napi::Error::new(err.code().as_str(), err.to_string())).into_unknown(*env);
    if let hstsguard::Error::Config(list) = err {
        let mut obj: Object<'_> = js.coerce_to_object()?;
        let problems: Vec<ConfigProblem> = list.iter().map(ConfigProblem::from).collect();
        obj.set_named_property("errors", problems)?;
    }
    Ok(napi::Error::from(js))
}

/// Converts a core result, building the JavaScript error on failure.
pub fn check<T>(env: &Env, result: Result<T, hstsguard::Error>) -> napi::Result<T> {
    result.map_err(|e| to_js(env, &e))
}
