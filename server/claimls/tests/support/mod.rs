//! What the stdio tests share: a small client for the real `claimls` binary over real stdio
//! (framing, requests, notifications, the exit status, everything it writes to stderr), and a
//! plain-string model of how LSP edits change a text.
#![allow(dead_code)] // each test file uses a part

pub mod model;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take.
pub const WAIT: Duration = Duration::from_secs(30);

/// One LSP message, framed.
pub fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The next framed message, or `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claimls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `claimls` binary speaking LSP on its stdin/stdout.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: mpsc::Receiver<Value>,
    /// Everything the server wrote to stderr so far.
    stderr: Arc<Mutex<Vec<u8>>>,
    next_id: i64,
}

impl Server {
    /// The server with a short diagnostics debounce.
    pub fn start() -> Server {
        Server::start_with(|_| {})
    }

    /// The server, with `configure` changing the command (environment, directory) first.
    pub fn start_with(configure: impl FnOnce(&mut Command)) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_claimls"));
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("CLAIMLS_DEBOUNCE_MS", "20");
        configure(&mut command);
        let mut child = command.spawn().expect("the claimls binary starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buffer = [0; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        Server { stdin: child.stdin.take(), child, messages, stderr, next_id: 1 }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Writes `bytes` as they are (a broken frame, half a message).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
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
        mut matches: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.messages.recv_timeout(left).ok()?;
            if matches(&message) {
                return Some(message);
            }
        }
    }

    /// The next message that `matches`; fails the test after [`WAIT`].
    pub fn wait_for(&mut self, what: &str, matches: impl FnMut(&Value) -> bool) -> Value {
        let found = self.try_wait_for(WAIT, matches);
        found.unwrap_or_else(|| panic!("no {what}; stderr:\n{}", self.stderr()))
    }

    /// Sends a request and waits for its response (a result or an error).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(method, |m| m["id"] == id && m.get("method").is_none())
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
        self.stdin.take();
    }

    /// Waits for the process to end; fails the test after [`WAIT`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
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
            eprintln!("server stderr:\n{}", self.stderr());
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
