//! Policy documents from JavaScript: a plain object with the keys of docs/POLICY.md
//! (snake_case, exactly as in a TOML or JSON policy file), read into the core's
//! document model and built by `Policy::from_value`, so every binding reads the same
//! document with the same meaning and the same errors.
//!
//! JavaScript has one number type, so the translation is:
//! - `undefined` is an absent key (as `JSON.stringify` drops it);
//! - a whole number is an integer; any other finite number stays a float (which the core
//!   refuses where it wants an integer, naming the field);
//! - at the two max-age fields (`hsts.max_age`, `hpkp.max_age`) a number goes through the
//!   core's `duration_from_f64`: `3600` is fine, `3600.5`, `NaN`, `-1`, `Infinity` are
//!   refused with `duration.*` codes and the field's path;
//! - `NaN` and `±Infinity` elsewhere, functions, symbols and bigints are refused with
//!   `config.invalid_type` and their path.
//!
//! The `*Section` types below exist only for TypeScript: they describe the document.

use napi::bindgen_prelude::{Either, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;
use serde_json::{Map, Number, Value};

use hstsguard::ConfigError;

/// Fields whose JavaScript numbers are durations (`duration_from_f64`).
const DURATION_PATHS: [&str; 2] = ["hsts.max_age", "hpkp.max_age"];

/// Objects nested deeper than this are refused (a cyclic object would never end).
const MAX_DEPTH: usize = 16;

/// Converts a JavaScript value to the document model. Problems the binding finds itself
/// (see the module documentation) are pushed to `errors` and the value is left out.
pub fn to_value(value: &Unknown<'_>, errors: &mut Vec<ConfigError>) -> napi::Result<Option<Value>> {
    convert(value, "", 0, errors)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn refuse(errors: &mut Vec<ConfigError>, path: &str, what: &str) {
    errors.push(ConfigError::new(
        path,
        hstsguard::Code::ConfigInvalidType,
        format!("{what} cannot be used in a policy document"),
    ));
}

fn convert(
    value: &Unknown<'_>,
    path: &str,
    depth: usize,
    errors: &mut Vec<ConfigError>,
) -> napi::Result<Option<Value>> {
    Ok(match value.get_type()? {
        ValueType::Undefined => None,
        ValueType::Null => Some(Value::Null),
        ValueType::Boolean => Some(Value::Bool(value.coerce_to_bool()?)),
        ValueType::String => Some(Value::String(
            value.coerce_to_string()?.into_utf8()?.as_str()?.to_owned(),
        )),
        ValueType::Number => number(value.coerce_to_number()?.get_double()?, path, errors),
        ValueType::Object => {
            if depth >= MAX_DEPTH {
                refuse(errors, path, "an object nested this deeply (a cycle?)");
                return Ok(None);
            }
            let object: Object<'_> = value.coerce_to_object()?;
            if value.is_array()? {
                let len = object.get_array_length()?;
                let mut items = Vec::with_capacity(len as usize);
                for i in 0..len {
                    let item: Unknown<'_> = object.get_element(i)?;
                    let item_path = format!("{path}[{i}]");
                    // An undefined element is null, as in JSON.stringify.
                    items.push(
                        convert(&item, &item_path, depth + 1, errors)?.unwrap_or(Value::Null),
                    );
                }
                Some(Value::Array(items))
            } else {
                let mut map = Map::new();
                for key in Object::keys(&object)? {
                    let item: Unknown<'_> = object.get_named_property(&key)?;
                    let item_path = join(path, &key);
                    if let Some(v) = convert(&item, &item_path, depth + 1, errors)? {
                        map.insert(key, v);
                    }
                }
                Some(Value::Object(map))
            }
        }
        ValueType::Function => {
            refuse(errors, path, "a function");
            None
        }
        ValueType::Symbol => {
            refuse(errors, path, "a symbol");
            None
        }
        _ => {
            // bigint (Node-API 6 is not assumed) and external values.
            refuse(errors, path, "this kind of value (a bigint? use a number)");
            None
        }
    })
}

fn number(n: f64, path: &str, errors: &mut Vec<ConfigError>) -> Option<Value> {
    if DURATION_PATHS.contains(&path) {
        return match hstsguard::duration_from_f64(n) {
            Ok(seconds) => Some(Value::from(seconds)),
            Err(e) => {
                errors.push(ConfigError::new(path, e.code(), e.to_string()));
                None
            }
        };
    }
    if !n.is_finite() {
        refuse(errors, path, &format!("the number {n}"));
        return None;
    }
    const SAFE: f64 = hstsguard::MAX_AGE_CAP as f64;
    if n.fract() == 0.0 && n.abs() <= SAFE {
        // Whole numbers are integers (JavaScript has no other way to write one).
        return Some(if n >= 0.0 {
            Value::from(n as u64)
        } else {
            Value::from(n as i64)
        });
    }
    Number::from_f64(n).map(Value::Number)
}

/// Accepts `Either` values from the document types (they are never converted: the
/// document is read by [`to_value`]).
pub type DurationValue = Either<f64, String>;

/// A policy document (docs/POLICY.md): the same keys as a TOML or JSON policy file.
/// Every section and key is optional; unknown keys are refused with a did-you-mean hint.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PolicyDocument {
    /// Strict-Transport-Security.
    pub hsts: Option<HstsSection>,
    /// Which reverse proxies are trusted to say that the client used HTTPS.
    pub proxy: Option<ProxySection>,
    /// HTTP to HTTPS redirects.
    pub redirect: Option<RedirectSection>,
    /// Set-Cookie flags.
    pub cookies: Option<CookiesSection>,
    /// Public-Key-Pins (deprecated; needs `acknowledge_deprecation: true`).
    pub hpkp: Option<HpkpSection>,
}

/// The `hsts` section.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct HstsSection {
    /// False: never send Strict-Transport-Security (default true).
    pub enabled: Option<bool>,
    /// Seconds, or a duration such as `"1y"`, `"18w"` (default one year).
    #[napi(js_name = "max_age", ts_type = "number | string")]
    pub max_age: Option<DurationValue>,
    /// Add `includeSubDomains` (default true).
    #[napi(js_name = "include_subdomains")]
    pub include_subdomains: Option<bool>,
    /// Add `preload` (default false).
    pub preload: Option<bool>,
    /// Building fails unless the header passes hstspreload.org's rules (default false).
    #[napi(js_name = "require_preloadable")]
    pub require_preloadable: Option<bool>,
    /// `"secure"`: only on secure requests (RFC 6797 §7.2, the default); `"always"`.
    #[napi(ts_type = "'secure' | 'always'")]
    pub send: Option<String>,
    /// A response that already has the header: `"keep"` it (default) or `"replace"` it.
    #[napi(ts_type = "'keep' | 'replace'")]
    pub existing: Option<String>,
    /// Never send HSTS for an IP-literal Host (default true; RFC 6797 §8.1.1).
    #[napi(js_name = "skip_ip_hosts")]
    pub skip_ip_hosts: Option<bool>,
    /// Never send HSTS for `localhost` / `*.localhost` (default true).
    #[napi(js_name = "skip_localhost")]
    pub skip_localhost: Option<bool>,
}

