//! A scripted LSP client over a real server process's stdio: `Content-Length` framing, and each
//! message stamped by the reader thread the moment its bytes have arrived, so a request's time
//! runs from just before its write to the arrival of its answer.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take before the run is given up.
const WAIT: Duration = Duration::from_secs(60);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Just before the process was spawned.
    pub spawned: Instant,
}

/// Reads framed messages into buffers it keeps (no allocation per header line), so that the
/// reader thread stamps each message as soon as its last byte is in.
struct Frames<R> {
    reader: R,
    header: Vec<u8>,
    body: Vec<u8>,
}

impl<R: BufRead> Frames<R> {
    /// The next message and when its bytes had all arrived; `None` at the end of the stream
    /// or on a frame that is not JSON-RPC.
    fn next(&mut self) -> Option<(Instant, Value)> {
        let mut length: Option<usize> = None;
        loop {
            self.header.clear();
            if self.reader.read_until(b'\n', &mut self.header).ok()? == 0 {
                return None;
            }
            let field = self.header.trim_ascii();
            if field.is_empty() {
                break;
            }
            let (name, value) = field.split_at(field.iter().position(|&b| b == b':')?);
            if name.eq_ignore_ascii_case(b"content-length") {
                length = std::str::from_utf8(&value[1..]).ok()?.trim().parse().ok();
            }
        }
        self.body.resize(length?, 0);
        self.reader.read_exact(&mut self.body).ok()?;
        let arrived = Instant::now();
        Some((arrived, serde_json::from_slice(&self.body).ok()?))
    }
}

impl Server {
    /// Starts `binary` (the language server on stdio) with extra environment variables.
    pub fn spawn(binary: &Path, env: &[(&str, &str)]) -> Result<Server, String> {
        let mut command = Command::new(binary);
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        command.env_remove("CLAIMLS_DEBOUNCE_MS").env_remove("CLAIMLS_LOG");
        for (key, value) in env {
            command.env(key, value);
        }
        let spawned = Instant::now();
        let mut child = command.spawn().map_err(|e| format!("{}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let reader = BufReader::with_capacity(1 << 20, stdout);
            let mut frames = Frames { reader, header: Vec::new(), body: Vec::new() };
            while let Some(message) = frames.next() {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Ok(Server { child, stdin, messages, next_id: 1, spawned })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one message; returns the moment just before the write.
    fn send(&mut self, message: &Value) -> Result<Instant, String> {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let started = Instant::now();
        self.stdin
            .write_all(framed.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("writing to the server: {e}"))?;
        Ok(started)
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<Instant, String> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    /// The next message for which `matches` holds; requests from the server are answered with
    /// `null` on the way, other messages are dropped.
    pub fn wait_for(
        &mut self,
        what: &str,
        mut matches: impl FnMut(&Value) -> bool,
    ) -> Result<(Instant, Value), String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (arrived, message) = self
                .messages
                .recv_timeout(left)
                .map_err(|_| format!("no {what} from the server within {WAIT:?}"))?;
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }))?;
                continue;
            }
            if matches(&message) {
                return Ok((arrived, message));
            }
        }
    }

    /// Sends a request and waits for its answer: the result and the round trip.
    pub fn request(&mut self, method: &str, params: Value) -> Result<(Value, Duration), String> {
        let id = self.next_id;
        self.next_id += 1;
        let started =
            self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        let (arrived, response) =
            self.wait_for(method, |m| m["id"] == id && m.get("method").is_none())?;
        if let Some(error) = response.get("error") {
            return Err(format!("{method}: {error}"));
        }
        Ok((response["result"].clone(), arrived - started))
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
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.child.try_wait().map_err(|e| e.to_string())?.is_some() {
                return Ok(());
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return Err("the server did not exit after `exit`".to_string());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
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
