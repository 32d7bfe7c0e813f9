//! Compiling an HSTS preload list (Chromium's JSON format) into hstsguard's compact
//! binary form. This file is shared, word for word, by the build script (which compiles
//! the embedded list) and the runtime loader (`PreloadList::from_json`), so both produce
//! identical bytes. It depends on `std` and `serde_json` only.
//!
//! # The compiled form
//!
//! ```text
//! offset  size  field
//! 0       8     magic "HSTSPRL3"
//! 8       4     the list's date, days since 1970-01-01 (u32, little endian)
//! 12      4     number of entries (u32, little endian)
//! 16      8     FNV-1a 64 checksum of the automaton bytes (u64, little endian)
//! 24      ...   the automaton
//! ```
//!
//! Every `force-https` entry is one key: its labels in reverse order joined by `.`
//! (`www.example.com` becomes `com.example.www`), followed by one more `.` when the entry
//! has `include_subdomains`. The keys form a minimal deterministic acyclic automaton
//! (a DAFSA: shared prefixes and shared suffixes), so one walk along the reversed host
//! meets every entry that is a superdomain of the host at a label boundary.
//!
//! The automaton is a sequence of nodes; the root is at offset 0. A node is either
//!
//! - a **chain byte** `0x80 | c` (bit 7 set): one transition on the ASCII byte `c` to the
//!   node that starts at the next byte; never final; or
//! - a **branch node**: a header byte (bit 7 clear, bit 6 = final, bits 0-5 = N, the
//!   number of transitions), then N label bytes: the labels of the explicit transitions
//!   in increasing order, and last, with bit 7 set, the label of at most one implicit
//!   transition; then a 3-byte little-endian absolute offset for each explicit
//!   transition, in the order of the labels. The implicit transition's target is the
//!   node right after this one.
//! - a **wide node** (more than 8 transitions): the header byte as for a branch node,
//!   then a 5-byte little-endian bitmap of the labels present (bit k for the k-th symbol
//!   of `-.0123456789_abcdefghijklmnopqrstuvwxyz`, which is byte order), then a 3-byte
//!   offset for every transition in label order (no implicit transition). The lookup
//!   finds the offset's index with a population count, without branching per label.

// Not every item is used by both the build script and the library.
#![allow(dead_code)]

/// Nodes with more transitions than this are written as wide nodes.
pub(crate) const WIDE: usize = 8;

/// The symbol index (0..39) of a host-name byte in byte order, 0xff for other bytes.
pub(crate) const fn symbol(b: u8) -> u8 {
    match b {
        b'-' => 0,
        b'.' => 1,
        b'0'..=b'9' => 2 + (b - b'0'),
        b'_' => 12,
        b'a'..=b'z' => 13 + (b - b'a'),
        _ => 0xff,
    }
}

/// The magic bytes at the start of a compiled list.
pub(crate) const MAGIC: &[u8; 8] = b"HSTSPRL3";
/// The length of the header before the automaton.
pub(crate) const HEADER_LEN: usize = 24;

/// Why a list could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// The text is not JSON (after removing `//` comment lines), with the parser's message.
    Json(String),
    /// The JSON has no `entries` array.
    NoEntries,
    /// An entry is neither an object with a `name` nor an array `[name, bool, mode]`.
    BadEntry(usize),
    /// The automaton could not be built (too large).
    TooLarge(String),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Json(m) => write!(f, "not a JSON preload list: {m}"),
            CompileError::NoEntries => f.write_str("the JSON has no \"entries\" array"),
            CompileError::BadEntry(i) => write!(
                f,
                "entry {i} is neither {{\"name\": ...}} nor [name, include_subdomains, mode]"
            ),
            CompileError::TooLarge(m) => write!(f, "cannot build the compiled list: {m}"),
        }
    }
}

/// What compiling found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CompileStats {
    /// `force-https` entries compiled.
    pub(crate) entries: usize,
    /// Entries without `mode: "force-https"` (pin-only entries and the like).
    pub(crate) not_force_https: usize,
    /// Entries whose name is not a usable host name (or is an IP address).
    pub(crate) invalid_names: usize,
    /// Names listed more than once (the first is kept, include_subdomains ORed).
    pub(crate) duplicates: usize,
}

