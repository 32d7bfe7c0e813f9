//! The user-agent commands: `preloaded`, `store receive|query|upgrade|list` and
//! `preload compile`.
//!
//! Exit codes: `preloaded` 0 when every host is preloaded, 1 when one is not; `store
//! receive` 0 when the store changed (added, updated, deleted), 1 when the response was
//! ignored; `store query` 0 when the host is an HSTS host, 1 when not; `store upgrade` 0
//! when the URL was upgraded, 1 when not; `store list` and `preload compile` 0. 2 for a
//! usage error, an unusable host or URL, or a store file that cannot be read or written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use hstsguard::ua::{KnownHosts, KnownHostsOptions, ListDate, PreloadList, ReceiveResult};
use serde_json::{json, Value};

/// The user-agent (client side) subcommands, flattened into the top-level command.
#[derive(Subcommand)]
pub enum UaCommand {
    /// Look hosts up in the HSTS preload list (the embedded Chromium snapshot by default).
    Preloaded {
        /// The hosts.
        #[arg(required = true)]
        hosts: Vec<String>,
        /// A compiled list (from `hstsguard preload compile`) instead of the embedded one.
        #[arg(long, value_name = "FILE")]
        list: Option<PathBuf>,
        /// Let a single-label host (`dev`, `app`) match its own TLD entry.
        #[arg(long)]
        allow_single_label: bool,
        /// Print one JSON object per host, one a line.
        #[arg(long)]
        json: bool,
    },
    /// A Known HSTS Host store kept in a file in curl's HSTS cache format.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// HSTS preload lists.
    Preload {
        #[command(subcommand)]
        command: PreloadCommand,
    },
}

