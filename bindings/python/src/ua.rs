//! The user-agent side (core module `hstsguard::ua`): `KnownHosts`, `preload_lookup`,
//! the embedded preload list's date, and their typed results.
//!
//! Every decision is the core's. Times are seconds since the epoch; a method called
//! without `now` reads the system clock (the clock of Python's `time.time()`). File work
//! (`load`, `save`) runs with the GIL released, so other Python threads go on.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use hstsguard::ua::{
    EntryKind, HstsMatch, KnownHosts, KnownHostsOptions, LoadReport, PreloadList, PreloadMatch,
    SaveReport, DEFAULT_CAPACITY,
};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::to_py;
use crate::sts::py_bool;

/// The system clock in seconds since the epoch (0 before 1970).
fn system_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn now_or_clock(now: Option<u64>) -> u64 {
    now.unwrap_or_else(system_now)
}

/// `'text'` or `None`, as Python's repr writes them.
fn py_opt_str(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        None => "None".to_owned(),
    }
}

fn py_opt_int(n: Option<u64>) -> String {
    n.map_or_else(|| "None".to_owned(), |n| n.to_string())
}

/// What `KnownHosts.receive` did: `result` is `"added"`, `"updated"`, `"deleted"` or
/// `"ignored"`; `reason` a code (`ua.receive.*`, `header.parse.*`, `response.no_header`)
/// or `None`.
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "ReceiveOutcome")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyReceiveOutcome {
    result: &'static str,
    reason: Option<&'static str>,
}

#[pymethods]
impl PyReceiveOutcome {
    /// `"added"`, `"updated"`, `"deleted"` or `"ignored"`.
    #[getter]
    fn result(&self) -> &'static str {
        self.result
    }

    /// Why (always for `"ignored"`; `ua.receive.knock_out` for a knock-out), else `None`.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.reason
    }

    /// True when the store changed (added, updated or deleted).
    #[getter]
    fn changed(&self) -> bool {
        self.result != "ignored"
    }

    /// `{"result": ..., "reason": ...}` (the shape of `hstsguard store receive --json`).
    fn to_dict(&self) -> std::collections::BTreeMap<&'static str, Option<&'static str>> {
        [("result", Some(self.result)), ("reason", self.reason)]
            .into_iter()
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "ReceiveOutcome(result='{}', reason={})",
            self.result,
            py_opt_str(self.reason)
        )
    }
}

/// The entry that makes a host an HSTS host: `entry` (the host or a superdomain),
/// `include_subdomains`, `expires` and `remaining_seconds` (`None` for `"unlimited"` and
/// preload entries), `source` (`"dynamic"` or `"preload"`).
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "HstsMatch")]
#[derive(PartialEq, Eq, Hash, Clone)]
pub(crate) struct PyHstsMatch {
    inner: HstsMatch,
}

#[pymethods]
impl PyHstsMatch {
    /// The matching entry's host (normalised).
    #[getter]
    fn entry(&self) -> &str {
        &self.inner.entry
    }

    /// The entry's includeSubDomains.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.inner.include_subdomains
    }

    /// Expiry in seconds since the epoch, or `None`.
    #[getter]
    fn expires(&self) -> Option<u64> {
        self.inner.expires
    }

    /// Seconds left at the lookup's time, or `None`.
    #[getter]
    fn remaining_seconds(&self) -> Option<u64> {
        self.inner.remaining_seconds
    }

    /// `"dynamic"` (sent by the site or loaded from a file) or `"preload"`.
    #[getter]
    fn source(&self) -> &'static str {
        self.inner.source.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "HstsMatch(entry='{}', include_subdomains={}, expires={}, remaining_seconds={}, source='{}')",
            self.inner.entry,
            py_bool(self.inner.include_subdomains),
            py_opt_int(self.inner.expires),
            py_opt_int(self.inner.remaining_seconds),
            self.inner.source.as_str()
        )
    }
}

