//! The editor's settings (`initializationOptions`, `settings.claimls` of
//! `workspace/didChangeConfiguration`), and how they combine with `claimls.toml`.
//!
//! Shape: `{ rules: { id: "error"|"warning"|"info"|"hint"|"off" }, codeFiles: [path],
//! today: "YYYY-MM-DD", inlayHints: { codeTitles: bool } }`. Every key is optional; a key
//! the editor sets wins over the toml's, per rule id for `rules`; `codeFiles` of both are
//! loaded. Bad values are reported and left out, never fatal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use claimls_analysis::codes::Date;
use claimls_analysis::{Config, Severity, rules};
use serde_json::Value;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditorSettings {
    pub rules: HashMap<String, Option<Severity>>,
    pub code_files: Vec<PathBuf>,
    pub today: Option<Date>,
    pub inlay_code_titles: Option<bool>,
}

fn parse_severity(text: &str) -> Option<Option<Severity>> {
    Some(match text.to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "info" | "information" => Some(Severity::Info),
        "hint" => Some(Severity::Hint),
        "off" | "none" => None,
        _ => return None,
    })
}

impl EditorSettings {
    /// Reads the settings object; `base_dir` resolves relative code-file paths. Problems are
    /// returned as messages naming the key.
    pub fn from_json(value: &Value, base_dir: Option<&Path>) -> (EditorSettings, Vec<String>) {
        let mut settings = EditorSettings::default();
        let mut errors = Vec::new();
        let object = match value {
            Value::Null => return (settings, errors),
            Value::Object(object) => object,
            _ => {
                errors.push("settings: expected an object".to_string());
                return (settings, errors);
            }
        };
        for (key, value) in object {
            match key.as_str() {
                "rules" => match value {
                    Value::Object(rules_map) => {
                        for (id, severity) in rules_map {
                            if !rules::RULES.is_empty() && rules::rule(id).is_none() {
                                errors.push(format!("settings: rules.{id}: no such rule"));
                                continue;
                            }
                            match severity.as_str().and_then(parse_severity) {
                                Some(severity) => {
                                    settings.rules.insert(id.clone(), severity);
                                }
                                None => errors.push(format!(
                                    "settings: rules.{id}: expected error, warning, info, hint or off"
                                )),
                            }
                        }
                    }
                    Value::Null => {}
                    _ => errors.push("settings: rules: expected an object".to_string()),
                },
                "codeFiles" => match value {
                    Value::Array(files) => {
                        for file in files {
                            match file.as_str().map(str::trim) {
                                Some("") => {}
                                Some(path) => {
                                    let path = PathBuf::from(path);
                                    let path = match base_dir {
                                        Some(base) if path.is_relative() => base.join(path),
                                        _ => path,
                                    };
                                    settings.code_files.push(path);
                                }
                                None => errors.push(
                                    "settings: codeFiles: expected a list of paths".to_string(),
                                ),
                            }
                        }
                    }
                    Value::Null => {}
                    _ => errors.push("settings: codeFiles: expected a list of paths".to_string()),
                },
                "today" => match value {
                    Value::String(text) if text.trim().is_empty() => {}
                    Value::String(text) => match Date::parse(text.trim()) {
                        Ok(date) => settings.today = Some(date),
                        Err(_) => errors.push(format!(
                            "settings: today: expected a date YYYY-MM-DD, got {text:?}"
                        )),
                    },
                    Value::Null => {}
                    _ => errors.push("settings: today: expected a date YYYY-MM-DD".to_string()),
                },
                "inlayHints" => match value.get("codeTitles") {
                    Some(Value::Bool(on)) => settings.inlay_code_titles = Some(*on),
                    None | Some(Value::Null) => {}
                    Some(_) => errors
                        .push("settings: inlayHints.codeTitles: expected true or false".into()),
                },
                other => errors.push(format!("settings: {other}: unknown setting")),
            }
        }
        (settings, errors)
    }

    /// The toml's configuration with these settings laid over it.
    pub fn apply(&self, mut config: Config) -> Config {
        for (id, severity) in &self.rules {
            config.severities.insert(id.clone(), *severity);
        }
        for file in &self.code_files {
            if !config.code_files.contains(file) {
                config.code_files.push(file.clone());
            }
        }
        if self.today.is_some() {
            config.today = self.today;
        }
        if let Some(on) = self.inlay_code_titles {
            config.inlay_code_titles = on;
        }
        config
    }
}

/// The `claimls` object of `didChangeConfiguration`'s settings: `{ claimls: {...} }`, or the
/// object itself when a client sends it bare.
pub fn claimls_section(settings: &Value) -> Option<&Value> {
    match settings.get("claimls") {
        Some(section) => Some(section),
        None if settings.get("rules").is_some()
            || settings.get("codeFiles").is_some()
            || settings.get("today").is_some()
            || settings.get("inlayHints").is_some() =>
        {
            Some(settings)
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_key_and_reports_bad_ones() {
        let (settings, errors) = EditorSettings::from_json(
            &json!({
                "rules": { "unused-dx": "off", "npi": "Warning", "pos": "loud" },
                "codeFiles": ["cpt.txt", "/abs/hcpcs.txt", ""],
                "today": "2026-03-02",
                "inlayHints": { "codeTitles": false },
                "colour": "red"
            }),
            Some(Path::new("/ws")),
        );
        assert_eq!(settings.rules.get("unused-dx"), Some(&None));
        assert_eq!(settings.rules.get("npi"), Some(&Some(Severity::Warning)));
        assert!(!settings.rules.contains_key("pos"));
        assert_eq!(
            settings.code_files,
            vec![PathBuf::from("/ws/cpt.txt"), PathBuf::from("/abs/hcpcs.txt")]
        );
        assert_eq!(settings.today, Date::parse("2026-03-02").ok());
        assert_eq!(settings.inlay_code_titles, Some(false));
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn editor_keys_win_over_the_toml() {
        let mut toml = Config::default();
        toml.severities.insert("npi".into(), None);
        toml.severities.insert("pos".into(), Some(Severity::Hint));
        toml.code_files.push(PathBuf::from("/a"));
        let (editor, _) = EditorSettings::from_json(
            &json!({ "rules": { "npi": "error" }, "codeFiles": ["/b"] }),
            None,
        );
        let config = editor.apply(toml);
        assert_eq!(config.severities["npi"], Some(Severity::Error));
        assert_eq!(config.severities["pos"], Some(Severity::Hint));
        assert_eq!(config.code_files, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        assert!(config.inlay_code_titles);
    }
}
