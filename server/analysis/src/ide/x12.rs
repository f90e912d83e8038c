//! The editor features that read the X12 tree itself (the model does not know segments):
//! hover on a segment, element or component, completion inside a component, the outline of
//! envelopes and loops (document symbols, folding), semantic tokens, and formatting (one
//! segment a line, or all on one line).

use std::fmt::Write as _;

use claimls_codes::{CodeSets, CodeSystem};
use claimls_model::{Document, Naming, TextEdit};
use claimls_syntax::{SemanticToken, TokenKind};
use claimls_x12::{Segment, X12File, describe_element, describe_segment, segment_hover};

use super::completion::{Wanted, complete_value};
use super::hover::{Place, with_place};
use super::{CompletionList, Hover, Symbol, SymbolKind, clamp};
use crate::Span;

/// The hover at `offset`: a code's hover (title, validity, notes) when a code is there, with
/// the line naming its X12 position below it; elsewhere what the segment, element or component
/// is (its position and meaning, in the project's own words).
pub fn hover(
    text: &str,
    file: &X12File,
    document: &Document,
    naming: &dyn Naming,
    sets: &CodeSets,
    offset: usize,
) -> Option<Hover> {
    let offset = clamp(text, offset);
    let code = super::hover(text, document, naming, sets, offset);
    with_place(code, structure(text, file, offset))
}

fn structure(text: &str, file: &X12File, offset: usize) -> Option<Place> {
    let location = file.location_at(offset)?;
    let segment = file.segment(location.segment);
    let id = segment.id(text);
    if location.element == 0 {
        // On the id (or its terminator): the segment.
        let span = segment.id_span();
        let markdown = segment_hover(id);
        let (headline, about) = match markdown.split_once("\n\n") {
            Some((first, rest)) => (format!("**{first}**"), Some(rest.to_string())),
            None => (markdown, None),
        };
        return Some(Place { span, headline, about });
    }
    let element = segment.element(location.element)?;
    let mut label = format!("{id}{:02}", location.element);
    let mut span = element.span();
    let pointers = pointer_targets(text, file, location.segment, location.element);
    // A component of a composite is named by its own position (`SV101-2`); the pointers are
    // one list, named as a whole.
    let mut part = None;
    if element.component_count() > 1 && location.component > 0 && pointers.is_none() {
        let _ = write!(label, "-{}", location.component);
        part = component_name(id, location.element, location.component);
        if let Some(component) = element
            .repetition(location.repetition.max(1))
            .and_then(|r| r.component(location.component))
        {
            span = component;
        }
    }
    let Some(described) = describe_element(id, location.element) else {
        let headline = match describe_segment(id) {
            Some(_) => format!("**{label}** — an element claimls does not read"),
            None => format!("**{label}** — segment {id} is not one claimls reads"),
        };
        return Some(Place { span, headline, about: None });
    };
    let mut headline = format!("**{label}** — {}", described.name);
    if let Some(detail) = pointers.or(part.map(str::to_string)) {
        let _ = write!(headline, ": {detail}");
    }
    Some(Place { span, headline, about: Some(described.about.to_string()) })
}

/// What a component of the composites claimls reads holds.
fn component_name(segment: &str, element: usize, component: usize) -> Option<&'static str> {
    Some(match (segment, element, component) {
        ("HI", _, 1) => "qualifier",
        ("HI", _, 2) => "code",
        ("HI", _, 3) => "date format",
        ("HI", _, 4) => "date",
        ("HI", _, 9) => "present on admission",
        ("SV1", 1, _) | ("SV2", 2, _) | ("SV3", 1, _) => match component {
            1 => "qualifier",
            2 => "procedure code",
            3..=6 => "modifier",
            _ => "description",
        },
        ("CLM", 5, 1) => "place of service or facility type",
        ("CLM", 5, 2) => "what CLM05-1 is (`B` place of service, `A` facility type)",
        ("CLM", 5, 3) => "frequency",
        _ => return None,
    })
}

