//! `cargo xtask bench`: batch checking, start-up, the language server over real stdio and its
//! memory, side by side in one run; the other formats beside their peers (`formats.rs`,
//! `peers.rs`), adversarial scaling (`adversarial.rs`) and every format's editor latency
//! (`editor.rs`) as sections; tables on stdout, with the targets of issue #17 beside each
//! figure, and `target/bench/results.json`.
//!
//! Benchmarks are not tests: nothing here fails on a slow number. `--smoke` (what CI runs)
//! fails only when a field could not be measured, a peer did not run, or a rule does not fire
//! on the corpus.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use claimls_codes::CodeSets;
use serde_json::{Value, json};

use crate::corpus::{self, Corpus, DEFAULT_SEED, TODAY};
use crate::lsp_client::{Server, file_uri, proc_kib};
use crate::stats::{max, median, ms, percentile};
use crate::{adversarial, editor, formats};

#[derive(clap::Args)]
pub struct BenchArguments {
    /// The quick run CI makes: 1,000 lines, few iterations; fails if a field is missing from
    /// results.json or a rule does not fire on the corpus (never on a timing).
    #[arg(long)]
    smoke: bool,
    /// The corpus seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Measure this claimls binary instead of building `target/release/claimls`.
    #[arg(long)]
    binary: Option<PathBuf>,
    /// Skip the Spark throughput (`xtask/src/spark.rs`).
    #[arg(long)]
    no_spark: bool,
    /// Measure only this section (its table on stdout, its results in
    /// `target/bench/results-<section>.json`; `results.json` is left as it is).
    #[arg(long, value_enum)]
    only: Option<Only>,
}

/// A section [`BenchArguments::only`] can run alone.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Only {
    /// Editor latency over stdio for every format (`editor.rs`).
    Editor,
    /// Adversarial scaling (`adversarial.rs`): its table only (the files stay in
    /// `target/bench/corpus`).
    Adversarial,
}

/// How much to measure.
struct Plan {
    /// Corpus sizes for the batch check.
    sizes: Vec<usize>,
    /// The document of the latency measurements; the memory one is ten times larger.
    document_lines: usize,
    startups: usize,
    requests: usize,
    edits: usize,
    debounced_edits: usize,
    /// The other formats' editor documents, in MB (the claim document is `document_lines`).
    editor_mb: f64,
}

impl Plan {
    fn new(smoke: bool) -> Plan {
        if smoke {
            Plan {
                sizes: vec![1_000],
                document_lines: 1_000,
                startups: 2,
                requests: 10,
                edits: 4,
                debounced_edits: 2,
                editor_mb: 0.05,
            }
        } else {
            Plan {
                sizes: vec![1_000, 10_000, 100_000, 1_000_000],
                document_lines: 10_000,
                startups: 15,
                requests: 400,
                edits: 60,
                debounced_edits: 20,
                editor_mb: 1.0,
            }
        }
    }

    fn check_runs(&self, lines: usize) -> usize {
        match lines {
            _ if self.sizes.len() == 1 => 2,
            0..=10_000 => 11,
            10_001..=100_000 => 7,
            _ => 3,
        }
    }
}

