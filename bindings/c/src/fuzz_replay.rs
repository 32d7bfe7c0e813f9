//! Replays the committed corpus of the `c_abi` fuzz target (`fuzz/corpus/c_abi/`) through
//! the target's own body (`fuzz/bodies/c_abi.rs`) on stable Rust, in `cargo test`.

#[path = "../../../fuzz/bodies/c_abi.rs"]
mod body;

#[test]
fn c_abi_corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/c_abi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "fuzz/corpus/c_abi holds {} inputs",
        files.len()
    );
    for file in files {
        let data = std::fs::read(&file).expect("readable corpus file");
        let replay = std::panic::catch_unwind(|| body::c_abi(&data));
        assert!(replay.is_ok(), "{} fails", file.display());
    }
}
