//! The editor features that read the HL7 tree itself (the model does not know segments and
//! fields): hover on a segment or field, completion inside a component, the outline of
//! messages and orders (document symbols, folding per message), and semantic tokens.

use claimls_codes::{CodeSets, CodeSystem};
use claimls_hl7::{Hl7File, describe_at};
use claimls_model::{Document, Naming};
use claimls_syntax::{SemanticToken, TokenKind};

use super::completion::{Wanted, complete_value};
use super::hover::{Place, with_place};
use super::{CompletionList, Hover, Symbol, SymbolKind, clamp};
use crate::Span;

/// The hover at `offset`: a code's hover (title, validity, notes) when a code is there, with
/// the line naming its HL7 position below it; elsewhere what the segment or field is
/// (`OBR-4 — universal service id: the test ordered …`, in the project's own words).
pub fn hover(
    text: &str,
    file: &Hl7File,
    document: &Document,
    naming: &dyn Naming,
    sets: &CodeSets,
    offset: usize,
) -> Option<Hover> {
    let offset = clamp(text, offset);
    let code = super::hover(text, document, naming, sets, offset);
    let place = describe_at(text, file, offset).map(|(span, described)| {
        // "OBR-4 — universal service id: the test ordered …": its name, then what it is for.
        let (headline, about) = match described.split_once(": ") {
            Some((headline, about)) => (format!("**{headline}**"), Some(about.to_string())),
            None => (format!("**{described}**"), None),
        };
        Place { span, headline, about }
    });
    with_place(code, place)
}

/// The coding systems of HL7 table 0396 that claimls reads in DG1-3.3.
const DIAGNOSIS_SYSTEMS: &[(&str, &str)] = &[("I10C", "ICD-10-CM")];
/// … and in OBR-4.3.
const SERVICE_SYSTEMS: &[(&str, &str)] = &[
    ("C4", "CPT (HL7 table 0396)"),
    ("HCPCS", "HCPCS Level II"),
    ("LN", "LOINC (checked for shape and check digit)"),
];

const ICD10CM: &[CodeSystem] = &[CodeSystem::Icd10Cm];
/// CPT comes only from the user's code files; LOINC is not bundled.
const SERVICES: &[CodeSystem] = &[CodeSystem::Hcpcs, CodeSystem::Cpt];

/// Completions inside the component at `offset`: ICD-10-CM codes in DG1-3.1, service codes
/// (HCPCS, and CPT from the user's files) in OBR-4.1, the coding systems in DG1-3.3 and
/// OBR-4.3. Each item replaces the whole component under the cursor.
pub fn completions(text: &str, file: &Hl7File, sets: &CodeSets, offset: usize) -> CompletionList {
    let offset = clamp(text, offset);
    let Some(location) = file.location_at(text, offset) else { return CompletionList::default() };
    let segment = &file.segments[location.segment];
    let wanted = match (segment.name(), location.field, location.component.max(1)) {
        ("DG1", 3, 1) => Wanted::Codes(ICD10CM),
        ("OBR", 4, 1) => Wanted::Codes(SERVICES),
        ("DG1", 3, 3) => Wanted::Values(DIAGNOSIS_SYSTEMS),
        ("OBR", 4, 3) => Wanted::Values(SERVICE_SYSTEMS),
        _ => return CompletionList::default(),
    };
    let replace = location.span;
    let typed = Span::new(replace.start, offset.clamp(replace.start, replace.end));
    // Written with its dot, as most senders (and the examples) write DG1-3.1.
    complete_value(text, sets, typed, replace, wanted, true)
}

