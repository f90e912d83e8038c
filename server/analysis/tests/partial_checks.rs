//! The partial ways of checking give what checking the whole tree gives: `check_at`, at an
//! offset (what a hover shows), from the block around it; `check`, a piece of the file at a time, on this thread or on several.

use std::path::PathBuf;

use claimls_analysis::codes::{CodeSets, Date};
use claimls_analysis::{Config, check, check_at, check_in_pieces, check_parsed, syntax};

fn config() -> Config {
    let mut config =
        Config { today: Some(Date::parse("2026-11-01").unwrap()), ..Config::default() };
    // A severity changed and a rule turned off apply the same way.
    config.severities.insert("unused-dx".into(), Some(claimls_analysis::Severity::Info));
    config.severities.insert("cpt-unverified".into(), None);
    config
}

fn same_in_parts(text: &str) {
    let sets = CodeSets::bundled();
    let config = config();
    let file = syntax::parse(text);
    let all = check_parsed(text, &file, &sets, &config);
    for blocks_per_piece in [1, 2, 3, 1000] {
        for workers in [0, 1, 2, 3] {
            let mut pieces = Vec::new();
            check_in_pieces(text, &sets, &config, blocks_per_piece, workers, |piece| {
                pieces.push(piece);
            });
            assert_eq!(
                pieces.concat(),
                all,
                "{blocks_per_piece} blocks per piece, {workers} workers"
            );
        }
    }
    assert_eq!(check(text, &sets, &config), all);
    for offset in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
        let expected: Vec<_> = all.iter().filter(|d| d.span.touches(offset)).cloned().collect();
        assert_eq!(check_at(text, &file, &sets, &config, offset), expected, "at byte {offset}");
    }
}

#[test]
fn the_training_file_at_every_offset() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/training/rules.claims");
    same_in_parts(&std::fs::read_to_string(path).unwrap());
}

#[test]
fn broken_structure_at_every_offset() {
    same_in_parts(
        "dx A E11.9\nclaim A\n  patient \"X\" dob 1980-01-01\nclaim A\n  dx A E11\nend\nend\n\
         order O\n  test 83036\norder O\n  line 2026-03-02 99213\nclaim B\n  dx A e119\n  line \
         2026-03-02 99213 ptr A,B\nend",
    );
}
