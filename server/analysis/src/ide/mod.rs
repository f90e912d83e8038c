//! Editor features over a parsed file: hover, completion, navigation, formatting, inlay hints.
//! Those that read a syntax's own tree are per syntax: the claim language's at the top,
//! [`x12`] and [`hl7`] for theirs.
//!
//! Everything here is plain data with byte offsets into the text; the LSP layer converts them.
//! Every function is total: an offset past the end of the text is clamped to it, and an offset
//! inside a multi-byte character is moved back to the start of that character.

mod completion;
mod format;
pub mod hl7;
mod hover;
mod inlay;
mod navigation;
mod symbols;
mod target;
pub mod x12;

pub use completion::{
    COMPLETION_LIMIT, CompletionItem, CompletionKind, CompletionList, completions,
};
pub use format::{format, format_text};
pub use hover::{Hover, hover};
pub use inlay::{InlayHint, inlay_hints, pointer_hints};
pub use navigation::{HighlightKind, definition, highlights, references, rename};
pub use symbols::{
    Symbol, SymbolKind, claims_and_orders, comment_folding_ranges, document_symbols,
    folding_ranges, workspace_symbols,
};

use claimls_syntax::{Block, StatementKind, Token};

use crate::Span;

/// `offset` moved into `text`: clamped to its length and floored to a char boundary.
pub fn clamp(text: &str, offset: usize) -> usize {
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

/// The `dx` statements of a block: (letter, code).
pub(crate) fn diagnoses<'f, 'a>(
    block: &'f Block<'a>,
) -> impl Iterator<Item = (Token<'a>, Token<'a>)> + 'f {
    block.statements.iter().filter_map(|statement| match &statement.kind {
        StatementKind::Diagnosis { letter, code } => Some((*letter, *code)),
        _ => None,
    })
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
