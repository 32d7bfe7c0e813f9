//! The client side of HSTS (RFC 6797 §8): the `KnownHosts` class (a Known HSTS Host
//! store over the core's `ua::KnownHosts`, shared by every caller of one process),
//! `preloadLookup` and `preloadListInfo` (the embedded Chromium preload list).
//!
//! Times are seconds since the epoch. Every method that needs one takes an optional
//! `now`; without it the system clock is read (`Date.now() / 1000`, floored), which is
//! the only clock of this module: the core has none.

use std::time::{SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::Either;
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::check;
use hstsguard::ua;

/// The code of the error `hstsguard/fetch` raises when the certificate of a Known HSTS
/// Host does not verify: `"ua.tls.certificate_error"` (RFC 6797 §8.4, §12.1).
#[napi]
pub const CERTIFICATE_ERROR_CODE: &str = hstsguard::Code::UaTlsCertificateError.as_str();

/// The default capacity of a `KnownHosts` store: 10000 entries.
#[napi]
pub const DEFAULT_CAPACITY: u32 = ua::DEFAULT_CAPACITY as u32;

/// Seconds since the epoch from an optional JavaScript `now`: the system clock when
/// absent, otherwise a whole, non-negative number (`duration.*` codes otherwise).
pub(crate) fn now_or_clock(now: Option<f64>) -> std::result::Result<u64, hstsguard::Error> {
    match now {
        Some(n) => hstsguard::duration_from_f64(n),
        None => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())),
    }
}

fn secs(n: Option<u64>) -> Option<f64> {
    n.map(|v| v as f64)
}

/// How a `KnownHosts` store is set up; every field is optional.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct KnownHostsOptions {
    /// The most entries kept (default 10000). When a new host must be stored and the
    /// store is full, expired entries go first, then the entry that expires first.
    pub capacity: Option<u32>,
    /// Consult the embedded preload list after the dynamic entries (default true).
    pub preload: Option<bool>,
    /// A compiled preload list (`hstsguard preload compile LIST.json -o FILE`) to use
    /// instead of the embedded one.
    pub preload_file: Option<String>,
    /// Let a single-label host (`app`, `dev`) match its own TLD entry of the preload
    /// list (default false: `http://app:8000` stays plain HTTP).
    pub allow_single_label_preload: Option<bool>,
    /// Ignore the preload list once it is older than this many seconds (default: use it
    /// whatever its age; Chromium's limit is 70 days, Firefox's 18 weeks).
    pub preload_max_age: Option<f64>,
}

/// What `receive` did with a response's STS fields.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct ReceiveOutcome {
    /// `"added"`, `"updated"`, `"deleted"` (max-age=0) or `"ignored"`.
    #[napi(ts_type = "'added' | 'updated' | 'deleted' | 'ignored'")]
    pub result: String,
    /// Why, for `"ignored"` (always) and for a knock-out of a preloaded host:
    /// `ua.receive.insecure_transport`, `ua.receive.ip_literal`, `ua.receive.not_known`,
    /// `ua.receive.knock_out`, `response.no_header`, or the first `header.parse.*` error
    /// of an invalid value.
    pub reason: Option<String>,
}

impl From<ua::ReceiveOutcome> for ReceiveOutcome {
    fn from(o: ua::ReceiveOutcome) -> Self {
        ReceiveOutcome {
            result: o.result.as_str().to_owned(),
            reason: o.reason_str().map(str::to_owned),
        }
    }
}

/// The entry that makes a host an HSTS host (RFC 6797 §8.2).
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct HstsMatch {
    /// The matching entry's host: the host itself or a superdomain (normalised).
    pub entry: String,
    /// The entry's includeSubDomains.
    pub include_sub_domains: bool,
    /// When the entry expires, in seconds since the epoch; null for `"unlimited"` and
    /// for preload entries.
    pub expires: Option<f64>,
    /// Seconds left at the lookup's `now`; null when `expires` is null.
    pub remaining_seconds: Option<f64>,
    /// `"dynamic"` (sent by the site, or loaded from a cache file) or `"preload"`.
    #[napi(ts_type = "'dynamic' | 'preload'")]
    pub source: String,
}

impl From<ua::HstsMatch> for HstsMatch {
    fn from(m: ua::HstsMatch) -> Self {
        HstsMatch {
            entry: m.entry,
            include_sub_domains: m.include_subdomains,
            expires: secs(m.expires),
            remaining_seconds: secs(m.remaining_seconds),
            source: m.source.as_str().to_owned(),
        }
    }
}

