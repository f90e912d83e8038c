//! Searching the code sets: by code prefix, by words of the title, and near misses for a code
//! that does not exist.
//!
//! Word search uses an inverted index over every bundled title and every inclusion term of
//! the ICD-10-CM tabular ("Congestive heart failure NOS" under I50.9): for each word, the
//! entries whose text has it, with where it stands and whether a "without" or "other than"
//! negates it there. A query is ranked by relevance from those postings alone, without reading
//! a text ([`WordIndex::rank`]), in this order:
//! 1. matches that are not negated ("…without heart failure" comes last for `heart failure`);
//! 2. billable codes (a category is not what a claim can carry);
//! 3. the query as a phrase (neighbouring query words side by side);
//! 4. more query words matched as whole words, fewer as the start of one;
//! 5. fewer words beyond the query (words in brackets, the tabular's nonessential modifiers,
//!    and words that only say "unspecified" are not counted);
//! 6. the category's catch-all code ("unspecified", "NOS", a billable 3-character category);
//! 7. texts that start with the query;
//! 8. the entry's number: billable first, then shorter codes, then code order.
//!
//! Shorthand (`chf`, `copd`) is written out first ([`crate::synonyms`]) and its matches come
//! before those of the words as typed.

use crate::table::Table;
use crate::{Bundled, CmKind, CodeSets, CodeSystem, dotted_icd10cm, normalize_code};

/// One code found by a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub system: CodeSystem,
    /// As coders write it (`E11.65`).
    pub code: String,
    pub title: String,
    /// Billable (ICD-10-CM leaf) or, for other systems, a code one can bill with.
    pub billable: bool,
}

/// The best hits of a search, and how many codes matched in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: usize,
}

impl SearchResults {
    /// Whether every match is in `hits`.
    pub fn is_complete(&self) -> bool {
        self.hits.len() >= self.total
    }
}

#[derive(Debug)]
struct Entry {
    system: CodeSystem,
    code: &'static str,
    /// The code's title, shown in the hit.
    title: &'static str,
    /// The text searched: the title, or one of the code's inclusion terms in the tabular
    /// ("Congestive heart failure NOS" under I50.9, "Influenza NOS" under J11.1).
    text: &'static str,
    billable: bool,
    /// The number of the code's title entry: a code found by its title and by a term is one hit.
    canonical: u32,
    /// How many words the text has outside parentheses and brackets, not counting the words
    /// that only say "no more detail" ([`is_filler`]); capped at 63.
    core_words: u8,
    /// The category's catch-all code, the one to offer when a query names only the condition:
    /// the text says "unspecified", "NOS" or "without complications", or the code is a billable
    /// ICD-10-CM category of three characters (I10, R42).
    unspecified: bool,
}

/// Whether a word of a title adds no detail to the condition: a word that says there is none
/// ("Unspecified asthma, uncomplicated") or a little word between the others ("fracture of
/// femur"). A `matches!` compares by length first: this runs for every word of the index.
fn is_filler(word: &str) -> bool {
    matches!(
        word,
        "unspecified"
            | "uncomplicated"
            | "nos"
            | "of"
            | "the"
            | "a"
            | "an"
            | "and"
            | "or"
            | "in"
            | "on"
            | "to"
            | "for"
            | "by"
            | "with"
            | "due"
    )
}

impl Entry {
    fn hit(&self) -> SearchHit {
        SearchHit {
            system: self.system,
            code: display_code(self.system, self.code),
            title: self.title.to_string(),
            billable: self.billable,
        }
    }
}

/// A posting: the entry's number, then a bit for "negated here", then the word's position in
/// the title (capped at 63), packed into one number to keep the index small.
type Posting = u32;
const NEGATED: u32 = 1 << 7;
const POSITION: u32 = 0x3f;

fn posting(id: usize, position: usize, negated: bool) -> Posting {
    ((id as u32) << 8) | if negated { NEGATED } else { 0 } | (position.min(63) as u32)
}

#[derive(Debug)]
pub(crate) struct WordIndex {
    /// Billable first, then shorter codes, then code order: the last tie-break of a ranking.
    entries: Vec<Entry>,
    /// Sorted by word; each word's postings in increasing entry order.
    words: Vec<(Box<str>, Vec<Posting>)>,
}

/// One word of a title, lower case, with what the ranking needs to know of it.
#[derive(Debug, PartialEq, Eq)]
struct TitleWord {
    text: String,
    /// Inside `( )` or `[ ]`: a nonessential modifier or an alternative name.
    in_brackets: bool,
    /// After "without", "except", "excluding" or "other than", up to the next comma,
    /// semicolon or "with": "Hypertensive heart disease without heart failure".
    negated: bool,
    /// The byte offset in the title where the word ends.
    end: usize,
}

