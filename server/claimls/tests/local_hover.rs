//! A hover answered before the whole document is parsed (`ParsedDocument::parse_around`: the
//! claim-language block, the 837 transaction or the HL7 message under the cursor parsed alone)
//! is the whole document's hover, at every position of the examples and samples, and of texts
//! cut and joined from them (a property test); its diagnostics are the whole document's of the
//! claim rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use claimls::analysis::ParsedDocument;
use claimls_analysis::codes::{CodeSets, Date};
use claimls_analysis::{Config, Language};
use proptest::prelude::*;

fn files() -> Vec<(PathBuf, Language)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs = [
        "examples/clean",
        "examples/training",
        "examples/x12",
        "server/x12/tests/samples",
        "examples/hl7/clean",
        "examples/hl7/training",
        "server/hl7/tests/samples",
        "server/analysis/tests/rules",
    ];
    let mut files = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let language = match path.extension().and_then(|e| e.to_str()) {
                Some("claims" | "claim" | "order") => Language::Claim,
                Some("hl7") => Language::Hl7,
                Some("837" | "837i" | "x12" | "edi" | "txt") => Language::X12,
                _ => continue,
            };
            files.push((path, language));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn config() -> Config {
    Config { today: Date::parse("2026-11-01").ok(), ..Config::default() }
}

/// The local answer at `offset` equals the whole document's; false when there is none (the
/// hover then waits for the whole parse).
fn same_at(text: &Arc<str>, language: Language, full: &ParsedDocument, offset: usize) -> bool {
    let (sets, config) = (CodeSets::bundled(), config());
    let Some(local) = ParsedDocument::parse_around(text.clone(), language, offset) else {
        return false;
    };
    assert_eq!(local.hover(&sets, offset), full.hover(&sets, offset), "hover at {offset}");
    assert_eq!(
        local.check_claims_at(&sets, &config, offset),
        full.check_claims_at(&sets, &config, offset),
        "diagnostics at {offset}"
    );
    true
}

#[test]
fn every_position_of_the_examples() {
    for (path, language) in files() {
        let text: Arc<str> = std::fs::read_to_string(&path).unwrap().into();
        let full = ParsedDocument::parse(text.clone(), language);
        let step = (text.len() / 400).max(1);
        let mut local = 0;
        for offset in (0..=text.len()).step_by(step) {
            local += usize::from(same_at(&text, language, &full, offset));
        }
        // The project's own examples are all answered locally.
        if path.components().any(|part| part.as_os_str() == "examples") {
            assert_eq!(local, text.len() / step + 1, "{}", path.display());
        }
    }
}

/// In an 837, a hover in a claim parses only the claim and the loops it inherits from (its
/// billing provider, subscriber and patient, `x12::parse_transaction_at`): every claim's `CLM`
/// and `HI` of every X12 file, many of them under other levels of the same transaction.
#[test]
fn every_claim_of_the_x12_files() {
    for (path, language) in files() {
        if language != Language::X12 {
            continue;
        }
        let text: Arc<str> = std::fs::read_to_string(&path).unwrap().into();
        let full = ParsedDocument::parse(text.clone(), language);
        let mut offsets: Vec<usize> = ["CLM*", "HI*", "SV1*", "SV2*", "DTP*"]
            .iter()
            .flat_map(|id| text.match_indices(id).map(|(at, _)| at + id.len()))
            .collect();
        offsets.sort_unstable();
        for offset in offsets {
            same_at(&text, language, &full, offset);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Texts cut from one file and joined to a cut of another (blocks and messages broken in
    /// the middle, unclosed, run into each other), at random positions.
    #[test]
    fn cut_and_joined_texts(
        pick in any::<prop::sample::Index>(),
        cuts in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        offsets in prop::collection::vec(any::<prop::sample::Index>(), 40),
    ) {
        let files = files();
        let (path, language) = &files[pick.index(files.len())];
        let other = files.iter().filter(|(_, l)| l == language).nth(pick.index(3)).unwrap_or(&files[0]);
        let one = std::fs::read_to_string(path).unwrap();
        let two = std::fs::read_to_string(&other.0).unwrap();
        let cut = |text: &str, at: prop::sample::Index| {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let text = format!("{}{}", &one[..cut(&one, cuts.0)], &two[cut(&two, cuts.1)..]);
        let text: Arc<str> = text.into();
        let full = ParsedDocument::parse(text.clone(), *language);
        for offset in offsets {
            same_at(&text, *language, &full, offset.index(text.len() + 1));
        }
    }
}
