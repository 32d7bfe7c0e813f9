//! The `hstsguard` command: build, parse and audit HSTS and HPKP headers, and show the
//! per-request decisions (redirect, cookie flags) of a policy.
//!
//! Exit codes: 0 no errors, 1 errors found, 2 usage error.

mod scan;
mod ua;

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use hstsguard::hpkp::{self, PinSha256};
use hstsguard::policy::{Action, Policy};
use hstsguard::{
    format_duration, parse_duration, parse_sts_fields, preload_check, removable_check, HstsPolicy,
    Issue, RequestFacts,
};
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "hstsguard",
    version,
    about = "HTTPS transport security: HSTS, redirects, cookie flags, HPKP"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a Strict-Transport-Security value.
    Header {
        /// max-age: seconds or a duration such as 300s, 18w, 1y, 2y.
        #[arg(long, default_value = "1y", allow_hyphen_values = true)]
        max_age: String,
        /// Add includeSubDomains.
        #[arg(long)]
        include_subdomains: bool,
        /// Add preload.
        #[arg(long)]
        preload: bool,
        #[command(flatten)]
        out: Out,
    },
    /// Parse Strict-Transport-Security values strictly (several values = several fields of one response).
    Parse {
        /// The field value(s).
        #[arg(required = true)]
        values: Vec<String>,
        #[command(flatten)]
        out: Out,
    },
    /// Check a header against the hstspreload.org rules.
    PreloadCheck {
        /// The Strict-Transport-Security value.
        value: String,
        /// Also check this domain name.
        #[arg(long)]
        domain: Option<String>,
        /// Check the removal requirements instead.
        #[arg(long)]
        removable: bool,
        #[command(flatten)]
        out: Out,
    },
    /// HPKP (RFC 7469, deprecated): parse a header or compute a pin.
    Hpkp {
        #[command(subcommand)]
        command: HpkpCommand,
    },
    /// Decide what the policy does with a request for URL.
    Redirect {
        /// The request URL, e.g. http://example.com/a?b (https:// means the request came over TLS).
        url: String,
        /// The request method.
        #[arg(long, default_value = "GET")]
        method: String,
        /// A request header, 'Name: value' (repeatable).
        #[arg(long = "header", value_name = "NAME: VALUE")]
        headers: Vec<String>,
        /// The peer address (the proxy, when there is one).
        #[arg(long)]
        peer: Option<String>,
        /// The policy file (TOML or JSON); the built-in default otherwise.
        #[arg(long)]
        config: Option<PathBuf>,
        #[command(flatten)]
        out: Out,
    },
    /// Flag one Set-Cookie value per the policy's cookie rules.
    Cookie {
        /// The Set-Cookie value.
        set_cookie: String,
        /// The request is secure.
        #[arg(long)]
        secure: bool,
        /// The policy file; the built-in default otherwise.
        #[arg(long)]
        config: Option<PathBuf>,
        #[command(flatten)]
        out: Out,
    },
    /// Policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The main job: audit a policy (the built-in default or FILE): its header, the
    /// header's parse and preload verdict, deploy warnings and sample decisions.
    Audit {
        /// The policy file.
        file: Option<PathBuf>,
        #[command(flatten)]
        out: Out,
    },
    /// Audit a live deployment as hstspreload.org does, and further: one DOMAIN or a fleet (--list).
    Scan(scan::ScanArgs),
    /// The client side (RFC 6797 §8): `preloaded`, `store ...`, `preload compile`.
    #[command(flatten)]
    Ua(ua::UaCommand),
}

