//! `Program::render_update`: items of a range whose body depends only on its
//! item are carried over from the held tree (the same `Arc`) when their
//! element and index are identical, and evaluated again otherwise.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use livetemplate_core::funcs::{Func, FuncMap};
use livetemplate_core::program::Program;
use livetemplate_core::value::{Type, Value};
use livetemplate_core::wire::{Dyn, Item, Rendered, diff};
use livetemplate_core::{Mode, Template};

fn program_with(src: &str, funcs: FuncMap) -> Program {
    let mut t = Template::new("main", Mode::Html).with_funcs(funcs);
    t.parse(src).unwrap();
    Program::new(t.compile("main").unwrap()).unwrap()
}

fn program(src: &str) -> Program {
    program_with(src, FuncMap::builtins())
}

fn json(s: &str) -> Value {
    Value::from_json(s).unwrap()
}

/// The items of the comprehension at root slot `slot`.
fn items(r: &Rendered, slot: usize) -> &[Item] {
    match &r.dyns[slot] {
        Dyn::Comp(c) => &c.items,
        other => panic!("slot {slot} is not a comprehension: {other:?}"),
    }
}

/// For each new item, the index of the old item whose dynamics it shares.
fn shared(old: &Rendered, new: &Rendered, slot: usize) -> Vec<Option<usize>> {
    items(new, slot)
        .iter()
        .map(|n| {
            items(old, slot)
                .iter()
                .position(|o| Arc::ptr_eq(&o.dyns, &n.dyns))
        })
        .collect()
}

/// Renders `steps` in turn through `render_update`, checking each against a
/// fresh render and the interpreter; returns the trees.
fn run(p: &Program, steps: &[&str]) -> Vec<Rendered> {
    let mut trees: Vec<Rendered> = Vec::new();
    for s in steps {
        let data = json(s);
        let r = match trees.last() {
            Some(prev) => p.render_update(prev, &data).unwrap(),
            None => p.render(&data).unwrap(),
        };
        assert_eq!(r, p.render(&data).unwrap(), "update equals render for {s}");
        assert_eq!(r.to_html(), p.render_html(&data).unwrap());
        trees.push(r);
    }
    trees
}

const ROWS: &str = r#"{"L":[{"A":"a"},{"A":"b"},{"A":"c"}],"X":1}"#;

