//! The 837 structure and the X12-only rules.
//!
//! One pass over the segments keeps the envelope open (ISA → GS → ST), and inside an 837
//! transaction the loop it stands in: the header (1000A/B), the HL levels 2000A/B/C with their
//! name loops (2010AA/AB, 2010BA/BB, 2010CA), the claim 2300 with its 2310 providers and 2320/2330
//! other subscribers, the line 2400 with its 2420 providers and 2430 adjudication. Loops are
//! recognised by segment id and qualifier alone. The same pass records, for each `CLM`, the
//! segments that [`crate::lower`] reads.

use rustc_hash::FxHashMap as HashMap;

use claimls_model::{Diagnostic, Fix, Related, Severity, Span, TextEdit};

use crate::describe::{self, ElementType};
use crate::parse::{Segment, X12File, id_key};

/// Which 837 a transaction is, from ST03 (or GS08).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionKind {
    /// 837P, `005010X222A1`.
    Professional,
    /// 837I, `005010X223A2`.
    Institutional,
    /// 837D, `005010X224A2`.
    Dental,
    /// Not an 837 claimls reads (a 999, a 277, another version).
    Other,
}

impl TransactionKind {
    pub fn name(self) -> &'static str {
        match self {
            TransactionKind::Professional => "837P",
            TransactionKind::Institutional => "837I",
            TransactionKind::Dental => "837D",
            TransactionKind::Other => "transaction",
        }
    }

    fn service(self) -> &'static str {
        match self {
            TransactionKind::Institutional => "SV2",
            TransactionKind::Dental => "SV3",
            _ => "SV1",
        }
    }

    fn charge(self) -> &'static str {
        match self {
            TransactionKind::Institutional => "SV203",
            TransactionKind::Dental => "SV302",
            _ => "SV102",
        }
    }
}

/// The versions claimls reads, and what each is.
fn version_kind(version: &str) -> (TransactionKind, VersionStatus) {
    use TransactionKind::*;
    use VersionStatus::*;
    match version {
        "005010X222A1" | "005010X222A2" => (Professional, Read),
        "005010X223A2" | "005010X223A3" => (Institutional, Read),
        "005010X224A2" | "005010X224A3" => (Dental, Read),
        "005010X222" => (Professional, PreErrata("005010X222A1")),
        "005010X223" | "005010X223A1" => (Institutional, PreErrata("005010X223A2")),
        "005010X224" | "005010X224A1" => (Dental, PreErrata("005010X224A2")),
        "004010X098A1" | "004010X098" => (Professional, Retired("005010X222A1")),
        "004010X096A1" | "004010X096" => (Institutional, Retired("005010X223A2")),
        "004010X097A1" | "004010X097" => (Dental, Retired("005010X224A2")),
        _ => (Other, NotRead),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VersionStatus {
    Read,
    /// An earlier 5010 release: read as its errata, but payers want the errata.
    PreErrata(&'static str),
    /// 4010: retired for HIPAA claims since 2012.
    Retired(&'static str),
    NotRead,
}

/// One `CLM` and what the loops above and inside it say: segment indexes into the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClaimNode {
    pub clm: usize,
    /// The HL segment of the level the claim stands in (the latest before its `CLM`).
    pub hl: Option<usize>,
    /// The last segment of the claim (inclusive).
    pub last: usize,
    pub billing: Option<usize>,
    #[allow(dead_code)]
    pub sbr: Option<usize>,
    pub subscriber: Option<usize>,
    pub subscriber_dmg: Option<usize>,
    pub payer: Option<usize>,
    pub patient: Option<usize>,
    pub patient_dmg: Option<usize>,
    /// The 2300 loop's own segments (DTP, HI, REF, CL1 …), in order.
    pub segments: Vec<usize>,
    /// NM1s of the 2310 loops.
    pub providers: Vec<usize>,
    /// NM1*PR of the 2330B loops (other payers).
    pub other_payers: Vec<usize>,
    pub lines: Vec<LineNode>,
    /// Segments in the claim whose id is unknown (they may have been a part of it), with the
    /// known id one letter away that fits there, if there is one.
    pub unknown: Vec<(usize, Option<&'static str>)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct LineNode {
    pub lx: usize,
    pub last: usize,
    pub service: Option<usize>,
    /// Its DTP*472 segments.
    pub dates: Vec<usize>,
    /// NM1s of its 2420 loops.
    pub providers: Vec<usize>,
    /// An unknown segment stood where its SV1/SV2/SV3 or one of its parts would be.
    pub unknown: bool,
}

/// The envelopes of a file, walked: what they say, and each transaction's body, still to be
/// walked ([`Body::walk`]). A body's diagnostics lie in its own text (its ST included), so the
/// bodies can be walked one at a time while earlier ones are checked.
#[derive(Debug, Default)]
pub(crate) struct Envelopes {
    pub bodies: Vec<Body>,
    /// The envelopes' diagnostics, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// The segments of one transaction after its ST, up to `last` (inclusive).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Body {
    pub st: usize,
    pub last: usize,
    pub kind: TransactionKind,
}

impl Body {
    /// The 837 inside the transaction: its claims, and the diagnostics of its loops (in the order
    /// found); nothing for a transaction claimls does not read.
    pub(crate) fn walk(&self, text: &str, file: &X12File) -> (Vec<ClaimNode>, Vec<Diagnostic>) {
        if self.kind == TransactionKind::Other {
            return (vec![], vec![]);
        }
        let mut body = Tx837::new(text, file, self.kind, self.st);
        for index in self.st + 1..=self.last {
            body.segment(index);
        }
        body.finish(self.last)
    }
}

/// The structural diagnostics of a parsed file (without [`X12File::problems`]), sorted by
/// position.
pub fn check(text: &str, file: &X12File) -> Vec<Diagnostic> {
    let Envelopes { bodies, mut diagnostics } = envelopes(text, file);
    for body in bodies {
        diagnostics.extend(body.walk(text, file).1);
    }
    crate::sort_diagnostics(&mut diagnostics);
    diagnostics
}

fn error(rule: &'static str, span: Span, message: String) -> Diagnostic {
    Diagnostic { rule, severity: Severity::Error, span, message, fixes: vec![], related: vec![] }
}

fn replace(label: String, span: Span, new_text: String) -> Fix {
    Fix { label, edits: vec![TextEdit { span, new_text }] }
}

/// The text an element should be replaced with, and where: the element itself, or, when the
/// segment stops before it, the separators and value appended after its last element.
fn set_element(segment: Segment<'_>, position: usize, value: &str) -> TextEdit {
    match segment.element(position) {
        Some(element) => TextEdit { span: element.span(), new_text: value.to_string() },
        None => {
            let end = segment.span().end;
            let separator = segment.delimiters().element as char;
            let missing = position - segment.len();
            TextEdit {
                span: Span::new(end, end),
                new_text: format!("{}{value}", separator.to_string().repeat(missing)),
            }
        }
    }
}

fn set_fix(label: String, segment: Segment<'_>, position: usize, value: &str) -> Fix {
    Fix { label, edits: vec![set_element(segment, position, value)] }
}

/// Control numbers match when they are the same text, or the same number with other padding.
fn same_number(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(a) && digits(b) && a.trim_start_matches('0') == b.trim_start_matches('0')
}

/// A money amount or quantity as X12 writes it (`R`): an optional minus, digits, an optional
/// decimal point. Kept as a count of millionths.
pub(crate) fn parse_decimal(text: &str) -> Option<i128> {
    // Asked for every charge and unit count of a file: one pass over the bytes, and no trim for
    // a value that starts and ends with a printable ASCII character (nearly all of them).
    let bytes = text.as_bytes();
    let trimmed = match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    };
    let (negative, digits) = match trimmed.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, trimmed.as_bytes()),
    };
    // The digits before and after the point read as one number, then scaled to millionths.
    let (mut whole_digits, mut fraction_digits, mut point) = (0, 0, false);
    let mut value: i128 = 0;
    for &b in digits {
        match b {
            b'0'..=b'9' if point => fraction_digits += 1,
            b'0'..=b'9' => whole_digits += 1,
            b'.' if !point => {
                point = true;
                continue;
            }
            _ => return None,
        }
        if whole_digits > 20 || fraction_digits > 6 {
            return None;
        }
        value = value * 10 + i128::from(b - b'0');
    }
    if whole_digits == 0 && fraction_digits == 0 {
        return None;
    }
    let value = value * 10i128.pow(6 - fraction_digits);
    Some(if negative { -value } else { value })
}

/// Millionths written back as X12 writes an amount: no trailing zeros past the cents, no
/// decimal point for a whole number.
pub(crate) fn format_decimal(value: i128) -> String {
    let negative = value < 0;
    let value = value.unsigned_abs();
    let whole = value / 1_000_000;
    let fraction = value % 1_000_000;
    let mut text = if fraction == 0 {
        whole.to_string()
    } else {
        let mut digits = format!("{fraction:06}");
        while digits.len() > 2 && digits.ends_with('0') {
            digits.pop();
        }
        format!("{whole}.{digits}")
    };
    if negative {
        text.insert(0, '-');
    }
    text
}

/// `CCYYMMDD` as a number to compare, when it is one.
pub(crate) fn compact_date(text: &str) -> Option<u32> {
    let date = text.get(..8)?;
    if !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = date.parse().ok()?;
    let (month, day) = (value / 100 % 100, value % 100);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(value)
}

const ICD10_START: u32 = 20151001;

/// HI qualifiers of ICD-10-CM diagnoses, and of their ICD-9-CM counterparts.
pub(crate) const ICD10_DX: [&str; 5] = ["ABK", "ABF", "ABJ", "APR", "ABN"];
pub(crate) const ICD9_DX: [&str; 5] = ["BK", "BF", "BJ", "PR", "BN"];
/// ICD-10-PCS principal and other procedures, and the ICD-9-CM procedure qualifiers.
pub(crate) const ICD10_PX: [&str; 2] = ["BBR", "BBQ"];
pub(crate) const ICD9_PX: [&str; 2] = ["BR", "BQ"];

fn icd10_counterpart(qualifier: &str) -> Option<&'static str> {
    match qualifier {
        "BK" => Some("ABK"),
        "BF" => Some("ABF"),
        "BJ" => Some("ABJ"),
        "PR" => Some("APR"),
        "BN" => Some("ABN"),
        "BR" => Some("BBR"),
        "BQ" => Some("BBQ"),
        _ => None,
    }
}

fn icd9_counterpart(qualifier: &str) -> Option<&'static str> {
    match qualifier {
        "ABK" => Some("BK"),
        "ABF" => Some("BF"),
        "ABJ" => Some("BJ"),
        "APR" => Some("PR"),
        "ABN" => Some("BN"),
        "BBR" => Some("BR"),
        "BBQ" => Some("BQ"),
        _ => None,
    }
}

/// Entity codes (NM101) of providers whose NM108 can only be `XX` (an NPI) in 5010.
const NPI_ENTITIES: [&str; 13] =
    ["85", "82", "DN", "P3", "DQ", "71", "72", "ZZ", "77", "DK", "QB", "DD", "FA"];

