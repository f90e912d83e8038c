//! Every public sample message (`tests/samples/`, see its README and SOURCES.tsv): it parses
//! without a panic, every span is valid, and its diagnostics and lowered orders are a
//! reviewed snapshot.

mod common;

#[test]
fn samples() {
    let mut count = 0;
    insta::glob!("samples/*.hl7", |path| {
        count += 1;
        let text = std::fs::read_to_string(path).unwrap();
        let file = claimls_hl7::parse(&text);
        let document = claimls_hl7::lower(&text, &file);
        common::check_all_spans(&text, &file, &document);
        insta::assert_snapshot!(common::render(&text, &document));
    });
    assert_eq!(count, 21, "every sample is read");
}
