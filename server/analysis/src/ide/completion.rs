//! Completion, by the context of the current line up to the cursor.

use claimls_codes::{CodeSets, CodeSystem, SearchHit, SearchResults, normalize_code};
use claimls_syntax::{Block, BlockKind, SourceFile};

use super::{clamp, diagnoses, hover};
use crate::Span;

/// At most this many items are returned (of any kind); when more match, `is_incomplete` tells
/// the editor to ask again as the user types.
pub const COMPLETION_LIMIT: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Code,
    Modifier,
    Value,
    Reference,
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// The title of a code, or what a keyword introduces.
    pub detail: Option<String>,
    /// Markdown: a code's notes, a place of service's definition.
    pub documentation: Option<String>,
    /// The partial word the item replaces (empty at the cursor when nothing was typed yet).
    pub replace: Span,
    pub insert_text: String,
    /// What the editor should match the typed text against, when it is not the label (a title
    /// search: `hyperglyc` must keep `E11.65` visible).
    pub filter_text: Option<String>,
    pub sort_text: String,
    /// `insert_text` holds `${1:...}` placeholders.
    pub is_snippet: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompletionList {
    pub items: Vec<CompletionItem>,
    /// More items match than were returned, or nothing could be offered before more is typed.
    pub is_incomplete: bool,
}

/// A word of the line before the cursor, with absolute offsets.
#[derive(Clone, Copy, Debug)]
struct Word<'t> {
    text: &'t str,
    span: Span,
}

/// Splits the text of the line before the cursor into words (a quoted string is one word).
/// `None` when the cursor is in a comment or inside a quoted string.
fn words_before(text: &str, line_start: usize, offset: usize) -> Option<Vec<Word<'_>>> {
    let line = &text[line_start..offset];
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut in_quote = false;
    for (at, c) in line.char_indices() {
        if in_quote {
            if c == '"' {
                in_quote = false;
            }
            continue;
        }
        if c == '#' {
            return None;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            if let Some(from) = start.take() {
                words.push((from, at));
            }
            continue;
        }
        if c == '"' {
            in_quote = true;
        }
        if start.is_none() {
            start = Some(at);
        }
    }
    if in_quote {
        return None;
    }
    if let Some(from) = start {
        words.push((from, line.len()));
    }
    Some(
        words
            .into_iter()
            .map(|(from, to)| Word {
                text: &line[from..to],
                span: Span::new(line_start + from, line_start + to),
            })
            .collect(),
    )
}

/// The block the line starting at `line_start` lies in, by position: the last block whose
/// header is on an earlier line and whose `end` (if any) is not on an earlier line.
fn enclosing_block<'f, 'a>(file: &'f SourceFile<'a>, line_start: usize) -> Option<&'f Block<'a>> {
    let block = file.blocks.iter().rev().find(|block| block.keyword.start < line_start)?;
    match block.end {
        Some(end) if end.start < line_start => None,
        _ => Some(block),
    }
}

