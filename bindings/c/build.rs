//! Generates the C header from this crate with cbindgen (a pinned build-dependency), into
//! `$OUT_DIR/hstsguard.h`; the test `header_is_current` compares it with the committed
//! `include/hstsguard.h`. Sets the shared library's SONAME and limits its exports to the
//! `hstsguard_*` functions.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("version");
    let patch = env::var("CARGO_PKG_VERSION_PATCH").expect("version");

    // The header: cbindgen.toml plus the version macros from Cargo.toml.
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is readable and valid");
    config.after_includes = Some(format!(
        "\n/** The version of this header (the library's is hstsguard_version()). */\n\
         #define HSTSGUARD_VERSION_MAJOR {major}\n\
         #define HSTSGUARD_VERSION_MINOR {minor}\n\
         #define HSTSGUARD_VERSION_PATCH {patch}\n\
         #define HSTSGUARD_VERSION \"{major}.{minor}.{patch}\"\n"
    ));
    let header = cbindgen::Builder::new()
        .with_src(crate_dir.join("src/lib.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    header.write_to_file(out_dir.join("hstsguard.h"));

    // The shared library: SONAME with the major version, only hstsguard_* exported.
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        target_os.as_str(),
        "linux" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhstsguard.so.{major}");
        let script = out_dir.join("hstsguard.map");
        fs::write(
            &script,
            "/* Export only the C API. */\n{\n  global:\n    hstsguard_*;\n  local:\n    *;\n};\n",
        )
        .expect("write the version script");
        println!(
            "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
            script.display()
        );
    }
}
