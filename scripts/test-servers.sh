#!/usr/bin/env bash
# The nginx and Apache modules: install the servers and their dev packages when missing,
# build libhstsguard.a, build ngx_http_hstsguard_module.so and mod_hstsguard.so, and run
# tests/servers/scenarios.json against real nginx and Apache on 127.0.0.1.
#
#   bash scripts/test-servers.sh            everything (what scripts/test.sh runs)
#   bash scripts/test-servers.sh build      build both modules only
#   bash scripts/test-servers.sh nginx      build the nginx module only
#   bash scripts/test-servers.sh apache     build the Apache module only
#   bash scripts/test-servers.sh faults     build the test copies of both modules only
#   bash scripts/test-servers.sh run [ARGS] run the scenarios on the modules built before
#                                           (ARGS go to tests/servers/run.py: -k TEXT, -v,
#                                            --hostile N, --seed N)
#
# Output: target/servers/ngx_http_hstsguard_module.so and target/servers/mod_hstsguard.so;
# `all` and `faults` also build test copies of both into target/servers/test-faults/,
# linked with a second build of the library (target/faults) that has the test-faults
# feature of bindings/c: a request marked hstsguard-test-fault=panic makes the C API
# panic, so that the modules' fail-closed answers are tested (the "faults" cases of
# scenarios.json). Those copies are never shipped: the modules built here must not
# contain the marker, the test copies must.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# HSTSGUARD_SERVERS_OUT and HSTSGUARD_LIB (a libhstsguard.a built before) let scripts/dist.sh
# build the modules from its own profile into its own directory.
OUT="${HSTSGUARD_SERVERS_OUT:-$ROOT/target/servers}"
export HSTSGUARD_LIB="${HSTSGUARD_LIB:-$ROOT/target/release/libhstsguard.a}"
NGINX_SO="$OUT/ngx_http_hstsguard_module.so"
APACHE_SO="$OUT/mod_hstsguard.so"
FAULTS_LIB="$ROOT/target/faults/release/libhstsguard.a"
FAULTS_OUT="$OUT/test-faults"
FAULTS_MARKER="hstsguard-test-fault"
CFLAGS_STRICT="-Wall -Wextra -Werror"

