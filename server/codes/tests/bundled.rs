//! The bundled code sets against counts and facts taken from the source data.

use claimls_codes::{CmKind, CodeSets, CodeSystem, Date};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

#[test]
fn counts_match_the_source_data() {
    let sets = CodeSets::bundled();
    assert_eq!(sets.count_icd10cm_valid_on(date("2025-10-01")), 74_719);
    assert_eq!(sets.count_icd10cm_valid_on(date("2026-10-01")), 74_879);
    assert_eq!(sets.count_icd10pcs_valid_on(date("2025-10-01")), 79_115);
    assert_eq!(sets.count_icd10pcs_valid_on(date("2026-10-01")), 79_256);
    assert_eq!(sets.count_hcpcs_valid_on(date("2026-04-01")), 8_256);
    // 403 of the OCE list, and 1P, 2P, 3P of the supplement.
    assert_eq!(sets.count_modifiers_valid_on(date("2026-04-01")), 406);
    // ICD-10-CM codes (headers, billable, unlisted), PCS, HCPCS, modifiers, places of service.
    assert_eq!(sets.bundled_sizes(), [98_980, 82_508, 9_076, 417, 52]);
}

#[test]
fn known_icd10cm_codes() {
    let sets = CodeSets::bundled();
    let today = date("2026-03-02");
    let e119 = sets.icd10cm("e119").unwrap();
    assert_eq!(e119.dotted(), "E11.9");
    assert_eq!(e119.kind, CmKind::Billable);
    assert_eq!(e119.title, "Type 2 diabetes mellitus without complications");
    assert!(sets.icd10cm_billable_on(&e119, today));

    let e11 = sets.icd10cm("E11").unwrap();
    assert_eq!(e11.kind, CmKind::Header);
    assert!(!sets.icd10cm_billable_on(&e11, today));
    let below = sets.icd10cm_billable_below("E11", Some(today));
    assert!(below.len() > 40 && below.iter().any(|c| c.code == "E1165"), "{}", below.len());

    assert!(sets.icd10cm_needs_seventh("S72.001"));
    assert!(sets.icd10cm_needs_seventh("T14.90"));
    assert!(!sets.icd10cm_needs_seventh("S72.001A"));
    let full: Vec<String> =
        sets.icd10cm_with_seventh("T14.90").into_iter().map(|(c, _)| c).collect();
    assert_eq!(full, ["T1490XA", "T1490XD", "T1490XS"]);

    let m545 = sets.icd10cm("M54.5").unwrap();
    assert!(sets.icd10cm_billable_on(&m545, date("2021-05-03")));
    assert!(!sets.icd10cm_billable_on(&m545, today));
    assert_eq!(m545.kind, CmKind::Header);

    let f32a = sets.icd10cm("F32.A").unwrap();
    assert!(!sets.icd10cm_billable_on(&f32a, date("2021-09-30")));
    assert!(sets.icd10cm_billable_on(&f32a, date("2021-10-01")));

    let c7831 = sets.icd10cm("C78.31").unwrap();
    assert_eq!(c7831.kind, CmKind::Unlisted);
    assert!(sets.icd10cm_billable_on(&c7831, date("2026-10-01")));
    assert!(!sets.icd10cm_billable_on(&c7831, today));

    for billable_three in ["B20", "F99", "P84", "R99", "Z66"] {
        assert_eq!(
            sets.icd10cm(billable_three).unwrap().kind,
            CmKind::Billable,
            "{billable_three}"
        );
    }
}

#[test]
fn mce_flags_hierarchy_and_notes() {
    let sets = CodeSets::bundled();
    let today = date("2026-03-02");
    assert!(sets.icd10cm_flags("G63", today).contains(&"manifestation"));
    assert!(sets.icd10cm_flags("Z37.0", today).contains(&"unacceptable"));
    assert!(sets.icd10cm_flags("O00.0", date("2015-12-01")).contains(&"maternity"));
    let adult = sets.age_group("adult", today).unwrap();
    assert_eq!((adult.low, adult.high), (15, 124));
    let maternity = sets.age_group("maternity", today).unwrap();
    assert_eq!((maternity.low, maternity.high), (9, 64));

    assert_eq!(sets.icd10cm_chapter("E11.9").unwrap().number, 4);
    assert_eq!(sets.icd10cm_section("E11.9").unwrap().id(), "E08-E13");
    assert!(sets.icd10cm_excludes1("E11.9", "E10.9").is_some());
    assert!(sets.icd10cm_excludes1("E10.9", "E11.9").is_some());
    assert!(sets.icd10cm_excludes1("E11.9", "I10").is_none());
}

