//! What the stdio tests share: the real `claimls` binary over real stdio through the shared
//! client (`claimls::lsp::test_client`: framing, requests, notifications, the exit status,
//! everything it writes to stderr), with failures that fail the test; and the plain-string
//! model of how LSP edits change a text.
#![allow(dead_code, unused_imports)] // each test file uses a part

pub use claimls::lsp::test_client::model;

use std::path::PathBuf;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use claimls::lsp::test_client::{Client, Stderr};
use serde_json::{Value, json};

pub use claimls::lsp::test_client::frame;

/// How long any one answer may take.
pub const WAIT: Duration = Duration::from_secs(30);

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claimls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `claimls` binary speaking LSP on its stdin/stdout: the shared [`Client`], whose errors
/// fail the test here, with everything the server wrote to stderr.
pub struct Server {
    client: Client,
}

impl Server {
    /// The server with a short diagnostics debounce.
    pub fn start() -> Server {
        Server::start_with(|_| {})
    }

    /// The server, with `configure` changing the command (environment, directory) first.
    pub fn start_with(configure: impl FnOnce(&mut Command)) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_claimls"));
        command.env("CLAIMLS_DEBOUNCE_MS", "20");
        configure(&mut command);
        let client = Client::spawn(command, Stderr::Capture).expect("the claimls binary starts");
        Server { client }
    }

    /// Fails the test with `error` and the server's stderr.
    fn fail(&self, error: String) -> ! {
        panic!("{error}; stderr:\n{}", self.client.stderr())
    }

    pub fn pid(&self) -> u32 {
        self.client.pid()
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.client.stderr()
    }

    /// Writes `bytes` as they are (a broken frame, half a message).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Err(error) = self.client.send_raw(bytes) {
            self.fail(error);
        }
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(&frame(message));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message that `matches`, or `None` after `wait`.
    pub fn try_wait_for(
        &mut self,
        wait: Duration,
        matches: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        self.client.wait_for("message", wait, matches).ok().map(|(_, message)| message)
    }

    /// The next message that `matches`; fails the test after [`WAIT`].
    pub fn wait_for(&mut self, what: &str, matches: impl FnMut(&Value) -> bool) -> Value {
        match self.client.wait_for(what, WAIT, matches) {
            Ok((_, message)) => message,
            Err(error) => self.fail(error),
        }
    }

    /// Sends a request and waits for its response (a result or an error).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        match self.client.request(method, params, WAIT) {
            Ok((response, _)) => response,
            Err(error) => self.fail(error),
        }
    }

    /// A request that must succeed: its result and how long it took.
    pub fn request_ok(&mut self, method: &str, params: Value) -> (Value, Duration) {
        let started = Instant::now();
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        (response["result"].clone(), started.elapsed())
    }

    /// `initialize` (with `capabilities`) and `initialized`; the result.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let params = json!({ "processId": null, "rootUri": null, "capabilities": capabilities });
        let (result, _) = self.request_ok("initialize", params);
        self.notify("initialized", json!({}));
        result
    }

    pub fn did_open(&mut self, uri: &str, text: &str) {
        let document = json!({ "uri": uri, "languageId": "claim", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }));
    }

    /// The next diagnostics published for `uri` with this `version`.
    pub fn published(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for("publishDiagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// A hover request answered proves that the server still reads and answers.
    pub fn still_answers(&mut self, uri: &str) {
        let params =
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } });
        self.request_ok("textDocument/hover", params);
    }

    /// Closes the server's stdin (the editor went away).
    pub fn close_stdin(&mut self) {
        self.client.close_stdin();
    }

    /// Waits for the process to end; fails the test after [`WAIT`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        match self.client.wait_exit(WAIT) {
            Ok(status) => status,
            Err(error) => self.fail(error),
        }
    }

    /// `shutdown` then `exit`: the exit status.
    pub fn shutdown_and_exit(&mut self) -> ExitStatus {
        self.request_ok("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "server stderr:
{}",
                self.stderr()
            );
        }
    }
}
