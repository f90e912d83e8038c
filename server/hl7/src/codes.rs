//! Coding systems (HL7 table 0396), code shapes and the LOINC check digit.
//!
//! The values of table 0396 are published by HL7's terminology project under CC0; the
//! descriptions here are the project's own words. Only the values claimls meets in order
//! messages are listed: a value missing here is not called wrong.

/// What a coding-system name means to claimls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// `I10C`: ICD-10-CM, the US clinical modification; what a diagnosis should say.
    Icd10Cm,
    /// `I10`: the WHO's ICD-10, which US claims do not use.
    WhoIcd10,
    /// A name for ICD-10 that is not in table 0396 (`ICD10`, `ICD-10-CM`).
    Icd10Unlisted,
    /// ICD-9 and ICD-9-CM (`I9`, `I9C`, `I9CDX`), and names for them not in the table.
    Icd9 { listed: bool },
    /// `C4` (CPT-4), `C5` (CPT-5), `HCPCS`, `HPC`, or the spellings the contract accepts.
    CptHcpcs,
    /// A name for CPT that is not in table 0396 (`CPT`, `CPT4`, `CPT-4`): `C4` is meant.
    CptUnlisted,
    /// `LN`: LOINC.
    Loinc,
    /// A system claimls cannot check in a claim: SNOMED CT, NDC, local codes, …
    Other,
}

/// Table 0396 values and other names claimls recognises: the value, what it means to
/// claimls, and how messages name it.
const SYSTEMS: &[(&str, System, &str)] = &[
    ("I10C", System::Icd10Cm, "ICD-10-CM"),
    ("I10", System::WhoIcd10, "the WHO's ICD-10, not the US ICD-10-CM"),
    ("ICD10", System::Icd10Unlisted, "a name for ICD-10 that HL7 table 0396 does not have"),
    ("ICD-10", System::Icd10Unlisted, "a name for ICD-10 that HL7 table 0396 does not have"),
    ("ICD10CM", System::Icd10Unlisted, "a name for ICD-10-CM that HL7 table 0396 does not have"),
    ("ICD-10-CM", System::Icd10Unlisted, "a name for ICD-10-CM that HL7 table 0396 does not have"),
    ("I10CM", System::Icd10Unlisted, "a name for ICD-10-CM that HL7 table 0396 does not have"),
    ("I9", System::Icd9 { listed: true }, "the WHO's ICD-9"),
    ("I9C", System::Icd9 { listed: true }, "ICD-9-CM"),
    ("I9CDX", System::Icd9 { listed: true }, "ICD-9-CM diagnosis codes"),
    ("ICD9", System::Icd9 { listed: false }, "a name for ICD-9 that HL7 table 0396 does not have"),
    ("ICD-9", System::Icd9 { listed: false }, "a name for ICD-9 that HL7 table 0396 does not have"),
    (
        "ICD9CM",
        System::Icd9 { listed: false },
        "a name for ICD-9-CM that HL7 table 0396 does not have",
    ),
    (
        "ICD-9-CM",
        System::Icd9 { listed: false },
        "a name for ICD-9-CM that HL7 table 0396 does not have",
    ),
    ("C4", System::CptHcpcs, "CPT-4"),
    ("C5", System::CptHcpcs, "CPT-5"),
    ("HCPCS", System::CptHcpcs, "HCPCS"),
    ("HPC", System::CptHcpcs, "HCPCS"),
    ("HCPCS-II", System::CptHcpcs, "HCPCS Level II"),
    ("CPT", System::CptUnlisted, "a name for CPT that HL7 table 0396 does not have"),
    ("CPT4", System::CptUnlisted, "a name for CPT that HL7 table 0396 does not have"),
    ("CPT-4", System::CptUnlisted, "a name for CPT that HL7 table 0396 does not have"),
    ("LN", System::Loinc, "LOINC"),
    ("SCT", System::Other, "SNOMED CT"),
    ("SNM", System::Other, "SNOMED"),
    ("SNM3", System::Other, "SNOMED International"),
    ("I10P", System::Other, "ICD-10-PCS, for inpatient procedures"),
    ("NDC", System::Other, "National Drug Codes"),
    ("CVX", System::Other, "CDC vaccine codes"),
    ("L", System::Other, "a local code"),
];

/// What `name` (a DG1-3.3 or OBR-4.3) means; local (`99…`) and unknown names are `Other`.
pub fn system(name: &str) -> System {
    SYSTEMS
        .iter()
        .find(|(value, ..)| value.eq_ignore_ascii_case(name))
        .map_or(System::Other, |&(_, system, _)| system)
}

/// True when claimls knows `name`: a value of its table, or a local (`99…`) system.
pub fn known_system(name: &str) -> bool {
    name.starts_with("99") || SYSTEMS.iter().any(|(value, ..)| value.eq_ignore_ascii_case(name))
}

/// How messages describe a coding-system name: "`SCT` (SNOMED CT)".
pub fn describe_system(name: &str) -> String {
    match SYSTEMS.iter().find(|(value, ..)| value.eq_ignore_ascii_case(name)) {
        Some((_, _, what)) => format!("`{name}` ({what})"),
        None if name.starts_with("99") => format!("`{name}` (a local coding system)"),
        None => format!("`{name}`"),
    }
}

