#!/usr/bin/env bash
# Every test: formatting, lints, the Rust workspace (unit, vectors, doc tests, CLI).
# Installs what it needs. Prints a summary line per stage.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy -q --workspace --all-targets -- -D warnings

step "cargo test --workspace (unit, shared vectors, doc tests, CLI)"
cargo test -q --workspace

step "all stages passed"
