#![no_main]
//! No panic; output never gains control bytes; flagging is idempotent.
use libfuzzer_sys::fuzz_target;
use once_cell_free::POLICIES;

mod once_cell_free {
    use std::sync::OnceLock;
    pub struct Policies(OnceLock<Vec<hstsguard::policy::Policy>>);
    pub static POLICIES: Policies = Policies(OnceLock::new());
    impl Policies {
        pub fn get(&self) -> &[hstsguard::policy::Policy] {
            self.0.get_or_init(|| {
                [
                    r#"{}"#,
                    r#"{"cookies": {"rules": [{"name": "*", "secure": true, "http_only": true, "same_site": "Lax"}]}}"#,
                    r#"{"cookies": {"secure_when": "request_secure", "prefixes": "report", "rules": [{"name": "s*", "same_site": "None"}, {"name": "x", "secure": false}]}}"#,
                ]
                .iter()
                .map(|j| hstsguard::policy::Policy::from_json(j).unwrap())
                .collect()
            })
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for policy in POLICIES.get() {
        for secure in [false, true] {
            let once = policy.flag_set_cookie(text, secure);
            let out = once.value().to_owned();
            if !text.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
                assert!(!out.bytes().any(|b| b.is_ascii_control() && b != b'\t'));
            }
            let twice = policy.flag_set_cookie(&out, secure);
            assert_eq!(twice.value(), out.as_str(), "not idempotent");
        }
    }
});
