//! `cargo run -p claimls-x12 --example x12_check -- FILE...`: prints the structural diagnostics
//! of X12 files and how long parsing and lowering took.

fn main() {
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let start = std::time::Instant::now();
        let file = claimls_x12::parse(&text);
        let parsed = start.elapsed();
        let document = claimls_x12::lower(&text, &file);
        let lowered = start.elapsed();
        for d in &document.problems {
            let line = text[..d.span.start].matches('\n').count() + 1;
            println!("{path}:{line}: {} {}", d.rule, d.message);
        }
        eprintln!(
            "{path}: {} bytes, {} segments, {} claims, {} diagnostics; parse {:?}, parse+lower {:?}",
            text.len(),
            file.segment_count(),
            document.claims.len(),
            document.problems.len(),
            parsed,
            lowered
        );
    }
}
