//! curl's HSTS cache file format (curl `lib/hsts.c`, <https://curl.se/docs/hsts.html>):
//! one entry a line, `[.]host "YYYYMMDD HH:MM:SS"` (UTC) or `[.]host "unlimited"`; a
//! leading dot means includeSubDomains; blank lines and `#` comment lines are skipped.
//!
//! hstsguard also writes knock-out entries (a preloaded host that sent `max-age=0`) as
//! comment lines, `# hstsguard knock-out: host`, which curl skips like any comment.

use std::collections::HashMap;

use super::host::{normalize, Norm};
use super::time::{format_stamp, parse_stamp};
use crate::issue::{quote, Code};

/// The prefix of a knock-out line.
pub(crate) const KNOCKOUT_PREFIX: &str = "# hstsguard knock-out: ";
/// The longest line read (curl's limit is 4095 bytes too).
const MAX_LINE: usize = 4095;

/// One stored entry (the host is the map key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stored {
    pub(crate) include_subdomains: bool,
    /// Seconds since the epoch; `None` is `"unlimited"`.
    pub(crate) expires: Option<u64>,
    /// A knock-out: "not HSTS", overriding the preload list for this host.
    pub(crate) knockout: bool,
}

impl Stored {
    pub(crate) fn live(&self, now: u64) -> bool {
        self.expires.is_none_or(|e| e > now)
    }

    /// Expiry as a sort key: unlimited last.
    pub(crate) fn expiry_key(&self) -> u64 {
        self.expires.unwrap_or(u64::MAX)
    }
}

/// A cache line that was skipped while loading.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedLine {
    /// The line number, counting from 1.
    pub line: usize,
    /// Why: [`Code::UaCacheMalformedLine`], [`Code::UaCacheInvalidDate`],
    /// [`Code::UaCacheInvalidHost`] or [`Code::UaCacheIpLiteral`].
    pub code: Code,
    /// A message naming the offending text.
    pub message: String,
}

/// What loading an HSTS cache file (or text) found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadReport {
    /// Entries taken from the file (after merging duplicates; knock-outs included).
    pub loaded: usize,
    /// Lines dropped because their entry had expired.
    pub expired: usize,
    /// Lines for a host already listed earlier in the file (merged: the later expiry
    /// is kept, includeSubDomains if either line has it).
    pub duplicates: usize,
    /// Malformed lines, skipped (loading goes on).
    pub skipped: Vec<SkippedLine>,
}

/// Parses cache text. Returns the live entries (merged) in file order of first
/// appearance, and the report.
pub(crate) fn parse(text: &[u8], now: u64) -> (Vec<(String, Stored)>, LoadReport) {
    let mut report = LoadReport::default();
    let mut order: Vec<String> = Vec::new();
    let mut map: HashMap<String, Stored> = HashMap::new();
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let mut skip = |code: Code, message: String| {
            report.skipped.push(SkippedLine {
                line: line_no,
                code,
                message,
            })
        };
        if raw.len() > MAX_LINE {
            skip(
                Code::UaCacheMalformedLine,
                format!("line {line_no} is longer than {MAX_LINE} bytes"),
            );
            continue;
        }
        let Ok(line) = std::str::from_utf8(raw) else {
            skip(
                Code::UaCacheMalformedLine,
                format!("line {line_no} is not valid UTF-8"),
            );
            continue;
        };
        let line = line.trim_matches(|c| c == ' ' || c == '\t');
        if line.is_empty() {
            continue;
        }
        let (host_text, expires, knockout) = if let Some(host) = line.strip_prefix(KNOCKOUT_PREFIX)
        {
            (host.trim(), None, true)
        } else if line.starts_with('#') {
            continue;
        } else {
            match split_line(line) {
                Ok((host, date)) => {
                    let expires = if date == "unlimited" {
                        None
                    } else {
                        match parse_stamp(date) {
                            Some(t) => Some(t),
                            None => {
                                skip(
                                    Code::UaCacheInvalidDate,
                                    format!(
                                        "line {line_no}: the expiry {} is not \"YYYYMMDD HH:MM:SS\" (UTC) or \"unlimited\"",
                                        quote(date)
                                    ),
                                );
                                continue;
                            }
                        }
                    };
                    (host, expires, false)
                }
                Err(why) => {
                    skip(
                        Code::UaCacheMalformedLine,
                        format!("line {line_no} {why}: {}", quote(line)),
                    );
                    continue;
                }
            }
        };
        let (include_subdomains, bare) = match host_text.strip_prefix('.') {
            Some(rest) if !knockout => (true, rest),
            _ => (false, host_text),
        };
        let name = match normalize(bare) {
            Ok(Norm::Name(n)) => n.into_owned(),
            Ok(Norm::Ip) => {
                skip(
                    Code::UaCacheIpLiteral,
                    format!(
                        "line {line_no}: {} is an IP address, which never matches",
                        quote(bare)
                    ),
                );
                continue;
            }
            Err(e) => {
                skip(Code::UaCacheInvalidHost, format!("line {line_no}: {e}"));
                continue;
            }
        };
        let entry = Stored {
            include_subdomains,
            expires,
            knockout,
        };
        if !entry.live(now) {
            report.expired += 1;
            continue;
        }
        match map.get_mut(&name) {
            Some(existing) => {
                report.duplicates += 1;
                *existing = merge(*existing, entry);
            }
            None => {
                order.push(name.clone());
                map.insert(name, entry);
            }
        }
    }
    let entries: Vec<(String, Stored)> = order
        .into_iter()
        .filter_map(|h| map.remove(&h).map(|e| (h, e)))
        .collect();
    report.loaded = entries.len();
    (entries, report)
}

