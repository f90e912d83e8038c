//! The language server in-process: real framed JSON-RPC over `tokio::io::duplex`.
//!
//! Every test runs on tokio's paused clock: time stands still while anything runs (the
//! server's checks on the blocking pool too) and jumps to the next timer when all wait, so a
//! debounce or a window in which nothing may arrive takes no real time and cannot be missed
//! on a busy machine.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use claimls::lsp;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tower_lsp_server::ls_types::Uri;

use lsp::state::{Options, State};

/// The editor features on X12 and HL7 documents, from fixtures.
#[path = "editor/mod.rs"]
mod editor;

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
    /// The methods of requests the server sent us, in order.
    server_requests: Vec<String>,
    state: Arc<State>,
}

impl Client {
    fn start(debounce_ms: u64) -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let state = Arc::new(State::new(Options { debounce: Duration::from_millis(debounce_ms) }));
        let (service, socket) = lsp::service_with_state(state.clone());
        tokio::spawn(lsp::transport::serve(server_read, server_write, service, socket));
        let (read, write) = tokio::io::split(client_end);
        Client {
            write,
            read: BufReader::new(read),
            next_id: 1,
            notifications: VecDeque::new(),
            server_requests: Vec::new(),
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
                self.server_requests.push(message["method"].as_str().unwrap_or("").to_string());
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
        let capabilities = json!({ "general": { "positionEncodings": encodings } });
        self.initialize_with(capabilities, options).await
    }

    async fn initialize_with(&mut self, capabilities: Value, options: Value) -> Value {
        let params = json!({
            "processId": null,
            "rootUri": null,
            "capabilities": capabilities,
            "initializationOptions": options,
        });
        let result = self.request("initialize", params).await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// `method` at `(line, character)` of the test document, with extra `params`.
    async fn at(&mut self, method: &str, line: u32, character: u32, params: Value) -> Value {
        let mut all = json!({
            "textDocument": { "uri": URI },
            "position": { "line": line, "character": character },
        });
        all.as_object_mut().unwrap().extend(params.as_object().cloned().unwrap_or_default());
        self.request(method, all).await
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
        self.at("textDocument/hover", line, character, json!({})).await
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

#[tokio::test(start_paused = true)]
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

#[tokio::test(start_paused = true)]
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

#[tokio::test(start_paused = true)]
async fn only_the_latest_version_is_published() {
    let mut client = Client::start(100);
    client.initialize(&[], Value::Null).await;
    client.did_open(BROKEN).await;
    client.did_change(2, ((2, 2), (2, 2)), "#").await;
    client.did_change(3, ((2, 2), (2, 3)), "").await;
    // Version 1 is checked on open without the debounce and may be published before the
    // edits arrive; version 2 is superseded within the debounce and never is.
    let mut version = client.diagnostics().await.0;
    if version == Some(1) {
        version = client.diagnostics().await.0;
    }
    assert_eq!(version, Some(3));
    let later = client.notification("textDocument/publishDiagnostics", Duration::from_millis(400));
    assert_eq!(later.await, None, "a stale version was published");
}

#[tokio::test(start_paused = true)]
async fn initialization_options_turn_a_rule_off() {
    let mut client = Client::start(20);
    client.initialize(&["utf-8"], json!({ "rules": { "unclosed-block": "off" } })).await;
    client.did_open(BROKEN).await;
    let (_, codes) = client.diagnostics().await;
    assert!(codes.iter().any(|c| c == "syntax"), "{codes:?}");
    assert!(!codes.iter().any(|c| c == "unclosed-block"), "{codes:?}");
}

#[tokio::test(start_paused = true)]
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

#[tokio::test(start_paused = true)]
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

#[tokio::test(start_paused = true)]
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

    let codes = client.request("claimls/searchCodes", json!({ "query": "E11.65" })).await;
    assert_eq!(codes[0]["code"], "E11.65", "{codes}");
    assert_eq!(codes[0]["system"], "ICD-10-CM", "{codes}");
    assert!(codes[0]["title"].as_str().unwrap().len() > 10, "{codes}");
    assert_eq!(codes[0]["billable"], true, "{codes}");
}

#[tokio::test(start_paused = true)]
async fn search_codes_answers_as_claimls_lookup_finds() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    let codes = client
        .request("claimls/searchCodes", json!({ "query": "type 2 diabetes", "limit": 5 }))
        .await;
    let codes = codes.as_array().unwrap();
    assert_eq!(codes.len(), 5, "{codes:?}");
    assert!(codes.iter().all(|c| c["code"].as_str().unwrap().starts_with("E1")), "{codes:?}");
    // The same list `claimls lookup` prints.
    let (expected, _) =
        claimls::cli::find_codes(&claimls_codes::CodeSets::bundled(), "type 2 diabetes", 5);
    let got: Vec<&str> = codes.iter().map(|c| c["code"].as_str().unwrap()).collect();
    let want: Vec<&str> = expected.iter().map(|hit| hit.code.as_str()).collect();
    assert_eq!(got, want);
    // A header is not billable.
    let header = client.request("claimls/searchCodes", json!({ "query": "E11" })).await;
    assert_eq!(header[0]["code"], "E11", "{header}");
    assert_eq!(header[0]["billable"], false, "{header}");
    let nothing = client.request("claimls/searchCodes", json!({ "query": "  " })).await;
    assert_eq!(nothing, json!([]));
}

#[tokio::test(start_paused = true)]
async fn workspace_symbols_are_the_claims_and_orders_of_open_documents() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    client.did_open("claim CLM-1\n  dx A  E11.9\nend\norder ORD-7\nend\n").await;
    let all = client.request("workspace/symbol", json!({ "query": "" })).await;
    let names: Vec<&str> =
        all.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["claim CLM-1", "order ORD-7"]);
    assert_eq!(all[1]["location"]["uri"], URI);
    assert_eq!(all[1]["location"]["range"]["start"], json!({ "line": 3, "character": 6 }));
    let one = client.request("workspace/symbol", json!({ "query": "ord" })).await;
    assert_eq!(one.as_array().unwrap().len(), 1, "{one}");
    // Codes are not symbols any more.
    let codes = client.request("workspace/symbol", json!({ "query": "E11.9" })).await;
    assert_eq!(codes, json!([]));
}

