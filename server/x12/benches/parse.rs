//! Parse and lowering throughput on an 8 MB 837P: the project's clean batch
//! (`examples/x12/clean-837p-batch.837`), its transaction repeated.

fn main() {
    divan::main();
}

/// About `bytes` of 837P: one interchange, one group, the example's transaction many times.
fn generate(bytes: usize) -> String {
    let example = include_str!("../../../examples/x12/clean-837p-batch.837");
    let st = example.find("ST*").expect("a transaction");
    let ge = example.find("GE*").expect("a group trailer");
    let (head, body, tail) = (&example[..st], &example[st..ge], &example[ge..]);
    let copies = bytes / body.len() + 1;
    let mut text = String::with_capacity(head.len() + body.len() * copies + tail.len());
    text.push_str(head);
    for _ in 0..copies {
        text.push_str(body);
    }
    text.push_str(&tail.replacen("GE*1*", &format!("GE*{copies}*"), 1));
    text
}

#[divan::bench]
fn parse_8mb(bencher: divan::Bencher) {
    let text = generate(8 << 20);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| claimls_x12::parse(divan::black_box(&text)));
}

#[divan::bench]
fn parse_and_lower_8mb(bencher: divan::Bencher) {
    let text = generate(8 << 20);
    bencher.counter(divan::counter::BytesCount::of_str(&text)).bench(|| {
        let file = claimls_x12::parse(divan::black_box(&text));
        claimls_x12::lower(&text, &file)
    });
}

#[divan::bench]
fn structure_check_8mb(bencher: divan::Bencher) {
    let text = generate(8 << 20);
    let file = claimls_x12::parse(&text);
    bencher.bench(|| claimls_x12::check(divan::black_box(&text), &file));
}
