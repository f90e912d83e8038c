//! What claimls knows about a claim file, as plain data: diagnostics with fixes (the rule
//! catalogue of `docs/claim-format.md`), and the editor features (hover, completion,
//! navigation, formatting). Everything speaks of byte offsets into the text; nothing here knows
//! LSP, JSON-RPC or tokio.

pub mod config;
pub mod ide;
pub mod incremental;
pub mod language;
pub mod rules;

pub use claimls_codes as codes;
pub use claimls_hl7 as hl7;
pub use claimls_model as model;
pub use claimls_model::{Diagnostic, Fix, Related, Severity, Span, TextEdit};
pub use claimls_syntax as syntax;
pub use claimls_x12 as x12;
pub use config::{Config, ConfigError};
pub use language::{LANGUAGES, Language};

use std::borrow::Cow;
use std::sync::Arc;

use rules::with_severities;

/// The largest document an editor gets checked, in bytes (8 MiB). A larger one gets
/// [`too_large`] instead: checking it on every keystroke would make the editor slow and the
/// server's memory grow with the document. `claimls check` has no limit.
pub const EDITOR_DOCUMENT_LIMIT: usize = 8 << 20;

/// What an editor shows for a document over [`EDITOR_DOCUMENT_LIMIT`] instead of checking
/// it: one `document-too-large` diagnostic on its first line (none when the rule is off).
pub fn too_large(text: &str, config: &Config) -> Vec<Diagnostic> {
    let Some(severity) = config.severity_of("document-too-large", Severity::Warning) else {
        return Vec::new();
    };
    let first_line = text.find(['\n', '\r']).unwrap_or(text.len());
    let end = ide::clamp(text, first_line.min(80));
    let message = format!(
        "This document is {:.1} MiB, over the {} MiB that claimls checks as you type, so it is \
         not checked here and hover and completion are off. Check it with `claimls check FILE` \
         in a terminal (no size limit there), or split it into smaller files.",
        text.len() as f64 / f64::from(1 << 20),
        EDITOR_DOCUMENT_LIMIT >> 20,
    );
    let span = Span::new(0, end);
    vec![Diagnostic {
        rule: "document-too-large",
        severity,
        span,
        message,
        fixes: vec![],
        related: vec![],
    }]
}

/// Parses and checks a whole file: every rule, with the severities of `config`, sorted by
/// position. The code sets are passed in so the caller decides which user files are loaded.
pub fn check(text: &str, sets: &codes::CodeSets, config: &Config) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    check_each_piece(text, sets, config, |piece| all.extend(piece));
    all
}

/// [`check`] for a text of any [`Language`].
pub fn check_text(
    text: &str,
    language: Language,
    sets: &codes::CodeSets,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    check_text_each_piece(text, language, sets, config, |piece| all.extend(piece));
    all
}

/// [`check_each_piece`] for a text of any [`Language`]: the claim language is parsed a piece at
/// a time, an HL7 file a few thousand segments at a time, an 837 whole (its tree is compact);
/// each is checked a few hundred claims at a time. An 837 or HL7 file is parsed and walked
/// where the pieces are made, and its claims are lowered into the model with their checking,
/// on the workers.
pub fn check_text_each_piece(
    text: &str,
    language: Language,
    sets: &codes::CodeSets,
    config: &Config,
    each: impl FnMut(Vec<Diagnostic>),
) {
    match language {
        Language::Claim => check_each_piece(text, sets, config, each),
        Language::Hl7 => {
            let naming = language.naming(text);
            let workers = workers_for(text);
            // Parsed a few messages at a time and walked where the pieces are made (not on this
            // thread, which prints), and lowered on the workers.
            let pieces = |each_piece: &mut dyn FnMut(Hl7Piece)| {
                let start = |(_, order): &(Arc<hl7::Hl7File>, hl7::OrderTree)| order.span().start;
                let mut pieces = language::Pieces::new(PIECE_BLOCKS, start);
                let mut each = |orders, problems| each_piece(Hl7Piece { orders, problems });
                hl7::parse_in_chunks(text, HL7_CHUNK_SEGMENTS, |file| {
                    let file = Arc::new(file);
                    let hl7::Walked { orders, problems } = hl7::walk(text, &file);
                    let orders = orders.into_iter().map(|o| (file.clone(), o)).collect();
                    pieces.add(orders, problems, &mut each);
                });
                pieces.finish(&mut each);
            };
            let lower = |piece: Hl7Piece| model::Document {
                claims: piece
                    .orders
                    .iter()
                    .map(|(file, order)| hl7::lower_order(text, file, order))
                    .collect(),
                problems: piece.problems,
            };
            rules::run_in_pieces(
                text,
                naming,
                sets,
                config,
                workers,
                pieces,
                |piece| hl7_outline(text, piece),
                lower,
                each,
            );
        }
        Language::X12 => {
            let naming = language.naming(text);
            let workers = workers_for(text);
            // Parsed and walked where the pieces are made (not on this thread, which prints),
            // a transaction at a time, so that the first claims are checked while the rest is
            // walked.
            let pieces = |each_piece: &mut dyn FnMut(X12Piece)| {
                let file = std::sync::Arc::new(x12::parse(text));
                let start = |claim: &x12::ClaimTree| file.segment(claim.clm()).span().start;
                let mut pieces = language::Pieces::new(PIECE_BLOCKS, start);
                let mut each_piece = |claims, problems| {
                    each_piece(X12Piece { file: file.clone(), claims, problems })
                };
                x12::walk_each(text, &file, |claims, problems| {
                    pieces.add(claims, problems, &mut each_piece)
                });
                pieces.finish(&mut each_piece);
            };
            let lower = |piece: X12Piece| model::Document {
                claims: piece
                    .claims
                    .iter()
                    .map(|c| x12::lower_claim(text, &piece.file, c))
                    .collect(),
                problems: piece.problems,
            };
            rules::run_in_pieces(
                text,
                naming,
                sets,
                config,
                workers,
                pieces,
                |piece| x12_outline(text, piece),
                lower,
                each,
            );
        }
    }
}

