//! Black-box tests of the user-agent commands (`preloaded`, `store ...`, `preload
//! compile`): exact JSON shapes and exit codes, and interop with the real `curl --hsts`
//! both ways (a file hstsguard wrote upgrades curl; a file curl wrote after a real HTTPS
//! response from a TLS server on 127.0.0.1 is read by hstsguard).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn hstsguard(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hstsguard"))
        .args(args)
        .output()
        .expect("run hstsguard");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = hstsguard(args);
    let v = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{stdout}\n{stderr}"));
    (code, v)
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hstsguard-ua-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const NOW: &str = "1800000000";

#[test]
fn preloaded_prints_one_object_per_host_and_exits_by_verdict() {
    let (code, out, _) = hstsguard(&["preloaded", "github.com", "api.github.com", "--json"]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        keys(&lines[0]),
        [
            "entry",
            "host",
            "include_subdomains",
            "list_date",
            "preloaded"
        ]
    );
    assert_eq!(lines[1]["host"], "api.github.com");
    assert_eq!(lines[1]["entry"], "github.com");
    assert_eq!(lines[1]["include_subdomains"], true);
    assert_eq!(lines[1]["list_date"], "2025-01-01");

    let (code, out, _) = hstsguard(&["preloaded", "github.com", "example.com", "--json"]);
    assert_eq!(code, 1);
    let miss: Value = serde_json::from_str(out.lines().nth(1).unwrap()).unwrap();
    assert_eq!(miss["preloaded"], false);
    assert_eq!(miss["entry"], Value::Null);
    assert_eq!(miss["include_subdomains"], Value::Null);

    // Single-label hosts need the opt-in.
    assert_eq!(hstsguard(&["preloaded", "app"]).0, 1);
    assert_eq!(
        hstsguard(&["preloaded", "app", "--allow-single-label"]).0,
        0
    );
    // Usage errors.
    assert_eq!(hstsguard(&["preloaded"]).0, 2);
    let (code, _, err) = hstsguard(&["preloaded", "bad host"]);
    assert_eq!(code, 2);
    assert!(err.contains("ua.host.invalid"), "{err}");
}

