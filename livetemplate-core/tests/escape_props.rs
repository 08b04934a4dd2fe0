//! Property test of the html pipeline on random template-ish input: html
//! fragments in every escaping context mixed with actions, control
//! structures and template definitions. Parsing, escaping, interpreting,
//! building the slot tree and diffing must end in a value or an `Err`,
//! never a panic; when both execution paths succeed they agree, and a
//! render diffed with itself is empty. (The cargo-fuzz target `escape` in
//! /fuzz does the same on arbitrary bytes.)

use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::wire::{diff, first_render};
use livetemplate_core::{Mode, Template};
use proptest::prelude::*;

/// Html in every escaping context (mostly unbalanced on purpose).
const HTML: &[&str] = &[
    "<a href=\"",
    "<a href='",
    "<a title=",
    "<img srcset=\"",
    "<p onclick=\"",
    "<p style=\"",
    "\"",
    "'",
    ">",
    "<",
    "</a>",
    "<script>",
    "</script>",
    "<script type=\"text/template\">",
    "<style>",
    "</style>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<!--",
    "-->",
    "`",
    "/*",
    "*/",
    "//",
    "/",
    "=",
    " ",
    "\n",
    "x",
    "&amp;",
    "javascript:",
    "url(",
    "?q=",
    "#",
];

/// Actions that parse on their own anywhere.
const ACTIONS: &[&str] = &[
    "{{.X}}",
    "{{.Y}}",
    "{{.U}}",
    "{{.H}}",
    "{{.M.k}}",
    "{{.}}",
    "{{.Nope}}",
    "{{1+2i}}",
    "{{printf \"%q\" .X}}",
    "{{$v := .X}}{{$v}}",
    "{{template \"t\"}}",
    "{{template \"t\" .}}",
    "{{block \"b\" .}}<b>{{.}}</b>{{end}}",
    "{{/* c */}}",
    "{{- .X -}}",
    "{{if .T}}{{.Y}}{{end}}",
];

/// Pieces of control structures (unbalanced on their own).
const CONTROL: &[&str] = &[
    "{{$v := .X}}",
    "{{$v}}",
    "{{if .X}}",
    "{{if .Z}}",
    "{{else}}",
    "{{else if .T}}",
    "{{end}}",
    "{{range .L}}",
    "{{range $i, $e := .L}}",
    "{{break}}",
    "{{continue}}",
    "{{with .M}}",
    "{{define \"t\"}}",
    "{{block \"b\" .}}",
    "{{",
    "}}",
];

const DATA: &str = r#"{"X":"<b>x</b>","Y":1,"Z":"","T":true,"F":false,
  "U":"javascript:alert(1)","H":{"$html":"<i>ok</i>"},
  "L":[{"X":"a","Y":0},{"X":"b","Y":2}],"M":{"k":"v"}}"#;

fn check(src: &str, data: &Value) -> Result<(), TestCaseError> {
    let mut t = Template::new("main", Mode::Html);
    if t.parse(src).is_err() {
        return Ok(());
    }
    let Ok(compiled) = t.compile("main") else {
        return Ok(());
    };
    let direct = compiled.execute(data);
    let program = match Program::new(compiled) {
        Ok(p) => p,
        Err(e) => {
            // Compiling the slot tree may only refuse with a message.
            prop_assert!(!e.message.is_empty(), "empty error for {src:?}");
            return Ok(());
        }
    };
    match (direct, program.render(data)) {
        (Ok(want), Ok(rendered)) => {
            prop_assert_eq!(&rendered.to_html(), &want, "html of {:?}", src);
            let first = first_render(&rendered);
            prop_assert!(first.starts_with('{'), "first render {}", first);
            prop_assert_eq!(diff(&rendered, &rendered), "{}");
        }
        // Runaway recursion stops at a stack limit, whose depth differs
        // between the two paths' frames: only the kind of error must agree.
        (Err(a), Err(b)) if is_depth_error(&a.error) => {
            prop_assert!(is_depth_error(&b), "{:?} for {:?}", b, src)
        }
        (Err(a), Err(b)) => prop_assert_eq!(a.error, b, "errors of {:?}", src),
        (a, b) => {
            return Err(TestCaseError::fail(format!(
                "paths disagree on {src:?}: {a:?} vs {b:?}"
            )));
        }
    }
    Ok(())
}

/// Balanced templates: fragments nested in `if`/`range`/`with`, plus a
/// definition of `t`, so that most inputs get past parsing to escaping.
fn structured() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select([HTML, ACTIONS, ACTIONS].concat()).prop_map(str::to_string);
    let body = leaf.prop_recursive(3, 40, 5, |inner| {
        (
            0..5u8,
            prop::collection::vec(inner.clone(), 0..5),
            prop::collection::vec(inner, 0..3),
        )
            .prop_map(|(kind, then, other)| {
                let (then, other) = (then.concat(), other.concat());
                match kind {
                    0 => format!("{{{{if .X}}}}{then}{{{{else}}}}{other}{{{{end}}}}"),
                    1 => format!("{{{{range .L}}}}{then}{{{{else}}}}{other}{{{{end}}}}"),
                    2 => format!("{{{{with .M}}}}{then}{{{{end}}}}"),
                    3 => format!("<p title=\"{then}\">{other}</p>"),
                    _ => format!("{then}{other}"),
                }
            })
    });
    (body.clone(), body).prop_map(|(main, t)| format!("{main}{{{{define \"t\"}}}}{t}{{{{end}}}}"))
}

/// Any sequence of fragments (mostly unbalanced: parse and escape errors).
fn free() -> impl Strategy<Value = String> {
    let all = [HTML, ACTIONS, CONTROL].concat();
    prop::collection::vec(prop::sample::select(all), 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn random_html_templates_never_panic(src in prop_oneof![1 => free(), 3 => structured()]) {
        let data = Value::from_json(DATA).unwrap();
        check(&src, &data)?;
    }
}

/// The error for runaway template recursion.
fn is_depth_error(e: &livetemplate_core::Error) -> bool {
    e.message.contains("exceeded maximum template depth")
}