/// Where a segment stands in an 837 transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// After ST: BHT, the submitter (1000A) and receiver (1000B).
    Header,
    /// 2000A and its 2010AA/AB/AC.
    Billing,
    /// 2000B and its 2010BA/BB.
    Subscriber,
    /// 2000C and its 2010CA.
    Patient,
    /// An HL whose level claimls does not know: anything goes.
    UnknownLevel,
    /// 2300 and its 2310 loops.
    Claim,
    /// 2320 and its 2330 loops.
    OtherSubscriber,
    /// 2400 and its 2410/2420 loops.
    Line,
    /// 2430 (line adjudication) and 2440.
    LineAdjudication,
}

impl Ctx {
    fn name(self) -> &'static str {
        match self {
            Ctx::Header => "the transaction header (before the first HL)",
            Ctx::Billing => "the billing provider loop 2000A",
            Ctx::Subscriber => "the subscriber loop 2000B",
            Ctx::Patient => "the patient loop 2000C",
            Ctx::UnknownLevel => "an HL loop",
            Ctx::Claim => "the claim loop 2300",
            Ctx::OtherSubscriber => "the other subscriber loop 2320",
            Ctx::Line => "the service line loop 2400",
            Ctx::LineAdjudication => "the line adjudication loop 2430",
        }
    }

    fn in_claim(self) -> bool {
        matches!(self, Ctx::Claim | Ctx::OtherSubscriber | Ctx::Line | Ctx::LineAdjudication)
    }
}

/// May this segment stand here? (HL, CLM, LX, the service segments, SBR and the envelope are
/// decided by the walk itself.)
fn allowed(ctx: Ctx, id: &str, kind: TransactionKind) -> bool {
    let institutional = kind == TransactionKind::Institutional;
    let dental = kind == TransactionKind::Dental;
    match ctx {
        Ctx::UnknownLevel => true,
        Ctx::Header => matches!(id, "BHT" | "NM1" | "PER" | "REF" | "N2" | "N3" | "N4"),
        Ctx::Billing => matches!(id, "PRV" | "CUR" | "NM1" | "N3" | "N4" | "REF" | "PER"),
        Ctx::Subscriber => {
            matches!(id, "SBR" | "PAT" | "NM1" | "N3" | "N4" | "DMG" | "REF" | "PER")
        }
        Ctx::Patient => matches!(id, "PAT" | "NM1" | "N3" | "N4" | "DMG" | "REF" | "PER"),
        Ctx::Claim => {
            matches!(
                id,
                "DTP"
                    | "PWK"
                    | "CN1"
                    | "AMT"
                    | "REF"
                    | "K3"
                    | "NTE"
                    | "CR1"
                    | "CR2"
                    | "CRC"
                    | "HI"
                    | "HCP"
                    | "NM1"
                    | "PRV"
                    | "N3"
                    | "N4"
                    | "PER"
            ) || (institutional && matches!(id, "CL1" | "MIA" | "MOA"))
                || (dental && matches!(id, "DN1" | "DN2"))
        }
        Ctx::OtherSubscriber => matches!(
            id,
            "CAS" | "AMT" | "OI" | "MOA" | "MIA" | "NM1" | "N3" | "N4" | "REF" | "DTP" | "PER"
        ),
        Ctx::Line => matches!(
            id,
            "TOO"
                | "SV5"
                | "PWK"
                | "CR1"
                | "CR3"
                | "CRC"
                | "DTP"
                | "QTY"
                | "MEA"
                | "CN1"
                | "REF"
                | "AMT"
                | "K3"
                | "NTE"
                | "PS1"
                | "HCP"
                | "LIN"
                | "CTP"
                | "NM1"
                | "PRV"
                | "N3"
                | "N4"
                | "PER"
                | "LQ"
                | "FRM"
        ),
        Ctx::LineAdjudication => matches!(id, "CAS" | "DTP" | "AMT" | "LQ" | "FRM"),
    }
}

/// Segment ids of the X12 standard that claimls recognises as such (the 837's, the envelope's,
/// and those of the transactions that travel with claims: 999, 277, 835, 270/271, 276, 278,
/// 834, 820, TA1). An id outside this list is reported as not an X12 segment.
const X12_SEGMENTS: &[&str] = &[
    "ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "BHT", "NM1", "N2", "N3", "N4", "PER", "REF",
    "HL", "PRV", "CUR", "SBR", "PAT", "DMG", "CLM", "DTP", "PWK", "CN1", "AMT", "K3", "NTE", "CR1",
    "CR2", "CR3", "CR4", "CR5", "CR6", "CR7", "CR8", "CRC", "HI", "HCP", "CL1", "HSD", "QTY",
    "MEA", "CAS", "OI", "MOA", "MIA", "LX", "SV1", "SV2", "SV3", "SV4", "SV5", "SV6", "SV7", "TOO",
    "PS1", "LIN", "CTP", "SVD", "LQ", "FRM", "DN1", "DN2", "AK1", "AK2", "AK3", "AK4", "AK5",
    "AK9", "IK3", "IK4", "IK5", "CTX", "TRN", "STC", "SVC", "BPR", "DTM", "N1", "TS2", "TS3",
    "CLP", "PLB", "RDM", "EQ", "EB", "III", "MSG", "INS", "BGN", "HD", "COB", "LUI", "DSB", "IDC",
    "UM", "HCR", "RMR", "ENT", "ADX", "NX1", "PRR", "UR", "CRX", "PDP", "PDS", "BIG", "IT1", "TDS",
    "PO1", "CTT", "MPI", "ACT", "RMT", "BEN", "EC", "ICM", "DEP", "AIN", "ENT", "PLA", "LS", "LE",
    "PID", "MSG", "AAA", "INV", "BRA", "BNE", "PAM",
];

pub(crate) fn is_known_x12_segment(id: &str) -> bool {
    // Asked for every segment of a file: a fast hash for the short ids.
    static KNOWN: std::sync::OnceLock<rustc_hash::FxHashSet<u32>> = std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(|| X12_SEGMENTS.iter().filter_map(|id| id_key(id)).collect());
    id_key(id).is_some_and(|key| known.contains(&key))
}

/// What the walk asks of the id of each segment, found with one lookup: whether it is an X12
/// segment (`None` if not, as [`is_known_x12_segment`] says), and for one claimls describes,
/// its description and [`required_elements`].
#[derive(Debug, Clone, Copy)]
struct SegmentFacts {
    described: Option<&'static describe::SegmentDescription>,
    required: &'static [usize],
}

fn segment_facts(id: &str) -> Option<SegmentFacts> {
    static FACTS: std::sync::OnceLock<HashMap<u32, SegmentFacts>> = std::sync::OnceLock::new();
    let facts = FACTS.get_or_init(|| {
        let facts = |id: &str| SegmentFacts {
            described: describe::describe_segment(id),
            required: required_elements(id),
        };
        X12_SEGMENTS.iter().filter_map(|id| Some((id_key(id)?, facts(id)))).collect()
    });
    facts.get(&id_key(id)?).copied()
}

#[derive(Debug, Clone)]
struct Hl {
    seg: usize,
    level: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Subscriber {
    hl: usize,
    sbr: Option<usize>,
    nm1: Option<usize>,
    dmg: Option<usize>,
    payer: Option<usize>,
}

#[derive(Debug, Default, Clone, Copy)]
struct PatientCtx {
    nm1: Option<usize>,
    dmg: Option<usize>,
}

struct Tx837<'a> {
    text: &'a str,
    file: &'a X12File,
    kind: TransactionKind,
    st: usize,
    ctx: Ctx,
    hls: Vec<Hl>,
    billing: Option<usize>,
    billing_hl: Option<usize>,
    subscriber: Option<Subscriber>,
    patient: Option<PatientCtx>,
    /// The entity code of the NM1 that opened the current name loop.
    name_loop: Option<&'a str>,
    claim: Option<ClaimNode>,
    line: Option<LineNode>,
    claims: Vec<ClaimNode>,
    saw_bht: bool,
    /// The entity codes of the name loops of the current loop (2000A, a claim, a line …).
    entities: Vec<&'a str>,
    /// An N4 stood in the current name loop.
    saw_n4: bool,
    out: Vec<Diagnostic>,
}

impl<'a> Tx837<'a> {
    fn new(text: &'a str, file: &'a X12File, kind: TransactionKind, st: usize) -> Self {
        Tx837 {
            text,
            file,
            kind,
            st,
            ctx: Ctx::Header,
            hls: vec![],
            billing: None,
            billing_hl: None,
            subscriber: None,
            patient: None,
            name_loop: None,
            claim: None,
            line: None,
            claims: vec![],
            saw_bht: false,
            entities: vec![],
            saw_n4: false,
            out: vec![],
        }
    }