#[test]
fn store_commands_have_the_documented_shapes() {
    let dir = scratch("shapes");
    let file = dir.join("hsts.txt");
    let store = file.to_str().unwrap();

    let (code, v) = json(&[
        "store",
        "receive",
        "--store",
        store,
        "--now",
        NOW,
        "example.com",
        "max-age=31536000; includeSubDomains",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(keys(&v), ["reason", "result"]);
    assert_eq!(
        (v["result"].as_str(), v["reason"].clone()),
        (Some("added"), Value::Null)
    );
    assert!(file.is_file(), "the store file is created");

    let (code, v) = json(&[
        "store",
        "receive",
        "--store",
        store,
        "--now",
        NOW,
        "--insecure",
        "example.org",
        "max-age=600",
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["result"], "ignored");
    assert_eq!(v["reason"], "ua.receive.insecure_transport");

    let (code, v) = json(&[
        "store",
        "query",
        "--store",
        store,
        "--now",
        "1800000100",
        "www.example.com",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        keys(&v),
        [
            "entry",
            "expires",
            "include_subdomains",
            "remaining_seconds",
            "source",
            "upgrade"
        ]
    );
    assert_eq!(v["entry"], "example.com");
    assert_eq!(v["expires"], 1_831_536_000u64);
    assert_eq!(v["remaining_seconds"], 31_535_900u64);
    assert_eq!(v["source"], "dynamic");

    let (code, v) = json(&[
        "store",
        "query",
        "--store",
        store,
        "--now",
        NOW,
        "github.com",
        "--json",
    ]);
    assert_eq!(
        (code, v["source"].as_str(), v["expires"].clone()),
        (0, Some("preload"), Value::Null)
    );
    let (code, v) = json(&[
        "store",
        "query",
        "--store",
        store,
        "--now",
        NOW,
        "--no-preload",
        "github.com",
        "--json",
    ]);
    assert_eq!((code, v["upgrade"].as_bool()), (1, Some(false)));

    let (code, v) = json(&[
        "store",
        "upgrade",
        "--store",
        store,
        "--now",
        NOW,
        "http://a.example.com:80/p?q#f",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(keys(&v), ["upgraded", "url"]);
    assert_eq!(v["url"], "https://a.example.com/p?q#f");
    let (code, v) = json(&[
        "store",
        "upgrade",
        "--store",
        store,
        "--now",
        NOW,
        "http://example.net:8080/",
        "--json",
    ]);
    assert_eq!((code, v["upgraded"].as_bool()), (1, Some(false)));
    let (code, _, err) = hstsguard(&["store", "upgrade", "--store", store, "not a url"]);
    assert_eq!(code, 2);
    assert!(err.contains("ua.url.invalid"), "{err}");

    // max-age=0 from a preloaded host leaves a knock-out.
    let (code, v) = json(&[
        "store",
        "receive",
        "--store",
        store,
        "--now",
        NOW,
        "paypal.com",
        "max-age=0",
        "--json",
    ]);
    assert_eq!(
        (code, v["result"].as_str(), v["reason"].as_str()),
        (0, Some("deleted"), Some("ua.receive.knock_out"))
    );
    assert_eq!(
        hstsguard(&[
            "store",
            "query",
            "--store",
            store,
            "--now",
            NOW,
            "paypal.com"
        ])
        .0,
        1
    );

    let (code, out, _) = hstsguard(&["store", "list", "--store", store, "--now", NOW]);
    assert_eq!(code, 0);
    let entries: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with("# Your") && !l.starts_with("# This"))
        .collect();
    assert_eq!(
        entries,
        [
            ".example.com \"20280115 08:00:00\"",
            "# hstsguard knock-out: paypal.com"
        ]
    );

    // A directory as the store: exit 2, the path named.
    let (code, _, err) = hstsguard(&[
        "store",
        "receive",
        "--store",
        dir.to_str().unwrap(),
        "x.example",
        "max-age=1",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("ua.store.is_directory") && err.contains(dir.to_str().unwrap()),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn preload_compile_writes_a_list_that_preloaded_reads() {
    let dir = scratch("compile");
    let json_path = dir.join("list.json");
    std::fs::write(
        &json_path,
        "{\n  // Chromium's file has comment lines like this one.\n  \"entries\": [\n    \
         {\"name\": \"new-site.example\", \"policy\": \"bulk-1-year\", \"mode\": \"force-https\", \"include_subdomains\": true},\n    \
         {\"name\": \"pinned.example\", \"policy\": \"google\", \"include_subdomains\": true}\n  ]\n}\n",
    )
    .unwrap();
    let out = dir.join("list.bin");
    let (code, text, err) = hstsguard(&[
        "preload",
        "compile",
        json_path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-30",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("1 force-https entries"), "{text}");
    let (code, v) = json(&[
        "preloaded",
        "--list",
        out.to_str().unwrap(),
        "a.new-site.example",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["entry"], "new-site.example");
    assert_eq!(v["list_date"], "2026-11-30");
    assert_eq!(
        hstsguard(&["preloaded", "--list", out.to_str().unwrap(), "github.com"]).0,
        1
    );
    // Not a compiled list: exit 2 with the code.
    let (code, _, err) = hstsguard(&[
        "preloaded",
        "--list",
        json_path.to_str().unwrap(),
        "x.example",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("ua.preload.invalid_compiled"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn curl_has_hsts() -> bool {
    Command::new("curl")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("HSTS"))
        .unwrap_or(false)
}

#[test]
fn curl_reads_a_file_hstsguard_wrote() {
    assert!(
        curl_has_hsts(),
        "this test needs curl with HSTS support (Debian's curl 7.88 has it)"
    );
    let dir = scratch("curl-read");
    let file = dir.join("hsts.txt");
    let store = file.to_str().unwrap();
    let (code, _, err) = hstsguard(&[
        "store",
        "receive",
        "--store",
        store,
        "interop.test",
        "max-age=31536000; includeSubDomains",
    ]);
    assert_eq!(code, 0, "{err}");
    // Port 9 on 127.0.0.1 refuses the connection; only curl's URL rewrite matters.
    let run = |url: &str| {
        let out = Command::new("curl")
            .args([
                "-sS",
                "-v",
                "--max-time",
                "5",
                "--hsts",
                store,
                "--connect-to",
                "::127.0.0.1:9",
            ])
            .args(["-o", "/dev/null", "-w", "%{url_effective}", url])
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (effective, log) = run("http://www.interop.test:8080/x?y");
    assert_eq!(effective, "https://www.interop.test:8080/x?y", "{log}");
    assert!(log.contains("due to HSTS"), "{log}");
    let (effective, _) = run("http://other.test/");
    assert_eq!(effective, "http://other.test/");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A TLS server on 127.0.0.1 (Python's `ssl`), certificate for `name` made with the
/// `openssl` CLI; sends `Strict-Transport-Security: sts` on every response.
struct TlsServer {
    child: std::process::Child,
    port: u16,
    cert: PathBuf,
}

impl TlsServer {
    fn start(dir: &Path, name: &str, sts: &str) -> TlsServer {
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        let ok = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-keyout",
                key.to_str().unwrap(),
                "-out",
                cert.to_str().unwrap(),
            ])
            .args([
                "-subj",
                &format!("/CN={name}"),
                "-addext",
                &format!("subjectAltName=DNS:{name}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl")
            .success();
        assert!(ok, "openssl req failed");
        let script = r#"
import http.server, ssl, sys
cert, key, sts = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Strict-Transport-Security", sts)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"#;
        let mut child = Command::new("python3")
            .args([
                "-c",
                script,
                cert.to_str().unwrap(),
                key.to_str().unwrap(),
                sts,
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("server port");
        TlsServer { child, port, cert }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn hstsguard_reads_a_file_curl_wrote() {
    assert!(
        curl_has_hsts(),
        "this test needs curl with HSTS support (Debian's curl 7.88 has it)"
    );
    let dir = scratch("curl-write");
    let server = TlsServer::start(
        &dir,
        "sts.interop.test",
        "max-age=31536000; includeSubDomains",
    );
    let file = dir.join("hsts.txt");
    let status = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "10",
            "--cacert",
            server.cert.to_str().unwrap(),
        ])
        .args([
            "--resolve",
            &format!("sts.interop.test:{}:127.0.0.1", server.port),
        ])
        .args(["--hsts", file.to_str().unwrap(), "-o", "/dev/null"])
        .arg(format!("https://sts.interop.test:{}/", server.port))
        .status()
        .unwrap();
    assert!(status.success());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("generated by libcurl"), "{written}");
    let store = file.to_str().unwrap();
    let (code, v) = json(&[
        "store",
        "query",
        "--store",
        store,
        "deep.sts.interop.test",
        "--json",
    ]);
    assert_eq!(code, 0, "{written}");
    assert_eq!(v["entry"], "sts.interop.test");
    assert_eq!(v["include_subdomains"], true);
    assert_eq!(v["source"], "dynamic");
    let remaining = v["remaining_seconds"].as_u64().unwrap();
    assert!(
        remaining > 31_536_000 - 600 && remaining <= 31_536_000,
        "{remaining}"
    );
    let (code, v) = json(&[
        "store",
        "upgrade",
        "--store",
        store,
        "http://sts.interop.test/a",
        "--json",
    ]);
    assert_eq!(
        (code, v["url"].as_str()),
        (0, Some("https://sts.interop.test/a"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
