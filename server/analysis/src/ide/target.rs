//! What the cursor is on, found in the claim model: the format-neutral features (hover, inlay
//! hints, navigation) work from here, whatever syntax the document was written in.

use claimls_model::{Claim, Diagnosis, Document, Field, Line, Pointer};

use super::touch_rank;

/// A value of the model under the cursor.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'m> {
    /// The code of a diagnosis.
    DxCode(&'m Diagnosis),
    /// The label of a diagnosis (a `dx` letter).
    DxLabel(&'m Diagnosis),
    /// A diagnosis pointer of a line.
    Pointer(&'m Pointer),
    ProcedureCode(&'m Field),
    /// The service code of a line or test.
    ServiceCode(&'m Line),
    Modifier(&'m Field),
    /// A place-of-service code (of the claim or of a line).
    Pos(&'m Field),
    Npi(&'m Field),
}

impl<'m> Target<'m> {
    pub(crate) fn field(self) -> &'m Field {
        match self {
            Target::DxCode(dx) => &dx.code,
            Target::DxLabel(dx) => &dx.label,
            Target::Pointer(pointer) => &pointer.field,
            Target::ServiceCode(line) => &line.code,
            Target::ProcedureCode(field)
            | Target::Modifier(field)
            | Target::Pos(field)
            | Target::Npi(field) => field,
        }
    }
}

/// Every value of a claim that a feature may act on, in no particular order.
pub(crate) fn targets(claim: &Claim) -> impl Iterator<Item = Target<'_>> {
    let diagnoses = claim.diagnoses.iter().flat_map(|dx| {
        // A syntax without labels of its own puts the label on the code: offer the code.
        let label = (dx.label.span != dx.code.span).then_some(Target::DxLabel(dx));
        label.into_iter().chain([Target::DxCode(dx)])
    });
    let procedures = claim.procedures.iter().map(|px| Target::ProcedureCode(&px.code));
    let lines = claim.lines.iter().flat_map(line_targets);
    let places = claim.places.iter().map(Target::Pos);
    let providers = claim.providers.iter().filter_map(|p| p.npi.as_ref()).map(Target::Npi);
    diagnoses.chain(procedures).chain(lines).chain(places).chain(providers)
}

/// The values of one line: its code, modifiers, pointers, place and NPI.
pub(crate) fn line_targets(line: &Line) -> impl Iterator<Item = Target<'_>> {
    let pointers = line.pointers.iter().flat_map(|p| p.items.iter()).map(Target::Pointer);
    [Target::ServiceCode(line)]
        .into_iter()
        .chain(line.modifiers.iter().map(Target::Modifier))
        .chain(pointers)
        .chain(line.place.iter().map(Target::Pos))
        .chain(line.npi.iter().map(Target::Npi))
}

/// The claim whose span touches `offset`, if any.
pub(crate) fn claim_at(document: &Document, offset: usize) -> Option<&Claim> {
    let index = document.claims.partition_point(|claim| claim.span.end < offset);
    document.claims.get(index).filter(|claim| claim.span.touches(offset))
}

/// The claim and the value under `offset` (already clamped). A value the cursor is inside
/// wins over one it is right after.
pub(crate) fn target_at(document: &Document, offset: usize) -> Option<(&Claim, Target<'_>)> {
    let claim = claim_at(document, offset)?;
    let target = targets(claim)
        .filter_map(|target| touch_rank(target.field().span, offset).map(|rank| (rank, target)))
        .min_by_key(|(rank, target)| (*rank, target.field().span.start))?
        .1;
    Some((claim, target))
}

/// The first diagnosis of `claim` with `key`.
pub(crate) fn diagnosis(claim: &Claim, key: Option<u32>) -> Option<&Diagnosis> {
    let key = key?;
    claim.diagnoses.iter().find(|dx| dx.key == Some(key))
}

/// Every pointer of `claim` with `key`, with the line it stands on, in source order.
pub(crate) fn pointers_to(claim: &Claim, key: u32) -> impl Iterator<Item = (&Line, &Pointer)> {
    claim.lines.iter().flat_map(move |line| {
        line.pointers
            .iter()
            .flat_map(|p| p.items.iter())
            .filter(move |pointer| pointer.key == Some(key))
            .map(move |pointer| (line, pointer))
    })
}
