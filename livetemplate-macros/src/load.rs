//! Reading the template file.

use std::path::PathBuf;

use crate::attributes::{Attrs, Origin};

/// A loaded template.
pub struct Loaded {
    /// The template's name (file name, or the struct's name for inline sources).
    pub name: String,
    /// What errors call the file (the path as written, or `<inline>`).
    pub display: String,
    /// Absolute path of the file, to track it with `include_bytes!`.
    pub file: Option<String>,
    /// The text.
    pub source: String,
}

/// Loads the template the attribute names; `struct_name` names inline templates.
pub fn load(attrs: &Attrs, struct_name: &str) -> Result<Loaded, String> {
    match &attrs.origin {
        Origin::Source(s) => Ok(Loaded {
            name: struct_name.to_string(),
            display: struct_name.to_string(),
            file: None,
            source: s.clone(),
        }),
        Origin::Path(p) => {
            let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
            let full: PathBuf = [root.as_str(), "templates", p.as_str()].iter().collect();
            let source = std::fs::read_to_string(&full).map_err(|e| {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "not found".to_string(),
                    _ => e.to_string(),
                };
                format!("template file `templates/{p}`: {why} (paths are relative to `templates/` next to Cargo.toml)")
            })?;
            let name = full
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.clone());
            Ok(Loaded {
                name,
                display: format!("templates/{p}"),
                file: Some(full.to_string_lossy().into_owned()),
                source,
            })
        }
    }
}
