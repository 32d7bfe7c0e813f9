#!/usr/bin/env bash
# Release artefacts, all carrying the one workspace version, written to dist/ (gitignored):
#
#   hstsguard-VERSION-cp39-abi3-manylinux_*.whl   the Python package (abi3: CPython >= 3.9)
#   hstsguard-VERSION.tar.gz                      its sdist (pip builds it with a Rust toolchain)
#   libhstsguard0_VERSION-1_ARCH.deb              the C library (SONAME libhstsguard.so.MAJOR)
#   libhstsguard-dev_VERSION-1_ARCH.deb           header, libhstsguard.so/.a, hstsguard.pc
#   hstsguard_VERSION-1_ARCH.deb                  the CLI
#   libnginx-mod-http-hstsguard_VERSION-1_ARCH.deb  the nginx module (Depends: nginx-abi-*)
#   libapache2-mod-hstsguard_VERSION-1_ARCH.deb   the Apache module (a2enmod hstsguard)
#   debug/*.debug                                 the server modules' and library's debug
#                                                 info, split off (objcopy --only-keep-debug)
#   SHA256SUMS                                    of every artefact above
#
#   hstsguard-VERSION.tgz                         the npm package, with the prebuilt
#                                                 linux-x64-gnu addon inside (no Rust needed)
#
#   bash scripts/dist.sh            everything, then lintian on the .debs
#   bash scripts/dist.sh python     the wheel and the sdist only
#   bash scripts/dist.sh debs       the Debian packages only (and lintian)
#   bash scripts/dist.sh node       the npm tarball only
#
# Needs: cargo, python3 (venv), Debian 12 with nginx-dev and apache2-dev (installed when
# missing, as scripts/test-servers.sh does), dpkg-dev, lintian (installed when missing),
# node and npm. Writes only dist/ and target/; never a tracked file.
source "$(dirname "$0")/lib.sh"
need_cargo
cd "$ROOT"

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
MAJOR=${VERSION%%.*}
DEB_VERSION="$VERSION-1"
DIST="${HSTSGUARD_DIST:-$ROOT/dist}"
WORK="$ROOT/target/dist-staging"
REPOSITORY=$(sed -n '/^\[workspace.package\]/,/^\[/s/^repository *= *"\(.*\)"/\1/p' Cargo.toml)
MAINTAINER="hstsguard developers <hstsguard@example.org>"
DIST_VENV="$ROOT/target/dist-venv"

[ -n "$VERSION" ] || { echo "dist: no version in Cargo.toml's [workspace.package]" >&2; exit 1; }

# Shipped binaries name no directory of the machine that built them: the source paths
# that panic locations carry become `crates.io/<crate>/...` (14 kB less in every native
# file), and a path under the checkout (the build scripts' OUT_DIR) `hstsguard/...`; the
# checkout as given and as resolved, in case it is reached through a symlink. The
# registry's directories exist once fetched. (A path with a space would need
# CARGO_ENCODED_RUSTFLAGS; test-dist fails on a binary that still names one.)
cargo fetch --locked -q
REMAP="--remap-path-prefix=$ROOT=hstsguard"
[ "$(pwd -P)" = "$ROOT" ] || REMAP="$REMAP --remap-path-prefix=$(pwd -P)=hstsguard"
for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  REMAP="$REMAP --remap-path-prefix=${d%/}=crates.io"
done
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$REMAP"

tools() {
  apt_install dpkg-dev binutils gzip xz-utils file lintian python3-venv
  ARCH=$(dpkg --print-architecture)
  MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
}

# ---------------------------------------------------------------------------------------
# Python: the abi3 wheel (stripped native module) and the sdist.
python_artefacts() {
  step "Python: maturin build (abi3 wheel) and maturin sdist"
  if ! "$DIST_VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$DIST_VENV"
    python3 -m venv "$DIST_VENV"
  fi
  "$DIST_VENV/bin/python" -m pip install -q --disable-pip-version-check "maturin>=1.16,<2"
  rm -f "$DIST"/hstsguard-*.whl "$DIST"/hstsguard-*.tar.gz
  # Deflate at level 9 (maturin's default is 6): 1-2 % smaller, installable by every pip.
  "$DIST_VENV/bin/maturin" build --quiet --profile dist-bindings --strip --compression-level 9 \
    -m bindings/python/Cargo.toml \
    -i python3 -o "$DIST"
  "$DIST_VENV/bin/maturin" sdist -m bindings/python/Cargo.toml -o "$DIST"
  ls "$DIST"/hstsguard-"$VERSION"-*.whl "$DIST/hstsguard-$VERSION.tar.gz" >/dev/null
}