/// One measurement of [`run`]: its key in results.json, its results, and its table.
type Section = (&'static str, Value, fn(&Value) -> String);

/// The default debounce of the server (`server/claimls/src/lsp/state.rs`).
const DEFAULT_DEBOUNCE_MS: u64 = 150;

pub fn run(arguments: &BenchArguments) -> Result<(), String> {
    let root = workspace_root();
    let plan = Plan::new(arguments.smoke);
    let out_dir = target_dir(&root).join("bench");
    let corpus_dir = out_dir.join("corpus");
    std::fs::create_dir_all(&corpus_dir).map_err(|e| format!("{}: {e}", corpus_dir.display()))?;
    let binary = match &arguments.binary {
        Some(binary) => binary.clone(),
        None => build_claimls(&root)?,
    };
    let machine = machine();
    eprintln!("machine: {}", machine_line(&machine));
    let editor_counts = crate::editor::Counts {
        requests: plan.requests / 2,
        edits: plan.edits / 2,
        debounced_edits: plan.debounced_edits / 2,
    };
    if let Some(Only::Adversarial) = arguments.only {
        let adversarial = adversarial::measure(&binary, &corpus_dir, TODAY, arguments.smoke)?;
        print!("{}", adversarial::table(&adversarial));
        return Ok(());
    }
    if let Some(Only::Editor) = arguments.only {
        std::fs::write(corpus_dir.join("claimls.toml"), corpus::config_toml())
            .map_err(|e| e.to_string())?;
        let editor = editor::measure(
            &binary,
            &corpus_dir,
            plan.document_lines,
            plan.editor_mb,
            &editor_counts,
        )?;
        let results = json!({ "command": "cargo xtask bench --only editor", "machine": machine, "editor": editor });
        let path = out_dir.join("results-editor.json");
        let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        print!("{}", editor::table(&results["editor"]));
        eprintln!("wrote {}", path.display());
        return Ok(());
    }

    // The corpus: every size of the batch check and both documents of the server.
    std::fs::write(corpus_dir.join("claimls.toml"), corpus::config_toml())
        .map_err(|e| e.to_string())?;
    let mut wanted = plan.sizes.clone();
    wanted.extend([plan.document_lines, plan.document_lines * 10]);
    wanted.sort_unstable();
    wanted.dedup();
    let mut files: BTreeMap<usize, (PathBuf, Corpus)> = BTreeMap::new();
    for &lines in &wanted {
        let started = Instant::now();
        let corpus = corpus::generate(lines, arguments.seed);
        let path = corpus_dir.join(format!("claims-{lines}.claims"));
        std::fs::write(&path, &corpus.text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("corpus: {} ({:.1} s)", path.display(), started.elapsed().as_secs_f64());
        files.insert(lines, (path, corpus));
    }

    let smallest = &files[&wanted[0]];
    let rules = verify_rules(&binary, &smallest.0, &smallest.1)?;
    eprintln!("every rule fires on {} as seeded", smallest.0.display());

    let check = batch_check(&binary, &plan, &files)?;
    let startup = startup(&binary, &root, &plan)?;
    let document = &files[&plan.document_lines];
    let lsp = latency(&binary, &plan, &document.0, &document.1.text)?;
    let mut memory = Vec::new();
    for lines in [plan.document_lines, plan.document_lines * 10] {
        memory.push(memory_with(&binary, &files[&lines].0, &files[&lines].1.text)?);
    }
    let peers = crate::peers::install(&root, &out_dir.join("peers"));
    for peer in &peers {
        if let Some(why) = peer.missing() {
            eprintln!("peer {}: not installed ({why})", peer.name);
        }
    }
    let (smoke, dir) = (arguments.smoke, &corpus_dir);
    // The other measurements: each is a key of results.json and a table (one line each).
    let sections: Vec<Section> = vec![
        ("formats", formats::measure(&binary, dir, &peers, TODAY, smoke)?, formats::table),
        ("adversarial", adversarial::measure(&binary, dir, TODAY, smoke)?, adversarial::table),
        (
            "editor",
            editor::measure(&binary, dir, plan.document_lines, plan.editor_mb, &editor_counts)?,
            editor::table,
        ),
    ];

    let corpus_json: Vec<Value> = files
        .iter()
        .map(|(lines, (path, corpus))| {
            json!({
                "lines": lines,
                "bytes": corpus.text.len(),
                "blocks": corpus.blocks,
                "seeded_mistakes": corpus.seeded_total(),
                "cpt_codes": corpus.cpt_codes,
                "path": path.strip_prefix(&root).unwrap_or(path).display().to_string(),
            })
        })
        .collect();
    let mut results = json!({
        "command": if arguments.smoke { "cargo xtask bench --smoke" } else { "cargo xtask bench" },
        "smoke": arguments.smoke,
        "seed": arguments.seed,
        "today": TODAY,
        "machine": machine,
        "corpus": corpus_json,
        "rules_fired": rules,
        "check": check,
        "startup": startup,
        "lsp": lsp,
        "memory": memory,
        "peers": peers.iter().map(crate::peers::Peer::json).collect::<Vec<_>>(),
    });
    for (name, value, _) in &sections {
        results[*name] = value.clone();
    }
    crate::spark::add(&mut results, &binary, &corpus_dir, arguments.smoke, arguments.no_spark)?;
    results["targets"] = targets(&results);

    let path = out_dir.join("results.json");
    let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{}", table(&results));
    for (name, _, table) in &sections {
        print!("{}", table(&results[*name]));
    }
    print!("{}", targets_table(&results["targets"]));
    eprintln!("wrote {}", path.display());
    // Read it back: what CI looks at is the file.
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    missing_fields(&written)
}

// ----- set-up -----

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn build_claimls(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building: cargo build --release -p claimls");
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "claimls"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p claimls failed".to_string());
    }
    Ok(target_dir(root).join("release").join("claimls"))
}

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kib = proc_kib(&meminfo, "MemTotal:").unwrap_or(0.0);
    let command_output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    json!({
        "cores": std::thread::available_parallelism().map_or(0, usize::from),
        "load_average_at_start": load.split_whitespace().next().and_then(|l| l.parse::<f64>().ok()),
        "cpu": cpu,
        "ram_gib": (ram_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "os": std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|release| format!("Linux {}", release.trim()))
            .unwrap_or_else(|_| std::env::consts::OS.to_string()),
        "rustc": command_output("rustc", &["--version"]),
        "commit": command_output("git", &["rev-parse", "--short", "HEAD"]),
    })
}

fn machine_line(machine: &Value) -> String {
    format!(
        "{} cores, {}, {} GiB RAM, {}; load average {} at the start",
        machine["cores"],
        str_of(&machine["cpu"]),
        machine["ram_gib"],
        str_of(&machine["os"]),
        machine["load_average_at_start"],
    )
}

