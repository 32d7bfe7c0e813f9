#!/usr/bin/env bash
# Every test: formatting, lints, the Rust workspace (unit, vectors, doc tests, CLI),
# then each binding's own stage (scripts/test-*.sh) when present.
# Installs what it needs. Stops at the first failing stage.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy -q --workspace --all-targets -- -D warnings

step "cargo test --workspace (unit, shared vectors, doc tests, CLI)"
cargo test -q --workspace

for stage in c python node servers; do
  if [ -f "scripts/test-$stage.sh" ]; then
    step "stage: $stage"
    bash "scripts/test-$stage.sh"
  fi
done

step "all stages passed"
