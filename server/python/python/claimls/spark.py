"""claimls in Spark: the checks of `claimls check` as DataFrames.

Files are read with Spark's `binaryFile` source (a directory is searched, and only the files
`claimls check` would check there are checked: by extension) and checked with `mapInArrow`:
each executor's Python worker imports the native module once, so the code-set index is
loaded once per worker process, and each file is checked whole by the Rust crates (with the
GIL released), which build its rows as Arrow buffers: no row becomes Python objects. A file
that is not UTF-8 text, is binary or is empty gets one row with no rule and the reason as
message. Nothing of the documents is logged.
"""

import pyarrow as pa
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

from . import _claimls

__all__ = ["check_files", "claims", "DIAGNOSTIC_SCHEMA", "CLAIM_SCHEMA"]

# One row per diagnostic; `claim_id` (CLM01) and `hl` (the HL01 of the claim's level) are
# set for diagnostics inside an 837 claim.
DIAGNOSTIC_SCHEMA = StructType(
    [StructField(name, StringType()) for name in ["path"]]
    + [StructField(name, IntegerType()) for name in ["line", "column", "end_line", "end_column"]]
    + [StructField(name, StringType()) for name in ["severity", "rule", "message", "claim_id", "hl"]]
)

# One row per 837 claim: what a dashboard of what will be rejected counts.
CLAIM_SCHEMA = StructType(
    [StructField(name, StringType()) for name in ["path", "claim_id", "hl", "total"]]
    + [StructField(name, IntegerType()) for name in ["errors", "warnings"]]
    + [StructField("rules", ArrayType(StringType()))]
)


def _files(spark, paths):
    """The binaryFile rows (path, content) of `paths` (a path or a list of paths; directories
    are searched below, as `claimls check` does)."""
    if isinstance(paths, str):
        paths = [paths]
    return (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(list(paths))
        .select("path", "content")
    )


def _map(batches_of_file, schema):
    """A mapInArrow function: every claim file of each batch through `batches_of_file`."""
    arrow_schema = to_arrow_schema(schema)

    def each_batch(batches):
        for batch in batches:
            paths = batch.column("path").to_pylist()
            contents = batch.column("content")
            for i, path in enumerate(paths):
                if not _claimls.is_claim_file(path):
                    continue
                for columns in batches_of_file(contents[i].as_py(), path):
                    yield _record_batch(columns, arrow_schema)

    return each_batch


def _record_batch(columns, arrow_schema):
    """A batch of rows the native module built as Arrow buffers, a list of columns
    `(length, [buffer, ...], [child column, ...])`, as a pyarrow RecordBatch (the buffers are
    wrapped, not copied)."""
    arrays = [_array(field.type, column) for field, column in zip(arrow_schema, columns)]
    return pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)


def _array(arrow_type, column):
    length, buffers, children = column
    return pa.Array.from_buffers(
        arrow_type,
        length,
        [pa.py_buffer(buffer) for buffer in buffers],
        children=[_array(arrow_type.value_type, child) for child in children],
    )


def check_files(spark, paths, *, today=None, config=None):
    """One row per diagnostic of the claim files at `paths` (see DIAGNOSTIC_SCHEMA).

    today: "YYYY-MM-DD" for the future-date checks; config: the text of a claimls.toml that
    applies to every file (a cluster's files have no claimls.toml beside them to find).
    """
    _check_arguments(today, config)

    def batches(content, path):
        return _claimls.diagnostic_batches(content, path, today=today, config=config)

    return _files(spark, paths).mapInArrow(_map(batches, DIAGNOSTIC_SCHEMA), DIAGNOSTIC_SCHEMA)


def claims(spark, paths, *, today=None, config=None):
    """One row per 837 claim of the files at `paths`: its CLM01, HL, total, how many errors
    and warnings it has and which rules fired (see CLAIM_SCHEMA)."""
    _check_arguments(today, config)

    def batches(content, path):
        return _claimls.claim_batches(content, path, today=today, config=config)

    return _files(spark, paths).mapInArrow(_map(batches, CLAIM_SCHEMA), CLAIM_SCHEMA)


def _check_arguments(today, config):
    """Bad arguments fail on the driver, at once, not in a task on every executor."""
    _claimls.check_settings(today=today, config=config)
