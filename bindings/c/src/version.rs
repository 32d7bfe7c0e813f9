//! The library version.

use std::ffi::c_char;

use crate::panic::guard;

/// `CARGO_PKG_VERSION`, NUL-terminated.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version, e.g. `"0.1.0"`: a static NUL-terminated string, never freed.
/// Compare it with the `HSTSGUARD_VERSION_*` macros of the header you compiled against.
#[no_mangle]
pub extern "C" fn hstsguard_version() -> *const c_char {
    guard(|| VERSION.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        let v = unsafe { std::ffi::CStr::from_ptr(super::hstsguard_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(hsg::VERSION, env!("CARGO_PKG_VERSION"));
    }
}
