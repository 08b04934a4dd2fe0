//! A model of the Phoenix LiveView client's `Rendered` merge, in Rust.
//!
//! It follows the JS client (`mergeDiff`, `mergeKeyed`, `toString`) closely so
//! that property tests can check, without Node, that applying a first render
//! and a sequence of diffs yields the HTML of a direct render. It is strict
//! where the JS client is lenient: anything the real client would render as
//! `undefined`/`null` is an error here.

use serde_json::{Map, Value as Json};
use std::fmt;

/// A wire message the model cannot apply or render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError(pub String);

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client model: {}", self.0)
    }
}

impl std::error::Error for ClientError {}

fn err<T>(msg: impl Into<String>) -> Result<T, ClientError> {
    Err(ClientError(msg.into()))
}

/// The client's rendered tree.
#[derive(Debug, Clone, Default)]
pub struct ClientModel {
    rendered: Option<Json>,
}

impl ClientModel {
    /// A client that has received nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a JSON message: the first one is a full render, later ones diffs.
    pub fn apply_str(&mut self, message: &str) -> Result<(), ClientError> {
        let json: Json =
            serde_json::from_str(message).map_err(|e| ClientError(format!("bad JSON: {e}")))?;
        self.apply(json)
    }

    /// Applies a parsed message.
    pub fn apply(&mut self, mut message: Json) -> Result<(), ClientError> {
        let Some(obj) = message.as_object_mut() else {
            return err("a message must be an object");
        };
        for k in ["r", "e", "t"] {
            obj.remove(k);
        }
        match self.rendered.take() {
            None => {
                if !obj.contains_key("s") {
                    return err("the first render has no statics");
                }
                self.rendered = Some(message);
            }
            Some(mut current) => {
                if obj.contains_key("s") {
                    self.rendered = Some(message);
                } else {
                    merge(&mut current, message)?;
                    self.rendered = Some(current);
                }
            }
        }
        // The real client renders after every message, which resolves the
        // `"s": N` references against this message's `"p"` and drops it; a
        // later message's `"p"` numbers its statics afresh.
        self.html().map(drop)
    }

    /// The HTML the client holds now.
    pub fn html(&mut self) -> Result<String, ClientError> {
        let Some(r) = self.rendered.as_mut() else {
            return err("nothing rendered yet");
        };
        let mut out = String::new();
        to_html(r, None, &mut out)?;
        Ok(out)
    }
}

fn merge(target: &mut Json, source: Json) -> Result<(), ClientError> {
    let Json::Object(src) = source else {
        return err("a diff must be an object");
    };
    if src.contains_key("k") {
        return merge_keyed(target, src);
    }
    let Some(tgt) = target.as_object_mut() else {
        return err("merging a diff into a non-object");
    };
    for (key, val) in src {
        let nested = matches!(&val, Json::Object(o) if !o.contains_key("s"));
        match tgt.get_mut(&key) {
            Some(t) if nested && t.is_object() => merge(t, val)?,
            _ => {
                tgt.insert(key, val);
            }
        }
    }
    Ok(())
}

