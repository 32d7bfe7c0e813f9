//! Diagnostics as data: the core's [`hstsguard::Issue`] as a plain JavaScript object.

use napi_derive::napi;

/// One diagnostic: a stable code, a severity and a message that names the offending text.
/// Every code is listed in docs/CODES.md.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Issue {
    /// The stable code, e.g. `header.parse.max_age.non_digit_characters`.
    pub code: String,
    /// `"error"`: the value is void (parsers) or the requirement unmet (audits);
    /// `"warning"`: worth knowing, the value is still usable.
    #[napi(ts_type = "'error' | 'warning'")]
    pub severity: String,
    /// For humans; may change between versions (codes do not).
    pub message: String,
}

impl From<&hstsguard::Issue> for Issue {
    fn from(i: &hstsguard::Issue) -> Self {
        Issue {
            code: i.code().as_str().to_owned(),
            severity: i.severity().as_str().to_owned(),
            message: i.message().to_owned(),
        }
    }
}

/// Converts a list of core issues.
pub fn issues(list: &[hstsguard::Issue]) -> Vec<Issue> {
    list.iter().map(Issue::from).collect()
}
