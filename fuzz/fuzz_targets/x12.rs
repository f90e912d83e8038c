//! The X12 parser, the 837 structure check and the lowering never panic, on any bytes; every
//! span they return (segments, elements, repetitions, components, diagnostics and their fixes,
//! every field of every lowered claim) is inside the text, on character boundaries; the
//! diagnostics are sorted; the lookups at any offset answer inside the text.
#![no_main]

use claimls_model::{Diagnostic, Field, Span};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what} {span:?}");
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?}"
    );
}

fn check_diagnostics(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        check(text, d.span, d.rule);
        assert!(!d.message.is_empty());
        for edit in d.fixes.iter().flat_map(|f| &f.edits) {
            check(text, edit.span, "fix");
        }
        for related in &d.related {
            check(text, related.span, "related");
        }
    }
    for pair in diagnostics.windows(2) {
        assert!(pair[0].span.start <= pair[1].span.start, "diagnostics out of order");
    }
}

fn field(text: &str, field: &Field) {
    check(text, field.span, "field");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let file = claimls_x12::parse(text);
    for segment in file.segments() {
        check(text, segment.span(), "segment");
        check(text, segment.id_span(), "segment id");
        for element in segment.elements() {
            check(text, element.span(), "element");
            for repetition in element.repetitions() {
                check(text, repetition.span(), "repetition");
                for component in repetition.components() {
                    check(text, component, "component");
                }
            }
        }
    }
    check_diagnostics(text, &file.problems);
    let document = claimls_x12::lower(text, &file);
    check_diagnostics(text, &document.problems);
    for claim in &document.claims {
        check(text, claim.span, "claim");
        check(text, claim.header, "header");
        claim.id.iter().chain(&claim.places).for_each(|f| field(text, f));
        for d in &claim.diagnoses {
            field(text, &d.code);
            field(text, &d.label);
        }
        for p in &claim.procedures {
            field(text, &p.code);
            p.date.iter().for_each(|f| field(text, f));
        }
        for line in &claim.lines {
            check(text, line.span, "line");
            field(text, &line.code);
            line.modifiers.iter().for_each(|f| field(text, f));
            [&line.from, &line.to, &line.units, &line.charge, &line.place, &line.npi]
                .into_iter()
                .flatten()
                .for_each(|f| field(text, f));
            for pointer in line.pointers.iter().flat_map(|p| &p.items) {
                field(text, &pointer.field);
            }
        }
    }
    for offset in (0..=text.len() + 1).step_by(1 + text.len() / 32) {
        if let Some(location) = file.location_at(offset) {
            check(text, file.segment(location.segment).span(), "located");
        }
    }
});