/// An ICD-10 (or ICD-10-CM) shape: a letter, a digit, a letter or digit, then up to four more
/// after an optional dot (`E11.9`, `E119`, `S72.001A`). The rules judge the code itself.
pub fn looks_icd10(code: &str) -> bool {
    let undotted: Vec<u8> = code.bytes().filter(|&b| b != b'.').collect();
    let dots = code.bytes().filter(|&b| b == b'.').count();
    let dot_ok =
        dots == 0 || (dots == 1 && code.as_bytes().get(3) == Some(&b'.') && code.len() > 4);
    dot_ok
        && (3..=7).contains(&undotted.len())
        && undotted[0].is_ascii_alphabetic()
        && undotted[1].is_ascii_digit()
        && undotted[2..].iter().all(u8::is_ascii_alphanumeric)
        && !looks_icd9(code)
}

/// An ICD-9-CM diagnosis shape: `250.00`, `V04.5`, `E880.9` (with or without the dot).
pub fn looks_icd9(code: &str) -> bool {
    let (head, tail) = code.split_once('.').unwrap_or((code, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let tail_ok = tail.len() <= 2 && digits(tail);
    match head.as_bytes().first() {
        Some(b'V' | b'v') => head.len() == 3 && digits(&head[1..]) && tail_ok,
        // E000–E030 and E800–E999 (external causes); E1xx–E7xx are only ICD-10's.
        Some(b'E' | b'e') => {
            head.len() == 4
                && digits(&head[1..])
                && matches!(head.as_bytes()[1], b'0' | b'8' | b'9')
                && tail.len() <= 1
                && digits(tail)
        }
        Some(_) => head.len() == 3 && digits(head) && tail_ok,
        None => false,
    }
}

/// What is wrong with a LOINC code, if anything: its shape (digits, a hyphen, one check
/// digit) or its mod-10 check digit. LOINC itself is not bundled, so this is all claimls
/// can say about a LOINC code.
pub fn loinc_problem(code: &str) -> Option<String> {
    let Some((number, check)) = code.split_once('-') else {
        return Some(format!(
            "`{code}` is not a LOINC code: a LOINC code is digits, a hyphen and a check digit (like `2345-7`)"
        ));
    };
    if number.is_empty()
        || number.len() > 7
        || !number.bytes().all(|b| b.is_ascii_digit())
        || check.len() != 1
    {
        return Some(format!(
            "`{code}` is not a LOINC code: a LOINC code is up to 7 digits, a hyphen and one check digit (like `2345-7`)"
        ));
    }
    let expected = loinc_check_digit(number)?;
    if check.as_bytes()[0] != b'0' + expected {
        return Some(format!(
            "`{code}` is not a LOINC code: its check digit should be {expected}, so a digit is probably mistyped; check the code in the LOINC table"
        ));
    }
    None
}

/// The LOINC check digit of the digits before the hyphen: the mod-10 (Luhn) scheme, doubling
/// every other digit from the right, starting with the rightmost.
pub fn loinc_check_digit(number: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (position, byte) in number.bytes().rev().enumerate() {
        let digit = u32::from(byte.checked_sub(b'0').filter(|d| *d <= 9)?);
        sum += if position % 2 == 0 {
            let doubled = digit * 2;
            doubled / 10 + doubled % 10
        } else {
            digit
        };
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// An NPI's own shape: 10 digits. Whether it passes the check digit is the rules' business.
pub fn looks_npi(id: &str) -> bool {
    id.len() == 10 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The first day of a date (`YYYYMMDD…`) as a number `YYYYMMDD`, for comparing with the
/// ICD-10 transition; `None` when it does not start with eight digits.
pub fn date_number(date: &str) -> Option<u32> {
    let digits = date.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The first day ICD-10-CM (and no longer ICD-9-CM) codes dates of service.
pub const ICD10_START: u32 = 20151001;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_check_digits_of_real_codes() {
        for code in
            ["24725-4", "58410-2", "57698-3", "6532-6", "1554-5", "94558-4", "2345-7", "24317-0"]
        {
            assert_eq!(loinc_problem(code), None, "{code}");
        }
        assert!(loinc_problem("24725-5").unwrap().contains("should be 4"));
        assert!(loinc_problem("CBC").is_some());
        assert!(loinc_problem("12-34").is_some());
    }

    #[test]
    fn shapes() {
        assert!(
            looks_icd10("E11.9")
                && looks_icd10("E119")
                && looks_icd10("S72.001A")
                && looks_icd10("A013")
        );
        assert!(
            !looks_icd10("250.00")
                && !looks_icd10("V04.5")
                && !looks_icd10("80053")
                && !looks_icd10("E1.19")
        );
        assert!(
            looks_icd9("250.00")
                && looks_icd9("V04.5")
                && looks_icd9("E880.9")
                && looks_icd9("626.2")
        );
        assert!(!looks_icd9("E11.9") && !looks_icd9("R07.9"));
        assert_eq!(system("i10c"), System::Icd10Cm);
        assert_eq!(system("99USL"), System::Other);
        assert_eq!(date_number("20151001120000-0500"), Some(ICD10_START));
    }
}
