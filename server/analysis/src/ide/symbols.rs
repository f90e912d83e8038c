//! The outline of a file, folding ranges, and code search for the workspace symbol picker.

use claimls_codes::{CodeSets, CodeSystem, SearchHit};
use claimls_syntax::{BlockKind, ProviderRole, SourceFile, Statement, StatementKind};

use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// An X12 interchange, functional group or transaction.
    Envelope,
    /// An HL7 message.
    Message,
    Claim,
    Order,
    ClaimKind,
    Patient,
    Payer,
    Provider,
    PlaceOfService,
    OrderDate,
    /// An inpatient stay.
    Stay,
    Diagnosis,
    Procedure,
    Line,
    Test,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole block or statement.
    pub span: Span,
    /// What to select when the symbol is picked: the block id, the dx letter, the code.
    pub selection_span: Span,
    pub children: Vec<Symbol>,
}

/// The outline: one symbol per block (`claim CLM-1`), with one child per statement.
pub fn document_symbols(file: &SourceFile<'_>) -> Vec<Symbol> {
    file.blocks
        .iter()
        .map(|block| {
            let (kind, keyword) = match block.kind {
                BlockKind::Claim => (SymbolKind::Claim, "claim"),
                BlockKind::Order => (SymbolKind::Order, "order"),
            };
            let name = match block.id {
                Some(id) => format!("{keyword} {}", id.text),
                None => format!("{keyword} (no id)"),
            };
            let claim_kind = block.statements.iter().find_map(|s| match &s.kind {
                StatementKind::ClaimKind { value } => Some(value.text.to_ascii_lowercase()),
                _ => None,
            });
            let detail = match (block.end, claim_kind) {
                (None, _) => Some("unclosed".to_string()),
                (Some(_), kind) => kind,
            };
            Symbol {
                name,
                detail,
                kind,
                span: block.span,
                selection_span: block.id.map_or(block.keyword, |id| id.span),
                children: block.statements.iter().map(statement_symbol).collect(),
            }
        })
        .collect()
}

fn statement_symbol(statement: &Statement<'_>) -> Symbol {
    let service_text = |service: &claimls_syntax::ServiceCode<'_>| {
        let mut text = service.code.text.to_string();
        for modifier in &service.modifiers {
            text.push('-');
            text.push_str(modifier.text);
        }
        text
    };
    let pointer_text = |pointers: &Option<claimls_syntax::Pointers<'_>>| {
        pointers.as_ref().map(|p| {
            let letters: Vec<&str> = p.letters.iter().map(|l| l.text).collect();
            format!("ptr {}", letters.join(","))
        })
    };
    let keyword = statement.keyword;
    let (kind, name, detail, selection) = match &statement.kind {
        StatementKind::ClaimKind { value } => {
            (SymbolKind::ClaimKind, format!("kind {}", value.text), None, value.span)
        }
        StatementKind::Patient { name, dob, .. } => (
            SymbolKind::Patient,
            format!("patient {}", name.map_or("", |n| n.text)),
            dob.map(|dob| format!("dob {}", dob.text)),
            name.map_or(keyword, |n| n.span),
        ),
        StatementKind::Payer { name, payer_id } => (
            SymbolKind::Payer,
            format!("payer {}", name.map_or("", |n| n.text)),
            payer_id.map(|id| format!("id {}", id.text)),
            name.map_or(keyword, |n| n.span),
        ),
        StatementKind::Provider { role, npi, name } => {
            let role = match role {
                ProviderRole::Billing => "billing",
                ProviderRole::Rendering => "rendering",
                ProviderRole::Referring => "referring",
                ProviderRole::Ordering => "ordering",
            };
            (
                SymbolKind::Provider,
                format!("{role} npi {}", npi.map_or("", |n| n.text)),
                name.map(|n| n.text.to_string()),
                npi.map_or(keyword, |n| n.span),
            )
        }
        StatementKind::PlaceOfService { code } => {
            (SymbolKind::PlaceOfService, format!("pos {}", code.text), None, code.span)
        }
        StatementKind::OrderDate { date } => {
            (SymbolKind::OrderDate, format!("date {}", date.text), None, date.span)
        }
        StatementKind::Stay { admission, discharge } => (
            SymbolKind::Stay,
            format!("stay {}..{}", admission.text, discharge.map_or("", |d| d.text)),
            None,
            admission.span,
        ),
        StatementKind::Diagnosis { letter, code } => {
            (SymbolKind::Diagnosis, format!("dx {} {}", letter.text, code.text), None, letter.span)
        }
        StatementKind::Procedure { code, date } => (
            SymbolKind::Procedure,
            format!("px {}", code.text),
            date.map(|d| format!("date {}", d.text)),
            code.span,
        ),
        StatementKind::ServiceLine { from, to, service, pointers, .. } => {
            let to = to.map(|to| format!("..{}", to.text)).unwrap_or_default();
            (
                SymbolKind::Line,
                format!("line {}{to} {}", from.text, service_text(service)),
                pointer_text(pointers),
                service.code.span,
            )
        }
        StatementKind::Test { service, pointers, .. } => (
            SymbolKind::Test,
            format!("test {}", service_text(service)),
            pointer_text(pointers),
            service.code.span,
        ),
    };
    Symbol {
        name: name.trim_end().to_string(),
        detail,
        kind,
        span: statement.span,
        selection_span: selection,
        children: Vec::new(),
    }
}

