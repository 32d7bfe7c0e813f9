//! `python/hstsguard/_schema.py` (the policy document as `TypedDict`s) is generated from
//! the core's schema, `hstsguard::config::SCHEMA`; this test regenerates it and fails on
//! any difference. Run with `UPDATE_GENERATED=1` to rewrite the file:
//!
//! ```sh
//! UPDATE_GENERATED=1 cargo test -p hstsguard-python --test generated
//! ```

use std::collections::BTreeSet;

use hstsguard::config::{Key, Kind, Section, SCHEMA};
use serde_json::Value;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/hstsguard/_schema.py");

/// Every section of the document, in documentation order (a section before the ones it
/// holds), each once.
fn sections() -> Vec<&'static Section> {
    fn walk(section: &'static Section, out: &mut Vec<&'static Section>) {
        if out.iter().any(|s| s.name == section.name) {
            return;
        }
        out.push(section);
        for key in section.keys {
            if let Some(s) = key.section() {
                walk(s, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&SCHEMA, &mut out);
    out
}

/// The Python type of a value of this kind, as the binding accepts it.
fn python_type(kind: &Kind) -> String {
    match kind {
        Kind::Bool => "bool".into(),
        // Seconds as an int, or a duration string ("300", "5m", "1y").
        Kind::Duration => "int | str".into(),
        Kind::Date => "str".into(),
        Kind::Text => "str".into(),
        Kind::Port => "int".into(),
        Kind::Word { words, true_means } => {
            let mut items: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
            if true_means.is_some() {
                items.push("True".into());
            }
            format!("Literal[{}]", items.join(", "))
        }
        Kind::Status(codes) => format!(
            "Literal[{}]",
            codes
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        // A single value counts as a list of one.
        Kind::List(item) => {
            let one = python_type(item);
            format!("{one} | Sequence[{one}]")
        }
        Kind::Table(s) => s.name.into(),
        Kind::Tables(s) => format!("Sequence[{}]", s.name),
        other => panic!("no Python type for {other:?}: teach generated.rs this kind"),
    }
}

/// A document value as a Python literal (for the defaults in comments).
fn python_literal(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(python_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k:?}: {}", python_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Markdown documentation as lines of text, trimmed, keeping blank lines between
/// paragraphs.
fn doc_lines(doc: &str) -> Vec<String> {
    let lines: Vec<String> = doc.lines().map(|l| l.trim().to_owned()).collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[start..end.max(start)].to_vec()
}

fn key_comment(out: &mut String, key: &Key) {
    let mut lines = doc_lines(key.doc);
    if let Some(default) = key.default {
        lines.push(format!("Default: {}.", python_literal(&default())));
    }
    for line in lines {
        if line.is_empty() {
            out.push_str("    #\n");
        } else {
            out.push_str(&format!("    # {line}\n"));
        }
    }
}

fn render() -> String {
    let sections = sections();
    let mut out = String::from(
        "\"\"\"The policy document as typed dicts: every section of a policy (docs/POLICY.md)\n\
         with its keys, their types and their documentation.\n\
         \n\
         Generated from the core's schema (``hstsguard::config::SCHEMA``) by\n\
         bindings/python/tests/generated.rs; do not edit. Regenerate with\n\
         ``UPDATE_GENERATED=1 cargo test -p hstsguard-python --test generated``.\n\
         \n\
         Keys are spelled as in TOML and JSON documents (snake_case). Every key is optional\n\
         (``total=False``): an absent key takes its default, shown in its comment. Words are\n\
         compared ignoring case at run time; the types list their documented spelling. A\n\
         list key also takes a single value (a list of one).\n\
         \"\"\"\n\
         \n\
         from __future__ import annotations\n\
         \n\
         from collections.abc import Sequence\n\
         from typing import Literal, TypedDict\n\
         \n\
         __all__ = [\n",
    );
    let names: BTreeSet<&str> = sections.iter().map(|s| s.name).collect();
    for name in &names {
        out.push_str(&format!("    {name:?},\n"));
    }
    out.push_str("]\n");
    for section in &sections {
        out.push_str(&format!(
            "\n\nclass {}(TypedDict, total=False):\n",
            section.name
        ));
        let doc = doc_lines(section.doc);
        out.push_str("    \"\"\"");
        for (i, line) in doc.iter().enumerate() {
            assert!(
                !line.contains("\"\"\"") && !line.contains('\\'),
                "{}: a docstring line Python would misread: {line}",
                section.name
            );
            if i > 0 {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str("    ");
                }
            }
            out.push_str(line);
        }
        if doc.len() > 1 {
            out.push_str("\n    ");
        }
        out.push_str("\"\"\"\n");
        for key in section.keys {
            out.push('\n');
            key_comment(&mut out, key);
            out.push_str(&format!("    {}: {}\n", key.name, python_type(&key.kind)));
        }
    }
    out
}

#[test]
fn schema_py_is_current() {
    let want = render();
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(PATH, &want).unwrap();
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "bindings/python/python/hstsguard/_schema.py is stale: run \
         UPDATE_GENERATED=1 cargo test -p hstsguard-python --test generated"
    );
}

#[test]
fn every_section_and_key_is_in_the_file() {
    let text = render();
    for section in sections() {
        assert!(text.contains(&format!("class {}(TypedDict, total=False):", section.name)));
        for key in section.keys {
            assert!(
                text.contains(&format!("\n    {}: ", key.name)),
                "{}.{}",
                section.name,
                key.name
            );
        }
    }
    // The ramp, a table inside a table, is a TypedDict of its own.
    assert!(text.contains("    ramp: RampSection\n"));
    assert!(text.contains("    stages: int | str | Sequence[int | str]\n"));
    assert!(text.contains("    status_get_head: Literal[301, 302, 303, 307, 308]\n"));
    assert!(text.contains("    same_site: Literal[\"Strict\", \"Lax\", \"None\", True]\n"));
}