    fn seg(&self, index: usize) -> Segment<'a> {
        self.file.segment(index)
    }

    fn el(&self, index: usize, position: usize) -> &'a str {
        self.file.segment(index).text(position, self.text)
    }

    fn component(&self, index: usize, position: usize, component: usize) -> &'a str {
        self.file
            .segment(index)
            .component(position, component)
            .map_or("", |span| self.file.value(self.text, span))
    }

    fn no_place(&mut self, index: usize, detail: &str) {
        let segment = self.seg(index);
        let id = segment.id(self.text);
        let message = if detail.is_empty() {
            format!("{id} has no place in {}. {}", self.ctx.name(), where_it_belongs(id, self.kind))
        } else {
            format!("{id} has no place in {}{detail}.", self.ctx.name())
        };
        self.out.push(error("segment", segment.id_span(), message));
    }

    fn finish_line(&mut self, last: usize) {
        if let Some(mut line) = self.line.take() {
            line.last = last.max(line.lx);
            if line.service.is_none() && !line.unknown {
                let lx = self.seg(line.lx);
                self.out.push(error(
                    "segment",
                    lx.id_span(),
                    format!(
                        "Service line {} (loop 2400) has no {}: each LX is followed by the line's \
                         service segment, `{}`.",
                        lx.text(1, self.text),
                        self.kind.service(),
                        service_example(self.kind)
                    ),
                ));
            }
            if let Some(claim) = self.claim.as_mut() {
                claim.lines.push(line);
            }
        }
    }

    fn finish_claim(&mut self, last: usize) {
        self.finish_line(last);
        if let Some(mut claim) = self.claim.take() {
            claim.last = last.max(claim.clm);
            self.check_claim(&claim);
            self.claims.push(claim);
        }
    }

    fn start_hl(&mut self, index: usize) {
        self.finish_claim(index.saturating_sub(1));
        self.entities.clear();
        self.name_loop = None;
        let segment = self.seg(index);
        if segment.elements().all(|e| e.is_empty()) {
            self.out.push(error(
                "hierarchy",
                segment.id_span(),
                "This HL has no elements: an HL is written `HL*<its number>*<its parent's \
                 number>*<level>*<1 if children follow, else 0>`, e.g. `HL*2*1*22*0`."
                    .into(),
            ));
            self.ctx = Ctx::UnknownLevel;
            return;
        }
        let level = self.el(index, 3).to_string();
        self.ctx = match level.as_str() {
            "20" => {
                self.billing = None;
                self.billing_hl = Some(index);
                self.subscriber = None;
                self.patient = None;
                Ctx::Billing
            }
            "22" => {
                self.subscriber = Some(Subscriber { hl: index, ..Default::default() });
                self.patient = None;
                Ctx::Subscriber
            }
            "23" => {
                self.patient = Some(PatientCtx::default());
                Ctx::Patient
            }
            _ => Ctx::UnknownLevel,
        };
        self.name_loop = None;
        self.hls.push(Hl { seg: index, level });
    }

    fn segment(&mut self, index: usize) {
        let segment = self.seg(index);
        let id = segment.id(self.text);
        if !crate::parse::is_segment_id(id) {
            // The parser reported it; it may have been part of a claim or a line.
            self.note_unknown(index);
            return;
        }
        let Some(facts) = segment_facts(id) else {
            let mut diagnostic = error(
                "segment",
                segment.id_span(),
                format!(
                    "`{id}` is not an X12 segment id{}",
                    match near_segment(id, self.ctx, self.kind) {
                        Some(near) => format!(": did you mean {near}?"),
                        None => ": check its spelling (ids are 2 or 3 letters and digits, \
                                   such as HI, NM1, SV1), or remove the segment."
                            .to_string(),
                    }
                ),
            );
            if let Some(near) = near_segment(id, self.ctx, self.kind) {
                diagnostic.fixes.push(replace(
                    format!("Change to {near}"),
                    segment.id_span(),
                    near.to_string(),
                ));
            }
            self.out.push(diagnostic);
            self.note_unknown(index);
            return;
        };
        if let Some(described) = facts.described {
            check_described(self.text, self.file, index, described, facts.required, &mut self.out);
        }
        match id {
            "BHT" => {
                if self.ctx != Ctx::Header || self.saw_bht {
                    self.no_place(index, "");
                }
                self.saw_bht = true;
            }
            "HL" => self.start_hl(index),
            "CLM" => self.start_claim(index),
            "LX" => {
                if self.ctx.in_claim() {
                    self.finish_line(index - 1);
                    self.line = Some(LineNode { lx: index, last: index, ..Default::default() });
                    self.ctx = Ctx::Line;
                    self.entities.clear();
                    self.name_loop = None;
                } else {
                    self.no_place(
                        index,
                        ": a service line loop 2400 belongs to a claim, after its CLM",
                    );
                }
            }
            "SV1" | "SV2" | "SV3" => self.service(index, id),
            "SBR" => match self.ctx {
                Ctx::Subscriber if self.subscriber.is_some_and(|s| s.sbr.is_none()) => {
                    if let Some(s) = self.subscriber.as_mut() {
                        s.sbr = Some(index);
                    }
                }
                Ctx::Claim | Ctx::OtherSubscriber => {
                    self.ctx = Ctx::OtherSubscriber;
                    self.name_loop = None;
                    self.entities.clear();
                }
                Ctx::UnknownLevel => {}
                _ => self.no_place(index, ""),
            },
            "SVD" => {
                if matches!(self.ctx, Ctx::Line | Ctx::LineAdjudication) {
                    self.ctx = Ctx::LineAdjudication;
                } else {
                    self.no_place(index, ": line adjudication (loop 2430) follows a service line");
                }
            }
            "NM1" => self.name(index),
            _ => {
                if !allowed(self.ctx, id, self.kind) {
                    let detail = if id == "DMG" {
                        ": demographics follow the subscriber's or patient's NM1 (loop 2010BA or 2010CA)"
                    } else {
                        ""
                    };
                    self.no_place(index, detail);
                    return;
                }
                self.record(index, id);
            }
        }
    }

    fn note_unknown(&mut self, index: usize) {
        if let Some(line) = self.line.as_mut() {
            line.unknown = true;
        } else if let Some(claim) = self.claim.as_mut() {
            let id = self.file.segment(index).id(self.text);
            claim.unknown.push((index, near_segment(id, self.ctx, self.kind)));
        }
    }

    /// Keeps what the lowering reads, and checks the qualifiers of DTP and DMG.
    fn record(&mut self, index: usize, id: &'a str) {
        match id {
            "N4" => self.saw_n4 = true,
            "N3" if self.saw_n4 => {
                let segment = self.seg(index);
                self.out.push(error(
                    "segment",
                    segment.id_span(),
                    format!(
                        "N3 stands after the N4 of this name loop{}: the street address (N3) \
                         comes before the city, state and ZIP code (N4).",
                        self.name_loop.map(|e| format!(" (NM1*{e})")).unwrap_or_default()
                    ),
                ));
            }
            "DMG" => {
                let entity = self.name_loop;
                match (self.ctx, entity) {
                    (Ctx::Subscriber, Some("IL")) => {
                        if let Some(s) = self.subscriber.as_mut() {
                            s.dmg = Some(index);
                        }
                    }
                    (Ctx::Patient, Some("QC")) => {
                        if let Some(p) = self.patient.as_mut() {
                            p.dmg = Some(index);
                        }
                    }
                    _ => self.no_place(
                        index,
                        ": demographics follow the subscriber's NM1*IL (loop 2010BA) or the \
                         patient's NM1*QC (loop 2010CA)",
                    ),
                }
                let format = self.el(index, 1);
                if !format.is_empty() && format != "D8" {
                    let segment = self.seg(index);
                    let mut d = error(
                        "qualifier",
                        segment.element_or_end(1),
                        format!(
                            "DMG01 is `{format}`: the date of birth in DMG02 is written `D8` \
                             (CCYYMMDD)."
                        ),
                    );
                    d.fixes.push(set_fix("Change DMG01 to D8".into(), segment, 1, "D8"));
                    self.out.push(d);
                }
            }
            "DTP" => {
                self.check_dtp(index);
                match self.ctx {
                    Ctx::Claim => {
                        if let Some(claim) = self.claim.as_mut() {
                            claim.segments.push(index);
                        }
                    }
                    Ctx::Line => {
                        if self.el(index, 1) == "472"
                            && let Some(line) = self.line.as_mut()
                        {
                            line.dates.push(index);
                        }
                    }
                    _ => {}
                }
            }
            _ => {
                if self.ctx == Ctx::Claim
                    && let Some(claim) = self.claim.as_mut()
                {
                    claim.segments.push(index);
                }
            }
        }
    }

    fn check_dtp(&mut self, index: usize) {
        let qualifier = self.el(index, 1);
        let format = self.el(index, 2);
        let value = self.el(index, 3);
        let wanted: &[&str] = match qualifier {
            "472" => &["D8", "RD8"],
            "434" => &["RD8"],
            "435" => &["D8", "DT"],
            "096" if self.kind == TransactionKind::Institutional => &["TM"],
            "096" => &["D8"],
            "" => return,
            _ => &["D8", "RD8", "DT"],
        };
        let segment = self.seg(index);
        let looks = if value.len() == 17 && value.as_bytes()[8] == b'-' {
            Some("RD8")
        } else if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
            Some("D8")
        } else {
            None
        };
        if wanted.contains(&format) {
            // The format fits the date, but does the date fit the format?
            if let Some(looks) = looks
                && matches!(format, "D8" | "RD8")
                && format != looks
                && wanted.contains(&looks)
            {
                let mut d = error(
                    "qualifier",
                    segment.element_or_end(2),
                    format!(
                        "DTP02 is `{format}`, but DTP03 `{value}` is {}: write `{looks}`.",
                        if looks == "RD8" {
                            "a range of dates (CCYYMMDD-CCYYMMDD)"
                        } else {
                            "a single date (CCYYMMDD)"
                        }
                    ),
                );
                d.fixes.push(set_fix(format!("Change DTP02 to {looks}"), segment, 2, looks));
                self.out.push(d);
            }
            return;
        }
        let what = match qualifier {
            "472" => "a date of service",
            "434" => "the statement period",
            "435" => "the admission date",
            "096" if self.kind == TransactionKind::Institutional => "the discharge hour",
            "096" => "the discharge date",
            _ => "this date",
        };
        let wanted_text = wanted.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" or ");
        let mut d = error(
            "qualifier",
            segment.element_or_end(2),
            format!(
                "DTP02 is `{format}`, but DTP*{qualifier} ({what}) is written {wanted_text} \
                 (`D8` CCYYMMDD, `RD8` CCYYMMDD-CCYYMMDD)."
            ),
        );
        // The value tells which format it is.
        if let Some(right) = looks.filter(|r| wanted.contains(r)) {
            d.fixes.push(set_fix(format!("Change DTP02 to {right}"), segment, 2, right));
        }
        self.out.push(d);
    }

    fn start_claim(&mut self, index: usize) {
        match self.ctx {
            Ctx::Subscriber | Ctx::Patient | Ctx::UnknownLevel => {}
            ctx if ctx.in_claim() => {}
            _ => self.no_place(
                index,
                ": a claim (loop 2300) stands in the subscriber loop 2000B, or in the patient \
                 loop 2000C when the patient is not the subscriber",
            ),
        }
        if self.ctx == Ctx::Subscriber
            && let Some(subscriber) = self.subscriber
            && let Some(sbr) = subscriber.sbr
            && self.el(sbr, 2) != "18"
        {
            let segment = self.seg(sbr);
            self.out.push(error(
                "hierarchy",
                segment.element_or_end(2),
                format!(
                    "The claim {} stands in the subscriber loop 2000B, but SBR02 is {}: only a \
                     subscriber who is the patient (SBR02 `18`) has claims there. Set SBR02 to 18 \
                     if the subscriber is the patient, or put the claim under a patient loop \
                     (`HL*n*{}*23*0`, PAT, NM1*QC).",
                    self.el(index, 1),
                    match self.el(sbr, 2) {
                        "" => "empty".to_string(),
                        other => format!("`{other}`"),
                    },
                    self.el(subscriber.hl, 1),
                ),
            ));
        }
        if self.ctx == Ctx::Patient
            && let Some(subscriber) = self.subscriber
            && let Some(sbr) = subscriber.sbr
            && self.el(sbr, 2) == "18"
        {
            let segment = self.seg(sbr);
            self.out.push(error(
                "hierarchy",
                segment.element_or_end(2),
                format!(
                    "SBR02 is 18 (the subscriber is the patient), yet the claim {} stands in a \
                     patient loop 2000C: when the subscriber is the patient the claim belongs \
                     directly in loop 2000B, with no HL*23.",
                    self.el(index, 1)
                ),
            ));
        }
        self.finish_claim(index.saturating_sub(1));
        let subscriber = self.subscriber.unwrap_or_default();
        let patient = self.patient.unwrap_or_default();
        self.claim = Some(ClaimNode {
            clm: index,
            hl: self.hls.last().map(|hl| hl.seg),
            last: index,
            billing: self.billing,
            sbr: subscriber.sbr,
            subscriber: subscriber.nm1,
            subscriber_dmg: subscriber.dmg,
            payer: subscriber.payer,
            patient: patient.nm1,
            patient_dmg: patient.dmg,
            ..Default::default()
        });
        self.ctx = Ctx::Claim;
        self.name_loop = None;
        self.entities.clear();
        self.check_clm(index);
    }

    fn check_clm(&mut self, index: usize) {
        let segment = self.seg(index);
        if let Some(clm05) = segment.element(5)
            && clm05.component_count() == 1
            && let Some(foreign) = foreign_separator(clm05.text(self.text), segment.delimiters())
        {
            let d = self.separator_problem(
                index,
                clm05.span(),
                "CLM05",
                clm05.text(self.text),
                foreign,
            );
            self.out.push(d);
            return;
        }
        let facility = self.component(index, 5, 2);
        let (wanted, transaction) = match self.kind {
            TransactionKind::Institutional => ("A", "837I"),
            TransactionKind::Professional | TransactionKind::Dental => ("B", self.kind.name()),
            TransactionKind::Other => return,
        };
        if !facility.is_empty()
            && facility != wanted
            && let Some(span) = segment.component(5, 2)
        {
            let mut d = error(
                "qualifier",
                span,
                format!(
                    "CLM05-2 is `{facility}`, but an {transaction} writes `{wanted}` there (`B` \
                     says CLM05-1 is a place of service, `A` a facility type code)."
                ),
            );
            d.fixes.push(replace(format!("Change CLM05-2 to {wanted}"), span, wanted.into()));
            self.out.push(d);
        }
    }

    fn service(&mut self, index: usize, id: &str) {
        let expected = self.kind.service();
        if self.kind != TransactionKind::Other && id != expected {
            let segment = self.seg(index);
            self.out.push(error(
                "segment",
                segment.id_span(),
                format!(
                    "{id} is a service line of {}, but this transaction is an {} (its lines are {expected}).",
                    match id {
                        "SV1" => "an 837P",
                        "SV2" => "an 837I",
                        _ => "an 837D",
                    },
                    self.kind.name()
                ),
            ));
            // The line is written, but not in a way this transaction reads.
            if let Some(line) = self.line.as_mut() {
                line.unknown = true;
            }
            return;
        }
        match self.ctx {
            Ctx::Line if self.line.as_ref().is_some_and(|l| l.service.is_none()) => {
                if let Some(line) = self.line.as_mut() {
                    line.service = Some(index);
                }
                self.check_service(index, id);
            }
            Ctx::Line | Ctx::LineAdjudication => self.no_place(
                index,
                &format!(": this line already has its {id}; start the next line with an LX"),
            ),
            ctx if ctx.in_claim() => {
                self.no_place(index, &format!(": a line's {id} follows its LX (`LX*1`)"))
            }
            _ => self.no_place(index, &format!(": {id} comes after a CLM, in a line loop 2400")),
        }
    }

    fn check_service(&mut self, index: usize, id: &str) {
        let segment = self.seg(index);
        let (position, allowed, what): (usize, &[&str], &str) = match id {
            "SV1" => (1, &["HC", "ER", "IV", "WK"], "SV101-1"),
            "SV2" => (2, &["HC", "ER", "HP", "IV", "WK"], "SV202-1"),
            _ => (1, &["AD"], "SV301-1"),
        };
        let Some(span) = segment.component(position, 1) else { return };
        let qualifier = self.file.value(self.text, span);
        if qualifier.is_empty() || allowed.contains(&qualifier) {
            return;
        }
        if let Some(foreign) = foreign_separator(qualifier, segment.delimiters()) {
            let d = self.separator_problem(index, span, what, qualifier, foreign);
            self.out.push(d);
            return;
        }
        let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
        let mut d = error(
            "qualifier",
            span,
            format!(
                "{what} is `{qualifier}`: the product or service code's qualifier is one of \
                 {list} (`{}` for {}).",
                allowed[0],
                if id == "SV3" { "a CDT dental code" } else { "a CPT or HCPCS code" }
            ),
        );
        d.fixes.push(replace(format!("Change {what} to {}", allowed[0]), span, allowed[0].into()));
        self.out.push(d);
    }

    /// A composite written with another component separator than ISA16 names.
    fn separator_problem(
        &self,
        index: usize,
        span: Span,
        what: &str,
        value: &str,
        foreign: char,
    ) -> Diagnostic {
        let declared = self.seg(index).delimiters().component as char;
        let mut d = error(
            "segment",
            span,
            format!(
                "{what} is `{value}`: it looks written with `{foreign}` between its components, \
                 but ISA16 makes `{declared}` the component separator of this file, so it reads \
                 as one value. Write the components with `{declared}`, or change ISA16 to \
                 `{foreign}` if that is what the whole file uses."
            ),
        );
        // The ISA whose delimiters are in force.
        if let Some(isa) = (0..index).rev().find(|&i| self.seg(i).id(self.text) == "ISA")
            && let Some(isa16) = self.seg(isa).element(16)
        {
            d.fixes.push(replace(
                format!("Change ISA16 to {foreign}"),
                isa16.span(),
                foreign.to_string(),
            ));
            d.related.push(Related {
                span: isa16.span(),
                message: "ISA16, the component separator".into(),
            });
        }
        d
    }

    fn name(&mut self, index: usize) {
        let entity = self.el(index, 1);
        self.name_loop = Some(entity);
        self.saw_n4 = false;
        let segment = self.seg(index);
        let (loop_name, entities): (&str, &[&str]) = match self.ctx {
            Ctx::Header => ("the header (loops 1000A and 1000B)", &["41", "40"]),
            Ctx::Billing => ("loop 2000A", &["85", "87", "PE"]),
            Ctx::Subscriber => ("loop 2000B", &["IL", "PR"]),
            Ctx::Patient => ("loop 2000C", &["QC"]),
            Ctx::Claim => (
                "the claim loop 2300",
                &[
                    "DN", "P3", "82", "77", "DQ", "PW", "45", "71", "72", "ZZ", "DD", "FA", "QB",
                    "DK",
                ],
            ),
            Ctx::OtherSubscriber => (
                "the other subscriber loop 2320",
                &[
                    "IL", "PR", "DN", "P3", "82", "77", "DQ", "85", "71", "72", "ZZ", "DK", "DD",
                    "PW", "45",
                ],
            ),
            Ctx::Line => (
                "the service line loop 2400",
                &[
                    "82", "QB", "77", "DQ", "DK", "DN", "P3", "PW", "45", "71", "72", "ZZ", "DD",
                    "FA",
                ],
            ),
            _ => ("", &[]),
        };
        if !entities.is_empty() && !entities.contains(&entity) {
            let list = entities
                .iter()
                .take(6)
                .map(|e| format!("{e} {}", entity_name(e)))
                .collect::<Vec<_>>()
                .join(", ");
            self.out.push(error(
                "qualifier",
                segment.element_or_end(1),
                format!(
                    "NM101 is {}, not a name that belongs in {loop_name}: there NM1 names {list}{}.",
                    if entity.is_empty() { "empty".to_string() } else { format!("`{entity}`") },
                    if entities.len() > 6 { " …" } else { "" }
                ),
            ));
        } else if !entity.is_empty()
            && !matches!(entity, "DN" | "P3")
            && self.entities.contains(&entity)
        {
            self.out.push(error(
                "segment",
                segment.id_span(),
                format!(
                    "A second NM1*{entity} ({}) in {loop_name}: that name loop comes once. \
                     Remove this one, or start a new loop for it.",
                    entity_name(entity)
                ),
            ));
        }
        self.entities.push(entity);
        match self.ctx {
            Ctx::Header => {}
            Ctx::Billing => {
                if entity == "85" {
                    self.billing = Some(index);
                }
            }
            Ctx::Subscriber => {
                if let Some(s) = self.subscriber.as_mut() {
                    match entity {
                        "IL" => s.nm1 = Some(index),
                        "PR" => s.payer = Some(index),
                        _ => {}
                    }
                }
            }
            Ctx::Patient => {
                if entity == "QC"
                    && let Some(p) = self.patient.as_mut()
                {
                    p.nm1 = Some(index);
                }
            }
            Ctx::UnknownLevel => {}
            Ctx::Claim => {
                if let Some(claim) = self.claim.as_mut() {
                    claim.providers.push(index);
                }
            }
            Ctx::OtherSubscriber => {
                if entity == "PR"
                    && let Some(claim) = self.claim.as_mut()
                {
                    claim.other_payers.push(index);
                }
            }
            Ctx::Line => {
                if let Some(line) = self.line.as_mut() {
                    line.providers.push(index);
                }
            }
            Ctx::LineAdjudication => {
                self.no_place(index, "");
                return;
            }
        }
        self.check_nm108(index, entity);
    }

    fn check_nm108(&mut self, index: usize, entity: &str) {
        if !NPI_ENTITIES.contains(&entity) || self.ctx == Ctx::OtherSubscriber {
            return;
        }
        let segment = self.seg(index);
        let qualifier = self.el(index, 8);
        let required = entity == "85";
        if qualifier == "XX" || (qualifier.is_empty() && !required) {
            return;
        }
        let who = entity_name(entity);
        let message = if qualifier.is_empty() {
            format!(
                "NM1*{entity} ({who}) has no NM108: the billing provider is identified by its NPI, \
                 `XX` in NM108 and the 10-digit NPI in NM109."
            )
        } else {
            format!(
                "NM108 is `{qualifier}` on NM1*{entity} ({who}): in 5010 a provider is identified \
                 by its NPI, NM108 `XX` with the NPI in NM109 (other identifiers go in a REF)."
            )
        };
        let mut d = error("qualifier", segment.element_or_end(8), message);
        if !qualifier.is_empty() {
            let nine = self.el(index, 9);
            if nine.len() == 10 && nine.bytes().all(|b| b.is_ascii_digit()) {
                d.fixes.push(set_fix("Change NM108 to XX".into(), segment, 8, "XX"));
            }
        }
        self.out.push(d);
    }

    /// The checks of a whole claim: its HI, its lines' dates, its total and its qualifiers.
    fn check_claim(&mut self, claim: &ClaimNode) {
        let clm = self.seg(claim.clm);
        let claim_id = clm.text(1, self.text);
        let kind = self.kind;
        let his: Vec<usize> =
            claim.segments.iter().copied().filter(|&s| self.seg(s).id(self.text) == "HI").collect();
        // Required segments.
        if his.is_empty()
            && matches!(kind, TransactionKind::Professional | TransactionKind::Institutional)
            && claim.unknown.iter().all(|(_, near)| near.is_some_and(|n| n != "HI"))
        {
            self.out.push(error(
                "segment",
                clm.id_span(),
                format!(
                    "Claim {claim_id} (loop 2300) has no HI segment: an {} claim carries at least \
                     its principal diagnosis, `HI*ABK:<code>` (ICD-10-CM, without the dot), after \
                     the claim's DTP and REF segments.",
                    kind.name()
                ),
            ));
        }
        let claim_dates: Vec<usize> = claim
            .segments
            .iter()
            .copied()
            .filter(|&s| {
                let seg = self.seg(s);
                seg.id(self.text) == "DTP" && matches!(seg.text(1, self.text), "472" | "434")
            })
            .collect();
        // A dental predetermination (CLM19 `PB`) is sent before the work: it has no dates.
        let predetermination = kind == TransactionKind::Dental && clm.text(19, self.text) == "PB";
        if claim_dates.is_empty() && !predetermination {
            for line in &claim.lines {
                if line.dates.is_empty()
                    && let Some(service) = line.service
                {
                    let segment = self.seg(service);
                    self.out.push(error(
                        "segment",
                        segment.id_span(),
                        format!(
                            "Service line {} of claim {claim_id} has no date of service: add \
                             `DTP*472*D8*CCYYMMDD` after its {} (the claim gives no date either{}).",
                            self.el(line.lx, 1),
                            segment.id(self.text),
                            if kind == TransactionKind::Institutional {
                                ", no DTP*434 statement period"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
            }
        }
        self.check_total(claim, claim_id);
        self.check_hi(claim, &his, &claim_dates);
    }

    fn check_total(&mut self, claim: &ClaimNode, claim_id: &str) {
        if claim.lines.is_empty() || self.kind == TransactionKind::Other {
            return;
        }
        let position = if self.kind == TransactionKind::Institutional { 3 } else { 2 };
        let mut sum = 0i128;
        for line in &claim.lines {
            let Some(service) = line.service else { return };
            let Some(charge) = parse_decimal(self.el(service, position)) else { return };
            sum += charge;
        }
        if claim.lines.iter().any(|l| l.unknown) {
            return;
        }
        let clm = self.seg(claim.clm);
        let written = clm.text(2, self.text);
        if parse_decimal(written) == Some(sum) {
            return;
        }
        if !written.is_empty() && parse_decimal(written).is_none() {
            // Not a number at all: the element check says so.
            return;
        }
        let right = format_decimal(sum);
        let mut d = error(
            "claim-total",
            clm.element_or_end(2),
            format!(
                "CLM02 of claim {claim_id} is {}, but its {} line charges ({}) add up to {right}: \
                 the claim total must equal the sum of the lines.",
                if written.is_empty() { "empty".to_string() } else { written.to_string() },
                claim.lines.len(),
                self.kind.charge()
            ),
        );
        d.fixes.push(set_fix(format!("Set CLM02 to {right}"), clm, 2, &right));
        self.out.push(d);
    }

    /// The date the claim's code set is chosen by: an inpatient claim's discharge (the end of
    /// its statement period), otherwise its earliest date of service.
    fn code_set_date(&self, claim: &ClaimNode, claim_dates: &[usize]) -> Option<u32> {
        let inpatient = self.kind == TransactionKind::Institutional
            && is_inpatient(self.component(claim.clm, 5, 1));
        // The earliest as they come (no list of them: asked for every claim).
        let mut earliest: Option<u32> = None;
        let mut note = |date: Option<u32>| {
            if let Some(date) = date {
                earliest = Some(earliest.map_or(date, |e| e.min(date)));
            }
        };
        for &dtp in claim_dates {
            let value = self.el(dtp, 3);
            if inpatient
                && self.el(dtp, 1) == "434"
                && let Some(end) = value.get(9..).and_then(compact_date)
            {
                return Some(end);
            }
            note(compact_date(value));
        }
        for line in &claim.lines {
            for &dtp in &line.dates {
                note(compact_date(self.el(dtp, 3)));
            }
        }
        earliest
    }

    fn check_hi(&mut self, claim: &ClaimNode, his: &[usize], claim_dates: &[usize]) {
        let date = self.code_set_date(claim, claim_dates);
        let mut first_dx = true;
        // The diagnosis's position among the claim's diagnosis codes (what SV107 points to).
        let mut dx_position = 0usize;
        for &hi in his {
            let segment = self.seg(hi);
            // A qualifier written alone: the next element is its code (reported with it).
            let mut bare_qualifier = false;
            for element in segment.elements() {
                let after_bare = std::mem::replace(&mut bare_qualifier, false);
                if after_bare && element.component_count() == 1 {
                    continue;
                }
                let Some(span) = element.component(1) else { continue };
                let qualifier = self.file.value(self.text, span);
                if qualifier.is_empty() {
                    continue;
                }
                let position = HiPosition { element: element.position, diagnosis: None };
                if !HI_QUALIFIERS.contains(&qualifier) {
                    let d = match foreign_separator(qualifier, segment.delimiters()) {
                        Some(foreign) => self.separator_problem(
                            hi,
                            element.span(),
                            &format!("HI{:02}", element.position),
                            element.text(self.text),
                            foreign,
                        ),
                        None => error(
                            "qualifier",
                            span,
                            format!(
                                "{position} is `{qualifier}`, which is not an HI qualifier: each \
                                 HI composite starts with what its code is (`ABK` principal \
                                 diagnosis, `ABF` other diagnosis …), then the code{}.",
                                if element.component_count() == 1 {
                                    format!(
                                        ", joined by the component separator `{}`",
                                        segment.delimiters().component as char
                                    )
                                } else {
                                    String::new()
                                }
                            ),
                        ),
                    };
                    self.out.push(d);
                    continue;
                }
                let is_dx = ICD10_DX.contains(&qualifier) || ICD9_DX.contains(&qualifier);
                if is_dx {
                    dx_position += 1;
                }
                let named = HiPosition { diagnosis: is_dx.then_some(dx_position), ..position };
                if element.component(2).is_none_or(|c| c.is_empty()) {
                    bare_qualifier = element.component_count() == 1;
                    first_dx &= !is_dx;
                    let separator = segment.delimiters().component as char;
                    let mut d = error(
                        "segment",
                        element.span(),
                        format!(
                            "HI{:02} is `{qualifier}` with no code: each HI composite is a \
                             qualifier and its code joined by `{separator}`, e.g. \
                             `{qualifier}{separator}<code>`.",
                            element.position
                        ),
                    );
                    // `BK*8901`: the code was written as the next element.
                    if let Some(next) = segment.element(element.position + 1)
                        && next.component_count() == 1
                        && !next.is_empty()
                        && !HI_QUALIFIERS.contains(&next.text(self.text))
                    {
                        d.fixes.push(replace(
                            format!("Join as {qualifier}{separator}{}", next.text(self.text)),
                            Span::new(element.span().end, next.span().start),
                            separator.to_string(),
                        ));
                    }
                    self.out.push(d);
                    continue;
                }
                if is_dx && first_dx {
                    first_dx = false;
                    if !matches!(qualifier, "ABK" | "BK") {
                        let mut d = error(
                            "qualifier",
                            span,
                            format!(
                                "The first diagnosis of the claim, {named}, has qualifier \
                                 `{qualifier}`: an {} claim starts with its principal diagnosis, \
                                 `ABK` (ICD-10-CM; `BK` for ICD-9-CM before 2015-10-01).",
                                self.kind.name()
                            ),
                        );
                        let right = if qualifier.starts_with('A') { "ABK" } else { "BK" };
                        if matches!(qualifier, "ABF" | "BF") {
                            d.fixes.push(replace(
                                format!("Change {position} to {right}"),
                                span,
                                right.into(),
                            ));
                        }
                        self.out.push(d);
                        continue;
                    }
                } else if is_dx && matches!(qualifier, "ABK" | "BK") {
                    let mut d = error(
                        "qualifier",
                        span,
                        format!(
                            "{named} is `{qualifier}`, a second principal diagnosis: a claim \
                             has one; the others are `{}`.",
                            if qualifier == "ABK" { "ABF" } else { "BF" }
                        ),
                    );
                    let right = if qualifier == "ABK" { "ABF" } else { "BF" };
                    d.fixes.push(replace(
                        format!("Change {position} to {right}"),
                        span,
                        right.into(),
                    ));
                    self.out.push(d);
                    continue;
                }
                if self.kind == TransactionKind::Professional
                    && matches!(
                        qualifier,
                        "ABJ" | "APR" | "ABN" | "BJ" | "PR" | "BN" | "BBR" | "BBQ"
                    )
                {
                    self.out.push(error(
                        "qualifier",
                        span,
                        format!(
                            "{named} is `{qualifier}`, a qualifier of institutional claims \
                             (837I): an 837P lists its diagnoses as `ABK` (the first) and `ABF`."
                        ),
                    ));
                    continue;
                }
                let Some(date) = date else { continue };
                let shown = date;
                if date >= ICD10_START
                    && let Some(right) = icd10_counterpart(qualifier)
                {
                    let mut d = error(
                        "qualifier",
                        span,
                        format!(
                            "{named} is `{qualifier}`, an ICD-9-CM qualifier, but the claim's \
                             date ({shown}) is on or after 2015-10-01, when ICD-10 replaced \
                             ICD-9: code it in ICD-10 with qualifier `{right}`."
                        ),
                    );
                    d.fixes.push(replace(
                        format!("Change {position} to {right} (then code it in ICD-10)"),
                        span,
                        right.into(),
                    ));
                    self.out.push(d);
                } else if date < ICD10_START
                    && let Some(right) = icd9_counterpart(qualifier)
                {
                    self.out.push(error(
                        "qualifier",
                        span,
                        format!(
                            "{named} is `{qualifier}`, an ICD-10 qualifier, but the claim's \
                             date ({shown}) is before 2015-10-01, when ICD-9-CM still applied \
                             (qualifier `{right}`)."
                        ),
                    ));
                }
            }
        }
    }

    fn finish(mut self, last: usize) -> (Vec<ClaimNode>, Vec<Diagnostic>) {
        self.finish_claim(last);
        if !self.saw_bht && self.kind != TransactionKind::Other {
            let st = self.seg(self.st);
            self.out.push(error(
                "segment",
                st.id_span(),
                "This 837 has no BHT: the beginning of hierarchical transaction \
                 (`BHT*0019*00*<reference>*CCYYMMDD*HHMM*CH`) follows the ST."
                    .into(),
            ));
        }
        self.check_hierarchy();
        (self.claims, self.out)
    }

    fn check_hierarchy(&mut self) {
        let hls = std::mem::take(&mut self.hls);
        let text = self.text;
        // What each HL's checks look back (or ahead) for, found in one pass rather than by a
        // scan per HL (a transaction holds thousands of HLs): the latest earlier HL whose HL01
        // this HL02 names, the latest earlier HL of the level this one belongs to, and the last
        // HL whose HL02 names each id.
        let mut by_id: HashMap<&str, usize> = HashMap::default();
        let mut by_level: HashMap<&str, usize> = HashMap::default();
        let mut named_last: HashMap<&str, usize> = HashMap::default();
        let mut earlier_of = Vec::with_capacity(hls.len());
        let mut nearest_of = Vec::with_capacity(hls.len());
        for (i, hl) in hls.iter().enumerate() {
            let segment = self.seg(hl.seg);
            let parent_id = segment.text(2, text);
            earlier_of.push(by_id.get(parent_id).copied());
            nearest_of.push(parent_level(&hl.level).and_then(|w| by_level.get(w).copied()));
            by_id.insert(segment.text(1, text), i);
            by_level.insert(hl.level.as_str(), i);
            named_last.insert(parent_id, i);
        }
        for (i, hl) in hls.iter().enumerate() {
            let segment = self.seg(hl.seg);
            let id = segment.text(1, text);
            if !is_number(id, i + 1) {
                let expected = (i + 1).to_string();
                let mut d = error(
                    "hierarchy",
                    segment.element_or_end(1),
                    format!(
                        "HL01 is {}, but this is HL number {expected} of the transaction: HL01 \
                         counts 1, 2, 3 … in order.",
                        if id.is_empty() { "empty".into() } else { format!("`{id}`") }
                    ),
                );
                // Renumbering one HL would break what names it; offer it only when nothing
                // later names this id as its parent.
                let named = named_last.get(id).is_some_and(|&last| last > i);
                if !named || id.is_empty() {
                    d.fixes.push(set_fix(format!("Set HL01 to {expected}"), segment, 1, &expected));
                }
                self.out.push(d);
            }
            let parent_id = segment.text(2, text);
            let wanted_parent = match hl.level.as_str() {
                "20" => None,
                "22" => Some("20"),
                "23" => Some("22"),
                "" => {
                    self.out.push(error(
                        "hierarchy",
                        segment.element_or_end(3),
                        "HL03 is empty: each HL says its level, 20 (billing provider), 22 \
                         (subscriber) or 23 (patient)."
                            .into(),
                    ));
                    continue;
                }
                other => {
                    self.out.push(error(
                        "hierarchy",
                        segment.element_or_end(3),
                        format!(
                            "HL03 is `{other}`, a level an 837 does not use: the levels are 20 \
                             (billing provider), 22 (subscriber) and 23 (patient)."
                        ),
                    ));
                    continue;
                }
            };
            let earlier = earlier_of[i].map(|j| &hls[j]);
            match (wanted_parent, parent_id.is_empty()) {
                (None, true) => {}
                (None, false) => {
                    let mut d = error(
                        "hierarchy",
                        segment.element_or_end(2),
                        format!(
                            "HL02 is `{parent_id}`, but a billing provider level (HL03 20) is the \
                             top of the tree and has no parent: leave HL02 empty."
                        ),
                    );
                    d.fixes.push(set_fix("Empty HL02".into(), segment, 2, ""));
                    self.out.push(d);
                }
                (Some(level), _) => {
                    debug_assert_eq!(parent_level(&hl.level), Some(level));
                    let nearest = nearest_of[i].map(|j| &hls[j]);
                    let nearest_id = nearest.map(|h| self.seg(h.seg).text(1, text));
                    let problem = match earlier {
                        None if parent_id.is_empty() => Some(format!(
                            "HL02 is empty: a level {} HL names its parent, the HL01 of the {} \
                             above it.",
                            hl.level,
                            level_name(level)
                        )),
                        None => Some(format!(
                            "HL02 is `{parent_id}`, but no earlier HL has that HL01: HL02 names \
                             the {} this level {} belongs to.",
                            level_name(level),
                            hl.level
                        )),
                        Some(parent) if parent.level != level => Some(format!(
                            "HL02 names HL {parent_id}, {}, but {} belongs to {}.",
                            level_phrase(&parent.level),
                            level_phrase(&hl.level),
                            level_phrase(level)
                        )),
                        Some(_) => None,
                    };
                    if let Some(message) = problem {
                        let mut d = error("hierarchy", segment.element_or_end(2), message);
                        if let Some(nearest_id) = nearest_id.filter(|n| !n.is_empty()) {
                            d.fixes.push(set_fix(
                                format!("Set HL02 to {nearest_id}"),
                                segment,
                                2,
                                nearest_id,
                            ));
                        }
                        self.out.push(d);
                    }
                }
            }
        }
        // HL04: children or none, by the parent each HL names, or, when it names none that
        // exists, the one its HL02 fix would name (so that one mistake is reported once).
        let mut children = vec![0usize; hls.len()];
        for (i, hl) in hls.iter().enumerate() {
            let parent_id = self.seg(hl.seg).text(2, text);
            let named = if parent_id.is_empty() { None } else { earlier_of[i] };
            let parent = match parent_level(&hl.level) {
                Some(_) => named.or(nearest_of[i]),
                None => named,
            };
            // A parent stands before its child, so counting as we go finds every child.
            if let Some(parent) = parent {
                children[parent] += 1;
            }
        }
        for (i, hl) in hls.iter().enumerate() {
            let segment = self.seg(hl.seg);
            let id = segment.text(1, text);
            let has_children = children[i] > 0;
            let written = segment.text(4, text);
            let right = if has_children { "1" } else { "0" };
            if written == right {
                continue;
            }
            let message = match (written, has_children) {
                ("", _) => format!(
                    "HL04 is missing: it says whether child levels follow, here {right} ({})",
                    if has_children { "a later HL names this one" } else { "none does" }
                ),
                (_, true) => format!(
                    "HL04 is `{written}`, but HL {id} has children (a later HL names it in \
                     HL02): write 1"
                ),
                (_, false) => format!(
                    "HL04 is `{written}`, but no later HL names HL {id} as its parent: write 0"
                ),
            };
            let mut d = error("hierarchy", segment.element_or_end(4), format!("{message}."));
            d.fixes.push(set_fix(format!("Set HL04 to {right}"), segment, 4, right));
            self.out.push(d);
        }
        self.hls = hls;
    }
}

/// "HI02-1", or "HI position 2 (HI02-1)" for a diagnosis: written into a message only when there
/// is one (an HI is read for every claim).
#[derive(Debug, Clone, Copy)]
struct HiPosition {
    element: usize,
    /// The diagnosis's position among the claim's diagnosis codes.
    diagnosis: Option<usize>,
}

impl std::fmt::Display for HiPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.diagnosis {
            Some(n) => write!(f, "HI position {n} (HI{:02}-1)", self.element),
            None => write!(f, "HI{:02}-1", self.element),
        }
    }
}

/// Lengths and types of the elements claimls describes (the values the rules judge
/// themselves, codes, NPIs, dates, charges and units, are left to them).
fn check_elements(text: &str, file: &X12File, index: usize, out: &mut Vec<Diagnostic>) {
    let id = file.segment(index).id(text);
    let Some(described) = describe::describe_segment(id) else { return };
    check_described(text, file, index, described, required_elements(id), out);
}

/// [`check_elements`] of a segment whose description and [`required_elements`] are known.
fn check_described(
    text: &str,
    file: &X12File,
    index: usize,
    described: &describe::SegmentDescription,
    required: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    let segment = file.segment(index);
    let id = segment.id(text);
    for &position in required {
        if segment.element(position).is_none_or(|e| e.is_empty()) {
            let name = describe::describe_element(id, position).map_or("", |e| e.name);
            out.push(error(
                "segment",
                segment.element_or_end(position),
                format!("{id}{position:02} ({name}) is missing: every {id} segment carries it."),
            ));
        }
    }
    // The described elements the segment has, in position order (a description lists each
    // once, in that order).
    for description in described.elements {
        let Some(kind) = description.checked else { continue };
        let Some(element) = segment.element(description.position as usize) else { break };
        let value = element.text(text);
        if value.is_empty() || element.component_count() > 1 {
            continue;
        }
        // "SV102", written into a message only when there is one.
        let position = element.position;
        let length = value.chars().count();
        let (min, max) = description.length;
        if length > max as usize {
            let mut d = error(
                "segment",
                element.span(),
                format!(
                    "{id}{position:02} ({}) is {length} characters long; it holds at most {max}.",
                    description.name
                ),
            );
            d.related.push(Related {
                span: segment.id_span(),
                message: format!("in this {id} segment"),
            });
            out.push(d);
            continue;
        }
        if length < min as usize && kind != ElementType::Decimal {
            out.push(error(
                "segment",
                element.span(),
                format!(
                    "{id}{position:02} ({}) is {length} character{} long; it needs at least {min}.",
                    description.name,
                    if length == 1 { "" } else { "s" }
                ),
            ));
            continue;
        }
        let ok = match kind {
            ElementType::Text | ElementType::Identifier => true,
            ElementType::Number => value.bytes().all(|b| b.is_ascii_digit()),
            ElementType::Decimal => parse_decimal(value).is_some(),
            ElementType::Date => compact_date(value).is_some() && value.len() == 8,
            ElementType::Time => {
                value.bytes().all(|b| b.is_ascii_digit())
                    && value.len() >= 4
                    && value[..2].parse::<u32>().is_ok_and(|h| h < 24)
                    && value[2..4].parse::<u32>().is_ok_and(|m| m < 60)
            }
        };
        if !ok {
            out.push(error(
                "segment",
                element.span(),
                format!(
                    "{id}{position:02} ({}) is `{value}`, which is not {}.",
                    description.name,
                    match kind {
                        ElementType::Number => "a whole number (digits only)",
                        ElementType::Decimal => "a decimal number (digits and one point)",
                        ElementType::Date => "a date CCYYMMDD",
                        ElementType::Time => "a time HHMM",
                        _ => "valid",
                    }
                ),
            ));
        }
    }
}

/// An 837I facility type code (the first two digits of the type of bill) of an inpatient stay:
/// hospital inpatient, `11` (Part A) and `12` (Part B). `13` is hospital outpatient.
pub(crate) fn is_inpatient(facility_type: &str) -> bool {
    matches!(facility_type.trim(), "11" | "12")
}

/// The HI qualifiers claimls knows: diagnoses, procedures, and the other code lists an HI holds
/// (value, condition, occurrence and occurrence span codes, treatment codes, the DRG).
pub(crate) const HI_QUALIFIERS: &[&str] = &[
    "ABK", "ABF", "ABJ", "APR", "ABN", "BBR", "BBQ", "BK", "BF", "BJ", "PR", "BN", "BR", "BQ",
    "BP", "BO", "BE", "BG", "BH", "BI", "TC", "DR", "CAH", "ABU",
];

/// A character that separates components in other files, found where this file's component
/// separator should be: the file was written with other delimiters than its ISA says.
fn foreign_separator(value: &str, delimiters: crate::parse::Delimiters) -> Option<char> {
    value.chars().find(|&c| {
        matches!(c, '>' | ':' | '<' | '^' | '|' | '\\' | '!' | '`' | '}' | '{' | '@')
            && c != delimiters.component as char
    })
}

/// The elements a segment always carries (those the other checks do not already ask for).
fn required_elements(id: &str) -> &'static [usize] {
    match id {
        "ST" => &[2],
        "GS" => &[1, 2, 3, 4, 5, 6, 7],
        "BHT" => &[1, 2, 3, 4, 5, 6],
        "NM1" => &[1, 2],
        "N3" | "PER" | "SBR" | "HI" | "LX" => &[1],
        "N4" => &[1],
        "REF" | "AMT" | "TOO" => &[1, 2],
        "PRV" => &[1, 2, 3],
        "DMG" => &[1, 2, 3],
        "CLM" => &[1, 5],
        "DTP" => &[1, 3],
        "SV1" => &[1, 2, 3, 4],
        "SV2" => &[1, 3, 4, 5],
        "SV3" => &[1, 2],
        _ => &[],
    }
}

/// "a subscriber (level 22, loop 2000B)".
fn level_phrase(level: &str) -> String {
    match level {
        "20" => "a billing provider (level 20, loop 2000A)".into(),
        "22" => "a subscriber (level 22, loop 2000B)".into(),
        "23" => "a patient (level 23, loop 2000C)".into(),
        other => format!("a level {other}"),
    }
}

fn level_name(level: &str) -> &'static str {
    match level {
        "20" => "billing provider (loop 2000A)",
        "22" => "subscriber (loop 2000B)",
        "23" => "patient (loop 2000C)",
        _ => "level",
    }
}

