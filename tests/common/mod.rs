//! A minimal test double for the template engine (tests and benches only).
//!
//! It understands one construct, `{{.Name}}` (a top-level key of the data),
//! and speaks a tiny subset of the LiveView wire format: the first tree is
//! `{"0":…,"1":…,"s":[statics]}`, a diff lists only the changed slots. It
//! exists to exercise the runtime; the real engine lives in livetemplate-core.

#![allow(dead_code)]

use livetemplate::core::value::Value;
use livetemplate::{ClientState, Renderer, Template};
use sha2::{Digest, Sha256};

pub struct SlotDouble {
    name: String,
    source: String,
    statics: Vec<String>,
    fields: Vec<String>,
}

impl SlotDouble {
    pub fn new(name: &str, source: &str) -> Self {
        let mut statics = Vec::new();
        let mut fields = Vec::new();
        let mut rest = source;
        while let Some(start) = rest.find("{{.") {
            let end = rest[start..].find("}}").expect("unterminated action") + start;
            statics.push(rest[..start].to_string());
            fields.push(rest[start + 3..end].to_string());
            rest = &rest[end + 2..];
        }
        statics.push(rest.to_string());
        SlotDouble {
            name: name.into(),
            source: source.into(),
            statics,
            fields,
        }
    }

    pub fn template(name: &str, source: &str) -> Template {
        Template::from_renderer(SlotDouble::new(name, source))
    }

    fn slots(&self, data: &Value) -> livetemplate::core::Result<Vec<String>> {
        self.fields.iter().map(|f| lookup(data, f)).collect()
    }
}

fn lookup(data: &Value, field: &str) -> livetemplate::core::Result<String> {
    if let Value::Map(m) = data {
        for (k, v) in &m.entries {
            if matches!(k, Value::String(s) if &**s == field) {
                return Ok(print(v));
            }
        }
        return Ok("<no value>".into());
    }
    Err(livetemplate::core::Error::new(
        livetemplate::core::ErrorKind::Exec,
        format!("can't evaluate field {field}"),
    ))
}

fn print(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
        other => format!("{other:?}"),
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

impl Renderer for SlotDouble {
    fn name(&self) -> &str {
        &self.name
    }

    fn fingerprint(&self) -> [u8; 32] {
        Sha256::digest(self.source.as_bytes()).into()
    }

    fn render(&self, data: &Value) -> livetemplate::core::Result<String> {
        let slots = self.slots(data)?;
        let mut out = String::new();
        for (i, s) in self.statics.iter().enumerate() {
            out.push_str(s);
            if let Some(v) = slots.get(i) {
                out.push_str(v);
            }
        }
        Ok(out)
    }

    fn first_tree(&self, data: &Value) -> livetemplate::core::Result<(String, ClientState)> {
        let slots = self.slots(data)?;
        let mut out = String::from("{");
        for (i, v) in slots.iter().enumerate() {
            out.push_str(&format!("\"{i}\":{},", json(v)));
        }
        let statics: Vec<String> = self.statics.iter().map(|s| json(s)).collect();
        out.push_str(&format!("\"s\":[{}]}}", statics.join(",")));
        let bytes = slots.iter().map(|s| s.len() + 24).sum();
        Ok((out, ClientState::new(slots, bytes)))
    }

    fn diff(&self, state: &mut ClientState, data: &Value) -> livetemplate::core::Result<String> {
        let slots = self.slots(data)?;
        let held: &mut Vec<String> = state.downcast_mut().expect("state of another renderer");
        let changed: Vec<String> = slots
            .iter()
            .enumerate()
            .filter(|(i, v)| held.get(*i) != Some(*v))
            .map(|(i, v)| format!("\"{i}\":{}", json(v)))
            .collect();
        *held = slots;
        let bytes = held.iter().map(|s| s.len() + 24).sum();
        state.set_memory_usage(bytes);
        Ok(format!("{{{}}}", changed.join(",")))
    }
}

/// The todo template used by tests and the bench.
pub const TODO: &str =
    "<main><h1>{{.Title}}</h1><p>{{.Count}} items, {{.Done}} done</p><ul>{{.Items}}</ul></main>";

#[derive(serde::Serialize, Clone)]
pub struct Todo {
    #[serde(rename = "Title")]
    pub title: String,
    #[serde(rename = "Count")]
    pub count: usize,
    #[serde(rename = "Done")]
    pub done: usize,
    #[serde(rename = "Items")]
    pub items: String,
}

pub fn todo(i: usize) -> Todo {
    Todo {
        title: format!("List {i}"),
        count: 3,
        done: i % 3,
        items: "<li>a</li><li>b</li><li>c</li>".into(),
    }
}
