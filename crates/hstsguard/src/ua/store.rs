//! The Known HSTS Host store (RFC 6797 §8): receive STS fields, match hosts, upgrade
//! URLs; bounded; shared by threads.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::cache::{self, LoadReport, Stored};
use super::host::{normalize, Norm};
use super::preload::PreloadList;
use super::time::MAX_EXPIRES;
use crate::issue::{quote, Code};
use crate::{parse_sts_fields, Error};

/// The default capacity of a [`KnownHosts`] store.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// How a [`KnownHosts`] store is set up. Plain data; `Default` is the usual choice.
///
/// ```
/// use hstsguard::ua::{KnownHosts, KnownHostsOptions};
/// let store = KnownHosts::with_options(KnownHostsOptions {
///     capacity: 100,
///     preload: None, // dynamic entries only
///     ..KnownHostsOptions::default()
/// });
/// assert_eq!(store.options().capacity, 100);
/// ```
#[derive(Debug, Clone)]
pub struct KnownHostsOptions {
    /// The most entries kept (default 10,000; 0 is taken as 1). When a new host must be
    /// stored and the store is full, expired entries are dropped first, then the entry
    /// that expires first (the new entry is always kept).
    pub capacity: usize,
    /// The preload list consulted after the dynamic entries (default: the embedded
    /// list; `None` for none).
    pub preload: Option<PreloadList>,
    /// Let a single-label host match its own TLD entry in the preload list (default
    /// false: `http://app:8000` stays plain HTTP although `app` is preloaded).
    pub allow_single_label_preload: bool,
    /// Ignore the preload list once it is older than this many seconds at the lookup's
    /// `now` (default `None`: always use it; Chromium's limit is 70 days, Firefox's 18
    /// weeks).
    pub preload_max_age: Option<u64>,
}

impl Default for KnownHostsOptions {
    fn default() -> Self {
        KnownHostsOptions {
            capacity: DEFAULT_CAPACITY,
            preload: Some(PreloadList::embedded().clone()),
            allow_single_label_preload: false,
            preload_max_age: None,
        }
    }
}

/// What [`KnownHosts::receive`] did with a response's STS fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReceiveResult {
    /// The host became a Known HSTS Host.
    Added,
    /// The host's entry got a new expiry and includeSubDomains.
    Updated,
    /// `max-age=0`: the host's entry was deleted (or, for a preloaded host, a knock-out
    /// entry now overrides the preload list).
    Deleted,
    /// Nothing changed; the reason says why.
    Ignored,
}

impl ReceiveResult {
    /// `"added"`, `"updated"`, `"deleted"` or `"ignored"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReceiveResult::Added => "added",
            ReceiveResult::Updated => "updated",
            ReceiveResult::Deleted => "deleted",
            ReceiveResult::Ignored => "ignored",
        }
    }
}

impl fmt::Display for ReceiveResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of [`KnownHosts::receive`]: a result and, when it needs one, a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ReceiveOutcome {
    /// What happened.
    pub result: ReceiveResult,
    /// Why, for [`ReceiveResult::Ignored`] (always) and for a knock-out
    /// ([`Code::UaReceiveKnockOut`]): [`Code::UaReceiveInsecureTransport`],
    /// [`Code::UaReceiveIpLiteral`], [`Code::UaReceiveNotKnown`],
    /// [`Code::ResponseNoHeader`], or the code of the first error of an invalid STS
    /// value (`header.parse.*`).
    pub reason: Option<Code>,
}

impl ReceiveOutcome {
    fn new(result: ReceiveResult, reason: Option<Code>) -> Self {
        ReceiveOutcome { result, reason }
    }

    fn ignored(reason: Code) -> Self {
        ReceiveOutcome::new(ReceiveResult::Ignored, Some(reason))
    }

    /// The reason's code string, if any.
    pub fn reason_str(&self) -> Option<&'static str> {
        self.reason.map(Code::as_str)
    }
}

/// Where a matching entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The site sent it (a Known HSTS Host entry, or one loaded from a cache file).
    Dynamic,
    /// The preload list.
    Preload,
}

