//! Lowers a claim-language tree into the format-neutral [`claimls_model::Document`].
//!
//! Every value keeps its span; nothing is judged here. The syntax errors become the
//! document's problems (rules `syntax` and `unclosed-block`), and a statement whose line failed
//! to parse is remembered as an unreadable part of its block, so that the rules do not call it
//! missing.

use claimls_model::{
    Claim, ClaimKind, Diagnosis, Diagnostic, Document, Field, Line, LineKind, Part, Patient, Payer,
    Pointer, Pointers, Procedure, Provider, Severity,
};

use crate::ast::{
    Block, BlockKind, ProviderRole, SourceFile, StatementKind, SyntaxErrorKind, Token,
};

/// The model of a parsed file (or of a piece of one, from [`crate::parse_in_pieces`]).
pub fn lower(text: &str, file: &SourceFile<'_>) -> Document {
    lower_where(text, file, |_| true)
}

/// Each block of a parsed file lowered in full, one at a time and in order: the claims of
/// [`lower`], for a caller that needs one at a time (a whole model of a large file is large).
pub fn lower_each<'a>(text: &'a str, file: &'a SourceFile<'_>) -> impl Iterator<Item = Claim> + 'a {
    file.blocks.iter().map(move |block| lower_block(text, file, block))
}

/// The model of what touches `range` in a parsed file, for an editor request there: the blocks
/// that touch it in full, every other block by its id alone (what `duplicate-id` compares across
/// the file), and the syntax errors that touch it. Cheaper than [`lower`] by the size of the
/// file, so that an open document need not keep a whole model beside its tree.
pub fn lower_around(text: &str, file: &SourceFile<'_>, range: claimls_model::Span) -> Document {
    let touches = |span: claimls_model::Span| span.start <= range.end && range.start <= span.end;
    lower_where(text, file, touches)
}

/// The outline of a parsed file (or piece): every block by its id alone, and every syntax
/// error: what the checks across a whole file (`duplicate-id`, the syntax's problems) look at,
/// for almost nothing; the blocks themselves can then be lowered and checked elsewhere.
pub fn lower_outline(file: &SourceFile<'_>) -> Document {
    Document {
        claims: file.blocks.iter().map(block_outline).collect(),
        problems: file.errors.iter().map(problem).collect(),
    }
}

/// Lowers the blocks whose span `full` accepts in full, the others by their id alone, with
/// the errors `full` accepts.
fn lower_where(
    text: &str,
    file: &SourceFile<'_>,
    full: impl Fn(claimls_model::Span) -> bool,
) -> Document {
    let problems = file.errors.iter().filter(|error| full(error.span)).map(problem).collect();
    let claims =
        file.blocks
            .iter()
            .map(|block| {
                if full(block.span) { lower_block(text, file, block) } else { block_outline(block) }
            })
            .collect();
    Document { claims, problems }
}

/// A block by its kind, id and spans alone.
fn block_outline(block: &Block<'_>) -> Claim {
    Claim {
        kind: block_kind(block.kind),
        id: optional(&block.id),
        header: header(block),
        span: block.span,
        ..Claim::default()
    }
}

fn problem(error: &crate::ast::SyntaxError) -> Diagnostic {
    Diagnostic {
        rule: match error.kind {
            SyntaxErrorKind::Syntax => "syntax",
            SyntaxErrorKind::UnclosedBlock => "unclosed-block",
        },
        severity: Severity::Error,
        span: error.span,
        message: error.message.clone(),
        fixes: Vec::new(),
        related: Vec::new(),
    }
}

fn block_kind(kind: BlockKind) -> ClaimKind {
    match kind {
        BlockKind::Claim => ClaimKind::Professional,
        BlockKind::Order => ClaimKind::Order,
    }
}

/// A block's header: its keyword and id.
fn header(block: &Block<'_>) -> claimls_model::Span {
    claimls_model::Span::new(
        block.keyword.start,
        block.id.as_ref().map_or(block.keyword.end, |id| id.span.end),
    )
}

fn field(token: &Token<'_>) -> Field {
    Field::new(token.span)
}

fn optional(token: &Option<Token<'_>>) -> Option<Field> {
    token.as_ref().map(field)
}

/// `A` = 0 … `Z` = 25, any case; `None` for anything else.
pub fn letter_key(text: &str) -> Option<u32> {
    match text.as_bytes() {
        [b] if b.is_ascii_alphabetic() => Some(u32::from(b.to_ascii_uppercase() - b'A')),
        _ => None,
    }
}

