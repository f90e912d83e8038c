//! An LSP client over a language-server process's stdio, for the stdio tests
//! (`tests/support`) and the benchmark (`cargo xtask bench`): one way to frame and read
//! messages for both.
//!
//! A reader thread reads each `Content-Length` frame into buffers it keeps and stamps the
//! message the moment its last byte has arrived, so a request's time runs from just before its
//! write to the arrival of its answer. Everything returns errors (`Result<_, String>`, with
//! what was waited for): the benchmark reports them, the tests turn them into failures with the
//! server's stderr (capture it with [`Stderr::Capture`]).
//!
//! [`model`] is a plain string edited the way LSP says, to compare the server's edits with.
//!
//! This is test tooling inside the library, not part of the server: nothing in the server
//! calls it.

pub mod model;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One LSP message, framed.
pub fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads framed messages into buffers it keeps (no allocation per header line).
pub struct Frames<R> {
    reader: R,
    header: Vec<u8>,
    body: Vec<u8>,
}

impl<R: BufRead> Frames<R> {
    pub fn new(reader: R) -> Frames<R> {
        Frames { reader, header: Vec::new(), body: Vec::new() }
    }

    /// The next message and when its bytes had all arrived; `None` at the end of the stream
    /// or on a frame that is not JSON.
    pub fn next_message(&mut self) -> Option<(Instant, Value)> {
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
            let colon = field.iter().position(|&b| b == b':')?;
            let (name, value) = (&field[..colon], &field[colon + 1..]);
            if name.eq_ignore_ascii_case(b"content-length") {
                length = std::str::from_utf8(value).ok()?.trim().parse().ok();
            }
        }
        self.body.resize(length?, 0);
        self.reader.read_exact(&mut self.body).ok()?;
        let arrived = Instant::now();
        Some((arrived, serde_json::from_slice(&self.body).ok()?))
    }
}

/// What happens to the server's stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stderr {
    /// Dropped (the benchmark: writing it must cost the server nothing).
    Discard,
    /// Kept, for [`Client::stderr`] (the tests show it when they fail).
    Capture,
}

/// A language server process and the client end of its stdio.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<(Instant, Value)>,
    stderr: Option<Arc<Mutex<Vec<u8>>>>,
    next_id: i64,
    /// Requests from the server (`client/registerCapability`, …) get a `null` result while
    /// waiting, instead of being handed to the matcher.
    pub answer_server_requests: bool,
    /// Just before the process was spawned.
    pub spawned: Instant,
}

impl Client {
    /// Spawns `command` with piped stdio.
    pub fn spawn(mut command: Command, stderr: Stderr) -> Result<Client, String> {
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(match stderr {
            Stderr::Discard => Stdio::null(),
            Stderr::Capture => Stdio::piped(),
        });
        let spawned = Instant::now();
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command.spawn().map_err(|e| format!("{program}: {e}"))?;
        let stdout = child.stdout.take().ok_or("the server has no stdout")?;
        let stdin = child.stdin.take().ok_or("the server has no stdin")?;
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut frames = Frames::new(BufReader::with_capacity(1 << 20, stdout));
            while let Some(message) = frames.next_message() {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let captured = child.stderr.take().map(|mut pipe| {
            let sink = Arc::new(Mutex::new(Vec::new()));
            let kept = sink.clone();
            std::thread::spawn(move || {
                let mut buffer = [0; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                    kept.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&buffer[..n]);
                }
            });
            sink
        });
        Ok(Client {
            child,
            stdin: Some(stdin),
            messages,
            stderr: captured,
            next_id: 1,
            answer_server_requests: false,
            spawned,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to stderr so far (empty unless captured).
    pub fn stderr(&self) -> String {
        match &self.stderr {
            Some(bytes) => {
                String::from_utf8_lossy(&bytes.lock().unwrap_or_else(|e| e.into_inner()))
                    .into_owned()
            }
            None => String::new(),
        }
    }

    /// Writes `bytes` as they are (a broken frame, half a message); the moment just before.
    pub fn send_raw(&mut self, bytes: &[u8]) -> Result<Instant, String> {
        let stdin = self.stdin.as_mut().ok_or("the server's stdin is closed")?;
        let started = Instant::now();
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("writing to the server: {e}"))?;
        Ok(started)
    }

    /// Writes one message; the moment just before the write.
    pub fn send(&mut self, message: &Value) -> Result<Instant, String> {
        self.send_raw(&frame(message))
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<Instant, String> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    /// The next message for which `matches` holds, within `wait`; other messages are dropped
    /// (requests from the server answered first, when [`Client::answer_server_requests`]).
    pub fn wait_for(
        &mut self,
        what: &str,
        wait: Duration,
        mut matches: impl FnMut(&Value) -> bool,
    ) -> Result<(Instant, Value), String> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (arrived, message) = self
                .messages
                .recv_timeout(left)
                .map_err(|_| format!("no {what} from the server within {wait:?}"))?;
            if self.answer_server_requests
                && message.get("method").is_some()
                && message.get("id").is_some()
            {
                let id = message["id"].clone();
                self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }))?;
                continue;
            }
            if matches(&message) {
                return Ok((arrived, message));
            }
        }
    }

    /// Sends a request and waits for its response, a result or an error: the whole response
    /// and the round trip.
    pub fn request(
        &mut self,
        method: &str,
        params: Value,
        wait: Duration,
    ) -> Result<(Value, Duration), String> {
        let id = self.next_id;
        self.next_id += 1;
        let started =
            self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        let (arrived, response) =
            self.wait_for(method, wait, |m| m["id"] == id && m.get("method").is_none())?;
        Ok((response, arrived - started))
    }

    /// [`Client::request`] that must succeed: its result and the round trip.
    pub fn request_ok(
        &mut self,
        method: &str,
        params: Value,
        wait: Duration,
    ) -> Result<(Value, Duration), String> {
        let (response, took) = self.request(method, params, wait)?;
        match response.get("error") {
            Some(error) => Err(format!("{method}: {error}")),
            None => Ok((response["result"].clone(), took)),
        }
    }

    /// Closes the server's stdin (the editor went away).
    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Waits for the process to end, at most `wait`.
    pub fn wait_exit(&mut self, wait: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                return Err(format!("the server did not exit within {wait:?}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut bytes = frame(&json!({ "id": 1 }));
        bytes.extend(b"content-length: 2\r\nX-Other: 1\r\n\r\n{}");
        let mut frames = Frames::new(&bytes[..]);
        assert_eq!(frames.next_message().map(|m| m.1), Some(json!({ "id": 1 })));
        assert_eq!(frames.next_message().map(|m| m.1), Some(json!({})));
        assert!(frames.next_message().is_none());
    }
}
