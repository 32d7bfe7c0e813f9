//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the fuzz targets'
//! own bodies (`fuzz/bodies/core.rs`) on stable Rust, so every input the fuzzer kept,
//! and every crash it once found, stays a regression test of `cargo test --workspace`.
//! The `c_abi` corpus is replayed by the C binding (`bindings/c/src/fuzz_replay.rs`).

#[path = "../../../fuzz/bodies/core.rs"]
mod bodies;

use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

/// Every file of a directory, sorted, so a failure names the same input every run.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_has_a_corpus_and_every_input_passes() {
    let mut failures = Vec::new();
    for (target, body) in bodies::TARGETS {
        let files = inputs(&corpus_dir(target));
        assert!(
            files.len() >= 5,
            "fuzz/corpus/{target} holds {} inputs: run `make fuzz` to grow it",
            files.len()
        );
        for file in files {
            let data = std::fs::read(&file).expect("readable corpus file");
            if std::panic::catch_unwind(|| body(&data)).is_err() {
                failures.push(file.display().to_string());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "corpus inputs that fail: {failures:#?}"
    );
}

#[test]
fn the_targets_match_the_fuzz_crate() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/Cargo.toml"),
    )
    .expect("fuzz/Cargo.toml");
    for (target, _) in bodies::TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target} is not a [[bin]] of fuzz/Cargo.toml"
        );
    }
}
