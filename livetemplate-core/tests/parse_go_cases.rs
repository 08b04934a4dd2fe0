//! Differential tests: every case was run through Go 1.19's
//! `text/template/parse` (`Tree.Parse` with the text/template builtins as
//! functions); `data/go_parse_cases.json` records Go's error message, or the
//! `String()` of each tree it produced. The cases are Go's own lexer and
//! parser test tables, the parse errors of the conformance corpus, and edge
//! cases of our own.

use livetemplate_core::parse::{ParseOptions, parse};
use serde_json::Value;

const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

#[test]
fn parse_matches_go() {
    let cases: Vec<Value> = serde_json::from_str(include_str!("data/go_parse_cases.json")).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let template = c["template"].as_str().unwrap();
        let name = match c["name"].as_str() {
            Some("") | None => "main",
            Some(n) => n,
        };
        let funcs: Vec<&str> = c["funcs"]
            .as_array()
            .map_or(Vec::new(), |a| a.iter().filter_map(Value::as_str).collect());
        let is_func = |n: &str| BUILTINS.contains(&n) || funcs.contains(&n);
        let mut opts = ParseOptions::new(&is_func);
        if let Some(d) = c["delims"].as_array() {
            opts.left_delim = d[0].as_str().unwrap();
            opts.right_delim = d[1].as_str().unwrap();
        }
        opts.keep_comments = c["comments"].as_bool().unwrap_or(false);
        let got = match parse(name, template, &opts) {
            Err(e) => format!("error: {}", e.message),
            Ok(mut trees) => {
                trees.sort_by(|a, b| a.name.cmp(&b.name));
                trees
                    .iter()
                    .map(|t| format!("{}={}", t.name, t.root))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        let want = match c["error"].as_str() {
            Some(e) => format!("error: {e}"),
            None => c["trees"]
                .as_array()
                .map_or(Vec::new(), |ts| {
                    ts.iter()
                        .map(|t| {
                            format!(
                                "{}={}",
                                t["name"].as_str().unwrap(),
                                t["string"].as_str().unwrap()
                            )
                        })
                        .collect()
                })
                .join("\n"),
        };
        if got != want {
            failures.push(format!(
                "{template:?} (delims {:?})\n   got: {got:?}\n  want: {want:?}",
                c["delims"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Go:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
