//! `scan(domain, **options)`: the live audit of crate `hstsguard-scan`, returning the
//! object `hstsguard scan --json` prints, as a dict. The scan runs with the GIL released.

use std::path::PathBuf;
use std::time::Duration;

use hstsguard_scan::{ConnectTo, Options, ScanError, Scanner};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors::{base_error, scan_error};

/// Seconds as the CLI takes them: finite, more than 0, at most one day.
fn seconds(name: &'static str, value: f64) -> Result<Duration, ScanError> {
    if value.is_finite() && value > 0.0 && value <= 86_400.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(ScanError::Option {
            name,
            reason: "expected seconds between 0 and 86400",
        })
    }
}

fn options(
    connect_to: Vec<String>,
    ca_file: Option<PathBuf>,
    connect_timeout: f64,
    timeout: f64,
    removable: bool,
) -> Result<Options, ScanError> {
    let mut o = Options::default();
    o.connect_timeout = seconds("connect_timeout", connect_timeout)?;
    o.domain_timeout = seconds("timeout", timeout)?;
    o.removable = removable;
    for value in &connect_to {
        o.connect_to.push(value.parse::<ConnectTo>()?);
    }
    if let Some(path) = &ca_file {
        o.add_ca_file(path)?;
    }
    Ok(o)
}

/// `scan(domain, *, connect_to=(), ca_file=None, connect_timeout=5.0, timeout=20.0,
/// removable=False)`: fetches `http://` and `https://` of the domain and of `www.`,
/// follows each redirect chain, and runs the checks. Returns the dict that
/// `hstsguard scan --json` prints (`domain`, `ok`, `preloadable`, `errors`, `warnings`,
/// `header`, `chains`, ...). The options mirror the CLI flags; an unusable option raises
/// `ScanOptionError` (`scan.option.*`). Problems of the site are findings in the
/// result, not exceptions.
#[pyfunction]
#[pyo3(signature = (domain, *, connect_to = None, ca_file = None, connect_timeout = 5.0, timeout = 20.0, removable = false))]
pub(crate) fn scan<'py>(
    py: Python<'py>,
    domain: &str,
    connect_to: Option<&Bound<'py, PyAny>>,
    ca_file: Option<PathBuf>,
    connect_timeout: f64,
    timeout: f64,
    removable: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let connect_to: Vec<String> = match connect_to {
        None => Vec::new(),
        Some(obj) => match obj.cast::<PyString>() {
            Ok(s) => vec![s.extract::<String>()?],
            Err(_) => obj.extract()?,
        },
    };
    let domain = domain.to_owned();
    let report = py
        .detach(move || {
            let opts = options(connect_to, ca_file, connect_timeout, timeout, removable)?;
            Scanner::new(opts)?.scan_blocking(&domain)
        })
        .map_err(|e| scan_error(py, &e))?;
    let value = serde_json::to_value(&report).map_err(|e| {
        base_error(
            py,
            hstsguard::Code::ScanInternal,
            format!("cannot convert the scan report: {e}"),
        )
    })?;
    Ok(crate::convert::to_py(py, &value)?.cast_into::<PyDict>()?)
}
