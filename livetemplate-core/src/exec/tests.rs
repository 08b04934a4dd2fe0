//! Interpreter tests; expected outputs and error texts come from Go 1.19
//! (the go-oracle), see `tests/data/exec_cases.json`.

use super::*;
use crate::funcs::{Func, FuncMap, oracle_helpers};
use crate::parse::{ParseOptions, parse};
use crate::value::Type;

fn set_of(src: &str, funcs: &FuncMap) -> TemplateSet {
    let is_func = |n: &str| funcs.is_func(n);
    let mut set = TemplateSet::new();
    set.add_parsed(parse("main", src, &ParseOptions::new(&is_func)).expect("parse"))
        .unwrap();
    set
}

fn render_with(
    src: &str,
    data: &Value,
    funcs: &FuncMap,
    opts: ExecOptions,
) -> Result<String, String> {
    let set = set_of(src, funcs);
    Exec::new(&set, funcs)
        .options(opts)
        .render("main", data)
        .map_err(|e| e.message)
}

fn render(src: &str, json: &str) -> Result<String, String> {
    let data = Value::from_json(json).unwrap();
    render_with(src, &data, &oracle_helpers(), ExecOptions::default())
}

#[test]
fn oracle_table() {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/data/exec_cases.json")).unwrap();
    let funcs = oracle_helpers();
    let mut failures = Vec::new();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let template = case["template"].as_str().unwrap();
        let data = match case.get("fixture") {
            Some(f) => doc["fixtures"][f.as_str().unwrap()].to_string(),
            None => case["data"].to_string(),
        };
        let data = Value::from_json(&data).unwrap();
        let got = render_with(template, &data, &funcs, ExecOptions::default());
        let want = match case.get("output") {
            Some(o) => Ok(o.as_str().unwrap().to_string()),
            None => Err(case["error"].as_str().unwrap().to_string()),
        };
        if got != want {
            failures.push(format!("{template:?}\n   want {want:?}\n   got  {got:?}"));
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

#[test]
fn missing_key_options() {
    let data = r#"{"x": 99}"#;
    let run = |opt: &str, src: &str| {
        let data = Value::from_json(data).unwrap();
        let opts = ExecOptions::from_options(&[opt]).unwrap();
        render_with(src, &data, &FuncMap::builtins(), opts)
    };
    assert_eq!(
        run("missingkey=default", "{{.x}} {{.y}}"),
        Ok("99 <no value>".into())
    );
    assert_eq!(
        run("missingkey=invalid", "{{.x}} {{.y}}"),
        Ok("99 <no value>".into())
    );
    assert_eq!(run("missingkey=zero", "{{.x}} {{.y}}"), Ok("99 0".into()));
    assert_eq!(
        run("missingkey=error", "{{.x}} {{.y}}"),
        Err(r#"template: main:1:9: executing "main" at <.y>: map has no entry for key "y""#.into())
    );
    // Zero of interface{} is nil, which prints as no value.
    let any = Value::from_json(r#"{"x": null}"#).unwrap();
    let zero = ExecOptions::from_options(&["missingkey=zero"]).unwrap();
    assert_eq!(
        render_with("{{.y}}", &any, &FuncMap::builtins(), zero),
        Ok("<no value>".into())
    );
    // Nil data with missingkey=error.
    let err = ExecOptions::from_options(&["missingkey=error"]).unwrap();
    assert_eq!(
        render_with("{{.x}}", &Value::Nil, &FuncMap::builtins(), err),
        Err(
            r#"template: main:1:2: executing "main" at <.x>: nil data; no entry for key "x""#
                .into()
        )
    );
    assert!(ExecOptions::from_options(&["missingkey=bogus"]).is_err());
    assert!(ExecOptions::from_options(&["bogus"]).is_err());
}

#[test]
fn recursion_limit() {
    let funcs = FuncMap::builtins();
    let set = set_of(
        r#"{{define "inf"}}{{template "inf"}}{{end}}{{template "inf"}}"#,
        &funcs,
    );
    let opts = ExecOptions {
        max_depth: 50,
        ..ExecOptions::default()
    };
    let err = Exec::new(&set, &funcs)
        .options(opts)
        .render("main", &Value::Nil)
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"template: main:1:27: executing "inf" at <{{template "inf"}}>: exceeded maximum template depth (50)"#
    );
    // Runaway recursion through nested constructs ends with Go's error (the
    // stack limit triggers first) instead of overflowing the test thread.
    let set = set_of(
        r#"{{define "inf"}}{{if true}}{{with .}}{{range .}}{{template "inf" $}}{{end}}{{end}}{{end}}{{end}}{{template "inf" .}}"#,
        &funcs,
    );
    let err = Exec::new(&set, &funcs)
        .render("main", &Value::list(vec![Value::Int(1)]))
        .unwrap_err();
    assert!(
        err.message
            .ends_with("exceeded maximum template depth (100000)"),
        "{}",
        err.message
    );
    // Finite recursion well within the limits works.
    let set = set_of(
        r#"{{define "r"}}{{if .}}{{len .}}{{template "r" (slice . 1)}}{{end}}{{end}}{{template "r" .}}"#,
        &funcs,
    );
    let list = Value::list((0..40).map(Value::Int).collect());
    assert_eq!(
        Exec::new(&set, &funcs).render("main", &list).unwrap().len(),
        9 + 2 * 31
    );
}

#[test]
fn template_calls_and_entry_points() {
    let funcs = FuncMap::builtins();
    let set = set_of(
        r#"{{define "a"}}A{{.}}{{end}}{{define "b"}}B{{template "a" .}}{{end}}main"#,
        &funcs,
    );
    let exec = Exec::new(&set, &funcs).root_name("main");
    assert_eq!(exec.render("b", &Value::Int(1)), Ok("BA1".into()));
    assert_eq!(exec.render("main", &Value::Nil), Ok("main".into()));
    assert_eq!(
        exec.render("zz", &Value::Nil).unwrap_err().message,
        r#"template: no template "zz" associated with template "main""#
    );
}

#[test]
fn errors_name_the_data_path_and_keep_partial_output() {
    let funcs = FuncMap::builtins();
    let set = set_of("Hello {{.User.Name.First}}!", &funcs);
    let data = Value::from_json(r#"{"$struct": {"User": {"$struct": {"Name": "x"}}}}"#).unwrap();
    let mut out = String::new();
    let err = Exec::new(&set, &funcs)
        .execute("main", &data, &mut out)
        .unwrap_err();
    assert_eq!(out, "Hello ");
    assert_eq!(err.kind, ErrorKind::Exec);
    assert_eq!(
        err.message,
        r#"template: main:1:13: executing "main" at <.User.Name.First>: can't evaluate field First in type string"#
    );
}

#[test]
fn user_functions() {
    let funcs = FuncMap::builtins()
        .with(
            "double",
            Func::new(vec![Type::Int], |a| {
                Ok(Value::Int(a[0].as_int().unwrap_or(0) * 2))
            }),
        )
        .with("fail", Func::new(vec![], |_| Err("boom".into())))
        // A user function hides the builtin of the same name.
        .with(
            "len",
            Func::new(vec![Type::Any], |_| Ok(Value::str("mine"))),
        );
    let run = |src: &str| render_with(src, &Value::Nil, &funcs, ExecOptions::default());
    assert_eq!(
        run("{{double 21}} {{21 | double}} {{len 3}}"),
        Ok("42 42 mine".into())
    );
    assert_eq!(
        run("{{fail}}"),
        Err(r#"template: main:1:2: executing "main" at <fail>: error calling fail: boom"#.into())
    );
    assert_eq!(
        run(r#"{{double "x"}}"#),
        Err(r#"template: main:1:9: executing "main" at <"x">: expected integer; found "x""#.into())
    );
    assert!(funcs.is_func("double") && funcs.is_func("printf") && !funcs.is_func("nope"));
    // html/template's internal helper is not callable from source.
    assert!(!funcs.is_func("_eval_args_"));
}

#[test]
fn variables_across_range_and_scopes() {
    assert_eq!(
        render("{{$n := 0}}{{range .}}{{$n = .}}{{end}}{{$n}}", "[1,2,3]"),
        Ok("3".into())
    );
    assert_eq!(
        render(
            "{{range $i, $v := .}}{{$i}}{{$v}}{{end}}",
            r#"{"b":2,"a":1}"#
        ),
        Ok("a1b2".into())
    );
    assert_eq!(
        render("{{with $x := 5}}{{$x}}{{end}}", "null"),
        Ok("5".into())
    );
    assert_eq!(
        render(
            r#"{{define "t"}}{{$}}{{end}}{{template "t" .a}}{{$.a}}"#,
            r#"{"a":7}"#
        ),
        Ok("77".into())
    );
}

#[test]
fn state_api_evaluates_pipelines() {
    let funcs = oracle_helpers();
    let set = set_of(
        r#"{{printf "%d-%s" .A .B}}{{range .L}}<{{.}}>{{end}}"#,
        &funcs,
    );
    let tree = set.get("main").unwrap();
    let opts = ExecOptions::default();
    let data = Value::from_json(r#"{"$struct": {"A": 1, "B": "b", "L": [1, 2]}}"#).unwrap();
    let mut state = State::new(&set, &funcs, &opts, tree, &data);
    let crate::parse::ast::Node::Action(a) = &tree.root.nodes[0] else {
        panic!("not an action")
    };
    assert_eq!(
        state.eval_pipeline_value(&data, &a.pipe),
        Ok(Some(Value::str("1-b")))
    );
    let crate::parse::ast::Node::Range(r) = &tree.root.nodes[1] else {
        panic!("not a range")
    };
    let mut out = String::new();
    state.exec_list(&Value::Int(9), &r.list, &mut out).unwrap();
    assert_eq!(out, "<9>");
}