pub(crate) fn entity_name(entity: &str) -> &'static str {
    match entity {
        "85" => "billing provider",
        "87" => "pay-to provider",
        "PE" => "payee",
        "PW" => "ambulance pick-up location",
        "45" => "ambulance drop-off location",
        "82" => "rendering provider",
        "DN" => "referring provider",
        "P3" => "primary care provider",
        "DQ" => "supervising provider",
        "71" => "attending provider",
        "72" => "operating physician",
        "ZZ" => "other operating physician",
        "77" => "service facility",
        "DK" => "ordering provider",
        "QB" => "purchased service provider",
        "DD" => "assistant surgeon",
        "FA" => "facility",
        "IL" => "subscriber",
        "QC" => "patient",
        "PR" => "payer",
        "41" => "submitter",
        "40" => "receiver",
        _ => "entity",
    }
}

fn service_example(kind: TransactionKind) -> &'static str {
    match kind {
        TransactionKind::Institutional => "SV2*<revenue code>*HC:<code>*<charge>*UN*<units>",
        TransactionKind::Dental => "SV3*AD:<code>*<charge>",
        _ => "SV1*HC:<code>*<charge>*UN*<units>***<pointers>",
    }
}

/// A sentence on where a segment does belong.
fn where_it_belongs(id: &str, kind: TransactionKind) -> String {
    let place = match id {
        "BHT" => "It comes once, right after the ST.",
        "PRV" | "CUR" => "It belongs to the billing provider loop 2000A or to a provider loop.",
        "SBR" => {
            "It opens the subscriber loop 2000B (after HL*n*n*22) or an other-subscriber loop 2320 after the claim's own segments."
        }
        "PAT" => "It belongs to the patient loop 2000C (after HL*n*n*23).",
        "DMG" => {
            "It belongs to the subscriber (loop 2010BA) or the patient (loop 2010CA), after their NM1."
        }
        "CLM" => "It opens a claim, loop 2300, in the subscriber or patient loop.",
        "HI" | "CL1" | "CR1" | "CR2" | "CRC" | "HCP" | "PWK" | "CN1" | "K3" => {
            "It belongs to a claim, after its CLM."
        }
        "LX" => "It opens a service line, loop 2400, after the claim's segments.",
        "SV1" | "SV2" | "SV3" => "It follows the LX of a service line.",
        "TOO" | "SV5" | "PS1" | "QTY" | "MEA" | "LIN" | "CTP" => {
            "It belongs to a service line, after its LX and service segment."
        }
        "SVD" | "CAS" | "LQ" | "FRM" => "It belongs to a service line or its adjudication.",
        "OI" | "MOA" | "MIA" => "It belongs to an other-subscriber loop 2320, after its SBR.",
        "DN1" | "DN2" => "It belongs to a dental claim (837D), after its CLM.",
        _ => "Move it to the loop it belongs to, or remove it.",
    };
    let mut text = place.to_string();
    if kind == TransactionKind::Other {
        text.clear();
    }
    text
}

