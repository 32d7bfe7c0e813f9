#!/usr/bin/env bash
# The fuzz targets (fuzz/, cargo-fuzz + libFuzzer with AddressSanitizer, on stable Rust
# through RUSTC_BOOTSTRAP=1). Every target starts from its committed corpus
# (fuzz/corpus/<target>/), read-only: new inputs go to target/fuzz-corpus/<target>/ and
# crash inputs to target/fuzz-artifacts/<target>/, never into the tree.
#
#   bash scripts/fuzz.sh smoke [SECONDS]   every target for SECONDS (default 3): the test
#                                          command's smoke
#   bash scripts/fuzz.sh run [SECONDS]     every target for SECONDS (default 60): make fuzz
#   bash scripts/fuzz.sh long [RUNS]       every target for RUNS executions (default 10 M),
#                                          then a table: executions, coverage, corpus size
#   bash scripts/fuzz.sh cmin              the committed corpora, minimized (edge coverage
#                                          only, to stay small) again with what
#                                          the runs above found (rewrites fuzz/corpus/)
#   FUZZ_TARGETS="sts_parse c_abi" ...     only these targets
#   FUZZ_SANITIZER=none ...                without AddressSanitizer (default: address), built
#                                          in target/fuzz-none: 3-4x the executions per second
#                                          for the safe-Rust targets, whose memory safety the
#                                          compiler already checks (debug assertions stay on);
#                                          keep ASan for c_abi
#
# A failing input is a bug: fix it, then copy the input into fuzz/corpus/<target>/ so the
# replay in `cargo test --workspace` keeps it (crates/hstsguard/tests/fuzz_corpus.rs and
# bindings/c/src/fuzz_replay.rs).
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

ALL_TARGETS=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^hstsguard-fuzz$')
TARGETS="${FUZZ_TARGETS:-$ALL_TARGETS}"
GROWN="$ROOT/target/fuzz-corpus"
ARTIFACTS="$ROOT/target/fuzz-artifacts"
LOGS="$ROOT/target/fuzz-logs"
SANITIZER="${FUZZ_SANITIZER:-address}"
case "$SANITIZER" in
  address) ;;
  none) export CARGO_TARGET_DIR="$ROOT/target/fuzz-none" ;;
  *) echo "fuzz: FUZZ_SANITIZER must be address or none, not '$SANITIZER'" >&2; exit 2 ;;
esac
export RUSTC_BOOTSTRAP=1

ensure_cargo_fuzz() {
  if ! cargo fuzz --version >/dev/null 2>&1; then
    step "cargo install cargo-fuzz (once per machine, about a minute)"
    cargo install -q --locked cargo-fuzz
  fi
}

build() {
  step "cargo fuzz build (sanitizer: $SANITIZER; release with debug assertions)"
  (cd fuzz && cargo fuzz build -O -s "$SANITIZER" --debug-assertions) >"$LOGS/build.log" 2>&1 ||
    { cat "$LOGS/build.log" >&2; exit 1; }
}

# run_target TARGET LIBFUZZER-ARGS...: prints libFuzzer's output to LOGS/TARGET.log.
run_target() {
  local t="$1"
  shift
  mkdir -p "$GROWN/$t" "$ARTIFACTS/$t"
  echo "# sanitizer: $SANITIZER" >"$LOGS/$t.log"
  (cd fuzz && cargo fuzz run -O -s "$SANITIZER" --debug-assertions "$t" "$GROWN/$t" "$ROOT/fuzz/corpus/$t" -- \
    -artifact_prefix="$ARTIFACTS/$t/" -print_final_stats=1 "$@") >>"$LOGS/$t.log" 2>&1
}

# summary TARGET: executions, coverage, features and corpus size from the run's log.
summary() {
  local log="$LOGS/$1.log" runs cov ft corp
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[bKM]?b?' "$log" | tail -1 | cut -d' ' -f2)
  printf '  %-16s %12s %8s %8s %14s %9s\n' "$1" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$SANITIZER"
}

header() {
  printf '  %-16s %12s %8s %8s %14s %9s\n' target executions coverage features "corpus (n/size)" sanitizer
}

mkdir -p "$LOGS"
mode="${1:-smoke}"
case "$mode" in
  smoke | run)
    seconds="${2:-$([ "$mode" = smoke ] && echo 3 || echo 60)}"
    ensure_cargo_fuzz
    build
    step "fuzz: $seconds s per target, 0 crashes allowed"
    header
    for t in $TARGETS; do
      if ! run_target "$t" -max_total_time="$seconds"; then
        tail -40 "$LOGS/$t.log" >&2
        echo "fuzz: $t FAILED; the input is in $ARTIFACTS/$t/" >&2
        exit 1
      fi
      summary "$t"
    done
    ;;
  long)
    runs="${2:-10000000}"
    ensure_cargo_fuzz
    build
    step "fuzz: $runs executions per target, 0 crashes allowed (logs: $LOGS)"
    header
    failed=0
    for t in $TARGETS; do
      if ! run_target "$t" -runs="$runs"; then
        echo "fuzz: $t FAILED; the input is in $ARTIFACTS/$t/" >&2
        failed=1
      fi
      summary "$t"
    done
    exit "$failed"
    ;;
  cmin)
    ensure_cargo_fuzz
    build
    step "minimize fuzz/corpus/<target> with target/fuzz-corpus/<target>"
    for t in $TARGETS; do
      fresh="$ROOT/target/fuzz-cmin/$t"
      rm -rf "$fresh"
      mkdir -p "$fresh" "$GROWN/$t"
      (cd fuzz && cargo fuzz run -O -s "$SANITIZER" --debug-assertions "$t" "$fresh" "$ROOT/fuzz/corpus/$t" "$GROWN/$t" -- \
        -merge=1 -use_counters=0 -artifact_prefix="$ARTIFACTS/$t/") >"$LOGS/$t.cmin.log" 2>&1 ||
        { tail -20 "$LOGS/$t.cmin.log" >&2; exit 1; }
      rm -rf "$ROOT/fuzz/corpus/$t"
      mv "$fresh" "$ROOT/fuzz/corpus/$t"
      printf '  %-16s %5d inputs %8s\n' "$t" "$(ls "$ROOT/fuzz/corpus/$t" | wc -l)" \
        "$(du -sh "$ROOT/fuzz/corpus/$t" | cut -f1)"
    done
    ;;
  *)
    echo "usage: scripts/fuzz.sh smoke|run [SECONDS] | long [RUNS] | cmin" >&2
    exit 2
    ;;
esac
