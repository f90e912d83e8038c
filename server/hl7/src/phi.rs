//! Where patient-identifying data stands, for presentation mode (masking a screen that is
//! shared or projected).

use claimls_model::Span;

use crate::parse::Hl7File;

/// The fields that identify a person, by segment: names, dates of birth, addresses, phone
/// numbers and identifiers (ids, account, social security and licence numbers).
const PHI_FIELDS: &[(&str, &[usize])] = &[
    // ids 2-4, name 5, mother's maiden name 6, birth date 7, alias 9, address 11, county 12,
    // phones 13-14, account 18, SSN 19, licence 20, mother's id 21, birth place 23, death 29.
    ("PID", &[2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 18, 19, 20, 21, 23, 29]),
    // name 2, address 4, phones 5-6, birth date 16, contact's name 30, phone 31, address 32,
    // identifiers 33, SSN 37.
    ("NK1", &[2, 4, 5, 6, 16, 30, 31, 32, 33, 37]),
    // number 2, name 3, spouse's name 4, address 5, phones 6-7, birth date 8, SSN 12,
    // employer's name, address and phone 16-18, employee id 19.
    ("GT1", &[2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 18, 19]),
    // insured's name 16, birth date 18, address 19, policy number 36, employer's address 44,
    // insured's id 49.
    ("IN1", &[16, 18, 19, 36, 44, 49]),
];

/// The byte ranges of patient names, dates of birth, addresses, phone numbers and
/// identifiers in PID, NK1, GT1 and IN1 segments: whole fields as written (escape sequences
/// included), in source order, never empty.
pub fn phi_spans(file: &Hl7File) -> Vec<Span> {
    let mut spans = Vec::new();
    for segment in file.segments.iter().filter(|segment| segment.well_formed) {
        let id = segment.name();
        let Some((_, fields)) = PHI_FIELDS.iter().find(|(phi_id, _)| *phi_id == id) else {
            continue;
        };
        spans.extend(fields.iter().filter_map(|&field| segment.nonempty_field(field)));
    }
    spans
}
