#!/usr/bin/env bash
# The dist stage: builds the release artefacts (scripts/dist.sh) and tests them as a user
# installs them, never from the tree:
#
#   - sizes: every native file (the wheel's module, the .node, each server module)
#     <= 5 MB, the wheel and the npm tarball <= 3 MB; no shipped binary holds debug info
#     or names a directory of the build machine; the server modules do not link the HPKP
#     certificate stack (x509-parser), the C library does;
#   - licences: the wheel, the sdist, the npm tarball and every .deb ship LICENSE-MIT,
#     LICENSE-APACHE (or Debian's common-licenses reference), the preload list's BSD-3
#     notice and the Public Suffix List's MPL-2.0 one;
#   - the sdist holds every workspace crate and data file it builds from (set
#     HSTSGUARD_DIST_SDIST=1 to also `pip install` it in a fresh venv: a full Rust build);
#   - the wheel in a fresh venv, then the Django example's tests against it;
#   - the npm tarball in a fresh npm project (Express from the registry, no Rust toolchain
#     on PATH), then the Express example's tests (examples/express/test) against it, and
#     the package's own error when its addon is missing;
#   - the .debs with `apt-get install ./...deb`: `nginx -t` with the packaged module
#     enabled, `a2enmod hstsguard && apache2ctl -t`, one HTTPS request to each server on
#     127.0.0.1 (own configs, own test certificate, free ports) with the module answering,
#     and a C program built with `pkg-config --cflags --libs hstsguard`;
#   - versions agree: Cargo.toml, `hstsguard --version`, `hstsguard.__version__`,
#     `require('hstsguard').version` (and VERSION, and the tarball's package.json),
#     HSTSGUARD_VERSION, hstsguard_version(), the .deb versions, the modules' start-up
#     log lines;
#   - bad input: a truncated and a corrupted npm tarball, a truncated and a corrupted
#     wheel, a corrupt .deb and a module built for another nginx ABI are refused with a
#     message that names the problem, and install nothing.
#
# Afterwards everything this stage installed is purged, and the machine is as it was
# (nginx and apache2 themselves, installed by the servers stage, stay): the venvs and the
# npm project live in a temporary directory, npm's cache too (~/.npm is checked to be
# untouched).
#
#   bash scripts/test-dist.sh              build dist/, then test it
#   HSTSGUARD_DIST_REUSE=1 bash ...        test the artefacts already in dist/
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
need_node   # the npm project test (scripts/lib.sh)

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
DEB_VERSION="$VERSION-1"
DIST="${HSTSGUARD_DIST:-$ROOT/dist}"
PKGS=(libhstsguard0 libhstsguard-dev hstsguard libnginx-mod-http-hstsguard libapache2-mod-hstsguard)
MB=1000000
# Size limits in bytes (MB = 10^6 bytes): the issue's targets, 5 MB for every native file
# and 3 MB for the wheel and the npm tarball. Every artefact meets its target and is held
# to it (README, "Sizes", has the figures and the breakdown). The wheel's module and the
# .node, which also hold the live scanner, are built with the dist-bindings profile
# (Cargo.toml: fat LTO, opt-level "s").
MAX_SERVER_MODULE=$((5 * MB))
MAX_WHEEL_MODULE=$((5 * MB))
MAX_WHEEL=$((3 * MB))
MAX_NODE_ADDON=$((5 * MB))
MAX_TARBALL=$((3 * MB))

[ "$(id -u)" = 0 ] || { echo "test-dist: installs .deb packages: run as root" >&2; exit 1; }

fail() {
  echo "test-dist: FAIL: $*" >&2
  exit 1
}

if [ "${HSTSGUARD_DIST_REUSE:-}" != 1 ]; then
  step "scripts/dist.sh (the artefacts under test)"
  bash scripts/dist.sh
fi

WHEEL=$(ls "$DIST"/hstsguard-"$VERSION"-cp39-abi3-*.whl 2>/dev/null | head -1)
SDIST="$DIST/hstsguard-$VERSION.tar.gz"
TARBALL="$DIST/hstsguard-$VERSION.tgz"
ARCH=$(dpkg --print-architecture)
[ -f "$WHEEL" ] || fail "no wheel for $VERSION in $DIST"
[ -f "$SDIST" ] || fail "no sdist $SDIST"
[ -f "$TARBALL" ] || fail "no npm tarball $TARBALL"
for p in "${PKGS[@]}"; do
  [ -f "$DIST/${p}_${DEB_VERSION}_$ARCH.deb" ] || fail "no $DIST/${p}_${DEB_VERSION}_$ARCH.deb"
