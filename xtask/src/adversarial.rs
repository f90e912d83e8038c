//! Adversarial scaling: the shapes of input that make a checker quadratic or make it hold many
//! copies of the file, each checked by `claimls check` and timed, with its peak RSS against
//! the file's size: one claim block with 50,000 distinct `dx`, one 837 claim with 50,000 `HI`
//! composites, one order whose diagnoses make some 10,000 Excludes1 pairs, and one 20 MB line
//! without a newline.

use std::path::Path;
use std::process::Command;

use claimls_codes::{CodeSets, Date, dotted_icd10cm};
use serde_json::{Value, json};

use crate::bench::{markdown, rows_of, str_of, thousands};
use crate::peers::usage;
use crate::stats::median;
use crate::x12_corpus;

/// Billable ICD-10-CM codes on `date`, category by category (`A00`…`Z99`), at most `count`.
fn billable_codes(sets: &CodeSets, date: Date, count: usize) -> Vec<String> {
    let mut codes = Vec::with_capacity(count);
    'categories: for letter in b'A'..=b'Z' {
        for number in 0..100 {
            let category = format!("{}{number:02}", char::from(letter));
            for code in sets.icd10cm_billable_below(&category, Some(date)) {
                if codes.len() == count {
                    break 'categories;
                }
                codes.push(code.code.to_string());
            }
        }
    }
    codes
}

/// A professional claim with `codes` as its dx (labels A–L over and over), and one line.
fn claim_block(codes: &[String]) -> String {
    let head = "claim ADVERSARIAL\n  patient \"Doe, Jane\" dob 1980-04-12 sex F\n  billing npi \
                1234567893\n";
    block(head, codes, "  line 2026-03-02 99213 ptr A\nend\n")
}

/// An order with `codes` as its dx: an order holds any number, and every pair is judged (a
/// claim's pairs are among the dx it can hold).
fn order_block(codes: &[String]) -> String {
    let head = "order ADVERSARIAL\n  patient \"Doe, Jane\" dob 1980-04-12 sex F\n  ordering npi \
                1234567893\n  date 2026-03-02\n";
    block(head, codes, "  test 83036 ptr A\nend\n")
}

fn block(head: &str, codes: &[String], tail: &str) -> String {
    let mut text = head.to_string();
    for (at, code) in codes.iter().enumerate() {
        let label = char::from(b'A' + (at % 12) as u8);
        text.push_str(&format!("  dx {label} {}\n", dotted_icd10cm(code)));
    }
    text.push_str(tail);
    text
}

