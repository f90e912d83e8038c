//! A deterministic generator of large HL7 v2 OML^O21 files, for the HL7 parser's benchmark:
//! the same size and seed always give the same bytes.
//!
//! Each message is a lab order for one fictional patient (MSH, PID, PV1, IN1, then one to four
//! ORC/OBR/DG1/SPM order groups), with valid NPIs, ICD-10-CM diagnoses valid in FY2026 coded
//! `I10C` and CPT tests coded `C4`; segments end in CR, as the standard has it. Every
//! [`MISTAKE_EVERY`]th message carries one HL7 mistake, the kinds taken in turn, so that each
//! HL7 rule fires.
//!
//! Dependency-free, so the HL7 crate's benchmark compiles it in by path
//! (`server/hl7/benches/parse.rs`); its random numbers are a splitmix64 of its own, fixed
//! forever.

use std::fmt::Write as _;

/// One message in this many carries a seeded mistake.
pub const MISTAKE_EVERY: usize = 40;

/// The seeded mistakes, in turn, with the rule each one fires.
pub const MISTAKES: [(&str, &str); 4] = [
    ("DG1-3.3 says I10 (WHO ICD-10)", "coding-system"),
    ("OBR-4.3 says CPT", "coding-system"),
    ("an OBR without its ORC", "segment"),
    ("a LOINC code with a wrong check digit", "unknown-code"),
];

const FAMILY: [&str; 8] =
    ["Alvarez", "Nakamura", "Haddad", "Okafor", "Lindqvist", "O\\T\\Brien", "Dubois", "Kowalski"];
const GIVEN: [&str; 8] = ["Maria", "Kenji", "Leila", "James", "Sara", "Sean", "Claire", "Piotr"];
/// NPIs that pass the check digit (Luhn over 80840 and the first nine digits).
const NPIS: [&str; 4] = ["1234567893", "1987654328", "1456789019", "2076543216"];
/// ICD-10-CM codes billable throughout FY2026, with their titles.
const DIAGNOSES: [(&str, &str); 8] = [
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I10", "Essential (primary) hypertension"),
    ("E78.5", "Hyperlipidemia, unspecified"),
    ("E03.9", "Hypothyroidism, unspecified"),
    ("D64.9", "Anemia, unspecified"),
    ("E55.9", "Vitamin D deficiency, unspecified"),
    ("R73.03", "Prediabetes"),
    ("R50.9", "Fever, unspecified"),
];
/// Everyday lab tests by CPT number (our own short names).
const TESTS: [(&str, &str); 6] = [
    ("83036", "Hemoglobin A1c"),
    ("80061", "Lipid panel"),
    ("80053", "Comprehensive metabolic panel"),
    ("84443", "TSH"),
    ("85025", "CBC with differential"),
    ("82306", "Vitamin D, 25-hydroxy"),
];

/// splitmix64 (Steele, Lea, Flood 2014).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A generated file and what is in it.
pub struct Hl7Corpus {
    pub text: String,
    pub messages: usize,
    pub orders: usize,
    /// How many seeded mistakes of each kind of [`MISTAKES`].
    pub mistakes: [usize; 4],
}

/// Writes OML^O21 messages until the text is at least `bytes` long.
pub fn generate(bytes: usize, seed: u64) -> Hl7Corpus {
    let mut rng = Rng(seed);
    let mut corpus = Hl7Corpus {
        text: String::with_capacity(bytes + 4096),
        messages: 0,
        orders: 0,
        mistakes: [0; 4],
    };
    while corpus.text.len() < bytes {
        let message = corpus.messages;
        corpus.messages += 1;
        let mistake = (message % MISTAKE_EVERY == MISTAKE_EVERY - 1)
            .then_some(message / MISTAKE_EVERY % MISTAKES.len());
        if let Some(kind) = mistake {
            corpus.mistakes[kind] += 1;
        }
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(9);
        let date = format!("2026{month:02}{day:02}{:02}{:02}", 7 + rng.below(10), rng.below(60));
        let patient = rng.below(FAMILY.len());
        let npi = NPIS[rng.below(NPIS.len())];
        let provider = format!(
            "{npi}^{}^{}^^^^MD^^^^^^NPI",
            FAMILY[(patient + 3) % 8],
            GIVEN[(patient + 5) % 8]
        );
        let t = &mut corpus.text;
        let _ = write!(
            t,
            "MSH|^~\\&|EHR|CLINIC|LAB|VALLEY LAB|{date}||OML^O21^OML_O21|MSG{message:08}|P|2.5.1\r\
             PID|1||MRN{:07}^^^CLINIC^MR||{}^{}||19{:02}{:02}{:02}|{}|||{} Main St^^Springfield^IL^62701\r\
             PV1|1|O|CLINIC\r\
             IN1|1|PPO|60054|Acme Health\r",
            rng.below(10_000_000),
            FAMILY[patient],
            GIVEN[patient],
            40 + rng.below(50),
            1 + rng.below(12),
            1 + rng.below(28),
            ["F", "M"][patient % 2],
            1 + rng.below(999),
        );
        let groups = 1 + rng.below(4);
        for group in 0..groups {
            corpus.orders += 1;
            let placer = format!("ORD{message:08}-{group}");
            let (code, name) = TESTS[rng.below(TESTS.len())];
            let (dx, title) = DIAGNOSES[rng.below(DIAGNOSES.len())];
            let first = group == 0;
            let (test_system, dx_system) = match mistake {
                Some(0) if first => ("C4", "I10"),
                Some(1) if first => ("CPT", "I10C"),
                _ => ("C4", "I10C"),
            };
            if !(first && mistake == Some(2)) {
                let _ = write!(t, "ORC|NW|{placer}^EHR|||||||{date}|||{provider}\r");
            }
            if first && mistake == Some(3) {
                let _ = write!(
                    t,
                    "OBR|1|{placer}^EHR||4548-5^Hemoglobin A1c^LN|||{date}|||||||||{provider}\r"
                );
            } else {
                let _ = write!(
                    t,
                    "OBR|1|{placer}^EHR||{code}^{name}^{test_system}|||{date}|||||||||{provider}\r"
                );
            }
            let _ = write!(
                t,
                "DG1|1||{dx}^{title}^{dx_system}|||F\rSPM|1|||119297000^Blood specimen^SCT\r"
            );
        }
    }
    corpus
}
