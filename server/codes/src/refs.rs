//! Code references inside ICD-10-CM notes: `(E10.-)`, `(E00-E07, E15-E16)`, `(O24.4-)`, `(P70.2)`.
//!
//! Excludes notes are prose with the excluded codes in parentheses. They are parsed into ranges
//! so that the `excludes1` rule can ask "does this note exclude that code?".

/// A set of ICD-10-CM codes named by a note: one code and everything below it, or a range of
/// codes (each end also covering what lies below it), all undotted and upper case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRange {
    pub first: String,
    pub last: String,
}

impl CodeRange {
    /// Whether the undotted, upper-case `code` lies in this range.
    pub fn contains(&self, code: &str) -> bool {
        let clip = |bound: &str| &code[..bound.len().min(code.len())];
        clip(&self.first) >= self.first.as_str() && clip(&self.last) <= self.last.as_str()
    }
}

/// Finds every code reference inside parentheses in a note's text.
pub fn parse_code_refs(text: &str) -> Vec<CodeRange> {
    let mut ranges = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        for item in after[..close].split(',') {
            if let Some(range) = parse_one(item.trim()) {
                ranges.push(range);
            }
        }
        rest = &after[close + 1..];
    }
    ranges
}

/// `E10.-`, `O24.4-`, `P70.2`, `E00-E07`, `C7A.0-`: anything else is prose, not a reference.
fn parse_one(item: &str) -> Option<CodeRange> {
    let item = item.trim_end_matches(['-', '.']);
    let (first, last) = match item.split_once('-') {
        Some((first, last)) => (first.trim(), last.trim().trim_end_matches(['-', '.'])),
        None => (item, item),
    };
    let first = crate::normalize_code(first);
    let last = crate::normalize_code(last);
    (crate::is_icd10cm_shape(&first) && crate::is_icd10cm_shape(&last))
        .then_some(CodeRange { first, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(String, String)> {
        parse_code_refs(text).into_iter().map(|r| (r.first, r.last)).collect()
    }

    #[test]
    fn parses_the_forms_in_the_tabular() {
        assert_eq!(codes("type 1 diabetes mellitus (E10.-)"), [("E10".into(), "E10".into())]);
        assert_eq!(
            codes("endocrine disorders (E00-E07, E15-E16)"),
            [("E00".into(), "E07".into()), ("E15".into(), "E16".into())]
        );
        assert_eq!(codes("gestational (O24.4-)"), [("O244".into(), "O244".into())]);
        assert_eq!(codes("neonatal (P70.2) and (see also note)"), [("P702".into(), "P702".into())]);
        assert!(codes("no references here").is_empty());
    }

    #[test]
    fn ranges_cover_codes_below_their_ends() {
        let range = &parse_code_refs("(E00-E07)")[0];
        assert!(range.contains("E00") && range.contains("E0789") && range.contains("E031"));
        assert!(!range.contains("E08") && !range.contains("D99"));
        let single = &parse_code_refs("(E10.-)")[0];
        assert!(single.contains("E109") && single.contains("E10") && !single.contains("E11"));
    }
}
