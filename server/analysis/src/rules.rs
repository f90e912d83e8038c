//! The rule catalogue and the checks behind it.

use claimls_codes::CodeSets;
use claimls_syntax::SourceFile;

use crate::{Config, Diagnostic, Severity};

/// One rule of the catalogue.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line: when it fires.
    pub summary: &'static str,
    /// What it means, why payers reject it, how to fix it (for `claimls explain` and hover).
    pub explanation: &'static str,
}

/// Every rule, in the order of the catalogue.
pub const RULES: &[RuleInfo] = &[];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|rule| rule.id == id)
}

/// Runs every rule over a parsed file, each diagnostic with its default severity.
pub fn run_all(
    _text: &str,
    _file: &SourceFile<'_>,
    _sets: &CodeSets,
    _config: &Config,
) -> Vec<Diagnostic> {
    Vec::new()
}
