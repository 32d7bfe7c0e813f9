#!/usr/bin/env bash
# The nginx and Apache modules: install the servers and their dev packages when missing,
# build libhstsguard.a, build ngx_http_hstsguard_module.so and mod_hstsguard.so, and run
# tests/servers/scenarios.json against real nginx and Apache on 127.0.0.1.
#
#   bash scripts/test-servers.sh            everything (what scripts/test.sh runs)
#   bash scripts/test-servers.sh build      build both modules only
#   bash scripts/test-servers.sh nginx      build the nginx module only
#   bash scripts/test-servers.sh apache     build the Apache module only
#   bash scripts/test-servers.sh run [ARGS] run the scenarios on the modules built before
#                                           (ARGS go to tests/servers/run.py: -k TEXT, -v,
#                                            --hostile N, --seed N)
#
# Output: target/servers/ngx_http_hstsguard_module.so and target/servers/mod_hstsguard.so.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# HSTSGUARD_SERVERS_OUT and HSTSGUARD_LIB (a libhstsguard.a built before) let scripts/dist.sh
# build the modules from its own profile into its own directory.
OUT="${HSTSGUARD_SERVERS_OUT:-$ROOT/target/servers}"
export HSTSGUARD_LIB="${HSTSGUARD_LIB:-$ROOT/target/release/libhstsguard.a}"
NGINX_SO="$OUT/ngx_http_hstsguard_module.so"
APACHE_SO="$OUT/mod_hstsguard.so"
CFLAGS_STRICT="-Wall -Wextra -Werror"

# nginx and apache2 both start a service on port 80 when installed on a machine with an init
# system, and the second one fails its postinst. The tests start their own servers, so
# service starts are held back (policy-rc.d, as in containers) while the packages install.
install_servers() {
  local pkgs=(nginx nginx-dev apache2 apache2-dev openssl curl valgrind python3 gcc make) p missing=0
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing=1
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
build_nginx() {
  step "build ngx_http_hstsguard_module.so (nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'))"
  mkdir -p "$OUT"
  local work
  work=$(mktemp -d "$OUT/nginx-build.XXXXXX")
  cp -r /usr/share/nginx/src "$work/src"
  (
    cd "$work/src"
    # shellcheck disable=SC1091
    . ./conf_flags
    ./configure --with-cc-opt="-g -O2 -fPIC $CFLAGS_STRICT" --with-ld-opt=-fPIC \
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
  install_so "$work/objs/ngx_http_hstsguard_module.so" "$NGINX_SO"
  rm -rf "$work"
}

# Apache: apxs from apache2-dev; libtool needs -Wl,-Wl,... to pass --exclude-libs through.
build_apache() {
  step "build mod_hstsguard.so (Apache $(apache2 -v | sed -n 's/^Server version: Apache\///p'))"
  mkdir -p "$OUT"
  local work
  work=$(mktemp -d "$OUT/apache-build.XXXXXX")
  cp bindings/apache/mod_hstsguard.c bindings/nginx/hsg_settings.c "$work/"
  (
    cd "$work"
    apxs -c -I"$ROOT/include" -I"$ROOT/bindings/nginx" \
      -Wc,-Wall -Wc,-Wextra -Wc,-Werror -Wl,-Wl,--exclude-libs,ALL \
      mod_hstsguard.c hsg_settings.c "$HSTSGUARD_LIB" \
      -lpthread -ldl -lm >"$work/apxs.log" 2>&1 || {
      grep -v '^libtool: ' "$work/apxs.log" >&2
      exit 1
    }
  )
  check_exports "$work/.libs/mod_hstsguard.so" hstsguard_module
  install_so "$work/.libs/mod_hstsguard.so" "$APACHE_SO"
  rm -rf "$work"
}

# The module must export its module struct (and nginx's module tables) and nothing else:
# no Rust and no hstsguard_* symbols (-Wl,--exclude-libs,ALL).
check_exports() {
  local so="$1" want="$2" extra
  nm -D --defined-only "$so" | grep -q " $want\$" || {
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

# Every request of the table on each server, then again under valgrind memcheck.
run_scenarios() {
  step "tests/servers/run.py: scenarios.json against nginx and Apache on 127.0.0.1 (and under memcheck)"
  python3 tests/servers/run.py --nginx-module "$NGINX_SO" --apache-module "$APACHE_SO" \
    --memcheck "$@"
}

case "${1:-all}" in
  all)
    install_servers
    build_lib
    build_nginx
    build_apache
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
  run)
    shift
    run_scenarios "$@"
    ;;
  *)
    echo "usage: $0 [all|build|nginx|apache|run [ARGS]]" >&2
    exit 2
    ;;
esac
