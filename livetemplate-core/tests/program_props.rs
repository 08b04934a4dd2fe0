//! Property tests of the slot tree and diffs, without Node or Go: for random
//! templates and random sequences of data, the client model fed the first
//! render and then each diff holds exactly the interpreter's HTML, and a
//! state diffed with itself gives `{}`. Every render after the first is the
//! server's incremental one (`Program::render_update` from the held tree),
//! which must equal a fresh `Program::render` (and diff alike).

use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::wire::{ClientModel, diff, diff_into, first_render};
use livetemplate_core::{Mode, Template};
use proptest::prelude::*;

/// A tiny deterministic generator driven by proptest's seeds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const TEXT: &[&str] = &[
    "<p>",
    "</p>",
    " ",
    "<b class=\"x\">",
    "</b>",
    "\n",
    "<a href=\"",
    "\">",
    "a&b",
    "é",
];
const FIELDS: &[&str] = &["A", "B", "C"];

/// What a generated body can refer to.
#[derive(Clone)]
struct Scope {
    /// Inside a `range` over `.L` or `.M` (whose items have a list `.S`).
    in_range: bool,
    /// Inside a range over `.S` (no deeper ranges).
    in_inner: bool,
    /// Expressions over variables that are defined here (`$o`, `$.A`,
    /// range variables such as `$i` or `$e.B`).
    vars: Vec<&'static str>,
}

/// A random template body over data shaped `{A, B, C: scalars; L: [{A,B,C,S:
/// [{A,B,C}]}]; M: {x|y|z: {A,B,C,S}}}`.
fn body(rng: &mut Rng, depth: u32, scope: &Scope, out: &mut String) {
    for _ in 0..1 + rng.below(4) {
        match rng.below(if depth == 0 { 3 } else { 12 }) {
            0 | 1 => out.push_str(rng.pick(TEXT)),
            2 => out.push_str(&format!("{{{{.{}}}}}", rng.pick(FIELDS))),
            3 => {
                out.push_str(&format!("{{{{if .{}}}}}", rng.pick(FIELDS)));
                body(rng, depth - 1, scope, out);
                match rng.below(3) {
                    0 => {
                        out.push_str(&format!("{{{{else if .{}}}}}", rng.pick(FIELDS)));
                        body(rng, depth - 1, scope, out);
                    }
                    1 => {
                        out.push_str("{{else}}");
                        body(rng, depth - 1, scope, out);
                    }
                    _ => {}
                }
                out.push_str("{{end}}");
            }
            4 if !scope.in_inner => {
                let key = rng.below(2) == 0;
                let mut inner = scope.clone();
                let (head, vars): (&str, &[&'static str]) = if scope.in_range {
                    inner.in_inner = true;
                    match rng.below(3) {
                        0 => ("{{range $j, $s := .S}}", &["$j", "$s.A"]),
                        1 => ("{{range $s := .S}}", &["$s.B"]),
                        _ => ("{{range .S}}", &[]),
                    }
                } else {
                    inner.in_range = true;
                    match rng.below(5) {
                        0 | 1 => ("{{range $i, $e := .L}}", &["$i", "$e.A"]),
                        2 => ("{{range $e := .L}}", &["$e.B"]),
                        3 => ("{{range .L}}", &[]),
                        _ => ("{{range $k, $r := .M}}", &["$k", "$r.C"]),
                    }
                };
                inner.vars.extend_from_slice(vars);
                out.push_str(head);
                if key {
                    out.push_str("<li data-key=\"{{.A}}\">");
                }
                body(rng, depth - 1, &inner, out);
                if key {
                    out.push_str("</li>");
                }
                if rng.below(2) == 0 {
                    out.push_str("{{else}}<i>none</i>");
                }
                out.push_str("{{end}}");
            }
            5 => {
                out.push_str(&format!("{{{{with .{}}}}}[{{{{.}}}}]", rng.pick(FIELDS)));
                body(rng, depth - 1, scope, out);
                out.push_str("{{end}}");
            }
            6 => out.push_str("{{template \"part\" .}}"),
            7 if scope.in_range => out.push_str(if rng.below(2) == 0 {
                "{{if .B}}{{continue}}{{end}}"
            } else {
                "{{if .C}}{{break}}{{end}}"
            }),
            8 => out.push_str(&format!("{{{{$v := .{}}}}}<{{{{$v}}}}>", rng.pick(FIELDS))),
            9 | 10 => out.push_str(&format!("{{{{{}}}}}", rng.pick(&scope.vars))),
            // Assigning to the outer `$o` inside a range changes what follows it.
            11 if scope.vars.contains(&"$o") => {
                out.push_str(&format!("{{{{$o = .{}}}}}", rng.pick(FIELDS)))
            }
            _ => out.push_str(&format!(
                "{{{{printf \"%v-%v\" .A .{}}}}}",
                rng.pick(FIELDS)
            )),
        }
    }
}

fn template(rng: &mut Rng) -> String {
    let mut main = String::from("{{$o := .B}}");
    let scope = Scope {
        in_range: false,
        in_inner: false,
        vars: vec!["$o", "$.A"],
    };
    body(rng, 3, &scope, &mut main);
    let mut part = String::new();
    let scope = Scope {
        in_range: false,
        in_inner: false,
        vars: vec!["$.A", "$.C"],
    };
    body(rng, 1, &scope, &mut part);
    format!("{main}{{{{define \"part\"}}}}{part}{{{{end}}}}")
}

fn scalar(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "\"\"".into(),
        1 => "\"x<y>\"".into(),
        2 => format!("{}", rng.below(3)),
        3 => "true".into(),
        4 => "false".into(),
        _ => format!("\"{}\"", rng.pick(&["a", "b", "c"])),
    }
}

