//! Navigation between a diagnosis label (a `dx` letter, an HI position) and the pointers that
//! name it: definition, references, highlights and rename. Works on the claim model, so the
//! same code serves every syntax.

use claimls_model::{Claim, Document, Field, Naming, SyntaxKind};

use super::target::{Target, pointers_to, target_at};
use crate::{Span, TextEdit};

/// Whether a highlighted label is the diagnosis that defines it or a pointer that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    Read,
    Write,
}

/// The key of the label under the cursor (a diagnosis label or a pointer), its field and
/// its claim.
fn label_at(document: &Document, offset: usize) -> Option<(&Claim, &Field, Option<u32>)> {
    match target_at(document, offset)? {
        (claim, Target::DxLabel(dx)) => Some((claim, &dx.label, dx.key)),
        (claim, Target::Pointer(pointer)) => Some((claim, &pointer.field, pointer.key)),
        _ => None,
    }
}

/// The diagnoses of `claim` with `key`, in order.
fn labels(claim: &Claim, key: Option<u32>) -> impl Iterator<Item = Span> + '_ {
    claim.diagnoses.iter().filter(move |dx| key.is_some() && dx.key == key).map(|dx| dx.label.span)
}

/// Every pointer of `claim` with `key`.
fn pointer_spans(claim: &Claim, key: Option<u32>) -> impl Iterator<Item = Span> + '_ {
    key.into_iter().flat_map(|key| pointers_to(claim, key)).map(|(_, pointer)| pointer.field.span)
}

/// From a pointer to the diagnosis label it names in the same claim; on a label, that label
/// itself (the first, if repeated). `None` elsewhere and for a pointer that names no diagnosis.
pub fn definition(document: &Document, offset: usize) -> Option<Span> {
    let (claim, _, key) = label_at(document, offset)?;
    labels(claim, key).next()
}

/// Every pointer of the claim naming the label under the cursor (a diagnosis label or a
/// pointer), in source order; with the label first when `include_declaration`.
pub fn references(document: &Document, offset: usize, include_declaration: bool) -> Vec<Span> {
    let Some((claim, _, key)) = label_at(document, offset) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    if include_declaration {
        spans.extend(labels(claim, key).next());
    }
    spans.extend(pointer_spans(claim, key));
    spans
}

/// The diagnosis labels (write) and every pointer (read) of the label under the cursor.
pub fn highlights(document: &Document, offset: usize) -> Vec<(Span, HighlightKind)> {
    let Some((claim, _, key)) = label_at(document, offset) else {
        return Vec::new();
    };
    let mut spans: Vec<(Span, HighlightKind)> =
        labels(claim, key).map(|span| (span, HighlightKind::Write)).collect();
    spans.extend(pointer_spans(claim, key).map(|span| (span, HighlightKind::Read)));
    spans.sort_by_key(|(span, _)| span.start);
    spans
}

/// Renames the `dx` letter under the cursor (or the one a `ptr` letter under the cursor names)
/// to `new_name`, updating the `dx` and every pointer to it in the block. Only the claim
/// language names its diagnoses: in X12 and HL7 a pointer names a position.
///
/// `new_name` must be one letter `A`–`L` (lower case is taken as upper case) not used by another
/// `dx` or by a pointer of the block; renaming a letter to itself makes no edits.
pub fn rename(
    text: &str,
    document: &Document,
    naming: &dyn Naming,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let offset = super::clamp(text, offset);
    if naming.syntax() != SyntaxKind::ClaimLanguage {
        return Err("only claim-language diagnoses have names to rename: here a pointer names \
                    the diagnosis's position"
            .to_string());
    }
    let Some((claim, label, key)) = label_at(document, offset) else {
        return Err("put the cursor on a `dx` letter or a `ptr` letter to rename it".to_string());
    };
    let Some(declared) = labels(claim, key).next() else {
        return Err(format!(
            "there is no `dx {}` in this block to rename; add it or fix the pointer",
            label.text(text)
        ));
    };
    let new_name = new_name.trim();
    let new_key = claimls_syntax::letter_key(new_name).filter(|&key| key < 12);
    let Some(new_key) = new_key else {
        return Err(format!(
            "`{new_name}` is not a diagnosis letter: use a single letter from A to L"
        ));
    };
    let new_name = new_name.to_ascii_uppercase();
    if declared.slice(text) == new_name {
        return Ok(Vec::new());
    }
    if key != Some(new_key) {
        if labels(claim, Some(new_key)).next().is_some() {
            return Err(format!("`dx {new_name}` already exists in this block"));
        }
        if pointer_spans(claim, Some(new_key)).next().is_some() {
            return Err(format!(
                "a `ptr` in this block already names `{new_name}`, which has no `dx`; renaming \
                 to it would change what that line points to"
            ));
        }
    }
    let mut edits: Vec<TextEdit> = labels(claim, key)
        .chain(pointer_spans(claim, key))
        .map(|span| TextEdit { span, new_text: new_name.clone() })
        .collect();
    edits.sort_by_key(|edit| edit.span.start);
    Ok(edits)
}