impl Source {
    /// `"dynamic"` or `"preload"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Dynamic => "dynamic",
            Source::Preload => "preload",
        }
    }
}

/// The entry that makes a host an HSTS host (RFC 6797 §8.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HstsMatch {
    /// The matching entry's host: the host itself or a superdomain.
    pub entry: String,
    /// The entry's includeSubDomains.
    pub include_subdomains: bool,
    /// When the entry expires, in seconds since the epoch; `None` for `"unlimited"`
    /// and for preload entries.
    pub expires: Option<u64>,
    /// Seconds left at the lookup's `now`; `None` when `expires` is `None`.
    pub remaining_seconds: Option<u64>,
    /// Dynamic or preload.
    pub source: Source,
}

/// The kind of a stored entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A Known HSTS Host.
    KnownHost,
    /// A knock-out: the preloaded host sent `max-age=0`; the host is not an HSTS host
    /// although the preload list has it.
    KnockOut,
}

/// One live entry of the store, as [`KnownHosts::entries`] lists them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Entry {
    /// The host (normalised).
    pub host: String,
    /// includeSubDomains.
    pub include_subdomains: bool,
    /// Expiry in seconds since the epoch; `None` for `"unlimited"` (and knock-outs).
    pub expires: Option<u64>,
    /// Known host or knock-out.
    pub kind: EntryKind,
}

/// The result of [`KnownHosts::upgrade_url`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UrlUpgrade {
    /// The URL to use: upgraded to `https` when `upgraded`, the input unchanged otherwise.
    pub url: String,
    /// Whether the URL was rewritten.
    pub upgraded: bool,
    /// The entry that made the host an HSTS host (also for an `https` URL of a known
    /// host, which needs no rewrite but must not fall back to plain HTTP).
    pub matched: Option<HstsMatch>,
}

/// What [`KnownHosts::save`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SaveReport {
    /// Entries written (known hosts and knock-outs).
    pub written: usize,
    /// Entries taken from the file that another process had saved meanwhile.
    pub merged_from_file: usize,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Box<str>, Stored>,
    /// Hosts changed by this store since the last load or save (their state here wins
    /// when merging with the file).
    touched: HashSet<Box<str>>,
    /// Hosts the file had at the last load or save (one absent from the file now was
    /// deleted by another process).
    synced: HashSet<Box<str>>,
}

/// A Known HSTS Host store (RFC 6797 §8) with the preload list behind it.
///
/// - [`KnownHosts::receive`] records the `Strict-Transport-Security` fields of a
///   response; [`KnownHosts::lookup`] and [`KnownHosts::upgrade_url`] answer for later
///   requests. Times are seconds since the epoch, given by the caller.
/// - Dynamic entries take precedence over the preload list: the most specific dynamic
///   entry that applies decides (a knock-out means "not HSTS"), and only when none
///   applies is the preload list consulted (most specific applying entry).
/// - `Send + Sync`: one store is shared by the threads of a process (a read-write lock
///   inside; lookups share it).
/// - Persistence in curl's HSTS cache format: [`KnownHosts::load`],
///   [`KnownHosts::save`] (merging with what another process saved meanwhile).
///
/// ```
/// use hstsguard::ua::{KnownHosts, ReceiveResult, Source};
///
/// let store = KnownHosts::new();
/// let now = 1_800_000_000;
/// let out = store.receive("example.com", &["max-age=31536000; includeSubDomains"], true, now).unwrap();
/// assert_eq!(out.result, ReceiveResult::Added);
///
/// let m = store.lookup("WWW.example.com.", now + 60).unwrap().unwrap();
/// assert_eq!((m.entry.as_str(), m.source), ("example.com", Source::Dynamic));
/// assert_eq!(m.remaining_seconds, Some(31_536_000 - 60));
///
/// let up = store.upgrade_url("http://www.example.com:80/a?b#c", now).unwrap();
/// assert_eq!((up.url.as_str(), up.upgraded), ("https://www.example.com/a?b#c", true));
///
/// // Plain HTTP responses never count (RFC 6797 §8.1).
/// let out = store.receive("example.org", &["max-age=600"], false, now).unwrap();
/// assert_eq!(out.reason_str(), Some("ua.receive.insecure_transport"));
/// ```
pub struct KnownHosts {
    inner: RwLock<Inner>,
    options: KnownHostsOptions,
}