/// A custom proxy header, like Django's `SECURE_PROXY_SSL_HEADER`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CustomHeader {
    /// The header name, e.g. `X-Forwarded-Protocol`.
    pub name: String,
    /// The value that means HTTPS, e.g. `ssl`.
    pub value: String,
}

/// The `proxy` section.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ProxySection {
    /// Trusted peers: CIDR networks or single addresses (default none: proxy headers are
    /// never believed).
    #[napi(ts_type = "string | string[]")]
    pub trusted: Option<Vec<String>>,
    /// Where a trusted proxy states the scheme, in order; the first one present decides:
    /// `forwarded`, `x-forwarded-proto`, `x-forwarded-ssl`, `front-end-https`, `x-arr-ssl`,
    /// `cloudfront-forwarded-proto`, `custom`.
    #[napi(ts_type = "string | string[]")]
    pub sources: Option<Vec<String>>,
    /// A custom header and the value that means HTTPS.
    #[napi(js_name = "custom_header")]
    pub custom_header: Option<CustomHeader>,
    /// Which element of a comma list counts: `"leftmost"` (default) or `"rightmost"`.
    #[napi(ts_type = "'leftmost' | 'rightmost'")]
    pub list: Option<String>,
}

/// The `redirect` section.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RedirectSection {
    /// False: plain-HTTP requests are served as they are (default true).
    pub enabled: Option<bool>,
    /// Redirect every insecure request to this host.
    #[napi(js_name = "canonical_host")]
    pub canonical_host: Option<String>,
    /// Hosts a redirect may go to (Django semantics: exact, `.sub` wildcard, `*`;
    /// default `["*"]`; an empty list allows none: every redirect becomes a 400).
    #[napi(js_name = "allowed_hosts", ts_type = "string | string[]")]
    pub allowed_hosts: Option<Vec<String>>,
    /// The port of the Location (default 443, which is omitted).
    #[napi(js_name = "https_port")]
    pub https_port: Option<u32>,
    /// Keep a Host's non-80 port instead of `https_port` (default false).
    #[napi(js_name = "keep_port")]
    pub keep_port: Option<bool>,
    /// Regular expressions (Rust syntax) searched in the raw path; anchor them: `^/health$`.
    #[napi(ts_type = "string | string[]")]
    pub exempt: Option<Vec<String>>,
    /// `/.well-known/acme-challenge/` is never redirected (default true).
    #[napi(js_name = "acme_exempt")]
    pub acme_exempt: Option<bool>,
    /// Status for GET and HEAD: 301 (default), 302, 303, 307 or 308.
    #[napi(js_name = "status_get_head")]
    pub status_get_head: Option<u32>,
    /// Status for other methods: 308 (default), 301, 302, 303, 307, or 403 / 426 to refuse.
    #[napi(js_name = "status_other")]
    pub status_other: Option<u32>,
}

