//! Navigation between a `dx` letter and the `ptr` letters that name it: definition,
//! references, highlights and rename.

use claimls_syntax::{Block, SourceFile, Token};

use super::{Target, diagnoses, pointer_letters, same_letter, target_at};
use crate::{Span, TextEdit};

/// Whether a highlighted letter is the `dx` that defines it or a `ptr` that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    Read,
    Write,
}

/// The letter under the cursor (a `dx` letter or a `ptr` letter) and its block.
fn letter_at<'f, 'a>(
    file: &'f SourceFile<'a>,
    offset: usize,
) -> Option<(&'f Block<'a>, Token<'a>)> {
    match target_at(file, offset)? {
        (block, _, Target::DxLetter(letter) | Target::PtrLetter(letter)) => Some((block, letter)),
        _ => None,
    }
}

/// The `dx` letter of the block named `letter`, if any (the first, if repeated).
fn declaration(block: &Block<'_>, letter: &str) -> Option<Span> {
    diagnoses(block).find(|(dx, _)| same_letter(dx.text, letter)).map(|(dx, _)| dx.span)
}

/// From a `ptr` letter to the `dx` letter it names in the same block; on a `dx` letter, that
/// letter itself. `None` elsewhere and for a pointer with no `dx`.
pub fn definition(file: &SourceFile<'_>, offset: usize) -> Option<Span> {
    let (block, letter) = letter_at(file, offset)?;
    declaration(block, letter.text)
}

/// Every `ptr` letter of the block naming the letter under the cursor (a `dx` letter or a
/// `ptr` letter), in source order; with the `dx` letter first when `include_declaration`.
pub fn references(file: &SourceFile<'_>, offset: usize, include_declaration: bool) -> Vec<Span> {
    let Some((block, letter)) = letter_at(file, offset) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    if include_declaration {
        spans.extend(declaration(block, letter.text));
    }
    spans.extend(
        pointer_letters(block)
            .filter(|(_, pointer)| same_letter(pointer.text, letter.text))
            .map(|(_, pointer)| pointer.span),
    );
    spans
}

/// The `dx` letter (write) and every `ptr` letter (read) of the letter under the cursor.
pub fn highlights(file: &SourceFile<'_>, offset: usize) -> Vec<(Span, HighlightKind)> {
    let Some((block, letter)) = letter_at(file, offset) else {
        return Vec::new();
    };
    let mut spans: Vec<(Span, HighlightKind)> = diagnoses(block)
        .filter(|(dx, _)| same_letter(dx.text, letter.text))
        .map(|(dx, _)| (dx.span, HighlightKind::Write))
        .collect();
    spans.extend(
        pointer_letters(block)
            .filter(|(_, pointer)| same_letter(pointer.text, letter.text))
            .map(|(_, pointer)| (pointer.span, HighlightKind::Read)),
    );
    spans.sort_by_key(|(span, _)| span.start);
    spans
}

/// Renames the `dx` letter under the cursor (or the one a `ptr` letter under the cursor names)
/// to `new_name`, updating the `dx` and every pointer to it in the block.
///
/// `new_name` must be one letter `A`–`L` (lower case is taken as upper case) not used by another
/// `dx` or by a pointer of the block; renaming a letter to itself makes no edits.
pub fn rename(
    text: &str,
    file: &SourceFile<'_>,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let offset = super::clamp(text, offset);
    let Some((block, letter)) = letter_at(file, offset) else {
        return Err("put the cursor on a `dx` letter or a `ptr` letter to rename it".to_string());
    };
    let Some(declared) = declaration(block, letter.text) else {
        return Err(format!(
            "there is no `dx {}` in this block to rename; add it or fix the pointer",
            letter.text
        ));
    };
    let new_name = new_name.trim();
    let valid = new_name.len() == 1 && matches!(new_name.as_bytes()[0], b'A'..=b'L' | b'a'..=b'l');
    if !valid {
        return Err(format!(
            "`{new_name}` is not a diagnosis letter: use a single letter from A to L"
        ));
    }
    let new_name = new_name.to_ascii_uppercase();
    let old = declared.slice(text);
    if old == new_name {
        return Ok(Vec::new());
    }
    if !same_letter(old, &new_name) {
        if diagnoses(block).any(|(dx, _)| same_letter(dx.text, &new_name)) {
            return Err(format!("`dx {new_name}` already exists in this block"));
        }
        if pointer_letters(block).any(|(_, pointer)| same_letter(pointer.text, &new_name)) {
            return Err(format!(
                "a `ptr` in this block already names `{new_name}`, which has no `dx`; renaming \
                 to it would change what that line points to"
            ));
        }
    }
    let mut edits: Vec<TextEdit> = diagnoses(block)
        .filter(|(dx, _)| same_letter(dx.text, letter.text))
        .map(|(dx, _)| dx.span)
        .chain(
            pointer_letters(block)
                .filter(|(_, pointer)| same_letter(pointer.text, letter.text))
                .map(|(_, pointer)| pointer.span),
        )
        .map(|span| TextEdit { span, new_text: new_name.clone() })
        .collect();
    edits.sort_by_key(|edit| edit.span.start);
    Ok(edits)
}
