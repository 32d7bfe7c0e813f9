//! Core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`hstsguard/_errors.py`), because a
//! native class cannot subclass `ValueError` under the stable ABI before Python 3.12.
//! Every class subclasses `hstsguard.HstsGuardError(ValueError)` and carries `.code`,
//! the core's stable code string; `ConfigError` also carries `.errors`, every
//! `(path, code, message)` of the configuration. The class is chosen from the typed
//! error (its variant), never from its text.

use hstsguard::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// The exception classes of `hstsguard/_errors.py`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Base,
    Config,
    Duration,
    Header,
    Pin,
    Certificate,
    PolicyFile,
    Host,
    Url,
    StoreFile,
    PreloadList,
    ScanOption,
}

impl Class {
    /// The class of a core error.
    fn of(err: &Error) -> Class {
        match err {
            Error::InvalidDuration { .. } => Class::Duration,
            Error::InvalidHeader { .. } => Class::Header,
            Error::InvalidPin { .. } | Error::TooFewPins { .. } => Class::Pin,
            Error::Certificate { .. } => Class::Certificate,
            Error::Config(_) => Class::Config,
            Error::Io { .. } => Class::PolicyFile,
            Error::InvalidHost { .. } => Class::Host,
            Error::InvalidUrl { .. } => Class::Url,
            Error::StoreFile { .. } => Class::StoreFile,
            Error::PreloadList { .. } => Class::PreloadList,
            // `argument.invalid_peer` (a peer address that is not an IP address), and a
            // word or value read outside a document: the base class, with the code.
            Error::InvalidPeer { .. } | Error::UnknownWord { .. } | Error::InvalidValue { .. } => {
                Class::Base
            }
            // `Error` is non-exhaustive: a future variant is at least an HstsGuardError
            // with its code.
            _ => Class::Base,
        }
    }

    /// The class of an option error of the live scan (crate `hstsguard-scan`).
    fn of_scan(err: &hstsguard_scan::ScanError) -> Class {
        use hstsguard_scan::ScanError;
        match err {
            ScanError::ConnectTo { .. }
            | ScanError::CaFile { .. }
            | ScanError::Tls { .. }
            | ScanError::Option { .. } => Class::ScanOption,
            _ => Class::Base,
        }
    }

    /// The class's name in `hstsguard._errors`, and the cell that keeps it once imported.
    fn slot(self) -> (&'static str, &'static PyOnceLock<Py<PyType>>) {
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
        match self {
            Class::Base => ("HstsGuardError", &BASE),
            Class::Config => ("ConfigError", &CONFIG),
            Class::Duration => ("DurationError", &DURATION),
            Class::Header => ("HeaderError", &HEADER),
            Class::Pin => ("PinError", &PIN),
            Class::Certificate => ("CertificateError", &CERTIFICATE),
            Class::PolicyFile => ("PolicyFileError", &FILE),
            Class::Host => ("HostError", &HOST),
            Class::Url => ("UrlError", &URL),
            Class::StoreFile => ("StoreFileError", &STORE),
            Class::PreloadList => ("PreloadListError", &PRELOAD),
            Class::ScanOption => ("ScanOptionError", &SCAN),
        }
    }

    fn get(self, py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
        let (name, cell) = self.slot();
        cell.import(py, "hstsguard._errors", name)
    }
}

/// Converts a core error into the matching Python exception.
pub(crate) fn core_error(py: Python<'_>, err: &Error) -> PyErr {
    let cls = match Class::of(err).get(py) {
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

/// Converts a scanner error into the matching Python exception (`ScanOptionError`
/// with `.code` `scan.option.*`, or `HstsGuardError` with `scan.runtime`).
pub(crate) fn scan_error(py: Python<'_>, err: &hstsguard_scan::ScanError) -> PyErr {
    match Class::of_scan(err).get(py) {
        Ok(cls) => PyErr::from_type(cls.clone(), (err.to_string(), err.code())),
        Err(e) => e,
    }
}

/// A base `HstsGuardError` with this code (a failure inside the binding).
pub(crate) fn base_error(py: Python<'_>, code: hstsguard::Code, message: String) -> PyErr {
    match Class::Base.get(py) {
        Ok(cls) => PyErr::from_type(cls.clone(), (message, code.as_str())),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_typed_error() {
        let duration = hstsguard::parse_duration("-1").unwrap_err();
        assert_eq!(Class::of(&duration), Class::Duration);
        let peer = hstsguard::parse_peer("unix:").unwrap_err();
        assert_eq!(Class::of(&peer), Class::Base);
        assert_eq!(peer.code(), hstsguard::Code::ArgumentInvalidPeer);
        let config =
            hstsguard::policy::Policy::from_json(r#"{"hsts": {"max_age": -1}}"#).unwrap_err();
        assert_eq!(Class::of(&config), Class::Config);
        let io = hstsguard::policy::Policy::from_file("/nonexistent/policy.toml").unwrap_err();
        assert_eq!(Class::of(&io), Class::PolicyFile);
        // Every class has its own name in hstsguard._errors.
        let all = [
            Class::Base,
            Class::Config,
            Class::Duration,
            Class::Header,
            Class::Pin,
            Class::Certificate,
            Class::PolicyFile,
            Class::Host,
            Class::Url,
            Class::StoreFile,
            Class::PreloadList,
            Class::ScanOption,
        ];
        let names: std::collections::BTreeSet<&str> = all.iter().map(|c| c.slot().0).collect();
        assert_eq!(names.len(), all.len());
    }
}
