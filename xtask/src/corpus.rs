//! A deterministic generator of realistic claim and order files, for the benchmark and for
//! tests: the same line count and seed always give the same bytes.
//!
//! - Codes are drawn from the bundled index (`claimls-codes`): ICD-10-CM codes billable on every
//!   day of the dates used, HCPCS Level II codes, modifiers, places of service and ICD-10-PCS
//!   procedures valid on those days, with a head of common codes drawn more often, as on real
//!   claims. CPT codes are a short list of everyday numbers (CPT is not bundled; each gets the
//!   `cpt-unverified` hint, as it would in a real office without a CPT file).
//! - Clean blocks are clean: no Excludes1 pair, no code that conflicts with the patient, every
//!   dx pointed to, no repeated line. Dates of service lie in FY2026 (2025-10-01 to
//!   2026-09-30), before [`TODAY`] (the `today` of `examples/claimls.toml`).
//! - [`ERROR_SHARE_PERCENT`] % of the lines count a seeded mistake: one per block, the rules taken
//!   in turn, so that every rule of the catalogue fires from 1,000 lines on, and each seeded
//!   mistake gives exactly one diagnostic of its rule ([`Corpus::expected`]).
//!
//! The random numbers come from a hand-written splitmix64, so the output never changes with a
//! crate update.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

use claimls_analysis::rules::npi_check;
use claimls_codes::{
    CmKind, CodeRange, CodeSets, CodeSystem, Date, NoteKind, normalize_code, parse_code_refs,
};

/// The date treated as today when the corpus is checked (as in `examples/claimls.toml`).
pub const TODAY: &str = "2026-11-01";
/// One seeded mistake per this share of lines, in percent.
pub const ERROR_SHARE_PERCENT: usize = 5;
/// The seed the benchmark uses.
pub const DEFAULT_SEED: u64 = 7;

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast and fixed forever.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True `percent` times in a hundred.
    pub fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An item of a list ordered most common first: the first items come up far more often.
    pub fn pick_skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let bound = 1 + self.below(items.len());
        &items[self.below(bound)]
    }
}

/// Every rule a seeded mistake can show, in the order they take turns. (`cpt-unverified` needs
/// no seeding: every CPT code gets it.)
pub const SEEDED_RULES: [&str; 29] = [
    "unknown-code",
    "missing-pointer",
    "header-code",
    "npi",
    "duplicate-line",
    "seventh-character",
    "charge",
    "unused-dx",
    "not-effective",
    "modifier",
    "syntax",
    "excludes1",
    "units",
    "dx-pointer",
    "malformed-code",
    "date",
    "missing-field",
    "code-format",
    "pos",
    "duplicate-dx",
    "manifestation-first",
    "age-conflict",
    "unclosed-block",
    "external-cause-first",
    "duplicate-id",
    "too-many-dx",
    "unacceptable-principal",
    "sex-conflict",
    "code-first",
];

/// Rules that only an editor shows (`claimls check` has no size limit), so no corpus fires them.
pub const EDITOR_ONLY_RULES: &[&str] = &["document-too-large"];

/// A generated file and what checking it must report.
#[derive(Clone, Debug)]
pub struct Corpus {
    pub text: String,
    pub lines: usize,
    pub blocks: usize,
    /// Seeded mistakes by rule id.
    pub seeded: BTreeMap<&'static str, usize>,
    /// CPT codes written (each gets a `cpt-unverified` hint).
    pub cpt_codes: usize,
}

impl Corpus {
    /// How many diagnostics of each rule `claimls check --today 2026-11-01` reports.
    pub fn expected(&self) -> BTreeMap<&'static str, usize> {
        let mut expected = self.seeded.clone();
        if self.cpt_codes > 0 {
            expected.insert("cpt-unverified", self.cpt_codes);
        }
        expected
    }

    pub fn seeded_total(&self) -> usize {
        self.seeded.values().sum()
    }
}

// ----- dates -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ymd(u32, u32, u32);

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }
}

impl Ymd {
    fn date(self) -> Date {
        Date::from_ymd(self.0, self.1, self.2).expect("a generated date exists")
    }

    fn plus_days(self, days: u32) -> Ymd {
        Ymd(self.0, self.1, self.2 + days)
    }
}

/// The fiscal year of the clean claims' dates of service.
const FY_START: Ymd = Ymd(2025, 10, 1);
const FY_END: Ymd = Ymd(2026, 9, 30);
/// The fiscal year of the `sex-conflict` claims (Medicare dropped the sex edits on 2024-10-01).
const SEX_EDIT_FY: (Ymd, Ymd) = (Ymd(2023, 10, 1), Ymd(2024, 9, 30));

/// A day in FY2026; the day of the month is at most 26, so a range of two more days exists.
fn service_date(rng: &mut Rng) -> Ymd {
    let month = rng.between(1, 12) as u32;
    let year = if month >= 10 { 2025 } else { 2026 };
    Ymd(year, month, rng.between(1, 26) as u32)
}

// ----- the code pools -----

