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
    /// Requests sent by [`Server::request_noting`], for their ids.
    early: u64,
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
        Ok(Server { client, spawned, early: 0 })
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
        let started = self.send_open(uri, "claim", text)?;
        let (arrived, _) = self.diagnostics(uri, 1)?;
        Ok((arrived - started, arrived))
    }

    /// Writes `didOpen` (version 1) without waiting: the moment before the write.
    pub fn send_open(&mut self, uri: &str, language: &str, text: &str) -> Result<Instant, String> {
        let document = json!({ "uri": uri, "languageId": language, "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }))
    }

    /// A request sent while the diagnostics of `version` of `uri` may still be on their way: the
    /// result and the round trip, and the diagnostics' arrival noted in `diagnostics` when they
    /// come first (a plain [`Server::request`] would drop them).
    pub fn request_noting(
        &mut self,
        method: &str,
        params: Value,
        (uri, version): (&str, i64),
        diagnostics: &mut Option<Instant>,
    ) -> Result<(Value, Duration), String> {
        self.early += 1;
        let id = format!("early-{}", self.early);
        let started = self
            .client
            .send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        let (arrived, response) = self.wait_for(method, |m| {
            if m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
            {
                *diagnostics = Some(Instant::now());
            }
            m["id"] == id.as_str() && m.get("method").is_none()
        })?;
        match response.get("error") {
            Some(error) => Err(format!("{method}: {error}")),
            None => Ok((response["result"].clone(), arrived - started)),
        }
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
