//! What the tests share: span checks over everything a parse and a lowering return, and a compact
//! rendering of the diagnostics and claims for snapshots.
#![allow(dead_code)]

use std::fmt::Write as _;

use claimls_model::{Claim, ClaimKind, Diagnostic, Document, Field, Span};
use claimls_x12::X12File;

pub fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: {span:?} is reversed");
    assert!(span.end <= text.len(), "{what}: {span:?} is past the end ({})", text.len());
    assert!(text.is_char_boundary(span.start), "{what}: {span:?} start not on a char boundary");
    assert!(text.is_char_boundary(span.end), "{what}: {span:?} end not on a char boundary");
}

fn check_field(text: &str, field: &Field, what: &str) {
    check_span(text, field.span, what);
}

pub fn check_diagnostics(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        check_span(text, d.span, d.rule);
        assert!(!d.message.is_empty());
        assert!(
            d.span.len() < text.len().max(1) || text.len() < 200,
            "a diagnostic spans the whole file: {d:?}"
        );
        for fix in &d.fixes {
            for edit in &fix.edits {
                check_span(text, edit.span, "fix");
            }
        }
        for related in &d.related {
            check_span(text, related.span, "related");
        }
    }
    for pair in diagnostics.windows(2) {
        assert!(pair[0].span.start <= pair[1].span.start, "diagnostics not sorted");
    }
}

/// Every span of the tree and of the lowered document is inside the text, on char boundaries.
pub fn check_all(text: &str, file: &X12File, document: &Document) {
    let mut last_end = 0;
    for segment in file.segments() {
        check_span(text, segment.span(), "segment");
        check_span(text, segment.id_span(), "segment id");
        assert!(segment.span().start >= last_end, "segments overlap");
        last_end = segment.span().end;
        for element in segment.elements() {
            check_span(text, element.span(), "element");
            assert!(
                segment.span().start <= element.span().start
                    && element.span().end <= segment.span().end
            );
            for repetition in element.repetitions() {
                check_span(text, repetition.span(), "repetition");
                for component in repetition.components() {
                    check_span(text, component, "component");
                    assert!(
                        repetition.span().start <= component.start
                            && component.end <= repetition.span().end
                    );
                }
            }
        }
        // The lookups agree with the tree.
        let start = segment.span().start;
        assert_eq!(file.segment_at(start), Some(segment.index()));
        assert!(file.location_at(start).is_some());
    }
    check_diagnostics(text, &file.problems);
    check_diagnostics(text, &document.problems);
    for claim in &document.claims {
        check_claim(text, claim);
    }
}