/// For the diagnosis pointers of a line (`SV107`, `SV311`), the HI positions they name: "HI
/// positions 1 and 2".
fn pointer_targets(text: &str, file: &X12File, segment: usize, position: usize) -> Option<String> {
    let segment = file.segment(segment);
    let id = segment.id(text);
    if !matches!((id, position), ("SV1", 7) | ("SV3", 11)) {
        return None;
    }
    let element = segment.element(position)?;
    let numbers: Vec<&str> = element
        .repetition(1)?
        .components()
        .map(|span| file.value(text, span))
        .filter(|value| !value.is_empty())
        .collect();
    match numbers.as_slice() {
        [] => None,
        [one] => Some(format!("HI position {one}")),
        [rest @ .., last] => Some(format!("HI positions {} and {last}", rest.join(", "))),
    }
}

/// The qualifiers of an HI composite (HI0n-1), with what each says.
const HI_QUALIFIERS: &[(&str, &str)] = &[
    ("ABK", "principal diagnosis (ICD-10-CM)"),
    ("ABF", "other diagnosis (ICD-10-CM)"),
    ("ABJ", "admitting diagnosis (ICD-10-CM, 837I)"),
    ("APR", "patient's reason for visit (ICD-10-CM, 837I)"),
    ("ABN", "external cause of injury (ICD-10-CM)"),
    ("BBR", "principal procedure (ICD-10-PCS, 837I)"),
    ("BBQ", "other procedure (ICD-10-PCS, 837I)"),
];

/// The qualifiers of a procedure composite (SV101-1, SV202-1).
const SERVICE_QUALIFIERS: &[(&str, &str)] = &[
    ("HC", "CPT or HCPCS Level II code"),
    ("ER", "jurisdiction-specific procedure code"),
    ("IV", "home infusion EDI coalition code"),
    ("WK", "advanced billing concepts code"),
];

const DENTAL_QUALIFIERS: &[(&str, &str)] = &[("AD", "CDT code (a HCPCS D code)")];

const DATE_FORMATS: &[(&str, &str)] =
    &[("D8", "a date, CCYYMMDD"), ("RD8", "a range of dates, CCYYMMDD-CCYYMMDD")];

const ONE_DATE: &[(&str, &str)] = &[("D8", "a date, CCYYMMDD")];

/// The kinds of identification code in NM108.
const ID_QUALIFIERS: &[(&str, &str)] = &[
    ("XX", "NPI: NM109 is a National Provider Identifier"),
    ("MI", "member id"),
    ("PI", "payer id"),
    ("46", "electronic transmitter id"),
    ("24", "employer's identification number"),
    ("34", "social security number"),
];

const ICD10CM: &[CodeSystem] = &[CodeSystem::Icd10Cm];
const ICD10PCS: &[CodeSystem] = &[CodeSystem::Icd10Pcs];
/// CPT comes only from the user's code files (none is bundled).
const SERVICES: &[CodeSystem] = &[CodeSystem::Hcpcs, CodeSystem::Cpt];
const DENTAL: &[CodeSystem] = &[CodeSystem::Hcpcs];

