//! How the format-neutral rules name the parts of an 837 in their messages: X12 positions the
//! way billing staff say them ("SV107", "HI position 3", "loop 2010AA").

use claimls_model::{DateOrder, Line, Naming, Part, Pointers, Span, SyntaxKind, TextEdit, Words};

/// The words of an 837. [`NAMING`] speaks for any 837 (naming each transaction's element where
/// they differ); the others for one kind of transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X12Naming {
    Any,
    Professional,
    Institutional,
    Dental,
}

/// The naming of X12 837 files.
pub static NAMING: X12Naming = X12Naming::Any;
/// The naming of an 837P.
pub static NAMING_837P: X12Naming = X12Naming::Professional;
/// The naming of an 837I.
pub static NAMING_837I: X12Naming = X12Naming::Institutional;
/// The naming of an 837D.
pub static NAMING_837D: X12Naming = X12Naming::Dental;

impl X12Naming {
    /// The naming for one transaction kind.
    pub fn for_kind(kind: crate::TransactionKind) -> &'static X12Naming {
        match kind {
            crate::TransactionKind::Professional => &NAMING_837P,
            crate::TransactionKind::Institutional => &NAMING_837I,
            crate::TransactionKind::Dental => &NAMING_837D,
            crate::TransactionKind::Other => &NAMING,
        }
    }

    fn pick(
        self,
        any: &'static str,
        p: &'static str,
        i: &'static str,
        d: &'static str,
    ) -> &'static str {
        match self {
            X12Naming::Any => any,
            X12Naming::Professional => p,
            X12Naming::Institutional => i,
            X12Naming::Dental => d,
        }
    }
}

impl Naming for X12Naming {
    fn syntax(&self) -> SyntaxKind {
        SyntaxKind::X12
    }

    fn words(&self) -> &'static Words {
        match self {
            X12Naming::Dental => &DENTAL_WORDS,
            X12Naming::Any => &ANY_WORDS,
            _ => &WORDS,
        }
    }

    fn date_order(&self) -> DateOrder {
        DateOrder::Compact
    }

    fn label(&self, key: Option<u32>, written: &str) -> String {
        claimls_model::position_label(key, written)
    }

    fn dx_reference(&self, label: &str) -> String {
        format!("HI position {label}")
    }

    fn label_range(&self, limit: usize) -> String {
        format!("HI positions 1 to {limit}")
    }

    fn missing(&self, part: Part) -> (&'static str, &'static str) {
        match part {
            Part::Patient => (
                "patient (NM1*IL in loop 2010BA, or NM1*QC in loop 2010CA)",
                "add `NM1*IL*1*<last>*<first>****MI*<member id>` and `DMG*D8*<CCYYMMDD>*<sex>` in \
                 loop 2010BA (the subscriber), or `NM1*QC` in loop 2010CA when the patient is not \
                 the subscriber",
            ),
            Part::Billing => (
                "billing provider (NM1*85, loop 2010AA)",
                "add `NM1*85*2*<name>*****XX*<NPI>` in loop 2010AA, after `HL*1**20*1`",
            ),
            Part::Ordering => (
                "ordering provider (NM1*DK, loop 2420E)",
                "add `NM1*DK*1*<last>*<first>****XX*<NPI>` in loop 2420E",
            ),
            Part::OrderDate => ("date (DTP)", "add `DTP*472*D8*<CCYYMMDD>`"),
            Part::Diagnosis => (
                "diagnosis (HI)",
                "add `HI*ABK:<code>` (ICD-10-CM, without the dot) in loop 2300, after the CLM",
            ),
            Part::Procedure => (
                "procedure (HI BBR/BBQ)",
                "add `HI*BBR:<ICD-10-PCS code>:D8:<CCYYMMDD>` in loop 2300",
            ),
            Part::LinesOrProcedures => (
                "service line or procedure",
                "add the services (LX and SV2, loop 2400) or the procedures (`HI*BBR:…`) of the \
                 stay",
            ),
            Part::Line | Part::Test => (
                self.pick(
                    "service line (loop 2400)",
                    "service line (LX and SV1, loop 2400)",
                    "service line (LX and SV2, loop 2400)",
                    "service line (LX and SV3, loop 2400)",
                ),
                self.pick(
                    "add a service line, `LX*<n>` with its SV1 (837P), SV2 (837I) or SV3 (837D), in \
                     loop 2400",
                    "add `LX*<n>` and `SV1*HC:<code>*<charge>*UN*<units>***<pointers>` with \
                     `DTP*472*D8*<CCYYMMDD>`, in loop 2400",
                    "add `LX*<n>` and `SV2*<revenue code>*HC:<code>*<charge>*UN*<units>`, in loop \
                     2400",
                    "add `LX*<n>` and `SV3*AD:<code>*<charge>****<units>`, in loop 2400",
                ),
            ),
        }
    }

    fn join_pointers(&self, text: &str, pointers: &Pointers, keys: &[u32]) -> String {
        // The component separator as the file writes it between two pointers.
        let separator = match pointers.items.as_slice() {
            [first, second, ..] => text.get(first.field.span.end..second.field.span.start),
            _ => None,
        };
        let labels: Vec<String> =
            keys.iter().map(|&key| (u64::from(key) + 1).to_string()).collect();
        labels.join(separator.filter(|s| s.len() == 1).unwrap_or(":"))
    }

    fn add_pointer(&self, _text: &str, _line: &Line, _key: u32) -> Option<TextEdit> {
        // SV107 stands after elements the line may not have: no sure edit.
        None
    }

    fn removal(&self, text: &str, span: Span) -> Span {
        // A modifier is a component: remove it with the separator before it.
        let start = span.start.saturating_sub(1);
        if text.is_char_boundary(start) { Span::new(start, span.end) } else { span }
    }

    fn modifier(&self, modifier: &str) -> String {
        modifier.to_string()
    }

    fn describe_line(&self, text: &str, line: &Line) -> String {
        let mut service = line.code.text(text).to_string();
        for modifier in &line.modifiers {
            service.push(':');
            service.push_str(modifier.text(text));
        }
        match &line.from {
            Some(from) => format!("service line {} {service}", from.text(text)),
            None => format!("service line {service}"),
        }
    }

    fn is_icd9_system(&self, system: &str) -> bool {
        ICD9_QUALIFIERS.iter().any(|q| q.eq_ignore_ascii_case(system))
    }

    fn is_service_system(&self, system: &str) -> bool {
        // HC: HCPCS and CPT; AD: the dental (CDT) codes, HCPCS D codes. Others (ER, IV, WK)
        // are not code sets claimls holds.
        ["HC", "AD"].iter().any(|q| q.eq_ignore_ascii_case(system))
    }

    fn dotted_codes(&self) -> bool {
        false
    }
}

/// The HI qualifiers of ICD-9-CM diagnoses (principal, other, admitting, reason for visit,
/// external cause).
const ICD9_QUALIFIERS: [&str; 5] = ["BK", "BF", "BJ", "PR", "BN"];

static WORDS: Words = Words {
    dx: "HI position",
    dx_label: "HI position",
    labels: "positions",
    labelled: "HI positions",
    pointers: "SV107",
    block: "claim",
    sex: "DMG03",
};

static DENTAL_WORDS: Words = Words { pointers: "SV311", ..WORDS };

static ANY_WORDS: Words = Words { pointers: "SV107 (SV311 in an 837D)", ..WORDS };