/// Common diagnoses of office visits, most common first (all billable in FY2026).
const COMMON_DX: &[&str] = &[
    "I10", "E11.9", "E78.5", "Z00.00", "J06.9", "M54.50", "E66.9", "F41.1", "K21.9", "Z23",
    "R05.9", "E03.9", "J45.909", "N39.0", "G47.33", "M17.11", "E55.9", "R53.83", "F32.A", "Z79.4",
    "E11.65", "I25.10", "J18.9", "M25.561", "R10.9", "L03.115", "H10.9", "J02.9", "R51.9",
    "Z12.31", "E87.6", "D64.9", "I48.91", "N18.30", "M79.604", "R07.9", "K59.00", "Z68.30",
    "J44.9", "G43.909",
];
/// Everyday CPT numbers, most common first (numbers only: nothing of CPT is bundled).
const COMMON_CPT: &[&str] = &[
    "99213", "99214", "36415", "85025", "80053", "99212", "83036", "80061", "99215", "93000",
    "96372", "71046", "81003", "84443", "90471", "99203", "99204", "97110", "20610", "87880",
    "82306", "84153", "11102", "17110", "94010",
];
/// Lab CPT numbers for orders.
const LAB_CPT: &[&str] =
    &["85025", "80053", "83036", "80061", "84443", "81003", "82306", "84153", "82043", "87086"];
const COMMON_HCPCS: &[&str] =
    &["J1815", "J3420", "G0008", "G0439", "J1100", "J0696", "G2211", "Q2035", "J7030", "A4253"];
const COMMON_MODIFIERS: &[&str] = &["25", "59", "RT", "LT", "26", "TC", "76", "91", "XU", "GA"];
const COMMON_POS: &[&str] = &["11", "11", "11", "22", "19", "21", "23", "02", "10", "81"];
const LAST_NAMES: &[&str] = &[
    "Alvarez", "Okafor", "Nguyen", "Smith", "Johnson", "Garcia", "Kowalski", "Haddad", "Chen",
    "Brown", "O'Neil", "Patel", "Rossi", "Novak", "Silva", "Kim", "Dubois", "Jensen", "Ivanova",
    "Mensah",
];
const FIRST_NAMES: &[&str] = &[
    "Maria", "Daniel", "Linh", "James", "Aisha", "Robert", "Elena", "Omar", "Grace", "Peter",
    "Sofia", "Kwame", "Ingrid", "Luis", "Mei", "Tomasz", "Fatima", "John", "Chloe", "Ravi",
];
const PAYERS: &[(&str, &str)] = &[
    ("Acme Health", "60054"),
    ("Medicare Part B", "04412"),
    ("Blue Valley PPO", "00590"),
    ("Sunrise Medicaid", "77027"),
    ("Harbor Mutual", "39026"),
];
const PRACTICES: &[&str] =
    &["Riverside Family Medicine", "Northgate Internal Medicine", "Lakeview Orthopedics"];

/// Codes drawn from the index, filtered once.
#[derive(Debug)]
struct Pools {
    /// Billable on every day of FY2026, with no MCE flag that could conflict with an adult
    /// patient or a position, and not an external cause: safe anywhere on any clean claim.
    dx: Vec<String>,
    dx_head: Vec<String>,
    hcpcs: Vec<String>,
    hcpcs_head: Vec<String>,
    modifiers: Vec<String>,
    modifier_head: Vec<String>,
    pos: Vec<&'static str>,
    pos_head: Vec<&'static str>,
    pcs: Vec<String>,
    // For the seeded mistakes:
    manifestation: Vec<String>,
    external_cause: Vec<String>,
    unacceptable: Vec<String>,
    newborn: Vec<String>,
    /// Male-only codes billable through FY2024 (for `sex-conflict` on a female patient).
    male_fy2024: Vec<String>,
    /// Real codes not billable on any day of FY2026 (added later or deleted before).
    not_effective: Vec<String>,
    /// Headers (categories, subcategories) that need no 7th character.
    header: Vec<String>,
    /// Codes that lack their 7th character.
    needs_seventh: Vec<String>,
    /// Shaped like ICD-10-CM, in no code set.
    unknown: Vec<String>,
    /// Pairs of `dx` codes (of the safe pool) in an Excludes1 relation.
    excludes_pairs: Vec<(String, String)>,
    /// Pairs (a, b) of safe codes where a's "code first" note names b.
    code_first_pairs: Vec<(String, String)>,
    unknown_pos: Vec<String>,
    unknown_modifiers: Vec<String>,
}

const MALFORMED: &[&str] = &["250.00", "E1.9", "4019", "E11.9.1", "99213"];

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(Pools::build)
}

/// Flags no code of the safe pool may carry.
const UNSAFE_FLAGS: &[&str] =
    &["manifestation", "unacceptable", "newborn", "pediatric", "maternity", "male", "female"];