/// The result of `upgradeUrl`.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct UrlUpgrade {
    /// The URL to use: `https` when `upgraded`, the input unchanged otherwise.
    pub url: String,
    /// Whether the URL was rewritten.
    pub upgraded: bool,
    /// The entry that made the host an HSTS host (also for an `https` URL of a known
    /// host, which needs no rewrite but must not fall back to plain HTTP); null when
    /// the host is not an HSTS host.
    pub matched: Option<HstsMatch>,
}

/// One live entry of a store.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct KnownHostEntry {
    /// The host (normalised).
    pub host: String,
    /// includeSubDomains.
    pub include_sub_domains: bool,
    /// Expiry in seconds since the epoch; null for `"unlimited"` (and knock-outs).
    pub expires: Option<f64>,
    /// `"known_host"`, or `"knock_out"`: a preloaded host that sent max-age=0, which
    /// overrides its preload entry.
    #[napi(ts_type = "'known_host' | 'knock_out'")]
    pub kind: String,
}

impl From<ua::Entry> for KnownHostEntry {
    fn from(e: ua::Entry) -> Self {
        KnownHostEntry {
            host: e.host,
            include_sub_domains: e.include_subdomains,
            expires: secs(e.expires),
            kind: match e.kind {
                ua::EntryKind::KnownHost => "known_host",
                ua::EntryKind::KnockOut => "knock_out",
            }
            .to_owned(),
        }
    }
}

/// A cache line skipped while loading.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SkippedLine {
    /// The line number, counting from 1.
    pub line: u32,
    /// `ua.cache.malformed_line`, `ua.cache.invalid_date`, `ua.cache.invalid_host` or
    /// `ua.cache.ip_literal`.
    pub code: String,
    /// A message naming the offending text (for humans).
    pub message: String,
}

/// What loading an HSTS cache file (or text) found.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Entries taken (after merging duplicates; knock-outs included).
    pub loaded: u32,
    /// Lines dropped because their entry had expired.
    pub expired: u32,
    /// Lines for a host listed earlier in the file (merged: the later expiry, and
    /// includeSubDomains if either line has it).
    pub duplicates: u32,
    /// Malformed lines, skipped (loading goes on).
    pub skipped: Vec<SkippedLine>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<ua::LoadReport> for LoadReport {
    fn from(r: ua::LoadReport) -> Self {
        LoadReport {
            loaded: count(r.loaded),
            expired: count(r.expired),
            duplicates: count(r.duplicates),
            skipped: r
                .skipped
                .into_iter()
                .map(|s| SkippedLine {
                    line: count(s.line),
                    code: s.code.as_str().to_owned(),
                    message: s.message,
                })
                .collect(),
        }
    }
}

/// What `save` wrote.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SaveReport {
    /// Entries written (known hosts and knock-outs).
    pub written: u32,
    /// Entries taken from the file that another process had saved meanwhile.
    pub merged_from_file: u32,
}

/// A preload list entry that matched a host.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct PreloadMatch {
    /// The matching entry: the host or one of its superdomains (normalised).
    pub entry: String,
    /// Whether the entry has include_subdomains.
    pub include_sub_domains: bool,
    /// True when the entry is the host itself.
    pub exact: bool,
}

/// The embedded preload list.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct PreloadListInfo {
    /// The date of the Chromium snapshot, `YYYY-MM-DD`.
    pub date: String,
    /// The number of `force-https` entries.
    pub entries: u32,
    /// The size of the compiled list in bytes.
    pub size_bytes: u32,
    /// How old the list is at `now`, in seconds.
    pub age_seconds: f64,
}

/// A Known HSTS Host store (RFC 6797 §8) with the preload list behind it.
///
/// One store may be shared by every part of a process (it is the core's thread-safe
/// store). Dynamic entries take precedence over the preload list: the most specific
/// dynamic entry that applies decides (a knock-out means "not HSTS"), and only when none
/// applies is the preload list consulted.
///
/// ```js
/// const store = new KnownHosts()
/// store.receive('example.com', 'max-age=31536000; includeSubDomains', true)
/// store.lookup('www.example.com').entry               // 'example.com'
/// store.upgradeUrl('http://www.example.com/a').url    // 'https://www.example.com/a'
/// store.save('hsts.txt')                              // curl's --hsts format
/// ```
#[napi]
pub struct KnownHosts {
    inner: ua::KnownHosts,
}

