//! Shared by the tests: a compact, reviewable rendering of what a file lowers to, and the
//! span checks every input must pass.

#![allow(dead_code)] // each test binary uses part of it

use std::fmt::Write;

use claimls_hl7::Hl7File;
use claimls_model::{Document, Field, Span};

/// Asserts that `span` lies inside `text` on character boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what} {span:?} outside the text");
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?} splits a character"
    );
}

/// Every span of a parse and its lowering is valid.
pub fn check_all_spans(text: &str, file: &Hl7File, document: &Document) {
    for segment in &file.segments {
        check_span(text, segment.span, "segment");
        check_span(text, segment.id, "segment id");
        for (n, field) in segment.fields.iter().enumerate() {
            check_span(text, *field, "field");
            assert!(
                segment.span.start <= field.start && field.end <= segment.span.end,
                "field outside its segment"
            );
            for rep in segment.repetitions(text, n + 1) {
                check_span(text, rep, "repetition");
            }
        }
    }
    for problem in &document.problems {
        check_span(text, problem.span, problem.rule);
        assert!(!problem.message.is_empty());
        for fix in &problem.fixes {
            for edit in &fix.edits {
                check_span(text, edit.span, "fix");
            }
        }
    }
    let fields = |claim: &claimls_model::Claim| -> Vec<Span> {
        let mut spans = vec![claim.header, claim.span];
        let mut add = |field: &Option<Field>| spans.extend(field.as_ref().map(|f| f.span));
        add(&claim.id);
        for patient in &claim.patients {
            add(&patient.name);
            add(&patient.date_of_birth);
            add(&patient.sex);
            add(&patient.member_id);
        }
        for provider in &claim.providers {
            add(&provider.npi);
            add(&provider.name);
        }
        for dx in &claim.diagnoses {
            add(&Some(dx.code.clone()));
            add(&Some(dx.label.clone()));
            add(&dx.system);
        }
        for line in &claim.lines {
            add(&Some(line.code.clone()));
            add(&line.system);
        }
        for date in &claim.order_dates {
            add(&Some(date.clone()));
        }
        spans
    };
    for claim in &document.claims {
        for span in fields(claim) {
            check_span(text, span, "claim part");
        }
    }
}

fn value(text: &str, field: &Option<Field>) -> String {
    field.as_ref().map_or("-".to_string(), |f| f.text(text).to_string())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n' || b == b'\r').count() + 1
}

/// The diagnostics, then one line per lowered order.
pub fn render(text: &str, document: &Document) -> String {
    let mut out = String::new();
    for problem in &document.problems {
        let _ = writeln!(
            out,
            "{}:{} {} {:?}: {}",
            line_of(text, problem.span.start),
            problem.rule,
            problem.span.slice(text),
            problem.span.range(),
            problem.message
        );
        for fix in &problem.fixes {
            let edits: Vec<String> = fix
                .edits
                .iter()
                .map(|e| format!("{:?}@{}..{}", e.new_text, e.span.start, e.span.end))
                .collect();
            let _ = writeln!(out, "    fix {}: {}", fix.label, edits.join(", "));
        }
    }
    for claim in &document.claims {
        let patient = claim.patients.first();
        let _ = write!(
            out,
            "order {} line {} date={} patient={} dob={} sex={} member={}",
            value(text, &claim.id),
            line_of(text, claim.header.start),
            claim.order_dates.first().map_or("-".to_string(), |d| d.text(text).to_string()),
            patient.map_or("-".to_string(), |p| value(text, &p.name)),
            patient.map_or("-".to_string(), |p| value(text, &p.date_of_birth)),
            patient.map_or("-".to_string(), |p| value(text, &p.sex)),
            patient.map_or("-".to_string(), |p| value(text, &p.member_id)),
        );
        for provider in &claim.providers {
            let _ = write!(out, " {:?}:npi={}", provider.role, value(text, &provider.npi));
        }
        for line in &claim.lines {
            let _ = write!(out, " test={}^{}", line.code.text(text), value(text, &line.system));
        }
        for dx in &claim.diagnoses {
            let key = dx.key.map_or("-".to_string(), |k| k.to_string());
            let _ = write!(out, " dx[{key}]={}^{}", dx.code.text(text), value(text, &dx.system));
        }
        if !claim.unreadable.is_empty() {
            let _ = write!(out, " unreadable={:?}", claim.unreadable);
        }
        out.push('\n');
    }
    out
}
