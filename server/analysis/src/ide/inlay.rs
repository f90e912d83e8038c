//! Inlay hints: the title of each code, shown after it; for numbered pointers (an 837's
//! SV107), the codes they point to.

use claimls_codes::{CodeSets, service_shape};
use claimls_model::{Document, Field};

use super::target::diagnosis;
use super::{clamp_span, shorten};
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
    document: &Document,
    sets: &CodeSets,
    range: Span,
) -> Vec<InlayHint> {
    let range = clamp_span(text, range);
    let overlaps = |field: &Field| field.span.end >= range.start && field.span.start <= range.end;
    let mut hints = Vec::new();
    let mut hint = |offset: usize, title: Option<String>| {
        if let Some(title) = title.filter(|title| !title.is_empty()) {
            hints.push(InlayHint { offset, label: shorten(&title, LABEL_LIMIT) });
        }
    };
    let claims = document
        .claims
        .iter()
        .filter(|claim| claim.span.end >= range.start && claim.span.start <= range.end);
    for claim in claims {
        for code in claim.diagnoses.iter().map(|dx| &dx.code).filter(|code| overlaps(code)) {
            hint(code.span.end, sets.icd10cm(code.text(text)).map(|c| c.title.to_string()));
        }
        for code in claim.procedures.iter().map(|px| &px.code).filter(|code| overlaps(code)) {
            hint(code.span.end, sets.icd10pcs(code.text(text)).map(|c| c.title.to_string()));
        }
        for line in &claim.lines {
            // Hints on a service code and its modifiers go after the code and all of its
            // modifiers (`99213-25`), so that no label splits them.
            let end = line.modifiers.last().map_or(line.code.span.end, |m| m.span.end);
            if overlaps(&line.code) {
                let code = line.code.text(text);
                let title = match service_shape(code) {
                    Some(shape) if shape.is_cpt() => sets.cpt(code).map(|c| c.title.to_string()),
                    Some(_) => sets.hcpcs(code).map(|c| c.title.to_string()),
                    None => None,
                };
                hint(end, title);
            }
            for modifier in line.modifiers.iter().filter(|m| overlaps(m)) {
                let found = sets.modifier(modifier.text(text)).filter(|m| !m.title.is_empty());
                hint(end, found.map(|m| format!("{}: {}", m.code, m.title)));
            }
        }
    }
    // Stable: a code's title stays before its modifiers' descriptions.
    hints.sort_by_key(|hint| hint.offset);
    hints
}

/// After each pointer list that touches `range`, the diagnosis codes it points to
/// (`SV107` `1:2` → `→ E11.9, I10`): for syntaxes whose pointers are numbers that do not say
/// which code they mean. A pointer to no diagnosis shows `?`. Sorted by offset.
pub fn pointer_hints(
    text: &str,
    document: &Document,
    sets: &CodeSets,
    range: Span,
) -> Vec<InlayHint> {
    let range = clamp_span(text, range);
    let mut hints = Vec::new();
    for claim in &document.claims {
        if claim.span.end < range.start || claim.span.start > range.end {
            continue;
        }
        for pointers in claim.lines.iter().filter_map(|line| line.pointers.as_ref()) {
            if pointers.items.is_empty()
                || pointers.span.end < range.start
                || pointers.span.start > range.end
            {
                continue;
            }
            let codes: Vec<String> = pointers
                .items
                .iter()
                .map(|pointer| match diagnosis(claim, pointer.key) {
                    Some(dx) => {
                        let written = dx.code.text(text);
                        sets.icd10cm(written).map_or(written.to_string(), |c| c.dotted())
                    }
                    None => "?".to_string(),
                })
                .collect();
            hints.push(InlayHint {
                offset: pointers.span.end,
                label: format!("→ {}", codes.join(", ")),
            });
        }
    }
    hints.sort_by_key(|hint| hint.offset);
    hints
}
