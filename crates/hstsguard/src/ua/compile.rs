//! Compiling an HSTS preload list (Chromium's JSON format) into hstsguard's compact
//! binary form. This file is shared, word for word, by the build script (which compiles
//! the embedded list) and the runtime loader (`PreloadList::from_json`), so both produce
//! identical bytes. It depends on `std` and `serde_json` only.
//!
//! # The compiled form
//!
//! ```text
//! offset  size  field
//! 0       8     magic "HSTSPRL4"
//! 8       4     the list's date, days since 1970-01-01 (u32, little endian)
//! 12      4     number of entries (u32, little endian)
//! 16      8     FNV-1a 64 checksum of the automaton bytes (u64, little endian)
//! 24      ...   the automaton, then 8 zero bytes of padding (part of the checksum)
//! ```
//!
//! Every `force-https` entry is one key: its name with the bytes in reverse order
//! (`www.example.com` becomes `moc.elpmaxe.www`: the labels in reverse order, each one
//! read backwards), followed by one more `.` when the entry has `include_subdomains`.
//! The keys form a minimal deterministic acyclic automaton (a DAFSA: shared prefixes and
//! shared suffixes), so one walk over the host's bytes from the last to the first meets
//! every entry that is a superdomain of the host at a `.`.
//!
//! # The automaton
//!
//! Offsets below are from the start of the automaton. Offset 0 holds the final leaf
//! (the state after a complete key with no transitions out), which every terminal byte
//! leads to; the root node is at offset 1. Every transition consumes one input byte, so
//! a walk takes at most one step per byte of the host and always ends. A node is one of:
//!
//! | first byte | node |
//! |---|---|
//! | a symbol `c` (`-`, `.`, `0`-`9`, `_`, `a`-`z`) | **chain byte**: one transition on `c` to the node at the next byte; not final |
//! | `0x80 + s` (s = 0..38, the symbol's index) | **terminal byte**: one transition on symbol `s` to the final leaf at offset 0; not final |
//! | `0xa7 + s` | **jump**: one transition on symbol `s` to the target of the variable offset that follows; not final |
//! | `0xce + 16 f + 2 (n - 1) + i` (n = 1..8) | **listed node**: final if `f`; `n` labels, then one variable offset per label in label order, except that when `i` is 1 the last label has no offset and leads to the node right after this one |
//! | `0xee + 3 f + (w - 1)` (w = 1..3) | **wide node** (more than 8 transitions): final if `f`; a 5-byte little-endian bitmap of the labels (bit k for the k-th symbol of `-.0123456789_abcdefghijklmnopqrstuvwxyz`, which is byte order), then a `w`-byte little-endian signed offset, relative to the node's first byte, for each label in order; the lookup finds its index with a population count |
//! | `0xf4 + f` | **leaf**: no transitions, final if `f` |
//!
//! Other byte values are not used; a walk that meets one stops (no match).
//!
//! A **variable offset** at position `k` takes 1 to 3 bytes: `0xxxxxxx` is the target
//! `k + x` (0..127 bytes ahead); `10xxxxxx xxxxxxxx` is `k + x` (14 bits); `11xxxxxx
//! xxxxxxxx xxxxxxxx` is the absolute offset `x` (22 bits, big endian). Near children are
//! one byte away; shared suffix states written earlier are reached by absolute offsets.
//!
//! Labels in a listed node are unordered for the lookup, which compares all of them at
//! once (eight bytes read as one word). Subtrees of at most 3 bytes are written again
//! wherever they are needed rather than reached by an offset; among the transitions of
//! a node, the first one whose target has not been written yet is written right after
//! the node (a chain byte, or the implicit last label of a listed node).

// Not every item is used by both the build script and the library.
#![allow(dead_code)]

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
pub(crate) const MAGIC: &[u8; 8] = b"HSTSPRL4";
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

