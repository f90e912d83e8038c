//! The command line: `check`, `lookup`, `explain`, and the version text.

mod check;
mod lookup;
pub mod output;

use std::io::Write as _;
use std::process::ExitCode;

use claimls_analysis::rules::{RULES, rule};
use claimls_codes::CodeSets;

pub use check::{CheckArguments, check, text_of_bytes};
pub use lookup::{LookupArguments, find_codes, lookup};

/// `claimls --version`: the program's version and the editions of the bundled code sets.
pub fn long_version() -> String {
    let mut text = env!("CARGO_PKG_VERSION").to_string();
    for edition in CodeSets::bundled().editions() {
        let name = match edition.set {
            "icd10cm" => "ICD-10-CM",
            "icd10pcs" => "ICD-10-PCS",
            "hcpcs" => "HCPCS Level II",
            "modifiers" => "modifiers",
            "pos" | "place-of-service" => "place of service",
            other => other,
        };
        text.push_str(&format!("\n{name}: {} [{}]", edition.edition, edition.source));
    }
    text.push_str(
        "\nCPT: not bundled (licensed by the AMA); add your own CPT file with code-files",
    );
    text
}

#[derive(clap::Args)]
pub struct ExplainArguments {
    /// The rule id, e.g. `header-code`; leave it out to list every rule.
    rule: Option<String>,
}

/// `claimls explain RULE`: what the rule means, why payers reject it and how to fix it.
pub fn explain(arguments: ExplainArguments) -> ExitCode {
    let Some(id) = arguments.rule else {
        for rule in RULES {
            let _ = writeln!(
                std::io::stdout().lock(),
                "{:<24} {:<8} {}",
                rule.id,
                rule.default_severity.as_str(),
                rule.summary
            );
        }
        return ExitCode::SUCCESS;
    };
    match rule(id.trim()) {
        Some(rule) => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "{} (default severity: {})\n",
                rule.id,
                rule.default_severity.as_str()
            );
            let _ = writeln!(std::io::stdout().lock(), "{}\n", rule.summary);
            let _ = writeln!(std::io::stdout().lock(), "{}", rule.explanation);
            ExitCode::SUCCESS
        }
        None => {
            let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            eprintln!("claimls: no rule `{id}`; the rules are: {}", ids.join(", "));
            ExitCode::from(2)
        }
    }
}