/// Completions inside the component at `offset`: the codes an HI composite takes after its
/// qualifier (`ABK:` ICD-10-CM, `BBR:` ICD-10-PCS …), the procedure after `HC:` in SV1/SV2 (and
/// `AD:` in SV3), modifiers in the procedure's components 3 to 6, places of service in
/// CLM05-1 and SV105, and the qualifiers where a qualifier goes (HI0n-1, SV101-1, DTP02,
/// DMG01, NM108). Each item replaces the whole component under the cursor.
pub fn completions(
    text: &str,
    file: &X12File,
    naming: &dyn Naming,
    sets: &CodeSets,
    offset: usize,
) -> CompletionList {
    let offset = clamp(text, offset);
    let Some(location) = file.location_at(offset) else { return CompletionList::default() };
    if location.element == 0 {
        return CompletionList::default();
    }
    let segment = file.segment(location.segment);
    let id = segment.id(text);
    let Some(repetition) = segment
        .element(location.element)
        .and_then(|element| element.repetition(location.repetition.max(1)))
    else {
        return CompletionList::default();
    };
    let component = location.component.max(1);
    let Some(replace) = repetition.component(component) else {
        return CompletionList::default();
    };
    let typed = Span::new(replace.start, offset.clamp(replace.start, replace.end));
    let qualifier = repetition.component(1).map_or("", |span| file.value(text, span));
    // The modifiers already written in components 3 to 6, but the one being typed.
    let used: Vec<String> = (3..=6)
        .filter(|&n| n != component)
        .filter_map(|n| repetition.component(n))
        .map(|span| file.value(text, span).to_ascii_uppercase())
        .filter(|value| !value.is_empty())
        .collect();
    let procedure = matches!((id, location.element), ("SV1", 1) | ("SV2", 2));
    let wanted = match (id, location.element, component) {
        ("HI", _, 1) => Wanted::Values(HI_QUALIFIERS),
        ("HI", _, 2) => match qualifier {
            "ABK" | "ABF" | "ABJ" | "APR" | "ABN" | "BK" | "BF" => Wanted::Codes(ICD10CM),
            "BBR" | "BBQ" => Wanted::Codes(ICD10PCS),
            _ => return CompletionList::default(),
        },
        ("HI", _, 3) if matches!(qualifier, "BBR" | "BBQ") => Wanted::Values(ONE_DATE),
        (_, _, 1) if procedure => Wanted::Values(SERVICE_QUALIFIERS),
        (_, _, 2) if procedure && qualifier == "HC" => Wanted::Codes(SERVICES),
        ("SV3", 1, 1) => Wanted::Values(DENTAL_QUALIFIERS),
        ("SV3", 1, 2) if qualifier == "AD" => Wanted::Codes(DENTAL),
        (_, _, 3..=6) if procedure || (id, location.element) == ("SV3", 1) => {
            Wanted::Modifiers(&used)
        }
        ("CLM", 5, 1) | ("SV1", 5, 1) | ("SV3", 3, 1) => Wanted::Places,
        ("DTP", 2, 1) => Wanted::Values(DATE_FORMATS),
        ("DMG", 1, 1) => Wanted::Values(ONE_DATE),
        ("NM1", 8, 1) => Wanted::Values(ID_QUALIFIERS),
        _ => return CompletionList::default(),
    };
    complete_value(text, sets, typed, replace, wanted, naming.dotted_codes())
}

/// The levels of the outline, outermost first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Interchange,
    Group,
    Transaction,
    BillingProvider,
    Subscriber,
    Patient,
    Claim,
    Line,
}

/// The outline: interchange (`ISA`) → functional group (`GS`) → transaction (`ST`) → billing
/// provider (`HL*20`) → subscriber (`HL*22`) → patient (`HL*23`) → claim (`CLM`, with its
/// `CLM01` and total) → service lines (`LX`). A level whose opening segment is missing is
/// skipped: its children stand one level up.
pub fn document_symbols(text: &str, file: &X12File) -> Vec<Symbol> {
    let mut roots = Vec::new();
    let mut open: Vec<(Level, Symbol)> = Vec::new();
    for segment in file.segments() {
        let id = segment.id(text);
        let opened = match id {
            "ISA" => Some(Level::Interchange),
            "GS" => Some(Level::Group),
            "ST" => Some(Level::Transaction),
            "HL" => match segment.text(3, text) {
                "20" => Some(Level::BillingProvider),
                "22" => Some(Level::Subscriber),
                "23" => Some(Level::Patient),
                _ => None,
            },
            "CLM" => Some(Level::Claim),
            "LX" => Some(Level::Line),
            _ => None,
        };
        if let Some(level) = opened {
            close(&mut open, &mut roots, |open| open >= level);
            open.push((level, symbol_for(text, segment, level)));
            continue;
        }
        // A trailer closes what it ends, itself included.
        let trailer = match id {
            "SE" => Some(Level::Transaction),
            "GE" => Some(Level::Group),
            "IEA" => Some(Level::Interchange),
            _ => None,
        };
        if let Some(level) = trailer {
            close(&mut open, &mut roots, |open| open > level);
        }
        if let Some((level, symbol)) = open.last_mut() {
            symbol.span.end = segment.span().end;
            name_from(text, segment, *level, symbol);
        }
        if let Some(level) = trailer
            && open.last().is_some_and(|(open, _)| *open == level)
        {
            close(&mut open, &mut roots, |open| open >= level);
        }
    }
    close(&mut open, &mut roots, |_| true);
    roots
}