/// Completions at `offset`, by the text of the line up to the cursor:
///
/// - first word of a line: the statement keywords of the enclosing block (and `end`), or
///   `claim`/`order` and the "new claim"/"new order" snippets at top level;
/// - `dx `: the letters A–L not used yet; `dx X <query>`: ICD-10-CM codes by prefix when the query
///   looks like a code, else by words of the title (`filter_text` is the query, so the editor
///   keeps them);
/// - `line <date> ` / `test `: CPT (from user files) and HCPCS codes; `<code>-`: modifiers;
/// - `px `: ICD-10-PCS codes;
/// - `ptr `: the block's dx letters with their codes and titles (after a comma: the rest);
/// - `pos `: places of service; `sex `: `M F U`; `priority `: `routine stat`; `kind `:
///   `professional outpatient inpatient`; `billing `…: `npi`; otherwise the options of the
///   statement not used yet.
///
/// Nothing in a comment or inside a quoted string. Codes are capped at 50, billable first (by
/// `sort_text`), with `is_incomplete` when more matched or when nothing was typed yet.
pub fn completions(
    text: &str,
    file: &SourceFile<'_>,
    sets: &CodeSets,
    offset: usize,
) -> CompletionList {
    let offset = clamp(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    let Some(mut words) = words_before(text, line_start, offset) else {
        return CompletionList::default();
    };
    // The word the cursor is in or right after, else an empty one at the cursor.
    let partial = match words.last() {
        Some(word) if word.span.end == offset => words.pop().expect("a last word"),
        _ => Word { text: "", span: Span::new(offset, offset) },
    };
    let block = enclosing_block(file, line_start);
    let mut context = Context {
        sets,
        block,
        partial,
        items: Vec::new(),
        is_incomplete: false,
        text,
        offset,
        dotted: true,
    };
    if words.is_empty() {
        context.keywords();
    } else {
        context.after(&words);
    }
    context.finish()
}

/// What an X12 or HL7 position takes, for [`complete_value`].
pub(crate) enum Wanted<'w> {
    /// Codes of these systems, by code prefix or by words of a title.
    Codes(&'w [CodeSystem]),
    /// Modifiers, without those already used.
    Modifiers(&'w [String]),
    /// Places of service.
    Places,
    /// Fixed values (qualifiers), each with what it says.
    Values(&'w [(&'w str, &'w str)]),
}

/// Completions of one value of another syntax (an X12 component, an HL7 component): `typed` is
/// what was typed of it up to the cursor, `replace` the whole value the items replace. The
/// same search and ranking as the claim language's; codes are written with their dot when
/// `dotted` (the syntax's `Naming::dotted_codes`).
pub(crate) fn complete_value(
    text: &str,
    sets: &CodeSets,
    typed: Span,
    replace: Span,
    wanted: Wanted<'_>,
    dotted: bool,
) -> CompletionList {
    let typed = super::clamp_span(text, typed);
    let replace = super::clamp_span(text, replace);
    let partial = Word { text: typed.slice(text), span: replace };
    let mut context = Context {
        sets,
        block: None,
        partial,
        items: Vec::new(),
        is_incomplete: false,
        text,
        offset: typed.end,
        dotted,
    };
    match wanted {
        Wanted::Codes(systems) => context.codes(partial.text, systems, replace),
        Wanted::Modifiers(used) => context.modifiers(partial.text, used, replace),
        Wanted::Places => context.places(),
        Wanted::Values(values) => context.values(values),
    }
    context.finish()
}

struct Context<'c, 't> {
    sets: &'c CodeSets,
    block: Option<&'c Block<'c>>,
    partial: Word<'t>,
    items: Vec<CompletionItem>,
    is_incomplete: bool,
    text: &'t str,
    offset: usize,
    /// ICD-10-CM codes are written with their dot (the claim language, HL7), else without (X12).
    dotted: bool,
}

/// The statement keywords of each block kind, with what they introduce.
const CLAIM_KEYWORDS: &[(&str, &str)] = &[
    ("kind", "kind professional|outpatient|inpatient"),
    ("patient", "patient <name> [dob <date>] [sex M|F|U] [member <id>]"),
    ("payer", "payer <name> [id <payer-id>]"),
    ("billing", "billing npi <npi> [<name>]"),
    ("rendering", "rendering npi <npi>"),
    ("referring", "referring npi <npi>"),
    ("pos", "pos <place of service>"),
    ("dx", "dx <letter> <icd-10-cm>"),
    ("px", "px <icd-10-pcs> [date <date>]"),
    ("stay", "stay <admission date>..<discharge date> (inpatient)"),
    ("line", "line <date> <service code>[-<modifier>] ptr <letters> units <n> charge <amount>"),
    ("end", "end of the claim"),
];
const ORDER_KEYWORDS: &[(&str, &str)] = &[
    ("patient", "patient <name> [dob <date>] [sex M|F|U] [member <id>]"),
    ("ordering", "ordering npi <npi> [<name>]"),
    ("date", "date <order date>"),
    ("dx", "dx <letter> <icd-10-cm>"),
    ("test", "test <service code> ptr <letters> [priority routine|stat]"),
    ("end", "end of the order"),
];
const TOP_KEYWORDS: &[(&str, &str)] =
    &[("claim", "claim <id>: starts a claim"), ("order", "order <id>: starts an order")];

const NEW_CLAIM: &str = "claim ${1:CLM-0001}\n  patient \"${2:Doe, Jane}\" dob ${3:1980-01-01} sex \
                         ${4:F}\n  payer \"${5:Payer}\" id ${6:00000}\n  billing npi \
                         ${7:1234567893}\n  dx A ${8:E11.9}\n  line ${9:2026-01-01} ${10:99213} \
                         ptr A units 1 charge ${11:100.00}\nend\n$0";
const NEW_ORDER: &str = "order ${1:ORD-0001}\n  patient \"${2:Doe, Jane}\" dob ${3:1980-01-01} sex \
                         ${4:F}\n  ordering npi ${5:1234567893}\n  date ${6:2026-01-01}\n  dx A \
                         ${7:E11.9}\n  test ${8:83036} ptr A priority ${9:routine}\nend\n$0";

/// The optional `keyword value` pairs of each statement.
const LINE_OPTIONS: &[&str] = &["ptr", "units", "charge", "pos", "npi"];
const TEST_OPTIONS: &[&str] = &["ptr", "priority"];
const PATIENT_OPTIONS: &[&str] = &["dob", "sex", "member"];
const PAYER_OPTIONS: &[&str] = &["id"];
const PX_OPTIONS: &[&str] = &["date"];

fn is_code_like(query: &str) -> bool {
    let bytes = query.as_bytes();
    match bytes {
        [] => false,
        [only] => only.is_ascii_alphanumeric(),
        // An ICD-10-PCS code may start with its only digit (`0DTJ`).
        [first, rest @ ..] => {
            first.is_ascii_alphanumeric()
                && bytes.iter().any(u8::is_ascii_digit)
                && rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'.')
        }
    }
}

impl Context<'_, '_> {
    /// The items, at most [`COMPLETION_LIMIT`].
    fn finish(self) -> CompletionList {
        let mut items = self.items;
        let is_incomplete = self.is_incomplete || items.len() > COMPLETION_LIMIT;
        items.truncate(COMPLETION_LIMIT);
        CompletionList { items, is_incomplete }
    }

    fn push(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: Option<String>,
        replace: Span,
        sort: usize,
    ) {
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind,
            detail,
            documentation: None,
            replace,
            insert_text: label.to_string(),
            filter_text: None,
            sort_text: format!("{sort:04}"),
            is_snippet: false,
        });
    }

    fn keywords(&mut self) {
        let replace = self.partial.span;
        let list = match self.block.map(|b| b.kind) {
            Some(BlockKind::Claim) => CLAIM_KEYWORDS,
            Some(BlockKind::Order) => ORDER_KEYWORDS,
            None => TOP_KEYWORDS,
        };
        for (index, (keyword, detail)) in list.iter().enumerate() {
            self.push(keyword, CompletionKind::Keyword, Some(detail.to_string()), replace, index);
        }
        if self.block.is_none() {
            for (index, (label, body)) in
                [("new claim", NEW_CLAIM), ("new order", NEW_ORDER)].into_iter().enumerate()
            {
                self.items.push(CompletionItem {
                    label: label.to_string(),
                    kind: CompletionKind::Snippet,
                    detail: Some(format!(
                        "{} skeleton",
                        if index == 0 { "a claim" } else { "an order" }
                    )),
                    documentation: None,
                    replace,
                    insert_text: body.to_string(),
                    filter_text: Some(label[4..].to_string()),
                    sort_text: format!("{:04}", 100 + index),
                    is_snippet: true,
                });
            }
        }
    }

    fn after(&mut self, words: &[Word<'_>]) {
        let keyword = words[0].text.to_ascii_lowercase();
        match keyword.as_str() {
            "dx" => self.dx(words),
            "line" | "test" => {
                let (code_index, options) =
                    if keyword == "line" { (2, LINE_OPTIONS) } else { (1, TEST_OPTIONS) };
                if words.len() == code_index {
                    self.service();
                } else if words.len() > code_index {
                    self.options(words, code_index + 1, options);
                }
            }
            "pos" if words.len() == 1 => self.places(),
            "kind" if words.len() == 1 => self.values(&[
                ("professional", "a professional claim (CMS-1500 / 837P)"),
                ("outpatient", "an institutional outpatient claim (UB-04 / 837I)"),
                ("inpatient", "an institutional inpatient claim (UB-04 / 837I)"),
            ]),
            "patient" if words.len() > 1 => self.options(words, 1, PATIENT_OPTIONS),
            "payer" if words.len() > 1 => self.options(words, 1, PAYER_OPTIONS),
            "px" if words.len() == 1 => self.procedure(),
            "px" => self.options(words, 2, PX_OPTIONS),
            "billing" | "rendering" | "referring" | "ordering" if words.len() == 1 => {
                let replace = self.partial.span;
                self.push("npi", CompletionKind::Keyword, Some("npi <npi>".into()), replace, 0);
            }
            _ => {}
        }
    }

    fn values(&mut self, values: &[(&str, &str)]) {
        let replace = self.partial.span;
        for (index, (value, detail)) in values.iter().enumerate() {
            self.push(value, CompletionKind::Value, Some(detail.to_string()), replace, index);
        }
    }

    /// After the fixed part of a statement (from word `first_option` on): the value of the
    /// option just typed, or the options not used yet.
    fn options(&mut self, words: &[Word<'_>], first_option: usize, options: &[&str]) {
        let is_option =
            |word: &Word<'_>| options.iter().any(|option| word.text.eq_ignore_ascii_case(option));
        let last = &words[words.len() - 1];
        // Inside a pointer list split by commas: `ptr A, ` / `ptr A ,`.
        let in_pointers = {
            let position = words.iter().rposition(is_option);
            position.is_some_and(|at| {
                words[at].text.eq_ignore_ascii_case("ptr")
                    && (at == words.len() - 1
                        || last.text.ends_with(',')
                        || self.partial.text.starts_with(','))
            })
        };
        if in_pointers {
            self.pointers();
            return;
        }
        if is_option(last) && words.len() > first_option {
            match last.text.to_ascii_lowercase().as_str() {
                "pos" => self.places(),
                "sex" => self.values(&[("M", "male"), ("F", "female"), ("U", "unknown")]),
                "priority" => self.values(&[("routine", "routine"), ("stat", "immediately")]),
                _ => {}
            }
            return;
        }
        // A name is made of bare words: only offer options once the partial word could be one.
        let used: Vec<String> =
            words.iter().filter(|w| is_option(w)).map(|w| w.text.to_ascii_lowercase()).collect();
        let replace = self.partial.span;
        for (index, option) in options.iter().enumerate() {
            if !used.iter().any(|u| u == option) {
                self.push(option, CompletionKind::Keyword, None, replace, index);
            }
        }
    }

    /// `dx <letter> <code>`: free letters, then codes.
    fn dx(&mut self, words: &[Word<'_>]) {
        if words.len() == 1 {
            let used: Vec<String> = self
                .block
                .map(|block| diagnoses(block).map(|(l, _)| l.text.to_ascii_uppercase()).collect())
                .unwrap_or_default();
            let replace = self.partial.span;
            for (index, letter) in ('A'..='L').enumerate() {
                let letter = letter.to_string();
                if !used.contains(&letter) {
                    self.push(&letter, CompletionKind::Value, None, replace, index);
                }
            }
            return;
        }
        // Everything after the letter is the query: a code, or words of a title.
        let start = if words.len() >= 3 { words[2].span.start } else { self.partial.span.start };
        let query = &self.text[start..self.offset];
        if words.len() >= 3 && is_code_like(words[2].text) {
            return;
        }
        let replace = Span::new(start, self.offset);
        self.codes(query, &[CodeSystem::Icd10Cm], replace);
    }

    fn procedure(&mut self) {
        let query = self.partial.text;
        let replace = self.partial.span;
        self.codes(query, &[CodeSystem::Icd10Pcs], replace);
    }

    /// A service code, or modifiers after `<code>-`.
    fn service(&mut self) {
        let partial = self.partial;
        if let Some(dash) = partial.text.rfind('-') {
            let typed = &partial.text[dash + 1..];
            let existing: Vec<String> =
                partial.text[..dash].split('-').skip(1).map(str::to_ascii_uppercase).collect();
            let replace = Span::new(partial.span.start + dash + 1, partial.span.end);
            self.modifiers(typed, &existing, replace);
            return;
        }
        let replace = partial.span;
        self.codes(partial.text, &[CodeSystem::Hcpcs, CodeSystem::Cpt], replace);
    }

    /// The modifiers starting with `typed` (any case), without those in `existing` (upper
    /// case).
    fn modifiers(&mut self, typed: &str, existing: &[String], replace: Span) {
        let typed = typed.to_ascii_uppercase();
        let mut matching: Vec<_> = self
            .sets
            .modifiers()
            .into_iter()
            .filter(|m| m.code.starts_with(&typed))
            .filter(|m| !existing.iter().any(|e| e == m.code))
            .collect();
        // Modifiers with a description of ours are the common ones: first.
        matching.sort_by_key(|m| (m.title.is_empty(), m.code));
        self.is_incomplete = matching.len() > COMPLETION_LIMIT;
        for (index, modifier) in matching.into_iter().take(COMPLETION_LIMIT).enumerate() {
            let detail = (!modifier.title.is_empty()).then(|| modifier.title.to_string());
            self.push(modifier.code, CompletionKind::Modifier, detail, replace, index);
        }
    }

    fn places(&mut self) {
        let replace = self.partial.span;
        let typed = self.partial.text;
        for (index, place) in self.sets.places_of_service().into_iter().enumerate() {
            if !place.code.starts_with(typed) {
                continue;
            }
            self.push(
                place.code,
                CompletionKind::Value,
                Some(place.name.to_string()),
                replace,
                index,
            );
            if let Some(item) = self.items.last_mut() {
                item.documentation =
                    (!place.definition.is_empty()).then(|| place.definition.to_string());
            }
        }
    }

    /// The block's own dx letters after `ptr`, each with its code and title.
    fn pointers(&mut self) {
        let Some(block) = self.block else { return };
        let partial = self.partial;
        // Only the letter after the last comma is replaced (`A,B` / `AB`: the last letter).
        let segment_start = match partial.text.rfind(',') {
            Some(comma) => partial.span.start + comma + 1,
            None if partial.text.len() > 1 => {
                partial.span.end - partial.text.chars().last().map_or(0, char::len_utf8)
            }
            None => partial.span.start,
        };
        let replace = Span::new(segment_start, partial.span.end);
        let typed_before = &self.text[partial.span.start..segment_start];
        for (index, (letter, code)) in diagnoses(block).enumerate() {
            if typed_before.chars().any(|c| c.to_string().eq_ignore_ascii_case(letter.text)) {
                continue;
            }
            let title = self
                .sets
                .icd10cm(code.text)
                .map_or_else(String::new, |c| format!(" {}", c.display_title()));
            let detail = format!("{}{title}", code.text);
            self.push(letter.text, CompletionKind::Reference, Some(detail), replace, index);
        }
    }

    /// Codes of `systems` matching `query`: by prefix when it looks like a code, else by words
    /// of the title.
    fn codes(&mut self, query: &str, systems: &[CodeSystem], replace: Span) {
        let query = query.trim();
        if query.is_empty() {
            self.is_incomplete = true;
            return;
        }
        let results: SearchResults = if is_code_like(query) {
            self.sets.prefix_search(query, systems, COMPLETION_LIMIT)
        } else {
            self.sets.word_search(query, systems, COMPLETION_LIMIT)
        };
        self.is_incomplete = results.total > results.hits.len();
        let by_words = !is_code_like(query);
        // A header spelled exactly as typed would complete to itself, and an editor ranks an
        // exact match above the billable codes below it: leave it out (its hover explains it).
        let typed = normalize_code(query);
        let hits = results
            .hits
            .into_iter()
            .filter(|hit| hit.billable || normalize_code(&hit.code) != typed);
        for (index, hit) in hits.enumerate() {
            let item = self.code_item(hit, index, replace, by_words.then_some(query));
            self.items.push(item);
        }
    }

    fn code_item(
        &self,
        hit: SearchHit,
        index: usize,
        replace: Span,
        filter: Option<&str>,
    ) -> CompletionItem {
        let documentation = match hit.system {
            CodeSystem::Icd10Cm => Some(hover::icd10cm(self.sets, &hit.code)),
            _ => None,
        };
        let code = if self.dotted { hit.code } else { normalize_code(&hit.code) };
        CompletionItem {
            label: code.clone(),
            kind: CompletionKind::Code,
            detail: (!hit.title.is_empty()).then(|| hit.title.clone()),
            documentation,
            replace,
            insert_text: code,
            filter_text: filter.map(str::to_string),
            sort_text: format!("{}{index:03}", if hit.billable { 0 } else { 1 }),
            is_snippet: false,
        }
    }
}
