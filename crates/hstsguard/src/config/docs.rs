//! Faces of the schema written for people and editors: `docs/POLICY.md` and a JSON
//! Schema (`docs/policy.schema.json`), both generated from [`super::SCHEMA`] and checked
//! for drift by the core's tests.

use serde_json::{json, Map, Value};

use super::schema::{Key, Kind, Section, Spelling};
use super::SCHEMA;

/// A typical policy, shown at the top of `docs/POLICY.md` (the docs test reads it, so it
/// stays valid).
pub const EXAMPLE: &str = r#"[hsts]
max_age = "2y"
include_subdomains = true
preload = true

[proxy]
trusted = ["10.0.0.0/8"]          # the load balancer; it overwrites X-Forwarded-Proto

[redirect]
allowed_hosts = ["example.com", ".example.com"]
exempt = ["^/healthz$"]

[[cookies.rules]]
name = "*"
secure = true
http_only = true
same_site = "Lax"
"#;

/// The rules that are not one key's business, in the words of `docs/POLICY.md`.
const RULES: &str = r#"## Rules worth knowing

- **Secure requests.** A request is secure when the connection is TLS, or when the peer
  address is in `proxy.trusted` and every configured source whose header is present says
  HTTPS. Headers from any other peer are ignored, so a client cannot spoof them.
- **Proxy sources: the proxy must overwrite or strip every listed header.** With
  `proxy.trusted` set, the sources are the explicit `sources` list, or one header,
  `X-Forwarded-Proto`, by default. Whatever the trusted proxy does not overwrite or strip
  reaches hstsguard as the client sent it (many proxies overwrite `X-Forwarded-Proto` and
  pass `Forwarded` through), so list only the header your proxy sets. The order of the
  sources never decides: when the sources present on one request disagree (one says
  HTTPS, another does not), the request is refused with 400 `proxy.sources_disagree`
  (not heuristically cacheable, unlike a 301) and the nginx and Apache modules log a
  warning. Several sources give the deploy warning `policy.proxy.several_sources`.
  Comma lists (`X-Forwarded-Proto: https, http`) skip empty elements and then take the
  leftmost element (`list = "leftmost"`, as Django and Express do) or the rightmost
  (the value the nearest proxy added). `Forwarded` counts only when the chosen element has
  `proto`; a malformed one fails closed (not HTTPS). `X-ARR-SSL` is not split (its value is
  certificate text).
- **Exempt paths** are regular expressions *searched* (like Python's `re.search`) in the raw
  path (the target up to `?`, not percent-decoded). Anchor them yourself: `^/health$`. A
  path with a dot segment is never exempt, since servers normalise it after the decision:
  a segment whose part before `;` (or `%3B`) is `.` or `..` in any spelling (`..;`, `.;x`,
  `%2e%2E;`; Tomcat, Jetty and Spring resolve `..;` as `..`), a backslash, or a
  percent-encoded dot, slash or backslash anywhere. Unlike Django's `SECURE_REDIRECT_EXEMPT`
  the leading `/` is kept. `acme_exempt` lets `/.well-known/acme-challenge/` through;
  exemptions are checked before the Host.
- **Hosts.** The Location's host is `canonical_host` when set, otherwise the request's Host
  after validation (lower-cased, IDNs as A-labels, one trailing dot removed, no user-info,
  no spaces or control bytes, no percent-encoding, ports 1-65535) and only when
  `allowed_hosts` matches it; otherwise the answer is 400, never a redirect elsewhere.
- **Location.** `https://host[:port]` + the request target kept as sent, except: a run of
  leading `/` or `\` becomes one `/` (no scheme-relative `//evil.example`), a target not
  starting with `/` gets one, and control bytes, space, non-ASCII, `"`, `#`, `<`, `>`, `\`,
  `` ` ``, `{`, `}` are percent-encoded. Port 443 is never written; port 80 becomes
  `https_port`; other ports follow `keep_port`.
- **Status.** GET and HEAD get `status_get_head` (301); other methods get `status_other`
  (308 keeps the method and body). 403 or 426 for other methods refuse them over HTTP
  (a 426 answer carries `Upgrade: TLS/1.2, HTTP/1.1`, RFC 9110 §15.5.22).
- **Cookies.** Every matching rule applies; for each attribute the last matching rule that
  sets it wins. `SameSite=None` always gets `Secure` (except with `secure_when =
  "request_secure"` on a plain-HTTP request, reported as
  `cookie.samesite_none.without_secure`). `__Secure-` and `__Host-` are matched
  case-insensitively (RFC 6265bis §5.7); `repair` adds `Secure`, sets `Path=/` and drops
  `Domain` for `__Host-`. Attributes hstsguard does not own are kept byte for byte.
- **Durations.** Integers or duration strings (`300`, `300s`, `5m`, `1h`, `1d`, `18w`,
  `1y`); a float such as `3600.0` is refused (`duration.fractional`), as are negative
  values; `"1 year"` gets a did-you-mean (`1y`). A max-age over 1000 years looks like
  milliseconds and gets the warning `policy.hsts.max_age_looks_like_milliseconds`.
- **Ramp.** With `[hsts.ramp]`, the header follows the schedule and `max_age` is not
  used; `hstsguard policy check` prints the schedule (date, max-age).
"#;

/// `docs/POLICY.md`: every section and key with its type, default and meaning.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Policy files\n\n\
         <!-- Generated from the schema in crates/hstsguard/src/config/document.rs by \
         `UPDATE_DOCS=1 cargo test -p hstsguard --test policy_doc`. Do not edit. -->\n\n\
         A policy is one TOML or JSON document. Every face (the C library, nginx, Apache,\n\
         Python and Django, Node and Express, the CLI) reads the same document with the same\n\
         meaning. Building a policy validates everything at once and reports **every** problem\n\
         with its field path (`hsts.max_age: invalid duration \"-1\": it is negative\n\
         [duration.negative]`); unknown keys are refused with a did-you-mean. Every section and\n\
         key is optional; the defaults are listed below. Editors can validate documents with\n\
         the JSON Schema [policy.schema.json](policy.schema.json).\n\n\
         Each face spells keys its own way, from the same schema: `max_age` in TOML, JSON and\n\
         Python, `maxAge` in JavaScript options, and in nginx / Apache directives any case with\n\
         or without `_` (`hstsguard_hsts max-age=1y`).\n\n\
         ```toml\n",
    );
    out.push_str(EXAMPLE);
    out.push_str("```\n\n");
    out.push_str(RULES);
    for key in SCHEMA.keys {
        if let Some(section) = key.section() {
            section_markdown(&mut out, key.name, key, section);
        }
    }
    out
}

