#![no_main]
//! No panic on any input; a built header parses back to the same pins and max-age.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for report_only in [false, true] {
        let parsed = hstsguard::hpkp::parse_hpkp(text, report_only);
        if parsed.is_valid() {
            if let Some(age) = parsed.max_age() {
                if let Ok(h) = hstsguard::hpkp::HpkpHeader::new(parsed.pins(), age) {
                    let again = hstsguard::hpkp::parse_hpkp(h.value(), false);
                    assert!(again.is_valid());
                    assert_eq!(again.pins(), parsed.pins());
                    assert_eq!(again.max_age(), Some(age));
                }
            }
        }
    }
    let _ = hstsguard::hpkp::pin_from_pem_or_der(data);
});
