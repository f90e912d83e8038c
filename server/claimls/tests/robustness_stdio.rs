//! Protocol abuse over real stdio: each bad message is followed by a normal request that must
//! still be answered. Malformed frames, bodies that are not JSON or not JSON-RPC, unknown
//! methods, requests before `initialize`, edits to documents never opened, positions far
//! outside the document, a 20 MB document, NUL bytes, and the exit status of `exit`.

mod support;

use serde_json::{Value, json};
use support::Server;

const URI: &str = "file:///nowhere/robust.claim";
const TEXT: &str = "claim C1\n  patient \"Roe, Ann\" dob 1970-01-02\n  dx A  E11.9\nend\n";

/// JSON-RPC error codes.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;

fn started() -> Server {
    let mut server = Server::start();
    server.initialize(json!({}));
    server.did_open(URI, TEXT);
    server
}

/// The next error response without an id (the server could not tell which request it was).
fn error_without_id(server: &mut Server, what: &str) -> i64 {
    let response = server.wait_for(what, |m| m.get("error").is_some() && m["id"].is_null());
    response["error"]["code"].as_i64().unwrap()
}

#[test]
fn malformed_frames_get_an_error_and_the_next_request_is_answered() {
    let mut server = started();
    let framed = |body: &[u8]| {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        bytes
    };
    let cases: Vec<(&str, Vec<u8>, i64)> = vec![
        ("a length that is not a number", b"Content-Length: many\r\n\r\n".to_vec(), PARSE_ERROR),
        (
            "a header block without a length",
            b"Content-Type: text/plain\r\n\r\n".to_vec(),
            PARSE_ERROR,
        ),
        ("a line that is no header at all", b"hello, server\r\n".to_vec(), PARSE_ERROR),
        ("a body that is cut-off JSON", framed(b"{\"jsonrp"), PARSE_ERROR),
        ("a body that is not UTF-8", framed(b"\"\xff\xfe\""), PARSE_ERROR),
        ("a body of NUL bytes", framed(b"\0\0\0"), PARSE_ERROR),
        ("an empty body", framed(b""), PARSE_ERROR),
        ("JSON that is not an object", framed(b"[1,2]"), INVALID_REQUEST),
        (
            "an object that is no JSON-RPC message",
            framed(b"{\"jsonrpc\":\"2.0\"}"),
            INVALID_REQUEST,
        ),
        (
            "a request with a method that is not a string",
            framed(b"{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":12}"),
            INVALID_REQUEST,
        ),
    ];
    for (what, bytes, code) in cases {
        server.send_raw(&bytes);
        assert_eq!(error_without_id(&mut server, what), code, "{what}");
        server.still_answers(URI);
    }
    // Garbage glued to the front of a good message: the message still counts.
    let good = support::frame(&json!({ "jsonrpc": "2.0", "id": 900, "method": "shutdown" }));
    let mut glued = b"{oops}".to_vec();
    glued.extend_from_slice(&good);
    server.send_raw(&glued);
    error_without_id(&mut server, "garbage before a header");
    let answer = server.wait_for("the glued request", |m| m["id"] == 900);
    assert!(answer.get("error").is_none(), "{answer}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(0));
}

/// The client's answers to the server's own requests: LSP answers `client/registerCapability`
/// with a `null` result (`void`), which is a response, not an invalid request; an answer with
/// an error is a response too. Neither may get an error back.
#[test]
fn answers_to_the_servers_requests_are_taken_null_results_included() {
    let mut server = Server::start();
    let watching =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    server.initialize(watching);
    let register = server.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability" && m.get("id").is_some()
    });
    server.send(&json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));
    // An error answer to a request the server never sent (a confused client) is dropped too.
    let error = json!({ "code": -32601, "message": "no such request" });
    server.send(&json!({ "jsonrpc": "2.0", "id": 424242, "error": error }));
    server.did_open(URI, TEXT);
    let hover =
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } });
    server.send(&json!({ "jsonrpc": "2.0", "id": "after", "method": "textDocument/hover", "params": hover }));
    let mut refused = Vec::new();
    server.wait_for("the hover after the answers", |m| {
        if m.get("error").is_some() && m["id"].is_null() {
            refused.push(m.clone());
        }
        m["id"] == "after"
    });
    assert!(refused.is_empty(), "the answers got errors back: {refused:?}");
    assert_eq!(server.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_oversized_message_is_skipped_not_buffered() {
    let mut server = started();
    // Just over the 64 MiB a message may have: refused with a message to the user, and the
    // bytes are skipped as they arrive.
    let length = (64 << 20) + 1;
    let mut bytes = format!("Content-Length: {length}\r\n\r\n").into_bytes();
    bytes.resize(bytes.len() + length, b' ');
    server.send_raw(&bytes);
    assert_eq!(
        error_without_id(&mut server, "an error for the oversized message"),
        INVALID_REQUEST
    );
    let shown = server.wait_for("showMessage", |m| m["method"] == "window/showMessage");
    assert!(shown["params"]["message"].as_str().unwrap().contains("64 MiB"), "{shown}");
    server.still_answers(URI);
}

#[test]
fn unknown_methods_and_invalid_params() {
    let mut server = started();
    let response = server.request("claimls/noSuchMethod", json!({}));
    assert_eq!(response["error"]["code"], METHOD_NOT_FOUND, "{response}");
    // An unknown notification is ignored, `$/` ones too.
    server.notify("claimls/noSuchNotification", json!({ "x": 1 }));
    server.notify("$/noSuchThing", json!({}));
    let response = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": -1, "character": "x" } }),
    );
    assert_eq!(response["error"]["code"], INVALID_PARAMS, "{response}");
    let response = server.request("textDocument/hover", json!("not an object"));
    assert_eq!(response["error"]["code"], INVALID_PARAMS, "{response}");
    server.still_answers(URI);
}

