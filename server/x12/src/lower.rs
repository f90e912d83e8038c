//! The lowering: each `CLM` of an 837 → one [`claimls_model::Claim`] (claim-format §6).

use claimls_model::{
    Claim, ClaimKind, Diagnosis, Diagnostic, Document, Edit, Field, Line, LineKind, Part, Patient,
    Payer, Pointer, Pointers, Procedure, Provider, ProviderRole, Span, Stay,
};

use crate::check::{
    Body, ClaimNode, HI_QUALIFIERS, ICD9_DX, ICD9_PX, ICD10_DX, ICD10_PX, LineNode, TransactionKind,
};
use crate::parse::{Delimiters, Segment, X12File};

/// Lowers a parsed 837 into the model: one claim per `CLM`, in order, with the file's structural
/// diagnostics ([`X12File::problems`] and [`crate::check`]) in [`Document::problems`], sorted by
/// position.
pub fn lower(text: &str, file: &X12File) -> Document {
    lower_reusing(text, file, None).0
}

/// What [`lower_reusing`] keeps of each transaction body, to lower the next version of the
/// file again without walking and lowering the bodies an edit left alone.
#[derive(Debug, Default)]
pub struct Bodies {
    records: Vec<BodyRecord>,
    /// How many of them were taken from the previous version.
    reused: usize,
}

impl Bodies {
    /// How many bodies were taken from the previous version (for tests and logs).
    pub fn reused(&self) -> usize {
        self.reused
    }
}

#[derive(Debug)]
struct BodyRecord {
    /// From its ST to the start of the segment after its SE (or the end of the text): all the
    /// text its walk and its claims' lowering read.
    reach: Span,
    /// Its segments after the ST (the SE is the next one).
    segments: usize,
    kind: TransactionKind,
    delimiters: Delimiters,
    /// What its walk found (before the parser's and the envelopes' problems joined them).
    found: Vec<Diagnostic>,
    /// Its claims in the lowered document.
    claims: std::ops::Range<usize>,
}

/// The previous version of a file as [`lower_reusing`] lowered it, and what changed since.
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    pub document: &'a Document,
    pub bodies: &'a Bodies,
    /// `None`: the text is the same.
    pub edit: Option<Edit>,
}

impl Previous<'_> {
    /// The claims and walk diagnostics of the old body that is `body` (the same text, segments,
    /// kind and delimiters), their spans moved to the new text; `None` when there is none or a
    /// span does not map.
    fn body(&self, reach: Span, body: &Body, delimiters: Delimiters) -> Option<BodyResult> {
        let to_old = |span| self.edit.map_or(Some(span), |edit| edit.new_to_old(span));
        let to_new = |span| self.edit.map_or(Some(span), |edit| edit.old_to_new(span));
        let old_reach = to_old(reach)?;
        let records = &self.bodies.records;
        let at = records.binary_search_by_key(&old_reach.start, |r| r.reach.start).ok()?;
        let old = &records[at];
        let same = old.reach == old_reach
            && old.segments == body.last - body.st
            && old.kind == body.kind
            && old.delimiters == delimiters;
        if !same {
            return None;
        }
        let found: Vec<Diagnostic> =
            old.found.iter().map(|d| d.mapped(to_new)).collect::<Option<_>>()?;
        let mut claims = self.document.claims.get(old.claims.clone())?.to_vec();
        let mut clean = true;
        for claim in &mut claims {
            claim.spans_mut(&mut |span| match to_new(*span) {
                Some(mapped) => *span = mapped,
                None => clean = false,
            });
        }
        clean.then_some(BodyResult { claims, found })
    }
}

/// One body's lowered claims and what its walk found.
struct BodyResult {
    claims: Vec<Claim>,
    found: Vec<Diagnostic>,
}

