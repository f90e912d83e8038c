//! Checking an edited document incrementally (`incremental::check`, what the server does after
//! each edit) gives exactly what checking it whole gives (`check_text`), in the same order:
//! the examples of every format, alone and repeated (more than one piece of claims), edited at
//! random, one edit after the other, each check reusing the one before.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use claimls_analysis::codes::{CodeSets, Date};
use claimls_analysis::incremental::{self, Checked, Reuse};
use claimls_analysis::{Config, Language, check_text};

fn config() -> Config {
    let mut config =
        Config { today: Some(Date::parse("2026-11-01").unwrap()), ..Config::default() };
    // A changed severity and a rule turned off apply the same way.
    config.severities.insert("unused-dx".into(), Some(claimls_analysis::Severity::Info));
    config.severities.insert("code-format".into(), None);
    config
}

fn example(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(path);
    std::fs::read_to_string(path).unwrap()
}

/// A small deterministic generator (xorshift64*): the same seed, the same edits.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// A char boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One random edit: a character typed, a few deleted, a line deleted or copied elsewhere.
fn edit(text: &str, rng: &mut Rng) -> String {
    const TYPED: [&str; 14] =
        ["x", "1", "9", ".", " ", "\n", "*", "~", ":", "|", "^", "A", "\r", "E11"];
    let at = boundary(text, rng.below(text.len() + 1));
    let mut out = text.to_string();
    match rng.below(4) {
        0 => out.insert_str(at, TYPED[rng.below(TYPED.len())]),
        1 => {
            let end = boundary(text, at + 1 + rng.below(5));
            out.replace_range(at..end.max(at), "");
        }
        2 => {
            let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
            out.replace_range(start..end, "");
        }
        _ => {
            let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
            let line = text[start..end].to_string();
            let to = boundary(text, rng.below(text.len() + 1));
            let to = text[..to].rfind('\n').map_or(0, |n| n + 1);
            out.insert_str(to, &line);
        }
    }
    out
}

fn incremental_check(
    text: &str,
    language: Language,
    previous: Option<&Checked>,
) -> (Vec<claimls_analysis::Diagnostic>, Checked, Reuse) {
    let document = language.lower(text);
    let claims = document.claims.iter().map(Cow::Borrowed);
    let text: Arc<str> = Arc::from(text);
    let (sets, config) = (CodeSets::bundled(), config());
    incremental::check(&text, language, &document.problems, claims, &sets, &config, 7, previous)
}

/// `edits` random edits of `text`, each checked both ways; the claims reused in all.
fn same_after_edits(text: &str, language: Language, seed: u64, edits: usize) -> Reuse {
    let (sets, config) = (CodeSets::bundled(), config());
    let mut rng = Rng(seed);
    let mut text = text.to_string();
    let (first, mut previous, _) = incremental_check(&text, language, None);
    assert_eq!(first, check_text(&text, language, &sets, &config), "the first check");
    let mut total = Reuse::default();
    for step in 0..edits {
        text = edit(&text, &mut rng);
        let (found, kept, reuse) = incremental_check(&text, language, Some(&previous));
        let expected = check_text(&text, language, &sets, &config);
        if found != expected {
            let first = found.iter().zip(&expected).position(|(a, b)| a != b);
            panic!(
                "seed {seed}, edit {step}: {} vs {} diagnostics, first difference at {first:?}:\n\
                 {:#?}\nexpected {:#?}",
                found.len(),
                expected.len(),
                first.and_then(|i| found.get(i)),
                first.and_then(|i| expected.get(i)),
            );
        }
        total.checked += reuse.checked;
        total.reused += reuse.reused;
        previous = kept;
    }
    // The same text again: everything reused.
    let (again, _, reuse) = incremental_check(&text, language, Some(&previous));
    assert_eq!(again, check_text(&text, language, &sets, &config));
    assert_eq!(reuse.checked, 0);
    total
}

#[test]
fn claim_language_edited_at_random() {
    let training = example("training/rules.claims");
    same_after_edits(&training, Language::Claim, 1, 150);
    let clean = example("clean/office-visits.claims") + &example("clean/orders.order");
    same_after_edits(&clean, Language::Claim, 2, 100);
    // More than one piece of blocks, and every id used many times.
    let reuse = same_after_edits(&training.repeat(12), Language::Claim, 3, 20);
    assert!(reuse.reused > 10 * reuse.checked, "{reuse:?}");
}

#[test]
fn x12_edited_at_random() {
    same_after_edits(&example("x12/training.x12"), Language::X12, 4, 150);
    same_after_edits(&example("x12/clean-837i-hospital.837"), Language::X12, 5, 100);
    same_after_edits(&example("x12/clean-837d-dental.837"), Language::X12, 6, 50);
    let reuse =
        same_after_edits(&example("x12/clean-837p-batch.837").repeat(40), Language::X12, 7, 20);
    assert!(reuse.reused > 10 * reuse.checked, "{reuse:?}");
}

