//! "Code first" notes (ICD-10-CM guideline I.A.13): a code whose tabular note says "code first
//! X" is listed after X when both are on the claim. The notes are often conditional ("code
//! first, if applicable, …"), so the rule fires only when the code the note names is there.

use std::rc::Rc;

use claimls_codes::{CodeRange, CodeSets, NoteKind, parse_code_refs};

use super::codes::HashMap;

/// The code ranges a code's "code first" notes name, each with the note's text.
pub(super) type Ranges = Rc<Vec<(CodeRange, &'static str)>>;

/// The "code first" notes of the codes of one file, read once per code.
pub(super) struct CodeFirst<'s> {
    sets: &'s CodeSets,
    ranges: HashMap<String, Ranges>,
}

impl<'s> CodeFirst<'s> {
    pub fn new(sets: &'s CodeSets) -> Self {
        CodeFirst { sets, ranges: HashMap::default() }
    }

    /// The "code first" note of `code` (undotted) that names `other` (undotted), if any: the
    /// notes of the code, its ancestors and the section and chapter that hold it.
    pub fn note_naming(&mut self, code: &str, other: &str) -> Option<&'static str> {
        self.notes(code).iter().find(|(range, _)| range.contains(other)).map(|(_, note)| *note)
    }

    /// Every code range `code`'s "code first" notes name (those [`CodeFirst::note_naming`]
    /// reads).
    pub fn ranges(&mut self, code: &str) -> Ranges {
        self.notes(code).clone()
    }

    fn notes(&mut self, code: &str) -> &Ranges {
        let sets = self.sets;
        self.ranges.entry(code.to_string()).or_insert_with(|| {
            let notes = sets.icd10cm_notes_of_kind(code, NoteKind::CodeFirst);
            Rc::new(
                notes
                    .into_iter()
                    .flat_map(|note| {
                        parse_code_refs(note.text).into_iter().map(move |range| (range, note.text))
                    })
                    .collect(),
            )
        })
    }
}
