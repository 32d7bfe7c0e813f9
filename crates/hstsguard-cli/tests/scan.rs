//! `hstsguard scan` as a process: usage errors (exit 2, naming the value), exit 1 on
//! errors, JSON Lines and the stderr summary in fleet mode. The live checks themselves
//! are tested in crates/hstsguard-scan/tests against real servers.

use std::process::Command;

fn hstsguard(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hstsguard"))
        .args(args)
        .output()
        .expect("run hstsguard");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn usage_errors_name_the_value() {
    let (code, _, err) = hstsguard(&["scan", "example.com", "--connect-to", "a:b:c"]);
    assert_eq!(code, 2);
    assert!(err.contains("\"a:b:c\""), "{err}");
    let (code, _, err) = hstsguard(&["scan", "example.com", "--connect-to", "a:99999:b:1"]);
    assert_eq!(code, 2);
    assert!(err.contains("\"a:99999:b:1\""), "{err}");
    let (code, _, err) = hstsguard(&["scan", "example.com", "--ca-file", "/nonexistent/ca.pem"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    let dir = std::env::temp_dir().join(format!("hstsguard-scan-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let (code, _, err) = hstsguard(&[
        "scan",
        "example.com",
        "--ca-file",
        not_pem.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not.pem"), "{err}");
    let (code, _, _) = hstsguard(&["scan"]);
    assert_eq!(code, 2);
    let (code, _, _) = hstsguard(&["scan", "example.com", "--timeout", "0"]);
    assert_eq!(code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_domain_is_exit_1_with_its_code() {
    let (code, out, _) = hstsguard(&["scan", "exa mple.com", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["errors"][0], "domain.format.invalid_characters");
    assert_eq!(v["ok"], false);
    let (code, out, _) = hstsguard(&["scan", "com"]);
    assert_eq!(code, 1);
    assert!(out.contains("✗ domain.format.public_suffix"), "{out}");
}

#[test]
fn fleet_prints_json_lines_and_a_summary() {
    let dir = std::env::temp_dir().join(format!("hstsguard-scan-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("list.txt");
    // Every name is pointed at a closed port: the fleet must still finish quickly.
    std::fs::write(
        &list,
        "# a comment\n\nbad..name\nunreachable-a.test\nunreachable-b.test  # trailing comment\n",
    )
    .unwrap();
    let (code, out, err) = hstsguard(&[
        "scan",
        "--list",
        list.to_str().unwrap(),
        "--connect-to",
        "::127.0.0.1:1",
        "--concurrency",
        "2",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    let mut domains: Vec<_> = lines
        .iter()
        .map(|v| v["domain"].as_str().unwrap().to_owned())
        .collect();
    domains.sort();
    assert_eq!(
        domains,
        ["bad..name", "unreachable-a.test", "unreachable-b.test"]
    );
    for v in &lines[..] {
        if v["domain"] != "bad..name" {
            assert!(
                v["errors"]
                    .as_array()
                    .unwrap()
                    .contains(&"domain.tls.cannot_connect".into()),
                "{v}"
            );
        }
    }
    assert!(err.contains("3 domains"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fleet_reports_lines_that_are_not_utf8_and_goes_on() {
    let dir = std::env::temp_dir().join(format!("hstsguard-scan-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("list.txt");
    // Line 2 is Latin-1; the names after it must still be scanned.
    std::fs::write(&list, b"bad..one\nb\xe9b\xe9.test\nbad..three\n").unwrap();
    let (code, out, err) = hstsguard(&["scan", "--list", list.to_str().unwrap()]);
    assert_eq!(code, 1);
    let domains: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["domain"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(domains.len(), 2, "{out}");
    assert!(domains.contains(&"bad..three".to_owned()), "{domains:?}");
    assert!(err.contains("--list line 2: not UTF-8, skipped"), "{err}");
    assert!(err.contains("1 line(s) of the list skipped"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