#[derive(Subcommand)]
enum HpkpCommand {
    /// Parse a Public-Key-Pins value.
    Parse {
        /// The value.
        value: String,
        /// It is a Public-Key-Pins-Report-Only value.
        #[arg(long)]
        report_only: bool,
        /// A pin-sha256 of the served chain (repeatable): checks RFC 7469 §2.5.
        #[arg(long = "chain-pin", value_name = "B64")]
        chain_pins: Vec<String>,
        #[command(flatten)]
        out: Out,
    },
    /// Compute pin-sha256 of a certificate or public key (PEM or DER); a PEM bundle gives one pin per certificate.
    Pin {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        out: Out,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Validate a policy file: errors (exit 1) and deploy warnings.
    Check {
        /// The file (TOML or JSON).
        file: PathBuf,
        #[command(flatten)]
        out: Out,
    },
}

#[derive(Args, Clone, Copy)]
struct Out {
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// What a command produced: JSON, human text, and whether errors were found.
struct Report {
    json: Value,
    text: String,
    errors: bool,
}

fn usage(msg: impl std::fmt::Display) -> Result<Report, ExitCode> {
    eprintln!("hstsguard: {msg}");
    Err(ExitCode::from(2))
}

fn issues_text(issues: &[Issue]) -> String {
    issues.iter().map(|i| format!("  {i}\n")).collect()
}

fn load_policy(config: Option<&PathBuf>) -> Result<Policy, Report> {
    match config {
        None => Ok(Policy::default()),
        Some(p) => Policy::from_file(p).map_err(|e| Report {
            json: json!({"ok": false, "errors": config_errors_json(&e), "warnings": []}),
            text: format!("{e}\n"),
            errors: true,
        }),
    }
}

fn config_errors_json(e: &hstsguard::Error) -> Value {
    match e.config_errors() {
        [] => json!([{"path": "", "code": e.code(), "message": e.to_string()}]),
        list => list
            .iter()
            .map(|c| json!({"path": c.path(), "code": c.code(), "message": c.message()}))
            .collect(),
    }
}

fn run(cmd: Command) -> Result<Report, ExitCode> {
    Ok(match cmd {
        Command::Scan(args) => return Err(scan::main(args)),
        Command::Ua(cmd) => return Err(ua::run(cmd)),
        Command::Header {
            max_age,
            include_subdomains,
            preload,
            ..
        } => {
            let seconds = match parse_duration(&max_age) {
                Ok(s) => s,
                Err(e) => return usage(format!("--max-age: {e}")),
            };
            let mut p = HstsPolicy::new(seconds, include_subdomains);
            if preload {
                p = p.with_preload();
            }
            Report {
                json: json!({"header": "Strict-Transport-Security", "value": p.value(),
                    "max_age": p.max_age(), "include_subdomains": p.include_subdomains(), "preload": p.preload()}),
                text: format!("{}\n", p.value()),
                errors: false,
            }
        }
        Command::Parse { values, .. } => {
            let parsed = parse_sts_fields(values.iter().map(String::as_str));
            let verdict = if parsed.is_valid() {
                "valid"
            } else {
                "INVALID (user agents ignore it)"
            };
            let text = format!(
                "{verdict}\n  max-age: {}\n  includeSubDomains: {}\n  preload: {}\n{}",
                parsed
                    .max_age()
                    .map_or("-".to_owned(), |s| format!("{s} ({})", format_duration(s))),
                parsed.include_subdomains(),
                parsed.preload(),
                issues_text(parsed.issues())
            );
            Report {
                errors: !parsed.is_valid(),
                json: parsed.to_json(),
                text,
            }
        }
        Command::PreloadCheck {
            value,
            domain,
            removable,
            ..
        } => {
            let mut v = if removable {
                removable_check(&value)
            } else {
                preload_check(&value)
            };
            if let Some(d) = &domain {
                v = v.with_domain(d);
            }
            let what = if removable {
                "removable"
            } else {
                "preloadable"
            };
            let text = format!(
                "{}\n{}",
                if v.is_ok() {
                    format!("{what}: yes")
                } else {
                    format!("{what}: NO")
                },
                issues_text(v.issues())
            );
            Report {
                errors: !v.is_ok(),
                json: v.to_json(),
                text,
            }
        }
        Command::Hpkp {
            command:
                HpkpCommand::Parse {
                    value,
                    report_only,
                    chain_pins,
                    ..
                },
        } => {
            let mut chain = Vec::new();
            for p in &chain_pins {
                match p.parse::<PinSha256>() {
                    Ok(pin) => chain.push(pin),
                    Err(e) => return usage(format!("--chain-pin: {e}")),
                }
            }
            let mut parsed = hpkp::parse_hpkp(&value, report_only);
            if !chain_pins.is_empty() {
                parsed = parsed.with_chain(&chain);
            }
            let text = format!(
                "{}\n  pins: {}\n{}",
                if parsed.is_valid() {
                    "valid"
                } else {
                    "INVALID"
                },
                parsed.pins().len(),
                issues_text(parsed.issues())
            );
            Report {
                errors: !parsed.is_valid(),
                json: parsed.to_json(),
                text,
            }
        }
        Command::Hpkp {
            command: HpkpCommand::Pin { file, .. },
        } => {
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => return usage(format!("{}: {e}", file.display())),
            };
            let pins = if bytes
                .windows(27)
                .filter(|w| w == b"-----BEGIN CERTIFICATE-----")
                .count()
                > 1
            {
                hpkp::pins_from_pem_chain(&bytes)
            } else {
                hpkp::pin_from_pem_or_der(&bytes).map(|p| vec![p])
            };
            match pins {
                Ok(pins) => {
                    let list: Vec<String> = pins.iter().map(ToString::to_string).collect();
                    Report {
                        text: list
                            .iter()
                            .map(|p| format!("pin-sha256=\"{p}\"\n"))
                            .collect(),
                        json: json!({"pins": list}),
                        errors: false,
                    }
                }
                Err(e) => Report {
                    text: format!("{e}\n"),
                    json: json!({"pins": [], "error": {"code": e.code(), "message": e.to_string()}}),
                    errors: true,
                },
            }
        }
        Command::Redirect {
            url,
            method,
            headers,
            peer,
            config,
            ..
        } => {
            let policy = match load_policy(config.as_ref()) {
                Ok(p) => p,
                Err(r) => return Ok(r),
            };
            // The URL is taken apart as a client would send it, not normalised: the
            // `url` crate would resolve dot segments and repair the host, hiding exactly
            // the bytes the policy must judge (`..;` paths, malformed Hosts).
            let (scheme, rest) = match url.split_once("://") {
                Some((s, r))
                    if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") =>
                {
                    (s, r)
                }
                _ => return usage(format!("URL must start with http:// or https://: {url:?}")),
            };
            // A fragment is never sent to a server.
            let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
            let split = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, target) = rest.split_at(split);
            let target = if target.is_empty() {
                "/".to_owned()
            } else if target.starts_with('?') {
                format!("/{target}")
            } else {
                target.to_owned()
            };
            let peer: Option<IpAddr> = match peer.as_deref().map(hstsguard::parse_peer) {
                None => None,
                Some(Ok(ip)) => Some(ip),
                Some(Err(e)) => return usage(format!("--peer: {e}")),
            };
            let mut pairs: Vec<(String, String)> = Vec::new();
            for h in &headers {
                match h.split_once(':') {
                    Some((n, v)) => pairs.push((n.trim().to_owned(), v.trim().to_owned())),
                    None => return usage(format!("--header must be 'Name: value': {h:?}")),
                }
            }
            let host = if authority.is_empty() {
                None
            } else {
                Some(authority)
            };
            let facts = RequestFacts::new(
                &method,
                scheme.eq_ignore_ascii_case("https"),
                host,
                &target,
                &pairs,
            )
            .with_peer(peer);
            let d = policy.evaluate(&facts);
            Report {
                errors: matches!(d.action(), Action::Reject { .. }),
                text: format!("{}\n", d.explain()),
                json: d.to_json(),
            }
        }
        Command::Cookie {
            set_cookie,
            secure,
            config,
            ..
        } => {
            let policy = match load_policy(config.as_ref()) {
                Ok(p) => p,
                Err(r) => return Ok(r),
            };
            let flagged = policy.flag_set_cookie(&set_cookie, secure);
            Report {
                errors: flagged.issues().iter().any(Issue::is_error),
                text: format!("{}\n{}", flagged.value(), issues_text(flagged.issues())),
                json: flagged.to_json(),
            }
        }
        Command::Policy {
            command: PolicyCommand::Check { file, .. },
        } => match Policy::from_file(&file) {
            Ok(p) => Report {
                errors: false,
                text: format!(
                    "{}: ok\n{}{}",
                    file.display(),
                    schedule_text(&p),
                    if p.warnings().is_empty() {
                        "  no deploy warnings\n".to_owned()
                    } else {
                        issues_text(p.warnings())
                    }
                ),
                json: p.report_json(),
            },
            Err(e) => Report {
                errors: true,
                text: format!("{}: {e}\n", file.display()),
                json: json!({"ok": false, "errors": config_errors_json(&e), "warnings": []}),
            },
        },
        Command::Audit { file, .. } => {
            let policy = match load_policy(file.as_ref()) {
                Ok(p) => p,
                Err(r) => return Ok(r),
            };
            audit(&policy, file.as_ref())
        }
    })
}

