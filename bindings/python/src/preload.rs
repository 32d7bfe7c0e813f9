//! The hstspreload.org rules: `preload_check`, `removable_check`, `domain_check`.

use hstsguard::PreloadVerdict;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::issue::PyIssue;
use crate::sts::{py_bool, py_list, PyParsedSts};

/// The verdict of `preload_check` or `removable_check`.
#[pyclass(frozen, module = "hstsguard", name = "PreloadVerdict")]
pub(crate) struct PyPreloadVerdict {
    inner: PreloadVerdict,
}

impl PyPreloadVerdict {
    pub(crate) fn from_core(inner: PreloadVerdict) -> PyPreloadVerdict {
        PyPreloadVerdict { inner }
    }
}

#[pymethods]
impl PyPreloadVerdict {
    /// True when there is no error: the header (and domain, if checked) qualifies.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.is_ok()
    }

    /// The codes of the errors, in hstspreload's order.
    #[getter]
    fn errors(&self) -> Vec<&'static str> {
        self.inner.errors()
    }

    /// The codes of the warnings.
    #[getter]
    fn warnings(&self) -> Vec<&'static str> {
        self.inner.warnings()
    }

    /// Every issue (parse issues, then requirements, then domain issues).
    #[getter]
    fn issues(&self) -> Vec<PyIssue> {
        PyIssue::list(self.inner.issues())
    }

    /// The strict parse of the header.
    #[getter]
    fn parsed(&self) -> PyParsedSts {
        PyParsedSts {
            inner: self.inner.parsed().clone(),
        }
    }

    /// The `parse_sts` dict plus `"errors"`, `"warnings"` and `"ok"`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(crate::convert::to_py(py, &self.inner.to_json())?.cast_into::<PyDict>()?)
    }

    fn __bool__(&self) -> bool {
        self.inner.is_ok()
    }

    fn __repr__(&self) -> String {
        format!(
            "PreloadVerdict(ok={}, errors={}, warnings={})",
            py_bool(self.inner.is_ok()),
            py_list(&self.inner.errors()),
            py_list(&self.inner.warnings())
        )
    }
}

/// `preload_check(value, domain=None)`: the hstspreload.org submission requirements for
/// a header value (max-age >= 1 year, includeSubDomains, preload), plus the domain
/// name rules when `domain` is given.
#[pyfunction]
#[pyo3(signature = (value, domain = None))]
pub(crate) fn preload_check(value: String, domain: Option<String>) -> PyPreloadVerdict {
    let v = hstsguard::preload_check(&value);
    PyPreloadVerdict::from_core(match domain {
        Some(d) => v.with_domain(&d),
        None => v,
    })
}

/// `removable_check(value, domain=None)`: the requirements for removal from the preload
/// list (no `preload`, a valid max-age).
#[pyfunction]
#[pyo3(signature = (value, domain = None))]
pub(crate) fn removable_check(value: String, domain: Option<String>) -> PyPreloadVerdict {
    let v = hstsguard::removable_check(&value);
    PyPreloadVerdict::from_core(match domain {
        Some(d) => v.with_domain(&d),
        None => v,
    })
}

/// `domain_check(domain)`: hstspreload.org's domain name rules (format, public suffix,
/// registrable domain). An empty list means the name qualifies.
#[pyfunction]
pub(crate) fn domain_check(domain: String) -> Vec<PyIssue> {
    PyIssue::list(&hstsguard::domain_check(&domain))
}