/// The segment id one letter away that fits here, if there is exactly one.
fn near_segment(id: &str, ctx: Ctx, kind: TransactionKind) -> Option<&'static str> {
    const COMMON: &[&str] = &[
        "BHT", "NM1", "N3", "N4", "PER", "REF", "HL", "PRV", "SBR", "PAT", "DMG", "CLM", "DTP",
        "AMT", "NTE", "HI", "CL1", "LX", "SV1", "SV2", "SV3", "TOO", "SE", "CAS", "OI", "SVD",
    ];
    let candidates: Vec<&'static str> = COMMON
        .iter()
        .copied()
        .filter(|c| {
            c.len() == id.len()
                && c.bytes().zip(id.bytes()).filter(|(a, b)| a != b).count() == 1
                && (allowed(ctx, c, kind)
                    || matches!(*c, "HL" | "CLM" | "LX" | "SE" | "NM1" | "SBR")
                    || *c == kind.service())
        })
        .collect();
    // The one that fits here, or else the one that fits anywhere.
    let fitting: Vec<&'static str> =
        candidates.iter().copied().filter(|c| allowed(ctx, c, kind)).collect();
    match (fitting.as_slice(), candidates.as_slice()) {
        ([one], _) | ([], [one]) => Some(one),
        _ => None,
    }
}

