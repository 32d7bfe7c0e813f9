//! `policy.d.ts` (the TypeScript types of policy options and documents) is generated from
//! the core's schema, `hstsguard::config::SCHEMA`; this test regenerates it and fails on
//! any difference. Run with `UPDATE_GENERATED=1` to rewrite the file:
//!
//! ```sh
//! UPDATE_GENERATED=1 cargo test -p hstsguard-node --test generated
//! ```
//!
//! Two faces of the one schema: camelCase options (`PolicyOptions`, `HstsSection`, ...:
//! `new Policy(options)`, `hstsguard(options)` and each middleware's section), and the
//! snake_case document of a policy file (`PolicyFile.*`, `PolicyDocument`:
//! `Policy.fromDocument(document)`). What JavaScript accepts beyond the schema (a
//! `RegExp` where a regular expression goes) comes from `src/js_schema.rs`, which the
//! runtime conversion reads too.

use hstsguard::config::{Key, Kind, Section, Spelling, SCHEMA};

#[path = "../src/js_schema.rs"]
mod js_schema;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policy.d.ts");

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

/// The TypeScript name of a section's type in a spelling.
fn type_name(section: &Section, spelling: Spelling) -> String {
    match spelling {
        Spelling::Camel if section.name == SCHEMA.name => "PolicyOptions".into(),
        Spelling::Camel => section.name.into(),
        _ => format!("PolicyFile.{}", section.name),
    }
}

/// The TypeScript type of a value of this kind, as the binding accepts it.
fn ts_type(section: &Section, key: &Key, kind: &Kind, spelling: Spelling) -> String {
    match kind {
        Kind::Bool => "boolean".into(),
        // Seconds as a number, or a duration string ("300", "5m", "1y").
        Kind::Duration => "number | string".into(),
        Kind::Date => "string".into(),
        Kind::Text if js_schema::REGEX_KEYS.contains(&(section.name, key.name)) => {
            "string | RegExp".into()
        }
        Kind::Text => "string".into(),
        Kind::Port => "number".into(),
        // Words are compared ignoring case: the documented spelling and the lower case.
        Kind::Word { words, true_means } => {
            let mut items: Vec<String> = Vec::new();
            if true_means.is_some() {
                items.push("true".into());
            }
            for w in *words {
                items.push(format!("'{w}'"));
            }
            for w in *words {
                let lower = w.to_ascii_lowercase();
                if lower != *w && !words.contains(&lower.as_str()) {
                    items.push(format!("'{lower}'"));
                }
            }
            items.join(" | ")
        }
        Kind::Status(codes) => codes
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" | "),
        // A single value counts as a list of one.
        Kind::List(item) => {
            let one = ts_type(section, key, item, spelling);
            if one.contains(' ') {
                format!("{one} | readonly ({one})[]")
            } else {
                format!("{one} | readonly {one}[]")
            }
        }
        Kind::Table(s) => type_name(s, spelling),
        Kind::Tables(s) => format!("readonly {}[]", type_name(s, spelling)),
        other => panic!("no TypeScript type for {other:?}: teach generated.rs this kind"),
    }
}

/// Markdown documentation as lines of text, trimmed, keeping blank lines between
/// paragraphs; in camelCase, `snake_key` references become `camelKey`.
fn doc_lines(doc: &str, spelling: Spelling) -> Vec<String> {
    let lines: Vec<String> = doc
        .lines()
        .map(|l| respell_refs(l.trim(), spelling).replace("*/", "*\\/"))
        .collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[start..end.max(start)].to_vec()
}

/// Rewrites every `` `word` `` that is a snake_case key of the schema in `spelling`.
fn respell_refs(line: &str, spelling: Spelling) -> String {
    if spelling != Spelling::Camel {
        return line.to_owned();
    }
    let mut out = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks.
        match (i % 2 == 1).then(|| key_named(part)).flatten() {
            Some(key) => out.push_str(&key.spelled(Spelling::Camel)),
            None => out.push_str(part),
        }
    }
    out
}

fn key_named(word: &str) -> Option<&'static Key> {
    if !word.contains('_') {
        return None;
    }
    sections()
        .into_iter()
        .flat_map(|s| s.keys.iter())
        .find(|k| k.name == word)
}

fn jsdoc(out: &mut String, indent: &str, lines: &[String]) {
    match lines {
        [] => {}
        [one] => out.push_str(&format!("{indent}/** {one} */\n")),
        many => {
            out.push_str(&format!("{indent}/**\n"));
            for line in many {
                if line.is_empty() {
                    out.push_str(&format!("{indent} *\n"));
                } else {
                    out.push_str(&format!("{indent} * {line}\n"));
                }
            }
            out.push_str(&format!("{indent} */\n"));
        }
    }
}