/// The claims and orders of an outline, wherever they stand in it (an X12 claim is inside its
/// envelope and loops): what `workspace/symbol` lists.
pub fn claims_and_orders(symbols: Vec<Symbol>) -> Vec<Symbol> {
    let mut found = Vec::new();
    let mut stack: Vec<Symbol> = symbols.into_iter().rev().collect();
    while let Some(symbol) = stack.pop() {
        match symbol.kind {
            SymbolKind::Claim | SymbolKind::Order => found.push(symbol),
            _ => stack.extend(symbol.children.into_iter().rev()),
        }
    }
    found
}

/// Foldable regions of the blocks: each from its header keyword to its `end` (or to the last
/// statement of an unclosed block). Sorted by start; the LSP layer turns them into lines.
pub fn folding_ranges(file: &SourceFile<'_>) -> Vec<Span> {
    file.blocks
        .iter()
        .map(|block| Span::new(block.keyword.start, block.span.end))
        .filter(|span| !span.is_empty())
        .collect()
}

/// Runs of two or more consecutive comment-only lines, each from the first `#` to the end of the
/// last comment (line end excluded). A blank line ends a run.
pub fn comment_folding_ranges(text: &str) -> Vec<Span> {
    let mut ranges = Vec::new();
    let mut run: Option<(Span, usize)> = None;
    let mut start = 0;
    while start <= text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |at| start + at);
        let line = text[start..end].trim_end();
        let trimmed = line.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if trimmed.starts_with('#') {
            let comment = Span::new(start + (line.len() - trimmed.len()), start + line.len());
            match &mut run {
                Some((span, count)) => {
                    span.end = comment.end;
                    *count += 1;
                }
                None => run = Some((comment, 1)),
            }
        } else if let Some((span, count)) = run.take()
            && count >= 2
        {
            ranges.push(span);
        }
        start = end + 1;
    }
    if let Some((span, count)) = run
        && count >= 2
    {
        ranges.push(span);
    }
    ranges
}

/// Codes of every system matching `query` (by code prefix or by words of the title), billable
/// first, at most `limit`. An empty query gives nothing.
pub fn workspace_symbols(sets: &CodeSets, query: &str, limit: usize) -> Vec<SearchHit> {
    if query.trim().is_empty() || limit == 0 {
        return Vec::new();
    }
    sets.search(query, &CodeSystem::ALL, limit).hits
}
