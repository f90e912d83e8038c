//! A file parsed a few messages at a time (`parse_in_chunks`, what `claimls check` does) and
//! walked and lowered chunk by chunk gives what parsing and lowering it whole gives: the same
//! segments, problems and orders, for any chunk size.

#[allow(dead_code)]
#[path = "../../../xtask/src/hl7_corpus.rs"]
mod hl7_corpus;

use std::path::PathBuf;

/// Every rule and sample file, one after the other: stray segments, batch envelopes, bad
/// headers, other delimiters, run-together segments and every message kind, in one text.
fn all_test_files() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut paths: Vec<PathBuf> = ["rules", "samples"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(dir.join(sub)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "hl7"))
        .collect();
    paths.sort();
    assert!(paths.len() > 30, "the test files are found");
    let mut text = String::new();
    for path in paths {
        text.push_str(&std::fs::read_to_string(path).unwrap());
        text.push('\r');
    }
    text
}

fn same_in_chunks(text: &str) {
    let file = claimls_hl7::parse(text);
    let whole = claimls_hl7::lower(text, &file);
    for segments in [1, 2, 3, 10, 1000] {
        let (mut parsed, mut problems, mut orders, mut messages) = (vec![], vec![], vec![], 0);
        let mut walked = Vec::new();
        claimls_hl7::parse_in_chunks(text, segments, |chunk| {
            parsed.extend(chunk.segments.iter().map(|s| format!("{s:?}")));
            problems.extend(chunk.problems.iter().map(|p| format!("{p:?}")));
            messages += chunk.messages.len();
            let walk = claimls_hl7::walk(text, &chunk);
            for order in &walk.orders {
                orders.push(format!("{:?}", claimls_hl7::lower_order(text, &chunk, order)));
            }
            walked.extend(walk.problems.iter().map(|p| format!("{p:?}")));
        });
        let context = format!("chunks from {segments} segments");
        let expected: Vec<String> = file.segments.iter().map(|s| format!("{s:?}")).collect();
        assert_eq!(parsed, expected, "{context}: segments");
        let expected: Vec<String> = file.problems.iter().map(|p| format!("{p:?}")).collect();
        assert_eq!(problems, expected, "{context}: the parser's problems");
        assert_eq!(messages, file.messages.len(), "{context}: messages");
        let expected: Vec<String> = whole.problems.iter().map(|p| format!("{p:?}")).collect();
        assert_eq!(walked, expected, "{context}: every problem");
        let expected: Vec<String> = whole.claims.iter().map(|c| format!("{c:?}")).collect();
        assert_eq!(orders, expected, "{context}: the orders");
    }
}

#[test]
fn every_test_file_in_one_text() {
    same_in_chunks(&all_test_files());
}

#[test]
fn generated_corpus_with_mistakes() {
    same_in_chunks(&hl7_corpus::generate(60_000, 7).text);
}

#[test]
fn segments_before_any_msh_are_reported_once_a_file() {
    let text = "PID|1||M1\rMSH|^~\\&|A||||20260302||ORM^O01|1|P|2.5.1\rBTS|1\rPID|1||M2\r\
                PID|1||M3\rMSH|^~\\&|A||||20260302||ORM^O01|2|P|2.5.1\r";
    same_in_chunks(text);
    let file = claimls_hl7::parse(text);
    let stray = file.problems.iter().filter(|p| p.message.contains("before any MSH")).count();
    assert_eq!(stray, 1);
}

#[test]
fn an_empty_text_is_one_empty_chunk() {
    let mut chunks = 0;
    claimls_hl7::parse_in_chunks("", 10, |chunk| {
        chunks += 1;
        assert!(chunk.segments.is_empty() && chunk.problems.is_empty());
    });
    assert_eq!(chunks, 1);
}