#[test]
fn a_request_before_initialize_is_refused_and_initialize_still_works() {
    let mut server = Server::start();
    let response = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["error"]["code"], SERVER_NOT_INITIALIZED, "{response}");
    server.did_open(URI, TEXT);
    let result = server.initialize(json!({}));
    assert_eq!(result["serverInfo"]["name"], "claimls");
    let again = server.request("initialize", json!({ "capabilities": {} }));
    assert!(again.get("error").is_some(), "a second initialize must fail: {again}");
    server.did_open(URI, TEXT);
    server.still_answers(URI);
}

#[test]
fn documents_never_opened_or_already_closed() {
    let mut server = started();
    let other = "file:///nowhere/never-opened.claim";
    let change = json!({
        "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } },
        "text": "x",
    });
    let params =
        json!({ "textDocument": { "uri": other, "version": 2 }, "contentChanges": [change] });
    server.notify("textDocument/didChange", params);
    server.notify("textDocument/didClose", json!({ "textDocument": { "uri": other } }));
    server.notify("textDocument/didSave", json!({ "textDocument": { "uri": other } }));
    let (hover, _) = server.request_ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": other }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(hover, Value::Null);
    // Closed twice, then changed after closing.
    server.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } }));
    server.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } }));
    let params =
        json!({ "textDocument": { "uri": URI, "version": 3 }, "contentChanges": [{ "text": "" }] });
    server.notify("textDocument/didChange", params);
    server.did_open(URI, TEXT);
    server.still_answers(URI);
}

#[test]
fn positions_far_outside_the_document() {
    let mut server = started();
    let far = json!({ "line": u32::MAX, "character": u32::MAX });
    let at = |method: &str| {
        (method.to_string(), json!({ "textDocument": { "uri": URI }, "position": far }))
    };
    let range = json!({ "start": far, "end": { "line": 0, "character": u32::MAX } });
    let mut requests = vec![
        at("textDocument/hover"),
        at("textDocument/completion"),
        at("textDocument/definition"),
        at("textDocument/documentHighlight"),
        at("textDocument/prepareRename"),
    ];
    let mut references = at("textDocument/references").1;
    references["context"] = json!({ "includeDeclaration": true });
    requests.push(("textDocument/references".into(), references));
    let mut rename = at("textDocument/rename").1;
    rename["newName"] = json!("B");
    requests.push(("textDocument/rename".into(), rename));
    requests.push((
        "textDocument/codeAction".into(),
        json!({ "textDocument": { "uri": URI }, "range": range, "context": { "diagnostics": [] } }),
    ));
    requests.push((
        "textDocument/inlayHint".into(),
        json!({ "textDocument": { "uri": URI }, "range": range }),
    ));
    for (method, params) in requests {
        let response = server.request(&method, params);
        let refused = response["error"]["code"].as_i64();
        // Renaming nothing may be refused as invalid params; nothing else may fail.
        assert!(
            response.get("error").is_none()
                || method == "textDocument/rename" && refused == Some(INVALID_PARAMS),
            "{method}: {response}"
        );
    }
    // An edit far past the end appends; the document still checks.
    let change = json!({ "range": range, "text": "\n# appended\n" });
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [change] }),
    );
    server.published(URI, 2);
    server.still_answers(URI);
}

