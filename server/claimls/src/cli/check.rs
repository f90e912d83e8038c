//! `claimls check`: checks files and directories, prints diagnostics, and exits 0 (no error),
//! 1 (an error-severity diagnostic) or 2 (the command itself failed).

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use claimls_analysis::{Language, Severity};
use claimls_codes::{CodeSets, Date};

use super::output::{self, LineMap, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(clap::Args)]
pub struct CheckArguments {
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// The date to treat as today for "date of service in the future" (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// Files and directories to check.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|e| format!("`{text}`: {e}"))
}

/// Why a file could not be checked.
struct Failure {
    path: PathBuf,
    reason: String,
}

/// From this size on (about 10,000 lines) the line map is made on a thread of its own.
const LINE_MAP_THREAD_FROM_BYTES: usize = 256 << 10;

pub fn check(arguments: CheckArguments) -> ExitCode {
    // The code sets are indexed on another thread while the first file is read and parsed.
    std::thread::spawn(CodeSets::index_now);
    let mut failures = Vec::new();
    let files = collect_files(&arguments.paths, &mut failures);
    let style =
        Style { on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() };
    let mut code_sets: HashMap<Vec<PathBuf>, CodeSets> = HashMap::new();
    let mut reported_config_errors: HashSet<String> = HashSet::new();
    // Diagnostics per severity, indexed in `Severity`'s order: a hash per diagnostic (SipHash)
    // cost a tenth of printing it.
    let mut counts = [0usize; 4];
    // The JSON array is written as the pieces are checked, like the human output.
    let mut json_array = output::JsonArray::default();
    let mut checked_files = 0;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // One diagnostic's human-readable text; the buffer is reused.
    let mut block = String::new();

    for path in &files {
        let text = match read_text(path) {
            Ok(text) => text,
            Err(reason) => {
                failures.push(Failure { path: path.clone(), reason });
                continue;
            }
        };
        let (mut settings, config_errors) = crate::config_files::load_for_path(path);
        for error in config_errors {
            let line = error.to_string();
            if reported_config_errors.insert(line.clone()) {
                eprintln!("claimls: warning: {line}");
            }
        }
        if arguments.today.is_some() {
            settings.today = arguments.today;
        }
        let sets = code_sets.entry(settings.code_files.clone()).or_insert_with(|| {
            let (sets, errors) = CodeSets::with_user_files(&settings.code_files);
            for error in errors {
                eprintln!("claimls: warning: {error} (the bundled code sets are used)");
            }
            sets
        });
        checked_files += 1;
        let shown_path = path.display().to_string();
        // By its extension, else by its content (X12, HL7 v2 or the claim language).
        let language = Language::of_file(path, &text);
        std::thread::scope(|scope| {
            // The line map of a large file is made on another thread while its check starts
            // (parsing it, checking the first pieces): the first diagnostics need it, not the
            // check.
            let mut making = (text.len() >= LINE_MAP_THREAD_FROM_BYTES)
                .then(|| scope.spawn(|| LineMap::new(&text)));
            let mut made = None;
            // Printed a piece at a time, while the rest of a large file is checked.
            crate::analysis::check_text_each_piece(
                &text,
                language,
                sets,
                &settings,
                |diagnostics| {
                    let map = made.get_or_insert_with(|| match making.take() {
                        Some(thread) => {
                            thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                        }
                        None => LineMap::new(&text),
                    });
                    let map = &*map;
                    for diagnostic in &diagnostics {
                        counts[diagnostic.severity as usize] += 1;
                        match arguments.format {
                            Format::Human => {
                                block.clear();
                                output::human(&mut block, &shown_path, map, diagnostic, &style);
                                block.push('\n');
                                let _ = out.write_all(block.as_bytes());
                            }
                            Format::Json => {
                                let item = output::json(&shown_path, map, diagnostic);
                                let _ = json_array.push(&mut out, &item);
                            }
                        }
                    }
                },
            );
        });
    }

    match arguments.format {
        Format::Json => {
            let _ = json_array.finish(&mut out);
        }
        Format::Human => {
            let count = |s: Severity| counts[s as usize];
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            let _ = writeln!(
                out,
                "{}, {}, {}, {} in {}",
                plural(count(Severity::Error), "error"),
                plural(count(Severity::Warning), "warning"),
                plural(count(Severity::Info), "info"),
                plural(count(Severity::Hint), "hint"),
                plural(checked_files, "file"),
            );
        }
    }
    let _ = out.flush();
    drop(out);

    for failure in &failures {
        eprintln!("claimls: {}: {}", failure.path.display(), failure.reason);
    }
    if !failures.is_empty() {
        ExitCode::from(2)
    } else if counts[Severity::Error as usize] > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files to check: each path named, and each claim or order file below a named directory
/// (in name order). Symlink loops and unreadable directories become failures.
fn collect_files(paths: &[PathBuf], failures: &mut Vec<Failure>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut visited = HashSet::new();
                walk(path, &mut visited, &mut files, failures);
            }
            Ok(_) => files.push(path.clone()),
            Err(error) => {
                failures.push(Failure { path: path.clone(), reason: describe_io(&error) })
            }
        }
    }
    files
}

