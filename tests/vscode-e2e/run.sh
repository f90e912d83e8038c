#!/usr/bin/env bash
# End-to-end test of the claimls VS Code extension in real VS Code
# (code-server 4.100.3 = VS Code 1.100.3) driven by Playwright + Debian Chromium.
# Installs only what is missing (Debian packages; code-server and playwright-core
# from npm into tests/vscode-e2e/.cache and node_modules), packages the extension
# with its release server binary, then runs e2e.mjs. Prints "N passed, N failed".
#
#   bash tests/vscode-e2e/run.sh                 install what is needed, package, test
#   SKIP_PACKAGE=1 bash tests/vscode-e2e/run.sh  reuse editors/vscode/claimls-*.vsix
#
# Install and packaging output goes to out/install.log and out/package.log (shown on failure).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EXT="$ROOT/editors/vscode"
OUT="$HERE/out"
CS_DIR="$HERE/.cache/code-server"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
SUDO=""
[[ $EUID -eq 0 ]] || SUDO=sudo

rm -rf "$OUT"
mkdir -p "$OUT"
started=$SECONDS
log() { printf '== %s (at %ss)\n' "$*" $((SECONDS - started)); }
# Stop with a reason, the end of a log, and the closing line of a failed run.
fail() {
  echo "run.sh: $1" >&2
  if [[ -n ${2:-} && -f $2 ]]; then tail -n 40 "$2" >&2; fi
  echo "0 passed, 1 failed"
  exit 1
}

# 1. Debian packages: Chromium; ripgrep (pre-seeds @vscode/ripgrep, below); the Kerberos
#    headers and a C++ toolchain for code-server's native modules.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v g++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"; } \
    >>"$OUT/install.log" 2>&1 || fail "apt-get install ${need_apt[*]} failed" "$OUT/install.log"
fi

# 2. code-server, pinned by code-server/package-lock.json, installed with `npm ci` into
#    .cache/code-server (again only when the lock file changed or the install is incomplete).
#    @vscode/ripgrep's postinstall downloads rg from GitHub: pre-seed its cache with
#    Debian's rg. npm >= 11 blocks dependency install scripts by default; code-server's
#    postinstall (which runs `npm install` in its bundled VS Code, native modules
#    included) needs them, so they are allowed for this one install.
if ! cmp -s "$HERE/code-server/package-lock.json" "$CS_DIR/package-lock.json" \
  || [[ ! -x $CODE_SERVER || ! -e $CS_DIR/node_modules/code-server/lib/vscode/node_modules.asar ]]; then
  log "npm ci code-server (into $CS_DIR)"
  rgcache=/tmp/vscode-ripgrep-cache-1.15.11
  rgtar="$rgcache/ripgrep-v13.0.0-10-$(uname -m)-unknown-linux-musl.tar.gz"
  if [[ ! -f $rgtar ]]; then
    tmp_rg="$(mktemp -d)"
    cp "$(command -v rg)" "$tmp_rg/rg"
    mkdir -p "$rgcache"
    tar czf "$rgtar" -C "$tmp_rg" rg
    rm -rf "$tmp_rg"
  fi
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  cp "$HERE/code-server/package.json" "$HERE/code-server/package-lock.json" "$CS_DIR/"
  (cd "$CS_DIR" && npm_config_yes=true npm_config_dangerously_allow_all_scripts=true npm ci --unsafe-perm) \
    >>"$OUT/install.log" 2>&1 || {
    rm -f "$CS_DIR/package-lock.json" # so that the next run tries again
    fail "installing code-server failed" "$OUT/install.log"
  }
fi

# 3. playwright-core for e2e.mjs (it drives Debian's Chromium; no browser download).
want_pw="$(node -p "require('$HERE/package.json').dependencies['playwright-core']")"
have_pw="$(node -p "require('$HERE/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
if [[ $want_pw != "$have_pw" ]]; then
  log "npm ci (playwright-core@$want_pw)"
  (cd "$HERE" && npm ci) >>"$OUT/install.log" 2>&1 || fail "npm ci in $HERE failed" "$OUT/install.log"
fi

# 4. Package the extension with the release server binary for this platform.
VERSION="$(node -p "require('$EXT/package.json').version")"
VSIX="$EXT/claimls-$VERSION.vsix"
if [[ ${SKIP_PACKAGE:-} != 1 ]]; then
  log "packaging the extension (cargo build --release -p claimls; vsce package)"
  if [[ ! -d $EXT/node_modules ]]; then
    (cd "$EXT" && npm ci) >>"$OUT/package.log" 2>&1 || fail "npm ci in $EXT failed" "$OUT/package.log"
  fi
  rm -f "$VSIX"
  (cd "$EXT" && npm run package) >>"$OUT/package.log" 2>&1 \
    || fail "packaging the extension failed: cannot run the end-to-end test" "$OUT/package.log"
  grep -E 'DONE|bundle-server: .* -> ' "$OUT/package.log" || true
fi
[[ -f $VSIX ]] || fail "$VSIX not found"

# 5. Run.
log "running the end-to-end test"
status=0
CODE_SERVER="$CODE_SERVER" VSIX="$VSIX" node "$HERE/e2e.mjs" || status=$?
log "done"
exit "$status"
