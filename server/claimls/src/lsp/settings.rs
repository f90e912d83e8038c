//! Where the editor's settings sit in what it sends. Their shape, validation and how they lay
//! over `claimls.toml` (what the editor sets wins, rule by rule; code files of both load) are
//! `claimls_analysis::config::{from_json, merged}`.
//!
//! Shape: `{ rules: { id: "error"|"warning"|"info"|"hint"|"off" }, codeFiles: [path],
//! today: "YYYY-MM-DD", inlayHints: { codeTitles: bool } }`.

use serde_json::Value;

/// The `claimls` object of `didChangeConfiguration`'s settings (`{ claimls: {...} }`), or the
/// object itself when a client sends it bare.
pub fn claimls_section(settings: &Value) -> Option<&Value> {
    match settings.get("claimls") {
        Some(section) => Some(section),
        None if ["rules", "codeFiles", "today", "inlayHints"]
            .iter()
            .any(|key| settings.get(key).is_some()) =>
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
    fn finds_the_claimls_section() {
        let nested = json!({ "claimls": { "today": "2026-01-01" } });
        assert_eq!(claimls_section(&nested), Some(&json!({ "today": "2026-01-01" })));
        let bare = json!({ "rules": {} });
        assert_eq!(claimls_section(&bare), Some(&bare));
        assert_eq!(claimls_section(&json!({ "other": 1 })), None);
    }
}