impl Pools {
    fn build() -> Pools {
        let sets = CodeSets::bundled();
        let (start, end) = (FY_START.date(), FY_END.date());
        let (sex_start, sex_end) = (SEX_EDIT_FY.0.date(), SEX_EDIT_FY.1.date());
        let all_cm = sets.prefix_search("", &[CodeSystem::Icd10Cm], usize::MAX).hits;
        let mut pools = Pools {
            dx: Vec::new(),
            dx_head: Vec::new(),
            hcpcs: Vec::new(),
            hcpcs_head: Vec::new(),
            modifiers: Vec::new(),
            modifier_head: Vec::new(),
            pos: Vec::new(),
            pos_head: Vec::new(),
            pcs: Vec::new(),
            manifestation: Vec::new(),
            external_cause: Vec::new(),
            unacceptable: Vec::new(),
            newborn: Vec::new(),
            male_fy2024: Vec::new(),
            not_effective: Vec::new(),
            header: Vec::new(),
            needs_seventh: Vec::new(),
            unknown: Vec::new(),
            excludes_pairs: Vec::new(),
            code_first_pairs: Vec::new(),
            unknown_pos: Vec::new(),
            unknown_modifiers: Vec::new(),
        };
        for hit in &all_cm {
            let Some(code) = sets.icd10cm(&hit.code) else { continue };
            let dotted = code.dotted();
            let billable_all_year =
                sets.icd10cm_billable_on(&code, start) && sets.icd10cm_billable_on(&code, end);
            if !billable_all_year {
                let windows = sets.icd10cm_windows(&code);
                let never_in_year =
                    !windows.iter().any(|w| w.start <= end && w.end.is_none_or(|e| e >= start));
                let needs_seventh = sets.icd10cm_needs_seventh(code.code);
                if never_in_year
                    && !windows.is_empty()
                    && code.kind != CmKind::Header
                    && !needs_seventh
                {
                    pools.not_effective.push(dotted.clone());
                }
                if code.kind == CmKind::Header && !needs_seventh {
                    pools.header.push(dotted);
                }
                continue;
            }
            // A few FY2026 codes (`QA0.0101`) are written in a shape the checker does not
            // take yet: leave them out of clean claims.
            if !claimls_codes::is_icd10cm_shape(&dotted) {
                continue;
            }
            let flags = sets.icd10cm_flags(code.code, start);
            let has = |flag: &str| flags.contains(&flag);
            let external = matches!(code.code.as_bytes()[0], b'V'..=b'Y');
            if UNSAFE_FLAGS.iter().all(|f| !has(f)) {
                if external {
                    pools.external_cause.push(dotted.clone());
                } else {
                    pools.dx.push(dotted.clone());
                }
            }
            let only = |allowed: &[&str]| {
                UNSAFE_FLAGS.iter().all(|f| allowed.contains(f) || !has(f)) && !external
            };
            if has("manifestation") && only(&["manifestation"]) {
                pools.manifestation.push(dotted.clone());
            }
            if has("unacceptable") && only(&["unacceptable"]) {
                pools.unacceptable.push(dotted.clone());
            }
            if has("newborn") && only(&["newborn", "unacceptable"]) {
                pools.newborn.push(dotted.clone());
            }
            let male_fy2024 = sets.icd10cm_billable_on(&code, sex_start)
                && sets.icd10cm_billable_on(&code, sex_end)
                && sets.icd10cm_flags(code.code, sex_start).contains(&"male")
                && sets.icd10cm_flags(code.code, sex_end).contains(&"male");
            if male_fy2024 && only(&["male"]) {
                pools.male_fy2024.push(dotted.clone());
            }
            if code.code.len() == 7 && sets.icd10cm_seventh_characters(code.code).is_some() {
                let stripped = code.code[..6].trim_end_matches('X');
                if sets.icd10cm_needs_seventh(stripped) && stripped.len() > 3 {
                    pools.needs_seventh.push(claimls_codes::dotted_icd10cm(stripped));
                }
            }
        }
        pools.dx.sort_unstable();
        pools.needs_seventh.dedup();
        // Shaped right, in no code set: a real billable code with one more character.
        for code in pools.dx.iter().step_by(97) {
            let norm = normalize_code(code);
            if norm.len() >= 7 {
                continue;
            }
            for extra in ['9', '8', 'Z'] {
                let candidate = format!("{norm}{extra}");
                if sets.icd10cm(&candidate).is_none() && !sets.icd10cm_needs_seventh(&candidate) {
                    pools.unknown.push(claimls_codes::dotted_icd10cm(&candidate));
                    break;
                }
            }
        }
        pools.dx_head = only_in(COMMON_DX, &pools.dx);
        pools.find_excludes_pairs(&sets);
        pools.code_first_pairs = CODE_FIRST_PAIRS
            .iter()
            .filter(|(a, b)| {
                let safe = |code: &str| pools.dx.binary_search_by(|c| c.as_str().cmp(code)).is_ok();
                let names =
                    code_first_ranges(&sets, a).iter().any(|r| r.contains(&normalize_code(b)));
                safe(a) && safe(b) && names
            })
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();

        let valid_all_year = |windows: &[claimls_codes::Window]| {
            windows.is_empty() || windows.iter().any(|w| w.contains(start) && w.contains(end))
        };
        for hit in sets.prefix_search("", &[CodeSystem::Hcpcs], usize::MAX).hits {
            if let Some(code) = sets.hcpcs(&hit.code)
                && valid_all_year(&code.windows)
            {
                pools.hcpcs.push(code.code.to_string());
            }
        }
        pools.hcpcs.sort_unstable();
        pools.hcpcs_head = only_in(COMMON_HCPCS, &pools.hcpcs);
        for modifier in sets.modifiers() {
            if valid_all_year(&modifier.windows) {
                pools.modifiers.push(modifier.code.to_string());
            }
        }
        pools.modifier_head = only_in(COMMON_MODIFIERS, &pools.modifiers);
        pools.unknown_modifiers = ["ZZ", "A9", "7Q"]
            .into_iter()
            .filter(|m| sets.modifier(m).is_none())
            .map(str::to_string)
            .collect();
        pools.pos = sets.places_of_service().iter().map(|place| place.code).collect();
        pools.pos_head = COMMON_POS.iter().copied().filter(|p| pools.pos.contains(p)).collect();
        pools.unknown_pos = (0..100)
            .map(|n| format!("{n:02}"))
            .filter(|code| sets.place_of_service(code).is_none())
            .collect();
        for hit in sets.prefix_search("", &[CodeSystem::Icd10Pcs], usize::MAX).hits {
            if let Some(code) = sets.icd10pcs(&hit.code)
                && valid_all_year(&code.windows)
            {
                pools.pcs.push(code.code.to_string());
            }
        }
        pools
    }

