//! Every public X12 837 and HL7 v2 sample (`server/x12/tests/samples`,
//! `server/hl7/tests/samples`: files from open-source projects, with their licences) checked
//! with every rule, as `claimls check` would (the syntax by extension, else by content), with
//! `today = 2026-11-01`: the diagnostics of each, one per line, are a snapshot to review.

use std::path::{Path, PathBuf};

use claimls_analysis::codes::{CodeSets, Date};
use claimls_analysis::{Config, Diagnostic, Language, check_text};

fn samples(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter(|path| !matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "tsv")))
        .collect();
    files.sort();
    files
}

/// `line:col` (1-based; lines end at LF, CRLF or CR) of a byte offset.
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset];
    let line = before.matches('\n').count() + before.matches('\r').count()
        - before.matches("\r\n").count()
        + 1;
    let column = before.rsplit(['\n', '\r']).next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

/// At most this many diagnostics of a file are listed (a file of 400 copies of one claim says
/// the same 400 times); the hints (CPT cannot be verified) are counted, not listed.
const LISTED: usize = 120;

fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let (hints, listed): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diagnostics.iter().partition(|d| d.severity == claimls_analysis::Severity::Hint);
    for d in listed.iter().take(LISTED) {
        let shown = d.span.slice(text);
        let shown: String = shown.chars().take(24).collect();
        out.push_str(&format!(
            "{} {} {} `{shown}`: {}\n",
            position(text, d.span.start),
            d.severity.as_str(),
            d.rule,
            d.message
        ));
    }
    if listed.len() > LISTED {
        out.push_str(&format!("… and {} more\n", listed.len() - LISTED));
    }
    out.push_str(&format!("{} hints\n", hints.len()));
    out
}

#[test]
fn every_sample_is_checked_with_every_rule() {
    let sets = CodeSets::bundled();
    let config = Config { today: Date::parse("2026-11-01").ok(), ..Config::default() };
    let mut all = samples("../x12/tests/samples");
    all.extend(samples("../hl7/tests/samples"));
    assert!(all.len() >= 90, "{}", all.len());
    for path in all {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let language = Language::of_file(&path, &text);
        let diagnostics = check_text(&text, language, &sets, &config);
        for d in &diagnostics {
            assert!(d.span.end <= text.len() && text.is_char_boundary(d.span.start));
            assert!(text.is_char_boundary(d.span.end), "{}", path.display());
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{:?}\n{}", language, render(&text, &diagnostics)));
        });
    }
}
