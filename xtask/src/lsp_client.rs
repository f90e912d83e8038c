//! A scripted LSP client over a real server process's stdio for the benchmark: the shared
//! client of the server's library (`claimls::lsp::test_client`: framing, each message stamped
//! the moment its bytes have arrived, so a request's time runs from just before its write to
//! the arrival of its answer), with errors returned and a request's error as an error.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use claimls::lsp::test_client::{Client, Stderr};
use serde_json::{Value, json};

/// How long any one answer may take before the run is given up.
const WAIT: Duration = Duration::from_secs(60);

pub struct Server {
    client: Client,
    /// Just before the process was spawned.
    pub spawned: Instant,
}

impl Server {
    /// Starts `binary` (the language server on stdio) with extra environment variables.
    pub fn spawn(binary: &Path, env: &[(&str, &str)]) -> Result<Server, String> {
        let mut command = Command::new(binary);
        command.env_remove("CLAIMLS_DEBOUNCE_MS").env_remove("CLAIMLS_LOG");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut client = Client::spawn(command, Stderr::Discard)
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        client.answer_server_requests = true;
        let spawned = client.spawned;
        Ok(Server { client, spawned })
    }

    pub fn pid(&self) -> u32 {
        self.client.pid()
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<Instant, String> {
        self.client.notify(method, params)
    }

    /// The next message for which `matches` holds; requests from the server are answered with
    /// `null` on the way, other messages are dropped.
    pub fn wait_for(
        &mut self,
        what: &str,
        matches: impl FnMut(&Value) -> bool,
    ) -> Result<(Instant, Value), String> {
        self.client.wait_for(what, WAIT, matches)
    }

    /// Sends a request and waits for its answer: the result and the round trip.
    pub fn request(&mut self, method: &str, params: Value) -> Result<(Value, Duration), String> {
        self.client.request_ok(method, params, WAIT)
    }

    /// `initialize` and `initialized`. Returns the time from the spawn to the `initialize`
    /// answer.
    pub fn initialize(&mut self, root_uri: &str) -> Result<Duration, String> {
        let params = json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "capabilities": { "textDocument": { "hover": {}, "completion": {} } },
        });
        self.request("initialize", params)?;
        let answered = self.spawned.elapsed();
        self.notify("initialized", json!({}))?;
        Ok(answered)
    }

    /// Opens a document and waits for its first pushed diagnostics: the time from the `didOpen`
    /// write to their arrival, and the moment they arrived.
    pub fn open(&mut self, uri: &str, text: &str) -> Result<(Duration, Instant), String> {
        let document = json!({ "uri": uri, "languageId": "claim", "version": 1, "text": text });
        let started = self.notify("textDocument/didOpen", json!({ "textDocument": document }))?;
        let (arrived, _) = self.diagnostics(uri, 1)?;
        Ok((arrived - started, arrived))
    }

    /// Waits for the diagnostics of `version` of `uri`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Result<(Instant, Value), String> {
        self.wait_for("publishDiagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        })
    }

    /// `(VmRSS, VmHWM)` of the server, in MB (Linux).
    pub fn memory(&self) -> Result<(f64, f64), String> {
        memory_of(self.pid())
    }

    /// `shutdown`, `exit`, and waits for the process to end.
    pub fn stop(mut self) -> Result<(), String> {
        self.request("shutdown", Value::Null)?;
        self.notify("exit", Value::Null)?;
        self.client.wait_exit(Duration::from_secs(10)).map(drop)
    }
}

/// `(VmRSS, VmHWM)` of process `pid` in MB (10^6 bytes), from `/proc/PID/status`.
pub fn memory_of(pid: u32) -> Result<(f64, f64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e} (peak RSS is read on Linux only)"))?;
    let field = |name: &str| {
        proc_kib(&status, name)
            .map(|kib| kib * 1024.0 / 1e6)
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// A `file://` URI for an absolute path (the corpus paths need no escaping).
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The value of field `name` (with its colon) of a `/proc` file whose values are in kB.
pub fn proc_kib(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