# nginx and apache2 both start a service on port 80 when installed on a machine with an init
# system, and the second one fails its postinst. The tests start their own servers, so
# service starts are held back (policy-rc.d, as in containers) while the packages install.
install_servers() {
  local pkgs=(nginx nginx-dev apache2 apache2-dev openssl curl valgrind python3 gcc make) p missing=0
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "install ok installed" >/dev/null || missing=1
  done
  [ "$missing" = 0 ] && return 0
  if [ "$(id -u)" = 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    apt_install "${pkgs[@]}"
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  else
    apt_install "${pkgs[@]}"
  fi
}

build_lib() {
  need_cargo
  if [ "$HSTSGUARD_LIB" = "$ROOT/target/release/libhstsguard.a" ]; then
    step "cargo build --release -p hstsguard-c (libhstsguard.a)"
    cargo build -q --release -p hstsguard-c
  fi
  [ -f "$HSTSGUARD_LIB" ] && [ -f "$ROOT/include/hstsguard.h" ] || {
    echo "$HSTSGUARD_LIB or include/hstsguard.h is missing" >&2
    exit 1
  }
}

# Each build works in a directory of its own and installs its .so with a rename, so that a
# build running at the same time as another one, or as a server that has the module
# loaded (a benchmark), never changes a file under it.
install_so() {
  local built="$1" dest="$2"
  cp "$built" "$dest.tmp.$$"
  mv -f "$dest.tmp.$$" "$dest"
}

# nginx: a dynamic module built against Debian's nginx-dev (/usr/share/nginx/src) with the
# flags Debian's nginx was configured with (--with-compat among them). The source tree is
# copied so that configure writes nothing under /usr.
# build_nginx [LIB DEST]: another libhstsguard.a and output (the test-faults copy).
build_nginx() {
  local lib="${1:-$HSTSGUARD_LIB}" dest="${2:-$NGINX_SO}"
  step "build $(basename "$(dirname "$dest")")/$(basename "$dest") (nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'))"
  mkdir -p "$(dirname "$dest")"
  local work
  # No "." before the random part: nginx's configure mangles a build directory whose
  # name has ".S" or ".c" in it (its object rules are sed expressions over the path).
  work=$(mktemp -d "$OUT/nginx-build-XXXXXX")
  cp -r /usr/share/nginx/src "$work/src"
  (
    cd "$work/src"
    # shellcheck disable=SC1091
    . ./conf_flags
    HSTSGUARD_LIB="$lib" ./configure --with-cc-opt="-g -O2 -fPIC $CFLAGS_STRICT" --with-ld-opt=-fPIC \
      "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$ROOT/bindings/nginx" \
      --builddir="$work/objs" >"$work/configure.log" 2>&1 || {
      tail -20 "$work/configure.log" >&2
      exit 1
    }
    make -s -f "$work/objs/Makefile" modules >"$work/make.log" 2>&1 || {
      cat "$work/make.log" >&2
      exit 1
    }
  )
  check_exports "$work/objs/ngx_http_hstsguard_module.so" ngx_http_hstsguard_module
  check_marker "$work/objs/ngx_http_hstsguard_module.so" "$lib"
  install_so "$work/objs/ngx_http_hstsguard_module.so" "$dest"
  rm -rf "$work"
}

# Apache: apxs from apache2-dev; libtool needs -Wl,-Wl,... to pass --exclude-libs through.
# build_apache [LIB DEST]: as build_nginx.
build_apache() {
  local lib="${1:-$HSTSGUARD_LIB}" dest="${2:-$APACHE_SO}"
  step "build $(basename "$(dirname "$dest")")/$(basename "$dest") (Apache $(apache2 -v | sed -n 's/^Server version: Apache\///p'))"
  mkdir -p "$(dirname "$dest")"
  local work
  work=$(mktemp -d "$OUT/apache-build-XXXXXX")
  # bindings/common: what both modules share (the directive table, hsg_settings.c, the
  # TLS answer's memo in hsg_tls_memo.h)
  cp bindings/apache/mod_hstsguard.c bindings/common/hsg_settings.c "$work/"
  (
    cd "$work"
    apxs -c -I"$ROOT/include" -I"$ROOT/bindings/common" \
      -Wc,-Wall -Wc,-Wextra -Wc,-Werror -Wl,-Wl,--exclude-libs,ALL \
      mod_hstsguard.c hsg_settings.c "$lib" \
      -lpthread -ldl -lm >"$work/apxs.log" 2>&1 || {
      grep -v '^libtool: ' "$work/apxs.log" >&2
      exit 1
    }
  )
  check_exports "$work/.libs/mod_hstsguard.so" hstsguard_module
  check_marker "$work/.libs/mod_hstsguard.so" "$lib"
  install_so "$work/.libs/mod_hstsguard.so" "$dest"
  rm -rf "$work"
}

# A module linked with the test-faults library must contain its marker (or the faults
# cases would test nothing); any other module must not (the hook is never shipped).
check_marker() {
  local so="$1" lib="$2"
  if [ "$lib" = "$FAULTS_LIB" ]; then
    grep -q -a -F "$FAULTS_MARKER" "$so" || {
      echo "$so was linked with $lib but has no test-faults hook" >&2
      exit 1
    }
  elif grep -q -a -F "$FAULTS_MARKER" "$so"; then
    echo "$so contains the test-faults hook ($FAULTS_MARKER): $lib was built with the feature" >&2
    exit 1
  fi
}

# The test copies of both modules, over a second build of the library with the test-faults
# feature, in its own target directory (the release library stays as it is).
build_faults() {
  need_cargo
  step "cargo build --release -p hstsguard-c --features test-faults (target/faults, test only)"
  CARGO_TARGET_DIR="$ROOT/target/faults" cargo build -q --release -p hstsguard-c --lib \
    --features test-faults
  build_nginx "$FAULTS_LIB" "$FAULTS_OUT/ngx_http_hstsguard_module.so"
  build_apache "$FAULTS_LIB" "$FAULTS_OUT/mod_hstsguard.so"
}

# The module must export its module struct (and nginx's module tables) and nothing else:
# no Rust and no hstsguard_* symbols (-Wl,--exclude-libs,ALL).
check_exports() {
  local so="$1" want="$2" extra
  nm -D --defined-only "$so" | grep -c " $want\$" >/dev/null || {
    echo "$so does not export $want" >&2
    exit 1
  }
  extra=$(nm -D --defined-only "$so" | awk '{print $NF}' |
    grep -v -x -E "$want|ngx_modules|ngx_module_names|ngx_module_order" || true)
  if [ -n "$extra" ]; then
    echo "$so exports $(echo "$extra" | wc -l) unexpected symbols, e.g. $(echo "$extra" | head -3 | tr '\n' ' ')" >&2
    exit 1
  fi
}

# Every request of the table on each server, then again under valgrind memcheck; the
# faults cases on the test copies (when built), also under memcheck.
run_scenarios() {
  step "tests/servers/run.py: scenarios.json against nginx and Apache on 127.0.0.1 (and under memcheck)"
  local faults=()
  if [ -f "$FAULTS_OUT/ngx_http_hstsguard_module.so" ] && [ -f "$FAULTS_OUT/mod_hstsguard.so" ]; then
    faults=(--nginx-faults-module "$FAULTS_OUT/ngx_http_hstsguard_module.so"
      --apache-faults-module "$FAULTS_OUT/mod_hstsguard.so")
  else
    echo "no test copies in $FAULTS_OUT: the faults cases are skipped (bash $0 faults)"
  fi
  python3 tests/servers/run.py --nginx-module "$NGINX_SO" --apache-module "$APACHE_SO" \
    "${faults[@]}" --memcheck "$@"
}

case "${1:-all}" in
  all)
    install_servers
    build_lib
    build_nginx
    build_apache
    build_faults
    run_scenarios
    ;;
  build)
    install_servers
    build_lib
    build_nginx
    build_apache
    ;;
  nginx)
    install_servers
    build_lib
    build_nginx
    ;;
  apache)
    install_servers
    build_lib
    build_apache
    ;;
  faults)
    install_servers
    build_faults
    ;;
  run)
    shift
    run_scenarios "$@"
    ;;
  *)
    echo "usage: $0 [all|build|nginx|apache|faults|run [ARGS]]" >&2
    exit 2
    ;;
esac
