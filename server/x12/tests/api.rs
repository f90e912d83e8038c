//! The parser's and the lowering's promises, one at a time.

use claimls_model::{ClaimKind, DateOrder, Naming, Part, ProviderRole, SyntaxKind};
use claimls_x12::{Delimiters, NAMING, NAMING_837D, NAMING_837I, parse};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

#[test]
fn delimiters_come_from_the_isa() {
    let text = fixture("parse_other_delimiters.x12");
    let file = parse(&text);
    assert_eq!(
        file.delimiters(),
        Delimiters { element: b'|', repetition: Some(b'`'), component: b'>', segment: b'!' }
    );
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    // ISA11 `U` (an identifier, as before 5010) is no repetition separator.
    let text = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260302*1200*U*00501*000000001*0*P*:~";
    assert_eq!(parse(text).delimiters().repetition, None);
    // A line break as the terminator.
    let file = parse(&fixture("parse_newline_terminator.x12"));
    assert_eq!(file.delimiters().segment, b'\n');
    // No envelope: the usual ones.
    let file = parse("ST*837*0001*005010X222A1~SE*2*0001~");
    assert_eq!(file.delimiters(), Delimiters::default());
    assert!(file.no_envelope);
}

#[test]
fn spans_are_exact() {
    let text = "ST*837*0001~\r\nSV1*HC:99213:25*125*UN*1***1:2~\r\nSE*3*0001~";
    let file = parse(text);
    assert_eq!(file.segment_count(), 3);
    let sv1 = file.segment(1);
    assert_eq!(sv1.id(text), "SV1");
    assert_eq!(sv1.span().slice(text), "SV1*HC:99213:25*125*UN*1***1:2");
    assert_eq!(sv1.span_with_terminator().slice(text), "SV1*HC:99213:25*125*UN*1***1:2~");
    let procedure = sv1.element(1).unwrap();
    assert_eq!(procedure.text(text), "HC:99213:25");
    assert_eq!(procedure.component_count(), 3);
    assert_eq!(procedure.component(2).unwrap().slice(text), "99213");
    assert_eq!(sv1.element(6).unwrap().text(text), "");
    assert_eq!(sv1.component(7, 2).unwrap().slice(text), "2");
    assert!(sv1.element(8).is_none());
    // The lookups editors need.
    let at = text.find("99213").unwrap() + 2;
    assert_eq!(file.segment_at(at), Some(1));
    let location = file.location_at(at).unwrap();
    assert_eq!(
        (location.segment, location.element, location.repetition, location.component),
        (1, 1, 1, 2)
    );
    let on_id = file.location_at(text.find("SV1").unwrap()).unwrap();
    assert_eq!((on_id.segment, on_id.element), (1, 0));
    assert_eq!(file.segment_at(text.len() + 5), None);
}

#[test]
fn repetitions_are_kept() {
    let text = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260302*1200*^*00501*000000001*0*P*:~\nPWK*OZ^AB:1*BM~";
    let file = parse(text);
    let pwk = file.segment(1);
    let element = pwk.element(1).unwrap();
    assert_eq!(element.repetition_count(), 2);
    let second = element.repetition(2).unwrap();
    assert_eq!(second.span().slice(text), "AB:1");
    assert_eq!(second.component(2).unwrap().slice(text), "1");
}

#[test]
fn a_bad_segment_costs_only_itself() {
    let text = "ST*837*0001~nm1*85~HL*1**20*0~SE*4*0001~";
    let file = parse(text);
    assert_eq!(file.segment_count(), 4);
    assert_eq!(file.segment(2).id(text), "HL");
    assert_eq!(file.problems.len(), 1);
    assert_eq!(file.problems[0].span.slice(text), "nm1");
}

