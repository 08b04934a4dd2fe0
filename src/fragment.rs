//! Fragments: the unit of update sent to the browser.

use serde::Serialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// One update for the browser: a LiveView wire diff with a stable id.
///
/// Serializes as `{"id":"tree-…","strategy":"tree_based","action":"update_tree","data":{…}}`.
#[derive(Debug, Clone, Serialize)]
pub struct Fragment {
    /// `"tree-"` + 16 hex digits of `sha256(template fingerprint hex + "|" + data signature)`,
    /// where the data signature is the hex sha256 of the wire JSON in `data`.
    pub id: String,
    /// Always `"tree_based"`.
    pub strategy: &'static str,
    /// Always `"update_tree"`.
    pub action: &'static str,
    /// The wire JSON (a LiveView diff), embedded as is.
    pub data: Box<RawValue>,
}

impl Fragment {
    /// A fragment of `wire_json` for the template with fingerprint `template_hex`.
    pub(crate) fn tree(
        template_hex: &str,
        wire_json: String,
    ) -> Result<Fragment, serde_json::Error> {
        let data_sig = hex::encode(Sha256::digest(wire_json.as_bytes()));
        let mut h = Sha256::new();
        h.update(template_hex.as_bytes());
        h.update(b"|");
        h.update(data_sig.as_bytes());
        let digest = h.finalize();
        let id = format!("tree-{}", &hex::encode(digest)[..16]);
        let data = RawValue::from_string(wire_json)?;
        Ok(Fragment {
            id,
            strategy: "tree_based",
            action: "update_tree",
            data,
        })
    }

    /// The wire JSON text.
    pub fn wire_json(&self) -> &str {
        self.data.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_serialization() {
        let f = Fragment::tree("abc", r#"{"0":"x"}"#.to_string()).unwrap();
        let sig = hex::encode(Sha256::digest(br#"{"0":"x"}"#));
        let want = hex::encode(Sha256::digest(format!("abc|{sig}").as_bytes()));
        assert_eq!(f.id, format!("tree-{}", &want[..16]));
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"id":"{}","strategy":"tree_based","action":"update_tree","data":{{"0":"x"}}}}"#,
                f.id
            )
        );
        assert!(Fragment::tree("abc", "not json".into()).is_err());
    }
}
