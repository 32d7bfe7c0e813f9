//! docs/POLICY.md and docs/policy.schema.json are generated from the policy schema; this
//! test regenerates them and fails on any difference. Run with `UPDATE_DOCS=1` to
//! rewrite the files.

use hstsguard::config::{docs, PolicyDocument};
use hstsguard::policy::Policy;

fn check(name: &str, want: &str) {
    let path = format!("{}/../../docs/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/{name} is stale: run UPDATE_DOCS=1 cargo test -p hstsguard --test policy_doc"
    );
}

#[test]
fn policy_md_is_current() {
    check("POLICY.md", &docs::markdown());
}

#[test]
fn policy_schema_json_is_current() {
    let text = serde_json::to_string_pretty(&docs::json_schema()).unwrap() + "\n";
    check("policy.schema.json", &text);
}

#[test]
fn the_example_is_a_valid_policy() {
    let p = Policy::from_toml(docs::EXAMPLE).unwrap();
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
}

/// Every default the schema states is the default the rules apply: a document that
/// sets each key to its stated default builds the same policy as the empty document.
#[test]
fn the_stated_defaults_are_the_defaults() {
    let mut doc = serde_json::Map::new();
    for section in hstsguard::config::SCHEMA.keys {
        let Some(s) = section.section() else { continue };
        let mut table = serde_json::Map::new();
        for k in s.keys {
            if let Some(f) = k.default {
                if k.name == "sources" {
                    // Listing the default source by hand still counts as configuring
                    // proxy headers (a deploy warning without trusted proxies).
                    continue;
                }
                table.insert(k.name.to_owned(), f());
            }
        }
        if section.name != "hpkp" {
            doc.insert(section.name.to_owned(), table.into());
        }
    }
    let with_defaults = Policy::from_value(&doc.clone().into()).unwrap();
    let empty = Policy::from_value(&serde_json::json!({})).unwrap();
    assert_eq!(format!("{with_defaults:?}"), format!("{empty:?}"));
    // The document reads back to itself.
    let read = PolicyDocument::from_value(&doc.clone().into(), Default::default()).unwrap();
    assert_eq!(read.to_value(), serde_json::Value::Object(doc));
}
