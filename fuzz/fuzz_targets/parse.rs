//! The parser never panics, on any text, and every span it returns lies inside the text on
//! character boundaries, in order.
#![no_main]

use claimls_syntax::{Span, parse};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what} {span:?}");
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = parse(&text);
    for error in &file.errors {
        check(&text, error.span, "error");
        assert!(!error.message.is_empty());
    }
    let mut last = 0;
    for token in &file.tokens {
        check(&text, token.span, "semantic token");
        assert!(token.span.start >= last, "semantic tokens out of order");
        last = token.span.end;
    }
    for block in &file.blocks {
        check(&text, block.span, "block");
        for statement in &block.statements {
            check(&text, statement.span, "statement");
            assert!(
                block.span.start <= statement.span.start && statement.span.end <= block.span.end
            );
        }
    }
});
