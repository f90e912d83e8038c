//! The HL7 v2 parser and lowering never panic, on any text, and every span they return lies
//! inside the text on character boundaries: segments in order, fields inside their segment,
//! the parts an offset look-up finds, the diagnostics and their fixes, the lowered orders and
//! the PHI spans.
#![no_main]

use claimls_hl7::{lower, parse, phi_spans};
use claimls_model::{Field, Span};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what} {span:?}");
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{what} {span:?}");
}

fn check_field(text: &str, field: &Option<Field>, what: &str) {
    if let Some(field) = field {
        check(text, field.span, what);
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = parse(&text);
    let mut last = 0;
    for (index, segment) in file.segments.iter().enumerate() {
        check(&text, segment.span, "segment");
        assert!(segment.span.start >= last, "segments out of order");
        last = segment.span.end;
        for (n, field) in segment.fields.iter().enumerate() {
            check(&text, *field, "field");
            assert!(segment.span.start <= field.start && field.end <= segment.span.end);
            for repetition in segment.repetitions(&text, n + 1) {
                check(&text, repetition, "repetition");
            }
            let _ = segment.decode(&text, *field);
        }
        // A segment is never empty (blank lines are skipped), so its start finds it.
        assert_eq!(file.segment_at(segment.span.start), Some(index), "segment_at");
    }
    for offset in (0..=text.len() + 1).step_by(3) {
        if let Some(location) = file.location_at(&text, offset) {
            check(&text, location.span, "location");
        }
    }
    let document = lower(&text, &file);
    for problem in &document.problems {
        check(&text, problem.span, problem.rule);
        assert!(!problem.message.is_empty());
        for fix in &problem.fixes {
            for edit in &fix.edits {
                check(&text, edit.span, "fix");
            }
        }
    }
    for claim in &document.claims {
        check(&text, claim.header, "header");
        check(&text, claim.span, "claim");
        check_field(&text, &claim.id, "id");
        for patient in &claim.patients {
            check_field(&text, &patient.name, "name");
            check_field(&text, &patient.date_of_birth, "dob");
        }
        for provider in &claim.providers {
            check_field(&text, &provider.npi, "npi");
        }
        for dx in &claim.diagnoses {
            check(&text, dx.code.span, "dx");
            check_field(&text, &dx.system, "dx system");
        }
        for line in &claim.lines {
            check(&text, line.code.span, "test");
        }
    }
    for span in phi_spans(&file) {
        check(&text, span, "phi");
    }
});
