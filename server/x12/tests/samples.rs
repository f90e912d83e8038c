//! Every public sample of `tests/samples/` (see its README.md and SOURCES.tsv) is read without a
//! panic, with every span inside the file and on character boundaries; its structural diagnostics
//! and a summary of its lowered claims are snapshots, reviewed one by one.

mod common;

fn is_sample(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.is_file() && name != "README.md" && name != "SOURCES.tsv"
}

#[test]
fn samples() {
    let mut seen = 0;
    insta::glob!("samples/*", |path| {
        if !is_sample(path) {
            return;
        }
        seen += 1;
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(common::render(&text));
    });
    assert_eq!(seen, 77, "every sample is read");
}

#[test]
fn every_sample_is_listed_in_sources() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if is_sample(&path) {
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(
                sources.lines().any(|l| l.starts_with(&format!("{name}\t"))),
                "{name} not in SOURCES.tsv"
            );
        }
    }
    assert!(dir.join("LICENSES").is_dir());
}