/// Two entries for one host: the later expiry, includeSubDomains if either has it. A
/// known entry wins over a knock-out.
pub(crate) fn merge(a: Stored, b: Stored) -> Stored {
    match (a.knockout, b.knockout) {
        (false, true) => a,
        (true, false) => b,
        _ => Stored {
            include_subdomains: a.include_subdomains || b.include_subdomains,
            expires: if a.expiry_key() >= b.expiry_key() {
                a.expires
            } else {
                b.expires
            },
            knockout: a.knockout,
        },
    }
}

/// `host "date"` with optional blanks around; the host is a word without blanks or
/// quotes; nothing may follow the closing quote but blanks.
fn split_line(line: &str) -> Result<(&str, &str), &'static str> {
    let host_end = line
        .find([' ', '\t'])
        .ok_or("has no quoted expiry after the host")?;
    let host = &line[..host_end];
    if host.contains('"') {
        return Err("has a quote in the host");
    }
    let rest = line[host_end..].trim_start_matches([' ', '\t']);
    let rest = rest
        .strip_prefix('"')
        .ok_or("has no quoted expiry after the host")?;
    let close = rest.find('"').ok_or("has an unterminated quoted expiry")?;
    if !rest[close + 1..].trim_matches([' ', '\t']).is_empty() {
        return Err("has text after the quoted expiry");
    }
    Ok((host, &rest[..close]))
}

/// Writes entries (sorted by host) in curl's format, with a comment header.
pub(crate) fn format<'a, I>(entries: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a Stored)>,
{
    let mut list: Vec<(&str, &Stored)> = entries.into_iter().collect();
    list.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = String::from(
        "# Your HSTS cache. https://curl.se/docs/hsts.html\n\
         # This file was generated by hstsguard (curl's format). Edit at your own risk.\n",
    );
    for (host, e) in list {
        out.push_str(&format_line(host, e));
        out.push('\n');
    }
    out
}

/// One line for one entry, without the newline.
pub(crate) fn format_line(host: &str, e: &Stored) -> String {
    if e.knockout {
        return format!("{KNOCKOUT_PREFIX}{host}");
    }
    let date = match e.expires {
        None => "unlimited".to_owned(),
        Some(t) => format_stamp(t),
    };
    format!(
        "{}{host} \"{date}\"",
        if e.include_subdomains { "." } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_lines() {
        let text = b"# Your HSTS cache. https://curl.se/docs/hsts.html\n\
            example.com \"20991231 10:00:00\"\n\
            .example.net \"unlimited\"\n\
            \n   # indented comment\n\
            bad line\n\
            old.example \"20000101 00:00:00\"\n\
            EXAMPLE.com. \"21000101 00:00:00\"\n\
            x.example \"2099-01-01\"\n\
            1.2.3.4 \"unlimited\"\n\
            ex ample.org \"unlimited\"\n\
            \xff.example \"unlimited\"\n\
            # hstsguard knock-out: paypal.com\n";
        let (entries, report) = parse(text, 1_700_000_000);
        let hosts: Vec<&str> = entries.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(hosts, ["example.com", "example.net", "paypal.com"]);
        assert_eq!(entries[0].1.expires, parse_stamp("21000101 00:00:00"));
        assert!(entries[1].1.include_subdomains && entries[1].1.expires.is_none());
        assert!(entries[2].1.knockout);
        assert_eq!(
            (report.expired, report.duplicates, report.loaded),
            (1, 1, 3)
        );
        let skipped: Vec<(usize, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.line, s.code.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (6, "ua.cache.malformed_line"),
                (9, "ua.cache.invalid_date"),
                (10, "ua.cache.ip_literal"),
                (11, "ua.cache.malformed_line"),
                (12, "ua.cache.malformed_line")
            ]
        );
        let out = format(entries.iter().map(|(h, e)| (h.as_str(), e)));
        assert!(out.contains("\nexample.com \"21000101 00:00:00\"\n.example.net \"unlimited\"\n# hstsguard knock-out: paypal.com\n"), "{out}");
    }
}
