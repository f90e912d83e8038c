//! The format-neutral claim model: what a claim or an order says, whatever syntax it was
//! written in (the claim language, an X12 837, an HL7 v2 order message).
//!
//! Each syntax crate lowers its tree into a [`Document`]: owned, plain data whose every field
//! keeps the byte [`Span`] of what was written, so the rules (in `claimls-analysis`) and the
//! format-neutral editor features work on this model alone and never see a syntax tree.
//! Values stay as written (a code `E119` or `E11.9`, a date `2026-03-02` or `20260302`): the
//! rules judge them, and a syntax's [`Naming`] tells them how to read dates, how to name a
//! field in a message and how to write a fix back.
//!
//! The plain result types ([`Diagnostic`], [`Fix`], [`TextEdit`], [`Severity`]) live here too,
//! so that a syntax reports its structural problems in the same form as the rules.

mod diagnostic;
mod edit;
mod naming;
mod parts;
mod span;

pub use diagnostic::{Diagnostic, Fix, Related, Severity, TextEdit, quotable};
pub use edit::Edit;
pub use naming::{DateOrder, Naming, Part, Words, position_label};
pub use span::Span;

/// A value as written: where it is, and its text when the syntax had to decode it (an HL7
/// escape sequence); otherwise the text is the source's bytes under `span`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Field {
    pub span: Span,
    /// The decoded value when it differs from the raw text (HL7 `\S\` and the like).
    pub decoded: Option<Box<str>>,
}

impl Field {
    /// A field whose value is its raw text.
    #[inline]
    pub fn new(span: Span) -> Field {
        Field { span, decoded: None }
    }

    /// The field's value: the decoded text, or the source under its span (asked for every
    /// field by every rule: inlined into the other crates).
    #[inline]
    pub fn text<'a>(&'a self, source: &'a str) -> &'a str {
        match &self.decoded {
            Some(decoded) => decoded,
            None => self.span.slice(source),
        }
    }
}

/// Which syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxKind {
    /// claimls's own claim language (`.claim`, `.claims`, `.order`).
    ClaimLanguage,
    /// An X12 837 claim file.
    X12,
    /// HL7 v2 messages.
    Hl7,
}

/// A whole document lowered into the model.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Claims and orders in source order.
    pub claims: Vec<Claim>,
    /// Problems the syntax found itself (a line it could not read, an envelope that does not
    /// pair up), with the syntax's own rule ids, sorted by position.
    pub problems: Vec<Diagnostic>,
}

/// What a claim or order is: which rules and limits apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClaimKind {
    /// A professional claim (CMS-1500, 837P); also an 837D dental claim.
    #[default]
    Professional,
    /// A facility claim for outpatient care (UB-04, 837I with a type of bill not starting `1`).
    Outpatient,
    /// A facility claim for an inpatient stay (UB-04, 837I with a type of bill `11x`/`12x`).
    Inpatient,
    /// A lab or imaging order.
    Order,
}

impl ClaimKind {
    /// Outpatient and inpatient claims: UB-04 / 837I, whose lines carry no pointers.
    pub fn is_facility(self) -> bool {
        matches!(self, ClaimKind::Outpatient | ClaimKind::Inpatient)
    }
}

