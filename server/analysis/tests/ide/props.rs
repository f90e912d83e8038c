//! Property tests: no feature panics on any text or offset, and formatting is idempotent and
//! keeps the meaning of the file.

use std::sync::OnceLock;

use claimls_analysis::Span;
use claimls_analysis::codes::{CodeSets, normalize_code};
use claimls_analysis::ide;
use claimls_analysis::syntax::{self, TokenKind};
use proptest::prelude::*;

fn sets() -> &'static CodeSets {
    static SETS: OnceLock<CodeSets> = OnceLock::new();
    SETS.get_or_init(CodeSets::bundled)
}

/// Words that make claim-like lines, valid or not.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("claim".to_string()),
        Just("ORDER".to_string()),
        Just("end".to_string()),
        Just("End".to_string()),
        Just("dx".to_string()),
        Just("DX".to_string()),
        Just("line".to_string()),
        Just("test".to_string()),
        Just("px".to_string()),
        Just("pos".to_string()),
        Just("kind".to_string()),
        Just("patient".to_string()),
        Just("payer".to_string()),
        Just("billing".to_string()),
        Just("ordering".to_string()),
        Just("npi".to_string()),
        Just("ptr".to_string()),
        Just("PTR".to_string()),
        Just("units".to_string()),
        Just("charge".to_string()),
        Just("priority".to_string()),
        Just("sex".to_string()),
        Just("dob".to_string()),
        Just("date".to_string()),
        Just("A".to_string()),
        Just("b".to_string()),
        Just("A,B".to_string()),
        Just("A,".to_string()),
        Just(",B".to_string()),
        Just("E11.9".to_string()),
        Just("e119".to_string()),
        Just("S72001".to_string()),
        Just("I10".to_string()),
        Just("E11".to_string()),
        Just("99213-25".to_string()),
        Just("99213-".to_string()),
        Just("J1815".to_string()),
        Just("0DTJ4ZZ".to_string()),
        Just("2026-03-02".to_string()),
        Just("2026-03-02..2026-03-05".to_string()),
        Just("1234567893".to_string()),
        Just("11".to_string()),
        Just("routine".to_string()),
        Just("STAT".to_string()),
        Just("inpatient".to_string()),
        Just("\"Doe, Jane\"".to_string()),
        Just("\"unterminated".to_string()),
        Just("#".to_string()),
        Just("# comment é".to_string()),
        Just("é".to_string()),
        Just("日本".to_string()),
        Just("\u{a0}".to_string()),
        "[A-Za-z0-9.,#\"-]{1,6}",
    ]
}

fn line() -> impl Strategy<Value = String> {
    (
        "[ \t]{0,3}",
        prop::collection::vec(word(), 0..7),
        prop::collection::vec("[ \t]{1,3}", 7),
        "[ \t]{0,2}",
    )
        .prop_map(|(indent, words, gaps, trailing)| {
            let mut line = indent;
            for (index, word) in words.iter().enumerate() {
                if index > 0 {
                    line.push_str(&gaps[index]);
                }
                line.push_str(word);
            }
            line.push_str(&trailing);
            line
        })
}

/// A file of such lines, with `\n` or `\r\n` ends.
fn text() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..14), any::<bool>(), any::<bool>()).prop_map(
        |(lines, crlf, final_newline)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(end);
            if final_newline {
                text.push_str(end);
            }
            text
        },
    )
}

