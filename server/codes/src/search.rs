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
        let mut hits: Vec<SearchHit> = Vec::new();
        let b = self.bundled;
        for &system in systems {
            let (table, title_column): (&Table, usize) = match system {
                CodeSystem::Icd10Cm => (&b.cm_codes, 2),
                CodeSystem::Icd10Pcs => (&b.pcs_codes, 1),
                CodeSystem::Hcpcs => (&b.hcpcs_codes, 1),
                CodeSystem::PlaceOfService => (&b.places, 1),
                CodeSystem::Modifier => (&b.modifiers, usize::MAX),
                CodeSystem::Cpt => continue,
            };
            let mut last_code = "";
            for row in table.rows_with_prefix(&prefix) {
                let code = table.key(row);
                if code == last_code {
                    continue;
                }
                last_code = code;
                let hit = match system {
                    CodeSystem::Icd10Cm => {
                        let found = self.icd10cm_at(row);
                        SearchHit {
                            system,
                            code: found.dotted(),
                            title: found.display_title().to_string(),
                            billable: found.kind == CmKind::Billable,
                        }
                    }
                    CodeSystem::Modifier => SearchHit {
                        system,
                        code: code.to_string(),
                        title: self.modifier(code).map(|m| m.title.to_string()).unwrap_or_default(),
                        billable: true,
                    },
                    _ => SearchHit {
                        system,
                        code: code.to_string(),
                        title: table.field(row, title_column).to_string(),
                        billable: true,
                    },
                };
                hits.push(hit);
            }
        }
        for user in self.user.all() {
            if systems.contains(&user.system)
                && user.code.starts_with(&prefix)
                && !hits
                    .iter()
                    .any(|h| h.system == user.system && normalize_code(&h.code) == user.code)
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
        hits.truncate(limit);
        SearchResults { hits, total }
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
        let exists = |candidate: &str| {
            let found = self.icd10cm(candidate)?;
            let billable = match date {
                Some(date) => self.icd10cm_billable_on(&found, date),
                None => found.kind == CmKind::Billable,
            };
            billable.then(|| found.dotted())
        };
        near_misses(&code, exists, limit)
    }

    /// Real codes of a plain system (ICD-10-PCS, HCPCS) one slip away from `text`.
    pub fn plain_near_misses(&self, system: CodeSystem, text: &str, limit: usize) -> Vec<String> {
        let code = normalize_code(text);
        let exists = |candidate: &str| {
            let found = match system {
                CodeSystem::Icd10Pcs => self.icd10pcs(candidate),
                CodeSystem::Hcpcs => self.hcpcs(candidate),
                CodeSystem::Cpt => self.cpt(candidate),
                _ => None,
            };
            found.map(|f| f.code.to_string())
        };
        near_misses(&code, exists, limit)
    }
}

/// Tries each single edit of `code` (swaps, extra characters, missing ones, then wrong ones), keeping those that
/// `exists` confirms (it returns the display form).
fn near_misses(code: &str, exists: impl Fn(&str) -> Option<String>, limit: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if code.is_empty() || !code.is_ascii() || code.len() > 8 {
        return Vec::new();
    }
    let bytes = code.as_bytes();
    let mut candidates: Vec<Vec<u8>> = Vec::new();
    for i in 0..bytes.len().saturating_sub(1) {
        let mut swapped = bytes.to_vec();
        swapped.swap(i, i + 1);
        candidates.push(swapped);
    }
    for i in 0..bytes.len() {
        let mut shorter = bytes.to_vec();
        shorter.remove(i);
        candidates.push(shorter);
    }
    for i in 0..=bytes.len() {
        for &c in ALPHABET {
            let mut longer = bytes.to_vec();
            longer.insert(i, c);
            candidates.push(longer);
        }
    }
    for i in 0..bytes.len() {
        for &c in ALPHABET {
            if c != bytes[i] {
                let mut changed = bytes.to_vec();
                changed[i] = c;
                candidates.push(changed);
            }
        }
    }
    let mut found: Vec<String> = Vec::new();
    for candidate in candidates {
        let candidate = String::from_utf8(candidate).unwrap_or_default();
        if candidate == code {
            continue;
        }
        if let Some(display) = exists(&candidate)
            && !found.contains(&display)
        {
            found.push(display);
            if found.len() == limit {
                break;
            }
        }
    }
    found
}