/// The outline: each message (`ORM^O01 SFP-0001`, by MSH-9 and MSH-10) → its orders (an ORC,
/// or an OBR without one, by its placer order number) → their tests (OBR-4) and diagnoses
/// (DG1-3). Diagnoses before any order belong to the message.
pub fn document_symbols(text: &str, file: &Hl7File) -> Vec<Symbol> {
    let mut messages = Vec::new();
    for message in &file.messages {
        let header = &file.segments[message.segments.start];
        let field = |n| header.nonempty_field(n).map_or("", |span| span.slice(text));
        let mut symbol = Symbol {
            name: format!("{} {}", field(9), field(10)).trim_end().to_string(),
            detail: header.nonempty_field(7).map(|span| span.slice(text).to_string()),
            kind: SymbolKind::Message,
            span: message.span,
            selection_span: header.id,
            children: Vec::new(),
        };
        let mut order: Option<Symbol> = None;
        for segment in &file.segments[message.segments.clone()] {
            let component = |field, n| segment.nonempty_component(text, field, n);
            let child = match segment.name() {
                "ORC" | "OBR" if segment.is("ORC") || order.is_none() => {
                    if let Some(done) = order.take() {
                        symbol.children.push(done);
                    }
                    let number = component(2, 1);
                    order = Some(Symbol {
                        name: format!("order {}", number.map_or("", |s| s.slice(text))),
                        detail: None,
                        kind: SymbolKind::Order,
                        span: segment.span,
                        selection_span: number.unwrap_or(segment.id),
                        children: Vec::new(),
                    });
                    if segment.is("ORC") {
                        continue;
                    }
                    test(text, segment)
                }
                "OBR" => test(text, segment),
                "DG1" => {
                    let code = component(3, 1);
                    Some(Symbol {
                        name: format!("dx {}", code.map_or("", |s| s.slice(text))),
                        detail: component(3, 2).map(|s| segment.decode(text, s).into_owned()),
                        kind: SymbolKind::Diagnosis,
                        span: segment.span,
                        selection_span: code.unwrap_or(segment.id),
                        children: Vec::new(),
                    })
                }
                _ => None,
            };
            match (&mut order, child) {
                (Some(order), child) => {
                    order.span.end = segment.span.end;
                    order.children.extend(child);
                }
                (None, Some(child)) => symbol.children.push(child),
                (None, None) => {}
            }
        }
        symbol.children.extend(order);
        messages.push(symbol);
    }
    messages
}

/// A test: OBR-4's code and text.
fn test(text: &str, segment: &claimls_hl7::Segment) -> Option<Symbol> {
    let code = segment.nonempty_component(text, 4, 1);
    Some(Symbol {
        name: format!("test {}", code.map_or("", |s| s.slice(text))).trim_end().to_string(),
        detail: segment
            .nonempty_component(text, 4, 2)
            .map(|s| segment.decode(text, s).into_owned()),
        kind: SymbolKind::Test,
        span: segment.span,
        selection_span: code.unwrap_or(segment.id),
        children: Vec::new(),
    })
}

/// One fold per message.
pub fn folding_ranges(file: &Hl7File) -> Vec<Span> {
    file.messages.iter().map(|message| message.span).filter(|span| !span.is_empty()).collect()
}

/// The semantic tokens: segment ids, the separators (MSH-1 and MSH-2 are the delimiters
/// themselves), the codes of DG1-3 and OBR-4 and the dates claimls reads, sorted and not
/// overlapping.
pub fn semantic_tokens(text: &str, file: &Hl7File) -> Vec<SemanticToken> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    for segment in &file.segments {
        let push = |tokens: &mut Vec<SemanticToken>, span: Span, kind| {
            if !span.is_empty() {
                tokens.push(SemanticToken { span, kind });
            }
        };
        push(&mut tokens, segment.id, TokenKind::Keyword);
        let header = segment.is_header(text);
        let d = segment.delimiters;
        for (index, &field) in segment.fields.iter().enumerate() {
            let number = index + 1;
            if header && number <= 2 {
                push(&mut tokens, field, TokenKind::Separator);
                continue;
            }
            push(
                &mut tokens,
                Span::new(field.start.saturating_sub(1), field.start),
                TokenKind::Separator,
            );
            let value = match (segment.name(), number) {
                ("DG1", 3) => Some(TokenKind::DiagnosisCode),
                ("OBR", 4) => Some(TokenKind::ServiceCode),
                ("MSH", 7) | ("PID", 7) | ("OBR", 7) | ("ORC", 9 | 15) | ("DG1", 5) => {
                    Some(TokenKind::Date)
                }
                _ => None,
            };
            if let Some(kind) = value
                && let Some(first) = segment.nonempty_component(text, number, 1)
            {
                push(&mut tokens, first, kind);
            }
            for (at, &byte) in bytes[field.range()].iter().enumerate() {
                if byte == d.component || byte == d.repetition || byte == d.subcomponent {
                    let at = field.start + at;
                    push(&mut tokens, Span::new(at, at + 1), TokenKind::Separator);
                }
            }
        }
    }
    tokens.sort_by_key(|token| token.span.start);
    tokens.dedup_by(|b, a| b.span.start < a.span.end);
    tokens
}