/// A well-formed claim or order with random spacing and case.
fn claim() -> impl Strategy<Value = String> {
    let dx =
        ("[A-D]", prop::sample::select(vec!["E11.9", "e119", "I10", "E11.65", "Z00.00", "E1.9"]));
    let service = prop::sample::select(vec!["99213", "99213-25", "82947", "J1815", "83036-59-91"]);
    let options = prop::collection::vec(
        prop::sample::select(vec![
            "ptr A",
            "PTR A,B",
            "units 1",
            "units 10",
            "charge 125.00",
            "pos 11",
        ]),
        0..3,
    );
    (
        any::<bool>(),
        prop::collection::vec(dx, 1..4),
        prop::collection::vec((service, options), 1..4),
        "[ ]{0,4}",
        "[ ]{1,3}",
        any::<bool>(),
    )
        .prop_map(|(is_claim, dxs, lines, indent, gap, upper)| {
            let mut text = String::new();
            let keyword = |k: &str| if upper { k.to_uppercase() } else { k.to_string() };
            text.push_str(&format!(
                "{}{gap}ID-1   # header\n",
                keyword(if is_claim { "claim" } else { "order" })
            ));
            text.push_str(&format!(
                "{indent}{}{gap}\"Doe, Jane\" dob 1980-04-12 sex f\n",
                keyword("patient")
            ));
            for (letter, code) in &dxs {
                text.push_str(&format!("{indent}{}{gap}{letter}{gap}{code}  \n", keyword("dx")));
            }
            for (service, options) in &lines {
                let mut options: Vec<&str> = options.clone();
                options.dedup_by(|a, b| a.split(' ').next() == b.split(' ').next());
                let statement = if is_claim {
                    format!("line 2026-03-02{gap}{service}")
                } else {
                    format!("test{gap}{service}")
                };
                let options: Vec<&str> = options
                    .into_iter()
                    .filter(|o| is_claim || o.to_ascii_lowercase().starts_with("ptr"))
                    .collect();
                text.push_str(&format!("{indent}{statement} {}\n", options.join(&gap)));
            }
            text.push_str("# trailing comment   \n");
            text.push_str(&keyword("end"));
            text.push('\n');
            text
        })
}

/// What a file means: the kinds and normalised texts of its tokens, and its error kinds.
pub fn meaning(text: &str) -> (Vec<(TokenKind, String)>, Vec<String>) {
    let file = syntax::parse(text);
    let tokens = file
        .tokens
        .iter()
        .map(|token| {
            let raw = token.span.slice(text);
            let normal = match token.kind {
                TokenKind::Keyword => raw.to_ascii_lowercase(),
                TokenKind::DiagnosisCode => normalize_code(raw),
                TokenKind::Comment => raw.trim_end().to_string(),
                _ => raw.to_string(),
            };
            (token.kind, normal)
        })
        .collect();
    let errors = file.errors.iter().map(|e| format!("{:?}", e.kind)).collect();
    (tokens, errors)
}

fn every_feature(text: &str, offset: usize) {
    let file = syntax::parse(text);
    let sets = sets();
    let document = syntax::lower(text, &file);
    let _ = ide::hover(text, &document, &syntax::NAMING, sets, offset);
    let list = ide::completions(text, &file, sets, offset);
    assert!(list.items.len() <= ide::COMPLETION_LIMIT, "{} items", list.items.len());
    let _ = ide::definition(&document, offset);
    let _ = ide::references(&document, offset, true);
    let _ = ide::highlights(&document, offset);
    let _ = ide::rename(text, &document, &syntax::NAMING, offset, "C");
    let _ = ide::inlay_hints(text, &document, sets, Span::new(offset, offset.saturating_add(40)));
    let _ = ide::inlay_hints(text, &document, sets, Span::new(offset.saturating_add(40), offset));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_feature_panics(text in text(), offsets in prop::collection::vec(any::<usize>(), 4)) {
        let file = syntax::parse(&text);
        let _ = ide::document_symbols(&file);
        let _ = ide::folding_ranges(&file);
        let _ = ide::comment_folding_ranges(&text);
        let _ = ide::format(&text, &file);
        // Every byte offset (inside multi-byte characters too), just past the end, and random
        // ones far past it.
        for offset in (0..=text.len() + 2).chain(offsets) {
            every_feature(&text, offset);
        }
    }

    #[test]
    fn format_is_idempotent_and_keeps_meaning(text in text()) {
        let once = ide::format_text(&text);
        let twice = ide::format_text(&once);
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(meaning(&text), meaning(&once));
        prop_assert_eq!(text.matches('\n').count(), once.matches('\n').count());
        prop_assert_eq!(text.matches("\r\n").count(), once.matches("\r\n").count());
    }

    #[test]
    fn format_is_idempotent_on_generated_claims(text in claim()) {
        let once = ide::format_text(&text);
        let twice = ide::format_text(&once);
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(meaning(&text), meaning(&once));
        for line in once.lines() {
            prop_assert_eq!(line, line.trim_end());
        }
    }
}