#[tokio::test(start_paused = true)]
async fn phi_ranges_cover_a_patient_line_with_a_no_break_space() {
    let mut client = Client::start(20);
    client.initialize(&["utf-16"], Value::Null).await;
    let text = "claim C1\n  patient\u{a0}\"Zoë Doe\"\u{a0}dob\t1980-04-12  member\u{a0}XJ1\nend\n";
    client.did_open(text).await;
    let ranges =
        client.request("claimls/phiRanges", json!({ "textDocument": { "uri": URI } })).await;
    let range = |line: u32, start: u32, end: u32| json!({ "start": { "line": line, "character": start }, "end": { "line": line, "character": end } });
    // In UTF-16 units: the name inside its quotes, the date of birth, the member id.
    assert_eq!(ranges, json!([range(1, 11, 18), range(1, 24, 34), range(1, 43, 46)]));
    let unknown = client
        .request(
            "claimls/phiRanges",
            json!({ "textDocument": { "uri": "file:///not/open.claim" } }),
        )
        .await;
    assert_eq!(unknown, json!([]));
}

#[tokio::test(start_paused = true)]
async fn each_version_is_parsed_once_and_every_request_uses_it() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    let uri: Uri = URI.parse().unwrap();
    client.did_open("claim C1\n  dx A  E11.9\nend\n").await;
    client.diagnostics().await;
    client.hover(1, 8).await;
    let first = client.state.parsed_cell(&uri).expect("open");
    let parsed = first.get().expect("parsed for the hover").text().as_ptr();
    for method in ["textDocument/documentSymbol", "textDocument/foldingRange"] {
        client.request(method, json!({ "textDocument": { "uri": URI } })).await;
    }
    client.hover(1, 9).await;
    let again = client.state.parsed_cell(&uri).expect("open");
    assert!(Arc::ptr_eq(&first, &again), "a request made a new parse");
    assert_eq!(again.get().map(|p| p.text().as_ptr()), Some(parsed));
    // A new version gets a new, empty cell, filled by the next request that needs the whole
    // parse (a hover before it parses only the block under the cursor).
    client.did_change(2, ((1, 8), (1, 13)), "I10").await;
    assert_eq!(client.server_text().await, "claim C1\n  dx A  I10\nend\n");
    client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } })).await;
    let edited = client.state.parsed_cell(&uri).expect("open");
    assert!(!Arc::ptr_eq(&first, &edited));
    assert_eq!(edited.get().map(|p| p.text()), Some("claim C1\n  dx A  I10\nend\n"));
}