    /// Pairs of safe codes in an Excludes1 relation, from the notes of the common codes and a
    /// sample of the pool.
    fn find_excludes_pairs(&mut self, sets: &CodeSets) {
        let candidates: Vec<String> =
            self.dx_head.iter().chain(self.dx.iter().step_by(151)).cloned().collect();
        for code in candidates {
            for range in excludes1_ranges(sets, &code) {
                let first = claimls_codes::dotted_icd10cm(&range.first);
                let at = self.dx.partition_point(|c| c.as_str() < first.as_str());
                let partner = self.dx[at..]
                    .iter()
                    .take(50)
                    .find(|c| range.contains(&normalize_code(c)) && **c != code);
                if let Some(partner) = partner {
                    self.excludes_pairs.push((code.clone(), partner.clone()));
                    break;
                }
            }
        }
    }
}

/// The codes of `list` that are in `pool` (sorted), in the order of `list`.
fn only_in(list: &[&str], pool: &[String]) -> Vec<String> {
    list.iter()
        .filter(|code| pool.binary_search_by(|c| c.as_str().cmp(code)).is_ok())
        .map(|code| code.to_string())
        .collect()
}

/// Pairs of everyday codes where the first one's "code first" note names the second (ICD-10-CM
/// guideline I.A.13); the pool keeps those that are safe and whose note really names the other.
const CODE_FIRST_PAIRS: &[(&str, &str)] =
    &[("I50.32", "I11.0"), ("N18.4", "E11.22"), ("N18.30", "E11.22"), ("I50.9", "I11.0")];

/// The code ranges the "code first" notes that apply to `code` name.
fn code_first_ranges(sets: &CodeSets, code: &str) -> Vec<CodeRange> {
    sets.icd10cm_notes_of_kind(code, NoteKind::CodeFirst)
        .into_iter()
        .flat_map(|note| parse_code_refs(note.text))
        .collect()
}

/// The code ranges the Excludes1 notes that apply to `code` name.
fn excludes1_ranges(sets: &CodeSets, code: &str) -> Vec<CodeRange> {
    sets.icd10cm_notes_of_kind(code, NoteKind::Excludes1)
        .into_iter()
        .flat_map(|note| parse_code_refs(note.text))
        .collect()
}

// ----- blocks -----

#[derive(Clone, Debug, Default)]
struct Line {
    date: String,
    code: String,
    modifiers: Vec<String>,
    ptr: Option<String>,
    units: Option<String>,
    charge: Option<String>,
    pos: Option<String>,
    npi: Option<String>,
    /// Orders only.
    priority: Option<&'static str>,
}

/// A claim or an order before it is written out; seeded mistakes change it.
#[derive(Clone, Debug, Default)]
struct Draft {
    comment: Option<String>,
    order: bool,
    /// The date of service of its lines (the order's date).
    day: Option<Ymd>,
    id: String,
    kind: Option<&'static str>,
    patient: String,
    dob: String,
    sex: char,
    member: Option<String>,
    payer: Option<(&'static str, &'static str)>,
    billing: Option<String>,
    rendering: Option<String>,
    referring: Option<String>,
    ordering: Option<String>,
    pos: Option<String>,
    date: Option<String>,
    dxs: Vec<String>,
    pxs: Vec<(String, String)>,
    lines: Vec<Line>,
    /// Lines written before `end` as they are (a syntax mistake).
    raw: Vec<String>,
    /// Written after the block (a stray `end`).
    after: Option<String>,
}

fn letter(index: usize) -> char {
    (b'A' + index as u8) as char
}

fn ptr_of(letters: &[usize]) -> String {
    letters.iter().map(|&i| letter(i).to_string()).collect::<Vec<_>>().join(",")
}

impl Draft {
    fn render(&self, out: &mut String) -> usize {
        let start = out.len();
        if let Some(comment) = &self.comment {
            let _ = writeln!(out, "# {comment}");
        }
        let _ = writeln!(out, "{} {}", if self.order { "order" } else { "claim" }, self.id);
        if let Some(kind) = self.kind {
            let _ = writeln!(out, "  kind      {kind}");
        }
        let _ = write!(out, "  patient   \"{}\"  dob {}  sex {}", self.patient, self.dob, self.sex);
        if let Some(member) = &self.member {
            let _ = write!(out, "  member {member}");
        }
        out.push('\n');
        let npi = |npi: &Option<String>| npi.as_ref().map(|npi| format!("npi {npi}"));
        let header = [
            ("payer", &self.payer.map(|(name, id)| format!("\"{name}\"  id {id}"))),
            ("billing", &npi(&self.billing)),
            ("rendering", &npi(&self.rendering)),
            ("referring", &npi(&self.referring)),
            ("ordering", &npi(&self.ordering)),
            ("pos", &self.pos),
            ("date", &self.date),
        ];
        for (keyword, value) in present(header) {
            let _ = writeln!(out, "  {keyword:<9} {value}");
        }
        for (index, dx) in self.dxs.iter().enumerate() {
            let _ = writeln!(out, "  dx {}  {dx}", letter(index));
        }
        for (code, date) in &self.pxs {
            let _ = writeln!(out, "  px {code}  date {date}");
        }
        for line in &self.lines {
            let mut code = line.code.clone();
            for modifier in &line.modifiers {
                code.push('-');
                code.push_str(modifier);
            }
            if self.order {
                let _ = write!(out, "  test {code:<9}");
            } else {
                let _ = write!(out, "  line {}  {code:<9}", line.date);
            }
            let options = [
                ("ptr", &line.ptr),
                ("units", &line.units),
                ("charge", &line.charge),
                ("pos", &line.pos),
                ("npi", &line.npi),
            ];
            for (key, value) in present(options) {
                let _ = write!(out, "  {key} {value}");
            }
            if let Some(priority) = line.priority {
                let _ = write!(out, "  priority {priority}");
            }
            out.push('\n');
        }
        for raw in &self.raw {
            let _ = writeln!(out, "{raw}");
        }
        out.push_str("end\n");
        if let Some(after) = &self.after {
            let _ = writeln!(out, "{after}");
        }
        out[start..].bytes().filter(|b| *b == b'\n').count()
    }

