//! Runs secure.json, redirect.json, cookie.json and policy.json through the path every
//! binding takes: `Policy::from_json` + `evaluate` / `flag_set_cookie`.

mod common;

use hstsguard::policy::Policy;
use hstsguard::RequestFacts;
use serde_json::{json, Value};

fn policy_of(input: &Value) -> Result<Policy, String> {
    let doc = input.get("policy").cloned().unwrap_or_else(|| json!({}));
    Policy::from_json(&doc.to_string()).map_err(|e| format!("policy does not build: {e}"))
}

/// Runs `f` with facts built from a vector's `request` object (defaults per README).
fn with_request<R>(req: &Value, f: impl FnOnce(&RequestFacts<'_>) -> R) -> Result<R, String> {
    let headers: Vec<(String, String)> = req["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    (
                        h[0].as_str().unwrap_or("").to_owned(),
                        h[1].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let peer = match req["peer"].as_str() {
        Some(p) => Some(p.parse().map_err(|_| format!("bad peer {p:?}"))?),
        None => None,
    };
    let facts = RequestFacts::new(
        req["method"].as_str().unwrap_or("GET"),
        req["tls"].as_bool().unwrap_or(false),
        req["host"].as_str(),
        req["target"].as_str().unwrap_or("/"),
        &headers,
    )
    .with_peer(peer);
    Ok(f(&facts))
}

#[test]
fn secure_vectors() {
    let n = common::run("secure.json", "secure", |input, expected| {
        let policy = policy_of(input)?;
        let secure = with_request(&input["request"], |f| policy.is_secure(f))?;
        let evaluated = with_request(&input["request"], |f| policy.evaluate(f).secure())?;
        if secure != evaluated {
            return Err("is_secure and evaluate disagree".into());
        }
        common::expect_fields(&json!({ "secure": secure }), expected)
    });
    assert!(n >= 60);
}

#[test]
fn redirect_vectors() {
    let n = common::run("redirect.json", "redirect", |input, expected| {
        let policy = policy_of(input)?;
        let actual = with_request(&input["request"], |f| policy.evaluate(f).to_json())?;
        common::expect_fields(&actual, expected)
    });
    assert!(n >= 140);
}

#[test]
fn cookie_vectors() {
    let n = common::run("cookie.json", "cookie", |input, expected| {
        let policy = policy_of(input)?;
        let value = input["set_cookie"].as_str().ok_or("set_cookie")?;
        let flagged = policy.flag_set_cookie(value, input["secure"].as_bool().unwrap_or(false));
        let mut actual = flagged.to_json();
        actual["issues"] = flagged.issues().iter().map(|i| i.code().as_str()).collect();
        let again =
            policy.flag_set_cookie(flagged.value(), input["secure"].as_bool().unwrap_or(false));
        if again.value() != flagged.value() {
            return Err(format!(
                "not idempotent: {:?} -> {:?}",
                flagged.value(),
                again.value()
            ));
        }
        common::expect_fields(&actual, expected)
    });
    assert!(n >= 70);
}

#[test]
fn policy_vectors() {
    common::run("policy.json", "policy", |input, expected| {
        let actual = match Policy::from_json(&input["policy"].to_string()) {
            Ok(p) => json!({
                "ok": true,
                "errors": [],
                "warnings": p.warnings().iter().map(|w| w.code().as_str()).collect::<Vec<_>>(),
            }),
            Err(e) => json!({
                "ok": false,
                "errors": e.config_errors().iter().map(|c| json!({"path": c.path(), "code": c.code().as_str()})).collect::<Vec<_>>(),
            }),
        };
        common::expect_fields(&actual, expected)
    });
}
