#!/usr/bin/env bash
# The Python stage: a virtualenv (target/py-venv) with maturin, Django 5.2 LTS, pytest,
# pytest-django and mypy; the hstsguard wheel built by maturin (release, abi3) and
# installed into it (with httpx, requests, trustme and hstspreload); then the drift check of
# the generated typed dicts (_schema.py), mypy.stubtest on the installed package, mypy --strict on the
# sources and tests (tests/typing_policy.py: the typed dicts reject what they must), and pytest (shared vectors, API, Django middleware and checks,
# drop-in equivalence with Django's middleware, the example project).
#
# HSTSGUARD_PY_STAGE=setup stops after installing the wheel (make python, bench-python.sh).
# HSTSGUARD_VENV overrides the virtualenv's location.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

VENV="${HSTSGUARD_VENV:-$ROOT/target/py-venv}"
PY_DIR="$ROOT/bindings/python"
WHEELS="$ROOT/target/wheels/python"

if ! command -v python3 >/dev/null 2>&1; then
  apt_install python3
fi
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  # Debian splits venv's pip bootstrap into python3-venv.
  apt_install python3-venv
fi

if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  step "python3 -m venv $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
# test_curl_interop.py runs the real `curl --hsts`: install it rather than skip.
apt_install curl

step "pip install maturin, Django 5.2, pytest, pytest-django, mypy, httpx, requests, trustme, hstspreload"
# httpx and requests: the HSTS transport/adapter tests run the real clients; trustme makes
# the test CA; hstspreload is the peer of the preload benchmark; types-requests for mypy.
"$PY" -m pip install -q --disable-pip-version-check \
  "maturin>=1.16,<2" "django>=5.2,<6" "pytest>=8" "pytest-django>=4.9" "mypy>=1.10" \
  "httpx>=0.27" "requests>=2.32" "types-requests" "trustme>=1.1" "hstspreload"

step "maturin build --release (abi3 wheel) and pip install it"
rm -rf "$WHEELS"
"$VENV/bin/maturin" build --release --quiet -m "$PY_DIR/Cargo.toml" -i "$PY" -o "$WHEELS"
wheel="$(ls "$WHEELS"/hstsguard-*.whl)"
echo "$(basename "$wheel")"
"$PY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"

if [ "${HSTSGUARD_PY_STAGE:-}" = "setup" ]; then
  exit 0
fi

step "drift check: python/hstsguard/_schema.py (typed dicts) against the core's schema"
cargo test -q -p hstsguard-python --test generated

cd "$PY_DIR"
step "mypy.stubtest hstsguard (the installed package against its stubs)"
"$PY" -m mypy.stubtest hstsguard --mypy-config-file pyproject.toml

step "mypy --strict (package sources and tests)"
"$PY" -m mypy --config-file pyproject.toml

step "pytest (vectors, API, Django, client-side store, httpx/requests/curl on loopback, scan)"
"$PY" -m pytest -q -p no:cacheprovider
