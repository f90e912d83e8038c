//! Editor latency over real stdio for every format: a 10,000-line claim document, a 1 MB 837
//! with one segment a line, the same 837 on one line, and a 1 MB HL7 file. For each: spawn →
//! first diagnostics, the first 20 hovers sent right after `didOpen` (while the document is
//! still being checked), hovers on codes and completions p50/p99/max once it is checked
//! (one character into a code; X12: after `ABK:` in an HI composite; HL7: in DG1-3; what comes
//! back is counted, an empty list is no failure), a one-character `didChange` → diagnostics with and without the
//! debounce, and the server's RSS with the document open.

use std::path::Path;

use serde_json::{Value, json};

use crate::bench::{markdown, position, round, rows_of, str_of, summary};
use crate::corpus::{self, Rng};
use crate::lsp_client::{Server, file_uri};
use crate::stats::ms;
use crate::{hl7_corpus, x12_corpus};

/// How many requests of each kind and edits: smoke or full.
pub struct Counts {
    pub requests: usize,
    pub edits: usize,
    pub debounced_edits: usize,
}

/// The hovers sent right after `didOpen`.
const EARLY_HOVERS: usize = 20;

/// One document of the measurement and where its codes are.
struct Document {
    name: &'static str,
    file: String,
    language: &'static str,
    text: String,
    /// (line, character) of a code's first character, for hovers.
    hovers: Vec<(usize, usize)>,
    /// (line, character) where a completion is asked for.
    completions: Vec<(usize, usize)>,
    /// (line, character) at the end of a line near the middle, for the edits.
    edit_at: (usize, usize),
}

/// The LSP's lines: split at `\r\n`, `\r` or `\n` (HL7's segments end at `\r`).
fn lsp_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
    }
    lines.push(rest);
    lines
}

/// Finds the codes of a document: `code_at` gives, for one line, the byte columns where a code
/// starts (all ASCII: byte columns are UTF-16 ones).
fn locate(
    text: &str,
    code_at: impl Fn(&str) -> Vec<usize>,
) -> (Vec<(usize, usize)>, (usize, usize)) {
    let lines = lsp_lines(text);
    let mut codes = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        codes.extend(code_at(line).into_iter().map(|column| (number, column)));
    }
    // The middle line with some text on it, at its end.
    let middle = (lines.len() / 2..lines.len()).find(|&n| !lines[n].is_empty()).unwrap_or(0);
    (codes, (middle, lines[middle].len()))
}

fn documents(claim_lines: usize, megabytes: f64) -> Vec<Document> {
    let bytes = (megabytes * 1e6) as usize;
    let claims = corpus::generate(claim_lines, corpus::DEFAULT_SEED).text;
    let x12 =
        x12_corpus::generate(bytes, x12_corpus::Kind::Professional, corpus::DEFAULT_SEED).text;
    let one_line = x12.replace('\n', "");
    let hl7 = hl7_corpus::generate(bytes, corpus::DEFAULT_SEED).text;
    let claim_codes = |line: &str| -> Vec<usize> {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["dx", _, code, ..] => line.rfind(code).into_iter().collect(),
            _ => Vec::new(),
        }
    };
    // After the qualifier of an HI composite: `ABK:` (the principal), `ABF:` (the others).
    let x12_codes = |line: &str| -> Vec<usize> {
        let mut at = Vec::new();
        for qualifier in ["ABK:", "ABF:"] {
            at.extend(line.match_indices(qualifier).map(|(start, _)| start + qualifier.len()));
        }
        at.sort_unstable();
        at
    };
    let dg1_code = |line: &str| -> Vec<usize> {
        if !line.starts_with("DG1|") {
            return Vec::new();
        }
        line.match_indices('|').nth(2).map(|(at, _)| at + 1).into_iter().collect()
    };
    let make = |name, file: &str, language, text: String, code_at: &dyn Fn(&str) -> Vec<usize>| {
        let (hovers, edit_at) = locate(&text, code_at);
        // A completion one character into the code, as when a coder has typed its first letter
        // (at the start, with nothing typed, X12 and HL7 completion offer no codes).
        let completions = hovers.iter().map(|&(line, column)| (line, column + 1)).collect();
        let hovers = hovers.iter().map(|&(line, column)| (line, column + 1)).collect();
        Document { name, file: file.to_string(), language, text, hovers, completions, edit_at }
    };
    vec![
        make("claim language", "editor.claims", "claim", claims, &claim_codes),
        make("837P, one segment a line", "editor.837", "x12", x12, &x12_codes),
        make("837P, all on one line", "editor-one-line.837", "x12", one_line, &x12_codes),
        make("HL7 v2 OML^O21", "editor.hl7", "hl7", hl7, &dg1_code),
    ]
}

pub fn measure(
    binary: &Path,
    dir: &Path,
    claim_lines: usize,
    megabytes: f64,
    counts: &Counts,
) -> Result<Value, String> {
    let mut rows = Vec::new();
    for document in documents(claim_lines, megabytes) {
        let path = dir.join(&document.file);
        std::fs::write(&path, &document.text).map_err(|e| format!("{}: {e}", path.display()))?;
        let row = one(binary, &path, &document, counts)
            .map_err(|e| format!("editor latency, {}: {e}", document.name))?;
        rows.push(row);
    }
    Ok(json!(rows))
}