fn merge_keyed(target: &mut Json, mut src: Map<String, Json>) -> Result<(), ClientError> {
    let Some(Json::Object(k)) = src.remove("k") else {
        return err("\"k\" must be an object");
    };
    let Some(tgt) = target.as_object_mut() else {
        return err("keyed diff into a non-object (did the client hold \"\"?)");
    };
    let Some(Json::Object(tk)) = tgt.get_mut("k") else {
        return err("keyed diff into a node that is not a comprehension");
    };
    let moved = k.get("km") == Some(&Json::Bool(true));
    let snapshot = if moved { Some(tk.clone()) } else { None };
    let Some(kc) = k.get("kc").and_then(Json::as_u64) else {
        return err("keyed diff without \"kc\"");
    };
    let mut entries: Vec<(usize, Json)> = Vec::new();
    for (key, v) in k {
        if key == "kc" || key == "km" {
            continue;
        }
        let idx: usize = key
            .parse()
            .map_err(|_| ClientError(format!("bad item index {key:?}")))?;
        entries.push((idx, v));
    }
    entries.sort_by_key(|(i, _)| *i);
    // The JS client copies moved items by reference from one snapshot: two
    // entries moved from the same old item would share one object.
    let mut sources: Vec<u64> = entries
        .iter()
        .filter_map(|(_, e)| match e {
            Json::Number(n) => n.as_u64(),
            Json::Array(pair) => pair.first().and_then(Json::as_u64),
            _ => None,
        })
        .collect();
    sources.sort_unstable();
    if let Some(w) = sources.windows(2).find(|w| w[0] == w[1]) {
        return err(format!(
            "old item {} is the source of two moves (the JS client would alias them)",
            w[0]
        ));
    }
    for (i, entry) in entries {
        let key = i.to_string();
        match entry {
            Json::Number(n) => {
                let Some(snap) = &snapshot else {
                    return err("move without \"km\"");
                };
                let j = n.as_u64().unwrap_or(u64::MAX).to_string();
                let Some(item) = snap.get(&j) else {
                    return err(format!("move from missing item {j}"));
                };
                tk.insert(key, item.clone());
            }
            Json::Array(pair) => {
                let Some(snap) = &snapshot else {
                    return err("move without \"km\"");
                };
                let [Json::Number(n), d] = pair.as_slice() else {
                    return err("bad move entry");
                };
                let j = n.as_u64().unwrap_or(u64::MAX).to_string();
                let Some(item) = snap.get(&j) else {
                    return err(format!("move from missing item {j}"));
                };
                let mut item = item.clone();
                merge(&mut item, d.clone())?;
                tk.insert(key, item);
            }
            Json::Object(_) => {
                let slot = tk.entry(key).or_insert_with(|| Json::Object(Map::new()));
                merge(slot, entry)?;
            }
            other => return err(format!("bad keyed entry {other}")),
        }
    }
    let old_kc = tk.get("kc").and_then(Json::as_u64).unwrap_or(0);
    for i in kc..old_kc {
        tk.remove(&i.to_string());
    }
    tk.insert("kc".into(), Json::from(kc));
    for (key, v) in src {
        tgt.insert(key, v);
    }
    Ok(())
}

fn resolve_statics(
    node: &mut Map<String, Json>,
    templates: Option<&Map<String, Json>>,
) -> Result<Vec<String>, ClientError> {
    let statics = match node.get("s") {
        Some(Json::Number(n)) => {
            let Some(t) = templates.and_then(|t| t.get(&n.to_string())) else {
                return err(format!("\"s\": {n} refers to no shared statics"));
            };
            t.clone()
        }
        Some(s @ Json::Array(_)) => s.clone(),
        _ => return err("node without statics"),
    };
    node.insert("s".into(), statics.clone());
    let Json::Array(parts) = statics else {
        return err("statics must be an array");
    };
    parts
        .into_iter()
        .map(|p| match p {
            Json::String(s) => Ok(s),
            other => err(format!("non-string static {other}")),
        })
        .collect()
}

fn to_html(
    rendered: &mut Json,
    templates: Option<&Map<String, Json>>,
    out: &mut String,
) -> Result<(), ClientError> {
    let Json::Object(node) = rendered else {
        return err("rendering a non-object");
    };
    let own_templates = match node.remove("p") {
        Some(Json::Object(p)) => Some(p),
        Some(_) => return err("\"p\" must be an object"),
        None => None,
    };
    let templates = own_templates.as_ref().or(templates);
    let statics = resolve_statics(node, templates)?;
    if node.contains_key("k") {
        let Some(Json::Object(k)) = node.get_mut("k") else {
            return err("\"k\" must be an object");
        };
        let Some(kc) = k.get("kc").and_then(Json::as_u64) else {
            return err("comprehension without \"kc\"");
        };
        for i in 0..kc {
            let Some(Json::Object(item)) = k.get_mut(&i.to_string()) else {
                return err(format!("comprehension item {i} missing"));
            };
            write_dyns(item, &statics, templates, out)?;
        }
        return Ok(());
    }
    write_dyns(node, &statics, templates, out)
}

fn write_dyns(
    node: &mut Map<String, Json>,
    statics: &[String],
    templates: Option<&Map<String, Json>>,
    out: &mut String,
) -> Result<(), ClientError> {
    for (i, part) in statics.iter().enumerate() {
        out.push_str(part);
        if i + 1 == statics.len() {
            break;
        }
        match node.get_mut(&i.to_string()) {
            Some(Json::String(s)) => out.push_str(s),
            Some(d @ Json::Object(_)) => to_html(d, templates, out)?,
            Some(other) => return err(format!("dynamic {i} is {other}, not a string or node")),
            None => return err(format!("dynamic {i} missing")),
        }
    }
    Ok(())
}
