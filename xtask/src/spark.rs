//! Spark throughput: claims per second through `claimls.spark.check_files` in `local[2]`
//! against `claimls check` on the same generated 837P files (40 MB in 8 files; the smoke run
//! 2 files of 100 kB), per core, and how Spark's cost splits: reading the files (`binaryFile`),
//! handing them to the Python workers (Arrow, and each task's set-up in a worker), checking
//! (what a worker does with each file, without Spark: the Rust check and its rows as Arrow
//! batches), and the rest (Spark's overhead). CPU seconds are the whole process tree's (the
//! CLI with its threads; the driver, the JVM and its Python workers), so "per core" holds on
//! a busy machine too. Spark splits the files as it does by default (2 tasks in `local[2]`).
//!
//! It runs `server/python/bench_spark.py` with the venv `server/python/test.sh` makes (the
//! wheel installed); without that venv it is skipped, and says so in results.json.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};

use crate::stats::median;
use crate::x12_corpus;

/// Measures and adds `results["spark"]`, and prints its table; `skip` (`--no-spark`) records
/// that it was skipped.
pub fn add(
    results: &mut Value,
    binary: &Path,
    dir: &Path,
    smoke: bool,
    skip: bool,
) -> Result<(), String> {
    let root = crate::bench::workspace_root();
    let python = root.join("target/python/venv/bin/python");
    let spark = if skip {
        json!({ "skipped": "--no-spark" })
    } else if !python.exists() {
        json!({ "skipped": "no venv at target/python/venv: run bash server/python/test.sh" })
    } else {
        measure(binary, &root, &python, &dir.join("spark"), crate::corpus::TODAY, smoke)?
    };
    print!("{}", table(&spark));
    results["spark"] = spark;
    Ok(())
}

fn measure(
    binary: &Path,
    root: &Path,
    python: &Path,
    dir: &Path,
    today: &str,
    smoke: bool,
) -> Result<Value, String> {
    let (count, bytes, runs) = if smoke { (2, 100_000, 1) } else { (8, 5_000_000, 3) };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut claims = 0;
    let mut total_bytes = 0;
    for seed in 1..=count {
        let corpus = x12_corpus::generate(bytes, x12_corpus::Kind::Professional, seed);
        let path = dir.join(format!("837p-{seed}.837"));
        std::fs::write(&path, &corpus.text).map_err(|e| format!("{}: {e}", path.display()))?;
        claims += corpus.claims;
        total_bytes += corpus.text.len();
    }
    eprintln!("spark: {count} files, {total_bytes} bytes, {claims} claims in {}", dir.display());

    // The CLI: wall and CPU seconds (user + system, of all its threads) of each run.
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..runs.max(3) {
        let cpu = children_cpu_s()?;
        let started = Instant::now();
        let (_, code) = crate::bench::run_quiet(
            Command::new(binary).args(["check", "--format", "json", "--today", today]).arg(dir),
        )?;
        if code.is_none_or(|code| code > 1) {
            return Err(format!("claimls check {} failed with {code:?}", dir.display()));
        }
        walls.push(started.elapsed().as_secs_f64());
        cpus.push(children_cpu_s()? - cpu);
    }
    let cli_wall = median(&walls);
    let cli_cpu = median(&cpus);

    let script = root.join("server/python/bench_spark.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(dir)
        .arg(today)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("{}: {e}", script.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(format!("{} failed: {}", script.display(), tail.join("\n")));
    }
    let spark: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("{}: not JSON: {e}", script.display()))?;
    let stage = |name: &str, key: &str| spark["stages"][name][key].as_f64().unwrap_or(0.0);
    let spark_wall = stage("check_files", "wall_s");
    let spark_cpu = stage("check_files", "cpu_s");
    let per = |seconds: f64| if seconds > 0.0 { round(claims as f64 / seconds) } else { 0.0 };
    let reading = stage("read", "cpu_s");
    let hand_over = (stage("read_and_hand_over", "cpu_s") - reading).max(0.0);
    let checking = stage("check_alone", "cpu_s");
    let overhead = (spark_cpu - reading - hand_over - checking).max(0.0);
    Ok(json!({
        "files": count,
        "bytes": total_bytes,
        "claims": claims,
        "diagnostics": spark["rows"],
        "cli": {
            "wall_s": round(cli_wall),
            "cpu_s": round(cli_cpu),
            "claims_per_cpu_s": per(cli_cpu),
        },
        "spark": {
            "master": "local[2]",
            "wall_s": round(spark_wall),
            "cpu_s": round(spark_cpu),
            "claims_per_s": per(spark_wall),
            "claims_per_cpu_s": per(spark_cpu),
            "claims_per_core_s": per(spark_wall * 2.0),
        },
        // CPU seconds of one check_files run, by what they were spent on.
        "split_cpu_s": {
            "reading": round(reading),
            "hand_over": round(hand_over),
            "checking": round(checking),
            "spark_overhead": round(overhead),
        },
        "python_worker_peak_rss_mb": round(stage("check_alone", "peak_rss_mb")),
        "spark_cpu_over_cli": if cli_cpu > 0.0 { round(spark_cpu / cli_cpu) } else { 0.0 },
        "stages": spark["stages"],
    }))
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// CPU seconds (user + system) of this process's children that have ended, from
/// `/proc/self/stat` (no `getrusage` binding needed: this crate has no `unsafe`).
fn children_cpu_s() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat").map_err(|e| e.to_string())?;
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split(' ').collect();
    // After the name: state is field 3, cutime and cstime are fields 16 and 17 (in ticks of
    // 1/100 s, the kernel's USER_HZ on Linux).
    let ticks = |n: usize| fields.get(n - 2).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    Ok((ticks(16) + ticks(17)) / 100.0)
}

fn table(spark: &Value) -> String {
    if let Some(reason) = spark["skipped"].as_str() {
        return format!("\nSpark throughput: skipped ({reason})\n");
    }
    let number = |pointer: &str| spark.pointer(pointer).and_then(Value::as_f64).unwrap_or(0.0);
    let mut out = format!(
        "\nSpark throughput: {} claims in {} files ({:.1} MB of 837P), median\n\
         | run | wall | CPU | claims/s | claims per CPU-second |\n| --- | --: | --: | --: | --: |\n",
        spark["claims"],
        spark["files"],
        number("/bytes") / 1e6,
    );
    for (name, key) in [("claimls check", "cli"), ("claimls.spark.check_files, local[2]", "spark")]
    {
        out.push_str(&format!(
            "| {name} | {:.2} s | {:.2} s | {:.0} | {:.0} |\n",
            number(&format!("/{key}/wall_s")),
            number(&format!("/{key}/cpu_s")),
            spark["claims"].as_f64().unwrap_or(0.0) / number(&format!("/{key}/wall_s")).max(1e-9),
            number(&format!("/{key}/claims_per_cpu_s")),
        ));
    }
    out.push_str(&format!(
        "Spark takes {:.2}× the CLI's CPU time; its CPU seconds: reading {:.2}, handing over \
         (Arrow, task set-up) {:.2}, checking {:.2}, Spark overhead {:.2}; a Python worker peaks \
         at {:.0} MB\n",
        number("/spark_cpu_over_cli"),
        number("/split_cpu_s/reading"),
        number("/split_cpu_s/hand_over"),
        number("/split_cpu_s/checking"),
        number("/split_cpu_s/spark_overhead"),
        number("/python_worker_peak_rss_mb"),
    ));
    out
}
