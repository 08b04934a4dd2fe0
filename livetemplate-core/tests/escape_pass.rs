//! The escaping pass compared with Go 1.19: for each template (taken from
//! Go's html/template tests), the escaper chain Go gives every action, or
//! Go's exact escape error. Expected values come from the Go oracle.

use livetemplate_core::escape::{Escaper, escape_set, explain};
use livetemplate_core::parse::ast::Node;
use livetemplate_core::parse::{ParseOptions, TemplateSet, parse};
use serde_json::Value as J;

const BUILTINS: [&str; 19] = [
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

fn strings(v: &J) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Parses a case's main template and defines like the oracle does.
fn build(c: &J) -> (TemplateSet, String) {
    let funcs = strings(&c["funcs"]);
    let is_func = |n: &str| BUILTINS.contains(&n) || funcs.iter().any(|f| f == n);
    let name = c["name"].as_str().unwrap_or("main");
    let delims = strings(&c["delims"]);
    let (l, r) = if delims.len() == 2 {
        (delims[0].as_str(), delims[1].as_str())
    } else {
        ("", "")
    };
    let opts = ParseOptions::new(&is_func).with_delims(l, r);
    let mut set = TemplateSet::new();
    set.add_parsed(parse(name, c["template"].as_str().unwrap(), &opts).unwrap())
        .unwrap();
    if let Some(d) = c["defines"].as_object() {
        let mut names: Vec<&String> = d.keys().collect();
        names.sort();
        for n in names {
            set.add_parsed(parse(n, d[n].as_str().unwrap(), &opts).unwrap())
                .unwrap();
        }
    }
    let entry = c["entry"].as_str().unwrap_or(name).to_string();
    (set, entry)
}

#[test]
fn chains_and_errors_match_go() {
    let cases: Vec<J> = serde_json::from_str(include_str!("data/escape_pass.json")).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let (set, entry) = build(c);
        let id = c["id"].as_str().unwrap_or("?");
        match (escape_set(&set, &entry), c.get("error")) {
            (Ok(out), None) => {
                let got = explain(&out);
                let want = strings(&c["actions"]);
                if got != want {
                    failures.push(format!("{id}: got {got:?}, want {want:?}"));
                }
            }
            (Err(e), Some(want)) => {
                if e.message != want.as_str().unwrap() {
                    failures.push(format!("{id}: got error {}, want {want}", e.message));
                }
            }
            (Ok(_), Some(want)) => failures.push(format!("{id}: no error, want {want}")),
            (Err(e), None) => failures.push(format!("{id}: unexpected error {}", e.message)),
        }
    }
    assert!(cases.len() > 150);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn one(src: &str) -> Result<Vec<String>, String> {
    let c = serde_json::json!({ "template": src });
    let (set, entry) = build(&c);
    escape_set(&set, &entry)
        .map(|s| explain(&s))
        .map_err(|e| e.message)
}

#[test]
fn contexts_pick_chains() {
    assert_eq!(
        one("{{.}}").unwrap(),
        ["main: . | _html_template_htmlescaper"]
    );
    assert_eq!(
        one(r#"<a href="{{.U}}">"#).unwrap(),
        [
            "main: .U | _html_template_urlfilter | _html_template_urlnormalizer | _html_template_attrescaper"
        ]
    );
    assert_eq!(
        one("<a onclick='f(\"{{.}}\")'>").unwrap(),
        ["main: . | _html_template_jsstrescaper"]
    );
    assert_eq!(
        one("<textarea>{{.}}</textarea>").unwrap(),
        ["main: . | _html_template_rcdataescaper"]
    );
    assert_eq!(
        one("<a title={{.}}>").unwrap(),
        ["main: . | _html_template_nospaceescaper"]
    );
    assert_eq!(
        one("<!-- {{.}} -->").unwrap(),
        ["main: . | _html_template_commentescaper"]
    );
    assert_eq!(one("{{html .X}}").unwrap(), ["main: _eval_args_ .X | html"]);
    assert_eq!(
        one(r#"<a href="?q={{.X | html}}">"#).unwrap(),
        ["main: .X | _html_template_urlescaper | html"]
    );
}

#[test]
fn templates_are_cloned_per_context() {
    let c = serde_json::json!({
        "template": r#"{{template "x" .}}<a title="{{template "x" .}}">"#,
        "defines": { "x": "{{.}}" }
    });
    let (set, entry) = build(&c);
    let out = escape_set(&set, &entry).unwrap();
    assert_eq!(
        explain(&out),
        [
            "main: template \"x\"",
            "main: template \"x$htmltemplate_stateAttr_delimDoubleQuote\"",
            "x: . | _html_template_htmlescaper"
        ]
    );
    let derived = out
        .get("x$htmltemplate_stateAttr_delimDoubleQuote")
        .expect("derived template");
    let Node::Action(a) = &derived.root.nodes[0] else {
        panic!("not an action")
    };
    assert_eq!(a.escapers, [Escaper::AttrEscaper]);
}

#[test]
fn errors_like_go() {
    assert_eq!(
        one("<a href=\"{{if .C}}/path/{{else}}/search?q={{end}}{{.X}}\">").unwrap_err(),
        "html/template:main:1:51: {{.X}} appears in an ambiguous context within a URL"
    );
    assert_eq!(
        one("<script>var s = `{{.}}`</script>").unwrap_err(),
        "html/template:main:1:19: {{.}} appears in a JS template literal"
    );
    assert_eq!(
        one("{{if .C}}<a{{end}}").unwrap_err(),
        "html/template:main:1:5: {{if}} branches end in different contexts: {stateTag delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}, {stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}"
    );
    assert_eq!(
        one("<a").unwrap_err(),
        "html/template:main: ends in a non-text context: {stateTag delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}"
    );
    assert_eq!(
        one(r#"{{template "nope"}}"#).unwrap_err(),
        r#"html/template:main:1:11: no such template "nope""#
    );
}

#[test]
fn text_is_rewritten() {
    let c = serde_json::json!({ "template": "a<!-- c -->b<script>x /* y */ z</script>{{.}}" });
    let (set, entry) = build(&c);
    let out = escape_set(&set, &entry).unwrap();
    assert_eq!(
        out.get("main").unwrap().root.nodes[0].to_string(),
        "ab<script>x   z</script>"
    );
}

#[test]
fn escaped_templates_render_like_go() {
    use livetemplate_core::exec::Exec;
    use livetemplate_core::funcs::FuncMap;
    use livetemplate_core::value::Value;
    // (template, data, Go's output)
    let cases = [
        (
            r#"{{html .X .Y}}"#,
            r#"{"X":"<a>","Y":null}"#,
            "&lt;a&gt;&lt;nil&gt;",
        ),
        (
            r#"<a href="{{.U}}">{{.U}}</a>"#,
            r#"{"U":"javascript:x"}"#,
            "<a href=\"#ZgotmplZ\">javascript:x</a>",
        ),
        (r#"<a title={{.}}>"#, r#""a b""#, "<a title=a&#32;b>"),
        (
            r#"<script>var x = {{.}};</script>"#,
            r#"{"a":[1,"<"]}"#,
            "<script>var x = {\"a\":[1,\"\\u003c\"]};</script>",
        ),
        (
            r#"{{template "x" .}}<p title="{{template "x" .}}">{{define "x"}}<b>{{.}}</b>{{end}}"#,
            r#""'""#,
            "<b>&#39;</b><p title=\"<b>&#39;</b>\">",
        ),
    ];
    let funcs = FuncMap::builtins();
    for (src, data, want) in cases {
        let c = serde_json::json!({ "template": src });
        let (set, entry) = build(&c);
        let set = escape_set(&set, &entry).unwrap();
        let exec = Exec::new(&set, &funcs);
        let got = exec
            .render(&entry, &Value::from_json(data).unwrap())
            .unwrap();
        assert_eq!(got, want, "{src}");
    }
}