fn check_claim(text: &str, claim: &Claim) {
    check_span(text, claim.header, "header");
    check_span(text, claim.span, "claim");
    assert!(claim.span.start <= claim.header.start && claim.header.end <= claim.span.end);
    let fields =
        claim
            .id
            .iter()
            .chain(claim.places.iter())
            .chain(claim.patients.iter().flat_map(|p| {
                [&p.name, &p.date_of_birth, &p.sex, &p.member_id].into_iter().flatten()
            }))
            .chain(claim.payers.iter().flat_map(|p| [&p.name, &p.id].into_iter().flatten()))
            .chain(claim.providers.iter().flat_map(|p| [&p.npi, &p.name].into_iter().flatten()))
            .chain(
                claim.stay.iter().flat_map(|s| [&s.admission, &s.discharge].into_iter().flatten()),
            )
            .chain(claim.diagnoses.iter().flat_map(|d| {
                [Some(&d.label), Some(&d.code), d.system.as_ref()].into_iter().flatten()
            }))
            .chain(
                claim
                    .procedures
                    .iter()
                    .flat_map(|p| [Some(&p.code), p.date.as_ref()].into_iter().flatten()),
            )
            .chain(claim.lines.iter().flat_map(|l| {
                [&l.from, &l.to, &l.system, &l.units, &l.charge, &l.place, &l.npi]
                    .into_iter()
                    .flatten()
                    .chain(std::iter::once(&l.code))
                    .chain(l.modifiers.iter())
                    .chain(l.pointers.iter().flat_map(|p| p.items.iter().map(|i| &i.field)))
            }));
    for field in fields {
        check_field(text, field, "field");
    }
    for line in &claim.lines {
        check_span(text, line.span, "line");
        if let Some(p) = &line.pointers {
            check_span(text, p.span, "pointers");
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column =
        before.rfind('\n').map_or(before.chars().count(), |i| before[i + 1..].chars().count()) + 1;
    (line, column)
}

fn shown(text: &str, span: Span) -> String {
    let raw = span.slice(text);
    let mut s: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        s.push('…');
    }
    s.replace('\n', "\\n").replace('\r', "\\r")
}

pub fn render_diagnostics(text: &str, diagnostics: &[Diagnostic], out: &mut String) {
    for d in diagnostics {
        let (line, column) = line_col(text, d.span.start);
        let _ =
            writeln!(out, "{line}:{column} {} `{}`: {}", d.rule, shown(text, d.span), d.message);
        for fix in &d.fixes {
            let edits: Vec<String> = fix
                .edits
                .iter()
                .map(|e| format!("{}..{} {:?}", e.span.start, e.span.end, e.new_text))
                .collect();
            let _ = writeln!(out, "    fix {}: {}", fix.label, edits.join(", "));
        }
    }
}

fn f(text: &str, field: &Option<Field>) -> String {
    field.as_ref().map_or("-".into(), |f| f.text(text).to_string())
}

pub fn render_claims(text: &str, document: &Document, out: &mut String) {
    for claim in &document.claims {
        let kind = match claim.kind {
            ClaimKind::Professional => "professional",
            ClaimKind::Outpatient => "outpatient",
            ClaimKind::Inpatient => "inpatient",
            ClaimKind::Order => "order",
        };
        let _ = writeln!(
            out,
            "claim {} {kind} place {}",
            f(text, &claim.id),
            claim.places.first().map_or("-", |p| p.text(text))
        );
        for p in &claim.patients {
            let _ = writeln!(
                out,
                "  patient {} dob {} sex {} member {}",
                f(text, &p.name),
                f(text, &p.date_of_birth),
                f(text, &p.sex),
                f(text, &p.member_id)
            );
        }
        for p in &claim.payers {
            let _ = writeln!(out, "  payer {} id {}", f(text, &p.name), f(text, &p.id));
        }
        for p in &claim.providers {
            let _ = writeln!(out, "  {:?} npi {} {}", p.role, f(text, &p.npi), f(text, &p.name));
        }
        if let Some(stay) = &claim.stay {
            let _ =
                writeln!(out, "  stay {}..{}", f(text, &stay.admission), f(text, &stay.discharge));
        }
        if !claim.diagnoses.is_empty() {
            let dx: Vec<String> = claim
                .diagnoses
                .iter()
                .map(|d| {
                    format!(
                        "{}:{}={}",
                        d.key.map_or("?".into(), |k| k.to_string()),
                        d.label.text(text),
                        d.code.text(text)
                    )
                })
                .collect();
            let _ = writeln!(out, "  dx {}", dx.join(" "));
        }
        for p in &claim.procedures {
            let _ = writeln!(out, "  px {} {}", p.code.text(text), f(text, &p.date));
        }
        for l in &claim.lines {
            let mut code = format!("{}:{}", f(text, &l.system), l.code.text(text));
            for m in &l.modifiers {
                code.push('-');
                code.push_str(m.text(text));
            }
            let pointers = l.pointers.as_ref().map_or("-".into(), |p| {
                p.items
                    .iter()
                    .map(|i| {
                        format!(
                            "{}({})",
                            i.field.text(text),
                            i.key.map_or("?".into(), |k| k.to_string())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            });
            let _ = writeln!(
                out,
                "  line {}{} {code} ptr {pointers} units {} charge {} pos {} npi {}{}",
                f(text, &l.from),
                l.to.as_ref().map_or(String::new(), |t| format!("..{}", t.text(text))),
                f(text, &l.units),
                f(text, &l.charge),
                f(text, &l.place),
                f(text, &l.npi),
                if l.unreadable { " UNREADABLE" } else { "" }
            );
        }
        if !claim.unreadable.is_empty() {
            let _ = writeln!(out, "  unreadable {:?}", claim.unreadable);
        }
    }
}

/// The snapshot of one file: its diagnostics, then its claims.
pub fn render(text: &str) -> String {
    let file = claimls_x12::parse(text);
    let document = claimls_x12::lower(text, &file);
    check_all(text, &file, &document);
    // The same diagnostics whichever way they are asked for.
    assert_eq!(claimls_x12::diagnostics(text, &file), document.problems);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "== {} segments, {} diagnostics",
        file.segment_count(),
        document.problems.len()
    );
    render_diagnostics(text, &document.problems, &mut out);
    let _ = writeln!(out, "== {} claims", document.claims.len());
    render_claims(text, &document, &mut out);
    out
}
