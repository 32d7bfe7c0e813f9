# hstsguard: one target per stage. `make help` lists them.
.PHONY: help main test fmt lint test-rust bench fuzz docs clean

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

fuzz: ## 60 s per fuzz target (installs cargo-fuzz once)
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	cd fuzz && for t in sts_parse hpkp_parse cookie_flag evaluate policy_load; do \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run $$t -- -max_total_time=60 || exit 1; done

docs: ## regenerate docs/CODES.md from the core
	UPDATE_DOCS=1 cargo test -q -p hstsguard --test codes_doc

clean: ## remove build output
	cargo clean
