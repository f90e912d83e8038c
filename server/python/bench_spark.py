"""Spark throughput of claimls.spark.check_files in local[2], for `cargo xtask bench`
(xtask/src/spark.rs runs it with the venv of server/python/test.sh and reads its JSON).

    python bench_spark.py DIR TODAY RUNS

Prints one JSON object: per stage the wall seconds (median of RUNS) and the CPU seconds of
the whole Spark process tree (this driver, the JVM, its Python workers and what they reaped),
and the CPU seconds and peak memory of checking the same files in this process without Spark
(what a worker does with each file: the Rust check and its rows as Arrow batches; and what a
Python worker holds).
"""

import json
import os
import pathlib
import resource
import statistics
import sys
import time

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.pandas.types import to_arrow_schema  # noqa: E402

import claimls._claimls as native  # noqa: E402
import claimls.spark  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root):
    """CPU seconds of process `root` and every process below it (each with its reaped
    children's time)."""
    parents, times = {}, {}
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(v) for v in fields[11:15]) / TICKS
    total, frontier = 0.0, [root]
    while frontier:
        pid = frontier.pop()
        total += times.get(pid, 0.0)
        frontier.extend(child for child, parent in parents.items() if parent == pid)
    return total


def measure(spark, jvm, runs, job):
    """Wall and CPU seconds of `job`, median of `runs`: the CPU of the JVM, its Python
    workers and this driver."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, started = tree_cpu(jvm) + time.process_time(), time.perf_counter()
        job()
        walls.append(time.perf_counter() - started)
        cpus.append(tree_cpu(jvm) + time.process_time() - cpu)
    return {"wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus)}


def main():
    directory, today, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("claimls-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        # Spark's own file splits: local[2] packs the 8 files into 2 tasks, one per core, as
        # a job over many files gets tasks of up to 128 MB. One task per file would cost
        # each task a Python worker's set-up (0.2 CPU-s on Python < 3.13: the worker's
        # importlib.invalidate_caches() re-reads pyspark.zip's directory, cpython#103200).
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    jvm = spark.sparkContext._gateway.proc.pid
    files = spark.read.format("binaryFile").load(directory)

    def read():
        files.selectExpr("sum(length(content))").collect()

    def hand_over(batches):
        import pyarrow as pa

        for batch in batches:
            sizes = [len(content) for content in batch.column("content").to_pylist()]
            yield pa.RecordBatch.from_pydict({"bytes": sizes})

    def read_and_hand_over():
        files.select("content").mapInArrow(hand_over, "bytes long").groupBy().sum().collect()

    rows = []

    def check():
        rows.append(claimls.spark.check_files(spark, directory, today=today).count())

    check()  # warm: the workers start and import claimls once
    stages = {
        "read": measure(spark, jvm, runs, read),
        "read_and_hand_over": measure(spark, jvm, runs, read_and_hand_over),
        "check_files": measure(spark, jvm, runs, check),
    }
    spark.stop()

    # The check alone: the same files through what a worker does with each (the Rust check,
    # its rows as Arrow batches), no Spark.
    schema = to_arrow_schema(claimls.spark.DIAGNOSTIC_SCHEMA)
    cpu = time.process_time()
    for path in sorted(pathlib.Path(directory).iterdir()):
        for columns in native.diagnostic_batches(path.read_bytes(), str(path), today=today):
            claimls.spark._record_batch(columns, schema)
    stages["check_alone"] = {
        "cpu_s": time.process_time() - cpu,
        # What one Python worker holds at its peak: the interpreter, pyarrow, the index, one
        # file's text, model and rows.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps({"stages": stages, "rows": rows[-1]}))


if __name__ == "__main__":
    main()
