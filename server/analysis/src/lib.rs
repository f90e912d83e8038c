//! What claimls knows about a claim file, as plain data: diagnostics with fixes (the rule
//! catalogue of `docs/claim-format.md`), and the editor features (hover, completion,
//! navigation, formatting). Everything speaks of byte offsets into the text; nothing here knows
//! LSP, JSON-RPC or tokio.

pub mod config;
pub mod ide;
pub mod rules;

pub use claimls_codes as codes;
pub use claimls_syntax as syntax;
pub use claimls_syntax::Span;
pub use config::{Config, ConfigError};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// One replacement of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// A quick fix: a label for the menu and the edits it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub label: String,
    pub edits: Vec<TextEdit>,
}

/// Another place in the file that explains a diagnostic (the first of a duplicate, the other
/// code of an Excludes1 pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id of the catalogue (`unknown-code`, `syntax`, …).
    pub rule: &'static str,
    pub severity: Severity,
    pub span: Span,
    /// Plain language: the code, what is wrong, how to fix it.
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
}

/// Parses and checks a whole file: every rule, with the severities of `config`, sorted by
/// position. The code sets are passed in so the caller decides which user files are loaded.
pub fn check(text: &str, sets: &codes::CodeSets, config: &Config) -> Vec<Diagnostic> {
    let file = syntax::parse(text);
    check_parsed(text, &file, sets, config)
}

/// [`check`] for a file already parsed.
pub fn check_parsed(
    text: &str,
    file: &syntax::SourceFile<'_>,
    sets: &codes::CodeSets,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut diagnostics = rules::run_all(text, file, sets, config);
    diagnostics.retain_mut(|d| match config.severity_of(d.rule, d.severity) {
        Some(severity) => {
            d.severity = severity;
            true
        }
        None => false,
    });
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics
}
