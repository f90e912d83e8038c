//! `claimls lookup`: codes by code, code prefix or words of their title, billable first.

use std::io::Write as _;
use std::process::ExitCode;

use claimls_codes::{CodeSets, CodeSystem, SearchHit};

#[derive(clap::Args)]
pub struct LookupArguments {
    /// A code (`E11.9`, `J1815`, `0DTJ4ZZ`, `25`, `11`), the start of one (`E11.6`), or words
    /// of a title (`type 2 diabetes hyperglycemia`).
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    /// At most this many codes.
    #[arg(long, default_value_t = 25)]
    limit: usize,
}

pub fn lookup(arguments: LookupArguments) -> ExitCode {
    let query = arguments.query.join(" ");
    let here = std::env::current_dir().unwrap_or_default().join("claimls.toml");
    let (settings, config_errors) = crate::config_files::load_for_path(&here);
    for error in config_errors {
        eprintln!("claimls: warning: {error}");
    }
    let (sets, errors) = CodeSets::with_user_files(&settings.code_files);
    for error in errors {
        eprintln!("claimls: warning: {error} (the bundled code sets are used)");
    }

    let (hits, more) = find_codes(&sets, &query, arguments.limit);
    if hits.is_empty() {
        eprintln!("claimls: no code matches `{query}`");
        return ExitCode::from(1);
    }
    let code_width = hits.iter().map(|h| h.code.len()).max().unwrap_or(0);
    let system_width = hits.iter().map(|h| h.system.name().len()).max().unwrap_or(0);
    for hit in &hits {
        let status = match (hit.system, hit.billable) {
            (CodeSystem::Icd10Cm, true) => "billable",
            (CodeSystem::Icd10Cm, false) => "header  ",
            _ => "        ",
        };
        let _ = writeln!(
            std::io::stdout().lock(),
            "{:code_width$}  {:system_width$}  {status}  {}",
            hit.code,
            hit.system.name(),
            hit.title
        );
    }
    if more > 0 {
        let _ = writeln!(std::io::stdout().lock(), "… and {more} more (use --limit or more words)");
    }
    ExitCode::SUCCESS
}

/// The codes `query` finds, as `claimls lookup` and the server's `claimls/searchCodes` list
/// them: the code itself in every system that has it, then the search's hits (by code prefix
/// or words of the title, billable first), at most `limit` (at least 1); and how many more the
/// search found beyond them.
pub fn find_codes(sets: &CodeSets, query: &str, limit: usize) -> (Vec<SearchHit>, usize) {
    // The code itself in every system that has it, the system whose way of writing it the
    // query follows first (`g0439`: HCPCS G0439, then ICD-10-CM G04.39).
    let mut hits = sets.exact_matches(query);
    // A dot is only ever written in ICD-10-CM codes: `E11.9` should not list HCPCS `E1190`.
    let systems: &[CodeSystem] = if query.contains('.') && !query.contains(' ') {
        &[CodeSystem::Icd10Cm]
    } else {
        &CodeSystem::ALL
    };
    let found = sets.search(query, systems, limit);
    let searched_any = !found.hits.is_empty();
    for hit in found.hits {
        if !hits.iter().any(|h| h.system == hit.system && h.code == hit.code) {
            hits.push(hit);
        }
    }
    hits.truncate(limit.max(1));
    let more = if searched_any { found.total.saturating_sub(hits.len()) } else { 0 };
    (hits, more)
}
