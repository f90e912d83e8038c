//! The codes of one block that fall in a note's code range, found by binary search over the
//! block's codes sorted once. The pair rules (`excludes1`, `code-first`) then cost each code's
//! note ranges and the pairs those ranges name, not every pair of the block's codes: a block of
//! 50,000 dx would otherwise ask 1.25 billion "does this note name that code?" questions.

use std::rc::Rc;

use claimls_codes::CodeRange;

/// A block's codes (undotted, upper case), sorted, each with its position in the caller's list.
pub(super) struct SortedCodes {
    codes: Vec<(Rc<str>, usize)>,
}

impl SortedCodes {
    pub fn new(codes: Vec<(Rc<str>, usize)>) -> Self {
        let mut codes = codes;
        codes.sort_unstable();
        SortedCodes { codes }
    }

    /// The positions of the codes that `range` contains ([`CodeRange::contains`]), in the
    /// codes' order. A range's codes are contiguous in sorted order: a code is at or after
    /// `first` exactly when its prefix of `first`'s length is, and at or before `last` (or below
    /// it) exactly when its prefix of `last`'s length is, and taking a prefix keeps the order.
    /// The qualifier's fixed characters then filter that run.
    pub fn in_range<'r>(&'r self, range: &'r CodeRange) -> impl Iterator<Item = usize> + 'r {
        let codes = &self.codes;
        let start =
            codes.partition_point(|(code, _)| clip(code, &range.first) < range.first.as_bytes());
        let end =
            codes.partition_point(|(code, _)| clip(code, &range.last) <= range.last.as_bytes());
        codes[start..end.max(start)]
            .iter()
            .filter(|(code, _)| range.contains(code))
            .map(|&(_, position)| position)
    }
}

/// The first `bound.len()` bytes of `code` (all of it when shorter), as `CodeRange::contains`
/// compares them.
fn clip<'c>(code: &'c str, bound: &str) -> &'c [u8] {
    &code.as_bytes()[..bound.len().min(code.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimls_codes::parse_code_refs;

    /// Every range of some real notes' references against a spread of codes: the binary search
    /// finds exactly the codes `contains` accepts.
    #[test]
    fn finds_what_contains_accepts() {
        let codes = [
            "E08", "E0842", "E10", "E109", "E11", "E1142", "E1151", "E1152", "E119", "E13",
            "E1342", "E14", "E15", "E16", "G63", "I10", "I69", "I69320", "I70", "I702", "I70213",
            "I7079", "I708", "M46", "M4646", "M50", "M5126", "M54", "M55", "O244", "O2441", "P282",
            "P283", "P2830", "P284", "P285", "S0600XA", "S0600XD", "Z00",
        ];
        let sorted = SortedCodes::new(
            codes.iter().enumerate().map(|(at, code)| ((*code).into(), at)).collect(),
        );
        let notes = "(E10.-) (E00-E07, E15-E16) (O24.4-) (P70.2) (E08-E13 with .42) \
                     (E08-E13 with .51-.52) (I69. with final characters -20) \
                     (S06.0X- with seventh character A) (I70.2--I70.7-) (P28.3- - P28.4-) \
                     (M50-M54) (Z00)";
        let ranges = parse_code_refs(notes);
        assert!(ranges.len() >= 12, "{ranges:?}");
        for range in &ranges {
            let mut found: Vec<usize> = sorted.in_range(range).collect();
            found.sort_unstable();
            let expected: Vec<usize> =
                (0..codes.len()).filter(|&at| range.contains(codes[at])).collect();
            assert_eq!(found, expected, "{range:?}");
        }
    }
}
