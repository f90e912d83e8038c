//! The batch check of the other formats, side by side with the peers users compare it to:
//! generated 837P, 837I and HL7 v2 files checked by `claimls check` (time, MB/s, lines/s, peak
//! RSS, growth between sizes), `wc -l` on each as the floor of reading it, and the peers of
//! `peers.rs` on the same 837P and HL7 files, each as a ratio to claimls.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::bench::{markdown, round, rows_of, str_of, thousands};
use crate::peers::{self, Outcome, Peer};
use crate::stats::{median, ms};
use crate::{corpus::DEFAULT_SEED, hl7_corpus, x12_corpus};

/// One generated file to check.
struct File {
    format: &'static str,
    path: PathBuf,
    bytes: usize,
    /// What the file holds (claims or orders), for claims per second.
    units: usize,
    lines: usize,
}

/// Sizes in bytes: the smoke run checks tiny files of every format; the full run the issue's.
fn sizes(smoke: bool) -> (Vec<usize>, Vec<usize>) {
    if smoke {
        (vec![30_000, 100_000], vec![30_000, 100_000])
    } else {
        (vec![100_000, 1_000_000, 8_000_000, 40_000_000], vec![1_000_000, 10_000_000])
    }
}

fn generate(dir: &Path, smoke: bool) -> Result<Vec<File>, String> {
    let (x12_sizes, hl7_sizes) = sizes(smoke);
    let mut files = Vec::new();
    for &bytes in &x12_sizes {
        for (format, kind) in
            [("837P", x12_corpus::Kind::Professional), ("837I", x12_corpus::Kind::Institutional)]
        {
            let corpus = x12_corpus::generate(bytes, kind, DEFAULT_SEED);
            let path = dir.join(format!("{}-{bytes}.837", format.to_ascii_lowercase()));
            std::fs::write(&path, &corpus.text).map_err(|e| format!("{}: {e}", path.display()))?;
            let lines = corpus.text.lines().count();
            files.push(File {
                format,
                path,
                bytes: corpus.text.len(),
                units: corpus.claims,
                lines,
            });
        }
    }
    for &bytes in &hl7_sizes {
        let corpus = hl7_corpus::generate(bytes, DEFAULT_SEED);
        let path = dir.join(format!("oml-{bytes}.hl7"));
        std::fs::write(&path, &corpus.text).map_err(|e| format!("{}: {e}", path.display()))?;
        // HL7 segments end at a carriage return: a line is a segment.
        let lines = corpus.text.split('\r').count();
        files.push(File {
            format: "HL7",
            path,
            bytes: corpus.text.len(),
            units: corpus.orders,
            lines,
        });
    }
    Ok(files)
}

/// Seconds of one run of `command` (its output thrown away), and its exit code (`check` exits
/// 1 on the seeded errors; pyx12 1 on an invalid file).
fn run_once(command: &mut Command) -> Result<(f64, Option<i32>), String> {
    let (elapsed, code) = crate::bench::run_quiet(command)?;
    Ok((ms(elapsed) / 1000.0, code))
}

/// The median seconds of `runs` runs after one untimed run (the file in the page cache).
fn timed(runs: usize, mut command: impl FnMut() -> Command) -> Result<f64, String> {
    let (_, code) = run_once(&mut command())?;
    if code.is_none_or(|code| code > 1) {
        return Err(format!("{:?} failed with {code:?}", command()));
    }
    let mut seconds = Vec::new();
    for _ in 0..runs {
        seconds.push(run_once(&mut command())?.0);
    }
    Ok(median(&seconds))
}

