//! Protected health information stays in the editor: the server runs at its most verbose log
//! level over a document with known patient names, dates of birth and member ids (in its text
//! and in its file name), through every
//! feature, edits, and malformed messages that quote them; none of it appears in anything the
//! server writes outside the protocol (stderr; no log file: it creates no file at all in its
//! home, XDG, temporary, working or workspace directories). It holds no network socket and no
//! file open for writing at any point we look.

mod support;

use std::path::{Path, PathBuf};

use serde_json::json;
use support::{Server, scratch};

/// Unusual enough never to appear by chance.
const NAMES: [&str; 4] = ["Zzyzx", "Quentavious", "Oyelaran", "Brunhildegard"];
const BIRTH_DATES: [&str; 2] = ["1957-08-19", "1949-11-30"];
const MEMBER_IDS: [&str; 2] = ["QMX884213907", "WPL55190312"];

fn phi() -> impl Iterator<Item = &'static str> {
    NAMES.into_iter().chain(BIRTH_DATES).chain(MEMBER_IDS)
}

fn document() -> String {
    format!(
        "claim CLM-1\n  patient \"{}, {}\" dob {} sex M member {}\n  billing npi 1234567893\n  \
         dx A  E11.9\n  dx B  e119\n  line 2026-03-02  99213  ptr A,B  units 1  charge 125.00\n\
         end\n\norder ORD-1\n  patient {} {} dob {} member {}\n  ordering npi 1234567893\n  \
         date 2026-03-02\n  dx A  E1.9\n  test 83036\nend\n",
        NAMES[0],
        NAMES[1],
        BIRTH_DATES[0],
        MEMBER_IDS[0],
        NAMES[2],
        NAMES[3],
        BIRTH_DATES[1],
        MEMBER_IDS[1],
    )
}

/// Every entry below `dir`, recursively.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(entries(&path));
        }
        found.push(path);
    }
    found
}

