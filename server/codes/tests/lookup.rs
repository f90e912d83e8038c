//! Everyday look-ups: what a coder types, and the code they expect among the first three hits
//! of `claimls lookup`, word completion and `claimls/searchCodes` (all go through
//! `CodeSets::search`).

use claimls_codes::{CodeSets, CodeSystem};

/// (query, the code a coder expects in the top 3, the systems searched)
const EVERYDAY: &[(&str, &str, &[CodeSystem])] = &[
    ("heart failure", "I50.9", &CodeSystem::ALL),
    ("pneumonia", "J18.9", &CodeSystem::ALL),
    ("fever", "R50.9", &CodeSystem::ALL),
    ("influenza", "J11.1", &[CodeSystem::Icd10Cm]),
    ("chf", "I50.9", &CodeSystem::ALL),
    ("copd", "J44.9", &CodeSystem::ALL),
    ("gerd", "K21.9", &CodeSystem::ALL),
    ("uti", "N39.0", &CodeSystem::ALL),
    ("htn", "I10", &CodeSystem::ALL),
    ("hypertension", "I10", &CodeSystem::ALL),
    ("afib", "I48.91", &CodeSystem::ALL),
    ("atrial fibrillation", "I48.91", &CodeSystem::ALL),
    ("dm2", "E11.9", &CodeSystem::ALL),
    ("type 2 diabetes", "E11.9", &CodeSystem::ALL),
    ("type 2 diabetes hyperglycemia", "E11.65", &CodeSystem::ALL),
    ("ckd", "N18.9", &CodeSystem::ALL),
    ("mi", "I21.9", &[CodeSystem::Icd10Cm]),
    ("cva", "I63.9", &CodeSystem::ALL),
    ("stroke", "I63.9", &CodeSystem::ALL),
    ("sob", "R06.02", &CodeSystem::ALL),
    ("shortness of breath", "R06.02", &CodeSystem::ALL),
    ("chest pain", "R07.9", &CodeSystem::ALL),
    ("headache", "R51.9", &CodeSystem::ALL),
    ("low back pain", "M54.50", &CodeSystem::ALL),
    ("hyperlipidemia", "E78.5", &CodeSystem::ALL),
    ("hld", "E78.5", &CodeSystem::ALL),
    ("obesity", "E66.9", &CodeSystem::ALL),
    ("anemia", "D64.9", &CodeSystem::ALL),
    ("asthma", "J45.909", &CodeSystem::ALL),
    ("depression", "F32.A", &[CodeSystem::Icd10Cm]),
    ("anxiety", "F41.9", &CodeSystem::ALL),
    ("hypothyroidism", "E03.9", &CodeSystem::ALL),
    ("cough", "R05.9", &CodeSystem::ALL),
    ("nausea with vomiting", "R11.2", &CodeSystem::ALL),
    ("urinary tract infection", "N39.0", &CodeSystem::ALL),
    ("osteoarthritis knee", "M17.9", &CodeSystem::ALL),
    ("dizziness", "R42", &CodeSystem::ALL),
    ("sinusitis", "J32.9", &CodeSystem::ALL),
    ("g0439", "G0439", &CodeSystem::ALL),
    ("e11.9", "E11.9", &CodeSystem::ALL),
    ("insulin", "J1815", &[CodeSystem::Hcpcs]),
];

#[test]
fn everyday_queries_find_the_expected_code_in_the_top_three() {
    let sets = CodeSets::bundled();
    let mut misses = Vec::new();
    for &(query, expected, systems) in EVERYDAY {
        let found = sets.search(query, systems, 3);
        if !found.hits.iter().any(|hit| hit.code == expected) {
            let got: Vec<String> =
                found.hits.iter().map(|h| format!("{} {}", h.code, h.title)).collect();
            misses.push(format!("{query:?}: expected {expected}, got {got:?}"));
        }
    }
    let passed = EVERYDAY.len() - misses.len();
    println!("{passed} of {} everyday queries have the expected code in the top 3", EVERYDAY.len());
    assert!(EVERYDAY.len() >= 30);
    assert!(
        misses.is_empty(),
        "{passed}/{} passed; misses:\n{}",
        EVERYDAY.len(),
        misses.join("\n")
    );
}