#[test]
fn nul_bytes_in_a_document() {
    let mut server = started();
    let uri = "file:///nowhere/nul.claim";
    let text = "claim C\0\n  patient \"\0\0\" dob 1970-01-02\n\0dx A  E11.9\0\nend\n\0";
    server.did_open(uri, text);
    let diagnostics = server.published(uri, 1);
    assert!(diagnostics.iter().any(|d| d["code"] == "syntax"), "{diagnostics:?}");
    for line in 0..5 {
        for character in 0..12 {
            let position = json!({ "line": line, "character": character });
            let params = json!({ "textDocument": { "uri": uri }, "position": position });
            server.request_ok("textDocument/hover", params.clone());
            server.request_ok("textDocument/completion", params);
        }
    }
    server
        .request_ok("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } }));
    let formatting = json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } });
    server.request_ok("textDocument/formatting", formatting);
    server.still_answers(uri);
}

#[test]
fn a_20_mb_document_gets_one_diagnostic() {
    let mut server = started();
    server.published(URI, 1);
    let baseline = peak_memory_kb(server.pid());
    let uri = "file:///nowhere/huge.claims";
    let block = "claim C1\n  patient \"Roe, Ann\" dob 1970-01-02\n  billing npi 1234567893\n  dx A  E11.9\n  line 2026-03-02  99213  ptr A\nend\n";
    let text = block.repeat(20_000_000 / block.len() + 1);
    assert!(text.len() > 20_000_000);
    server.did_open(uri, &text);
    let diagnostics = server.published(uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "document-too-large");
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("claimls check"));
    // Memory grows by a few copies of the text (the message, the rope, the snapshot's copy),
    // not by what checking it would build (`claimls check` of this text peaks at about 28
    // times its size, and the debug-build server took over 30 s to check it).
    let grown = (peak_memory_kb(server.pid()) - baseline) * 1024;
    assert!(grown < 5 * text.len() as u64, "{} MB for a 20 MB document", grown >> 20);
    // Features answer at once with nothing rather than working through 20 MB per request.
    let at = json!({ "textDocument": { "uri": uri }, "position": { "line": 3, "character": 9 } });
    let (hover, _) = server.request_ok("textDocument/hover", at.clone());
    assert_eq!(hover, Value::Null);
    let (completion, _) = server.request_ok("textDocument/completion", at);
    assert!(completion.is_null() || completion["items"] == json!([]), "{completion}");
    // An edit that brings it under the limit brings the checks back.
    let params = json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": TEXT }] });
    server.notify("textDocument/didChange", params);
    let diagnostics = server.published(uri, 2);
    assert!(diagnostics.iter().all(|d| d["code"] != "document-too-large"), "{diagnostics:?}");
    server.still_answers(uri);
}

#[test]
fn exit_after_shutdown_is_0() {
    let mut server = started();
    assert_eq!(server.shutdown_and_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_1() {
    let mut server = started();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(1));
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_still_works() {
    let mut server = started();
    server.request_ok("shutdown", Value::Null);
    let response = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["error"]["code"], INVALID_REQUEST, "{response}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(0));
}

#[test]
fn the_editor_going_away_ends_the_server() {
    let mut server = started();
    server.close_stdin();
    // No `shutdown`: not a clean end.
    assert_eq!(server.wait_exit().code(), Some(1));
}

/// A small deterministic random number generator (xorshift), so a failure repeats.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A random place to edit at: a character boundary that is not between `\r` and `\n`.
fn edit_point(text: &str, random: &mut Random) -> usize {
    let points: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .filter(|&at| !(text[..at].ends_with('\r') && text[at..].starts_with('\n')))
        .collect();
    points[random.below(points.len())]
}

/// The diagnostics as (rule id, start line, start character, end line, end character).
type Found = Vec<(String, u64, u64, u64, u64)>;

fn from_lsp(diagnostics: &[Value]) -> Found {
    let mut found: Found = diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            let n = |v: &Value| v.as_u64().unwrap();
            let code = d["code"].as_str().unwrap().to_string();
            (
                code,
                n(&r["start"]["line"]),
                n(&r["start"]["character"]),
                n(&r["end"]["line"]),
                n(&r["end"]["character"]),
            )
        })
        .collect();
    found.sort();
    found
}