#[test]
fn lowering_follows_the_contract() {
    let text = std::fs::read_to_string(format!(
        "{}/../../examples/x12/clean-837p-batch.837",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let file = parse(&text);
    let document = claimls_x12::lower(&text, &file);
    assert_eq!(document.claims.len(), 4);
    let first = &document.claims[0];
    assert_eq!(first.kind, ClaimKind::Professional);
    assert_eq!(first.id.as_ref().unwrap().text(&text), "CLM-2026-0101");
    assert!(first.header.slice(&text).starts_with("CLM*CLM-2026-0101*"));
    // Diagnoses in HI order, keys from 0, the qualifier as label and system.
    let dx: Vec<_> =
        first.diagnoses.iter().map(|d| (d.key, d.label.text(&text), d.code.text(&text))).collect();
    assert_eq!(dx[0], (Some(0), "ABK", "E119"));
    assert_eq!(dx[3], (Some(3), "ABF", "Z794"));
    // SV107 `1:2:3:4` points to keys 0..4.
    let pointers = first.lines[0].pointers.as_ref().unwrap();
    assert_eq!(pointers.span.slice(&text), "1:2:3:4");
    assert_eq!(
        pointers.items.iter().map(|p| p.key).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(2), Some(3)]
    );
    // Billing and rendering providers with their NPIs.
    let billing = first.providers.iter().find(|p| p.role == ProviderRole::Billing).unwrap();
    assert_eq!(billing.npi.as_ref().unwrap().text(&text), "1528304615");
    assert!(first.providers.iter().any(|p| p.role == ProviderRole::Rendering));
    // A range of dates is split into its own sub-spans; four modifiers.
    let therapy = &document.claims[1].lines[0];
    assert_eq!(therapy.from.as_ref().unwrap().text(&text), "20260302");
    assert_eq!(therapy.to.as_ref().unwrap().text(&text), "20260306");
    assert_eq!(
        therapy.modifiers.iter().map(|m| m.text(&text)).collect::<Vec<_>>(),
        ["GP", "KX", "CQ", "59"]
    );
    // A line-level rendering provider (2420A) is the line's NPI.
    assert_eq!(document.claims[1].lines[1].npi.as_ref().unwrap().text(&text), "1679452031");
    // The patient from 2010CA when the patient is not the subscriber, with the subscriber's id.
    let dependent = &document.claims[2];
    let patient = &dependent.patients[0];
    assert_eq!(patient.name.as_ref().unwrap().text(&text), "NGUYEN, LINH");
    assert_eq!(patient.date_of_birth.as_ref().unwrap().text(&text), "19910622");
    assert_eq!(patient.member_id.as_ref().unwrap().text(&text), "ACM551902300");
    assert!(dependent.providers.iter().any(|p| p.role == ProviderRole::Referring));
    assert_eq!(dependent.places[0].text(&text), "11");
}

#[test]
fn institutional_and_dental_kinds() {
    let read = |name: &str| {
        std::fs::read_to_string(format!("{}/../../examples/x12/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    let text = read("clean-837i-hospital.837");
    let document = claimls_x12::lower(&text, &parse(&text));
    assert_eq!(document.claims[0].kind, ClaimKind::Outpatient);
    let inpatient = &document.claims[1];
    assert_eq!(inpatient.kind, ClaimKind::Inpatient);
    let stay = inpatient.stay.as_ref().unwrap();
    assert_eq!(stay.admission.as_ref().unwrap().text(&text), "202604010830");
    assert_eq!(stay.discharge.as_ref().unwrap().text(&text), "20260403");
    assert_eq!(inpatient.procedures[0].code.text(&text), "0DTJ4ZZ");
    assert_eq!(inpatient.procedures[0].date.as_ref().unwrap().text(&text), "20260402");
    assert!(inpatient.providers.iter().any(|p| p.role == ProviderRole::Attending));
    let text = read("clean-837d-dental.837");
    let document = claimls_x12::lower(&text, &parse(&text));
    assert_eq!(document.claims[0].kind, ClaimKind::Professional);
    assert_eq!(document.claims[0].lines[1].code.text(&text), "D2391");
    assert_eq!(document.claims[0].lines[1].pointers.as_ref().unwrap().items[0].key, Some(0));
}

#[test]
fn npi_only_when_the_qualifier_says_so() {
    let text = fixture("qualifier_nm108.x12");
    let document = claimls_x12::lower(&text, &parse(&text));
    let claim = &document.claims[0];
    assert!(claim.providers.iter().all(|p| p.npi.is_none()));
}

#[test]
fn naming_speaks_x12() {
    assert_eq!(NAMING.syntax(), SyntaxKind::X12);
    assert_eq!(NAMING.date_order(), DateOrder::Compact);
    assert_eq!(NAMING.label(Some(2), ""), "3");
    assert_eq!(NAMING.dx_reference("3"), "HI position 3");
    assert_eq!(NAMING.words().sex, "DMG03");
    assert_eq!(NAMING_837D.words().pointers, "SV311");
    assert_eq!(NAMING_837I.words().pointers, "SV107");
    assert!(!NAMING.dotted_codes());
    for part in [Part::Patient, Part::Billing, Part::Diagnosis, Part::Line, Part::Procedure] {
        let (field, how) = NAMING.missing(part);
        assert!(!field.is_empty() && how.starts_with("add "), "{part:?}");
    }
}

#[test]
fn descriptions_in_our_words() {
    let clm = claimls_x12::describe_segment("CLM").unwrap();
    assert!(clm.loops.contains("2300"));
    assert_eq!(claimls_x12::describe_element("SV1", 7).unwrap().name, "Diagnosis pointers");
    assert_eq!(claimls_x12::element_name("NM1", 9), "NM109 (Identification code)");
    assert_eq!(claimls_x12::segment_hover("XYZ"), "segment XYZ is not one claimls reads");
    let segments = claimls_x12::segment_descriptions();
    let elements: usize = segments.iter().map(|s| s.elements.len()).sum();
    assert!(
        segments.len() >= 40 && elements >= 150,
        "{} segments, {elements} elements",
        segments.len()
    );
    for segment in segments {
        assert!(!segment.about.is_empty() && !segment.loops.is_empty(), "{}", segment.id);
        let mut last = 0;
        for element in segment.elements {
            assert!(element.position > last, "{} elements in order", segment.id);
            last = element.position;
            assert!(!element.about.is_empty());
        }
    }
    assert!(claimls_x12::looks_like_x12("\u{feff}  ISA*00"));
    assert!(claimls_x12::looks_like_x12("ST*837*1~"));
    assert!(!claimls_x12::looks_like_x12("claim A\nend\n"));
}
