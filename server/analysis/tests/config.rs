//! `claimls.toml` and editor settings: parsing, errors that name the file and key, and merging
//! editor settings over the file. (Finding the files is the binary's:
//! `server/claimls/tests/config_files.rs`.)

use std::path::Path;

use claimls_analysis::Severity;
use claimls_analysis::codes::Date;
use claimls_analysis::config::{self, CONFIG_FILE_NAME, Config};
use serde_json::json;

#[test]
fn full_toml() {
    let text = r#"
today = "2026-11-01"
code-files = ["codes/cpt.txt", "/abs/hcpcs.txt"]

[rules]
cpt-unverified = "off"
unused-dx = "error"
excludes1 = "info"
code-format = "hint"
date = "warning"

[inlay-hints]
code-titles = false
"#;
    let (config, errors) = config::from_toml(text, "claimls.toml", Some(Path::new("/proj")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(config.today, Date::parse("2026-11-01").ok());
    assert_eq!(config.code_files, [Path::new("/proj/codes/cpt.txt"), Path::new("/abs/hcpcs.txt")]);
    assert_eq!(config.severity_of("cpt-unverified", Severity::Hint), None);
    assert_eq!(config.severity_of("unused-dx", Severity::Warning), Some(Severity::Error));
    assert_eq!(config.severity_of("excludes1", Severity::Warning), Some(Severity::Info));
    assert_eq!(config.severity_of("date", Severity::Error), Some(Severity::Warning));
    assert_eq!(config.severity_of("npi", Severity::Error), Some(Severity::Error));
    assert!(!config.inlay_code_titles);
}

#[test]
fn bad_keys_and_values_are_reported_and_the_rest_applies() {
    let text = r#"
today = "2026-02-30"
colour = "blue"
code-files = "one.txt"

[rules]
unsued-dx = "off"
npi = "loud"
pos = 3
units = "off"

[inlay-hints]
code-titles = "yes"
titles = true
"#;
    let (config, errors) = config::from_toml(text, "/p/claimls.toml", None);
    let origins: Vec<&str> = errors.iter().map(|e| e.origin.as_str()).collect();
    assert_eq!(
        origins,
        [
            "/p/claimls.toml: code-files",
            "/p/claimls.toml: colour",
            "/p/claimls.toml: inlay-hints.code-titles",
            "/p/claimls.toml: inlay-hints.titles",
            "/p/claimls.toml: rules.npi",
            "/p/claimls.toml: rules.pos",
            "/p/claimls.toml: rules.unsued-dx",
            "/p/claimls.toml: today",
        ],
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.message.contains("unknown rule id `unsued-dx`")));
    assert!(errors.iter().any(|e| e.message.contains("no such day")));
    // What was right still applies.
    assert_eq!(config.severity_of("units", Severity::Error), None);
    assert_eq!(config.severity_of("npi", Severity::Error), Some(Severity::Error));
    assert!(config.inlay_code_titles);
    assert_eq!(config.today, None);
}

#[test]
fn invalid_toml_gives_defaults_and_one_error() {
    let (config, errors) = config::from_toml("today = ", "x/claimls.toml", None);
    assert_eq!(config, Config::default());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().starts_with("x/claimls.toml: not valid TOML"), "{}", errors[0]);
}

#[test]
fn editor_settings_json() {
    let settings = json!({
        "rules": { "cpt-unverified": "off", "duplicate-dx": "error", "code-format": null },
        "codeFiles": ["cpt.txt"],
        "today": "2026-11-01",
        "inlayHints": { "codeTitles": false }
    });
    let (config, errors) = config::from_json(&settings, Some(Path::new("/ws")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(config.severity_of("cpt-unverified", Severity::Hint), None);
    assert_eq!(config.severity_of("duplicate-dx", Severity::Warning), Some(Severity::Error));
    assert_eq!(config.severity_of("code-format", Severity::Hint), Some(Severity::Hint));
    assert_eq!(config.code_files, [Path::new("/ws/cpt.txt")]);
    assert_eq!(config.today, Date::parse("2026-11-01").ok());
    assert!(!config.inlay_code_titles);

    // The same wrapped in `claimls`, as editors send `workspace/configuration` sections.
    let (wrapped, errors) =
        config::from_json(&json!({ "claimls": settings }), Some(Path::new("/ws")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(wrapped, config);

    // Nothing set: the defaults.
    assert_eq!(config::from_json(&json!({}), None), (Config::default(), Vec::new()));
    assert_eq!(config::from_json(&serde_json::Value::Null, None), (Config::default(), Vec::new()));
}

#[test]
fn editor_settings_errors() {
    let settings = json!({ "claimls": {
        "rules": { "npi": "fatal", "made-up": "off" },
        "today": 5,
        "codeFiles": [1],
        "inlayHints": { "codeTitles": "no" },
        "extra": true
    }});
    let (config, errors) = config::from_json(&settings, None);
    let mut origins: Vec<&str> = errors.iter().map(|e| e.origin.as_str()).collect();
    origins.sort();
    assert_eq!(
        origins,
        [
            "settings: claimls.codeFiles[0]",
            "settings: claimls.extra",
            "settings: claimls.inlayHints.codeTitles",
            "settings: claimls.rules.made-up",
            "settings: claimls.rules.npi",
            "settings: claimls.today",
        ]
    );
    assert_eq!(config, Config::default());
}

#[test]
fn editor_settings_win_over_the_file() {
    let (file, _) = config::from_toml(
        "today = \"2026-01-01\"\ncode-files = [\"a.txt\"]\n[rules]\nunused-dx = \"off\"\nnpi = \"warning\"\n",
        "claimls.toml",
        Some(Path::new("/proj")),
    );
    let editor =
        json!({ "rules": { "npi": "hint" }, "codeFiles": ["/x/b.txt"], "today": "2026-11-01" });
    let (merged, errors) = config::merged(&file, &editor, None);
    assert!(errors.is_empty());
    assert_eq!(merged.today, Date::parse("2026-11-01").ok());
    assert_eq!(merged.severity_of("npi", Severity::Error), Some(Severity::Hint));
    assert_eq!(merged.severity_of("unused-dx", Severity::Warning), None, "kept from the file");
    assert_eq!(merged.code_files, [Path::new("/proj/a.txt"), Path::new("/x/b.txt")]);
    assert!(merged.inlay_code_titles);
}

#[test]
fn examples_config_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(CONFIG_FILE_NAME);
    let text = std::fs::read_to_string(&path).unwrap();
    let (config, errors) = config::from_toml(&text, "examples/claimls.toml", path.parent());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(config.today, Date::parse("2026-11-01").ok());
}
