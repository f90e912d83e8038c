//! Code references inside ICD-10-CM notes: `(E10.-)`, `(E00-E07, E15-E16)`, `(O24.4-)`, `(P70.2)`,
//! and the qualified ones: `(E08-E13 with .42)`, `(E08-E13 with .51-.52)`, `(I69. with final
//! characters -20)`, `(S06.0X- with seventh character A)`, `(B27.- with fifth character 2)`,
//! `(S52.- with open fracture 7th character)`, `(I70.2--I70.7-)`, `(P28.3- - P28.4-)`.
//!
//! Excludes notes are prose with the excluded codes in parentheses. They are parsed into ranges
//! so that the `excludes1` rule can ask "does this note exclude that code?". A reference is read
//! mechanically as a range of codes (its base: one code, or two codes joined by dashes) times a
//! pattern of characters at fixed positions (its qualifier, after "with").

use crate::{SeventhCharacter, is_icd10cm_shape, normalize_code};

/// A set of ICD-10-CM codes named by a note: one code and everything below it, or a range of
/// codes (each end also covering what lies below it), all undotted and upper case; narrowed,
/// when the note qualifies the reference, to codes with given characters at given positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRange {
    pub first: String,
    pub last: String,
    /// (0-based position in the undotted code, the characters allowed there): "with .42" on
    /// `E08-E13` is `[(3, "4"), (4, "2")]`, "with seventh character A" is `[(6, "A")]`. Empty
    /// for a reference without a qualifier.
    pub fixed: Vec<(usize, String)>,
}

impl CodeRange {
    fn plain(first: String, last: String) -> CodeRange {
        CodeRange { first, last, fixed: Vec::new() }
    }

    /// Whether the undotted, upper-case `code` lies in this range.
    pub fn contains(&self, code: &str) -> bool {
        let code = code.as_bytes();
        let clip = |bound: &str| &code[..bound.len().min(code.len())];
        clip(&self.first) >= self.first.as_bytes()
            && clip(&self.last) <= self.last.as_bytes()
            && self.fixed.iter().all(|(position, allowed)| {
                code.get(*position).is_some_and(|c| allowed.as_bytes().contains(c))
            })
    }
}

/// Finds every code reference inside parentheses in a note's text. A qualifier that names 7th
/// characters by their meaning ("with open fracture 7th character") is read against the bundled
/// tabular's 7th-character definitions.
pub fn parse_code_refs(text: &str) -> Vec<CodeRange> {
    let sets = crate::CodeSets::bundled();
    let seventh = |code: &str| sets.icd10cm_seventh_characters(code).map(|(_, chars)| chars);
    parse_code_refs_with(text, &seventh)
}

/// The items of a note's parentheses that name a code but could not be read as a reference
/// (none in the bundled tabular: the test `every_excludes1_reference_is_read` keeps it so).
pub fn unreadable_code_refs(text: &str) -> Vec<&str> {
    let sets = crate::CodeSets::bundled();
    let seventh = |code: &str| sets.icd10cm_seventh_characters(code).map(|(_, chars)| chars);
    items(text).filter(|item| names_a_code(item) && parse_item(item, &seventh).is_none()).collect()
}

/// The 7th characters defined for a code, if any (the index's, or a test's).
type SeventhOf<'a> = dyn Fn(&str) -> Option<&'static [SeventhCharacter]> + 'a;

fn parse_code_refs_with(text: &str, seventh: &SeventhOf<'_>) -> Vec<CodeRange> {
    items(text).filter_map(|item| parse_item(item, seventh)).flatten().collect()
}

