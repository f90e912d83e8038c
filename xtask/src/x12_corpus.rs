//! A deterministic generator of large X12 837P and 837I files with seeded mistakes, for the
//! benchmark and for tests: the same size, kind and seed always give the same bytes.
//!
//! - One interchange, one functional group, transactions of [`CLAIMS_PER_TRANSACTION`] claims,
//!   each claim under its own subscriber (2000B), one in four with a dependent patient (2000C).
//! - Clean claims are clean for `claimls-x12`: counts, control numbers, HL tree and totals right,
//!   ICD-10-CM qualifiers on FY2026 dates, NPIs that pass the check digit, codes valid in FY2026.
//! - [`ERROR_SHARE_PERCENT`] % of the claims carry one seeded mistake, the X12 rules taken in
//!   turn (`claim-total`, `qualifier`, `segment`, `hierarchy`, `envelope`), each giving exactly
//!   one diagnostic of its rule ([`X12Corpus::seeded`]).
//!
//! The random numbers are the claim corpus's splitmix64 ([`crate::corpus::Rng`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::corpus::Rng;

/// One seeded mistake per this share of claims, in percent.
pub const ERROR_SHARE_PERCENT: u64 = 5;
/// Claims in one ST … SE.
pub const CLAIMS_PER_TRANSACTION: usize = 500;

/// Which 837 to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Professional,
    Institutional,
}

/// A generated file and what a check of it must find.
#[derive(Debug)]
pub struct X12Corpus {
    pub text: String,
    pub claims: usize,
    pub transactions: usize,
    /// Seeded mistakes by rule id; each gives one diagnostic of that rule.
    pub seeded: BTreeMap<&'static str, usize>,
}

const SEEDED_RULES: [&str; 5] = ["claim-total", "qualifier", "segment", "hierarchy", "envelope"];

/// ICD-10-CM codes billable through FY2026, undotted as X12 sends them.
const DIAGNOSES: &[&str] = &[
    "E119", "I10", "E785", "J209", "R059", "M5450", "F411", "K219", "J069", "N390", "M1711",
    "E538", "Z0000", "R51", "G4700", "M545", "E039", "L309", "H6690", "R109",
];
/// CPT (shape only) and HCPCS codes with a typical charge.
const SERVICES: &[(&str, &str)] = &[
    ("99213", "110"),
    ("99214", "165"),
    ("99212", "75"),
    ("36415", "12"),
    ("80053", "42.50"),
    ("83036", "28"),
    ("85025", "18.75"),
    ("93000", "55"),
    ("J3301", "16"),
    ("G0008", "25"),
];
const MODIFIERS: &[&str] = &["25", "59", "RT", "LT", "GP", "KX"];
/// Revenue codes of outpatient services, with a HCPCS code each.
const REVENUE: &[(&str, &str, &str)] = &[
    ("0300", "80053", "120"),
    ("0305", "85025", "45"),
    ("0320", "71046", "240"),
    ("0450", "99283", "680.50"),
    ("0730", "93000", "150"),
];
/// NPIs that pass the check digit (fictional).
const NPIS: &[&str] = &["1528304615", "1679452031", "1382049579", "1193847260", "1245319599"];
const LAST_NAMES: &[&str] =
    &["ALVAREZ", "NGUYEN", "OKAFOR", "KOWALSKI", "GARCIA", "SMITH", "PATEL"];
const FIRST_NAMES: &[&str] = &["MARIA", "LINH", "DANIEL", "PETER", "ROSA", "JOHN", "ASHA"];

fn cents(amount: &str) -> u64 {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let fraction = format!("{fraction:0<2}");
    whole.parse::<u64>().unwrap() * 100 + fraction[..2].parse::<u64>().unwrap()
}

