#!/usr/bin/env bash
# Python benchmarks, each against its peer measured in the same run:
# - per-request cost of hstsguard.django.SecurityMiddleware against Django's own
#   SecurityMiddleware (bindings/python/bench/bench_django.py);
# - preload lookup through the binding against PyPI hstspreload.in_hsts_preload uncached,
#   and KnownHosts.lookup with 10,000 entries (bindings/python/bench/bench_ua.py).
# HSTSGUARD_BENCH=django or HSTSGUARD_BENCH=ua runs one of them; arguments go to it.
source "$(dirname "$0")/lib.sh"
HSTSGUARD_PY_STAGE=setup bash "$ROOT/scripts/test-python.sh"
VENV="${HSTSGUARD_VENV:-$ROOT/target/py-venv}"
cd "$ROOT/bindings/python"
which="${HSTSGUARD_BENCH:-all}"
if [ "$which" = "all" ] || [ "$which" = "django" ]; then
  step "bench: hstsguard.django.SecurityMiddleware vs django.middleware.security.SecurityMiddleware"
  "$VENV/bin/python" bench/bench_django.py "$@"
fi
if [ "$which" = "all" ] || [ "$which" = "ua" ]; then
  step "bench: hstsguard.preload_lookup vs hstspreload.in_hsts_preload (uncached); KnownHosts.lookup"
  "$VENV/bin/python" bench/bench_ua.py "$@"
fi
