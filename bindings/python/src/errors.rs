//! Core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`hstsguard/_errors.py`), because a
//! native class cannot subclass `ValueError` under the stable ABI before Python 3.12.
//! Every class subclasses `hstsguard.HstsGuardError(ValueError)` and carries `.code`,
//! the core's stable code string; `ConfigError` also carries `.errors`, every
//! `(path, code, message)` of the configuration.

use hstsguard::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// The Python class for a core error.
fn class_name(err: &Error) -> &'static str {
    match err {
        Error::InvalidDuration { .. } => "DurationError",
        Error::InvalidHeader { .. } => "HeaderError",
        Error::InvalidPin { .. } | Error::TooFewPins { .. } => "PinError",
        Error::Certificate { .. } => "CertificateError",
        Error::Config(_) => "ConfigError",
        Error::Io { .. } => "PolicyFileError",
        Error::InvalidHost { .. } => "HostError",
        Error::InvalidUrl { .. } => "UrlError",
        Error::StoreFile { .. } => "StoreFileError",
        Error::PreloadList { .. } => "PreloadListError",
        _ => "HstsGuardError",
    }
}

fn class<'py>(py: Python<'py>, name: &'static str) -> PyResult<&'py Bound<'py, PyType>> {
    static BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static CONFIG: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static DURATION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static HEADER: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static PIN: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static CERTIFICATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static FILE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static HOST: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static URL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static STORE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static PRELOAD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static SCAN: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let cell = match name {
        "ConfigError" => &CONFIG,
        "DurationError" => &DURATION,
        "HeaderError" => &HEADER,
        "PinError" => &PIN,
        "CertificateError" => &CERTIFICATE,
        "PolicyFileError" => &FILE,
        "HostError" => &HOST,
        "UrlError" => &URL,
        "StoreFileError" => &STORE,
        "PreloadListError" => &PRELOAD,
        "ScanOptionError" => &SCAN,
        _ => &BASE,
    };
    cell.import(py, "hstsguard._errors", name)
}

/// Converts a core error into the matching Python exception.
pub(crate) fn core_error(py: Python<'_>, err: &Error) -> PyErr {
    let name = class_name(err);
    let cls = match class(py, name) {
        Ok(cls) => cls,
        Err(e) => return e,
    };
    let message = err.to_string();
    let code = err.code().as_str();
    if let Error::Config(list) = err {
        let errors: Vec<(String, &'static str, String)> = list
            .iter()
            .map(|e| {
                (
                    e.path().to_owned(),
                    e.code().as_str(),
                    e.message().to_owned(),
                )
            })
            .collect();
        return PyErr::from_type(cls.clone(), (message, code, errors));
    }
    PyErr::from_type(cls.clone(), (message, code))
}

/// `map_err` helper: `result.map_err(to_py)`.
pub(crate) fn to_py(err: Error) -> PyErr {
    Python::attach(|py| core_error(py, &err))
}

/// A `ConfigError` for one problem the binding found before the core saw the value
/// (a Python value with no JSON equivalent).
pub(crate) fn config_error(path: &str, code: hstsguard::Code, message: impl Into<String>) -> PyErr {
    to_py(Error::Config(vec![hstsguard::ConfigError::new(
        path, code, message,
    )]))
}

/// The Python class for an option error of the live scan (crate `hstsguard-scan`).
fn scan_class_name(err: &hstsguard_scan::ScanError) -> &'static str {
    use hstsguard_scan::ScanError;
    match err {
        ScanError::ConnectTo { .. }
        | ScanError::CaFile { .. }
        | ScanError::Tls { .. }
        | ScanError::Option { .. } => "ScanOptionError",
        _ => "HstsGuardError",
    }
}

/// Converts a scanner error into the matching Python exception (`ScanOptionError`
/// with `.code` `scan.option.*`, or `HstsGuardError` with `scan.runtime`).
pub(crate) fn scan_error(py: Python<'_>, err: &hstsguard_scan::ScanError) -> PyErr {
    match class(py, scan_class_name(err)) {
        Ok(cls) => PyErr::from_type(cls.clone(), (err.to_string(), err.code())),
        Err(e) => e,
    }
}

/// A base `HstsGuardError` with this code (a failure inside the binding).
pub(crate) fn base_error(py: Python<'_>, code: &'static str, message: String) -> PyErr {
    match class(py, "HstsGuardError") {
        Ok(cls) => PyErr::from_type(cls.clone(), (message, code)),
        Err(e) => e,
    }
}
