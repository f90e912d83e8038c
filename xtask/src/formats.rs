//! The batch check of the other formats, side by side with the reference users compare it to:
//! generated 837P, 837I and HL7 v2 files checked by `claimls check`, `wc -l` on each as the floor
//! of reading it, and pyx12's `x12valid` (full 837 validation, installed by the bench itself
//! into a virtual environment, pinned) on the 837P files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::stats::{median, ms};
use crate::{corpus::DEFAULT_SEED, hl7_corpus, x12_corpus};

/// The pinned reference validator.
const PYX12: &str = "pyx12==4.0.0";

/// One generated file to check.
struct File {
    format: &'static str,
    path: PathBuf,
    bytes: usize,
    /// What the file holds (claims or orders), for claims per second.
    units: usize,
}

/// Sizes in bytes: the smoke run checks tiny files of every format; the full run the issue's.
fn sizes(smoke: bool) -> (Vec<usize>, Vec<usize>) {
    if smoke {
        (vec![100_000], vec![100_000])
    } else {
        (vec![100_000, 1_000_000, 8_000_000], vec![1_000_000, 10_000_000])
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
            files.push(File { format, path, bytes: corpus.text.len(), units: corpus.claims });
        }
    }
    for &bytes in &hl7_sizes {
        let corpus = hl7_corpus::generate(bytes, DEFAULT_SEED);
        let path = dir.join(format!("oml-{bytes}.hl7"));
        std::fs::write(&path, &corpus.text).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(File { format: "HL7", path, bytes: corpus.text.len(), units: corpus.orders });
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

/// pyx12's `x12valid`, installed into `dir/pyx12` when it is not there yet: `Err` says why not.
fn pyx12(dir: &Path) -> Result<PathBuf, String> {
    let venv = dir.join("pyx12");
    let x12valid = venv.join("bin/x12valid");
    if x12valid.exists() {
        return Ok(x12valid);
    }
    let quiet = |command: &mut Command| {
        command.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())
    };
    let made = quiet(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    if !made.success() {
        return Err("python3 -m venv failed".to_string());
    }
    let pip = venv.join("bin/pip");
    let installed = quiet(Command::new(&pip).args(["install", "--quiet", PYX12]))?;
    if !installed.success() || !x12valid.exists() {
        return Err(format!("pip install {PYX12} failed"));
    }
    Ok(x12valid)
}

/// Measures every file; a reference that cannot be run is reported, never fatal.
pub fn measure(binary: &Path, dir: &Path, today: &str, smoke: bool) -> Result<Value, String> {
    let files = generate(dir, smoke)?;
    let x12valid = pyx12(dir);
    if let Err(why) = &x12valid {
        eprintln!("pyx12: not measured ({why})");
    }
    let mut rows = Vec::new();
    for file in &files {
        let runs = if smoke || file.bytes > 5_000_000 { 3 } else { 7 };
        let check = timed(runs, || {
            let mut command = Command::new(binary);
            command.args(["check", "--today", today]).arg(&file.path);
            command
        })?;
        let wc = timed(runs, || {
            let mut command = Command::new("wc");
            command.arg("-l").arg(&file.path);
            command
        })?;
        let mb = file.bytes as f64 / 1e6;
        let mut row = json!({
            "format": file.format,
            "mb": round(mb, 2),
            "units": file.units,
            "check_s": round(check, 4),
            "mb_per_s": round(mb / check, 1),
            "units_per_s": (file.units as f64 / check).round(),
            "wc_s": round(wc, 4),
            "ratio_to_wc": round(check / wc, 1),
        });
        // pyx12 on the 837P files (once: it takes about 5 s a MB), the largest or the smoke one.
        let reference = file.format == "837P" && (smoke || file.bytes > 5_000_000);
        if let (true, Ok(x12valid)) = (reference, &x12valid) {
            let (seconds, code) = run_once(Command::new(x12valid).arg(&file.path))?;
            row["pyx12_s"] = json!(round(seconds, 2));
            row["pyx12_mb_per_s"] = json!(round(mb / seconds, 2));
            row["speedup_over_pyx12"] = json!(round(seconds / check, 0));
            row["pyx12_exit"] = json!(code);
        }
        eprintln!("check {} {:.2} MB: {:.3} s", file.format, mb, check);
        rows.push(row);
    }
    Ok(json!({
        "command": format!("claimls check --today {today} FILE > /dev/null"),
        "reference": match &x12valid {
            Ok(_) => json!(format!("{PYX12}: x12valid FILE")),
            Err(why) => json!(format!("{PYX12}: not measured ({why})")),
        },
        "files": rows,
    }))
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// The table of [`measure`]'s results, in Markdown.
pub fn table(formats: &Value) -> String {
    let mut out = String::from(
        "\nbatch check of the other formats (median), with pyx12's full 837 validation as the \
         reference\n| format | MB | claims/orders | check | MB/s | per second | wc -l | check / wc | \
         pyx12 | claimls faster |\n| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |\n",
    );
    for row in formats["files"].as_array().into_iter().flatten() {
        let number = |key: &str| row[key].as_f64().unwrap_or(0.0);
        let pyx12 = match row["pyx12_s"].as_f64() {
            Some(seconds) => {
                (format!("{seconds:.2} s"), format!("{:.0}×", number("speedup_over_pyx12")))
            }
            None => (String::new(), String::new()),
        };
        out.push_str(&format!(
            "| {} | {:.2} | {} | {:.3} s | {:.1} | {:.0} | {:.4} s | {:.1}× | {} | {} |\n",
            row["format"].as_str().unwrap_or(""),
            number("mb"),
            row["units"],
            number("check_s"),
            number("mb_per_s"),
            number("units_per_s"),
            number("wc_s"),
            number("ratio_to_wc"),
            pyx12.0,
            pyx12.1,
        ));
    }
    out
}