#[napi]
impl KnownHosts {
    /// An empty store: capacity 10000 and the embedded preload list unless `options`
    /// says otherwise. Throws with `ua.preload.invalid_compiled` or `ua.store.io` for an
    /// unusable `preloadFile`, `duration.*` for a bad `preloadMaxAge`.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: Option<KnownHostsOptions>) -> Result<Self> {
        let o = options.unwrap_or_default();
        let mut core = ua::KnownHostsOptions::default();
        if let Some(c) = o.capacity {
            core.capacity = c as usize;
        }
        if o.preload == Some(false) {
            core.preload = None;
        }
        if let Some(path) = &o.preload_file {
            core.preload = Some(check(&env, ua::PreloadList::from_file(path))?);
        }
        if let Some(b) = o.allow_single_label_preload {
            core.allow_single_label_preload = b;
        }
        if let Some(age) = o.preload_max_age {
            core.preload_max_age = Some(check(&env, hstsguard::duration_from_f64(age))?);
        }
        Ok(KnownHosts {
            inner: ua::KnownHosts::with_options(core),
        })
    }

    /// Records the `Strict-Transport-Security` field values of one response from
    /// `host`. `secureTransport`: the response came over TLS without certificate errors
    /// (RFC 6797 §8.1; plain-HTTP responses are ignored). Only the first field counts and
    /// an invalid one is ignored; `max-age=0` deletes the entry. Throws only for a host
    /// that cannot be used (`ua.host.invalid`, `ua.host.too_long`).
    #[napi(catch_unwind)]
    pub fn receive(
        &self,
        env: Env,
        host: String,
        fields: Either<String, Vec<String>>,
        secure_transport: bool,
        now: Option<f64>,
    ) -> Result<ReceiveOutcome> {
        let now = check(&env, now_or_clock(now))?;
        let fields = match fields {
            Either::A(one) => vec![one],
            Either::B(list) => list,
        };
        check(
            &env,
            self.inner.receive(&host, &fields, secure_transport, now),
        )
        .map(ReceiveOutcome::from)
    }

    /// The entry that makes `host` an HSTS host at `now`, or null (RFC 6797 §8.2). The
    /// host is normalised first (lower-case, IDNA, one trailing dot); an IP literal never
    /// matches. Expired entries never match and are evicted.
    #[napi(catch_unwind)]
    pub fn lookup(&self, env: Env, host: String, now: Option<f64>) -> Result<Option<HstsMatch>> {
        let now = check(&env, now_or_clock(now))?;
        check(&env, self.inner.lookup(&host, now)).map(|m| m.map(HstsMatch::from))
    }

    /// True when `lookup` finds an entry: requests to `host` must use HTTPS.
    #[napi(catch_unwind)]
    pub fn should_upgrade(&self, env: Env, host: String, now: Option<f64>) -> Result<bool> {
        let now = check(&env, now_or_clock(now))?;
        check(&env, self.inner.should_upgrade(&host, now))
    }

    /// Upgrades a URL for a request (RFC 6797 §8.3): for an HSTS host, `http` becomes
    /// `https`, port 80 becomes the default port, any other port is kept, user-info,
    /// path, query and fragment are kept. Throws `ua.url.invalid` for a URL that cannot
    /// be parsed (never passed through).
    #[napi(catch_unwind)]
    pub fn upgrade_url(&self, env: Env, url: String, now: Option<f64>) -> Result<UrlUpgrade> {
        let now = check(&env, now_or_clock(now))?;
        let up = check(&env, self.inner.upgrade_url(&url, now))?;
        Ok(UrlUpgrade {
            url: up.url,
            upgraded: up.upgraded,
            matched: up.matched.map(HstsMatch::from),
        })
    }

    /// Adds (or replaces) an entry directly: `expires` in seconds since the epoch, null
    /// for unlimited. Throws `ua.host.invalid` for an IP literal.
    #[napi(catch_unwind)]
    pub fn insert(
        &self,
        env: Env,
        host: String,
        include_sub_domains: bool,
        expires: Option<f64>,
        now: Option<f64>,
    ) -> Result<()> {
        let now = check(&env, now_or_clock(now))?;
        let expires = match expires {
            Some(e) => Some(check(&env, hstsguard::duration_from_f64(e))?),
            None => None,
        };
        check(
            &env,
            self.inner.insert(&host, include_sub_domains, expires, now),
        )
    }

    /// Removes the entry for exactly `host`; true when there was one.
    #[napi(catch_unwind)]
    pub fn remove(&self, env: Env, host: String) -> Result<bool> {
        check(&env, self.inner.remove(&host))
    }

    /// Removes every entry.
    #[napi(catch_unwind)]
    pub fn clear(&self) {
        self.inner.clear();
    }

    /// The live entries at `now`, sorted by host.
    #[napi(catch_unwind)]
    pub fn entries(&self, env: Env, now: Option<f64>) -> Result<Vec<KnownHostEntry>> {
        let now = check(&env, now_or_clock(now))?;
        Ok(self
            .inner
            .entries(now)
            .into_iter()
            .map(KnownHostEntry::from)
            .collect())
    }

    /// The number of entries held (expired ones included until they are evicted).
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        count(self.inner.len())
    }

    /// The store's capacity.
    #[napi(getter)]
    pub fn capacity(&self) -> u32 {
        count(self.inner.options().capacity)
    }

    /// Drops expired entries; returns how many.
    #[napi(catch_unwind)]
    pub fn purge_expired(&self, env: Env, now: Option<f64>) -> Result<u32> {
        let now = check(&env, now_or_clock(now))?;
        Ok(count(self.inner.purge_expired(now)))
    }

    /// Loads an HSTS cache file in curl's format (`curl --hsts FILE`). Malformed lines
    /// are skipped and reported with their line numbers; a host listed twice keeps the
    /// later expiry (and includeSubDomains if either line has it); expired lines are
    /// dropped; a missing file is an empty one. Throws `ua.store.is_directory` or
    /// `ua.store.io` (the store is then unchanged).
    #[napi(catch_unwind)]
    pub fn load(&self, env: Env, path: String, now: Option<f64>) -> Result<LoadReport> {
        let now = check(&env, now_or_clock(now))?;
        check(&env, self.inner.load(&path, now)).map(LoadReport::from)
    }

    /// Loads text in curl's HSTS cache format (as `load`).
    #[napi(catch_unwind)]
    pub fn load_text(&self, env: Env, text: String, now: Option<f64>) -> Result<LoadReport> {
        let now = check(&env, now_or_clock(now))?;
        Ok(LoadReport::from(self.inner.load_text(&text, now)))
    }

    /// Saves the store in curl's HSTS cache format, so `curl --hsts FILE` reads it.
    /// Under an advisory lock (`FILE.lock`) the file is read again and merged (entries
    /// this store changed win, entries another process saved are kept), then written to
    /// a temporary file renamed over the old one. Throws `ua.store.is_directory` or
    /// `ua.store.io` (the old file is then intact).
    #[napi(catch_unwind)]
    pub fn save(&self, env: Env, path: String, now: Option<f64>) -> Result<SaveReport> {
        let now = check(&env, now_or_clock(now))?;
        let r = check(&env, self.inner.save(&path, now))?;
        Ok(SaveReport {
            written: count(r.written),
            merged_from_file: count(r.merged_from_file),
        })
    }

    /// The live entries in curl's HSTS cache format (what `save` writes).
    #[napi(catch_unwind)]
    pub fn to_cache_text(&self, env: Env, now: Option<f64>) -> Result<String> {
        let now = check(&env, now_or_clock(now))?;
        Ok(self.inner.to_cache_text(now))
    }
}

