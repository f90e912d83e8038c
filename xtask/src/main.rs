//! Project tasks, run with `cargo xtask ...` (an alias in `.cargo/config.toml`):
//!
//! - `cargo xtask bench [--smoke]`: builds the release `claimls`, measures batch checking,
//!   start-up, the language server over stdio and its memory, prints a table and writes
//!   `target/bench/results.json`. `--smoke` is the quick run CI makes (1,000 lines, few
//!   iterations; it checks that every field is measured and every rule fires, not the timings).
//! - `cargo xtask corpus --lines N [--seed S] --out FILE`: writes a generated claim file.
//! - `cargo xtask hl7-corpus --megabytes N [--seed S] --out FILE`: writes a generated HL7 v2
//!   OML^O21 file (`hl7_corpus.rs`).

mod bench;
mod corpus;
mod hl7_corpus;
mod lsp_client;
mod stats;

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
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let result = match arguments.command {
        Command::Bench(arguments) => bench::run(&arguments),
        Command::Corpus { lines, seed, out } => write_corpus(lines, seed, &out),
        Command::Hl7Corpus { megabytes, seed, out } => write_hl7_corpus(megabytes, seed, &out),
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