/// [`check_text_each_piece`] for an X12 or HL7 text already lowered into `document` (whole, by
/// [`Language::lower`]): for a caller that reads the claims themselves too (the Python
/// package's rows name each diagnostic's claim), so that the text is lowered once. (The CLI's
/// way for an 837 is faster on several cores: it lowers each piece on the workers.)
pub fn check_lowered_each_piece(
    text: &str,
    language: Language,
    document: model::Document,
    sets: &codes::CodeSets,
    config: &Config,
    each: impl FnMut(Vec<Diagnostic>),
) {
    let naming = language.naming(text);
    let model::Document { claims, problems } = document;
    let pieces = |each_piece: &mut dyn FnMut(model::Document)| {
        let start = |claim: &model::Claim| claim.span.start;
        language::pieces(claims, problems, PIECE_BLOCKS, start, |claims, problems| {
            each_piece(model::Document { claims, problems })
        });
    };
    let lower = |piece: model::Document| piece;
    rules::run_in_pieces(
        text,
        naming,
        sets,
        config,
        workers_for(text),
        pieces,
        model_outline,
        lower,
        each,
    );
}

/// A piece of a walked 837: its claims' trees and the problems before the next piece, with the
/// parsed file they point into.
struct X12Piece {
    file: std::sync::Arc<x12::X12File>,
    claims: Vec<x12::ClaimTree>,
    problems: Vec<Diagnostic>,
}

/// What the checks across claims read of a piece of an 837: its problems and each claim's id.
fn x12_outline<'p>(text: &str, piece: &'p X12Piece) -> Cow<'p, model::Document> {
    let claims = piece.claims.iter().map(|c| x12::claim_outline(text, &piece.file, c));
    Cow::Owned(model::Document { claims: claims.collect(), problems: piece.problems.clone() })
}

/// A piece of an HL7 file: its orders, each with the chunk of the parsed file it points into,
/// and the problems before the next piece.
struct Hl7Piece {
    orders: Vec<(Arc<hl7::Hl7File>, hl7::OrderTree)>,
    problems: Vec<Diagnostic>,
}

/// What the checks across claims read of a piece of an HL7 file: its problems and each
/// order's id.
fn hl7_outline<'p>(text: &str, piece: &'p Hl7Piece) -> Cow<'p, model::Document> {
    let claims = piece.orders.iter().map(|(file, order)| hl7::order_outline(text, file, order));
    Cow::Owned(model::Document { claims: claims.collect(), problems: piece.problems.clone() })
}

/// How many threads check `text`'s pieces: none for a small file (starting threads would cost
/// more than they save), else up to [`MAX_WORKERS`].
fn workers_for(text: &str) -> usize {
    if text.len() < PARALLEL_FROM_BYTES {
        0
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(MAX_WORKERS)
    }
}

