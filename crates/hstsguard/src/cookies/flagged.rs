//! The result of flagging: the value (borrowed when unchanged) and the issues found.

use std::borrow::Cow;

use serde_json::Value;

use crate::issue::Issue;

// ---------------------------------------------------------------------------------------
// Result
// ---------------------------------------------------------------------------------------

/// The outcome of [`CookiePolicy::flag`]: the value to send, whether it differs from the
/// input, and the issues found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedCookie<'a> {
    pub(crate) value: Cow<'a, str>,
    pub(crate) changed: bool,
    pub(crate) issues: Vec<Issue>,
}

impl<'a> FlaggedCookie<'a> {
    /// The value returned as is, with no issues (what a disabled cookie policy returns).
    ///
    /// ```
    /// use hstsguard::cookies::FlaggedCookie;
    /// let f = FlaggedCookie::unchanged("a=1");
    /// assert_eq!((f.value(), f.changed(), f.issues().len()), ("a=1", false, 0));
    /// ```
    pub fn unchanged(set_cookie: &'a str) -> FlaggedCookie<'a> {
        FlaggedCookie {
            value: Cow::Borrowed(set_cookie),
            changed: false,
            issues: Vec::new(),
        }
    }

    /// The `Set-Cookie` value to send.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// True when [`FlaggedCookie::value`] differs from the input.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Every issue, in a stable order: duplicates, prefix, `SameSite=None`.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The value, borrowed from the input when unchanged.
    pub fn into_value(self) -> Cow<'a, str> {
        self.value
    }

    /// The attributes of the flagged value, as user agents read them.
    ///
    /// ```
    /// use hstsguard::cookies::CookiePolicy;
    /// let flagged = CookiePolicy::default().flag("sid=1; Path=/", true);
    /// assert!(flagged.attributes().secure);
    /// ```
    pub fn attributes(&self) -> super::CookieAttributes<'_> {
        super::CookieAttributes::of(&self.value)
    }

    /// `{"set_cookie": str, "changed": bool, "issues": [issue]}`, the shape of
    /// `hstsguard cookie --json`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "set_cookie": self.value,
            "changed": self.changed,
            "issues": self.issues.iter().map(Issue::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The outcome of [`CookiePolicy::flag_bytes`]: the bytes to send, whether they differ
/// from the input, and the issues found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedCookieBytes<'a> {
    pub(crate) value: Cow<'a, [u8]>,
    pub(crate) changed: bool,
    pub(crate) issues: Vec<Issue>,
}

impl<'a> FlaggedCookieBytes<'a> {
    /// The bytes returned as they are, with no issues (what a disabled cookie policy
    /// returns).
    ///
    /// ```
    /// use hstsguard::cookies::FlaggedCookieBytes;
    /// let f = FlaggedCookieBytes::unchanged(b"a=\xe9");
    /// assert_eq!((f.value(), f.changed()), (&b"a=\xe9"[..], false));
    /// ```
    pub fn unchanged(set_cookie: &'a [u8]) -> FlaggedCookieBytes<'a> {
        FlaggedCookieBytes {
            value: Cow::Borrowed(set_cookie),
            changed: false,
            issues: Vec::new(),
        }
    }

    /// The `Set-Cookie` value to send.
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// True when [`FlaggedCookieBytes::value`] differs from the input.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Every issue, as for [`FlaggedCookie::issues`].
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The value, borrowed from the input when unchanged.
    pub fn into_value(self) -> Cow<'a, [u8]> {
        self.value
    }
}
