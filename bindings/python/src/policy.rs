//! `hstsguard.Policy`: one immutable policy, built once; `evaluate` per request.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use hstsguard::config::PolicyDocument;
use hstsguard::cookies::CookieAttributes;
use hstsguard::hsts::RampStage;
use hstsguard::policy::{Action, Decision, Policy};
use hstsguard::RequestFacts;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString, PyType};
use serde_json::Value;

use crate::convert::{to_json, type_error};
use crate::errors::to_py;
use crate::hpkp::PyHpkpHeader;
use crate::issue::PyIssue;
use crate::sts::{py_bool, PyHstsPolicy};

/// The policy: HSTS, proxy trust, redirects, cookie rules and HPKP, validated at once.
/// Build it once (at start-up) and share it; it is immutable and thread-safe.
#[pyclass(frozen, module = "hstsguard", name = "Policy")]
pub(crate) struct PyPolicy {
    pub(crate) inner: Arc<Policy>,
}

impl PyPolicy {
    pub(crate) fn from_value(doc: &Value) -> PyResult<PyPolicy> {
        Policy::from_value(doc)
            .map(|p| PyPolicy { inner: Arc::new(p) })
            .map_err(to_py)
    }
}

/// Request headers from a mapping or an iterable of `(name, value)` pairs.
fn headers_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if obj.is_none() {
        return Ok(Vec::new());
    }
    let pairs = if let Ok(d) = obj.cast::<PyDict>() {
        d.items().into_any()
    } else if let Ok(m) = obj.cast::<PyMapping>() {
        m.items()?.into_any()
    } else if obj.is_instance_of::<PyString>() {
        return Err(type_error(
            "headers",
            "a mapping or a list of (name, value) pairs",
            obj,
        ));
    } else {
        obj.clone()
    };
    let wrong = || {
        type_error(
            "headers",
            "a mapping or a list of (name, value) pairs of str",
            obj,
        )
    };
    let mut out = Vec::new();
    for item in pairs.try_iter()? {
        let pair: Vec<String> = item?.extract().map_err(|_| wrong())?;
        match <[String; 2]>::try_from(pair) {
            Ok([name, value]) => out.push((name, value)),
            Err(_) => return Err(wrong()),
        }
    }
    Ok(out)
}

/// The peer address, read by the core's one peer reader; text it cannot read raises
/// `HstsGuardError` with the code `argument.invalid_peer`.
fn peer_arg(peer: Option<&str>) -> PyResult<Option<IpAddr>> {
    peer.map(hstsguard::parse_peer).transpose().map_err(to_py)
}

/// What the core decided for one request, owned (the core's `Decision` borrows the
/// policy).
#[pyclass(frozen, module = "hstsguard", name = "Decision")]
pub(crate) struct PyDecision {
    action: &'static str,
    status: Option<u16>,
    location: Option<String>,
    secure: bool,
    headers: Vec<(&'static str, String)>,
    reason: Option<&'static str>,
    message: Option<String>,
    explain: String,
}

impl PyDecision {
    pub(crate) fn from_core(d: &Decision<'_>) -> PyDecision {
        let (location, reason, message) = match d.action() {
            Action::Pass => (None, None, None),
            Action::Redirect { location, .. } => (Some(location.clone()), None, None),
            Action::Reject { code, reason, .. } => {
                (None, Some(code.as_str()), Some(reason.clone()))
            }
        };
        PyDecision {
            action: d.action().as_str(),
            status: d.action().status(),
            location,
            secure: d.secure(),
            headers: d.headers().map(|h| (h.name, h.value.to_owned())).collect(),
            reason,
            message,
            explain: d.explain(),
        }
    }
}

#[pymethods]
impl PyDecision {
    /// `"pass"`, `"redirect"` or `"reject"`.
    #[getter]
    fn action(&self) -> &'static str {
        self.action
    }

    /// The status of a redirect (301, 302, 303, 307, 308) or reject (400, 403, 426).
    #[getter]
    fn status(&self) -> Option<u16> {
        self.status
    }

    /// The `https://` URL of a redirect.
    #[getter]
    fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// True when the request arrived over TLS or through a trusted proxy that says so.
    #[getter]
    fn secure(&self) -> bool {
        self.secure
    }

