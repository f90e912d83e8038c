//! Searching the code sets: by code prefix, by words of the title, and near misses for a code
//! that does not exist.
//!
//! Word search uses an inverted index over every bundled title. Its entries are numbered in
//! rank order (billable first, then shorter codes, then code order), so the matches of a query
//! come out of a bit set already ranked: no sorting at query time.

use std::collections::HashMap;

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
    title: &'static str,
    billable: bool,
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

#[derive(Debug)]
pub(crate) struct WordIndex {
    /// In rank order.
    entries: Vec<Entry>,
    /// Sorted by word; each word's entries in increasing (rank) order.
    words: Vec<(Box<str>, Vec<u32>)>,
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
                        billable: billable(row),
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
        entries.sort_by(|a, b| {
            (!a.billable, a.code.len(), a.system, a.code).cmp(&(
                !b.billable,
                b.code.len(),
                b.system,
                b.code,
            ))
        });

        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, entry) in entries.iter().enumerate() {
            for word in words_of(entry.title) {
                let list = postings.entry(word).or_default();
                if list.last() != Some(&(id as u32)) {
                    list.push(id as u32);
                }
            }
        }
        let mut words: Vec<(Box<str>, Vec<u32>)> =
            postings.into_iter().map(|(word, ids)| (word.into_boxed_str(), ids)).collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        WordIndex { entries, words }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entries whose title has, for every query word, a word starting with it; in rank order.
    fn matching(&self, query_words: &[String]) -> Vec<u64> {
        let mut result: Option<Vec<u64>> = None;
        for query_word in query_words {
            let mut bits = vec![0u64; self.entries.len().div_ceil(64)];
            let start = self.words.partition_point(|(word, _)| word.as_ref() < query_word.as_str());
            for (word, ids) in &self.words[start..] {
                if !word.starts_with(query_word.as_str()) {
                    break;
                }
                for &id in ids {
                    bits[id as usize / 64] |= 1 << (id % 64);
                }
            }
            result = Some(match result {
                None => bits,
                Some(mut so_far) => {
                    so_far.iter_mut().zip(&bits).for_each(|(a, b)| *a &= b);
                    so_far
                }
            });
        }
        result.unwrap_or_default()
    }
}

impl CodeSets {
    fn word_index(&self) -> &WordIndex {
        self.bundled.words.get_or_init(|| WordIndex::build(self.bundled))
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
        if looks_like_code {
            self.prefix_search(trimmed, systems, limit)
        } else {
            self.word_search(trimmed, systems, limit)
        }
    }