/// [`lower`], reusing what lowering `previous` found for each transaction body whose text the
/// edit left alone (its claims and diagnostics, their spans moved): the same document as
/// [`lower`]'s, and what to keep for the next version.
pub fn lower_reusing(
    text: &str,
    file: &X12File,
    previous: Option<Previous<'_>>,
) -> (Document, Bodies) {
    let mut document = Document::default();
    let mut records = Vec::new();
    if let Some(previous) = previous {
        // Room for as many as the version before had (a large file's claims are megabytes).
        document.claims.reserve(previous.document.claims.len() + 16);
        records.reserve(previous.bodies.records.len() + 1);
    }
    let mut reused = 0;
    let walk = |body: &Body| {
        let reach = body_reach(text, file, body);
        let delimiters = file.delimiters_of(body.st);
        let old = previous.and_then(|p| p.body(reach, body, delimiters));
        reused += usize::from(old.is_some());
        let result = old.unwrap_or_else(|| {
            let (nodes, found) = body.walk(text, file);
            let lowering = Lowering { text, file, kind: body.kind };
            BodyResult { claims: nodes.iter().map(|node| lowering.claim(node)).collect(), found }
        });
        let found = result.found.clone();
        ((result.claims, reach, delimiters, found), result.found)
    };
    walk_bodies(text, file, walk, |body, walked, problems| {
        document.problems.extend(problems);
        let Some((claims, reach, delimiters, found)) = walked else { return };
        let start = document.claims.len();
        document.claims.extend(claims);
        records.push(BodyRecord {
            reach,
            segments: body.map_or(0, |b| b.last - b.st),
            kind: body.map_or(TransactionKind::Other, |b| b.kind),
            delimiters,
            found,
            claims: start..document.claims.len(),
        });
    });
    (document, Bodies { records, reused })
}

/// From a body's ST to the start of the segment after its SE, or the end of the text.
fn body_reach(text: &str, file: &X12File, body: &Body) -> Span {
    let start = file.segment(body.st).span().start;
    let end = match body.last + 2 < file.segment_count() {
        true => file.segment(body.last + 2).span().start,
        false => text.len(),
    };
    Span::new(start, end)
}

/// The structure of a parsed 837, walked: what [`lower`] makes, before its claims are lowered.
/// The walk goes through the file in order; the claims can then be lowered apart (on other
/// threads, [`lower_claim`]).
#[derive(Debug, Default)]
pub struct Walked {
    /// Each `CLM`'s place in the tree, in order.
    pub claims: Vec<ClaimTree>,
    /// The parser's and the structure check's diagnostics, sorted by position.
    pub problems: Vec<Diagnostic>,
}

/// One claim of a [`Walked`] file, to be lowered with [`lower_claim`].
#[derive(Debug)]
pub struct ClaimTree {
    kind: TransactionKind,
    node: ClaimNode,
}

impl ClaimTree {
    /// The first segment of the claim (its `CLM`).
    pub fn clm(&self) -> usize {
        self.node.clm
    }
}

/// The structure walk of [`lower`]: every diagnostic of the file and the claims' trees.
pub fn walk(text: &str, file: &X12File) -> Walked {
    let mut walked = Walked::default();
    walk_each(text, file, |claims, problems| {
        walked.claims.extend(claims);
        walked.problems.extend(problems);
    });
    walked
}

/// [`walk`] a transaction at a time, for a caller that checks the claims walked while the rest
/// is walked: `each` gets each transaction's claims with the problems that lie before the next
/// transaction's ST, so every problem of a later call starts after every claim of this one. Put
/// together, the calls get what [`walk`] returns (each call at least once, with no claims when
/// the file has no transaction).
pub fn walk_each(
    text: &str,
    file: &X12File,
    mut each: impl FnMut(Vec<ClaimTree>, Vec<Diagnostic>),
) {
    let walk = |body: &Body| {
        let (claims, found) = body.walk(text, file);
        let kind = body.kind;
        (claims.into_iter().map(|node| ClaimTree { kind, node }).collect(), found)
    };
    walk_bodies(text, file, walk, |_, claims, problems| each(claims.unwrap_or_default(), problems));
}