/// What the process holds open: no socket of any kind (TCP, UDP, Unix), and no file open for
/// writing other than its stdio pipes and the kernel objects tokio uses (eventfd, epoll).
fn assert_no_socket_and_no_file_written(pid: u32, when: &str) {
    let fds = Path::new("/proc").join(pid.to_string()).join("fd");
    for entry in std::fs::read_dir(&fds).unwrap().flatten() {
        let Ok(target) = std::fs::read_link(entry.path()) else { continue };
        let target = target.to_string_lossy().into_owned();
        assert!(!target.starts_with("socket:"), "{when}: fd {:?} is a socket", entry.file_name());
        if target.starts_with('/') {
            let info =
                Path::new("/proc").join(pid.to_string()).join("fdinfo").join(entry.file_name());
            let info = std::fs::read_to_string(info).unwrap_or_default();
            let flags = info
                .lines()
                .find_map(|line| line.strip_prefix("flags:"))
                .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
                .unwrap_or(0);
            // O_WRONLY = 1, O_RDWR = 2. /dev/null (where nothing lands) is allowed.
            let writes = flags & 0b11 != 0;
            assert!(!writes || target == "/dev/null", "{when}: {target} is open for writing");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn no_patient_data_in_logs_no_files_no_sockets() {
    let root = scratch("phi");
    let dirs = ["home", "config", "cache", "data", "state", "runtime", "tmp", "cwd"]
        .map(|name| root.join(name));
    for dir in &dirs {
        std::fs::create_dir_all(dir).unwrap();
    }
    let workspace = root.join("workspace");
    std::fs::create_dir_all(&workspace).unwrap();
    // Claim files are often named after the patient.
    let path = workspace.join(format!("{}_{}_{}.claims", NAMES[0], NAMES[1], BIRTH_DATES[0]));
    std::fs::write(&path, document()).unwrap();
    let uri = format!("file://{}", path.display());
    let mut server = Server::start_with(|command| {
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CLAIMLS_LOG", "trace")
            .env("RUST_LOG", "trace")
            .env("RUST_BACKTRACE", "1")
            .env("CLAIMLS_DEBOUNCE_MS", "20")
            .env("HOME", &dirs[0])
            .env("XDG_CONFIG_HOME", &dirs[1])
            .env("XDG_CACHE_HOME", &dirs[2])
            .env("XDG_DATA_HOME", &dirs[3])
            .env("XDG_STATE_HOME", &dirs[4])
            .env("XDG_RUNTIME_DIR", &dirs[5])
            .env("TMPDIR", &dirs[6])
            .current_dir(&dirs[7]);
    });
    let pid = server.pid();
    let root_uri = format!("file://{}", workspace.display());
    let capabilities = json!({ "textDocument": { "diagnostic": {} } });
    let params = json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities });
    server.request_ok("initialize", params);
    server.notify("initialized", json!({}));
    assert_no_socket_and_no_file_written(pid, "after initialize");

    let text = document();
    server.did_open(&uri, &text);
    server.published(&uri, 1);
    // An edit that types another patient in.
    let change = json!({
        "range": { "start": { "line": 6, "character": 3 }, "end": { "line": 6, "character": 3 } },
        "text": format!("\n# called {} {} back, dob {}", NAMES[1], NAMES[0], BIRTH_DATES[0]),
    });
    let params =
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [change] });
    server.notify("textDocument/didChange", params);
    server.published(&uri, 2);

    // Every feature, on every line, including the patient lines.
    let document = json!({ "uri": uri });
    for line in 0..16 {
        for character in [2, 12, 20, 30, 40, 55] {
            let at = json!({ "textDocument": document, "position": { "line": line, "character": character } });
            for method in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
                "textDocument/documentHighlight",
                "textDocument/prepareRename",
            ] {
                server.request(method, at.clone());
            }
        }
    }
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
    let requests = [
        (
            "textDocument/codeAction",
            json!({ "textDocument": document, "range": whole, "context": { "diagnostics": [] } }),
        ),
        (
            "textDocument/formatting",
            json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
        ("textDocument/semanticTokens/full", json!({ "textDocument": document })),
        ("textDocument/documentSymbol", json!({ "textDocument": document })),
        ("textDocument/foldingRange", json!({ "textDocument": document })),
        ("textDocument/inlayHint", json!({ "textDocument": document, "range": whole })),
        ("textDocument/diagnostic", json!({ "textDocument": document })),
        ("workspace/symbol", json!({ "query": NAMES[0] })),
        (
            "textDocument/rename",
            json!({ "textDocument": document, "position": { "line": 3, "character": 5 }, "newName": NAMES[2] }),
        ),
    ];
    for (method, params) in requests {
        server.request(method, params);
    }
    // Settings and messages that quote patient data: bad values, invalid JSON, wrong types.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "claimls": { "today": BIRTH_DATES[1], "codeFiles": [MEMBER_IDS[0]], "rules": { NAMES[3]: "off" } } } }),
    );
    let broken = format!("{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"{}\",", NAMES[0]);
    server.send_raw(format!("Content-Length: {}\r\n\r\n{broken}", broken.len()).as_bytes());
    server.send_raw(format!("{} {}\r\n", NAMES[1], MEMBER_IDS[1]).as_bytes());
    server.request(NAMES[2], json!({ "dob": BIRTH_DATES[0] }));
    server.request(
        "textDocument/hover",
        json!({ "textDocument": document, "position": MEMBER_IDS[0] }),
    );
    server.notify("textDocument/didSave", json!({ "textDocument": document, "text": text }));
    assert_no_socket_and_no_file_written(pid, "after every feature");
    server.notify("textDocument/didClose", json!({ "textDocument": document }));
    assert_eq!(server.shutdown_and_exit().code(), Some(0));

    let stderr = server.stderr();
    assert!(stderr.contains("didOpen"), "the trace level was not on:\n{stderr}");
    for secret in phi() {
        assert!(!stderr.contains(secret), "stderr has `{secret}`:\n{stderr}");
    }
    for dir in &dirs {
        assert_eq!(entries(dir), Vec::<PathBuf>::new(), "the server wrote into {}", dir.display());
    }
    assert_eq!(entries(&workspace), vec![path], "the server wrote into the workspace");
}
