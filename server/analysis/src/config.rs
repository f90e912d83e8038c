//! Settings: per-rule severity, extra code files, the date to treat as today, inlay hints.
//! Parsed from the text of a `claimls.toml` ([`from_toml`]) or from the editor's settings
//! (JSON, [`from_json`]); unknown keys and bad values are reported, never ignored. Finding and
//! reading the files (from a file's directory upward) is the binary's job: this crate does no
//! file I/O for the configuration.
//!
//! # `claimls.toml`
//!
//! ```toml
//! today = "2026-11-01"                 # the date for "future date" checks
//! code-files = ["codes/cpt.txt"]       # relative to this file's directory
//!
//! [rules]                              # rule id → error | warning | info | hint | off
//! cpt-unverified = "off"
//! unused-dx = "error"
//!
//! [inlay-hints]
//! code-titles = false
//! ```
//!
//! # Editor settings
//!
//! `{ "rules": {…}, "codeFiles": […], "today": "…", "inlayHints": { "codeTitles": bool } }`,
//! every key optional, also accepted wrapped as `{ "claimls": {…} }`. `null` means "not set".
//!
//! # Merging
//!
//! The language server reads the `claimls.toml` of a file and then the editor's settings on top
//! of it with [`merged`]: a key the editor sets wins; `rules` merge rule by rule (the editor's
//! entry for a rule replaces the file's, other rules keep the file's); `codeFiles` are added
//! after the file's `code-files` (a code named by a later file wins, so the editor's do).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use claimls_codes::Date;

use crate::Severity;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Rule id → severity; `None` turns the rule off. Rules not named keep their default.
    pub severities: HashMap<String, Option<Severity>>,
    /// Extra code files (CMS order files, `code<TAB>title` files), absolute paths.
    pub code_files: Vec<PathBuf>,
    /// The date used for "future date" checks; the system date when `None`.
    pub today: Option<Date>,
    /// Show each code's title after it as an inlay hint.
    pub inlay_code_titles: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            severities: HashMap::new(),
            code_files: Vec::new(),
            today: None,
            inlay_code_titles: true,
        }
    }
}

/// A setting that could not be used, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file (or `settings` for the editor's) and, when known, the key.
    pub origin: String,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The severity a diagnostic of `rule` gets: the configured one, or `default`;
    /// `None` when the rule is off.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.severities.get(rule) {
            Some(configured) => *configured,
            None => Some(default),
        }
    }

    /// Today's date for the checks.
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(Date::today)
    }
}

/// The name of the configuration file looked for from a checked file's directory upward.
pub const CONFIG_FILE_NAME: &str = "claimls.toml";

/// Parses the text of a `claimls.toml`. `origin` names it in errors; relative code files are
/// resolved against `base_dir`.
pub fn from_toml(text: &str, origin: &str, base_dir: Option<&Path>) -> (Config, Vec<ConfigError>) {
    let mut config = Config::default();
    let mut errors = Vec::new();
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(error) => {
            let message = format!("not valid TOML: {}", error.message());
            errors.push(ConfigError { origin: origin.to_string(), message });
            return (config, errors);
        }
    };
    let mut report = |key: &str, message: String| {
        errors.push(ConfigError { origin: format!("{origin}: {key}"), message });
    };
    for (key, value) in &table {
        match key.as_str() {
            "today" => match value.as_str().map(parse_today) {
                Some(Ok(date)) => config.today = Some(date),
                Some(Err(message)) => report(key, message),
                None => report(key, format!("expected a date string, found {}", value.type_str())),
            },
            "code-files" => match value.as_array() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        match item.as_str() {
                            Some(path) => config.code_files.push(resolve(path, base_dir)),
                            None => report(
                                &format!("code-files[{index}]"),
                                format!("expected a path string, found {}", item.type_str()),
                            ),
                        }
                    }
                }
                None => {
                    report(key, format!("expected a list of paths, found {}", value.type_str()))
                }
            },
            "rules" => match value.as_table() {
                Some(rules) => {
                    for (rule, level) in rules {
                        let key = format!("rules.{rule}");
                        match level.as_str() {
                            Some(level) => match parse_rule_setting(rule, level) {
                                Ok(severity) => {
                                    config.severities.insert(rule.clone(), severity);
                                }
                                Err(message) => report(&key, message),
                            },
                            None => report(
                                &key,
                                format!("expected one of {LEVELS}, found {}", level.type_str()),
                            ),
                        }
                    }
                }
                None => {
                    report(key, format!("expected a table of rule ids, found {}", value.type_str()))
                }
            },
            "inlay-hints" => match value.as_table() {
                Some(hints) => {
                    for (hint, setting) in hints {
                        let key = format!("inlay-hints.{hint}");
                        match (hint.as_str(), setting.as_bool()) {
                            ("code-titles", Some(on)) => config.inlay_code_titles = on,
                            ("code-titles", None) => report(
                                &key,
                                format!("expected true or false, found {}", setting.type_str()),
                            ),
                            _ => report(&key, "unknown key; the known one is `code-titles`".into()),
                        }
                    }
                }
                None => report(key, format!("expected a table, found {}", value.type_str())),
            },
            _ => report(
                key,
                "unknown key; the known ones are `today`, `code-files`, `[rules]` and \
                 `[inlay-hints]`"
                    .into(),
            ),
        }
    }
    (config, errors)
}

