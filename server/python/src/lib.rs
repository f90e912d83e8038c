//! `claimls._claimls`: the native part of the Python package `claimls` (its Python side,
//! `python/claimls`, gives the documented signatures). Every check goes through the binary's
//! own modules: `claimls::analysis` calls the analysis and `claimls::cli::output` states the
//! JSON shape of `claimls check --format json`, so a diagnostic here is the CLI's, field for
//! field.
//!
//! The GIL is released while a text is checked (a Spark executor's Python threads, or a
//! thread pool, check files side by side); the bundled index is loaded once per process (the
//! codes crate keeps it in a static), and the code sets with a user's code files once per set
//! of files. Bad arguments raise `TypeError` (by PyO3) or `ValueError`; nothing is logged.

mod arrow;

use std::collections::HashMap;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use arrow::{Batches, Ints, StringLists, Strings};
use claimls::analysis;
use claimls::cli::output::{self, LineMap};
use claimls_analysis::config::{self, Config};
use claimls_analysis::model::Document;
use claimls_analysis::{Diagnostic, Language, Severity, Span};
use claimls_codes::{CodeSets, Date};
use pyo3::exceptions::{PyKeyError, PyOSError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// The settings of one call: `config` (the text of a `claimls.toml`; a bad one is a
/// `ValueError`) or else the defaults, with `today` on top.
fn settings(config_text: Option<&str>, today: Option<&str>) -> PyResult<Config> {
    let mut settings = match config_text {
        Some(text) => {
            let (settings, errors) = config::from_toml(text, "config", None);
            if !errors.is_empty() {
                let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(PyValueError::new_err(errors.join("; ")));
            }
            settings
        }
        None => Config::default(),
    };
    if let Some(today) = today {
        settings.today = Some(parse_date(today)?);
    }
    Ok(settings)
}

fn parse_date(text: &str) -> PyResult<Date> {
    Date::parse(text).map_err(|e| PyValueError::new_err(format!("today `{text}`: {e}")))
}

/// The language named by `format` (`claim`, `x12`, `hl7`), else the CLI's choice: by the
/// path's extension, else by the content.
fn language(format: Option<&str>, path: Option<&str>, text: &str) -> PyResult<Language> {
    match format {
        Some(id) => Language::from_id(id).ok_or_else(|| {
            let ids: Vec<&str> = claimls_analysis::LANGUAGES.iter().map(|l| l.1).collect();
            PyValueError::new_err(format!("unknown format `{id}`: it is one of {}", ids.join(", ")))
        }),
        None => Ok(match path {
            Some(path) => Language::of_file(Path::new(path), text),
            None => Language::from_content(text),
        }),
    }
}

/// The code sets for `settings` (the bundled ones plus its code files), made once per set of
/// files; a file that cannot be read is left out with a warning, as in the CLI.
fn code_sets(py: Python<'_>, settings: &Config) -> PyResult<CodeSets> {
    static SETS: Mutex<Option<HashMap<Vec<PathBuf>, CodeSets>>> = Mutex::new(None);
    if settings.code_files.is_empty() {
        return Ok(CodeSets::bundled());
    }
    let mut cache = SETS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(sets) = cache.get(&settings.code_files) {
        return Ok(sets.clone());
    }
    let (sets, errors) = CodeSets::with_user_files(&settings.code_files);
    for error in errors {
        warn(py, &format!("{error} (the bundled code sets are used)"))?;
    }
    cache.insert(settings.code_files.clone(), sets.clone());
    Ok(sets)
}

fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
    PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 1)
}