#[test]
fn hl7_edited_at_random() {
    same_after_edits(&example("hl7/training/hl7-rules.hl7"), Language::Hl7, 8, 150);
    let clean = example("hl7/clean/orders-oml.hl7") + &example("hl7/clean/orders-orm.hl7");
    let reuse = same_after_edits(&clean.repeat(30), Language::Hl7, 9, 20);
    assert!(reuse.reused > 10 * reuse.checked, "{reuse:?}");
}

/// `text` lowered reusing how `old` was lowered (`x12::lower_reusing`, what the server does)
/// is what lowering it whole gives, and its diagnostics are `check_text`'s; what to keep for
/// the next version.
fn x12_lowered_again(
    old: &str,
    text: &str,
    (document, bodies): &(claimls_analysis::model::Document, claimls_analysis::x12::Bodies),
    what: &str,
) -> (claimls_analysis::model::Document, claimls_analysis::x12::Bodies) {
    use claimls_analysis::model::Edit;
    use claimls_analysis::x12::{self, Previous};
    let (sets, config) = (CodeSets::bundled(), config());
    // Parsed with room made as the server does (`parse_like` the old version): what `parse`
    // reads.
    let file = x12::parse_like(text, &x12::parse(old));
    let whole = x12::parse(text);
    assert_eq!(file.problems, whole.problems, "{what}: the parse's problems");
    assert_eq!(file.segment_count(), whole.segment_count(), "{what}: segments");
    let pieces = |file: &x12::X12File| -> Vec<_> {
        let segments = file.segments().map(|segment| {
            let elements = segment.elements().map(|element| {
                let repetitions = element.repetitions().map(|r| r.components().collect());
                (element.span(), repetitions.collect::<Vec<Vec<_>>>())
            });
            (segment.span(), segment.terminator(), elements.collect::<Vec<_>>())
        });
        segments.collect()
    };
    assert_eq!(pieces(&file), pieces(&whole), "{what}: the segments' pieces");
    let previous = Previous { document, bodies, edit: Edit::between(old, text) };
    let (found, kept) = x12::lower_reusing(text, &file, Some(previous));
    let expected = x12::lower(text, &whole);
    assert_eq!(found.problems, expected.problems, "{what}: problems");
    assert_eq!(format!("{:#?}", found.claims), format!("{:#?}", expected.claims), "{what}: claims");
    let claims = found.claims.iter().map(Cow::Borrowed);
    let shared: Arc<str> = Arc::from(text);
    let (diagnostics, _, _) = incremental::check(
        &shared,
        Language::X12,
        &found.problems,
        claims,
        &sets,
        &config,
        7,
        None,
    );
    assert_eq!(diagnostics, check_text(text, Language::X12, &sets, &config), "{what}");
    (found, kept)
}

/// `edits` random edits of an 837, each lowered reusing the version before
/// ([`x12_lowered_again`]); how many transactions were reused in all.
fn x12_lowered_the_same_after_edits(text: &str, seed: u64, edits: usize) -> usize {
    let mut rng = Rng(seed);
    let mut text = text.to_string();
    let file = claimls_analysis::x12::parse(&text);
    let mut lowered = claimls_analysis::x12::lower_reusing(&text, &file, None);
    let mut reused = 0;
    for step in 0..edits {
        let edited = edit(&text, &mut rng);
        lowered = x12_lowered_again(&text, &edited, &lowered, &format!("seed {seed}, edit {step}"));
        reused += lowered.1.reused();
        text = edited;
    }
    reused
}

#[test]
fn x12_lowered_again_transaction_by_transaction() {
    x12_lowered_the_same_after_edits(&example("x12/training.x12"), 10, 100);
    x12_lowered_the_same_after_edits(&example("x12/clean-837i-hospital.837"), 11, 60);
    // Many interchanges, and the same on one line (no line breaks between segments).
    let batch = example("x12/clean-837p-batch.837").repeat(12);
    let reused = x12_lowered_the_same_after_edits(&batch, 12, 60);
    assert!(reused > 60 * 8, "{reused} transactions reused");
    let one_line = batch.replace('\n', "");
    let reused = x12_lowered_the_same_after_edits(&one_line, 13, 60);
    assert!(reused > 60 * 8, "{reused} transactions reused");
    // An ISA that changes the component separator: the text of its transactions is the same,
    // but they read differently (their composites are no longer split).
    let second_isa = batch.match_indices("ISA*").nth(1).unwrap().0;
    let mut other = batch.clone();
    other.replace_range(second_isa + 104..second_isa + 105, ">");
    let file = claimls_analysis::x12::parse(&batch);
    let lowered = claimls_analysis::x12::lower_reusing(&batch, &file, None);
    let (_, kept) = x12_lowered_again(&batch, &other, &lowered, "a new component separator");
    assert_eq!(kept.reused(), 11, "the other interchanges' transactions");
}

