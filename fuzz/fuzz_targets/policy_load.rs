#![no_main]
//! Any document: an error or a policy, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = hstsguard::policy::Policy::from_json(text);
    let _ = hstsguard::policy::Policy::from_toml(text);
});
