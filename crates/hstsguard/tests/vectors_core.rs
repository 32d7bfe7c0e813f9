//! Runs tests/vectors/{sts,durations,preload}.json through the public API.

mod common;

use hstsguard::{
    domain_check, parse_duration, parse_sts, parse_sts_fields, preload_check, removable_check,
    Issue,
};
use serde_json::{json, Value};

fn codes(issues: &[Issue]) -> Value {
    issues.iter().map(|i| i.code().as_str()).collect()
}

#[test]
fn sts_vectors() {
    let n = common::run("sts.json", "sts", |input, expected| {
        let parsed = match (&input["value"], &input["values"]) {
            (Value::String(v), _) => parse_sts(v),
            (_, Value::Array(vs)) => parse_sts_fields(vs.iter().map(|v| v.as_str().unwrap())),
            _ => return Err("input needs value or values".into()),
        };
        let mut actual = parsed.to_json();
        actual["issues"] = codes(parsed.issues());
        // The policy must agree with the fields whenever the header is valid.
        if let Some(p) = parsed.policy() {
            if Some(p.max_age()) != parsed.max_age()
                || p.include_subdomains() != parsed.include_subdomains()
            {
                return Err("policy disagrees with fields".into());
            }
            let again = parse_sts(p.value());
            if again.policy() != Some(p) || !again.issues().is_empty() {
                return Err(format!(
                    "canonical form {:?} does not round-trip",
                    p.value()
                ));
            }
        }
        common::expect_fields(&actual, expected)
    });
    assert!(n >= 100);
}

#[test]
fn duration_vectors() {
    common::run("durations.json", "durations", |input, expected| {
        let result = if let Some(t) = input["text"].as_str() {
            parse_duration(t)
        } else {
            hstsguard::duration_from_f64(input["number"].as_f64().ok_or("number")?)
        };
        let actual = match result {
            Ok(s) => json!({ "seconds": s }),
            Err(e) => json!({ "error": e.code().as_str() }),
        };
        common::expect_fields(&actual, expected)
    });
}

#[test]
fn preload_vectors() {
    common::run("preload.json", "preload", |input, expected| {
        let actual = match (input["value"].as_str(), input["domain"].as_str()) {
            (Some(v), domain) => {
                let verdict = match input["mode"].as_str() {
                    Some("removable") => removable_check(v),
                    _ => preload_check(v),
                };
                let verdict = match domain {
                    Some(d) => verdict.with_domain(d),
                    None => verdict,
                };
                json!({"ok": verdict.is_ok(), "errors": verdict.errors(), "warnings": verdict.warnings()})
            }
            (None, Some(d)) => {
                let issues = domain_check(d);
                let errors: Vec<_> = issues
                    .iter()
                    .filter(|i| i.is_error())
                    .map(|i| i.code().as_str())
                    .collect();
                let warnings: Vec<_> = issues
                    .iter()
                    .filter(|i| !i.is_error())
                    .map(|i| i.code().as_str())
                    .collect();
                json!({"ok": errors.is_empty(), "errors": errors, "warnings": warnings})
            }
            _ => return Err("input needs value or domain".into()),
        };
        common::expect_fields(&actual, expected)
    });
}