/// The comma-separated items inside each pair of parentheses; "A00-R94 and T80-T88.6" is two.
fn items(text: &str) -> impl Iterator<Item = &str> {
    let mut groups = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        groups.push(&after[..close]);
        rest = &after[close + 1..];
    }
    groups
        .into_iter()
        .flat_map(|group| group.split(','))
        .flat_map(|item| item.split(" and "))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Whether an item holds something written like an ICD-10-CM code (a word of letters, digits
/// and dots such as `E08`, `S06.0X`).
fn names_a_code(item: &str) -> bool {
    item.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .any(|word| is_icd10cm_shape(&normalize_code(word.trim_end_matches('.'))))
}

/// One item: a base range, optionally narrowed by a qualifier after "with". `None` for prose.
fn parse_item(item: &str, seventh: &SeventhOf<'_>) -> Option<Vec<CodeRange>> {
    let (base, qualifier) = match find_with(item) {
        Some(at) => (&item[..at], Some(item[at + "with".len()..].trim())),
        None => (item, None),
    };
    let (first, last) = parse_base(base)?;
    let Some(qualifier) = qualifier else {
        return Some(vec![CodeRange::plain(first, last)]);
    };
    let fixed = parse_qualifier(qualifier, &first, &last, seventh)?;
    Some(vec![CodeRange { first, last, fixed }])
}

/// Where the word "with" starts in `item` (after the start, a space or a dash; before a space).
fn find_with(item: &str) -> Option<usize> {
    let bytes = item.as_bytes();
    item.match_indices("with").map(|(at, _)| at).find(|&at| {
        let before_ok = at == 0 || matches!(bytes[at - 1], b' ' | b'-' | b'.');
        let after_ok = bytes.get(at + 4) == Some(&b' ');
        before_ok && after_ok && at > 0
    })
}

/// `E10.-`, `O24.4-`, `P70.2`, `E00-E07`, `C7A.0-`, `I70.2--I70.7-`, `P28.3- - P28.4-`, `I69.`:
/// one or two codes, separated by dashes and spaces, each maybe ending in `.`, `-` or `.-`.
fn parse_base(base: &str) -> Option<(String, String)> {
    let pieces: Vec<&str> = base
        .split(|c: char| c == '-' || c.is_whitespace())
        .map(|piece| piece.trim_end_matches('.'))
        .filter(|piece| !piece.is_empty())
        .collect();
    let codes: Vec<String> = pieces.iter().map(|piece| normalize_code(piece)).collect();
    if !codes.iter().all(|code| is_icd10cm_shape(code)) {
        return None;
    }
    match codes.as_slice() {
        [one] => Some((one.clone(), one.clone())),
        [first, last] => Some((first.clone(), last.clone())),
        _ => None,
    }
}

/// The characters a qualifier fixes, as (position, allowed characters):
/// - `.42`, `.620`, `.69-` (after a range of categories): the characters after the category;
/// - `.51-.52`: the same, with a range in the last character;
/// - `5th character 9`, `fifth-character 1`, `seventh character A`, `5th character .6`,
///   `fifth to sixth characters 51`: the characters at those positions;
/// - `final characters -20`: the last characters after the base, `-` standing for any one;
/// - `open fracture 7th character`: the 7th characters whose meaning says so, from the tabular.
fn parse_qualifier(
    qualifier: &str,
    first: &str,
    last: &str,
    seventh: &SeventhOf<'_>,
) -> Option<Vec<(usize, String)>> {
    let qualifier = qualifier.trim().to_ascii_lowercase();
    if qualifier.starts_with('.') {
        return parse_suffix(&qualifier, first, last);
    }
    if let Some(value) = qualifier.strip_prefix("final characters") {
        // `-20` after `I69.`: the first `-` is the character after the base.
        let value = value.trim().to_ascii_uppercase();
        let fixed: Vec<(usize, String)> = value
            .bytes()
            .enumerate()
            .filter(|(_, c)| *c != b'-')
            .map(|(i, c)| (first.len() + i, (c as char).to_string()))
            .collect();
        return (!fixed.is_empty()
            && value.bytes().all(|c| c == b'-' || c.is_ascii_alphanumeric()))
        .then_some(fixed);
    }
    let words: Vec<&str> = qualifier.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    let at = words.iter().position(|w| ordinal(w).is_some())?;
    let start = ordinal(words[at])?;
    let (end, rest) = match words.get(at + 1..) {
        Some(["to", second, rest @ ..]) => (ordinal(second)?, rest),
        Some(rest) => (start, rest),
        None => return None,
    };
    let rest = match rest {
        ["character" | "characters", rest @ ..] => rest,
        _ => return None,
    };
    match (&words[..at], rest) {
        // "with 5th character 9", "with fifth to sixth characters 51"
        ([], [value]) => {
            let value = value.trim_start_matches('.').to_ascii_uppercase();
            (value.len() == end + 1 - start && value.bytes().all(|c| c.is_ascii_alphanumeric()))
                .then(|| {
                    value.chars().enumerate().map(|(i, c)| (start + i, c.to_string())).collect()
                })
        }
        // "with open fracture 7th character": by meaning, for the base's category.
        (meaning, []) if start == 6 && end == 6 && first == last => {
            let meaning = meaning.join(" ");
            let allowed: String = seventh(first)?
                .iter()
                .filter(|s| s.meaning.to_ascii_lowercase().contains(&meaning))
                .map(|s| s.character)
                .collect();
            (!allowed.is_empty()).then(|| vec![(6, allowed)])
        }
        _ => None,
    }
}

/// `4th`/`fourth` … `7th`/`seventh` as a 0-based position in the undotted code.
fn ordinal(word: &str) -> Option<usize> {
    Some(match word {
        "4th" | "fourth" => 3,
        "5th" | "fifth" => 4,
        "6th" | "sixth" => 5,
        "7th" | "seventh" => 6,
        _ => return None,
    })
}

/// `.42`, `.620`, `.69-` or `.51-.52` after a range of categories: the characters from the 4th
/// on. A range of suffixes may differ only in its last character.
fn parse_suffix(qualifier: &str, first: &str, last: &str) -> Option<Vec<(usize, String)>> {
    if first.len() != 3 || last.len() != 3 {
        return None;
    }
    let suffixes: Vec<String> = qualifier
        .split('-')
        .map(|s| s.trim().trim_start_matches('.').to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    let (low, high) = match suffixes.as_slice() {
        [one] => (one.as_bytes(), one.as_bytes()),
        [low, high] => (low.as_bytes(), high.as_bytes()),
        _ => return None,
    };
    let same_but_last = low.len() == high.len()
        && !low.is_empty()
        && low[..low.len() - 1] == high[..high.len() - 1]
        && low.last() <= high.last();
    if !same_but_last || !low.iter().chain(high).all(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(
        low.iter()
            .zip(high)
            .enumerate()
            .map(|(i, (&lo, &hi))| (3 + i, (lo..=hi).map(char::from).collect()))
            .collect(),
    )
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
        assert!(codes("(with C3 glomerulopathy) (non-traumatic)").is_empty());
    }

    #[test]
    fn ranges_cover_codes_below_their_ends() {
        let range = &parse_code_refs("(E00-E07)")[0];
        assert!(range.contains("E00") && range.contains("E0789") && range.contains("E031"));
        assert!(!range.contains("E08") && !range.contains("D99"));
        let single = &parse_code_refs("(E10.-)")[0];
        assert!(single.contains("E109") && single.contains("E10") && !single.contains("E11"));
    }

    /// Whether some reference of `note` holds `code` (dotted or not).
    fn names(note: &str, code: &str) -> bool {
        parse_code_refs(note).iter().any(|r| r.contains(&normalize_code(code)))
    }

    #[test]
    fn qualified_references_are_expanded() {
        let e42 = "diabetic polyneuropathy (E08-E13 with .42)";
        assert!(names(e42, "E11.42") && names(e42, "E08.42") && names(e42, "E13.42"));
        assert!(!names(e42, "E11.41") && !names(e42, "E11.4") && !names(e42, "E14.42"));
        let e51 = "diabetic peripheral angiopathy (E08-E13 with .51-.52)";
        assert!(names(e51, "E11.51") && names(e51, "E10.52") && !names(e51, "E11.59"));
        let e69 = "(E08-E13 with .69-)";
        assert!(names(e69, "E11.69") && !names(e69, "E11.65"));
        let i69 = "aphasia following cerebrovascular disease (I69. with final characters -20)";
        assert!(names(i69, "I69.320") && names(i69, "I69.920") && !names(i69, "I69.321"));
        assert!(!names(i69, "I69.30") && !names(i69, "I70.320"));
        let s06 = "(S06.0X- with seventh character A)";
        assert!(names(s06, "S06.0X1A") && !names(s06, "S06.0X1D") && !names(s06, "S06.1X1A"));
        let s92 = "(S92.-with 7th character B)";
        assert!(names(s92, "S92.001B") && !names(s92, "S92.001A"));
        let b27 = "(B27.- with fifth character 2)";
        assert!(names(b27, "B27.02") && names(b27, "B27.92") && !names(b27, "B27.01"));
        let f11 = "(F11-F19 with fifth to sixth characters 51)";
        assert!(names(f11, "F11.151") && names(f11, "F19.951") && !names(f11, "F11.150"));
        assert!(!names(f11, "F10.151"));
        let f10 = "(F10-F19 with 5th character .6)";
        assert!(names(f10, "F10.26") && names(f10, "F10.96") && !names(f10, "F10.27"));
        let a37 = "(A37 with fifth-character 1)";
        assert!(names(a37, "A37.01") && !names(a37, "A37.00"));
        // 7th characters named by meaning: S52's open-fracture ones (B, C, E, F, …).
        let s52 = "(S52.- with open fracture 7th character)";
        assert!(names(s52, "S52.001B") && names(s52, "S52.001C") && !names(s52, "S52.001A"));
        assert!(!names(s52, "S52.001D"));
    }

    #[test]
    fn ranges_written_with_dashes_on_both_ends() {
        assert_eq!(codes("(I70.2--I70.7-)"), [("I702".into(), "I707".into())]);
        assert_eq!(codes("(P28.3- - P28.4-)"), [("P283".into(), "P284".into())]);
        assert_eq!(codes("(Q70.0- -Q70.3-)"), [("Q700".into(), "Q703".into())]);
        assert!(names("(I70.2--I70.7-)", "I70.213") && !names("(I70.2--I70.7-)", "I70.8"));
        assert_eq!(
            codes("(A00-R94 and T80-T88.6, T88.8)"),
            [
                ("A00".into(), "R94".into()),
                ("T80".into(), "T886".into()),
                ("T888".into(), "T888".into())
            ]
        );
    }

    /// The reader of items as it was before qualified references were read, kept to count
    /// what it missed.
    fn old_parse_one(item: &str) -> Option<CodeRange> {
        let item = item.trim_end_matches(['-', '.']);
        let (first, last) = match item.split_once('-') {
            Some((first, last)) => (first.trim(), last.trim().trim_end_matches(['-', '.'])),
            None => (item, item),
        };
        let first = normalize_code(first);
        let last = normalize_code(last);
        (is_icd10cm_shape(&first) && is_icd10cm_shape(&last))
            .then_some(CodeRange::plain(first, last))
    }

    #[test]
    fn every_excludes1_reference_is_read() {
        let sets = crate::CodeSets::bundled();
        let notes = &sets.data().notes;
        let (mut before, mut after) = (0, Vec::new());
        for row in 0..notes.len() {
            if notes.field(row, 1) != "excludes1" {
                continue;
            }
            let text = notes.field(row, 2);
            let old_unreadable = text
                .split('(')
                .skip(1)
                .filter_map(|group| group.split_once(')').map(|(inside, _)| inside))
                .flat_map(|group| group.split(','))
                .any(|item| names_a_code(item) && old_parse_one(item.trim()).is_none());
            before += usize::from(old_unreadable);
            if !unreadable_code_refs(text).is_empty() {
                after.push((notes.key(row), text));
            }
        }
        assert_eq!(before, 51, "Excludes1 notes with a reference the old reader missed");
        assert_eq!(after, Vec::<(&str, &str)>::new(), "Excludes1 notes with unread references");
    }
}