/// Closes the innermost open levels while `closes` says so, each into its parent (or the roots).
fn close(open: &mut Vec<(Level, Symbol)>, roots: &mut Vec<Symbol>, closes: impl Fn(Level) -> bool) {
    while let Some((level, _)) = open.last() {
        if !closes(*level) {
            break;
        }
        let (_, symbol) = open.pop().expect("a last level");
        match open.last_mut() {
            Some((_, parent)) => {
                parent.span.end = parent.span.end.max(symbol.span.end);
                parent.children.push(symbol);
            }
            None => roots.push(symbol),
        }
    }
}

/// The symbol a segment opens, named by its own elements.
fn symbol_for(text: &str, segment: Segment<'_>, level: Level) -> Symbol {
    let element = |position: usize| segment.element(position).map(|e| (e.span(), e.text(text)));
    let (kind, name, detail, selection) = match level {
        Level::Interchange => {
            let number = element(13);
            (
                SymbolKind::Envelope,
                format!("interchange {}", number.map_or("", |(_, n)| n)),
                Some(format!("from {}", segment.text(6, text).trim())),
                number.map(|(span, _)| span),
            )
        }
        Level::Group => {
            let number = element(6);
            (
                SymbolKind::Envelope,
                format!("group {}", number.map_or("", |(_, n)| n)),
                Some(segment.text(8, text).to_string()),
                number.map(|(span, _)| span),
            )
        }
        Level::Transaction => {
            let number = element(2);
            let kind = match segment.text(3, text).get(..10) {
                Some("005010X222") => "837P",
                Some("005010X223") => "837I",
                Some("005010X224") => "837D",
                _ => "transaction",
            };
            (
                SymbolKind::Envelope,
                format!("{kind} {}", number.map_or("", |(_, n)| n)),
                Some(segment.text(3, text).to_string()),
                number.map(|(span, _)| span),
            )
        }
        Level::BillingProvider => (SymbolKind::Provider, "billing provider".into(), None, None),
        Level::Subscriber => (SymbolKind::Patient, "subscriber".into(), None, None),
        Level::Patient => (SymbolKind::Patient, "patient".into(), None, None),
        Level::Claim => {
            let number = element(1);
            (
                SymbolKind::Claim,
                format!("claim {}", number.map_or("", |(_, n)| n)),
                Some(format!("total {}", segment.text(2, text))),
                number.map(|(span, _)| span),
            )
        }
        Level::Line => {
            let number = element(1);
            (
                SymbolKind::Line,
                format!("line {}", number.map_or("", |(_, n)| n)),
                None,
                number.map(|(span, _)| span),
            )
        }
    };
    Symbol {
        name: name.trim_end().to_string(),
        detail: detail.filter(|d| !d.is_empty()),
        kind,
        span: segment.span(),
        selection_span: selection.filter(|s| !s.is_empty()).unwrap_or(segment.id_span()),
        children: Vec::new(),
    }
}

/// What a segment inside a level adds to its name: the billing provider's, subscriber's or
/// patient's name (`NM1*85`, `NM1*IL`, `NM1*QC`), a line's procedure and charge.
fn name_from(text: &str, segment: Segment<'_>, level: Level, symbol: &mut Symbol) {
    let id = segment.id(text);
    let entity = if id == "NM1" { segment.text(1, text) } else { "" };
    let named = matches!(
        (level, entity),
        (Level::BillingProvider, "85") | (Level::Subscriber, "IL") | (Level::Patient, "QC")
    );
    if named && symbol.detail.is_none() {
        let name: Vec<&str> =
            [3, 4].iter().map(|&p| segment.text(p, text)).filter(|n| !n.is_empty()).collect();
        symbol.detail = Some(name.join(", "));
        if let Some(last) = segment.element(3).filter(|e| !e.is_empty()) {
            symbol.selection_span = last.span();
        }
    }
    let service = match id {
        "SV1" | "SV3" => Some((1, 2)),
        "SV2" => Some((2, 3)),
        _ => None,
    };
    if let (Level::Line, Some((procedure, charge))) = (level, service) {
        let code = segment.component(procedure, 2).map_or("", |span| span.slice(text));
        symbol.name = format!("{} {code}", symbol.name);
        symbol.detail = Some(format!("charge {}", segment.text(charge, text)));
    }
}