/// The automaton key of a canonical name: its bytes in reverse order, a trailing `.`
/// for include_subdomains.
pub(crate) fn key(name: &str, include_subdomains: bool) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 1);
    key.extend(name.bytes().rev());
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
    let keys: Vec<Vec<u8>> = merged.iter().map(|(n, isd)| key(n, *isd)).collect();
    let automaton = automaton(keys)?;
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

/// The automaton alone (the encoding above, padding included) of any set of keys over
/// the symbols: the preload list's, and the Public Suffix List's (`src/public_suffix`).
pub(crate) fn automaton(mut keys: Vec<Vec<u8>>) -> Result<Vec<u8>, CompileError> {
    keys.sort_unstable();
    keys.dedup();
    encode(&build_dafsa(&keys))
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

/// A byte's meaning in the automaton, from [`INFO`]: bits 8-10 the kind (`K_*`), bit 11
/// final, bits 12-13 the offset width of a wide node, bit 14 the implicit flag of a
/// listed node, bits 0-7 the label of a terminal or jump byte, or the number of labels
/// of a listed node.
pub(crate) const K_NONE: u32 = 0;
/// A terminal byte: one transition on its label to the final leaf at offset 0.
pub(crate) const K_TERM: u32 = 1 << 8;
/// A jump byte: one transition on its label to the target of the offset after it.
pub(crate) const K_JUMP: u32 = 2 << 8;
/// A listed node: up to 8 labels, then their offsets.
pub(crate) const K_LISTED: u32 = 3 << 8;
/// A wide node: a 5-byte bitmap of labels, then an offset for each, all of one width.
pub(crate) const K_WIDE: u32 = 4 << 8;
/// A node without transitions.
pub(crate) const K_LEAF: u32 = 5 << 8;
/// The mask of the kind.
pub(crate) const K_MASK: u32 = 7 << 8;
/// The node is final.
pub(crate) const I_FINAL: u32 = 1 << 11;
/// The last listed label leads to the node right after this one.
pub(crate) const I_IMPLICIT: u32 = 1 << 14;

/// Listed nodes have at most this many labels; nodes with more are wide.
pub(crate) const MAX_LISTED: usize = 8;
/// Zero bytes after the automaton, so that the lookup can always read 8 bytes at a node.
pub(crate) const PADDING: usize = 8;

/// The index (0..39) of a symbol among the symbols, in byte order.
const SYMBOL_LIST: &[u8; 39] = b"-.0123456789_abcdefghijklmnopqrstuvwxyz";
/// First terminal byte (39 values), first jump byte (39 values), first listed header
/// (32 values), first wide header (6 values), leaf headers (2 values).
const TERM0: u8 = 0x80;
const JUMP0: u8 = TERM0 + 39;
const LISTED0: u8 = JUMP0 + 39;
const WIDE0: u8 = LISTED0 + 32;
const LEAF0: u8 = WIDE0 + 6;

const fn listed_byte(is_final: bool, n: usize, implicit: bool) -> u8 {
    LISTED0 + (is_final as u8) * 16 + (n as u8 - 1) * 2 + implicit as u8
}
const fn wide_byte(is_final: bool, width: usize) -> u8 {
    WIDE0 + (is_final as u8) * 3 + (width as u8 - 1)
}
const fn leaf_byte(is_final: bool) -> u8 {
    LEAF0 + is_final as u8
}

/// What every byte value means as the first byte of a node.
pub(crate) static INFO: [u32; 256] = {
    let mut t = [K_NONE; 256];
    let mut i = 0;
    while i < 39 {
        let s = SYMBOL_LIST[i] as u32;
        t[(TERM0 + i as u8) as usize] = K_TERM | s;
        t[(JUMP0 + i as u8) as usize] = K_JUMP | s;
        i += 1;
    }
    let mut f = 0;
    while f < 2 {
        let fin = if f == 1 { I_FINAL } else { 0 };
        let mut n = 1;
        while n <= MAX_LISTED {
            t[listed_byte(f == 1, n, false) as usize] = K_LISTED | fin | n as u32;
            t[listed_byte(f == 1, n, true) as usize] = K_LISTED | fin | I_IMPLICIT | n as u32;
            n += 1;
        }
        let mut w = 1;
        while w <= 3 {
            t[wide_byte(f == 1, w) as usize] = K_WIDE | fin | (w as u32) << 12;
            w += 1;
        }
        t[leaf_byte(f == 1) as usize] = K_LEAF | fin;
        f += 1;
    }
    t
};

/// The symbol index of every byte (0xff for a byte that is no host-name symbol).
pub(crate) static SYMBOLS: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = symbol(b as u8);
        b += 1;
    }
    t
};

