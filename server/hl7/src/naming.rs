//! How the rules name the parts of an HL7 order in their messages.

use claimls_model::{DateOrder, Naming, Part, SyntaxKind};

/// The words of HL7 v2: fields by segment and number ("DG1-3", "OBR-4"), dates `YYYYMMDD`.
#[derive(Debug)]
pub struct Hl7Naming;

/// The [`Naming`] of HL7 v2 documents.
pub static NAMING: Hl7Naming = Hl7Naming;

impl Naming for Hl7Naming {
    fn syntax(&self) -> SyntaxKind {
        SyntaxKind::Hl7
    }

    fn date_order(&self) -> DateOrder {
        DateOrder::Compact
    }

    fn part(&self, part: Part) -> &'static str {
        match part {
            Part::Patient => "PID",
            Part::DateOfBirth => "PID-7",
            Part::Sex => "PID-8",
            Part::Payer => "IN1",
            Part::Billing => "the billing provider",
            Part::Rendering => "FT1-20",
            Part::Referring => "PV1-8",
            Part::Ordering => "ORC-12",
            Part::Place => "PV1-3",
            Part::OrderDate => "OBR-7",
            Part::Diagnosis => "DG1-3",
            Part::Procedure => "PR1-3",
            Part::Line | Part::Test => "OBR-4",
            Part::Pointers => "the DG1 set ids",
            Part::Units => "FT1-10",
            Part::Charge => "FT1-11",
            Part::Npi => "ORC-12.1",
            Part::Modifier => "OBR-46",
        }
    }

    fn diagnosis(&self, key: u32) -> String {
        format!("DG1 set id {}", u64::from(key) + 1)
    }

    fn pointer_text(&self, key: u32) -> String {
        (u64::from(key) + 1).to_string()
    }

    fn how_to_add(&self, part: Part) -> &'static str {
        match part {
            Part::Patient => {
                "a PID segment before the first ORC, with PID-5 (name), PID-7 (date of birth) and PID-8 (sex)"
            }
            Part::DateOfBirth => "the date of birth as PID-7 (`YYYYMMDD`)",
            Part::Sex => "the sex as PID-8 (`F`, `M` or `U`)",
            Part::Payer => "an IN1 segment with the insurance company in IN1-3 and IN1-4",
            Part::Billing | Part::Rendering | Part::Referring => {
                "the provider with an NPI (`<NPI>^<family>^<given>^^^^^^^^^^NPI`)"
            }
            Part::Ordering | Part::Npi => {
                "the ordering provider's NPI as ORC-12 (`<NPI>^<family>^<given>^^^^^^^^^^NPI`)"
            }
            Part::Place => "the place of service",
            Part::OrderDate => "the order's date as OBR-7 (`YYYYMMDDHHMM`)",
            Part::Diagnosis => {
                "a DG1 segment after the OBR, with DG1-3 = `<ICD-10-CM code>^<text>^I10C`"
            }
            Part::Procedure => "a PR1 segment with the procedure code in PR1-3",
            Part::Line | Part::Test => "an OBR with the test in OBR-4 (`<CPT code>^<text>^C4`)",
            Part::Pointers => "a DG1 segment in the order's group",
            Part::Units => "the quantity",
            Part::Charge => "the charge",
            Part::Modifier => "the modifier",
        }
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
        assert_eq!(naming.part(Part::Diagnosis), "DG1-3");
        assert_eq!(naming.part(Part::Test), "OBR-4");
        assert_eq!(naming.diagnosis(0), "DG1 set id 1");
        assert_eq!(naming.pointer_text(2), "3");
        assert!(naming.how_to_add(Part::Diagnosis).contains("I10C"));
    }
}
