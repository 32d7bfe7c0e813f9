//! The panic boundary: every exported function runs its body inside [`guard`], so a
//! panic never unwinds into C (where it would abort an nginx or Apache worker, or be
//! undefined behaviour); it becomes `HSTSGUARD_PANIC` or the function's neutral value.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::result::hstsguard_result;

/// What an exported function returns when its body panicked.
pub(crate) trait OnPanic {
    /// The value returned to C instead of unwinding.
    fn on_panic() -> Self;
}

impl OnPanic for hstsguard_result {
    fn on_panic() -> Self {
        hstsguard_result::PANIC
    }
}

impl OnPanic for *const c_char {
    fn on_panic() -> Self {
        std::ptr::null()
    }
}

impl OnPanic for usize {
    fn on_panic() -> Self {
        0
    }
}

impl OnPanic for () {
    fn on_panic() -> Self {}
}

/// Runs `body`, turning a panic into `R::on_panic()`.
///
/// The closures capture raw pointers and `&mut` outputs; after a panic nothing of theirs
/// is used again except the outputs, which every function zeroes before doing any work,
/// so asserting unwind safety is sound here.
pub(crate) fn guard<R: OnPanic>(body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| R::on_panic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result() {
        let r: hstsguard_result = guard(|| panic!("boom"));
        assert_eq!(r, hstsguard_result::PANIC);
        let p: *const c_char = guard(|| panic!("boom"));
        assert!(p.is_null());
        let n: usize = guard(|| panic!("boom"));
        assert_eq!(n, 0);
    }
}
