//! The message structure claimls reads, the HL7-only rules, and the lowering of each order
//! into the format-neutral [`claimls_model::Document`].
//!
//! ORM^O01 and OML^O21: each ORC opens an order group; its OBR (the test), and the DG1
//! segments after them, belong to it until the next ORC. An OBR with no ORC of its own opens
//! a group too (and gets a `segment` diagnostic, as both structures require the ORC). DG1
//! segments before the first order are the message's, and count for every order of it (ORM^O01
//! allows that; OML^O21 does not, and says so).
//!
//! ORU^R01, ADT and DFT messages are read for their diagnoses only: each message becomes one
//! order-kind claim with its PID, its DG1s, the providers its PV1/OBR/FT1 name and a date, and
//! no tests. The parts such a message does not carry (tests, an ordering provider) are listed
//! in [`Claim::unreadable`], so the rules do not call them missing.
//!
//! Rules of this module: `segment` (structure) and `coding-system` (DG1-3.3 / OBR-4.3), plus
//! the LOINC check of OBR-4 (`unknown-code`, as LOINC itself is not bundled).
//!
//! Two steps, so that a large file's orders can be lowered apart (on other threads, a few
//! hundred at a time): [`walk`] reads the structure, makes every diagnostic of this module and
//! notes each order's segments ([`OrderTree`]); [`lower_order`] makes one order's claim.
//! [`lower`] does both for a whole file.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use claimls_model::{
    Claim, ClaimKind, Diagnosis, Diagnostic, Document, Field, Fix, Line, LineKind, Part, Patient,
    Payer, Provider, ProviderRole, Severity, Span, TextEdit,
};

use crate::codes::{self, System};
use crate::parse::{Hl7File, Message, MessageKind, Segment, split};

/// Lowers a parsed file: one claim per order (ORM^O01, OML^O21) and one per ORU^R01, ADT or
/// DFT message; `problems` holds the parser's and this module's diagnostics, sorted.
pub fn lower(text: &str, file: &Hl7File) -> Document {
    let Walked { orders, problems } = walk(text, file);
    let claims = orders.iter().map(|order| lower_order(text, file, order)).collect();
    Document { claims, problems }
}

/// The HL7 diagnostics of a file alone (what [`lower`] puts in `Document::problems`).
pub fn check(text: &str, file: &Hl7File) -> Vec<Diagnostic> {
    walk(text, file).problems
}

/// A walked file: where each order is, and every diagnostic of the parser and of this module,
/// sorted (what [`lower`] puts in `Document::problems`).
#[derive(Debug, Clone, Default)]
pub struct Walked {
    pub orders: Vec<OrderTree>,
    pub problems: Vec<Diagnostic>,
}

/// Where one order of a walked file is: the segments [`lower_order`] makes its claim of, as
/// indexes into the file's segments.
#[derive(Debug, Clone)]
pub struct OrderTree {
    /// The claim's header (the ORC, an OBR without one, or the MSH of a message read whole).
    header: Span,
    /// All of the claim.
    span: Span,
    /// The `(segment, field)` of its date, when one is written.
    date: Option<(usize, usize)>,
    /// The DG1s it lowers as diagnoses, in order: those in a coding system claimls does not
    /// check as diagnoses are left out (the walk said so).
    diagnoses: Vec<usize>,
    /// What its malformed segments (and its message's before the first order) seem to be.
    unreadable: Vec<Part>,
    /// Its message's patient and payers, which count for every order of it.
    message: Arc<MessageParts>,
    /// An order group, or the providers of a message read whole.
    kind: OrderKind,
}

impl OrderTree {
    /// All of the order's claim: from its header to its last segment.
    pub fn span(&self) -> Span {
        self.span
    }
}

/// The segments of a message that count for every order of it.
#[derive(Debug)]
struct MessageParts {
    msh: usize,
    pid: Option<usize>,
    in1: Vec<usize>,
}