#[test]
fn other_systems() {
    let sets = CodeSets::bundled();
    let j1815 = sets.hcpcs("j1815").unwrap();
    assert!(j1815.title.to_lowercase().contains("insulin"), "{}", j1815.title);
    let pcs = sets.icd10pcs("0DTJ4ZZ").unwrap();
    assert_eq!(pcs.title, "Resection of Appendix, Percutaneous Endoscopic Approach");
    assert_eq!(sets.place_of_service("11").unwrap().name, "Office");
    assert!(sets.modifier("25").unwrap().title.contains("E/M"));
    assert!(sets.modifier("ZZ").is_none());
    assert!(sets.cpt("99213").is_none(), "nothing of CPT is bundled");
    // D codes keep the code but no ADA description.
    let dental = sets.hcpcs("D0120").unwrap();
    assert_eq!(dental.title, "");
}

#[test]
fn search_by_words_prefix_and_near_misses() {
    let sets = CodeSets::bundled();
    let found = sets.search("type 2 diabetes hyperglycemia", &[CodeSystem::Icd10Cm], 10);
    assert_eq!(found.hits[0].code, "E11.65", "{:?}", found.hits);
    let partial = sets.word_search("hyperglyc", &[CodeSystem::Icd10Cm], 50);
    assert!(partial.hits.iter().any(|h| h.code == "E11.65"));
    assert!(partial.hits[0].billable);

    let prefix = sets.search("E11.6", &[CodeSystem::Icd10Cm], 5);
    assert!(prefix.hits.iter().all(|h| h.code.starts_with("E11.6")));
    assert!(prefix.hits[0].billable && !prefix.is_complete());

    assert!(sets.icd10cm_near_misses("E11.99", None, 5).contains(&"E11.9".to_string()));
    assert!(sets.icd10cm_near_misses("E19.1", None, 5).contains(&"E11.9".to_string()));
    // I01 is a category: its own codes come first, then the swap into I10.
    assert!(sets.icd10cm_near_misses("I01", None, 10).contains(&"I10".to_string()));
}

#[test]
fn editions_are_named() {
    let editions = CodeSets::bundled().editions();
    assert!(editions.iter().any(|e| e.set == "icd10cm" && e.edition.contains("FY2026")));
}

/// What the rules rely on to read a category's notes once for all its codes: the notes that
/// apply to a code are its category's followed by the own notes of each longer prefix.
#[test]
fn a_codes_notes_are_its_categorys_then_its_own() {
    use claimls_codes::NoteKind;
    let sets = CodeSets::bundled();
    // Every code below every category starting with these letters (thousands of codes, the
    // chapters with the most notes among them).
    let mut checked = 0;
    for letter in ["A", "E", "I", "M", "O", "S", "Z"] {
        let codes = sets.prefix_search(letter, &[CodeSystem::Icd10Cm], usize::MAX);
        for hit in &codes.hits {
            let norm = claimls_codes::normalize_code(&hit.code);
            for kind in [NoteKind::Excludes1, NoteKind::Excludes2] {
                let category = &norm[..3];
                let mut split = sets.icd10cm_notes_of_kind(category, kind);
                for len in 4..=norm.len() {
                    split.extend(sets.icd10cm_own_notes_of_kind(&norm[..len], kind));
                }
                assert_eq!(split, sets.icd10cm_notes_of_kind(&norm, kind), "{}", hit.code);
            }
            checked += 1;
        }
    }
    assert!(checked > 20_000, "{checked}");
}

/// The pairs a certified coder found passing silently: each is in an Excludes1 relation by a
/// qualified reference ("E08-E13 with .42") or by the note of a nested section.
#[test]
fn excludes1_pairs_of_qualified_references_and_nested_sections() {
    let sets = CodeSets::bundled();
    let pairs = [
        ("E11.42", "G63"),
        ("E11.51", "I79.8"),
        ("E11.41", "G59"),
        ("E11.610", "M14.671"),
        ("E11.21", "N08"),
        ("I69.320", "R47.01"),
        ("I69.392", "R29.810"),
        ("S06.0X1A", "F07.81"),
        ("I70.213", "I73.9"),
        // Notes of nested sections: M50-M54 (inside M40-M54), W20-W49 (inside W00-X58).
        ("M51.26", "M46.46"),
        ("W26.0XXA", "X99.1XXA"),
    ];
    for (a, b) in pairs {
        let found = sets.icd10cm_excludes1(a, b).or_else(|| sets.icd10cm_excludes1(b, a));
        assert!(found.is_some(), "{a} with {b}");
    }
    // Not every code of the category: E11.9 may go with G63's other neuropathies' codes.
    assert!(sets.icd10cm_excludes1("G63", "E11.9").is_none());
    assert!(sets.icd10cm_excludes1("R47.01", "I69.321").is_none());
}

