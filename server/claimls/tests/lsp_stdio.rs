//! The real binary over real stdio: initialize → initialized → didOpen → diagnostics → hover →
//! completion → shutdown → exit, with timings printed.

mod support;

use std::time::Instant;

use serde_json::{Value, json};
use support::Server;

const URI: &str = "file:///nowhere/visit.claim";
const TEXT: &str = "claim CLM-1
  patient   \"Doe, Jane\"  dob 1980-04-12  sex F  member XJ1234567
  billing   npi 1234567893
  dx A  E11.9
  dx B  E11.
  line 2026-03-02  99213  ptr A  units 1  charge 125.00
end
";

fn position(line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } })
}

#[test]
fn stdio_session_end_to_end() {
    let spawned = Instant::now();
    let mut session = Server::start();

    let result = session.initialize(json!({}));
    assert_eq!(result["serverInfo"]["name"], "claimls");
    eprintln!("serverInfo.version: {}", result["serverInfo"]["version"]);
    session.did_open(URI, TEXT);
    let published = session.published(URI, 1);
    let first_diagnostics = spawned.elapsed();
    let codes: Vec<&str> = published.iter().filter_map(|d| d["code"].as_str()).collect();
    eprintln!("spawn → first diagnostics: {first_diagnostics:?} ({codes:?})");
    assert!(!codes.is_empty(), "expected diagnostics for `E11.`");

    // Hover on E11.9 (line 3, inside the code).
    let (hover, hover_time) = session.request_ok("textDocument/hover", position(3, 8));
    eprintln!("hover: {hover_time:?}");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("E11.9"), "{hover}");

    // Completion after `E11.` on line 4.
    let (completion, completion_time) =
        session.request_ok("textDocument/completion", position(4, 12));
    let items = completion["items"].as_array().map_or(0, Vec::len);
    eprintln!("completion: {completion_time:?} ({items} items)");
    assert!(items > 0, "{completion}");

    // A second round, warm.
    let (_, hover_again) = session.request_ok("textDocument/hover", position(3, 8));
    let (_, completion_again) = session.request_ok("textDocument/completion", position(4, 12));
    eprintln!("warm: hover {hover_again:?}, completion {completion_again:?}");

    let status = session.shutdown_and_exit();
    assert!(status.success(), "exit status {status:?}");
}