/// One claim or order.
#[derive(Debug, Clone, Default)]
pub struct Claim {
    pub kind: ClaimKind,
    /// The claim's or order's own id (a block id, `CLM01`, an order's placer number).
    pub id: Option<Field>,
    /// Where the claim stands in the file's own hierarchy, for a syntax that has one: the id
    /// (`HL01`) of the 837 HL level, subscriber or patient, the claim belongs to.
    pub level: Option<Field>,
    /// The claim's total charge as written (`CLM02`), for a syntax that states one.
    pub total: Option<Field>,
    /// Where a diagnostic about the claim as a whole goes (its header: the `claim` keyword and
    /// id, the `CLM` segment, the `ORC` segment).
    pub header: Span,
    /// All of the claim, from its header to its last part.
    pub span: Span,
    /// The patients written in it; the first is the patient (the others are still checked).
    pub patients: Vec<Patient>,
    pub payers: Vec<Payer>,
    pub providers: Vec<Provider>,
    /// Claim-level places of service (or, in an 837I, the facility type code).
    pub places: Vec<Field>,
    /// An order's dates; the first is the order's date.
    pub order_dates: Vec<Field>,
    /// An inpatient stay: admission and discharge.
    pub stay: Option<Stay>,
    /// The diagnoses in the order they were written.
    pub diagnoses: Vec<Diagnosis>,
    pub procedures: Vec<Procedure>,
    /// Service lines of a claim, tests of an order, in order.
    pub lines: Vec<Line>,
    /// Parts that were written but could not be read (a line the syntax could not parse):
    /// such a part is not called missing.
    pub unreadable: Vec<Part>,
}

#[derive(Debug, Clone, Default)]
pub struct Patient {
    /// Where the patient is written (for a diagnostic about the patient as a whole).
    pub span: Span,
    pub name: Option<Field>,
    pub date_of_birth: Option<Field>,
    pub sex: Option<Field>,
    pub member_id: Option<Field>,
}

#[derive(Debug, Clone, Default)]
pub struct Payer {
    pub span: Span,
    pub name: Option<Field>,
    pub id: Option<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderRole {
    Billing,
    Rendering,
    Referring,
    Ordering,
    Attending,
    Other,
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub role: ProviderRole,
    pub span: Span,
    /// The provider's NPI, when the syntax says the identifier is one.
    pub npi: Option<Field>,
    pub name: Option<Field>,
}

#[derive(Debug, Clone, Default)]
pub struct Stay {
    pub admission: Option<Field>,
    pub discharge: Option<Field>,
}

/// One diagnosis of a claim or order.
#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    /// What lines point to it by: a claim-language letter (`A` = 0), an HI position (1 = 0), an
    /// HL7 DG1 set id (1 = 0); `None` when the label cannot be read.
    pub key: Option<u32>,
    /// The label as written (the letter, the HI qualifier, DG1-1): where diagnostics about the
    /// label go; the code's span when the syntax has no label of its own.
    pub label: Field,
    /// The ICD-10-CM (or other) code as written.
    pub code: Field,
    /// The coding system or qualifier the syntax wrote with the code (`ABK`, `I10C`), if any.
    pub system: Option<Field>,
}

/// An inpatient procedure (ICD-10-PCS).
#[derive(Debug, Clone, Default)]
pub struct Procedure {
    pub code: Field,
    pub date: Option<Field>,
}

/// A service line of a claim or a test of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LineKind {
    #[default]
    Service,
    Test,
}

#[derive(Debug, Clone, Default)]
pub struct Line {
    pub kind: LineKind,
    /// All of the line as written (for `duplicate-line` and the like).
    pub span: Span,
    /// The date of service (the first day of a range); none on a test.
    pub from: Option<Field>,
    pub to: Option<Field>,
    /// The CPT/HCPCS (or CDT, LOINC) code.
    pub code: Field,
    /// The coding system the syntax wrote with the code (`HC`, `C4`, `LN`), if any.
    pub system: Option<Field>,
    pub modifiers: Vec<Field>,
    /// The diagnosis pointers, when the line has any.
    pub pointers: Option<Pointers>,
    pub units: Option<Field>,
    pub charge: Option<Field>,
    pub place: Option<Field>,
    pub npi: Option<Field>,
    /// Part of the line could not be read: checks of what is missing skip it.
    pub unreadable: bool,
}

/// A line's diagnosis pointers.
#[derive(Debug, Clone, Default)]
pub struct Pointers {
    /// The pointers as a whole (`ptr`, `SV107`).
    pub span: Span,
    pub items: Vec<Pointer>,
}

#[derive(Debug, Clone, Default)]
pub struct Pointer {
    pub field: Field,
    /// The [`Diagnosis::key`] it names, when it can be read at all.
    pub key: Option<u32>,
}
