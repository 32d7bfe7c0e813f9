//! The user-agent side of HSTS (RFC 6797 §8): a Known HSTS Host store, the embedded
//! preload list, URL upgrades, and curl's HSTS cache file format.
//!
//! - [`KnownHosts`]: receive the `Strict-Transport-Security` fields of responses
//!   ([`KnownHosts::receive`]), match later requests ([`KnownHosts::lookup`]) and
//!   rewrite `http://` URLs before anything leaves the machine
//!   ([`KnownHosts::upgrade_url`]). Thread-safe (`Send + Sync`), bounded (10,000 entries
//!   by default), with times injected as seconds since the epoch.
//! - [`PreloadList`]: Chromium's HSTS preload list, compiled at build time into a DAFSA
//!   (minimal acyclic automaton) over reversed labels and embedded ([`PreloadList::embedded`],
//!   [`preload_lookup`]); a newer list can be compiled and loaded at run time.
//! - Persistence in curl's cache format ([`KnownHosts::load`], [`KnownHosts::save`]), so
//!   `curl --hsts FILE` and hstsguard share files.
//!
//! # Precedence of dynamic entries over the preload list
//!
//! A lookup walks the host's label boundaries from the host itself up to its TLD.
//! Dynamic entries (sent by sites, or loaded from a cache file) are consulted first: the
//! most specific one that applies (the host's own entry, or a superdomain's entry with
//! includeSubDomains) decides. Only when no dynamic entry applies is the preload list
//! consulted, again most specific applying entry first. This is Chromium's order
//! (`TransportSecurityState::GetSTSState`: dynamic state, then static state).
//!
//! A preloaded site that sends `max-age=0` leaves a **knock-out** entry for its own host
//! name (as Firefox does; Chromium only forgets its dynamic entry, so its preload entry
//! applies again). The knock-out is a dynamic entry meaning "not an HSTS host": it
//! overrides the preload list for exactly that host (not for its subdomains, which a
//! superdomain's preload entry with include_subdomains still covers), it does not
//! expire, and it is replaced by the next valid STS field with a non-zero max-age from
//! the host. hstsguard saves knock-outs as `# hstsguard knock-out: HOST` lines, which
//! curl treats as comments (curl has no knock-outs; if curl rewrites the file they are
//! lost and the preload entry applies again, as in Chromium).
//!
//! # Host normalisation
//!
//! Before anything: lower-case, IDNA (UTS #46) to A-labels, one trailing dot stripped;
//! IP literals (and names ending in a number, which URL parsers read as IPv4) never
//! match; a host over 253 octets or with characters outside letters, digits, `-`, `_`
//! and `.` is an error.

mod cache;
pub(crate) mod compile;
mod host;
pub(crate) mod preload;
mod store;
pub(crate) mod time;

pub use cache::{LoadReport, SkippedLine};
pub use host::{host_from_bytes, normalize_host, NormalizedHost};
pub use preload::{preload_lookup, CompileSummary, PreloadList, PreloadMatch};
pub use store::{
    Entry, EntryKind, HstsMatch, KnownHosts, KnownHostsOptions, ReceiveOutcome, ReceiveResult,
    SaveReport, Source, UrlUpgrade, DEFAULT_CAPACITY,
};
pub use time::{ListDate, ListDateError, MAX_EXPIRES};
