//! Reading template data files with the oracle's JSON-to-Go conventions.

use livetemplate_core::value::Value;

/// Reads `path` and converts its JSON to a Go-like value
/// (see `Value::from_json` for the conventions).
pub fn read_data(path: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    Value::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

/// Reads a template source file.
pub fn read_source(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}
