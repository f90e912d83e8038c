//! Project tasks, run with `cargo xtask ...` (an alias in `.cargo/config.toml`):
//!
//! - `cargo xtask bench [--smoke]`: builds the release `claimls`, measures batch checking of
//!   every format beside its peers (`peers.rs`, installed by the bench), adversarial scaling,
//!   start-up, the language server over stdio for every format and its memory, prints the tables
//!   with the targets of issue #17 and writes `target/bench/results.json`. `--smoke` is the
//!   quick run CI makes (tiny files, few iterations, every peer; it checks that every field is
//!   measured and every rule fires, never a timing).
//! - `cargo xtask corpus --lines N [--seed S] --out FILE`: writes a generated claim file.
//! - `cargo xtask hl7-corpus --megabytes N [--seed S] --out FILE`: writes a generated HL7 v2
//!   OML^O21 file (`hl7_corpus.rs`).
//! - `cargo xtask x12-corpus --bytes N [--kind 837p|837i] [--seed S] --out FILE`: writes a
//!   generated X12 837 file with seeded mistakes of the X12 rules.

mod adversarial;
mod bench;
mod corpus;
mod editor;
mod formats;
mod hl7_corpus;
mod lsp_client;
mod peers;
mod spark;
mod stats;
mod x12_corpus;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "claimls project tasks")]
struct Arguments {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure claimls (batch check, start-up, LSP latency, memory) and compare with the targets.
    Bench(bench::BenchArguments),
    /// Write a generated claim and order file: valid codes from the index and seeded mistakes
    /// of every rule.
    Corpus {
        /// How many lines to write.
        #[arg(long)]
        lines: usize,
        /// The seed: the same seed and line count always give the same bytes.
        #[arg(long, default_value_t = corpus::DEFAULT_SEED)]
        seed: u64,
        /// Where to write it (a `.claims` file).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a generated HL7 v2 file of OML^O21 lab orders, with a seeded HL7 mistake in one
    /// message of every 40.
    Hl7Corpus {
        /// How many megabytes (10^6 bytes) to write, at least.
        #[arg(long, default_value_t = 10)]
        megabytes: usize,
        /// The seed: the same seed and size always give the same bytes.
        #[arg(long, default_value_t = corpus::DEFAULT_SEED)]
        seed: u64,
        /// Where to write it (an `.hl7` file).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a generated X12 837P or 837I file: counts, totals and HL tree right, valid codes
    /// and NPIs, and seeded mistakes of the X12 rules.
    X12Corpus {
        /// About how many bytes to write.
        #[arg(long)]
        bytes: usize,
        /// `837p` or `837i`.
        #[arg(long, default_value = "837p")]
        kind: String,
        /// The seed: the same seed, kind and size always give the same bytes.
        #[arg(long, default_value_t = corpus::DEFAULT_SEED)]
        seed: u64,
        /// Where to write it (a `.837` file).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let result = match arguments.command {
        Command::Bench(arguments) => bench::run(&arguments),
        Command::Corpus { lines, seed, out } => write_corpus(lines, seed, &out),
        Command::Hl7Corpus { megabytes, seed, out } => write_hl7_corpus(megabytes, seed, &out),
        Command::X12Corpus { bytes, kind, seed, out } => write_x12_corpus(bytes, &kind, seed, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn write_corpus(lines: usize, seed: u64, out: &std::path::Path) -> Result<(), String> {
    let corpus = corpus::generate(lines, seed);
    std::fs::write(out, &corpus.text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "{}: {} lines, {} bytes, {} blocks, {} seeded mistakes, {} CPT codes",
        out.display(),
        corpus.lines,
        corpus.text.len(),
        corpus.blocks,
        corpus.seeded_total(),
        corpus.cpt_codes
    );
    println!("expected diagnostics with --today {}:", corpus::TODAY);
    for (rule, count) in corpus.expected() {
        println!("  {rule:<24} {count}");
    }
    Ok(())
}

fn write_hl7_corpus(megabytes: usize, seed: u64, out: &std::path::Path) -> Result<(), String> {
    let corpus = hl7_corpus::generate(megabytes.saturating_mul(1_000_000), seed);
    std::fs::write(out, &corpus.text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "{}: {} bytes, {} OML^O21 messages, {} orders",
        out.display(),
        corpus.text.len(),
        corpus.messages,
        corpus.orders
    );
    println!("seeded HL7 mistakes:");
    for ((what, rule), count) in hl7_corpus::MISTAKES.iter().zip(corpus.mistakes) {
        println!("  {rule:<14} {count:>6}  {what}");
    }
    Ok(())
}

fn write_x12_corpus(
    bytes: usize,
    kind: &str,
    seed: u64,
    out: &std::path::Path,
) -> Result<(), String> {
    let kind = match kind.to_ascii_lowercase().as_str() {
        "837p" | "p" | "professional" => x12_corpus::Kind::Professional,
        "837i" | "i" | "institutional" => x12_corpus::Kind::Institutional,
        other => return Err(format!("--kind {other}: write 837p or 837i")),
    };
    let corpus = x12_corpus::generate(bytes, kind, seed);
    std::fs::write(out, &corpus.text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "{}: {} bytes, {} claims in {} transactions",
        out.display(),
        corpus.text.len(),
        corpus.claims,
        corpus.transactions
    );
    println!("seeded mistakes (one diagnostic each):");
    for (rule, count) in &corpus.seeded {
        println!("  {rule:<12} {count}");
    }
    Ok(())
}
