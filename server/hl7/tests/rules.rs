//! Data-driven fixtures, one or a few per rule: every `tests/rules/*.hl7` is parsed and
//! lowered, and its diagnostics and orders are a reviewed snapshot.

mod common;

#[test]
fn rules() {
    insta::glob!("rules/*.hl7", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let file = claimls_hl7::parse(&text);
        let document = claimls_hl7::lower(&text, &file);
        common::check_all_spans(&text, &file, &document);
        insta::assert_snapshot!(common::render(&text, &document));
    });
}
