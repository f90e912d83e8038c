//! The project's own HL7 examples: the clean orders get no diagnostic from this crate, and the
//! training file shows each HL7 rule.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hl7").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn clean_orders_get_no_diagnostic() {
    for name in ["clean/orders-orm.hl7", "clean/orders-oml.hl7"] {
        let text = read(name);
        let file = claimls_hl7::parse(&text);
        let document = claimls_hl7::lower(&text, &file);
        common::check_all_spans(&text, &file, &document);
        assert!(document.problems.is_empty(), "{name}: {:#?}", document.problems);
        assert!(document.claims.len() >= 5, "{name}: several orders");
        for claim in &document.claims {
            assert!(
                claim.id.is_some() && !claim.patients.is_empty() && !claim.order_dates.is_empty()
            );
            assert!(claim.providers.iter().all(|provider| provider.npi.is_some()));
            assert!(!claim.diagnoses.is_empty() && claim.lines.len() == 1);
            assert!(
                claim
                    .diagnoses
                    .iter()
                    .all(|dx| dx.system.as_ref().is_some_and(|s| s.text(&text) == "I10C"))
            );
            assert!(
                claim
                    .lines
                    .iter()
                    .all(|line| line.system.as_ref().is_some_and(|s| s.text(&text) == "C4"))
            );
        }
    }
}

#[test]
fn training_file_shows_each_hl7_rule() {
    let text = read("training/hl7-rules.hl7");
    let file = claimls_hl7::parse(&text);
    let document = claimls_hl7::lower(&text, &file);
    common::check_all_spans(&text, &file, &document);
    let rules: BTreeSet<&str> = document.problems.iter().map(|p| p.rule).collect();
    assert_eq!(rules, BTreeSet::from(["coding-system", "segment", "unknown-code"]));
    insta::assert_snapshot!(common::render(&text, &document));
}