fn amount(cents: u64) -> String {
    if cents.is_multiple_of(100) {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

/// A date of service in FY2026, CCYYMMDD, before the corpus's "today".
fn service_date(rng: &mut Rng) -> String {
    let month = [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9][rng.below(12)];
    let year = if month >= 10 { 2025 } else { 2026 };
    format!("{year}{month:02}{:02}", 1 + rng.below(28))
}

/// Writes about `bytes` of 837 of the given kind.
pub fn generate(bytes: usize, kind: Kind, seed: u64) -> X12Corpus {
    let mut rng = Rng::new(seed);
    let version = match kind {
        Kind::Professional => "005010X222A1",
        Kind::Institutional => "005010X223A2",
    };
    let mut corpus = X12Corpus {
        text: String::with_capacity(bytes + 4096),
        claims: 0,
        transactions: 0,
        seeded: BTreeMap::new(),
    };
    let text = &mut corpus.text;
    let _ = write!(
        text,
        "ISA*00*          *00*          *ZZ*CLAIMLSGEN     *ZZ*ACMEHEALTH     *261101*0800*^*00501*000000001*0*P*:~\n\
         GS*HC*CLAIMLSGEN*ACMEHEALTH*20261101*0800*1*X*{version}~\n"
    );
    let mut next_mistake = 0usize;
    while text.len() < bytes || corpus.transactions == 0 {
        corpus.transactions += 1;
        let control = format!("{:04}", corpus.transactions);
        let st_start = text.len();
        let mut segments = 0usize;
        let mut push = |text: &mut String, segment: &str| {
            text.push_str(segment);
            text.push_str("~\n");
            segments += 1;
        };
        push(text, &format!("ST*837*{control}*{version}"));
        push(text, &format!("BHT*0019*00*GEN{control}*20261101*0800*CH"));
        push(text, "NM1*41*2*CLAIMLS GENERATOR*****46*GEN0001");
        push(text, "PER*IC*BILLING OFFICE*TE*2175550100");
        push(text, "NM1*40*2*ACME HEALTH*****46*60054");
        push(text, "HL*1**20*1");
        push(text, &format!("NM1*85*2*RIVERSIDE CLINIC*****XX*{}", NPIS[0]));
        push(text, "N3*100 RIVER ROAD");
        push(text, "N4*SPRINGFIELD*IL*627010001");
        push(text, "REF*EI*371234567");
        let mut hl = 1;
        let mut envelope_mistake = false;
        for _ in 0..CLAIMS_PER_TRANSACTION {
            if text.len() >= bytes && corpus.claims > 0 {
                break;
            }
            corpus.claims += 1;
            let mistake = (rng.next_u64() % 100 < ERROR_SHARE_PERCENT).then(|| {
                let rule = SEEDED_RULES[next_mistake % SEEDED_RULES.len()];
                next_mistake += 1;
                rule
            });
            let mistake = match mistake {
                Some("envelope") if envelope_mistake => Some("claim-total"),
                other => other,
            };
            if let Some(rule) = mistake {
                *corpus.seeded.entry(rule).or_default() += 1;
            }
            envelope_mistake |= mistake == Some("envelope");
            let dependent = rng.below(4) == 0;
            hl += 1;
            let subscriber_hl = hl;
            // HL04 says whether a patient level follows; the seeded mistake says the opposite.
            let children = u8::from(dependent != (mistake == Some("hierarchy")));
            push(text, &format!("HL*{subscriber_hl}*1*22*{children}"));
            push(
                text,
                &format!(
                    "SBR*P*{}*GRP{:04}******CI",
                    if dependent { "" } else { "18" },
                    rng.below(10_000)
                ),
            );
            let (last, first) = (rng.pick(LAST_NAMES), rng.pick(FIRST_NAMES));
            push(
                text,
                &format!("NM1*IL*1*{last}*{first}****MI*ACM{:09}", rng.below(1_000_000_000)),
            );
            push(
                text,
                &format!(
                    "DMG*D8*{}{:02}{:02}*{}",
                    1940 + rng.below(60),
                    1 + rng.below(12),
                    1 + rng.below(28),
                    if rng.below(2) == 0 { "F" } else { "M" }
                ),
            );
            push(text, "NM1*PR*2*ACME HEALTH*****PI*60054");
            if dependent {
                hl += 1;
                push(text, &format!("HL*{hl}*{subscriber_hl}*23*0"));
                push(text, "PAT*19");
                push(text, &format!("NM1*QC*1*{last}*{}", rng.pick(FIRST_NAMES)));
                push(
                    text,
                    &format!(
                        "DMG*D8*{}{:02}{:02}*{}",
                        2008 + rng.below(15),
                        1 + rng.below(12),
                        1 + rng.below(28),
                        if rng.below(2) == 0 { "F" } else { "M" }
                    ),
                );
            }
            let date = service_date(&mut rng);
            let dx_count = 1 + rng.below(4);
            let mut dx: Vec<&str> = vec![];
            while dx.len() < dx_count {
                let code = *rng.pick(DIAGNOSES);
                if !dx.contains(&code) {
                    dx.push(code);
                }
            }
            let mut lines = vec![];
            let mut total = 0u64;
            let line_count = 1 + rng.below(4);
            for n in 0..line_count {
                let line = match kind {
                    Kind::Professional => {
                        let (code, charge) = *rng.pick(SERVICES);
                        total += cents(charge);
                        let modifier = if rng.below(5) == 0 {
                            format!(":{}", rng.pick(MODIFIERS))
                        } else {
                            String::new()
                        };
                        let pointer = 1 + (n % dx.len());
                        let qualifier =
                            if mistake == Some("qualifier") && n == 0 { "XX" } else { "HC" };
                        format!("SV1*{qualifier}:{code}{modifier}*{charge}*UN*1***{pointer}")
                    }
                    Kind::Institutional => {
                        let (revenue, code, charge) = *rng.pick(REVENUE);
                        total += cents(charge);
                        let qualifier =
                            if mistake == Some("qualifier") && n == 0 { "XX" } else { "HC" };
                        format!("SV2*{revenue}*{qualifier}:{code}*{charge}*UN*1")
                    }
                };
                lines.push(line);
            }
            let written_total = if mistake == Some("claim-total") { total + 100 } else { total };
            let place = match kind {
                Kind::Professional => "11:B:1*Y*A*Y*Y",
                Kind::Institutional => "13:A:1**A*Y*Y",
            };
            push(text, &format!("CLM*GEN-{}*{}***{place}", corpus.claims, amount(written_total)));
            if kind == Kind::Institutional {
                push(text, &format!("DTP*434*RD8*{date}-{date}"));
                push(text, "CL1*3*1*01");
            }
            let hi: Vec<String> = dx
                .iter()
                .enumerate()
                .map(|(i, code)| format!("{}:{code}", if i == 0 { "ABK" } else { "ABF" }))
                .collect();
            push(text, &format!("HI*{}", hi.join("*")));
            if mistake == Some("segment") {
                push(text, "XYZ*1");
            }
            if kind == Kind::Institutional {
                push(text, &format!("NM1*71*1*OKONKWO*GRACE****XX*{}", NPIS[4]));
            } else {
                push(text, &format!("NM1*82*1*CHEN*LUCY****XX*{}", rng.pick(&NPIS[1..4])));
            }
            for (n, line) in lines.iter().enumerate() {
                push(text, &format!("LX*{}", n + 1));
                push(text, line);
                push(text, &format!("DTP*472*D8*{date}"));
            }
        }
        let count = if envelope_mistake { segments } else { segments + 1 };
        let _ = st_start;
        text.push_str(&format!("SE*{count}*{control}~\n"));
    }
    let transactions = corpus.transactions;
    let _ = write!(corpus.text, "GE*{transactions}*1~\nIEA*1*000000001~\n");
    corpus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let a = generate(200_000, Kind::Professional, 7);
        let b = generate(200_000, Kind::Professional, 7);
        assert_eq!(a.text, b.text);
        assert_ne!(a.text, generate(200_000, Kind::Professional, 8).text);
    }

    /// Each seeded mistake gives exactly one diagnostic of its rule, and nothing else is found.
    #[test]
    fn each_seeded_mistake_is_found_once() {
        for kind in [Kind::Professional, Kind::Institutional] {
            let corpus = generate(600_000, kind, 7);
            let file = claimls_x12::parse(&corpus.text);
            let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
            for d in claimls_x12::diagnostics(&corpus.text, &file) {
                *found.entry(d.rule).or_default() += 1;
            }
            assert_eq!(found, corpus.seeded, "{kind:?}");
            for rule in SEEDED_RULES {
                assert!(corpus.seeded.get(rule).copied().unwrap_or(0) > 0, "{kind:?} seeds {rule}");
            }
            let document = claimls_x12::lower(&corpus.text, &file);
            assert_eq!(document.claims.len(), corpus.claims);
        }
    }
}
