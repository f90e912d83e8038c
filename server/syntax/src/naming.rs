//! The claim language's words for the rules' messages and how its fixes are written.

use claimls_model::{
    DateOrder, Line, LineKind, Naming, Part, Pointers, Span, SyntaxKind, TextEdit, Words,
};

/// The claim language's [`Naming`].
pub static NAMING: ClaimLanguage = ClaimLanguage;

#[derive(Debug)]
pub struct ClaimLanguage;

static WORDS: Words = Words {
    dx: "dx",
    dx_label: "dx letter",
    labels: "letters",
    labelled: "dx letters",
    pointers: "`ptr`",
    block: "block",
    sex: "`sex`",
};

impl Naming for ClaimLanguage {
    fn syntax(&self) -> SyntaxKind {
        SyntaxKind::ClaimLanguage
    }

    fn words(&self) -> &'static Words {
        &WORDS
    }

    fn date_order(&self) -> DateOrder {
        DateOrder::Iso
    }

    fn label(&self, key: Option<u32>, written: &str) -> String {
        match key {
            Some(key) => letter(key).to_string(),
            // As written, upper-cased: the first character is what a reader looks for.
            None => written.chars().next().map_or('?', |c| c.to_ascii_uppercase()).to_string(),
        }
    }

    fn dx_reference(&self, label: &str) -> String {
        format!("`dx {label}`")
    }

    fn label_range(&self, limit: usize) -> String {
        let last = u32::try_from(limit.saturating_sub(1)).unwrap_or(25).min(25);
        format!("A to {}", letter(last))
    }

    fn missing(&self, part: Part) -> (&'static str, &'static str) {
        match part {
            Part::Patient => ("`patient`", "add `patient \"Last, First\" dob YYYY-MM-DD sex F|M`"),
            Part::Billing => (
                "`billing npi`",
                "add `billing npi <NPI>` with the billing provider's 10-digit NPI",
            ),
            Part::Diagnosis => ("`dx`", "add at least `dx A <ICD-10-CM code>`"),
            Part::LinesOrProcedures => {
                ("`line` or `px`", "add the services (`line`) or the procedures (`px`) of the stay")
            }
            Part::Line => ("`line`", "add `line <date> <CPT/HCPCS code> ptr A` for each service"),
            Part::Procedure => ("`px`", "add `px <ICD-10-PCS code> date YYYY-MM-DD`"),
            Part::Ordering => {
                ("`ordering npi`", "add `ordering npi <NPI>` with the ordering provider's NPI")
            }
            Part::OrderDate => ("`date`", "add `date YYYY-MM-DD`, the day of the order"),
            Part::Test => ("`test`", "add `test <code> ptr A` for each test ordered"),
        }
    }

    fn join_pointers(&self, _text: &str, _pointers: &Pointers, keys: &[u32]) -> String {
        let letters: Vec<String> = keys.iter().map(|&key| letter(key).to_string()).collect();
        letters.join(",")
    }

    fn add_pointer(&self, _text: &str, line: &Line, key: u32) -> Option<TextEdit> {
        let end = line.modifiers.last().map_or(line.code.span.end, |m| m.span.end);
        Some(TextEdit { span: Span::new(end, end), new_text: format!("  ptr {}", letter(key)) })
    }

    fn removal(&self, text: &str, span: Span) -> Span {
        let dash = text.as_bytes().get(span.start.wrapping_sub(1));
        if dash == Some(&b'-') { Span::new(span.start - 1, span.end) } else { span }
    }

    fn modifier(&self, modifier: &str) -> String {
        format!("-{modifier}")
    }

    fn describe_line(&self, text: &str, line: &Line) -> String {
        let mut service = line.code.text(text).to_string();
        for modifier in &line.modifiers {
            service.push('-');
            service.push_str(modifier.text(text));
        }
        match (line.kind, &line.from) {
            (LineKind::Service, Some(from)) => {
                let to = line.to.as_ref().map(|to| format!("..{}", to.text(text)));
                format!("line {}{} {service}", from.text(text), to.unwrap_or_default())
            }
            _ => format!("test {service}"),
        }
    }

    fn dotted_codes(&self) -> bool {
        true
    }
}

/// The letter of a key: 0 → `A`.
fn letter(key: u32) -> char {
    char::from_u32(u32::from(b'A') + key.min(25)).unwrap_or('?')
}
