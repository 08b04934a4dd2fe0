//! Bandwidth guarantees of the diff, checked with the Rust client model.

use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::wire::{ClientModel, diff, diff_into, first_render};
use livetemplate_core::{Mode, Template};

fn program(src: &str) -> Program {
    let mut t = Template::new("main", Mode::Html);
    t.parse(src).unwrap();
    Program::new(t.compile("main").unwrap()).unwrap()
}

/// Renders `before` then `after`, checks the client ends on the new HTML,
/// and returns the diff and the full HTML of `after`.
fn update(p: &Program, before: &str, after: &str) -> (String, String) {
    let a = p.render(&Value::from_json(before).unwrap()).unwrap();
    let b = p.render(&Value::from_json(after).unwrap()).unwrap();
    let d = diff(&a, &b);
    let mut client = ClientModel::new();
    client.apply_str(&first_render(&a)).unwrap();
    client.apply_str(&d).unwrap();
    let html = b.to_html();
    assert_eq!(client.html().unwrap(), html);
    (d, html)
}

const TABLE: &str = r#"<table>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>"#;

fn table(cell: i64) -> String {
    let rows: Vec<String> = (0..100)
        .map(|r| {
            let cells: Vec<String> = (0..5)
                .map(|c| {
                    if (r, c) == (57, 3) {
                        cell.to_string()
                    } else {
                        (r * 5 + c).to_string()
                    }
                })
                .collect();
            format!("[{}]", cells.join(","))
        })
        .collect();
    format!("{{\"Rows\":[{}]}}", rows.join(","))
}

/// A 100x5 table with its five columns named in the row template.
const COLUMNS: &str = r#"<table>{{range .Rows}}<tr><td>{{.A}}</td><td>{{.B}}</td><td>{{.C}}</td><td>{{.D}}</td><td>{{.E}}</td></tr>
{{end}}</table>"#;

fn columns(cell: i64) -> String {
    let rows: Vec<String> = (0..100)
        .map(|r| {
            let d = if r == 57 { cell } else { r * 5 + 3 };
            format!(
                r#"{{"A":{},"B":{},"C":{},"D":{d},"E":{}}}"#,
                r * 5,
                r * 5 + 1,
                r * 5 + 2,
                r * 5 + 4
            )
        })
        .collect();
    format!("{{\"Rows\":[{}]}}", rows.join(","))
}

