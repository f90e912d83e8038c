//! Property tests: on any text, and on the samples cut, spliced and sprinkled with delimiters,
//! parsing, checking and lowering never panic, and every span stays inside the text on
//! character boundaries.

mod common;

use proptest::prelude::*;

fn run(text: &str) {
    let file = claimls_x12::parse(text);
    let document = claimls_x12::lower(text, &file);
    common::check_all(text, &file, &document);
    assert_eq!(claimls_x12::diagnostics(text, &file), document.problems);
    // Lookups at every offset (and past the end) never panic and answer inside the text.
    for offset in (0..=text.len() + 2).step_by(1 + text.len() / 64) {
        if let Some(location) = file.location_at(offset) {
            let segment = file.segment(location.segment);
            common::check_span(text, segment.span(), "located segment");
            if location.element > 0 {
                assert!(segment.element(location.element).is_some());
            }
        }
    }
    for segment in file.segments() {
        let id = segment.id(text);
        let _ = claimls_x12::describe_segment(id);
        for element in segment.elements() {
            let _ = claimls_x12::element_name(id, element.position);
        }
    }
}

fn samples() -> &'static [String] {
    static SAMPLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let mut texts = vec![];
        for sub in ["samples", "fixtures"] {
            let mut paths: Vec<_> = std::fs::read_dir(dir.join(sub))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file() && p.metadata().unwrap().len() < 20_000)
                .collect();
            paths.sort();
            texts.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
        }
        texts
    })
}

/// Pieces that combine into text close to X12, to reach deep into the structure.
fn x12ish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260302*1200*^*00501*000000001*0*P*:~",
        "ISA*00*",
        "GS*HC*A*B*20260302*1200*1*X*005010X222A1~",
        "GS*HC*A*B*20260302*1200*1*X*005010X223A2~",
        "ST*837*0001*005010X222A1~",
        "ST*837*0001*005010X224A2~",
        "ST*999*1~",
        "BHT*0019*00*1*20260302*1200*CH~",
        "HL*1**20*1~",
        "HL*2*1*22*0~",
        "HL*3*2*23*0~",
        "HL*",
        "SBR*P*18*******CI~",
        "NM1*85*2*X*****XX*1528304615~",
        "NM1*IL*1*DOE*JANE****MI*1~",
        "NM1*QC*1*DOE*JO~",
        "NM1*82*1*A*B****XX*1~",
        "DMG*D8*19800101*F~",
        "CLM*C1*125***11:B:1*Y*A*Y*Y~",
        "CLM*C2*1***11:A:1~",
        "CLM*",
        "HI*ABK:E119*ABF:I10~",
        "HI*BK*8901~",
        "HI*BBR:0DTJ4ZZ:D8:20260402~",
        "HI*",
        "LX*1~",
        "SV1*HC:99213:25*125*UN*1***1:2~",
        "SV2*0450*HC:99283*10*UN*1~",
        "SV3*AD:D0120*55****1*****1~",
        "SV1*",
        "DTP*472*D8*20260302~",
        "DTP*472*RD8*20260302-20260305~",
        "DTP*434*RD8*20260302-~",
        "DTP*",
        "SE*10*0001~",
        "GE*1*1~",
        "IEA*1*000000001~",
        "~",
        "*",
        ":",
        "^",
        "\n",
        "\r\n",
        " ",
        "é",
        "\u{feff}",
        "-",
        "12",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|pieces| pieces.concat())
}

/// A sample, changed at a few places.
fn mutated() -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0usize..40,
        prop::sample::select(vec![
            "",
            "~",
            "*",
            ":",
            "^",
            "\n",
            "ISA",
            "HL*9*9*23*1~",
            "CLM*X*1~",
            "LX*",
            "SV1*HC",
            "é",
            ">",
        ]),
    );
    (any::<prop::sample::Index>(), prop::collection::vec(edit, 1..6)).prop_map(|(which, edits)| {
        let samples = samples();
        let mut text = samples[which.index(samples.len())].clone();
        for (at, cut, insert) in edits {
            if text.is_empty() {
                text.push_str(insert);
                continue;
            }
            let mut start = at.index(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, insert);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text(text in ".{0,400}") {
        run(&text);
    }

    #[test]
    fn x12_like_text(text in x12ish()) {
        run(&text);
    }

    #[test]
    fn mutated_samples(text in mutated()) {
        run(&text);
    }
}

/// Inputs that once broke something, kept as regression tests.
#[test]
fn regressions() {
    for text in [
        "",
        "ISA",
        "ISA*",
        "ISAé",
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260302*1200*^*00501*000000001*0*P*é~",
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260302*1200*^*00501*000000001*0*P*:",
        "ST*837\nSE",
        "\u{feff}",
        "   \n\n",
        "HL*1**20*1~HL*2*1*22*1~HL*3*2*23*1~CLM*A~SV1~",
        "ST*837*1~HI*BK~HI*BK*~HI*:~HI*ABK:~",
    ] {
        run(text);
    }
}
