//! The editor features on X12 837 and HL7 v2 documents, through the protocol: every file
//! under `fixtures/<feature>/` (`.837` is opened as `x12`, `.hl7` as `hl7`) holds a cursor
//! marker `$0` where the feature needs a position; the answer is rendered against the text
//! (ranges as the text they cover) and snapshotted (`snapshots/`).

use serde_json::{Value, json};

use super::{Client, open_other};

/// Line starts of a text, with LSP's line breaks (`\r\n`, `\r`, `\n`); the fixtures are ASCII,
/// so a character is a byte in every encoding.
struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Lines {
        assert!(text.is_ascii(), "fixtures are ASCII");
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                    at += 2;
                    starts.push(at);
                }
                b'\r' | b'\n' => {
                    at += 1;
                    starts.push(at);
                }
                _ => at += 1,
            }
        }
        Lines { starts, len: text.len() }
    }

    fn position(&self, offset: usize) -> Value {
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        json!({ "line": line, "character": offset - self.starts[line] })
    }

    fn offset(&self, position: &Value) -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        (self.starts.get(line).copied().unwrap_or(self.len) + character).min(self.len)
    }

    fn span(&self, range: &Value) -> (usize, usize) {
        (self.offset(&range["start"]), self.offset(&range["end"]))
    }
}

struct Fixture {
    name: String,
    uri: String,
    language: &'static str,
    text: String,
    offset: usize,
}

fn fixtures(feature: &str) -> Vec<Fixture> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/fixtures");
    let mut paths: Vec<_> =
        std::fs::read_dir(dir.join(feature)).unwrap().map(|entry| entry.unwrap().path()).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let raw = std::fs::read_to_string(&path).unwrap();
            let text = raw.replacen("$0", "", 1);
            // Without a marker: the end of the text (features that need no position).
            let offset = raw.find("$0").unwrap_or(text.len());
            let language = if name.ends_with(".hl7") { "hl7" } else { "x12" };
            Fixture { uri: format!("file:///nowhere/{name}"), name, language, text, offset }
        })
        .collect()
}

/// Each fixture of `feature` opened in a fresh server, rendered by `render`, snapshotted.
async fn run(feature: &str) {
    let all = fixtures(feature);
    assert!(!all.is_empty(), "no fixtures for {feature}");
    for fixture in all {
        let mut client = Client::start(20);
        let initialized = client.initialize(&["utf-16"], Value::Null).await;
        open_other(&mut client, &fixture.uri, fixture.language, &fixture.text).await;
        let rendered = render(feature, &mut client, &initialized, &fixture).await;
        insta::assert_snapshot!(format!("{feature}@{}", fixture.name), rendered);
    }
}

/// A text with its line breaks visible, for snapshots.
fn visible(text: &str) -> String {
    text.replace('\r', "\\r")
}