/// The open envelopes.
struct Envelope<'a> {
    text: &'a str,
    file: &'a X12File,
    isa: Option<(usize, u32)>,
    gs: Option<(usize, u32, TransactionKind)>,
    st: Option<(usize, TransactionKind)>,
    out: Vec<Diagnostic>,
    bodies: Vec<Body>,
}

/// The walk of the envelopes (ISA/IEA, GS/GE, ST/SE), which leaves the transactions' bodies to
/// [`Body::walk`].
pub(crate) fn envelopes(text: &str, file: &X12File) -> Envelopes {
    let mut envelope =
        Envelope { text, file, isa: None, gs: None, st: None, out: vec![], bodies: vec![] };
    let count = file.segment_count();
    // Inside a transaction, a segment that is no envelope's is its body's and nothing to the
    // envelopes: that is told from its id's bytes, rather than the whole look at each of the
    // many segments (the walk of the bodies waits for this pass). A wrapped file's ids may hold
    // line breaks: each of its segments gets the whole look.
    let plain = file.unwrapped.is_empty();
    for index in 0..count {
        if plain && envelope.st.is_some() {
            let id = file.segments[index].id;
            let id = &text.as_bytes()[id.start as usize..id.end as usize];
            if !matches!(id, b"ISA" | b"IEA" | b"GS" | b"GE" | b"ST" | b"SE") {
                continue;
            }
        }
        envelope.segment(index);
    }
    let last = count.saturating_sub(1);
    envelope.close_st(None, last);
    envelope.close_gs(None, last);
    envelope.close_isa(None, last);
    Envelopes { bodies: envelope.bodies, diagnostics: envelope.out }
}

