#!/usr/bin/env bash
# Benchmarks of the nginx and Apache modules against the hand-written configurations they
# replace (tests/servers/bench.py has the method): instructions per request under
# cachegrind, wrk throughput in interleaved rounds, and worker RSS over ~1M requests.
# Not a timed test; takes about 10 minutes on a 2-core machine.
#
#   bash scripts/bench-servers.sh [ARGS]     ARGS go to tests/servers/bench.py
#                                            (--skip-cachegrind, --skip-wrk, --skip-rss,
#                                             --rounds N, --seconds S, --rss-requests N, -v)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

apt_install valgrind wrk
bash scripts/test-servers.sh build

step "tests/servers/bench.py (ours vs the peers, same run)"
python3 tests/servers/bench.py \
  --nginx-module target/servers/ngx_http_hstsguard_module.so \
  --apache-module target/servers/mod_hstsguard.so "$@"
