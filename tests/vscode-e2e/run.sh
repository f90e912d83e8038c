#!/usr/bin/env bash
# End-to-end test of the claimls VS Code extension in real VS Code
# (code-server 4.100.3 = VS Code 1.100.3) driven by Playwright + Debian Chromium.
# Idempotent: installs only what is missing. Prints "N passed, N failed".
#
#   tests/vscode-e2e/run.sh              install what is needed, package, test
#   SKIP_PACKAGE=1 tests/vscode-e2e/run.sh   reuse editors/vscode/claimls-*.vsix
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EXT="$ROOT/editors/vscode"
CACHE="$HERE/.cache"
CS_DIR="$CACHE/code-server"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
CS_VERSION=4.100.3
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '\n== %s\n' "$*"; }

# 1. System packages: Chromium, ripgrep (for the @vscode/ripgrep cache), Kerberos headers (code-server native module).
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

# 2. code-server from npm. @vscode/ripgrep's postinstall downloads rg from GitHub:
#    pre-seed its cache with Debian's rg. npm >= 11 blocks dependency install
#    scripts by default; code-server's postinstall (which runs `npm install` in
#    its bundled VS Code, native modules included) needs them.
installed_cs() { node -p "require('$CS_DIR/node_modules/code-server/package.json').version" 2>/dev/null || true; }
if [[ ! -x "$CODE_SERVER" || "$(installed_cs)" != "$CS_VERSION" || ! -e "$CS_DIR/node_modules/code-server/lib/vscode/node_modules.asar" ]]; then
  log "installing code-server@$CS_VERSION into $CS_DIR"
  rgcache=/tmp/vscode-ripgrep-cache-1.15.11
  if [[ ! -f $rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz ]]; then
    tmp_rg="$(mktemp -d)"
    cp "$(command -v rg)" "$tmp_rg/rg"
    mkdir -p "$rgcache"
    tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp_rg" rg
    rm -rf "$tmp_rg"
  fi
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"private":true}' >"$CS_DIR/package.json"
  (cd "$CS_DIR" && npm_config_yes=true npm_config_dangerously_allow_all_scripts=true \
    npm install --unsafe-perm "code-server@$CS_VERSION")
fi

# 3. playwright-core for this harness.
if [[ ! -d "$HERE/node_modules/playwright-core" ]]; then
  log "npm install (playwright-core)"
  (cd "$HERE" && npm install)
fi

# 4. Package the extension (with the server binary for this platform).
if [[ "${SKIP_PACKAGE:-}" != 1 ]]; then
  log "packaging the extension"
  if [[ ! -d "$EXT/node_modules" ]]; then (cd "$EXT" && npm ci); fi
  if ! (cd "$EXT" && npm run package); then
    echo "run.sh: packaging the extension failed (see above): cannot run the end-to-end test" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
VERSION="$(node -p "require('$EXT/package.json').version")"
VSIX="$EXT/claimls-$VERSION.vsix"
[[ -f "$VSIX" ]] || { echo "run.sh: $VSIX not found" >&2; echo "0 passed, 1 failed"; exit 1; }

# 5. Run.
log "running the end-to-end test"
rm -rf "$HERE/out"
mkdir -p "$HERE/out"
CODE_SERVER="$CODE_SERVER" VSIX="$VSIX" node "$HERE/e2e.mjs"