/// The result of `KnownHosts.upgrade_url`: the `url` to use, whether it was `upgraded`,
/// and the entry that `matched` (also for an `https` URL of a known host).
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "UrlUpgrade")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyUrlUpgrade {
    url: String,
    upgraded: bool,
    matched: Option<PyHstsMatch>,
}

#[pymethods]
impl PyUrlUpgrade {
    /// The URL to use (upgraded to `https` when `upgraded`, else the input unchanged).
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Whether the URL was rewritten.
    #[getter]
    fn upgraded(&self) -> bool {
        self.upgraded
    }

    /// The entry that makes the host an HSTS host, or `None`.
    #[getter]
    fn matched(&self) -> Option<PyHstsMatch> {
        self.matched.clone()
    }

    /// True when the host is an HSTS host: the request must use HTTPS only, with
    /// certificate verification on.
    #[getter]
    fn known(&self) -> bool {
        self.matched.is_some()
    }

    fn __str__(&self) -> &str {
        &self.url
    }

    fn __repr__(&self) -> String {
        format!(
            "UrlUpgrade(url={}, upgraded={}, matched={})",
            py_opt_str(Some(&self.url)),
            py_bool(self.upgraded),
            self.matched
                .as_ref()
                .map_or_else(|| "None".to_owned(), PyHstsMatch::__repr__)
        )
    }
}

/// One live entry of a store: `host`, `include_subdomains`, `expires` (`None` for
/// `"unlimited"`), and `kind` (`"known_host"` or `"knock_out"`).
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "StoreEntry")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyStoreEntry {
    host: String,
    include_subdomains: bool,
    expires: Option<u64>,
    kind: &'static str,
}

#[pymethods]
impl PyStoreEntry {
    /// The host (normalised).
    #[getter]
    fn host(&self) -> &str {
        &self.host
    }

    /// includeSubDomains.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// Expiry in seconds since the epoch; `None` for `"unlimited"` and knock-outs.
    #[getter]
    fn expires(&self) -> Option<u64> {
        self.expires
    }

    /// `"known_host"`, or `"knock_out"` (a preloaded host that sent `max-age=0`).
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn __repr__(&self) -> String {
        format!(
            "StoreEntry(host='{}', include_subdomains={}, expires={}, kind='{}')",
            self.host,
            py_bool(self.include_subdomains),
            py_opt_int(self.expires),
            self.kind
        )
    }
}

/// What loading curl's cache text found: `loaded`, `expired`, `duplicates`, and
/// `skipped`, a list of `(line, code, message)` for malformed lines (loading goes on).
#[pyclass(frozen, module = "hstsguard", name = "LoadReport")]
pub(crate) struct PyLoadReport {
    inner: LoadReport,
}

#[pymethods]
impl PyLoadReport {
    /// Entries taken from the text.
    #[getter]
    fn loaded(&self) -> usize {
        self.inner.loaded
    }

    /// Lines dropped because their entry had expired.
    #[getter]
    fn expired(&self) -> usize {
        self.inner.expired
    }

    /// Lines for a host listed earlier (merged).
    #[getter]
    fn duplicates(&self) -> usize {
        self.inner.duplicates
    }

    /// Skipped lines: `(line number from 1, code, message)`.
    #[getter]
    fn skipped(&self) -> Vec<(usize, &'static str, String)> {
        self.inner
            .skipped
            .iter()
            .map(|s| (s.line, s.code.as_str(), s.message.clone()))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "LoadReport(loaded={}, expired={}, duplicates={}, skipped={})",
            self.inner.loaded,
            self.inner.expired,
            self.inner.duplicates,
            self.inner.skipped.len()
        )
    }
}

/// What `KnownHosts.save` wrote: `written` entries, of which `merged_from_file` came
/// from what another process had saved meanwhile.
#[pyclass(frozen, module = "hstsguard", name = "SaveReport")]
pub(crate) struct PySaveReport {
    inner: SaveReport,
}

