//! Data-driven rule tests: each `tests/rules/*.claim` file is checked with the bundled code sets
//! and `today = 2026-11-01`, and the diagnostics are snapshotted one per line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use claimls_analysis::codes::{CodeSets, Date};
use claimls_analysis::rules::RULES;
use claimls_analysis::{
    Config, Diagnostic, EDITOR_DOCUMENT_LIMIT, Severity, Span, check, too_large,
};

fn config() -> Config {
    Config { today: Some(Date::parse("2026-11-01").unwrap()), ..Config::default() }
}

/// `line:col` (1-based, columns in characters) of a byte offset.
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

/// One line per diagnostic, then its fixes and related places indented below it.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}-{} {} {}: {}\n",
            position(text, d.span.start),
            position(text, d.span.end),
            d.severity.as_str(),
            d.rule,
            d.message
        ));
        for fix in &d.fixes {
            let edits: Vec<String> = fix
                .edits
                .iter()
                .map(|e| format!("{} {:?}", position(text, e.span.start), e.new_text))
                .collect();
            out.push_str(&format!("    fix: {} [{}]\n", fix.label, edits.join(", ")));
        }
        for related in &d.related {
            out.push_str(&format!(
                "    related {}: {}\n",
                position(text, related.span.start),
                related.message
            ));
        }
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

fn check_file(path: &Path, sets: &CodeSets) -> (String, Vec<Diagnostic>) {
    let text = std::fs::read_to_string(path).unwrap();
    let diagnostics = check(&text, sets, &config());
    (text, diagnostics)
}

#[test]
fn rule_fixtures() {
    let sets = CodeSets::bundled();
    insta::glob!("rules/*.claim", |path| {
        let (text, diagnostics) = check_file(path, &sets);
        insta::assert_snapshot!(render(&text, &diagnostics));
    });
}

fn files_under(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| extensions.iter().any(|x| e == *x)) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_fires_in_some_fixture() {
    let sets = CodeSets::bundled();
    let mut fired = BTreeSet::new();
    let mut dirs = vec![manifest_dir().join("tests/rules")];
    dirs.push(manifest_dir().join("../../examples/training"));
    for dir in dirs {
        for path in files_under(&dir, &["claim", "claims", "order"]) {
            let (_, diagnostics) = check_file(&path, &sets);
            fired.extend(diagnostics.iter().map(|d| d.rule));
        }
    }
    // The X12 and HL7 rules, from the training files of those formats.
    for path in [X12_TRAINING, HL7_TRAINING] {
        fired.extend(check_other_format(path, &sets).iter().map(|d| d.rule));
    }
    // Editors only: a document over 8 MiB (see `too_large_documents_get_one_diagnostic`).
    fired.insert("document-too-large");
    let missing: Vec<&str> = RULES.iter().map(|r| r.id).filter(|id| !fired.contains(id)).collect();
    assert!(missing.is_empty(), "rules that no fixture triggers: {missing:?}");
    assert_eq!(RULES.len(), 37);
}

#[test]
fn too_large_documents_get_one_diagnostic() {
    let text = "claim C1\n".repeat(EDITOR_DOCUMENT_LIMIT / 9 + 1);
    assert!(text.len() > EDITOR_DOCUMENT_LIMIT);
    let found = too_large(&text, &config());
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].rule, found[0].severity), ("document-too-large", Severity::Warning));
    assert_eq!(found[0].span, Span::new(0, 8), "the first line");
    assert!(found[0].message.contains("8.0 MiB") && found[0].message.contains("claimls check"));
    // A first line of multi-byte characters: the span ends on a character boundary.
    let wide = "é".repeat(100);
    assert!(wide.is_char_boundary(too_large(&wide, &config())[0].span.end));
    // Turned off like any rule.
    let mut off = config();
    off.severities.insert("document-too-large".into(), None);
    assert!(too_large(&text, &off).is_empty());
}

#[test]
fn training_file_shows_every_rule() {
    let sets = CodeSets::bundled();
    let path = manifest_dir().join("../../examples/training/rules.claims");
    let (text, diagnostics) = check_file(&path, &sets);
    insta::assert_snapshot!("training", render(&text, &diagnostics));
    let mut fired: BTreeSet<&str> = diagnostics.iter().map(|d| d.rule).collect();
    // Editors only, over 8 MiB: not something a training file can show.
    fired.insert("document-too-large");
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !fired.contains(id) && !claimls_analysis::rules::is_other_format_rule(id))
        .collect();
    assert!(missing.is_empty(), "rules the training file does not show: {missing:?}");
}