#[test]
fn unchanged_items_share_their_dynamics() {
    let p = program(r#"<ul>{{range .L}}<li data-key="{{.A}}">{{.A}}</li>{{end}}</ul>"#);
    let t = run(
        &p,
        &[ROWS, r#"{"L":[{"A":"a"},{"A":"B"},{"A":"c"}],"X":1}"#],
    );
    assert_eq!(shared(&t[0], &t[1], 0), [Some(0), None, Some(2)]);
    assert_eq!(
        diff(&t[0], &t[1]),
        r#"{"0":{"k":{"1":{"0":"B","1":"B"},"kc":3}}}"#
    );
}

#[test]
fn inserted_and_removed_items_keep_the_others() {
    let p = program("{{range .L}}<li>{{.A}}</li>{{end}}");
    let t = run(
        &p,
        &[
            ROWS,
            r#"{"L":[{"A":"new"},{"A":"a"},{"A":"b"},{"A":"c"}]}"#,
            r#"{"L":[{"A":"new"},{"A":"b"},{"A":"c"}]}"#,
            r#"{"L":[{"A":"x"},{"A":"y"},{"A":"z"},{"A":"w"},{"A":"v"},{"A":"new"},{"A":"b"},{"A":"c"}]}"#,
        ],
    );
    assert_eq!(shared(&t[0], &t[1], 0), [None, Some(0), Some(1), Some(2)]);
    assert_eq!(shared(&t[1], &t[2], 0), [Some(0), Some(2), Some(3)]);
    assert_eq!(
        shared(&t[2], &t[3], 0),
        [None, None, None, None, None, Some(0), Some(1), Some(2)]
    );
}

#[test]
fn bodies_reading_outer_values_are_reused_while_those_values_are_unchanged() {
    let by_root = program("{{range .L}}<li>{{.A}} {{$.X}}</li>{{end}}");
    let by_outer = program("{{$x := .X}}{{range .L}}<li>{{.A}} {{$x}}</li>{{end}}");
    let item_changed = r#"{"L":[{"A":"a"},{"A":"B"},{"A":"c"}],"X":1}"#;
    for p in [&by_root, &by_outer] {
        assert!(p.reuses_items(1), "{:?}", p.compiled().explain());
        let t = run(
            p,
            &[
                ROWS,
                item_changed,
                &item_changed.replace("\"X\":1", "\"X\":2"),
            ],
        );
        assert_eq!(shared(&t[0], &t[1], 0), [Some(0), None, Some(2)]);
        // The outer value changed: every item is evaluated again.
        assert_eq!(shared(&t[1], &t[2], 0), [None, None, None]);
        assert!(t[2].to_html().contains("a 2"));
    }
    // A value that cannot be read plainly (a missing key) disables reuse.
    let missing = program("{{range .L}}<li>{{.A}} {{$.Nope.Deeper}}</li>{{end}}");
    let t = run(&missing, &[ROWS, ROWS]);
    assert_eq!(shared(&t[0], &t[1], 0), [None, None, None]);
}

#[test]
fn bodies_assigning_outer_variables_or_reading_the_whole_root_are_evaluated_again() {
    let assigning = program("{{$n := 0}}{{range .L}}{{$n = .A}}{{end}}{{$n}}");
    let whole_root =
        program(r#"{{define "t"}}{{len .L}}{{end}}{{range .L}}{{.A}}{{template "t" $}}{{end}}"#);
    for p in [&assigning, &whole_root] {
        assert!(!p.reuses_items(1), "{:?}", p.compiled().explain());
        let t = run(p, &[ROWS, ROWS]);
        assert_eq!(shared(&t[0], &t[1], 0), [None, None, None]);
    }
}

#[test]
fn inner_ranges_reading_the_outer_item_reuse_while_it_reads_the_same() {
    let p = program(concat!(
        "{{range $col := .Cols}}<h2>{{len $col.Cards}}</h2>",
        "{{range $col.Cards}}<p data-from=\"{{$col.Name}}\">{{.}}</p>{{end}}{{end}}"
    ));
    let t = run(
        &p,
        &[
            r#"{"Cols":[{"Name":"todo","Cards":["a","b"]},{"Name":"done","Cards":["d"]}]}"#,
            r#"{"Cols":[{"Name":"todo","Cards":["a"]},{"Name":"DONE","Cards":["b","d"]}]}"#,
        ],
    );
    let inner = |r: &Rendered, col: usize| -> Vec<Arc<[Dyn]>> {
        match &items(r, 0)[col].dyns[1] {
            Dyn::Comp(c) => c.items.iter().map(|i| Arc::clone(&i.dyns)).collect(),
            other => panic!("{other:?}"),
        }
    };
    // Column "todo" kept its name: card "a" is reused; column "done" was
    // renamed, so its cards (which print the name) are evaluated again.
    assert!(Arc::ptr_eq(&inner(&t[0], 0)[0], &inner(&t[1], 0)[0]));
    assert!(!Arc::ptr_eq(&inner(&t[0], 1)[0], &inner(&t[1], 1)[1]));
    assert!(t[1].to_html().contains(r#"<p data-from="DONE">d</p>"#));
}

#[test]
fn own_variables_and_template_calls_keep_a_body_pure() {
    let p = program(concat!(
        r#"{{define "cell"}}<b>{{.}}{{$}}</b>{{end}}"#,
        r#"{{range $e := .L}}{{$v := $e.A}}{{with $w := .A}}{{$w}}{{$v}}{{end}}"#,
        r#"{{template "cell" .A}}{{range $x := .S}}{{$x}}{{$v}}{{end}}{{end}}"#,
    ));
    let t = run(
        &p,
        &[ROWS, r#"{"L":[{"A":"a"},{"A":"b"},{"A":"C"}],"X":1}"#],
    );
    assert_eq!(shared(&t[0], &t[1], 0), [Some(0), Some(1), None]);
}

#[test]
fn the_index_variable_is_part_of_an_items_inputs() {
    let p = program("{{range $i, $e := .L}}<li>{{$i}}: {{.A}}</li>{{end}}");
    let t = run(
        &p,
        &[
            ROWS,
            r#"{"L":[{"A":"a"},{"A":"b"},{"A":"C"}]}"#,
            r#"{"L":[{"A":"new"},{"A":"a"},{"A":"b"},{"A":"C"}]}"#,
        ],
    );
    // Same positions: reused; shifted by an insertion: evaluated again.
    assert_eq!(shared(&t[0], &t[1], 0), [Some(0), Some(1), None]);
    assert_eq!(shared(&t[1], &t[2], 0), [None, None, None, None]);
    assert!(t[2].to_html().starts_with("<li>0: new</li><li>1: a</li>"));
    // A map's key is its items' index.
    let p = program("{{range $k, $v := .}}<p>{{$k}}={{$v}}</p>{{end}}");
    let t = run(&p, &[r#"{"a":1,"b":2}"#, r#"{"a":1,"b":3}"#]);
    assert_eq!(shared(&t[0], &t[1], 0), [Some(0), None]);
}

#[test]
fn user_functions_make_a_body_impure() {
    static TICK: AtomicI64 = AtomicI64::new(0);
    let funcs = FuncMap::builtins().with(
        "tick",
        Func::new(vec![], |_| Ok(Value::Int(TICK.load(Ordering::SeqCst)))),
    );
    let direct = program_with("{{range .L}}{{.A}}{{tick}}{{end}}", funcs.clone());
    let via_template = program_with(
        r#"{{define "t"}}{{tick}}{{end}}{{range .L}}{{.A}}{{template "t"}}{{end}}"#,
        funcs.clone(),
    );
    // A builtin does not; nor does a user function outside the range.
    let builtin = program_with(
        r#"{{tick}}{{range .L}}{{printf "%s!" .A}}{{len .A}}{{end}}"#,
        funcs,
    );
    for p in [&direct, &via_template] {
        let held = p.render(&json(ROWS)).unwrap();
        TICK.fetch_add(1, Ordering::SeqCst);
        let next = p.render_update(&held, &json(ROWS)).unwrap();
        assert_eq!(next, p.render(&json(ROWS)).unwrap());
        assert_ne!(next, held, "tick changed");
        let slot = next.dyns.len() - 1;
        assert_eq!(shared(&held, &next, slot), [None, None, None]);
    }
    let held = builtin.render(&json(ROWS)).unwrap();
    let next = builtin.render_update(&held, &json(ROWS)).unwrap();
    assert_eq!(shared(&held, &next, 1), [Some(0), Some(1), Some(2)]);
    assert_eq!(diff(&held, &next), "{}");
}

#[test]
fn user_functions_declared_pure_keep_a_body_pure() {
    let upper = |args: &[Value]| match &args[0] {
        Value::String(s) => Ok(Value::from(s.to_uppercase().as_str())),
        other => Err(format!("not a string: {other:?}")),
    };
    let funcs = FuncMap::builtins()
        .with("upper", Func::new(vec![Type::String], upper).pure())
        .with("shout", Func::new(vec![Type::String], upper));
    let pure = program_with("{{range .L}}<li>{{upper .A}}</li>{{end}}", funcs.clone());
    let impure = program_with("{{range .L}}<li>{{shout .A}}</li>{{end}}", funcs);
    let next = r#"{"L":[{"A":"a"},{"A":"x"},{"A":"c"}]}"#;
    let t = run(&pure, &[ROWS, next]);
    assert_eq!(shared(&t[0], &t[1], 0), [Some(0), None, Some(2)]);
    assert!(t[1].to_html().contains("<li>X</li>"));
    let t = run(&impure, &[ROWS, next]);
    assert_eq!(shared(&t[0], &t[1], 0), [None, None, None]);
}

#[test]
fn nested_ranges_reuse_inner_items_of_a_changed_outer_item() {
    let p = program("{{range .Cols}}<h2>{{.Name}}</h2>{{range .Cards}}<p>{{.}}</p>{{end}}{{end}}");
    let t = run(
        &p,
        &[
            r#"{"Cols":[{"Name":"todo","Cards":["a","b","c"]},{"Name":"done","Cards":["d"]}]}"#,
            r#"{"Cols":[{"Name":"todo","Cards":["a","c"]},{"Name":"done","Cards":["b","d"]}]}"#,
        ],
    );
    assert_eq!(shared(&t[0], &t[1], 0), [None, None]);
    let inner = |r: &Rendered, col: usize| -> Vec<Arc<[Dyn]>> {
        match &items(r, 0)[col].dyns[1] {
            Dyn::Comp(c) => c.items.iter().map(|i| Arc::clone(&i.dyns)).collect(),
            other => panic!("{other:?}"),
        }
    };
    let (old0, new0, old1, new1) = (
        inner(&t[0], 0),
        inner(&t[1], 0),
        inner(&t[0], 1),
        inner(&t[1], 1),
    );
    assert!(Arc::ptr_eq(&old0[0], &new0[0]) && Arc::ptr_eq(&old0[2], &new0[1]));
    assert!(Arc::ptr_eq(&old1[0], &new1[1]));
}

#[test]
fn break_and_continue_bodies_reuse_items_and_their_flow() {
    let p = program("{{range .L}}{{if eq .A \"b\"}}{{break}}{{end}}<li>{{.A}}</li>{{end}}|");
    let t = run(
        &p,
        &[
            ROWS,
            r#"{"L":[{"A":"a"},{"A":"b"},{"A":"c"},{"A":"d"}]}"#,
            r#"{"L":[{"A":"a"},{"A":"x"},{"A":"b"},{"A":"c"}]}"#,
        ],
    );
    assert_eq!(shared(&t[0], &t[1], 0), [Some(0), Some(1)]);
    assert_eq!(t[2].to_html(), "<li>a</li><li>x</li>|");
}

#[test]
fn a_tree_of_another_program_is_not_used() {
    let a = program("{{range .L}}<li>{{.A}}</li>{{end}}");
    let b = program("{{range .L}}<li>{{.A}}</li>{{end}}");
    let held = a.render(&json(ROWS)).unwrap();
    let next = b.render_update(&held, &json(ROWS)).unwrap();
    assert_eq!(next.to_html(), held.to_html());
    assert_eq!(shared(&held, &next, 0), [None, None, None]);
    // Values of different types are not the same input, even when equal in Go.
    let p = program("{{range .}}{{printf \"%T\" .}}{{end}}");
    let ints = Value::from_serialize(&vec![1i64, 2]).unwrap();
    let uints = Value::from_serialize(&vec![1u64, 2]).unwrap();
    let held = p.render(&ints).unwrap();
    let next = p.render_update(&held, &uints).unwrap();
    assert_eq!(next, p.render(&uints).unwrap());
    assert_eq!(shared(&held, &next, 0), [None, None]);
    // Nor are 0 and -0, which print differently.
    let p = program("{{range .}}{{.}} {{end}}");
    let held = p
        .render(&Value::from_serialize(&vec![0.0f64]).unwrap())
        .unwrap();
    let next = p
        .render_update(&held, &Value::from_serialize(&vec![-0.0f64]).unwrap())
        .unwrap();
    assert_eq!(
        (held.to_html().as_str(), next.to_html().as_str()),
        ("0 ", "-0 ")
    );
}

#[test]
fn very_deep_elements_are_evaluated_again_not_compared_without_end() {
    let deep = || {
        let mut v = Value::Int(1);
        for _ in 0..1000 {
            v = Value::slice(Type::Any, vec![v]);
        }
        Value::slice(Type::Any, vec![v, Value::Int(2)])
    };
    let p = program("{{range .}}<i>{{len (print .)}}</i>{{end}}");
    let held = p.render(&deep()).unwrap();
    let next = p.render_update(&held, &deep()).unwrap();
    assert_eq!(next, p.render(&deep()).unwrap());
    assert_eq!(shared(&held, &next, 0), [None, Some(1)]);
}