/// Every diagnostic of `text`, as the CLI's JSON objects.
fn check_to_json(
    py: Python<'_>,
    text: &str,
    path: Option<&str>,
    language: Language,
    settings: &Config,
) -> PyResult<String> {
    let sets = code_sets(py, settings)?;
    let json = py.allow_threads(|| {
        let map = LineMap::new(text);
        let mut items = Vec::new();
        analysis::check_text_each_piece(text, language, &sets, settings, |diagnostics| {
            for diagnostic in &diagnostics {
                let mut item = output::json(path.unwrap_or(""), &map, diagnostic);
                if path.is_none() {
                    item["path"] = serde_json::Value::Null;
                }
                items.push(item);
            }
        });
        serde_json::to_string(&items)
    });
    json.map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `claimls.check`: the diagnostics of a text, as a JSON array (the Python side loads it).
#[pyfunction]
#[pyo3(signature = (text, *, path=None, format=None, today=None, config=None))]
fn check_json(
    py: Python<'_>,
    text: &str,
    path: Option<&str>,
    format: Option<&str>,
    today: Option<&str>,
    config: Option<&str>,
) -> PyResult<String> {
    let settings = settings(config, today)?;
    let language = language(format, path, text)?;
    check_to_json(py, text, path, language, &settings)
}

/// `claimls.check_file`: a file read as the CLI reads it (a binary, non-UTF-8 or empty file is
/// a `ValueError`, a missing one an `OSError`), with the nearest `claimls.toml` unless
/// `config` is given, as a JSON array.
#[pyfunction]
#[pyo3(signature = (path, *, format=None, today=None, config=None))]
fn check_file_json(
    py: Python<'_>,
    path: PathBuf,
    format: Option<&str>,
    today: Option<&str>,
    config: Option<&str>,
) -> PyResult<String> {
    let bytes =
        std::fs::read(&path).map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
    let text = claimls::cli::text_of_bytes(bytes)
        .map_err(|reason| PyValueError::new_err(format!("{}: {reason}", path.display())))?;
    let mut settings = match config {
        Some(_) => settings(config, None)?,
        None => {
            let (settings, errors) = claimls::config_files::load_for_path(&path);
            for error in errors {
                warn(py, &error.to_string())?;
            }
            settings
        }
    };
    if let Some(today) = today {
        settings.today = Some(parse_date(today)?);
    }
    let shown = path.display().to_string();
    let language = language(format, Some(&shown), &text)?;
    check_to_json(py, &text, Some(&shown), language, &settings)
}

/// An 837 claim as the rows name it.
struct ClaimRef {
    span: Span,
    id: Option<String>,
    level: Option<String>,
    total: Option<String>,
}

/// The diagnostics of a file, and for an 837 its claims (each diagnostic with the index of the
/// claim it lies in).
struct Checked {
    diagnostics: Vec<(Diagnostic, Option<usize>)>,
    claims: Vec<ClaimRef>,
}

/// Checks one file's text; an 837 is lowered once, its claims read off the model.
fn check_with_claims(
    text: &str,
    language: Language,
    sets: &CodeSets,
    settings: &Config,
) -> Checked {
    let mut diagnostics = Vec::new();
    if language != Language::X12 {
        analysis::check_text_each_piece(text, language, sets, settings, |piece| {
            diagnostics.extend(piece.into_iter().map(|d| (d, None)));
        });
        return Checked { diagnostics, claims: Vec::new() };
    }
    let document: Document = analysis::lower(text, language);
    let value = |field: &Option<claimls_analysis::model::Field>| {
        field.as_ref().map(|f| f.text(text).to_string())
    };
    let claims: Vec<ClaimRef> = document
        .claims
        .iter()
        .map(|claim| ClaimRef {
            span: claim.span,
            id: value(&claim.id),
            level: value(&claim.level),
            total: value(&claim.total),
        })
        .collect();
    analysis::check_lowered_each_piece(text, language, document, sets, settings, |piece| {
        for diagnostic in piece {
            let at = diagnostic.span.start;
            // Claims are in source order: the last one starting at or before the diagnostic.
            let index = claims.partition_point(|c| c.span.start <= at).checked_sub(1);
            let inside = index.filter(|&i| at <= claims[i].span.end);
            diagnostics.push((diagnostic, inside));
        }
    });
    Checked { diagnostics, claims }
}

/// One file of a Spark batch checked (by its extension, else its content, as the CLI
/// chooses): its text and what was found, or why it is not a claim or order file's text.
/// `content` is borrowed from the Python `bytes` (PyO3 would build a `Vec<u8>` from one
/// element at a time: a quarter of the check's instructions); one copy makes it the text.
fn check_content(
    py: Python<'_>,
    content: &[u8],
    path: &str,
    today: Option<&str>,
    config: Option<&str>,
) -> PyResult<Result<(String, Checked), String>> {
    let settings = settings(config, today)?;
    let sets = code_sets(py, &settings)?;
    Ok(claimls::cli::text_of_bytes(content.to_vec()).map(|text| {
        let language = Language::of_file(Path::new(path), &text);
        let checked = py.allow_threads(|| check_with_claims(&text, language, &sets, &settings));
        (text, checked)
    }))
}

/// The Spark rows of one file's diagnostics, as Arrow batches (see [`arrow`]; the columns
/// are `claimls.spark`'s schema). A file that cannot be read as text gets one row: no rule,
/// the reason as message.
#[pyfunction]
#[pyo3(signature = (content, path, *, today=None, config=None, batch_bytes=arrow::BATCH_BYTES))]
fn diagnostic_batches<'py>(
    py: Python<'py>,
    content: &[u8],
    path: &str,
    today: Option<&str>,
    config: Option<&str>,
    batch_bytes: usize,
) -> PyResult<Vec<Vec<Bound<'py, PyTuple>>>> {
    let mut batches = Batches::<DiagnosticColumns>::new(py, batch_bytes);
    match check_content(py, content, path, today, config)? {
        Err(reason) => batches.row()?.unreadable(path, &reason),
        Ok((text, checked)) => {
            let map = LineMap::new(&text);
            for (diagnostic, claim) in &checked.diagnostics {
                let claim = claim.map(|i| &checked.claims[i]);
                batches.row()?.push(path, &map, diagnostic, claim);
            }
        }
    }
    batches.finish()
}