// The rules of contract sections 6 (X12) and 7 (HL7): their training files show them.
use claimls_analysis::rules::{HL7_RULES, X12_RULES};
const X12_TRAINING: &str = "../../examples/x12/training.x12";
const HL7_TRAINING: &str = "../../examples/hl7/training/hl7-rules.hl7";

fn check_other_format(path: &str, sets: &CodeSets) -> Vec<Diagnostic> {
    let path = manifest_dir().join(path);
    let text = std::fs::read_to_string(&path).unwrap();
    let language = claimls_analysis::Language::of_file(&path, &text);
    claimls_analysis::check_text(&text, language, sets, &config())
}

#[test]
fn x12_and_hl7_training_files_show_their_rules() {
    let sets = CodeSets::bundled();
    for (path, rules) in [(X12_TRAINING, &X12_RULES[..]), (HL7_TRAINING, &HL7_RULES[..])] {
        let fired: BTreeSet<&str> =
            check_other_format(path, &sets).iter().map(|d| d.rule).collect();
        let missing: Vec<&&str> = rules.iter().filter(|id| !fired.contains(*id)).collect();
        assert!(missing.is_empty(), "{path} does not show {missing:?}");
    }
}

#[test]
fn clean_examples_have_only_cpt_hints() {
    let sets = CodeSets::bundled();
    let files =
        files_under(&manifest_dir().join("../../examples/clean"), &["claim", "claims", "order"]);
    assert!(files.len() >= 3, "{files:?}");
    for path in files {
        let (text, diagnostics) = check_file(&path, &sets);
        let unexpected: Vec<&Diagnostic> =
            diagnostics.iter().filter(|d| d.rule != "cpt-unverified").collect();
        assert!(
            unexpected.is_empty(),
            "{}:\n{}",
            path.display(),
            render(&text, &unexpected.into_iter().cloned().collect::<Vec<_>>())
        );
    }
}

