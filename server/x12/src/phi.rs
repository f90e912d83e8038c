//! Where an 837's patient data stands, for presentation mode (masking a screen that is shared
//! or projected), decided by the parsed segments and the loops they open, not by the text.

use claimls_model::Span;

use crate::parse::X12File;

/// The byte ranges of the subscriber's and the patient's names and member ids (`NM1*IL`,
/// `NM1*QC`: NM103–NM105, NM107, NM109), their addresses (the `N3` and `N4` of those loops),
/// dates of birth (`DMG02`), social security and member numbers (`REF*SY`, `REF*1W` of those
/// loops), the patient control number (`CLM01`) and medical record numbers (`REF*EA`): whole
/// elements as written, in source order, never empty.
pub fn phi_spans(text: &str, file: &X12File) -> Vec<Span> {
    let mut spans = Vec::new();
    // Inside a 2010BA subscriber or 2010CA patient name loop: from its NM1 to the next NM1,
    // HL or CLM.
    let mut person = false;
    for segment in file.segments() {
        let elements: &[usize] = match segment.id(text) {
            "NM1" => {
                person = matches!(segment.text(1, text), "IL" | "QC");
                if person { &[3, 4, 5, 7, 9] } else { &[] }
            }
            "HL" => {
                person = false;
                &[]
            }
            "CLM" => {
                person = false;
                &[1]
            }
            "N3" | "N4" if person => &[1, 2, 3],
            "DMG" => &[2],
            "REF" => match segment.text(1, text) {
                "EA" => &[2],
                "SY" | "1W" if person => &[2],
                _ => &[],
            },
            _ => &[],
        };
        spans.extend(
            elements
                .iter()
                .filter_map(|&position| segment.element(position))
                .map(|element| element.span())
                .filter(|span| !span.is_empty()),
        );
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_addresses_ids_and_dates_of_the_subscriber_and_patient() {
        let text = "NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~NM1*IL*1*DOE*JANE****MI*M1~\
                    N3*12 ELM~N4*TOWN*IL*62704~DMG*D8*19800412*F~REF*SY*123456789~\
                    NM1*PR*2*PAYER*****PI*1~N3*PAYER ROAD~CLM*PCN-1*100***11:B:1~REF*EA*MR7~";
        let file = crate::parse(text);
        let masked: Vec<&str> = phi_spans(text, &file).iter().map(|s| s.slice(text)).collect();
        assert_eq!(
            masked,
            [
                "DOE",
                "JANE",
                "M1",
                "12 ELM",
                "TOWN",
                "IL",
                "62704",
                "19800412",
                "123456789",
                "PCN-1",
                "MR7"
            ]
        );
    }
}
