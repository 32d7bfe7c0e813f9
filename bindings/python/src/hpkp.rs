//! HTTP Public Key Pinning (RFC 7469), deprecated: parse, validate, pins, a guarded header.

use hstsguard::hpkp::{self, HpkpHeader, ParsedHpkp, PinSha256};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use crate::convert::type_error;
use crate::errors::to_py;
use crate::issue::PyIssue;
use crate::sts::{duration_arg, py_bool};

fn pins_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<PinSha256>> {
    if obj.is_instance_of::<PyString>() {
        return Err(type_error(what, "a list of base64 pins", obj));
    }
    let mut pins = Vec::new();
    for item in obj.try_iter()? {
        let text: String = item?.extract()?;
        pins.push(text.parse::<PinSha256>().map_err(to_py)?);
    }
    Ok(pins)
}

fn bytes_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    obj.extract::<Vec<u8>>()
        .map_err(|_| type_error("data", "bytes (PEM or DER) or a PEM str", obj))
}

/// The result of parsing a `Public-Key-Pins` or `Public-Key-Pins-Report-Only` value.
#[pyclass(frozen, module = "hstsguard", name = "ParsedHpkp")]
pub(crate) struct PyParsedHpkp {
    inner: ParsedHpkp,
}

#[pymethods]
impl PyParsedHpkp {
    /// True when there is no error (the deprecation notice is a warning).
    #[getter]
    fn valid(&self) -> bool {
        self.inner.is_valid()
    }

    /// True when parsed as `Public-Key-Pins-Report-Only`.
    #[getter]
    fn report_only(&self) -> bool {
        self.inner.report_only()
    }

    /// The max-age that was read.
    #[getter]
    fn max_age(&self) -> Option<u64> {
        self.inner.max_age()
    }

    /// True when a valueless `includeSubDomains` was seen.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.inner.include_subdomains()
    }

    /// The distinct well-formed pins, base64.
    #[getter]
    fn pins(&self) -> Vec<String> {
        self.inner.pins().iter().map(ToString::to_string).collect()
    }

    /// The `report-uri`, when a well-formed one was read.
    #[getter]
    fn report_uri(&self) -> Option<&str> {
        self.inner.report_uri()
    }

    /// Every issue, starting with `hpkp.deprecated`.
    #[getter]
    fn issues(&self) -> Vec<PyIssue> {
        PyIssue::list(self.inner.issues())
    }

    /// `{"valid", "report_only", "max_age", "include_subdomains", "pins", "report_uri", "issues"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(crate::convert::to_py(py, &self.inner.to_json())?.cast_into::<PyDict>()?)
    }

    fn __repr__(&self) -> String {
        format!(
            "ParsedHpkp(valid={}, report_only={}, pins={})",
            py_bool(self.inner.is_valid()),
            py_bool(self.inner.report_only()),
            self.inner.pins().len()
        )
    }
}

/// `parse_hpkp(value, report_only=False, chain_pins=None)`: the strict RFC 7469 parser;
/// with `chain_pins` (the pins of the served chain) also the §2.5 check.
#[pyfunction]
#[pyo3(signature = (value, report_only = false, chain_pins = None))]
pub(crate) fn parse_hpkp(
    value: String,
    report_only: bool,
    chain_pins: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyParsedHpkp> {
    let mut parsed = hpkp::parse_hpkp(&value, report_only);
    if let Some(chain) = chain_pins {
        parsed = parsed.with_chain(&pins_arg(chain, "chain_pins")?);
    }
    Ok(PyParsedHpkp { inner: parsed })
}

/// `pin_from_pem_or_der(data)`: the `pin-sha256` of a certificate or public key (the first
/// CERTIFICATE or PUBLIC KEY block of PEM, or DER). Raises `CertificateError`.
#[pyfunction]
pub(crate) fn pin_from_pem_or_der(data: &Bound<'_, PyAny>) -> PyResult<String> {
    let bytes = bytes_arg(data)?;
    hpkp::pin_from_pem_or_der(&bytes)
        .map(|p| p.to_string())
        .map_err(to_py)
}

/// `pins_from_pem_chain(data)`: the pin of every certificate of a PEM bundle, in order.
#[pyfunction]
pub(crate) fn pins_from_pem_chain(data: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let bytes = bytes_arg(data)?;
    hpkp::pins_from_pem_chain(&bytes)
        .map(|pins| pins.iter().map(ToString::to_string).collect())
        .map_err(to_py)
}

/// `pin_of_spki(der)`: SHA-256 of a DER SubjectPublicKeyInfo, base64 (no parsing).
#[pyfunction]
pub(crate) fn pin_of_spki(der: &Bound<'_, PyBytes>) -> String {
    PinSha256::of_spki(der.as_bytes()).to_string()
}

/// A `Public-Key-Pins` (or `-Report-Only`) header, built only with at least two distinct
/// pins. Immutable; `str()` is the header value.
#[pyclass(frozen, eq, hash, module = "hstsguard", name = "HpkpHeader")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyHpkpHeader {
    pub(crate) inner: HpkpHeader,
}

