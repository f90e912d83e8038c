//! `claimls`: the language server (no arguments, or `serve`) and the command line
//! (`check`, `lookup`, `explain`). This is the only crate that knows LSP, JSON-RPC and tokio.
//!
//! The binary (`main.rs`) only calls [`main`]; the code is a library so that the protocol
//! tests, the fuzz targets and the benchmark (`xtask`) use the server's own modules instead of
//! compiling its files into themselves:
//!
//! - [`analysis`]: every call into `claimls_analysis` (checks, editor features), and the
//!   parsed document the server keeps per version;
//! - [`config_files`]: finding and reading `claimls.toml` files;
//! - [`cli`]: `check`, `lookup`, `explain` and the version text;
//! - [`lsp`]: the language server, and [`lsp::test_client`], the LSP client over a server
//!   process's stdio that the stdio tests and the benchmark share.

pub mod analysis;
pub mod cli;
pub mod config_files;
pub mod lsp;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "claimls", version = cli::long_version(), about = "A claim scrubber for any editor: checks ICD-10-CM, ICD-10-PCS, CPT and HCPCS codes in claim and order files")]
struct Arguments {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Speak the Language Server Protocol on stdin/stdout (the default).
    Serve,
    /// Check claim and order files (directories are searched for .claim, .claims, .order).
    Check(cli::CheckArguments),
    /// Look up codes by code, code prefix or words of their title.
    Lookup(cli::LookupArguments),
    /// Explain a rule: what it means, why payers reject it, how to fix it.
    Explain(cli::ExplainArguments),
}

/// The program: reads the command line and runs the command it names.
pub fn main() -> ExitCode {
    let arguments = match Arguments::try_parse() {
        Ok(arguments) => arguments,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match arguments.command {
        None | Some(Command::Serve) => lsp::run(),
        Some(Command::Check(check)) => cli::check(check),
        Some(Command::Lookup(lookup)) => cli::lookup(lookup),
        Some(Command::Explain(explain)) => cli::explain(explain),
    }
}