/// Removes Chromium's `//` comment lines (a line whose first non-blank characters are
/// `//`), keeping line breaks so the JSON parser's line numbers stay right.
pub(crate) fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("//") {
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Reads the `force-https` entries of a list: Chromium's format (`{"entries": [{"name":
/// ..., "mode": "force-https", "include_subdomains": true}, ...]}`, with `//` comment
/// lines) or the compact form `{"entries": [["name", true, "force-https"], ...]}`.
pub(crate) fn parse_list(text: &str) -> Result<(Vec<(String, bool)>, CompileStats), CompileError> {
    let cleaned = strip_comments(text);
    let doc: serde_json::Value =
        serde_json::from_str(&cleaned).map_err(|e| CompileError::Json(e.to_string()))?;
    let entries = doc
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or(CompileError::NoEntries)?;
    let mut stats = CompileStats::default();
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let (name, include_subdomains, mode) = if let Some(obj) = entry.as_object() {
            let name = obj
                .get("name")
                .and_then(|n| n.as_str())
                .ok_or(CompileError::BadEntry(i))?;
            let isd = obj
                .get("include_subdomains")
                .and_then(|b| b.as_bool())
                .unwrap_or(false);
            let mode = obj.get("mode").and_then(|m| m.as_str()).unwrap_or("");
            (name, isd, mode)
        } else if let Some(arr) = entry.as_array() {
            let name = arr
                .first()
                .and_then(|n| n.as_str())
                .ok_or(CompileError::BadEntry(i))?;
            let isd = arr.get(1).and_then(|b| b.as_bool()).unwrap_or(false);
            let mode = arr.get(2).and_then(|m| m.as_str()).unwrap_or("");
            (name, isd, mode)
        } else {
            return Err(CompileError::BadEntry(i));
        };
        if mode != "force-https" {
            stats.not_force_https += 1;
            continue;
        }
        match canonical_name(name) {
            Some(n) => out.push((n, include_subdomains)),
            None => stats.invalid_names += 1,
        }
    }
    Ok((out, stats))
}

/// A list name in canonical form (lower-case ASCII letters, digits, `-`, `_`, dots
/// between non-empty labels of at most 63 octets, at most 253 octets, one trailing dot
/// removed), or `None` for anything else, including IP addresses (a name whose last
/// label is numeric).
pub(crate) fn canonical_name(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    let mut label = 0usize;
    for b in name.bytes() {
        match b {
            b'.' => {
                if label == 0 {
                    return None;
                }
                label = 0;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => {}
            _ => return None,
        }
        label += 1;
        if label > 63 {
            return None;
        }
    }
    if label == 0 {
        return None;
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

/// The automaton key of a canonical name: labels reversed, a trailing `.` for
/// include_subdomains.
pub(crate) fn key(name: &str, include_subdomains: bool) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 1);
    for (i, label) in name.rsplit('.').enumerate() {
        if i > 0 {
            key.push(b'.');
        }
        key.extend_from_slice(label.as_bytes());
    }
    if include_subdomains {
        key.push(b'.');
    }
    key
}

/// Compiles entries (canonical names) into the binary form, with the list's date in
/// days since 1970-01-01. A name listed twice keeps include_subdomains if either had it.
pub(crate) fn compile(
    entries: &[(String, bool)],
    date_days: u32,
    stats: &mut CompileStats,
) -> Result<Vec<u8>, CompileError> {
    let mut merged: std::collections::BTreeMap<&str, bool> = std::collections::BTreeMap::new();
    for (name, isd) in entries {
        match merged.get_mut(name.as_str()) {
            Some(existing) => {
                stats.duplicates += 1;
                *existing |= *isd;
            }
            None => {
                merged.insert(name, *isd);
            }
        }
    }
    let mut keys: Vec<Vec<u8>> = merged.iter().map(|(n, isd)| key(n, *isd)).collect();
    keys.sort_unstable();
    keys.dedup();
    let automaton = encode(&build_dafsa(&keys))?;
    let count = u32::try_from(merged.len())
        .map_err(|_| CompileError::TooLarge("too many entries".into()))?;
    stats.entries = merged.len();
    let mut out = Vec::with_capacity(HEADER_LEN + automaton.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&date_days.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&fnv1a(&automaton).to_le_bytes());
    out.extend_from_slice(&automaton);
    Ok(out)
}

/// FNV-1a, 64 bits: the checksum of the automaton bytes.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A node of the automaton under construction: final flag and transitions in label order.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
struct Node {
    is_final: bool,
    edges: Vec<(u8, u32)>,
}

/// The minimal automaton of sorted, distinct keys (Daciuk et al.'s incremental
/// construction for sorted input). Returns the nodes; the root is the last one.
fn build_dafsa(keys: &[Vec<u8>]) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut registry: std::collections::HashMap<Node, u32> = std::collections::HashMap::new();
    // The path of the previous key: unfrozen nodes, path[0] the root.
    let mut path: Vec<Node> = vec![Node::default()];
    let mut prev: &[u8] = &[];
    let mut freeze_down_to = |path: &mut Vec<Node>, prev: &[u8], keep: usize| {
        while path.len() > keep + 1 {
            let node = path.pop().unwrap_or_default();
            let label = prev[path.len() - 1];
            let id = match registry.get(&node) {
                Some(&id) => id,
                None => {
                    let id = nodes.len() as u32;
                    nodes.push(node.clone());
                    registry.insert(node, id);
                    id
                }
            };
            if let Some(parent) = path.last_mut() {
                parent.edges.push((label, id));
            }
        }
    };
    for key in keys {
        let common = key.iter().zip(prev).take_while(|(a, b)| a == b).count();
        freeze_down_to(&mut path, prev, common);
        for _ in common..key.len() {
            path.push(Node::default());
        }
        if let Some(last) = path.last_mut() {
            last.is_final = true;
        }
        prev = key;
    }
    freeze_down_to(&mut path, prev, 0);
    let root = path.pop().unwrap_or_default();
    nodes.push(root);
    nodes
}

