//! `hstsguard.Issue`: one diagnostic with a stable code.

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One diagnostic: a stable `code`, a `severity` (`"error"` or `"warning"`) and a
/// message for humans (not API: it may change).
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "Issue")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyIssue {
    code: &'static str,
    severity: &'static str,
    message: String,
}

impl PyIssue {
    pub(crate) fn from_core(issue: &hstsguard::Issue) -> PyIssue {
        PyIssue {
            code: issue.code().as_str(),
            severity: issue.severity().as_str(),
            message: issue.message().to_owned(),
        }
    }

    pub(crate) fn list(issues: &[hstsguard::Issue]) -> Vec<PyIssue> {
        issues.iter().map(PyIssue::from_core).collect()
    }
}

#[pymethods]
impl PyIssue {
    /// The stable code, e.g. `"header.parse.max_age.non_digit_characters"`.
    #[getter]
    fn code(&self) -> &'static str {
        self.code
    }

    /// `"error"` or `"warning"`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.severity
    }

    /// The human-readable message.
    #[getter]
    fn message(&self) -> &str {
        &self.message
    }

    /// True for an error.
    #[getter]
    fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// `{"code", "severity", "message"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", self.code)?;
        d.set_item("severity", self.severity)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }

    fn __str__(&self) -> String {
        format!("{} [{}]: {}", self.severity, self.code, self.message)
    }

    fn __repr__(&self) -> String {
        format!(
            "Issue(code={:?}, severity={:?}, message={:?})",
            self.code, self.severity, self.message
        )
    }
}