fn walk(
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<PathBuf>,
    failures: &mut Vec<Failure>,
) {
    let canonical = match dir.canonicalize() {
        Ok(canonical) => canonical,
        Err(error) => {
            failures.push(Failure { path: dir.to_path_buf(), reason: describe_io(&error) });
            return;
        }
    };
    if !visited.insert(canonical) {
        failures.push(Failure {
            path: dir.to_path_buf(),
            reason: "a symbolic link loops back to a directory already being checked".to_string(),
        });
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            failures.push(Failure { path: dir.to_path_buf(), reason: describe_io(&error) });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, visited, files, failures),
            Ok(meta) if meta.is_file() && is_claim_file(&path) => files.push(path),
            // A FIFO, socket or device: opening it could wait forever for a writer. (Named on
            // the command line it is read: `claimls check /dev/stdin` is meant.)
            Ok(_) if is_claim_file(&path) => failures.push(Failure {
                path,
                reason: "not a regular file (a FIFO, socket or device), so it is not read"
                    .to_string(),
            }),
            Ok(_) => {}
            Err(error) => {
                // A dangling link or a loop: only worth reporting for files we would check.
                if is_claim_file(&path) || path.is_symlink() && error.raw_os_error() == Some(40) {
                    failures.push(Failure { path, reason: describe_io(&error) });
                }
            }
        }
    }
}

/// Whether a file found in a directory is one to check, by its extension (any case): a claim,
/// X12 or HL7 file.
fn is_claim_file(path: &Path) -> bool {
    Language::from_extension(path).is_some()
}

/// The file's text, or a one-line reason it is not a claim file we can read. An empty file
/// (nothing but white space) is a failure too: a truncated export must not pass as clean.
fn read_text(path: &Path) -> Result<String, String> {
    text_of_bytes(std::fs::read(path).map_err(|e| describe_io(&e))?)
}

/// A file's bytes as text, or a one-line reason they are not a claim or order file (see
/// [`read_text`]); the Python package's Spark rows read files as bytes.
pub fn text_of_bytes(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err(
            "this is a binary file (it contains NUL bytes), not a claim or order file".to_string()
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count();
        format!("line {line} is not UTF-8 text; save the file as UTF-8 and check it again")
    })?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err("the file is empty: there is no claim or order in it to check".to_string());
    }
    Ok(text)
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied: the file cannot be read".to_string()
        }
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ if error.raw_os_error() == Some(40) => {
            "too many levels of symbolic links (a symlink loop)".to_string()
        }
        _ => format!("cannot be read: {error}"),
    }
}