/// Reads the editor's settings (see the module documentation for their shape).
pub fn from_json(value: &serde_json::Value, base_dir: Option<&Path>) -> (Config, Vec<ConfigError>) {
    merged(&Config::default(), value, base_dir)
}

/// `base` (usually from `claimls.toml`) with the editor's settings on top: what the editor sets
/// wins, `rules` merge rule by rule and `codeFiles` come after the base's code files.
pub fn merged(
    base: &Config,
    editor: &serde_json::Value,
    base_dir: Option<&Path>,
) -> (Config, Vec<ConfigError>) {
    let mut config = base.clone();
    let mut errors = Vec::new();
    let mut report = |key: &str, message: String| {
        errors.push(ConfigError { origin: format!("settings: {key}"), message });
    };
    let (value, prefix) = match editor.get("claimls") {
        Some(inner) if editor.as_object().is_some_and(|o| o.len() == 1) => (inner, "claimls."),
        _ => (editor, ""),
    };
    let object = match value {
        serde_json::Value::Null => return (config, errors),
        serde_json::Value::Object(object) => object,
        other => {
            report(prefix.trim_end_matches('.'), format!("expected an object, found {other}"));
            return (config, errors);
        }
    };
    for (key, value) in object {
        let key_path = format!("{prefix}{key}");
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "today" => match value.as_str().map(parse_today) {
                Some(Ok(date)) => config.today = Some(date),
                Some(Err(message)) => report(&key_path, message),
                None => report(&key_path, format!("expected a date string, found {value}")),
            },
            "codeFiles" => match value.as_array() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        match item.as_str() {
                            Some(path) => {
                                let path = resolve(path, base_dir);
                                if !config.code_files.contains(&path) {
                                    config.code_files.push(path);
                                }
                            }
                            None => report(
                                &format!("{key_path}[{index}]"),
                                format!("expected a path string, found {item}"),
                            ),
                        }
                    }
                }
                None => report(&key_path, format!("expected a list of paths, found {value}")),
            },
            "rules" => match value.as_object() {
                Some(rules) => {
                    for (rule, level) in rules {
                        let key = format!("{key_path}.{rule}");
                        match level.as_str() {
                            Some(level) => match parse_rule_setting(rule, level) {
                                Ok(severity) => {
                                    config.severities.insert(rule.clone(), severity);
                                }
                                Err(message) => report(&key, message),
                            },
                            None if level.is_null() => {}
                            None => {
                                report(&key, format!("expected one of {LEVELS}, found {level}"))
                            }
                        }
                    }
                }
                None => report(&key_path, format!("expected an object of rule ids, found {value}")),
            },
            "inlayHints" => match value.as_object() {
                Some(hints) => {
                    for (hint, setting) in hints {
                        let key = format!("{key_path}.{hint}");
                        match (hint.as_str(), setting) {
                            (_, serde_json::Value::Null) => {}
                            ("codeTitles", serde_json::Value::Bool(on)) => {
                                config.inlay_code_titles = *on
                            }
                            ("codeTitles", other) => {
                                report(&key, format!("expected true or false, found {other}"))
                            }
                            _ => report(&key, "unknown key; the known one is `codeTitles`".into()),
                        }
                    }
                }
                None => report(&key_path, format!("expected an object, found {value}")),
            },
            _ => report(
                &key_path,
                "unknown key; the known ones are `today`, `codeFiles`, `rules` and `inlayHints`"
                    .into(),
            ),
        }
    }
    (config, errors)
}

const LEVELS: &str = "\"error\", \"warning\", \"info\", \"hint\" or \"off\"";

fn parse_today(text: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|error| format!("`{text}` is not a date: {error}"))
}

/// A rule's configured level: `None` turns it off.
fn parse_rule_setting(rule: &str, level: &str) -> Result<Option<Severity>, String> {
    if crate::rules::rule(rule).is_none() {
        return Err(format!(
            "unknown rule id `{rule}`; `claimls explain` lists the rules (e.g. `unused-dx`)"
        ));
    }
    match level.to_ascii_lowercase().as_str() {
        "error" => Ok(Some(Severity::Error)),
        "warning" | "warn" => Ok(Some(Severity::Warning)),
        "info" | "information" => Ok(Some(Severity::Info)),
        "hint" => Ok(Some(Severity::Hint)),
        "off" | "none" => Ok(None),
        _ => Err(format!("`{level}` is not a level: expected one of {LEVELS}")),
    }
}

fn resolve(path: &str, base_dir: Option<&Path>) -> PathBuf {
    let path = Path::new(path);
    match base_dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    }
}