async fn render(feature: &str, client: &mut Client, init: &Value, fixture: &Fixture) -> String {
    let lines = Lines::new(&fixture.text);
    let text = fixture.text.as_str();
    let slice = |range: &Value| {
        let (start, end) = lines.span(range);
        visible(&text[start..end])
    };
    let document = json!({ "uri": fixture.uri });
    let at = json!({ "textDocument": document, "position": lines.position(fixture.offset) });
    match feature {
        "hover" => {
            let hover = client.request("textDocument/hover", at).await;
            if hover.is_null() {
                return "(no hover)".into();
            }
            format!(
                "range: {:?}\n\n{}",
                slice(&hover["range"]),
                hover["contents"]["value"].as_str().unwrap()
            )
        }
        "completion" => {
            let list = client.request("textDocument/completion", at).await;
            let items = list["items"].as_array().cloned().unwrap_or_default();
            let mut out = format!("incomplete: {}, items: {}\n", list["isIncomplete"], items.len());
            for item in items.iter().take(8) {
                let edit = &item["textEdit"];
                out.push_str(&format!(
                    "{} — {} [replaces {:?} with {:?}]\n",
                    item["label"].as_str().unwrap(),
                    item["detail"].as_str().unwrap_or(""),
                    slice(&edit["range"]),
                    edit["newText"].as_str().unwrap_or(""),
                ));
            }
            out
        }
        "definition" => {
            let target = client.request("textDocument/definition", at).await;
            if target.is_null() {
                return "(no definition)".into();
            }
            format!("{:?} on line {}", slice(&target["range"]), target["range"]["start"]["line"])
        }
        "symbols" => {
            let symbols = client
                .request("textDocument/documentSymbol", json!({ "textDocument": document }))
                .await;
            let mut out = String::new();
            outline(&mut out, &symbols, 0, &lines, text);
            out
        }
        "folding" => {
            let folds = client
                .request("textDocument/foldingRange", json!({ "textDocument": document }))
                .await;
            let source: Vec<&str> = text.split(['\r', '\n']).filter(|l| !l.is_empty()).collect();
            let mut out = String::new();
            for fold in folds.as_array().unwrap() {
                let (start, end) =
                    (fold["startLine"].as_u64().unwrap(), fold["endLine"].as_u64().unwrap());
                let first = source.get(start as usize).copied().unwrap_or("");
                out.push_str(&format!("{start}-{end}: {}\n", &first[..first.len().min(30)]));
            }
            out
        }
        "phi" => {
            let ranges =
                client.request("claimls/phiRanges", json!({ "textDocument": document })).await;
            ranges.as_array().unwrap().iter().map(|r| format!("{:?}\n", slice(r))).collect()
        }
        "tokens" => {
            let legend = init["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
                .as_array()
                .unwrap()
                .clone();
            let tokens = client
                .request("textDocument/semanticTokens/full", json!({ "textDocument": document }))
                .await;
            let data: Vec<u64> =
                tokens["data"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
            let (mut line, mut start) = (0, 0);
            let mut out = String::new();
            for token in data.chunks(5) {
                if token[0] > 0 {
                    line += token[0];
                    start = token[1];
                } else {
                    start += token[1];
                }
                let from = lines.offset(&json!({ "line": line, "character": start }));
                let kind = legend[token[3] as usize].as_str().unwrap();
                out.push_str(&format!("{:?} {kind}\n", &text[from..from + token[2] as usize]));
            }
            out
        }
        "format" => {
            let params = json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } });
            let edits = client.request("textDocument/formatting", params).await;
            let formatted = apply(text, &lines, edits.as_array().unwrap());
            same_segments(text, &formatted);
            visible(&formatted)
        }
        "join" => {
            let end = lines.position(text.len());
            let params = json!({
                "textDocument": document,
                "range": { "start": { "line": 0, "character": 0 }, "end": end },
                "context": { "diagnostics": [], "only": ["source.claimls.x12.joinLines"] },
            });
            let actions = client.request("textDocument/codeAction", params).await;
            let actions = actions.as_array().unwrap();
            assert_eq!(actions.len(), 1, "{actions:?}");
            let edits = &actions[0]["edit"]["changes"][&fixture.uri];
            let joined = apply(text, &lines, edits.as_array().unwrap());
            same_segments(text, &joined);
            format!("{}\n\n{}", actions[0]["title"].as_str().unwrap(), visible(&joined))
        }
        "inlay" => {
            let end = lines.position(text.len());
            let params = json!({
                "textDocument": document,
                "range": { "start": { "line": 0, "character": 0 }, "end": end },
            });
            let hints = client.request("textDocument/inlayHint", params).await;
            let mut out = String::new();
            for hint in hints.as_array().unwrap() {
                let at = lines.offset(&hint["position"]);
                let before = &text[text[..at].rfind(['*', ':', '|', '^']).map_or(0, |s| s + 1)..at];
                out.push_str(&format!("{before:?}: {}\n", hint["label"].as_str().unwrap()));
            }
            out
        }
        other => panic!("no feature {other}"),
    }
}

fn outline(out: &mut String, symbols: &Value, depth: usize, lines: &Lines, text: &str) {
    for symbol in symbols.as_array().into_iter().flatten() {
        let (start, end) = lines.span(&symbol["range"]);
        let (sel_start, sel_end) = lines.span(&symbol["selectionRange"]);
        out.push_str(&format!(
            "{}{} ({}) kind {} lines {}-{} selects {:?}\n",
            "  ".repeat(depth),
            symbol["name"].as_str().unwrap(),
            symbol["detail"].as_str().unwrap_or("-"),
            symbol["kind"],
            lines.position(start)["line"],
            lines.position(end)["line"],
            &text[sel_start..sel_end],
        ));
        outline(out, &symbol["children"], depth + 1, lines, text);
    }
}

