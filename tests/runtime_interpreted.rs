//! Templates loaded at run time: exact HTML from the interpreter, wire
//! output from the slot-tree program (only what changed is sent).

use livetemplate::core::wire::ClientModel;
use livetemplate::{Application, ErrorKind, Template};
use serde::Serialize;

#[derive(Serialize)]
struct Todo {
    #[serde(rename = "Title")]
    title: String,
    #[serde(rename = "Items")]
    items: Vec<String>,
}

const SRC: &str = r#"<h1>{{.Title}}</h1><ul>{{range .Items}}<li><a href="/t?q={{.}}">{{.}}</a></li>{{else}}<li>none</li>{{end}}</ul>"#;

#[test]
fn html_template_renders_escaped_and_updates_reach_the_client() {
    let app = Application::new().unwrap();
    let t = Template::html("todo", SRC).unwrap();
    let page = app
        .new_page(
            &t,
            Todo {
                title: "<Mine>".into(),
                items: vec!["a b".into()],
            },
        )
        .unwrap();
    // Expected output from Go 1.19 html/template.
    assert_eq!(
        page.render().unwrap(),
        r#"<h1>&lt;Mine&gt;</h1><ul><li><a href="/t?q=a%20b">a b</a></li></ul>"#
    );
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    assert_eq!(client.html().unwrap(), page.render().unwrap());
    let frags = page
        .render_fragments(Todo {
            title: "x".into(),
            items: vec![],
        })
        .unwrap();
    client.apply_str(frags[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), "<h1>x</h1><ul><li>none</li></ul>");
    assert!(
        page.render_fragments(Todo {
            title: "x".into(),
            items: vec![]
        })
        .unwrap()
        .is_empty()
    );
}

#[test]
fn text_template_does_not_escape() {
    let t = Template::text("t", "{{.}}").unwrap();
    let app = Application::new().unwrap();
    assert_eq!(app.new_page(&t, "<b>").unwrap().render().unwrap(), "<b>");
}

#[test]
fn bad_templates_and_exec_errors_are_reported() {
    let err = Template::html("t", "{{.X").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TemplateInvalid);
    assert!(
        err.to_string()
            .starts_with("parse_template: template invalid: template: t:1:"),
        "{err}"
    );
    let err = Template::html("t", "{{nofunc 1}}").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TemplateInvalid);
    let t = Template::text("t", "{{index .X 5}}").unwrap();
    let app = Application::new().unwrap();
    let page = app.new_page(&t, serde_json::json!({"X": [1]})).unwrap();
    let err = page.render().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataInvalid);
    assert!(err.to_string().contains("index out of range"), "{err}");
}

#[test]
fn an_update_sends_only_the_changed_slot() {
    let app = Application::new().unwrap();
    let t = Template::html("todo", SRC).unwrap();
    let todo = |title: &str| Todo {
        title: title.into(),
        items: vec!["a".into(), "b".into()],
    };
    let page = app.new_page(&t, todo("one")).unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    let frags = page.render_fragments(todo("two")).unwrap();
    assert_eq!(frags.len(), 1);
    assert_eq!(frags[0].wire_json(), r#"{"0":"two"}"#);
    client.apply_str(frags[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), page.render().unwrap());
}
