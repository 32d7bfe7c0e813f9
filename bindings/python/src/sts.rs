//! The `Strict-Transport-Security` header: `HstsPolicy`, `parse_sts`, durations.

use hstsguard::{DurationErrorKind, Error, HstsPolicy, ParsedSts};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple};

use crate::convert::type_error;
use crate::errors::to_py;
use crate::issue::PyIssue;
use crate::preload::PyPreloadVerdict;

const DURATION_TYPES: &str = "an int (seconds) or a duration string such as \"1y\"";

/// A max-age argument: an int, or a duration string (`"300"`, `"18w"`, `"1y"`). A float
/// is refused as a policy document refuses it (`duration.fractional`,
/// `duration.negative`, `duration.not_a_number`), so `3600.0` never becomes a header.
pub(crate) fn duration_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(what, DURATION_TYPES, obj));
    }
    if obj.is_instance_of::<PyInt>() {
        return hstsguard::parse_duration(&obj.str()?.to_cow()?).map_err(to_py);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return hstsguard::parse_duration(&s.to_cow()?).map_err(to_py);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        let kind = if !v.is_finite() {
            DurationErrorKind::NotANumber
        } else if v < 0.0 || (v == 0.0 && v.is_sign_negative()) {
            DurationErrorKind::Negative
        } else {
            DurationErrorKind::Fractional
        };
        return Err(to_py(Error::InvalidDuration {
            value: obj.repr()?.to_cow()?.into_owned(),
            kind,
        }));
    }
    Err(type_error(what, DURATION_TYPES, obj))
}

/// `parse_duration(value)`: seconds from `"300"`, `"5m"`, `"18w"`, `"1y"`, an int, or a
/// float holding a whole number (`31536000.0`). Raises `DurationError` with the core's
/// code (`duration.negative`, `duration.fractional`, ...).
#[pyfunction]
pub(crate) fn parse_duration(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(f) = value.cast::<PyFloat>() {
        return hstsguard::duration_from_f64(f.value()).map_err(to_py);
    }
    duration_arg(value, "value")
}

/// `format_duration(seconds)`: the largest exact unit, `31536000` -> `"1y"`.
#[pyfunction]
pub(crate) fn format_duration(seconds: u64) -> String {
    hstsguard::format_duration(seconds)
}

/// An HSTS policy: max-age, includeSubDomains and preload. Immutable; `str()` is the
/// header value.
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "HstsPolicy")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyHstsPolicy {
    pub(crate) inner: HstsPolicy,
}

impl PyHstsPolicy {
    pub(crate) fn from_core(inner: HstsPolicy) -> PyHstsPolicy {
        PyHstsPolicy { inner }
    }
}

#[pymethods]
impl PyHstsPolicy {
    #[new]
    #[pyo3(signature = (max_age, *, include_subdomains, preload = false))]
    fn new(max_age: &Bound<'_, PyAny>, include_subdomains: bool, preload: bool) -> PyResult<Self> {
        let seconds = duration_arg(max_age, "max_age")?;
        let p = HstsPolicy::new(seconds, include_subdomains);
        Ok(PyHstsPolicy::from_core(if preload {
            p.with_preload()
        } else {
            p
        }))
    }

    /// A policy that covers subdomains (`includeSubDomains`).
    #[staticmethod]
    fn including_subdomains(max_age: &Bound<'_, PyAny>) -> PyResult<Self> {
        let seconds = duration_arg(max_age, "max_age")?;
        Ok(PyHstsPolicy::from_core(HstsPolicy::including_subdomains(
            seconds,
        )))
    }

    /// A policy for this host only.
    #[staticmethod]
    fn excluding_subdomains(max_age: &Bound<'_, PyAny>) -> PyResult<Self> {
        let seconds = duration_arg(max_age, "max_age")?;
        Ok(PyHstsPolicy::from_core(HstsPolicy::excluding_subdomains(
            seconds,
        )))
    }

    /// `max-age=0`: tells browsers to forget the host.
    #[staticmethod]
    fn removal() -> Self {
        PyHstsPolicy::from_core(HstsPolicy::removal())
    }

    /// Parses a header value strictly; raises `HeaderError` (with the first error's code)
    /// when browsers would ignore it.
    #[staticmethod]
    fn parse(value: &str) -> PyResult<Self> {
        value
            .parse::<HstsPolicy>()
            .map(PyHstsPolicy::from_core)
            .map_err(to_py)
    }