#[pymethods]
impl PySaveReport {
    /// Entries written (known hosts and knock-outs).
    #[getter]
    fn written(&self) -> usize {
        self.inner.written
    }

    /// Entries taken from the file that another process had saved meanwhile.
    #[getter]
    fn merged_from_file(&self) -> usize {
        self.inner.merged_from_file
    }

    fn __repr__(&self) -> String {
        format!(
            "SaveReport(written={}, merged_from_file={})",
            self.inner.written, self.inner.merged_from_file
        )
    }
}

/// A preload list entry that matched: `entry` (the host or a superdomain),
/// `include_subdomains`, `exact` (the entry is the host itself).
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "PreloadMatch")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyPreloadMatch {
    entry: String,
    include_subdomains: bool,
    exact: bool,
}

impl PyPreloadMatch {
    fn from_core(m: &PreloadMatch<'_>) -> PyPreloadMatch {
        PyPreloadMatch {
            entry: m.entry().to_owned(),
            include_subdomains: m.include_subdomains(),
            exact: m.is_exact(),
        }
    }
}

#[pymethods]
impl PyPreloadMatch {
    /// The matching entry's name.
    #[getter]
    fn entry(&self) -> &str {
        &self.entry
    }

    /// The entry's include_subdomains flag.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.include_subdomains
    }

    /// True when the entry is the host itself.
    #[getter]
    fn exact(&self) -> bool {
        self.exact
    }

    fn __repr__(&self) -> String {
        format!(
            "PreloadMatch(entry='{}', include_subdomains={}, exact={})",
            self.entry,
            py_bool(self.include_subdomains),
            py_bool(self.exact)
        )
    }
}

/// `preload_lookup(host, *, allow_single_label=False)`: the embedded preload list's most
/// specific entry for `host` or a superdomain that counts, or `None`. A single-label host
/// (`app`) does not match its TLD entry unless `allow_single_label`.
#[pyfunction]
#[pyo3(signature = (host, *, allow_single_label = false))]
pub(crate) fn preload_lookup(
    host: &str,
    allow_single_label: bool,
) -> PyResult<Option<PyPreloadMatch>> {
    let m = PreloadList::embedded()
        .lookup_with(host, allow_single_label)
        .map_err(to_py)?;
    Ok(m.as_ref().map(PyPreloadMatch::from_core))
}

/// `preload_list_age(now=None)`: the embedded list's age in seconds at `now`.
#[pyfunction]
#[pyo3(signature = (now = None))]
pub(crate) fn preload_list_age(now: Option<u64>) -> u64 {
    PreloadList::embedded().age_seconds(now_or_clock(now))
}

/// The date (`YYYY-MM-DD`) and number of entries of the embedded list.
pub(crate) fn embedded_list_facts() -> (String, usize) {
    let list = PreloadList::embedded();
    (list.date().to_string(), list.len())
}

/// A Known HSTS Host store (RFC 6797 §8) with a preload list behind it. Thread-safe: one
/// store is shared by every thread of the process.
#[pyclass(frozen, module = "hstsguard", name = "KnownHosts")]
pub(crate) struct PyKnownHosts {
    inner: KnownHosts,
    preload_date: Option<String>,
}

// The signature of `KnownHosts.__new__` spells the default capacity out (stubtest
// compares it with the stub); this fails the build if the core's default changes.
const _: () = assert!(DEFAULT_CAPACITY == 10_000);

fn match_of(m: Option<HstsMatch>) -> Option<PyHstsMatch> {
    m.map(|inner| PyHstsMatch { inner })
}

