//! Verdicts on codes (ICD-10-CM, ICD-10-PCS, CPT/HCPCS, modifiers, places of service) on a date
//! of service, cached per file: a distinct code text is looked up once, and a problem is worked
//! out once per (code, date).

use std::rc::Rc;

use claimls_codes::{
    CmKind, CodeRange, CodeSets, CodeSystem, Date, Note, NoteKind, ServiceShape, Window,
    describe_windows, dotted_icd10cm, is_icd9_shape, is_icd10cm_shape, is_icd10pcs_shape,
    normalize_code, parse_code_refs, service_shape,
};

use crate::Severity;

/// A problem with a code, ready to become a diagnostic on the code's span.
#[derive(Debug)]
pub(super) struct Problem {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// (label, replacement text for the code's span)
    pub fixes: Vec<(String, String)>,
}

type Shared = Option<Rc<Problem>>;

/// What is known about a code on a date: at most one problem, and a `code-format` or
/// `cpt-unverified` hint.
#[derive(Clone, Debug, Default)]
pub(super) struct Verdict {
    pub problem: Shared,
    pub hint: Shared,
}

/// The caches' maps, with a fast hash for their short keys (code texts and dates): a slow hash
/// would cost more than the look-ups it saves, and the keys come from the file being checked.
pub(super) type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// How many entries a cache of [`Codes`] keeps per kind of look-up. A file's distinct codes
/// (and their dates of service) are a few thousand (an 8 MB 837: 40 codes on 336 dates); a block
/// of 50,000 distinct dx, each looked up once, must not keep an entry for each of them.
const CACHE_LIMIT: usize = 16_384;

/// Empties `cache` when it is full and `key` is not in it, so that it never holds more than
/// [`CACHE_LIMIT`] entries: what was in it is looked up again when asked for.
fn make_room<K: std::hash::Hash + Eq, V>(cache: &mut HashMap<K, V>, key: &K) {
    if cache.len() >= CACHE_LIMIT && !cache.contains_key(key) {
        cache.clear();
    }
}

/// The code ranges Excludes1 notes name, each with the note's text and owner (a code, a section
/// id or `chapter-N`), the most specific owner's first.
type ExcludesRanges = Vec<(CodeRange, &'static str, &'static str)>;

fn excludes_ranges(notes: impl IntoIterator<Item = Note<'static>>) -> ExcludesRanges {
    notes
        .into_iter()
        .flat_map(|note| {
            parse_code_refs(note.text).into_iter().map(move |range| (range, note.text, note.owner))
        })
        .collect()
}

/// The first date of ICD-10 on US claims.
pub(super) fn icd10_start() -> Date {
    Date::from_ymd(2015, 10, 1).expect("a date")
}

/// The bundled HCPCS and modifier history starts here; earlier dates cannot be judged.
fn quarterly_history_start() -> Date {
    Date::from_ymd(2019, 7, 1).expect("a date")
}

/// The Medicare Code Editor flags the rules use, as bits.
pub(super) mod flag {
    pub const MANIFESTATION: u16 = 1;
    pub const UNACCEPTABLE: u16 = 1 << 1;
    pub const NEWBORN: u16 = 1 << 2;
    pub const PEDIATRIC: u16 = 1 << 3;
    pub const MATERNITY: u16 = 1 << 4;
    pub const ADULT: u16 = 1 << 5;
    pub const MALE: u16 = 1 << 6;
    pub const FEMALE: u16 = 1 << 7;
    pub const AGES: [(u16, &str); 4] = [
        (NEWBORN, "newborn"),
        (PEDIATRIC, "pediatric"),
        (MATERNITY, "maternity"),
        (ADULT, "adult"),
    ];

    /// The bits of the flags named (other names have none).
    pub fn bits(names: &[&str]) -> u16 {
        names.iter().fold(0, |bits, name| {
            bits | match *name {
                "manifestation" => MANIFESTATION,
                "unacceptable" => UNACCEPTABLE,
                "newborn" => NEWBORN,
                "pediatric" => PEDIATRIC,
                "maternity" => MATERNITY,
                "adult" => ADULT,
                "male" => MALE,
                "female" => FEMALE,
                _ => 0,
            }
        })
    }
}

/// An ICD-10-CM code text as looked up once.
#[derive(Debug)]
struct CmEntry<'s> {
    /// Undotted, upper case (shared: the rules keep it per dx of a claim).
    norm: Rc<str>,
    /// Dotted, upper case.
    canonical: String,
    state: CmState<'s>,
    /// Its `code-format` hint, made once: it depends on the text alone, not on the date.
    hint: std::cell::OnceCell<Shared>,
}

