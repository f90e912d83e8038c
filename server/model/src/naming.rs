//! How a syntax names the parts of a claim in messages and writes fixes back.
//!
//! The rules are written once, over the model; what they say must still read the way the
//! user's file is written: "`ptr`" in the claim language, "SV107" in an 837, "DG1-3" in an
//! HL7 order. Each syntax implements [`Naming`] (a plain `static`), and the rules ask it.

use crate::{Line, Span, SyntaxKind, TextEdit};

/// A part of a claim or order that can be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Patient,
    Billing,
    Ordering,
    OrderDate,
    Diagnosis,
    Procedure,
    Line,
    /// The services of an inpatient claim: lines or procedures.
    LinesOrProcedures,
    Test,
}

/// How a syntax writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// `YYYY-MM-DD` (the claim language).
    Iso,
    /// `CCYYMMDD` (X12; HL7, where a time may follow).
    Compact,
}

impl DateOrder {
    /// How to write a date, for messages: "YYYY-MM-DD, e.g. 2026-03-02".
    pub fn example(self) -> &'static str {
        match self {
            DateOrder::Iso => "YYYY-MM-DD, e.g. 2026-03-02",
            DateOrder::Compact => "CCYYMMDD, e.g. 20260302",
        }
    }
}

/// The fixed words of one syntax, ready to stand in a sentence (keywords quoted where the
/// syntax quotes them).
#[derive(Debug)]
pub struct Words {
    /// What a diagnosis is called before its label: "dx" (→ "dx A"), "HI position" (→ "HI
    /// position 1").
    pub dx: &'static str,
    /// What the label of a diagnosis is called when it is used twice: "dx letter".
    pub dx_label: &'static str,
    /// The labels lines point with, in the plural: "letters", "positions".
    pub labels: &'static str,
    /// The diagnoses' labels as a list is introduced: "dx letters", "HI positions".
    pub labelled: &'static str,
    /// A line's pointers: "`ptr`", "SV107".
    pub pointers: &'static str,
    /// The unit that holds one claim or order: "block", "claim".
    pub block: &'static str,
    /// The patient's sex: "`sex`", "DMG03".
    pub sex: &'static str,
}

/// The words and the fix-writing of one syntax.
pub trait Naming: Send + Sync + std::fmt::Debug {
    fn syntax(&self) -> SyntaxKind;

    fn words(&self) -> &'static Words;

    /// How dates are written in this syntax.
    fn date_order(&self) -> DateOrder;

    /// The label of the diagnosis with `key` as a message writes it ("A", "1"); `written` is
    /// the label's text in the document, for a key that cannot be read.
    fn label(&self, key: Option<u32>, written: &str) -> String;

    /// A diagnosis named in a sentence about a pointer: "`dx C`", "HI position 5".
    fn dx_reference(&self, label: &str) -> String;

    /// How the diagnoses a claim of this kind may hold are named, for `too-many-dx`:
    /// "A to L".
    fn label_range(&self, limit: usize) -> String;

    /// The field that names a missing part, and how to add it (after "add").
    fn missing(&self, part: Part) -> (&'static str, &'static str);

    /// Pointers to these diagnoses as they are written in a line ("A,B", "1:2").
    fn join_pointers(&self, text: &str, pointers: &crate::Pointers, keys: &[u32]) -> String;

    /// The edit that gives `line` a pointer to the diagnosis with `key`, if the syntax can
    /// write one there.
    fn add_pointer(&self, text: &str, line: &Line, key: u32) -> Option<TextEdit>;

    /// What to remove to delete the item (a modifier) at `span` with its separator.
    fn removal(&self, text: &str, span: Span) -> Span;

    /// A modifier as written on a line, for a fix's label ("-25").
    fn modifier(&self, modifier: &str) -> String;

    /// A line in a few words, for a list of the lines that point to a diagnosis:
    /// "line 2026-03-02 99213-25", "SV1 HC:99213:25".
    fn describe_line(&self, text: &str, line: &Line) -> String;

    /// Whether the lines of this syntax point to their diagnoses at all (an HL7 order's
    /// diagnoses support all of its tests; an 837I has no pointers).
    fn has_pointers(&self) -> bool {
        true
    }

    /// Whether a diagnosis written with this coding system or qualifier is an ICD-9-CM one
    /// (X12 `BK`, HL7 `I9C`): ICD-9-CM is not bundled, so such a code is judged only where
    /// ICD-10-CM was required (from 2015-10-01).
    fn is_icd9_system(&self, _system: &str) -> bool {
        false
    }

    /// Whether a service code written with this coding system is CPT/HCPCS (or CDT), so the
    /// code sets judge it; a LOINC or local code is the syntax's to check.
    fn is_service_system(&self, _system: &str) -> bool {
        true
    }

    /// Whether ICD-10 codes are written with their dot in this syntax (the claim language)
    /// or without (X12, HL7).
    fn dotted_codes(&self) -> bool;
}

/// A label that counts positions from 1 (an HI position, a DG1 set id) as a message writes it:
/// key 0 is `1`; a label that could not be read is shown as written.
pub fn position_label(key: Option<u32>, written: &str) -> String {
    match key {
        Some(key) => (u64::from(key) + 1).to_string(),
        None => written.to_string(),
    }
}
