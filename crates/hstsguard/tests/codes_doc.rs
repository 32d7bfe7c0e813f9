//! docs/CODES.md lists every issue and error code; this test regenerates it and fails
//! on any difference. Run with `UPDATE_DOCS=1` to rewrite the file.

use hstsguard::Code;

fn render() -> String {
    let mut out = String::from(
        "# Codes\n\n\
         Generated from the core by `crates/hstsguard/tests/codes_doc.rs` (`UPDATE_DOCS=1 cargo test -p hstsguard --test codes_doc`).\n\
         Codes are API: the same strings come out of Rust, C (`hstsguard_result_name`, issue codes),\n\
         Python (`exc.code`) and Node (`err.code`). A code keeps its meaning forever and is never reused.\n\
         Where chromium/hstspreload has a code, hstsguard uses it with the same meaning.\n\n\
         ## Issue codes (diagnostics)\n\n\
         Issues carry a severity; `error` means the value is void (parsers) or the requirement unmet (audits).\n\n\
         | code | meaning |\n|---|---|\n",
    );
    for code in Code::ALL.iter().filter(|c| !c.is_error()) {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            code.as_str(),
            code.description().trim().replace('|', "\\|")
        ));
    }
    out.push_str("\n## Error codes (unusable input)\n\n| code | meaning |\n|---|---|\n");
    for code in Code::ALL.iter().filter(|c| c.is_error()) {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            code.as_str(),
            code.description().trim().replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn codes_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/CODES.md");
    let want = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/CODES.md is stale: run UPDATE_DOCS=1 cargo test -p hstsguard --test codes_doc"
    );
}