done
deb() { echo "$DIST/${1}_${DEB_VERSION}_$ARCH.deb"; }

T=$(mktemp -d /tmp/hstsguard-dist-test.XXXXXX)
chmod 755 "$T"
# npm writes its cache, logs and update checks under its cache directory: ours, in $T.
export npm_config_cache="$T/npm-cache" npm_config_update_notifier=false npm_config_audit=false \
  npm_config_fund=false
npm_home_before=$(find "$HOME/.npm" -printf '%P %s %T@\n' 2>/dev/null | sort | sha256sum)
PIDS=()
INSTALLED=()
ENABLED_APACHE=0
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "$ENABLED_APACHE" = 1 ]; then a2dismod -q -f hstsguard >/dev/null 2>&1 || true; fi
  if [ ${#INSTALLED[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${INSTALLED[@]}" >/dev/null 2>&1 || true
  fi
  rm -rf "$T"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------
step "sizes (every native file <= 5 MB, the wheel and the tarball <= 3 MB; no debug info)"
mkdir -p "$T/wheel" "$T/debs" "$T/tgz"
python3 -m zipfile -e "$WHEEL" "$T/wheel"
native=$(ls "$T"/wheel/hstsguard/_native*.so)
tar -xzf "$TARBALL" -C "$T/tgz"
addon=$(ls "$T"/tgz/package/hstsguard.*.node)
[ "$(echo "$addon" | wc -l)" = 1 ] || fail "the tarball holds $(echo "$addon" | wc -l) .node files"
[ "$(basename "$addon")" = "hstsguard.linux-x64-gnu.node" ] || [ "$ARCH" != amd64 ] ||
  fail "the tarball's addon is $(basename "$addon"), not hstsguard.linux-x64-gnu.node"
for p in "${PKGS[@]}"; do dpkg-deb -x "$(deb "$p")" "$T/debs/$p"; done
ngx_so="$T/debs/libnginx-mod-http-hstsguard/usr/lib/nginx/modules/ngx_http_hstsguard_module.so"
apache_so="$T/debs/libapache2-mod-hstsguard/usr/lib/apache2/modules/mod_hstsguard.so"
printf '  %-48s %10s\n' "$(basename "$WHEEL")" "$(stat -c %s "$WHEEL")"
[ "$(stat -c %s "$WHEEL")" -le "$MAX_WHEEL" ] || fail "the wheel is over $MAX_WHEEL bytes"
printf '  %-48s %10s\n' "$(basename "$TARBALL")" "$(stat -c %s "$TARBALL")"
[ "$(stat -c %s "$TARBALL")" -le "$MAX_TARBALL" ] || fail "the npm tarball is over $MAX_TARBALL bytes"
for f in "$native" "$addon" "$ngx_so" "$apache_so" \
  "$T/debs/libhstsguard0/usr/lib/"*/libhstsguard.so.* "$T/debs/hstsguard/usr/bin/hstsguard"; do
  [ -L "$f" ] && continue
  printf '  %-48s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")"
  if readelf -S "$f" | grep -c '\.debug_info' >/dev/null; then fail "$(basename "$f") holds debug info"; fi
  if grep -aqF -e "$ROOT/crates/" -e "$ROOT/bindings/" -e "$ROOT/target/" \
    -e "$(cd "$ROOT" && pwd -P)/target/" -e "${CARGO_HOME:-$HOME/.cargo}/registry/" "$f"; then
    fail "$(basename "$f") names a directory of the machine that built it ($ROOT or the cargo registry)"
  fi
done
[ "$(stat -c %s "$native")" -le "$MAX_WHEEL_MODULE" ] || fail "the wheel's module is over $MAX_WHEEL_MODULE bytes (5 MB)"
[ "$(stat -c %s "$addon")" -le "$MAX_NODE_ADDON" ] || fail "$(basename "$addon") is over $MAX_NODE_ADDON bytes (5 MB)"
for f in "$ngx_so" "$apache_so"; do
  [ "$(stat -c %s "$f")" -le "$MAX_SERVER_MODULE" ] || fail "$(basename "$f") is over 5 MB"
  # The HPKP certificate stack is not linked into the modules (their panic locations would
  # name its crates); the C library and the CLI have it.
  if grep -aqE 'crates\.io/(x509-parser|der-parser|asn1-rs)-' "$f"; then
    fail "$(basename "$f") links the x509-parser stack (built without the feature certificates?)"
  fi
done
grep -aq 'crates\.io/x509-parser-' "$T/debs/libhstsguard0/usr/lib/"*/libhstsguard.so.*.* ||
  fail "libhstsguard.so has no x509-parser: hstsguard_pin_of_certificate needs it"

# ---------------------------------------------------------------------------------------
step "licences and the preload list's notice in every artefact"
lic="$T/wheel/hstsguard-$VERSION.dist-info/licenses"
for f in LICENSE-MIT LICENSE-APACHE NOTICE; do
  [ -f "$lic/$f" ] || fail "the wheel has no $f (in .dist-info/licenses)"
  cmp -s "$lic/$f" "$f" || fail "the wheel's $f differs from the repository's"
done
# NOTICE carries data/README.md's licence section verbatim.
sed -n '/^## Licence (the HSTS preload list)$/,$p' data/README.md | sed 1,2d >"$T/notice.expected"
grep -qF -f <(head -3 "$T/notice.expected") NOTICE || fail "NOTICE lacks data/README.md's licence"
sed -n '/^License (redistribution allowed with notice)$/,$p' NOTICE | cmp -s - "$T/notice.expected" ||
  fail "NOTICE differs from data/README.md's licence section"
grep -qF "https://mozilla.org/MPL/2.0/" NOTICE || fail "NOTICE lacks the Public Suffix List's MPL-2.0 notice"
tar -tzf "$SDIST" >"$T/sdist.list"
for f in LICENSE-MIT LICENSE-APACHE NOTICE; do
  grep -q "^hstsguard-$VERSION/\(bindings/python/\)\?$f\$" "$T/sdist.list" || fail "the sdist has no $f"
  cmp -s "$T/tgz/package/$f" "$f" || fail "the npm tarball's $f is missing or differs from the repository's"
done
for p in "${PKGS[@]}"; do
  c="$T/debs/$p/usr/share/doc/$p/copyright"
  [ -f "$c" ] || fail "$p has no /usr/share/doc/$p/copyright"
  grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$c" ||
    fail "$p's copyright is not DEP-5"
  for want in "License: MIT" "License: Apache-2.0" "License: BSD-3-clause" "License: MPL-2.0" \
    "Copyright 2012 The Chromium Authors" "Andrey Kislyuk" "THIS SOFTWARE IS PROVIDED"; do
    grep -qF "$want" "$c" || grep -qF "${want#Copyright }" "$c" || fail "$p's copyright lacks '$want'"
  done
done
echo "  wheel, sdist, npm tarball and 5 .debs: MIT, Apache-2.0, the BSD-3 and MPL-2.0 notices present"

# ---------------------------------------------------------------------------------------
step "the sdist holds the workspace crates and data it builds from"
for f in Cargo.toml Cargo.lock pyproject.toml crates/hstsguard/Cargo.toml crates/hstsguard/build.rs \
  crates/hstsguard-scan/Cargo.toml bindings/python/Cargo.toml crates/hstsguard/data/hsts_preload.json \
  crates/hstsguard/data/hsts_preload.date crates/hstsguard/data/public_suffix_list.dat; do
  grep -q "^hstsguard-$VERSION/$f\$" "$T/sdist.list" || fail "the sdist has no $f"
done
mkdir -p "$T/sdist"
tar -xzf "$SDIST" -C "$T/sdist"
need_cargo
cargo metadata -q --offline --format-version 1 --no-deps \
  --manifest-path "$T/sdist/hstsguard-$VERSION/bindings/python/Cargo.toml" >/dev/null ||
  fail "the sdist's Cargo workspace does not resolve"
echo "  $(wc -l <"$T/sdist.list") files; the Cargo workspace resolves"
if [ "${HSTSGUARD_DIST_SDIST:-}" = 1 ]; then
  step "pip install the sdist in a fresh venv (a Rust build)"
  python3 -m venv "$T/sdist-venv"
  CARGO_TARGET_DIR="$ROOT/target/dist-sdist" "$T/sdist-venv/bin/pip" install -q \
    --disable-pip-version-check "$SDIST"
  got=$("$T/sdist-venv/bin/python" -c 'import hstsguard; print(hstsguard.__version__)')
  [ "$got" = "$VERSION" ] || fail "the sdist installs version $got"
  echo "  hstsguard $got from the sdist"
fi

# ---------------------------------------------------------------------------------------
step "the wheel in a fresh venv, then the Django example's tests against it"
python3 -m venv "$T/venv"
VPY="$T/venv/bin/python"
"$VPY" -m pip install -q --disable-pip-version-check "$WHEEL" "django>=5.2,<6" "pytest>=8" "pytest-django>=4.9"
py_version=$(cd "$T" && "$VPY" -c 'import hstsguard; print(hstsguard.__version__)')
py_file=$(cd "$T" && "$VPY" -c 'import hstsguard; print(hstsguard.__file__)')
case "$py_file" in "$T"/venv/*) ;; *) fail "hstsguard imported from $py_file, not the venv" ;; esac
(
  cd bindings/python
  PYTHONDONTWRITEBYTECODE=1 "$VPY" -m pytest -q -p no:cacheprovider \
    tests/test_example.py tests/test_django_middleware.py
)

# ---------------------------------------------------------------------------------------
step "the npm tarball in a fresh npm project (Express from the registry, no Rust on PATH), then the Express example's tests"
# Nothing in the package may build at install time: no install scripts, no binding.gyp.
node -e '
  const p = require(process.argv[1])
  const scripts = p.scripts || {}
  const hooks = ["preinstall", "install", "postinstall", "prepare"].filter((k) => scripts[k])
  if (hooks.length) { console.error("install scripts: " + hooks.join(", ")); process.exit(1) }
  if (p.gypfile) { console.error("gypfile is set"); process.exit(1) }
  if (p.version !== process.argv[2]) { console.error("package.json version " + p.version); process.exit(1) }
' "$T/tgz/package/package.json" "$VERSION" || fail "the tarball's package.json (above)"
[ ! -e "$T/tgz/package/binding.gyp" ] || fail "the tarball has a binding.gyp (npm would run node-gyp)"
# PATH without a Rust toolchain: the install must not need one.
NODE_PATH_ONLY="$(dirname "$(command -v node)"):/usr/local/bin:/usr/bin:/bin"
if PATH="$NODE_PATH_ONLY" command -v cargo >/dev/null 2>&1 || PATH="$NODE_PATH_ONLY" command -v rustc >/dev/null 2>&1; then
  fail "cargo or rustc is on $NODE_PATH_ONLY: cannot show that the tarball installs without Rust"
fi
NPM_PROJECT="$T/npm-project"
mkdir -p "$NPM_PROJECT"
echo '{ "name": "hstsguard-dist-test", "private": true }' >"$NPM_PROJECT/package.json"
(cd "$NPM_PROJECT" && PATH="$NODE_PATH_ONLY" npm install --no-audit --no-fund --loglevel=warn "$TARBALL" "express@^5.1.0") \
  >"$T/npm-install.log" 2>&1 || { cat "$T/npm-install.log" >&2; fail "npm install of the tarball and express"; }
# No engine warning on this Node (the README's Node 20): our engines field, Express's.
if grep -q EBADENGINE "$T/npm-install.log"; then cat "$T/npm-install.log" >&2; fail "npm warns EBADENGINE"; fi
[ -d "$NPM_PROJECT/node_modules/hstsguard" ] && [ ! -L "$NPM_PROJECT/node_modules/hstsguard" ] ||
  fail "node_modules/hstsguard is not an installed directory"
js_version=$(cd "$NPM_PROJECT" && PATH="$NODE_PATH_ONLY" node -p 'const h = require("hstsguard"); [h.version, h.VERSION, require.resolve("hstsguard")].join(" ")')
case "$js_version" in
  *" $NPM_PROJECT/node_modules/hstsguard/index.js") ;;
  *) fail "require('hstsguard') resolved elsewhere: $js_version" ;;
esac
echo "  require('hstsguard') from $NPM_PROJECT/node_modules/hstsguard: version, VERSION = ${js_version% *}"
# The example app and its tests, as a user copies them into a project of their own.
cp examples/express/app.js "$NPM_PROJECT/"
cp -r examples/express/test "$NPM_PROJECT/test"
(cd "$NPM_PROJECT" && PATH="$NODE_PATH_ONLY" HSTSGUARD_POLICY="$ROOT/examples/policy.toml" node --test test/) ||
  fail "the Express example's tests against the installed tarball"
# The installed package without its addon: our message, not napi-rs's.
mkdir -p "$T/npm-noaddon/node_modules"
cp -r "$NPM_PROJECT/node_modules/hstsguard" "$T/npm-noaddon/node_modules/"
rm "$T/npm-noaddon/node_modules/hstsguard/$(basename "$addon")"
out=$(cd "$T/npm-noaddon" && node -e 'try { require("hstsguard") } catch (e) { console.log(e.code + ": " + e.message) }')
case "$out" in
  "addon.missing: hstsguard: no native addon for this platform"*"$(basename "$addon")"*"npm run build"*) ;;
  *) fail "the package without its addon: $out" ;;
esac
echo "  without its addon: ${out:0:110}..."

# ---------------------------------------------------------------------------------------
step "bad input: truncated and corrupted npm tarballs and wheels are refused, nothing installed"
# Partial: the first half of the file. Corrupt: the same length, 64 bytes flipped in the
# middle (inside the compressed addon / native module).
damage() { # damage IN OUTDIR: OUTDIR/partial/NAME and OUTDIR/corrupt/NAME
  local name
  name=$(basename "$1")
  mkdir -p "$2/partial" "$2/corrupt"
  head -c "$(($(stat -c %s "$1") / 2))" "$1" >"$2/partial/$name"
  python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
m = len(d) // 2
for i in range(m, m + 64):
    d[i] ^= 0x5A
open(sys.argv[2], "wb").write(d)' "$1" "$2/corrupt/$name"
}
damage "$TARBALL" "$T/bad-npm"
for kind in partial corrupt; do
  proj="$T/bad-npm/project-$kind"
  mkdir -p "$proj"
  echo '{ "name": "hstsguard-bad-input", "private": true }' >"$proj/package.json"
  cp "$proj/package.json" "$T/bad-npm/package.json.before"
  if out=$(cd "$proj" && npm install --no-audit --no-fund "$T/bad-npm/$kind/$(basename "$TARBALL")" 2>&1); then
    fail "npm installed a $kind tarball"
  fi
  # grep -m1, not `| head -1`: with pipefail, grep killed by head's early exit would fail.
  msg=$(grep -m1 -iE "^npm error .*(unexpected end of file|corrupt|incorrect data check|TAR_BAD_ARCHIVE|invalid)" <<<"$out") ||
    fail "no message naming the $kind tarball: $out"
  [ ! -e "$proj/node_modules/hstsguard" ] || fail "a $kind tarball left node_modules/hstsguard"
  cmp -s "$proj/package.json" "$T/bad-npm/package.json.before" || fail "a $kind tarball changed package.json"
  echo "  $kind tarball: $msg"
done
damage "$WHEEL" "$T/bad-wheel"
python3 -m venv "$T/bad-venv"
installed_hstsguard() { # anything of hstsguard in the bad venv's site-packages
  find "$T/bad-venv/lib" -maxdepth 3 -iname 'hstsguard*' | grep -c . >/dev/null
}
# A partial wheel: pip itself refuses it (no central directory).
if out=$("$T/bad-venv/bin/pip" install -q --disable-pip-version-check --no-index "$T/bad-wheel/partial/$(basename "$WHEEL")" 2>&1); then
  fail "pip installed a partial wheel"
fi
grep -q "is invalid" <<<"$out" || fail "no message naming the partial wheel: $out"
installed_hstsguard && fail "a partial wheel left files in the venv"
echo "  partial wheel: $(grep "is invalid" <<<"$out" | head -1)"
# A corrupt wheel with an intact directory: pip checks each member's CRC only while it
# writes the member, so on its own it would stop half way, leaving files. The README's
# install checks SHA256SUMS first, which refuses it before pip runs; pip given the hash
# (`#sha256=` in the URL) refuses it before writing anything too.
cp "$DIST/SHA256SUMS" "$T/bad-wheel/corrupt/"
if out=$(cd "$T/bad-wheel/corrupt" && sha256sum -c --ignore-missing SHA256SUMS 2>&1); then
  fail "sha256sum -c accepted the corrupt wheel"
fi
grep -q "$(basename "$WHEEL"): FAILED" <<<"$out" || fail "sha256sum -c does not name the corrupt wheel: $out"
echo "  corrupt wheel, SHA256SUMS: $(echo "$out" | grep FAILED | head -1)"
sum=$(cd "$DIST" && sha256sum "$(basename "$WHEEL")" | cut -d' ' -f1)
if out=$("$T/bad-venv/bin/pip" install --disable-pip-version-check --no-index \
  "hstsguard @ file://$T/bad-wheel/corrupt/$(basename "$WHEEL")#sha256=$sum" 2>&1); then
  fail "pip installed a corrupt wheel against its hash"
fi
grep -q "DO NOT MATCH THE HASHES" <<<"$out" || fail "pip names no hash mismatch: $out"
installed_hstsguard && fail "a corrupt wheel left files in the venv"
echo "  corrupt wheel, pip with #sha256=: THESE PACKAGES DO NOT MATCH THE HASHES ...; nothing installed"

# ---------------------------------------------------------------------------------------
step "bad input: a corrupt .deb and a wrong nginx ABI are refused, nothing installed"
head -c 20000 "$(deb libhstsguard0)" >"$T/libhstsguard0_${DEB_VERSION}_$ARCH.deb"
if out=$(apt-get install -y -qq "$T/libhstsguard0_${DEB_VERSION}_$ARCH.deb" 2>&1); then
  fail "apt-get installed a truncated .deb"
fi
grep -qiE "corrupt|unexpected end|truncated|not a Debian|could not read|Invalid archive" <<<"$out" ||
  fail "no message naming the corrupt archive: $out"
echo "  truncated .deb: $(grep -iE "corrupt|unexpected end|truncated|not a Debian|could not read|Invalid archive" <<<"$out" | head -1)"
# The same module, its Depends naming an nginx ABI this nginx does not provide.
mkdir -p "$T/wrongabi"
dpkg-deb -R "$(deb libnginx-mod-http-hstsguard)" "$T/wrongabi/pkg"
sed -i 's/nginx-abi-[0-9.]*-[0-9]*/nginx-abi-0.0.1-1/' "$T/wrongabi/pkg/DEBIAN/control"
dpkg-deb --root-owner-group --build "$T/wrongabi/pkg" "$T/wrongabi/libnginx-mod-http-hstsguard_${DEB_VERSION}_$ARCH.deb" >/dev/null
if out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y "$T/wrongabi/libnginx-mod-http-hstsguard_${DEB_VERSION}_$ARCH.deb" 2>&1); then
  INSTALLED+=(libnginx-mod-http-hstsguard)
  fail "apt-get installed a module built for another nginx ABI"
fi
grep -q "nginx-abi-0.0.1-1" <<<"$out" || fail "no message naming the nginx ABI: $out"
echo "  wrong ABI: $(grep "nginx-abi-0.0.1-1" <<<"$out" | head -1 | sed 's/^ *//')"
for p in "${PKGS[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "ok installed" >/dev/null; then
    fail "$p is installed after a refused install"
  fi
done
[ ! -e /etc/nginx/modules-enabled/50-mod-http-hstsguard.conf ] || fail "the module link was left behind"

# ---------------------------------------------------------------------------------------
step "apt-get install ./*.deb"
for p in nginx apache2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "install ok installed" >/dev/null ||
    fail "$p is not installed (the servers stage installs it)"
done
for p in "${PKGS[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "ok installed" >/dev/null; then
    fail "$p is installed already: this stage installs and purges its own packages only"
  fi
done
INSTALLED=("${PKGS[@]}")
debs=()
for p in "${PKGS[@]}"; do debs+=("$(deb "$p")"); done
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >"$T/apt.log" 2>&1 ||
  { cat "$T/apt.log" >&2; fail "apt-get install of the .debs"; }
[ -L /etc/nginx/modules-enabled/50-mod-http-hstsguard.conf ] || fail "the nginx module is not enabled"
echo "  installed: ${PKGS[*]}"

step "versions agree ($VERSION)"
cli_version=$(hstsguard --version)
[ "$cli_version" = "hstsguard $VERSION" ] || fail "hstsguard --version: $cli_version"
[ "$py_version" = "$VERSION" ] || fail "hstsguard.__version__: $py_version"
[ "$js_version" = "$VERSION $VERSION $NPM_PROJECT/node_modules/hstsguard/index.js" ] ||
  fail "require('hstsguard').version / VERSION: $js_version"
for p in "${PKGS[@]}"; do
  v=$(dpkg-query -W -f='${Version}' "$p")
  [ "${v%-*}" = "$VERSION" ] || fail "$p is version $v"
done
echo "  Cargo.toml, hstsguard --version, __version__, require('hstsguard').version and VERSION, the tarball's package.json, 5 packages: $VERSION"

step "a C program built with pkg-config against libhstsguard-dev"
cat >"$T/version.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <hstsguard.h>

int main(void) {
    hstsguard_sts sts;
    hstsguard_result r = hstsguard_sts_parse("max-age=31536000; includeSubDomains", 35, &sts, NULL, 0);
    printf("%s %s %d\n", HSTSGUARD_VERSION, hstsguard_version(), (int) r);
    return strcmp(HSTSGUARD_VERSION, hstsguard_version()) != 0 || r != HSTSGUARD_OK;
}
EOF
# shellcheck disable=SC2046
gcc -Wall -Wextra -Werror -o "$T/version" "$T/version.c" $(pkg-config --cflags --libs hstsguard)
ldd "$T/version" | grep -cE "libhstsguard.so.${VERSION%%.*} => (/usr)?/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libhstsguard" >/dev/null || fail "not linked to the packaged library"
out=$("$T/version") || fail "the C program: $out"
[ "$out" = "$VERSION $VERSION 0" ] || fail "HSTSGUARD_VERSION / hstsguard_version(): $out"
echo "  HSTSGUARD_VERSION and hstsguard_version(): $VERSION (linked to /usr/lib/*/libhstsguard.so.${VERSION%%.*})"

# ---------------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
chmod 644 "$T/key.pem"
# A name (the policy sends no HSTS to IP-literal or localhost hosts), resolved to 127.0.0.1.
HSTS_WANT="strict-transport-security: max-age=31536000; includeSubDomains"

# wait_https PORT: until the server answers (or 10 s).
wait_https() {
  local i
  for i in $(seq 100); do
    curl -sk -o /dev/null "https://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  return 1
}

step "nginx: nginx -t with the packaged module enabled, then one HTTPS request"
nginx -t >"$T/nginx-t.log" 2>&1 || { cat "$T/nginx-t.log" >&2; fail "nginx -t with the module enabled"; }
grep -q "hstsguard/$VERSION (core $VERSION)" "$T/nginx-t.log" ||
  fail "nginx -t logs no 'hstsguard/$VERSION (core $VERSION)' line: $(cat "$T/nginx-t.log")"
NPORT=$(free_port)
mkdir -p "$T/nginx/logs"
# load_module paths are relative to the prefix; Debian's (/usr/share/nginx) links modules/.
ln -s /usr/lib/nginx/modules "$T/nginx/modules"
# Our own server, loading the packaged module the way Debian's nginx.conf does
# (include /etc/nginx/modules-enabled/*.conf, relative to nginx's prefix).
cat >"$T/nginx/nginx.conf" <<EOF
include /etc/nginx/modules-enabled/*.conf;
daemon off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log notice;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    server {
        listen 127.0.0.1:$NPORT ssl;
        server_name localhost;
        ssl_certificate $T/cert.pem;
        ssl_certificate_key $T/key.pem;
        hstsguard on;
        hstsguard_hsts max_age=1y include_subdomains;
        location / { return 200 "ok\n"; }
    }
}
EOF
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -t >"$T/nginx/t.log" 2>&1 ||
  { cat "$T/nginx/t.log" >&2; fail "nginx -t of the test configuration"; }
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" >"$T/nginx/stdout.log" 2>&1 &
PIDS+=($!)
wait_https "$NPORT" || { cat "$T/nginx/logs/error.log" >&2; fail "nginx does not answer on 127.0.0.1:$NPORT"; }
headers=$(curl -sk -D - -o /dev/null --resolve "www.example.test:$NPORT:127.0.0.1" "https://www.example.test:$NPORT/" | tr -d '\r')
grep -qix "$HSTS_WANT" <<<"$headers" || fail "nginx: no HSTS header from the module: $headers"
# Logged while the configuration is read: to the start-up log (stderr), before error_log.
cat "$T/nginx/stdout.log" "$T/nginx/logs/error.log" | grep -c "hstsguard/$VERSION (core $VERSION)" >/dev/null ||
  fail "nginx's start-up log has no 'hstsguard/$VERSION (core $VERSION)'"
echo "  https://127.0.0.1:$NPORT/: $(echo "$headers" | head -1); $(echo "$headers" | grep -i '^strict-transport-security')"
kill -QUIT "${PIDS[-1]}"
wait "${PIDS[-1]}" 2>/dev/null || true

step "Apache: a2enmod hstsguard && apache2ctl -t, then one HTTPS request"
a2enmod -q hstsguard >/dev/null
ENABLED_APACHE=1
apache2ctl -t >"$T/apache-t.log" 2>&1 || { cat "$T/apache-t.log" >&2; fail "apache2ctl -t with the module enabled"; }
APORT=$(free_port)
mkdir -p "$T/apache/logs" "$T/apache/htdocs"
echo ok >"$T/apache/htdocs/index.html"
# Our own server: Debian's module loader files for what it needs, and the packaged
# module through /etc/apache2/mods-enabled/hstsguard.load as a2enmod left it.
cat >"$T/apache/httpd.conf" <<EOF
ServerRoot /etc/apache2
ServerName localhost
Listen 127.0.0.1:$APORT
PidFile $T/apache/httpd.pid
ErrorLog $T/apache/logs/error.log
LogLevel warn
Mutex file:$T/apache default
DefaultRuntimeDir $T/apache
User nobody
Group nogroup
Include /etc/apache2/mods-available/mpm_event.load
Include /etc/apache2/mods-available/authz_core.load
Include /etc/apache2/mods-available/mime.load
Include /etc/apache2/mods-available/socache_shmcb.load
Include /etc/apache2/mods-available/ssl.load
Include /etc/apache2/mods-enabled/hstsguard.load
TypesConfig /etc/mime.types
DocumentRoot $T/apache/htdocs
<Directory $T/apache/htdocs>
    Require all granted
</Directory>
SSLEngine on
SSLCertificateFile $T/cert.pem
SSLCertificateKeyFile $T/key.pem
HstsGuard On
HstsGuardHsts max_age=1y include_subdomains
EOF
apache2 -f "$T/apache/httpd.conf" -t >"$T/apache/t.log" 2>&1 ||
  { cat "$T/apache/t.log" >&2; fail "apache2 -t of the test configuration"; }
apache2 -f "$T/apache/httpd.conf" -DFOREGROUND >"$T/apache/stdout.log" 2>&1 &
PIDS+=($!)
wait_https "$APORT" || { cat "$T/apache/logs/error.log" >&2; fail "Apache does not answer on 127.0.0.1:$APORT"; }
headers=$(curl -sk -D - -o /dev/null --resolve "www.example.test:$APORT:127.0.0.1" "https://www.example.test:$APORT/index.html" | tr -d '\r')
grep -qix "$HSTS_WANT" <<<"$headers" || fail "Apache: no HSTS header from the module: $headers"
grep -q "hstsguard/$VERSION (core $VERSION)" "$T/apache/logs/error.log" ||
  fail "Apache's start-up log has no 'hstsguard/$VERSION (core $VERSION)'"
echo "  https://127.0.0.1:$APORT/: $(echo "$headers" | head -1); $(echo "$headers" | grep -i '^strict-transport-security')"
kill -TERM "${PIDS[-1]}"
wait "${PIDS[-1]}" 2>/dev/null || true
PIDS=()

# ---------------------------------------------------------------------------------------
step "apt-get purge: the machine as it was"
a2dismod -q -f hstsguard >/dev/null
ENABLED_APACHE=0
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${PKGS[@]}" >"$T/purge.log" 2>&1 ||
  { cat "$T/purge.log" >&2; fail "apt-get purge"; }
INSTALLED=()
for p in "${PKGS[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "ok installed" >/dev/null; then fail "$p is still installed"; fi
done
for f in /etc/nginx/modules-enabled/50-mod-http-hstsguard.conf /etc/apache2/mods-enabled/hstsguard.load \
  /etc/apache2/mods-available/hstsguard.load /usr/lib/nginx/modules/ngx_http_hstsguard_module.so \
  /usr/include/hstsguard.h /usr/bin/hstsguard; do
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f is left after the purge"
done
nginx -t -q 2>/dev/null || fail "nginx -t fails after the purge"
apache2ctl -t >/dev/null 2>&1 || fail "apache2ctl -t fails after the purge"
[ "$(find "$HOME/.npm" -printf '%P %s %T@\n' 2>/dev/null | sort | sha256sum)" = "$npm_home_before" ] ||
  fail "npm wrote to $HOME/.npm (its cache should be $T/npm-cache)"
echo "  purged; nginx -t and apache2ctl -t pass; ~/.npm untouched; the venvs and the npm projects go with $T"
step "dist stage passed"
