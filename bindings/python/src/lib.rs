//! `hstsguard._native`: the Python binding of the hstsguard core.
//!
//! The public Python API is the `hstsguard` package (`python/hstsguard/`), which
//! re-exports what this module defines; this module is private. It mirrors the core
//! module for module and only translates types and errors: every decision is the core's.
//! Nothing here panics across the boundary: core errors become `hstsguard.HstsGuardError`
//! subclasses carrying the core's `.code` (see `errors.rs`).

use pyo3::prelude::*;

mod config;
mod convert;
mod django;
mod errors;
mod hpkp;
mod issue;
mod policy;
mod preload;
mod scan;
mod sts;
mod ua;

#[pymodule(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("VERSION", hstsguard::VERSION)?;
    m.add("MAX_AGE_CAP", hstsguard::MAX_AGE_CAP)?;
    m.add("ONE_YEAR", hstsguard::ONE_YEAR)?;
    m.add(
        "ERROR_CODES",
        hstsguard::Code::ALL
            .iter()
            .filter(|c| c.is_error())
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
    )?;
    m.add(
        "ISSUE_CODES",
        hstsguard::Code::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<issue::PyIssue>()?;
    m.add_class::<sts::PyHstsPolicy>()?;
    m.add_class::<sts::PyParsedSts>()?;
    m.add_function(wrap_pyfunction!(sts::parse_sts, m)?)?;
    m.add_function(wrap_pyfunction!(sts::parse_duration, m)?)?;
    m.add_function(wrap_pyfunction!(sts::format_duration, m)?)?;
    m.add_class::<preload::PyPreloadVerdict>()?;
    m.add_function(wrap_pyfunction!(preload::preload_check, m)?)?;
    m.add_function(wrap_pyfunction!(preload::removable_check, m)?)?;
    m.add_function(wrap_pyfunction!(preload::domain_check, m)?)?;
    m.add_class::<hpkp::PyParsedHpkp>()?;
    m.add_class::<hpkp::PyHpkpHeader>()?;
    m.add_function(wrap_pyfunction!(hpkp::parse_hpkp, m)?)?;
    m.add_function(wrap_pyfunction!(hpkp::pin_from_pem_or_der, m)?)?;
    m.add_function(wrap_pyfunction!(hpkp::pins_from_pem_chain, m)?)?;
    m.add_function(wrap_pyfunction!(hpkp::pin_of_spki, m)?)?;
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<policy::PyDecision>()?;
    m.add_class::<policy::PyFlaggedCookie>()?;
    m.add_class::<policy::PyCookieAttributes>()?;
    m.add_class::<policy::PyHstsStage>()?;
    m.add_function(wrap_pyfunction!(config::suggest, m)?)?;
    m.add_function(wrap_pyfunction!(policy::read_policy_file, m)?)?;
    m.add_class::<django::DjangoGuard>()?;
    let (list_date, list_entries) = ua::embedded_list_facts();
    m.add("PRELOAD_LIST_DATE", list_date)?;
    m.add("PRELOAD_LIST_ENTRIES", list_entries)?;
    m.add("DEFAULT_STORE_CAPACITY", hstsguard::ua::DEFAULT_CAPACITY)?;
    m.add_class::<ua::PyKnownHosts>()?;
    m.add_class::<ua::PyReceiveOutcome>()?;
    m.add_class::<ua::PyHstsMatch>()?;
    m.add_class::<ua::PyUrlUpgrade>()?;
    m.add_class::<ua::PyStoreEntry>()?;
    m.add_class::<ua::PyLoadReport>()?;
    m.add_class::<ua::PySaveReport>()?;
    m.add_class::<ua::PyPreloadMatch>()?;
    m.add_function(wrap_pyfunction!(ua::preload_lookup, m)?)?;
    m.add_function(wrap_pyfunction!(ua::preload_list_age, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan, m)?)?;
    m.add(
        "SCAN_ERROR_CODES",
        hstsguard_scan::SCAN_ERROR_CODES.to_vec(),
    )?;
    Ok(())
}