/// The most specific entry of the embedded preload list for `host` or a superdomain
/// that counts (the host itself, or a superdomain with include_subdomains), or null.
/// A single-label host (`app`) does not match its TLD entry unless `allowSingleLabel`.
/// Throws `ua.host.invalid` / `ua.host.too_long` for a host that cannot be used.
///
/// ```js
/// preloadLookup('gist.github.com') // { entry: 'github.com', includeSubDomains: true, exact: false }
/// preloadLookup('example.com')     // null
/// ```
#[napi(catch_unwind)]
pub fn preload_lookup(
    env: Env,
    host: String,
    allow_single_label: Option<bool>,
) -> Result<Option<PreloadMatch>> {
    let list = ua::PreloadList::embedded();
    let m = check(
        &env,
        list.lookup_with(&host, allow_single_label.unwrap_or(false)),
    )?;
    Ok(m.map(|m| PreloadMatch {
        entry: m.entry().to_owned(),
        include_sub_domains: m.include_subdomains(),
        exact: m.is_exact(),
    }))
}

/// The embedded preload list: its date (`YYYY-MM-DD`), entries, size, and age at `now`.
#[napi(catch_unwind)]
pub fn preload_list_info(env: Env, now: Option<f64>) -> Result<PreloadListInfo> {
    let now = check(&env, now_or_clock(now))?;
    let list = ua::PreloadList::embedded();
    Ok(PreloadListInfo {
        date: list.date().to_string(),
        entries: count(list.len()),
        size_bytes: count(list.size_bytes()),
        age_seconds: list.age_seconds(now) as f64,
    })
}