/// The envelopes, then each body walked by `walk` (what it made, and the diagnostics it found),
/// handed to `each` with the problems that lie before the next body's ST, sorted (once, with
/// no body, when the file has none).
fn walk_bodies<T>(
    text: &str,
    file: &X12File,
    mut walk: impl FnMut(&Body) -> (T, Vec<Diagnostic>),
    mut each: impl FnMut(Option<&Body>, Option<T>, Vec<Diagnostic>),
) {
    let crate::check::Envelopes { bodies, diagnostics } = crate::check::envelopes(text, file);
    // The parser's and the envelopes' problems are known before any body is walked; a body's
    // lie in its own text, from its ST on.
    let mut early = file.problems.clone();
    early.extend(diagnostics);
    crate::sort_diagnostics(&mut early);
    let mut early = early.into_iter().peekable();
    for (n, body) in bodies.iter().enumerate() {
        let (walked, found) = walk(body);
        let next_st = bodies.get(n + 1).map(|next| file.segment(next.st).span().start);
        let mut problems: Vec<Diagnostic> =
            std::iter::from_fn(|| early.next_if(|p| next_st.is_none_or(|st| p.span.start < st)))
                .collect();
        problems.extend(found);
        // Stable: of two problems at one place, the parser's and the envelopes' come first.
        crate::sort_diagnostics(&mut problems);
        each(Some(body), Some(walked), problems);
    }
    if bodies.is_empty() {
        each(None, None, early.collect());
    }
}

/// One claim of a [`Walked`] file in the model, as [`lower`] makes it.
pub fn lower_claim(text: &str, file: &X12File, claim: &ClaimTree) -> Claim {
    Lowering { text, file, kind: claim.kind }.claim(&claim.node)
}

/// What [`lower_claim`] gives, without the parts: its kind, id, header and span (what the
/// checks across claims, `duplicate-id`, read).
pub fn claim_outline(text: &str, file: &X12File, claim: &ClaimTree) -> Claim {
    let lowering = Lowering { text, file, kind: claim.kind };
    let (kind, _) = lowering.kind_and_place(&claim.node);
    let clm = lowering.seg(claim.node.clm);
    Claim {
        kind,
        id: lowering.element(claim.node.clm, 1),
        header: clm.span(),
        span: lowering.claim_span(&claim.node),
        ..Default::default()
    }
}

struct Lowering<'a> {
    text: &'a str,
    file: &'a X12File,
    kind: TransactionKind,
}

impl<'a> Lowering<'a> {
    /// A field for a span: its raw text, or, when a wrapped file put line breaks inside it, the
    /// text without them.
    fn field(&self, span: Span) -> Field {
        // No piece of a file without wrapped segments holds a line break (`X12File::value`):
        // nearly every value of a claim is asked for, so the scan is skipped there.
        if self.file.unwrapped.is_empty() {
            return Field::new(span);
        }
        let raw = span.slice(self.text);
        // Most values are a few bytes long: a plain loop costs less than the call of a
        // vectorised search.
        if raw.bytes().any(|b| matches!(b, b'\r' | b'\n')) {
            Field { span, decoded: Some(crate::parse::unwrapped(raw).into_owned().into()) }
        } else {
            Field::new(span)
        }
    }