#[pymethods]
impl PyKnownHosts {
    /// `KnownHosts(*, capacity=10000, preload=True, allow_single_label_preload=False,
    /// preload_max_age=None)`. `preload` is `True` (the embedded list), `False` (none) or
    /// the path of a list compiled by `hstsguard preload compile`. `preload_max_age`
    /// (seconds) ignores the list once it is older than that at a lookup's time.
    #[new]
    #[pyo3(signature = (*, capacity = 10_000, preload = None, allow_single_label_preload = false, preload_max_age = None))]
    fn new(
        py: Python<'_>,
        capacity: usize,
        preload: Option<&Bound<'_, PyAny>>,
        allow_single_label_preload: bool,
        preload_max_age: Option<u64>,
    ) -> PyResult<PyKnownHosts> {
        let list = match preload {
            None => Some(PreloadList::embedded().clone()),
            Some(obj) if obj.is_instance_of::<pyo3::types::PyBool>() => {
                if obj.extract::<bool>()? {
                    Some(PreloadList::embedded().clone())
                } else {
                    None
                }
            }
            Some(obj) => {
                let path: PathBuf = obj.extract()?;
                Some(py.detach(|| PreloadList::from_file(&path)).map_err(to_py)?)
            }
        };
        let preload_date = list.as_ref().map(|l| l.date().to_string());
        let options = KnownHostsOptions {
            capacity,
            preload: list,
            allow_single_label_preload,
            preload_max_age,
        };
        Ok(PyKnownHosts {
            inner: KnownHosts::with_options(options),
            preload_date,
        })
    }

    /// The most entries kept.
    #[getter]
    fn capacity(&self) -> usize {
        self.inner.options().capacity
    }

    /// The date (`YYYY-MM-DD`) of the preload list behind the store, or `None`.
    #[getter]
    fn preload_list_date(&self) -> Option<&str> {
        self.preload_date.as_deref()
    }

    /// The preload list's maximum age in seconds, or `None` (always used).
    #[getter]
    fn preload_max_age(&self) -> Option<u64> {
        self.inner.options().preload_max_age
    }

    /// Whether the preload list is consulted at `now` (present and not too old).
    #[pyo3(signature = (*, now = None))]
    fn preload_in_use(&self, now: Option<u64>) -> bool {
        self.inner.preload_in_use(now_or_clock(now)).is_some()
    }

    /// `receive(host, fields, *, secure=True, now=None)`: records the
    /// `Strict-Transport-Security` field values of one response from `host` (a string
    /// or the list of every field, in order). `secure` is whether the response came over
    /// a verified secure transport (RFC 6797 §8.1: otherwise it is ignored).
    #[pyo3(signature = (host, fields, *, secure = true, now = None))]
    fn receive(
        &self,
        host: &str,
        fields: &Bound<'_, PyAny>,
        secure: bool,
        now: Option<u64>,
    ) -> PyResult<PyReceiveOutcome> {
        let fields: Vec<String> = if let Ok(s) = fields.cast::<PyString>() {
            vec![s.extract::<String>()?]
        } else {
            fields.extract()?
        };
        let out = self
            .inner
            .receive(host, &fields, secure, now_or_clock(now))
            .map_err(to_py)?;
        Ok(PyReceiveOutcome {
            result: out.result.as_str(),
            reason: out.reason_str(),
        })
    }

    /// `lookup(host, *, now=None)`: the entry that makes `host` an HSTS host (dynamic
    /// entries first, then the preload list), or `None`.
    #[pyo3(signature = (host, *, now = None))]
    fn lookup(&self, host: &str, now: Option<u64>) -> PyResult<Option<PyHstsMatch>> {
        Ok(match_of(
            self.inner.lookup(host, now_or_clock(now)).map_err(to_py)?,
        ))
    }

    /// `should_upgrade(host, *, now=None)`: whether requests to `host` must use HTTPS.
    #[pyo3(signature = (host, *, now = None))]
    fn should_upgrade(&self, host: &str, now: Option<u64>) -> PyResult<bool> {
        self.inner
            .should_upgrade(host, now_or_clock(now))
            .map_err(to_py)
    }

