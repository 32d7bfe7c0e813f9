#!/usr/bin/env bash
# The C binding's stage (called by scripts/test.sh; also `make test-c`):
#  1. libhstsguard.{a,so} in release; only hstsguard_* exported; SONAME libhstsguard.so.N;
#  2. the generated files are current (include/hstsguard.h, tests/c/vectors_table.h) and the
#     header's version macros match Cargo.toml;
#  3. the header compiles warning-free as C (c99, c11, -Wpedantic) and C++ (c++11, c++17);
#  4. the shared vectors through the C API (tests/c/vectors.c, and tests/c/ua.c for
#     tests/vectors/ua_store.json) and the hostile-input tests (tests/c/hostile.c,
#     tests/c/ua_hostile.c: the Known HSTS Host store, with threads sharing one store),
#     and the servers' memo of TLS answers (tests/c/tls_memo.c, bindings/common), each
#     under AddressSanitizer + UBSan and under valgrind (errors and leaks fail);
#  5. `make install PREFIX=<temp>` and examples/c built with pkg-config against it, run
#     (shared), then linked statically into a shared object the way the nginx and
#     Apache modules will (-Wl,--exclude-libs,ALL), which must export no Rust symbol.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

apt_install gcc g++ libc6-dev make binutils pkg-config valgrind

TARGET="${CARGO_TARGET_DIR:-target}/release"
BUILD="$(mktemp -d)"
PREFIX="$(mktemp -d)"
trap 'rm -rf "$BUILD" "$PREFIX"' EXIT
LIBS="$TARGET/libhstsguard.a -lpthread -ldl -lm"
WARN="-Wall -Wextra -Werror"

step "C: build libhstsguard (release)"
cargo build -q --release -p hstsguard-c --lib
test -f "$TARGET/libhstsguard.a" && test -f "$TARGET/libhstsguard.so"

step "C: libhstsguard.so exports only hstsguard_* and has a versioned SONAME"
exported="$(nm -D --defined-only "$TARGET/libhstsguard.so" | awk '{print $NF}')"
others="$(grep -v '^hstsguard_' <<<"$exported" || true)"
if [ -n "$others" ]; then
  echo "symbols other than hstsguard_* are exported:" >&2
  echo "$others" | head -20 >&2
  exit 1
fi
echo "$(wc -l <<<"$exported") symbols, all hstsguard_*"
major="$(sed -n 's/^#define HSTSGUARD_VERSION_MAJOR \([0-9]*\)$/\1/p' include/hstsguard.h)"
soname="$(objdump -p "$TARGET/libhstsguard.so" | awk '$1 == "SONAME" {print $2}')"
[ "$soname" = "libhstsguard.so.$major" ] || { echo "SONAME is '$soname'" >&2; exit 1; }
echo "SONAME $soname"

step "C: generated files are current; version macros match Cargo.toml"
cargo test -q -p hstsguard-c --test generated

step "C: the header compiles warning-free as C and C++"
printf '#include "hstsguard.h"\n#include "hstsguard.h"\nint main(void) { return hstsguard_version() == 0; }\n' >"$BUILD/h.c"
cp "$BUILD/h.c" "$BUILD/h.cc"
for std in c99 c11; do
  gcc -std=$std $WARN -Wpedantic -Iinclude -c "$BUILD/h.c" -o "$BUILD/h.o"
done
for std in c++11 c++17; do
  g++ -std=$std $WARN -Wpedantic -Iinclude -c "$BUILD/h.cc" -o "$BUILD/h.o"
done
echo "c99, c11, c++11, c++17: no warnings"

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
VALGRIND="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible"

for t in vectors hostile ua ua_hostile tls_memo; do
  step "C: tests/c/$t.c under AddressSanitizer + UBSan"
  # -Wpedantic too: the generated table keeps every string literal short (long vector
  # strings are run-length segments), so it is valid C99 for any compiler.
  gcc -std=c99 $WARN -Wpedantic -g $SAN -Iinclude -Ibindings/common -Itests/c "tests/c/$t.c" $LIBS -o "$BUILD/$t-asan"
  "$BUILD/$t-asan"
  step "C: tests/c/$t.c under valgrind"
  gcc -std=c99 $WARN -Wpedantic -g -O1 -Iinclude -Ibindings/common -Itests/c "tests/c/$t.c" $LIBS -o "$BUILD/$t"
  $VALGRIND "$BUILD/$t"
done

step "C: make install PREFIX=$PREFIX; examples/c with pkg-config"
make -s install PREFIX="$PREFIX" >/dev/null
for f in lib/libhstsguard.a lib/libhstsguard.so "lib/libhstsguard.so.$major" \
  include/hstsguard.h lib/pkgconfig/hstsguard.pc; do
  test -e "$PREFIX/$f" || { echo "missing $PREFIX/$f" >&2; exit 1; }
done
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
echo "pkg-config: $(pkg-config --modversion hstsguard) $(pkg-config --cflags --libs hstsguard)"
# shellcheck disable=SC2046
cc examples/c/example.c $(pkg-config --cflags --libs hstsguard) -o "$BUILD/example"
readelf -d "$BUILD/example" | grep -c "NEEDED.*libhstsguard.so.$major" >/dev/null ||
  { echo "example does not link libhstsguard.so.$major" >&2; exit 1; }
LD_LIBRARY_PATH="$PREFIX/lib" "$BUILD/example"
# The same program as C++.
# shellcheck disable=SC2046
g++ -x c++ -std=c++11 $WARN examples/c/example.c $(pkg-config --cflags --libs hstsguard) \
  -Wl,-rpath,"$PREFIX/lib" -o "$BUILD/example-cxx"
"$BUILD/example-cxx" >/dev/null

step "C: the static library inside a shared object (how the server modules link it)"
cat >"$BUILD/module.c" <<'EOF'
#include <string.h>
#include "hstsguard.h"
/* A stand-in for a server module: one exported entry point over the static library. */
__attribute__((visibility("default"))) int module_hsts_len(void) {
    hstsguard_policy *p = NULL;
    hstsguard_str v;
    size_t n = 0;
    if (hstsguard_policy_default(&p) != HSTSGUARD_OK) return -1;
    if (hstsguard_policy_hsts_value(p, &v) == HSTSGUARD_OK) n = v.len;
    hstsguard_policy_free(p);
    return (int)n;
}
EOF
# shellcheck disable=SC2046
gcc -std=c99 $WARN -fPIC -shared $(pkg-config --cflags hstsguard) "$BUILD/module.c" \
  -Wl,--exclude-libs,ALL "$PREFIX/lib/libhstsguard.a" \
  -lpthread -ldl -lm -o "$BUILD/module.so"
leaked="$(nm -D --defined-only "$BUILD/module.so" | awk '{print $NF}' | grep -v '^module_hsts_len$' || true)"
if [ -n "$leaked" ]; then
  echo "the module exports more than its entry point:" >&2
  echo "$leaked" | head >&2
  exit 1
fi
printf 'int module_hsts_len(void);\nint main(void) { return module_hsts_len() == 35 ? 0 : 1; }\n' >"$BUILD/load.c"
gcc "$BUILD/load.c" "$BUILD/module.so" -Wl,-rpath,"$BUILD" -o "$BUILD/load"
"$BUILD/load"
echo "module.so exports only its entry point and works"

step "C: all passed"