/// A generated 837P of one claim whose `HI` segment carries every code of `codes`.
fn x12_claim(codes: &[String]) -> String {
    let small = x12_corpus::generate(1, x12_corpus::Kind::Professional, 7);
    let composites: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(at, code)| format!("{}:{code}", if at == 0 { "ABK" } else { "ABF" }))
        .collect();
    let hi = format!("HI*{}~", composites.join("*"));
    let mut done = false;
    let mut out = String::with_capacity(small.text.len() + hi.len());
    for line in small.text.lines() {
        // The first claim's HI segment; the file's other claims (if any) keep theirs.
        if !done && line.starts_with("HI*") {
            out.push_str(&hi);
            done = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The diabetes categories exclude each other (type 1, type 2, the other kinds): `per` billable
/// codes of each make `per² × 10` Excludes1 pairs in one block.
fn excludes1_block(sets: &CodeSets, date: Date, per: usize) -> Vec<String> {
    ["E08", "E09", "E10", "E11", "E13"]
        .iter()
        .flat_map(|category| {
            sets.icd10cm_billable_below(category, Some(date))
                .into_iter()
                .take(per)
                .map(|code| code.code.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn measure(binary: &Path, dir: &Path, today: &str, smoke: bool) -> Result<Value, String> {
    let sets = CodeSets::bundled();
    let date = Date::parse("2026-03-02").map_err(|e| format!("{e:?}"))?;
    let (count, per, line_bytes) =
        if smoke { (2_000, 8, 200_000) } else { (50_000, 32, 20_000_000) };
    let codes = billable_codes(&sets, date, count);
    let cases: Vec<(&str, &str, String)> = vec![
        ("one claim block, distinct dx", "many-dx.claims", claim_block(&codes)),
        ("one 837 claim, HI composites", "many-hi.837", x12_claim(&codes)),
        (
            "one order, Excludes1 pairs (diabetes types)",
            "excludes1-pairs.order",
            order_block(&excludes1_block(&sets, date, per)),
        ),
        (
            "one line without a newline",
            "one-line.claims",
            format!("claim {}", "X".repeat(line_bytes)),
        ),
    ];
    // What a one-dx claim's check takes: the code sets loaded, nothing of the file's size.
    let baseline = {
        let path = dir.join("adversarial-small.claims");
        std::fs::write(&path, claim_block(&codes[..1]))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut command = Command::new(binary);
        command.args(["check", "--today", today]).arg(&path);
        usage(&command)?.peak_rss_mb
    };
    let mut rows = Vec::new();
    for (what, name, text) in cases {
        let path = dir.join(format!("adversarial-{name}"));
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        let command = |format: &str| {
            let mut command = Command::new(binary);
            command.args(["check", "--format", format, "--today", today]).arg(&path);
            command
        };
        // The terminal report; where it fails (a crash is a bug to report, not a figure to
        // hide), the JSON report is timed instead and the failure is kept.
        let mut format = "human";
        let mut failed = None;
        let mut seconds = Vec::new();
        for _ in 0..if smoke { 1 } else { 3 } {
            let (elapsed, code) = crate::bench::run_quiet(&mut command(format))?;
            if code.is_none_or(|code| code > 1) {
                if format == "json" {
                    return Err(format!("{:?} failed with {code:?}", command(format)));
                }
                eprintln!("adversarial {what}: `check` failed with exit code {code:?}");
                failed = Some(format!("claimls check (terminal report) exit code {code:?}"));
                format = "json";
                seconds.clear();
                continue;
            }
            seconds.push(elapsed.as_secs_f64());
        }
        if seconds.is_empty() {
            seconds.push(crate::bench::run_quiet(&mut command(format))?.0.as_secs_f64());
        }
        let check = || command(format);
        let used = usage(&check())?;
        let rss = used.peak_rss_mb;
        let diagnostics = diagnostics_by_rule(binary, today, &path)?;
        let mb = text.len() as f64 / 1e6;
        // What the check must hold besides the code sets grows with the file and with what it
        // reports: 10,240 Excludes1 pairs of a 3 KB order are a 6 MB report.
        let report_mb = report_bytes(&mut command(format))? as f64 / 1e6;
        let time = median(&seconds);
        let size = match name {
            "many-dx.claims" | "many-hi.837" => json!({ "dx": codes.len() }),
            "excludes1-pairs.order" => json!({ "excludes1_pairs": diagnostics["excludes1"] }),
            _ => json!({ "line_bytes": line_bytes }),
        };
        eprintln!("adversarial {what}: {time:.3} s, peak RSS {rss:.1} MB for {mb:.1} MB");
        rows.push(json!({
            "case": what,
            "file": name,
            "size": size,
            "mb": (mb * 100.0).round() / 100.0,
            "check_s": (time * 1e4).round() / 1e4,
            "cpu_s": (used.cpu_s * 1e3).round() / 1e3,
            "peak_rss_mb": (rss * 10.0).round() / 10.0,
            "report_mb": (report_mb * 100.0).round() / 100.0,
            "extra_rss_to_file": ((rss - baseline).max(0.0) / mb * 10.0).round() / 10.0,
            "extra_rss_to_file_and_report": ((rss - baseline).max(0.0) / (mb + report_mb) * 10.0)
                .round()
                / 10.0,
            "diagnostics": diagnostics,
            "report": format,
            "failed": failed,
        }));
    }
    Ok(json!({
        "command": format!("claimls check --today {today} FILE > /dev/null"),
        "baseline_peak_rss_mb": (baseline * 10.0).round() / 10.0,
        "cases": rows,
    }))
}

/// How many bytes `command` writes to its standard output.
fn report_bytes(command: &mut Command) -> Result<usize, String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    Ok(output.stdout.len())
}

/// `claimls check --format json`'s diagnostics counted by rule.
fn diagnostics_by_rule(binary: &Path, today: &str, path: &Path) -> Result<Value, String> {
    let output = Command::new(binary)
        .args(["check", "--format", "json", "--today", today])
        .arg(path)
        .output()
        .map_err(|e| e.to_string())?;
    let diagnostics: Vec<Value> =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("check --format json: {e}"))?;
    let mut counts = serde_json::Map::new();
    for diagnostic in &diagnostics {
        let rule = diagnostic["code"].as_str().unwrap_or("").to_string();
        let count = counts.get(&rule).and_then(Value::as_u64).unwrap_or(0);
        counts.insert(rule, json!(count + 1));
    }
    Ok(Value::Object(counts))
}

/// The table of [`measure`]'s results, in Markdown.
pub fn table(adversarial: &Value) -> String {
    let mut out = format!(
        "\nadversarial scaling: `claimls check`, median of the runs; RSS beyond the {:.1} MB of a \
         one-dx claim's check, per MB of the file, and per MB of the file and its report (the \
         terminal report's bytes)\n",
        adversarial["baseline_peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
    );
    let rows = rows_of(&adversarial["cases"], |f, row| {
        let size = row["size"]
            .as_object()
            .and_then(|size| size.iter().next())
            .map(|(what, n)| format!("{} {what}", thousands(n.as_f64().unwrap_or(0.0))))
            .unwrap_or_default();
        let case = match row["failed"].as_str() {
            Some(failed) => format!("{} ({failed}; JSON report timed)", str_of(&row["case"])),
            None => str_of(&row["case"]).to_string(),
        };
        vec![
            case,
            size.replace('_', " "),
            format!("{:.2}", f("mb")),
            format!("{:.3} s", f("check_s")),
            format!("{:.3} s", f("cpu_s")),
            format!("{:.2}", f("report_mb")),
            format!("{:.1} MB", f("peak_rss_mb")),
            format!("{:.1}×", f("extra_rss_to_file")),
            format!("{:.1}×", f("extra_rss_to_file_and_report")),
        ]
    });
    let header = [
        "case",
        "size",
        "MB",
        "check",
        "CPU",
        "report MB",
        "peak RSS",
        "RSS / file",
        "RSS / (file + report)",
    ];
    markdown(&mut out, &header, &rows);
    out
}
