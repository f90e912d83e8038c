//! The whole analysis never panics: every rule over any text, and every editor feature
//! (hover, completion, navigation, rename, inlay hints, symbols, folding, formatting) at
//! offsets spread over the text, inside multi-byte characters and past the end. Diagnostics,
//! fixes and feature results stay inside the text. Checking one block at a time on two threads,
//! and checking only the block under an offset, find what checking the whole tree finds.
#![no_main]

use std::sync::OnceLock;

use claimls_analysis::codes::CodeSets;
use claimls_analysis::{Config, Span, check_at, check_in_pieces, check_parsed, ide, syntax};
use libfuzzer_sys::fuzz_target;

fn sets() -> &'static CodeSets {
    static SETS: OnceLock<CodeSets> = OnceLock::new();
    SETS.get_or_init(CodeSets::bundled)
}

fn inside(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what} {span:?}");
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?}"
    );
}

// The word index is built on first use: once, before fuzzing, not inside the first input.
fuzz_target!(init: sets().warm_up(), |data: &[u8]| run(data));

fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let sets = sets();
    let file = syntax::parse(text);
    let config = Config::default();
    let all = check_parsed(text, &file, sets, &config);
    let mut pieces = Vec::new();
    check_in_pieces(text, sets, &config, 1, 2, |piece| pieces.push(piece));
    assert_eq!(pieces.concat(), all, "in pieces");
    for diagnostic in &all {
        inside(text, diagnostic.span, diagnostic.rule);
        for edit in diagnostic.fixes.iter().flat_map(|fix| &fix.edits) {
            inside(text, edit.span, "fix");
        }
        for related in &diagnostic.related {
            inside(text, related.span, "related");
        }
    }
    for edit in ide::format(text, &file) {
        inside(text, edit.span, "format");
    }
    let _ = ide::document_symbols(&file);
    let _ = ide::folding_ranges(&file);
    let _ = ide::comment_folding_ranges(text);
    let document = claimls_analysis::syntax::lower(text, &file);
    let naming = &claimls_analysis::syntax::NAMING;
    let step = (text.len() / 8).max(1);
    let offsets = (0..=text.len() + 1).step_by(step).chain([text.len(), usize::MAX]);
    for offset in offsets {
        let under: Vec<_> = all.iter().filter(|d| d.span.touches(offset)).cloned().collect();
        assert_eq!(check_at(text, &file, sets, &config, offset), under, "at {offset}");
        if let Some(hover) = ide::hover(text, &document, naming, sets, offset) {
            inside(text, hover.span, "hover");
        }
        let _ = ide::completions(text, &file, sets, offset);
        if let Some(span) = ide::definition(&document, offset) {
            inside(text, span, "definition");
        }
        for span in ide::references(&document, offset, true) {
            inside(text, span, "reference");
        }
        let _ = ide::highlights(&document, offset);
        if let Ok(edits) = ide::rename(text, &document, naming, offset, "C") {
            for edit in edits {
                inside(text, edit.span, "rename");
            }
        }
        let _ = ide::inlay_hints(text, &document, sets, Span::new(offset, offset.saturating_add(64)));
    }
}
