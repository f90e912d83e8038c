//! Snapshot tests: every `tests/fixtures/*.claim` is parsed and rendered.

mod common;

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.claim", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let file = claimls_syntax::parse(&text);
        insta::assert_snapshot!(common::render(&file, &text));
    });
}
