//! Parse throughput on a generated 100,000-line file of ~10-line claims.

use std::fmt::Write;

fn main() {
    divan::main();
}

fn generate(lines: usize) -> String {
    let mut text = String::with_capacity(lines * 48);
    let mut claim = 0;
    let mut written = 0;
    while written < lines {
        claim += 1;
        let _ = write!(
            text,
            "# claim {claim}\n\
             claim CLM-2026-{claim:06}\n\
             \x20 patient \"Doe, Jane\" dob 1980-04-12 sex F member XJ{claim:07}\n\
             \x20 payer Acme Health id 60054\n\
             \x20 billing npi 1234567893\n\
             \x20 pos 11\n\
             \x20 dx A E11.9\n\
             \x20 dx B I10\n\
             \x20 line 2026-03-02 99213-25 ptr A,B units 1 charge 125.00\n\
             \x20 line 2026-03-02..2026-03-05 J1815 ptr A units 10 charge 22.50 # insulin\n\
             end\n"
        );
        written += 11;
    }
    text
}

#[divan::bench]
fn parse_100k_lines(bencher: divan::Bencher) {
    let text = generate(100_000);
    bencher.bench(|| claimls_syntax::parse(divan::black_box(&text)));
}