    fn cpt_codes(&self) -> usize {
        self.lines.iter().filter(|line| is_cpt(&line.code)).count()
    }
}

/// The keywords whose value is there, with it.
fn present<'a, const N: usize>(
    fields: [(&'a str, &'a Option<String>); N],
) -> impl Iterator<Item = (&'a str, &'a str)> {
    fields.into_iter().filter_map(|(key, value)| Some((key, value.as_deref()?)))
}

fn is_cpt(code: &str) -> bool {
    code.len() == 5 && code.as_bytes()[0].is_ascii_digit()
}

/// A valid NPI: 9 digits and the check digit the rules expect after them.
fn npi(rng: &mut Rng) -> String {
    let first = 1 + rng.below(2);
    let mut npi: String = std::iter::once(first)
        .chain((0..8).map(|_| rng.below(10)))
        .map(|digit| char::from_digit(digit as u32, 10).unwrap())
        .collect();
    // With any tenth digit, `npi_check` says which one it expects.
    let (check, _) = npi_check(&format!("{npi}0")).expect("ten digits");
    npi.push(char::from_digit(check, 10).unwrap());
    npi
}

fn charge(rng: &mut Rng) -> String {
    format!("{}.{:02}", rng.between(12, 480), rng.below(20) * 5)
}

/// The generator's running state.
struct Generator<'p> {
    rng: Rng,
    pools: &'p Pools,
    sets: CodeSets,
    excludes: HashMap<String, Vec<CodeRange>>,
    next_claim: usize,
    next_order: usize,
    last_id: Option<String>,
}