/// Diagnostic rows, column by column.
#[derive(Default)]
struct DiagnosticColumns {
    path: Strings,
    line: Ints,
    column: Ints,
    end_line: Ints,
    end_column: Ints,
    severity: Strings,
    rule: Strings,
    message: Strings,
    claim_id: Strings,
    hl: Strings,
}

impl DiagnosticColumns {
    fn push(
        &mut self,
        path: &str,
        map: &LineMap<'_>,
        diagnostic: &Diagnostic,
        claim: Option<&ClaimRef>,
    ) {
        let (line, column) = map.position(diagnostic.span.start);
        let (end_line, end_column) = map.position(diagnostic.span.end);
        self.path.push(Some(path));
        self.line.push(Some(line));
        self.column.push(Some(column));
        self.end_line.push(Some(end_line));
        self.end_column.push(Some(end_column));
        self.severity.push(Some(diagnostic.severity.as_str()));
        self.rule.push(Some(diagnostic.rule));
        self.message.push(Some(&diagnostic.message));
        self.claim_id.push(claim.and_then(|c| c.id.as_deref()));
        self.hl.push(claim.and_then(|c| c.level.as_deref()));
    }

    fn unreadable(&mut self, path: &str, reason: &str) {
        self.path.push(Some(path));
        self.line.push(None);
        self.column.push(None);
        self.end_line.push(None);
        self.end_column.push(None);
        self.severity.push(Some(Severity::Error.as_str()));
        self.rule.push(None);
        self.message.push(Some(reason));
        self.claim_id.push(None);
        self.hl.push(None);
    }
}

impl arrow::Columns for DiagnosticColumns {
    fn bytes(&self) -> usize {
        [&self.path, &self.severity, &self.rule, &self.message, &self.claim_id, &self.hl]
            .iter()
            .map(|strings| strings.bytes())
            .sum()
    }

    fn into_python(self, py: Python<'_>) -> PyResult<Vec<Bound<'_, PyTuple>>> {
        Ok(vec![
            self.path.into_python(py)?,
            self.line.into_python(py)?,
            self.column.into_python(py)?,
            self.end_line.into_python(py)?,
            self.end_column.into_python(py)?,
            self.severity.into_python(py)?,
            self.rule.into_python(py)?,
            self.message.into_python(py)?,
            self.claim_id.into_python(py)?,
            self.hl.into_python(py)?,
        ])
    }
}

/// The Spark rows of one file's 837 claims, as Arrow batches (see [`arrow`]): each claim's
/// `CLM01`, its HL, its total (`CLM02`), its errors and warnings and the rules that fired in
/// it (each once, in the order found). A file that is not an 837 has none.
#[pyfunction]
#[pyo3(signature = (content, path, *, today=None, config=None, batch_bytes=arrow::BATCH_BYTES))]
fn claim_batches<'py>(
    py: Python<'py>,
    content: &[u8],
    path: &str,
    today: Option<&str>,
    config: Option<&str>,
    batch_bytes: usize,
) -> PyResult<Vec<Vec<Bound<'py, PyTuple>>>> {
    let checked = match check_content(py, content, path, today, config)? {
        Ok((_, checked)) => checked,
        Err(_) => Checked { diagnostics: Vec::new(), claims: Vec::new() },
    };
    let count = checked.claims.len();
    let mut errors = vec![0usize; count];
    let mut warnings = vec![0usize; count];
    let mut rules: Vec<Vec<&'static str>> = vec![Vec::new(); count];
    for (diagnostic, claim) in &checked.diagnostics {
        let Some(i) = *claim else { continue };
        match diagnostic.severity {
            Severity::Error => errors[i] += 1,
            Severity::Warning => warnings[i] += 1,
            Severity::Info | Severity::Hint => {}
        }
        if !rules[i].contains(&diagnostic.rule) {
            rules[i].push(diagnostic.rule);
        }
    }
    let mut batches = Batches::<ClaimColumns>::new(py, batch_bytes);
    for (i, claim) in checked.claims.iter().enumerate() {
        let row = batches.row()?;
        row.path.push(Some(path));
        row.claim_id.push(claim.id.as_deref());
        row.hl.push(claim.level.as_deref());
        row.total.push(claim.total.as_deref());
        row.errors.push(Some(errors[i]));
        row.warnings.push(Some(warnings[i]));
        row.rules.push(rules[i].iter().copied());
    }
    batches.finish()
}

