//! The generated OML^O21 corpus (`cargo xtask hl7-corpus`, compiled in by path) is read as
//! generated: every order lowered, and exactly one diagnostic per seeded mistake.

#[allow(dead_code)]
#[path = "../../../xtask/src/hl7_corpus.rs"]
mod hl7_corpus;

#[test]
fn generated_corpus_gives_one_diagnostic_per_seeded_mistake() {
    let corpus = hl7_corpus::generate(400_000, 7);
    assert_eq!(corpus.text, hl7_corpus::generate(400_000, 7).text, "deterministic");
    let file = claimls_hl7::parse(&corpus.text);
    let document = claimls_hl7::lower(&corpus.text, &file);
    assert_eq!(file.messages.len(), corpus.messages);
    assert_eq!(document.claims.len(), corpus.orders);
    let count = |rule: &str| document.problems.iter().filter(|p| p.rule == rule).count();
    let expected = |rule: &str| {
        hl7_corpus::MISTAKES
            .iter()
            .zip(corpus.mistakes)
            .filter(|((_, r), _)| *r == rule)
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    assert!(corpus.mistakes.iter().all(|&n| n > 0), "every kind seeded: {:?}", corpus.mistakes);
    for rule in ["coding-system", "segment", "unknown-code"] {
        assert_eq!(count(rule), expected(rule), "{rule}");
    }
    assert_eq!(document.problems.len(), corpus.mistakes.iter().sum::<usize>());
}
