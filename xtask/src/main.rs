//! Project tasks, run with `cargo xtask ...` (an alias in `.cargo/config.toml`):
//!
//! - `cargo xtask bench [--smoke]`: builds the release `claimls`, measures batch checking,
//!   start-up, the language server over stdio and its memory, prints a table and writes
//!   `target/bench/results.json`. `--smoke` is the quick run CI makes (1,000 lines, few
//!   iterations; it checks that every field is measured and every rule fires, not the timings).
//! - `cargo xtask corpus --lines N [--seed S] --out FILE`: writes a generated claim file.

mod bench;
mod corpus;
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
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let result = match arguments.command {
        Command::Bench(arguments) => bench::run(&arguments),
        Command::Corpus { lines, seed, out } => write_corpus(lines, seed, &out),
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
