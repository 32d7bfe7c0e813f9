//! The `[cookies]` section of a policy document, read into a [`super::CookiePolicy`].

use crate::config::reader::Reader;
use crate::config::{join, CookieRuleSection, CookiesSection};

use super::flag::CookiePolicy;
use super::rules::CookieRule;

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

/// Builds the cookie rules from the `[cookies]` section of a policy document
/// (docs/POLICY.md): returns `enabled` (default true) and the policy. Every bad value is
/// recorded with its path; a rule with an error is left out. Without `rules` the default
/// rule (`*`, Secure) applies; an empty list means no rules (only the prefix
/// requirements).
pub(crate) fn from_section(s: &CookiesSection, path: &str, r: &mut Reader) -> (bool, CookiePolicy) {
    let mut policy = CookiePolicy::default()
        .secure_when(s.secure_when())
        .prefixes(s.prefixes());
    if let Some(rules) = &s.rules {
        let rules_path = join(path, "rules");
        policy.rules = rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| rule_from_section(rule, &format!("{rules_path}[{i}]"), r))
            .collect();
    }
    (s.enabled(), policy)
}

pub(crate) fn rule_from_section(
    s: &CookieRuleSection,
    path: &str,
    r: &mut Reader,
) -> Option<CookieRule> {
    let name_path = join(path, "name");
    let Some(name) = &s.name else {
        if !r.errors.iter().any(|e| e.path().starts_with(path)) {
            r.invalid_value(
                &name_path,
                "missing: every rule needs a `name` (an exact cookie name or a glob such as \"*\")",
            );
        }
        return None;
    };
    if r.errors
        .iter()
        .any(|e| e.path().starts_with(&format!("{path}.")))
    {
        // A key of this rule could not be read: leave the rule out rather than apply half of it.
        return None;
    }
    match CookieRule::new(name.as_str()) {
        Ok(mut rule) => {
            rule.secure = s.secure;
            rule.http_only = s.http_only;
            rule.same_site = s.same_site;
            Some(rule)
        }
        Err(e) => {
            r.error(&name_path, e);
            None
        }
    }
}
