//! Inlay hints: the title of each code, shown after it.

use claimls_codes::{CodeSets, service_shape};
use claimls_syntax::{SourceFile, StatementKind};

use super::{Target, clamp_span, shorten, targets};
use crate::Span;

/// A label shown at `offset` (right after a code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
}

/// Titles are cut to about this many characters.
const LABEL_LIMIT: usize = 40;

/// The title after each code that touches `range`: ICD-10-CM, ICD-10-PCS, HCPCS, CPT (only
/// from a user's CPT file) and modifiers with a description. Unknown codes get no hint (their
/// diagnostic says enough). Sorted by offset.
pub fn inlay_hints(
    text: &str,
    file: &SourceFile<'_>,
    sets: &CodeSets,
    range: Span,
) -> Vec<InlayHint> {
    let range = clamp_span(text, range);
    let mut hints = Vec::new();
    for block in &file.blocks {
        if block.span.end < range.start || block.span.start > range.end {
            continue;
        }
        for statement in &block.statements {
            if statement.span.end < range.start || statement.span.start > range.end {
                continue;
            }
            // Hints on a service code and its modifiers go after the whole `99213-25` word, so
            // that no label splits it.
            let service_end = match &statement.kind {
                StatementKind::ServiceLine { service, .. }
                | StatementKind::Test { service, .. } => {
                    service.modifiers.last().map_or(service.code.span.end, |m| m.span.end)
                }
                _ => 0,
            };
            for target in targets(statement) {
                let token = target.token();
                if token.span.end < range.start || token.span.start > range.end {
                    continue;
                }
                let title = match target {
                    Target::DxCode(code) => {
                        sets.icd10cm(code.text).map(|c| c.title.to_string()).unwrap_or_default()
                    }
                    Target::ProcedureCode(code) => {
                        sets.icd10pcs(code.text).map(|c| c.title.to_string()).unwrap_or_default()
                    }
                    Target::ServiceCode(code) => match service_shape(code.text) {
                        Some(shape) if shape.is_cpt() => {
                            sets.cpt(code.text).map(|c| c.title.to_string()).unwrap_or_default()
                        }
                        Some(_) => {
                            sets.hcpcs(code.text).map(|c| c.title.to_string()).unwrap_or_default()
                        }
                        None => String::new(),
                    },
                    Target::Modifier(modifier) => sets
                        .modifier(modifier.text)
                        .filter(|m| !m.title.is_empty())
                        .map(|m| format!("{}: {}", m.code, m.title))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let offset = match target {
                    Target::ServiceCode(_) | Target::Modifier(_) => service_end,
                    _ => token.span.end,
                };
                if !title.is_empty() {
                    hints.push(InlayHint { offset, label: shorten(&title, LABEL_LIMIT) });
                }
            }
        }
    }
    // Stable: a code's title stays before its modifiers' descriptions.
    hints.sort_by_key(|hint| hint.offset);
    hints
}