# ---------------------------------------------------------------------------------------
# The npm tarball: the package's files (package.json's "files", as `npm pack` lists them in
# bindings/node) and the addon built with the dist-bindings profile (Cargo.toml) for this machine, inside the
# package as napi-rs names it (hstsguard.linux-x64-gnu.node, which the generated
# binding.js loads first), stripped as the other native files are (split_debug). No
# install script: installing the tarball needs no Rust toolchain.
node_tarball() {
  step "npm: cargo build --profile dist-bindings -p hstsguard-node, then npm pack"
  need_node
  local stage="$WORK/npm/package" pkg_version platform files f
  pkg_version=$(node -p 'require("./bindings/node/package.json").version')
  [ "$pkg_version" = "$VERSION" ] || {
    echo "dist: bindings/node/package.json has version $pkg_version, Cargo.toml's workspace $VERSION" >&2
    exit 1
  }
  platform="$(node -p 'process.platform + "-" + process.arch')-gnu"   # Debian: glibc
  cargo build -q --profile dist-bindings -p hstsguard-node
  rm -rf "$WORK/npm" "$DIST"/hstsguard-*.tgz
  mkdir -p "$stage"
  files=$(cd bindings/node && npm pack --dry-run --json 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () =>
      console.log(JSON.parse(s)[0].files.map((f) => f.path).filter((p) => !p.endsWith(".node")).join("\n")))')
  for f in $files; do
    install -D -m 644 "bindings/node/$f" "$stage/$f"
  done
  for f in LICENSE-MIT LICENSE-APACHE NOTICE; do install -m 644 "$f" "$stage/$f"; done
  split_debug target/dist-bindings/libhstsguard_node.so "$stage/hstsguard.$platform.node"
  chmod 644 "$stage/hstsguard.$platform.node"
  (cd "$stage" && npm pack --quiet --pack-destination "$DIST" >/dev/null)
  [ -f "$DIST/hstsguard-$VERSION.tgz" ] || { echo "dist: npm pack wrote no hstsguard-$VERSION.tgz" >&2; exit 1; }
  # The same tar, gzipped at level 9 without a name or time (npm's level is zlib's default,
  # 6): 1.4 % smaller, still deterministic.
  gzip -dc "$DIST/hstsguard-$VERSION.tgz" | gzip -9 -n >"$WORK/npm/repacked.tgz"
  mv "$WORK/npm/repacked.tgz" "$DIST/hstsguard-$VERSION.tgz"
  echo "  $(basename "$DIST/hstsguard-$VERSION.tgz") (hstsguard.$platform.node inside)"
}

# ---------------------------------------------------------------------------------------
# Native artefacts: the C library, the CLI, the two server modules.
# Built with the `dist` profile (Cargo.toml: release + fat LTO, one codegen unit) into
# target/dist/. The server modules never compute a pin from a certificate: they are built
# into target/dist-servers/ over a libhstsguard.a without the feature `certificates` (no
# x509-parser stack; its own target directory, as the CLI's build turns it on).
native() {
  step "cargo build --profile dist -p hstsguard-c -p hstsguard-cli"
  cargo build -q --profile dist -p hstsguard-c -p hstsguard-cli
  step "cargo build --profile dist -p hstsguard-c --no-default-features (the modules' libhstsguard.a)"
  CARGO_TARGET_DIR="$ROOT/target/dist-modules-lib" \
    cargo build -q --profile dist -p hstsguard-c --lib --no-default-features
  step "server modules (scripts/test-servers.sh build, over that libhstsguard.a)"
  HSTSGUARD_LIB="$ROOT/target/dist-modules-lib/dist/libhstsguard.a" \
    HSTSGUARD_SERVERS_OUT="$ROOT/target/dist-servers" bash scripts/test-servers.sh build
}

