//! Differential tests: every case was run through Go 1.19's
//! `text/template/parse` (`Tree.Parse` with the text/template builtins as
//! functions); `data/go_parse_cases.json` records Go's error message, or the
//! `String()` of each tree it produced. The cases are Go's own lexer and
//! parser test tables, the parse errors of the conformance corpus, and edge
//! cases of our own, plus a sample of randomly generated templates (one of
//! each error kind found) from a differential run against Go.

use livetemplate_core::parse::ast::{Arg, List, Node, Pipeline, Tree};
use livetemplate_core::parse::{ParseOptions, parse};
use serde_json::Value;

/// Every node in Go's walk order, as `String()@NAME:LINE:COL` (Go's
/// `ErrorContext`), plus the values of number literals.
fn positions(tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    walk_list(tree, &tree.root, &mut out);
    out
}

fn line(tree: &Tree, text: impl std::fmt::Display, pos: usize, out: &mut Vec<String>) {
    out.push(format!("{text}@{}", tree.location_at(pos)));
}

fn walk_list(tree: &Tree, list: &List, out: &mut Vec<String>) {
    line(tree, list, list.span.start as usize, out);
    for n in &list.nodes {
        line(tree, n, n.go_pos(), out);
        match n {
            Node::Action(a) => walk_pipe(tree, &a.pipe, out),
            Node::If(b) | Node::Range(b) | Node::With(b) => {
                walk_pipe(tree, &b.pipe, out);
                walk_list(tree, &b.list, out);
                if let Some(e) = &b.else_list {
                    walk_list(tree, e, out);
                }
            }
            Node::Template(t) => {
                if let Some(p) = &t.pipe {
                    walk_pipe(tree, p, out);
                }
            }
            _ => {}
        }
    }
}

fn walk_pipe(tree: &Tree, p: &Pipeline, out: &mut Vec<String>) {
    line(tree, p, p.go_pos(), out);
    for d in &p.decl {
        line(tree, d, d.span.start as usize, out);
    }
    for c in &p.cmds {
        line(tree, c, c.go_pos(), out);
        for a in &c.args {
            walk_arg(tree, a, out);
        }
    }
}

fn walk_arg(tree: &Tree, a: &Arg, out: &mut Vec<String>) {
    match a {
        Arg::Pipe(p) => walk_pipe(tree, p, out),
        Arg::Chain { node, .. } => {
            line(tree, a, a.go_pos(), out);
            walk_arg(tree, node, out);
        }
        Arg::Number(n) => {
            line(tree, a, a.go_pos(), out);
            let mut s = String::from("num");
            if let Some(i) = n.int {
                s += &format!(" i{i}");
            }
            if let Some(u) = n.uint {
                s += &format!(" u{u}");
            }
            if let Some(f) = n.float {
                s += &format!(" f{:x}", f.to_bits());
            }
            if let Some((re, im)) = n.complex {
                s += &format!(" c{:x},{:x}", re.to_bits(), im.to_bits());
            }
            out.push(s);
        }
        _ => line(tree, a, a.go_pos(), out),
    }
}

const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

#[test]
fn parse_matches_go() {
    let cases: Vec<Value> = serde_json::from_str(include_str!("data/go_parse_cases.json")).unwrap();
    let mut failures = Vec::new();
    let mut compared_lines = 0;
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
                    .map(|t| format!("{}={}\n{}", t.name, t.root, positions(t).join("\n")))
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
                            let pos: Vec<&str> = t["pos"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .filter_map(Value::as_str)
                                .collect();
                            format!(
                                "{}={}\n{}",
                                t["name"].as_str().unwrap(),
                                t["string"].as_str().unwrap(),
                                pos.join("\n")
                            )
                        })
                        .collect()
                })
                .join("\n"),
        };
        compared_lines += want.lines().count();
        if got != want {
            failures.push(format!(
                "{template:?} (delims {:?})\n   got: {got:?}\n  want: {want:?}",
                c["delims"]
            ));
        }
    }
    assert!(
        compared_lines > 3000,
        "only {compared_lines} lines compared"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Go:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
