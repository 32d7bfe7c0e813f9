//! Runs `tests/vectors/ua_store.json` (the Known HSTS Host store, curl's cache format,
//! URL upgrades and the embedded preload list) through the Rust core. The C, Python and
//! Node runners replay the same file; every failing case is named by its id and step.

use hstsguard::ua::{KnownHosts, KnownHostsOptions, PreloadList};
use serde_json::{json, Value};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ua_store.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read ua_store.json"))
        .expect("ua_store.json is JSON")
}

fn store_for(options: &Value) -> KnownHosts {
    let mut o = KnownHostsOptions::default();
    if let Some(cap) = options.get("capacity").and_then(Value::as_u64) {
        o.capacity = cap as usize;
    }
    if options.get("preload").and_then(Value::as_bool) == Some(false) {
        o.preload = None;
    }
    if let Some(b) = options
        .get("allow_single_label_preload")
        .and_then(Value::as_bool)
    {
        o.allow_single_label_preload = b;
    }
    KnownHosts::with_options(o)
}

/// Runs one step; returns what the step produced, in the shape of its `expected`.
fn run_step(store: &KnownHosts, step: &Value) -> Value {
    let now = step["now"].as_u64().unwrap_or(0);
    let err = |e: hstsguard::Error| json!({"error": e.code().as_str()});
    match step["op"].as_str().expect("op") {
        "receive" => {
            let fields: Vec<&str> = step["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|v| v.as_str().expect("field"))
                .collect();
            let secure = step["secure"].as_bool().unwrap_or(true);
            match store.receive(step["host"].as_str().expect("host"), &fields, secure, now) {
                Ok(o) => json!({"result": o.result.as_str(), "reason": o.reason_str()}),
                Err(e) => err(e),
            }
        }
        "query" => match store.lookup(step["host"].as_str().expect("host"), now) {
            Ok(m) => json!({
                "upgrade": m.is_some(),
                "entry": m.as_ref().map(|m| m.entry.clone()),
                "include_subdomains": m.as_ref().map(|m| m.include_subdomains),
                "expires": m.as_ref().and_then(|m| m.expires),
                "remaining_seconds": m.as_ref().and_then(|m| m.remaining_seconds),
                "source": m.as_ref().map(|m| m.source.as_str()),
            }),
            Err(e) => err(e),
        },
        "upgrade" => match store.upgrade_url(step["url"].as_str().expect("url"), now) {
            Ok(u) => json!({"url": u.url, "upgraded": u.upgraded}),
            Err(e) => err(e),
        },
        "load" => {
            let r = store.load_text(step["text"].as_str().expect("text"), now);
            json!({
                "loaded": r.loaded,
                "expired": r.expired,
                "duplicates": r.duplicates,
                "skipped": r.skipped.iter().map(|s| json!([s.line, s.code.as_str()])).collect::<Vec<_>>(),
            })
        }
        "list" => {
            let lines: Vec<String> = store
                .to_cache_text(now)
                .lines()
                .filter(|l| !l.starts_with("# Your HSTS cache") && !l.starts_with("# This file"))
                .map(str::to_owned)
                .collect();
            json!({"lines": lines})
        }
        "preload_lookup" => {
            let single = step["allow_single_label"].as_bool().unwrap_or(false);
            match PreloadList::embedded().lookup_with(step["host"].as_str().expect("host"), single)
            {
                Ok(m) => json!({
                    "preloaded": m.is_some(),
                    "entry": m.as_ref().map(|m| m.entry().to_owned()),
                    "include_subdomains": m.as_ref().map(|m| m.include_subdomains()),
                }),
                Err(e) => err(e),
            }
        }
        other => panic!("unknown op {other}"),
    }
}

#[test]
fn ua_store_vectors() {
    let doc = vectors();
    assert_eq!(doc["kind"], "ua_store");
    let mut failures = Vec::new();
    let mut steps = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let store = store_for(&case["options"]);
        for (i, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
            steps += 1;
            let got = run_step(&store, step);
            let want = &step["expected"];
            for (key, value) in want.as_object().expect("expected object") {
                if got.get(key) != Some(value) {
                    failures.push(format!(
                        "{id} step {} ({}): {key}: want {value}, got {}",
                        i + 1,
                        step["op"],
                        got.get(key).unwrap_or(&Value::Null)
                    ));
                }
            }
        }
    }
    assert!(steps > 100, "only {steps} steps");
    assert!(
        failures.is_empty(),
        "{} failing steps:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
