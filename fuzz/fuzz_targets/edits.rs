//! Edits through the server's own code: a document opened in the server's state, then
//! `didChange` content changes (ranges anywhere, whole-text replacements) in UTF-8 or UTF-16.
//! Never a panic, and the text is exactly what a plain string edited by the rules of LSP
//! becomes (the model the tests use). Then the final text is checked and every diagnostic is
//! converted to an LSP range, as the server publishes it.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use claimls_analysis::codes::CodeSets;
use claimls_analysis::{Config, check};
use libfuzzer_sys::fuzz_target;
use claimls::lsp;
use claimls::lsp::line_index::{Encoding, LineIndex};
use claimls::lsp::state::{Options, State};
use claimls::lsp::test_client::model::{self, Units};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// A line or character: 255 means far past the end.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Coordinate(u8);

impl Coordinate {
    fn value(self) -> u32 {
        if self.0 == 255 { u32::MAX } else { u32::from(self.0 % 24) }
    }
}

#[derive(Arbitrary, Debug)]
struct Change {
    range: Option<[(Coordinate, Coordinate); 2]>,
    text: String,
}

#[derive(Arbitrary, Debug)]
struct Input {
    utf8: bool,
    initial: String,
    notifications: Vec<Vec<Change>>,
}

fn sets() -> &'static CodeSets {
    static SETS: OnceLock<CodeSets> = OnceLock::new();
    SETS.get_or_init(CodeSets::bundled)
}

fuzz_target!(|input: Input| {
    let (encoding, units) =
        if input.utf8 { (Encoding::Utf8, Units::Utf8) } else { (Encoding::Utf16, Units::Utf16) };
    let state = State::new(Options::default());
    state.session.write().unwrap().encoding = encoding;
    let uri: Uri = "file:///fuzz/edits.claim".parse().unwrap();
    state.open(uri.clone(), 1, &input.initial);
    let mut expected = input.initial.clone();
    for (version, changes) in (2..).zip(&input.notifications) {
        let mut events = Vec::new();
        for change in changes {
            let range = change
                .range
                .map(|[(sl, sc), (el, ec)]| [(sl.value(), sc.value()), (el.value(), ec.value())]);
            model::apply(&mut expected, units, range, &change.text);
            events.push(TextDocumentContentChangeEvent {
                range: range.map(|[(sl, sc), (el, ec)]| {
                    Range::new(Position::new(sl, sc), Position::new(el, ec))
                }),
                range_length: None,
                text: change.text.clone(),
            });
        }
        assert!(state.change(&uri, version, events));
        let (text, _) = state.document(&uri).unwrap();
        assert_eq!(text, expected);
    }
    let mut messages = Vec::new();
    let snapshot = state.snapshot(&uri, &mut messages).unwrap();
    let index = LineIndex::new(&snapshot.rope, encoding);
    for diagnostic in check(&snapshot.text, sets(), &Config::default()) {
        let range = index.range(diagnostic.span);
        assert!(range.start <= range.end);
        assert_eq!(index.span(range), diagnostic.span, "{diagnostic:?}");
        let _ = lsp::to_proto::diagnostic(&index, &uri, &diagnostic);
    }
});
