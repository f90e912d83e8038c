//! The syntax tree: plain data with byte spans into the parsed text.

pub use claimls_model::Span;

/// A value as written, borrowed from the parsed text. For a quoted string `text` is
/// the content without the quotes, and so is `span`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token<'a> {
    pub text: &'a str,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceFile<'a> {
    /// Blocks in source order.
    pub blocks: Vec<Block<'a>>,
    /// Errors sorted by position.
    pub errors: Vec<SyntaxError>,
    /// Tokens for highlighting, sorted by position and non-overlapping.
    pub tokens: Vec<SemanticToken>,
}

impl<'a> SourceFile<'a> {
    /// The block whose span contains `offset` (its end included).
    pub fn block_at(&self, offset: usize) -> Option<&Block<'a>> {
        let index = self.blocks.partition_point(|block| block.span.end < offset);
        self.blocks.get(index).filter(|block| block.span.touches(offset))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Claim,
    Order,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    pub kind: BlockKind,
    /// The `claim` or `order` keyword.
    pub keyword: Span,
    /// `None` when the header has no id (a syntax error was reported).
    pub id: Option<Token<'a>>,
    pub statements: Vec<Statement<'a>>,
    /// The `end` keyword; `None` when the block is unclosed.
    pub end: Option<Span>,
    /// From the header keyword to the `end` keyword, or to the last statement (or the
    /// header) of an unclosed block.
    pub span: Span,
}

impl<'a> Block<'a> {
    /// The statement whose span contains `offset` (its end included).
    pub fn statement_at(&self, offset: usize) -> Option<&Statement<'a>> {
        let index = self.statements.partition_point(|statement| statement.span.end < offset);
        self.statements.get(index).filter(|statement| statement.span.touches(offset))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// From the keyword to the last word of the line (comments excluded).
    pub span: Span,
    pub keyword: Span,
    pub kind: StatementKind<'a>,
    /// The line also has a syntax error; the statement holds only what was recognised
    /// before it, so the analysis may want to skip "missing part" checks on it.
    pub has_error: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderRole {
    Billing,
    Rendering,
    Referring,
    Ordering,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind<'a> {
    /// `kind professional|outpatient|inpatient`; any other value is a syntax error but
    /// is kept here raw.
    ClaimKind {
        value: Token<'a>,
    },
    Patient {
        name: Option<Token<'a>>,
        dob: Option<Token<'a>>,
        sex: Option<Token<'a>>,
        member: Option<Token<'a>>,
    },
    Payer {
        name: Option<Token<'a>>,
        payer_id: Option<Token<'a>>,
    },
    Provider {
        role: ProviderRole,
        npi: Option<Token<'a>>,
        name: Option<Token<'a>>,
    },
    PlaceOfService {
        code: Token<'a>,
    },
    OrderDate {
        date: Token<'a>,
    },
    /// `stay <admission>..<discharge>` of an inpatient claim.
    Stay {
        admission: Token<'a>,
        discharge: Option<Token<'a>>,
    },
    Diagnosis {
        letter: Token<'a>,
        code: Token<'a>,
    },
    Procedure {
        code: Token<'a>,
        date: Option<Token<'a>>,
    },
    ServiceLine {
        from: Token<'a>,
        to: Option<Token<'a>>,
        service: ServiceCode<'a>,
        pointers: Option<Pointers<'a>>,
        units: Option<Token<'a>>,
        charge: Option<Token<'a>>,
        pos: Option<Token<'a>>,
        npi: Option<Token<'a>>,
    },
    Test {
        service: ServiceCode<'a>,
        pointers: Option<Pointers<'a>>,
        priority: Option<Token<'a>>,
    },
}

/// `99213-25-59`: the code and each modifier, without the `-` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCode<'a> {
    pub code: Token<'a>,
    pub modifiers: Vec<Token<'a>>,
}

/// `ptr A,B` / `ptr AB`: one token per letter, raw (unknown or repeated letters are
/// left for the analysis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointers<'a> {
    pub keyword: Span,
    pub letters: Vec<Token<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// A line that cannot be parsed (rule `syntax`).
    Syntax,
    /// Block structure: a block without `end`, a stray `end`, a block started inside
    /// another, a statement outside any block (rule `unclosed-block`).
    UnclosedBlock,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    DiagnosisCode,
    ProcedureCode,
    ServiceCode,
    Modifier,
    Date,
    Amount,
    /// Units and place-of-service codes.
    Number,
    Npi,
    /// A dx letter or a `ptr` letter.
    Letter,
    /// A name, quoted or bare.
    String,
    /// A block id, member id or payer id.
    Identifier,
    Comment,
    /// A delimiter of X12 or HL7 (element, component, repetition separators, terminators).
    Separator,
    /// A qualifier of X12 (`ABK`, `HC`, `D8`, `XX`): what the next value is.
    Qualifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SemanticToken {
    pub span: Span,
    pub kind: TokenKind,
}
