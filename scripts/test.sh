#!/usr/bin/env bash
# Every test: formatting, lints, the Rust workspace (unit, vectors, doc tests, CLI),
# then each binding's own stage (scripts/test-*.sh) when present.
# Installs what it needs. Stops at the first failing stage.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

# The workspace's Python binding links libpython in `cargo test` (pyo3 without
# extension-module); a bare Debian needs the headers and library for that.
if ! python3 -c 'import sysconfig,sys; sys.exit(0 if sysconfig.get_config_var("LDLIBRARY") else 1)' 2>/dev/null \
   || [ ! -e "$(python3 -c 'import sysconfig;print(sysconfig.get_config_var("LIBDIR")+"/"+sysconfig.get_config_var("LDLIBRARY"))')" ]; then
  apt_install python3-dev
fi

# The CLI's client-side tests run the real `curl --hsts` (Debian's curl has HSTS support).
apt_install curl

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy -q --workspace --all-targets -- -D warnings

step "cargo test --workspace (unit, shared vectors, doc tests, CLI)"
cargo test -q --workspace

# dist: the release artefacts (scripts/dist.sh), installed and tested as users install
# them (scripts/test-dist.sh); after servers, which installs nginx and Apache.
for stage in c python node servers dist; do
  if [ -f "scripts/test-$stage.sh" ]; then
    step "stage: $stage"
    bash "scripts/test-$stage.sh"
  fi
done

step "demo: nginx, Apache, Django and Express with one policy, scanned; they must agree (scripts/demo.sh)"
bash scripts/demo.sh

step "fuzz smoke: every fuzz target for 3 s from its committed corpus (scripts/fuzz.sh)"
bash scripts/fuzz.sh smoke 3

step "all stages passed"
