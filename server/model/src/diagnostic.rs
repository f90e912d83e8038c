//! The plain results of checking: diagnostics with their fixes, as byte spans.

use crate::Span;

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