#[derive(Debug, Clone)]
enum OrderKind {
    /// An ORC/OBR group of an ORM^O01 or OML^O21.
    Group { orc: Option<usize>, obr: Option<usize> },
    /// An ORU^R01, ADT or DFT message: the `(segment, field, role)` of each provider it names.
    Message { providers: Vec<(usize, usize, ProviderRole)> },
}

/// One order of [`walk`]'s file in the model, as [`lower`] makes it.
pub fn lower_order(text: &str, file: &Hl7File, order: &OrderTree) -> Claim {
    let lowering = Lowering { text, file };
    let message = &order.message;
    let providers = match &order.kind {
        OrderKind::Group { orc, obr } => [(*orc, 12), (*obr, 16)]
            .into_iter()
            .filter_map(|(segment, field)| {
                lowering.provider(lowering.segment(segment?), field, ProviderRole::Ordering)
            })
            .collect(),
        OrderKind::Message { providers } => providers
            .iter()
            .filter_map(|&(segment, field, role)| {
                lowering.provider(lowering.segment(segment), field, role)
            })
            .collect(),
    };
    let lines = match order.kind {
        OrderKind::Group { obr: Some(obr), .. } => {
            lowering.test(lowering.segment(obr)).into_iter().collect()
        }
        _ => Vec::new(),
    };
    let date =
        order.date.and_then(|(segment, field)| lowering.date(lowering.segment(segment), field));
    Claim {
        kind: ClaimKind::Order,
        id: lowering.id(order),
        header: order.header,
        span: order.span,
        patients: message
            .pid
            .map(|index| lowering.patient(lowering.segment(index)))
            .into_iter()
            .collect(),
        payers: lowering.payers(&message.in1),
        providers,
        order_dates: date.into_iter().collect(),
        diagnoses: order.diagnoses.iter().filter_map(|&index| lowering.diagnosis(index)).collect(),
        lines,
        unreadable: order.unreadable.clone(),
        ..Claim::default()
    }
}

/// What [`lower_order`] gives, without the parts: its kind, id, header and span (what the
/// checks across claims, `duplicate-id`, read).
pub fn order_outline(text: &str, file: &Hl7File, order: &OrderTree) -> Claim {
    Claim {
        kind: ClaimKind::Order,
        id: Lowering { text, file }.id(order),
        header: order.header,
        span: order.span,
        ..Claim::default()
    }
}

/// Reads the structure of every message of `file`, and makes every diagnostic of the file.
pub fn walk(text: &str, file: &Hl7File) -> Walked {
    let mut walk = Walk {
        read: Lowering { text, file },
        orders: Vec::new(),
        problems: Vec::new(),
        seen: HashSet::new(),
    };
    for problem in &file.problems {
        walk.push(problem.clone());
    }
    for message in &file.messages {
        match message.kind {
            MessageKind::Orm | MessageKind::Oml => walk.orders(message),
            MessageKind::Oru | MessageKind::Adt | MessageKind::Dft => walk.diagnoses_only(message),
            MessageKind::Other => {}
        }
    }
    let mut problems = walk.problems;
    problems.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
    });
    Walked { orders: walk.orders, problems }
}

/// What reads the parts of an order: the file and its text.
struct Lowering<'a> {
    text: &'a str,
    file: &'a Hl7File,
}

/// The structure of each message, and this module's diagnostics.
struct Walk<'a> {
    read: Lowering<'a>,
    orders: Vec<OrderTree>,
    problems: Vec<Diagnostic>,
    /// A DG1 of the message counts for every order of it: report it once.
    seen: HashSet<(&'static str, Span)>,
}

/// An ORC/OBR order group of an ORM^O01 or OML^O21, while its message is read.
struct Group {
    /// The segment that opened it (the ORC, or an OBR without one).
    header: usize,
    orc: Option<usize>,
    obr: Option<usize>,
    diagnoses: Vec<usize>,
    last: usize,
    /// What its malformed segments seem to be.
    unreadable: Vec<Part>,
}

