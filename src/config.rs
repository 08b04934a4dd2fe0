//! Runtime configuration: defaults for everything, loadable from TOML or JSON,
//! validated with errors that name the bad field.
//!
//! ```toml
//! [application]
//! id = "shop"                  # default: random per process
//!
//! [page]
//! max_pages = 1000
//! ttl = "1h"                   # durations: integer seconds or "500ms", "30s", "5m", "1h", "2d"
//! cleanup_interval = "5m"
//!
//! [token]
//! ttl = "24h"
//! leeway = "5s"
//! key_rotation_grace = "1h"
//! revoked_nonce_capacity = 10000
//! signing_key = "…64+ hex digits…"   # default: random from the OS
//!
//! [memory]
//! budget_bytes = 268435456
//!
//! [metrics]
//! enabled = true
//! namespace = "livetemplate"
//! ```

use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::token::SigningKey;

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `[application]`
    pub application: ApplicationConfig,
    /// `[page]`
    pub page: PageConfig,
    /// `[token]`
    pub token: TokenConfig,
    /// `[memory]`
    pub memory: MemoryConfig,
    /// `[metrics]`
    pub metrics: MetricsConfig,
}

/// `[application]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationConfig {
    /// The application id bound into every token (`app_id` claim). `None`:
    /// a random id per [`crate::Application`]. Set it (with a shared
    /// signing key) when several processes must accept each other's tokens.
    pub id: Option<String>,
}

/// `[page]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageConfig {
    /// Most pages held at once (default 1000).
    pub max_pages: usize,
    /// A page expires this long after its last access (default 1 h).
    pub ttl: Duration,
    /// How often expired pages are swept (default 5 min). Sweeps run
    /// opportunistically on `new_page`/`get_page`; there is no background thread.
    pub cleanup_interval: Duration,
}

impl Default for PageConfig {
    fn default() -> Self {
        PageConfig {
            max_pages: 1000,
            ttl: Duration::from_secs(3600),
            cleanup_interval: Duration::from_secs(300),
        }
    }
}

/// `[token]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenConfig {
    /// Token lifetime (default 24 h).
    pub ttl: Duration,
    /// Clock-skew leeway on `exp` and `iat` (default 5 s, at most 5 min).
    pub leeway: Duration,
    /// After a key rotation, tokens signed with the previous key stay valid this long (default 1 h).
    pub key_rotation_grace: Duration,
    /// How many revoked nonces are remembered to report `revoked` rather than
    /// `unknown_nonce` (default 10,000). Security does not depend on it:
    /// only a page's current nonce is ever accepted.
    pub revoked_nonce_capacity: usize,
    /// The signing key; `None`: 32 random bytes from the OS.
    pub signing_key: Option<SigningKey>,
}

impl Default for TokenConfig {
    fn default() -> Self {
        TokenConfig {
            ttl: Duration::from_secs(24 * 3600),
            leeway: Duration::from_secs(5),
            key_rotation_grace: Duration::from_secs(3600),
            revoked_nonce_capacity: 10_000,
            signing_key: None,
        }
    }
}

/// `[memory]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryConfig {
    /// Estimated bytes all pages of an application may hold (default 256 MiB).
    pub budget_bytes: usize,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            budget_bytes: 256 * 1024 * 1024,
        }
    }
}

/// `[metrics]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsConfig {
    /// Whether metrics are recorded (default true).
    pub enabled: bool,
    /// Prefix of every Prometheus metric name (default `livetemplate`).
    pub namespace: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            enabled: true,
            namespace: "livetemplate".to_string(),
        }
    }
}

// ---- file form ------------------------------------------------------------

type Object = serde_json::Map<String, serde_json::Value>;

const SECTIONS: &[(&str, &[&str])] = &[
    ("application", &["id"]),
    ("page", &["max_pages", "ttl", "cleanup_interval"]),
    (
        "token",
        &[
            "ttl",
            "leeway",
            "key_rotation_grace",
            "revoked_nonce_capacity",
            "signing_key",
        ],
    ),
    ("memory", &["budget_bytes"]),
    ("metrics", &["enabled", "namespace"]),
];

fn bad(field: &str, message: impl Into<String>) -> Error {
    Error::Config {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Parses `"500ms"`, `"30s"`, `"5m"`, `"1h"`, `"2d"` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return None;
    }
    let n: u64 = num.parse().ok()?;
    let ms_per = match unit.trim() {
        "" | "s" => 1000,
        "ms" => 1,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    Some(Duration::from_millis(n.checked_mul(ms_per)?))
}

/// One section of the document, with typed accessors that name the field on error.
struct Section<'a> {
    name: &'static str,
    map: Option<&'a Object>,
}

impl Section<'_> {
    fn field(&self, key: &str) -> String {
        format!("{}.{}", self.name, key)
    }

    fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.map.and_then(|m| m.get(key))
    }

    fn count(&self, key: &str, default: usize) -> Result<usize> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| bad(&self.field(key), "must be a non-negative integer")),
        }
    }

    fn duration(&self, key: &str, default: Duration) -> Result<Duration> {
        let msg = "must be a duration: seconds, or a number with ms, s, m, h or d (\"30s\")";
        match self.get(key) {
            None => Ok(default),
            Some(serde_json::Value::Number(n)) => n
                .as_u64()
                .map(Duration::from_secs)
                .ok_or_else(|| bad(&self.field(key), msg)),
            Some(serde_json::Value::String(s)) => {
                parse_duration(s).ok_or_else(|| bad(&self.field(key), msg))
            }
            Some(_) => Err(bad(&self.field(key), msg)),
        }
    }

    fn string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(&self.field(key), "must be a string")),
        }
    }

    fn boolean(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(serde_json::Value::Bool(b)) => Ok(*b),
            Some(_) => Err(bad(&self.field(key), "must be true or false")),
        }
    }
}