#[derive(Debug)]
enum CmState<'s> {
    Malformed,
    Missing,
    Known { kind: CmKind, windows: Vec<Window>, user: bool, title: &'s str },
}

impl CmEntry<'_> {
    fn billable_on(&self, date: Date) -> bool {
        match &self.state {
            CmState::Known { user: true, kind, .. } => *kind == CmKind::Billable,
            CmState::Known { windows, .. } => windows.iter().any(|w| w.contains(date)),
            _ => false,
        }
    }
}

/// A service, procedure or modifier text as looked up once.
#[derive(Debug)]
struct PlainEntry {
    norm: String,
    /// `None`: no such code (or a malformed one); `Some(empty)`: valid on every date.
    windows: Option<Vec<Window>>,
    /// Its hint (`code-format`, or `cpt-unverified`), made once: which one it is and what it
    /// says follow from the text and `windows`, not from the date.
    hint: std::cell::OnceCell<Shared>,
}

pub(super) struct Codes<'s, 't> {
    pub sets: &'s CodeSets,
    cm: HashMap<&'t str, CmEntry<'s>>,
    cm_verdicts: HashMap<(&'t str, Date), Verdict>,
    /// Per dx text: each window of its validity data with its MCE flags as bits.
    flags: HashMap<&'t str, Vec<(Window, u16)>>,
    /// Per code text: the Excludes1 ranges of its category (shared) and of its own notes.
    excludes: HashMap<&'t str, (Rc<ExcludesRanges>, ExcludesRanges)>,
    /// Per category (undotted): the Excludes1 ranges of its chapter, section and itself.
    category_excludes: HashMap<String, Rc<ExcludesRanges>>,
    services: HashMap<&'t str, PlainEntry>,
    service_verdicts: HashMap<(&'t str, Date), Verdict>,
    procedures: HashMap<&'t str, PlainEntry>,
    procedure_verdicts: HashMap<(&'t str, Date), Verdict>,
    modifiers: HashMap<&'t str, PlainEntry>,
    modifier_verdicts: HashMap<(&'t str, Date), Verdict>,
    places: HashMap<&'t str, Shared>,
}

fn problem(rule: &'static str, severity: Severity, message: String) -> Problem {
    Problem { rule, severity, message, fixes: Vec::new() }
}

fn format_hint(text: &str, canonical: &str, what: &str) -> Shared {
    (text != canonical).then(|| {
        Rc::new(Problem {
            rule: "code-format",
            severity: Severity::Hint,
            message: format!("{what} `{text}` is valid but is usually written `{canonical}`"),
            fixes: vec![(format!("Write `{canonical}`"), canonical.to_string())],
        })
    })
}

/// `E11.9 (Type 2 diabetes mellitus without complications)`, or the code alone.
fn with_title(code: &str, title: &str) -> String {
    if title.is_empty() { code.to_string() } else { format!("{code} ({title})") }
}

/// "A, B or C".
pub(super) fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl<'s, 't> Codes<'s, 't> {
    pub fn new(sets: &'s CodeSets) -> Self {
        Codes {
            sets,
            cm: HashMap::default(),
            cm_verdicts: HashMap::default(),
            flags: HashMap::default(),
            excludes: HashMap::default(),
            category_excludes: HashMap::default(),
            services: HashMap::default(),
            service_verdicts: HashMap::default(),
            procedures: HashMap::default(),
            procedure_verdicts: HashMap::default(),
            modifiers: HashMap::default(),
            modifier_verdicts: HashMap::default(),
            places: HashMap::default(),
        }
    }

    // ----- ICD-10-CM -----

    fn cm_entry(&mut self, text: &'t str) -> &CmEntry<'s> {
        let sets = self.sets;
        make_room(&mut self.cm, &text);
        self.cm.entry(text).or_insert_with(|| {
            let norm = normalize_code(text);
            let canonical = dotted_icd10cm(&norm);
            let state = if !is_icd10cm_shape(text) {
                CmState::Malformed
            } else {
                match sets.icd10cm(&norm) {
                    Some(found) => CmState::Known {
                        kind: found.kind,
                        windows: sets.icd10cm_windows(&found),
                        user: found.from_user_file,
                        title: found.title,
                    },
                    None => CmState::Missing,
                }
            };
            CmEntry { norm: norm.into(), canonical, state, hint: Default::default() }
        })
    }

    /// The undotted, upper-case form of a dx text.
    pub fn cm_norm(&mut self, text: &'t str) -> Rc<str> {
        self.cm_entry(text).norm.clone()
    }

    /// The dotted form and title of a dx, for messages.
    pub fn cm_display(&mut self, text: &'t str) -> String {
        let entry = self.cm_entry(text);
        match &entry.state {
            CmState::Known { title, .. } => with_title(&entry.canonical, title),
            _ => entry.canonical.clone(),
        }
    }

    /// The verdict on an ICD-10-CM code written `text` for a date of service.
    pub fn cm_verdict(&mut self, text: &'t str, date: Date) -> Verdict {
        if let Some(verdict) = self.cm_verdicts.get(&(text, date)) {
            return verdict.clone();
        }
        self.cm_entry(text);
        let entry = &self.cm[text];
        let verdict = cm_judge(self.sets, text, entry, date);
        make_room(&mut self.cm_verdicts, &(text, date));
        self.cm_verdicts.insert((text, date), verdict.clone());
        verdict
    }

    /// The MCE flags of a dx on a date, as bits of [`flag`]: those of the first window of its
    /// validity data that holds the date, else of its last (as [`CodeSets::icd10cm_flags`]).
    /// The data is read once per code text: a file's dates are many, each code's windows few.
    pub fn cm_flags(&mut self, text: &'t str, date: Date) -> u16 {
        if !self.flags.contains_key(text) {
            let sets = self.sets;
            let norm = &self.cm_entry(text).norm;
            let history = sets.icd10cm_flag_history(norm);
            let bits = history.into_iter().map(|(window, names)| (window, flag::bits(&names)));
            let bits = bits.collect();
            make_room(&mut self.flags, &text);
            self.flags.insert(text, bits);
        }
        let history = &self.flags[text];
        let chosen = history.iter().find(|(window, _)| window.contains(date)).or(history.last());
        chosen.map_or(0, |&(_, bits)| bits)
    }

    /// The Excludes1 note of `text`'s code that names `other` (undotted), if any: the most
    /// specific one (the code's own before its category's, a section's, the chapter's), with
    /// whose note it is in words ("category E11", "section
    /// E08-E13 (Diabetes mellitus)"), for a message that names it.
    pub fn excludes1_note(&mut self, text: &'t str, other: &str) -> Option<(&'static str, String)> {
        let sets = self.sets;
        let (shared, own) = self.excludes(text);
        let (_, note, owner) =
            own.iter().chain(shared.iter()).find(|(range, ..)| range.contains(other))?;
        Some((note, sets.icd10cm_note_owner(owner)))
    }

    /// Every code range `text`'s Excludes1 notes name (those [`Codes::excludes1_note`] reads).
    pub fn excludes1_ranges(&mut self, text: &'t str) -> impl Iterator<Item = &CodeRange> {
        let (shared, own) = self.excludes(text);
        own.iter().chain(shared.iter()).map(|(range, ..)| range)
    }

    /// The Excludes1 ranges of `text`'s code: its category's (shared) and its own notes'.
    fn excludes(&mut self, text: &'t str) -> &(Rc<ExcludesRanges>, ExcludesRanges) {
        if !self.excludes.contains_key(text) {
            let norm = self.cm_entry(text).norm.clone();
            // The notes of the chapter, the sections and the category are shared by every code
            // of the category: read once per category. Those below it, once per code.
            let category = &norm[..norm.len().min(3)];
            let sets = self.sets;
            let shared = match self.category_excludes.get(category) {
                Some(shared) => shared.clone(),
                None => {
                    let notes =
                        sets.icd10cm_notes_of_kind_specific_first(category, NoteKind::Excludes1);
                    let shared = Rc::new(excludes_ranges(notes));
                    self.category_excludes.insert(category.to_string(), shared.clone());
                    shared
                }
            };
            let own =
                excludes_ranges((category.len() + 1..=norm.len()).rev().flat_map(|len| {
                    sets.icd10cm_own_notes_of_kind(&norm[..len], NoteKind::Excludes1)
                }));
            make_room(&mut self.excludes, &text);
            self.excludes.insert(text, (shared, own));
        }
        &self.excludes[text]
    }

    // ----- services (CPT and HCPCS) -----

    /// The verdict on a service code (a line's or a test's) for a date of service.
    pub fn service_verdict(&mut self, text: &'t str, date: Date) -> Verdict {
        let sets = self.sets;
        let look_up = |norm: &str| match service_shape(norm) {
            Some(ServiceShape::Hcpcs) => sets.hcpcs(norm).map(|c| c.windows),
            Some(_) => sets.cpt(norm).map(|c| c.windows),
            None => None,
        };
        let judge = |entry: &PlainEntry| service_judge(sets, text, entry, date);
        plain_verdict(
            &mut self.service_verdicts,
            &mut self.services,
            text,
            date,
            normalize_code,
            look_up,
            judge,
        )
    }

    // ----- ICD-10-PCS -----

    pub fn procedure_verdict(&mut self, text: &'t str, date: Date) -> Verdict {
        let sets = self.sets;
        let look_up = |norm: &str| {
            if is_icd10pcs_shape(norm) { sets.icd10pcs(norm).map(|c| c.windows) } else { None }
        };
        let judge = |entry: &PlainEntry| procedure_judge(sets, text, entry, date);
        plain_verdict(
            &mut self.procedure_verdicts,
            &mut self.procedures,
            text,
            date,
            normalize_code,
            look_up,
            judge,
        )
    }

    // ----- modifiers and places of service -----

    pub fn modifier_verdict(&mut self, text: &'t str, date: Date) -> Verdict {
        let sets = self.sets;
        let look_up = |norm: &str| sets.modifier(norm).map(|m| m.windows);
        let judge = |entry: &PlainEntry| modifier_judge(sets, text, entry, date);
        plain_verdict(
            &mut self.modifier_verdicts,
            &mut self.modifiers,
            text,
            date,
            str::to_ascii_uppercase,
            look_up,
            judge,
        )
    }

    pub fn place_problem(&mut self, text: &'t str) -> Shared {
        let sets = self.sets;
        self.places
            .entry(text)
            .or_insert_with(|| {
                let known = text.len() == 2 && sets.place_of_service(text).is_some();
                (!known).then(|| {
                    let detail = if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) {
                        "it is not on the CMS place-of-service list"
                    } else {
                        "a place of service is a two-digit code"
                    };
                    Rc::new(problem(
                        "pos",
                        Severity::Error,
                        format!(
                            "`{text}` is not a place-of-service code: {detail} (e.g. 11 office, \
                             02 telehealth, 21 inpatient hospital, 22 outpatient hospital)"
                        ),
                    ))
                })
            })
            .clone()
    }
}

/// The verdict on a service, procedure or modifier `text` for `date`: judged once per
/// (text, date), with what the code sets say of the text looked up once per text.
fn plain_verdict<'t>(
    verdicts: &mut HashMap<(&'t str, Date), Verdict>,
    entries: &mut HashMap<&'t str, PlainEntry>,
    text: &'t str,
    date: Date,
    normalize: impl FnOnce(&str) -> String,
    look_up: impl FnOnce(&str) -> Option<Vec<Window>>,
    judge: impl FnOnce(&PlainEntry) -> Verdict,
) -> Verdict {
    if let Some(verdict) = verdicts.get(&(text, date)) {
        return verdict.clone();
    }
    let entry = entries.entry(text).or_insert_with(|| {
        let norm = normalize(text);
        let windows = look_up(&norm);
        PlainEntry { norm, windows, hint: Default::default() }
    });
    let verdict = judge(entry);
    verdicts.insert((text, date), verdict.clone());
    verdict
}

fn modifier_judge(sets: &CodeSets, text: &str, entry: &PlainEntry, date: Date) -> Verdict {
    match &entry.windows {
        None => {
            // Two letters or digits is how a modifier is written: then it is our list that
            // lacks it, which may be the list's gap rather than the claim's mistake.
            let written_like_one =
                text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphanumeric());
            let message = if written_like_one {
                let edition = sets.edition("modifiers").unwrap_or("the bundled edition");
                format!(
                    "`{text}` is not on the bundled modifier list ({edition}): check the \
                     modifier against the payer's list"
                )
            } else {
                format!(
                    "`{text}` is not a modifier: modifiers are two-character codes such as \
                     25, 59, LT or RT; check the modifier against the payer's list"
                )
            };
            Verdict {
                problem: Some(Rc::new(problem("modifier", Severity::Error, message))),
                hint: None,
            }
        }
        Some(windows) if !valid_quarterly(windows, date) => Verdict {
            problem: Some(Rc::new(problem(
                "modifier",
                Severity::Error,
                format!(
                    "modifier {} is not valid on {date}, the date of service: it is valid {}",
                    entry.norm,
                    describe_windows(windows)
                ),
            ))),
            hint: None,
        },
        Some(_) => {
            let hint = entry.hint.get_or_init(|| format_hint(text, &entry.norm, "modifier"));
            Verdict { problem: None, hint: hint.clone() }
        }
    }
}

/// Validity of a HCPCS code or modifier, whose bundled history starts in 2019 Q3: a date
/// before that cannot be judged and passes.
fn valid_quarterly(windows: &[Window], date: Date) -> bool {
    windows.is_empty()
        || windows.iter().any(|w| w.contains(date))
        || (date < quarterly_history_start()
            && windows.first().is_some_and(|w| w.start <= quarterly_history_start()))
}

fn cm_judge(sets: &CodeSets, text: &str, entry: &CmEntry<'_>, date: Date) -> Verdict {
    let norm = &*entry.norm;
    let error = |rule, message| problem(rule, Severity::Error, message);
    let found = match &entry.state {
        CmState::Malformed => {
            if is_icd9_shape(text) {
                return icd9_verdict(sets, text, date);
            }
            let message = if service_shape(&normalize_code(text)).is_some() {
                format!(
                    "`{text}` looks like a CPT or HCPCS service code, not a diagnosis: a `dx` \
                     takes an ICD-10-CM code such as `E11.9`; put services on a `line` or `test`"
                )
            } else if is_icd10pcs_shape(text) {
                format!(
                    "`{text}` looks like an ICD-10-PCS procedure code, not a diagnosis: a `dx` \
                     takes an ICD-10-CM code such as `E11.9`; put procedures on a `px` line"
                )
            } else {
                format!(
                    "`{text}` is not written like an ICD-10-CM code: a letter, a digit, a letter \
                     or digit, then up to four letters or digits after an optional dot \
                     (e.g. `E11.9`, `S72.001A`)"
                )
            };
            return Verdict {
                problem: Some(Rc::new(error("malformed-code", message))),
                hint: None,
            };
        }
        CmState::Missing => None,
        CmState::Known { kind, windows, title, .. } => Some((*kind, windows, title)),
    };
    let canonical = entry.canonical.as_str();
    if entry.billable_on(date) {
        let hint = entry.hint.get_or_init(|| format_hint(text, canonical, "ICD-10-CM code"));
        return Verdict { problem: None, hint: hint.clone() };
    }
    let problem = if found.is_some() && date < icd10_start() {
        error(
            "not-effective",
            format!(
                "{canonical} cannot be used on {date}: ICD-10-CM applies to dates of service \
                 from 2015-10-01; earlier services were coded in ICD-9-CM"
            ),
        )
    } else if let Some(problem) = seventh_problem(sets, canonical, norm, date) {
        problem
    } else {
        match found {
            Some((CmKind::Header, windows, title)) => {
                header_problem(sets, canonical, norm, title, windows, date)
            }
            Some((_, windows, title)) => {
                not_effective_problem(sets, canonical, norm, title, windows, date)
            }
            None => unknown_cm_problem(sets, text, date),
        }
    };
    Verdict { problem: Some(Rc::new(problem)), hint: None }
}

/// An ICD-9-CM code on a `dx`: named as such, with the ICD-10-CM codes the CMS General
/// Equivalence Mappings give for it that are billable on the date (one quick fix each).
fn icd9_verdict(sets: &CodeSets, text: &str, date: Date) -> Verdict {
    let mut fixes: Vec<(String, String)> = Vec::new();
    for mapping in sets.icd9_to_icd10cm(text) {
        let Some(code) = sets.icd10cm(mapping.icd10cm) else { continue };
        if sets.icd10cm_billable_on(&code, date) && !fixes.iter().any(|(_, c)| *c == code.dotted())
        {
            fixes.push((with_title(&code.dotted(), code.title), code.dotted()));
        }
    }
    fixes.truncate(MAX_FIXES);
    let candidates = match fixes.as_slice() {
        [] => "look up the ICD-10-CM code for the condition (`claimls lookup` with words of the \
               diagnosis)"
            .to_string(),
        [(only, _)] => format!("the CMS General Equivalence Mappings give {only}"),
        more => {
            let codes: Vec<String> = more.iter().map(|(_, code)| code.clone()).collect();
            format!("the CMS General Equivalence Mappings give {}", or_list(&codes))
        }
    };
    let message = format!(
        "`{text}` looks like an ICD-9-CM code; ICD-10-CM replaced ICD-9 on 2015-10-01: \
         {candidates}; choose the one the record supports"
    );
    Verdict {
        problem: Some(Rc::new(Problem {
            rule: "malformed-code",
            severity: Severity::Error,
            message,
            fixes,
        })),
        hint: None,
    }
}

fn seventh_problem(sets: &CodeSets, canonical: &str, norm: &str, date: Date) -> Option<Problem> {
    if !sets.icd10cm_needs_seventh(norm) {
        return None;
    }
    let full: Vec<(String, String)> = sets
        .icd10cm_with_seventh(norm)
        .into_iter()
        .filter(|(code, _)| sets.icd10cm(code).is_some_and(|c| sets.icd10cm_billable_on(&c, date)))
        .map(|(code, seventh)| {
            let dotted = dotted_icd10cm(&code);
            (format!("{dotted} — {}", seventh.meaning), dotted)
        })
        .collect();
    let first = full.first()?;
    let example = first.0.replacen(" — ", " ", 1);
    let padded =
        if norm.len() < 6 { " (with `X` placeholders up to the sixth character)" } else { "" };
    let subject = sets.icd10cm_seventh_subject(norm).unwrap_or("the encounter");
    let message = format!(
        "{canonical} needs a 7th character{padded} that tells {subject}, e.g. {example}: \
         choose the one the record supports ({} choices)",
        full.len()
    );
    Some(Problem { rule: "seventh-character", severity: Severity::Error, message, fixes: full })
}

/// The billable code to name as an example: the shortest, preferring an "other/unspecified"
/// code ending in 9.
fn example_code<'c>(
    codes: &'c [claimls_codes::CmCode<'c>],
) -> Option<&'c claimls_codes::CmCode<'c>> {
    let shortest = codes.iter().map(|c| c.code.len()).min()?;
    let mut candidates = codes.iter().filter(|c| c.code.len() == shortest);
    let first = candidates.clone().next();
    candidates.find(|c| c.code.ends_with('9')).or(first)
}

const MAX_FIXES: usize = 12;

fn header_problem(
    sets: &CodeSets,
    canonical: &str,
    norm: &str,
    title: &str,
    windows: &[Window],
    date: Date,
) -> Problem {
    let below = sets.icd10cm_billable_below(norm, Some(date));
    let Some(example) = example_code(&below) else {
        return not_effective_problem(sets, canonical, norm, title, windows, date);
    };
    let count = below.len();
    let plural = if count == 1 { "" } else { "s" };
    let history = if windows.is_empty() {
        String::new()
    } else {
        format!(
            " (it was billable {} but not on {date}, the date of service)",
            describe_windows(windows)
        )
    };
    let message = format!(
        "{canonical} is a category, not a billable code{history}: choose one of its {count} \
         billable code{plural}, such as {}",
        with_title(&example.dotted(), example.title)
    );
    let fixes = if count <= MAX_FIXES {
        below.iter().map(|c| (with_title(&c.dotted(), c.title), c.dotted())).collect()
    } else {
        Vec::new()
    };
    Problem { rule: "header-code", severity: Severity::Error, message, fixes }
}

fn not_effective_problem(
    sets: &CodeSets,
    canonical: &str,
    norm: &str,
    title: &str,
    windows: &[Window],
    date: Date,
) -> Problem {
    // A code split or deleted before the date of service has successors billable on the date
    // (the codes below it, or for a 7th-character code those below its stem with the same 7th
    // character); a code added after it usually replaces its parent, which was billable then.
    let mut replacements: Vec<(String, String)> = sets
        .icd10cm_successors(norm, date)
        .iter()
        .take(MAX_FIXES)
        .map(|c| (with_title(&c.dotted(), c.title), c.dotted()))
        .collect();
    // Else the nearest ancestor billable on the date, or the ancestor's billable codes then.
    for len in (3..norm.len()).rev() {
        if !replacements.is_empty() {
            break;
        }
        let parent = &norm[..len];
        if let Some(found) = sets.icd10cm(parent)
            && sets.icd10cm_billable_on(&found, date)
        {
            replacements.push((with_title(&found.dotted(), found.title), found.dotted()));
            break;
        }
        let siblings = sets.icd10cm_billable_below(parent, Some(date));
        if siblings.len() <= MAX_FIXES {
            replacements
                .extend(siblings.iter().map(|c| (with_title(&c.dotted(), c.title), c.dotted())));
        } else {
            break;
        }
    }
    let when = if windows.is_empty() {
        "it is not billable on any date in the bundled data".to_string()
    } else if windows.iter().all(|w| w.start > date) {
        format!("it was added later and is valid {}", describe_windows(windows))
    } else {
        format!("it is valid {}", describe_windows(windows))
    };
    let instead = match replacements.as_slice() {
        [] => String::new(),
        [(_, only)] => format!("; on that date use {only}"),
        items => {
            // Name the broadest code, preferring the "unspecified/other" one ending in 9.
            let shortest = items.iter().map(|(_, code)| code.len()).min().unwrap_or(0);
            let example = items
                .iter()
                .filter(|(_, code)| code.len() == shortest)
                .find(|(_, code)| code.ends_with('9'))
                .or(items.iter().find(|(_, code)| code.len() == shortest))
                .map_or("", |(label, _)| label.as_str());
            format!(
                "; on that date choose one of the {} codes then in force, such as {example}",
                items.len()
            )
        }
    };
    let message = format!(
        "{} is not valid on {date}, the date of service: {when}{instead}",
        with_title(canonical, title)
    );
    Problem { rule: "not-effective", severity: Severity::Error, message, fixes: replacements }
}

fn unknown_cm_problem(sets: &CodeSets, text: &str, date: Date) -> Problem {
    let near = sets.icd10cm_near_misses(text, Some(date), 5);
    near_miss_problem(text, "an ICD-10-CM code", near, |code| {
        sets.icd10cm(code).map(|c| c.title.to_string()).unwrap_or_default()
    })
}

fn near_miss_problem(
    text: &str,
    what: &str,
    near: Vec<String>,
    title_of: impl Fn(&str) -> String,
) -> Problem {
    let fixes: Vec<(String, String)> =
        near.iter().map(|code| (with_title(code, &title_of(code)), code.clone())).collect();
    let message = if near.is_empty() {
        format!(
            "`{text}` is not {what}: check it against the record, or find the code by words of \
             its title with `claimls lookup`"
        )
    } else {
        format!("`{text}` is not {what}; did you mean {}?", or_list(&near))
    };
    Problem { rule: "unknown-code", severity: Severity::Error, message, fixes }
}

fn service_judge(sets: &CodeSets, text: &str, entry: &PlainEntry, date: Date) -> Verdict {
    let norm = entry.norm.as_str();
    let Some(shape) = service_shape(norm) else {
        let message = if is_icd10cm_shape(text) && sets.icd10cm(text).is_some() {
            format!(
                "`{text}` looks like an ICD-10-CM diagnosis code, not a service: write the \
                 diagnosis as a `dx` and point to it with `ptr`; a line or test takes a CPT or \
                 HCPCS code"
            )
        } else {
            format!(
                "`{text}` is not written like a service code: a CPT code is five digits \
                 (`99213`) or four digits and F, T or U (`3044F`), a HCPCS code a letter and \
                 four digits (`J1815`)"
            )
        };
        return Verdict {
            problem: Some(Rc::new(problem("malformed-code", Severity::Error, message))),
            hint: None,
        };
    };
    let hint = || entry.hint.get_or_init(|| format_hint(text, norm, shape.name())).clone();
    match (&entry.windows, shape) {
        (Some(windows), _) if valid_quarterly(windows, date) => {
            Verdict { problem: None, hint: hint() }
        }
        (Some(windows), _) => {
            let title = match shape {
                ServiceShape::Hcpcs => sets.hcpcs(norm).map(|c| c.title.to_string()),
                _ => None,
            }
            .unwrap_or_default();
            let when = if windows.iter().all(|w| w.start > date) {
                format!("it was added later and is valid {}", describe_windows(windows))
            } else {
                format!("it is valid {}", describe_windows(windows))
            };
            let message = format!(
                "{} {} is not valid on {date}, the date of service: {when}",
                shape.name(),
                with_title(norm, &title)
            );
            Verdict {
                problem: Some(Rc::new(problem("not-effective", Severity::Error, message))),
                hint: None,
            }
        }
        (None, ServiceShape::Hcpcs) => {
            let near = sets.plain_near_misses(CodeSystem::Hcpcs, norm, 5);
            let near: Vec<String> = near
                .into_iter()
                .filter(|code| sets.hcpcs(code).is_some_and(|c| valid_quarterly(&c.windows, date)))
                .collect();
            let found = near_miss_problem(text, "a HCPCS Level II code", near, |code| {
                sets.hcpcs(code).map(|c| c.title.to_string()).unwrap_or_default()
            });
            Verdict { problem: Some(Rc::new(found)), hint: None }
        }
        (None, _) if sets.has_cpt_file() => {
            let near = sets.plain_near_misses(CodeSystem::Cpt, norm, 5);
            let found =
                near_miss_problem(text, "a CPT code in the loaded CPT file", near, |code| {
                    sets.cpt(code).map(|c| c.title.to_string()).unwrap_or_default()
                });
            Verdict { problem: Some(Rc::new(found)), hint: None }
        }
        (None, _) => {
            let hint = entry.hint.get_or_init(|| {
                Some(Rc::new(problem(
                    "cpt-unverified",
                    Severity::Hint,
                    format!(
                        "{} {norm} is written correctly, but CPT is licensed by the AMA and not \
                         bundled, so claimls cannot confirm it exists; add a CPT file to \
                         `code-files` in claimls.toml to verify CPT codes",
                        shape.name()
                    ),
                )))
            });
            Verdict { problem: None, hint: hint.clone() }
        }
    }
}

fn procedure_judge(sets: &CodeSets, text: &str, entry: &PlainEntry, date: Date) -> Verdict {
    let norm = entry.norm.as_str();
    let error = |rule, message| Verdict {
        problem: Some(Rc::new(problem(rule, Severity::Error, message))),
        hint: None,
    };
    if !is_icd10pcs_shape(norm) {
        let message = if is_icd10cm_shape(text) && sets.icd10cm(text).is_some() {
            format!(
                "`{text}` looks like an ICD-10-CM diagnosis code, not a procedure: write it as a \
                 `dx`; a `px` takes a seven-character ICD-10-PCS code such as `0DTJ4ZZ`"
            )
        } else if service_shape(norm).is_some() {
            format!(
                "`{text}` looks like a CPT or HCPCS service code, not an ICD-10-PCS procedure: \
                 bill it on a `line`; a `px` takes a seven-character code such as `0DTJ4ZZ`"
            )
        } else {
            format!(
                "`{text}` is not written like an ICD-10-PCS code: exactly seven characters, \
                 digits and letters other than I and O (e.g. `0DTJ4ZZ`)"
            )
        };
        return error("malformed-code", message);
    }
    match &entry.windows {
        Some(windows) if date < icd10_start() && !windows.is_empty() => error(
            "not-effective",
            format!(
                "{norm} cannot be used on {date}: ICD-10-PCS applies to inpatient procedures \
                 from 2015-10-01; earlier ones were coded in ICD-9-CM volume 3"
            ),
        ),
        Some(windows) if windows.is_empty() || windows.iter().any(|w| w.contains(date)) => {
            let hint = entry.hint.get_or_init(|| format_hint(text, norm, "ICD-10-PCS code"));
            Verdict { problem: None, hint: hint.clone() }
        }
        Some(windows) => {
            let title = sets.icd10pcs(norm).map(|c| c.title.to_string()).unwrap_or_default();
            let when = if windows.iter().all(|w| w.start > date) {
                format!("it was added later and is valid {}", describe_windows(windows))
            } else {
                format!("it is valid {}", describe_windows(windows))
            };
            error(
                "not-effective",
                format!(
                    "ICD-10-PCS {} is not valid on {date}, the date of the procedure: {when}",
                    with_title(norm, &title)
                ),
            )
        }
        None => {
            let near = sets.plain_near_misses(CodeSystem::Icd10Pcs, norm, 5);
            let found = near_miss_problem(text, "an ICD-10-PCS code", near, |code| {
                sets.icd10pcs(code).map(|c| c.title.to_string()).unwrap_or_default()
            });
            Verdict { problem: Some(Rc::new(found)), hint: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        Date::from_ymd(2026, 3, 2).expect("a date")
    }

    /// Issue 13's missed pairs reach the rule, with the most specific note and its owner.
    #[test]
    fn excludes1_reads_qualified_references_and_nested_sections() {
        let sets = CodeSets::bundled();
        let mut codes = Codes::new(&sets);
        let (note, owner) = codes.excludes1_note("G63", "E1142").expect("G63 excludes E11.42");
        assert!(note.contains("E08-E13 with .42"), "{note}");
        assert_eq!(owner, "category G63");
        let (_, owner) = codes.excludes1_note("M51.26", "M4646").expect("M50-M54's note");
        assert!(owner.starts_with("section M50-M54"), "{owner}");
        assert!(codes.excludes1_note("I73.9", "I70213").is_some());
        assert!(codes.excludes1_note("G63", "E119").is_none());
    }

    #[test]
    fn messages_of_the_code_set_items() {
        let sets = CodeSets::bundled();
        let mut codes = Codes::new(&sets);
        let message =
            |verdict: Verdict| verdict.problem.map(|p| (p.message.clone(), p.fixes.len()));
        // A deleted code names the codes that replaced it.
        let (text, fixes) = message(codes.cm_verdict("T81.4XXA", day())).expect("not effective");
        assert!(
            text.contains("T81.4XXA (Infection following a procedure, initial encounter)"),
            "{text}"
        );
        assert_eq!(fixes, 6, "{text}");
        // The 7th character of an eye code tells the eye, not the encounter.
        let (text, _) = message(codes.cm_verdict("H40.111", day())).expect("needs a 7th");
        assert!(text.contains("that tells the stage"), "{text}");
        // ICD-9 gets the GEM's codes.
        let (text, fixes) = message(codes.cm_verdict("401.9", day())).expect("ICD-9");
        assert!(text.contains("give I10"), "{text}");
        assert_eq!(fixes, 1);
        // 1P is a modifier; an unknown two-character one is "not on the list", not "not two".
        assert!(codes.modifier_verdict("1P", day()).problem.is_none());
        let (text, _) = message(codes.modifier_verdict("ZZ", day())).expect("unknown");
        assert!(text.contains("not on the bundled modifier list"), "{text}");
    }
}