#[pymethods]
impl PyHpkpHeader {
    #[new]
    #[pyo3(signature = (pins, max_age, *, include_subdomains = false, report_uri = None, report_only = false))]
    fn new(
        pins: &Bound<'_, PyAny>,
        max_age: &Bound<'_, PyAny>,
        include_subdomains: bool,
        report_uri: Option<String>,
        report_only: bool,
    ) -> PyResult<Self> {
        let pins = pins_arg(pins, "pins")?;
        let max_age = duration_arg(max_age, "max_age")?;
        let mut h = HpkpHeader::new(&pins, max_age)
            .map_err(to_py)?
            .include_subdomains(include_subdomains)
            .report_only(report_only);
        if let Some(uri) = report_uri {
            h = h.report_uri(&uri).map_err(to_py)?;
        }
        Ok(PyHpkpHeader { inner: h })
    }

    /// Parses an enforcing `Public-Key-Pins` value strictly; raises `HeaderError`.
    #[staticmethod]
    fn parse(value: String) -> PyResult<Self> {
        value
            .parse::<HpkpHeader>()
            .map(|inner| PyHpkpHeader { inner })
            .map_err(to_py)
    }

    /// `Public-Key-Pins` or `Public-Key-Pins-Report-Only`.
    #[getter]
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    /// The header value.
    #[getter]
    fn value(&self) -> &str {
        self.inner.value()
    }

    /// The distinct pins, base64, in the order given.
    #[getter]
    fn pins(&self) -> Vec<String> {
        self.inner.pins().iter().map(ToString::to_string).collect()
    }

    /// max-age in seconds.
    #[getter]
    fn max_age(&self) -> u64 {
        self.inner.max_age()
    }

    /// True when the value carries `includeSubDomains`.
    #[getter]
    fn include_subdomains(&self) -> bool {
        self.inner.includes_subdomains()
    }

    /// The `report-uri`, if any.
    #[getter]
    fn report_uri(&self) -> Option<&str> {
        self.inner.reporting_uri()
    }

    /// True for `Public-Key-Pins-Report-Only`.
    #[getter]
    fn report_only(&self) -> bool {
        self.inner.is_report_only()
    }

    fn __str__(&self) -> &str {
        self.inner.value()
    }

    fn __repr__(&self) -> String {
        format!(
            "HpkpHeader({:?}: {:?})",
            self.inner.name(),
            self.inner.value()
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let h = &slf.get().inner;
        let pins = h.pins().iter().map(ToString::to_string).collect::<Vec<_>>();
        let kwargs = PyDict::new(py);
        kwargs.set_item("include_subdomains", h.includes_subdomains())?;
        kwargs.set_item("report_uri", h.reporting_uri())?;
        kwargs.set_item("report_only", h.is_report_only())?;
        let functools = py.import("functools")?;
        let partial = functools
            .getattr("partial")?
            .call((slf.get_type(),), Some(&kwargs))?;
        Ok((partial, (pins, h.max_age()).into_pyobject(py)?))
    }
}
