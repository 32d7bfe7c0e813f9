//! Result codes: one explicitly numbered enum, `0 == HSTSGUARD_OK`, a block of numbers per
//! module; a number is never reused. `hstsguard_result_name` gives the core's code string.

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use hsg::{Code, Error};

use crate::panic::guard;

/// The result of every fallible call. `HSTSGUARD_OK` is 0; every other value is an error
/// (or, for `HSTSGUARD_BUFFER_TOO_SMALL`, a partial success that tells you how much room
/// is needed). Numbers come in blocks per module and are never reused:
///
/// - 1-99: the call itself (arguments, buffers, panics);
/// - 100-199: durations (`duration.*`);
/// - 200-299: policy configuration (`config.*`);
/// - 300-399: input/output (`io`);
/// - 400-499: HPKP (`hpkp.*`);
/// - 500-599: header values;
/// - 600-699: the user-agent side (`ua.*`: hosts, URLs, store files, preload lists).
///
/// `hstsguard_result_name()` returns the stable code string of a value (the same strings
/// as the Rust core, Python `exc.code` and Node `err.code`, e.g. `"duration.negative"`).
///
/// cbindgen:prefix-with-name=false
/// cbindgen:rename-all=prefix:HSTSGUARD_
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum hstsguard_result {
    /// Success (`"ok"`).
    OK = 0,
    /// A required pointer argument is NULL, or a (pointer, length) pair has a NULL pointer
    /// and a non-zero length (`"argument.null"`).
    NULL_ARGUMENT = 1,
    /// A text argument is not valid UTF-8 (`"argument.invalid_utf8"`).
    INVALID_UTF8 = 2,
    /// An argument has a value the function does not accept, such as an unknown enum
    /// value or a malformed builder key (`"argument.invalid"`).
    INVALID_ARGUMENT = 3,
    /// A caller buffer is too small. The output struct still holds every field, including
    /// the length that is needed; call again with a buffer that large
    /// (`"buffer.too_small"`).
    BUFFER_TOO_SMALL = 4,
    /// hstsguard panicked (a bug). The panic was caught at the boundary; outputs are
    /// zeroed (`"panic"`).
    PANIC = 5,
    /// The request's peer address is not a textual IPv4 or IPv6 address
    /// (`"argument.invalid_peer"`).
    INVALID_PEER = 6,

    /// A duration is empty (`"duration.empty"`).
    DURATION_EMPTY = 100,
    /// A duration is negative (`"duration.negative"`).
    DURATION_NEGATIVE = 101,
    /// A duration is not a whole number of seconds (`"duration.fractional"`).
    DURATION_FRACTIONAL = 102,
    /// A duration is not a number (`"duration.not_a_number"`).
    DURATION_NOT_A_NUMBER = 103,
    /// A duration has a unit other than s, m, h, d, w, y (`"duration.unknown_unit"`).
    DURATION_UNKNOWN_UNIT = 104,
    /// A duration exceeds 2^53-1 seconds (`"duration.overflow"`).
    DURATION_OVERFLOW = 105,

    /// A policy has several configuration errors; each has its own code in the error
    /// object (`"config.invalid"`).
    CONFIG_INVALID = 200,
    /// A policy document is not valid TOML or JSON (`"config.syntax"`).
    CONFIG_SYNTAX = 201,
    /// A policy key is unknown (`"config.unknown_key"`).
    CONFIG_UNKNOWN_KEY = 202,
    /// A policy value has the wrong type (`"config.invalid_type"`).
    CONFIG_INVALID_TYPE = 203,
    /// A policy value is out of range or not allowed (`"config.invalid_value"`). Also
    /// returned for a single configuration error whose code is a header issue code (such
    /// as `require_preloadable` failing); the error object has the exact code.
    CONFIG_INVALID_VALUE = 204,
    /// Two policy settings contradict each other (`"config.conflict"`).
    CONFIG_CONFLICT = 205,

    /// A file could not be read (`"io"`).
    IO = 300,

    /// A pin-sha256 is not base64 of 32 bytes (`"hpkp.invalid_pin"`).
    HPKP_INVALID_PIN = 400,
    /// An HPKP header needs at least two distinct pins (`"hpkp.too_few_pins"`).
    HPKP_TOO_FEW_PINS = 401,
    /// A certificate or public key could not be parsed (`"hpkp.certificate"`).
    HPKP_CERTIFICATE = 402,

    /// A header value could not be used; the error object carries the issue code of the
    /// first problem (`"header.invalid"`).
    INVALID_HEADER = 500,

    /// A host name cannot be used: empty, a character outside letters, digits, `-`, `_`
    /// and `.`, an empty or over-long label, an invalid internationalised name
    /// (`"ua.host.invalid"`).
    UA_HOST_INVALID = 600,
    /// A host name is longer than 253 octets after IDNA conversion (`"ua.host.too_long"`).
    UA_HOST_TOO_LONG = 601,
    /// A host name is not valid UTF-8 (`"ua.host.not_utf8"`).
    UA_HOST_NOT_UTF8 = 602,
    /// A URL cannot be parsed or is not absolute (`"ua.url.invalid"`).
    UA_URL_INVALID = 603,
    /// An HSTS store file is a directory; the store in memory is unchanged
    /// (`"ua.store.is_directory"`).
    UA_STORE_IS_DIRECTORY = 604,
    /// An HSTS store file (or its lock or temporary file) cannot be read or written; the
    /// store in memory is unchanged (`"ua.store.io"`).
    UA_STORE_IO = 605,
    /// A preload list in JSON cannot be read (`"ua.preload.invalid_list"`).
    UA_PRELOAD_INVALID_LIST = 606,
    /// A compiled preload list file is not one (`"ua.preload.invalid_compiled"`).
    UA_PRELOAD_INVALID_COMPILED = 607,
}

