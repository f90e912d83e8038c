//! Loading a fixture: directives, markers, code sets.

use std::path::Path;
use std::sync::OnceLock;

use claimls_analysis::codes::CodeSets;

#[derive(Debug)]
pub struct Fixture {
    /// The text without markers and directives.
    pub text: String,
    /// Where `$0` was (shifted by `%% shift`); the end of the text when there is no marker.
    pub offset: usize,
    /// `$0..$1` when both markers are present; else the whole text.
    pub range: claimls_analysis::Span,
    pub rename_to: Option<String>,
    pub include_declaration: bool,
    pub cpt: bool,
}

impl Fixture {
    pub fn load(path: &Path) -> Fixture {
        let raw = std::fs::read_to_string(path).expect("a readable fixture");
        Fixture::parse(&raw)
    }

    pub fn parse(raw: &str) -> Fixture {
        let mut shift = 0usize;
        let mut rename_to = None;
        let mut include_declaration = true;
        let mut cpt = false;
        let mut body = raw;
        while let Some(rest) = body.strip_prefix("%% ") {
            let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
            let line = line.trim_end_matches('\r');
            let mut parts = line.split_whitespace();
            match (parts.next(), parts.next()) {
                (Some("shift"), Some(n)) => shift = n.parse().expect("a number after shift"),
                (Some("rename"), Some(name)) => rename_to = Some(name.to_string()),
                (Some("rename"), None) => rename_to = Some(String::new()),
                (Some("nodecl"), _) => include_declaration = false,
                (Some("cpt"), _) => cpt = true,
                other => panic!("unknown directive {other:?}"),
            }
            body = after;
        }
        let cursor = body.find("$0");
        let mut text = body.replacen("$0", "", 1);
        let second = text.find("$1");
        text = text.replacen("$1", "", 1);
        let offset = cursor.map_or(text.len(), |at| at + shift);
        let range = match (cursor, second) {
            (Some(start), Some(end)) => claimls_analysis::Span::new(start, end),
            _ => claimls_analysis::Span::new(0, text.len()),
        };
        Fixture { text, offset, range, rename_to, include_declaration, cpt }
    }

    pub fn sets(&self) -> &'static CodeSets {
        if self.cpt { cpt_sets() } else { bundled() }
    }
}

fn bundled() -> &'static CodeSets {
    static SETS: OnceLock<CodeSets> = OnceLock::new();
    SETS.get_or_init(CodeSets::bundled)
}

fn cpt_sets() -> &'static CodeSets {
    static SETS: OnceLock<CodeSets> = OnceLock::new();
    SETS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cpt.tsv");
        std::fs::write(
            &path,
            "99213\tOffice or other outpatient visit for the evaluation and management of an \
             established patient, low level of medical decision making\n\
             99214\tOffice or other outpatient visit, established patient, moderate MDM\n\
             82947\tGlucose; quantitative, blood (except reagent strip)\n",
        )
        .expect("a written CPT file");
        let (sets, errors) = CodeSets::with_user_files(&[&path]);
        assert!(errors.is_empty(), "{errors:?}");
        sets
    })
}