fn one(binary: &Path, path: &Path, document: &Document, counts: &Counts) -> Result<Value, String> {
    if document.hovers.is_empty() {
        return Err("no code to hover on".to_string());
    }
    let uri = file_uri(path);
    let root_uri = file_uri(path.parent().unwrap_or(path));
    let mut rng = Rng::new(17);
    let mut server = Server::spawn(binary, &[("CLAIMLS_DEBOUNCE_MS", "0")])?;
    let spawned = server.spawned;
    server.initialize(&root_uri)?;
    let opened = server.send_open(&uri, document.language, &document.text)?;
    // The first hovers, while the document is still being checked.
    let mut diagnostics = None;
    let mut early = Vec::new();
    for _ in 0..EARLY_HOVERS {
        let (line, character) = *rng.pick(&document.hovers);
        let (_, time) = server.request_noting(
            "textDocument/hover",
            position(&uri, line, character),
            (&uri, 1),
            &mut diagnostics,
        )?;
        early.push(ms(time));
    }
    let early_before_diagnostics = diagnostics.is_none();
    let arrived = match diagnostics {
        Some(arrived) => arrived,
        None => server.diagnostics(&uri, 1)?.0,
    };
    let (mut hover, mut completion) = (Vec::new(), Vec::new());
    let (mut hover_answers, mut completion_items) = (0, 0);
    for _ in 0..counts.requests {
        let (line, character) = *rng.pick(&document.hovers);
        let (result, time) =
            server.request("textDocument/hover", position(&uri, line, character))?;
        hover_answers += usize::from(!result.is_null());
        hover.push(ms(time));
        let (line, character) = *rng.pick(&document.completions);
        let (result, time) =
            server.request("textDocument/completion", position(&uri, line, character))?;
        completion_items += items(&result);
        completion.push(ms(time));
    }
    let edits = edit_times(&mut server, &uri, document.edit_at, counts.edits)?;
    let (rss, peak) = server.memory()?;
    server.stop()?;

    let mut server = Server::spawn(binary, &[])?;
    server.initialize(&root_uri)?;
    server.send_open(&uri, document.language, &document.text)?;
    server.diagnostics(&uri, 1)?;
    let debounced = edit_times(&mut server, &uri, document.edit_at, counts.debounced_edits)?;
    server.stop()?;
    eprintln!(
        "editor {}: first diagnostics {:.0} ms, hover p50 {:.2} ms, edit p50 {:.1} ms, RSS {rss:.0} MB",
        document.name,
        ms(arrived - spawned),
        crate::stats::median(&hover),
        crate::stats::median(&edits),
    );
    Ok(json!({
        "document": document.name,
        "mb": round(document.text.len() as f64 / 1e6, 2),
        "lines": lsp_lines(&document.text).len(),
        "spawn_to_first_diagnostics_ms": round(ms(arrived - spawned), 1),
        "open_to_diagnostics_ms": round(ms(arrived - opened), 1),
        "early_hovers_ms": summary(&early),
        "early_hovers_all_before_diagnostics": early_before_diagnostics,
        "hover_ms": summary(&hover),
        "hover_answered": round(hover_answers as f64 / counts.requests as f64, 2),
        "completion_ms": summary(&completion),
        "completion_items_mean": round(completion_items as f64 / counts.requests as f64, 1),
        "edit_to_diagnostics_no_debounce_ms": summary(&edits),
        "edit_to_diagnostics_with_debounce_ms": summary(&debounced),
        "rss_mb": round(rss, 1),
        "peak_rss_mb": round(peak, 1),
    }))
}

fn items(result: &Value) -> usize {
    match result {
        Value::Array(items) => items.len(),
        _ => result["items"].as_array().map_or(0, Vec::len),
    }
}

/// One-character edits at `(line, end)`: type a character, delete it, …; each timed from the
/// `didChange` write to the diagnostics of that version.
pub fn edit_times(
    server: &mut Server,
    uri: &str,
    (line, end): (usize, usize),
    count: usize,
) -> Result<Vec<f64>, String> {
    let mut times = Vec::with_capacity(count);
    for n in 0..count {
        let version = 2 + n as i64;
        let (to, text) = if n % 2 == 0 { (end, "x") } else { (end + 1, "") };
        let change = json!({
            "range": {
                "start": { "line": line, "character": end },
                "end": { "line": line, "character": to },
            },
            "text": text,
        });
        let params = json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] });
        let started = server.notify("textDocument/didChange", params)?;
        let (arrived, _) = server.diagnostics(uri, version)?;
        times.push(ms(arrived - started));
    }
    Ok(times)
}

/// The table of [`measure`]'s results, in Markdown.
pub fn table(editor: &Value) -> String {
    let mut out = String::from(
        "\neditor latency over stdio, every format (p50 / p99 / max, ms); the first 20 hovers \
         are sent right after didOpen\n",
    );
    let triple = |row: &Value, key: &str| {
        let at = |field: &str| row[key][field].as_f64().unwrap_or(f64::NAN);
        format!("{:.2} / {:.2} / {:.2}", at("p50"), at("p99"), at("max"))
    };
    let rows = rows_of(editor, |f, row| {
        vec![
            str_of(&row["document"]).to_string(),
            format!("{:.2}", f("mb")),
            format!("{:.0} ms", f("spawn_to_first_diagnostics_ms")),
            triple(row, "early_hovers_ms"),
            format!("{} ({:.0} % answered)", triple(row, "hover_ms"), f("hover_answered") * 100.0),
            format!("{} ({:.1} items)", triple(row, "completion_ms"), f("completion_items_mean")),
            triple(row, "edit_to_diagnostics_no_debounce_ms"),
            triple(row, "edit_to_diagnostics_with_debounce_ms"),
            format!("{:.0} MB", f("rss_mb")),
        ]
    });
    markdown(
        &mut out,
        &[
            "document",
            "MB",
            "spawn → diagnostics",
            "first 20 hovers",
            "hover",
            "completion",
            "edit → diagnostics",
            "with debounce",
            "RSS",
        ],
        &rows,
    );
    out
}
