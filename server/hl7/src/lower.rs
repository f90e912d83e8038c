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

use std::borrow::Cow;
use std::collections::HashSet;

use claimls_model::{
    Claim, ClaimKind, Diagnosis, Diagnostic, Document, Field, Fix, Line, LineKind, Part, Patient,
    Payer, Provider, ProviderRole, Severity, Span, TextEdit,
};

use crate::codes::{self, System};
use crate::parse::{Hl7File, Message, MessageKind, Segment};

/// Lowers a parsed file: one claim per order (ORM^O01, OML^O21) and one per ORU^R01, ADT or
/// DFT message; `problems` holds the parser's and this module's diagnostics, sorted.
pub fn lower(text: &str, file: &Hl7File) -> Document {
    let mut lowering =
        Lowering { text, file, claims: Vec::new(), problems: Vec::new(), seen: HashSet::new() };
    for problem in &file.problems {
        lowering.push(problem.clone());
    }
    for message in &file.messages {
        match message.kind {
            MessageKind::Orm | MessageKind::Oml => lowering.orders(message),
            MessageKind::Oru | MessageKind::Adt | MessageKind::Dft => {
                lowering.diagnoses_only(message)
            }
            MessageKind::Other => {}
        }
    }
    let mut problems = lowering.problems;
    problems.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
    });
    Document { claims: lowering.claims, problems }
}

/// The HL7 diagnostics of a file alone (what [`lower`] puts in `Document::problems`).
pub fn check(text: &str, file: &Hl7File) -> Vec<Diagnostic> {
    lower(text, file).problems
}

struct Lowering<'a> {
    text: &'a str,
    file: &'a Hl7File,
    claims: Vec<Claim>,
    problems: Vec<Diagnostic>,
    /// A DG1 of the message counts for every order of it: report it once.
    seen: HashSet<(&'static str, Span)>,
}