    /// `upgrade_url(url, *, now=None)`: `http` to `https` for an HSTS host (port 80
    /// becomes the default port, any other port is kept). A URL that cannot be parsed
    /// raises `UrlError`.
    #[pyo3(signature = (url, *, now = None))]
    fn upgrade_url(&self, url: &str, now: Option<u64>) -> PyResult<PyUrlUpgrade> {
        let up = self
            .inner
            .upgrade_url(url, now_or_clock(now))
            .map_err(to_py)?;
        Ok(PyUrlUpgrade {
            url: up.url,
            upgraded: up.upgraded,
            matched: match_of(up.matched),
        })
    }

    /// `insert(host, *, include_subdomains=False, expires=None, now=None)`: adds or
    /// replaces an entry directly (`expires=None` is `"unlimited"`).
    #[pyo3(signature = (host, *, include_subdomains = false, expires = None, now = None))]
    fn insert(
        &self,
        host: &str,
        include_subdomains: bool,
        expires: Option<u64>,
        now: Option<u64>,
    ) -> PyResult<()> {
        self.inner
            .insert(host, include_subdomains, expires, now_or_clock(now))
            .map_err(to_py)
    }

    /// `remove(host)`: removes the host's own entry; True if there was one.
    fn remove(&self, host: &str) -> PyResult<bool> {
        self.inner.remove(host).map_err(to_py)
    }

    /// Removes every entry.
    fn clear(&self) {
        self.inner.clear();
    }

    /// The live entries at `now`, sorted by host.
    #[pyo3(signature = (*, now = None))]
    fn entries(&self, now: Option<u64>) -> Vec<PyStoreEntry> {
        self.inner
            .entries(now_or_clock(now))
            .into_iter()
            .map(|e| PyStoreEntry {
                host: e.host,
                include_subdomains: e.include_subdomains,
                expires: e.expires,
                kind: match e.kind {
                    EntryKind::KnownHost => "known_host",
                    EntryKind::KnockOut => "knock_out",
                },
            })
            .collect()
    }

    /// Drops expired entries; returns how many.
    #[pyo3(signature = (*, now = None))]
    fn purge_expired(&self, now: Option<u64>) -> usize {
        self.inner.purge_expired(now_or_clock(now))
    }

    /// The live entries in curl's HSTS cache format.
    #[pyo3(signature = (*, now = None))]
    fn to_cache_text(&self, now: Option<u64>) -> String {
        self.inner.to_cache_text(now_or_clock(now))
    }

    /// `load_text(text, *, now=None)`: merges curl's cache text into the store.
    #[pyo3(signature = (text, *, now = None))]
    fn load_text(&self, text: &str, now: Option<u64>) -> PyLoadReport {
        PyLoadReport {
            inner: self.inner.load_text(text, now_or_clock(now)),
        }
    }

    /// `load(path, *, now=None)`: merges a cache file (curl's format; a missing file is
    /// empty). Malformed lines are skipped and listed in the report. Releases the GIL.
    #[pyo3(signature = (path, *, now = None))]
    fn load(&self, py: Python<'_>, path: PathBuf, now: Option<u64>) -> PyResult<PyLoadReport> {
        let now = now_or_clock(now);
        let inner = py.detach(|| self.inner.load(&path, now)).map_err(to_py)?;
        Ok(PyLoadReport { inner })
    }

    /// `save(path, *, now=None)`: writes the store in curl's format (temporary file and
    /// rename, under an advisory lock, merged with what another process saved
    /// meanwhile). Raises `StoreFileError`; the store is unchanged then. Releases the GIL.
    #[pyo3(signature = (path, *, now = None))]
    fn save(&self, py: Python<'_>, path: PathBuf, now: Option<u64>) -> PyResult<PySaveReport> {
        let now = now_or_clock(now);
        let inner = py.detach(|| self.inner.save(&path, now)).map_err(to_py)?;
        Ok(PySaveReport { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, host: &str) -> PyResult<bool> {
        self.should_upgrade(host, None)
    }

    fn __repr__(&self) -> String {
        format!(
            "KnownHosts(entries={}, capacity={}, preload_list_date={})",
            self.inner.len(),
            self.inner.options().capacity,
            py_opt_str(self.preload_date.as_deref())
        )
    }
}