fn lower_block(text: &str, file: &SourceFile<'_>, block: &Block<'_>) -> Claim {
    let mut claim = Claim {
        kind: block_kind(block.kind),
        id: optional(&block.id),
        header: header(block),
        span: block.span,
        ..Claim::default()
    };
    for statement in &block.statements {
        match &statement.kind {
            StatementKind::ClaimKind { value } => {
                if block.kind == BlockKind::Claim {
                    // The last `kind` wins; a value that is not a kind is a syntax error.
                    claim.kind = if value.text.eq_ignore_ascii_case("inpatient") {
                        ClaimKind::Inpatient
                    } else if value.text.eq_ignore_ascii_case("outpatient") {
                        ClaimKind::Outpatient
                    } else {
                        ClaimKind::Professional
                    };
                }
            }
            StatementKind::Patient { name, dob, sex, member } => claim.patients.push(Patient {
                span: statement.span,
                name: optional(name),
                date_of_birth: optional(dob),
                sex: optional(sex),
                member_id: optional(member),
            }),
            StatementKind::Payer { name, payer_id } => claim.payers.push(Payer {
                span: statement.span,
                name: optional(name),
                id: optional(payer_id),
            }),
            StatementKind::Provider { role, npi, name } => claim.providers.push(Provider {
                role: match role {
                    ProviderRole::Billing => claimls_model::ProviderRole::Billing,
                    ProviderRole::Rendering => claimls_model::ProviderRole::Rendering,
                    ProviderRole::Referring => claimls_model::ProviderRole::Referring,
                    ProviderRole::Ordering => claimls_model::ProviderRole::Ordering,
                },
                span: statement.span,
                npi: optional(npi),
                name: optional(name),
            }),
            StatementKind::PlaceOfService { code } => claim.places.push(field(code)),
            StatementKind::OrderDate { date } => claim.order_dates.push(field(date)),
            StatementKind::Stay { admission, discharge } => {
                claim.stay = Some(claimls_model::Stay {
                    admission: Some(field(admission)),
                    discharge: optional(discharge),
                })
            }
            StatementKind::Diagnosis { letter, code } => claim.diagnoses.push(Diagnosis {
                key: letter_key(letter.text),
                label: field(letter),
                code: field(code),
                system: None,
            }),
            StatementKind::Procedure { code, date } => {
                claim.procedures.push(Procedure { code: field(code), date: optional(date) })
            }
            StatementKind::ServiceLine { from, to, service, pointers, units, charge, pos, npi } => {
                claim.lines.push(Line {
                    kind: LineKind::Service,
                    span: statement.span,
                    from: Some(field(from)),
                    to: optional(to),
                    code: field(&service.code),
                    system: None,
                    modifiers: service.modifiers.iter().map(field).collect(),
                    pointers: pointers.as_ref().map(lower_pointers),
                    units: optional(units),
                    charge: optional(charge),
                    place: optional(pos),
                    npi: optional(npi),
                    unreadable: statement.has_error,
                })
            }
            StatementKind::Test { service, pointers, .. } => claim.lines.push(Line {
                kind: LineKind::Test,
                span: statement.span,
                from: None,
                to: None,
                code: field(&service.code),
                system: None,
                modifiers: service.modifiers.iter().map(field).collect(),
                pointers: pointers.as_ref().map(lower_pointers),
                units: None,
                charge: None,
                place: None,
                npi: None,
                unreadable: statement.has_error,
            }),
        }
    }
    claim.unreadable = unreadable_parts(text, file, block);
    claim
}

fn lower_pointers(pointers: &crate::ast::Pointers<'_>) -> Pointers {
    let end = pointers.letters.last().map_or(pointers.keyword.end, |letter| letter.span.end);
    Pointers {
        span: claimls_model::Span::new(pointers.keyword.start, end),
        items: pointers
            .letters
            .iter()
            .map(|letter| Pointer { field: field(letter), key: letter_key(letter.text) })
            .collect(),
    }
}

/// The parts of `block` whose line failed to parse: the first word of each line with a syntax
/// error inside the block, read as a statement keyword.
fn unreadable_parts(text: &str, file: &SourceFile<'_>, block: &Block<'_>) -> Vec<Part> {
    let mut parts = Vec::new();
    for error in &file.errors {
        if error.kind != SyntaxErrorKind::Syntax
            || error.span.start < block.span.start
            || error.span.start > block.span.end
        {
            continue;
        }
        let line_start = text.get(..error.span.start).and_then(|before| before.rfind('\n'));
        let line = text.get(line_start.map_or(0, |i| i + 1)..).unwrap_or("");
        let word = line.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
        let part = match word.as_str() {
            "patient" => Part::Patient,
            "billing" => Part::Billing,
            "ordering" => Part::Ordering,
            "date" => Part::OrderDate,
            "dx" => Part::Diagnosis,
            "px" => Part::Procedure,
            "line" => Part::Line,
            "test" => Part::Test,
            _ => continue,
        };
        parts.push(part);
    }
    parts
}