/// [`check`] handed over a piece of the file at a time, in order: what `each` gets, one piece
/// after the other, is what [`check`] returns. A large file is checked on several threads, and
/// `each` (printing, say) runs while the rest is checked.
pub fn check_each_piece(
    text: &str,
    sets: &codes::CodeSets,
    config: &Config,
    each: impl FnMut(Vec<Diagnostic>),
) {
    check_in_pieces(text, sets, config, PIECE_BLOCKS, workers_for(text), each);
}

/// The blocks [`check`] parses and checks at a time: enough that the pieces cost nothing, few
/// enough that the tree of one stays small (about 3,000 lines; a tree takes about ten times the
/// memory of its text, and a million-line file would need 300 MB as one).
const PIECE_BLOCKS: usize = 256;

/// The segments of an HL7 file [`check_text_each_piece`] parses at a time (a few pieces' worth):
/// the file's tree is never whole in memory, and the memory of a chunk is used again for the
/// next (a whole file's tree made on the thread that makes the pieces grew that thread's heap
/// a page at a time).
const HL7_CHUNK_SEGMENTS: usize = 4096;

/// From this size on (about 10,000 lines) [`check`] checks pieces on other threads.
const PARALLEL_FROM_BYTES: usize = 256 << 10;

/// At most this many threads check a file's pieces.
const MAX_WORKERS: usize = 4;

/// [`check_each_piece`] with pieces of `blocks_per_piece` blocks, checked on `workers` threads
/// (0: on this one); what `each` gets is the same for any sizes: for tests and benchmarks.
#[doc(hidden)]
pub fn check_in_pieces<'t>(
    text: &'t str,
    sets: &codes::CodeSets,
    config: &Config,
    blocks_per_piece: usize,
    workers: usize,
    each: impl FnMut(Vec<Diagnostic>),
) {
    // Each piece of the tree goes to a worker, which lowers it into the model and checks it;
    // the file-wide checks here need only its outline (the blocks' ids and the syntax errors).
    let pieces = |each_piece: &mut dyn FnMut(syntax::SourceFile<'t>)| {
        syntax::parse_in_pieces(text, blocks_per_piece, each_piece);
    };
    let lower = |piece: syntax::SourceFile<'t>| syntax::lower(text, &piece);
    rules::run_in_pieces(
        text,
        &syntax::NAMING,
        sets,
        config,
        workers,
        pieces,
        tree_outline,
        lower,
        each,
    );
}

/// What the file-wide checks look at in a piece of a model made already: the piece itself.
fn model_outline(piece: &model::Document) -> Cow<'_, model::Document> {
    Cow::Borrowed(piece)
}

/// What the file-wide checks look at in a piece of the claim-language tree.
fn tree_outline<'p>(piece: &'p syntax::SourceFile<'_>) -> Cow<'p, model::Document> {
    Cow::Owned(syntax::lower_outline(piece))
}

/// [`check`] for a file already parsed.
pub fn check_parsed(
    text: &str,
    file: &syntax::SourceFile<'_>,
    sets: &codes::CodeSets,
    config: &Config,
) -> Vec<Diagnostic> {
    check_document(text, &syntax::lower(text, file), &syntax::NAMING, sets, config)
}

/// Every rule over a document already lowered into the model, in the words of `naming`'s
/// syntax.
pub fn check_document(
    text: &str,
    document: &model::Document,
    naming: &dyn model::Naming,
    sets: &codes::CodeSets,
    config: &Config,
) -> Vec<Diagnostic> {
    with_severities(rules::run_all(text, document, naming, sets, config), config)
}

/// The diagnostics of [`check_parsed`] whose span touches `offset` (what a hover there shows),
/// for the cost of checking the block around `offset` instead of the whole file.
pub fn check_at(
    text: &str,
    file: &syntax::SourceFile<'_>,
    sets: &codes::CodeSets,
    config: &Config,
    offset: usize,
) -> Vec<Diagnostic> {
    // Only the blocks at `offset` in full (and the other blocks' ids, for `duplicate-id`).
    let document = syntax::lower_around(text, file, Span::new(offset, offset));
    check_document_at(text, &document, &syntax::NAMING, sets, config, offset, true)
}

/// [`check_at`] for a document already lowered into the model; without `file_wide`, only what
/// the rules of one claim find (not the syntax's problems, nor `duplicate-id`), for a document
/// that holds only the claims around `offset`.
pub fn check_document_at(
    text: &str,
    document: &model::Document,
    naming: &dyn model::Naming,
    sets: &codes::CodeSets,
    config: &Config,
    offset: usize,
    file_wide: bool,
) -> Vec<Diagnostic> {
    let found = rules::run_at(text, document, naming, sets, config, offset, file_wide);
    with_severities(found, config)
}