/// Completion lists are capped, whatever matches: codes by prefix and by words, modifiers, and
/// the 52 places of service.
#[test]
fn completion_lists_are_capped() {
    let cases = [
        "claim C\n  pos ",
        "claim C\n  dx A  E",
        "claim C\n  dx A  a",
        "claim C\n  line 2026-03-02  99213-",
    ];
    for text in cases {
        let file = syntax::parse(text);
        let list = ide::completions(text, &file, sets(), text.len());
        assert_eq!(list.items.len(), ide::COMPLETION_LIMIT, "{text:?}");
        assert!(list.is_incomplete, "{text:?}");
    }
}

/// An X12 or HL7 example with a few bytes of delimiters, letters, digits, line breaks or a
/// multi-byte character put in at a random place (or a piece of it cut out).
fn mangled(example: &'static str) -> impl Strategy<Value = String> {
    (0..=example.len(), 0..8usize, "[*:~^|&\\\\A-Z0-9é \r\n]{0,6}").prop_map(
        move |(at, cut, insert)| {
            let mut text = example.to_string();
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (at + cut..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(at);
            text.replace_range(at..end.min(text.len()), &insert);
            text
        },
    )
}

const X12: &str = include_str!("../../../../examples/x12/training.x12");
const HL7: &str = include_str!("../../../../examples/hl7/training/hl7-rules.hl7");

/// Applies non-overlapping edits.
fn apply(text: &str, edits: &[claimls_analysis::TextEdit]) -> String {
    let mut out = text.to_string();
    for edit in edits.iter().rev() {
        out.replace_range(edit.span.range(), &edit.new_text);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every X12 feature at any offset of a mangled 837 answers without a panic, and its
    /// formatting changes only the blank space between segments, the same way twice.
    #[test]
    fn no_x12_feature_panics(text in mangled(X12), offsets in prop::collection::vec(any::<usize>(), 24)) {
        let file = claimls_analysis::x12::parse(&text);
        let model = claimls_analysis::x12::lower(&text, &file);
        let naming = claimls_analysis::Language::X12.naming(&text);
        let _ = ide::x12::document_symbols(&text, &file);
        let _ = ide::x12::folding_ranges(&text, &file);
        let tokens = ide::x12::semantic_tokens(&text, &file);
        prop_assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        let _ = claimls_analysis::x12::phi_spans(&text, &file);
        let _ = ide::pointer_hints(&text, &model, sets(), Span::new(0, text.len()));
        for layout in [ide::x12::Layout::Lines, ide::x12::Layout::OneLine] {
            let once = apply(&text, &ide::x12::format(&text, &file, layout));
            let again = apply(&once, &ide::x12::format(&once, &claimls_analysis::x12::parse(&once), layout));
            prop_assert_eq!(&once, &again);
            let solid = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(solid(&text), solid(&once));
        }
        for offset in offsets.into_iter().map(|o| o % (text.len() + 3)) {
            let _ = ide::x12::hover(&text, &file, &model, naming, sets(), offset);
            let _ = ide::x12::completions(&text, &file, naming, sets(), offset);
        }
    }

    /// Every HL7 feature at any offset of a mangled message answers without a panic.
    #[test]
    fn no_hl7_feature_panics(text in mangled(HL7), offsets in prop::collection::vec(any::<usize>(), 24)) {
        let file = claimls_analysis::hl7::parse(&text);
        let model = claimls_analysis::hl7::lower(&text, &file);
        let naming = claimls_analysis::Language::Hl7.naming(&text);
        let _ = ide::hl7::document_symbols(&text, &file);
        let _ = ide::hl7::folding_ranges(&file);
        let tokens = ide::hl7::semantic_tokens(&text, &file);
        prop_assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        for offset in offsets.into_iter().map(|o| o % (text.len() + 3)) {
            let _ = ide::hl7::hover(&text, &file, &model, naming, sets(), offset);
            let _ = ide::hl7::completions(&text, &file, sets(), offset);
        }
    }
}
