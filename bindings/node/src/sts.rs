//! The `Strict-Transport-Security` header: the `HstsPolicy` class and the strict parser
//! (`parseSts`, `parseStsFields`), over the core's `sts` module.

use napi::Env;
use napi_derive::napi;

use crate::duration::seconds;
use crate::error::check;
use crate::issue::{issues, Issue};
use crate::preload::PreloadVerdict;
use napi::bindgen_prelude::Either;
use napi::Result;

/// An HSTS policy: max-age, includeSubDomains and preload. Immutable; its header value is
/// computed once, when it is made.
///
/// ```js
/// const p = HstsPolicy.includingSubDomains('2y').withPreload()
/// p.value          // 'max-age=63072000; includeSubDomains; preload'
/// String(p)        // the same
/// HstsPolicy.parse('max-age=300').includeSubDomains // false
/// ```
#[napi]
#[derive(Clone, Copy)]
pub struct HstsPolicy {
    pub(crate) inner: hstsguard::HstsPolicy,
}

#[napi]
impl HstsPolicy {
    /// A policy with the subdomain decision given as a flag. `maxAge` is seconds (a whole,
    /// non-negative number) or a duration string (`"1y"`); anything else throws with a
    /// `duration.*` code.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, max_age: Either<f64, String>, include_sub_domains: bool) -> Result<Self> {
        let age = check(&env, seconds(&max_age))?;
        Ok(HstsPolicy {
            inner: hstsguard::HstsPolicy::new(age, include_sub_domains),
        })
    }

    /// A policy whose header covers subdomains (`includeSubDomains`).
    #[napi(factory, js_name = "includingSubDomains", catch_unwind)]
    pub fn including_subdomains(env: Env, max_age: Either<f64, String>) -> Result<Self> {
        let age = check(&env, seconds(&max_age))?;
        Ok(HstsPolicy {
            inner: hstsguard::HstsPolicy::including_subdomains(age),
        })
    }

    /// A policy for this host only (no `includeSubDomains`).
    #[napi(factory, js_name = "excludingSubDomains", catch_unwind)]
    pub fn excluding_subdomains(env: Env, max_age: Either<f64, String>) -> Result<Self> {
        let age = check(&env, seconds(&max_age))?;
        Ok(HstsPolicy {
            inner: hstsguard::HstsPolicy::excluding_subdomains(age),
        })
    }

    /// `max-age=0`: tells user agents to forget the host (RFC 6797 §6.1.1).
    #[napi(factory, catch_unwind)]
    pub fn removal() -> Self {
        HstsPolicy {
            inner: hstsguard::HstsPolicy::removal(),
        }
    }

    /// Parses a header value strictly (as `parseSts`); an invalid value throws an `Error`
    /// whose `code` is the first error issue's code, e.g. `header.parse.max_age.missing`.
    #[napi(factory, catch_unwind)]
    pub fn parse(env: Env, value: String) -> Result<Self> {
        let inner = check(&env, value.parse::<hstsguard::HstsPolicy>())?;
        Ok(HstsPolicy { inner })
    }

    /// The same policy with the `preload` directive (hstspreload.org's opt-in).
    #[napi(catch_unwind)]
    pub fn with_preload(&self) -> HstsPolicy {
        HstsPolicy {
            inner: self.inner.with_preload(),
        }
    }

    /// The same policy without the `preload` directive.
    #[napi(catch_unwind)]
    pub fn without_preload(&self) -> HstsPolicy {
        HstsPolicy {
            inner: self.inner.without_preload(),
        }
    }

    /// max-age in seconds.
    #[napi(getter)]
    pub fn max_age(&self) -> f64 {
        self.inner.max_age() as f64
    }

    /// True when the policy covers subdomains.
    #[napi(getter, js_name = "includeSubDomains")]
    pub fn include_subdomains(&self) -> bool {
        self.inner.include_subdomains()
    }

    /// True when the header carries `preload`.
    #[napi(getter)]
    pub fn preload(&self) -> bool {
        self.inner.preload()
    }

    /// The header value, `max-age=N[; includeSubDomains][; preload]`.
    #[napi(getter)]
    pub fn value(&self) -> String {
        self.inner.value().to_owned()
    }

    /// The header value (so a policy can be used where a string is expected).
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.inner.value().to_owned()
    }

    /// `{maxAge, includeSubDomains, preload, value}`, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> HstsPolicyFields {
        HstsPolicyFields {
            max_age: self.max_age(),
            include_sub_domains: self.inner.include_subdomains(),
            preload: self.inner.preload(),
            value: self.value(),
        }
    }

    /// True when both policies have the same max-age, includeSubDomains and preload.
    #[napi]
    pub fn equals(&self, other: &HstsPolicy) -> bool {
        self.inner == other.inner
    }

    /// The hstspreload.org verdict on this policy's header (as `preloadCheck(value)`).
    #[napi(catch_unwind)]
    pub fn preload_verdict(&self) -> PreloadVerdict {
        PreloadVerdict::from(&self.inner.preload_verdict())
    }
}

/// The fields of an `HstsPolicy`, as `toJSON` returns them.
#[napi(object)]
pub struct HstsPolicyFields {
    /// max-age in seconds.
    pub max_age: f64,
    /// `includeSubDomains` is present.
    pub include_sub_domains: bool,
    /// `preload` is present.
    pub preload: bool,
    /// The header value.
    pub value: String,
}

/// The result of parsing a received `Strict-Transport-Security` value. The fields report
/// what was seen even when the header is invalid; a user agent uses them only when
/// `valid` is true.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ParsedSts {
    /// True when the header is valid (no error-severity issue).
    pub valid: bool,
    /// The max-age that was read, if a well-formed one was (values above 2^53 - 1 saturate).
    pub max_age: Option<f64>,
    /// A valueless `includeSubDomains` was seen.
    pub include_sub_domains: bool,
    /// A valueless `preload` was seen.
    pub preload: bool,
    /// The canonical header value of the policy when the header is valid, else `null`.
    pub value: Option<String>,
    /// Every issue, in the order found.
    pub issues: Vec<Issue>,
}

impl From<&hstsguard::ParsedSts> for ParsedSts {
    fn from(p: &hstsguard::ParsedSts) -> Self {
        ParsedSts {
            valid: p.is_valid(),
            max_age: p.max_age().map(|a| a as f64),
            include_sub_domains: p.include_subdomains(),
            preload: p.preload(),
            value: p.policy().map(|p| p.value().to_owned()),
            issues: issues(p.issues()),
        }
    }
}

/// Parses a `Strict-Transport-Security` value strictly, as RFC 6797 §6.1 and the Chromium
/// and Firefox parsers do: whitespace around `;` and `=`, case-insensitive names, token or
/// quoted values; `max-age` is required and must be digits; `includeSubDomains` takes no
/// value; a repeated `max-age` or `includeSubDomains` and any grammar violation void the
/// header; unknown directives are ignored (reported as warnings).
///
/// Never throws: problems are `issues`.
#[napi(catch_unwind)]
pub fn parse_sts(value: String) -> ParsedSts {
    ParsedSts::from(&hstsguard::parse_sts(&value))
}

/// Parses all `Strict-Transport-Security` values of one response, as a user agent does
/// (RFC 6797 §8.1): only the first counts; several give the warning
/// `response.multiple_headers`, none the error `response.no_header`.
#[napi(catch_unwind)]
pub fn parse_sts_fields(values: Vec<String>) -> ParsedSts {
    ParsedSts::from(&hstsguard::parse_sts_fields(
        values.iter().map(String::as_str),
    ))
}