fn interface(out: &mut String, indent: &str, section: &Section, spelling: Spelling) {
    let name = match spelling {
        Spelling::Camel => type_name(section, spelling),
        _ => section.name.into(),
    };
    jsdoc(out, indent, &doc_lines(section.doc, spelling));
    out.push_str(&format!("{indent}export interface {name} {{\n"));
    let inner = format!("{indent}  ");
    for (i, key) in section.keys.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut lines = doc_lines(key.doc, spelling);
        if let Some(default) = key.default {
            lines.push(String::new());
            lines.push(format!("@default {}", default()));
        }
        jsdoc(out, &inner, &lines);
        out.push_str(&format!(
            "{inner}{}?: {}\n",
            key.spelled(spelling),
            ts_type(section, key, &key.kind, spelling)
        ));
    }
    out.push_str(&format!("{indent}}}\n"));
}

fn render() -> String {
    let mut out = String::from(
        "// The options and documents of an hstsguard policy (docs/POLICY.md), generated from\n\
         // the core's schema (hstsguard::config::SCHEMA) by bindings/node/tests/generated.rs;\n\
         // do not edit. Regenerate with\n\
         // `UPDATE_GENERATED=1 cargo test -p hstsguard-node --test generated`.\n\
         //\n\
         // Two spellings of one schema:\n\
         // - `PolicyOptions` and the `*Section` interfaces: camelCase keys, the spelling of\n\
         //   every JavaScript option (`new Policy(options)`, `hstsguard(options)`, and one\n\
         //   section each for `hsts()`, `enforceHttps()` and `secureCookies()`);\n\
         // - `PolicyDocument` (`PolicyFile.*`): snake_case keys, exactly as a TOML or JSON\n\
         //   policy file is written (`Policy.fromDocument(document)`).\n\
         // Every key is optional; an absent key takes the `@default` shown. Words are\n\
         // compared ignoring case (the types list the documented spelling and the lower\n\
         // case). A list key also takes a single value. Durations are seconds or duration\n\
         // strings (`'1y'`). A `RegExp` is accepted where a regular expression goes.\n",
    );
    let sections = sections();
    for section in &sections {
        out.push('\n');
        interface(&mut out, "", section, Spelling::Camel);
    }
    out.push_str(
        "\n/** The same schema with snake_case keys, as in a TOML or JSON policy file. */\n\
         export declare namespace PolicyFile {\n",
    );
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        interface(&mut out, "  ", section, Spelling::Snake);
    }
    out.push_str(
        "}\n\n\
         /** A policy document spelled as a TOML or JSON policy file (`Policy.fromDocument`). */\n\
         export type PolicyDocument = PolicyFile.PolicyDocument\n",
    );
    out
}

#[test]
fn policy_d_ts_is_current() {
    let want = render();
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(PATH, &want).unwrap();
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "bindings/node/policy.d.ts is stale: run \
         UPDATE_GENERATED=1 cargo test -p hstsguard-node --test generated"
    );
}

#[test]
fn every_section_and_key_is_in_the_file() {
    let text = render();
    for section in sections() {
        assert!(text.contains(&format!("export interface {} {{", section.name)));
        for key in section.keys {
            for spelling in [Spelling::Camel, Spelling::Snake] {
                assert!(
                    text.contains(&format!(" {}?: ", key.spelled(spelling))),
                    "{}.{} ({spelling:?})",
                    section.name,
                    key.name
                );
            }
        }
    }
    assert!(text.contains("export interface PolicyOptions {"));
    // What the runtime accepts, in the types.
    assert!(text
        .contains("  sameSite?: true | 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none'\n"));
    assert!(text.contains("  exempt?: string | RegExp | readonly (string | RegExp)[]\n"));
    assert!(text.contains("  maxAge?: number | string\n"));
    assert!(text.contains("  includeSubDomains?: boolean\n"));
    assert!(text.contains("  ramp?: RampSection\n"));
    assert!(text.contains("    ramp?: PolicyFile.RampSection\n"));
    assert!(text.contains("  rules?: readonly CookieRuleSection[]\n"));
    assert!(text.contains("  statusGetHead?: 301 | 302 | 303 | 307 | 308\n"));
    assert!(text.contains("@default \"1y\""));
    // Documentation refers to keys in the face's spelling.
    assert!(text.contains("`includeSubDomains` and `preload`, when set"));
    assert!(text.contains("`include_subdomains` and `preload`, when set"));
}