    /// The headers to add to the response (HSTS, HPKP), name to value.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.headers {
            d.set_item(*k, v)?;
        }
        Ok(d)
    }

    /// The code of a reject (`host.missing`, `host.malformed`, `host.not_allowed`,
    /// `redirect.method_refused`), else None.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.reason
    }

    /// The log message of a reject, else None.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// One line for logs, e.g. `redirect 308 to https://example.com/x (plain HTTP)`.
    fn explain(&self) -> &str {
        &self.explain
    }

    /// `{"action", "status", "location", "secure", "headers", "reason"}`, the shape of
    /// `hstsguard redirect --json`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("action", self.action)?;
        d.set_item("status", self.status)?;
        d.set_item("location", &self.location)?;
        d.set_item("secure", self.secure)?;
        d.set_item("headers", self.headers(py)?)?;
        d.set_item("reason", self.reason)?;
        Ok(d)
    }

    fn __str__(&self) -> &str {
        &self.explain
    }

    fn __repr__(&self) -> String {
        format!("<Decision {}>", self.explain)
    }
}

/// The outcome of `Policy.flag_set_cookie`.
#[pyclass(frozen, module = "hstsguard", name = "FlaggedCookie")]
pub(crate) struct PyFlaggedCookie {
    value: String,
    changed: bool,
    issues: Vec<hstsguard::Issue>,
}

#[pymethods]
impl PyFlaggedCookie {
    /// The `Set-Cookie` value to send.
    #[getter]
    fn value(&self) -> &str {
        &self.value
    }

    /// True when the value differs from the input.
    #[getter]
    fn changed(&self) -> bool {
        self.changed
    }

    /// Every issue found.
    #[getter]
    fn issues(&self) -> Vec<PyIssue> {
        PyIssue::list(&self.issues)
    }

    /// The attributes of the value to send, as user agents read them (the core's reader).
    #[getter]
    fn attributes(&self) -> PyCookieAttributes {
        PyCookieAttributes::of(&CookieAttributes::of(&self.value))
    }

    /// `{"set_cookie", "changed", "issues": [{...}]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("set_cookie", &self.value)?;
        d.set_item("changed", self.changed)?;
        let issues = self
            .issues
            .iter()
            .map(|i| crate::convert::to_py(py, &i.to_json()))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("issues", issues)?;
        Ok(d)
    }

    fn __str__(&self) -> &str {
        &self.value
    }

    fn __repr__(&self) -> String {
        format!(
            "FlaggedCookie({:?}, changed={})",
            self.value,
            py_bool(self.changed)
        )
    }
}

/// The attributes of a `Set-Cookie` value, as user agents read them.
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "CookieAttributes")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyCookieAttributes {
    name: String,
    secure: bool,
    http_only: bool,
    same_site: Option<&'static str>,
    path: Option<String>,
    domain: bool,
}

impl PyCookieAttributes {
    fn of(a: &CookieAttributes<'_>) -> PyCookieAttributes {
        PyCookieAttributes {
            name: a.name.to_owned(),
            secure: a.secure,
            http_only: a.http_only,
            same_site: a.same_site.map(|s| s.as_str()),
            path: a.path.map(str::to_owned),
            domain: a.domain,
        }
    }
}

#[pymethods]
impl PyCookieAttributes {
    /// The cookie name (empty for a nameless cookie).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// `Secure` is present.
    #[getter]
    fn secure(&self) -> bool {
        self.secure
    }

    /// `HttpOnly` is present.
    #[getter]
    fn http_only(&self) -> bool {
        self.http_only
    }

    /// The last `SameSite` value when user agents know it: `"Strict"`, `"Lax"` or `"None"`.
    #[getter]
    fn same_site(&self) -> Option<&'static str> {
        self.same_site
    }

    /// The last `Path` value.
    #[getter]
    fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// A `Domain` attribute is present.
    #[getter]
    fn domain(&self) -> bool {
        self.domain
    }

    fn __repr__(&self) -> String {
        format!(
            "CookieAttributes(name={:?}, secure={}, http_only={}, same_site={}, path={}, domain={})",
            self.name,
            py_bool(self.secure),
            py_bool(self.http_only),
            self.same_site.map_or("None".to_owned(), |s| format!("{s:?}")),
            self.path.as_ref().map_or("None".to_owned(), |p| format!("{p:?}")),
            py_bool(self.domain),
        )
    }
}

