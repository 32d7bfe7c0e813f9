#![no_main]
//! Fuzz target `sts_parse`: the body is `fuzz/bodies/core.rs`'s `sts_parse`, which the corpus replay
//! (crates/hstsguard/tests/fuzz_corpus.rs) also runs on stable Rust.
use libfuzzer_sys::fuzz_target;

#[path = "../bodies/core.rs"]
#[allow(dead_code)]
mod bodies;

fuzz_target!(|data: &[u8]| bodies::sts_parse(data));