pub(crate) fn str_of(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

// ----- the corpus -----

/// Runs `claimls check --format json` on the corpus: every rule must fire, each as many times
/// as the generator seeded it. Returns the counts.
fn verify_rules(binary: &Path, path: &Path, corpus: &Corpus) -> Result<Value, String> {
    let output = Command::new(binary)
        .args(["check", "--format", "json", "--today", TODAY])
        .arg(path)
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let diagnostics: Vec<Value> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("claimls check --format json: {e}"))?;
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for diagnostic in &diagnostics {
        *found.entry(str_of(&diagnostic["code"]).to_string()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> =
        corpus.expected().into_iter().map(|(rule, n)| (rule.to_string(), n)).collect();
    let silent: Vec<&str> = claimls_analysis::rules::RULES
        .iter()
        .map(|rule| rule.id)
        .filter(|id| !found.contains_key(*id) && !corpus::EDITOR_ONLY_RULES.contains(id))
        .filter(|id| !claimls_analysis::rules::is_other_format_rule(id))
        .collect();
    if !silent.is_empty() {
        return Err(format!("rules that do not fire on {}: {silent:?}", path.display()));
    }
    if found != expected {
        return Err(format!(
            "{}: diagnostics by rule differ from the seeded mistakes:\n  found    {found:?}\n  \
             expected {expected:?}",
            path.display()
        ));
    }
    Ok(json!(found))
}

// ----- batch check -----

/// Wall time of a command run to its end, its output thrown away, and its exit code (`None`
/// when a signal ended it).
pub(crate) fn run_quiet(command: &mut Command) -> Result<(Duration, Option<i32>), String> {
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{command:?}: {e}"))?;
    Ok((started.elapsed(), status.code()))
}

/// Wall time of a command run to its end, stdout thrown away.
fn time_command(command: &mut Command) -> Result<Duration, String> {
    let (elapsed, code) = run_quiet(command)?;
    // `check` exits 1 on the seeded errors; 2 is a failure of the command itself.
    if code.is_none_or(|code| code > 1) {
        return Err(format!("{command:?} failed with exit code {code:?}"));
    }
    Ok(elapsed)
}

fn batch_check(
    binary: &Path,
    plan: &Plan,
    files: &BTreeMap<usize, (PathBuf, Corpus)>,
) -> Result<Value, String> {
    let mut rows = Vec::new();
    for &lines in &plan.sizes {
        let (path, corpus) = &files[&lines];
        let check = || {
            let mut command = Command::new(binary);
            command.args(["check", "--today", TODAY]).arg(path);
            command
        };
        let wc = || {
            let mut command = Command::new("wc");
            command.arg("-l").arg(path);
            command
        };
        // One untimed run of each: the file is in the page cache for both.
        time_command(&mut wc())?;
        time_command(&mut check())?;
        let (mut check_ms, mut wc_ms) = (Vec::new(), Vec::new());
        for _ in 0..plan.check_runs(lines) {
            wc_ms.push(ms(time_command(&mut wc())?));
            check_ms.push(ms(time_command(&mut check())?));
        }
        let (check_ms, wc_ms) = (median(&check_ms), median(&wc_ms));
        let seconds = check_ms / 1000.0;
        let mb = corpus.text.len() as f64 / 1e6;
        eprintln!("check {lines} lines: {check_ms:.1} ms (wc -l {wc_ms:.1} ms)");
        rows.push(json!({
            "lines": lines,
            "mb": round(mb, 3),
            "runs": plan.check_runs(lines),
            "check_ms": round(check_ms, 2),
            "lines_per_s": (lines as f64 / seconds).round(),
            "mb_per_s": round(mb / seconds, 1),
            "wc_ms": round(wc_ms, 2),
            "ratio_to_wc": round(check_ms / wc_ms, 1),
            "ns_per_line": (check_ms * 1e6 / lines as f64).round(),
        }));
    }
    // Growth: the exponent between successive sizes (1 is linear), and a straight-line fit
    // time = fixed + per_line × lines.
    let points: Vec<(f64, f64)> = rows
        .iter()
        .map(|row| (row["lines"].as_f64().unwrap_or(0.0), row["check_ms"].as_f64().unwrap_or(0.0)))
        .collect();
    let exponents: Vec<Value> = points
        .windows(2)
        .map(|pair| {
            let ((n1, t1), (n2, t2)) = (pair[0], pair[1]);
            json!({ "from": n1, "to": n2, "exponent": round((t2 / t1).ln() / (n2 / n1).ln(), 2) })
        })
        .collect();
    let (fixed_ms, per_line_ns) = linear_fit(&points);
    Ok(json!({
        "command": format!("claimls check --today {TODAY} FILE > /dev/null"),
        "sizes": rows,
        "growth": {
            "exponents": exponents,
            "fixed_ms": round(fixed_ms, 1),
            "per_line_ns": round(per_line_ns * 1e6, 0),
        },
    }))
}

/// Least squares `y = a + b x`: `(a, b)`; with one point, the line through the origin.
fn linear_fit(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    if points.len() < 2 {
        return points.first().map_or((0.0, 0.0), |&(x, y)| (0.0, y / x));
    }
    let (sx, sy) = points.iter().fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
    let (mx, my) = (sx / n, sy / n);
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    let b = sxy / sxx;
    (my - b * mx, b)
}

pub(crate) fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

// ----- start-up -----

fn startup(binary: &Path, root: &Path, plan: &Plan) -> Result<Value, String> {
    let small = root.join("examples/clean/office-visits.claims");
    let text = std::fs::read_to_string(&small).map_err(|e| format!("{}: {e}", small.display()))?;
    let uri = file_uri(&small);
    let root_uri = file_uri(root);
    let (mut initialize, mut first, mut peak_open, mut peak_words) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..plan.startups {
        let mut server = Server::spawn(binary, &[])?;
        initialize.push(ms(server.initialize(&root_uri)?));
        let (_, arrived) = server.open(&uri, &text)?;
        first.push(ms(arrived - server.spawned));
        peak_open.push(server.memory()?.1);
        wait_for_word_index(&mut server)?;
        peak_words.push(server.memory()?.1);
        server.stop()?;
    }
    let index_load = repeat(if plan.startups > 2 { 15 } else { 2 }, || {
        CodeSets::load_uncached_for_benchmark();
    });
    let sets = CodeSets::bundled();
    let word_index = repeat(if plan.startups > 2 { 5 } else { 1 }, || {
        sets.build_word_index_for_benchmark();
    });
    eprintln!(
        "start-up: initialize {:.1} ms, first diagnostics {:.1} ms",
        median(&initialize),
        median(&first)
    );
    Ok(json!({
        "runs": plan.startups,
        "small_file": "examples/clean/office-visits.claims",
        "initialize_ms": summary(&initialize),
        "first_diagnostics_ms": summary(&first),
        "index_load_ms": round(median(&index_load), 2),
        "word_index_build_ms": round(median(&word_index), 1),
        "peak_rss_mb_small_file_open": round(median(&peak_open), 1),
        "peak_rss_mb_after_word_search": round(median(&peak_words), 1),
    }))
}

/// A word search (`claimls/searchCodes`), which waits for the word index the server starts
/// building at `initialize`.
fn wait_for_word_index(server: &mut Server) -> Result<(), String> {
    server.request("claimls/searchCodes", json!({ "query": "diabetes" })).map(drop)
}

/// Milliseconds of `runs` calls of `f`.
fn repeat(runs: usize, mut f: impl FnMut()) -> Vec<f64> {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            ms(started.elapsed())
        })
        .collect()
}