/// `claimls check --format json` of `path` (holding `text`), with its 1-based line and
/// character columns turned into LSP positions (0-based, UTF-16 units).
fn from_cli(path: &std::path::Path, text: &str) -> Found {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_claimls"))
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let utf16 = |line: u64, column: u64| {
        let units: usize =
            lines[line as usize - 1].chars().take(column as usize - 1).map(char::len_utf16).sum();
        (line - 1, units as u64)
    };
    let mut found: Found = items
        .iter()
        .map(|item| {
            let n = |key: &str| item[key].as_u64().unwrap();
            let (sl, sc) = utf16(n("line"), n("column"));
            let (el, ec) = utf16(n("end_line"), n("end_column"));
            (item["code"].as_str().unwrap().to_string(), sl, sc, el, ec)
        })
        .collect();
    found.sort();
    found
}

/// Thousands of incremental `didChange` notifications sent without waiting (typing, deleting,
/// multi-byte characters, CRLF lines), then the diagnostics published for the last version,
/// and those pulled, are exactly what `claimls check` finds in the final text.
#[test]
fn a_storm_of_changes_ends_with_the_diagnostics_of_the_final_text() {
    let text = String::from(
        "claim C1\r\n  patient \"Zoë 𝄞 Doe\" dob 1980-04-12 sex F\r\n  billing npi 1234567893\n  \
         dx A  E11.9\n  line 2026-03-02  99213  ptr A  units 1  charge 125.00\nend\n\n\
         order O1\n  patient \"Åsa Öberg\" dob 1975-01-02\n  ordering npi 1245319599\n  \
         date 2026-03-02\n  dx A  I10\n  test 83036  ptr A\nend\n",
    );
    let snippets = [
        "E11.9",
        "e119",
        "dx B  I10\n",
        "é",
        "𝄞",
        " ",
        "\n",
        "\r\n",
        "99213",
        "-25",
        "Z37.0",
        "line 2026-03-02  J1815  ptr B  units 10\n",
        "end\n",
        "claim C2\n",
        "#",
        "ptr A,B",
    ];
    storm("storm.claims", text, &snippets);
}

/// The same storm on an 837 whose segments all stand on one line (as many billing systems
/// send them): every position is on line 0, far into it.
#[test]
fn a_storm_of_changes_on_a_single_line_837_ends_with_the_diagnostics_of_the_final_text() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/fixtures");
    let text = std::fs::read_to_string(dir.join("format/x12_single_line.837")).unwrap();
    assert_eq!(text.lines().count(), 1);
    let snippets = [
        "E119",
        "*",
        ":",
        "~",
        "HI*ABK:E119~",
        "SV1*HC:99213:25*100*UN*1***1~",
        "LX*3~",
        "é",
        "𝄞",
        " ",
        "25",
        "I10",
        "DTP*472*D8*20260302~",
        "CLM*X1*100***11:B:1~",
    ];
    storm("storm.837", text, &snippets);
}

/// Thousands of changes to `text` (saved as `name`, whose extension chooses the syntax), made
/// of `snippets` and deletions, sent without waiting; then the published and pulled
/// diagnostics must be what `claimls check` finds in the final text.
fn storm(name: &str, mut text: String, snippets: &[&str]) {
    const CHANGES: i64 = 3000;
    let dir = support::scratch("storm");
    let path = dir.join(name);
    let uri = format!("file://{}", path.display());
    let mut server = Server::start();
    server.initialize(json!({}));
    server.did_open(&uri, &text);
    let mut random = Random(0x5eed_cafe_f00d);
    for version in 2..=CHANGES + 1 {
        let start = edit_point(&text, &mut random);
        let (end, new) = if random.below(3) == 0 {
            // Delete up to 6 characters.
            let mut end = start;
            for _ in 0..=random.below(6) {
                if let Some(c) = text[end..].chars().next() {
                    end += c.len_utf8();
                }
            }
            if text[..end].ends_with('\r') && text[end..].starts_with('\n') {
                end += 1;
            }
            (end, "")
        } else {
            (start, snippets[random.below(snippets.len())])
        };
        let position = |offset| {
            let (line, character) =
                support::model::position(&text, support::model::Units::Utf16, offset);
            json!({ "line": line, "character": character })
        };
        let change =
            json!({ "range": { "start": position(start), "end": position(end) }, "text": new });
        text.replace_range(start..end, new);
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
    }
    let pushed = from_lsp(&server.published(&uri, CHANGES + 1));
    std::fs::write(&path, &text).unwrap();
    let expected = from_cli(&path, &text);
    assert!(!expected.is_empty(), "the final text has problems to find");
    assert_eq!(pushed, expected, "final text:\n{text}");
    let (pulled, _) =
        server.request_ok("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(from_lsp(pulled["items"].as_array().unwrap()), expected);
}

/// The process's peak resident memory (VmHWM), in kB.
fn peak_memory_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
}