use hstsguard_result as R;

/// Every result with its code string, NUL-terminated for C.
pub(crate) const RESULTS: &[(hstsguard_result, &CStr)] = &[
    (R::OK, c"ok"),
    (R::NULL_ARGUMENT, c"argument.null"),
    (R::INVALID_UTF8, c"argument.invalid_utf8"),
    (R::INVALID_ARGUMENT, c"argument.invalid"),
    (R::BUFFER_TOO_SMALL, c"buffer.too_small"),
    (R::PANIC, c"panic"),
    (R::INVALID_PEER, c"argument.invalid_peer"),
    (R::DURATION_EMPTY, c"duration.empty"),
    (R::DURATION_NEGATIVE, c"duration.negative"),
    (R::DURATION_FRACTIONAL, c"duration.fractional"),
    (R::DURATION_NOT_A_NUMBER, c"duration.not_a_number"),
    (R::DURATION_UNKNOWN_UNIT, c"duration.unknown_unit"),
    (R::DURATION_OVERFLOW, c"duration.overflow"),
    (R::CONFIG_INVALID, c"config.invalid"),
    (R::CONFIG_SYNTAX, c"config.syntax"),
    (R::CONFIG_UNKNOWN_KEY, c"config.unknown_key"),
    (R::CONFIG_INVALID_TYPE, c"config.invalid_type"),
    (R::CONFIG_INVALID_VALUE, c"config.invalid_value"),
    (R::CONFIG_CONFLICT, c"config.conflict"),
    (R::IO, c"io"),
    (R::HPKP_INVALID_PIN, c"hpkp.invalid_pin"),
    (R::HPKP_TOO_FEW_PINS, c"hpkp.too_few_pins"),
    (R::HPKP_CERTIFICATE, c"hpkp.certificate"),
    (R::INVALID_HEADER, c"header.invalid"),
    (R::UA_HOST_INVALID, c"ua.host.invalid"),
    (R::UA_HOST_TOO_LONG, c"ua.host.too_long"),
    (R::UA_HOST_NOT_UTF8, c"ua.host.not_utf8"),
    (R::UA_URL_INVALID, c"ua.url.invalid"),
    (R::UA_STORE_IS_DIRECTORY, c"ua.store.is_directory"),
    (R::UA_STORE_IO, c"ua.store.io"),
    (R::UA_PRELOAD_INVALID_LIST, c"ua.preload.invalid_list"),
    (
        R::UA_PRELOAD_INVALID_COMPILED,
        c"ua.preload.invalid_compiled",
    ),
];