/// The `[hsts.ramp]` schedule, one stage a line (date, max-age, the header), or nothing.
fn schedule_text(policy: &Policy) -> String {
    let Some(ramp) = policy
        .hsts()
        .ramp
        .as_ref()
        .filter(|_| policy.hsts().enabled)
    else {
        return String::new();
    };
    let mut out = String::from("  max-age ramp:\n");
    for (i, stage) in ramp.stages().iter().enumerate() {
        let from = format!(
            "{}{}",
            stage.starts_rfc3339(),
            if i == 0 { " (and before)" } else { "" }
        );
        out.push_str(&format!(
            "    {:>2}. {from:<34} max-age={:<10} {:>5}  {}\n",
            i + 1,
            stage.max_age,
            hstsguard::format_duration(stage.max_age),
            stage.value
        ));
    }
    out
}

fn audit(policy: &Policy, file: Option<&PathBuf>) -> Report {
    let source = file.map_or("built-in default policy".to_owned(), |f| {
        f.display().to_string()
    });
    let hsts = policy.hsts();
    let value = hsts.policy.value();
    let parsed = hstsguard::parse_sts(value);
    let verdict = preload_check(value);
    let none: [(&str, &str); 0] = [];
    let host = policy
        .redirect()
        .canonical_host()
        .map(|h| h.to_string())
        .unwrap_or_else(|| "example.com".to_owned());
    let samples = [("GET", "/"), ("POST", "/login?next=%2F")];
    let mut text = format!("policy: {source}\n");
    text.push_str(&format!(
        "Strict-Transport-Security: {}\n",
        if hsts.enabled { value } else { "(disabled)" }
    ));
    text.push_str(&format!(
        "parse: {} (max-age {} = {})\n",
        if parsed.is_valid() {
            "valid"
        } else {
            "INVALID"
        },
        hsts.policy.max_age(),
        format_duration(hsts.policy.max_age())
    ));
    text.push_str(&format!(
        "preload: {}\n",
        if verdict.is_ok() {
            "eligible".to_owned()
        } else {
            format!("not eligible ({})", verdict.errors().join(", "))
        }
    ));
    let mut decisions = Vec::new();
    for (method, target) in samples {
        let facts = RequestFacts::new(method, false, Some(&host), target, &none);
        let d = policy.evaluate(&facts);
        text.push_str(&format!(
            "{method} http://{host}{target}: {}\n",
            d.explain()
        ));
        decisions.push(json!({"method": method, "url": format!("http://{host}{target}"), "decision": d.to_json()}));
    }
    let tls = RequestFacts::new("GET", true, Some(&host), "/", &none);
    let d = policy.evaluate(&tls);
    text.push_str(&format!("GET https://{host}/: {}\n", d.explain()));
    decisions
        .push(json!({"method": "GET", "url": format!("https://{host}/"), "decision": d.to_json()}));
    let cookie = policy.flag_set_cookie("sessionid=abc123; Path=/", true);
    text.push_str(&format!(
        "Set-Cookie: sessionid=abc123; Path=/ -> {}\n",
        cookie.value()
    ));
    if policy.warnings().is_empty() {
        text.push_str("deploy warnings: none\n");
    } else {
        text.push_str("deploy warnings:\n");
        text.push_str(&issues_text(policy.warnings()));
    }
    Report {
        errors: false,
        json: json!({
            "policy": source,
            "header": if hsts.enabled { Value::from(value) } else { Value::Null },
            "parse": parsed.to_json(),
            "preload": verdict.to_json(),
            "decisions": decisions,
            "cookie_example": cookie.to_json(),
            "warnings": policy.warnings().iter().map(Issue::to_json).collect::<Vec<_>>(),
        }),
        text,
    }
}

fn json_flag(cmd: &Command) -> bool {
    match cmd {
        Command::Scan(_) | Command::Ua(_) => false,
        Command::Header { out, .. }
        | Command::Parse { out, .. }
        | Command::PreloadCheck { out, .. }
        | Command::Redirect { out, .. }
        | Command::Cookie { out, .. }
        | Command::Audit { out, .. }
        | Command::Hpkp {
            command: HpkpCommand::Parse { out, .. } | HpkpCommand::Pin { out, .. },
        }
        | Command::Policy {
            command: PolicyCommand::Check { out, .. },
        } => out.json,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let as_json = json_flag(&cli.command);
    match run(cli.command) {
        Ok(report) => {
            if as_json {
                println!("{}", report.json);
            } else {
                print!("{}", report.text);
            }
            if report.errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(code) => code,
    }
}