# split_debug IN OUT: OUT is IN without debug info or symbols it does not need, linked
# (.gnu_debuglink) to dist/debug/NAME.debug, which keeps what was removed.
split_debug() {
  local in="$1" out="$2" name
  name=$(basename "$out")
  mkdir -p "$DIST/debug"
  cp "$in" "$out"
  if readelf -S "$out" | grep -c '\.debug_info' >/dev/null; then
    objcopy --only-keep-debug --compress-debug-sections "$out" "$DIST/debug/$name.debug"
    chmod 644 "$DIST/debug/$name.debug"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$out"
    objcopy --add-gnu-debuglink="$DIST/debug/$name.debug" "$out"
  else
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$out"
  fi
}

# ---------------------------------------------------------------------------------------
# Debian packages (dpkg-deb; the layout and maintainer scripts follow Debian's own
# libnginx-mod-* and libapache2-mod-* packages).

# The DEP-5 copyright file: the project's licences, the embedded preload list's
# BSD-3-Clause notice (data/README.md) and the embedded Public Suffix List's MPL-2.0.
copyright_file() {
  local bsd
  bsd=$(sed -n '/^    Redistribution and use/,/SUCH DAMAGE\./p' data/README.md |
    sed -e 's/^    / /' -e 's/^ *$/ ./')
  cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: hstsguard
Upstream-Contact: $MAINTAINER
Source: $REPOSITORY

Files: *
Copyright: 2026 The hstsguard developers
License: MIT or Apache-2.0

Files: data/hsts_preload.json data/hsts_preload.date
Copyright: 2012 The Chromium Authors
           2019 Andrey Kislyuk & Seth Michael Larson
License: BSD-3-clause
Comment: The HSTS preload list, compiled into every hstsguard binary. The list data is
 Chromium's (net/http/transport_security_state_static.json); the binary encoding it
 was decoded from is the hstspreload package's. Courtesy request (not a licence term):
 Chromium asks projects that reuse the list to contact its maintainers
 (hstspreload.org).

Files: data/public_suffix_list.dat
Copyright: The Public Suffix List contributors (https://publicsuffix.org/)
License: MPL-2.0
Comment: The Public Suffix List, compiled into every hstsguard binary for the preload
 audit's domain rules.

License: MIT
$(sed -e 's/^/ /' -e 's/^ $/ ./' LICENSE-MIT)

License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0 (the project's LICENSE-APACHE).

License: BSD-3-clause
$bsd

License: MPL-2.0
 This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0.
 If a copy of the MPL was not distributed with this file, You can obtain one at
 https://mozilla.org/MPL/2.0/.
 .
 On Debian systems, the full text of the Mozilla Public License, Version 2.0 is in
 /usr/share/common-licenses/MPL-2.0.
EOF
}

# deb_begin PKG: a fresh staging tree with the package's documentation.
deb_begin() {
  local pkg="$1" dir="$WORK/deb/$1"
  rm -rf "$dir"
  install -d -m 755 "$dir/DEBIAN" "$dir/usr/share/doc/$pkg"
  copyright_file >"$dir/usr/share/doc/$pkg/copyright"
  {
    echo "hstsguard ($DEB_VERSION) bookworm; urgency=medium"
    echo
    echo "  * Release $VERSION; see /usr/share/doc/$pkg/changelog.gz."
    echo
    echo " -- $MAINTAINER  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")"
  } | gzip -9n >"$dir/usr/share/doc/$pkg/changelog.Debian.gz"
  gzip -9n <CHANGELOG.md >"$dir/usr/share/doc/$pkg/changelog.gz"
  chmod 644 "$dir/usr/share/doc/$pkg"/*
}

# shlib_depends ELF...: the Depends on shared libraries, from dpkg-shlibdeps.
shlib_depends() {
  local dir="$WORK/shlibdeps" f abs=()
  rm -rf "$dir"
  mkdir -p "$dir/debian"
  printf 'Source: hstsguard\n\nPackage: hstsguard\nArchitecture: any\n' >"$dir/debian/control"
  for f in "$@"; do abs+=("$(realpath "$f")"); done
  (cd "$dir" && dpkg-shlibdeps -O -e"${abs[@]}" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}

# deb_end PKG SECTION DEPENDS SUMMARY DESCRIPTION [EXTRA CONTROL LINES]
deb_end() {
  local pkg="$1" section="$2" depends="$3" summary="$4" description="$5" extra="${6:-}"
  local dir="$WORK/deb/$pkg" size
  find "$dir" -path "$dir/DEBIAN" -prune -o -type d -exec chmod 755 {} +
  size=$(du -k -s --exclude=DEBIAN "$dir" | cut -f1)
  {
    echo "Package: $pkg"
    echo "Source: hstsguard"
    echo "Version: $DEB_VERSION"
    echo "Architecture: $ARCH"
    echo "Maintainer: $MAINTAINER"
    echo "Installed-Size: $size"
    [ -n "$depends" ] && echo "Depends: $depends"
    [ -n "$extra" ] && printf '%s\n' "$extra"
    echo "Section: $section"
    echo "Priority: optional"
    echo "Homepage: $REPOSITORY"
    echo "Description: $summary"
    printf '%s\n' "$description" | fold -s -w 78 | sed -e 's/ *$//' -e 's/^/ /'
  } >"$dir/DEBIAN/control"
  (cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)
  chmod 644 "$dir/DEBIAN/control" "$dir/DEBIAN/md5sums"
  dpkg-deb --root-owner-group -Zxz --build "$dir" "$DIST/${pkg}_${DEB_VERSION}_${ARCH}.deb" >/dev/null
  echo "  $(basename "$DIST/${pkg}_${DEB_VERSION}_${ARCH}.deb")"
}

# maint_script PKG NAME: DEBIAN/NAME from stdin, executable.
maint_script() {
  cat >"$WORK/deb/$1/DEBIAN/$2"
  chmod 755 "$WORK/deb/$1/DEBIAN/$2"
}

deb_lib() {
  local pkg="libhstsguard$MAJOR" dir="$WORK/deb/libhstsguard$MAJOR" lib
  deb_begin "$pkg"
  install -d -m 755 "$dir/usr/lib/$MULTIARCH"
  lib="$dir/usr/lib/$MULTIARCH/libhstsguard.so.$VERSION"
  split_debug target/dist/libhstsguard.so "$lib"
  chmod 644 "$lib"
  ln -s "libhstsguard.so.$VERSION" "$dir/usr/lib/$MULTIARCH/libhstsguard.so.$MAJOR"
  echo "libhstsguard $MAJOR $pkg (>= $VERSION)" >"$dir/DEBIAN/shlibs"
  echo "activate-noawait ldconfig" >"$dir/DEBIAN/triggers"
  chmod 644 "$dir/DEBIAN/shlibs" "$dir/DEBIAN/triggers"
  deb_end "$pkg" libs "$(shlib_depends "$lib")" \
    "HTTPS transport security decisions (shared library)" \
    "hstsguard decides what a server sends for HTTPS transport security: the HSTS header, HTTP to HTTPS redirects, Secure/HttpOnly/SameSite cookie flags and HPKP removal, from one policy. This package holds the C library (libhstsguard.so.$MAJOR); it embeds the HSTS preload list."
}

deb_dev() {
  local pkg=libhstsguard-dev dir="$WORK/deb/libhstsguard-dev" libdir
  libdir="/usr/lib/$MULTIARCH"
  deb_begin "$pkg"
  install -d -m 755 "$dir$libdir/pkgconfig" "$dir/usr/include"
  install -m 644 include/hstsguard.h "$dir/usr/include/hstsguard.h"
  ln -s "libhstsguard.so.$MAJOR" "$dir$libdir/libhstsguard.so"
  install -m 644 target/dist/libhstsguard.a "$dir$libdir/libhstsguard.a"
  strip --strip-debug --enable-deterministic-archives "$dir$libdir/libhstsguard.a"
  sed -e 's|@PREFIX@|/usr|' -e "s|@LIBDIR@|$libdir|" -e 's|@INCLUDEDIR@|/usr/include|' \
    -e "s|@VERSION@|$VERSION|" -e 's|@PRIVATE_LIBS@|-lpthread -ldl -lm|' \
    bindings/c/hstsguard.pc.in >"$dir$libdir/pkgconfig/hstsguard.pc"
  chmod 644 "$dir$libdir/pkgconfig/hstsguard.pc"
  deb_end "$pkg" libdevel "libhstsguard$MAJOR (= $DEB_VERSION)" \
    "HTTPS transport security decisions (development files)" \
    "The C header (hstsguard.h), the static library and the pkg-config file (hstsguard.pc) of libhstsguard: build with \`pkg-config --cflags --libs hstsguard\`."
}

deb_cli() {
  local pkg=hstsguard dir="$WORK/deb/hstsguard"
  deb_begin "$pkg"
  install -d -m 755 "$dir/usr/bin"
  split_debug target/dist/hstsguard "$dir/usr/bin/hstsguard"
  chmod 755 "$dir/usr/bin/hstsguard"
  deb_end "$pkg" web "$(shlib_depends "$dir/usr/bin/hstsguard")" \
    "HSTS, HPKP, redirect and cookie policy tool" \
    "The hstsguard command: builds, parses and audits Strict-Transport-Security and HPKP headers, checks preload eligibility, explains redirect and cookie decisions of a policy, scans live sites, and keeps a client-side Known HSTS Host store (curl's cache format). It embeds the HSTS preload list."
}

deb_nginx() {
  local pkg=libnginx-mod-http-hstsguard dir="$WORK/deb/libnginx-mod-http-hstsguard" abi so
  abi=$(sed -n 's/^nginx:abi=//p' /usr/share/nginx/src/debian/libnginx-mod.abisubstvars 2>/dev/null)
  [ -n "$abi" ] || {
    echo "dist: no nginx ABI in /usr/share/nginx/src/debian/libnginx-mod.abisubstvars (nginx-dev)" >&2
    exit 1
  }
  deb_begin "$pkg"
  install -d -m 755 "$dir/usr/lib/nginx/modules" "$dir/usr/share/nginx/modules-available"
  so="$dir/usr/lib/nginx/modules/ngx_http_hstsguard_module.so"
  split_debug target/dist-servers/ngx_http_hstsguard_module.so "$so"
  chmod 644 "$so"
  echo "load_module modules/ngx_http_hstsguard_module.so;" \
    >"$dir/usr/share/nginx/modules-available/mod-http-hstsguard.conf"
  chmod 644 "$dir/usr/share/nginx/modules-available/mod-http-hstsguard.conf"
  # Enabled on first install with a link in modules-enabled, as Debian's module packages
  # do; an upgrade keeps the administrator's choice. A module that breaks a configuration
  # which was valid before is disabled again and the install fails, so a server is
  # never left unable to start.
  maint_script "$pkg" postinst <<'EOF'
#!/bin/sh
set -e
link=/etc/nginx/modules-enabled/50-mod-http-hstsguard.conf
conf=/usr/share/nginx/modules-available/mod-http-hstsguard.conf
if [ "$1" = "configure" ] && [ -z "$2" ] && [ ! -e "$link" ]; then
    valid_before=no
    if [ -x /usr/sbin/nginx ] && /usr/sbin/nginx -t -q >/dev/null 2>&1; then
        valid_before=yes
    fi
    mkdir -p /etc/nginx/modules-enabled
    ln -s "$conf" "$link"
    if [ "$valid_before" = yes ] && ! /usr/sbin/nginx -t -q >/dev/null 2>&1; then
        rm -f "$link"
        echo "libnginx-mod-http-hstsguard: 'nginx -t' fails with the module enabled (wrong nginx ABI?); it was left disabled:" >&2
        /usr/sbin/nginx -t 2>&1 | sed 's/^/  /' >&2 || true
        exit 1
    fi
fi
if [ "$1" = "configure" ] && [ -x /usr/sbin/nginx ] && [ -e /run/nginx.pid ]; then
    if /usr/sbin/nginx -t -q >/dev/null 2>&1; then
        invoke-rc.d nginx reload >/dev/null 2>&1 || true
    fi
fi
exit 0
EOF
  maint_script "$pkg" postrm <<'EOF'
#!/bin/sh
set -e
case "$1" in
    remove|purge)
        rm -f /etc/nginx/modules-enabled/50-mod-http-hstsguard.conf
        ;;
esac
exit 0
EOF
  deb_end "$pkg" httpd "$abi, $(shlib_depends "$so")" \
    "HSTS, HTTPS redirect and cookie flags module for nginx" \
    "ngx_http_hstsguard_module applies an hstsguard policy in nginx: the Strict-Transport-Security header, HTTP to HTTPS redirects with a validated host, Secure/HttpOnly/SameSite cookie flags and HPKP removal. Enabled on install (/etc/nginx/modules-enabled); configure it with the hstsguard directives." \
    "Recommends: nginx"
}

deb_apache() {
  local pkg=libapache2-mod-hstsguard dir="$WORK/deb/libapache2-mod-hstsguard" api so
  api=$(dpkg-query -W -f='${Provides}' apache2-bin 2>/dev/null | tr ',' '\n' |
    sed -n 's/^ *\(apache2-api-[0-9]*\) *$/\1/p' | head -1)
  [ -n "$api" ] || { echo "dist: apache2-bin provides no apache2-api-*" >&2; exit 1; }
  deb_begin "$pkg"
  install -d -m 755 "$dir/usr/lib/apache2/modules" "$dir/etc/apache2/mods-available"
  so="$dir/usr/lib/apache2/modules/mod_hstsguard.so"
  split_debug target/dist-servers/mod_hstsguard.so "$so"
  chmod 644 "$so"
  echo "LoadModule hstsguard_module /usr/lib/apache2/modules/mod_hstsguard.so" \
    >"$dir/etc/apache2/mods-available/hstsguard.load"
  chmod 644 "$dir/etc/apache2/mods-available/hstsguard.load"
  echo /etc/apache2/mods-available/hstsguard.load >"$dir/DEBIAN/conffiles"
  chmod 644 "$dir/DEBIAN/conffiles"
  # Not enabled on install: `a2enmod hstsguard`. Disabled on remove, so that an enabled
  # .load never points at a module that is gone.
  maint_script "$pkg" prerm <<'EOF'
#!/bin/sh
set -e
if [ "$1" = "remove" ] && [ -e /etc/apache2/mods-enabled/hstsguard.load ]; then
    a2dismod -q -f hstsguard >/dev/null || rm -f /etc/apache2/mods-enabled/hstsguard.load
fi
exit 0
EOF
  maint_script "$pkg" postrm <<'EOF'
#!/bin/sh
set -e
if [ "$1" = "purge" ]; then
    rm -f /etc/apache2/mods-enabled/hstsguard.load
fi
exit 0
EOF
  deb_end "$pkg" httpd "$api, $(shlib_depends "$so")" \
    "HSTS, HTTPS redirect and cookie flags module for Apache" \
    "mod_hstsguard applies an hstsguard policy in Apache httpd: the Strict-Transport-Security header, HTTP to HTTPS redirects with a validated host, Secure/HttpOnly/SameSite cookie flags and HPKP removal. Enable it with \`a2enmod hstsguard\`." \
    "Recommends: apache2"
}

debs() {
  step "Debian packages ($DEB_VERSION, $ARCH)"
  rm -f "$DIST"/*.deb
  deb_lib
  deb_dev
  deb_cli
  deb_nginx
  deb_apache
}

lintian_check() {
  step "lintian (no error allowed)"
  # lintian leaves temporary files (mldbm-elf-*) behind in TMPDIR: give it its own.
  local tmp rc=0
  tmp=$(mktemp -d)
  # Tags for what a local build cannot have: a signed upload and a Debian source package.
  TMPDIR="$tmp" lintian --fail-on error --no-tag-display-limit \
    --suppress-tags no-manual-page,no-symbols-control-file,extended-description-is-probably-too-short \
    "$DIST"/*.deb || rc=$?
  rm -rf "$tmp"
  return "$rc"
}

checksums() {
  (cd "$DIST" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%P\n' | sort |
    xargs sha256sum >SHA256SUMS)
  step "dist/ ($VERSION)"
  (cd "$DIST" && ls -l --time-style=+ | sed 1d)
}

mkdir -p "$DIST" "$WORK"
case "${1:-all}" in
  all)
    tools
    native
    python_artefacts
    debs
    node_tarball
    lintian_check
    checksums
    ;;
  python)
    python_artefacts
    checksums
    ;;
  debs)
    tools
    native
    debs
    lintian_check
    checksums
    ;;
  node)
    tools
    node_tarball
    checksums
    ;;
  *)
    echo "usage: scripts/dist.sh [all|python|debs|node]" >&2
    exit 2
    ;;
esac
