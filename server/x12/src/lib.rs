//! X12 837 claim files for claimls: 837P professional (`005010X222A1`, A2), 837I institutional
//! (`005010X223A2`, A3) and 837D dental (`005010X224A2`).
//!
//! Three steps, each usable alone:
//!
//! 1. [`parse`]: the text → an [`X12File`] of segments, elements, repetitions and components,
//!    each with its exact byte span, whatever the delimiters (read from each ISA). It never fails
//!    and never panics; what it cannot read costs that segment only ([`X12File::problems`]).
//! 2. [`check`]: the 837 structure (envelopes ISA/IEA, GS/GE, ST/SE; the HL tree; the loops
//!    claimls reads, by segment id and qualifier) and the X12-only rules `envelope`,
//!    `hierarchy`, `segment`, `qualifier` and `claim-total`, as [`claimls_model::Diagnostic`]s
//!    whose quick fixes write X12 back with the file's own delimiters.
//! 3. [`lower`]: each `CLM` → one [`claimls_model::Claim`], with the structural diagnostics in
//!    [`claimls_model::Document::problems`], for the format-neutral rules. [`NAMING`] names X12
//!    positions in their messages ("SV107", "HI position 3").
//!
//! [`describe_segment`] and [`describe_element`] describe the segments and elements claimls
//! reads, in the project's own words (no implementation guide or dictionary is bundled);
//! [`phi_spans`] says where the patient data is (what presentation mode masks).

mod check;
mod describe;
mod lower;
mod naming;
mod parse;
mod phi;

pub use check::{TransactionKind, check};
pub use describe::{
    ElementDescription, ElementType, SegmentDescription, describe_element, describe_segment,
    element_name, segment_descriptions, segment_hover,
};
pub use lower::{
    Bodies, ClaimTree, Previous, Walked, claim_outline, lower, lower_claim, lower_reusing, walk,
    walk_each,
};
pub use naming::{NAMING, NAMING_837D, NAMING_837I, NAMING_837P, X12Naming};
pub use parse::{
    Delimiters, Element, ISA_LENGTH, Location, Repetition, Segment, X12File, is_segment_id, parse,
    parse_like, parse_transaction_at, unwrapped,
};
pub use phi::{PreviousPhi, phi_spans, phi_spans_reusing};

/// Every diagnostic of a file: what the parser met and what the structure check found, sorted by
/// position.
pub fn diagnostics(text: &str, file: &X12File) -> Vec<claimls_model::Diagnostic> {
    let mut all = file.problems.clone();
    all.extend(check(text, file));
    sort_diagnostics(&mut all);
    all
}

pub(crate) fn sort_diagnostics(diagnostics: &mut [claimls_model::Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
    });
}

/// True when a file's content is X12 (as `claimls check` decides for an unknown extension): it
/// starts with `ISA`, or with `GS*` or `ST*` for a group or transaction without its envelope,
/// after an optional byte-order mark and white space.
pub fn looks_like_x12(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    // `GS*`: an interchange whose ISA line was lost (the parser reports the missing envelope).
    text.starts_with("ISA") || text.starts_with("ST*") || text.starts_with("GS*")
}