/// Claim rows, column by column.
#[derive(Default)]
struct ClaimColumns {
    path: Strings,
    claim_id: Strings,
    hl: Strings,
    total: Strings,
    errors: Ints,
    warnings: Ints,
    rules: StringLists,
}

impl arrow::Columns for ClaimColumns {
    fn bytes(&self) -> usize {
        self.path.bytes()
            + self.claim_id.bytes()
            + self.hl.bytes()
            + self.total.bytes()
            + self.rules.bytes()
    }

    fn into_python(self, py: Python<'_>) -> PyResult<Vec<Bound<'_, PyTuple>>> {
        Ok(vec![
            self.path.into_python(py)?,
            self.claim_id.into_python(py)?,
            self.hl.into_python(py)?,
            self.total.into_python(py)?,
            self.errors.into_python(py)?,
            self.warnings.into_python(py)?,
            self.rules.into_python(py)?,
        ])
    }
}

/// Raises what a check with these settings would raise (`claimls.spark` asks on the driver).
#[pyfunction]
#[pyo3(signature = (*, today=None, config=None))]
fn check_settings(today: Option<&str>, config: Option<&str>) -> PyResult<()> {
    settings(config, today).map(drop)
}

/// Whether a file found under a directory is one `claimls check` would check (by extension).
#[pyfunction]
fn is_claim_file(path: &str) -> bool {
    Language::from_extension(Path::new(path)).is_some()
}

/// `claimls.lookup`: codes by code, code prefix or words of their title, as `claimls lookup`
/// finds them.
#[pyfunction]
#[pyo3(signature = (query, limit=20))]
fn lookup<'py>(py: Python<'py>, query: &str, limit: usize) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let sets = CodeSets::bundled();
    let hits = py.allow_threads(|| analysis::search_codes(&sets, query, limit));
    hits.iter()
        .map(|hit| {
            let dict = PyDict::new(py);
            dict.set_item("code", &hit.code)?;
            dict.set_item("system", hit.system.name())?;
            dict.set_item("title", &hit.title)?;
            dict.set_item("billable", hit.billable)?;
            Ok(dict)
        })
        .collect()
}

/// `claimls.explain`: a rule's id, default severity, summary and explanation; a `KeyError`
/// naming every rule when there is no such rule.
#[pyfunction]
fn explain<'py>(py: Python<'py>, rule: &str) -> PyResult<Bound<'py, PyDict>> {
    let Some(info) = claimls_analysis::rules::rule(rule.trim()) else {
        let ids: Vec<&str> = claimls_analysis::rules::RULES.iter().map(|r| r.id).collect();
        return Err(PyKeyError::new_err(format!(
            "no rule `{rule}`; the rules are: {}",
            ids.join(", ")
        )));
    };
    let dict = PyDict::new(py);
    dict.set_item("id", info.id)?;
    dict.set_item("severity", info.default_severity.as_str())?;
    dict.set_item("summary", info.summary)?;
    dict.set_item("explanation", info.explanation)?;
    Ok(dict)
}

/// `claimls.editions`: the editions of the bundled code sets.
#[pyfunction]
fn editions(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    CodeSets::bundled()
        .editions()
        .iter()
        .map(|edition| {
            let dict = PyDict::new(py);
            dict.set_item("set", edition.set)?;
            dict.set_item("edition", edition.edition)?;
            dict.set_item("source", edition.source)?;
            Ok(dict)
        })
        .collect()
}

#[pymodule]
fn _claimls(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(check_json, module)?)?;
    module.add_function(wrap_pyfunction!(check_file_json, module)?)?;
    module.add_function(wrap_pyfunction!(diagnostic_batches, module)?)?;
    module.add_function(wrap_pyfunction!(claim_batches, module)?)?;
    module.add_function(wrap_pyfunction!(is_claim_file, module)?)?;
    module.add_function(wrap_pyfunction!(check_settings, module)?)?;
    module.add_function(wrap_pyfunction!(lookup, module)?)?;
    module.add_function(wrap_pyfunction!(explain, module)?)?;
    module.add_function(wrap_pyfunction!(editions, module)?)?;
    Ok(())
}