/// The words of a title, in order.
fn title_words(title: &str) -> Vec<TitleWord> {
    let mut words: Vec<TitleWord> = Vec::new();
    let (mut depth, mut negated) = (0u32, false);
    let mut current = String::new();
    let mut finish = |current: &mut String, depth: u32, negated: &mut bool, end: usize| {
        if current.is_empty() {
            return;
        }
        let mut text = std::mem::take(current);
        if text.is_ascii() {
            text.make_ascii_lowercase();
        } else {
            text = text.to_lowercase();
        }
        let opens_negation = matches!(text.as_str(), "without" | "except" | "excluding")
            || (text == "than" && words.last().is_some_and(|w| w.text == "other"));
        if text == "with" {
            *negated = false;
        }
        words.push(TitleWord { text, in_brackets: depth > 0, negated: *negated, end });
        if opens_negation {
            *negated = true;
        }
    };
    for (at, c) in title.char_indices() {
        if c.is_alphanumeric() {
            current.push(c);
            continue;
        }
        finish(&mut current, depth, &mut negated, at);
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ',' | ';' => negated = false,
            _ => {}
        }
    }
    finish(&mut current, depth, &mut negated, title.len());
    words
}

/// The bundled table of `system`'s codes, and the column of its titles.
fn bundled_table(b: &Bundled, system: CodeSystem) -> Option<(&Table, usize)> {
    Some(match system {
        CodeSystem::Icd10Cm => (&b.cm_codes, 2),
        CodeSystem::Icd10Pcs => (&b.pcs_codes, 1),
        CodeSystem::Hcpcs => (&b.hcpcs_codes, 1),
        CodeSystem::PlaceOfService => (&b.places, 1),
        CodeSystem::Modifier => (&b.modifiers, usize::MAX),
        CodeSystem::Cpt => return None,
    })
}

/// A code a prefix search found, before it is ranked.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    system: CodeSystem,
    /// Undotted.
    code: &'a str,
    billable: bool,
    /// Its row in the bundled table; `None` for a code of a user file.
    row: Option<usize>,
}

impl Candidate<'_> {
    /// Whether it is shown with a dot after the category (an ICD-10-CM code of 4+ characters).
    fn dotted(&self) -> bool {
        self.system == CodeSystem::Icd10Cm && self.code.len() > 3 && self.code.is_ascii()
    }

    fn display_len(&self) -> usize {
        self.code.len() + usize::from(self.dotted())
    }

    /// The bytes of the code as displayed ([`display_code`]), without building it.
    fn display_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let split = if self.dotted() { 3 } else { self.code.len() };
        let (head, tail) = self.code.as_bytes().split_at(split);
        let dot: &[u8] = if self.dotted() { b"." } else { b"" };
        head.iter().chain(dot).chain(tail).copied()
    }
}

fn display_code(system: CodeSystem, code: &str) -> String {
    if system == CodeSystem::Icd10Cm { dotted_icd10cm(code) } else { code.to_string() }
}

/// Lower-case words of letters and digits.
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| word.to_lowercase())
}

/// For the title entry of a 7-character ICD-10-CM code whose title is its stem's title, a
/// comma and the 7th character's meaning: the stem's title.
fn seventh_stem_title(cm: &Table, entry: &Entry) -> Option<&'static str> {
    if entry.system != CodeSystem::Icd10Cm || entry.code.len() != 7 || !entry.code.is_ascii() {
        return None;
    }
    if !std::ptr::eq(entry.text, entry.title) {
        return None;
    }
    let stem = entry.code[..6].trim_end_matches('X');
    let stem_title = cm.field(cm.find(stem)?, 2);
    let rest = entry.title.strip_prefix(stem_title)?;
    (!stem_title.is_empty() && rest.starts_with(", ")).then_some(stem_title)
}

/// What the query matched in one entry's text, packed into one number per entry while the
/// postings are read (a zeroed array of numbers costs nothing until touched): bit `i` of
/// [`ANY`]'s field for query word `i` matching a word (by prefix), of [`CLEAN`]'s for matching
/// outside a negation, of [`WHOLE`]'s for matching a whole word; then how many neighbouring
/// query words stand next to each other in the text, and whether the first one starts it.
type Matched = u64;
const ANY: u32 = 0;
const CLEAN: u32 = 16;
const WHOLE: u32 = 32;
const PAIRS: u32 = 48;
const STARTS: u64 = 1 << 56;

/// The most query words read (one bit each in a [`Matched`] field).
const RANKED_WORDS: usize = 16;

