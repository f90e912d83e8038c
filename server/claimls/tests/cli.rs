//! The command line as a user runs it: the real binary, real files, exit statuses and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn claimls(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimls"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(repo_root())
        .output()
        .expect("the claimls binary runs")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claimls-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lookup_answers_the_issue_examples() {
    let e119 = claimls(&["lookup", "E11.9"]);
    assert!(e119.status.success());
    assert!(
        stdout(&e119).starts_with(
            "E11.9  ICD-10-CM  billable  Type 2 diabetes mellitus without complications"
        )
    );

    let words = claimls(&["lookup", "type 2 diabetes hyperglycemia"]);
    assert!(stdout(&words).starts_with("E11.65 "), "{}", stdout(&words));

    let hcpcs = claimls(&["lookup", "J1815"]);
    assert!(stdout(&hcpcs).contains("J1815  HCPCS") && stdout(&hcpcs).contains("Insulin"));

    let pcs = claimls(&["lookup", "0DTJ4ZZ"]);
    assert!(stdout(&pcs).contains("Resection of Appendix, Percutaneous Endoscopic Approach"));

    let place = claimls(&["lookup", "11"]);
    assert!(stdout(&place).contains("place of service") && stdout(&place).contains("Office"));

    let nothing = claimls(&["lookup", "qqqzzz"]);
    assert_eq!(nothing.status.code(), Some(1));
    assert!(stderr(&nothing).contains("no code matches"));
}

