#!/usr/bin/env bash
# The main job: build the hstsguard command and audit the example policy
# (its header, the header's strict parse and preload verdict, deploy warnings,
# sample redirect and cookie decisions). Pass a policy file to audit another one.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"
cargo build -q --release -p hstsguard-cli
exec target/release/hstsguard audit "${1:-examples/policy.toml}"
