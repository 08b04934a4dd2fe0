//! Test doubles for the template evaluation step (tests and benches only).
//!
//! The runtime drives the real wire engine of livetemplate-core
//! (`WireRenderer`: `wire::first_render` and `wire::diff`), but the step that
//! evaluates a parsed template into a `Rendered` tree (the slot-tree
//! `program`) is not in the core yet. These doubles hand-build that tree:
//! `placeholders` understands only `{{.Name}}` (a top-level field or map
//! key, HTML-escaped with the core's escaper); `todo_template` hand-codes
//! a todo list with a keyed `range`.

#![allow(dead_code)]

use std::sync::Arc;

use livetemplate::core::escape::{Escaper, apply_chain};
use livetemplate::core::value::Value;
use livetemplate::core::wire::{Comprehension, Dyn, Item, Rendered, Statics};
use livetemplate::{Template, WireRenderer};
use serde::Serialize;
use sha2::{Digest, Sha256};

fn field<'a>(data: &'a Value, name: &str) -> Option<&'a Value> {
    data.field(name).or_else(|| data.map_get_str(name))
}

fn print(v: Option<&Value>) -> String {
    match v {
        Some(v) => apply_chain(&[Escaper::HtmlEscaper], v),
        None => String::new(),
    }
}

/// A template of `{{.Name}}` placeholders.
pub fn placeholders(name: &str, source: &str) -> Template {
    let mut parts = Vec::new();
    let mut fields = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{{.") {
        let end = rest[start..].find("}}").expect("unterminated action") + start;
        parts.push(rest[..start].to_string());
        fields.push(rest[start + 3..end].to_string());
        rest = &rest[end + 2..];
    }
    parts.push(rest.to_string());
    let fingerprint: [u8; 32] = Sha256::digest(source.as_bytes()).into();
    let statics = Statics::new(parts, 1);
    Template::from_renderer(WireRenderer::new(name, fingerprint, move |data: &Value| {
        if !matches!(data, Value::Struct(_) | Value::Map(_) | Value::Nil) {
            return Err(livetemplate::core::Error::new(
                livetemplate::core::ErrorKind::Exec,
                "template: can't evaluate field of a non-struct",
            ));
        }
        Ok(Rendered {
            statics: Arc::clone(&statics),
            dyns: fields
                .iter()
                .map(|f| Dyn::Str(print(field(data, f))))
                .collect(),
        })
    }))
}

/// The todo template (what `{{range}}` with `data-key` would compile to):
///
/// ```text
/// <main><h1>{{.Title}}</h1><ul>{{range .Items}}<li data-key="{{.ID}}" class="{{if .Done}}done{{end}}">{{.Text}}</li>{{end}}</ul><p>{{.Left}} left</p></main>
/// ```
pub fn todo_template() -> Template {
    let root = Statics::new(
        vec![
            "<main><h1>".into(),
            "</h1><ul>".into(),
            "</ul><p>".into(),
            " left</p></main>".into(),
        ],
        10,
    );
    let item = Statics::new(
        vec![
            "<li data-key=\"".into(),
            "\" class=\"".into(),
            "\">".into(),
            "</li>".into(),
        ],
        11,
    );
    let fingerprint: [u8; 32] = Sha256::digest(b"todo-template-v1").into();
    Template::from_renderer(WireRenderer::new(
        "todo",
        fingerprint,
        move |data: &Value| {
            let items = field(data, "Items")
                .and_then(Value::as_slice)
                .map(|s| s.items.as_slice())
                .unwrap_or(&[]);
            let items = items
                .iter()
                .map(|it| {
                    let id = print(field(it, "ID"));
                    let done = field(it, "Done").is_some_and(Value::truth);
                    Item {
                        key: Some(id.clone()),
                        dyns: vec![
                            Dyn::Str(id),
                            Dyn::Str(if done { "done".into() } else { String::new() }),
                            Dyn::Str(print(field(it, "Text"))),
                        ],
                    }
                })
                .collect();
            Ok(Rendered {
                statics: Arc::clone(&root),
                dyns: vec![
                    Dyn::Str(print(field(data, "Title"))),
                    Dyn::Comp(Comprehension {
                        statics: Arc::clone(&item),
                        items,
                    }),
                    Dyn::Str(print(field(data, "Left"))),
                ],
            })
        },
    ))
}

#[derive(Serialize, Clone, Debug)]
pub struct TodoItem {
    #[serde(rename = "ID")]
    pub id: u32,
    #[serde(rename = "Text")]
    pub text: String,
    #[serde(rename = "Done")]
    pub done: bool,
}

#[derive(Serialize, Clone, Debug)]
pub struct Todo {
    #[serde(rename = "Title")]
    pub title: String,
    #[serde(rename = "Items")]
    pub items: Vec<TodoItem>,
    #[serde(rename = "Left")]
    pub left: usize,
}

/// Todo data for list `i` with `n` items.
pub fn todo(i: usize, n: u32) -> Todo {
    let items: Vec<TodoItem> = (0..n)
        .map(|k| TodoItem {
            id: k,
            text: format!("task {k} of list {i}"),
            done: k % 3 == 0,
        })
        .collect();
    let left = items.iter().filter(|t| !t.done).count();
    Todo {
        title: format!("List {i}"),
        items,
        left,
    }
}