/// `hstsguard store ...`
#[derive(Subcommand)]
pub enum StoreCommand {
    /// Record the Strict-Transport-Security field(s) of a response from HOST.
    Receive {
        #[command(flatten)]
        common: StoreArgs,
        /// The response came over plain HTTP (it is then ignored, RFC 6797 §8.1).
        #[arg(long)]
        insecure: bool,
        /// The host that sent the response.
        host: String,
        /// The Strict-Transport-Security field values, one argument per field (none: the
        /// response had no such field).
        values: Vec<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Is HOST an HSTS host (known or preloaded)?
    Query {
        #[command(flatten)]
        common: StoreArgs,
        /// Ignore the preload list.
        #[arg(long)]
        no_preload: bool,
        /// The host.
        host: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Upgrade URL to https:// if its host is an HSTS host.
    Upgrade {
        #[command(flatten)]
        common: StoreArgs,
        /// The URL.
        url: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Print the live entries in curl's format.
    List {
        #[command(flatten)]
        common: StoreArgs,
    },
}

/// Options of every store command.
#[derive(Args)]
pub struct StoreArgs {
    /// The store file (curl's HSTS cache format; `curl --hsts FILE` reads it).
    #[arg(long, value_name = "FILE")]
    store: PathBuf,
    /// The current time in seconds since the epoch (default: the system clock).
    #[arg(long, value_name = "EPOCH")]
    now: Option<u64>,
    /// A compiled preload list instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    preload_list: Option<PathBuf>,
}

/// `hstsguard preload ...`
#[derive(Subcommand)]
pub enum PreloadCommand {
    /// Compile a preload list in Chromium's JSON format (transport_security_state_static.json).
    Compile {
        /// The JSON list (`//` comment lines allowed).
        list: PathBuf,
        /// Where to write the compiled list.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// The list's date, YYYY-MM-DD (default: the JSON file's modification date).
        #[arg(long)]
        date: Option<String>,
    },
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("hstsguard: {msg}");
    ExitCode::from(2)
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn system_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn load_list(path: Option<&Path>) -> Result<PreloadList, ExitCode> {
    match path {
        None => Ok(PreloadList::embedded().clone()),
        Some(p) => PreloadList::from_file(p).map_err(|e| fail(format!("{e} [{}]", e.code()))),
    }
}

/// Runs a user-agent command; prints its output and returns the exit code.
pub fn run(cmd: UaCommand) -> ExitCode {
    match run_inner(cmd) {
        Ok(code) | Err(code) => code,
    }
}

fn run_inner(cmd: UaCommand) -> Result<ExitCode, ExitCode> {
    match cmd {
        UaCommand::Preloaded {
            hosts,
            list,
            allow_single_label,
            json,
        } => {
            let list = load_list(list.as_deref())?;
            let date = list.date().to_string();
            let mut all = true;
            for host in &hosts {
                let m = list
                    .lookup_with(host, allow_single_label)
                    .map_err(|e| fail(format!("{e} [{}]", e.code())))?;
                all &= m.is_some();
                if json {
                    let v = json!({
                        "host": host,
                        "preloaded": m.is_some(),
                        "include_subdomains": m.as_ref().map(|m| m.include_subdomains()),
                        "entry": m.as_ref().map(|m| m.entry()),
                        "list_date": date,
                    });
                    println!("{v}");
                } else {
                    match &m {
                        Some(m) => println!(
                            "{host}: preloaded (entry {}{}, list of {date})",
                            m.entry(),
                            if m.include_subdomains() {
                                ", includeSubDomains"
                            } else {
                                ""
                            }
                        ),
                        None => println!("{host}: not preloaded (list of {date})"),
                    }
                }
            }
            Ok(exit(all))
        }
        UaCommand::Preload {
            command: PreloadCommand::Compile { list, output, date },
        } => {
            let text = std::fs::read_to_string(&list)
                .map_err(|e| fail(format!("{}: {e}", list.display())))?;
            let date: ListDate = match date {
                Some(d) => d.parse().map_err(|e| fail(format!("--date: {e}")))?,
                None => {
                    let modified = std::fs::metadata(&list)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map_or_else(system_now, |d| d.as_secs());
                    ListDate::from_epoch_seconds(modified)
                }
            };
            let (compiled, summary) = PreloadList::from_json(&text, date)
                .map_err(|e| fail(format!("{}: {e} [{}]", list.display(), e.code())))?;
            std::fs::write(&output, compiled.to_bytes())
                .map_err(|e| fail(format!("{}: {e}", output.display())))?;
            println!(
                "{}: {} force-https entries ({} not force-https, {} invalid names, {} duplicates), list date {}, {} bytes",
                output.display(),
                summary.entries,
                summary.not_force_https,
                summary.invalid_names,
                summary.duplicates,
                date,
                compiled.size_bytes()
            );
            Ok(ExitCode::SUCCESS)
        }
        UaCommand::Store { command } => store(command),
    }
}

fn open_store(common: &StoreArgs, use_preload: bool) -> Result<(KnownHosts, u64), ExitCode> {
    let now = common.now.unwrap_or_else(system_now);
    let preload = if use_preload {
        Some(load_list(common.preload_list.as_deref())?)
    } else {
        None
    };
    let store = KnownHosts::with_options(KnownHostsOptions {
        preload,
        ..KnownHostsOptions::default()
    });
    let report = store
        .load(&common.store, now)
        .map_err(|e| fail(format!("{e} [{}]", e.code())))?;
    for s in &report.skipped {
        eprintln!(
            "hstsguard: {}: skipped line {} [{}]: {}",
            common.store.display(),
            s.line,
            s.code,
            s.message
        );
    }
    Ok((store, now))
}

fn store(cmd: StoreCommand) -> Result<ExitCode, ExitCode> {
    match cmd {
        StoreCommand::Receive {
            common,
            insecure,
            host,
            values,
            json,
        } => {
            let (store, now) = open_store(&common, true)?;
            let out = store
                .receive(&host, &values, !insecure, now)
                .map_err(|e| fail(format!("{e} [{}]", e.code())))?;
            store
                .save(&common.store, now)
                .map_err(|e| fail(format!("{e} [{}]", e.code())))?;
            if json {
                println!(
                    "{}",
                    json!({"result": out.result.as_str(), "reason": out.reason_str()})
                );
            } else {
                match out.reason {
                    Some(r) => println!("{} ({r}: {})", out.result, r.description().trim()),
                    None => println!("{}", out.result),
                }
            }
            Ok(exit(out.result != ReceiveResult::Ignored))
        }
        StoreCommand::Query {
            common,
            no_preload,
            host,
            json,
        } => {
            let (store, now) = open_store(&common, !no_preload)?;
            let m = store
                .lookup(&host, now)
                .map_err(|e| fail(format!("{e} [{}]", e.code())))?;
            if json {
                let v: Value = json!({
                    "upgrade": m.is_some(),
                    "entry": m.as_ref().map(|m| m.entry.as_str()),
                    "include_subdomains": m.as_ref().map(|m| m.include_subdomains),
                    "expires": m.as_ref().and_then(|m| m.expires),
                    "remaining_seconds": m.as_ref().and_then(|m| m.remaining_seconds),
                    "source": m.as_ref().map(|m| m.source.as_str()),
                });
                println!("{v}");
            } else {
                match &m {
                    Some(m) => println!(
                        "{host}: HSTS host (entry {}, {}{}{})",
                        m.entry,
                        m.source.as_str(),
                        if m.include_subdomains {
                            ", includeSubDomains"
                        } else {
                            ""
                        },
                        m.remaining_seconds
                            .map_or(String::new(), |r| format!(", {r} s left"))
                    ),
                    None => println!("{host}: not an HSTS host"),
                }
            }
            Ok(exit(m.is_some()))
        }
        StoreCommand::Upgrade { common, url, json } => {
            let (store, now) = open_store(&common, true)?;
            let up = store
                .upgrade_url(&url, now)
                .map_err(|e| fail(format!("{e} [{}]", e.code())))?;
            if json {
                println!("{}", json!({"url": up.url, "upgraded": up.upgraded}));
            } else {
                println!("{}", up.url);
            }
            Ok(exit(up.upgraded))
        }
        StoreCommand::List { common } => {
            let (store, now) = open_store(&common, false)?;
            print!("{}", store.to_cache_text(now));
            Ok(ExitCode::SUCCESS)
        }
    }
}
