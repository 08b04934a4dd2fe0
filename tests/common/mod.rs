//! Shared templates and data for the runtime tests and benches: real
//! templates compiled by the core (parse, html/template escaping, slot tree).

#![allow(dead_code)]

use livetemplate::Template;
use serde::Serialize;

/// An html template of `{{.Name}}` placeholders.
pub fn placeholders(name: &str, source: &str) -> Template {
    Template::html(name, source).expect("valid template")
}

/// The todo template: a keyed `range` (by `data-key`) with a branch per item.
pub const TODO: &str = r#"<main><h1>{{.Title}}</h1><ul>{{range .Items}}<li data-key="{{.ID}}" class="{{if .Done}}done{{end}}">{{.Text}}</li>{{end}}</ul><p>{{.Left}} left</p></main>"#;

/// The todo template, compiled.
pub fn todo_template() -> Template {
    Template::html("todo", TODO).expect("valid template")
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
