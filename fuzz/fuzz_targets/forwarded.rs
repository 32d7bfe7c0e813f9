#![no_main]
//! Fuzz target `forwarded`: the body is `fuzz/bodies/core.rs`'s `forwarded`, which the corpus replay
//! (crates/hstsguard/tests/fuzz_corpus.rs) also runs on stable Rust.
use libfuzzer_sys::fuzz_target;

#[path = "../bodies/core.rs"]
#[allow(dead_code)]
mod bodies;

fuzz_target!(|data: &[u8]| bodies::forwarded(data));