/// A HCPCS code typed as HCPCS writes it comes before an ICD-10-CM code typed without its dot.
#[test]
fn a_code_in_its_own_systems_shape_comes_first() {
    let sets = CodeSets::bundled();
    let found = sets.search("g0439", &CodeSystem::ALL, 5);
    assert_eq!(found.hits[0].code, "G0439", "{:?}", found.hits);
    assert_eq!(found.hits[0].system, CodeSystem::Hcpcs);
    let exact = sets.exact_matches("g0439");
    assert_eq!(exact.first().map(|h| h.system), Some(CodeSystem::Hcpcs), "{exact:?}");
    assert!(exact.iter().any(|h| h.code == "G04.39"), "{exact:?}");
    let dotted = sets.exact_matches("G04.39");
    assert_eq!(dotted.first().map(|h| h.code.as_str()), Some("G04.39"), "{dotted:?}");
}

/// "…without heart failure" is not what `heart failure` asks for.
#[test]
fn negated_matches_come_last() {
    let sets = CodeSets::bundled();
    let found = sets.search("heart failure", &[CodeSystem::Icd10Cm], 20);
    assert!(found.hits.iter().all(|h| !h.title.contains("without heart failure")), "{found:?}");
    let all = sets.search("heart failure", &[CodeSystem::Icd10Cm], usize::MAX);
    let first_negated = all.hits.iter().position(|h| h.title.contains("without heart failure"));
    let last_plain = all.hits.iter().rposition(|h| !h.title.contains("without heart failure"));
    assert!(first_negated > last_plain, "{first_negated:?} {last_plain:?}");
}

/// An ICD-9-CM code is offered the ICD-10-CM codes of the CMS GEMs.
#[test]
fn icd9_codes_find_their_icd10cm_codes() {
    let sets = CodeSets::bundled();
    let found = sets.search("250.00", &CodeSystem::ALL, 5);
    assert_eq!(found.hits.first().map(|h| h.code.as_str()), Some("E11.9"), "{found:?}");
    assert!(found.hits[0].title.contains("ICD-9-CM 250.00"), "{found:?}");
    assert!(sets.search("250.00", &[CodeSystem::Hcpcs], 5).hits.is_empty());
}

/// Every code is one hit, found by its title or a term, by shorthand or as typed; the total
/// counts each once.
#[test]
fn hits_are_distinct_and_the_total_exact() {
    let sets = CodeSets::bundled();
    for query in ["heart failure", "chf", "htn", "influenza", "fracture femur", "uti"] {
        let all = sets.word_search(query, &CodeSystem::ALL, usize::MAX);
        let mut codes: Vec<(CodeSystem, &str)> =
            all.hits.iter().map(|h| (h.system, h.code.as_str())).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.hits.len(), "{query}: a code twice");
        assert_eq!(all.total, all.hits.len(), "{query}");
        let few = sets.word_search(query, &CodeSystem::ALL, 3);
        assert_eq!(few.total, all.total, "{query}");
        assert_eq!(few.hits[..], all.hits[..3], "{query}");
    }
}

/// The working arrays kept between queries leave nothing behind: a query answers the same
/// after any other.
#[test]
fn a_query_answers_the_same_after_others() {
    let sets = CodeSets::bundled();
    let first = sets.word_search("heart failure", &CodeSystem::ALL, 20);
    for other in ["a", "se", "fracture femur", "type 2 diabetes hyperglycemia", "chf"] {
        sets.word_search(other, &CodeSystem::ALL, 50);
        assert_eq!(sets.word_search("heart failure", &CodeSystem::ALL, 20), first, "after {other}");
    }
}
