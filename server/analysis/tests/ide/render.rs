//! Renders the result of each feature as compact text for snapshots.

use std::fmt::Write as _;

use claimls_analysis::Span;
use claimls_analysis::ide::{self, HighlightKind, Symbol};
use claimls_analysis::syntax::{NAMING, lower};

use crate::fixture::Fixture;

/// The text with each span wrapped in `open`/`close`; spans sorted, not overlapping.
fn mark(text: &str, spans: &[(Span, &str, &str)]) -> String {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|(span, _, _)| (span.start, span.end));
    let mut out = String::new();
    let mut last = 0;
    for (span, open, close) in spans {
        out.push_str(&text[last..span.start]);
        out.push_str(open);
        out.push_str(&text[span.start..span.end]);
        out.push_str(close);
        last = span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Line ends made visible where they are CRLF.
fn visible(text: &str) -> String {
    text.replace('\r', "␍")
}

pub fn hover(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    match ide::hover(
        &fixture.text,
        &lower(&fixture.text, &file),
        &NAMING,
        fixture.sets(),
        fixture.offset,
    ) {
        Some(hover) => {
            format!("on {:?}\n---\n{}", hover.span.slice(&fixture.text), hover.markdown)
        }
        None => "no hover".to_string(),
    }
}

pub fn completion(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let list = ide::completions(&fixture.text, &file, fixture.sets(), fixture.offset);
    let mut out = format!("incomplete: {}, {} items\n", list.is_incomplete, list.items.len());
    let mut items = list.items.clone();
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    for item in &items {
        let _ = write!(
            out,
            "{} [{:?}] replace {:?}",
            item.label,
            item.kind,
            item.replace.slice(&fixture.text)
        );
        if let Some(detail) = &item.detail {
            let _ = write!(out, " — {detail}");
        }
        if item.insert_text != item.label {
            let _ = write!(out, " | insert {:?}", item.insert_text);
        }
        if let Some(filter) = &item.filter_text {
            let _ = write!(out, " | filter {filter:?}");
        }
        if item.documentation.is_some() {
            out.push_str(" | +doc");
        }
        if item.is_snippet {
            out.push_str(" | snippet");
        }
        out.push('\n');
    }
    out
}

pub fn definition(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    match ide::definition(&lower(&fixture.text, &file), fixture.offset) {
        Some(span) => mark(&fixture.text, &[(span, "[[", "]]")]),
        None => "no definition".to_string(),
    }
}

pub fn references(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let spans =
        ide::references(&lower(&fixture.text, &file), fixture.offset, fixture.include_declaration);
    if spans.is_empty() {
        return "no references".to_string();
    }
    let marks: Vec<_> = spans.iter().map(|span| (*span, "[[", "]]")).collect();
    format!("{} references\n{}", spans.len(), mark(&fixture.text, &marks))
}

pub fn highlights(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let spans = ide::highlights(&lower(&fixture.text, &file), fixture.offset);
    if spans.is_empty() {
        return "no highlights".to_string();
    }
    let marks: Vec<_> = spans
        .iter()
        .map(|(span, kind)| match kind {
            HighlightKind::Write => (*span, "<<", ">>"),
            HighlightKind::Read => (*span, "[[", "]]"),
        })
        .collect();
    mark(&fixture.text, &marks)
}

pub fn rename(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let new_name = fixture.rename_to.as_deref().unwrap_or("B");
    match ide::rename(
        &fixture.text,
        &lower(&fixture.text, &file),
        &NAMING,
        fixture.offset,
        new_name,
    ) {
        Ok(edits) => {
            let mut out = String::new();
            let mut last = 0;
            for edit in &edits {
                out.push_str(&fixture.text[last..edit.span.start]);
                out.push_str(&edit.new_text);
                last = edit.span.end;
            }
            out.push_str(&fixture.text[last..]);
            format!("rename to {new_name:?}: {} edits\n{out}", edits.len())
        }
        Err(message) => format!("rename to {new_name:?}: error: {message}"),
    }
}

fn symbol(out: &mut String, text: &str, symbol: &Symbol, depth: usize) {
    let _ = write!(
        out,
        "{:indent$}{:?} {:?} select {:?}",
        "",
        symbol.kind,
        symbol.name,
        symbol.selection_span.slice(text),
        indent = depth * 2
    );
    if let Some(detail) = &symbol.detail {
        let _ = write!(out, " ({detail})");
    }
    let first_line = symbol.span.slice(text).lines().next().unwrap_or("");
    let _ = writeln!(out, " span {}..{} {:?}", symbol.span.start, symbol.span.end, first_line);
    for child in &symbol.children {
        self::symbol(out, text, child, depth + 1);
    }
}

pub fn symbols(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let mut out = String::new();
    for s in ide::document_symbols(&file) {
        symbol(&mut out, &fixture.text, &s, 0);
    }
    if out.is_empty() { "no symbols".to_string() } else { out }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

pub fn folding(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let mut out = String::new();
    let blocks = ide::folding_ranges(&file);
    let comments = ide::comment_folding_ranges(&fixture.text);
    for (what, spans) in [("block", blocks), ("comments", comments)] {
        for span in spans {
            let _ = writeln!(
                out,
                "{what}: lines {}-{} {:?}",
                line_of(&fixture.text, span.start),
                line_of(&fixture.text, span.end),
                span.slice(&fixture.text).lines().next().unwrap_or("")
            );
        }
    }
    if out.is_empty() { "no folding ranges".to_string() } else { out }
}

pub fn inlay(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let hints = ide::inlay_hints(
        &fixture.text,
        &lower(&fixture.text, &file),
        fixture.sets(),
        fixture.range,
    );
    let mut out = String::new();
    let mut last = 0;
    for hint in &hints {
        out.push_str(&fixture.text[last..hint.offset]);
        let _ = write!(out, "⟨{}⟩", hint.label);
        last = hint.offset;
    }
    out.push_str(&fixture.text[last..]);
    format!("{} hints\n{out}", hints.len())
}

pub fn format(fixture: &Fixture) -> String {
    let file = claimls_analysis::syntax::parse(&fixture.text);
    let edits = ide::format(&fixture.text, &file);
    let formatted = ide::format_text(&fixture.text);
    format!("{} edits\n{}", edits.len(), visible(&formatted))
}

pub fn workspace(fixture: &Fixture) -> String {
    let query = fixture.text.trim();
    let hits = ide::workspace_symbols(fixture.sets(), query, 10);
    let mut out = format!("query {query:?}: {} hits\n", hits.len());
    for hit in hits {
        let _ = writeln!(
            out,
            "{} {}{} — {}",
            hit.system.name(),
            hit.code,
            if hit.billable { "" } else { " (header)" },
            hit.title
        );
    }
    out
}