/// The foldable loops: every level of the outline that holds more than its opening segment.
pub fn folding_ranges(text: &str, file: &X12File) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut stack = document_symbols(text, file);
    while let Some(symbol) = stack.pop() {
        spans.push(symbol.span);
        stack.extend(symbol.children);
    }
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    spans
}

/// The semantic tokens: segment ids, qualifiers, codes, dates, amounts, NPIs and the
/// separators, sorted and not overlapping.
pub fn semantic_tokens(text: &str, file: &X12File) -> Vec<SemanticToken> {
    let mut tokens = Vec::new();
    for segment in file.segments() {
        let start = tokens.len();
        let id = segment.id(text);
        let push = |tokens: &mut Vec<SemanticToken>, span: Span, kind| {
            if !span.is_empty() {
                tokens.push(SemanticToken { span, kind });
            }
        };
        push(&mut tokens, segment.id_span(), TokenKind::Keyword);
        let npi = segment.text(8, text) == "XX";
        for element in segment.elements() {
            let span = element.span();
            push(
                &mut tokens,
                Span::new(span.start.saturating_sub(1), span.start),
                TokenKind::Separator,
            );
            for (r, repetition) in element.repetitions().enumerate() {
                let rep = repetition.span();
                if r > 0 {
                    push(
                        &mut tokens,
                        Span::new(rep.start.saturating_sub(1), rep.start),
                        TokenKind::Separator,
                    );
                }
                let qualifier = repetition.component(1).map_or("", |c| file.value(text, c));
                for (c, component) in repetition.components().enumerate() {
                    if c > 0 {
                        let separator =
                            Span::new(component.start.saturating_sub(1), component.start);
                        push(&mut tokens, separator, TokenKind::Separator);
                    }
                    let kind = token_kind(id, element.position, c + 1, qualifier, npi);
                    if let Some(kind) = kind {
                        push(&mut tokens, component, kind);
                    }
                }
            }
        }
        if let Some(terminator) = segment.terminator() {
            push(&mut tokens, Span::new(terminator, terminator + 1), TokenKind::Separator);
        }
        // A separator before the first element and a wrapped piece may be out of order.
        tokens[start..].sort_by_key(|token| token.span.start);
    }
    tokens.dedup_by(|b, a| b.span.start < a.span.end);
    tokens
}

/// The kind of an element's component (1-based), where claimls knows it.
fn token_kind(
    id: &str,
    element: usize,
    component: usize,
    qualifier: &str,
    npi: bool,
) -> Option<TokenKind> {
    use TokenKind::*;
    Some(match (id, element, component) {
        ("HI", _, 1) => Qualifier,
        ("HI", _, 2) if matches!(qualifier, "BBR" | "BBQ") => ProcedureCode,
        ("HI", _, 2) => DiagnosisCode,
        ("HI", _, 3) => Qualifier,
        ("HI", _, 4) => Date,
        ("SV1", 1, 1) | ("SV2", 2, 1) | ("SV3", 1, 1) => Qualifier,
        ("SV1", 1, 2) | ("SV2", 2, 2) | ("SV3", 1, 2) => ServiceCode,
        ("SV1", 1, 3..=6) | ("SV2", 2, 3..=6) | ("SV3", 1, 3..=6) => Modifier,
        ("SV2", 1, 1) => ServiceCode,
        ("SV1", 2, 1) | ("SV2", 3, 1) | ("SV3", 2, 1) | ("CLM", 2, 1) | ("AMT", 2, 1) => Amount,
        ("SV1", 4, 1) | ("SV2", 5, 1) | ("SV3", 6, 1) => Number,
        ("SV1", 3, 1) | ("SV2", 4, 1) => Qualifier,
        ("SV1", 5, 1) | ("SV3", 3, 1) | ("CLM", 5, 1) => Number,
        ("SV1", 7, _) | ("SV3", 11, _) => Letter,
        ("CLM", 5, 2) => Qualifier,
        ("DTP", 1 | 2, 1) | ("DMG", 1, 1) | ("REF", 1, 1) | ("AMT", 1, 1) | ("HL", 3, 1) => {
            Qualifier
        }
        ("NM1", 1 | 2 | 8, 1) | ("SBR", 1 | 2, 1) | ("PRV", 1 | 2, 1) | ("PER", 1, 1) => Qualifier,
        ("NM1", 9, 1) if npi => Npi,
        ("DTP", 3, 1) | ("DMG", 2, 1) | ("BHT", 4, 1) | ("GS", 4, 1) => Date,
        ("ST" | "SE" | "GS" | "GE" | "ISA" | "IEA" | "LX" | "HL", _, 1) => Number,
        _ => return None,
    })
}