/// Bytes a subtree takes when written out whole (no sharing), saturating at 255; used
/// to copy small subtrees instead of pointing to a shared copy.
fn tree_sizes(nodes: &[Node]) -> Vec<u8> {
    let mut size = vec![0u8; nodes.len()];
    // Nodes are numbered children first.
    for (i, node) in nodes.iter().enumerate() {
        let n = node.edges.len();
        let total = match (node.is_final, node.edges.as_slice()) {
            (_, []) => 1,
            (false, [(_, t)]) if nodes[*t as usize].edges.is_empty() => 1,
            (false, [(_, t)]) => 1 + usize::from(size[*t as usize]),
            (_, edges) => edges.iter().fold(1 + n + (n - 1), |acc, &(_, t)| {
                acc + usize::from(size[t as usize])
            }),
        };
        size[i] = total.min(255) as u8;
    }
    size
}

/// Subtrees of at most this many bytes are copied rather than shared.
const COPY_MAX: u8 = 3;

const NONE: u32 = u32::MAX;

/// The copies of nodes to write ("jobs"): one per node, and one per use of a small
/// node (small subtrees are written again wherever they are needed).
struct Jobs {
    /// The node of each job.
    node: Vec<u32>,
    /// Where each job was written (an index of the written nodes), NONE until then.
    at: Vec<u32>,
    /// The job of each node that is not small, NONE until it has one.
    of_node: Vec<u32>,
}

impl Jobs {
    /// The job for node `t`: a new one for a copy, else the node's own.
    fn get(&mut self, t: u32, copy: bool) -> u32 {
        if !copy && self.of_node[t as usize] != NONE {
            return self.of_node[t as usize];
        }
        self.node.push(t);
        self.at.push(NONE);
        let j = (self.node.len() - 1) as u32;
        if !copy {
            self.of_node[t as usize] = j;
        }
        j
    }

    /// True when node `t`'s own job has been written.
    fn placed(&self, t: u32) -> bool {
        let j = self.of_node[t as usize];
        j != NONE && self.at[j as usize] != NONE
    }
}

/// How a node is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A chain byte (its one transition leads to the node written right after it).
    Chain,
    /// A terminal byte (its one transition leads to the final leaf at offset 0).
    Term,
    /// A jump byte and an offset.
    Jump,
    /// A listed node (the last label implicit or not).
    Listed,
    /// A wide node.
    Wide,
    /// A leaf.
    Leaf,
}

/// One node as written: which node, its form, which transition (if any) leads to the
/// node written right after it, and the jobs its offsets point to, in label order.
struct Placed {
    node: u32,
    form: Form,
    implicit: Option<usize>,
    targets: Vec<u32>,
}

/// The size of an offset of the variable form: 1, 2 or 3 bytes.
fn offset_len(from: i64, to: i64) -> usize {
    let d = to - from;
    if (0..0x80).contains(&d) {
        1
    } else if (0..0x4000).contains(&d) {
        2
    } else {
        3
    }
}

/// Writes an offset of the variable form at `out.len()` to the absolute position `to`.
fn push_offset(out: &mut Vec<u8>, to: usize, len: usize) {
    let d = to.wrapping_sub(out.len());
    match len {
        1 => out.push(d as u8),
        2 => out.extend_from_slice(&[0x80 | (d >> 8) as u8, d as u8]),
        _ => out.extend_from_slice(&[0xc0 | (to >> 16) as u8, (to >> 8) as u8, to as u8]),
    }
}

