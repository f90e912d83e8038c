//! Editor features over a parsed file: hover, completion, navigation, formatting, inlay hints.
//!
//! Everything here is plain data with byte offsets into the text; the LSP layer converts them.
//! Every function is total: an offset past the end of the text is clamped to it, and an offset
//! inside a multi-byte character is moved back to the start of that character.

mod completion;
mod format;
mod hover;
mod inlay;
mod navigation;
mod symbols;

pub use completion::{
    COMPLETION_LIMIT, CompletionItem, CompletionKind, CompletionList, completions,
};
pub use format::{format, format_text};
pub use hover::{Hover, hover};
pub use inlay::{InlayHint, inlay_hints};
pub use navigation::{HighlightKind, definition, highlights, references, rename};
pub use symbols::{
    Symbol, SymbolKind, comment_folding_ranges, document_symbols, folding_ranges, workspace_symbols,
};

use claimls_syntax::{Block, SourceFile, Statement, StatementKind, Token};

use crate::Span;

/// `offset` moved into `text`: clamped to its length and floored to a char boundary.
pub(crate) fn clamp(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `span` clamped into `text` on both ends, `start <= end`.
pub(crate) fn clamp_span(text: &str, span: Span) -> Span {
    let start = clamp(text, span.start);
    let end = clamp(text, span.end.max(span.start));
    Span::new(start, end)
}

/// Where a span lies relative to `offset`: 0 when the offset is strictly inside or at its
/// start, 1 when it is right after its last byte, `None` when it does not touch it.
fn touch_rank(span: Span, offset: usize) -> Option<u8> {
    if span.start <= offset && offset < span.end {
        Some(0)
    } else if span.touches(offset) {
        Some(1)
    } else {
        None
    }
}

/// What the cursor is on.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'a> {
    /// The ICD-10-CM code of a `dx`.
    DxCode(Token<'a>),
    /// The letter of a `dx`.
    DxLetter(Token<'a>),
    /// A letter after `ptr`.
    PtrLetter(Token<'a>),
    /// The ICD-10-PCS code of a `px`.
    ProcedureCode(Token<'a>),
    /// The service code of a `line` or `test`.
    ServiceCode(Token<'a>),
    Modifier(Token<'a>),
    /// A place-of-service code (`pos` statement or a line's `pos`).
    Pos(Token<'a>),
    Npi(Token<'a>),
}

impl<'a> Target<'a> {
    fn token(self) -> Token<'a> {
        match self {
            Target::DxCode(t)
            | Target::DxLetter(t)
            | Target::PtrLetter(t)
            | Target::ProcedureCode(t)
            | Target::ServiceCode(t)
            | Target::Modifier(t)
            | Target::Pos(t)
            | Target::Npi(t) => t,
        }
    }
}

/// Every value token of a statement that a feature may act on.
pub(crate) fn targets<'a>(statement: &Statement<'a>) -> Vec<Target<'a>> {
    let mut found = Vec::new();
    let pointers = |pointers: &Option<claimls_syntax::Pointers<'a>>, found: &mut Vec<_>| {
        if let Some(pointers) = pointers {
            found.extend(pointers.letters.iter().copied().map(Target::PtrLetter));
        }
    };
    match &statement.kind {
        StatementKind::Diagnosis { letter, code } => {
            found.push(Target::DxLetter(*letter));
            found.push(Target::DxCode(*code));
        }
        StatementKind::Procedure { code, .. } => found.push(Target::ProcedureCode(*code)),
        StatementKind::ServiceLine { service, pointers: ptr, pos, npi, .. } => {
            found.push(Target::ServiceCode(service.code));
            found.extend(service.modifiers.iter().copied().map(Target::Modifier));
            pointers(ptr, &mut found);
            found.extend(pos.map(Target::Pos));
            found.extend(npi.map(Target::Npi));
        }
        StatementKind::Test { service, pointers: ptr, .. } => {
            found.push(Target::ServiceCode(service.code));
            found.extend(service.modifiers.iter().copied().map(Target::Modifier));
            pointers(ptr, &mut found);
        }
        StatementKind::PlaceOfService { code } => found.push(Target::Pos(*code)),
        StatementKind::Provider { npi, .. } => found.extend(npi.map(Target::Npi)),
        StatementKind::ClaimKind { .. }
        | StatementKind::Patient { .. }
        | StatementKind::Payer { .. }
        | StatementKind::OrderDate { .. } => {}
    }
    found
}

/// The block, statement and value under `offset` (already clamped). A token the cursor is
/// inside wins over one it is right after.
pub(crate) fn target_at<'f, 'a>(
    file: &'f SourceFile<'a>,
    offset: usize,
) -> Option<(&'f Block<'a>, &'f Statement<'a>, Target<'a>)> {
    let block = file.block_at(offset)?;
    // Two statements never share a line, but `statement_at` finds only the first that
    // touches; that is enough since statements are separated by a line end.
    let statement = block.statement_at(offset)?;
    let target = targets(statement)
        .into_iter()
        .filter_map(|target| touch_rank(target.token().span, offset).map(|rank| (rank, target)))
        .min_by_key(|(rank, _)| *rank)?
        .1;
    Some((block, statement, target))
}

/// The `dx` statements of a block: (letter, code).
pub(crate) fn diagnoses<'f, 'a>(
    block: &'f Block<'a>,
) -> impl Iterator<Item = (Token<'a>, Token<'a>)> + 'f {
    block.statements.iter().filter_map(|statement| match &statement.kind {
        StatementKind::Diagnosis { letter, code } => Some((*letter, *code)),
        _ => None,
    })
}

/// The `ptr` letters of a block with the statement they stand on.
pub(crate) fn pointer_letters<'f, 'a>(
    block: &'f Block<'a>,
) -> impl Iterator<Item = (&'f Statement<'a>, Token<'a>)> + 'f {
    block.statements.iter().flat_map(|statement| {
        let pointers = match &statement.kind {
            StatementKind::ServiceLine { pointers, .. } | StatementKind::Test { pointers, .. } => {
                pointers.as_ref()
            }
            _ => None,
        };
        pointers.into_iter().flat_map(move |p| p.letters.iter().map(move |l| (statement, *l)))
    })
}

/// Whether two letters name the same diagnosis (letters are compared case-insensitively).
pub(crate) fn same_letter(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// A title cut to about `limit` characters at a word boundary, with `…` when cut.
pub(crate) fn shorten(title: &str, limit: usize) -> String {
    if title.chars().count() <= limit {
        return title.to_string();
    }
    let cut: String = title.chars().take(limit).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > limit / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_to_char_boundaries() {
        let text = "dx é";
        assert_eq!(clamp(text, 4), 3);
        assert_eq!(clamp(text, 100), text.len());
        assert_eq!(clamp("", 5), 0);
    }

    #[test]
    fn shortens_at_word_boundaries() {
        assert_eq!(shorten("short", 40), "short");
        let long = "Type 2 diabetes mellitus with diabetic chronic kidney disease";
        assert_eq!(shorten(long, 40), "Type 2 diabetes mellitus with diabetic…");
    }
}
