//! The parser: delimiters, numbering, terminators, escapes, spans and offset look-ups.

use claimls_hl7::{Hl7File, MessageKind, decode, parse};

fn slice(text: &str, span: claimls_model::Span) -> &str {
    span.slice(text)
}

fn rules(file: &Hl7File) -> Vec<&'static str> {
    file.problems.iter().map(|p| p.rule).collect()
}

#[test]
fn msh_numbering_and_default_delimiters() {
    let text = "MSH|^~\\&|APP|FAC|||20260302||ORM^O01|42|P|2.5.1\rPID|1||M1||Doe^Jane";
    let file = parse(text);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let msh = &file.segments[0];
    assert_eq!(slice(text, msh.field(1).unwrap()), "|");
    assert_eq!(slice(text, msh.field(2).unwrap()), "^~\\&");
    assert_eq!(slice(text, msh.field(3).unwrap()), "APP");
    assert_eq!(slice(text, msh.field(9).unwrap()), "ORM^O01");
    assert_eq!(slice(text, msh.component(text, 9, 2).unwrap()), "O01");
    // MSH-2 is never split, although it holds the component separator.
    assert_eq!(slice(text, msh.component(text, 2, 1).unwrap()), "^~\\&");
    assert_eq!(msh.component(text, 2, 2), None);
    let pid = &file.segments[1];
    assert_eq!(slice(text, pid.field(1).unwrap()), "1");
    assert_eq!(slice(text, pid.component(text, 5, 2).unwrap()), "Jane");
    assert_eq!(file.messages.len(), 1);
    assert_eq!(file.messages[0].kind, MessageKind::Orm);
}

#[test]
fn other_delimiters_from_msh() {
    let text = "MSH#*!/%#APP######OML*O21*OML_O21#1#P#2.6\nPID#1##A!B##Doe*Jane%Q##/S/x\n";
    let file = parse(text);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let pid = &file.segments[1];
    let d = pid.delimiters;
    assert_eq!(
        (d.field, d.component, d.repetition, d.escape, d.subcomponent),
        (b'#', b'*', b'!', Some(b'/'), b'%')
    );
    let reps: Vec<&str> = pid.repetitions(text, 3).map(|s| slice(text, s)).collect();
    assert_eq!(reps, ["A", "B"]);
    assert_eq!(slice(text, pid.value(text, 5, 1, 2, 2).unwrap()), "Q");
    assert_eq!(pid.decode(text, pid.field(7).unwrap()), "*x");
    assert_eq!(file.messages[0].kind, MessageKind::Oml);
}

#[test]
fn every_terminator_and_many_messages() {
    let text = "MSH|^~\\&|A||||||ADT^A01|1|P|2.5\r\nPID|1\rPV1|1\n\nMSH|^~\\&|B||||||ORU^R01|2|P|2.5\rOBR|1";
    let file = parse(text);
    let ids: Vec<&str> = file.segments.iter().map(|s| s.id(text)).collect();
    assert_eq!(ids, ["MSH", "PID", "PV1", "MSH", "OBR"]);
    assert_eq!(file.messages.len(), 2);
    assert_eq!(file.messages[0].segments, 0..3);
    assert_eq!(file.messages[1].segments, 3..5);
    assert_eq!(file.messages[1].kind, MessageKind::Oru);
    assert_eq!(file.terminator, "\r\n");
    assert_eq!(slice(text, file.segments[2].span), "PV1|1");
}

#[test]
fn escapes_decode_but_spans_stay_raw() {
    let text = "MSH|^~\\&|||||||ORM^O01|1|P|2.5\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X41C3A9\\g\\.br\\h\\Xzz\\\\open";
    let file = parse(text);
    let nte = &file.segments[1];
    let span = nte.field(3).unwrap();
    assert_eq!(
        slice(text, span),
        "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X41C3A9\\g\\.br\\h\\Xzz\\\\open"
    );
    assert_eq!(decode(text, span, &nte.delimiters), "a|b^c&d~e\\fAég\\.br\\h\\Xzz\\\\open");
}

#[test]
fn offsets_find_segment_field_component_subcomponent() {
    let text = "MSH|^~\\&|||||||ORM^O01|1|P|2.5\rOBR|1|P1||83036^A1c&x^C4";
    let file = parse(text);
    let at = text.find("x^C4").unwrap();
    let location = file.location_at(text, at).unwrap();
    assert_eq!(
        (
            location.segment,
            location.field,
            location.repetition,
            location.component,
            location.subcomponent
        ),
        (1, 4, 1, 2, 2)
    );
    assert_eq!(slice(text, location.span), "x");
    let on_id = file.location_at(text, text.find("OBR").unwrap() + 1).unwrap();
    assert_eq!(on_id.field, 0);
    assert_eq!(file.segment_at(2), Some(0));
    assert_eq!(file.segment_at(text.len()), Some(1));
    assert_eq!(file.segment_at(text.len() + 5), None);
    let msh2 = file.location_at(text, 5).unwrap();
    assert_eq!((msh2.field, msh2.component), (2, 1));
}

#[test]
fn bad_segments_cost_only_themselves() {
    let text =
        "MSH|^~\\&|||||||ORM^O01|1|P|2.5\rpid|1\rOB|1\rcontinued text of a wrapped line\rORC|NW|1";
    let file = parse(text);
    assert_eq!(rules(&file), ["segment", "segment", "segment"]);
    assert_eq!(file.problems[0].fixes[0].edits[0].new_text, "PID");
    assert!(file.segments[4].is("ORC"));
    assert!(!file.segments[2].well_formed);
}

#[test]
fn run_together_segments_are_split() {
    let text = "MSH|^~\\&|||||||ORM^O01|1|P|2.5\nGT1|1||Shine^Sarah|||||||Walmart^LORC|NW|ORD1\nOBR|1|ORD1";
    let file = parse(text);
    let ids: Vec<&str> = file.segments.iter().map(|s| s.name()).collect();
    assert_eq!(ids, ["MSH", "GT1", "ORC", "OBR"]);
    assert_eq!(slice(text, file.segments[1].field(10).unwrap()), "Walmart^L");
    assert_eq!(slice(text, file.segments[2].field(2).unwrap()), "ORD1");
    assert_eq!(file.problems.len(), 1);
    assert!(file.problems[0].message.contains("GT1-10"), "{}", file.problems[0].message);
    assert_eq!(file.problems[0].fixes[0].edits[0].new_text, "\n");
}

#[test]
fn malformed_msh_falls_back() {
    for text in [
        "MSH",
        "MSHA^~\\&|x",
        "MSH|^~|||||||ORM^O01|1|P|2.5",
        "MSH|^^^^|||||||ORM^O01|1|P|2.5",
        "MSH|^~\\&|||||||||P|2.5",
        "MSH|^~\\&|||||||ORM^O01|1|P|2.1",
    ] {
        let file = parse(text);
        assert!(file.problems.iter().any(|p| p.rule == "segment"), "{text}: {:?}", file.problems);
    }
}
