//! `claimls lookup`: codes by code, code prefix or words of their title, billable first.

use std::io::Write as _;
use std::process::ExitCode;

use claimls_analysis::config;
use claimls_codes::{CodeSets, CodeSystem};

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
    let (settings, config_errors) = config::load_for_path(&here);
    for error in config_errors {
        eprintln!("claimls: warning: {error}");
    }
    let (sets, errors) = CodeSets::with_user_files(&settings.code_files);
    for error in errors {
        eprintln!("claimls: warning: {error} (the bundled code sets are used)");
    }

    // The code itself in every system that has it, the system whose way of writing it the
    // query follows first (`g0439`: HCPCS G0439, then ICD-10-CM G04.39).
    let mut hits = sets.exact_matches(&query);
    // A dot is only ever written in ICD-10-CM codes: `E11.9` should not list HCPCS `E1190`.
    let systems: &[CodeSystem] = if query.contains('.') && !query.contains(' ') {
        &[CodeSystem::Icd10Cm]
    } else {
        &CodeSystem::ALL
    };
    let found = sets.search(&query, systems, arguments.limit);
    let searched_any = !found.hits.is_empty();
    for hit in found.hits {
        if !hits.iter().any(|h| h.system == hit.system && h.code == hit.code) {
            hits.push(hit);
        }
    }
    hits.truncate(arguments.limit.max(1));
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
    let more = found.total.saturating_sub(hits.len());
    if more > 0 && searched_any {
        let _ = writeln!(std::io::stdout().lock(), "… and {more} more (use --limit or more words)");
    }
    ExitCode::SUCCESS
}
