//! Black-box tests of the `hstsguard` binary: JSON shapes, exit codes, usage errors.

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hstsguard"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("run hstsguard");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(args);
    let v = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{stdout}\n{stderr}"));
    (code, v)
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[test]
fn header_builds_the_canonical_value() {
    let (code, out, _) = run(&[
        "header",
        "--max-age",
        "2y",
        "--include-subdomains",
        "--preload",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out, "max-age=63072000; includeSubDomains; preload\n");
    let (code, _, err) = run(&["header", "--max-age", "-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("-1") && err.contains("negative"), "{err}");
}

#[test]
fn parse_json_has_exactly_the_documented_shape() {
    let (code, v) = json(&["parse", "--json", "max-age=31536000; includeSubDomains"]);
    assert_eq!(code, 0);
    assert_eq!(
        keys(&v),
        [
            "include_subdomains",
            "issues",
            "max_age",
            "preload",
            "valid"
        ]
    );
    assert_eq!(v["valid"], true);
    assert_eq!(v["max_age"], 31536000);
    let (code, v) = json(&["parse", "--json", "max-age=-1; includeSubDomains"]);
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["max_age"], Value::Null);
    let issue = &v["issues"][0];
    assert_eq!(keys(issue), ["code", "message", "severity"]);
    assert_eq!(issue["code"], "header.parse.max_age.non_digit_characters");
    assert_eq!(issue["severity"], "error");
    assert!(issue["message"].as_str().unwrap().contains("max-age=-1"));
}

#[test]
fn parse_several_fields_reports_them() {
    let (code, v) = json(&["parse", "--json", "max-age=300", "max-age=0"]);
    assert_eq!(code, 0);
    assert_eq!(v["max_age"], 300);
    assert_eq!(v["issues"][0]["code"], "response.multiple_headers");
    assert_eq!(v["issues"][0]["severity"], "warning");
}

#[test]
fn preload_check_json_adds_errors_and_warnings() {
    let (code, v) = json(&[
        "preload-check",
        "--json",
        "max-age=300",
        "--domain",
        "www.example.com",
    ]);
    assert_eq!(code, 1);
    for k in [
        "valid",
        "max_age",
        "include_subdomains",
        "preload",
        "issues",
        "errors",
        "warnings",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(
        v["errors"],
        serde_json::json!([
            "header.preloadable.include_sub_domains.missing",
            "header.preloadable.preload.missing",
            "header.preloadable.max_age.below_1_year",
            "domain.is_subdomain"
        ])
    );
    let (code, v) = json(&[
        "preload-check",
        "--json",
        "max-age=63072000; includeSubDomains; preload",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn hpkp_parse_json_shape() {
    let a = "d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=";
    let b = "E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=";
    let value =
        format!("pin-sha256=\"{a}\"; pin-sha256=\"{b}\"; max-age=5184000; includeSubDomains");
    let (code, v) = json(&["hpkp", "parse", "--json", &value]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        keys(&v),
        [
            "include_subdomains",
            "issues",
            "max_age",
            "pins",
            "report_only",
            "report_uri",
            "valid"
        ]
    );
    assert_eq!(v["pins"], serde_json::json!([a, b]));
    assert_eq!(v["issues"][0]["code"], "hpkp.deprecated");
    let (code, v) = json(&["hpkp", "parse", "--json", &value, "--chain-pin", a]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = json(&[
        "hpkp",
        "parse",
        "--json",
        &value,
        "--chain-pin",
        a,
        "--chain-pin",
        b,
    ]);
    assert_eq!(code, 1);
    assert!(v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "hpkp.validate.no_backup_pin"));
    let (code, _, err) = run(&["hpkp", "parse", &value, "--chain-pin", "nope"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn redirect_json_shape_and_decisions() {
    let (code, v) = json(&[
        "redirect",
        "--json",
        "--method",
        "POST",
        "http://example.com/a?b=1",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        keys(&v),
        ["action", "headers", "location", "reason", "secure", "status"]
    );
    assert_eq!(v["action"], "redirect");
    assert_eq!(v["status"], 308);
    assert_eq!(v["location"], "https://example.com/a?b=1");
    let (_, v) = json(&["redirect", "--json", "https://example.com/"]);
    assert_eq!(v["action"], "pass");
    assert_eq!(
        v["headers"]["Strict-Transport-Security"],
        "max-age=31536000; includeSubDomains"
    );
    let (code, v) = json(&[
        "redirect",
        "--json",
        "--config",
        "examples/policy.toml",
        "http://evil.example/",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["action"], "reject");
    assert_eq!(v["status"], 400);
    assert_eq!(v["reason"], "host.not_allowed");
    let (_, v) = json(&[
        "redirect",
        "--json",
        "--config",
        "examples/policy.toml",
        "--peer",
        "10.0.0.5",
        "--header",
        "X-Forwarded-Proto: https",
        "http://example.com/",
    ]);
    assert_eq!(v["secure"], true);
    assert_eq!(v["action"], "pass");
    let (_, v) = json(&[
        "redirect",
        "--json",
        "--config",
        "examples/policy.toml",
        "--peer",
        "192.0.2.1",
        "--header",
        "X-Forwarded-Proto: https",
        "http://example.com/",
    ]);
    assert_eq!(v["secure"], false, "spoofed header from an untrusted peer");
    let (code, _, err) = run(&["redirect", "ftp://example.com/"]);
    assert_eq!(code, 2);
    assert!(err.contains("http://"), "{err}");
}

#[test]
fn cookie_json_shape() {
    let (code, v) = json(&["cookie", "--json", "--secure", "sid=1; Path=/"]);
    assert_eq!(code, 0);
    assert_eq!(keys(&v), ["changed", "issues", "set_cookie"]);
    assert_eq!(v["set_cookie"], "sid=1; Path=/; Secure");
    assert_eq!(v["changed"], true);
    let (code, v) = json(&["cookie", "--json", "="]);
    assert_eq!(code, 1);
    assert_eq!(v["changed"], false);
    assert_eq!(v["issues"][0]["code"], "cookie.malformed.empty_name");
}

#[test]
fn policy_check_reports_every_error() {
    let dir = std::env::temp_dir().join(format!("hstsguard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[hsts]\nmax_age = -1\nincludeSubdomains = true\n[cookies]\n[[cookies.rules]]\nname = \"*\"\nsame_site = \"Relaxed\"\n").unwrap();
    let (code, v) = json(&["policy", "check", "--json", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    let errors: Vec<(&str, &str)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(
        errors.contains(&("hsts.max_age", "duration.negative")),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("hsts.includeSubdomains", "config.unknown_key")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(p, _)| p.starts_with("cookies.rules[0].same_site")),
        "{errors:?}"
    );
    let (code, out, _) = run(&["policy", "check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("did you mean `include_subdomains`"), "{out}");

    let (code, v) = json(&["policy", "check", "--json", "examples/policy.toml"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ok"], true);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn audit_is_the_main_job() {
    let (code, out, _) = run(&["audit", "examples/policy.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Strict-Transport-Security: max-age=63072000; includeSubDomains; preload"),
        "{out}"
    );
    assert!(out.contains("preload: eligible"), "{out}");
    let (code, v) = json(&["audit", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["header"], "max-age=31536000; includeSubDomains");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = run(&["parse"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["no-such-command"]);
    assert_eq!(code, 2);
}

#[test]
fn policy_check_prints_the_ramp_schedule() {
    let dir = std::env::temp_dir().join(format!("hstsguard-cli-ramp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ramp.toml");
    // An unquoted TOML date, as operators write it.
    std::fs::write(
        &file,
        "[hsts]\npreload = true\n[hsts.ramp]\nstart = 2026-12-01\nstages = [\"5m\", \"1d\", \"30d\"]\nstep = \"1w\"\n[redirect]\nallowed_hosts = [\".example.com\"]\n",
    )
    .unwrap();
    let (code, out, _) = run(&["policy", "check", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2026-12-01T00:00:00Z (and before)"), "{out}");
    assert!(out.contains("2026-12-15T00:00:00Z"), "{out}");
    assert!(
        out.contains("max-age=2592000; includeSubDomains; preload"),
        "{out}"
    );
    assert!(
        out.contains("policy.hsts.ramp_preload_short_last_stage"),
        "{out}"
    );
    let (_, v) = json(&["policy", "check", "--json", file.to_str().unwrap()]);
    let schedule = v["schedule"].as_array().unwrap();
    assert_eq!(schedule.len(), 3);
    assert_eq!(schedule[1]["starts"], "2026-12-08T00:00:00Z");
    assert_eq!(schedule[1]["max_age"], 86_400);
    assert_eq!(schedule[0]["value"], "max-age=300");
    let (_, v) = json(&["policy", "check", "--json", "/dev/null"]);
    assert!(v["schedule"].is_null() || v["ok"] == false, "{v}");
    std::fs::remove_dir_all(&dir).ok();
}
