//! Finding and reading `claimls.toml` files: the file I/O of the configuration, which lives in
//! the binary (the analysis crate only turns text into a `Config`,
//! `claimls_analysis::config::from_toml`).
//!
//! `claimls check` and `claimls lookup` read the nearest file of each path; the server reads
//! the nearest file of each document once and reads it again only when the client says that a
//! `claimls.toml` changed (`workspace/didChangeWatchedFiles`, or a `didSave` of one).

use std::path::{Path, PathBuf};

use claimls_analysis::config::{self, CONFIG_FILE_NAME, Config, ConfigError};

/// The `claimls.toml` that applies to `path` (a file or a directory): the nearest one in its
/// directory or above.
pub fn find_config_file(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if absolute.is_dir() { Some(absolute.as_path()) } else { absolute.parent() };
    start?.ancestors().map(|dir| dir.join(CONFIG_FILE_NAME)).find(|candidate| candidate.is_file())
}

/// The configuration for a file on disk: the nearest `claimls.toml` in its directory or above,
/// or the defaults when there is none. Problems with the file are returned, not fatal.
pub fn load_for_path(path: &Path) -> (Config, Vec<ConfigError>) {
    match find_config_file(path) {
        Some(file) => load_file(&file),
        None => (Config::default(), Vec::new()),
    }
}

/// Reads one `claimls.toml`. An unreadable or unparsable file gives the defaults and an error;
/// a bad key or value is reported and the rest still applies.
pub fn load_file(file: &Path) -> (Config, Vec<ConfigError>) {
    let origin = file.display().to_string();
    match std::fs::read_to_string(file) {
        Ok(text) => config::from_toml(&text, &origin, file.parent()),
        Err(error) => (
            Config::default(),
            vec![ConfigError { origin, message: format!("cannot be read: {error}") }],
        ),
    }
}

/// Whether `path` names a `claimls.toml` (what the server watches).
pub fn is_config_file(path: &str) -> bool {
    path.rsplit(['/', '\\']).next() == Some(CONFIG_FILE_NAME)
}