/// Near misses stay in the code's category before going anywhere else.
#[test]
fn near_misses_rank_the_same_category_first() {
    let sets = CodeSets::bundled();
    let today = date("2026-03-02");
    let t14 = sets.icd10cm_near_misses("T14.9XXA", Some(today), 5);
    assert_eq!(t14.first().map(String::as_str), Some("T14.90XA"), "{t14:?}");
    assert!(t14.contains(&"T14.91XA".to_string()), "{t14:?}");
    let e11 = sets.icd10cm_near_misses("E11.99", Some(today), 5);
    assert!(e11.iter().take(2).all(|c| c.starts_with("E11.")), "{e11:?}");
    assert!(e11.contains(&"E11.9".to_string()), "{e11:?}");
    // Every same-category code comes before any other.
    for text in ["T14.9XXA", "E11.99", "I10.1", "J18.99", "S72.001X"] {
        let all = sets.icd10cm_near_misses(text, Some(today), usize::MAX);
        let category = &claimls_codes::normalize_code(text)[..3];
        let same = |c: &String| claimls_codes::normalize_code(c).starts_with(category);
        let first_other = all.iter().position(|c| !same(c)).unwrap_or(all.len());
        assert!(all[first_other..].iter().all(|c| !same(c)), "{text}: {all:?}");
    }
}

/// A deleted code keeps a title and names the codes that replaced it on the date.
#[test]
fn deleted_codes_keep_a_title_and_name_their_successors() {
    let sets = CodeSets::bundled();
    let t814 = sets.icd10cm("T81.4XXA").unwrap();
    assert_eq!(t814.kind, CmKind::Unlisted);
    assert_eq!(t814.title, "Infection following a procedure, initial encounter");
    let after: Vec<String> = sets
        .icd10cm_successors("T81.4XXA", date("2026-03-02"))
        .iter()
        .map(|c| c.dotted())
        .collect();
    assert_eq!(
        after,
        ["T81.40XA", "T81.41XA", "T81.42XA", "T81.43XA", "T81.44XA", "T81.49XA"],
        "same stem, same 7th character"
    );
    // A split code: D69.1 became D69.11 and D69.19 in FY2027.
    let d691: Vec<String> =
        sets.icd10cm_successors("D69.1", date("2026-10-01")).iter().map(|c| c.dotted()).collect();
    assert!(!d691.is_empty() && d691.iter().all(|c| c.starts_with("D69.1")), "{d691:?}");
    // Every code that was ever billable has a title or a short title, but the FY2027
    // additions (no registry package has their titles) and a few deleted before 2019.
    let mut untitled = 0;
    for hit in sets.prefix_search("", &[CodeSystem::Icd10Cm], usize::MAX).hits {
        let code = sets.icd10cm(&hit.code).unwrap();
        let ever_billable = !sets.icd10cm_windows(&code).is_empty();
        if ever_billable && code.title.is_empty() && code.short_title.is_empty() {
            let added_later =
                sets.icd10cm_windows(&code).iter().all(|w| w.start >= date("2026-10-01"));
            if !added_later {
                untitled += 1;
            }
        }
    }
    assert!(untitled < 200, "{untitled} deleted codes without any title");
}

#[test]
fn seventh_characters_say_what_they_tell() {
    let sets = CodeSets::bundled();
    let subject = |code: &str| sets.icd10cm_seventh_subject(code).unwrap_or("none");
    assert!(subject("S72.001").starts_with("the encounter"));
    assert_eq!(subject("O36.5930"), "which fetus");
    assert_eq!(subject("O69.0"), "which fetus");
    assert_eq!(subject("H40.11"), "the stage");
    assert!(subject("E11.3511").starts_with("which eye"), "{}", subject("E11.3511"));
    assert_eq!(subject("R40.2142"), "when the score was taken");
    assert_eq!(subject("M1A.07"), "whether there are tophi");
    assert_eq!(subject("E11.9"), "none");
}

#[test]
fn icd9_codes_map_to_icd10cm_through_the_gems() {
    let sets = CodeSets::bundled();
    let codes = |icd9: &str| -> Vec<&str> {
        sets.icd9_to_icd10cm(icd9).iter().map(|m| m.icd10cm).collect()
    };
    assert_eq!(codes("250.00"), ["E119"]);
    assert_eq!(codes("25000"), ["E119"]);
    assert_eq!(codes("401.9"), ["I10"]);
    assert_eq!(codes("486"), ["J189"]);
    assert_eq!(codes("V70.0"), ["Z0000"]);
    assert!(codes("780.60").contains(&"R509"));
    // The GEM has no ICD-10-CM code for 365.70 (a "no map" row): nothing is offered.
    assert!(codes("365.70").is_empty());
    assert!(sets.icd9_to_icd10cm("250.00")[0].approximate);
}

#[test]
fn modifiers_the_oce_leaves_out_are_known_with_their_source() {
    let sets = CodeSets::bundled();
    for modifier in ["1P", "2P", "3P"] {
        let found = sets.modifier(modifier).unwrap_or_else(|| panic!("{modifier}"));
        assert!(found.valid_on(date("2026-03-02")), "{modifier}");
        let source = sets.modifier_supplement_source(modifier).unwrap_or("");
        assert!(source.contains("CMS quality reporting"), "{modifier}: {source}");
    }
    assert!(sets.modifier_supplement_source("8P").is_none(), "8P is on the OCE list");
    assert!(sets.modifier_supplement_source("25").is_none());
    assert!(sets.edition("modifiers").is_some_and(|e| e.contains("1P, 2P, 3P")));
}