/// Lays the automaton out in bytes (format in the module documentation), root first.
fn encode(nodes: &[Node]) -> Result<Vec<u8>, CompileError> {
    const UNPLACED: u32 = u32::MAX;
    let root = nodes.len() - 1;
    let mut placed = vec![UNPLACED; nodes.len()];
    // Tiny tails (the final leaf, or one or two non-final chain nodes before it) cost at
    // most 3 bytes written out, no more than a pointer: they are written again wherever
    // they follow a node instead of being shared.
    let mut tail_len = vec![0u8; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        // Nodes are numbered children first, so a child's tail length is known.
        tail_len[i] = match (node.is_final, node.edges.as_slice()) {
            (true, []) => 1,
            (false, [(_, t)]) if (1..3).contains(&tail_len[*t as usize]) => {
                tail_len[*t as usize] + 1
            }
            _ => 0,
        };
    }
    let free = |placed: &[u32], t: u32| placed[t as usize] == UNPLACED || tail_len[t as usize] > 0;
    let mut out: Vec<u8> = Vec::new();
    let mut patches: Vec<(usize, u32)> = Vec::new();
    let mut stack: Vec<u32> = vec![root as u32];
    while let Some(start) = stack.pop() {
        if placed[start as usize] != UNPLACED {
            continue;
        }
        let mut cur = start as usize;
        loop {
            placed[cur] = out.len() as u32;
            let node = &nodes[cur];
            if !node.is_final && node.edges.len() == 1 && free(&placed, node.edges[0].1) {
                out.push(0x80 | node.edges[0].0);
                cur = node.edges[0].1 as usize;
                continue;
            }
            let n = node.edges.len();
            if n > 63 {
                return Err(CompileError::TooLarge(format!(
                    "a node has {n} transitions"
                )));
            }
            out.push(if node.is_final { 0x40 } else { 0 } | n as u8);
            let implicit = if n > WIDE {
                let mut bitmap = 0u64;
                for &(label, _) in &node.edges {
                    let sym = symbol(label);
                    if sym == 0xff {
                        return Err(CompileError::TooLarge(format!(
                            "unexpected byte {label:#x}"
                        )));
                    }
                    bitmap |= 1 << sym;
                }
                out.extend_from_slice(&bitmap.to_le_bytes()[..5]);
                None
            } else {
                node.edges.iter().position(|&(_, t)| free(&placed, t))
            };
            // Explicit labels in increasing order, then the implicit one (if any).
            if n <= WIDE {
                for (i, &(label, _)) in node.edges.iter().enumerate() {
                    if Some(i) != implicit {
                        out.push(label);
                    }
                }
                if let Some(i) = implicit {
                    out.push(node.edges[i].0 | 0x80);
                }
            }
            for (i, &(_, target)) in node.edges.iter().enumerate() {
                if Some(i) == implicit {
                    continue;
                }
                patches.push((out.len(), target));
                out.extend_from_slice(&[0, 0, 0]);
                if placed[target as usize] == UNPLACED {
                    stack.push(target);
                }
            }
            match implicit {
                Some(i) => cur = node.edges[i].1 as usize,
                None => break,
            }
        }
    }
    if out.len() >= 1 << 24 {
        return Err(CompileError::TooLarge(format!(
            "{} bytes do not fit 24-bit offsets",
            out.len()
        )));
    }
    for (at, target) in patches {
        let to = placed[target as usize].to_le_bytes();
        out[at..at + 3].copy_from_slice(&to[..3]);
    }
    Ok(out)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD` (a real calendar date from 1970 on) into days since 1970-01-01.
pub(crate) fn parse_iso_date(text: &str) -> Option<u32> {
    let b = text.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        if s.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(s).ok()?.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..])?);
    if y < 1970 || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    u32::try_from(days_from_civil(i64::from(y), m, d)).ok()
}

/// The number of days in a month of a Gregorian year.
pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}
