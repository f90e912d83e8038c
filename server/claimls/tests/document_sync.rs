//! Document sync is exact: random `didChange` content changes (multi-byte characters, CRLF and
//! lone CR, ranges at line ends, past them and past the document, reversed ranges, whole-text
//! replacements) applied through the server's own state code, in UTF-8 and UTF-16, give the
//! same text as a plain string edited by the rules of LSP (`support::model`). And the server's
//! offset ↔ position conversions agree with that model at every character.

mod support;

use proptest::prelude::*;
use ropey::Rope;
use support::model::{self, Units};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use claimls::lsp::line_index::{Encoding, LineIndex};
use claimls::lsp::state::{Options, State};

/// Pieces of text: ASCII, 2-, 3- and 4-byte characters (the last two UTF-16 units), and every
/// kind of line break, so edits split and join `\r\n` pairs.
const PIECES: &[&str] =
    &["a", "Z", " ", "9", "\"", "é", "中", "𝄞", "😀", "\n", "\r\n", "\r", "\t", "dx A E11.9"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..30).prop_map(|pieces| pieces.concat())
}

/// A line or character: mostly near the text, sometimes far past it.
fn coordinate() -> impl Strategy<Value = u32> {
    prop_oneof![8 => 0..12u32, 1 => Just(u32::MAX), 1 => 12..1000u32]
}

type Change = (Option<[(u32, u32); 2]>, String);

fn change() -> impl Strategy<Value = Change> {
    let position = || (coordinate(), coordinate());
    let range = prop_oneof![1 => Just(None), 12 => [position(), position()].prop_map(Some)];
    (range, text())
}

fn units(encoding: Encoding) -> Units {
    match encoding {
        Encoding::Utf8 => Units::Utf8,
        Encoding::Utf16 => Units::Utf16,
    }
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16)]
}

fn event((range, text): &Change) -> TextDocumentContentChangeEvent {
    let range =
        range.map(|[(sl, sc), (el, ec)]| Range::new(Position::new(sl, sc), Position::new(el, ec)));
    TextDocumentContentChangeEvent { range, range_length: None, text: text.clone() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn edits_through_the_server_match_a_plain_string(
        encoding in encoding(),
        initial in text(),
        notifications in prop::collection::vec(prop::collection::vec(change(), 1..4), 1..12),
    ) {
        let state = State::new(Options::default());
        state.session.write().unwrap().encoding = encoding;
        let uri: Uri = "file:///nowhere/sync.claim".parse().unwrap();
        state.open(uri.clone(), 1, initial.clone());
        let mut expected = initial.clone();
        for (version, changes) in (2..).zip(&notifications) {
            // One notification's changes apply in order, each to the result of the last.
            prop_assert!(state.change(&uri, version, changes.iter().map(event).collect()));
            for (range, text) in changes {
                model::apply(&mut expected, units(encoding), *range, text);
            }
            let (text, held) = state.document(&uri).unwrap();
            prop_assert_eq!(&text, &expected, "after {:?}", changes);
            prop_assert_eq!(held, version);
        }
    }

    #[test]
    fn positions_and_offsets_agree_with_the_model(encoding in encoding(), text in text()) {
        let rope = Rope::from_str(&text);
        let index = LineIndex::new(&rope, encoding);
        let units = units(encoding);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            // The `\n` of a `\r\n` pair has no position of its own.
            if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue;
            }
            let (line, character) = model::position(&text, units, offset);
            prop_assert_eq!(index.position(offset), Position::new(line, character), "offset {}", offset);
            prop_assert_eq!(index.offset(Position::new(line, character)), offset);
        }
        for line in 0..text.lines().count() as u32 + 2 {
            for character in [0, 1, 2, 3, 5, 8, 13, u32::MAX] {
                let expected = model::offset(&text, units, line, character);
                prop_assert_eq!(index.offset(Position::new(line, character)), expected);
            }
        }
    }
}
