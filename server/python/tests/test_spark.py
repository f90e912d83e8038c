"""claimls.spark in a real local[2] Spark: the same diagnostics as the CLI, row for row."""

import os
import re
import sys

import pytest

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
# The Python workers run this interpreter (the venv the wheel is installed in).
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
pyspark = pytest.importorskip("pyspark")

import claimls.spark  # noqa: E402
from conftest import EXAMPLES, TODAY, cli_json  # noqa: E402

COLUMNS = ["path", "line", "column", "end_line", "end_column", "severity", "rule", "message"]


@pytest.fixture(scope="module")
def spark():
    session = (
        pyspark.sql.SparkSession.builder.master("local[2]")
        .appName("claimls-test")
        .config("spark.ui.enabled", "false")
        # Everything stays on this machine's loopback.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def local(path):
    """A Spark path (`file:/…`) as the CLI names the same file."""
    return re.sub("^file:", "", path)


def cli_rows(*paths):
    return sorted(
        (d["path"], d["line"], d["column"], d["end_line"], d["end_column"], d["severity"],
         d["code"], d["message"])
        for d in cli_json(*paths)
    )


def spark_rows(frame):
    return sorted((local(row.path), *row[1:len(COLUMNS)]) for row in frame.collect())


def test_examples_row_for_row(spark):
    frame = claimls.spark.check_files(spark, str(EXAMPLES), today=TODAY)
    assert frame.columns == COLUMNS + ["claim_id", "hl"]
    expected = cli_rows(EXAMPLES.resolve())
    assert expected, "the training examples fire rules"
    assert spark_rows(frame) == expected


def segments_with_lines(text):
    """(1-based line, segment) of a generated 837 (one segment per line, `~`-terminated)."""
    return [(n, line.rstrip("~")) for n, line in enumerate(text.splitlines(), 1)]


def test_generated_837_row_for_row_with_claims(spark, generated_837):
    path = generated_837.resolve()
    frame = claimls.spark.check_files(spark, [str(path)], today=TODAY)
    rows = frame.collect()
    assert spark_rows(frame) == cli_rows(path)

    # Each diagnostic's claim, worked out from the text: the last CLM at or before its line
    # (up to the next HL, SE or CLM) and the HL01 of the last HL before that CLM.
    claim_at, hl_at = {}, {}
    current_claim = current_hl = claim_hl = None
    for n, segment in segments_with_lines(path.read_text()):
        elements = segment.split("*")
        if elements[0] == "HL":
            current_hl, current_claim = elements[1], None
        elif elements[0] in ("SE", "GE", "IEA", "ST"):
            current_claim = None
        elif elements[0] == "CLM":
            current_claim, claim_hl = elements[1], current_hl
        claim_at[n] = current_claim
        hl_at[n] = claim_hl if current_claim else None
    with_claim = [row for row in rows if row.claim_id is not None]
    assert len(with_claim) > len(rows) // 2
    for row in rows:
        assert (row.claim_id, row.hl) == (claim_at[row.line], hl_at[row.line]), row

    claims = claimls.spark.claims(spark, [str(path)], today=TODAY).collect()
    assert len(claims) == sum(1 for _, s in segments_with_lines(path.read_text()) if s.startswith("CLM*"))
    by_claim = {}
    for row in with_claim:
        by_claim.setdefault((row.claim_id, row.hl), []).append(row)
    for claim in claims:
        found = by_claim.get((claim.claim_id, claim.hl), [])
        assert claim.errors == sum(1 for r in found if r.severity == "error"), claim
        assert claim.warnings == sum(1 for r in found if r.severity == "warning"), claim
        assert sorted(claim.rules) == sorted({r.rule for r in found}), claim
    assert any(claim.errors for claim in claims) and any(not claim.rules for claim in claims)
    assert all(claim.total and float(claim.total) > 0 for claim in claims)


def test_unreadable_file_gets_one_row(spark, tmp_path):
    (tmp_path / "bad.837").write_bytes(b"ISA\0*")
    (tmp_path / "notes.txt").write_text("not a claim file: skipped, as by the CLI")
    rows = claimls.spark.check_files(spark, str(tmp_path)).collect()
    assert [(r.rule, r.line, r.severity) for r in rows] == [(None, None, "error")]
    assert "binary" in rows[0].message


def test_bad_arguments_fail_on_the_driver(spark):
    with pytest.raises(ValueError):
        claimls.spark.check_files(spark, str(EXAMPLES), today="2026-02-30")
    with pytest.raises(ValueError):
        claimls.spark.claims(spark, str(EXAMPLES), config="rules = 1")


@pytest.mark.parametrize(
    "native, schema",
    [
        (claimls.spark._claimls.diagnostic_batches, claimls.spark.DIAGNOSTIC_SCHEMA),
        (claimls.spark._claimls.claim_batches, claimls.spark.CLAIM_SCHEMA),
    ],
    ids=["diagnostics", "claims"],
)
def test_rows_are_cut_into_batches_that_add_up(generated_837, native, schema):
    # The native module cuts a file's rows into Arrow batches by their bytes of text (so an
    # offset fits 32 bits); small batches hold the same rows, in the same order, as one.
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow_schema = to_arrow_schema(schema)
    content, path = generated_837.read_bytes(), str(generated_837)

    def rows(**limit):
        batches = [
            claimls.spark._record_batch(columns, arrow_schema)
            for columns in native(content, path, today=TODAY, **limit)
        ]
        for batch in batches:
            batch.validate(full=True)
        return len(batches), [row for batch in batches for row in batch.to_pylist()]

    whole, expected = rows()
    cut, found = rows(batch_bytes=2_000)
    assert whole == 1 and cut > 10
    assert found == expected and len(expected) > 500
