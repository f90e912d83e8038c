#!/usr/bin/env bash
# The Python package's tests: builds the abi3 wheel with maturin, installs it into a venv under
# target/ and runs pytest: claimls.check against `claimls check --format json` over examples/
# and a generated 837, and claimls.spark in a real local[2] Spark (PySpark from PyPI, Java
# 17 from Debian when missing), row for row. Called by tests/run-all.sh.
#
#   bash server/python/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
venv=target/python/venv

if ! command -v java >/dev/null; then
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r server/python/requirements-test.txt

# The CLI the tests compare with, and an 837P with seeded mistakes (400 kB, ~1,000 claims).
cargo build --quiet --release --locked -p claimls
cargo xtask x12-corpus --bytes 400000 --kind 837p --out target/python/test.837 >/dev/null

rm -rf target/python/wheels
(cd server/python && "../../$venv/bin/maturin" build --quiet --release --locked \
  --interpreter "../../$venv/bin/python" --out ../../target/python/wheels)
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps \
  target/python/wheels/claimls-*.whl

# Spark binds to the loopback only.
export SPARK_LOCAL_IP=127.0.0.1
CLAIMLS_BIN="$PWD/target/release/claimls" CLAIMLS_TEST_837="$PWD/target/python/test.837" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider server/python/tests "$@"