#[test]
fn one_cell_of_a_100x5_table_costs_under_60_bytes() {
    let p = program(COLUMNS);
    let (d, _) = update(&p, &columns(1), &columns(2));
    assert!(d.len() < 60, "{} bytes: {d}", d.len());
    assert_eq!(d, r#"{"0":{"k":{"57":{"3":"2"},"kc":100}}}"#);
}

#[test]
fn one_cell_of_a_table_of_nested_ranges_sends_only_that_cell() {
    // Each comprehension level carries its count (the client needs "kc").
    let p = program(TABLE);
    let (d, _) = update(&p, &table(1), &table(2));
    assert_eq!(
        d,
        r#"{"0":{"k":{"57":{"0":{"k":{"3":{"0":"2"},"kc":5}}},"kc":100}}}"#
    );
}

#[test]
fn an_identical_state_is_an_empty_diff() {
    let p = program(TABLE);
    let (d, _) = update(&p, &table(1), &table(1));
    assert_eq!(d, "{}");
}

/// An activity feed item as in the `activity_feed_prepend` scenario.
const FEED: &str = r#"<ul class="feed-list">{{range .Items}}
<li class="feed-item" id="act-{{.ID}}"><img class="avatar" src="/avatars/{{.User}}.png" alt="" width="20" height="20"> <a class="user" href="/{{.User}}">{{.User}}</a> {{.Verb}} <a class="repo" href="/{{.Repo}}">{{.Repo}}</a> <time class="ago">{{.Ago}} ago</time></li>
{{- end}}</ul>"#;

fn feed(ids: &[u32]) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|i| format!(r#"{{"ID":{i},"User":"user{i}","Verb":"pushed to","Repo":"acme/repo{i}","Ago":"{i}m"}}"#))
        .collect();
    format!("{{\"Items\":[{}]}}", items.join(","))
}

#[test]
fn prepending_to_a_200_item_list_sends_one_item_and_moves() {
    let p = program(FEED);
    let old: Vec<u32> = (1..=200).collect();
    let new: Vec<u32> = std::iter::once(0).chain(1..=200).collect();
    let (d, html) = update(&p, &feed(&old), &feed(&new));
    assert!(
        d.len() * 10 < html.len(),
        "{} bytes of {}",
        d.len(),
        html.len()
    );
    assert!(
        d.contains(r#""0":{"0":"0","1":"user0","#),
        "the new item is sent whole: {d}"
    );
    for i in 1..=200u32 {
        assert!(!d.contains(&format!("\"user{i}\"")), "item {i} resent");
        assert!(
            d.contains(&format!("\"{i}\":{}", i - 1)),
            "item {i} moves from {}",
            i - 1
        );
    }
    assert!(d.contains("\"km\":true"));
}

#[test]
fn keyed_rows_follow_their_key() {
    let p = program(r#"{{range .}}<p data-key="{{.ID}}">{{.Name}}</p>{{end}}"#);
    let (d, _) = update(
        &p,
        r#"[{"ID":1,"Name":"a"},{"ID":2,"Name":"b"}]"#,
        r#"[{"ID":2,"Name":"b"},{"ID":1,"Name":"A"}]"#,
    );
    assert_eq!(
        d,
        r#"{"0":{"k":{"0":1,"1":[0,{"1":"A"}],"kc":2,"km":true}}}"#
    );
}

#[test]
fn a_branch_switch_sends_the_new_branch_and_a_same_branch_only_values() {
    let p = program("<div>{{if .On}}<b>{{.N}}</b>{{else}}<i>{{.N}}</i>{{end}}</div>");
    let (d, _) = update(&p, r#"{"On":true,"N":1}"#, r#"{"On":true,"N":2}"#);
    assert_eq!(d, r#"{"0":{"0":"2"}}"#);
    let (d, _) = update(&p, r#"{"On":true,"N":1}"#, r#"{"On":false,"N":1}"#);
    assert_eq!(d, r#"{"0":{"s":0,"0":"1"},"p":{"0":["<i>","</i>"]}}"#);
}

#[test]
fn template_calls_are_inlined_into_their_caller() {
    let p = program(
        r#"{{define "row"}}<td>{{.}}</td>{{end}}<tr>{{template "row" .A}}{{template "row" .B}}</tr>"#,
    );
    let r = p
        .render(&Value::from_json(r#"{"A":1,"B":2}"#).unwrap())
        .unwrap();
    assert_eq!(
        first_render(&r),
        r#"{"s":["<tr><td>","</td><td>","</td></tr>"],"0":"1","1":"2"}"#
    );
}

/// The server's path over `states`: `render_update` from the held tree,
/// then `diff_into` it; checks the client after each message and returns
/// the diffs.
fn held_updates(p: &Program, states: &[&str]) -> Vec<String> {
    let first = p.render(&Value::from_json(states[0]).unwrap()).unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&first_render(&first)).unwrap();
    let mut held = first;
    let mut out = Vec::new();
    for s in &states[1..] {
        let data = Value::from_json(s).unwrap();
        let new = p.render_update(&held, &data).unwrap();
        assert_eq!(new, p.render(&data).unwrap());
        let html = new.to_html();
        let d = diff_into(&mut held, new);
        client.apply_str(&d).unwrap();
        assert_eq!(client.html().unwrap(), html, "after {d}");
        out.push(d);
    }
    out
}

#[test]
fn a_list_emptied_and_regrown_does_not_resend_its_statics() {
    let p = program("<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>");
    let d = held_updates(&p, &[r#"["a"]"#, "[]", r#"["b","c"]"#]);
    assert_eq!(
        d,
        [
            r#"{"0":{"k":{"kc":0}}}"#,
            r#"{"0":{"k":{"0":{"0":"b"},"1":{"0":"c"},"kc":2}}}"#,
        ]
    );
    // A list first rendered empty was sent as "": it gets its statics.
    let d = held_updates(&p, &["[]", r#"["a"]"#]);
    assert_eq!(
        d,
        [r#"{"0":{"s":0,"k":{"0":{"0":"a"},"kc":1}},"p":{"0":["<li>","</li>"]}}"#]
    );
}

#[test]
fn a_small_branch_goes_as_its_html_and_then_as_a_value() {
    let p = program("<div>{{if .On}}<b>{{.N}}</b>{{else}}<i>{{.N}}</i>{{end}}</div>");
    let d = held_updates(
        &p,
        &[
            r#"{"On":true,"N":1}"#,
            r#"{"On":false,"N":1}"#,
            r#"{"On":false,"N":1}"#,
            r#"{"On":false,"N":2}"#,
            r#"{"On":true,"N":2}"#,
        ],
    );
    // Instead of {"0":{"s":0,"0":"1"},"p":{"0":["<i>","</i>"]}}; the client
    // then holds a string, so a change inside sends it whole.
    assert_eq!(
        d,
        [
            r#"{"0":"<i>1</i>"}"#,
            "{}",
            r#"{"0":"<i>2</i>"}"#,
            r#"{"0":"<b>2</b>"}"#
        ]
    );
}