/// An ORC/OBR order group of an ORM^O01 or OML^O21.
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
    fn push(&mut self, diagnostic: Diagnostic) {
        if self.seen.insert((diagnostic.rule, diagnostic.span)) {
            self.problems.push(diagnostic);
        }
    }

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
        let last = segment.value(self.text, field, 1, family, 1).filter(|span| !span.is_empty())?;
        let given = segment.nonempty_component(self.text, field, family + 1);
        let family_text = segment.decode(self.text, last);
        match given {
            Some(given) => {
                let span = Span::new(last.start, given.end);
                let given_text = segment.decode(self.text, given);
                Some(Field { span, decoded: Some(format!("{family_text}, {given_text}").into()) })
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
        let span = segment.repetitions(self.text, field).next()?;
        // `^^^` says nothing: a provider needs an id or a name.
        let delimiters = segment.delimiters;
        let separators = [delimiters.component, delimiters.subcomponent];
        if span.slice(self.text).bytes().all(|b| separators.contains(&b)) {
            return None;
        }
        let says = |component: usize, sub: usize, what: &str| {
            segment
                .value(self.text, field, 1, component, sub)
                .is_some_and(|s| s.slice(self.text).eq_ignore_ascii_case(what))
        };
        let says_npi = says(13, 1, "NPI")
            || says(9, 1, "NPI")
            || says(9, 2, "2.16.840.1.113883.4.6")
            || says(8, 1, "NPI");
        let npi = self
            .first(segment, field)
            .filter(|id| says_npi || codes::looks_npi(id.text(self.text)));
        Some(Provider { role, span, npi, name: self.name(segment, field, 2) })
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

    /// The first of these `(segment, field)` dates that is written.
    fn first_date(&self, candidates: &[(Option<usize>, usize)]) -> Option<Field> {
        candidates.iter().find_map(|&(segment, field)| self.date(self.segment(segment?), field))
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

    /// ORM^O01 / OML^O21: one claim per order group.
    fn orders(&mut self, message: &Message) {
        let text = self.text;
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
                if let Some(part) = self.unreadable_part(segment) {
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
        let patients: Vec<Patient> =
            pid.map(|index| self.patient(self.segment(index))).into_iter().collect();
        let payers = self.payers(&in1);
        for group in &groups {
            let orc = group.orc.map(|index| self.segment(index));
            let obr = group.obr.map(|index| self.segment(index));
            let id = orc
                .and_then(|orc| self.first(orc, 2))
                .or_else(|| obr.and_then(|obr| self.first(obr, 2)));
            let date =
                self.first_date(&[(group.obr, 7), (group.orc, 9), (group.orc, 15), (Some(msh), 7)]);
            let day = date.as_ref().and_then(|date| codes::date_number(date.text(text)));
            let mut providers = Vec::new();
            providers.extend(orc.and_then(|orc| self.provider(orc, 12, ProviderRole::Ordering)));
            providers.extend(obr.and_then(|obr| self.provider(obr, 16, ProviderRole::Ordering)));
            let mut lines = Vec::new();
            if let Some(obr) = obr {
                lines.extend(self.test(obr));
            }
            let diagnoses = message_dx
                .iter()
                .chain(&group.diagnoses)
                .filter_map(|&index| self.diagnosis(index, day))
                .collect();
            let header = self.segment(group.header).span;
            self.claims.push(Claim {
                kind: ClaimKind::Order,
                id,
                header,
                span: Span::new(header.start, self.segment(group.last).span.end),
                patients: patients.clone(),
                payers: payers.clone(),
                providers,
                order_dates: date.into_iter().collect(),
                diagnoses,
                lines,
                unreadable: message_unreadable.iter().chain(&group.unreadable).copied().collect(),
                ..Claim::default()
            });
        }
    }

    /// ORU^R01, ADT, DFT: one claim of the message's diagnoses.
    fn diagnoses_only(&mut self, message: &Message) {
        let text = self.text;
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
                        providers.extend(self.provider(segment, field, role));
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
                    if obr7.is_none() && self.date(segment, 7).is_some() {
                        obr7 = Some(index);
                    }
                    providers.extend(self.provider(segment, 16, ProviderRole::Ordering));
                    self.test(segment);
                }
                "FT1" => {
                    ft1 = ft1.or(Some(index));
                    providers.extend(self.provider(segment, 20, ProviderRole::Rendering));
                    providers.extend(self.provider(segment, 21, ProviderRole::Ordering));
                }
                _ => {}
            }
        }
        let date = match message.kind {
            MessageKind::Oru => self.first_date(&[(obr7, 7), (Some(msh), 7)]),
            MessageKind::Dft => self.first_date(&[(ft1, 4), (pv1, 44), (Some(msh), 7)]),
            _ => self.first_date(&[(pv1, 44), (evn, 2), (Some(msh), 7)]),
        };
        let day = date.as_ref().and_then(|date| codes::date_number(date.text(text)));
        let diagnoses: Vec<Diagnosis> =
            dx.iter().filter_map(|&index| self.diagnosis(index, day)).collect();
        let mut unreadable = vec![Part::Test, Part::Line, Part::Ordering];
        if diagnoses.is_empty() {
            unreadable.push(Part::Diagnosis);
        }
        let msh_segment = self.segment(msh);
        self.claims.push(Claim {
            kind: ClaimKind::Order,
            id: self.first(msh_segment, 10),
            header: msh_segment.span,
            span: message.span,
            patients: pid.map(|index| self.patient(self.segment(index))).into_iter().collect(),
            payers: self.payers(&in1),
            providers,
            order_dates: date.into_iter().collect(),
            diagnoses,
            unreadable,
            ..Claim::default()
        });
    }

    /// The test of an OBR (OBR-4), after checking its coding system.
    fn test(&mut self, obr: &Segment) -> Option<Line> {
        let code = self.first(obr, 4)?;
        let system = obr.nonempty_component(self.text, 4, 3);
        self.check_test(&code, system);
        Some(Line {
            kind: LineKind::Test,
            span: obr.field(4).unwrap_or(code.span),
            code,
            system: system.map(|span| self.value(obr, span)),
            ..Line::default()
        })
    }

    /// `coding-system` for OBR-4.3, and the LOINC check of an `LN` code.
    fn check_test(&mut self, code: &Field, system: Option<Span>) {
        let text = self.text;
        let written = code.text(text).to_string();
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
                if let Some(problem) = codes::loinc_problem(&written) {
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

    /// A DG1 as a diagnosis, after checking its coding system; `None` when it has no code, or
    /// a code in a system claimls does not check as a diagnosis (the diagnostic says so).
    fn diagnosis(&mut self, index: usize, day: Option<u32>) -> Option<Diagnosis> {
        let text = self.text;
        let dg1 = self.segment(index);
        let code_span = dg1.nonempty_component(text, 3, 1)?;
        let code = self.value(dg1, code_span);
        let system = dg1
            .nonempty_component(text, 3, 3)
            .map(|span| (span, "DG1-3.3"))
            .or_else(|| dg1.nonempty_component(text, 2, 1).map(|span| (span, "DG1-2")));
        if !self.check_diagnosis(dg1, &code, system, day) {
            return None;
        }
        let label_span = dg1.nonempty_field(1);
        let key = label_span
            .and_then(|span| span.slice(text).trim().parse::<u32>().ok())
            .and_then(|n| n.checked_sub(1));
        Some(Diagnosis {
            key,
            label: Field::new(label_span.unwrap_or(code_span)),
            code,
            system: system.map(|(span, _)| self.value(dg1, span)),
        })
    }

    /// `coding-system` for DG1-3.3; true when the diagnosis is one the rules can check.
    fn check_diagnosis(
        &mut self,
        dg1: &Segment,
        code: &Field,
        system: Option<(Span, &'static str)>,
        day: Option<u32>,
    ) -> bool {
        let text = self.text;
        let written = code.text(text).to_string();
        let icd10 = codes::looks_icd10(&written);
        let modern = day.is_none_or(|day| day >= codes::ICD10_START);
        let Some((span, label)) = system else {
            let fixes =
                if icd10 && modern { self.insert_system(dg1, code.span) } else { Vec::new() };
            let hint = if icd10 {
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
        let described = codes::describe_system(name);
        let fix_here = |fix: &str| {
            if label == "DG1-3.3" {
                replace(format!("Write `{fix}`"), span, fix)
            } else {
                Vec::new()
            }
        };
        match codes::system(name) {
            System::Icd10Cm => {}
            System::WhoIcd10 | System::Icd10Unlisted if codes::looks_icd9(&written) => self.push(error("coding-system", span, format!(
                "{label} says {described}, but `{written}` is written like an ICD-9-CM code; code the diagnosis in ICD-10-CM and write `I10C`"
            ), Vec::new())),
            System::WhoIcd10 | System::Icd10Unlisted => self.push(error("coding-system", span, format!(
                "{label} says {described}; US orders and claims code diagnoses in ICD-10-CM, which HL7 table 0396 calls `I10C`, and that is what `{written}` is meant to be: write `I10C`"
            ), fix_here("I10C"))),
            System::Icd9 { listed } => match day {
                Some(day) if modern => {
                    let (advice, fixes) = if icd10 {
                        (format!("`{written}` is already written like an ICD-10-CM code: write `I10C`"), fix_here("I10C"))
                    } else {
                        (format!("recode `{written}` in ICD-10-CM and write `I10C`"), Vec::new())
                    };
                    self.push(error("coding-system", span, format!(
                        "{label} says {described}, but the order is dated {}: from 2015-10-01 on diagnoses are coded in ICD-10-CM; {advice}",
                        show_date(day)
                    ), fixes));
                }
                _ if !listed => self.push(error("coding-system", span, format!(
                    "{label} says {described}; ICD-9-CM is `I9C` in HL7 table 0396: write `I9C`"
                ), fix_here("I9C"))),
                _ => {}
            },
            System::Other if icd10 && !codes::known_system(name) => {
                self.push(error("coding-system", span, format!(
                    "{label} says `{name}`, which is not a coding system claimls knows; `{written}` is written like an ICD-10-CM code, which HL7 table 0396 calls `I10C`: write `I10C`"
                ), fix_here("I10C")));
            }
            System::CptHcpcs | System::CptUnlisted | System::Loinc | System::Other => {
                self.push(error("coding-system", span, format!(
                    "{label} says {described}: a diagnosis on an order or a claim is an ICD-10-CM code (`I10C`), and claimls does not check other systems as diagnoses; add this diagnosis's ICD-10-CM code"
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
            match (dg1.component(self.text, 3, 3), dg1.component(self.text, 3, 2)) {
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