/// A workspace on disk: a `claimls.toml` with a bad key next to `visit.claim`.
fn workspace_with_a_bad_config() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("claimls.toml"), "[rules]\nno-such-rule = \"off\"\n").unwrap();
    let uri = format!("file://{}/visit.claim", dir.path().display());
    (dir, uri)
}

/// Counts the `window/showMessage` notifications that arrive within `wait`.
async fn messages_within(client: &mut Client, wait: Duration) -> Vec<String> {
    let mut messages = Vec::new();
    while let Some(message) = client.notification("window/showMessage", wait).await {
        messages.push(message["message"].as_str().unwrap_or_default().to_string());
    }
    messages
}

#[tokio::test(start_paused = true)]
async fn config_changes_arrive_as_watched_files_and_each_is_reported_once() {
    let (dir, uri) = workspace_with_a_bad_config();
    let mut client = Client::start(20);
    let watching =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    client.initialize_with(watching, Value::Null).await;
    // `dx B` is not pointed to: an `unused-dx` warning.
    let text = "claim C1\n  dx A  E11.9\n  dx B  I10\n  line 2026-03-02  99213  ptr A  units 1  charge 1.00\nend\n";
    let document = json!({ "uri": uri, "languageId": "claim", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": document })).await;
    let first = messages_within(&mut client, Duration::from_millis(500)).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains("rules.no-such-rule"), "{first:?}");
    assert!(
        client.server_requests.iter().any(|m| m == "client/registerCapability"),
        "{:?}",
        client.server_requests
    );
    // Saving the claim file again and again changes nothing and says nothing.
    for _ in 0..3 {
        client.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } })).await;
    }
    let on_saves = messages_within(&mut client, Duration::from_millis(300)).await;
    assert!(on_saves.is_empty(), "{on_saves:?}");
    // The file changes: read again, its new problem reported once, the document checked again.
    let toml = dir.path().join("claimls.toml");
    std::fs::write(&toml, "today = \"soon\"\n[rules]\nunused-dx = \"error\"\n").unwrap();
    let toml_uri = format!("file://{}", toml.display());
    let change = json!({ "changes": [{ "uri": toml_uri, "type": 2 }] });
    client.notify("workspace/didChangeWatchedFiles", change).await;
    let after = messages_within(&mut client, Duration::from_millis(500)).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].contains("today"), "{after:?}");
    // Checked again with the new configuration: `unused-dx` is an error now.
    let severity_of_unused_dx = |published: &Value| {
        published["diagnostics"]
            .as_array()
            .and_then(|all| all.iter().find(|d| d["code"] == "unused-dx"))
            .map(|d| d["severity"].clone())
    };
    loop {
        let published = client
            .notification("textDocument/publishDiagnostics", WAIT)
            .await
            .expect("checked again with the new configuration");
        if severity_of_unused_dx(&published) == Some(json!(1)) {
            break;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_saved_config_is_read_again_when_the_client_cannot_watch() {
    let (dir, uri) = workspace_with_a_bad_config();
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    let text = "claim C1\nend\n";
    let document = json!({ "uri": uri, "languageId": "claim", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": document })).await;
    assert_eq!(messages_within(&mut client, Duration::from_millis(500)).await.len(), 1);
    assert!(!client.server_requests.iter().any(|m| m == "client/registerCapability"));
    let toml = dir.path().join("claimls.toml");
    std::fs::write(&toml, "[rules]\nother-bad-rule = \"off\"\n").unwrap();
    let toml_uri = format!("file://{}", toml.display());
    client.notify("textDocument/didSave", json!({ "textDocument": { "uri": toml_uri } })).await;
    let after = messages_within(&mut client, Duration::from_millis(500)).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].contains("other-bad-rule"), "{after:?}");
}

#[tokio::test(start_paused = true)]
async fn an_opened_document_is_checked_without_the_debounce() {
    // A debounce far longer than the wait: only a check on open can answer in time.
    let mut client = Client::start(60_000);
    client.initialize(&[], Value::Null).await;
    client.did_open(BROKEN).await;
    let published = client.notification("textDocument/publishDiagnostics", WAIT / 2).await;
    let published = published.expect("no diagnostics on open");
    assert_eq!(published["version"], 1, "{published}");
    // An edit waits for the debounce.
    client.did_change(2, ((2, 2), (2, 2)), "#").await;
    let edited = client.notification("textDocument/publishDiagnostics", Duration::from_millis(500));
    assert_eq!(edited.await, None, "an edit was checked before the debounce");
}

/// A claim whose dx letter `A` is pointed to twice.
const POINTED: &str = "claim C1\n  dx  A E11.9\n  line 2026-07-14  99213  ptr A\n  line 2026-07-14  82947 ptr A\nend\n";

#[tokio::test(start_paused = true)]
async fn rename_a_dx_letter_updates_every_pointer() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    client.did_open(POINTED).await;
    let range = client.at("textDocument/prepareRename", 1, 6, json!({})).await;
    assert_eq!(range["range"]["start"], json!({ "line": 1, "character": 6 }), "{range}");
    assert_eq!(range["placeholder"], "A", "{range}");
    let edit = client.at("textDocument/rename", 1, 6, json!({ "newName": "D" })).await;
    let edits = edit["changes"][URI].as_array().expect("edits for the document");
    let mut places: Vec<(u64, u64)> = edits
        .iter()
        .map(|e| {
            assert_eq!(e["newText"], "D", "{e}");
            (
                e["range"]["start"]["line"].as_u64().unwrap(),
                e["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(places, [(1, 6), (2, 30), (3, 29)], "{edit}");
    // Definition from a pointer goes back to the dx.
    let definition = client.at("textDocument/definition", 2, 30, json!({})).await;
    assert_eq!(definition["range"]["start"], json!({ "line": 1, "character": 6 }), "{definition}");
}

#[tokio::test(start_paused = true)]
async fn formatting_aligns_and_is_stable() {
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    client.did_open(POINTED).await;
    let options = json!({ "options": { "tabSize": 2, "insertSpaces": true } });
    let mut params = json!({ "textDocument": { "uri": URI } });
    params.as_object_mut().unwrap().extend(options.as_object().cloned().unwrap());
    let edits = client.request("textDocument/formatting", params.clone()).await;
    let edits = edits.as_array().expect("formatting edits");
    assert!(!edits.is_empty());
    // Apply them (the server sends non-overlapping edits; apply from the end).
    let mut text = POINTED.to_string();
    let offset = |text: &str, position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character
    };
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(offset(POINTED, &e["range"]["start"])));
    for edit in sorted {
        let start = offset(&text, &edit["range"]["start"]);
        let end = offset(&text, &edit["range"]["end"]);
        text.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    assert!(text.contains("\n  dx A  E11.9\n"), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("line")).collect();
    assert_eq!(lines[0].find("ptr"), lines[1].find("ptr"), "columns not aligned:\n{text}");
    // Formatting the formatted text changes nothing.
    client.did_change(2, ((0, 0), (99, 0)), &text).await;
    let again = client.request("textDocument/formatting", params).await;
    assert!(again.is_null() || again.as_array().is_some_and(Vec::is_empty), "{again}");
}

#[tokio::test(start_paused = true)]
async fn inlay_hints_give_titles_and_can_be_turned_off() {
    for (options, expected) in
        [(Value::Null, true), (json!({ "inlayHints": { "codeTitles": false } }), false)]
    {
        let mut client = Client::start(20);
        client.initialize(&[], options).await;
        client.did_open(POINTED).await;
        let range =
            json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 5, "character": 0 } });
        let hints = client
            .request(
                "textDocument/inlayHint",
                json!({ "textDocument": { "uri": URI }, "range": range }),
            )
            .await;
        let labels: Vec<String> = hints
            .as_array()
            .map(|hints| hints.iter().map(|h| h["label"].to_string()).collect())
            .unwrap_or_default();
        let has_title = labels.iter().any(|l| l.contains("Type 2 diabetes mellitus without"));
        assert_eq!(has_title, expected, "{labels:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn diagnostics_refresh_is_asked_only_of_clients_that_support_it() {
    for refresh_support in [false, true] {
        let mut client = Client::start(20);
        let capabilities = json!({
            "textDocument": { "diagnostic": {} },
            "workspace": { "diagnostics": { "refreshSupport": refresh_support } },
        });
        client.initialize_with(capabilities, Value::Null).await;
        client.did_open(BROKEN).await;
        client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": URI } })).await;
        let settings = json!({ "settings": { "claimls": { "rules": { "syntax": "off" } } } });
        client.notify("workspace/didChangeConfiguration", settings).await;
        // The request, if any, comes while the notification is handled: read for a while.
        client.notification("no/such/notification", Duration::from_millis(300)).await;
        let asked = client.server_requests.iter().any(|m| m == "workspace/diagnostic/refresh");
        assert_eq!(asked, refresh_support, "{:?}", client.server_requests);
    }
}

/// A hover shows the diagnostics of the document's current version with the current settings:
/// those kept from the last check, never stale ones after a setting or the text changed.
#[tokio::test(start_paused = true)]
async fn hover_explains_the_diagnostics_of_this_version_and_these_settings() {
    const HEADER: &str = "claim C1\n  dx A E11\n  line 2026-07-14  99213  ptr A\nend\n";
    let mut client = Client::start(20);
    client.initialize(&["utf-8"], Value::Null).await;
    client.did_open(HEADER).await;
    let (_, codes) = client.diagnostics().await;
    assert!(codes.iter().any(|code| code == "header-code"), "{codes:?}");
    let explains_header = |hover: &Value| hover.to_string().contains("**header-code**");
    // `E11` on line 1: the rule's explanation is part of the hover.
    assert!(explains_header(&client.hover(1, 8).await));

    // The rule turned off: the kept diagnostics are stale, the hover no longer explains it.
    let settings = json!({ "settings": { "claimls": { "rules": { "header-code": "off" } } } });
    client.notify("workspace/didChangeConfiguration", settings).await;
    let hover = client.hover(1, 8).await;
    assert!(!explains_header(&hover), "{hover}");
    assert!(hover.to_string().contains("E11"), "the code's own hover stays: {hover}");

    // On again, then the code completed: right after the edit (before its check) the hover
    // is about the new text.
    let settings = json!({ "settings": { "claimls": { "rules": {} } } });
    client.notify("workspace/didChangeConfiguration", settings).await;
    assert!(explains_header(&client.hover(1, 8).await));
    // Once its new diagnostics are published, they are kept for this version.
    while !client.diagnostics().await.1.iter().any(|code| code == "header-code") {}
    client.did_change(2, ((1, 10), (1, 10)), ".9").await;
    let hover = client.hover(1, 8).await;
    assert!(!explains_header(&hover), "{hover}");
}

/// Opens `text` at `uri` (its extension chooses the syntax) and waits for its diagnostics.
async fn open_other(client: &mut Client, uri: &str, language: &str, text: &str) -> Vec<String> {
    let document = json!({ "uri": uri, "languageId": language, "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": document })).await;
    let params = client
        .notification("textDocument/publishDiagnostics", WAIT)
        .await
        .expect("no diagnostics published");
    assert_eq!(params["uri"], uri);
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn x12_and_hl7_documents_get_their_rules_and_hovers() {
    let mut client = Client::start(20);
    client.initialize(&["utf-16"], Value::Null).await;
    let x12 = std::fs::read_to_string(repo_root().join("examples/x12/training.x12")).unwrap();
    let uri = "file:///nowhere/batch.837";
    let codes = open_other(&mut client, uri, "x12", &x12).await;
    for rule in ["envelope", "hierarchy", "claim-total", "qualifier", "segment"] {
        assert!(codes.iter().any(|c| c == rule), "{rule} in {codes:?}");
    }
    // A hover on the ICD-10-CM code of `HI*ABK:E119` (line 22, after `HI*ABK:`) gives its title.
    let (line, column) = x12
        .lines()
        .enumerate()
        .find_map(|(n, l)| l.find("ABK:E119").map(|c| (n as u32, c as u32 + 4)))
        .unwrap();
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": column } }),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("E11.9") && markdown.contains("Type 2 diabetes"), "{hover}");

    let hl7 =
        std::fs::read_to_string(repo_root().join("examples/hl7/training/hl7-rules.hl7")).unwrap();
    let uri = "file:///nowhere/orders.hl7";
    let codes = open_other(&mut client, uri, "hl7", &hl7).await;
    assert!(codes.iter().any(|c| c == "coding-system"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "segment"), "{codes:?}");
    // The patient's name is patient data: presentation mode hides it.
    let ranges =
        client.request("claimls/phiRanges", json!({ "textDocument": { "uri": uri } })).await;
    assert!(!ranges.as_array().unwrap().is_empty(), "{ranges}");
}

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A hover sent while the version's whole parse is under way (here held up on a thread of the
/// test, as a large document's parse holds it up on the check thread) answers from the block
/// under the cursor, without waiting for that parse.
#[tokio::test(start_paused = true)]
async fn a_hover_during_the_first_parse_does_not_wait_for_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let mut client = Client::start(20);
    client.initialize(&[], Value::Null).await;
    // The check thread waits, so that it does not parse the document first.
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let state = client.state.clone();
    tokio::spawn(async move { state.checks.run(move || held.recv().ok()).await });
    let text = "claim C1\n  dx A  E11.9\nend\nclaim C2\n  dx A  I10\nend\n";
    client.did_open(text).await;
    // Once the server has the document (a request would parse it): its parse is the test's.
    let uri: Uri = URI.parse().unwrap();
    let cell = loop {
        match client.state.parsed_cell(&uri) {
            Some(cell) => break cell,
            None => tokio::task::yield_now().await,
        }
    };
    let (entered, inside) = std::sync::mpsc::channel();
    let (release, released_by) = std::sync::mpsc::channel::<()>();
    let released = Arc::new(AtomicBool::new(false));
    let parse = {
        let released = released.clone();
        std::thread::spawn(move || {
            cell.get_or_init(|| {
                entered.send(()).unwrap();
                // Before the hover answered without the whole parse, it waited here for this.
                let _ = released_by.recv_timeout(Duration::from_secs(5));
                released.store(true, Ordering::SeqCst);
                claimls::analysis::ParsedDocument::parse(
                    text.into(),
                    claimls_analysis::Language::Claim,
                )
            });
        })
    };
    inside.recv().unwrap();
    let hover = client.hover(4, 9).await;
    assert!(!released.load(Ordering::SeqCst), "the hover waited for the whole parse");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("**I10** — "), "{hover}");
    assert_eq!(hover["range"]["start"], json!({ "line": 4, "character": 8 }));
    release.send(()).unwrap();
    parse.join().unwrap();
    hold.send(()).unwrap();
    assert_eq!(client.diagnostics().await.0, Some(1));
}