/// How [`format`] lays the segments out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One segment a line (the file's own line break after each terminator).
    Lines,
    /// All on one line, for systems that want no line breaks.
    OneLine,
}

/// The edits that lay the segments out: only the blank space between a terminator and the
/// next segment changes, never a byte inside a segment, and the delimiters stay the file's.
/// A file whose terminator is itself a line break is left alone, as is anything but blank
/// space between segments.
pub fn format(text: &str, file: &X12File, layout: Layout) -> Vec<TextEdit> {
    let line_break = match text.find('\n') {
        Some(at) if text[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    let wanted = match layout {
        Layout::Lines => line_break,
        Layout::OneLine => "",
    };
    let mut edits = Vec::new();
    let count = file.segment_count();
    for index in 0..count {
        let segment = file.segment(index);
        if matches!(segment.delimiters().segment, b'\n' | b'\r') {
            continue;
        }
        let Some(terminator) = segment.terminator() else { continue };
        let gap_start = terminator + 1;
        let gap_end = match index + 1 < count {
            true => file.segment(index + 1).span().start,
            false => text.len(),
        };
        let Some(gap) = text.get(gap_start..gap_end) else { continue };
        if !gap.bytes().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        // The last segment ends the file with a line break (one segment a line) or nothing.
        let new = if index + 1 == count && layout == Layout::Lines { line_break } else { wanted };
        let new = if index + 1 == count && layout == Layout::OneLine { gap } else { new };
        if gap != new {
            edits.push(TextEdit { span: Span::new(gap_start, gap_end), new_text: new.to_string() });
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = "ST*837*0001*005010X222A1~\nCLM*A1*100***11:B:1~\nHI*ABK:E119*ABF:I10~\n\
                         LX*1~\nSV1*HC:99213:25*100*UN*1***1:2~\n";

    fn at(needle: &str) -> usize {
        CLAIM.find(needle).unwrap()
    }

    #[test]
    fn hover_names_segments_elements_and_components() {
        let file = claimls_x12::parse(CLAIM);
        let structure = |offset| structure(CLAIM, &file, offset).unwrap().headline;
        assert!(structure(at("SV1")).starts_with("**SV1 — Professional service**"));
        assert_eq!(structure(at("1:2")), "**SV107** — Diagnosis pointers: HI positions 1 and 2");
        assert_eq!(structure(at("100*UN")), "**SV102** — Line charge");
        assert_eq!(structure(at("25*")), "**SV101-3** — Procedure: modifier");
        assert_eq!(structure(at("E119")), "**HI01-2** — Health care code 1: code");
    }

    #[test]
    fn formatting_changes_only_the_space_between_segments() {
        let text = "ISA*00~  GS*HC~\r\nST*837~SE*2~";
        let file = claimls_x12::parse(text);
        let apply = |edits: Vec<TextEdit>| {
            let mut out = text.to_string();
            for edit in edits.iter().rev() {
                out.replace_range(edit.span.range(), &edit.new_text);
            }
            out
        };
        assert_eq!(
            apply(format(text, &file, Layout::Lines)),
            "ISA*00~\r\nGS*HC~\r\nST*837~\r\nSE*2~\r\n"
        );
        assert_eq!(apply(format(text, &file, Layout::OneLine)), "ISA*00~GS*HC~ST*837~SE*2~");
    }
}