    /// A field when the span holds something.
    fn present(&self, span: Option<Span>) -> Option<Field> {
        span.filter(|s| !is_blank(s.slice(self.text))).map(|s| self.field(s))
    }
    fn seg(&self, index: usize) -> Segment<'a> {
        self.file.segment(index)
    }

    fn el(&self, index: usize, position: usize) -> &'a str {
        self.seg(index).text(position, self.text)
    }

    fn element(&self, index: usize, position: usize) -> Option<Field> {
        self.present(self.seg(index).element(position).map(|e| e.span()))
    }

    fn component(&self, index: usize, position: usize, component: usize) -> Option<Field> {
        self.present(self.seg(index).component(position, component))
    }

    /// The claim's kind, and its place of service when it can be read.
    fn kind_and_place(&self, node: &ClaimNode) -> (ClaimKind, Option<Field>) {
        let mut place = self.component(node.clm, 5, 1);
        // A place written with other separators than the file's (`11>B>1`) cannot be read.
        let unreadable_place = place
            .as_ref()
            .is_some_and(|p| !p.text(self.text).bytes().all(|b| b.is_ascii_alphanumeric()));
        if unreadable_place {
            place = None;
        }
        let kind = match self.kind {
            TransactionKind::Institutional => {
                if place.as_ref().is_some_and(|p| crate::check::is_inpatient(p.text(self.text))) {
                    ClaimKind::Inpatient
                } else {
                    ClaimKind::Outpatient
                }
            }
            _ => ClaimKind::Professional,
        };
        (kind, place)
    }

    /// From the `CLM` to the end of the claim's last segment.
    fn claim_span(&self, node: &ClaimNode) -> Span {
        let clm = self.seg(node.clm).span();
        Span::new(clm.start, self.seg(node.last).span().end.max(clm.end))
    }

    fn claim(&self, node: &ClaimNode) -> Claim {
        let (kind, place) = self.kind_and_place(node);
        let mut claim = Claim {
            kind,
            id: self.element(node.clm, 1),
            level: node.hl.and_then(|hl| self.element(hl, 1)),
            total: self.element(node.clm, 2),
            header: self.seg(node.clm).span(),
            span: self.claim_span(node),
            places: place.into_iter().collect(),
            ..Default::default()
        };
        self.patient(node, &mut claim);
        // Sized once: most claims have a few of each, and growing them one by one cost more.
        claim.payers.reserve_exact(usize::from(node.payer.is_some()) + node.other_payers.len());
        let line_providers: usize = node.lines.iter().map(|line| line.providers.len()).sum();
        claim.providers.reserve_exact(1 + node.providers.len() + line_providers);
        claim.lines.reserve_exact(node.lines.len());
        for payer in node.payer.iter().chain(&node.other_payers) {
            claim.payers.push(Payer {
                span: self.seg(*payer).span(),
                name: self.element(*payer, 3),
                id: self.element(*payer, 9),
            });
        }
        if let Some(billing) = node.billing {
            claim.providers.push(self.provider(billing, ProviderRole::Billing));
        }
        for &nm1 in &node.providers {
            if let Some(role) = role(self.el(nm1, 1)) {
                claim.providers.push(self.provider(nm1, role));
            }
        }
        // Line-level providers other than the rendering one (which is the line's NPI).
        for line in &node.lines {
            for &nm1 in &line.providers {
                let entity = self.el(nm1, 1);
                if entity != "82"
                    && let Some(role) = role(entity)
                {
                    claim.providers.push(self.provider(nm1, role));
                }
            }
        }
        self.codes(node, &mut claim);
        if kind == ClaimKind::Inpatient {
            claim.stay = self.stay(node);
        }
        let claim_date = self.claim_date(node);
        for line in &node.lines {
            claim.lines.push(self.line(line, claim_date.as_ref()));
        }
        // A segment whose id is not known may have been a part of the claim: the part its id
        // is one letter away from, or, without a guess, a diagnosis or a line.
        for &(_, near) in &node.unknown {
            let parts: &[Part] = match near {
                Some("HI") => &[Part::Diagnosis],
                Some("LX" | "SV1" | "SV2" | "SV3" | "DTP") => &[Part::Line],
                Some("NM1" | "N3" | "N4" | "PRV" | "REF" | "PER") => &[],
                Some(_) => &[],
                None => &[Part::Diagnosis, Part::Line],
            };
            for part in parts {
                if !claim.unreadable.contains(part) {
                    claim.unreadable.push(*part);
                }
            }
        }
        // (An unreadable place is reported by the structure check; no rule asks for a place, so
        // the model need not mark it.)
        claim
    }

    fn name(&self, nm1: usize) -> Option<Field> {
        let segment = self.seg(nm1);
        let last = segment.element(3).map(|e| e.span()).filter(|s| !s.is_empty())?;
        let first = segment.element(4).map(|e| e.span()).filter(|s| !s.is_empty());
        match first {
            None => Some(self.field(last)),
            Some(first) => {
                // "Last, First", pushed rather than `format!`ed (two names in every claim).
                let last_name = crate::parse::unwrapped(self.file.value(self.text, last));
                let first_name = crate::parse::unwrapped(self.file.value(self.text, first));
                let mut decoded = String::with_capacity(last_name.len() + 2 + first_name.len());
                decoded.push_str(&last_name);
                decoded.push_str(", ");
                decoded.push_str(&first_name);
                Some(Field {
                    span: Span::new(last.start, first.end),
                    decoded: Some(decoded.into()),
                })
            }
        }
    }

    fn patient(&self, node: &ClaimNode, claim: &mut Claim) {
        let member_id = node.subscriber.and_then(|nm1| self.element(nm1, 9));
        let (nm1, dmg) = match node.patient {
            Some(patient) => (Some(patient), node.patient_dmg),
            None => (node.subscriber, node.subscriber_dmg),
        };
        let Some(nm1) = nm1 else { return };
        let mut span = self.seg(nm1).span();
        if let Some(dmg) = dmg {
            span.end = span.end.max(self.seg(dmg).span().end);
        }
        claim.patients.push(Patient {
            span,
            name: self.name(nm1),
            date_of_birth: dmg.and_then(|d| self.element(d, 2)),
            sex: dmg.and_then(|d| self.element(d, 3)),
            member_id,
        });
    }

    fn provider(&self, nm1: usize, role: ProviderRole) -> Provider {
        Provider {
            role,
            span: self.seg(nm1).span(),
            npi: (self.el(nm1, 8) == "XX").then(|| self.element(nm1, 9)).flatten(),
            name: self.name(nm1),
        }
    }

    fn codes(&self, node: &ClaimNode, claim: &mut Claim) {
        let mut key = 0u32;
        for &index in &node.segments {
            let segment = self.seg(index);
            if segment.id(self.text) != "HI" {
                continue;
            }
            let mut bare_qualifier = false;
            for element in segment.elements() {
                let after_bare = std::mem::replace(&mut bare_qualifier, false);
                let Some(qualifier) = element.component(1) else { continue };
                let q = self.file.value(self.text, qualifier);
                let code = element
                    .component(2)
                    .filter(|c| !self.file.value(self.text, *c).trim().is_empty());
                if code.is_none() && element.component_count() == 1 {
                    bare_qualifier = true;
                }
                if !HI_QUALIFIERS.contains(&q) {
                    // A composite whose qualifier cannot be read (another separator, a code
                    // written without its qualifier): a diagnosis that was written, unread.
                    if !q.trim().is_empty() && !after_bare {
                        claim.unreadable.push(Part::Diagnosis);
                    }
                    bare_qualifier = false;
                    continue;
                }
                if ICD10_DX.contains(&q) || ICD9_DX.contains(&q) {
                    let Some(code) = code else {
                        // Written but not readable: it still holds its HI position.
                        claim.unreadable.push(Part::Diagnosis);
                        key += 1;
                        continue;
                    };
                    claim.diagnoses.push(Diagnosis {
                        key: Some(key),
                        label: self.field(qualifier),
                        code: self.field(code),
                        system: Some(self.field(qualifier)),
                    });
                    key += 1;
                } else if ICD10_PX.contains(&q) || ICD9_PX.contains(&q) {
                    let Some(code) = code else {
                        claim.unreadable.push(Part::Procedure);
                        continue;
                    };
                    claim.procedures.push(Procedure {
                        code: self.field(code),
                        date: self.present(element.component(4)),
                    });
                }
            }
        }
    }

    fn dtp(&self, node: &ClaimNode, qualifier: &str) -> Option<usize> {
        node.segments.iter().copied().find(|&s| {
            let segment = self.seg(s);
            segment.id(self.text) == "DTP" && segment.text(1, self.text) == qualifier
        })
    }

    /// A date element split at its `-` when it is a range (`RD8`).
    fn dates(&self, dtp: usize) -> (Option<Field>, Option<Field>) {
        let Some(value) = self.seg(dtp).element(3).map(|e| e.span()) else { return (None, None) };
        let raw = self.file.value(self.text, value);
        let range = self.el(dtp, 2) == "RD8" || (raw.len() == 17 && raw.as_bytes()[8] == b'-');
        match raw.find('-').filter(|_| range) {
            Some(dash) => (
                self.present(Some(Span::new(value.start, value.start + dash))),
                self.present(Some(Span::new(value.start + dash + 1, value.end))),
            ),
            None => (self.present(Some(value)), None),
        }
    }

    fn stay(&self, node: &ClaimNode) -> Option<Stay> {
        let statement = self.dtp(node, "434").map(|d| self.dates(d));
        let admission = self.dtp(node, "435").and_then(|d| self.element(d, 3));
        if statement.is_none() && admission.is_none() {
            return None;
        }
        let (from, to) = statement.unwrap_or((None, None));
        Some(Stay { admission: admission.or(from), discharge: to })
    }

    /// The claim's own date of service, for lines without one: DTP*472 of the claim (837P, 837D)
    /// or its statement period (837I).
    fn claim_date(&self, node: &ClaimNode) -> Option<(Option<Field>, Option<Field>)> {
        let dtp = self.dtp(node, "472").or_else(|| self.dtp(node, "434"))?;
        Some(self.dates(dtp))
    }

    fn line(&self, node: &LineNode, claim_date: Option<&(Option<Field>, Option<Field>)>) -> Line {
        let lx = self.seg(node.lx);
        let last = self.seg(node.last);
        let mut line = Line {
            kind: LineKind::Service,
            span: Span::new(lx.span().start, last.span().end.max(lx.span().end)),
            unreadable: node.unknown,
            ..Default::default()
        };
        let (from, to) = match node.dates.first() {
            Some(&dtp) => self.dates(dtp),
            None => claim_date.cloned().unwrap_or((None, None)),
        };
        line.from = from;
        line.to = to;
        line.npi = node
            .providers
            .iter()
            .copied()
            .find(|&nm1| self.el(nm1, 1) == "82" && self.el(nm1, 8) == "XX")
            .and_then(|nm1| self.element(nm1, 9));
        let Some(service) = node.service else {
            line.unreadable = true;
            line.code = Field::new(Span::new(lx.span().end, lx.span().end));
            return line;
        };
        let segment = self.seg(service);
        // Where the procedure composite, charge, units, place and pointers stand.
        let (procedure, charge, units, place, pointers) = match segment.id(self.text) {
            "SV2" => (2, 3, 5, None, None),
            "SV3" => (1, 2, 6, Some(3), Some(11)),
            _ => (1, 2, 4, Some(5), Some(7)),
        };
        let composite = segment.element(procedure);
        match composite
            .and_then(|c| c.component(2))
            .filter(|c| !self.file.value(self.text, *c).is_empty())
        {
            Some(code) => {
                line.code = self.field(code);
                line.system = self.present(composite.and_then(|c| c.component(1)));
                let composite = composite.expect("a component has its element");
                for n in 3..=composite.component_count() {
                    if let Some(modifier) = self.present(composite.component(n)) {
                        line.modifiers.push(modifier);
                    }
                    if n == 6 {
                        break;
                    }
                }
            }
            None => {
                // No procedure code: an 837I line may have only its revenue code (SV201);
                // anywhere else the line cannot be read.
                let at = composite.map_or(segment.span().end, |c| c.span().start);
                line.code = Field::new(Span::new(at, at));
                if segment.id(self.text) != "SV2" || self.el(service, 1).is_empty() {
                    line.unreadable = true;
                }
            }
        }
        line.charge = self.element(service, charge);
        line.units = self.element(service, units);
        line.place = place.and_then(|p| self.element(service, p));
        if let Some(position) = pointers
            && let Some(element) = segment.element(position)
            && !element.is_empty()
        {
            let mut items = vec![];
            for span in element.repetition(1).into_iter().flat_map(|r| r.components()) {
                let raw = self.file.value(self.text, span).trim();
                if raw.is_empty() {
                    continue;
                }
                let key = raw.parse::<u32>().ok().filter(|&n| n >= 1).map(|n| n - 1);
                items.push(Pointer { field: self.field(span), key });
            }
            line.pointers = Some(Pointers { span: element.span(), items });
        }
        line
    }
}

fn role(entity: &str) -> Option<ProviderRole> {
    Some(match entity {
        "85" => ProviderRole::Billing,
        "82" => ProviderRole::Rendering,
        "DN" | "P3" => ProviderRole::Referring,
        "DK" => ProviderRole::Ordering,
        "71" => ProviderRole::Attending,
        "72" | "ZZ" | "77" | "DQ" | "QB" | "DD" | "FA" => ProviderRole::Other,
        _ => return None,
    })
}

/// Whether a value is empty or white space only (`str::trim`'s white space), without the trim
/// for a value that starts with a printable ASCII character (nearly all of them).
fn is_blank(value: &str) -> bool {
    match value.as_bytes().first() {
        Some(&b) if b.is_ascii_graphic() => false,
        _ => value.trim().is_empty(),
    }
}