    /// Codes that start with `prefix` (any case, dot optional): billable first, then shorter
    /// codes, then code order.
    pub fn prefix_search(
        &self,
        prefix: &str,
        systems: &[CodeSystem],
        limit: usize,
    ) -> SearchResults {
        let prefix = normalize_code(prefix);
        let b = self.bundled;
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
        // Billable first, then shorter codes, then code order as displayed; equal ones in the
        // order found (the index), so the selection below is the order a stable sort gives.
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
            (!a.billable, a.display_len())
                .cmp(&(!b.billable, b.display_len()))
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
                let (table, title_column) = bundled_table(self.bundled, system).expect("a table");
                SearchHit {
                    system,
                    code: code.to_string(),
                    title: table.field(row, title_column).to_string(),
                    billable,
                }
            }
        }
    }

    /// Codes whose title has every word of the query (each query word may be the start of a
    /// title word: `hyperglyc` finds "hyperglycemia"), ranked billable first, then shorter
    /// codes. User-supplied codes (CPT files) are searched too.
    pub fn word_search(&self, query: &str, systems: &[CodeSystem], limit: usize) -> SearchResults {
        let query_words: Vec<String> = words_of(query).collect();
        if query_words.is_empty() {
            return SearchResults::default();
        }
        let index = self.word_index();
        let bits = index.matching(&query_words);
        let mut hits = Vec::new();
        let mut total = 0;
        for (block_number, &block) in bits.iter().enumerate() {
            let mut block = block;
            while block != 0 {
                let id = block_number * 64 + block.trailing_zeros() as usize;
                block &= block - 1;
                let entry = &index.entries[id];
                if !systems.contains(&entry.system) {
                    continue;
                }
                total += 1;
                if hits.len() < limit {
                    hits.push(entry.hit());
                }
            }
        }
        for user in self.user.all() {
            if !systems.contains(&user.system) {
                continue;
            }
            let title_words: Vec<String> = words_of(&user.title).collect();
            if query_words.iter().all(|q| title_words.iter().any(|w| w.starts_with(q.as_str()))) {
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
        SearchResults { hits, total }
    }

    /// Real ICD-10-CM codes one slip away from `text`, which does not exist: one character
    /// wrong, two swapped, one missing or extra (a dot or an `X` placeholder included).
    /// Codes billable on `date` (any date when `None`) first, closest slips first.
    pub fn icd10cm_near_misses(
        &self,
        text: &str,
        date: Option<crate::Date>,
        limit: usize,
    ) -> Vec<String> {
        let code = normalize_code(text);
        let table = bundled_table(self.bundled, CodeSystem::Icd10Cm)
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
        near_misses(&code, table, exists, limit)
    }

    /// Real codes of a plain system (ICD-10-PCS, HCPCS) one slip away from `text`.
    pub fn plain_near_misses(&self, system: CodeSystem, text: &str, limit: usize) -> Vec<String> {
        let code = normalize_code(text);
        let table = bundled_table(self.bundled, system)
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
        near_misses(&code, table, exists, limit)
    }
}

/// Tries each single edit of `code` (swaps, missing characters, extra ones, then wrong ones),
/// keeping those that `exists` confirms (it returns the display form). When the code set is
/// `table` alone (no user file adds codes to it), a candidate not in it is passed over without
/// asking `exists`: most of the hundreds of candidates are.
fn near_misses(
    code: &str,
    table: Option<&Table>,
    exists: impl Fn(&str) -> Option<String>,
    limit: usize,
) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if code.is_empty() || !code.is_ascii() || code.len() > 8 {
        return Vec::new();
    }
    let bytes = code.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut candidate: Vec<u8> = Vec::with_capacity(bytes.len() + 1);
    // Returns true when `limit` codes are found.
    let mut try_candidate = |candidate: &[u8]| {
        if candidate == bytes {
            return false;
        }
        let Ok(candidate) = std::str::from_utf8(candidate) else { return false };
        if table.is_some_and(|table| table.find(candidate).is_none()) {
            return false;
        }
        match exists(candidate) {
            Some(display) if !found.contains(&display) => {
                found.push(display);
                found.len() == limit
            }
            _ => false,
        }
    };
    for i in 0..bytes.len().saturating_sub(1) {
        candidate.clear();
        candidate.extend_from_slice(bytes);
        candidate.swap(i, i + 1);
        if try_candidate(&candidate) {
            return found;
        }
    }
    for i in 0..bytes.len() {
        candidate.clear();
        candidate.extend_from_slice(&bytes[..i]);
        candidate.extend_from_slice(&bytes[i + 1..]);
        if try_candidate(&candidate) {
            return found;
        }
    }
    for i in 0..=bytes.len() {
        for &c in ALPHABET {
            candidate.clear();
            candidate.extend_from_slice(&bytes[..i]);
            candidate.push(c);
            candidate.extend_from_slice(&bytes[i..]);
            if try_candidate(&candidate) {
                return found;
            }
        }
    }
    for i in 0..bytes.len() {
        for &c in ALPHABET {
            if c != bytes[i] {
                candidate.clear();
                candidate.extend_from_slice(bytes);
                candidate[i] = c;
                if try_candidate(&candidate) {
                    return found;
                }
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
            let Some((table, _)) = bundled_table(sets.bundled, system) else { continue };
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
        hits.sort_by(|a, b| {
            (!a.billable, a.code.len(), &a.code).cmp(&(!b.billable, b.code.len(), &b.code))
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
