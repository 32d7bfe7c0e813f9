#!/usr/bin/env bash
# The Node stage: builds the napi-rs addon (bindings/node), checks that the generated
# loader binding.js and types binding.d.ts match the committed ones, that policy.d.ts
# matches the core's policy schema it is generated from, and runs the Node
# tests (shared vectors, API, the package's own loader errors, Express 5 and 4,
# node:http, real TLS; the client side: KnownHosts, hstsguard/fetch against real
# loopback servers with a test CA and curl --hsts interop, scan() compared with
# `hstsguard scan --json`), then the Express example's tests (examples/express/test,
# against this tree's build), then short smoke runs of the benchmarks. Called by
# scripts/test.sh; runs on its own too.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT/bindings/node"

need_node   # Node >= 20.17 for @napi-rs/cli 3 (scripts/lib.sh)
apt_install openssl   # the TLS tests make a throw-away self-signed certificate and a test CA
apt_install curl      # hstsguard/fetch interop with `curl --hsts FILE`
step "node $(node --version), npm $(npm --version 2>/dev/null)"

step "npm install (bindings/node)"
npm install --no-audit --no-fund --loglevel=error

# The build (`npm run build`: napi build --platform --release --js binding.js --dts
# binding.d.ts) rewrites binding.js and binding.d.ts: keep the committed ones to compare.
# index.js and index.d.ts are hand-written over them.
generated=(binding.js binding.d.ts)
saved="$(mktemp -d)"
trap 'rm -rf "$saved"' EXIT
for f in "${generated[@]}"; do
  [ -f "$f" ] && cp "$f" "$saved/$f"
done

step "npm run build (napi build --platform --release)"
npm run build --silent

step "generated binding.js / binding.d.ts match the committed ones"
drift=0
for f in "${generated[@]}"; do
  if [ ! -f "$saved/$f" ]; then
    echo "bindings/node/$f was not committed: commit the generated file" >&2
    drift=1
  elif ! diff -u "$saved/$f" "$f"; then
    echo "bindings/node/$f differs from what the build generates (above): commit the regenerated file" >&2
    drift=1
  fi
done
[ "$drift" -eq 0 ] || exit 1
echo "no drift"

# policy.d.ts (the types of policy options and documents) is generated from the core's
# schema by a Rust test, which fails when the committed file differs.
step "policy.d.ts matches the core's schema (cargo test -p hstsguard-node --test generated)"
(cd "$ROOT" && cargo test -q -p hstsguard-node --test generated)

# scan() must resolve to the object the CLI prints: test/scan.test.js compares the two.
step "cargo build -p hstsguard-cli (scan() is compared with hstsguard scan --json)"
(cd "$ROOT" && cargo build -q -p hstsguard-cli)
export HSTSGUARD_CLI="${CARGO_TARGET_DIR:-$ROOT/target}/debug/hstsguard"

step "node --test (bindings/node/test)"
node --test test/

step "the Express example's tests (examples/express, on this tree's build)"
(cd "$ROOT/examples/express" && npm install --no-audit --no-fund --loglevel=error && node --test test/)

step "benchmark smoke run (BENCH_QUICK=1; the numbers are not measurements)"
BENCH_QUICK=1 node bench/bench.js >"$saved/bench.log" 2>&1 || {
  cat "$saved/bench.log" >&2
  exit 1
}
tail -n 8 "$saved/bench.log"
BENCH_QUICK=1 node bench/ua.js >"$saved/bench-ua.log" 2>&1 || {
  cat "$saved/bench-ua.log" >&2
  exit 1
}
tail -n 9 "$saved/bench-ua.log"