impl hstsguard_result {
    /// The code string, e.g. `"duration.negative"`.
    pub(crate) fn name(self) -> &'static CStr {
        RESULTS
            .iter()
            .find(|(r, _)| *r == self)
            .map_or(c"unknown", |(_, n)| n)
    }

    /// The result whose name is exactly `code`, if any.
    #[cfg(test)]
    pub(crate) fn from_code(code: &str) -> Option<hstsguard_result> {
        RESULTS
            .iter()
            .find(|(_, n)| n.to_bytes() == code.as_bytes())
            .map(|(r, _)| *r)
    }

    /// The result for a core error: by its typed variant, and for configuration errors
    /// by the typed code of the error (as rustls-ffi's `map_error`: never by comparing
    /// strings). A single configuration error whose code is a header issue code (such as
    /// `require_preloadable` failing) is `CONFIG_INVALID_VALUE`; an unusable header value
    /// is `INVALID_HEADER`.
    pub(crate) fn of_error(err: &Error) -> hstsguard_result {
        match err {
            Error::InvalidHeader { .. } => R::INVALID_HEADER,
            Error::Config(_) => match err.code() {
                code if code.is_error() => R::of_code(code),
                _ => R::CONFIG_INVALID_VALUE,
            },
            // Every other variant carries (or is) one error code.
            _ => R::of_code(err.code()),
        }
    }

    /// The result for an error code. Every error code of the core is named (a new one
    /// fails `every_core_error_code_has_a_result_of_the_same_name` until it is added).
    pub(crate) fn of_code(code: Code) -> hstsguard_result {
        match code {
            Code::DurationEmpty => R::DURATION_EMPTY,
            Code::DurationNegative => R::DURATION_NEGATIVE,
            Code::DurationFractional => R::DURATION_FRACTIONAL,
            Code::DurationNotANumber => R::DURATION_NOT_A_NUMBER,
            Code::DurationUnknownUnit => R::DURATION_UNKNOWN_UNIT,
            Code::DurationOverflow => R::DURATION_OVERFLOW,
            Code::ConfigInvalid => R::CONFIG_INVALID,
            Code::ConfigSyntax => R::CONFIG_SYNTAX,
            Code::ConfigUnknownKey => R::CONFIG_UNKNOWN_KEY,
            Code::ConfigInvalidType => R::CONFIG_INVALID_TYPE,
            Code::ConfigInvalidValue => R::CONFIG_INVALID_VALUE,
            Code::ConfigConflict => R::CONFIG_CONFLICT,
            Code::Io => R::IO,
            Code::ArgumentInvalidPeer => R::INVALID_PEER,
            Code::HpkpInvalidPin => R::HPKP_INVALID_PIN,
            Code::HpkpTooFewPins => R::HPKP_TOO_FEW_PINS,
            Code::HpkpCertificate => R::HPKP_CERTIFICATE,
            Code::UaHostInvalid => R::UA_HOST_INVALID,
            Code::UaHostTooLong => R::UA_HOST_TOO_LONG,
            Code::UaHostNotUtf8 => R::UA_HOST_NOT_UTF8,
            Code::UaUrlInvalid => R::UA_URL_INVALID,
            Code::UaStoreIsDirectory => R::UA_STORE_IS_DIRECTORY,
            Code::UaStoreIo => R::UA_STORE_IO,
            Code::UaPreloadInvalidList => R::UA_PRELOAD_INVALID_LIST,
            Code::UaPreloadInvalidCompiled => R::UA_PRELOAD_INVALID_COMPILED,
            // The live scan is not part of the C ABI.
            Code::ScanOptionConnectTo
            | Code::ScanOptionCaFile
            | Code::ScanOptionTls
            | Code::ScanOptionInvalid
            | Code::ScanRuntime => R::INVALID_ARGUMENT,
            // Issue codes (diagnostics) are not results; `Code` is non-exhaustive.
            _ => R::INVALID_ARGUMENT,
        }
    }
}

/// Every code of the core (issue codes and error codes), NUL-terminated, so that C gets
/// `const char *` codes with a static lifetime; indexed by the code itself. Built once,
/// never freed (valgrind counts it as reachable).
fn code_table() -> &'static [Box<CStr>] {
    static TABLE: OnceLock<Vec<Box<CStr>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Code::ALL
            .iter()
            .map(|c| {
                CString::new(c.as_str())
                    .unwrap_or_default()
                    .into_boxed_c_str()
            })
            .collect()
    })
}

