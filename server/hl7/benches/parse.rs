//! Parse and lowering throughput on a generated 10 MB OML^O21 file (the generator of
//! `cargo xtask hl7-corpus`, compiled in by path).

#[allow(dead_code)]
#[path = "../../../xtask/src/hl7_corpus.rs"]
mod hl7_corpus;

fn main() {
    divan::main();
}

fn ten_megabytes() -> String {
    hl7_corpus::generate(10_000_000, 7).text
}

#[divan::bench(sample_count = 10)]
fn parse_10_mb(bencher: divan::Bencher) {
    let text = ten_megabytes();
    bencher.bench(|| claimls_hl7::parse(divan::black_box(&text)));
}

#[divan::bench(sample_count = 10)]
fn parse_and_lower_10_mb(bencher: divan::Bencher) {
    let text = ten_megabytes();
    bencher.bench(|| {
        let file = claimls_hl7::parse(divan::black_box(&text));
        claimls_hl7::lower(&text, &file)
    });
}
