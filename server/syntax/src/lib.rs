//! Parser for claimls claim/order text files (see `docs/claim-format.md`).
//!
//! [`parse`] turns text into a [`SourceFile`]: blocks of statements with byte spans for
//! every token, a list of [`SyntaxError`]s and semantic tokens for highlighting. It
//! never fails and never panics. It checks structure only: values (codes, dates,
//! NPIs, amounts, …) are kept as raw text for the analysis to judge under its own
//! rule ids.

mod ast;
mod lexer;
mod parser;
mod statement;

pub use ast::{
    Block, BlockKind, Pointers, ProviderRole, SemanticToken, ServiceCode, SourceFile, Span,
    Statement, StatementKind, SyntaxError, SyntaxErrorKind, Token, TokenKind,
};

/// Parses a whole file. Errors are reported in [`SourceFile::errors`]; whatever could
/// be recognised is kept.
pub fn parse(text: &str) -> SourceFile<'_> {
    parser::parse(text)
}
