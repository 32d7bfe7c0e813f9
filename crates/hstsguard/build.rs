//! Compiles the embedded HSTS preload list (`data/hsts_preload.json`, dated by
//! `data/hsts_preload.date`) into `$OUT_DIR/hsts_preload.bin` (a DAFSA over reversed host
//! names, format in `src/ua/compile.rs`), which `src/ua/preload.rs`
//! includes with `include_bytes!`. The compiler is `src/ua/compile.rs`, the same code the
//! library uses to compile a newer list at run time, so both give identical bytes.
//! It also compiles the Public Suffix List (`data/public_suffix_list.dat`) into
//! `$OUT_DIR/public_suffix.bin` (the same encoding; keys in `src/public_suffix/compile.rs`).
//! Runs again only when one of the data files changes.

#[path = "src/ua/compile.rs"]
mod compile;
#[path = "src/public_suffix/compile.rs"]
mod public_suffix;

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("manifest dir"));
    // `data` is a link to the repository's data/ directory, so that a packaged crate (the
    // Python sdist, `cargo package`) carries the list inside the crate.
    let data = manifest.join("data");
    let list = data.join("hsts_preload.json");
    let date = data.join("hsts_preload.date");
    println!("cargo:rerun-if-changed={}", list.display());
    println!("cargo:rerun-if-changed={}", date.display());
    println!("cargo:rerun-if-changed=src/ua/compile.rs");
    println!("cargo:rerun-if-changed=build.rs");

    let text = std::fs::read_to_string(&list)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", list.display()));
    let date_text = std::fs::read_to_string(&date)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", date.display()));
    let days = compile::parse_iso_date(&date_text)
        .unwrap_or_else(|| panic!("{} is not a YYYY-MM-DD date", date.display()));
    let (entries, mut stats) =
        compile::parse_list(&text).unwrap_or_else(|e| panic!("{}: {e}", list.display()));
    let bytes = compile::compile(&entries, days, &mut stats)
        .unwrap_or_else(|e| panic!("{}: {e}", list.display()));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("out dir"));
    let out = out_dir.join("hsts_preload.bin");
    std::fs::write(&out, &bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));

    let psl = data.join("public_suffix_list.dat");
    println!("cargo:rerun-if-changed={}", psl.display());
    println!("cargo:rerun-if-changed=src/public_suffix/compile.rs");
    let text = std::fs::read_to_string(&psl)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", psl.display()));
    let keys = public_suffix::keys(&text).unwrap_or_else(|e| panic!("{}: {e}", psl.display()));
    let bytes = compile::automaton(keys).unwrap_or_else(|e| panic!("{}: {e}", psl.display()));
    let out = out_dir.join("public_suffix.bin");
    std::fs::write(&out, &bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
