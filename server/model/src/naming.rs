//! How a syntax names the parts of a claim in messages and writes fixes back.
//!
//! The rules are written once, over the model; what they say must still read the way the
//! user's file is written: "`ptr`" in the claim language, "SV107" in an 837, "DG1-3" in an
//! HL7 order. Each syntax implements [`Naming`], and a [`crate::Document`]'s checks ask it.

use crate::SyntaxKind;

/// A part of a claim or order, for messages about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Patient,
    DateOfBirth,
    Sex,
    Payer,
    Billing,
    Rendering,
    Referring,
    Ordering,
    Place,
    OrderDate,
    Diagnosis,
    Procedure,
    Line,
    Test,
    Pointers,
    Units,
    Charge,
    Npi,
    Modifier,
}

/// How a syntax writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// `YYYY-MM-DD` (the claim language).
    Iso,
    /// `CCYYMMDD`, maybe followed by a time (X12, HL7).
    Compact,
}

/// The words of one syntax. Implementations are plain `static`s.
pub trait Naming: Send + Sync + std::fmt::Debug {
    fn syntax(&self) -> SyntaxKind;

    /// How dates are written in this syntax.
    fn date_order(&self) -> DateOrder;

    /// The part as a message names it, ready to stand in a sentence (quoted where the syntax
    /// quotes keywords): "`ptr`", "SV107".
    fn part(&self, part: Part) -> &'static str;

    /// A diagnosis by its key, as a message names it: "dx A", "HI position 1".
    fn diagnosis(&self, key: u32) -> String;

    /// What a pointer to the diagnosis with this key is written as: "A", "1".
    fn pointer_text(&self, key: u32) -> String;

    /// How to add a part that is missing, after "add": "`billing npi <NPI>` with …".
    fn how_to_add(&self, part: Part) -> &'static str;
}