/// The static NUL-terminated form of a core code.
pub(crate) fn code_cstr(code: Code) -> &'static CStr {
    // `Code::ALL` lists the variants in declaration order, so a variant's discriminant
    // is its index (checked by `the_code_table_is_indexed_by_code`).
    code_table().get(code as usize).map_or(c"unknown", |c| c)
}

/// The name of a result code: the stable code string shared with the Rust core, Python
/// and Node (`"ok"`, `"argument.null"`, `"buffer.too_small"`, `"duration.negative"`,
/// `"config.invalid"`, ...), or `"unknown"` for a number that is not a
/// `hstsguard_result`. The string is static: never free it.
#[no_mangle]
pub extern "C" fn hstsguard_result_name(result: u32) -> *const c_char {
    guard(|| {
        RESULTS
            .iter()
            .find(|(r, _)| *r as u32 == result)
            .map_or(c"unknown", |(_, n)| n)
            .as_ptr()
    })
}

/// `OK` for `Ok(())`, the error otherwise.
pub(crate) fn status(r: Result<(), hstsguard_result>) -> hstsguard_result {
    match r {
        Ok(()) => hstsguard_result::OK,
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn numbers_and_names_are_unique() {
        let mut numbers = HashSet::new();
        let mut names = HashSet::new();
        for (r, n) in RESULTS {
            assert!(numbers.insert(*r as u32), "{r:?}");
            assert!(names.insert(n.to_str().unwrap()), "{n:?}");
        }
    }

    #[test]
    fn every_core_error_code_has_a_result_of_the_same_name() {
        for &code in Code::ALL.iter().filter(|c| c.is_error()) {
            if code.as_str().starts_with("scan.") {
                continue; // the live scan is not part of the C ABI
            }
            let r = hstsguard_result::of_code(code);
            assert_eq!(r.name().to_str().unwrap(), code.as_str(), "{code:?}");
            assert_eq!(hstsguard_result::from_code(code.as_str()), Some(r));
        }
    }

    #[test]
    fn the_code_table_is_indexed_by_code() {
        for (i, &c) in Code::ALL.iter().enumerate() {
            assert_eq!(c as usize, i, "{c:?}");
            assert_eq!(code_cstr(c).to_str().unwrap(), c.as_str());
        }
    }

    #[test]
    fn ua_errors_have_their_own_results() {
        use hsg::ua::{host_from_bytes, normalize_host, KnownHosts, PreloadList};
        let store = KnownHosts::new();
        let dir = std::env::temp_dir();
        let errors = [
            normalize_host("bad host").unwrap_err(),
            normalize_host(&"a.".repeat(130)).unwrap_err(),
            host_from_bytes(b"\xff").unwrap_err(),
            store.upgrade_url("not a url", 0).unwrap_err(),
            store.load(&dir, 0).unwrap_err(),
            PreloadList::from_bytes(b"nope".to_vec()).unwrap_err(),
            PreloadList::from_json("{", "2026-01-01".parse().unwrap()).unwrap_err(),
        ];
        for err in &errors {
            let r = hstsguard_result::of_error(err);
            assert!(err.code().as_str().starts_with("ua."), "{err:?}");
            assert_eq!(r.name().to_str().unwrap(), err.code().as_str(), "{err:?}");
            assert!((600..700).contains(&(r as u32)));
        }
        for (code, want) in [
            ("ua.host.invalid", 600),
            ("ua.host.too_long", 601),
            ("ua.host.not_utf8", 602),
            ("ua.url.invalid", 603),
            ("ua.store.is_directory", 604),
            ("ua.store.io", 605),
            ("ua.preload.invalid_list", 606),
            ("ua.preload.invalid_compiled", 607),
        ] {
            assert_eq!(
                hstsguard_result::from_code(code).map(|r| r as u32),
                Some(want)
            );
        }
    }

    #[test]
    fn result_name_of_unknown_numbers() {
        let name = |n| unsafe { CStr::from_ptr(hstsguard_result_name(n)) };
        assert_eq!(name(0).to_str().unwrap(), "ok");
        assert_eq!(name(101).to_str().unwrap(), "duration.negative");
        assert_eq!(name(7).to_str().unwrap(), "unknown");
        assert_eq!(name(u32::MAX).to_str().unwrap(), "unknown");
    }
}