/// One stage of an `[hsts.ramp]` schedule.
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "HstsStage")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyHstsStage {
    starts: u64,
    starts_rfc3339: String,
    max_age: u64,
    value: String,
}

impl PyHstsStage {
    fn of(s: &RampStage) -> PyHstsStage {
        PyHstsStage {
            starts: s.starts,
            starts_rfc3339: s.starts_rfc3339(),
            max_age: s.max_age,
            value: s.value.to_string(),
        }
    }
}

#[pymethods]
impl PyHstsStage {
    /// When the stage starts, in seconds since the epoch (UTC midnight of the ramp's
    /// `start` for the first stage, which is also sent before the ramp starts).
    #[getter]
    fn starts(&self) -> u64 {
        self.starts
    }

    /// The max-age of the stage.
    #[getter]
    fn max_age(&self) -> u64 {
        self.max_age
    }

    /// The Strict-Transport-Security value sent during the stage.
    #[getter]
    fn value(&self) -> &str {
        &self.value
    }

    /// `{"starts": "2026-12-08T00:00:00Z", "max_age": int, "value": str}`, an entry of
    /// `report()["schedule"]`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("starts", &self.starts_rfc3339)?;
        d.set_item("max_age", self.max_age)?;
        d.set_item("value", &self.value)?;
        Ok(d)
    }

    fn __str__(&self) -> &str {
        &self.value
    }

    fn __repr__(&self) -> String {
        format!(
            "HstsStage(starts={:?}, max_age={}, value={:?})",
            self.starts_rfc3339, self.max_age, self.value
        )
    }
}

#[pymethods]
impl PyPolicy {
    /// `Policy(hsts={...}, redirect={...}, ...)`: the sections of a policy document
    /// (docs/POLICY.md) as keyword arguments; `Policy()` is the default policy.
    #[new]
    #[pyo3(signature = (**sections))]
    fn new(sections: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let doc = match sections {
            Some(d) => to_json(d.as_any(), "")?,
            None => Value::Object(Default::default()),
        };
        PyPolicy::from_value(&doc)
    }