impl Config {
    /// Parses a TOML document; missing fields take their defaults.
    pub fn from_toml_str(text: &str) -> Result<Config> {
        let doc: serde_json::Value = toml::from_str(text)
            .map_err(|e| bad("<document>", format!("TOML syntax: {}", e.message())))?;
        Config::from_document(&doc)
    }

    /// Parses a JSON document; missing fields take their defaults.
    pub fn from_json_str(text: &str) -> Result<Config> {
        let doc: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| bad("<document>", format!("JSON syntax: {e}")))?;
        Config::from_document(&doc)
    }

    /// Loads a `.toml` or `.json` file (chosen by extension; anything else is read as TOML).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(&path.display().to_string(), format!("cannot read: {e}")))?;
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Config::from_json_str(&text),
            _ => Config::from_toml_str(&text),
        }
    }

    fn from_document(doc: &serde_json::Value) -> Result<Config> {
        let root = doc
            .as_object()
            .ok_or_else(|| bad("<document>", "must be a table/object"))?;
        for (key, value) in root {
            let Some((_, known)) = SECTIONS.iter().find(|(name, _)| name == key) else {
                return Err(bad(key, "unknown section"));
            };
            let table = value
                .as_object()
                .ok_or_else(|| bad(key, "must be a table/object"))?;
            for field in table.keys() {
                if !known.contains(&field.as_str()) {
                    return Err(bad(&format!("{key}.{field}"), "unknown field"));
                }
            }
        }
        let section = |name: &'static str| Section {
            name,
            map: root.get(name).and_then(|v| v.as_object()),
        };
        let (app, page, token, memory, metrics) = (
            section("application"),
            section("page"),
            section("token"),
            section("memory"),
            section("metrics"),
        );
        let d = Config::default();
        let signing_key = match token.string("signing_key")? {
            None => None,
            Some(hex_text) => {
                Some(SigningKey::from_hex(&hex_text).map_err(|why| bad("token.signing_key", why))?)
            }
        };
        let config = Config {
            application: ApplicationConfig {
                id: app.string("id")?,
            },
            page: PageConfig {
                max_pages: page.count("max_pages", d.page.max_pages)?,
                ttl: page.duration("ttl", d.page.ttl)?,
                cleanup_interval: page.duration("cleanup_interval", d.page.cleanup_interval)?,
            },
            token: TokenConfig {
                ttl: token.duration("ttl", d.token.ttl)?,
                leeway: token.duration("leeway", d.token.leeway)?,
                key_rotation_grace: token
                    .duration("key_rotation_grace", d.token.key_rotation_grace)?,
                revoked_nonce_capacity: token
                    .count("revoked_nonce_capacity", d.token.revoked_nonce_capacity)?,
                signing_key,
            },
            memory: MemoryConfig {
                budget_bytes: memory.count("budget_bytes", d.memory.budget_bytes)?,
            },
            metrics: MetricsConfig {
                enabled: metrics.boolean("enabled", d.metrics.enabled)?,
                namespace: metrics.string("namespace")?.unwrap_or(d.metrics.namespace),
            },
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks every value; the error names the first bad field.
    pub fn validate(&self) -> Result<()> {
        if let Some(id) = &self.application.id {
            if id.is_empty() || id.len() > 64 {
                return Err(bad("application.id", "must be 1 to 64 characters"));
            }
            if !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            {
                return Err(bad(
                    "application.id",
                    "may contain only letters, digits, '-', '_' and '.'",
                ));
            }
        }
        if self.page.max_pages == 0 {
            return Err(bad("page.max_pages", "must be at least 1"));
        }
        if self.page.ttl.is_zero() {
            return Err(bad("page.ttl", "must be greater than zero"));
        }
        if self.page.cleanup_interval.is_zero() {
            return Err(bad("page.cleanup_interval", "must be greater than zero"));
        }
        if self.token.ttl < Duration::from_secs(1) {
            return Err(bad("token.ttl", "must be at least 1s"));
        }
        if self.token.ttl > Duration::from_secs(366 * 86_400) {
            return Err(bad("token.ttl", "must be at most 366d"));
        }
        if self.token.leeway > Duration::from_secs(300) {
            return Err(bad("token.leeway", "must be at most 5m"));
        }
        if self.token.key_rotation_grace > Duration::from_secs(30 * 86_400) {
            return Err(bad("token.key_rotation_grace", "must be at most 30d"));
        }
        if self.memory.budget_bytes < 1024 {
            return Err(bad("memory.budget_bytes", "must be at least 1024"));
        }
        let ns = self.metrics.namespace.as_bytes();
        let ns_ok = !ns.is_empty()
            && (ns[0].is_ascii_alphabetic() || ns[0] == b'_')
            && ns.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if !ns_ok {
            return Err(bad(
                "metrics.namespace",
                "must match [a-zA-Z_][a-zA-Z0-9_]*",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2d"), Some(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("5 weeks"), None);
        assert_eq!(parse_duration("-5s"), None);
    }
}
