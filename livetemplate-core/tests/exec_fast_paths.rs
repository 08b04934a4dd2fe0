//! The interpreter reads lone operands in place: an action or `if` that is
//! just `.A.B`, `$x.B`, `.` or `$`, the operands of two-operand comparisons
//! (with string and integer literals), and the operand of `not` and `len`;
//! an `if` whose condition is `not x` or a comparison decides in place;
//! dot and found fields passed to builtins are built in their argument slot.
//! Wrapping an operand in parentheses makes it a pipeline, which takes the
//! general evaluator; both spellings must print the same text (or fail
//! with the same reason), for every kind of value, in both modes, including
//! missing keys, nil and values of the wrong type for the function. The
//! one place where Go itself tells them apart is `len` of a nil field
//! (`len of nil pointer` for `len .A`, a zero-Value error for `len (.A)`,
//! where the pipeline turns the nil interface into no value): that case is
//! pinned to Go's answers below.

use livetemplate_core::value::Value;
use livetemplate_core::{Mode, Template};

/// Values for `.A` (and `.A.B`, `.A.C` where `.A` is a map).
const VALUES: &[&str] = &[
    r#""s""#,
    r#""""#,
    r#""<b>&'x'""#,
    r#""daily""#,
    "0",
    "3",
    "-1",
    "2.5",
    "1e21",
    "true",
    "false",
    "null",
    "[1, 2]",
    "[]",
    r#"{"B": "s", "C": 3}"#,
    r#"{"B": 4, "C": null}"#,
    r#"{"B": {"B": "deep"}}"#,
    "{}",
];

/// Operands, each with a spelling that goes through the general path.
const OPERANDS: &[(&str, &str)] = &[
    (".A", "(.A)"),
    (".A.B", "(.A.B)"),
    (".A.C", "(.A.C)"),
    (".A.B.B", "(.A.B.B)"),
    (".Missing", "(.Missing)"),
    ("$x", "($x)"),
    ("$x.B", "($x.B)"),
    ("$x.Missing", "($x.Missing)"),
    (".", "(.)"),
    ("$", "($)"),
];

/// Uses of an operand `{}`; the second operand of comparisons is either a
/// literal or another operand.
const FORMS: &[&str] = &[
    "{{OP}}",
    "<a href=\"/x/{{OP}}\" title=\"{{OP}}\">",
    "{{if OP}}yes{{else}}no{{end}}",
    "{{if not OP}}yes{{end}}",
    r#"{{if eq OP "s"}}yes{{else}}no{{end}}"#,
    "{{if lt OP 3}}yes{{else}}no{{end}}",
    "{{if ne OP $x}}yes{{end}}",
    "{{len OP}}",
    "{{not OP}}",
    r#"{{eq OP "s"}}"#,
    r#"{{ne OP "daily"}}"#,
    "{{eq OP 3}}",
    "{{lt OP 3}}",
    "{{ge OP -1}}",
    "{{eq OP OP}}",
    "{{le OP .A}}",
    "{{gt $x OP}}",
    "{{print OP}}",
    r#"{{printf "%v %T" OP OP}}"#,
    r#"{{index OP "B"}}"#,
    "{{slice OP 1}}",
];

fn run(mode: Mode, source: &str, data: &Value) -> Result<String, String> {
    let mut t = Template::new("t", mode);
    t.parse(source)
        .map_err(|e| format!("parse: {}", e.message))?;
    let c = t
        .compile("t")
        .map_err(|e| format!("compile: {}", e.message))?;
    c.execute(data).map_err(|e| e.error.message)
}

/// The part of an execution error after the position and node, which the
/// parentheses shift.
fn reason(msg: &str) -> &str {
    msg.rsplit_once(">: ").map_or(msg, |(_, r)| r)
}

#[test]
fn in_place_operands_equal_the_general_path() {
    let mut checked = 0;
    for value in VALUES {
        let data = Value::from_json(&format!(r#"{{"A": {value}}}"#)).unwrap();
        for form in FORMS {
            for (fast, general) in OPERANDS {
                for mode in [Mode::Html, Mode::Text] {
                    let src = |op: &str| format!("{{{{$x := .A}}}}[{}]", form.replace("OP", op));
                    let a = run(mode, &src(fast), &data);
                    let b = run(mode, &src(general), &data);
                    match (&a, &b) {
                        (Ok(x), Ok(y)) => assert_eq!(x, y, "{form} {fast} {value} {mode:?}"),
                        (Err(x), Err(y)) if reason(x) == reason(y) => {}
                        (Err(x), Err(y))
                            if *form == "{{len OP}}"
                                && x.ends_with("len of nil pointer")
                                && y.ends_with("call of reflect.Value.Type on zero Value") => {}
                        _ => panic!("{form} {fast} {value} {mode:?}: {a:?} / {b:?}"),
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, VALUES.len() * FORMS.len() * OPERANDS.len() * 2);
}

/// A few of the same cases with the output Go 1.19's html/template gives
/// (from the Go oracle), so that the shared answer is also the right one.
#[test]
fn in_place_operands_like_go() {
    let data =
        Value::from_json(r#"{"A": {"B": "a&b", "C": 3}, "S": "daily", "N": [1, 2, 3]}"#).unwrap();
    for (src, go) in [
        ("{{$x := .A}}{{$x.B}} {{.A.C}}", "a&amp;b 3"),
        (
            r#"{{if eq .S "daily"}}d{{end}}{{if ne .S "weekly"}}w{{end}}"#,
            "dw",
        ),
        (
            "{{$x := .A}}{{lt $x.C 4}} {{ge .A.C 3}} {{eq .A.C 3}}",
            "true true true",
        ),
        ("{{len .N}} {{not .A.B}} {{len .S}}", "3 false 5"),
        (
            r#"<a href="/u/{{.A.B}}?q={{.A.B}}">"#,
            r#"<a href="/u/a&amp;b?q=a%26b">"#,
        ),
    ] {
        assert_eq!(run(Mode::Html, src, &data).unwrap(), go, "{src}");
    }
    // Wrong types are Go's errors, from either path.
    let err = run(Mode::Html, r#"{{eq .A.C "s"}}"#, &data).unwrap_err();
    assert!(
        err.ends_with("error calling eq: incompatible types for comparison"),
        "{err}"
    );
    let err = run(Mode::Html, "{{len .A.C}}", &data).unwrap_err();
    assert!(err.ends_with("error calling len: len of type int"), "{err}");
    // `len` of a nil field and of a nil pipeline differ in Go.
    let data = Value::from_json(r#"{"A": {"C": null}}"#).unwrap();
    for (src, go) in [
        ("{{len .A.C}}", "len of nil pointer"),
        ("{{$x := .A}}{{len $x.C}}", "len of nil pointer"),
        (
            "{{len (.A.C)}}",
            "reflect: call of reflect.Value.Type on zero Value",
        ),
    ] {
        let err = run(Mode::Html, src, &data).unwrap_err();
        assert!(
            err.ends_with(&format!("error calling len: {go}")),
            "{src}: {err}"
        );
    }
    assert_eq!(
        run(Mode::Html, "{{not .A.C}} {{eq .A.C .A.C}}", &data).unwrap(),
        "true true"
    );
}