impl Generator<'_> {
    fn excluded(&mut self, a: &str, b: &str) -> bool {
        let (na, nb) = (normalize_code(a), normalize_code(b));
        for (code, other) in [(a, &nb), (b, &na)] {
            let sets = &self.sets;
            let ranges = self.excludes.entry(code.to_string()).or_insert_with(|| {
                // Clean claims must not pair codes in an Excludes1 or "code first" relation.
                let mut ranges = excludes1_ranges(sets, code);
                ranges.extend(code_first_ranges(sets, code));
                ranges
            });
            if ranges.iter().any(|range| range.contains(other)) {
                return true;
            }
        }
        false
    }

    /// A safe dx that is neither in `taken` nor excluded by one of them.
    fn dx_besides(&mut self, taken: &[String]) -> String {
        loop {
            let code = if self.rng.percent(55) {
                self.rng.pick_skewed(&self.pools.dx_head).clone()
            } else {
                self.rng.pick(&self.pools.dx).clone()
            };
            if taken.contains(&code) || taken.iter().any(|t| self.excluded(t, &code)) {
                continue;
            }
            return code;
        }
    }

    /// `code` if it goes with every dx of `taken`, else a fresh draw from `pool`.
    fn compatible_from(&mut self, pool: &[String], taken: &[String]) -> String {
        loop {
            let code = self.rng.pick(pool).clone();
            if !taken.contains(&code) && !taken.iter().any(|t| self.excluded(t, &code)) {
                return code;
            }
        }
    }

    fn dxs(&mut self, count: usize) -> Vec<String> {
        let mut dxs = Vec::with_capacity(count);
        for _ in 0..count {
            let code = self.dx_besides(&dxs);
            dxs.push(code);
        }
        dxs
    }

    fn service_code(&mut self, order: bool) -> String {
        let rng = &mut self.rng;
        if order {
            return if rng.percent(85) {
                rng.pick_skewed(LAB_CPT).to_string()
            } else {
                rng.pick(&self.pools.hcpcs).clone()
            };
        }
        match rng.below(100) {
            0..65 => rng.pick_skewed(COMMON_CPT).to_string(),
            65..85 => rng.pick_skewed(&self.pools.hcpcs_head).to_string(),
            _ => rng.pick(&self.pools.hcpcs).to_string(),
        }
    }

    fn patient(&mut self, draft: &mut Draft) {
        let rng = &mut self.rng;
        draft.patient = format!("{}, {}", rng.pick(LAST_NAMES), rng.pick(FIRST_NAMES));
        draft.dob = Ymd(
            rng.between(1940, 2000) as u32,
            rng.between(1, 12) as u32,
            rng.between(1, 28) as u32,
        )
        .to_string();
        draft.sex = if rng.percent(1) {
            'U'
        } else if rng.percent(50) {
            'F'
        } else {
            'M'
        };
        if !draft.order && rng.percent(70) {
            let letters = [b'A' + rng.below(26) as u8, b'A' + rng.below(26) as u8];
            draft.member = Some(format!(
                "{}{}{:09}",
                letters[0] as char,
                letters[1] as char,
                rng.below(1_000_000_000)
            ));
        }
    }

    /// Lines (or tests) that point to every dx, each dx at least once.
    fn lines(&mut self, draft: &mut Draft, count: usize, date: Ymd) {
        let dx_count = draft.dxs.len();
        let mut pointers: Vec<Vec<usize>> = vec![Vec::new(); count];
        for dx in 0..dx_count {
            pointers[dx % count].push(dx);
        }
        let mut codes: Vec<String> = Vec::new();
        for mut letters in pointers {
            if letters.is_empty() {
                letters.push(self.rng.below(dx_count));
            }
            if letters.len() < 4 && dx_count > 1 && self.rng.percent(25) {
                let extra = self.rng.below(dx_count);
                if !letters.contains(&extra) {
                    letters.push(extra);
                }
            }
            let mut code = self.service_code(draft.order);
            while codes.contains(&code) {
                code = self.service_code(draft.order);
            }
            codes.push(code.clone());
            let line = self.line(draft.order, code, date, ptr_of(&letters));
            draft.lines.push(line);
        }
    }

    fn line(&mut self, order: bool, code: String, date: Ymd, ptr: String) -> Line {
        let rng = &mut self.rng;
        let mut line = Line { code, ptr: Some(ptr), ..Line::default() };
        if order {
            line.priority = match rng.below(10) {
                0..3 => Some("routine"),
                3 => Some("stat"),
                _ => None,
            };
            return line;
        }
        line.date = if rng.percent(8) {
            format!("{date}..{}", date.plus_days(rng.between(1, 2) as u32))
        } else {
            date.to_string()
        };
        if rng.percent(18) {
            line.modifiers.push(rng.pick_skewed(&self.pools.modifier_head).to_string());
            if rng.percent(15) {
                let second = rng.pick(&self.pools.modifiers).to_string();
                if !line.modifiers.contains(&second) {
                    line.modifiers.push(second);
                }
            }
        }
        line.units = Some(match rng.below(100) {
            0..80 => "1".to_string(),
            80..95 => rng.between(2, 4).to_string(),
            _ => rng.between(10, 120).to_string(),
        });
        line.charge = Some(if rng.percent(5) { format!("${}", charge(rng)) } else { charge(rng) });
        if rng.percent(4) {
            line.pos = Some(rng.pick(&self.pools.pos_head).to_string());
        }
        if rng.percent(4) {
            line.npi = Some(npi(rng));
        }
        line
    }

    /// A clean claim or order. `max_dx` leaves room for a mistake that adds a dx.
    fn clean(&mut self, order: bool, max_dx: usize) -> Draft {
        let mut draft = Draft { order, ..Draft::default() };
        if self.rng.percent(30) {
            draft.comment = Some(
                match self.rng.below(4) {
                    0 => "follow-up visit",
                    1 => "new patient",
                    2 => "labs drawn in the office",
                    _ => "annual visit",
                }
                .to_string(),
            );
        }
        if order {
            self.next_order += 1;
            draft.id = format!("ORD-2026-{:07}", self.next_order);
        } else {
            self.next_claim += 1;
            draft.id = format!("CLM-2026-{:07}", self.next_claim);
        }
        self.patient(&mut draft);
        let date = service_date(&mut self.rng);
        draft.day = Some(date);
        let dx_count = [1, 1, 2, 2, 2, 3, 3, 4][self.rng.below(8)].min(max_dx);
        draft.dxs = self.dxs(dx_count);
        if order {
            draft.ordering = Some(npi(&mut self.rng));
            draft.date = Some(date.to_string());
            let tests = self.rng.between(1, 3).max(dx_count.div_ceil(4));
            self.lines(&mut draft, tests, date);
            return draft;
        }
        let rng = &mut self.rng;
        draft.payer = Some(*rng.pick(PAYERS));
        draft.billing = Some(if rng.percent(50) {
            format!("{}  \"{}\"", npi(rng), rng.pick(PRACTICES))
        } else {
            npi(rng)
        });
        if rng.percent(60) {
            draft.rendering = Some(npi(rng));
        }
        if rng.percent(8) {
            draft.referring = Some(npi(rng));
        }
        if rng.percent(90) {
            draft.pos = Some(rng.pick_skewed(&self.pools.pos_head).to_string());
        }
        match rng.below(100) {
            0..5 => {
                draft.kind = Some("inpatient");
                draft.pos = Some("21".to_string());
                let stays = rng.between(1, 2);
                for _ in 0..stays {
                    let code = rng.pick(&self.pools.pcs).clone();
                    draft.pxs.push((code, date.to_string()));
                }
                if rng.percent(50) {
                    return draft;
                }
            }
            5..15 => draft.kind = Some("outpatient"),
            _ => {}
        }
        let lines = self.rng.between(1, 5).max(dx_count.div_ceil(4));
        self.lines(&mut draft, lines, date);
        draft
    }

    /// A claim with one mistake of `rule`.
    fn with_mistake(&mut self, rule: &'static str) -> Draft {
        let mut draft = self.clean(false, 3);
        // Pointers and the 12-diagnosis limit belong to professional claims.
        if matches!(rule, "missing-pointer" | "unused-dx" | "dx-pointer" | "too-many-dx") {
            draft.kind = None;
            draft.pxs.clear();
        }
        let pools = self.pools;
        // The index of a dx whose code a mistake replaces.
        let some_dx = self.rng.below(draft.dxs.len());
        let others = |draft: &Draft, except: usize| -> Vec<String> {
            draft
                .dxs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != except)
                .map(|(_, c)| c.clone())
                .collect()
        };
        let day = draft.day.unwrap_or(FY_START);
        // Keep one line at least (an inpatient claim may have only `px`).
        if draft.lines.is_empty() {
            self.lines(&mut draft, 1, day);
        }
        let first_date = day.to_string();
        let rng_pick = |rng: &mut Rng, pool: &[String]| rng.pick(pool).clone();
        match rule {
            "syntax" => {
                let broken = match self.rng.below(4) {
                    0 => "  dx".to_string(),
                    1 => format!("  line {first_date}"),
                    2 => "  units 1".to_string(),
                    _ => "  chrage 12.00".to_string(),
                };
                draft.raw.push(broken);
            }
            "unclosed-block" => draft.after = Some("end".to_string()),
            "duplicate-id" => draft.id = self.last_id.clone().unwrap_or_default(),
            "missing-field" => draft.billing = None,
            "malformed-code" => draft.dxs[some_dx] = self.rng.pick(MALFORMED).to_string(),
            "unknown-code" => draft.dxs[some_dx] = rng_pick(&mut self.rng, &pools.unknown),
            "header-code" => draft.dxs[some_dx] = rng_pick(&mut self.rng, &pools.header),
            "seventh-character" => {
                draft.dxs[some_dx] = rng_pick(&mut self.rng, &pools.needs_seventh)
            }
            "not-effective" => draft.dxs[some_dx] = rng_pick(&mut self.rng, &pools.not_effective),
            "code-first" => {
                let (a, b) = self.rng.pick(&pools.code_first_pairs).clone();
                draft.dxs = vec![a, b];
                draft.lines.truncate(1);
                draft.lines[0].ptr = Some("A,B".to_string());
            }
            "excludes1" => {
                let (a, b) = self.rng.pick(&pools.excludes_pairs).clone();
                draft.dxs = vec![a, b];
                draft.lines.truncate(1);
                draft.lines[0].ptr = Some("A,B".to_string());
            }
            "manifestation-first" => {
                let taken = others(&draft, 0);
                draft.dxs[0] = self.compatible_from(&pools.manifestation, &taken);
            }
            "external-cause-first" => {
                let taken = others(&draft, 0);
                draft.dxs[0] = self.compatible_from(&pools.external_cause, &taken);
            }
            "unacceptable-principal" => {
                let taken = others(&draft, 0);
                draft.dxs[0] = self.compatible_from(&pools.unacceptable, &taken);
                draft.kind = Some("inpatient");
                let code = self.rng.pick(&pools.pcs).clone();
                draft.pxs = vec![(code, first_date.clone())];
            }
            "age-conflict" => {
                let taken = others(&draft, some_dx);
                draft.dxs[some_dx] = self.compatible_from(&pools.newborn, &taken);
            }
            "sex-conflict" => {
                let date = Ymd(2024, self.rng.between(1, 9) as u32, self.rng.between(1, 28) as u32);
                draft.sex = 'F';
                draft.kind = None;
                draft.pxs.clear();
                draft.dxs = vec![self.rng.pick(&pools.male_fy2024).clone()];
                let line = self.line(false, "99213".to_string(), date, "A".to_string());
                draft.lines = vec![line];
            }
            "duplicate-dx" => draft.dxs.push(draft.dxs[some_dx].clone()),
            "too-many-dx" => {
                draft.dxs = self.dxs(13);
                let date = service_date(&mut self.rng);
                draft.lines.clear();
                let groups: [&[usize]; 4] = [&[0, 1, 2, 3], &[4, 5, 6, 7], &[8, 9, 10, 11], &[12]];
                let mut codes: Vec<String> = Vec::new();
                for group in groups {
                    let mut code = self.service_code(false);
                    while codes.contains(&code) {
                        code = self.service_code(false);
                    }
                    codes.push(code.clone());
                    let line = self.line(false, code, date, ptr_of(group));
                    draft.lines.push(line);
                }
            }
            "unused-dx" => {
                let code = self.dx_besides(&draft.dxs);
                draft.dxs.push(code);
            }
            "dx-pointer" => {
                let missing = letter(draft.dxs.len());
                let line = &mut draft.lines[0];
                line.ptr = Some(format!("{},{missing}", line.ptr.as_deref().unwrap_or("A")));
            }
            "missing-pointer" => {
                let taken: Vec<String> = draft.lines.iter().map(|l| l.code.clone()).collect();
                let mut code = self.service_code(false);
                while taken.contains(&code) {
                    code = self.service_code(false);
                }
                let mut line = self.line(false, code, day, String::new());
                line.ptr = None;
                draft.lines.push(line);
            }
            "modifier" => {
                let line = &mut draft.lines[0];
                line.modifiers.clear();
                if self.rng.percent(50) {
                    let modifier = self.rng.pick(&pools.modifier_head).to_string();
                    line.modifiers = vec![modifier.clone(), modifier];
                } else {
                    line.modifiers = vec![self.rng.pick(&pools.unknown_modifiers).to_string()];
                }
            }
            "npi" => {
                let good = npi(&mut self.rng);
                let last = good.as_bytes()[9] - b'0';
                draft.billing = Some(format!("{}{}", &good[..9], (last + 1) % 10));
            }
            "pos" => draft.pos = Some(self.rng.pick(&pools.unknown_pos).clone()),
            "date" => {
                if self.rng.percent(50) {
                    let year = &draft.dob[..4];
                    draft.dob = format!("{year}-{}", self.rng.pick(&["02-30", "04-31", "13-02"]));
                } else {
                    // A reversed range (the day of the month is at most 26).
                    draft.lines[0].date = format!("{}..{day}", day.plus_days(1));
                }
            }
            "units" => {
                draft.lines[0].units = Some(self.rng.pick(&["0", "2.5", "10000"]).to_string())
            }
            "charge" => {
                draft.lines[0].charge =
                    Some(self.rng.pick(&["1,250.00", "-5.00", "12.345"]).to_string())
            }
            "duplicate-line" => {
                let copy = draft.lines[0].clone();
                draft.lines.push(copy);
            }
            "code-format" => {
                let code = &draft.dxs[some_dx];
                draft.dxs[some_dx] = normalize_code(code).to_ascii_lowercase();
            }
            other => unreachable!("no seeded mistake for {other}"),
        }
        draft
    }
}

