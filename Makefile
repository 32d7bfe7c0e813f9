# hstsguard: one target per stage. `make help` lists them.
.PHONY: help main test fmt lint test-rust bench fuzz fuzz-smoke fuzz-long dist test-dist docs clean node test-node bench-node

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

main: ## the main job: audit examples/policy.toml with the CLI
	bash scripts/main.sh

test: ## every test (what CI runs)
	bash scripts/test.sh

fmt: ## format the Rust code
	cargo fmt --all

lint: ## clippy with warnings as errors
	cargo clippy --workspace --all-targets -- -D warnings

test-rust: ## the Rust workspace tests only
	cargo test --workspace

bench: ## criterion benchmarks of the core, with the paired ratio against the headers crate
	cargo bench -p hstsguard --bench core

fuzz: ## 60 s per fuzz target (installs cargo-fuzz once; corpus in target/fuzz-corpus)
	bash scripts/fuzz.sh run 60

fuzz-smoke: ## 3 s per fuzz target, as the test command runs it
	bash scripts/fuzz.sh smoke 3

fuzz-long: ## 10 M executions per fuzz target; prints executions, coverage, corpus size
	bash scripts/fuzz.sh long 10000000

dist: ## release artefacts in dist/: wheel, sdist, npm tarball, .debs (scripts/dist.sh)
	bash scripts/dist.sh

test-dist: ## build dist/, install every artefact in a clean place and test it, then purge
	bash scripts/test-dist.sh

node: ## build the Node addon (bindings/node) in release mode; regenerates binding.js / binding.d.ts
	cd bindings/node && npm install --no-audit --no-fund && npm run build

test-node: ## the Node stage: addon build, drift check of binding.js / binding.d.ts, node --test
	bash scripts/test-node.sh

bench-node: ## Express middleware vs helmet and express-sslify (direct calls and autocannon), with ratios
	cd bindings/node && npm install --no-audit --no-fund && npm run build && node bench/bench.js

docs: ## regenerate docs/CODES.md, docs/POLICY.md and docs/policy.schema.json from the core
	UPDATE_DOCS=1 cargo test -q -p hstsguard --test codes_doc --test policy_doc

generated: docs c-generated ## regenerate every generated face of the schema and codes (commit them)
	UPDATE_GENERATED=1 cargo test -q -p hstsguard-python --test generated
	UPDATE_GENERATED=1 cargo test -q -p hstsguard-node --test generated

clean: ## remove build output
	cargo clean

.PHONY: python test-python bench-python

python: ## build the Python wheel (maturin, abi3) and install it into target/py-venv
	HSTSGUARD_PY_STAGE=setup bash scripts/test-python.sh

test-python: ## the Python stage: wheel, stubtest, mypy, pytest (vectors, API, Django)
	bash scripts/test-python.sh

bench-python: ## Django middleware per-request cost, ours vs Django's, ratio in the same run
	bash scripts/bench-python.sh

.PHONY: c-lib c-generated install test-c bench-c

# The C library (bindings/c). PREFIX and DESTDIR as usual for `make install`.
PREFIX ?= /usr/local
C_LIBDIR ?= $(PREFIX)/lib
C_INCLUDEDIR ?= $(PREFIX)/include
C_TARGET := $(or $(CARGO_TARGET_DIR),target)/release
C_VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
C_MAJOR := $(firstword $(subst ., ,$(C_VERSION)))

c-lib: ## the C library: target/release/libhstsguard.{a,so} (header: include/hstsguard.h)
	cargo build --release -p hstsguard-c --lib

c-generated: ## regenerate include/hstsguard.h and tests/c/vectors_table.h (commit them)
	UPDATE_GENERATED=1 cargo test -q -p hstsguard-c --test generated

install: c-lib ## install libhstsguard (.a, .so), hstsguard.h and hstsguard.pc under PREFIX (/usr/local)
	install -d $(DESTDIR)$(C_LIBDIR)/pkgconfig $(DESTDIR)$(C_INCLUDEDIR)
	install -m 644 $(C_TARGET)/libhstsguard.a $(DESTDIR)$(C_LIBDIR)/libhstsguard.a
	install -m 755 $(C_TARGET)/libhstsguard.so $(DESTDIR)$(C_LIBDIR)/libhstsguard.so.$(C_VERSION)
	ln -sf libhstsguard.so.$(C_VERSION) $(DESTDIR)$(C_LIBDIR)/libhstsguard.so.$(C_MAJOR)
	ln -sf libhstsguard.so.$(C_MAJOR) $(DESTDIR)$(C_LIBDIR)/libhstsguard.so
	install -m 644 include/hstsguard.h $(DESTDIR)$(C_INCLUDEDIR)/hstsguard.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(C_LIBDIR)|' -e 's|@INCLUDEDIR@|$(C_INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(C_VERSION)|' -e 's|@PRIVATE_LIBS@|-lpthread -ldl -lm|' \
	  bindings/c/hstsguard.pc.in > $(DESTDIR)$(C_LIBDIR)/pkgconfig/hstsguard.pc

test-c: ## the C stage: header drift, vectors and hostile tests under ASan/UBSan and valgrind, install + example
	bash scripts/test-c.sh

bench-c: ## evaluate through the C API vs the same call in Rust, ratio in the same run
	bash scripts/bench-c.sh

.PHONY: nginx apache test-servers bench-servers

nginx: ## the nginx module: target/servers/ngx_http_hstsguard_module.so (needs nginx-dev)
	bash scripts/test-servers.sh nginx

apache: ## the Apache module: target/servers/mod_hstsguard.so (needs apache2-dev)
	bash scripts/test-servers.sh apache

test-servers: ## both modules against real nginx and Apache on 127.0.0.1 (tests/servers/scenarios.json)
	bash scripts/test-servers.sh

bench-servers: ## modules vs add_header / Header / return 301 / mod_rewrite: cachegrind, wrk, RSS
	bash scripts/bench-servers.sh

.PHONY: bench-scan demo

bench-scan: ## `hstsguard scan` fleet benchmark: 1,000 local domains, domains/s, peak RSS, concurrency-1 equality
	cargo bench -p hstsguard-scan --bench fleet

demo: ## nginx, Apache, Django (gunicorn) and Express on 127.0.0.1, scanned side by side (scripts/demo.sh)
	bash scripts/demo.sh
