//! The language server in-process: real framed JSON-RPC over `tokio::io::duplex`.

#[allow(dead_code)]
#[path = "../src/lsp/mod.rs"]
mod lsp;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::{LspService, Server};

use lsp::state::{Options, State};

const URI: &str = "file:///nowhere/test.claim";
const WAIT: Duration = Duration::from_secs(10);

/// A file with problems the parser finds on its own: a line that is not a statement and a
/// block without `end`.
const BROKEN: &str = "claim C1\n  patient \"Doe, Jane\"\n  this is not a statement\n";

struct Client {
    write: tokio::io::WriteHalf<DuplexStream>,
    read: BufReader<tokio::io::ReadHalf<DuplexStream>>,
    next_id: i64,
    notifications: VecDeque<Value>,
    state: Arc<State>,
}

impl Client {
    fn start(debounce_ms: u64) -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let state = Arc::new(State::new(Options { debounce: Duration::from_millis(debounce_ms) }));
        let (service, socket) = LspService::new({
            let state = state.clone();
            move |client| lsp::Backend::with_state(client, state)
        });
        tokio::spawn(Server::new(server_read, server_write, socket).serve(service));
        let (read, write) = tokio::io::split(client_end);
        Client {
            write,
            read: BufReader::new(read),
            next_id: 1,
            notifications: VecDeque::new(),
            state,
        }
    }

    async fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.write.write_all(frame.as_bytes()).await.unwrap();
    }

    async fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.read.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.read.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// The next message that is not a request from the server (those get a `null` answer).
    async fn next_message(&mut self) -> Value {
        loop {
            let message = self.receive().await;
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null })).await;
                continue;
            }
            return message;
        }
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        let response = tokio::time::timeout(WAIT, async {
            loop {
                let message = self.next_message().await;
                if message.get("id") == Some(&json!(id)) {
                    return message;
                }
                self.notifications.push_back(message);
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no answer to {method}"));
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params })).await;
    }

    /// The next notification `method`, or `None` after `wait`.
    async fn notification(&mut self, method: &str, wait: Duration) -> Option<Value> {
        if let Some(index) = self.notifications.iter().position(|n| n["method"] == method) {
            return self.notifications.remove(index).map(|n| n["params"].clone());
        }
        tokio::time::timeout(wait, async {
            loop {
                let message = self.next_message().await;
                if message["method"] == method {
                    return message["params"].clone();
                }
                self.notifications.push_back(message);
            }
        })
        .await
        .ok()
    }

    async fn initialize(&mut self, encodings: &[&str], options: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": { "general": { "positionEncodings": encodings } },
                    "initializationOptions": options,
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    async fn did_open(&mut self, text: &str) {
        let document = json!({ "uri": URI, "languageId": "claim", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document })).await;
    }

    /// Replaces `((line, col), (line, col))` with `text`.
    async fn did_change(&mut self, version: i32, range: ((u32, u32), (u32, u32)), text: &str) {
        let ((sl, sc), (el, ec)) = range;
        let change = json!({
            "range": { "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } },
            "text": text,
        });
        let params = json!({
            "textDocument": { "uri": URI, "version": version },
            "contentChanges": [change],
        });
        self.notify("textDocument/didChange", params).await;
    }

    async fn hover(&mut self, line: u32, character: u32) -> Value {
        let params = json!({
            "textDocument": { "uri": URI },
            "position": { "line": line, "character": character },
        });
        self.request("textDocument/hover", params).await
    }

    /// The next published diagnostics: (version, rule ids).
    async fn diagnostics(&mut self) -> (Option<i64>, Vec<String>) {
        let params = self
            .notification("textDocument/publishDiagnostics", WAIT)
            .await
            .expect("no diagnostics published");
        let codes = params["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect();
        (params["version"].as_i64(), codes)
    }

    /// The text the server holds, once every notification sent so far has been handled (a
    /// request answered after them proves it).
    async fn server_text(&mut self) -> String {
        self.hover(0, 0).await;
        self.state.document(&URI.parse::<Uri>().unwrap()).unwrap().0
    }
}

#[tokio::test]
async fn diagnostics_arrive_with_rule_ids_as_codes() {
    let mut client = Client::start(20);
    let result = client.initialize(&["utf-16"], Value::Null).await;
    assert_eq!(result["serverInfo"]["name"], "claimls");
    assert!(result["serverInfo"]["version"].as_str().unwrap().contains("ICD-10-CM"));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    client.did_open(BROKEN).await;
    let (version, codes) = client.diagnostics().await;
    assert_eq!(version, Some(1));
    assert!(codes.iter().any(|c| c == "syntax"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "unclosed-block"), "{codes:?}");
}

#[tokio::test]
async fn incremental_edits_in_utf16_and_utf8() {
    let text = "claim C1\n  patient \"Zoë 𝄞 Doe\" dob 1980-04-12\nend\n";
    for (encoding, after_name) in [("utf-16", 21), ("utf-8", 24)] {
        let mut client = Client::start(20);
        let result = client.initialize(&[encoding], Value::Null).await;
        assert_eq!(result["capabilities"]["positionEncoding"], encoding);
        client.did_open(text).await;
        // Insert before the closing quote, right after "Doe": columns count in the encoding.
        client.did_change(2, ((1, after_name), (1, after_name)), " Jr").await;
        // Replace "Zoë" (the ë is one unit in UTF-16, two bytes in UTF-8).
        let end = if encoding == "utf-16" { 14 } else { 15 };
        client.did_change(3, ((1, 11), (1, end)), "Chloë").await;
        // A range past the line's end clamps to it.
        client.did_change(4, ((0, 8), (0, 99)), "-X").await;
        assert_eq!(
            client.server_text().await,
            "claim C1-X\n  patient \"Chloë 𝄞 Doe Jr\" dob 1980-04-12\nend\n",
            "{encoding}"
        );
    }
}

#[tokio::test]
async fn only_the_latest_version_is_published() {
    let mut client = Client::start(100);
    client.initialize(&[], Value::Null).await;
    client.did_open(BROKEN).await;
    client.did_change(2, ((2, 2), (2, 2)), "#").await;
    client.did_change(3, ((2, 2), (2, 3)), "").await;
    let (version, _) = client.diagnostics().await;
    assert_eq!(version, Some(3));
    let later = client.notification("textDocument/publishDiagnostics", Duration::from_millis(400));
    assert_eq!(later.await, None, "a stale version was published");
}

#[tokio::test]
async fn initialization_options_turn_a_rule_off() {
    let mut client = Client::start(20);
    client.initialize(&["utf-8"], json!({ "rules": { "unclosed-block": "off" } })).await;
    client.did_open(BROKEN).await;
    let (_, codes) = client.diagnostics().await;
    assert!(codes.iter().any(|c| c == "syntax"), "{codes:?}");
    assert!(!codes.iter().any(|c| c == "unclosed-block"), "{codes:?}");
}

#[tokio::test]
async fn bad_settings_are_shown_and_the_server_keeps_running() {
    let mut client = Client::start(20);
    client
        .initialize(&[], json!({ "today": "yesterday", "codeFiles": ["/no/such/file.txt"] }))
        .await;
    let message = client.notification("window/showMessage", WAIT).await.expect("no message");
    assert_eq!(message["type"], 2, "{message}");
    client.did_open(BROKEN).await;
    client.diagnostics().await;
}

#[tokio::test]
async fn requests_for_unknown_documents_answer_null() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    assert_eq!(client.hover(3, 4).await, Value::Null);
    client.did_open("claim C1\nend\n").await;
    assert_eq!(client.hover(999, 999).await, Value::Null);
    let tokens = client
        .request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": URI } }))
        .await;
    // `claim`, `C1`, `end`: keyword, identifier, keyword.
    let data: Vec<u64> = serde_json::from_value(tokens["data"].clone()).unwrap();
    assert_eq!(data.len(), 15, "{data:?}");
    assert_eq!(&data[..5], &[0, 0, 5, 0, 0]);
}

#[tokio::test]
async fn quick_fixes_fix_all_and_code_look_up() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    let text = "claim C1\n  dx A  e119\n  dx B  i10\nend\n";
    client.did_open(text).await;
    let params = json!({
        "textDocument": { "uri": URI },
        "range": { "start": { "line": 1, "character": 8 }, "end": { "line": 1, "character": 8 } },
        "context": { "diagnostics": [] },
    });
    let actions = client.request("textDocument/codeAction", params).await;
    let actions = actions.as_array().unwrap();
    let quick_fix = actions.iter().find(|a| a["kind"] == "quickfix").expect("a quick fix");
    assert_eq!(quick_fix["isPreferred"], true, "{quick_fix}");
    assert!(quick_fix["diagnostics"][0]["code"].is_string(), "{quick_fix}");
    let fix_all = actions
        .iter()
        .find(|a| a["title"] == "Fix all code-format issues in this file")
        .expect("the fix-all source action");
    let edits = fix_all["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{fix_all}");

    let symbols = client.request("workspace/symbol", json!({ "query": "E11.65" })).await;
    let name = symbols[0]["name"].as_str().unwrap();
    assert!(name.starts_with("E11.65 ") && name.len() > 10, "{name}");
}