pub(crate) fn summary(samples: &[f64]) -> Value {
    json!({
        "n": samples.len(),
        "p50": round(median(samples), 2),
        "p99": round(percentile(samples, 99.0), 2),
        "max": round(max(samples), 2),
    })
}

pub(crate) fn position(uri: &str, line: usize, character: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

// ----- the server over stdio -----

/// Lines a user is typing, put in the middle of the document for the word completions: the
/// query is the text between the code's column and the cursor.
const TYPING: &[&str] = &[
    "  dx E  type 2 diabetes hyperglycemia",
    "  dx F  essential hypertension",
    "  dx G  fracture neck femur",
    "  dx H  chronic kidney disease stage 3",
    "  dx I  acute upper respiratory infection",
    "  dx J  low back pain",
    "  line 2026-03-02  insulin injection",
    "  line 2026-03-02  influenza vaccine",
];

/// The document with a block of half-typed lines in the middle, and where things are in it.
struct Document {
    text: String,
    lines: usize,
    /// Start of each code of a `dx`, `line` or `test` statement: (line, column, code length).
    codes: Vec<(usize, usize, usize)>,
    /// Cursor positions in the typed words: (line, column).
    words: Vec<(usize, usize)>,
    /// A comment line near the middle, for the edits: (line, its length).
    comment: (usize, usize),
}

fn document(text: &str) -> Document {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let middle = lines.len() / 2;
    let at = (middle..lines.len()).find(|&i| lines[i].is_empty()).unwrap_or(lines.len());
    let mut block = vec![
        "claim TYPING-1".to_string(),
        "  patient   \"Doe, Jane\"  dob 1980-04-12  sex F".to_string(),
        "  billing   npi 1234567893".to_string(),
    ];
    block.extend(TYPING.iter().map(|line| line.to_string()));
    block.extend(["end".to_string(), String::new()]);
    let typed_from = at + 3;
    lines.splice(at + 1..at + 1, block);
    let mut document = Document {
        text: lines.join("\n") + "\n",
        lines: lines.len(),
        codes: Vec::new(),
        words: Vec::new(),
        comment: (0, 0),
    };
    for (number, line) in lines.iter().enumerate() {
        if (typed_from..typed_from + TYPING.len()).contains(&number) {
            // The query starts at the third word (`dx E  type…`, `line 2026-03-02  insulin…`);
            // one character is a code prefix (`t` could be `T14`), two start a title search.
            let column = third_word(line);
            document.words.extend((column + 2..=line.len()).map(|c| (number, c)));
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let code = match words.as_slice() {
            ["dx", _, code, ..] | ["line", _, code, ..] | ["test", code, ..] => Some(*code),
            _ => None,
        };
        if let Some(code) = code {
            let start = line.find(&format!(" {code}")).map_or(0, |c| c + 1);
            let length = code.split('-').next().unwrap_or(code).len();
            document.codes.push((number, start, length));
        }
        if line.starts_with("# ") && number >= middle && document.comment.1 == 0 {
            document.comment = (number, line.len());
        }
    }
    document
}

/// The byte column where the third word of `line` starts.
fn third_word(line: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for (at, c) in line.char_indices() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words == 3 {
                return at;
            }
        }
    }
    line.len()
}

