//! Runs `tests/vectors/hpkp.json` through the public API: `parse_hpkp`, then
//! `ParsedHpkp::with_chain` when the case gives `chain_pins`. Issues are compared as the
//! ordered list of code strings.

mod common;

use hstsguard::hpkp::{parse_hpkp, PinSha256};
use hstsguard::{Code, Severity};
use serde_json::Value;

fn check(input: &Value, expected: &Value) -> Result<(), String> {
    let value = input["value"]
        .as_str()
        .ok_or("input.value must be a string")?;
    let report_only = input["report_only"]
        .as_bool()
        .ok_or("input.report_only must be a boolean")?;
    let mut parsed = parse_hpkp(value, report_only);
    if let Some(chain) = input.get("chain_pins") {
        let chain = chain
            .as_array()
            .ok_or("input.chain_pins must be a list")?
            .iter()
            .map(|p| {
                p.as_str()
                    .ok_or_else(|| "chain pins are strings".to_owned())?
                    .parse::<PinSha256>()
                    .map_err(|e| format!("bad chain pin in the case: {e}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        parsed = parsed.with_chain(&chain);
    }

    // Invariants every result keeps, whatever the case expects.
    let first = parsed.issues().first().map(|i| i.code());
    if first != Some(Code::HpkpDeprecated) {
        return Err(format!("the first issue is {first:?}, not hpkp.deprecated"));
    }
    let has_error = parsed
        .issues()
        .iter()
        .any(|i| i.severity() == Severity::Error);
    if parsed.is_valid() == has_error {
        return Err("is_valid() disagrees with the error issues".into());
    }

    let mut actual = parsed.to_json();
    let codes: Vec<Value> = parsed
        .issues()
        .iter()
        .map(|i| Value::from(i.code().as_str()))
        .collect();
    actual["issues"] = Value::Array(codes);
    common::expect_fields(&actual, expected)
}

#[test]
fn hpkp_vectors() {
    let n = common::run("hpkp.json", "hpkp", check);
    assert!(n >= 50, "hpkp.json has only {n} cases");
}