#[test]
fn rule_catalogue_is_complete() {
    let mut ids = BTreeSet::new();
    for rule in RULES {
        assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
        assert!(rule.explanation.len() > 200, "{} needs a fuller explanation", rule.id);
        assert!(!rule.summary.is_empty());
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "claim C1\n",
        "order O1\n",
        "end\n",
        "kind inpatient\n",
        "patient \"A, B\" dob 1980-02-29 sex M\n",
        "patient x dob 2026-13-01 sex U\n",
        "billing npi 1234567893\n",
        "billing npi 12\n",
        "ordering npi 1245319599\n",
        "date 2026-03-02\n",
        "date 2026-99-99\n",
        "pos 11\n",
        "pos ΩΩ\n",
        "dx A E11.9\n",
        "dx B e119\n",
        "dx M S72.001\n",
        "dx a G63\n",
        "dx C é1.9\n",
        "dx D Z37.0\n",
        "px 0DTJ4ZZ date 2026-04-02\n",
        "px 0dtj\n",
        "line 2026-03-02 99213-25-25-59-76-77 ptr A,B,C,D,E units 0 charge -1\n",
        "line 2026-03-05..2026-03-02 J1815 ptr Q units 1.5 charge 1,0.123 pos 99 npi 1\n",
        "line 2026-03-02 9921-\n",
        "test 83036 ptr A\n",
        "test ptr\n",
        "# comment\n",
        "\n",
        "line ..2026 é\n",
        "dx\n",
        "ptr A\n",
    ];

    /// Every diagnostic and fix lies inside `text`, on character boundaries, with a known id;
    /// checking one block at a time on two threads finds the same, in the same order.
    fn sane(text: &str) -> Result<(), TestCaseError> {
        let sets = CodeSets::bundled();
        let all = check(text, &sets, &config());
        let mut pieces = Vec::new();
        claimls_analysis::check_in_pieces(text, &sets, &config(), 1, 2, |piece| pieces.push(piece));
        prop_assert_eq!(&pieces.concat(), &all);
        for d in all {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            prop_assert!(RULES.iter().any(|r| r.id == d.rule));
            for edit in d.fixes.iter().flat_map(|fix| &fix.edits) {
                prop_assert!(edit.span.start <= edit.span.end && edit.span.end <= text.len());
            }
        }
        Ok(())
    }

    /// A statement cut anywhere, then anything: every value check on any text.
    fn statement_then_anything() -> impl Strategy<Value = String> {
        let rest = "[ A-Za-z0-9.,$:#\"\\-é𝄞\r\t]{0,30}";
        (prop::sample::select(PIECES), 0..60usize, rest).prop_map(|(piece, cut, rest)| {
            let piece = piece.trim_end();
            let cut = (0..=cut.min(piece.len())).rev().find(|&at| piece.is_char_boundary(at));
            format!("{}{rest}\n", &piece[..cut.unwrap_or(0)])
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_text(text in any::<String>()) {
            sane(&text)?;
        }

        #[test]
        fn statements_with_any_values(lines in proptest::collection::vec(statement_then_anything(), 0..30)) {
            sane(&format!("claim C1\n{}end\norder O1\n{}end\n", lines.concat(), lines.concat()))?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn any_mix_of_statements(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            sane(&text)?;
        }
    }
}

#[test]
fn clean_x12_and_hl7_examples_have_only_cpt_hints() {
    let sets = CodeSets::bundled();
    let mut files = files_under(&manifest_dir().join("../../examples/x12"), &["837"]);
    files.extend(files_under(&manifest_dir().join("../../examples/hl7/clean"), &["hl7"]));
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let language = claimls_analysis::Language::of_file(&path, &text);
        let diagnostics = claimls_analysis::check_text(&text, language, &sets, &config());
        let unexpected: Vec<Diagnostic> =
            diagnostics.into_iter().filter(|d| d.rule != "cpt-unverified").collect();
        assert!(unexpected.is_empty(), "{}:\n{}", path.display(), render(&text, &unexpected));
    }
}

/// A block of a few hundred diagnoses (every billable code of some categories whose notes name
/// each other, some listed twice): `excludes1` and `code-first` report exactly the pairs the
/// code sets' own note look-ups name, in the order of the pairs, however the rules find them.
/// An order holds any number of dx; a professional claim's pairs are among its first 12 (each
/// dx past them is a `too-many-dx` error).
#[test]
fn pair_rules_in_a_large_block_name_exactly_the_noted_pairs() {
    use claimls_analysis::codes::{NoteKind, parse_code_refs};
    let sets = CodeSets::bundled();
    let date = Date::parse("2026-03-02").unwrap();
    // One code of each category in turn, so that the first 12 make pairs too.
    let categories: Vec<Vec<String>> =
        ["E10", "E11", "E13", "N18", "I11", "I13", "I50", "G63", "K21", "K22"]
            .iter()
            .map(|category| {
                let below = sets.icd10cm_billable_below(category, Some(date));
                below.iter().take(40).map(|code| code.code.to_string()).collect()
            })
            .collect();
    let codes: Vec<String> = (0..40)
        .flat_map(|at| categories.iter().filter_map(move |codes| codes.get(at).cloned()))
        .collect();
    let mut codes = codes;
    let distinct = codes.len();
    assert!(distinct > 150, "{distinct} codes");
    // Every tenth code again at the end: `duplicate-dx`, and not a second member of a pair.
    let again: Vec<String> = codes.iter().step_by(10).cloned().collect();
    codes.extend(again);
    let names = |code: &str, kind: NoteKind, other: &str| {
        sets.icd10cm_notes_of_kind(code, kind)
            .iter()
            .any(|note| parse_code_refs(note.text).iter().any(|range| range.contains(other)))
    };
    let order = "order LARGE\n  patient \"Hoe, Di\" dob 1980-01-01 sex F\n  ordering npi \
                 1234567893\n  date 2026-03-02\n";
    let claim = "claim LARGE\n  patient \"Hoe, Di\" dob 1980-01-01 sex F\n  billing npi \
                 1234567893\n";
    for (head, tail, judged) in [
        (order, "  test 83036 ptr A\nend\n", distinct),
        (claim, "  line 2026-03-02 99213 ptr A\nend\n", 12),
    ] {
        let mut text = head.to_string();
        let mut starts = Vec::new();
        for (at, code) in codes.iter().enumerate() {
            // Labels in the listing order (A…Y, a run of codes each): listed order = written.
            let label = char::from(b'A' + (at * 25 / codes.len()) as u8);
            text.push_str(&format!("  dx {label} "));
            starts.push(text.len());
            text.push_str(code);
            text.push('\n');
        }
        text.push_str(tail);
        let diagnostics = check(&text, &sets, &config());
        let index_at = |offset: usize| starts.iter().position(|&start| start == offset).unwrap();
        let summary = |d: &&Diagnostic| d.message.contains("not listed one by one");
        let pairs_of = |rule: &str| -> Vec<(usize, usize)> {
            diagnostics
                .iter()
                .filter(|d| d.rule == rule && !summary(d))
                .map(|d| (index_at(d.span.start), index_at(d.related[0].span.start)))
                .collect()
        };
        let (mut excludes1, mut code_first) = (Vec::new(), Vec::new());
        for later in 0..judged {
            for earlier in 0..later {
                let (a, b) = (&codes[earlier], &codes[later]);
                if names(b, NoteKind::Excludes1, a) || names(a, NoteKind::Excludes1, b) {
                    excludes1.push((later, earlier));
                }
                if names(a, NoteKind::CodeFirst, b) {
                    code_first.push((earlier, later));
                }
            }
        }
        code_first.sort_unstable();
        if judged == distinct {
            assert!(
                excludes1.len() > 100 && !code_first.is_empty(),
                "{excludes1:?} {code_first:?}"
            );
        } else {
            assert!(!excludes1.is_empty(), "no pair among the first {judged}");
        }
        // Each dx's first 25 pairs one by one, the others in one summary on it that names the
        // first five of them.
        let (mut one_by_one, mut summaries) = (Vec::new(), Vec::new());
        for group in excludes1.chunk_by(|x, y| x.0 == y.0) {
            one_by_one.extend(group.iter().take(25));
            if group.len() > 25 {
                let rest: Vec<usize> = group[25..].iter().map(|&(_, earlier)| earlier).collect();
                summaries.push((group[0].0, rest.len(), rest.into_iter().take(5).collect()));
            }
        }
        assert_eq!(judged == distinct, !summaries.is_empty());
        assert_eq!(pairs_of("excludes1"), one_by_one);
        let found: Vec<(usize, usize, Vec<usize>)> = diagnostics
            .iter()
            .filter(|d| d.rule == "excludes1" && summary(d))
            .map(|d| {
                let more =
                    summaries.iter().find(|s| s.0 == index_at(d.span.start)).map_or(0, |s| s.1);
                assert!(d.message.contains(&format!(" {more} more diagnos")), "{}", d.message);
                let named = d.related.iter().map(|r| index_at(r.span.start)).collect();
                (index_at(d.span.start), more, named)
            })
            .collect();
        assert_eq!(found, summaries);
        // code-first's diagnostic stands on the earlier code and names the later one.
        assert_eq!(pairs_of("code-first"), code_first);
        let duplicates = diagnostics.iter().filter(|d| d.rule == "duplicate-dx" && !summary(d));
        assert_eq!(duplicates.count(), (codes.len() - distinct).min(25));
    }
}

/// A claim of hundreds of dx: the first 25 diagnostics of each kind about its dx one by one,
/// then one summary of each kind on the first left out, naming the last; a claim of a size a
/// claim form holds is reported in full (the snapshots).
#[test]
fn a_claim_of_hundreds_of_dx_gets_25_of_each_kind_and_a_summary() {
    let sets = CodeSets::bundled();
    let date = Date::parse("2026-03-02").unwrap();
    let codes: Vec<String> = (0..100)
        .flat_map(|number| sets.icd10cm_billable_below(&format!("A{number:02}"), Some(date)))
        .take(200)
        .map(|code| code.code.to_string())
        .collect();
    assert_eq!(codes.len(), 200);
    let mut text = "claim MANY\n  patient \"Hoe, Di\" dob 1980-01-01 sex F\n  billing npi \
                    1234567893\n"
        .to_string();
    let mut labels = Vec::new();
    // Labels A–L over and over, then the first 50 codes again.
    for (at, code) in codes.iter().chain(codes.iter().take(50)).enumerate() {
        text.push_str("  dx ");
        labels.push(text.len());
        text.push_str(&format!("{} {code}\n", char::from(b'A' + (at % 12) as u8)));
    }
    text.push_str("  line 2026-03-02 99213 ptr A\nend\n");
    let diagnostics = check(&text, &sets, &config());
    let summary = |d: &Diagnostic| d.message.contains("not listed one by one");
    for (rule, found, first) in [
        ("too-many-dx", 250 - 12, 12 + 25),
        ("dx-pointer", 250 - 12, 12 + 25),
        ("duplicate-dx", 50, 200 + 25),
        // Dx A of the first 12 is pointed to; the rest of those with a label of their own are not.
        ("unused-dx", 11, usize::MAX),
    ] {
        let of_rule: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.rule == rule).collect();
        let summaries: Vec<&&Diagnostic> = of_rule.iter().filter(|d| summary(d)).collect();
        if found <= 25 {
            assert_eq!((of_rule.len(), summaries.len()), (found, 0), "{rule}");
            continue;
        }
        assert_eq!((of_rule.len(), summaries.len()), (26, 1), "{rule}");
        let summary = summaries[0];
        assert!(summary.message.starts_with(&format!("{} more diagnoses", found - 25)), "{rule}");
        let line_of = |offset: usize| text[..offset].matches('\n').count();
        let dx_line = |index: usize| line_of(labels[index]);
        assert_eq!(line_of(summary.span.start), dx_line(first), "{rule}");
        assert_eq!(line_of(summary.related[0].span.start), dx_line(249), "{rule}");
    }
}
