//! `Set-Cookie` flagging: `Secure`, `HttpOnly`, `SameSite` and the `__Secure-` /
//! `__Host-` prefix rules, keeping every other attribute byte for byte. Over the core's
//! `cookie` module; the rules come from a `Policy` (`policy.flagSetCookie`), or are the
//! default ones (every cookie `Secure`) for the top-level `flagSetCookie`.

use std::sync::LazyLock;

use napi_derive::napi;

use crate::issue::{issues, Issue};

/// The outcome of flagging one `Set-Cookie` value.
#[napi(object, object_from_js = false)]
pub struct FlaggedCookie {
    /// The `Set-Cookie` value to send.
    pub set_cookie: String,
    /// True when `setCookie` differs from the input.
    pub changed: bool,
    /// Every issue, in a stable order: duplicates, prefix, `SameSite=None`, malformed.
    pub issues: Vec<Issue>,
    /// The attributes of `setCookie`, as user agents read them (the core's reader).
    pub attributes: CookieAttributes,
}

/// The attributes of a `Set-Cookie` value, as user agents read them.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct CookieAttributes {
    /// The cookie name (empty for a nameless cookie).
    pub name: String,
    /// `Secure` is present.
    pub secure: bool,
    /// `HttpOnly` is present.
    pub http_only: bool,
    /// The last `SameSite` value when user agents know it.
    #[napi(ts_type = "'Strict' | 'Lax' | 'None' | null")]
    pub same_site: Option<&'static str>,
    /// The last `Path` value.
    pub path: Option<String>,
    /// A `Domain` attribute is present.
    pub domain: bool,
}

impl From<&hstsguard::cookies::FlaggedCookie<'_>> for FlaggedCookie {
    fn from(f: &hstsguard::cookies::FlaggedCookie<'_>) -> Self {
        let a = f.attributes();
        FlaggedCookie {
            set_cookie: f.value().to_owned(),
            changed: f.changed(),
            issues: issues(f.issues()),
            attributes: CookieAttributes {
                name: a.name.to_owned(),
                secure: a.secure,
                http_only: a.http_only,
                same_site: a.same_site.map(|s| s.as_str()),
                path: a.path.map(str::to_owned),
                domain: a.domain,
            },
        }
    }
}

static DEFAULT_RULES: LazyLock<hstsguard::cookies::CookiePolicy> =
    LazyLock::new(hstsguard::cookies::CookiePolicy::default);

/// Flags one `Set-Cookie` value (without `Set-Cookie:`) with the default rules: every
/// cookie gets `Secure`, `SameSite=None` always gets `Secure`, `__Secure-` / `__Host-`
/// cookies are repaired. `secure` tells whether the request was secure (default true;
/// the default rules add `Secure` either way). Use `policy.flagSetCookie` for other rules.
///
/// ```js
/// flagSetCookie('sid=1; Path=/; HttpOnly').setCookie // 'sid=1; Path=/; HttpOnly; Secure'
/// ```
#[napi(catch_unwind)]
pub fn flag_set_cookie(set_cookie: String, secure: Option<bool>) -> FlaggedCookie {
    FlaggedCookie::from(&DEFAULT_RULES.flag(&set_cookie, secure.unwrap_or(true)))
}
