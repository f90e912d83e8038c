//! The real binary over real stdio: initialize → initialized → didOpen → diagnostics → hover →
//! completion → shutdown → exit, with timings printed.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const URI: &str = "file:///nowhere/visit.claim";
const TEXT: &str = "claim CLM-1
  patient   \"Doe, Jane\"  dob 1980-04-12  sex F  member XJ1234567
  billing   npi 1234567893
  dx A  E11.9
  dx B  E11.
  line 2026-03-02  99213  ptr A  units 1  charge 125.00
end
";
const WAIT: Duration = Duration::from_secs(20);

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

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
    serde_json::from_slice(&body).ok()
}

struct Session {
    stdin: std::process::ChildStdin,
    messages: mpsc::Receiver<Value>,
    next_id: i64,
}

impl Session {
    fn send(&mut self, message: Value) {
        self.stdin.write_all(&frame(&message)).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn wait_for(&mut self, what: &str, mut matches: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.messages.recv_timeout(left).unwrap_or_else(|_| panic!("no {what}"));
            if matches(&message) {
                return message;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> (Value, Duration) {
        let id = self.next_id;
        self.next_id += 1;
        let started = Instant::now();
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let response = self.wait_for(method, |m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{method}: {response}");
        (response["result"].clone(), started.elapsed())
    }
}

fn position(line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } })
}

#[test]
fn stdio_session_end_to_end() {
    let spawned = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimls"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env("CLAIMLS_DEBOUNCE_MS", "20")
        .spawn()
        .expect("the claimls binary starts");
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
    let mut session = Session { stdin: child.stdin.take().unwrap(), messages, next_id: 1 };

    let (result, _) = session
        .request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    assert_eq!(result["serverInfo"]["name"], "claimls");
    eprintln!("serverInfo.version: {}", result["serverInfo"]["version"]);
    session.notify("initialized", json!({}));
    let document = json!({ "uri": URI, "languageId": "claim", "version": 1, "text": TEXT });
    session.notify("textDocument/didOpen", json!({ "textDocument": document }));
    let published = session
        .wait_for("publishDiagnostics", |m| m["method"] == "textDocument/publishDiagnostics");
    let first_diagnostics = spawned.elapsed();
    let codes: Vec<&str> = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    eprintln!("spawn → first diagnostics: {first_diagnostics:?} ({codes:?})");
    assert_eq!(published["params"]["version"], 1);
    assert!(!codes.is_empty(), "expected diagnostics for `E11.`");

    // Hover on E11.9 (line 3, inside the code).
    let (hover, hover_time) = session.request("textDocument/hover", position(3, 8));
    eprintln!("hover: {hover_time:?}");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("E11.9"), "{hover}");

    // Completion after `E11.` on line 4.
    let (completion, completion_time) = session.request("textDocument/completion", position(4, 12));
    let items = completion["items"].as_array().map_or(0, Vec::len);
    eprintln!("completion: {completion_time:?} ({items} items)");
    assert!(items > 0, "{completion}");

    // A second round, warm.
    let (_, hover_again) = session.request("textDocument/hover", position(3, 8));
    let (_, completion_again) = session.request("textDocument/completion", position(4, 12));
    eprintln!("warm: hover {hover_again:?}, completion {completion_again:?}");

    session.request("shutdown", Value::Null);
    session.notify("exit", Value::Null);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "exit status {status:?}");
}
