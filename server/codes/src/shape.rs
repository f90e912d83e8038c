//! The written shapes of codes: which code system a piece of text could belong to.
//!
//! Shape is checked before existence, so a user gets "that is not how an ICD-10-CM code is
//! written" rather than "no such code" for `E1.9`, and an ICD-9 code is named as such.

/// Removes dots and surrounding space and upper-cases ASCII letters: `e11.9` → `E119`.
pub fn normalize_code(text: &str) -> String {
    text.trim().chars().filter(|c| *c != '.').map(|c| c.to_ascii_uppercase()).collect()
}

/// Writes an undotted ICD-10-CM code in its canonical dotted form: `E119` → `E11.9`.
pub fn dotted_icd10cm(code: &str) -> String {
    if code.len() > 3 && code.is_ascii() {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}

/// Whether `text` is written like an ICD-10-CM code (dot optional, any case):
/// a letter, a digit, a letter or digit, then up to four letters or digits.
pub fn is_icd10cm_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 3 || !bytes.is_ascii() {
        return false;
    }
    let category_ok = bytes[0].is_ascii_alphabetic()
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_alphanumeric();
    let rest = match &bytes[3..] {
        [b'.', rest @ ..] => rest,
        rest => rest,
    };
    let dot_without_rest = bytes.len() > 3 && bytes[3] == b'.' && rest.is_empty();
    category_ok
        && !dot_without_rest
        && rest.len() <= 4
        && rest.iter().all(u8::is_ascii_alphanumeric)
}

/// Whether `text` looks like an ICD-9-CM code (`250.00`, `V70.0`, `E849.0`), which has not been
/// accepted on US claims since 2015-10-01.
pub fn is_icd9_shape(text: &str) -> bool {
    let (head, tail) = text.split_once('.').unwrap_or((text, ""));
    let tail_ok = tail.len() <= 2 && tail.bytes().all(|b| b.is_ascii_digit());
    let head_ok = match head.as_bytes() {
        [a, b, c] if [a, b, c].iter().all(|d| d.is_ascii_digit()) => true,
        [b'V' | b'v', b, c] => b.is_ascii_digit() && c.is_ascii_digit(),
        [b'E' | b'e', b, c, d] => [b, c, d].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    };
    head_ok && tail_ok && (text.contains('.') || head.len() == 3)
}

/// Whether `text` is written like an ICD-10-PCS code: exactly seven characters from
/// `0-9` and the letters other than `I` and `O` (any case).
pub fn is_icd10pcs_shape(text: &str) -> bool {
    text.len() == 7
        && text.bytes().all(|b| {
            let b = b.to_ascii_uppercase();
            b.is_ascii_digit() || (b.is_ascii_uppercase() && b != b'I' && b != b'O')
        })
}

/// The kinds of code that may stand on a service line or an ordered test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceShape {
    /// CPT Category I: five digits.
    CptCategoryI,
    /// CPT Category II (performance measures): four digits and `F`.
    CptCategoryII,
    /// CPT Category III (emerging technology): four digits and `T`.
    CptCategoryIII,
    /// CPT Proprietary Laboratory Analyses: four digits and `U`.
    CptPla,
    /// HCPCS Level II: a letter and four digits.
    Hcpcs,
}

impl ServiceShape {
    pub fn is_cpt(self) -> bool {
        self != ServiceShape::Hcpcs
    }

    pub fn name(self) -> &'static str {
        match self {
            ServiceShape::CptCategoryI => "CPT",
            ServiceShape::CptCategoryII => "CPT Category II",
            ServiceShape::CptCategoryIII => "CPT Category III",
            ServiceShape::CptPla => "CPT PLA",
            ServiceShape::Hcpcs => "HCPCS Level II",
        }
    }
}

/// The shape of a service code (case-insensitive), if it has one.
pub fn service_shape(text: &str) -> Option<ServiceShape> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || !bytes[1..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let first = bytes[0];
    let last = bytes[4].to_ascii_uppercase();
    if first.is_ascii_alphabetic() {
        return last.is_ascii_digit().then_some(ServiceShape::Hcpcs);
    }
    if !first.is_ascii_digit() {
        return None;
    }
    match last {
        b'0'..=b'9' => Some(ServiceShape::CptCategoryI),
        b'F' => Some(ServiceShape::CptCategoryII),
        b'T' => Some(ServiceShape::CptCategoryIII),
        b'U' => Some(ServiceShape::CptPla),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icd10cm_shapes() {
        for good in ["E11.9", "E119", "e11.9", "S72.001A", "T1490XA", "B20", "F32.A", "U07.1"] {
            assert!(is_icd10cm_shape(good), "{good}");
        }
        for bad in ["E1.9", "E11.", "9921", "250.00", "E11.90000", "EE1.9", "", "E11-9"] {
            assert!(!is_icd10cm_shape(bad), "{bad}");
        }
    }

    #[test]
    fn icd9_and_pcs_and_service_shapes() {
        assert!(is_icd9_shape("250.00") && is_icd9_shape("V70.0") && is_icd9_shape("E849.0"));
        assert!(is_icd9_shape("401") && !is_icd9_shape("E11.9") && !is_icd9_shape("9921"));
        assert!(is_icd10pcs_shape("0DTJ4ZZ") && !is_icd10pcs_shape("0DTJ4ZO"));
        assert_eq!(service_shape("99213"), Some(ServiceShape::CptCategoryI));
        assert_eq!(service_shape("3044F"), Some(ServiceShape::CptCategoryII));
        assert_eq!(service_shape("0042T"), Some(ServiceShape::CptCategoryIII));
        assert_eq!(service_shape("0001U"), Some(ServiceShape::CptPla));
        assert_eq!(service_shape("j1815"), Some(ServiceShape::Hcpcs));
        assert_eq!(service_shape("9921"), None);
        assert_eq!(service_shape("J181A"), None);
        assert_eq!(normalize_code(" e11.9 "), "E119");
        assert_eq!(dotted_icd10cm("E119"), "E11.9");
        assert_eq!(dotted_icd10cm("B20"), "B20");
    }
}
