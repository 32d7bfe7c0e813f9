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
}

impl From<&hstsguard::cookies::FlaggedCookie<'_>> for FlaggedCookie {
    fn from(f: &hstsguard::cookies::FlaggedCookie<'_>) -> Self {
        FlaggedCookie {
            set_cookie: f.value().to_owned(),
            changed: f.changed(),
            issues: issues(f.issues()),
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