/// Generates a corpus of exactly `lines` lines (the last block may be followed by comment lines
/// to make the count).
pub fn generate(lines: usize, seed: u64) -> Corpus {
    let pools = pools();
    let mut generator = Generator {
        rng: Rng::new(seed),
        pools,
        sets: CodeSets::bundled(),
        excludes: HashMap::new(),
        next_claim: 0,
        next_order: 0,
        last_id: None,
    };
    let mut corpus = Corpus {
        text: String::with_capacity(lines * 48),
        lines: 0,
        blocks: 0,
        seeded: BTreeMap::new(),
        cpt_codes: 0,
    };
    let header = format!(
        "# claimls benchmark corpus: {lines} lines, seed {seed}, generated by `cargo xtask \
         corpus`.\n# Clean claims and orders, and one seeded mistake per {} lines; check it \
         with --today {TODAY}.\n",
        100 / ERROR_SHARE_PERCENT
    );
    corpus.text.push_str(&header);
    corpus.lines = 2;
    let mut block_text = String::new();
    let mut mistakes = 0usize;
    while corpus.lines < lines {
        // A mistake whenever the seeded count falls behind the share of the lines written.
        let due = corpus.blocks > 0 && mistakes * 100 < (corpus.lines + 12) * ERROR_SHARE_PERCENT;
        let (draft, rule) = if due {
            let rule = SEEDED_RULES[mistakes % SEEDED_RULES.len()];
            (generator.with_mistake(rule), Some(rule))
        } else {
            let order = generator.rng.percent(15);
            (generator.clean(order, 4), None)
        };
        block_text.clear();
        let count = draft.render(&mut block_text) + 1;
        if corpus.lines + count > lines {
            break;
        }
        block_text.push('\n');
        corpus.text.push_str(&block_text);
        corpus.lines += count;
        corpus.blocks += 1;
        corpus.cpt_codes += draft.cpt_codes();
        generator.last_id = Some(draft.id.clone());
        if let Some(rule) = rule {
            mistakes += 1;
            *corpus.seeded.entry(rule).or_default() += 1;
        }
    }
    while corpus.lines < lines {
        corpus.text.push_str("# (end of the generated claims)\n");
        corpus.lines += 1;
    }
    corpus
}

