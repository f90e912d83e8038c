//! How the rules name the parts of an HL7 order in their messages: fields by segment and
//! number ("DG1-3", "OBR-4"), dates `YYYYMMDD`, diagnoses by their DG1 set id.

use claimls_model::{DateOrder, Line, Naming, Part, Pointers, Span, SyntaxKind, TextEdit, Words};

/// The words of HL7 v2.
#[derive(Debug)]
pub struct Hl7Naming;

/// The [`Naming`] of HL7 v2 documents.
pub static NAMING: Hl7Naming = Hl7Naming;

static WORDS: Words = Words {
    dx: "DG1",
    dx_label: "DG1 set id",
    labels: "set ids",
    labelled: "DG1 set ids",
    pointers: "the DG1 set ids",
    block: "order",
    sex: "PID-8",
};

impl Naming for Hl7Naming {
    fn syntax(&self) -> SyntaxKind {
        SyntaxKind::Hl7
    }

    fn words(&self) -> &'static Words {
        &WORDS
    }

    fn date_order(&self) -> DateOrder {
        DateOrder::Compact
    }

    fn label(&self, key: Option<u32>, written: &str) -> String {
        claimls_model::position_label(key, written)
    }

    fn dx_reference(&self, label: &str) -> String {
        format!("DG1 set id {label}")
    }

    fn label_range(&self, limit: usize) -> String {
        format!("set ids 1 to {limit}")
    }

    fn missing(&self, part: Part) -> (&'static str, &'static str) {
        match part {
            Part::Patient => (
                "patient (PID)",
                "add a PID segment before the first ORC, with PID-5 (name), PID-7 (date of \
                 birth) and PID-8 (sex)",
            ),
            Part::Billing => (
                "billing provider",
                "add the provider with an NPI (`<NPI>^<family>^<given>^^^^^^^^^^NPI`)",
            ),
            Part::Ordering => (
                "ordering provider (ORC-12)",
                "add the ordering provider's NPI as ORC-12 \
                 (`<NPI>^<family>^<given>^^^^^^^^^^NPI`)",
            ),
            Part::OrderDate => {
                ("order date (OBR-7)", "add the order's date as OBR-7 (`YYYYMMDDHHMM`)")
            }
            Part::Diagnosis => (
                "diagnosis (DG1)",
                "add a DG1 segment after the OBR, with DG1-3 = `<ICD-10-CM code>^<text>^I10C`: a \
                 test is billed only with the diagnosis that justifies it",
            ),
            Part::Procedure => {
                ("procedure (PR1)", "add a PR1 segment with the procedure code in PR1-3")
            }
            Part::Line | Part::LinesOrProcedures | Part::Test => {
                ("test (OBR-4)", "add an OBR with the test in OBR-4 (`<CPT code>^<text>^C4`)")
            }
        }
    }

    fn join_pointers(&self, _text: &str, _pointers: &Pointers, keys: &[u32]) -> String {
        let labels: Vec<String> =
            keys.iter().map(|&key| (u64::from(key) + 1).to_string()).collect();
        labels.join(",")
    }

    fn add_pointer(&self, _text: &str, _line: &Line, _key: u32) -> Option<TextEdit> {
        None
    }

    fn removal(&self, _text: &str, span: Span) -> Span {
        // A repeated modifier is its own repetition: remove it with the separator before it.
        Span::new(span.start.saturating_sub(1), span.end)
    }

    fn modifier(&self, modifier: &str) -> String {
        modifier.to_string()
    }

    fn describe_line(&self, text: &str, line: &Line) -> String {
        format!("OBR-4 {}", line.code.text(text))
    }

    fn has_pointers(&self) -> bool {
        false
    }

    fn is_icd9_system(&self, system: &str) -> bool {
        ["I9", "I9C", "I9CDX", "ICD9"].iter().any(|s| s.eq_ignore_ascii_case(system))
    }

    fn is_service_system(&self, system: &str) -> bool {
        // HL7 table 0396's CPT and HCPCS names (and common misspellings of them); LOINC (`LN`)
        // and local codes are checked by the HL7 crate.
        ["C4", "C5", "CPT", "CPT4", "HCPCS", "HPC", "HCPCS-II"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(system))
    }

    fn dotted_codes(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_hl7() {
        let naming: &dyn Naming = &NAMING;
        assert_eq!(naming.syntax(), SyntaxKind::Hl7);
        assert_eq!(naming.date_order(), DateOrder::Compact);
        assert_eq!(naming.words().dx, "DG1");
        assert_eq!(naming.label(Some(2), ""), "3");
        assert!(naming.missing(Part::Diagnosis).1.contains("I10C"));
        assert!(!naming.has_pointers());
    }
}