/// Measures every file with claimls, `wc -l` and the peers of its format; a peer that cannot
/// be run or fails on a file is reported, never fatal.
pub fn measure(
    binary: &Path,
    dir: &Path,
    peers: &[Peer],
    today: &str,
    smoke: bool,
) -> Result<Value, String> {
    let files = generate(dir, smoke)?;
    let mut rows = Vec::new();
    let mut peer_rows = Vec::new();
    for file in &files {
        let runs = if smoke {
            2
        } else if file.bytes > 5_000_000 {
            3
        } else {
            7
        };
        let claimls = || {
            let mut command = Command::new(binary);
            command.args(["check", "--today", today]).arg(&file.path);
            command
        };
        let check = timed(runs, claimls)?;
        let usage = peers::usage(&claimls())?;
        let wc = timed(runs, || {
            let mut command = Command::new("wc");
            command.arg("-l").arg(&file.path);
            command
        })?;
        let mb = file.bytes as f64 / 1e6;
        let peak_rss = usage.peak_rss_mb;
        eprintln!("check {} {mb:.2} MB: {check:.3} s, peak RSS {peak_rss:.1} MB", file.format);
        rows.push(json!({
            "format": file.format,
            "mb": round(mb, 2),
            "lines": file.lines,
            "units": file.units,
            "check_s": round(check, 4),
            "mb_per_s": round(mb / check, 1),
            "lines_per_s": (file.lines as f64 / check).round(),
            "units_per_s": (file.units as f64 / check).round(),
            "peak_rss_mb": round(peak_rss, 1),
            "cpu_s": round(usage.cpu_s, 3),
            "wc_s": round(wc, 4),
            "ratio_to_wc": round(check / wc, 1),
        }));
        for peer in peers.iter().filter(|peer| peer.format == file.format) {
            if peer.missing().is_some() || file.bytes > peer.max_bytes {
                continue;
            }
            // The slow peers once on the large files: their time is seconds, not milliseconds.
            let peer_runs =
                if smoke || file.bytes > 1_500_000 || peer.name == "pyx12" { 1 } else { 3 };
            let mut seconds = Vec::new();
            let mut failed = None;
            let mut exit = None;
            for _ in 0..peer_runs {
                match peer.run(&file.path)? {
                    Outcome::Ran(time, code) => {
                        seconds.push(time);
                        exit = code;
                    }
                    Outcome::Failed(message) => {
                        failed = Some(message);
                        break;
                    }
                }
            }
            let mut row = json!({
                "peer": peer.name,
                "version": peer.version,
                "format": file.format,
                "mb": round(mb, 2),
                "claimls_s": round(check, 4),
            });
            match failed {
                Some(message) => {
                    eprintln!("  {}: failed ({message})", peer.name);
                    row["failed"] = json!(message);
                }
                None => {
                    let time = median(&seconds);
                    eprintln!("  {}: {time:.3} s", peer.name);
                    row["seconds"] = json!(round(time, 4));
                    row["mb_per_s"] = json!(round(mb / time, 2));
                    row["claimls_faster"] = json!(round(time / check, 1));
                    // pyx12 exits 1 on a file with errors (the seeded ones).
                    row["exit"] = json!(exit);
                }
            }
            peer_rows.push(row);
        }
    }
    Ok(json!({
        "command": format!("claimls check --today {today} FILE > /dev/null"),
        "files": rows,
        "growth": growth(&rows),
        "peers": peer_rows,
    }))
}

/// The growth exponent of the check time between consecutive sizes of each format (1 is
/// linear).
fn growth(rows: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for format in ["837P", "837I", "HL7"] {
        let sizes: Vec<&Value> = rows.iter().filter(|row| row["format"] == format).collect();
        for pair in sizes.windows(2) {
            let f = |row: &Value, key: &str| row[key].as_f64().unwrap_or(f64::NAN);
            let (a, b) = (pair[0], pair[1]);
            let exponent =
                (f(b, "check_s") / f(a, "check_s")).ln() / (f(b, "mb") / f(a, "mb")).ln();
            out.push(json!({
                "format": format,
                "from_mb": a["mb"],
                "to_mb": b["mb"],
                "exponent": round(exponent, 2),
            }));
        }
    }
    out
}

/// The tables of [`measure`]'s results, in Markdown.
pub fn table(formats: &Value) -> String {
    let mut out = String::from(
        "\nbatch check of the other formats: `claimls check`, median of the runs; CPU (user + \
         system) and peak RSS of one run\n",
    );
    let rows = rows_of(&formats["files"], |f, row| {
        vec![
            str_of(&row["format"]).to_string(),
            format!("{:.2}", f("mb")),
            thousands(f("lines")),
            thousands(f("units")),
            format!("{:.3} s", f("check_s")),
            format!("{:.3} s", f("cpu_s")),
            format!("{:.1}", f("mb_per_s")),
            thousands(f("lines_per_s")),
            format!("{:.1} MB", f("peak_rss_mb")),
            format!("{:.4} s", f("wc_s")),
            format!("{:.1}×", f("ratio_to_wc")),
        ]
    });
    markdown(
        &mut out,
        &[
            "format",
            "MB",
            "lines",
            "claims/orders",
            "check",
            "CPU",
            "MB/s",
            "lines/s",
            "peak RSS",
            "wc -l",
            "check / wc",
        ],
        &rows,
    );
    let exponents: Vec<String> = formats["growth"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            format!(
                "{} {}→{} MB: {}",
                str_of(&g["format"]),
                g["from_mb"],
                g["to_mb"],
                g["exponent"]
            )
        })
        .collect();
    out.push_str(&format!(
        "growth exponent between sizes (1 = linear): {}\n",
        exponents.join(", ")
    ));
    out.push_str(
        "\nthe peers on the same files (one run of the large files), as a ratio to claimls\n",
    );
    let rows = rows_of(&formats["peers"], |f, row| {
        let (time, ratio) = match row["failed"].as_str() {
            Some(message) => {
                let short: String = message.chars().take(70).collect();
                (format!("failed: {short}…"), String::new())
            }
            None => (format!("{:.3} s", f("seconds")), format!("{:.1}×", f("claimls_faster"))),
        };
        vec![
            format!("{} {}", str_of(&row["peer"]), str_of(&row["version"])),
            str_of(&row["format"]).to_string(),
            format!("{:.2}", f("mb")),
            format!("{:.3} s", f("claimls_s")),
            time,
            ratio,
        ]
    });
    markdown(&mut out, &["peer", "format", "MB", "claimls", "peer", "claimls faster"], &rows);
    out
}
