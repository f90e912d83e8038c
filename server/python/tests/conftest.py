"""Shared fixtures: the repository's paths, the CLI to compare with, a generated 837."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
# The examples' claimls.toml sets this date; the Spark rows get it as `today`.
TODAY = "2026-11-01"


def cli_json(*paths, today=TODAY):
    """`claimls check --format json` of `paths` (exit status 0 or 1: checked)."""
    binary = os.environ.get("CLAIMLS_BIN", str(ROOT / "target" / "release" / "claimls"))
    command = [binary, "check", "--format", "json", "--today", today, *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def generated_837():
    """A generated 837P with seeded mistakes (`cargo xtask x12-corpus`): test.sh writes it and
    names it in CLAIMLS_TEST_837."""
    path = os.environ.get("CLAIMLS_TEST_837")
    if not path:
        pytest.skip("CLAIMLS_TEST_837 is not set (test.sh sets it)")
    return pathlib.Path(path)