impl<'a> Envelope<'a> {
    fn seg(&self, index: usize) -> Segment<'a> {
        self.file.segment(index)
    }

    /// The text a trailer is inserted with: after the segment `after`, with the line break the
    /// file puts after its terminators.
    fn insertion(&self, after: usize, trailer: String) -> TextEdit {
        let segment = self.seg(after);
        let delimiters = segment.delimiters();
        let breaks = matches!(delimiters.segment, b'\n' | b'\r');
        // A SIMD search: a local parse (a hover's) closes its envelopes here for every request.
        let uses_crlf = memchr::memmem::find(self.text.as_bytes(), b"\r\n").is_some();
        let newline = if uses_crlf { "\r\n" } else { "\n" };
        let terminator =
            if breaks { newline.to_string() } else { (delimiters.segment as char).to_string() };
        match segment.terminator() {
            None => {
                let at = segment.span().end;
                let gap = if !breaks && self.text.contains(&format!("{terminator}\n")) {
                    newline
                } else {
                    ""
                };
                TextEdit {
                    span: Span::new(at, at),
                    new_text: format!("{terminator}{gap}{trailer}{terminator}"),
                }
            }
            Some(t) => {
                let mut at = t + 1;
                let rest = &self.text[at..];
                let line_break = if rest.starts_with("\r\n") {
                    "\r\n"
                } else if rest.starts_with('\n') {
                    "\n"
                } else {
                    ""
                };
                at += line_break.len();
                let after = if breaks { "" } else { line_break };
                TextEdit {
                    span: Span::new(at, at),
                    new_text: format!("{trailer}{terminator}{after}"),
                }
            }
        }
    }

    fn segment(&mut self, index: usize) {
        let segment = self.seg(index);
        let id = segment.id(self.text);
        if matches!(id, "GS" | "GE" | "ST" | "SE" | "IEA") {
            check_elements(self.text, self.file, index, &mut self.out);
        }
        match id {
            "ISA" => {
                self.close_st(Some(index), index.saturating_sub(1));
                self.close_gs(Some(index), index.saturating_sub(1));
                self.close_isa(Some(index), index.saturating_sub(1));
                self.isa = Some((index, 0));
            }
            "IEA" => {
                self.close_st(Some(index), index.saturating_sub(1));
                self.close_gs(Some(index), index.saturating_sub(1));
                match self.isa.take() {
                    None => self.out.push(error(
                        "envelope",
                        segment.id_span(),
                        "IEA without an ISA: the interchange trailer closes an interchange that \
                         starts with an ISA segment."
                            .into(),
                    )),
                    Some((isa, groups)) => self.check_iea(isa, groups, index),
                }
            }
            "GS" => {
                self.close_st(Some(index), index.saturating_sub(1));
                self.close_gs(Some(index), index.saturating_sub(1));
                if self.isa.is_none() {
                    self.out.push(error(
                        "envelope",
                        segment.id_span(),
                        "This GS stands outside an interchange: a functional group is enclosed \
                         in ISA … IEA."
                            .into(),
                    ));
                }
                if let Some((_, groups)) = self.isa.as_mut() {
                    *groups += 1;
                }
                let version = segment.text(8, self.text);
                let (kind, status) = version_kind(version);
                if segment.text(1, self.text) == "HC" {
                    self.version_problem(index, 8, "GS08", version, status);
                }
                self.gs = Some((index, 0, kind));
            }
            "GE" => {
                self.close_st(Some(index), index.saturating_sub(1));
                match self.gs.take() {
                    None => self.out.push(error(
                        "envelope",
                        segment.id_span(),
                        "GE without a GS: the functional group trailer closes a group that \
                         starts with a GS segment."
                            .into(),
                    )),
                    Some((gs, transactions, _)) => self.check_ge(gs, transactions, index),
                }
            }
            "ST" => {
                self.close_st(Some(index), index.saturating_sub(1));
                if self.gs.is_none() && self.isa.is_some() {
                    self.out.push(error(
                        "envelope",
                        segment.id_span(),
                        "This ST stands outside a functional group: in an interchange, \
                         transactions are enclosed in GS … GE."
                            .into(),
                    ));
                }
                if let Some((_, transactions, _)) = self.gs.as_mut() {
                    *transactions += 1;
                }
                let st01 = segment.text(1, self.text);
                let st03 = segment.text(3, self.text);
                let group_kind = self.gs.as_ref().map_or(TransactionKind::Other, |g| g.2);
                let kind = if st01 != "837" {
                    self.out.push(error(
                        "envelope",
                        segment.element_or_end(1),
                        format!(
                            "ST01 is {}: claimls reads 837 health care claims (837P, 837I, 837D), \
                             so this transaction is not checked.",
                            if st01.is_empty() { "empty".to_string() } else { format!("`{st01}`") }
                        ),
                    ));
                    TransactionKind::Other
                } else if st03.is_empty() {
                    if group_kind == TransactionKind::Other {
                        self.guess_kind(index)
                    } else {
                        group_kind
                    }
                } else {
                    let (kind, status) = version_kind(st03);
                    let kind =
                        if kind == TransactionKind::Other { self.guess_kind(index) } else { kind };
                    let gs08 = self.gs.map(|g| self.seg(g.0).text(8, self.text));
                    // GS08 already said it when it is the same version.
                    if gs08 != Some(st03)
                        || self.gs.is_some_and(|g| self.seg(g.0).text(1, self.text) != "HC")
                    {
                        self.version_problem(index, 3, "ST03", st03, status);
                    }
                    kind
                };
                self.st = Some((index, kind));
            }
            "SE" => match self.st.take() {
                None => self.out.push(error(
                    "envelope",
                    segment.id_span(),
                    "SE without an ST: the transaction trailer closes a transaction that starts \
                     with an ST segment."
                        .into(),
                )),
                Some((st, kind)) => {
                    self.bodies.push(Body { st, last: index.saturating_sub(1), kind });
                    self.check_se(st, index);
                }
            },
            _ => {
                // A segment of a transaction is its body's ([`Body::walk`]).
                if self.st.is_none() {
                    // Outside any transaction.
                    let known = is_known_x12_segment(id);
                    if crate::parse::is_segment_id(id) {
                        self.out.push(error(
                            "segment",
                            segment.id_span(),
                            if known {
                                format!(
                                    "{id} stands outside a transaction: everything between the \
                                     envelopes belongs between an ST and its SE."
                                )
                            } else {
                                format!("`{id}` is not an X12 segment id, and it stands outside a transaction.")
                            },
                        ));
                    }
                }
            }
        }
    }

    /// An 837 without a version it names: which one its service lines say (837P when none).
    fn guess_kind(&self, st: usize) -> TransactionKind {
        for index in st + 1..self.file.segment_count() {
            match self.seg(index).id(self.text) {
                "SV2" | "CL1" => return TransactionKind::Institutional,
                "SV3" | "TOO" => return TransactionKind::Dental,
                "SV1" => return TransactionKind::Professional,
                "SE" | "ST" => break,
                _ => {}
            }
        }
        TransactionKind::Professional
    }

    fn version_problem(
        &mut self,
        index: usize,
        position: usize,
        name: &str,
        version: &str,
        status: VersionStatus,
    ) {
        let segment = self.seg(index);
        let message = match status {
            VersionStatus::Read => return,
            VersionStatus::PreErrata(errata) => format!(
                "{name} is `{version}`, the 5010 release before its errata: payers take \
                 `{errata}`, which claimls reads (this transaction is checked as that)."
            ),
            VersionStatus::Retired(current) => format!(
                "{name} is `{version}`, a 4010 claim, retired for HIPAA transactions since 2012: \
                 send 5010 (`{current}`); claimls checks this one as that."
            ),
            VersionStatus::NotRead => format!(
                "{name} is {}, not a version claimls reads: 837P `005010X222A1`, 837I \
                 `005010X223A2`, 837D `005010X224A2` (and their errata A2/A3){}.",
                if version.is_empty() { "empty".to_string() } else { format!("`{version}`") },
                if name == "ST03" { "; it is checked as the 837 its segments say" } else { "" }
            ),
        };
        let mut d = error("envelope", segment.element_or_end(position), message);
        if let VersionStatus::PreErrata(errata) | VersionStatus::Retired(errata) = status {
            d.fixes.push(set_fix(format!("Change {name} to {errata}"), segment, position, errata));
        }
        self.out.push(d);
    }

    fn close_st(&mut self, next: Option<usize>, last: usize) {
        if let Some((st, kind)) = self.st.take() {
            self.bodies.push(Body { st, last, kind });
            let segment = self.seg(st);
            let control = segment.text(2, self.text);
            let count = last + 1 - st + 1;
            let mut d = error(
                "envelope",
                segment.id_span(),
                format!(
                    "The transaction ST*{}*{control} has no SE: {} it. A transaction ends with \
                     `SE*<segment count>*<ST02>`.",
                    segment.text(1, self.text),
                    match next {
                        Some(next) => format!("a {} comes before", self.seg(next).id(self.text)),
                        None => "the file ends before".to_string(),
                    }
                ),
            );
            let separator = segment.delimiters().element as char;
            d.fixes.push(Fix {
                label: "Add the SE trailer".into(),
                edits: vec![
                    self.insertion(last, format!("SE{separator}{count}{separator}{control}")),
                ],
            });
            self.out.push(d);
        }
    }

    fn close_gs(&mut self, next: Option<usize>, last: usize) {
        if let Some((gs, transactions, _)) = self.gs.take() {
            let segment = self.seg(gs);
            let control = segment.text(6, self.text);
            let mut d = error(
                "envelope",
                segment.id_span(),
                format!(
                    "The functional group GS*{}…*{control} has no GE: {} it. A group ends with \
                     `GE*<number of transactions>*<GS06>`.",
                    segment.text(1, self.text),
                    match next {
                        Some(next) => format!("a {} comes before", self.seg(next).id(self.text)),
                        None => "the file ends before".to_string(),
                    }
                ),
            );
            let separator = segment.delimiters().element as char;
            d.fixes.push(Fix {
                label: "Add the GE trailer".into(),
                edits: vec![
                    self.insertion(
                        last,
                        format!("GE{separator}{transactions}{separator}{control}"),
                    ),
                ],
            });
            self.out.push(d);
        }
    }

    fn close_isa(&mut self, next: Option<usize>, last: usize) {
        if let Some((isa, groups)) = self.isa.take() {
            let segment = self.seg(isa);
            let control = segment.text(13, self.text);
            let mut d = error(
                "envelope",
                segment.id_span(),
                format!(
                    "The interchange ISA …*{control} has no IEA: {} it. An interchange ends \
                     with `IEA*<number of groups>*<ISA13>`.",
                    match next {
                        Some(next) => format!("a {} comes before", self.seg(next).id(self.text)),
                        None => "the file ends before".to_string(),
                    }
                ),
            );
            let separator = segment.delimiters().element as char;
            d.fixes.push(Fix {
                label: "Add the IEA trailer".into(),
                edits: vec![
                    self.insertion(last, format!("IEA{separator}{groups}{separator}{control}")),
                ],
            });
            self.out.push(d);
        }
    }

    fn count_problem(
        &mut self,
        trailer: usize,
        position: usize,
        name: &str,
        right: u32,
        what: &str,
    ) {
        let segment = self.seg(trailer);
        let written = segment.text(position, self.text);
        if written.trim().parse::<u64>().ok() == Some(u64::from(right)) {
            return;
        }
        let right = right.to_string();
        let mut d = error(
            "envelope",
            segment.element_or_end(position),
            format!(
                "{name} is {}, but {what} {right}.",
                if written.is_empty() { "empty".to_string() } else { written.to_string() }
            ),
        );
        d.fixes.push(set_fix(format!("Set {name} to {right}"), segment, position, &right));
        self.out.push(d);
    }

    fn control_problem(
        &mut self,
        trailer: usize,
        position: usize,
        name: &str,
        header: usize,
        header_position: usize,
        header_name: &str,
    ) {
        let segment = self.seg(trailer);
        let written = segment.text(position, self.text);
        let right = self.seg(header).text(header_position, self.text);
        if same_number(written, right) {
            return;
        }
        let mut d = error(
            "envelope",
            segment.element_or_end(position),
            format!(
                "{name} is {}, but {header_name} is `{right}`: the trailer repeats its header's \
                 control number.",
                if written.is_empty() { "empty".to_string() } else { format!("`{written}`") }
            ),
        );
        d.related.push(Related {
            span: self.seg(header).element_or_end(header_position),
            message: format!("{header_name}, the control number"),
        });
        if !right.is_empty() {
            d.fixes.push(set_fix(format!("Set {name} to {right}"), segment, position, right));
        }
        self.out.push(d);
    }

    fn check_se(&mut self, st: usize, se: usize) {
        let count = (se - st + 1) as u32;
        self.count_problem(
            se,
            1,
            "SE01",
            count,
            "the segments from ST to SE, both included, number",
        );
        self.control_problem(se, 2, "SE02", st, 2, "ST02");
    }

    fn check_ge(&mut self, gs: usize, transactions: u32, ge: usize) {
        self.count_problem(
            ge,
            1,
            "GE01",
            transactions,
            "the transactions (ST … SE) in this group number",
        );
        self.control_problem(ge, 2, "GE02", gs, 6, "GS06");
    }

    fn check_iea(&mut self, isa: usize, groups: u32, iea: usize) {
        self.count_problem(
            iea,
            1,
            "IEA01",
            groups,
            "the functional groups (GS … GE) in this interchange number",
        );
        self.control_problem(iea, 2, "IEA02", isa, 13, "ISA13");
    }
}