/// The `claimls.toml` to put beside generated files: the same fixed `today` as the examples.
pub fn config_toml() -> String {
    format!(
        "# Written by `cargo xtask`: a fixed \"today\", as in examples/claimls.toml.\ntoday = \
         \"{TODAY}\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npis_pass_the_check_digit() {
        let mut rng = Rng::new(5);
        for _ in 0..100 {
            let npi = npi(&mut rng);
            assert_eq!(npi_check(&npi).map(|(_, matches)| matches), Some(true), "{npi}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let one = generate(1_000, 11);
        assert_eq!(one.lines, 1_000);
        assert_eq!(one.text.lines().count(), 1_000);
        assert_eq!(one.text, generate(1_000, 11).text);
        assert_ne!(one.text, generate(1_000, 12).text);
    }

    #[test]
    fn every_rule_fires_as_seeded() {
        use claimls_analysis::{Config, check, rules::RULES};
        let corpus = generate(1_000, DEFAULT_SEED);
        let config = Config { today: Date::parse(TODAY).ok(), ..Config::default() };
        let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
        for diagnostic in check(&corpus.text, &CodeSets::bundled(), &config) {
            *found.entry(diagnostic.rule).or_default() += 1;
        }
        assert_eq!(found, corpus.expected());
        let claim_language_rules = RULES.iter().filter(|rule| {
            !EDITOR_ONLY_RULES.contains(&rule.id)
                && !claimls_analysis::rules::is_other_format_rule(rule.id)
        });
        for rule in claim_language_rules {
            assert!(found.contains_key(rule.id), "{} does not fire", rule.id);
        }
        let share = corpus.seeded_total() * 100 / corpus.lines;
        assert_eq!(share, ERROR_SHARE_PERCENT);
    }

    #[test]
    fn splitmix64_is_fixed() {
        let mut rng = Rng::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }
}