fn record(rng: &mut Rng) -> String {
    let inner: Vec<String> = (0..rng.below(4))
        .map(|_| {
            format!(
                "{{\"A\":{},\"B\":{},\"C\":{}}}",
                scalar(rng),
                scalar(rng),
                scalar(rng)
            )
        })
        .collect();
    format!(
        "{{\"A\":{},\"B\":{},\"C\":{},\"S\":[{}]}}",
        scalar(rng),
        scalar(rng),
        scalar(rng),
        inner.join(",")
    )
}

fn data(rng: &mut Rng, prev: Option<&[String]>) -> (String, Vec<String>) {
    let mut items: Vec<String> = prev.map(<[String]>::to_vec).unwrap_or_default();
    match rng.below(5) {
        0 => items = (0..rng.below(6)).map(|_| record(rng)).collect(),
        1 if !items.is_empty() => {
            let i = rng.below(items.len() as u64) as usize;
            items.remove(i);
        }
        2 => items.insert(0, record(rng)),
        3 if !items.is_empty() => {
            let i = rng.below(items.len() as u64) as usize;
            items[i] = record(rng);
        }
        _ => items.reverse(),
    }
    // The map's entries follow the list (so they too change one at a time).
    let map: Vec<String> = ["x", "y", "z"]
        .iter()
        .zip(&items)
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .collect();
    let json = format!(
        "{{\"A\":{},\"B\":{},\"C\":{},\"L\":[{}],\"M\":{{{}}}}}",
        scalar(rng),
        scalar(rng),
        scalar(rng),
        items.join(","),
        map.join(",")
    );
    (json, items)
}

fn check(seed: u64, mode: Mode) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed);
    let src = template(&mut rng);
    let mut t = Template::new("main", mode);
    t.parse(&src)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{src}")))?;
    let compiled = match t.compile("main") {
        Ok(c) => c,
        // Random html can end in a non-text context (an open attribute):
        // Go rejects it too; nothing to diff.
        Err(_) if mode == Mode::Html => return Ok(()),
        Err(e) => return Err(TestCaseError::fail(format!("{e}\n{src}"))),
    };
    let program = Program::new(compiled.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut client = ClientModel::new();
    let mut stateless_client = ClientModel::new();
    // The tree the client holds, and the last rendered one.
    let mut held: Option<livetemplate_core::wire::Rendered> = None;
    let mut prev: Option<livetemplate_core::wire::Rendered> = None;
    let mut items = None;
    for step in 0..5 {
        let (json, next_items) = data(&mut rng, items.as_deref());
        items = Some(next_items);
        let value = Value::from_json(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want = compiled.execute(&value);
        let fresh = program.render(&value);
        // The server's path: evaluate given the tree the client holds.
        let rendered = match &held {
            Some(old) => program.render_update(old, &value),
            None => program.render(&value),
        };
        let (want, rendered) = match (want, rendered) {
            (Ok(w), Ok(r)) => (w, r),
            (Err(a), Err(b)) => {
                prop_assert_eq!(&a.error, &b, "both paths must fail alike");
                prop_assert_eq!(fresh.err(), Some(b), "update and render fail alike");
                return Ok(());
            }
            (w, r) => {
                return Err(TestCaseError::fail(format!(
                    "paths disagree: {w:?} vs {r:?}\n{src}\n{json}"
                )));
            }
        };
        let fresh = fresh.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(
            rendered == fresh,
            "render_update differs from render at step {}\n{:?}\n{:?}\n{}\n{}",
            step,
            rendered,
            fresh,
            src,
            json
        );
        prop_assert_eq!(&rendered.to_html(), &want, "tree html\n{}\n{}", src, json);
        // The held path (what the runtime sends and keeps), and a client
        // driven by stateless diffs of the rendered trees alongside.
        let stateless = match &prev {
            None => first_render(&rendered),
            Some(old) => diff(old, &rendered),
        };
        let message = match &mut held {
            None => {
                held = Some(rendered.clone());
                first_render(&rendered)
            }
            Some(h) => {
                let d = diff_into(&mut h.clone(), fresh.clone());
                let mut again = h.clone();
                prop_assert_eq!(diff_into(&mut again, fresh.clone()), d.clone());
                let got = diff_into(h, rendered.clone());
                prop_assert_eq!(&got, &d, "diff of the updated tree");
                prop_assert_eq!(h.to_html(), want.clone(), "held html");
                prop_assert_eq!(diff_into(&mut h.clone(), rendered.clone()), "{}");
                prop_assert_eq!(diff_into(&mut h.clone(), h.clone()), "{}");
                got
            }
        };
        for (c, m) in [(&mut client, &message), (&mut stateless_client, &stateless)] {
            c.apply_str(m)
                .map_err(|e| TestCaseError::fail(format!("step {step}: {e}\n{m}\n{src}")))?;
            prop_assert_eq!(
                c.html().unwrap(),
                want.clone(),
                "client html at step {}\n{}\n{}\n{}",
                step,
                m,
                src,
                json
            );
        }
        prop_assert_eq!(diff(&rendered, &rendered), "{}");
        prev = Some(rendered);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn text_templates_round_trip_through_the_client(seed in any::<u64>()) {
        check(seed, Mode::Text)?;
    }

    #[test]
    fn html_templates_round_trip_through_the_client(seed in any::<u64>()) {
        check(seed, Mode::Html)?;
    }
}