/// Whether `text` is `n` as written in decimal, without padding (what `n.to_string()` gives).
fn is_number(text: &str, n: usize) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
        && !(text.len() > 1 && text.starts_with('0'))
        && text.parse::<usize>() == Ok(n)
}

/// The level an HL of `level` belongs to: a subscriber (22) to a billing provider (20), a patient
/// (23) to a subscriber; `None` for the top and for levels an 837 does not use.
fn parent_level(level: &str) -> Option<&'static str> {
    match level {
        "22" => Some("20"),
        "23" => Some("22"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    /// `parse_decimal` as it was first written (trim, split at the point, check, then add up).
    fn parse_decimal_plainly(text: &str) -> Option<i128> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if (whole.is_empty() && fraction.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || whole.len() > 20
            || fraction.len() > 6
        {
            return None;
        }
        let mut value: i128 = 0;
        for b in whole.bytes() {
            value = value * 10 + i128::from(b - b'0');
        }
        let mut fraction_value: i128 = 0;
        for i in 0..6 {
            let digit = fraction.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
            fraction_value = fraction_value * 10 + digit;
        }
        let value = value * 1_000_000 + fraction_value;
        Some(if negative { -value } else { value })
    }

    #[test]
    fn decimals_read_in_one_pass_as_plainly() {
        let cases = [
            "",
            " ",
            "-",
            ".",
            "-.",
            "0",
            "28",
            "18.75",
            " 18.75",
            "18.75 ",
            "\u{a0}5\u{a0}",
            "-3.5",
            "--3",
            "3-",
            "1.2.3",
            "1.",
            ".5",
            "-.5",
            "1.000001",
            "1.0000001",
            "12a",
            "+1",
            "1e5",
            "99999999999999999999",
            "999999999999999999999",
            "99999999999999999999.999999",
            "00012.50",
            "٣",
            "1 2",
        ];
        for case in cases {
            assert_eq!(parse_decimal(case), parse_decimal_plainly(case), "{case:?}");
        }
    }
}
