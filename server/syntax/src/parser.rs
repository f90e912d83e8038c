//! The line driver: block structure (`claim`/`order` … `end`) and which statements a
//! block kind allows.

use crate::ast::{
    Block, BlockKind, SemanticToken, SourceFile, Span, Statement, SyntaxError, SyntaxErrorKind,
    TokenKind,
};
use crate::lexer::{Word, WordKind, lex_line};
use crate::statement::{Keyword, LineParser, shown};

const CLAIM_STATEMENTS: &str = "`kind`, `patient`, `payer`, `billing`, `rendering`, \
                                `referring`, `pos`, `dx`, `px`, `line` or `end`";
const ORDER_STATEMENTS: &str = "`patient`, `ordering`, `date`, `dx`, `test` or `end`";
const CLAIM_STATEMENTS_HERE: &str = "`kind`, `patient`, `payer`, `billing`, `rendering`, \
                                     `referring`, `pos`, `dx`, `px`, `line` or `end` in a claim \
                                     block";
const ORDER_STATEMENTS_HERE: &str =
    "`patient`, `ordering`, `date`, `dx`, `test` or `end` in an order block";

/// The room a block's statements start with: a usual claim has 8 to 16.
const STATEMENTS_ROOM: usize = 16;

struct OpenBlock<'t> {
    block: Block<'t>,
    /// The header line, where an unclosed-block error is reported.
    header: Span,
}

struct Parser<'t> {
    text: &'t str,
    file: SourceFile<'t>,
    open: Option<OpenBlock<'t>>,
    /// Reused for every line so that lexing does not allocate per line.
    words: Vec<Word>,
    line_tokens: Vec<SemanticToken>,
    /// The statements of the open block: moved into it, at its exact size, when it closes
    /// (a tree of a large file holds a hundred thousand statements).
    statements: Vec<Statement<'t>>,
    /// Whether to keep the semantic tokens (only highlighting needs them).
    keep_tokens: bool,
}

pub(crate) fn parse(text: &str, keep_tokens: bool) -> SourceFile<'_> {
    let mut file = None;
    parse_with(text, keep_tokens, usize::MAX, |whole| file = Some(whole));
    file.unwrap_or_default()
}

/// Parses `text` and hands over its blocks a piece at a time: each piece once it holds at least
/// `blocks_per_piece` blocks, then the rest. The errors of a piece are those before the block
/// still open, so that a block and the errors on its lines always come in the same piece.
pub(crate) fn parse_with<'t>(
    text: &'t str,
    keep_tokens: bool,
    blocks_per_piece: usize,
    mut each: impl FnMut(SourceFile<'t>),
) {
    let mut parser = Parser::new(text, keep_tokens);
    // A byte-order mark is not part of the first keyword.
    let mut start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |at| start + at);
        parser.line(start, end);
        start = end + 1;
        if parser.file.blocks.len() >= blocks_per_piece {
            each(parser.take_piece());
        }
    }
    if let Some(open) = parser.open.take() {
        parser.close_unterminated(open, "before the end of the file");
    }
    each(parser.take_piece());
}

/// The block that holds `offset` (with the errors on its lines), parsed alone: the same block as
/// [`parse`]'s there, or no block where [`parse`] has none. A block starts only at a `claim` or
/// `order` line, and such a line closes whatever block is open (a line is lexed on its own), so
/// parsing from the last such line at or before `offset` up to the end of its block reads
/// exactly what the whole parse reads there.
pub(crate) fn parse_block_at(text: &str, offset: usize) -> SourceFile<'_> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let offset = offset.min(text.len());
    let mut words = Vec::new();
    let is_header = |start: usize, end: usize, words: &mut Vec<Word>| {
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        words.clear();
        lex_line(line, start, words);
        words.first().is_some_and(|first| {
            first.kind == WordKind::Bare
                && matches!(
                    Keyword::parse(&text[first.start..first.end]),
                    Some(Keyword::Claim | Keyword::Order)
                )
        })
    };
    // The line of `offset`, then each line before it.
    let mut end =
        memchr::memchr(b'\n', &text.as_bytes()[offset..]).map_or(text.len(), |at| offset + at);
    let header = loop {
        let start = memchr::memrchr(b'\n', &text.as_bytes()[..end.min(offset)])
            .map_or(bom, |at| (at + 1).max(bom));
        if start <= end && is_header(start, end, &mut words) {
            break Some(start);
        }
        if start <= bom {
            break None;
        }
        end = start - 1;
    };
    let Some(mut start) = header else { return SourceFile::default() };
    let mut parser = Parser::new(text, false);
    while start < text.len() && parser.file.blocks.is_empty() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |at| start + at);
        parser.line(start, end);
        start = end + 1;
    }
    if let Some(open) = parser.open.take() {
        parser.close_unterminated(open, "before the end of the file");
    }
    parser.take_piece()
}