/// `edits` applied to `text` (they do not overlap).
fn apply(text: &str, lines: &Lines, edits: &[Value]) -> String {
    let mut spans: Vec<((usize, usize), &str)> = edits
        .iter()
        .map(|edit| (lines.span(&edit["range"]), edit["newText"].as_str().unwrap()))
        .collect();
    spans.sort_by_key(|(span, _)| std::cmp::Reverse(*span));
    let mut out = text.to_string();
    for ((start, end), new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// Laying segments out changes only the blank space between them.
fn same_segments(before: &str, after: &str) {
    let segments = |text: &str| -> Vec<String> {
        text.split('~')
            .map(|s| s.trim_matches(|c: char| c.is_ascii_whitespace()).to_string())
            .collect()
    };
    assert_eq!(segments(before), segments(after));
}

#[tokio::test(start_paused = true)]
async fn hover() {
    run("hover").await;
}

#[tokio::test(start_paused = true)]
async fn completion() {
    run("completion").await;
}

#[tokio::test(start_paused = true)]
async fn definition() {
    run("definition").await;
}

#[tokio::test(start_paused = true)]
async fn symbols() {
    run("symbols").await;
}

#[tokio::test(start_paused = true)]
async fn folding() {
    run("folding").await;
}

#[tokio::test(start_paused = true)]
async fn phi() {
    run("phi").await;
}

#[tokio::test(start_paused = true)]
async fn tokens() {
    run("tokens").await;
}

#[tokio::test(start_paused = true)]
async fn inlay() {
    run("inlay").await;
}

#[tokio::test(start_paused = true)]
async fn format() {
    run("format").await;
}

#[tokio::test(start_paused = true)]
async fn join() {
    run("join").await;
}

/// `workspace/symbol` finds an 837's claims and an HL7 file's orders by their numbers.
#[tokio::test(start_paused = true)]
async fn workspace_symbols_find_claims_and_orders() {
    let mut client = Client::start(20);
    client.initialize(&["utf-16"], Value::Null).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/fixtures");
    let x12 = std::fs::read_to_string(dir.join("symbols/x12_837p.837")).unwrap();
    let hl7 = std::fs::read_to_string(dir.join("symbols/hl7_orm.hl7")).unwrap();
    open_other(&mut client, "file:///nowhere/a.837", "x12", &x12).await;
    open_other(&mut client, "file:///nowhere/b.hl7", "hl7", &hl7).await;
    let names = |found: Value| -> Vec<String> {
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["location"]["uri"]))
            .collect()
    };
    let claims = client.request("workspace/symbol", json!({ "query": "clm-2026" })).await;
    assert_eq!(names(claims), ["claim CLM-2026-0101 \"file:///nowhere/a.837\""]);
    let orders = client.request("workspace/symbol", json!({ "query": "ORD-100" })).await;
    assert_eq!(orders.as_array().unwrap().len(), 4, "{orders}");
}

/// The quick fixes of #15 on an 837 with seeded mistakes: the right SE01 and GE01 counts,
/// the right control number, CLM02 the sum of the lines, a code replacement, a repeated
/// modifier removed, a pointer fixed; and applying one fixes the text.
#[tokio::test(start_paused = true)]
async fn the_quick_fixes_of_an_837() {
    let mut client = Client::start(20);
    client.initialize(&["utf-16"], Value::Null).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/fixtures");
    let mut text = std::fs::read_to_string(dir.join("symbols/x12_837p.837")).unwrap();
    for (right, wrong) in [
        ("SE*26*", "SE*25*"),
        ("GE*1*101", "GE*2*101"),
        ("IEA*1*000000101", "IEA*1*000000102"),
        ("*193*", "*190*"),
        ("HC:99214*", "HC:99214:25:25*"),
        ("***1:2~", "***1:7~"),
        ("ABF:I10", "ABF:I1O"),
    ] {
        text = text.replacen(right, wrong, 1);
    }
    let uri = "file:///nowhere/seeded.837";
    open_other(&mut client, uri, "x12", &text).await;
    let lines = Lines::new(&text);
    let range = json!({ "start": lines.position(0), "end": lines.position(text.len()) });
    let params = json!({
        "textDocument": { "uri": uri },
        "range": range,
        "context": { "diagnostics": [], "only": ["quickfix"] },
    });
    let actions = client.request("textDocument/codeAction", params).await;
    let actions = actions.as_array().unwrap();
    let mut titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "I10 (Essential (primary) hypertension)",
            "Remove the second 25",
            "Set CLM02 to 193",
            "Set GE01 to 1",
            "Set IEA02 to 000000101",
            "Set SE01 to 26",
            "Write SV107 `1`",
        ]
    );
    let fix = actions.iter().find(|a| a["title"] == "Set SE01 to 26").unwrap();
    let fixed = apply(&text, &lines, fix["edit"]["changes"][uri].as_array().unwrap());
    assert!(fixed.contains("SE*26*0001~"));
}
