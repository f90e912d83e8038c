//! Data-driven fixtures: each `tests/fixtures/*.x12` shows one rule (or one way of writing X12)
//! and its snapshot holds the diagnostics, their fixes and the lowered claims.

mod common;

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.x12", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(common::render(&text));
    });
}

/// Applies the first fix of every diagnostic of `rule` (they do not overlap in these files).
fn apply_fixes(text: &str, rule: &str) -> String {
    let file = claimls_x12::parse(text);
    let mut edits: Vec<_> = claimls_x12::diagnostics(text, &file)
        .into_iter()
        .filter(|d| d.rule == rule)
        .filter_map(|d| d.fixes.into_iter().next())
        .flat_map(|f| f.edits)
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut fixed = text.to_string();
    for edit in edits {
        fixed.replace_range(edit.span.range(), &edit.new_text);
    }
    fixed
}

fn rules(text: &str) -> Vec<&'static str> {
    let file = claimls_x12::parse(text);
    claimls_x12::diagnostics(text, &file).into_iter().map(|d| d.rule).collect()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

#[test]
fn the_fixes_fix_what_they_say() {
    for (name, rule) in [
        ("envelope_se_count.x12", "envelope"),
        ("envelope_control_numbers.x12", "envelope"),
        ("envelope_counts.x12", "envelope"),
        ("envelope_missing_trailers.x12", "envelope"),
        ("claim_total.x12", "claim-total"),
        ("hierarchy_numbering.x12", "hierarchy"),
        ("hierarchy_parent.x12", "hierarchy"),
        ("segment_hi_code_apart.x12", "segment"),
        ("qualifier_first_hi.x12", "qualifier"),
    ] {
        let text = fixture(name);
        assert!(rules(&text).contains(&rule), "{name} shows {rule}");
        let fixed = apply_fixes(&text, rule);
        // What had a fix is gone; what is left of the rule had none to offer.
        let left = claimls_x12::diagnostics(&fixed, &claimls_x12::parse(&fixed));
        let fixable_before = claimls_x12::diagnostics(&text, &claimls_x12::parse(&text))
            .iter()
            .filter(|d| d.rule == rule && !d.fixes.is_empty())
            .count();
        assert!(fixable_before > 0, "{name} has a {rule} fix");
        assert!(
            left.iter().filter(|d| d.rule == rule).all(|d| d.fixes.is_empty()),
            "{name}: after the {rule} fixes:\n{fixed}\n{:#?}",
            claimls_x12::diagnostics(&fixed, &claimls_x12::parse(&fixed))
        );
    }
}

#[test]
fn the_clean_fixture_is_clean() {
    assert_eq!(rules(&fixture("clean.x12")), Vec::<&str>::new());
    // Written any way, the same file is still clean.
    for name in [
        "parse_bom_crlf.x12",
        "parse_one_line.x12",
        "parse_wrapped.x12",
        "parse_other_delimiters.x12",
        "parse_newline_terminator.x12",
        "parse_no_envelope.x12",
    ] {
        assert_eq!(rules(&fixture(name)), Vec::<&str>::new(), "{name}");
    }
}

#[test]
fn the_same_claims_however_written() {
    let summary = |text: &str| {
        let file = claimls_x12::parse(text);
        let document = claimls_x12::lower(text, &file);
        let mut out = String::new();
        common::render_claims(text, &document, &mut out);
        out
    };
    let clean = summary(&fixture("clean.x12"));
    for name in [
        "parse_bom_crlf.x12",
        "parse_one_line.x12",
        "parse_wrapped.x12",
        "parse_other_delimiters.x12",
        "parse_newline_terminator.x12",
        "parse_no_envelope.x12",
        "parse_prose_before_isa.x12",
        "parse_malformed_isa.x12",
    ] {
        assert_eq!(summary(&fixture(name)), clean, "{name}");
    }
}