impl WordIndex {
    pub(crate) fn build(bundled: &'static Bundled) -> WordIndex {
        let mut entries = Vec::new();
        let mut add = |system,
                       table: &'static Table,
                       title_column: usize,
                       billable: &dyn Fn(usize) -> bool| {
            for row in 0..table.len() {
                let title = table.field(row, title_column);
                if !title.is_empty() {
                    entries.push(Entry {
                        system,
                        code: table.key(row),
                        title,
                        text: title,
                        billable: billable(row),
                        canonical: 0,
                        core_words: 0,
                        unspecified: false,
                    });
                }
            }
        };
        let cm = &bundled.cm_codes;
        add(CodeSystem::Icd10Cm, cm, 2, &|row| cm.field(row, 1) == "B");
        add(CodeSystem::Icd10Pcs, &bundled.pcs_codes, 1, &|_| true);
        add(CodeSystem::Hcpcs, &bundled.hcpcs_codes, 1, &|_| true);
        add(CodeSystem::Modifier, &bundled.modifier_descriptions, 1, &|_| true);
        add(CodeSystem::PlaceOfService, &bundled.places, 1, &|_| true);
        // The inclusion terms of ICD-10-CM codes: the names coders know a condition by.
        let notes = &bundled.notes;
        for row in 0..notes.len() {
            if notes.field(row, 1) != crate::NoteKind::InclusionTerm.data_name() {
                continue;
            }
            let Some(code_row) = cm.find(notes.key(row)) else { continue };
            entries.push(Entry {
                system: CodeSystem::Icd10Cm,
                code: cm.key(code_row),
                title: cm.field(code_row, 2),
                text: notes.field(row, 2),
                billable: cm.field(code_row, 1) == "B",
                canonical: 0,
                core_words: 0,
                unspecified: false,
            });
        }
        // Rank order; a code's title entry before its terms' entries.
        entries.sort_by(|a, b| {
            // A term's text is another string than its title (a pointer test, no comparing).
            let is_term = |e: &Entry| !std::ptr::eq(e.text, e.title);
            let key = |e: &Entry| (!e.billable, e.code.len(), e.system, e.code, is_term(e));
            key(a).cmp(&key(b))
        });

        // Two and a half million words go through this map: a fast hash for short keys.
        let mut postings: rustc_hash::FxHashMap<String, Vec<Posting>> =
            rustc_hash::FxHashMap::default();
        let mut canonical = 0;
        for id in 0..entries.len() {
            let same_code = id > 0
                && entries[id - 1].system == entries[id].system
                && entries[id - 1].code == entries[id].code;
            if !same_code {
                canonical = id as u32;
            }
            let entry = &mut entries[id];
            entry.canonical = canonical;
            let words = title_words(entry.text);
            // A 7th-character code's title is its stem's and the 7th character's meaning
            // ("…, initial encounter for closed fracture"): only the stem's words are weighed,
            // so that the meaning does not rank a sequela above an initial encounter.
            let weighed_end = seventh_stem_title(cm, entry).map_or(usize::MAX, str::len);
            let core = words
                .iter()
                .filter(|w| w.end <= weighed_end)
                .filter(|w| !w.in_brackets && !is_filler(&w.text))
                .count();
            entry.core_words = core.min(63) as u8;
            let billable_category =
                entry.system == CodeSystem::Icd10Cm && entry.billable && entry.code.len() == 3;
            entry.unspecified = billable_category
                || words.iter().any(|w| w.text == "unspecified" || w.text == "nos")
                || words.windows(2).any(|pair| {
                    pair[0].text == "without" && pair[1].text.starts_with("complication")
                });
            for (position, word) in words.into_iter().enumerate() {
                postings.entry(word.text).or_default().push(posting(id, position, word.negated));
            }
        }
        let mut words: Vec<(Box<str>, Vec<Posting>)> =
            postings.into_iter().map(|(word, ids)| (word.into_boxed_str(), ids)).collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        WordIndex { entries, words }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries of `systems` whose title has, for every query word, a word starting with
    /// it: the best `limit` of them (each code once, by the number of its title entry), best
    /// first, and every code that matches (a bit per title entry's number).
    fn rank(
        &self,
        query_words: &[String],
        systems: &[CodeSystem],
        limit: usize,
    ) -> (Vec<u32>, Vec<u64>) {
        // A query of more words than this is read as its first ones.
        let query_words = &query_words[..query_words.len().min(RANKED_WORDS)];
        let count = self.entries.len();
        SCRATCH.with_borrow_mut(|scratch| {
            // Reused between queries: zeroing or faulting in arrays of 200,000 numbers on every
            // keystroke would cost more than the search itself. The two for phrases are made
            // only once a query of two words or more comes.
            let mut arrays = vec![&mut scratch.matched];
            if query_words.len() > 1 {
                arrays.extend([&mut scratch.previous, &mut scratch.current]);
            }
            for array in arrays {
                if array.len() != count {
                    *array = vec![0; count];
                }
            }
            let Scratch { matched, previous, current } = scratch;
            let found = self.rank_with(query_words, systems, limit, matched, previous, current);
            // Leave the arrays zeroed for the next query: only the candidates were touched.
            for &id in &found.2 {
                let id = id as usize;
                matched[id] = 0;
                if let (Some(p), Some(c)) = (previous.get_mut(id), current.get_mut(id)) {
                    (*p, *c) = (0, 0);
                }
            }
            (found.0, found.1)
        })
    }

    /// [`Self::rank`] with its working arrays (zeroed, one number per entry); also returns
    /// every entry it touched.
    fn rank_with(
        &self,
        query_words: &[String],
        systems: &[CodeSystem],
        limit: usize,
        matched: &mut [Matched],
        previous: &mut [u64],
        current: &mut [u64],
    ) -> (Vec<u32>, Vec<u64>, Vec<u32>) {
        let ranked_words = query_words.len();
        let count = self.entries.len();
        // The positions (bits) where the previous and the current query word matched, for
        // phrases; only for queries of two words or more.
        let phrases = ranked_words > 1;
        let mut candidates: Vec<u32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for (i, query_word) in query_words.iter().enumerate() {
            let bit = 1u64 << i;
            let earlier = (bit - 1) << ANY;
            let start = self.words.partition_point(|(word, _)| word.as_ref() < query_word.as_str());
            // A one-character word is matched whole (`type 2`, `hepatitis a`, `vitamin d`): as
            // the start of a word it would match most of the index and rank nothing.
            let whole_only = query_word.chars().count() == 1;
            for (word, postings) in &self.words[start..] {
                if !word.starts_with(query_word.as_str())
                    || (whole_only && word.len() != query_word.len())
                {
                    break;
                }
                let whole = if word.len() == query_word.len() { bit << WHOLE } else { 0 };
                for &p in postings {
                    let id = (p >> 8) as usize;
                    let m = matched[id];
                    if m & earlier != earlier {
                        continue; // an earlier word did not match: not a candidate
                    }
                    if i == 0 && m == 0 {
                        candidates.push(id as u32);
                    }
                    let clean = if p & NEGATED == 0 { bit << CLEAN } else { 0 };
                    let position = p & POSITION;
                    let starts = if i == 0 && position == 0 { STARTS } else { 0 };
                    matched[id] = m | (bit << ANY) | clean | whole | starts;
                    if phrases {
                        current[id] |= 1 << position;
                    }
                }
            }
            if i == 0 {
                touched.clone_from(&candidates);
            }
            candidates.retain(|&id| matched[id as usize] & (bit << ANY) != 0);
            if phrases {
                for &id in &candidates {
                    let id = id as usize;
                    if i > 0 && (previous[id] << 1) & current[id] != 0 {
                        matched[id] += 1 << PAIRS;
                    }
                    previous[id] = current[id];
                    current[id] = 0;
                }
            }
        }
        let all = (1u64 << ranked_words) - 1;
        let mut keyed: Vec<u64> = Vec::with_capacity(candidates.len());
        // A code is one hit, however many of its texts match: counted once, at its best key.
        let mut counted = vec![0u64; count.div_ceil(64)];
        for &id in &candidates {
            let id = id as usize;
            let m = matched[id];
            let entry = &self.entries[id];
            if !systems.contains(&entry.system) {
                continue;
            }
            let canonical = entry.canonical as usize;
            counted[canonical / 64] |= 1 << (canonical % 64);
            let negated = (m >> CLEAN) & all != all;
            let pairs = (m >> PAIRS) & 0xff;
            let whole = ((m >> WHOLE) & all).count_ones();
            let extra = usize::from(entry.core_words).saturating_sub(ranked_words).min(63);
            let key = (u64::from(negated) << 62)
                | (u64::from(!entry.billable) << 61)
                | ((RANKED_WORDS as u64 - pairs) << 56)
                | (u64::from(16 - whole) << 51)
                | ((extra as u64) << 45)
                | (u64::from(!entry.unspecified) << 44)
                | (u64::from(m & STARTS == 0) << 43)
                | id as u64;
            keyed.push(key);
        }
        // The best keys, enough of them to fill `limit` hits after the texts of one code are
        // merged (a code has a title and at most a few dozen terms).
        let wanted = limit.saturating_mul(4).saturating_add(64);
        if keyed.len() > wanted {
            keyed.select_nth_unstable(wanted - 1);
            keyed.truncate(wanted);
        }
        keyed.sort_unstable();
        let mut ids: Vec<u32> = Vec::with_capacity(limit.min(keyed.len()));
        let mut shown = vec![0u64; count.div_ceil(64)];
        for key in keyed {
            if ids.len() == limit {
                break;
            }
            let canonical = self.entries[(key & 0xff_ffff) as usize].canonical as usize;
            if shown[canonical / 64] & (1 << (canonical % 64)) == 0 {
                shown[canonical / 64] |= 1 << (canonical % 64);
                ids.push(canonical as u32);
            }
        }
        (ids, counted, touched)
    }
}

/// The working arrays of [`WordIndex::rank`], one set per thread.
#[derive(Default)]
struct Scratch {
    matched: Vec<Matched>,
    previous: Vec<u64>,
    current: Vec<u64>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl CodeSets {
    fn word_index(&self) -> &WordIndex {
        self.data().words.get_or_init(|| WordIndex::build(self.data()))
    }

    /// Builds the word index now, so that the first search does not pay for it (the language
    /// server calls this on a background thread at start-up).
    pub fn warm_up(&self) {
        self.word_index();
    }

    /// Searches by code (exact, then prefix) when the query looks like a code, else by words of
    /// the title. Only the given systems are searched.
    pub fn search(&self, query: &str, systems: &[CodeSystem], limit: usize) -> SearchResults {
        let trimmed = query.trim();
        let looks_like_code = !trimmed.is_empty()
            && !trimmed.contains(char::is_whitespace)
            && trimmed.chars().any(|c| c.is_ascii_digit())
            && trimmed.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        // Shorthand with a digit (`dm2`) is words, not the start of a code.
        let shorthand = crate::synonyms::expand(&words_of(trimmed).collect::<Vec<_>>()).is_some();
        if !looks_like_code || shorthand {
            return self.word_search(trimmed, systems, limit);
        }
        let mut found = self.prefix_search(trimmed, systems, limit);
        if crate::is_icd9_shape(trimmed) && systems.contains(&CodeSystem::Icd10Cm) {
            // An ICD-9-CM code: first the ICD-10-CM codes the CMS GEMs give for it.
            let gem = self.icd9_gem_hits(trimmed);
            found.total += gem.len();
            found.hits.splice(0..0, gem);
            found.hits.truncate(limit);
        }
        found
    }

    /// The ICD-10-CM codes the CMS General Equivalence Mappings give for an ICD-9-CM code, as
    /// hits whose title says where they come from.
    fn icd9_gem_hits(&self, icd9: &str) -> Vec<SearchHit> {
        let mut hits: Vec<SearchHit> = Vec::new();
        for mapping in self.icd9_to_icd10cm(icd9) {
            let Some(code) = self.icd10cm(mapping.icd10cm) else { continue };
            if hits.iter().any(|hit| hit.code == code.dotted()) {
                continue;
            }
            hits.push(SearchHit {
                system: CodeSystem::Icd10Cm,
                code: code.dotted(),
                title: format!("{} (for ICD-9-CM {icd9}, CMS GEMs)", code.display_title()),
                billable: code.kind == CmKind::Billable,
            });
        }
        hits
    }

    /// The code itself in every system that has it, those whose way of writing it the query
    /// follows first: `g0439` is HCPCS G0439, then ICD-10-CM G04.39 (written without its dot);
    /// `G04.39` is ICD-10-CM alone. A two-digit query is a place of service, perhaps a modifier.
    pub fn exact_matches(&self, query: &str) -> Vec<SearchHit> {
        let query = query.trim();
        let mut hits = Vec::new();
        if query.is_empty() || query.contains(char::is_whitespace) {
            return hits;
        }
        if let Some(code) = self.icd10cm(query) {
            hits.push(SearchHit {
                system: CodeSystem::Icd10Cm,
                code: code.dotted(),
                title: code.display_title().to_string(),
                billable: code.kind == CmKind::Billable,
            });
        }
        let plain =
            [self.icd10pcs(query), self.hcpcs(query), self.cpt(query), self.modifier(query)];
        for code in plain.into_iter().flatten() {
            let title = if code.title.is_empty() && code.system == CodeSystem::Hcpcs {
                "(HCPCS D code: CDT descriptions are licensed by the ADA and not bundled)"
                    .to_string()
            } else {
                code.title.to_string()
            };
            hits.push(SearchHit {
                system: code.system,
                code: code.code.to_string(),
                title,
                billable: true,
            });
        }
        if let Some(place) = self.place_of_service(&normalize_code(query)) {
            hits.push(SearchHit {
                system: CodeSystem::PlaceOfService,
                code: place.code.to_string(),
                title: place.name.to_string(),
                billable: true,
            });
        }
        let typed = query.to_ascii_uppercase();
        hits.sort_by_key(|hit| hit.code != typed);
        hits
    }

    /// Codes that start with `prefix` (any case, dot optional): billable first, then shorter
    /// codes, then code order.
    pub fn prefix_search(
        &self,
        prefix: &str,
        systems: &[CodeSystem],
        limit: usize,
    ) -> SearchResults {
        // The query as typed, to rank a code written exactly so before one that needs a dot
        // added (`G0439`: HCPCS G0439 before ICD-10-CM G04.39).
        let typed = prefix.trim().to_ascii_uppercase();
        let prefix = normalize_code(prefix);
        let b = self.data();
        // Every match as a light candidate (`S` matches 40,000 codes); a hit, with its title,
        // only for those returned.
        let mut candidates: Vec<Candidate<'_>> = Vec::new();
        let user_cm = self.user.has(CodeSystem::Icd10Cm);
        for &system in systems {
            let Some((table, _)) = bundled_table(b, system) else { continue };
            let mut last_code = "";
            for row in table.rows_with_prefix(&prefix) {
                let code = table.key(row);
                if code == last_code {
                    continue;
                }
                last_code = code;
                let billable = match system {
                    CodeSystem::Icd10Cm if user_cm => self.icd10cm_at(row).kind == CmKind::Billable,
                    CodeSystem::Icd10Cm => table.field(row, 1) == "B",
                    _ => true,
                };
                candidates.push(Candidate { system, code, billable, row: Some(row) });
            }
        }
        let mut last_user: Option<(CodeSystem, &str)> = None;
        for user in self.user.all() {
            let in_bundled = bundled_table(b, user.system)
                .is_some_and(|(table, _)| table.find(&user.code).is_some());
            let repeated = last_user == Some((user.system, user.code.as_str()));
            if systems.contains(&user.system)
                && user.code.starts_with(&prefix)
                && !in_bundled
                && !repeated
            {
                last_user = Some((user.system, user.code.as_str()));
                candidates.push(Candidate {
                    system: user.system,
                    code: &user.code,
                    billable: user.billable != Some(false),
                    row: None,
                });
            }
        }
        let total = candidates.len();
        // Billable first, then a code written as typed, then shorter codes, then code order as
        // displayed; equal ones in the order found (the index), so the selection below is the
        // order a stable sort gives.
        // Candidates of one system come in code order, which is their display order among
        // codes of one length: then the index alone breaks ties, with no text compared.
        let one_system = candidates.windows(2).all(|pair| pair[0].system == pair[1].system)
            && candidates.iter().all(|candidate| candidate.row.is_some());
        let mut ranked: Vec<(usize, Candidate<'_>)> = candidates.into_iter().enumerate().collect();
        let order = |(i, a): &(usize, Candidate<'_>), (j, b): &(usize, Candidate<'_>)| {
            let by_text = || match one_system {
                true => std::cmp::Ordering::Equal,
                false => a.display_bytes().cmp(b.display_bytes()),
            };
            let as_typed =
                |c: &Candidate<'_>| c.code == prefix && c.display_bytes().eq(typed.bytes());
            (!a.billable, !as_typed(a), a.display_len())
                .cmp(&(!b.billable, !as_typed(b), b.display_len()))
                .then_with(by_text)
                .then(i.cmp(j))
        };
        if ranked.len() > limit {
            if limit > 0 {
                ranked.select_nth_unstable_by(limit - 1, order);
            }
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        let hits = ranked.into_iter().map(|(_, candidate)| self.prefix_hit(candidate)).collect();
        SearchResults { hits, total }
    }

    /// The hit for a candidate of [`Self::prefix_search`], with its title.
    fn prefix_hit(&self, candidate: Candidate<'_>) -> SearchHit {
        let Candidate { system, code, billable, row } = candidate;
        let Some(row) = row else {
            let user = self.user.find(system, code);
            return SearchHit {
                system,
                code: display_code(system, code),
                title: user.map(|user| user.title.clone()).unwrap_or_default(),
                billable,
            };
        };
        match system {
            CodeSystem::Icd10Cm => {
                let found = self.icd10cm_at(row);
                SearchHit {
                    system,
                    code: found.dotted(),
                    title: found.display_title().to_string(),
                    billable,
                }
            }
            CodeSystem::Modifier => SearchHit {
                system,
                code: code.to_string(),
                title: self.modifier(code).map(|m| m.title.to_string()).unwrap_or_default(),
                billable,
            },
            _ => {
                let (table, title_column) = bundled_table(self.data(), system).expect("a table");
                SearchHit {
                    system,
                    code: code.to_string(),
                    title: table.field(row, title_column).to_string(),
                    billable,
                }
            }
        }
    }

    /// Codes whose title has every word of the query (each query word of two characters or more
    /// may be the start of a title word: `hyperglyc` finds "hyperglycemia"; one of one character
    /// is a whole word: `type 2`), ranked by relevance (the module's doc).
    /// Shorthand in the query (`chf`, `copd`) is written out and its matches come first, then
    /// those of the words as typed. User-supplied codes (CPT files) come after the bundled ones.
    pub fn word_search(&self, query: &str, systems: &[CodeSystem], limit: usize) -> SearchResults {
        let query_words: Vec<String> = words_of(query).collect();
        if query_words.is_empty() {
            return SearchResults::default();
        }
        let index = self.word_index();
        let (mut ids, mut matched) = match crate::synonyms::expand(&query_words) {
            Some(expanded) => index.rank(&expanded, systems, limit),
            None => (Vec::new(), Vec::new()),
        };
        let (found, literal) = index.rank(&query_words, systems, limit);
        let is_set = |bits: &[u64], id: u32| {
            bits.get(id as usize / 64).is_some_and(|b| b & (1 << (id % 64)) != 0)
        };
        // The codes the written-out query found come first; a code both find, once.
        let first = matched.clone();
        ids.extend(found.into_iter().filter(|&id| !is_set(&first, id)));
        ids.truncate(limit);
        matched.resize(literal.len(), 0);
        matched.iter_mut().zip(&literal).for_each(|(a, b)| *a |= b);
        let mut total: usize = matched.iter().map(|b| b.count_ones() as usize).sum();
        let mut hits: Vec<SearchHit> =
            ids.into_iter().map(|id| index.entries[id as usize].hit()).collect();
        for user in self.user.all() {
            if !systems.contains(&user.system) {
                continue;
            }
            let title_words: Vec<String> = words_of(&user.title).collect();
            let matches = |q: &String, w: &String| match q.chars().count() {
                1 => w == q,
                _ => w.starts_with(q.as_str()),
            };
            if query_words.iter().all(|q| title_words.iter().any(|w| matches(q, w))) {
                total += 1;
                if hits.len() < limit {
                    hits.push(SearchHit {
                        system: user.system,
                        code: display_code(user.system, &user.code),
                        title: user.title.clone(),
                        billable: user.billable != Some(false),
                    });
                }
            }
        }
        let total = total.max(hits.len());
        SearchResults { hits, total }
    }

    /// Real ICD-10-CM codes one slip away from `text`, which does not exist: one character
    /// wrong, two swapped, one missing or extra (a dot or an `X` placeholder included). Only
    /// codes billable on `date` (on some date when `None`). Ranked: codes of the same category
    /// first (`T14.9XXA` → T14.90XA, not T19.4XXA), then of the same chapter, then the others;
    /// within each, swaps, missing, extra, then wrong characters, from the end of the code back
    /// (a slip in the last characters is likelier than one in the category).
    pub fn icd10cm_near_misses(
        &self,
        text: &str,
        date: Option<crate::Date>,
        limit: usize,
    ) -> Vec<String> {
        let code = normalize_code(text);
        let table = bundled_table(self.data(), CodeSystem::Icd10Cm)
            .map(|(table, _)| table)
            .filter(|_| !self.user.has(CodeSystem::Icd10Cm));
        let exists = |candidate: &str| {
            let found = self.icd10cm(candidate)?;
            let billable = match date {
                Some(date) => self.icd10cm_billable_on(&found, date),
                None => found.kind == CmKind::Billable,
            };
            billable.then(|| found.dotted())
        };
        let category = code.get(..3).unwrap_or("");
        let chapter = self.icd10cm_chapter(&code).map(|c| c.number);
        let mut found = near_misses(&code, table, exists);
        // A stable sort: the order of the edits within each group stays.
        found.sort_by_key(|candidate| {
            let norm = normalize_code(candidate);
            let same_category = norm.get(..3) == Some(category);
            let same_chapter =
                chapter.is_some() && self.icd10cm_chapter(&norm).map(|c| c.number) == chapter;
            (!same_category, !same_chapter)
        });
        found.truncate(limit);
        found
    }

    /// Real codes of a plain system (ICD-10-PCS, HCPCS) one slip away from `text`, in the
    /// order of the edits (swaps, missing, extra, then wrong characters, from the end back).
    pub fn plain_near_misses(&self, system: CodeSystem, text: &str, limit: usize) -> Vec<String> {
        let code = normalize_code(text);
        let table = bundled_table(self.data(), system)
            .map(|(table, _)| table)
            .filter(|_| !self.user.has(system));
        let exists = |candidate: &str| {
            let found = match system {
                CodeSystem::Icd10Pcs => self.icd10pcs(candidate),
                CodeSystem::Hcpcs => self.hcpcs(candidate),
                CodeSystem::Cpt => self.cpt(candidate),
                _ => None,
            };
            found.map(|f| f.code.to_string())
        };
        let mut found = near_misses(&code, table, exists);
        found.truncate(limit);
        found
    }
}

/// Tries every single edit of `code` (swaps, missing characters, extra ones, then wrong ones;
/// each kind from the last position back), keeping those that `exists` confirms (it returns
/// the display form), in that order, each once. When the code set is `table` alone (no user
/// file adds codes to it), a candidate not in it is passed over without asking `exists`: most
/// of the hundreds of candidates are.
fn near_misses(
    code: &str,
    table: Option<&Table>,
    exists: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if code.is_empty() || !code.is_ascii() || code.len() > 8 {
        return Vec::new();
    }
    let bytes = code.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut candidate: Vec<u8> = Vec::with_capacity(bytes.len() + 1);
    let mut try_candidate = |candidate: &[u8]| {
        if candidate == bytes {
            return;
        }
        let Ok(candidate) = std::str::from_utf8(candidate) else { return };
        if table.is_some_and(|table| table.find(candidate).is_none()) {
            return;
        }
        if let Some(display) = exists(candidate)
            && !found.contains(&display)
        {
            found.push(display);
        }
    };
    for i in (0..bytes.len().saturating_sub(1)).rev() {
        candidate.clear();
        candidate.extend_from_slice(bytes);
        candidate.swap(i, i + 1);
        try_candidate(&candidate);
    }
    for i in (0..bytes.len()).rev() {
        candidate.clear();
        candidate.extend_from_slice(&bytes[..i]);
        candidate.extend_from_slice(&bytes[i + 1..]);
        try_candidate(&candidate);
    }
    for i in (0..=bytes.len()).rev() {
        for &c in ALPHABET {
            candidate.clear();
            candidate.extend_from_slice(&bytes[..i]);
            candidate.push(c);
            candidate.extend_from_slice(&bytes[i..]);
            try_candidate(&candidate);
        }
    }
    for i in (0..bytes.len()).rev() {
        for &c in ALPHABET {
            if c != bytes[i] {
                candidate.clear();
                candidate.extend_from_slice(bytes);
                candidate[i] = c;
                try_candidate(&candidate);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefix search as it was first written: every hit built, then all sorted by the
    /// displayed code.
    fn prefix_search_by_sorting_all(
        sets: &CodeSets,
        prefix: &str,
        systems: &[CodeSystem],
    ) -> SearchResults {
        let prefix = normalize_code(prefix);
        let mut hits: Vec<SearchHit> = Vec::new();
        for &system in systems {
            let Some((table, _)) = bundled_table(sets.data(), system) else { continue };
            let mut last_code = "";
            for row in table.rows_with_prefix(&prefix) {
                let code = table.key(row);
                if code != last_code {
                    last_code = code;
                    let billable = system != CodeSystem::Icd10Cm
                        || sets.icd10cm_at(row).kind == CmKind::Billable;
                    hits.push(sets.prefix_hit(Candidate {
                        system,
                        code,
                        billable,
                        row: Some(row),
                    }));
                }
            }
        }
        for user in sets.user.all() {
            let seen =
                |h: &SearchHit| h.system == user.system && normalize_code(&h.code) == user.code;
            if systems.contains(&user.system)
                && user.code.starts_with(&prefix)
                && !hits.iter().any(seen)
            {
                hits.push(SearchHit {
                    system: user.system,
                    code: display_code(user.system, &user.code),
                    title: user.title.clone(),
                    billable: user.billable != Some(false),
                });
            }
        }
        let total = hits.len();
        let typed = prefix.trim().to_ascii_uppercase();
        let as_typed = |hit: &SearchHit| hit.code == typed;
        hits.sort_by(|a, b| {
            (!a.billable, !as_typed(a), a.code.len(), &a.code).cmp(&(
                !b.billable,
                !as_typed(b),
                b.code.len(),
                &b.code,
            ))
        });
        SearchResults { hits, total }
    }

    #[test]
    fn prefix_search_ranks_as_sorting_every_hit_would() {
        let dir = std::env::temp_dir().join(format!("claimls-prefix-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cpt = dir.join("cpt.txt");
        std::fs::write(
            &cpt,
            "99213\tOffice visit\n99214\tOffice visit, moderate\nE0100\tPayer E code\n",
        )
        .unwrap();
        let order = dir.join("order.txt");
        std::fs::write(
            &order,
            "00001 E11     0 Type 2 diabetes mellitus                                     Type 2 diabetes mellitus\n\
             00002 E119    1 Type 2 diabetes mellitus without complications               Type 2 diabetes mellitus without complications\n\
             00003 E11Z    1 A made-up code of this test                                  A made-up code of this test\n",
        )
        .unwrap();
        let (with_files, errors) = CodeSets::with_user_files(&[cpt, order]);
        assert!(errors.is_empty(), "{errors:?}");
        let systems: [&[CodeSystem]; 5] = [
            &[CodeSystem::Icd10Cm],
            &[CodeSystem::Hcpcs, CodeSystem::Cpt],
            &[CodeSystem::Icd10Pcs],
            &[CodeSystem::Modifier, CodeSystem::PlaceOfService],
            &CodeSystem::ALL,
        ];
        for sets in [CodeSets::bundled(), with_files] {
            for prefix in
                ["", "E", "e1", "E11", "E11.", "S72.0", "Z", "J", "0", "99", "2", "X", "Q"]
            {
                for systems in systems {
                    if prefix.is_empty() && systems.len() > 2 {
                        continue;
                    }
                    let all = prefix_search_by_sorting_all(&sets, prefix, systems);
                    for limit in [0, 1, 7, 50] {
                        let mut expected = all.clone();
                        expected.hits.truncate(limit);
                        assert_eq!(
                            sets.prefix_search(prefix, systems, limit),
                            expected,
                            "{prefix:?} {systems:?} {limit}"
                        );
                    }
                }
            }
        }
    }
}
