//! Presentation mode masks what identifies a person: the spans `phi_spans` returns.

use claimls_hl7::{parse, phi_spans};

#[test]
fn names_dates_addresses_phones_and_ids_of_pid_nk1_gt1_in1() {
    let text = "MSH|^~\\&|EHR||LAB||20260302||ORM^O01|1|P|2.5.1\r\
                PID|1||MRN1^^^CLINIC^MR||O\\T\\Brien^Mary\\S\\Ann||19800412|F|||1 Main St^^Springfield^IL||555-0100\r\
                NK1|1|O'Brien^Sean|SPO|1 Main St|555-0101\r\
                GT1|1|G7|O'Brien^Sean||1 Main St|555-0101||19790101\r\
                IN1|1|PLAN|60054|Acme Health||||||||||||O'Brien^Sean||19790101|1 Main St\r\
                ORC|NW|ORD-1\rOBR|1|ORD-1||83036^A1c^C4\rDG1|1||E11.9^Type 2 diabetes^I10C\r";
    let file = parse(text);
    let masked: Vec<&str> = phi_spans(&file).iter().map(|span| span.slice(text)).collect();
    assert_eq!(
        masked,
        [
            "MRN1^^^CLINIC^MR",
            "O\\T\\Brien^Mary\\S\\Ann",
            "19800412",
            "1 Main St^^Springfield^IL",
            "555-0100",
            "O'Brien^Sean",
            "1 Main St",
            "555-0101",
            "G7",
            "O'Brien^Sean",
            "1 Main St",
            "555-0101",
            "19790101",
            "O'Brien^Sean",
            "19790101",
            "1 Main St",
        ]
    );
    // Nothing of the order, the codes or the sex is masked.
    for span in phi_spans(&file) {
        let inside = span.slice(text);
        assert!(!inside.contains("E11.9") && !inside.contains("ORD-1") && inside != "F");
    }
}

#[test]
fn malformed_segments_and_other_delimiters() {
    let text =
        "MSH#*!/%#EHR######ORM*O01#1#P#2.5.1\rPID#1##MRN1##Doe*Jane##19800412\rpid#1##MRN2\r";
    let file = parse(text);
    let masked: Vec<&str> = phi_spans(&file).iter().map(|span| span.slice(text)).collect();
    assert_eq!(masked, ["MRN1", "Doe*Jane", "19800412"]);
}