    /// The same policy with `preload`.
    fn with_preload(&self) -> Self {
        PyHstsPolicy::from_core(self.inner.with_preload())
    }

    /// The same policy without `preload`.
    fn without_preload(&self) -> Self {
        PyHstsPolicy::from_core(self.inner.without_preload())
    }

    /// max-age in seconds.
    #[getter]
    fn max_age(&self) -> u64 {
        self.inner.max_age()
    }

    /// True when the policy covers subdomains.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.inner.include_subdomains()
    }

    /// True when the header carries `preload`.
    #[getter]
    fn preload(&self) -> bool {
        self.inner.preload()
    }

    /// The header value, `max-age=N[; includeSubDomains][; preload]`.
    #[getter]
    fn value(&self) -> &str {
        self.inner.value()
    }

    /// The hstspreload.org verdict on this header.
    fn preload_check(&self) -> PyPreloadVerdict {
        PyPreloadVerdict::from_core(self.inner.preload_verdict())
    }

    fn __str__(&self) -> &str {
        self.inner.value()
    }

    fn __repr__(&self) -> String {
        format!(
            "HstsPolicy(max_age={}, include_subdomains={}, preload={})",
            self.inner.max_age(),
            py_bool(self.inner.include_subdomains()),
            py_bool(self.inner.preload())
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let parse = slf.get_type().getattr("parse")?;
        let args = PyTuple::new(py, [slf.get().inner.value()])?;
        Ok((parse, args))
    }
}

/// A list of strings as Python writes it: `['a', 'b']`.
pub(crate) fn py_list(items: &[&str]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")))
        .collect();
    format!("[{}]", inner.join(", "))
}

pub(crate) fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The result of parsing a received `Strict-Transport-Security` value.
#[pyclass(frozen, module = "hstsguard", name = "ParsedSts")]
pub(crate) struct PyParsedSts {
    pub(crate) inner: ParsedSts,
}

#[pymethods]
impl PyParsedSts {
    /// True when browsers would honour the header.
    #[getter]
    fn valid(&self) -> bool {
        self.inner.is_valid()
    }

    /// The max-age that was read, if a well-formed one was.
    #[getter]
    fn max_age(&self) -> Option<u64> {
        self.inner.max_age()
    }

    /// True when a valueless `includeSubDomains` was seen.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.inner.include_subdomains()
    }

    /// True when a valueless `preload` was seen.
    #[getter]
    fn preload(&self) -> bool {
        self.inner.preload()
    }

    /// Every issue, in the order found.
    #[getter]
    fn issues(&self) -> Vec<PyIssue> {
        PyIssue::list(self.inner.issues())
    }

    /// The policy, when the header is valid.
    #[getter]
    fn policy(&self) -> Option<PyHstsPolicy> {
        self.inner.policy().copied().map(PyHstsPolicy::from_core)
    }

    /// `{"valid", "max_age", "include_subdomains", "preload", "issues": [{...}]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(crate::convert::to_py(py, &self.inner.to_json())?.cast_into::<PyDict>()?)
    }

    fn __repr__(&self) -> String {
        let codes: Vec<&str> = self
            .inner
            .issues()
            .iter()
            .map(|i| i.code().as_str())
            .collect();
        format!(
            "ParsedSts(valid={}, max_age={}, include_subdomains={}, preload={}, issues={})",
            py_bool(self.inner.is_valid()),
            self.inner
                .max_age()
                .map_or("None".to_owned(), |m| m.to_string()),
            py_bool(self.inner.include_subdomains()),
            py_bool(self.inner.preload()),
            py_list(&codes)
        )
    }
}

/// `parse_sts(value)`: parses one `Strict-Transport-Security` value strictly (RFC 6797
/// §6.1), or every STS field of one response when given a list (only the first counts).
#[pyfunction]
pub(crate) fn parse_sts(value: &Bound<'_, PyAny>) -> PyResult<PyParsedSts> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(PyParsedSts {
            inner: hstsguard::parse_sts(&s.to_cow()?),
        });
    }
    let mut fields = Vec::new();
    for item in value
        .try_iter()
        .map_err(|_| type_error("value", "a str or a list of str", value))?
    {
        fields.push(item?.extract::<String>()?);
    }
    Ok(PyParsedSts {
        inner: hstsguard::parse_sts_fields(fields.iter().map(String::as_str)),
    })
}
