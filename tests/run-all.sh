#!/usr/bin/env bash
# Every test of claimls, on a fresh machine or a used one: installs what it needs (only what is
# missing), then runs the Rust checks and tests, the bundled-data reproducibility check, the
# examples, the Python package with its PySpark tests, the TextMate grammar tests, the VS Code
# extension's unit tests, the VS Code end-to-end test (real VS Code in code-server) and the real-editor end-to-end tests. This is
# the README's test command, and CI runs exactly this.
#
#   bash tests/run-all.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

passed=0
failed=0
failed_steps=()
step() {
  local name="$1"
  shift
  printf '\n== %s\n' "$name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf -- '-- ok: %s (%ss)\n' "$name" $((SECONDS - started))
  else
    failed=$((failed + 1))
    failed_steps+=("$name")
    printf -- '-- FAILED: %s (%ss)\n' "$name" $((SECONDS - started))
  fi
}

rust_format() { cargo fmt --all --check; }
rust_lints() { cargo clippy --workspace --all-targets --locked -- -D warnings; }
rust_tests() { cargo test --workspace --locked; }

# The committed data files are what the generator writes from the pinned packages.
data_reproduces() {
  python3 tools/codesets/generate.py >/dev/null
  git diff --exit-code --stat -- server/codes/data
}

# The README's first command, as written: the clean examples of every format have no problems
# (CPT codes get `cpt-unverified` hints: CPT is not bundled) and the training files show every
# rule, so the whole run exits with status 1 and the clean files alone with 0.
examples_check() {
  local status=0
  cargo run --quiet --release --locked -- check examples/ >/dev/null || status=$?
  [[ $status -eq 1 ]] || { echo "cargo run --release -- check examples/: expected exit 1, got $status"; return 1; }
  cargo run --quiet --release --locked -- check examples/clean
  # The clean X12 837 and HL7 v2 files: no error and no warning either.
  cargo run --quiet --release --locked -- check examples/x12/clean-*.837 examples/hl7/clean
}

# The benchmark harness, quick form: the generated corpus fires every rule as seeded, and every
# field of target/bench/results.json gets measured, for every format and every peer (the pinned
# npm and pip peers of xtask/peers are installed under target/bench/peers, once per lock file).
# Timings are printed, never judged.
bench_smoke() { cargo xtask bench --smoke; }

# The Python package (maturin wheel) and its Spark integration, in a real local[2] PySpark.
python_tests() { bash server/python/test.sh; }

grammar_tests() { (cd grammar && npm ci --silent && npm test); }
vscode_unit_tests() { (cd editors/vscode && npm ci --silent && npm test); }
# Real VS Code (code-server) with the packaged .vsix, driven by Playwright + Debian Chromium;
# installs code-server, Chromium and playwright-core when missing (tests/vscode-e2e/README.md).
vscode_e2e() { bash tests/vscode-e2e/run.sh; }
# Neovim 0.11, Emacs 30 (eglot), Vim (ALE) and Kakoune (kak-lsp) against the real server.
real_editor_tests() { bash tests/editors/run.sh; }

step "cargo fmt --check" rust_format
step "cargo clippy -D warnings" rust_lints
step "cargo test" rust_tests
step "bundled code-set data reproduces byte for byte" data_reproduces
step "claimls check examples/" examples_check
step "benchmark harness smoke run (cargo xtask bench --smoke)" bench_smoke
step "Python package and PySpark (server/python/test.sh)" python_tests
step "TextMate grammar snapshots" grammar_tests
step "VS Code extension unit tests" vscode_unit_tests
step "VS Code end-to-end: the .vsix in code-server" vscode_e2e
step "real editors: Neovim, Emacs, Vim, Kakoune" real_editor_tests

printf '\n'
for name in "${failed_steps[@]+"${failed_steps[@]}"}"; do printf 'failed: %s\n' "$name"; done
printf 'steps: %d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