impl fmt::Debug for KnownHosts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KnownHosts")
            .field("entries", &self.read().map.len())
            .field("options", &self.options)
            .finish()
    }
}

impl Default for KnownHosts {
    fn default() -> Self {
        KnownHosts::new()
    }
}

/// Label-boundary offsets of a canonical name, most specific first: 0, then after each dot.
fn boundaries(name: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(
        name.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'.')
            .map(|(i, _)| i + 1),
    )
}

fn store_error(path: &std::path::Path, code: Code, reason: impl fmt::Display) -> Error {
    Error::StoreFile {
        path: path.display().to_string(),
        code,
        reason: reason.to_string(),
    }
}

fn io_error(path: &std::path::Path, e: &std::io::Error) -> Error {
    let code = if e.kind() == std::io::ErrorKind::IsADirectory {
        Code::UaStoreIsDirectory
    } else {
        Code::UaStoreIo
    };
    store_error(path, code, e)
}

impl KnownHosts {
    /// An empty store with the default options (capacity 10,000, the embedded preload
    /// list).
    pub fn new() -> KnownHosts {
        KnownHosts::with_options(KnownHostsOptions::default())
    }

    /// An empty store with these options.
    pub fn with_options(mut options: KnownHostsOptions) -> KnownHosts {
        options.capacity = options.capacity.max(1);
        KnownHosts {
            inner: RwLock::new(Inner::default()),
            options,
        }
    }

