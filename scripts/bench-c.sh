#!/usr/bin/env bash
# Benchmark: the per-request evaluate through the C API against the same call in Rust,
# in one run; target: the C API under 1.3x the Rust time.
#
# Three requests on one policy (bindings/c/bench/policy.toml): a TLS request that passes
# with HSTS, a plain-HTTP request redirected to HTTPS, a request from a trusted proxy.
#
# 1. Time, in one process (the figure to read): bindings/c/examples/bench_evaluate.rs
#    times Policy::evaluate in Rust and hstsguard_policy_evaluate() through the C ABI of
#    libhstsguard.so (dlopen), in alternating chunks; the ratio is the median of the
#    per-pair ratios, so both sides always see the same machine speed (it drifts here).
# 2. Time from a C program: bindings/c/bench/bench_evaluate.c, compiled by cc against
#    libhstsguard.a; alternating runs with the Rust program, medians (noisier: separate
#    processes).
# 3. Instructions per call (when valgrind is installed), which repeat exactly:
#    (I(N2) - I(N1)) / (N2 - N1) for the C program and the Rust side.
#
# Usage: bash scripts/bench-c.sh [PAIRS]     (make bench-c)
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

PAIRS="${1:-31}"
CALLS="${BENCH_CALLS:-20000}"
POLICY=bindings/c/bench/policy.toml
TARGET="${CARGO_TARGET_DIR:-target}/release"
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
SCENARIOS="pass_tls redirect proxied"

step "build (release): libhstsguard.{a,so}, the C and the Rust benchmark"
cargo build -q --release -p hstsguard-c --lib --example bench_evaluate
cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bindings/c/bench/bench_evaluate.c \
  "$TARGET/libhstsguard.a" -lpthread -ldl -lm -o "$BUILD/bench_c"
RUST_BIN="$TARGET/examples/bench_evaluate"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

step "1. one process, $PAIRS alternating pairs of $CALLS calls per scenario"
"$RUST_BIN" "$POLICY" "$CALLS" "$PAIRS" "$TARGET/libhstsguard.so" 2>/dev/null >"$BUILD/paired"
printf '%-10s %14s %14s %10s\n' scenario "Rust ns/call" "C API ns/call" "C/Rust"
awk '{printf "%-10s %14.1f %14.1f %9.2fx\n", $1, $2, $3, $4}' "$BUILD/paired"
worst=$(awk 'BEGIN {w = 0} $4 > w {w = $4} END {print w}' "$BUILD/paired")
printf 'worst ratio: %.2fx (target: under 1.30x)\n' "$worst"

RUNS=7
step "2. separate processes: the C program and the Rust side, $RUNS alternating runs"
for i in $(seq "$RUNS"); do
  "$BUILD/bench_c" "$POLICY" 100000 5 2>/dev/null | sed "s/^/$i c /"
  "$RUST_BIN" "$POLICY" 100000 5 - 2>/dev/null | sed "s/^/$i rust /"
done >"$BUILD/runs"
printf '%-10s %14s %14s %10s\n' scenario "Rust ns/call" "C ns/call" "C/Rust"
for s in $SCENARIOS; do
  c=$(awk -v s="$s" '$2 == "c" && $3 == s {print $4}' "$BUILD/runs" | median)
  r=$(awk -v s="$s" '$2 == "rust" && $3 == s {print $4}' "$BUILD/runs" | median)
  ratio=$(awk -v s="$s" '$3 == s {v[$1 " " $2] = $4} END {for (k in v) {split(k, p, " "); if (p[2] == "c") print v[k] / v[p[1] " rust"]}}' "$BUILD/runs" | median)
  printf '%-10s %14.1f %14.1f %9.2fx\n' "$s" "$r" "$c" "$ratio"
done

if command -v valgrind >/dev/null 2>&1; then
  step "3. instructions per call (valgrind cachegrind, N2 - N1 = 10000 calls)"
  ir() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 |
      awk '/I *refs/ {gsub(",", "", $NF); print $NF}'
  }
  printf '%-10s %14s %14s %10s\n' scenario "Rust instr" "C instr" "C/Rust"
  for s in $SCENARIOS; do
    c1=$(ir "$BUILD/bench_c" "$POLICY" 1000 1 "$s")
    c2=$(ir "$BUILD/bench_c" "$POLICY" 11000 1 "$s")
    r1=$(ir "$RUST_BIN" "$POLICY" 1000 1 - "$s")
    r2=$(ir "$RUST_BIN" "$POLICY" 11000 1 - "$s")
    awk -v s="$s" -v c=$(((c2 - c1) / 10000)) -v r=$(((r2 - r1) / 10000)) \
      'BEGIN {printf "%-10s %14d %14d %9.2fx\n", s, r, c, c / r}'
  done
fi