fn error(rule: &'static str, span: Span, message: String, fixes: Vec<Fix>) -> Diagnostic {
    Diagnostic { rule, severity: Severity::Error, span, message, fixes, related: Vec::new() }
}

fn replace(label: String, span: Span, new_text: &str) -> Vec<Fix> {
    vec![Fix { label, edits: vec![TextEdit { span, new_text: new_text.to_string() }] }]
}

/// `20160308` as `2016-03-08`, for messages.
fn show_date(date: u32) -> String {
    format!("{:04}-{:02}-{:02}", date / 10000, date / 100 % 100, date % 100)
}

impl<'a> Lowering<'a> {
    fn segment(&self, index: usize) -> &'a Segment {
        &self.file.segments[index]
    }

    /// A value as the model keeps it: its span, and its decoded text when escapes changed it.
    fn value(&self, segment: &Segment, span: Span) -> Field {
        match segment.decode(self.text, span) {
            Cow::Borrowed(_) => Field::new(span),
            Cow::Owned(decoded) => Field { span, decoded: Some(decoded.into()) },
        }
    }

    /// Component 1, subcomponent 1 of the first repetition of `field`, when not empty.
    fn first(&self, segment: &Segment, field: usize) -> Option<Field> {
        let span = segment.value(self.text, field, 1, 1, 1).filter(|span| !span.is_empty())?;
        Some(self.value(segment, span))
    }

    /// A date/time field (`YYYYMMDD[HHMM[SS[.S]]]`), without a time-zone offset, when it is
    /// not empty: the rules read the date from it.
    fn date(&self, segment: &Segment, field: usize) -> Option<Field> {
        let span = segment.value(self.text, field, 1, 1, 1).filter(|span| !span.is_empty())?;
        let written = span.slice(self.text);
        let end = written.find(['+', '-']).filter(|&at| at > 0).unwrap_or(written.len());
        Some(Field::new(Span::new(span.start, span.start + end)))
    }

    /// A person's name from a name field whose family name is component `family` (PID-5: 1,
    /// ORC-12: 2): the span runs from the family to the given name, the value is "Family, Given".
    fn name(&self, segment: &Segment, field: usize, family: usize) -> Option<Field> {
        let last = segment.value(self.text, field, 1, family, 1);
        let given = segment.nonempty_component(self.text, field, family + 1);
        self.person(segment, last, given)
    }

    /// [`Lowering::name`] from the family name's first subcomponent and the given name.
    fn person(&self, segment: &Segment, last: Option<Span>, given: Option<Span>) -> Option<Field> {
        let last = last.filter(|span| !span.is_empty())?;
        let family_text = segment.decode(self.text, last);
        match given {
            Some(given) => {
                let span = Span::new(last.start, given.end);
                let given_text = segment.decode(self.text, given);
                let mut value = String::with_capacity(family_text.len() + 2 + given_text.len());
                value.push_str(&family_text);
                value.push_str(", ");
                value.push_str(&given_text);
                Some(Field { span, decoded: Some(value.into()) })
            }
            None => Some(self.value(segment, last)),
        }
    }

    fn patient(&self, pid: &Segment) -> Patient {
        Patient {
            span: pid.span,
            name: self.name(pid, 5, 1),
            date_of_birth: self.date(pid, 7),
            sex: self.first(pid, 8),
            member_id: self.first(pid, 3).or_else(|| self.first(pid, 2)),
        }
    }

    /// A provider from a person-and-id field (XCN: id ^ family ^ given … ^ assigning authority
    /// (9) … ^ identifier type (13)). The id is an NPI when the type or the authority says so,
    /// or when it is 10 digits.
    fn provider(&self, segment: &Segment, field: usize, role: ProviderRole) -> Option<Provider> {
        let text = self.text;
        let span = segment.repetitions(text, field).next()?;
        // `^^^` says nothing: a provider needs an id or a name.
        let delimiters = segment.delimiters;
        let separators = [delimiters.component, delimiters.subcomponent];
        if span.slice(text).bytes().all(|b| separators.contains(&b)) {
            return None;
        }
        // The components this reads, split once (XCN-1 … XCN-13).
        let mut components = [None; 13];
        for (slot, component) in components.iter_mut().zip(split(text, span, delimiters.component))
        {
            *slot = Some(component);
        }
        let part = |component: usize, sub: usize| {
            let whole = components[component - 1]?;
            split(text, whole, delimiters.subcomponent).nth(sub - 1)
        };
        let says = |component: usize, sub: usize, what: &str| {
            part(component, sub).is_some_and(|s| s.slice(text).eq_ignore_ascii_case(what))
        };
        let says_npi = says(13, 1, "NPI")
            || says(9, 1, "NPI")
            || says(9, 2, "2.16.840.1.113883.4.6")
            || says(8, 1, "NPI");
        let npi = part(1, 1)
            .filter(|span| !span.is_empty())
            .map(|span| self.value(segment, span))
            .filter(|id| says_npi || codes::looks_npi(id.text(text)));
        let given = components[2].filter(|span| !span.is_empty());
        Some(Provider { role, span, npi, name: self.person(segment, part(2, 1), given) })
    }

    fn payers(&self, in1: &[usize]) -> Vec<Payer> {
        in1.iter()
            .map(|&index| {
                let segment = self.segment(index);
                let name = segment
                    .nonempty_component(self.text, 4, 1)
                    .map(|span| self.value(segment, span));
                Payer { span: segment.span, name, id: self.first(segment, 3) }
            })
            .collect()
    }

    /// An order's id: ORC-2 (else OBR-2) of a group, MSH-10 of a message read whole.
    fn id(&self, order: &OrderTree) -> Option<Field> {
        match order.kind {
            OrderKind::Group { orc, obr } => orc
                .and_then(|orc| self.first(self.segment(orc), 2))
                .or_else(|| obr.and_then(|obr| self.first(self.segment(obr), 2))),
            OrderKind::Message { .. } => self.first(self.segment(order.message.msh), 10),
        }
    }

    /// The code of an OBR's test (OBR-4) and its coding system (OBR-4.3), when it has a code.
    fn test_code(&self, obr: &Segment) -> Option<(Field, Option<Span>)> {
        let code = self.first(obr, 4)?;
        Some((code, obr.nonempty_component(self.text, 4, 3)))
    }

    /// The test of an OBR (OBR-4).
    fn test(&self, obr: &Segment) -> Option<Line> {
        let (code, system) = self.test_code(obr)?;
        Some(Line {
            kind: LineKind::Test,
            span: obr.field(4).unwrap_or(code.span),
            code,
            system: system.map(|span| self.value(obr, span)),
            ..Line::default()
        })
    }

    /// A DG1's code (DG1-3.1) and its coding system (DG1-3.3, else the DG1-2 of v2.3), each
    /// with its span, when it has a code.
    fn diagnosis_code(&self, dg1: &Segment) -> Option<(Field, Option<(Span, &'static str)>)> {
        let text = self.text;
        let code_span = dg1.nonempty_component(text, 3, 1)?;
        let system = dg1
            .nonempty_component(text, 3, 3)
            .map(|span| (span, "DG1-3.3"))
            .or_else(|| dg1.nonempty_component(text, 2, 1).map(|span| (span, "DG1-2")));
        Some((self.value(dg1, code_span), system))
    }

    /// A DG1 as a diagnosis; `None` when it has no code.
    fn diagnosis(&self, index: usize) -> Option<Diagnosis> {
        let dg1 = self.segment(index);
        let (code, system) = self.diagnosis_code(dg1)?;
        let label_span = dg1.nonempty_field(1);
        let key = label_span
            .and_then(|span| span.slice(self.text).trim().parse::<u32>().ok())
            .and_then(|n| n.checked_sub(1));
        Some(Diagnosis {
            key,
            label: Field::new(label_span.unwrap_or(code.span)),
            code,
            system: system.map(|(span, _)| self.value(dg1, span)),
        })
    }

    /// What a malformed segment seems to be, by its id in upper case without spaces (`dg1`,
    /// `DG 1`): the part of an order it would have given.
    fn unreadable_part(&self, segment: &Segment) -> Option<Part> {
        let id: String =
            segment.id(self.text).chars().filter(|c| !c.is_whitespace()).take(3).collect();
        match id.to_ascii_uppercase().as_str() {
            "PID" => Some(Part::Patient),
            "ORC" => Some(Part::Ordering),
            "OBR" => Some(Part::Test),
            "DG1" => Some(Part::Diagnosis),
            _ => None,
        }
    }
}