#[test]
fn version_names_the_code_set_editions() {
    let output = claimls(&["--version"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(
        text.contains("ICD-10-CM: FY2026")
            && text.contains("HCPCS")
            && text.contains("CPT: not bundled"),
        "{text}"
    );
}

#[test]
fn explain_knows_every_rule_id_of_the_contract() {
    let contract = std::fs::read_to_string(repo_root().join("docs/claim-format.md")).unwrap();
    let ids: Vec<&str> = contract
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`').map(|(id, _)| id))
        .collect();
    // Sections 4, 6 and 7 (`segment` is both an X12 and an HL7 rule).
    assert_eq!(ids.len(), 38, "{ids:?}");
    for id in ids {
        let output = claimls(&["explain", id]);
        assert!(output.status.success(), "explain {id}: {}", stderr(&output));
        assert!(stdout(&output).len() > 200, "explain {id} says too little");
    }
    let unknown = claimls(&["explain", "no-such-rule"]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// Runs `claimls check PATHS…` and asserts what every failure must be: exit status 2 and one
/// line on stderr naming the reason. Returns the output.
fn fails_with(paths: &[&Path], reason: &str) -> Output {
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    let output = claimls(&args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{paths:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{paths:?}: {err}");
    assert!(err.contains(reason), "{paths:?}: {err}");
    output
}

#[test]
fn bad_input_gets_one_line_and_status_2() {
    let dir = scratch("bad-input");
    std::fs::write(dir.join("binary.claim"), b"claim A\0\x01\x02").unwrap();
    std::fs::write(dir.join("latin1.claim"), b"claim A\npatient \"Mu\xf1oz\"\nend\n").unwrap();
    std::fs::write(dir.join("empty.claim"), b"").unwrap();
    std::fs::write(dir.join("blank.claim"), b"\xef\xbb\xbf  \r\n\t\n").unwrap();
    let cases: [(&str, &str); 5] = [
        ("missing.claim", "no such file"),
        ("binary.claim", "binary file"),
        ("latin1.claim", "line 2 is not UTF-8"),
        ("empty.claim", "the file is empty"),
        ("blank.claim", "the file is empty"),
    ];
    for (name, reason) in cases {
        let output = fails_with(&[&dir.join(name)], reason);
        // JSON output is still one array (of nothing): never a half-written one.
        assert_eq!(stdout(&output).trim(), "[]", "{name}");
    }
    let bad_flag = claimls(&["check", "--format", "xml", "x.claim"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let bad_date = claimls(&["check", "--today", "2026-02-30", "x.claim"]);
    assert_eq!(bad_date.status.code(), Some(2));
}

/// Whether the tests run as root (who may read any file, whatever its mode).
#[cfg(unix)]
fn running_as_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status.lines().find_map(|line| line.strip_prefix("Uid:"));
    uid.and_then(|ids| ids.split_whitespace().next()) == Some("0")
}

/// Files the checking user cannot read. As root, mode 000 means nothing, so the binary runs as
/// `nobody` through `setpriv` (util-linux) — the honest way to meet a permission error; as
/// anyone else it runs as itself. `/proc/self/mem` is unreadable even for root (reading its
/// first page fails with an I/O error).
#[cfg(unix)]
#[test]
fn unreadable_files_and_directories() {
    use std::os::unix::fs::PermissionsExt;

    let dir = scratch("unreadable");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = dir.join("secret.claim");
    std::fs::write(&file, "claim A\nend\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let closed = dir.join("closed");
    std::fs::create_dir_all(&closed).unwrap();
    std::fs::write(closed.join("inside.claim"), "claim A\nend\n").unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    let check = |path: &Path| {
        let mut command = if running_as_root() {
            let mut command = Command::new("setpriv");
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            command.arg(env!("CARGO_BIN_EXE_claimls"));
            command
        } else {
            Command::new(env!("CARGO_BIN_EXE_claimls"))
        };
        let output = command.arg("check").arg(path).output().expect("setpriv runs claimls");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{}: {err}", path.display());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("permission denied"), "{err}");
    };
    check(&file);
    check(&closed);
    fails_with(&[Path::new("/proc/self/mem")], "cannot be read");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A FIFO found in a directory is not opened (that would wait for a writer forever).
#[cfg(unix)]
#[test]
fn a_fifo_in_a_directory_is_reported_not_waited_on() {
    let dir = scratch("fifo");
    let made = Command::new("mkfifo").arg(dir.join("pipe.claim")).status().unwrap();
    assert!(made.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimls"))
        .args(["check", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("claimls check waited on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

/// A bad file among good ones: the good ones are checked and reported in full, the bad one
/// gets its line, and the status is 2 — never a partial result that looks complete.
#[test]
fn a_bad_file_among_good_ones() {
    let dir = scratch("mixed");
    std::fs::write(dir.join("a.claim"), "claim A\n  dx A E11.\nend\n").unwrap();
    std::fs::write(dir.join("b.claim"), b"\0\0\0").unwrap();
    std::fs::write(dir.join("c.claim"), "claim C\n  dx A E11.\nend\n").unwrap();
    let output = fails_with(&[&dir], "b.claim: this is a binary file");
    let items: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: std::collections::BTreeSet<&str> =
        items.as_array().unwrap().iter().filter_map(|item| item["path"].as_str()).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths.iter().all(|p| p.ends_with("a.claim") || p.ends_with("c.claim")), "{paths:?}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = scratch("loop");
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("inner/back")).unwrap();
    std::fs::write(dir.join("inner/one.claim"), "claim A\nend\n").unwrap();
    let output = fails_with(&[&dir], "loops back");
    assert!(stdout(&output).contains("one.claim"), "the rest is still checked");
    // A link to itself: too many levels of symbolic links.
    let self_loop = dir.join("self.claim");
    std::os::unix::fs::symlink(&self_loop, &self_loop).unwrap();
    fails_with(&[&self_loop], "symlink loop");
}

/// A runaway line (a file of one 2 MB word without a line break): each message quotes the
/// value shortened and each excerpt and marker stays short, so the report is a few KB, not a
/// few copies of the file, in either format.
#[test]
fn a_runaway_line_gets_a_short_report() {
    let dir = scratch("runaway");
    let path = dir.join("one-line.claims");
    std::fs::write(&path, format!("claim {}", "X".repeat(2_000_000))).unwrap();
    for format in ["human", "json"] {
        let output = claimls(&["check", "--format", format, path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{format}: {}", stderr(&output));
        let report = stdout(&output);
        assert!(report.contains("unclosed-block"), "{format}: {report}");
        assert!(report.contains("XXXX…"), "{format}: the claim id is quoted shortened");
        assert!(report.len() < 20_000, "{format}: {} bytes of report", report.len());
    }
}
