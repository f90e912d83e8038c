//! Any input: the parser and the lowering never panic, and every span is valid.

mod common;

use proptest::prelude::*;

/// Text made of HL7-ish pieces, so the parser's paths are reached far more often than by
/// random characters.
fn hl7ish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("MSH|^~\\&|A||B||20260302||ORM^O01|1|P|2.5.1".to_string()),
        Just("MSH#*!/%#".to_string()),
        Just("MSH|".to_string()),
        Just("MSH".to_string()),
        Just("PID|1||M1||Doe^Jane||19800412|F".to_string()),
        Just("ORC|NW|O1|||||||20260302|||1234567893^A^B^^^^^^NPI".to_string()),
        Just("OBR|1|O1||83036^A1c^C4|||20260302".to_string()),
        Just("OBR|1|O1||24725-4^CT^LN".to_string()),
        Just("DG1|1||E11.9^Dm^I10".to_string()),
        Just("DG1|1||250.00^Dm^I9C".to_string()),
        Just("DG1|1|I9|".to_string()),
        Just("ADT^A01".to_string()),
        Just("OML^O21".to_string()),
        Just("ORU^R01".to_string()),
        Just("LORC|NW|".to_string()),
        Just("\\X41\\".to_string()),
        Just("\\S\\".to_string()),
        Just("\\".to_string()),
        Just("|".to_string()),
        Just("^".to_string()),
        Just("&".to_string()),
        Just("~".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("é".to_string()),
        Just("\u{feff}".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_spans_are_valid(text in hl7ish()) {
        let file = claimls_hl7::parse(&text);
        let document = claimls_hl7::lower(&text, &file);
        common::check_all_spans(&text, &file, &document);
        for span in claimls_hl7::phi_spans(&file) {
            common::check_span(&text, span, "phi");
        }
        let mut last = 0;
        for segment in &file.segments {
            prop_assert!(segment.span.start >= last, "segments out of order");
            last = segment.span.end;
        }
        for offset in (0..=text.len() + 2).step_by(7) {
            if let Some(location) = file.location_at(&text, offset) {
                common::check_span(&text, location.span, "location");
            }
        }
    }
}
