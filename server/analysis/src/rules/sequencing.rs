//! "Code first" notes (ICD-10-CM guideline I.A.13): a code whose tabular note says "code first
//! X" is listed after X when both are on the claim. The notes are often conditional ("code
//! first, if applicable, …"), so the rule fires only when the code the note names is there.

use std::rc::Rc;

use claimls_codes::{CodeRange, CodeSets, Note, NoteKind, parse_code_refs};

use super::codes::HashMap;

/// The code ranges a code's "code first" notes name, each with the note's text.
pub(super) type Ranges = Rc<Vec<(CodeRange, &'static str)>>;

/// The "code first" notes of the codes of one file, read once per code. The notes of a
/// category's chapter, sections and the category itself are shared by all its codes (most of a
/// file's codes are distinct, and their categories few): those are read once per category, and
/// only the notes below the category once per code.
pub(super) struct CodeFirst<'s> {
    sets: &'s CodeSets,
    /// Per category (undotted): the ranges of its chapter's, sections' and own notes.
    categories: HashMap<String, Ranges>,
    /// Per code (undotted): its category's ranges, then those of each longer prefix's notes.
    ranges: HashMap<String, Ranges>,
}

impl<'s> CodeFirst<'s> {
    pub fn new(sets: &'s CodeSets) -> Self {
        CodeFirst { sets, categories: HashMap::default(), ranges: HashMap::default() }
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

    /// The ranges of the notes that apply to `code`, in the order of
    /// [`CodeSets::icd10cm_notes_of_kind`]: the chapter's, the sections', then each ancestor's
    /// from the category down to the code itself.
    fn notes(&mut self, code: &str) -> &Ranges {
        if !self.ranges.contains_key(code) {
            let sets = self.sets;
            // A code that is not ASCII has no category to share: read it whole.
            let category = if code.is_ascii() { &code[..code.len().min(3)] } else { code };
            let shared = self
                .categories
                .entry(category.to_string())
                .or_insert_with(|| {
                    Rc::new(ranges_of(sets.icd10cm_notes_of_kind(category, NoteKind::CodeFirst)))
                })
                .clone();
            let own = (category.len() + 1..=code.len())
                .flat_map(|len| sets.icd10cm_own_notes_of_kind(&code[..len], NoteKind::CodeFirst));
            let own = ranges_of(own);
            let ranges = if own.is_empty() {
                shared
            } else {
                Rc::new(shared.iter().cloned().chain(own).collect())
            };
            self.ranges.insert(code.to_string(), ranges);
        }
        &self.ranges[code]
    }
}

/// The code ranges `notes` name, each with its note's text, in the notes' order.
fn ranges_of(notes: impl IntoIterator<Item = Note<'static>>) -> Vec<(CodeRange, &'static str)> {
    notes
        .into_iter()
        .flat_map(|note| {
            parse_code_refs(note.text).into_iter().map(move |range| (range, note.text))
        })
        .collect()
}
