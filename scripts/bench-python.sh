#!/usr/bin/env bash
# Per-request cost of hstsguard.django.SecurityMiddleware against Django's own
# SecurityMiddleware, measured in the same run (bindings/python/bench/bench_django.py).
# Arguments are passed to the benchmark (--repeats, --chunks, --calls).
source "$(dirname "$0")/lib.sh"
HSTSGUARD_PY_STAGE=setup bash "$ROOT/scripts/test-python.sh"
VENV="${HSTSGUARD_VENV:-$ROOT/target/py-venv}"
step "bench: hstsguard.django.SecurityMiddleware vs django.middleware.security.SecurityMiddleware"
cd "$ROOT/bindings/python"
"$VENV/bin/python" bench/bench_django.py "$@"
