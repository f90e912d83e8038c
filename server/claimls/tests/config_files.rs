//! Finding `claimls.toml` from a file's directory upward, and reading it (the binary's file
//! I/O of the configuration; the analysis crate parses the text).

use claimls::config_files;
use claimls_analysis::Severity;
use claimls_analysis::codes::Date;
use claimls_analysis::config::{CONFIG_FILE_NAME, Config};

#[test]
fn discovery_walks_up_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a/b/c")).unwrap();
    std::fs::write(
        root.join("a").join(CONFIG_FILE_NAME),
        "today = \"2026-11-01\"\ncode-files = [\"cpt.txt\"]\n[rules]\nunused-dx = \"off\"\n",
    )
    .unwrap();
    let claim = root.join("a/b/c/visit.claim");
    std::fs::write(&claim, "").unwrap();

    let (config, errors) = config_files::load_for_path(&claim);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(config.today, Date::parse("2026-11-01").ok());
    assert_eq!(config.code_files, [root.join("a/cpt.txt")]);
    assert_eq!(config.severity_of("unused-dx", Severity::Warning), None);
    assert_eq!(config_files::find_config_file(&claim), Some(root.join("a").join(CONFIG_FILE_NAME)));
    // A directory is searched from itself.
    assert_eq!(
        config_files::find_config_file(&root.join("a")),
        Some(root.join("a").join(CONFIG_FILE_NAME))
    );

    // A nearer file wins, and its errors name it.
    std::fs::write(root.join("a/b").join(CONFIG_FILE_NAME), "[rules]\nnope = \"off\"\n").unwrap();
    let (config, errors) = config_files::load_for_path(&claim);
    assert_eq!(config.today, None);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].origin.ends_with("claimls.toml: rules.nope"), "{}", errors[0].origin);
    assert!(errors[0].origin.contains("b"), "{}", errors[0].origin);

    // Nothing above a directory without one: the defaults.
    let other = tempfile::tempdir().unwrap();
    let lonely = other.path().join("x.claim");
    std::fs::write(&lonely, "").unwrap();
    if config_files::find_config_file(&lonely).is_none() {
        assert_eq!(config_files::load_for_path(&lonely), (Config::default(), Vec::new()));
    }
}

#[test]
fn an_unreadable_file_gives_the_defaults_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (config, errors) = config_files::load_file(&dir.path().join(CONFIG_FILE_NAME));
    assert_eq!(config, Config::default());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().contains("cannot be read"), "{}", errors[0]);
}

#[test]
fn examples_config_parses() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(CONFIG_FILE_NAME);
    let (config, errors) = config_files::load_file(&path);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(config.today, Date::parse("2026-11-01").ok());
}

#[test]
fn config_file_names() {
    assert!(config_files::is_config_file("/w/a/claimls.toml"));
    assert!(config_files::is_config_file("file:///w/claimls.toml"));
    assert!(config_files::is_config_file("C:\\w\\claimls.toml"));
    assert!(!config_files::is_config_file("/w/not-claimls.toml"));
    assert!(!config_files::is_config_file("/w/claimls.toml/x.claim"));
}