/// One cookie rule. Every matching rule applies; for each attribute the last one wins.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CookieRuleDoc {
    /// An exact cookie name or a glob (`*`, `?`).
    pub name: String,
    /// True: ensure `Secure`; false: remove it; absent: leave it.
    pub secure: Option<bool>,
    /// True: ensure `HttpOnly`; false: remove it; absent: leave it.
    #[napi(js_name = "http_only")]
    pub http_only: Option<bool>,
    /// `"Strict"`, `"Lax"` or `"None"`; absent: leave it.
    #[napi(js_name = "same_site", ts_type = "'Strict' | 'Lax' | 'None'")]
    pub same_site: Option<String>,
}

/// The `cookies` section.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CookiesSection {
    /// False: leave every Set-Cookie alone (default true).
    pub enabled: Option<bool>,
    /// `"always"` (default) or `"request_secure"`: add Secure only on secure requests.
    #[napi(js_name = "secure_when", ts_type = "'always' | 'request_secure'")]
    pub secure_when: Option<String>,
    /// `__Secure-` / `__Host-` violations: `"repair"` (default) or `"report"`.
    #[napi(ts_type = "'repair' | 'report'")]
    pub prefixes: Option<String>,
    /// The rules (default: one rule, every cookie `Secure`).
    pub rules: Option<Vec<CookieRuleDoc>>,
}

/// The `hpkp` section (deprecated: every browser removed HPKP).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct HpkpSection {
    /// Must be true: building fails without it.
    #[napi(js_name = "acknowledge_deprecation")]
    pub acknowledge_deprecation: Option<bool>,
    /// At least two distinct base64 pin-sha256 values.
    pub pins: Option<Vec<String>>,
    /// Seconds or a duration string.
    #[napi(js_name = "max_age", ts_type = "number | string")]
    pub max_age: Option<DurationValue>,
    /// Add `includeSubDomains` (default false).
    #[napi(js_name = "include_subdomains")]
    pub include_subdomains: Option<bool>,
    /// An absolute http(s) URI for reports.
    #[napi(js_name = "report_uri")]
    pub report_uri: Option<String>,
    /// Send `Public-Key-Pins-Report-Only` (default false).
    #[napi(js_name = "report_only")]
    pub report_only: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(n: f64, path: &str) -> (Option<Value>, Vec<&'static str>) {
        let mut errors = Vec::new();
        let v = number(n, path, &mut errors);
        (v, errors.iter().map(|e| e.code().as_str()).collect())
    }

    #[test]
    fn whole_numbers_are_integers() {
        assert_eq!(
            one(8443.0, "redirect.https_port").0,
            Some(Value::from(8443u64))
        );
        assert_eq!(one(-3.0, "redirect.https_port").0, Some(Value::from(-3i64)));
        assert_eq!(one(1.5, "redirect.https_port").0, Some(Value::from(1.5)));
        assert_eq!(
            one(f64::NAN, "redirect.https_port").1,
            ["config.invalid_type"]
        );
    }

    #[test]
    fn max_ages_go_through_duration_from_f64() {
        assert_eq!(one(3600.0, "hsts.max_age").0, Some(Value::from(3600u64)));
        assert_eq!(one(3600.5, "hsts.max_age").1, ["duration.fractional"]);
        assert_eq!(one(-1.0, "hsts.max_age").1, ["duration.negative"]);
        assert_eq!(one(f64::NAN, "hpkp.max_age").1, ["duration.not_a_number"]);
        assert_eq!(
            one(f64::INFINITY, "hsts.max_age").1,
            ["duration.not_a_number"]
        );
        assert_eq!(one(2f64.powi(60), "hsts.max_age").1, ["duration.overflow"]);
    }
}
