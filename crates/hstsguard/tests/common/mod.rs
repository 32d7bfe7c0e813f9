//! Shared harness for the language-neutral vectors in `tests/vectors/`.
//!
//! Every file is `{"kind": ..., "description": ..., "cases": [{"id", "comment"?,
//! "input", "expected"}]}` (see tests/vectors/README.md). A runner checks each case and
//! reports every failing case id at once.

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

/// The repository's `tests/vectors` directory.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// Loads `tests/vectors/<name>`, checks its `kind`, and returns the cases.
pub fn load(name: &str, kind: &str) -> Vec<Value> {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc["kind"], kind, "{name}: wrong kind");
    let cases = doc["cases"].as_array().expect("cases array").clone();
    let mut ids = std::collections::HashSet::new();
    for c in &cases {
        let id = c["id"].as_str().expect("every case has a string id");
        assert!(ids.insert(id.to_owned()), "{name}: duplicate id {id}");
        assert!(
            c.get("input").is_some() && c.get("expected").is_some(),
            "{name}: {id} lacks input/expected"
        );
    }
    cases
}

/// Runs `check` on every case; panics listing every failing id with its reason.
pub fn run(
    name: &str,
    kind: &str,
    mut check: impl FnMut(&Value, &Value) -> Result<(), String>,
) -> usize {
    let cases = load(name, kind);
    let mut failures = Vec::new();
    for c in &cases {
        let id = c["id"].as_str().unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(&c["input"], &c["expected"])
        }));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{id}: {why}")),
            Err(_) => failures.push(format!("{id}: panicked")),
        }
    }
    let passed = cases.len() - failures.len();
    println!("{name}: {passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{name}: {} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    cases.len()
}

/// Compares `actual` with `expected` for every key present in `expected`.
pub fn expect_fields(actual: &Value, expected: &Value) -> Result<(), String> {
    let obj = expected.as_object().ok_or("expected must be an object")?;
    let mut diffs = Vec::new();
    for (k, want) in obj {
        let got = actual.get(k).unwrap_or(&Value::Null);
        if got != want {
            diffs.push(format!("{k}: expected {want}, got {got}"));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("; "))
    }
}