fn section_markdown(out: &mut String, path: &str, key: &Key, section: &Section) {
    let title = match key.kind {
        Kind::Tables(_) => format!("[[{path}]]"),
        _ => format!("[{path}]"),
    };
    out.push_str(&format!("\n## `{title}`\n\n{}\n", paragraphs(key.doc)));
    let intro = paragraphs(section.doc);
    if !intro.is_empty() {
        out.push_str(&format!("\n{intro}\n"));
    }
    out.push_str("\n| key | JavaScript | type | default | meaning |\n|---|---|---|---|---|\n");
    let mut nested = Vec::new();
    for k in section.keys {
        let default = match k.default {
            Some(f) => format!("`{}`", toml_inline(&f())),
            None => "—".to_owned(),
        };
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} |\n",
            k.name,
            k.spelled(Spelling::Camel),
            type_markdown(&k.kind),
            default,
            paragraphs(k.doc).replace('\n', " ").replace('|', "\\|")
        ));
        if let Some(s) = k.section() {
            nested.push((k, s));
        }
    }
    for (k, s) in nested {
        section_markdown(out, &format!("{path}.{}", k.name), k, s);
    }
}

fn paragraphs(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

fn type_markdown(kind: &Kind) -> String {
    match kind {
        Kind::Bool => "boolean".into(),
        Kind::Duration => "duration".into(),
        Kind::Date => "date".into(),
        Kind::Text => "string".into(),
        Kind::Port => "port".into(),
        Kind::Word { words, true_means } => {
            let mut s: Vec<String> = words.iter().map(|w| format!("`\"{w}\"`")).collect();
            if true_means.is_some() {
                s.push("`true`".into());
            }
            s.join(", ")
        }
        Kind::Status(codes) => codes
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Kind::List(item) => format!("list of {}", type_markdown(item)),
        Kind::Table(_) => "table".into(),
        Kind::Tables(_) => "list of tables".into(),
    }
}

/// A value as TOML writes it inline.
fn toml_inline(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(toml_inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{k} = {}", toml_inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A JSON Schema (draft 2020-12) of the document, for editors that validate TOML and
/// JSON. Durations accept integers and duration strings; words are listed in their
/// documented spelling (hstsguard also accepts any case).
pub fn json_schema() -> Value {
    let mut schema = section_schema(&SCHEMA);
    if let Value::Object(m) = &mut schema {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        m.insert("title".into(), json!("hstsguard policy document"));
    }
    schema
}

fn section_schema(section: &Section) -> Value {
    let mut props = Map::new();
    for k in section.keys {
        let mut p = kind_schema(&k.kind);
        if let Value::Object(m) = &mut p {
            m.insert("description".into(), json!(paragraphs(k.doc)));
            if let Some(f) = k.default {
                m.insert("default".into(), f());
            }
        }
        props.insert(k.name.to_owned(), p);
    }
    json!({
        "type": "object",
        "description": paragraphs(section.doc),
        "properties": props,
        "additionalProperties": false,
    })
}

fn kind_schema(kind: &Kind) -> Value {
    match kind {
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Duration => json!({"anyOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "pattern": "^\\s*[0-9]+\\s*[smhdwySMHDWY]?\\s*$"}
        ]}),
        Kind::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
        Kind::Text => json!({"type": "string"}),
        Kind::Port => json!({"type": "integer", "minimum": 1, "maximum": 65535}),
        Kind::Word { words, true_means } => {
            let mut any = vec![json!({"enum": words})];
            if true_means.is_some() {
                any.push(json!({"const": true}));
            }
            json!({"anyOf": any})
        }
        Kind::Status(codes) => json!({"enum": codes}),
        Kind::List(item) => {
            json!({"anyOf": [kind_schema(item), {"type": "array", "items": kind_schema(item)}]})
        }
        Kind::Table(s) => section_schema(s),
        Kind::Tables(s) => json!({"type": "array", "items": section_schema(s)}),
    }
}