    /// The options the store was made with.
    pub fn options(&self) -> &KnownHostsOptions {
        &self.options
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map inconsistent (every
        // mutation is a single map operation), so a poisoned lock is still usable.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The preload list in use at `now`: configured and not older than the maximum age.
    pub fn preload_in_use(&self, now: u64) -> Option<&PreloadList> {
        let list = self.options.preload.as_ref()?;
        match self.options.preload_max_age {
            Some(max) if list.is_stale(now, max) => None,
            _ => Some(list),
        }
    }

    /// Records the `Strict-Transport-Security` field values of one response from
    /// `host` (RFC 6797 §8.1): `secure_transport` says whether the response came over a
    /// secure transport (TLS without certificate errors). Only the first field counts,
    /// and an invalid one is ignored. `max-age=0` deletes the host's entry (§6.1.1); for
    /// a host on the preload list it leaves a knock-out entry that overrides the list.
    /// An entry for a subdomain never changes its superdomain's entry.
    ///
    /// Errors only for a host that cannot be used ([`Code::UaHostInvalid`],
    /// [`Code::UaHostTooLong`]); everything else is an [`ReceiveOutcome`].
    pub fn receive<S: AsRef<str>>(
        &self,
        host: &str,
        sts_field_values: &[S],
        secure_transport: bool,
        now: u64,
    ) -> Result<ReceiveOutcome, Error> {
        let name = match normalize(host)? {
            Norm::Ip => return Ok(ReceiveOutcome::ignored(Code::UaReceiveIpLiteral)),
            Norm::Name(n) => n,
        };
        if !secure_transport {
            return Ok(ReceiveOutcome::ignored(Code::UaReceiveInsecureTransport));
        }
        let parsed = parse_sts_fields(sts_field_values.iter().map(AsRef::as_ref));
        let (Some(policy), true) = (parsed.policy(), parsed.is_valid()) else {
            let code = parsed
                .issues()
                .iter()
                .find(|i| i.is_error())
                .map_or(Code::ResponseNoHeader, |i| i.code());
            return Ok(ReceiveOutcome::ignored(code));
        };
        let (max_age, include_subdomains) = (policy.max_age(), policy.include_subdomains());
        let mut inner = self.write();
        let key: &str = &name;
        let existing = inner.map.get(key).copied().filter(|e| e.live(now));
        if max_age == 0 {
            let preloaded = self
                .preload_in_use(now)
                .is_some_and(|list| list.has_entry(key));
            if preloaded {
                let knockout = Stored {
                    include_subdomains: false,
                    expires: None,
                    knockout: true,
                };
                self.insert_locked(&mut inner, key, knockout, now);
                return Ok(ReceiveOutcome::new(
                    ReceiveResult::Deleted,
                    Some(Code::UaReceiveKnockOut),
                ));
            }
            let removed = inner.map.remove(key);
            inner.touched.insert(key.into());
            return Ok(match (removed, existing) {
                (Some(_), Some(e)) if !e.knockout => {
                    ReceiveOutcome::new(ReceiveResult::Deleted, None)
                }
                _ => ReceiveOutcome::ignored(Code::UaReceiveNotKnown),
            });
        }
        let entry = Stored {
            include_subdomains,
            expires: Some(now.saturating_add(max_age).min(MAX_EXPIRES)),
            knockout: false,
        };
        let result = match existing {
            Some(e) if !e.knockout => ReceiveResult::Updated,
            _ => ReceiveResult::Added,
        };
        self.insert_locked(&mut inner, key, entry, now);
        Ok(ReceiveOutcome::new(result, None))
    }

    /// Inserts or replaces an entry, making room first when the store is full.
    fn insert_locked(&self, inner: &mut Inner, host: &str, entry: Stored, now: u64) {
        if !inner.map.contains_key(host) && inner.map.len() >= self.options.capacity {
            inner.map.retain(|_, e| e.live(now));
            while inner.map.len() >= self.options.capacity {
                let victim = inner
                    .map
                    .iter()
                    .min_by(|a, b| a.1.expiry_key().cmp(&b.1.expiry_key()).then(a.0.cmp(b.0)))
                    .map(|(h, _)| h.clone());
                match victim {
                    Some(h) => {
                        inner.map.remove(&h);
                    }
                    None => break,
                }
            }
        }
        inner.map.insert(host.into(), entry);
        inner.touched.insert(host.into());
    }

    /// Adds (or replaces) a Known HSTS Host entry directly, as a browser's "add HSTS
    /// host" setting does: `expires` in seconds since the epoch, `None` for unlimited.
    /// The capacity applies as for [`KnownHosts::receive`]. An IP literal is refused
    /// ([`Code::UaHostInvalid`]).
    pub fn insert(
        &self,
        host: &str,
        include_subdomains: bool,
        expires: Option<u64>,
        now: u64,
    ) -> Result<(), Error> {
        let name = match normalize(host)? {
            Norm::Ip => {
                return Err(Error::InvalidHost {
                    value: quote(host),
                    code: Code::UaHostInvalid,
                    reason: "an IP address is never an HSTS host (RFC 6797 §8.1.1)",
                })
            }
            Norm::Name(n) => n,
        };
        let entry = Stored {
            include_subdomains,
            expires: expires.map(|e| e.min(MAX_EXPIRES)),
            knockout: false,
        };
        let mut inner = self.write();
        self.insert_locked(&mut inner, &name, entry, now);
        Ok(())
    }

    /// Removes the entry for exactly `host` (known host or knock-out); true when there
    /// was one.
    pub fn remove(&self, host: &str) -> Result<bool, Error> {
        let Norm::Name(name) = normalize(host)? else {
            return Ok(false);
        };
        let mut inner = self.write();
        inner.touched.insert((*name).into());
        Ok(inner.map.remove(&*name).is_some())
    }

    /// Removes every entry.
    pub fn clear(&self) {
        let mut inner = self.write();
        let hosts: Vec<Box<str>> = inner.map.keys().cloned().collect();
        inner.touched.extend(hosts);
        inner.map.clear();
    }

    /// Whether `host` is an HSTS host at `now`, and by which entry (RFC 6797 §8.2): a
    /// congruent match, or a superdomain match whose entry has includeSubDomains.
    /// Dynamic entries first (the most specific applying one decides; a knock-out means
    /// no), then the preload list. Expired entries never match and are evicted. The host
    /// is normalised first; an IP literal never matches (`Ok(None)`).
    pub fn lookup(&self, host: &str, now: u64) -> Result<Option<HstsMatch>, Error> {
        let name = match normalize(host)? {
            Norm::Ip => return Ok(None),
            Norm::Name(n) => n,
        };
        Ok(self.lookup_name(&name, now))
    }

    /// True when [`KnownHosts::lookup`] finds a match.
    pub fn should_upgrade(&self, host: &str, now: u64) -> Result<bool, Error> {
        Ok(self.lookup(host, now)?.is_some())
    }

    fn lookup_name(&self, name: &str, now: u64) -> Option<HstsMatch> {
        let mut expired = false;
        let mut decided: Option<Option<HstsMatch>> = None;
        {
            let inner = self.read();
            if !inner.map.is_empty() {
                for start in boundaries(name) {
                    let candidate = &name[start..];
                    let Some(e) = inner.map.get(candidate) else {
                        continue;
                    };
                    if !e.live(now) {
                        expired = true;
                        continue;
                    }
                    if start != 0 && !e.include_subdomains {
                        continue;
                    }
                    decided = Some(if e.knockout {
                        None
                    } else {
                        Some(HstsMatch {
                            entry: candidate.to_owned(),
                            include_subdomains: e.include_subdomains,
                            expires: e.expires,
                            remaining_seconds: e.expires.map(|t| t - now),
                            source: Source::Dynamic,
                        })
                    });
                    break;
                }
            }
        }
        if expired {
            let mut inner = self.write();
            for start in boundaries(name) {
                let candidate = &name[start..];
                if inner.map.get(candidate).is_some_and(|e| !e.live(now)) {
                    inner.map.remove(candidate);
                }
            }
        }
        if let Some(d) = decided {
            return d;
        }
        let list = self.preload_in_use(now)?;
        let (start, include_subdomains) =
            list.find(name, self.options.allow_single_label_preload)?;
        Some(HstsMatch {
            entry: name[start..].to_owned(),
            include_subdomains,
            expires: None,
            remaining_seconds: None,
            source: Source::Preload,
        })
    }

    /// Upgrades a URL for a request (RFC 6797 §8.3): when its host is an HSTS host and
    /// its scheme is `http`, the scheme becomes `https`, port 80 becomes the default
    /// port, any other explicit port is kept, and user-info, path, query and fragment
    /// are kept. Other URLs come back unchanged. A URL that cannot be parsed (or is
    /// relative) is an error ([`Code::UaUrlInvalid`]), never passed through.
    ///
    /// ```
    /// use hstsguard::ua::KnownHosts;
    /// let store = KnownHosts::new();
    /// store.insert("example.com", false, None, 0).unwrap();
    /// let up = |u: &str| store.upgrade_url(u, 1).unwrap().url;
    /// assert_eq!(up("http://user:pw@example.com:8080/p?q#f"), "https://user:pw@example.com:8080/p?q#f");
    /// assert_eq!(up("http://example.com:80"), "https://example.com/");
    /// assert_eq!(up("http://other.example/"), "http://other.example/");
    /// assert!(store.upgrade_url("not a url", 1).is_err());
    /// ```
    pub fn upgrade_url(&self, url: &str, now: u64) -> Result<UrlUpgrade, Error> {
        let mut parsed = url::Url::parse(url).map_err(|e| Error::InvalidUrl {
            value: quote(url),
            reason: e.to_string(),
        })?;
        let unchanged = |matched| UrlUpgrade {
            url: url.to_owned(),
            upgraded: false,
            matched,
        };
        let name = match parsed.host() {
            Some(url::Host::Domain(d)) => d.to_owned(),
            _ => return Ok(unchanged(None)),
        };
        let matched = match normalize(&name)? {
            Norm::Ip => None,
            Norm::Name(n) => self.lookup_name(&n, now),
        };
        if matched.is_none() || parsed.scheme() != "http" {
            return Ok(unchanged(matched));
        }
        let port = parsed.port();
        if parsed.set_scheme("https").is_err() {
            return Ok(unchanged(matched));
        }
        if port == Some(80) || port == Some(443) {
            // `url` drops a default port itself; this only makes it explicit.
            let _ = parsed.set_port(None);
        }
        Ok(UrlUpgrade {
            url: parsed.into(),
            upgraded: true,
            matched,
        })
    }

    /// The live entries (known hosts and knock-outs) at `now`, sorted by host.
    pub fn entries(&self, now: u64) -> Vec<Entry> {
        let inner = self.read();
        let mut list: Vec<Entry> = inner
            .map
            .iter()
            .filter(|(_, e)| e.live(now))
            .map(|(h, e)| Entry {
                host: h.to_string(),
                include_subdomains: e.include_subdomains,
                expires: e.expires,
                kind: if e.knockout {
                    EntryKind::KnockOut
                } else {
                    EntryKind::KnownHost
                },
            })
            .collect();
        list.sort_unstable_by(|a, b| a.host.cmp(&b.host));
        list
    }

    /// The number of entries held (expired ones included until they are evicted).
    pub fn len(&self) -> usize {
        self.read().map.len()
    }

    /// True when the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.read().map.is_empty()
    }

    /// Drops expired entries; returns how many.
    pub fn purge_expired(&self, now: u64) -> usize {
        let mut inner = self.write();
        let before = inner.map.len();
        inner.map.retain(|_, e| e.live(now));
        before - inner.map.len()
    }

    /// The live entries in curl's HSTS cache format (what [`KnownHosts::save`] writes):
    /// two `#` comment lines, then one entry a line, sorted by host.
    pub fn to_cache_text(&self, now: u64) -> String {
        let inner = self.read();
        cache::format(
            inner
                .map
                .iter()
                .filter(|(_, e)| e.live(now))
                .map(|(h, e)| (&**h, e)),
        )
    }

    /// Loads entries from text in curl's HSTS cache format (see [`KnownHosts::load`]).
    pub fn load_text(&self, text: &str, now: u64) -> LoadReport {
        self.load_bytes(text.as_bytes(), now, false)
    }

    fn load_bytes(&self, text: &[u8], now: u64, from_file: bool) -> LoadReport {
        let (entries, report) = cache::parse(text, now);
        let mut inner = self.write();
        for (host, entry) in entries {
            if from_file {
                inner.synced.insert(host.as_str().into());
            }
            if inner.touched.contains(host.as_str()) {
                continue;
            }
            let merged = match inner.map.get(host.as_str()) {
                Some(old) if old.live(now) => cache::merge(*old, entry),
                _ => entry,
            };
            if inner.map.contains_key(host.as_str()) {
                inner.map.insert(host.into(), merged);
            } else {
                self.insert_locked(&mut inner, &host, merged, now);
                inner.touched.remove(host.as_str());
            }
        }
        report
    }

    /// Loads an HSTS cache file in curl's format into the store. Malformed lines are
    /// skipped and reported with their line numbers (loading goes on); a host listed
    /// twice keeps the later expiry and includeSubDomains if either line has it; expired
    /// lines are dropped. A missing file is an empty file. Errors:
    /// [`Code::UaStoreIsDirectory`], [`Code::UaStoreIo`] (naming the path); the store is
    /// then unchanged.
    pub fn load(&self, path: impl AsRef<std::path::Path>, now: u64) -> Result<LoadReport, Error> {
        let path = path.as_ref();
        match read_store_file(path)? {
            Some(bytes) => Ok(self.load_bytes(&bytes, now, true)),
            None => Ok(LoadReport::default()),
        }
    }

    /// Saves the store to an HSTS cache file in curl's format, so that `curl --hsts
    /// FILE` can use it. Under an advisory lock (`FILE.lock`, held with
    /// [`std::fs::File::lock`]), the file is read again and merged: entries this store
    /// changed since its last load or save win; entries another process saved meanwhile
    /// are kept (and also taken into this store); an entry this store had from the file
    /// and another process deleted stays deleted. The result is written to a temporary
    /// file in the same directory and renamed over the file, so readers never see half
    /// a file. Two processes saving the same file lose no entry.
    ///
    /// Errors ([`Code::UaStoreIsDirectory`], [`Code::UaStoreIo`]) name the path; the
    /// store in memory is then unchanged and the old file is intact.
    pub fn save(&self, path: impl AsRef<std::path::Path>, now: u64) -> Result<SaveReport, Error> {
        let path = path.as_ref();
        if path.is_dir() {
            return Err(store_error(
                path,
                Code::UaStoreIsDirectory,
                "it is a directory",
            ));
        }
        let lock_path = sibling(path, ".lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_error(&lock_path, &e))?;
        lock.lock().map_err(|e| io_error(&lock_path, &e))?;
        let result = self.save_locked(path, now);
        // Closing the file releases the lock too; unlock explicitly to be prompt.
        let _ = lock.unlock();
        result
    }

    fn save_locked(&self, path: &std::path::Path, now: u64) -> Result<SaveReport, Error> {
        let file_entries = match read_store_file(path)? {
            Some(bytes) => cache::parse(&bytes, now).0,
            None => Vec::new(),
        };
        let mut inner = self.write();
        let mut merged: HashMap<Box<str>, Stored> = HashMap::new();
        let mut merged_from_file = 0;
        for (host, entry) in &file_entries {
            if inner.touched.contains(host.as_str()) {
                continue;
            }
            if inner.map.get(host.as_str()) != Some(entry) {
                merged_from_file += 1;
            }
            merged.insert(host.as_str().into(), *entry);
        }
        let in_file: HashSet<&str> = file_entries.iter().map(|(h, _)| h.as_str()).collect();
        for (host, entry) in &inner.map {
            if !entry.live(now) {
                continue;
            }
            // Ours when this store changed it, or when the file never had it (an entry
            // the file had at the last sync and lacks now was deleted by another process).
            let ours = inner.touched.contains(host)
                || (!in_file.contains(&**host) && !inner.synced.contains(host));
            if ours {
                merged.insert(host.clone(), *entry);
            }
        }
        // The capacity applies to the merged result.
        if merged.len() > self.options.capacity {
            let mut order: Vec<(u64, Box<str>)> = merged
                .iter()
                .map(|(h, e)| (e.expiry_key(), h.clone()))
                .collect();
            order.sort_unstable();
            let excess = merged.len() - self.options.capacity;
            for (_, h) in order.into_iter().take(excess) {
                merged.remove(&h);
            }
        }
        let text = cache::format(merged.iter().map(|(h, e)| (&**h, e)));
        write_atomically(path, text.as_bytes())?;
        let written = merged.len();
        inner.synced = merged.keys().cloned().collect();
        inner.map = merged;
        inner.touched.clear();
        Ok(SaveReport {
            written,
            merged_from_file,
        })
    }
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The file's bytes, `None` when it does not exist.
fn read_store_file(path: &std::path::Path) -> Result<Option<Vec<u8>>, Error> {
    if path.is_dir() {
        return Err(store_error(
            path,
            Code::UaStoreIsDirectory,
            "it is a directory",
        ));
    }
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, &e)),
    }
}

/// Writes to a temporary sibling file, syncs it, renames it over `path`.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = sibling(path, &format!(".{}.{n}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn store_is_shareable() {
        assert_send_sync::<KnownHosts>();
        assert_send_sync::<PreloadList>();
    }

    #[test]
    fn capacity_evicts_the_entry_expiring_first() {
        let store = KnownHosts::with_options(KnownHostsOptions {
            capacity: 2,
            preload: None,
            ..KnownHostsOptions::default()
        });
        store
            .receive("a.example", &["max-age=100"], true, 0)
            .unwrap();
        store
            .receive("b.example", &["max-age=50"], true, 0)
            .unwrap();
        store
            .receive("c.example", &["max-age=10"], true, 0)
            .unwrap();
        let hosts: Vec<String> = store.entries(0).into_iter().map(|e| e.host).collect();
        assert_eq!(hosts, ["a.example", "c.example"]);
    }
}
