//! The language server over stdio (tower-lsp-server on tokio).
//!
//! - `line_index`: every byte offset ↔ LSP position conversion (UTF-8 or UTF-16, clamped).
//! - `state`: open documents (ropes + versions), settings, configuration and code sets.
//! - `settings`: the editor's settings and how they combine with `claimls.toml`.
//! - `to_proto`: analysis results → LSP types.
//! - `server`: the `LanguageServer` implementation.
//!
//! stdout is the protocol: nothing here prints; logs go to stderr through `tracing`
//! (level from `CLAIMLS_LOG`, default `warn`) and name only URIs, versions, counts, timings
//! and methods — never document text or patient data.
#![deny(clippy::print_stdout)]

pub mod line_index;
pub mod server;
pub mod settings;
pub mod state;
pub mod to_proto;

use std::process::ExitCode;

use tower_lsp_server::{ClientSocket, LspService, Server};

pub use server::Backend;
pub use state::Options;

/// The service and the socket for messages to the client, for any transport.
pub fn service(options: Options) -> (LspService<Backend>, ClientSocket) {
    LspService::new(move |client| Backend::new(client, options))
}

/// Serves the protocol on `input`/`output` until the client says `exit`.
pub async fn serve<I, O>(input: I, output: O, options: Options)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service(options);
    Server::new(input, output, socket).serve(service).await;
}

fn init_logging() {
    let filter = std::env::var("CLAIMLS_LOG").unwrap_or_else(|_| "warn".to_string());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// Serves LSP on stdin/stdout until the client says `exit`.
pub fn run() -> ExitCode {
    init_logging();
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => {
                tracing::error!("cannot start the runtime: {error}");
                return ExitCode::from(2);
            }
        };
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), Options::from_env()));
    tracing::info!("exit");
    // tokio reads stdin on a blocking thread that a client may never release: do not wait.
    runtime.shutdown_timeout(std::time::Duration::from_millis(50));
    ExitCode::SUCCESS
}
