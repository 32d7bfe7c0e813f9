//! Test-only fault injection, compiled in only with the `test-faults` feature, which no
//! shipped build enables (`scripts/test-servers.sh` checks that the modules it ships do
//! not contain the marker, and that the test copies do).
//!
//! `scripts/test-servers.sh` builds a second copy of the library with the feature (in
//! `target/faults`) and links it into test copies of the nginx and Apache modules, so that
//! their fail-closed paths meet a real error from the C API inside a real server: a request
//! whose target contains [`PANIC_MARKER`] makes `hstsguard_policy_evaluate()` panic, which
//! the boundary turns into `HSTSGUARD_PANIC`.

use crate::request::hstsguard_request;

/// A request target containing this text panics in `hstsguard_policy_evaluate()`.
pub(crate) const PANIC_MARKER: &[u8] = b"hstsguard-test-fault=panic";

/// Panics when the request's target asks for it (an unreadable target is left to the
/// normal checks).
///
/// # Safety
/// `request.target` must be a valid view (the caller's promise to
/// `hstsguard_policy_evaluate()`).
pub(crate) unsafe fn inject(request: &hstsguard_request) {
    // SAFETY: forwarded to the caller.
    if let Ok(target) = unsafe { request.target.bytes() } {
        if target
            .windows(PANIC_MARKER.len())
            .any(|w| w == PANIC_MARKER)
        {
            panic!("hstsguard test fault: a panic injected by the test-faults feature");
        }
    }
}
