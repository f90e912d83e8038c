//! The language server over stdio (tower-lsp-server on tokio).
//!
//! - `line_index`: every byte offset ↔ LSP position conversion (UTF-8 or UTF-16, clamped).
//! - `state`: open documents (ropes, versions, each version's parsed document and
//!   diagnostics), settings, configuration and code sets.
//! - `settings`: the editor's settings and how they combine with `claimls.toml`.
//! - `to_proto`: analysis results → LSP types.
//! - `server`: the `LanguageServer` implementation.
//! - `transport`: JSON-RPC framing over stdio, robust to malformed messages.
//! - `test_client`: an LSP client over a server process's stdio, for the tests and the bench.
//!
//! stdout is the protocol: nothing here prints; logs go to stderr through `tracing`
//! (level from `CLAIMLS_LOG`: `error`, `warn` (the default), `info`, `debug` or `trace`) and
//! name only documents (by a hash of the URI: file names can carry patient names), versions,
//! counts, timings and methods — never document text or patient data. Other crates log at
//! `warn` and above only, whatever the level (tower-lsp-server logs message bodies at
//! `trace`), and a panic logs where it happened, not its message (which can quote the text).
#![deny(clippy::print_stdout)]

pub mod line_index;
pub mod server;
pub mod settings;
pub mod state;
pub mod test_client;
pub mod to_proto;
pub mod transport;

use std::process::ExitCode;
use std::sync::Arc;

use claimls_analysis::codes::CodeSets;
use tower_lsp_server::{ClientSocket, LspService};

pub use server::Backend;
pub use state::{Options, State};

/// The service and the socket for messages to the client, for any transport.
pub fn service(options: Options) -> (LspService<Backend>, ClientSocket) {
    service_with_state(Arc::new(State::new(options)))
}

/// [`service`] over state the caller keeps a handle on (the protocol tests look at it), with
/// the custom requests (`claimls/searchCodes`, `claimls/phiRanges`).
pub fn service_with_state(state: Arc<State>) -> (LspService<Backend>, ClientSocket) {
    LspService::build(move |client| Backend::with_state(client, state))
        .custom_method("claimls/searchCodes", Backend::search_codes)
        .custom_method("claimls/phiRanges", Backend::phi_ranges)
        .finish()
}

/// Serves the protocol on `input`/`output` until the client says `exit` or the input ends.
/// True when a `shutdown` request came first.
pub async fn serve<I, O>(input: I, output: O, options: Options) -> bool
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service(options);
    transport::serve(input, output, service, socket).await
}

/// The log filter for `CLAIMLS_LOG`: that level for claimls, at most `warn` for the crates
/// below it. Anything but a plain level means `warn`.
fn log_filter(setting: Option<&str>) -> String {
    let level = setting
        .map(|level| level.trim().to_ascii_lowercase())
        .filter(|level| matches!(level.as_str(), "error" | "warn" | "info" | "debug" | "trace"))
        .unwrap_or_else(|| "warn".to_string());
    let others = if level == "error" { "error" } else { "warn" };
    format!("{others},claimls={level}")
}

fn init_logging() {
    let filter = log_filter(std::env::var("CLAIMLS_LOG").ok().as_deref());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    // The default hook prints the panic's message, which may quote document text (a string
    // slice out of bounds shows the string): log only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        tracing::error!(
            location = location.as_deref().unwrap_or("unknown"),
            "internal error (a bug in claimls; the request was answered with an error)"
        );
    }));
}

/// Serves LSP on stdin/stdout until the client says `exit` (or closes stdin). The exit status
/// is 0 when `shutdown` came first, else 1, as LSP says.
pub fn run() -> ExitCode {
    // Index the code sets from the start, while the client sends `initialize` and the first
    // document: the first check and the first hover need them (a hover that came right after
    // `didOpen` waited for the index when it was started at `initialize`).
    std::thread::spawn(CodeSets::index_now);
    init_logging();
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => {
                tracing::error!("cannot start the runtime: {error}");
                return ExitCode::from(2);
            }
        };
    let shut_down =
        runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), Options::from_env()));
    tracing::info!(shut_down, "exit");
    // tokio reads stdin on a blocking thread that a client may never release: do not wait.
    runtime.shutdown_timeout(std::time::Duration::from_millis(50));
    if shut_down { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

#[cfg(test)]
mod tests {
    use super::log_filter;

    #[test]
    fn log_filter_keeps_other_crates_at_warn() {
        assert_eq!(log_filter(None), "warn,claimls=warn");
        assert_eq!(log_filter(Some("TRACE ")), "warn,claimls=trace");
        assert_eq!(log_filter(Some("error")), "error,claimls=error");
        // Directives could turn on a dependency's body logging: not accepted.
        assert_eq!(log_filter(Some("tower_lsp_server=trace")), "warn,claimls=warn");
    }
}
