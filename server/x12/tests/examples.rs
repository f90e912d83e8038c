//! The project's own X12 files in `examples/x12/`: the clean ones get no structural diagnostic,
//! the training file gets each X12 rule exactly once; what they lower to is a snapshot.

mod common;

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/x12")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(examples().join(name)).unwrap()
}

#[test]
fn clean_examples_are_clean() {
    let mut seen = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.starts_with("clean-") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let file = claimls_x12::parse(&text);
        let document = claimls_x12::lower(&text, &file);
        common::check_all(&text, &file, &document);
        assert!(document.problems.is_empty(), "{name}: {:#?}", document.problems);
        assert!(!document.claims.is_empty(), "{name}");
        insta::assert_snapshot!(name.clone(), common::render(&text));
    }
    assert_eq!(seen, 3);
}

#[test]
fn training_shows_each_x12_rule_once() {
    let text = read("training.x12");
    let file = claimls_x12::parse(&text);
    let mut rules: Vec<_> = claimls_x12::diagnostics(&text, &file).iter().map(|d| d.rule).collect();
    rules.sort();
    assert_eq!(rules, ["claim-total", "envelope", "hierarchy", "qualifier", "segment"]);
    insta::assert_snapshot!(common::render(&text));
}
