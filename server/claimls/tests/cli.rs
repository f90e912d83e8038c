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
    assert_eq!(ids.len(), 29, "{ids:?}");
    for id in ids {
        let output = claimls(&["explain", id]);
        assert!(output.status.success(), "explain {id}: {}", stderr(&output));
        assert!(stdout(&output).len() > 200, "explain {id} says too little");
    }
    let unknown = claimls(&["explain", "no-such-rule"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn bad_input_gets_one_line_and_status_2() {
    let dir = scratch("bad-input");
    std::fs::write(dir.join("binary.claim"), b"claim A\0\x01\x02").unwrap();
    std::fs::write(dir.join("latin1.claim"), b"claim A\npatient \"Mu\xf1oz\"\nend\n").unwrap();
    let cases: [(&str, &str); 3] = [
        ("missing.claim", "no such file"),
        ("binary.claim", "binary file"),
        ("latin1.claim", "line 2 is not UTF-8"),
    ];
    for (name, reason) in cases {
        let path = dir.join(name);
        let output = claimls(&["check", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(reason), "{name}: {err}");
    }
    let bad_flag = claimls(&["check", "--format", "xml", "x.claim"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let bad_date = claimls(&["check", "--today", "2026-02-30", "x.claim"]);
    assert_eq!(bad_date.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = scratch("loop");
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("inner/back")).unwrap();
    std::fs::write(dir.join("inner/empty.claim"), "").unwrap();
    let output = claimls(&["check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("loops back"), "{}", stderr(&output));
}

#[test]
fn empty_file_is_clean_and_json_is_an_array() {
    let dir = scratch("empty");
    let path = dir.join("empty.claim");
    std::fs::write(&path, "").unwrap();
    let output = claimls(&["check", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value, serde_json::json!([]));
}