fn allowed(kind: BlockKind, keyword: Keyword) -> bool {
    match keyword {
        Keyword::Patient | Keyword::Dx => true,
        Keyword::Kind
        | Keyword::Payer
        | Keyword::Billing
        | Keyword::Rendering
        | Keyword::Referring
        | Keyword::Pos
        | Keyword::Px
        | Keyword::Stay
        | Keyword::Line => kind == BlockKind::Claim,
        Keyword::Ordering | Keyword::Date | Keyword::Test => kind == BlockKind::Order,
        Keyword::Claim | Keyword::Order | Keyword::End => false,
    }
}

fn block_name(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Claim => "claim",
        BlockKind::Order => "order",
    }
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, keep_tokens: bool) -> Parser<'t> {
        Parser {
            text,
            file: SourceFile {
                blocks: Vec::new(),
                errors: Vec::new(),
                // About one semantic token per 6 bytes of typical text; sizing up front
                // avoids copying a large vector while it grows.
                tokens: Vec::with_capacity(if keep_tokens { text.len() / 6 } else { 0 }),
            },
            open: None,
            words: Vec::with_capacity(16),
            line_tokens: Vec::with_capacity(16),
            statements: Vec::with_capacity(STATEMENTS_ROOM),
            keep_tokens,
        }
    }

    fn line(&mut self, start: usize, end: usize) {
        let mut line = &self.text[start..end];
        if let Some(stripped) = line.strip_suffix('\r') {
            line = stripped;
        }
        self.words.clear();
        let lexed = lex_line(line, start, &mut self.words);
        let words = std::mem::take(&mut self.words);
        if !words.is_empty() {
            self.statement(&words);
        }
        self.words = words;
        if !self.keep_tokens {
            self.line_tokens.clear();
            return;
        }
        self.line_tokens.sort_unstable_by_key(|token| token.span.start);
        self.file.tokens.append(&mut self.line_tokens);
        if let Some(comment) = lexed.comment {
            self.file.tokens.push(SemanticToken { span: comment, kind: TokenKind::Comment });
        }
    }

    fn statement(&mut self, words: &[Word]) {
        let first = words[0];
        let span = Span::new(first.start, words[words.len() - 1].end);
        let unterminated =
            words.iter().find(|word| word.kind == WordKind::Unterminated).map(|word| SyntaxError {
                kind: SyntaxErrorKind::Syntax,
                span: word.span(),
                message: "expected a closing `\"` before the end of the line".to_owned(),
            });
        let failures = usize::from(unterminated.is_some());
        let mut line = LineParser {
            text: self.text,
            words,
            position: 1,
            error: unterminated,
            failures,
            tokens: &mut self.line_tokens,
        };
        let keyword = match first.kind {
            WordKind::Bare => Keyword::parse(&self.text[first.start..first.end]),
            WordKind::Quoted | WordKind::Unterminated => None,
        };
        let Some(keyword) = keyword else {
            // The first word is not a keyword; the whole line is unknown.
            let raw = shown(&self.text[first.start..first.end]);
            let message = match &self.open {
                Some(open) => format!(
                    "unknown statement `{raw}`: expected {}",
                    match open.block.kind {
                        BlockKind::Claim => CLAIM_STATEMENTS_HERE,
                        BlockKind::Order => ORDER_STATEMENTS_HERE,
                    },
                ),
                None => format!("unknown statement `{raw}`: expected `claim <id>` or `order <id>`"),
            };
            self.error(SyntaxErrorKind::Syntax, first.span(), message);
            return;
        };
        line.mark(first.span(), TokenKind::Keyword);
        match keyword {
            Keyword::Claim | Keyword::Order => {
                let kind =
                    if keyword == Keyword::Claim { BlockKind::Claim } else { BlockKind::Order };
                let id = line.advance();
                let id = match id {
                    Some(word) => {
                        let token = line.token(word, TokenKind::Identifier);
                        let valid = !token.text.is_empty()
                            && token
                                .text
                                .chars()
                                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
                        if valid {
                            line.expect_end("the block id");
                        } else {
                            line.fail(
                                word.span(),
                                "expected a block id made of letters, digits, `-`, `_` and `.`"
                                    .to_owned(),
                            );
                        }
                        Some(token)
                    }
                    None => {
                        let name = block_name(kind);
                        let example = match kind {
                            BlockKind::Claim => "claim CLM-2026-0001",
                            BlockKind::Order => "order ORD-77",
                        };
                        line.fail(
                            first.span(),
                            format!("expected an id after `{name}`, e.g. `{example}`"),
                        );
                        None
                    }
                };
                let error = line.error.take();
                if let Some(open) = self.open.take() {
                    self.close_unterminated(open, "before the next block starts");
                }
                self.push_error(error);
                self.open = Some(OpenBlock {
                    block: Block {
                        kind,
                        keyword: first.span(),
                        id,
                        statements: Vec::new(),
                        end: None,
                        span,
                    },
                    header: span,
                });
            }
            Keyword::End => {
                line.expect_end("`end`");
                let error = line.error.take();
                match self.open.take() {
                    Some(mut open) => {
                        open.block.end = Some(first.span());
                        open.block.span.end = first.end;
                        self.finish(open.block);
                        self.push_error(error);
                    }
                    None => self.error(
                        SyntaxErrorKind::UnclosedBlock,
                        first.span(),
                        "`end` without an open block: expected `claim <id>` or `order <id>` \
                         before it"
                            .to_owned(),
                    ),
                }
            }
            _ => {
                let kind = line.statement(keyword, first.span());
                let has_error = line.failures > 0;
                let error = line.error.take();
                let name = keyword.name();
                match &mut self.open {
                    Some(open) if allowed(open.block.kind, keyword) => {
                        if let Some(kind) = kind {
                            open.block.span.end = span.end;
                            self.statements.push(Statement {
                                span,
                                keyword: first.span(),
                                kind,
                                has_error,
                            });
                        }
                        self.push_error(error);
                    }
                    Some(open) => {
                        let (here, other, expected) = match open.block.kind {
                            BlockKind::Claim => ("a claim", "an order", CLAIM_STATEMENTS),
                            BlockKind::Order => ("an order", "a claim", ORDER_STATEMENTS),
                        };
                        let hint = if keyword == Keyword::Date {
                            "; a claim's dates of service go on each `line`"
                        } else {
                            ""
                        };
                        let message = format!(
                            "`{name}` is not allowed in {here} block (it belongs in {other} \
                             block){hint}; expected {expected}"
                        );
                        self.error(SyntaxErrorKind::Syntax, first.span(), message);
                    }
                    None => self.error(
                        SyntaxErrorKind::UnclosedBlock,
                        first.span(),
                        format!(
                            "`{name}` is outside any block: expected `claim <id>` or \
                             `order <id>` before it"
                        ),
                    ),
                }
            }
        }
    }

    fn close_unterminated(&mut self, open: OpenBlock<'t>, when: &str) {
        let block = open.block;
        // A runaway header (a 20 MB line) is not copied whole into the message.
        let header = claimls_model::quotable(&self.text[open.header.range()]);
        self.error(
            SyntaxErrorKind::UnclosedBlock,
            open.header,
            format!("`{header}` is not closed: expected `end` {when}"),
        );
        self.finish(block);
    }

    /// The blocks finished so far, with the errors before the block still open (sorted: an
    /// unclosed-block error is found after the lines it points at).
    fn take_piece(&mut self) -> SourceFile<'t> {
        let open_from = self.open.as_ref().map_or(usize::MAX, |open| open.header.start);
        let (mut errors, later) =
            self.file.errors.drain(..).partition(|error| error.span.start < open_from);
        self.file.errors = later;
        errors.sort_by_key(|error: &SyntaxError| error.span.start);
        SourceFile {
            blocks: std::mem::take(&mut self.file.blocks),
            errors,
            tokens: std::mem::take(&mut self.file.tokens),
        }
    }

    /// Adds a block to the file with the statements read since its header.
    fn finish(&mut self, mut block: Block<'t>) {
        // Moved, not copied: a copy of a block of 50,000 statements would hold both at once. The
        // next block starts with room for a usual claim's statements, so that it is allocated
        // once and shrunk in place, not grown by doubling (each doubling copies it).
        let room = Vec::with_capacity(STATEMENTS_ROOM);
        block.statements = std::mem::replace(&mut self.statements, room);
        block.statements.shrink_to_fit();
        self.file.blocks.push(block);
    }

    fn error(&mut self, kind: SyntaxErrorKind, span: Span, message: String) {
        self.file.errors.push(SyntaxError { kind, span, message });
    }

    fn push_error(&mut self, error: Option<SyntaxError>) {
        self.file.errors.extend(error);
    }
}