/// Hover, completion and the floor (the same request on a document that is not open), then
/// edits: debounce excluded (`CLAIMLS_DEBOUNCE_MS=0`) and included (the default).
fn latency(binary: &Path, plan: &Plan, path: &Path, text: &str) -> Result<Value, String> {
    let document = document(text);
    let uri = file_uri(path);
    let closed = file_uri(&path.with_file_name("not-open.claims"));
    let root_uri = file_uri(path.parent().unwrap_or(path));
    let mut server = Server::spawn(binary, &[("CLAIMLS_DEBOUNCE_MS", "0")])?;
    server.initialize(&root_uri)?;
    let (open_ms, _) = server.open(&uri, &document.text)?;
    let mut rng = corpus::Rng::new(99);
    // Warm up: the word index (the server builds it on a thread of its own from `initialize`
    // on; the first word search waits for it), the caches, the allocator.
    wait_for_word_index(&mut server)?;
    for _ in 0..5 {
        let (line, column, _) = *rng.pick(&document.codes);
        server.request("textDocument/hover", position(&uri, line, column + 1))?;
    }
    let (mut floor, mut hover, mut prefix, mut words) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut prefix_items = 0;
    let mut word_items = 0;
    for _ in 0..plan.requests {
        let (line, column, _) = *rng.pick(&document.codes);
        let (_, time) =
            server.request("textDocument/hover", position(&closed, line, column + 1))?;
        floor.push(ms(time));
        let (result, time) =
            server.request("textDocument/hover", position(&uri, line, column + 1))?;
        if result.is_null() {
            return Err(format!("no hover at {line}:{}", column + 1));
        }
        hover.push(ms(time));
        let (line, column, length) = *rng.pick(&document.codes);
        let typed = 1 + rng.below(length);
        let (result, time) =
            server.request("textDocument/completion", position(&uri, line, column + typed))?;
        prefix_items += result["items"].as_array().map_or(0, Vec::len);
        prefix.push(ms(time));
        let (line, column) = *rng.pick(&document.words);
        let (result, time) =
            server.request("textDocument/completion", position(&uri, line, column))?;
        word_items += result["items"].as_array().map_or(0, Vec::len);
        words.push(ms(time));
    }
    let edits = edit_times(&mut server, &uri, &document, plan.edits)?;
    server.stop()?;

    let mut server = Server::spawn(binary, &[])?;
    server.initialize(&root_uri)?;
    server.open(&uri, &document.text)?;
    let debounced = edit_times(&mut server, &uri, &document, plan.debounced_edits)?;
    server.stop()?;
    eprintln!(
        "lsp: hover p50 {:.2} ms, completion p50 {:.2}/{:.2} ms, edit p50 {:.1} ms",
        median(&hover),
        median(&prefix),
        median(&words),
        median(&edits)
    );
    let floor_p50 = median(&floor);
    Ok(json!({
        "document_lines": document.lines,
        "requests": plan.requests,
        "open_to_diagnostics_ms": round(ms(open_ms), 1),
        "floor_hover_closed_document_ms": summary(&floor),
        "hover_ms": summary(&hover),
        "hover_to_floor": round(median(&hover) / floor_p50, 1),
        "completion_prefix_ms": summary(&prefix),
        "completion_prefix_to_floor": round(median(&prefix) / floor_p50, 1),
        "completion_prefix_items_mean": round(prefix_items as f64 / plan.requests as f64, 1),
        "completion_words_ms": summary(&words),
        "completion_words_to_floor": round(median(&words) / floor_p50, 1),
        "completion_words_items_mean": round(word_items as f64 / plan.requests as f64, 1),
        "edit_to_diagnostics_no_debounce_ms": summary(&edits),
        "debounce_ms": DEFAULT_DEBOUNCE_MS,
        "edit_to_diagnostics_with_debounce_ms": summary(&debounced),
    }))
}

/// Single-character edits at the end of a comment line (type a character, delete it, …), each
/// timed from the `didChange` write to the diagnostics of that version.
fn edit_times(
    server: &mut Server,
    uri: &str,
    document: &Document,
    count: usize,
) -> Result<Vec<f64>, String> {
    crate::editor::edit_times(server, uri, document.comment, count)
}

/// The server's memory with one document open, after its diagnostics, a hover and a word
/// completion (the word index built).
fn memory_with(binary: &Path, path: &Path, text: &str) -> Result<Value, String> {
    let document = document(text);
    let uri = file_uri(path);
    let mut server = Server::spawn(binary, &[])?;
    server.initialize(&file_uri(path.parent().unwrap_or(path)))?;
    let (open, _) = server.open(&uri, &document.text)?;
    let (line, column, _) = document.codes[document.codes.len() / 2];
    let (_, hover) = server.request("textDocument/hover", position(&uri, line, column + 1))?;
    let (line, column) = document.words[3];
    server.request("textDocument/completion", position(&uri, line, column))?;
    let (rss, hwm) = server.memory()?;
    server.stop()?;
    eprintln!("memory with {} lines open: {rss:.1} MB (peak {hwm:.1})", document.lines);
    Ok(json!({
        "document_lines": document.lines,
        "open_to_diagnostics_ms": round(ms(open), 1),
        "hover_ms": round(ms(hover), 2),
        "rss_mb": round(rss, 1),
        "peak_rss_mb": round(hwm, 1),
    }))
}

// ----- targets -----

