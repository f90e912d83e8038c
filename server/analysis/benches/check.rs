//! `check` (parse and every rule) over a generated 100,000-line file of realistic, valid
//! professional claims and orders: varied codes, dates through 2026 and patients.

use std::fmt::Write;

use claimls_analysis::codes::{CodeSets, Date};
use claimls_analysis::{Config, check};

fn main() {
    divan::main();
}

const DX: &[&str] = &[
    "E11.9", "I10", "E78.5", "J06.9", "M54.50", "Z00.00", "F41.1", "K21.9", "E66.9", "J45.909",
    "M17.11", "N39.0", "R05.9", "G47.33", "E03.9", "Z23",
];
const SERVICES: &[&str] = &[
    "99213", "99214", "99212", "36415", "83036", "80061", "85025", "80053", "93000", "J1815",
    "J3420", "G0008", "96372", "71046", "99213-25", "20610-RT",
];
const NPIS: &[&str] = &["1234567893", "1245319599", "1528304615", "1679452031", "1382049579"];

/// About `lines` lines: 11-line claims and the odd order, every code valid on its date.
pub fn generate(lines: usize) -> String {
    let mut text = String::with_capacity(lines * 50);
    let mut written = 0;
    let mut n = 0usize;
    while written < lines {
        n += 1;
        let month = 1 + n % 10;
        let day = 1 + n % 28;
        let date = format!("2026-{month:02}-{day:02}");
        let dob = format!("{}-{:02}-{:02}", 1940 + n % 60, 1 + n % 12, 1 + n % 27);
        let (a, b, c) = (DX[n % DX.len()], DX[(n + 3) % DX.len()], DX[(n + 7) % DX.len()]);
        let npi = NPIS[n % NPIS.len()];
        let _ = write!(
            text,
            "# visit {n}\n\
             claim CLM-2026-{n:07}\n\
             \x20 patient \"Patient, Number{n}\" dob {dob} sex {sex} member XJ{n:07}\n\
             \x20 payer \"Acme Health\" id 60054\n\
             \x20 billing npi {npi}\n\
             \x20 pos 11\n\
             \x20 dx A {a}\n\
             \x20 dx B {b}\n\
             \x20 dx C {c}\n\
             \x20 line {date} {s1} ptr A,B units 1 charge 125.00\n\
             \x20 line {date} {s2} ptr C units 1 charge 15.00\n\
             end\n",
            sex = if n.is_multiple_of(2) { "F" } else { "M" },
            s1 = SERVICES[n % SERVICES.len()],
            s2 = SERVICES[(n + 5) % SERVICES.len()],
        );
        written += 12;
        if n.is_multiple_of(10) {
            let _ = write!(
                text,
                "order ORD-{n:07}\n\
                 \x20 patient \"Patient, Number{n}\" dob {dob}\n\
                 \x20 ordering npi {npi}\n\
                 \x20 date {date}\n\
                 \x20 dx A {a}\n\
                 \x20 test 83036 ptr A\n\
                 end\n"
            );
            written += 7;
        }
    }
    text
}

#[divan::bench(sample_count = 20)]
fn check_100k_lines(bencher: divan::Bencher) {
    let text = generate(100_000);
    let sets = CodeSets::bundled();
    let config = Config { today: Date::parse("2026-11-01").ok(), ..Config::default() };
    // Index the code sets before measuring, and make sure the claims are clean.
    let found = check(&text, &sets, &config);
    let unexpected = found.iter().find(|d| d.rule != "cpt-unverified");
    assert!(unexpected.is_none(), "{unexpected:?}");
    bencher.bench(|| check(divan::black_box(&text), &sets, &config));
}
