//! Parser for claimls claim/order text files (see `docs/claim-format.md`).
//!
//! [`parse`] turns text into a [`SourceFile`]: blocks of statements with byte spans for
//! every token, a list of [`SyntaxError`]s and semantic tokens for highlighting. It
//! never fails and never panics. It checks structure only: values (codes, dates,
//! NPIs, amounts, …) are kept as raw text for the analysis to judge under its own
//! rule ids.

mod ast;
mod lexer;
mod lower;
mod naming;
mod parser;
mod phi;
mod statement;

pub use ast::{
    Block, BlockKind, Pointers, ProviderRole, SemanticToken, ServiceCode, SourceFile, Span,
    Statement, StatementKind, SyntaxError, SyntaxErrorKind, Token, TokenKind,
};
pub use phi::phi_spans;

pub use lower::{letter_key, lower, lower_around, lower_each, lower_outline};
pub use naming::{ClaimLanguage, NAMING};

/// Parses a whole file. Errors are reported in [`SourceFile::errors`]; whatever could
/// be recognised is kept.
pub fn parse(text: &str) -> SourceFile<'_> {
    parser::parse(text, true)
}

/// [`parse`] without the semantic tokens ([`SourceFile::tokens`] is empty): the same blocks
/// and errors, for everything but highlighting. On a large file the tokens are a third of
/// the tree's memory.
pub fn parse_without_tokens(text: &str) -> SourceFile<'_> {
    parser::parse(text, false)
}

/// The block of [`parse_without_tokens`] that holds `offset`, parsed without the rest of the
/// file (no block when none holds it): for an editor request that comes before the whole file
/// is parsed. Its spans are the text's.
pub fn parse_block_at(text: &str, offset: usize) -> SourceFile<'_> {
    parser::parse_block_at(text, offset)
}

/// [`parse_without_tokens`] a piece at a time, for a file too large to hold as one tree:
/// `each` gets the blocks in order, at least `blocks_per_piece` at a time (the last piece
/// fewer), each piece with the errors that lie before the block still open after it. The
/// pieces together hold what [`parse_without_tokens`] returns.
pub fn parse_in_pieces<'t>(
    text: &'t str,
    blocks_per_piece: usize,
    each: impl FnMut(SourceFile<'t>),
) {
    parser::parse_with(text, false, blocks_per_piece.max(1), each)
}