fn number(results: &Value, pointer: &str) -> f64 {
    results.pointer(pointer).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// Each target of issue #17 with the measured value: met or not, and how much room.
fn targets(results: &Value) -> Value {
    let last = |list: &str| {
        let length = results.pointer(list).and_then(Value::as_array).map_or(0, Vec::len);
        format!("{list}/{}", length.saturating_sub(1))
    };
    let largest = last("/check/sizes");
    let completion_p99 = number(results, "/lsp/completion_prefix_ms/p99")
        .max(number(results, "/lsp/completion_words_ms/p99"));
    let debounce = number(results, "/lsp/debounce_ms");
    let files = results["formats"]["files"].as_array().map_or(&[][..], Vec::as_slice);
    // The largest file of a format, or of the 8 MB files where they were made.
    let format_mb_per_s = |format: &str, mb: f64| {
        let of_format: Vec<&Value> = files.iter().filter(|f| f["format"] == format).collect();
        let at = of_format
            .iter()
            .find(|f| (f["mb"].as_f64().unwrap_or(0.0) - mb).abs() < mb * 0.2)
            .or(of_format.last());
        at.and_then(|f| f["mb_per_s"].as_f64()).unwrap_or(f64::NAN)
    };
    let peer_ratio = |peer: &str| {
        let rows = results["formats"]["peers"].as_array().map_or(&[][..], Vec::as_slice);
        let of_peer: Vec<&Value> = rows.iter().filter(|r| r["peer"] == peer).collect();
        let at = of_peer
            .iter()
            .find(|r| (r["mb"].as_f64().unwrap_or(0.0) - 8.0).abs() < 2.0)
            .or(of_peer.last());
        at.and_then(|r| r["claimls_faster"].as_f64()).unwrap_or(f64::NAN)
    };
    let mut list: Vec<(String, &str, f64, f64, &str)> = vec![
        (
            "claim language: check throughput, largest corpus".into(),
            "≥",
            3_000_000.0,
            number(results, &format!("{largest}/lines_per_s")),
            "lines/s",
        ),
        (
            "claim language: check / wc -l, largest corpus".into(),
            "≤",
            60.0,
            number(results, &format!("{largest}/ratio_to_wc")),
            "×",
        ),
        ("837P: check at 8 MB".into(), "≥", 50.0, format_mb_per_s("837P", 8.0), "MB/s"),
        ("837I: check at 8 MB".into(), "≥", 50.0, format_mb_per_s("837I", 8.0), "MB/s"),
        ("837P: faster than pyx12's validation".into(), "≥", 300.0, peer_ratio("pyx12"), "×"),
        (
            "837P: faster than x12-parser (no checks)".into(),
            "≥",
            1.0,
            peer_ratio("x12-parser"),
            "×",
        ),
        ("837P: faster than node-x12 (no checks)".into(), "≥", 1.0, peer_ratio("node-x12"), "×"),
        ("HL7: check at 10 MB".into(), "≥", 50.0, format_mb_per_s("HL7", 10.0), "MB/s"),
        (
            "claim language: first diagnostics after spawn (small file)".into(),
            "≤",
            150.0,
            number(results, "/startup/first_diagnostics_ms/p50"),
            "ms",
        ),
        ("claim language: hover p99".into(), "≤", 5.0, number(results, "/lsp/hover_ms/p99"), "ms"),
        ("claim language: completion p99".into(), "≤", 20.0, completion_p99, "ms"),
        (
            "claim language: edit → diagnostics p99, debounce included".into(),
            "≤",
            30.0 + debounce,
            number(results, "/lsp/edit_to_diagnostics_with_debounce_ms/p99"),
            "ms",
        ),
        (
            "claim language: RSS, large document open".into(),
            "≤",
            150.0,
            number(results, &format!("{}/rss_mb", last("/memory"))),
            "MB",
        ),
    ];
    for (at, document) in results["editor"].as_array().into_iter().flatten().enumerate() {
        let name = str_of(&document["document"]);
        let at = |field: &str| number(results, &format!("/editor/{at}/{field}"));
        let hover = at("hover_ms/p99").max(at("early_hovers_ms/p99"));
        list.extend([
            (format!("{name}: hover p99, first 20 included"), "≤", 5.0, hover, "ms"),
            (format!("{name}: completion p99"), "≤", 20.0, at("completion_ms/p99"), "ms"),
            (
                format!("{name}: edit → diagnostics p99, no debounce"),
                "≤",
                30.0,
                at("edit_to_diagnostics_no_debounce_ms/p99"),
                "ms",
            ),
            (
                format!("{name}: spawn → first diagnostics"),
                "≤",
                150.0,
                at("spawn_to_first_diagnostics_ms"),
                "ms",
            ),
            (format!("{name}: RSS, document open"), "≤", 150.0, at("rss_mb"), "MB"),
        ]);
    }
    let exponents = results["check"]["growth"]["exponents"]
        .as_array()
        .into_iter()
        .chain(results["formats"]["growth"].as_array())
        .flatten()
        .filter_map(|e| e["exponent"].as_f64())
        .fold(f64::NAN, f64::max);
    list.push(("growth exponent, worst pair of sizes".into(), "≤", 1.1, exponents, ""));
    for case in results["adversarial"]["cases"].as_array().into_iter().flatten() {
        let name = str_of(&case["case"]);
        // CPU time: one block is checked on one thread, and the wall time of a loaded machine
        // says more about the machine.
        let seconds = case["cpu_s"].as_f64().unwrap_or(f64::NAN);
        // The measure is per MB of the file; per MB of the file and of its report is
        // shown beside it: a 3 KB order with 10,240 Excludes1 pairs has a 6 MB report to make,
        // and its diagnostics are held until they are sorted.
        let rss_to_file = case["extra_rss_to_file"].as_f64().unwrap_or(f64::NAN);
        let rss = case["extra_rss_to_file_and_report"].as_f64().unwrap_or(f64::NAN);
        list.push((format!("adversarial, {name}: check, CPU time"), "≤", 1.0, seconds, "s"));
        list.push((
            format!("adversarial, {name}: RSS beyond the start-up's / file"),
            "≤",
            4.0,
            rss_to_file,
            "×",
        ));
        list.push((
            format!("adversarial, {name}: RSS beyond the start-up's / (file + report)"),
            "≤",
            4.0,
            rss,
            "×",
        ));
    }
    let rows: Vec<Value> = list
        .iter()
        .map(|(name, relation, target, measured, unit)| {
            let (target, measured) = (*target, *measured);
            let met = if *relation == "≥" { measured >= target } else { measured <= target };
            let room =
                if *relation == "≥" { measured / target } else { target / measured.max(1e-3) };
            json!({
                "target": name,
                "relation": relation,
                "limit": target,
                "measured": if measured.is_finite() { json!(round(measured, 2)) } else { Value::Null },
                "unit": unit,
                "met": met,
                "room": if room.is_finite() { json!(round(room, 2)) } else { Value::Null },
            })
        })
        .collect();
    json!(rows)
}

/// Every field the table reads must be a number (or a non-empty list of them).
fn missing_fields(results: &Value) -> Result<(), String> {
    let mut missing = Vec::new();
    let mut pointers: Vec<String> = [
        "/machine/cores",
        "/startup/initialize_ms/p50",
        "/startup/first_diagnostics_ms/p50",
        "/startup/index_load_ms",
        "/startup/word_index_build_ms",
        "/startup/peak_rss_mb_small_file_open",
        "/startup/peak_rss_mb_after_word_search",
        "/check/growth/fixed_ms",
        "/check/growth/per_line_ns",
        "/lsp/document_lines",
        "/lsp/open_to_diagnostics_ms",
        "/lsp/hover_to_floor",
        "/lsp/completion_prefix_to_floor",
        "/lsp/completion_words_to_floor",
        "/lsp/debounce_ms",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for summary in [
        "floor_hover_closed_document_ms",
        "hover_ms",
        "completion_prefix_ms",
        "completion_words_ms",
        "edit_to_diagnostics_no_debounce_ms",
        "edit_to_diagnostics_with_debounce_ms",
    ] {
        for field in ["p50", "p99", "max"] {
            pointers.push(format!("/lsp/{summary}/{field}"));
        }
    }
    for (list, fields) in [
        (
            "check/sizes",
            &[
                "lines",
                "mb",
                "check_ms",
                "lines_per_s",
                "mb_per_s",
                "wc_ms",
                "ratio_to_wc",
                "ns_per_line",
            ][..],
        ),
        ("memory", &["document_lines", "rss_mb", "peak_rss_mb", "open_to_diagnostics_ms"][..]),
        // A target whose figure is missing (a peer that failed on its file) shows "not measured".
        ("targets", &["limit"][..]),
        (
            "formats/files",
            &[
                "mb",
                "lines",
                "check_s",
                "cpu_s",
                "mb_per_s",
                "lines_per_s",
                "peak_rss_mb",
                "ratio_to_wc",
            ][..],
        ),
        ("formats/growth", &["exponent"][..]),
        (
            "adversarial/cases",
            &[
                "mb",
                "check_s",
                "cpu_s",
                "peak_rss_mb",
                "report_mb",
                "extra_rss_to_file",
                "extra_rss_to_file_and_report",
            ][..],
        ),
        (
            "editor",
            &[
                "spawn_to_first_diagnostics_ms",
                "early_hovers_ms/p99",
                "hover_ms/p50",
                "hover_ms/p99",
                "hover_ms/max",
                "completion_ms/p50",
                "completion_ms/p99",
                "completion_ms/max",
                "edit_to_diagnostics_no_debounce_ms/p99",
                "edit_to_diagnostics_with_debounce_ms/p99",
                "rss_mb",
            ][..],
        ),
    ] {
        let count =
            results.pointer(&format!("/{list}")).and_then(Value::as_array).map_or(0, Vec::len);
        if count == 0 {
            missing.push(format!("/{list} (empty)"));
        }
        for index in 0..count {
            pointers.extend(fields.iter().map(|field| format!("/{list}/{index}/{field}")));
        }
    }
    for pointer in &pointers {
        if !number(results, pointer).is_finite() {
            missing.push(pointer.clone());
        }
    }
    if results["rules_fired"].as_object().is_none_or(|rules| rules.len() < 20) {
        missing.push("/rules_fired".to_string());
    }
    // Every peer ran (or failed, which is reported) on some file of its format.
    for peer in results["peers"].as_array().into_iter().flatten() {
        let ran = results["formats"]["peers"]
            .as_array()
            .is_some_and(|rows| rows.iter().any(|row| row["peer"] == peer["name"]));
        if !ran {
            missing.push(format!(
                "/formats/peers: {} ({})",
                str_of(&peer["name"]),
                peer["not_installed_because"]
            ));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("results.json lacks: {}", missing.join(", ")))
    }
}

// ----- the table -----

pub(crate) fn thousands(n: f64) -> String {
    let digits = format!("{}", n.round() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One table row per element of a JSON list, made by `cells` from a reader of its numbers and
/// the element itself.
pub(crate) fn rows_of(
    list: &Value,
    cells: impl Fn(&dyn Fn(&str) -> f64, &Value) -> Vec<String>,
) -> Vec<Vec<String>> {
    let rows = list.as_array().map_or(&[][..], Vec::as_slice);
    rows.iter().map(|row| cells(&|key: &str| row[key].as_f64().unwrap_or(f64::NAN), row)).collect()
}

/// A markdown table: the first column left-aligned, the others right-aligned, each padded to
/// its widest cell so that it reads as well in a terminal as in the README.
pub(crate) fn markdown(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .chain([header[column].chars().count(), 3])
            .max()
            .unwrap_or(3)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |out: &mut String, cells: &[String]| {
        for (column, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[column] - cell.chars().count());
            let _ = if column == 0 {
                write!(out, "| {cell}{pad} ")
            } else {
                write!(out, "| {pad}{cell} ")
            };
        }
        out.push_str("|\n");
    };
    line(out, &header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(
            |(column, &w)| {
                if column == 0 { "-".repeat(w) } else { format!("{}:", "-".repeat(w - 1)) }
            },
        )
        .collect();
    line(out, &rule);
    for row in rows {
        line(out, row);
    }
}

fn table(results: &Value) -> String {
    let mut out = String::new();
    let n = |pointer: &str| number(results, pointer);
    let ms = |v: f64| format!("{v:.2} ms");
    let _ = writeln!(
        out,
        "claimls benchmark ({}), seed {}",
        str_of(&results["command"]),
        results["seed"]
    );
    let _ = writeln!(out, "machine: {}\n", machine_line(&results["machine"]));

    let _ = writeln!(
        out,
        "batch check: `{}`, median of the runs",
        str_of(&results["check"]["command"])
    );
    let rows = rows_of(&results["check"]["sizes"], |f, _| {
        vec![
            thousands(f("lines")),
            format!("{:.2}", f("mb")),
            format!("{:.1} ms", f("check_ms")),
            thousands(f("lines_per_s")),
            format!("{:.1}", f("mb_per_s")),
            format!("{:.1} ms", f("wc_ms")),
            format!("{:.1}×", f("ratio_to_wc")),
            thousands(f("ns_per_line")),
        ]
    });
    markdown(
        &mut out,
        &["lines", "MB", "check", "lines/s", "MB/s", "wc -l", "check / wc", "ns/line"],
        &rows,
    );
    let exponents: Vec<String> = results["check"]["growth"]["exponents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let size = |key: &str| thousands(e[key].as_f64().unwrap_or(0.0));
            format!("{}→{}: {}", size("from"), size("to"), e["exponent"])
        })
        .collect();
    let _ = writeln!(
        out,
        "growth: time ≈ {:.1} ms + {} ns × lines; exponent between sizes (1 = linear): {}\n",
        n("/check/growth/fixed_ms"),
        n("/check/growth/per_line_ns"),
        if exponents.is_empty() { "-".to_string() } else { exponents.join(", ") }
    );

    let _ = writeln!(
        out,
        "start-up, {} runs (small file: {})",
        results["startup"]["runs"],
        str_of(&results["startup"]["small_file"])
    );
    let summary_row = |what: &str, pointer: &str| {
        vec![what.to_string(), ms(n(&format!("{pointer}/p50"))), ms(n(&format!("{pointer}/max")))]
    };
    let single = |what: &str, value: String| vec![what.to_string(), value, String::new()];
    let rows = vec![
        summary_row("spawn → `initialize` answer", "/startup/initialize_ms"),
        summary_row("spawn → first diagnostics of the small file", "/startup/first_diagnostics_ms"),
        single("index load on its own (in process)", ms(n("/startup/index_load_ms"))),
        single("word index build (background thread)", ms(n("/startup/word_index_build_ms"))),
        single(
            "peak RSS, small file open",
            format!("{:.1} MB", n("/startup/peak_rss_mb_small_file_open")),
        ),
        single(
            "peak RSS, after the first word search",
            format!("{:.1} MB", n("/startup/peak_rss_mb_after_word_search")),
        ),
    ];
    markdown(&mut out, &["what", "median", "max"], &rows);

    let _ = writeln!(
        out,
        "\nlanguage server over stdio: {}-line document, {} requests of each kind; didOpen → \
         diagnostics {:.1} ms",
        thousands(n("/lsp/document_lines")),
        results["lsp"]["requests"],
        n("/lsp/open_to_diagnostics_ms")
    );
    let debounced_label =
        format!("didChange (1 character) → diagnostics, {} ms debounce", n("/lsp/debounce_ms"));
    let rows: Vec<Vec<String>> = [
        ("floor: hover on a document not open", "floor_hover_closed_document_ms", None),
        ("hover on a code", "hover_ms", Some("hover_to_floor")),
        (
            "completion, code prefix (`E11` of `E11.9`)",
            "completion_prefix_ms",
            Some("completion_prefix_to_floor"),
        ),
        (
            "completion, words of a title (`diabetes hyp`)",
            "completion_words_ms",
            Some("completion_words_to_floor"),
        ),
        (
            "didChange (1 character) → diagnostics, no debounce",
            "edit_to_diagnostics_no_debounce_ms",
            None,
        ),
        (debounced_label.as_str(), "edit_to_diagnostics_with_debounce_ms", None),
    ]
    .iter()
    .map(|&(what, key, ratio)| {
        let at = |field: &str| ms(n(&format!("/lsp/{key}/{field}")));
        let ratio = ratio.map_or(String::new(), |r| format!("{:.1}×", n(&format!("/lsp/{r}"))));
        vec![what.to_string(), at("p50"), at("p99"), at("max"), ratio]
    })
    .collect();
    markdown(&mut out, &["request", "p50", "p99", "max", "p50 / floor"], &rows);

    let _ = writeln!(
        out,
        "\nmemory: the server with one document open, after its diagnostics, a hover and a word search"
    );
    let rows = rows_of(&results["memory"], |f, _| {
        vec![
            thousands(f("document_lines")),
            format!("{:.1} MB", f("rss_mb")),
            format!("{:.1} MB", f("peak_rss_mb")),
            format!("{:.1} ms", f("open_to_diagnostics_ms")),
        ]
    });
    markdown(&mut out, &["lines", "RSS", "peak RSS", "didOpen → diagnostics"], &rows);

    out
}

/// The targets of issue #17 beside each measured figure: met or missed, and the room.
fn targets_table(targets: &Value) -> String {
    let mut out = String::from("\ntargets (issue #17; printed, never judged)\n");
    let rows: Vec<Vec<String>> = targets
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            let unit = str_of(&row["unit"]);
            let show = |v: &Value| {
                let v = v.as_f64().unwrap_or(f64::NAN);
                if unit == "lines/s" {
                    format!("{} {unit}", thousands(v))
                } else {
                    format!("{v:.1} {unit}")
                }
            };
            let room = row["room"].as_f64().unwrap_or(f64::NAN);
            let verdict = match (row["met"].as_bool(), str_of(&row["relation"])) {
                _ if !room.is_finite() => "not measured".to_string(),
                (Some(true), _) => format!("met, {room:.1}× room"),
                (_, "≥") => format!("missed: {:.0} % of it", room * 100.0),
                _ => format!(
                    "missed: {:.1}× over",
                    row["measured"].as_f64().unwrap_or(f64::NAN)
                        / row["limit"].as_f64().unwrap_or(f64::NAN)
                ),
            };
            vec![
                str_of(&row["target"]).to_string(),
                format!("{} {}", str_of(&row["relation"]), show(&row["limit"])),
                show(&row["measured"]),
                verdict,
            ]
        })
        .collect();
    markdown(&mut out, &["target", "limit", "measured", "verdict"], &rows);
    out
}