/// Lays the automaton out in bytes (format in the module documentation): the final
/// leaf at offset 0, the root at offset 1.
fn encode(nodes: &[Node]) -> Result<Vec<u8>, CompileError> {
    let root = nodes.len() - 1;
    let small: Vec<bool> = tree_sizes(nodes).iter().map(|&s| s <= COPY_MAX).collect();
    let mut jobs = Jobs {
        node: Vec::new(),
        at: Vec::new(),
        of_node: vec![NONE; nodes.len()],
    };
    // The shared final leaf at offset 0 (the target of every terminal byte).
    let mut placed: Vec<Placed> = vec![Placed {
        node: NONE,
        form: Form::Leaf,
        implicit: None,
        targets: Vec::new(),
    }];
    let mut stack = vec![jobs.get(root as u32, false)];
    while let Some(start) = stack.pop() {
        if jobs.at[start as usize] != NONE {
            continue;
        }
        let mut job = start;
        loop {
            jobs.at[job as usize] = placed.len() as u32;
            let t = jobs.node[job as usize] as usize;
            let node = &nodes[t];
            let n = node.edges.len();
            // A child can be written right after this node unless it is a shared node
            // that is written already.
            let free = |c: u32| small[c as usize] || !jobs.placed(c);
            let (form, implicit) = match (node.is_final, node.edges.as_slice()) {
                (_, []) => (Form::Leaf, None),
                (false, [(_, c)])
                    if nodes[*c as usize].edges.is_empty() && nodes[*c as usize].is_final =>
                {
                    (Form::Term, None)
                }
                (false, [(_, c)]) if free(*c) => (Form::Chain, Some(0)),
                (false, [_]) => (Form::Jump, None),
                _ if n > MAX_LISTED => (Form::Wide, None),
                (_, edges) => (Form::Listed, edges.iter().position(|&(_, c)| free(c))),
            };
            let mut targets = Vec::with_capacity(n);
            if form != Form::Term {
                let mut copies: Vec<(u32, u32)> = Vec::new();
                for (i, &(_, c)) in node.edges.iter().enumerate() {
                    if Some(i) == implicit {
                        continue;
                    }
                    let j = match copies.iter().find(|&&(node, _)| node == c) {
                        Some(&(_, j)) => j,
                        None => {
                            let j = jobs.get(c, small[c as usize]);
                            copies.push((c, j));
                            j
                        }
                    };
                    targets.push(j);
                }
            }
            // Pushed in reverse so that they are written in label order.
            for &j in targets.iter().rev() {
                if jobs.at[j as usize] == NONE {
                    stack.push(j);
                }
            }
            placed.push(Placed {
                node: t as u32,
                form,
                implicit,
                targets,
            });
            let Some(i) = implicit else { break };
            let c = node.edges[i].1;
            job = jobs.get(c, small[c as usize]);
        }
    }
    let job_at = &jobs.at;
    // Offset sizes: start at one byte and grow until every offset fits (sizes only
    // grow, so this ends).
    let mut lens: Vec<Vec<u8>> = placed.iter().map(|p| vec![1u8; p.targets.len()]).collect();
    let mut width = vec![1u8; placed.len()];
    let mut pos = vec![0u32; placed.len() + 1];
    loop {
        let mut at = 0usize;
        for (k, p) in placed.iter().enumerate() {
            pos[k] = at as u32;
            let n = if p.node == NONE {
                0
            } else {
                nodes[p.node as usize].edges.len()
            };
            at += match p.form {
                Form::Chain | Form::Term | Form::Leaf => 1,
                Form::Jump => 1 + usize::from(lens[k][0]),
                Form::Listed => 1 + n + lens[k].iter().map(|&l| usize::from(l)).sum::<usize>(),
                Form::Wide => 6 + n * usize::from(width[k]),
            };
        }
        if at >= 1 << 22 {
            return Err(CompileError::TooLarge(format!(
                "{at} bytes do not fit 22-bit offsets"
            )));
        }
        pos[placed.len()] = at as u32;
        let mut changed = false;
        for (k, p) in placed.iter().enumerate() {
            let n = if p.node == NONE {
                0
            } else {
                nodes[p.node as usize].edges.len()
            };
            match p.form {
                Form::Jump | Form::Listed => {
                    // Offsets start after the header and the labels.
                    let mut from =
                        i64::from(pos[k]) + 1 + if p.form == Form::Listed { n as i64 } else { 0 };
                    for (i, &j) in p.targets.iter().enumerate() {
                        let need =
                            offset_len(from, i64::from(pos[job_at[j as usize] as usize])) as u8;
                        if need > lens[k][i] {
                            lens[k][i] = need;
                            changed = true;
                        }
                        from += i64::from(lens[k][i]);
                    }
                }
                Form::Wide => {
                    let here = i64::from(pos[k]);
                    let need = p
                        .targets
                        .iter()
                        .map(|&j| {
                            let d = i64::from(pos[job_at[j as usize] as usize]) - here;
                            if (-0x80..0x80).contains(&d) {
                                1
                            } else if (-0x8000..0x8000).contains(&d) {
                                2
                            } else {
                                3
                            }
                        })
                        .max()
                        .unwrap_or(1);
                    if need > width[k] {
                        width[k] = need;
                        changed = true;
                    }
                }
                _ => {}
            }
        }
        if !changed {
            break;
        }
    }
    let total = pos[placed.len()] as usize;
    let mut out: Vec<u8> = Vec::with_capacity(total + PADDING);
    for (k, p) in placed.iter().enumerate() {
        debug_assert_eq!(out.len(), pos[k] as usize);
        let to = |j: u32| pos[job_at[j as usize] as usize] as usize;
        if p.node == NONE {
            out.push(leaf_byte(true));
            continue;
        }
        let node = &nodes[p.node as usize];
        let n = node.edges.len();
        match p.form {
            Form::Leaf => out.push(leaf_byte(node.is_final)),
            Form::Chain => out.push(node.edges[0].0),
            Form::Term => out.push(TERM0 + symbol(node.edges[0].0)),
            Form::Jump => {
                out.push(JUMP0 + symbol(node.edges[0].0));
                push_offset(&mut out, to(p.targets[0]), usize::from(lens[k][0]));
            }
            Form::Listed => {
                out.push(listed_byte(node.is_final, n, p.implicit.is_some()));
                for (i, &(label, _)) in node.edges.iter().enumerate() {
                    if Some(i) != p.implicit {
                        out.push(label);
                    }
                }
                if let Some(i) = p.implicit {
                    out.push(node.edges[i].0);
                }
                for (i, &j) in p.targets.iter().enumerate() {
                    push_offset(&mut out, to(j), usize::from(lens[k][i]));
                }
            }
            Form::Wide => {
                let w = usize::from(width[k]);
                out.push(wide_byte(node.is_final, w));
                let mut bitmap = 0u64;
                for &(label, _) in &node.edges {
                    bitmap |= 1 << symbol(label);
                }
                out.extend_from_slice(&bitmap.to_le_bytes()[..5]);
                for &j in &p.targets {
                    let d = to(j) as i64 - i64::from(pos[k]);
                    out.extend_from_slice(&d.to_le_bytes()[..w]);
                }
            }
        }
    }
    out.resize(out.len() + PADDING, 0);
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
    let (y, m, d) = (
        ascii_number(&b[..4])?,
        ascii_number(&b[5..7])?,
        ascii_number(&b[8..])?,
    );
    u32::try_from(epoch_days(y, m, d)?).ok()
}

/// The value of a run of ASCII digits (no sign, no space), or `None`.
pub(crate) fn ascii_number(digits: &[u8]) -> Option<u32> {
    if digits.iter().all(u8::is_ascii_digit) {
        std::str::from_utf8(digits).ok()?.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a real calendar date from 1970 on, or `None`.
pub(crate) fn epoch_days(year: u32, month: u32, day: u32) -> Option<i64> {
    if year < 1970 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(i64::from(year), month, day))
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