/// `edits` random edits of an 837, each one's PHI spans found reusing the version before
/// (`phi_spans_reusing`) and compared with those found from scratch.
fn x12_phi_the_same_after_edits(text: &str, seed: u64, edits: usize) {
    use claimls_analysis::x12;
    let mut rng = Rng(seed);
    let mut text = text.to_string();
    let mut file = x12::parse(&text);
    let mut spans = x12::phi_spans(&text, &file);
    for step in 0..edits {
        let edited = edit(&text, &mut rng);
        let edited_file = x12::parse(&edited);
        let previous = claimls_analysis::model::Edit::between(&text, &edited)
            .map(|edit| x12::PreviousPhi { file: &file, spans: &spans, edit });
        let reused = x12::phi_spans_reusing(&edited, &edited_file, previous);
        let whole = x12::phi_spans(&edited, &edited_file);
        assert_eq!(reused, whole, "seed {seed}, edit {step}");
        (text, file, spans) = (edited, edited_file, reused);
    }
}

#[test]
fn x12_phi_spans_found_again_only_around_the_edit() {
    x12_phi_the_same_after_edits(&example("x12/training.x12"), 20, 150);
    x12_phi_the_same_after_edits(&example("x12/clean-837i-hospital.837"), 21, 100);
    let batch = example("x12/clean-837p-batch.837").repeat(6);
    x12_phi_the_same_after_edits(&batch, 22, 150);
    x12_phi_the_same_after_edits(&batch.replace('\n', ""), 23, 150);
    // A subscriber's loop opened and closed by the edit: the N3, N4 and REF after it change.
    let subscriber = batch.find("NM1*IL*").unwrap();
    let mut closed = batch.clone();
    closed.replace_range(subscriber + 4..subscriber + 6, "PR");
    let file = claimls_analysis::x12::parse(&batch);
    let spans = claimls_analysis::x12::phi_spans(&batch, &file);
    let closed_file = claimls_analysis::x12::parse(&closed);
    let edit = claimls_analysis::model::Edit::between(&batch, &closed).unwrap();
    let previous = claimls_analysis::x12::PreviousPhi { file: &file, spans: &spans, edit };
    let reused = claimls_analysis::x12::phi_spans_reusing(&closed, &closed_file, Some(previous));
    assert_eq!(reused, claimls_analysis::x12::phi_spans(&closed, &closed_file));
    assert!(reused.len() < spans.len(), "the subscriber's name, id and address are no longer PHI");
}

/// Edits at chosen places of an 837 whose claims inherit their billing provider (and some
/// their subscriber) from HL parents before them: a claim after the edit with all its spans
/// moved (an edit before the billing provider), or with its inherited spans before the edit
/// and its own after it (an edit in an earlier claim), is reused; a same-length edit moves
/// nothing. Each gives what checking the text whole gives.
#[test]
fn x12_claims_moved_whole_or_apart_from_their_parents() {
    let (sets, config) = (CodeSets::bundled(), config());
    let batch = example("x12/clean-837p-batch.837").repeat(3);
    let (_, previous, _) = incremental_check(&batch, Language::X12, None);
    let claims = batch.matches("\nCLM*").count();
    let first_claim = batch.find("CLM-2026-0101").unwrap() + 8;
    let third_subscriber = batch.find("HL*3*1*22*1~").unwrap();
    let bht = batch.find("BHT*").unwrap() + 5;
    let edits: [(&str, usize, usize, &str, usize); 8] = [
        // (what, start, end, typed, claims checked again)
        ("a digit typed in the first claim's id", first_claim, first_claim, "7", 1),
        ("a digit of the first claim's id deleted", first_claim, first_claim + 1, "", 1),
        ("a digit of the first claim's id changed", first_claim, first_claim + 1, "9", 1),
        ("a character typed in the BHT, before every HL", bht, bht, "x", 0),
        ("a character of the BHT deleted", bht, bht + 1, "", 0),
        ("the same in the BHT", bht, bht + 1, "8", 0),
        // Where the claim before ends and the subscriber's HL, which its claim inherits,
        // begins: both are checked again, the others only moved (all their spans, or their
        // own only).
        ("a line typed before a subscriber", third_subscriber, third_subscriber, "x\n", 2),
        ("a line deleted before a subscriber", third_subscriber - 1, third_subscriber, "", 2),
    ];
    for (what, start, end, typed, checked) in edits {
        let mut text = batch.clone();
        text.replace_range(start..end, typed);
        let (found, kept, reuse) = incremental_check(&text, Language::X12, Some(&previous));
        assert_eq!(found, check_text(&text, Language::X12, &sets, &config), "{what}");
        assert!(reuse.checked <= checked, "{what}: {reuse:?}");
        assert!(reuse.reused + checked >= claims, "{what}: {reuse:?} of {claims}");
        // And back: the edit undone, checked reusing the edited version.
        let (back, _, reuse) = incremental_check(&batch, Language::X12, Some(&kept));
        assert_eq!(back, check_text(&batch, Language::X12, &sets, &config), "{what}, undone");
        assert!(reuse.checked <= checked.max(1), "{what}, undone: {reuse:?}");
    }
}