impl<'a> Walk<'a> {
    fn push(&mut self, diagnostic: Diagnostic) {
        if self.seen.insert((diagnostic.rule, diagnostic.span)) {
            self.problems.push(diagnostic);
        }
    }

    fn segment(&self, index: usize) -> &'a Segment {
        self.read.segment(index)
    }

    /// The first of these `(segment, field)` dates that is written, and its day as a number
    /// `YYYYMMDD` (when it starts with one).
    fn first_date(
        &self,
        candidates: &[(Option<usize>, usize)],
    ) -> (Option<(usize, usize)>, Option<u32>) {
        let found = candidates.iter().find_map(|&(segment, field)| {
            let segment = segment?;
            let date = self.read.date(self.segment(segment), field)?;
            Some(((segment, field), codes::date_number(date.text(self.read.text))))
        });
        match found {
            Some((date, day)) => (Some(date), day),
            None => (None, None),
        }
    }

    /// The DG1s of `dx` an order dated `day` lowers, after checking their coding systems.
    fn diagnoses(&mut self, mut dx: Vec<usize>, day: Option<u32>) -> Vec<usize> {
        dx.retain(|&index| self.check_diagnosis(index, day));
        dx
    }

    /// ORM^O01 / OML^O21: one order per order group.
    fn orders(&mut self, message: &Message) {
        let kind = message.kind;
        let msh = message.segments.start;
        let mut pid = None;
        let mut in1 = Vec::new();
        let mut message_dx = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut message_unreadable = Vec::new();
        for index in message.segments.start + 1..message.segments.end {
            let segment = self.segment(index);
            if !segment.well_formed {
                // Its own `segment` diagnostic says what is wrong; what it seems to hold is
                // not called missing as well.
                if let Some(part) = self.read.unreadable_part(segment) {
                    match groups.last_mut() {
                        Some(group) => group.unreadable.push(part),
                        None => message_unreadable.push(part),
                    }
                }
                continue;
            }
            match segment.name() {
                "PID" if !groups.is_empty() => {
                    let prior = if kind == MessageKind::Oml {
                        " (prior results of OML^O21 are not read)"
                    } else {
                        ""
                    };
                    self.push(error("segment", segment.id, format!(
                        "PID after the orders: in {} the patient (PID) comes before the first ORC, so this PID is not read{prior}",
                        kind.name()
                    ), Vec::new()));
                }
                "PID" if pid.is_some() => {
                    self.push(error("segment", segment.id, format!(
                        "a second PID in one {} message: a message orders for one patient; send this patient's orders in a message of their own",
                        kind.name()
                    ), Vec::new()));
                }
                "PID" => pid = Some(index),
                "IN1" if groups.is_empty() => in1.push(index),
                "ORC" => groups.push(Group {
                    header: index,
                    orc: Some(index),
                    obr: None,
                    diagnoses: Vec::new(),
                    last: index,
                    unreadable: Vec::new(),
                }),
                "OBR" => match groups.last_mut() {
                    Some(group) if group.orc.is_some() && group.obr.is_none() => {
                        group.obr = Some(index);
                        group.last = index;
                    }
                    last => {
                        let why = if last.is_some() {
                            "after another order's OBR"
                        } else {
                            "before any ORC"
                        };
                        groups.push(Group {
                            header: index,
                            orc: None,
                            obr: Some(index),
                            diagnoses: Vec::new(),
                            last: index,
                            unreadable: Vec::new(),
                        });
                        self.push(error("segment", segment.id, format!(
                            "OBR {why}: in {} every order starts with its own ORC (order control, placer order number, ordering provider); add an ORC before this OBR",
                            kind.name()
                        ), Vec::new()));
                    }
                },
                "DG1" => match groups.last_mut() {
                    Some(group) => {
                        group.diagnoses.push(index);
                        group.last = index;
                    }
                    None => {
                        if kind == MessageKind::Oml {
                            self.push(error("segment", segment.id, "DG1 before any order: in OML^O21 a diagnosis belongs to an order, after its OBR; claimls counts this one for every order of the message".to_string(), Vec::new()));
                        }
                        message_dx.push(index);
                    }
                },
                _ => {
                    if let Some(group) = groups.last_mut() {
                        group.last = index;
                    }
                }
            }
        }
        if groups.is_empty() {
            let msh_segment = self.segment(msh);
            self.push(error("segment", msh_segment.id, format!(
                "this {} message holds no order: an order starts with an ORC segment followed by its OBR",
                kind.name()
            ), Vec::new()));
        }
        let parts = Arc::new(MessageParts { msh, pid, in1 });
        for group in groups {
            let (date, day) =
                self.first_date(&[(group.obr, 7), (group.orc, 9), (group.orc, 15), (Some(msh), 7)]);
            if let Some(obr) = group.obr {
                self.check_test(self.segment(obr));
            }
            let dx = if message_dx.is_empty() {
                group.diagnoses
            } else {
                message_dx.iter().chain(&group.diagnoses).copied().collect()
            };
            let diagnoses = self.diagnoses(dx, day);
            let header = self.segment(group.header).span;
            let mut unreadable = message_unreadable.clone();
            unreadable.extend(group.unreadable);
            self.orders.push(OrderTree {
                header,
                span: Span::new(header.start, self.segment(group.last).span.end),
                date,
                diagnoses,
                unreadable,
                message: parts.clone(),
                kind: OrderKind::Group { orc: group.orc, obr: group.obr },
            });
        }
    }

    /// ORU^R01, ADT, DFT: one order of the message's diagnoses.
    fn diagnoses_only(&mut self, message: &Message) {
        let msh = message.segments.start;
        let (mut pid, mut pv1, mut evn, mut obr7, mut ft1) = (None, None, None, None, None);
        let mut providers = Vec::new();
        let mut dx = Vec::new();
        let mut in1 = Vec::new();
        let mut order_reported = false;
        for index in message.segments.start + 1..message.segments.end {
            let segment = self.segment(index);
            if !segment.well_formed {
                continue;
            }
            let id = segment.name();
            match id {
                "PID" if pid.is_none() => pid = Some(index),
                "EVN" => evn = evn.or(Some(index)),
                "IN1" => in1.push(index),
                "DG1" => dx.push(index),
                "PV1" if pv1.is_none() => {
                    pv1 = Some(index);
                    for (field, role) in [
                        (7, ProviderRole::Attending),
                        (8, ProviderRole::Referring),
                        (9, ProviderRole::Other),
                        (17, ProviderRole::Other),
                    ] {
                        providers.push((index, field, role));
                    }
                }
                "ORC" | "OBR" if message.kind == MessageKind::Adt && !order_reported => {
                    order_reported = true;
                    self.push(error("segment", segment.id, format!(
                        "{id} has no place in an ADT message: orders travel in ORM^O01 or OML^O21, so claimls does not check this order, only the message's DG1 diagnoses"
                    ), Vec::new()));
                }
                "ORC" | "OBR" if message.kind == MessageKind::Adt => {}
                "OBR" => {
                    if obr7.is_none() && self.read.date(segment, 7).is_some() {
                        obr7 = Some(index);
                    }
                    providers.push((index, 16, ProviderRole::Ordering));
                    self.check_test(segment);
                }
                "FT1" => {
                    ft1 = ft1.or(Some(index));
                    providers.push((index, 20, ProviderRole::Rendering));
                    providers.push((index, 21, ProviderRole::Ordering));
                }
                _ => {}
            }
        }
        let (date, day) = match message.kind {
            MessageKind::Oru => self.first_date(&[(obr7, 7), (Some(msh), 7)]),
            MessageKind::Dft => self.first_date(&[(ft1, 4), (pv1, 44), (Some(msh), 7)]),
            _ => self.first_date(&[(pv1, 44), (evn, 2), (Some(msh), 7)]),
        };
        let diagnoses = self.diagnoses(dx, day);
        let mut unreadable = vec![Part::Test, Part::Line, Part::Ordering];
        if diagnoses.is_empty() {
            unreadable.push(Part::Diagnosis);
        }
        self.orders.push(OrderTree {
            header: self.segment(msh).span,
            span: message.span,
            date,
            diagnoses,
            unreadable,
            message: Arc::new(MessageParts { msh, pid, in1 }),
            kind: OrderKind::Message { providers },
        });
    }

    /// `coding-system` for OBR-4.3, and the LOINC check of an `LN` code.
    fn check_test(&mut self, obr: &Segment) {
        let text = self.read.text;
        let Some((code, system)) = self.read.test_code(obr) else { return };
        let written = code.text(text);
        let Some(system) = system else {
            self.push(error("coding-system", code.span, format!(
                "OBR-4.3 (the coding system of the test) is empty: name the coding system of `{written}` — `C4` for a CPT code, `HCPCS` for HCPCS Level II, `LN` for LOINC"
            ), Vec::new()));
            return;
        };
        let name = system.slice(text);
        match codes::system(name) {
            System::CptUnlisted => self.push(error("coding-system", system, format!(
                "OBR-4.3 says `{name}`, which is not a coding system of HL7 table 0396: CPT-4 codes are `C4` there; write `C4`"
            ), replace("Write `C4`".to_string(), system, "C4"))),
            System::Loinc => {
                if let Some(problem) = codes::loinc_problem(written) {
                    self.push(error("unknown-code", code.span, format!("OBR-4 is coded in LOINC (`LN`), but {problem}"), Vec::new()));
                }
            }
            System::Icd10Cm | System::WhoIcd10 | System::Icd10Unlisted | System::Icd9 { .. } => self.push(error("coding-system", system, format!(
                "OBR-4.3 says {}, a diagnosis coding system: OBR-4 is the test ordered (`C4` CPT, `HCPCS`, `LN` LOINC); the diagnosis belongs in a DG1 segment",
                codes::describe_system(name)
            ), Vec::new())),
            System::CptHcpcs | System::Other => {}
        }
    }

    /// `coding-system` for a DG1's DG1-3.3 on an order dated `day`; true when the DG1 has a
    /// code and the diagnosis is one the rules can check (else it is not lowered).
    fn check_diagnosis(&mut self, index: usize, day: Option<u32>) -> bool {
        let text = self.read.text;
        let dg1 = self.segment(index);
        let Some((code, system)) = self.read.diagnosis_code(dg1) else { return false };
        let written = code.text(text);
        // Judged only where a message needs it: most DG1s say `I10C`.
        let icd10 = || codes::looks_icd10(written);
        let modern = day.is_none_or(|day| day >= codes::ICD10_START);
        let Some((span, label)) = system else {
            let fixes =
                if icd10() && modern { self.insert_system(dg1, code.span) } else { Vec::new() };
            let hint = if icd10() {
                format!("`{written}` is written like an ICD-10-CM code: write `I10C`")
            } else {
                "`I10C` for an ICD-10-CM code".to_string()
            };
            self.push(error("coding-system", code.span, format!(
                "DG1-3.3 (the coding system of the diagnosis) is empty: name the coding system of `{written}` — {hint}"
            ), fixes));
            return true;
        };
        let name = span.slice(text);
        let described = || codes::describe_system(name);
        let fix_here = |fix: &str| {
            if label == "DG1-3.3" {
                replace(format!("Write `{fix}`"), span, fix)
            } else {
                Vec::new()
            }
        };
        match codes::system(name) {
            System::Icd10Cm => {}
            System::WhoIcd10 | System::Icd10Unlisted if codes::looks_icd9(written) => self.push(error("coding-system", span, format!(
                "{label} says {}, but `{written}` is written like an ICD-9-CM code; code the diagnosis in ICD-10-CM and write `I10C`",
                described()
            ), Vec::new())),
            System::WhoIcd10 | System::Icd10Unlisted => self.push(error("coding-system", span, format!(
                "{label} says {}; US orders and claims code diagnoses in ICD-10-CM, which HL7 table 0396 calls `I10C`, and that is what `{written}` is meant to be: write `I10C`",
                described()
            ), fix_here("I10C"))),
            System::Icd9 { listed } => match day {
                Some(day) if modern => {
                    let (advice, fixes) = if icd10() {
                        (format!("`{written}` is already written like an ICD-10-CM code: write `I10C`"), fix_here("I10C"))
                    } else {
                        (format!("recode `{written}` in ICD-10-CM and write `I10C`"), Vec::new())
                    };
                    self.push(error("coding-system", span, format!(
                        "{label} says {}, but the order is dated {}: from 2015-10-01 on diagnoses are coded in ICD-10-CM; {advice}",
                        described(),
                        show_date(day)
                    ), fixes));
                }
                _ if !listed => self.push(error("coding-system", span, format!(
                    "{label} says {}; ICD-9-CM is `I9C` in HL7 table 0396: write `I9C`",
                    described()
                ), fix_here("I9C"))),
                _ => {}
            },
            System::Other if icd10() && !codes::known_system(name) => {
                self.push(error("coding-system", span, format!(
                    "{label} says `{name}`, which is not a coding system claimls knows; `{written}` is written like an ICD-10-CM code, which HL7 table 0396 calls `I10C`: write `I10C`"
                ), fix_here("I10C")));
            }
            System::CptHcpcs | System::CptUnlisted | System::Loinc | System::Other => {
                self.push(error("coding-system", span, format!(
                    "{label} says {}: a diagnosis on an order or a claim is an ICD-10-CM code (`I10C`), and claimls does not check other systems as diagnoses; add this diagnosis's ICD-10-CM code",
                    described()
                ), Vec::new()));
                return false;
            }
        }
        true
    }

    /// The fix that writes `I10C` as DG1-3.3 after the code (and its text, if any).
    fn insert_system(&self, dg1: &Segment, code: Span) -> Vec<Fix> {
        let component = char::from(dg1.delimiters.component);
        let (at, separators) =
            match (dg1.component(self.read.text, 3, 3), dg1.component(self.read.text, 3, 2)) {
                (Some(third), _) => (third.start, 0),
                (None, Some(second)) => (second.end, 1),
                (None, None) => (code.end, 2),
            };
        let new_text = format!("{}I10C", component.to_string().repeat(separators));
        vec![Fix {
            label: "Write `I10C` as DG1-3.3".to_string(),
            edits: vec![TextEdit { span: Span::new(at, at), new_text }],
        }]
    }
}
