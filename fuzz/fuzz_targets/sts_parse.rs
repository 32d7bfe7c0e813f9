#![no_main]
//! No panic on any input; a valid header's canonical form parses back to the same policy.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = hstsguard::parse_sts(text);
    if let Some(p) = parsed.policy() {
        let again = hstsguard::parse_sts(p.value());
        assert_eq!(again.policy(), Some(p));
        assert!(again.issues().is_empty());
    }
    let _ = hstsguard::preload_check(text);
    let _ = hstsguard::domain_check(text);
    let _ = hstsguard::parse_duration(text);
});