    /// A policy from a dict with the keys of a policy document.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, doc: &Bound<'_, PyAny>) -> PyResult<Self> {
        PyPolicy::from_value(&to_json(doc, "")?)
    }

    /// A policy from a TOML document.
    #[classmethod]
    fn from_toml(_cls: &Bound<'_, PyType>, text: String) -> PyResult<Self> {
        Policy::from_toml(&text)
            .map(|p| PyPolicy { inner: Arc::new(p) })
            .map_err(to_py)
    }

    /// A policy from a JSON document.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: String) -> PyResult<Self> {
        Policy::from_json(&text)
            .map(|p| PyPolicy { inner: Arc::new(p) })
            .map_err(to_py)
    }

    /// A policy file: JSON when the name ends in `.json` or the text starts with `{`,
    /// TOML otherwise. A file that cannot be read raises `PolicyFileError` (code `io`).
    #[classmethod]
    fn from_file(_cls: &Bound<'_, PyType>, path: PathBuf) -> PyResult<Self> {
        Policy::from_file(path)
            .map(|p| PyPolicy { inner: Arc::new(p) })
            .map_err(to_py)
    }

    /// Deploy warnings found when the policy was built.
    #[getter]
    fn warnings(&self) -> Vec<PyIssue> {
        PyIssue::list(self.inner.warnings())
    }

    /// The HSTS policy, or None when HSTS is disabled.
    #[getter]
    fn hsts(&self) -> Option<PyHstsPolicy> {
        let h = self.inner.hsts();
        h.enabled.then(|| PyHstsPolicy::from_core(h.policy))
    }

    /// The stages of the `[hsts.ramp]`, in order, or None without a ramp (or with HSTS
    /// off). `hsts` is the last stage.
    #[getter]
    fn hsts_schedule(&self) -> Option<Vec<PyHstsStage>> {
        let h = self.inner.hsts();
        let ramp = h.ramp.as_ref().filter(|_| h.enabled)?;
        Some(ramp.stages().iter().map(PyHstsStage::of).collect())
    }

    /// The Strict-Transport-Security value sent at `now` (seconds since the epoch;
    /// default: the clock) to a secure request for an ordinary host, following the ramp
    /// when there is one; None when HSTS is off.
    #[pyo3(signature = (now = None))]
    fn hsts_value_at(&self, now: Option<u64>) -> Option<&str> {
        let now = now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
        self.inner.hsts_value_at(now)
    }

    /// The HPKP header, when configured.
    #[getter]
    fn hpkp(&self) -> Option<PyHpkpHeader> {
        self.inner.hpkp().map(|h| PyHpkpHeader { inner: h.clone() })
    }

    /// `{"ok": True, "errors": [], "warnings": [{...}], "hsts": str | None,
    /// "schedule": [{"starts", "max_age", "value"}] | None}`, the shape of
    /// `hstsguard policy check --json`.
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(crate::convert::to_py(py, &self.inner.report_json())?.cast_into::<PyDict>()?)
    }

    /// Decides one request: pass, redirect to HTTPS or reject, and which headers to add.
    /// `headers` is a mapping or a list of `(name, value)` pairs (with a list, the first
    /// field of a name counts: combine repeated fields with `", "` as a server does);
    /// `peer` is the address that connected (a proxy, when there is one).
    #[pyo3(signature = (*, method = "GET".to_owned(), tls = false, host = None, target = "/".to_owned(), peer = None, headers = None))]
    #[pyo3(
        text_signature = "(self, *, method='GET', tls=False, host=None, target='/', peer=None, headers=None)"
    )]
    fn evaluate(
        &self,
        method: String,
        tls: bool,
        host: Option<String>,
        target: String,
        peer: Option<String>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDecision> {
        let headers = headers_arg(headers)?;
        let peer = peer_arg(peer.as_deref())?;
        let facts =
            RequestFacts::new(&method, tls, host.as_deref(), &target, &headers).with_peer(peer);
        Ok(PyDecision::from_core(&self.inner.evaluate(&facts)))
    }

    /// Is the request secure (TLS, or a trusted proxy says so)? Same arguments as
    /// `evaluate`.
    #[pyo3(signature = (*, method = "GET".to_owned(), tls = false, host = None, target = "/".to_owned(), peer = None, headers = None))]
    #[pyo3(
        text_signature = "(self, *, method='GET', tls=False, host=None, target='/', peer=None, headers=None)"
    )]
    fn is_secure(
        &self,
        method: String,
        tls: bool,
        host: Option<String>,
        target: String,
        peer: Option<String>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let headers = headers_arg(headers)?;
        let peer = peer_arg(peer.as_deref())?;
        let facts =
            RequestFacts::new(&method, tls, host.as_deref(), &target, &headers).with_peer(peer);
        Ok(self.inner.is_secure(&facts))
    }

    /// Flags one `Set-Cookie` value (without `Set-Cookie:`) per the cookie rules, for a
    /// response to a request that was `secure` or not.
    fn flag_set_cookie(&self, set_cookie: String, secure: bool) -> PyFlaggedCookie {
        let f = self.inner.flag_set_cookie(&set_cookie, secure);
        PyFlaggedCookie {
            value: f.value().to_owned(),
            changed: f.changed(),
            issues: f.issues().to_vec(),
        }
    }

    fn __repr__(&self) -> String {
        let h = self.inner.hsts();
        let hsts = if h.enabled { h.policy.value() } else { "off" };
        let r = self.inner.redirect();
        format!(
            "<Policy hsts={hsts:?} redirect={} warnings={:?}>",
            if r.enabled() { "on" } else { "off" },
            self.inner
                .warnings()
                .iter()
                .map(|w| w.code().as_str())
                .collect::<Vec<_>>()
        )
    }
}

/// `read_policy_file(path)`: a policy file read into a dict without building the policy
/// (for layering it over other settings): the core's document reader, with the detection
/// rules of `Policy.from_file` (JSON when the name ends in `.json` or the text starts
/// with `{`, TOML otherwise). Every key is checked for its type (`ConfigError` lists
/// every problem, with its path in the file); the dict holds the keys the file sets,
/// written as a JSON document would write them (durations as `"2y"`).
#[pyfunction]
pub(crate) fn read_policy_file<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyAny>> {
    let doc = PolicyDocument::from_file(path).map_err(to_py)?;
    crate::convert::to_py(py, &doc.to_value())
}
