//! The nginx and Apache directive table (`bindings/common/hsg_directives.h`) against the
//! core's schema: every key a directive writes must exist in `hstsguard::config::SCHEMA`,
//! with a type that fits what the directive's words do. A key renamed or retyped in the
//! core fails here, not on a server at `nginx -t`.

use std::fs;
use std::path::Path;

use hsg::config::{Kind, SCHEMA};

const HEADER: &str = "../common/hsg_directives.h";

/// One row: `HSG_DIRECTIVE(ID, "nginx", "Apache", KIND, "key", ARGS, "syntax")`.
#[derive(Debug)]
struct Row {
    id: String,
    nginx: String,
    apache: String,
    kind: String,
    key: String,
    args: String,
}

fn header() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(HEADER))
        .expect("bindings/common/hsg_directives.h")
}

/// Splits the arguments of one row at the commas outside string literals.
fn arguments(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            out.last_mut().unwrap().push(c);
        } else if c == '"' {
            in_string = true;
            out.last_mut().unwrap().push(c);
        } else if c == ',' {
            out.push(String::new());
        } else {
            out.last_mut().unwrap().push(c);
        }
    }
    out.into_iter().map(|s| s.trim().to_owned()).collect()
}

fn unquote(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{s} is not a plain string literal"))
        .to_owned()
}

fn rows() -> Vec<Row> {
    let text = header();
    let mut rows = Vec::new();
    for line in text.lines() {
        let line = line.trim().trim_end_matches('\\').trim();
        let Some(rest) = line.strip_prefix("HSG_DIRECTIVE(") else {
            continue;
        };
        let inner = rest.strip_suffix(')').expect("a row ends with )");
        let a = arguments(inner);
        assert_eq!(a.len(), 7, "{line}: 7 arguments");
        rows.push(Row {
            id: a[0].clone(),
            nginx: unquote(&a[1]),
            apache: unquote(&a[2]),
            kind: a[3].clone(),
            key: unquote(&a[4]),
            args: a[5].clone(),
        });
    }
    assert!(rows.len() >= 9, "the table has {} rows", rows.len());
    rows
}

/// `#define HSG_KEY_NAME "value"`.
fn define(name: &str) -> String {
    let text = header();
    let prefix = format!("#define {name} ");
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} in the header"));
    unquote(line[prefix.len()..].trim())
}

fn lookup(path: &str) -> &'static hsg::config::Key {
    SCHEMA
        .lookup(path)
        .unwrap_or_else(|| panic!("{path} is not a key of the policy document (docs/POLICY.md)"))
}

#[test]
fn every_directive_key_is_in_the_schema() {
    let enabled = define("HSG_KEY_ENABLED");
    let rule_name = define("HSG_KEY_RULE_NAME");
    let custom_name = define("HSG_KEY_CUSTOM_NAME");
    let custom_value = define("HSG_KEY_CUSTOM_VALUE");
    for row in rows() {
        let what = format!("{} / {} ({})", row.nginx, row.apache, row.id);
        match row.kind.as_str() {
            "SWITCH" | "FILE" => assert!(row.key.is_empty(), "{what} writes no key"),
            "SECTION" => {
                assert!(
                    matches!(lookup(&row.key).kind, Kind::Table(_)),
                    "{what}: {} is not a table",
                    row.key
                );
                let key = lookup(&format!("{}.{enabled}", row.key));
                assert!(
                    matches!(key.kind, Kind::Bool),
                    "{what}: {}.{enabled}",
                    row.key
                );
            }
            "LIST" => assert!(
                matches!(lookup(&row.key).kind, Kind::List(_)),
                "{what}: {} is not a list",
                row.key
            ),
            "SOURCES" => {
                assert!(matches!(lookup(&row.key).kind, Kind::List(_)), "{what}");
                let section = row.key.rsplit_once('.').expect("a key in a section").0;
                lookup(&format!("{section}.{custom_name}"));
                lookup(&format!("{section}.{custom_value}"));
            }
            "RULE" => {
                assert!(
                    matches!(lookup(&row.key).kind, Kind::Tables(_)),
                    "{what}: {} is not a list of tables",
                    row.key
                );
                lookup(&format!("{}.{rule_name}", row.key));
            }
            "FLAG" => assert!(
                matches!(lookup(&row.key).kind, Kind::Bool),
                "{what}: {} is not a boolean",
                row.key
            ),
            other => panic!("{what}: unknown kind {other}"),
        }
        assert!(
            row.args == "ONE" || row.args == "MANY",
            "{what}: ARGS {}",
            row.args
        );
        assert!(row.nginx.starts_with("hstsguard"), "{what}");
        assert!(row.apache.starts_with("HstsGuard"), "{what}");
    }
}

/// Every section of the document that a directive can reach has one (hpkp stays a policy
/// file feature: it is deprecated).
#[test]
fn the_table_covers_the_sections() {
    let rows = rows();
    for key in SCHEMA.keys {
        if key.name == "hpkp" {
            continue;
        }
        assert!(
            rows.iter()
                .any(|r| r.key == key.name || r.key.starts_with(&format!("{}.", key.name))),
            "no directive writes [{}]",
            key.name
        );
    }
}
