//! How fast the code-set index is: loading, exact lookup, prefix search, word search.
//! Run with `cargo bench -p claimls-codes`. Targets: index ready within 30 ms of process start,
//! exact lookup under 1 µs, word search over all code sets under 2 ms.

use claimls_codes::{CodeSets, CodeSystem};
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn load_embedded_tables() -> usize {
    CodeSets::load_uncached_for_benchmark()
}

#[divan::bench(sample_count = 10)]
fn build_word_index(bencher: Bencher) {
    let sets = CodeSets::bundled();
    bencher.bench(|| sets.build_word_index_for_benchmark());
}

#[divan::bench(args = ["E11.9", "s72001a", "0DTJ4ZZ", "ZZZ99"])]
fn exact_icd_lookup(bencher: Bencher, code: &str) {
    let sets = CodeSets::bundled();
    bencher.bench(|| {
        sets.icd10cm(black_box(code)).is_some() || sets.icd10pcs(black_box(code)).is_some()
    });
}

#[divan::bench]
fn exact_hcpcs_lookup(bencher: Bencher) {
    let sets = CodeSets::bundled();
    bencher.bench(|| sets.hcpcs(black_box("J1815")).is_some());
}

#[divan::bench(args = ["E11", "S72.0", "0DT"])]
fn prefix_search(bencher: Bencher, prefix: &str) {
    let sets = CodeSets::bundled();
    bencher.bench(|| sets.prefix_search(black_box(prefix), &CodeSystem::ALL, 50).total);
}

#[divan::bench(args = [
    "hyperglyc",
    "type 2 diabetes hyperglycemia",
    "fracture femur",
    "insulin",
    "a",
    "s",
    "ac",
    "se",
    "fracture",
    "heart failure",
    "pneumonia",
    "chf",
    "acute m",
])]
fn word_search_all_systems(bencher: Bencher, query: &str) {
    let sets = CodeSets::bundled();
    sets.warm_up();
    bencher.bench(|| sets.word_search(black_box(query), &CodeSystem::ALL, 50).total);
}

#[divan::bench]
fn near_misses(bencher: Bencher) {
    let sets = CodeSets::bundled();
    bencher.bench(|| sets.icd10cm_near_misses(black_box("E11.99"), None, 5));
}
