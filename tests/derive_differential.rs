//! Differential tests: every template in `templates/` rendered through the
//! derive and through the dynamic interpreter (`Program` over the same data
//! as a `Value`) gives identical HTML, trees, first renders and diffs
//! (including the change-tracked `diff_from`).

use std::collections::BTreeMap;

use livetemplate::core::program::Program;
use livetemplate::core::wire;
use livetemplate::core::{Mode, Template};
use livetemplate::typed::{GoValue, LiveTemplate};

fn program(path: &str) -> Program {
    let src = std::fs::read_to_string(format!("{}/templates/{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("template file");
    let mut t = Template::new(path, Mode::Html);
    t.parse(&src).expect("parses");
    Program::new(t.compile(path).expect("compiles")).expect("program")
}

/// The dynamic path's diff from a first render of `old` to `new`, and the
/// tree then held for the client (what the typed `diff_from` must match).
fn held_diff(
    old: &livetemplate_core::wire::Rendered,
    new: livetemplate_core::wire::Rendered,
) -> (String, livetemplate_core::wire::Rendered) {
    let mut held = old.clone();
    let d = wire::diff_into(&mut held, new);
    (d, held)
}

/// Checks one value and every transition between consecutive values.
fn check<T: LiveTemplate + GoValue + Clone>(path: &str, values: &[T]) {
    let p = program(path);
    for v in values {
        let data = v.to_value();
        let html = v.render().expect("typed render");
        assert_eq!(
            html,
            p.render_html(&data).expect("dynamic render"),
            "{path}: html"
        );
        let tree = v.render_tree().expect("typed tree");
        let dtree = p.render(&data).expect("dynamic tree");
        assert_eq!(tree, dtree, "{path}: tree");
        assert_eq!(tree.to_html(), html, "{path}: tree html");
        let (first, _) = v.first_render().unwrap();
        assert_eq!(first, wire::first_render(&dtree), "{path}: first render");
    }
    for w in values.windows(2) {
        let (old, new) = (&w[0], &w[1]);
        let dold = p.render(&old.to_value()).unwrap();
        let dnew = p.render(&new.to_value()).unwrap();
        let (expected, held) = held_diff(&dold, dnew.clone());
        let mut tree = old.render_tree().unwrap();
        let got = new.diff_from(old, &mut tree).unwrap();
        assert_eq!(got, expected, "{path}: diff");
        assert_eq!(tree, held, "{path}: tree after diff");
        assert_eq!(tree.to_html(), dnew.to_html(), "{path}: held html");
        // Diffing a value against itself sends nothing.
        assert_eq!(new.diff_from(new, &mut tree).unwrap(), "{}");
    }
}

mod todo {
    use super::*;
    use livetemplate::{GoValue, LiveTemplate};

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Item {
        #[go(name = "ID")]
        pub id: u32,
        pub title: String,
        pub done: bool,
        pub note: Option<String>,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(path = "todo.html")]
    pub struct Todo {
        pub title: String,
        pub items: Vec<Item>,
        pub filter: String,
        pub owner: String,
    }

    pub fn todo(n: usize) -> Todo {
        Todo {
            title: "Todo <today>".into(),
            items: (0..n)
                .map(|i| Item {
                    id: i as u32,
                    title: format!("item \"{i}\" & more"),
                    done: i % 3 == 0,
                    note: (i % 2 == 0).then(|| format!("note {i}")),
                })
                .collect(),
            filter: "all".into(),
            owner: "O'Brien</script>".into(),
        }
    }

    #[test]
    fn todo_agrees() {
        let a = todo(3);
        let mut b = a.clone();
        b.items[1].done = true;
        let mut c = b.clone();
        c.filter = "done".into();
        c.items.remove(0);
        let mut d = c.clone();
        d.items.clear();
        let mut e = todo(50);
        e.title = "Fifty".into();
        let mut f = e.clone();
        f.items[25].title = "changed".into();
        let g = todo(0);
        check("todo.html", &[a, b, c, d, e, f, g.clone(), g]);
    }
}

mod hello {
    use super::*;
    use livetemplate::{GoValue, LiveTemplate};

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Item {
        #[go(name = "ID")]
        pub id: i64,
        pub name: String,
        pub done: bool,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(path = "hello.html")]
    pub struct Hello {
        pub title: String,
        pub link: String,
        pub items: Vec<Item>,
    }

    #[test]
    fn hello_agrees() {
        let a = Hello {
            title: "Todo <today>".into(),
            link: "/list?x=1&y=2".into(),
            items: vec![
                Item {
                    id: 1,
                    name: "Write the parser".into(),
                    done: true,
                },
                Item {
                    id: 2,
                    name: "Escape \"everything\"".into(),
                    done: false,
                },
            ],
        };
        let mut b = a.clone();
        b.items.push(Item {
            id: 3,
            name: "javascript:alert(1)".into(),
            done: false,
        });
        let mut c = b.clone();
        c.items.clear();
        c.link = "javascript:alert(1)".into();
        check("hello.html", &[a, b, c]);
    }
}

mod table {
    use super::*;
    use livetemplate::LiveTemplate;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(path = "table.html")]
    pub struct Table {
        pub rows: Vec<Vec<i64>>,
    }

    #[test]
    fn table_agrees() {
        let a = Table {
            rows: (0..10)
                .map(|r| (0..10).map(|c| r * 10 + c - 50).collect())
                .collect(),
        };
        let mut b = a.clone();
        b.rows[3][4] = 1_000_000;
        let c = Table { rows: vec![] };
        check("table.html", &[a, b, c]);
    }
}

mod teams {
    use super::*;
    use livetemplate::{GoValue, LiveTemplate};

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Team {
        pub name: String,
        pub score: u8,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(path = "teams.html")]
    pub struct Teams {
        pub year: u16,
        pub teams: Vec<Team>,
    }

    #[test]
    fn teams_agrees() {
        let a = Teams {
            year: 2015,
            teams: vec![
                Team {
                    name: "Jiangsu".into(),
                    score: 43,
                },
                Team {
                    name: "Beijing".into(),
                    score: 27,
                },
                Team {
                    name: "Guangzhou".into(),
                    score: 22,
                },
                Team {
                    name: "Shandong".into(),
                    score: 12,
                },
            ],
        };
        let mut b = a.clone();
        b.teams.swap(0, 1);
        b.year = 2016;
        check("teams.html", &[a, b]);
    }
}

mod inline {
    use super::*;
    use livetemplate::{GoValue, live_template};

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct User {
        pub name: String,
        pub age: i32,
    }

    live_template! {
        #[template(source = r#"{{with .User}}<b>{{.Name}}</b> ({{.Age}}){{else}}anonymous{{end}}
{{range $k, $v := .Scores}}<i>{{$k}}={{$v}}</i>{{end}}
{{$n := len .Scores}}{{if gt $n 1}}many{{else}}few{{end}} {{printf "%05.1f|%q" .Ratio .Label}}
<a href="/u/{{.Label}}?q={{.Label}}" onclick="f({{.Ratio}})" style="color: {{.Label}}">{{.Html}}</a>
{{- /* a comment */ -}}
{{range .Tags}}{{.}},{{end}}{{$.Label | html}}"#)]
        #[derive(Clone, PartialEq, Debug)]
        pub struct Page {
            pub user: Option<User>,
            pub scores: BTreeMap<String, i64>,
            pub ratio: f64,
            pub label: String,
            pub html: livetemplate::typed::Html,
            pub tags: Vec<String>,
        }
    }

    fn source() -> &'static str {
        r#"{{with .User}}<b>{{.Name}}</b> ({{.Age}}){{else}}anonymous{{end}}
{{range $k, $v := .Scores}}<i>{{$k}}={{$v}}</i>{{end}}
{{$n := len .Scores}}{{if gt $n 1}}many{{else}}few{{end}} {{printf "%05.1f|%q" .Ratio .Label}}
<a href="/u/{{.Label}}?q={{.Label}}" onclick="f({{.Ratio}})" style="color: {{.Label}}">{{.Html}}</a>
{{- /* a comment */ -}}
{{range .Tags}}{{.}},{{end}}{{$.Label | html}}"#
    }

    #[test]
    fn inline_agrees() {
        let mut t = Template::new("Page", Mode::Html);
        t.parse(source()).unwrap();
        let p = Program::new(t.compile("Page").unwrap()).unwrap();
        let a = Page {
            user: Some(User {
                name: "Ann <x>".into(),
                age: 0,
            }),
            scores: [("b".to_string(), 2), ("a".to_string(), 1)]
                .into_iter()
                .collect(),
            ratio: 2.5,
            label: "red & \"blue\" 'x'".into(),
            html: livetemplate::typed::Html::new("<i>trusted</i>"),
            tags: vec!["x".into(), "<y>".into()],
        };
        let mut b = a.clone();
        b.user = None;
        b.scores.clear();
        b.ratio = -0.25;
        b.label = "javascript:x()".into();
        for v in [&a, &b] {
            let data = v.to_value();
            assert_eq!(v.render().unwrap(), p.render_html(&data).unwrap());
            assert_eq!(v.render_tree().unwrap(), p.render(&data).unwrap());
        }
        let mut tree = a.render_tree().unwrap();
        let d = b.diff_from(&a, &mut tree).unwrap();
        let (expected, held) = held_diff(
            &p.render(&a.to_value()).unwrap(),
            p.render(&b.to_value()).unwrap(),
        );
        assert_eq!(d, expected);
        assert_eq!(tree, held);
    }
}

/// Per-item change tracking in `diff_from`: random edits of keyed and
/// unkeyed lists (changes, duplicates, moves, inserts, removals, changes
/// of root fields the items read) give the dynamic path's diffs exactly.
mod tracking {
    use super::*;
    use livetemplate::{GoValue, LiveTemplate};

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Row {
        pub k: u8,
        pub v: String,
        pub w: i32,
    }

    const KEYED: &str = r#"<ul>{{range $i, $r := .Rows}}<li data-key="{{.K}}" class="{{$.Class}}">{{.V}}<b>{{.W}}</b>{{if .W}}+{{end}}</li>{{end}}</ul>{{len .Rows}}"#;
    const UNKEYED: &str = r#"{{range .Rows}}<p>{{.V}}|{{.W}}|{{$.Class}}</p>{{else}}none{{end}}"#;
    const OUTER_VAR: &str = r#"{{$c := .Class}}{{range .Rows}}<p>{{.V}} {{$c}}</p>{{end}}"#;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"<ul>{{range $i, $r := .Rows}}<li data-key="{{.K}}" class="{{$.Class}}">{{.V}}<b>{{.W}}</b>{{if .W}}+{{end}}</li>{{end}}</ul>{{len .Rows}}"#
    )]
    pub struct Keyed {
        pub rows: Vec<Row>,
        pub class: String,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(source = r#"{{range .Rows}}<p>{{.V}}|{{.W}}|{{$.Class}}</p>{{else}}none{{end}}"#)]
    pub struct Unkeyed {
        pub rows: Vec<Row>,
        pub class: String,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(source = r#"{{$c := .Class}}{{range .Rows}}<p>{{.V}} {{$c}}</p>{{end}}"#)]
    pub struct OuterVar {
        pub rows: Vec<Row>,
        pub class: String,
    }

    fn inline_program(src: &str) -> Program {
        let mut t = Template::new("T", Mode::Html);
        t.parse(src).unwrap();
        Program::new(t.compile("T").unwrap()).unwrap()
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn row(rng: &mut Rng) -> Row {
        Row {
            // Few keys and values, so duplicates and equal contents occur.
            k: rng.next(6) as u8,
            v: ["a", "b", "c", "<d>"][rng.next(4) as usize].to_string(),
            w: rng.next(3) as i32,
        }
    }

    fn edit(rows: &mut Vec<Row>, class: &mut String, rng: &mut Rng) {
        for _ in 0..=rng.next(3) {
            match rng.next(8) {
                0 if !rows.is_empty() => {
                    let i = rng.next(rows.len() as u64) as usize;
                    rows[i] = row(rng);
                }
                1 => {
                    let i = rng.next(rows.len() as u64 + 1) as usize;
                    rows.insert(i, row(rng));
                }
                2 if !rows.is_empty() => {
                    let i = rng.next(rows.len() as u64) as usize;
                    rows.remove(i);
                }
                3 if rows.len() > 1 => {
                    let i = rng.next(rows.len() as u64) as usize;
                    let j = rng.next(rows.len() as u64) as usize;
                    rows.swap(i, j);
                }
                4 if !rows.is_empty() => {
                    let i = rng.next(rows.len() as u64) as usize;
                    rows[i].w += 1;
                }
                5 => *class = ["x", "y"][rng.next(2) as usize].to_string(),
                6 if rows.len() > 1 => {
                    // An item takes another one's key (duplicate keys).
                    let i = rng.next(rows.len() as u64) as usize;
                    let j = rng.next(rows.len() as u64) as usize;
                    rows[i].k = rows[j].k;
                    rows[i].v = "dup".into();
                }
                _ => {}
            }
        }
    }

    fn run<T: LiveTemplate + GoValue + Clone + PartialEq>(
        src: &str,
        make: impl Fn(Vec<Row>, String) -> T,
        seed: u64,
    ) {
        let p = inline_program(src);
        let mut rng = Rng(seed);
        let mut rows: Vec<Row> = (0..rng.next(8)).map(|_| row(&mut rng)).collect();
        let mut class = "x".to_string();
        let mut old = make(rows.clone(), class.clone());
        let mut tree = old.render_tree().unwrap();
        // The dynamic path as the runtime drives it: render_update from the
        // held tree, then diff_into it.
        let mut held = p.render(&old.to_value()).unwrap();
        for step in 0..300 {
            edit(&mut rows, &mut class, &mut rng);
            let new = make(rows.clone(), class.clone());
            let data = new.to_value();
            let dnew = p.render(&data).unwrap();
            let updated = p.render_update(&held, &data).unwrap();
            assert_eq!(updated, dnew, "seed {seed} step {step}: render_update");
            let got = new.diff_from(&old, &mut tree).unwrap();
            assert_eq!(
                got,
                wire::diff_into(&mut held, updated),
                "seed {seed} step {step}: diff"
            );
            assert_eq!(tree, held, "seed {seed} step {step}: tree");
            assert_eq!(
                tree.to_html(),
                dnew.to_html(),
                "seed {seed} step {step}: html"
            );
            old = new;
        }
    }

    #[test]
    fn keyed_items_track() {
        for seed in 1..=20 {
            run(KEYED, |rows, class| Keyed { rows, class }, seed);
        }
    }

    #[test]
    fn unkeyed_items_track() {
        for seed in 1..=20 {
            run(UNKEYED, |rows, class| Unkeyed { rows, class }, seed);
        }
    }

    #[test]
    fn items_reading_outer_variables_are_evaluated_again() {
        for seed in 1..=10 {
            run(OUTER_VAR, |rows, class| OuterVar { rows, class }, seed);
        }
    }

    #[test]
    fn one_changed_item_sends_only_that_item() {
        let rows: Vec<Row> = (0..20)
            .map(|i| Row {
                k: i,
                v: format!("v{i}"),
                w: 1,
            })
            .collect();
        let old = Keyed {
            rows: rows.clone(),
            class: "x".into(),
        };
        let mut new = old.clone();
        new.rows[7].v = "changed".into();
        let mut tree = old.render_tree().unwrap();
        let d = new.diff_from(&old, &mut tree).unwrap();
        assert_eq!(d, r#"{"0":{"k":{"7":{"2":"changed"},"kc":20}}}"#);
        assert_eq!(tree, new.render_tree().unwrap());
    }
}

/// Comparisons evaluated by the generated code (integers of both signs,
/// strings) agree with the interpreter, errors included.
mod compare {
    use super::*;
    use livetemplate::LiveTemplate;

    const SRC: &str = r#"{{if eq .N 1}}a{{end}}{{if lt .U .N}}b{{end}}{{if eq .S "x"}}c{{end}}{{if ge .N -2}}d{{end}}{{if ne .S .T}}e{{end}}{{if gt .S .T}}f{{end}}{{if le .U 3}}g{{end}}{{if eq .N .U}}h{{end}}"#;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{if eq .N 1}}a{{end}}{{if lt .U .N}}b{{end}}{{if eq .S "x"}}c{{end}}{{if ge .N -2}}d{{end}}{{if ne .S .T}}e{{end}}{{if gt .S .T}}f{{end}}{{if le .U 3}}g{{end}}{{if eq .N .U}}h{{end}}"#
    )]
    pub struct Cmp {
        pub n: i32,
        pub u: u64,
        pub s: String,
        pub t: String,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(source = r#"{{if eq .N 1.0}}float{{end}}{{if eq .S 1}}mixed{{end}}"#)]
    pub struct Bad {
        pub n: i32,
        pub s: String,
    }

    fn program(name: &str, src: &str) -> Program {
        let mut t = Template::new(name, Mode::Html);
        t.parse(src).unwrap();
        Program::new(t.compile(name).unwrap()).unwrap()
    }

    #[test]
    fn typed_comparisons_agree() {
        let p = program("Cmp", SRC);
        for n in [-3, -1, 0, 1, 2, 7] {
            for u in [0u64, 1, 3, 7, u64::MAX] {
                for (s, t) in [("x", "y"), ("y", "x"), ("x", "x"), ("", "a")] {
                    let v = Cmp {
                        n,
                        u,
                        s: s.into(),
                        t: t.into(),
                    };
                    assert_eq!(
                        v.render().unwrap(),
                        p.render_html(&v.to_value()).unwrap(),
                        "{v:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn incompatible_comparisons_fail_like_go() {
        let src = r#"{{if eq .N 1.0}}float{{end}}{{if eq .S 1}}mixed{{end}}"#;
        let p = program("Bad", src);
        let v = Bad {
            n: 1,
            s: "1".into(),
        };
        let typed = v.render().unwrap_err();
        let dynamic = p.render_html(&v.to_value()).unwrap_err();
        assert_eq!(typed.message, dynamic.message);
        assert!(typed.message.contains("incompatible types for comparison"));
    }
}

/// The benchmark page (every context: attributes, URLs, CSS, JS, nested
/// templates, `with`/`else`, keyed ranges, `printf`): its data read from
/// `templates/bench_page.json` into typed structs renders exactly Go's
/// output (`bench_page.expected.html`), and typed and dynamic paths agree
/// on renders, trees and diffs of edited copies.
mod bench_page {
    use super::*;
    use livetemplate::core::value::Value;
    use livetemplate::{GoValue, LiveTemplate};
    use serde::Deserialize;

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct NavLink {
        pub href: String,
        pub title: String,
        pub active: bool,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Site {
        pub name: String,
        #[serde(rename = "BaseURL")]
        #[go(name = "BaseURL")]
        pub base_url: String,
        pub nav: Vec<NavLink>,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct User {
        #[serde(rename = "ID")]
        #[go(name = "ID")]
        pub id: i64,
        pub name: String,
        pub email: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Theme {
        pub accent: String,
        pub background: String,
        pub sidebar_width: i64,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Status {
        pub value: String,
        pub label: String,
        pub checked: bool,
        pub count: i64,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Filter {
        pub from: String,
        pub to: String,
        pub min: String,
        pub max: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct SavedView {
        #[serde(rename = "ID")]
        #[go(name = "ID")]
        pub id: i64,
        pub name: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Flash {
        pub kind: String,
        pub message: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Stat {
        pub kind: String,
        pub label: String,
        pub value: String,
        pub delta: f64,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Order {
        #[serde(rename = "ID")]
        #[go(name = "ID")]
        pub id: i64,
        pub number: String,
        pub customer: String,
        pub email: String,
        pub items: i64,
        pub total: f64,
        pub status: String,
        #[serde(rename = "PlacedISO")]
        #[go(name = "PlacedISO")]
        pub placed_iso: String,
        pub placed: String,
        pub overdue: bool,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Event {
        pub kind: String,
        pub who: String,
        pub what: String,
        pub link: String,
        pub target: String,
        pub when: String,
        pub note: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Product {
        #[serde(rename = "SKU")]
        #[go(name = "SKU")]
        pub sku: String,
        pub name: String,
        pub image: String,
        pub price: f64,
        pub stock: i64,
        pub tags: Vec<String>,
    }

    /// Free-form JSON (a Go `map[string]any`), printed through `Value`.
    #[derive(Clone, PartialEq, Debug, Deserialize)]
    pub struct Json(serde_json::Value);

    impl livetemplate::typed::GoValue for Json {
        type Deref = Self;
        fn go_deref(&self) -> Option<&Self> {
            Some(self)
        }
        fn to_value(&self) -> Value {
            Value::from_serialize(&self.0).unwrap_or(Value::Nil)
        }
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug, Deserialize)]
    #[template(path = "bench_page.html")]
    #[serde(rename_all = "PascalCase")]
    pub struct BenchPage {
        pub lang: String,
        pub title: String,
        pub description: String,
        pub site: Site,
        pub query: String,
        pub path: String,
        pub build: String,
        pub user: Option<User>,
        pub theme: Theme,
        pub body_class: String,
        pub statuses: Vec<Status>,
        pub filter: Filter,
        pub saved_views: Vec<SavedView>,
        pub active_view: i64,
        pub total_orders: i64,
        pub updated_at: String,
        pub flash: Option<Flash>,
        pub stats: Vec<Stat>,
        pub orders: Vec<Order>,
        pub currency: String,
        pub page: i64,
        pub pages: i64,
        pub prev_page: i64,
        pub next_page: i64,
        pub activity: Vec<Event>,
        pub products: Vec<Product>,
        pub year: i64,
        #[serde(rename = "CSRF")]
        #[go(name = "CSRF")]
        pub csrf: String,
        pub bootstrap: Json,
    }

    fn load() -> BenchPage {
        let dir = env!("CARGO_MANIFEST_DIR");
        let json = std::fs::read_to_string(format!("{dir}/templates/bench_page.json")).unwrap();
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn renders_like_go() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let expected =
            std::fs::read_to_string(format!("{dir}/templates/bench_page.expected.html")).unwrap();
        assert_eq!(load().render().unwrap(), expected);
    }

    #[test]
    fn bench_page_agrees() {
        let a = load();
        let mut b = a.clone();
        b.orders[3].status = "refunded".into();
        b.orders[3].total = 12.5;
        let mut c = b.clone();
        c.user = None;
        c.flash = None;
        c.orders.remove(0);
        c.products[1].stock = 0;
        let mut d = c.clone();
        d.saved_views.clear();
        d.page = 1;
        d.active_view = 3;
        d.stats[0].delta = -3.25;
        check("bench_page.html", &[a.clone(), b, c, d, a]);
    }
}

/// Variables assigned with `{{$x = ...}}` (in loops, branches, from
/// fields and function calls) agree with the interpreter; change tracking
/// is off for such templates, diffs still agree.
mod assign {
    use super::*;
    use livetemplate::LiveTemplate;

    const SRC: &str = r#"{{$last := "none"}}{{$n := 0}}{{range $i, $x := .Items}}{{$last = $x}}{{$n = $i}}{{if eq $x "stop"}}{{$last = "stopped"}}{{end}}<i>{{$last}}</i>{{end}}
last={{$last}} n={{$n}} {{$t := .Title}}{{if .Flag}}{{$t = printf "%s!" .Title}}{{end}}{{$t}} {{with .Title}}{{$t = .}}{{end}}{{$t}}"#;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{$last := "none"}}{{$n := 0}}{{range $i, $x := .Items}}{{$last = $x}}{{$n = $i}}{{if eq $x "stop"}}{{$last = "stopped"}}{{end}}<i>{{$last}}</i>{{end}}
last={{$last}} n={{$n}} {{$t := .Title}}{{if .Flag}}{{$t = printf "%s!" .Title}}{{end}}{{$t}} {{with .Title}}{{$t = .}}{{end}}{{$t}}"#
    )]
    pub struct Assign {
        pub items: Vec<String>,
        pub title: String,
        pub flag: bool,
    }

    #[test]
    fn assignments_agree() {
        let mut t = Template::new("Assign", Mode::Html);
        t.parse(SRC).unwrap();
        let p = Program::new(t.compile("Assign").unwrap()).unwrap();
        let a = Assign {
            items: vec!["a".into(), "stop".into(), "<c>".into()],
            title: "T".into(),
            flag: true,
        };
        let mut b = a.clone();
        b.items.truncate(1);
        b.flag = false;
        let mut c = b.clone();
        c.items.clear();
        c.title = String::new();
        let values = [a.clone(), b, c, a];
        for v in &values {
            let data = v.to_value();
            assert_eq!(v.render().unwrap(), p.render_html(&data).unwrap());
            assert_eq!(v.render_tree().unwrap(), p.render(&data).unwrap());
        }
        for w in values.windows(2) {
            let mut tree = w[0].render_tree().unwrap();
            let (expected, held) = held_diff(
                &p.render(&w[0].to_value()).unwrap(),
                p.render(&w[1].to_value()).unwrap(),
            );
            assert_eq!(w[1].diff_from(&w[0], &mut tree).unwrap(), expected);
            assert_eq!(tree, held);
        }
    }
}

/// `range` bodies with `break`/`continue` (evaluated by the interpreter,
/// item by item, with the dot, `$` and the variables in scope): renders,
/// trees and diffs agree with the dynamic path.
mod break_continue {
    use super::*;
    use livetemplate::LiveTemplate;

    const SRC: &str = r#"{{$max := .Max}}<ul>{{range $i, $x := .Items}}{{if eq $x "skip"}}{{continue}}{{end}}{{if ge $i $max}}{{break}}{{end}}<li title="{{$x}}">{{$x}} {{$.Title}}</li>{{else}}<li>none</li>{{end}}</ul>{{range .Items}}{{.}}{{break}}{{end}}"#;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{$max := .Max}}<ul>{{range $i, $x := .Items}}{{if eq $x "skip"}}{{continue}}{{end}}{{if ge $i $max}}{{break}}{{end}}<li title="{{$x}}">{{$x}} {{$.Title}}</li>{{else}}<li>none</li>{{end}}</ul>{{range .Items}}{{.}}{{break}}{{end}}"#
    )]
    pub struct Loop {
        pub items: Vec<String>,
        pub max: i64,
        pub title: String,
    }

    #[test]
    fn break_and_continue_agree() {
        let mut t = Template::new("Loop", Mode::Html);
        t.parse(SRC).unwrap();
        let p = Program::new(t.compile("Loop").unwrap()).unwrap();
        let a = Loop {
            items: vec!["a".into(), "skip".into(), "<b>".into(), "c".into()],
            max: 3,
            title: "T&".into(),
        };
        let mut b = a.clone();
        b.max = 1;
        let mut c = b.clone();
        c.items.clear();
        let mut d = a.clone();
        d.title = "U".into();
        let values = [a.clone(), b, c, d, a];
        for v in &values {
            let data = v.to_value();
            assert_eq!(v.render().unwrap(), p.render_html(&data).unwrap());
            assert_eq!(v.render_tree().unwrap(), p.render(&data).unwrap());
        }
        for w in values.windows(2) {
            let mut tree = w[0].render_tree().unwrap();
            let (expected, held) = held_diff(
                &p.render(&w[0].to_value()).unwrap(),
                p.render(&w[1].to_value()).unwrap(),
            );
            assert_eq!(w[1].diff_from(&w[0], &mut tree).unwrap(), expected);
            assert_eq!(tree, held);
        }
    }

    /// Nested ranges (their own `break`/`continue`, `else`), `with`,
    /// variables declared and assigned in the body, a pipeline only the
    /// interpreter evaluates (`slice`), an error inside the body, and a
    /// `{{template}}` call (that body is still interpreted).
    const SRC2: &str = r#"{{define "t"}}<t>{{.}}</t>{{end}}{{$n := 0}}{{range $i, $r := .Rows}}{{$seen := 0}}<r>{{range $r.Cells}}{{if eq . 0}}{{continue}}{{end}}{{if gt . 5}}{{break}}{{end}}{{$seen = .}}<c>{{.}}</c>{{else}}{{if $.Stop}}{{break}}{{end}}empty{{end}}{{with $r.Name}}<b title="{{.}}">{{slice . 0 1}}</b>{{else}}{{continue}}{{end}}{{$n = $i}}{{if and (gt $seen 0) (not $.Stop)}}s={{$seen}}{{end}}</r>{{if ge (len $r.Cells) $.Max}}{{index $r.Cells $.Max}}{{break}}{{end}}{{end}} n={{$n}}{{range .Rows}}{{template "t" .Name}}{{if .Name}}{{break}}{{end}}{{end}}"#;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{define "t"}}<t>{{.}}</t>{{end}}{{$n := 0}}{{range $i, $r := .Rows}}{{$seen := 0}}<r>{{range $r.Cells}}{{if eq . 0}}{{continue}}{{end}}{{if gt . 5}}{{break}}{{end}}{{$seen = .}}<c>{{.}}</c>{{else}}{{if $.Stop}}{{break}}{{end}}empty{{end}}{{with $r.Name}}<b title="{{.}}">{{slice . 0 1}}</b>{{else}}{{continue}}{{end}}{{$n = $i}}{{if and (gt $seen 0) (not $.Stop)}}s={{$seen}}{{end}}</r>{{if ge (len $r.Cells) $.Max}}{{index $r.Cells $.Max}}{{break}}{{end}}{{end}} n={{$n}}{{range .Rows}}{{template "t" .Name}}{{if .Name}}{{break}}{{end}}{{end}}"#
    )]
    pub struct Nested {
        pub rows: Vec<Row>,
        pub stop: bool,
        pub max: i64,
    }

    #[derive(livetemplate::GoValue, Clone, PartialEq, Debug)]
    pub struct Row {
        pub name: String,
        pub cells: Vec<i64>,
    }

    fn row(name: &str, cells: &[i64]) -> Row {
        Row {
            name: name.into(),
            cells: cells.to_vec(),
        }
    }

    #[test]
    fn nested_break_and_continue_agree() {
        let mut t = Template::new("Nested", Mode::Html);
        t.parse(SRC2).unwrap();
        let p = Program::new(t.compile("Nested").unwrap()).unwrap();
        let a = Nested {
            rows: vec![
                row("ab<", &[1, 0, 3, 9, 4]),
                row("", &[2]),
                row("cd", &[]),
                row("ef", &[5, 5, 5, 5]),
                row("gh", &[1]),
            ],
            stop: false,
            max: 4,
        };
        let mut b = a.clone();
        b.stop = true;
        let mut c = b.clone();
        c.max = 9;
        c.rows.remove(0);
        let mut d = c.clone();
        d.rows.clear();
        let values = [a.clone(), b, c, d, a];
        for v in &values {
            let data = v.to_value();
            assert_eq!(v.render().unwrap(), p.render_html(&data).unwrap(), "{v:?}");
            assert_eq!(v.render_tree().unwrap(), p.render(&data).unwrap());
        }
        for w in values.windows(2) {
            let mut tree = w[0].render_tree().unwrap();
            let expected = wire::diff(
                &p.render(&w[0].to_value()).unwrap(),
                &p.render(&w[1].to_value()).unwrap(),
            );
            assert_eq!(w[1].diff_from(&w[0], &mut tree).unwrap(), expected);
            assert_eq!(tree, p.render(&w[1].to_value()).unwrap());
        }
        // An error inside the walked body: `index` out of range, Go's text.
        let mut e = values[2].clone();
        e.max = 1;
        e.rows = vec![row("x", &[1])];
        let typed = e.render().unwrap_err();
        let dynamic = p.render_html(&e.to_value()).unwrap_err();
        assert_eq!(typed.message, dynamic.message);
        assert!(
            typed.message.contains("index out of range"),
            "{}",
            typed.message
        );
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{range .A}}<{{range .B}}{{else}}{{continue}}x{{end}}y>{{end}}|{{range .A}}<{{range .B}}{{else}}{{break}}x{{end}}y>{{end}}"#
    )]
    pub struct InElse {
        pub a: Vec<Inner>,
    }

    #[derive(livetemplate::GoValue, Clone, PartialEq, Debug)]
    pub struct Inner {
        pub b: Vec<i64>,
    }

    /// `continue` in the `else` of a nested range continues the outer
    /// range; `break` there only ends the nested range (Go recovers it
    /// there): Go's output from the oracle, on both paths.
    #[test]
    fn break_and_continue_in_a_nested_else_follow_go() {
        let src = r#"{{range .A}}<{{range .B}}{{else}}{{continue}}x{{end}}y>{{end}}|{{range .A}}<{{range .B}}{{else}}{{break}}x{{end}}y>{{end}}"#;
        let mut t = Template::new("InElse", Mode::Html);
        t.parse(src).unwrap();
        let p = Program::new(t.compile("InElse").unwrap()).unwrap();
        let v = InElse {
            a: vec![Inner { b: vec![] }, Inner { b: vec![] }],
        };
        let go = "&lt;&lt;|&lt;y>&lt;y>";
        assert_eq!(v.render().unwrap(), go);
        assert_eq!(p.render_html(&v.to_value()).unwrap(), go);
        assert_eq!(v.render_tree().unwrap(), p.render(&v.to_value()).unwrap());
    }
}

/// Fields of nested values (range items, `.A.B`, `with`, variables, the
/// fields a function call reads) go through `typed::field::HasField`:
/// renamed fields (`#[go(name = "...")]`) are found under their Go names,
/// through `Option<Box<_>>` and `Arc`, and agree with the interpreter.
mod nested_fields {
    use super::*;
    use livetemplate::{GoValue, LiveTemplate};
    use std::sync::Arc;

    const SRC: &str = r#"{{range .Items}}<a href="{{.URL}}">{{.UserID}} {{.Title}}</a>{{printf "%d:%s" .UserID .URL}}{{if eq .UserID 3}}three{{end}}{{end}}
{{.Owner.Name}} {{with .Owner}}{{.Address.City}}{{end}} {{.Shared.Address.City}} {{range $i, $it := .Items}}{{$i}}={{$it.UserID}}{{end}} {{printf "%s" .Owner.Address.City}} {{range .Pairs}}{{.First}}/{{.Last}};{{end}}"#;

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Item {
        #[go(name = "UserID")]
        pub uid: u64,
        #[go(name = "URL")]
        pub link: String,
        pub title: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Address {
        pub city: String,
    }

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Pair<T: GoValue> {
        pub first: T,
        #[go(name = "Last")]
        pub second: T,
    }

    #[derive(GoValue, Clone, PartialEq, Debug)]
    pub struct Owner {
        pub name: String,
        pub address: Option<Box<Address>>,
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{range .Items}}<a href="{{.URL}}">{{.UserID}} {{.Title}}</a>{{printf "%d:%s" .UserID .URL}}{{if eq .UserID 3}}three{{end}}{{end}}
{{.Owner.Name}} {{with .Owner}}{{.Address.City}}{{end}} {{.Shared.Address.City}} {{range $i, $it := .Items}}{{$i}}={{$it.UserID}}{{end}} {{printf "%s" .Owner.Address.City}} {{range .Pairs}}{{.First}}/{{.Last}};{{end}}"#
    )]
    pub struct Page {
        pub items: Vec<Item>,
        pub owner: Option<Box<Owner>>,
        pub shared: Arc<Owner>,
        pub pairs: Vec<Pair<i64>>,
    }

    fn owner(name: &str, city: &str) -> Owner {
        Owner {
            name: name.into(),
            address: Some(Box::new(Address { city: city.into() })),
        }
    }

    #[test]
    fn nested_fields_agree() {
        let mut t = Template::new("Page", Mode::Html);
        t.parse(SRC).unwrap();
        let p = Program::new(t.compile("Page").unwrap()).unwrap();
        let a = Page {
            items: vec![
                Item {
                    uid: 3,
                    link: "/a?x=<1>".into(),
                    title: "A & B".into(),
                },
                Item {
                    uid: 4,
                    link: "/b".into(),
                    title: "B".into(),
                },
            ],
            owner: Some(Box::new(owner("Ann", "Oslo"))),
            shared: Arc::new(owner("Bob", "Rome")),
            pairs: vec![
                Pair {
                    first: 1,
                    second: -2,
                },
                Pair {
                    first: 3,
                    second: 4,
                },
            ],
        };
        // Go 1.19's output for this data (html/template, via the oracle).
        assert_eq!(
            a.render().unwrap(),
            "<a href=\"/a?x=%3c1%3e\">3 A &amp; B</a>3:/a?x=&lt;1&gt;three<a href=\"/b\">4 B</a>4:/b\nAnn Oslo Rome 0=31=4 Oslo 1/-2;3/4;"
        );
        let mut b = a.clone();
        b.items[1].uid = 7;
        b.items[0].link = "/c".into();
        let mut c = b.clone();
        c.owner = Some(Box::new(owner("Cy", "Lima")));
        c.items.pop();
        c.pairs[1].second = 5;
        let values = [a.clone(), b, c, a];
        for v in &values {
            let data = v.to_value();
            assert_eq!(v.render().unwrap(), p.render_html(&data).unwrap());
            assert_eq!(v.render_tree().unwrap(), p.render(&data).unwrap());
        }
        for w in values.windows(2) {
            let mut tree = w[0].render_tree().unwrap();
            let (expected, held) = held_diff(
                &p.render(&w[0].to_value()).unwrap(),
                p.render(&w[1].to_value()).unwrap(),
            );
            assert_eq!(w[1].diff_from(&w[0], &mut tree).unwrap(), expected);
            assert_eq!(tree, held);
        }
    }

    #[test]
    fn nil_nested_pointer_fails_like_the_interpreter() {
        let mut t = Template::new("Page", Mode::Html);
        t.parse(SRC).unwrap();
        let p = Program::new(t.compile("Page").unwrap()).unwrap();
        let mut v = Page {
            items: Vec::new(),
            owner: Some(Box::new(owner("Ann", "Oslo"))),
            shared: Arc::new(owner("Bob", "Rome")),
            pairs: Vec::new(),
        };
        v.owner.as_mut().unwrap().address = None;
        let typed = v.render().unwrap_err();
        let dynamic = p.render_html(&v.to_value()).unwrap_err();
        assert!(typed.message.contains("nil pointer"), "{}", typed.message);
        assert!(
            dynamic.message.contains("nil pointer"),
            "{}",
            dynamic.message
        );
    }
}

/// Builtin calls the generated code evaluates itself (`not`, `and`, `or`,
/// comparisons, `len`, `index`, `printf`, `print`, `html`, `urlquery`, `js`),
/// in `if` conditions, printed, piped, bound to variables and as range
/// values: typed and dynamic renders, trees and diffs agree for many data
/// values, and Go's errors (index out of range, `len` of a number) come out
/// with the interpreter's text.
mod native_builtins {
    use super::*;
    use livetemplate::LiveTemplate;
    use livetemplate::typed::Html;

    const SRC: &str = r#"<p class="{{if and .On (not .Off)}}on{{end}}{{if or .Off .N}} n{{end}}">{{and .N .S}}|{{or .S .N}}|{{and .On .S .N}}|{{or .Off .Empty}}|{{not .S}}|{{not .L}}</p>
{{if and (ge .N 10) (not .Off)}}big{{else if or (eq (len .L) 0) .Off}}empty{{end}}
<i>{{len .L}} {{len .S}} {{len .M}} {{if eq (len .L) 2}}two{{end}} {{if gt (len .S) 3}}long{{end}}</i>
<b>{{index .L 0}}|{{index .M "a"}}|{{index .M "zz"}}|{{if ne (index .L 0) "main"}}legacy{{end}}|{{index .M .S}}</b>
{{printf "%s/%s" .S .Safe}} {{printf "%d" .N}} {{printf "%.1f%%" .F}} {{printf "%.2f" .N}} {{printf "%d" .S}} {{printf "%v|%v|%v" .N .S .On}} {{printf "%q" .S}} {{printf "%5d|%x" .N .N}} {{printf "%d %d" .N}} {{printf "%f" .F}}
{{print "Topics:" " " (len .L) " topic(s)"}} {{print .N .F .On}} {{.S | html}} {{html .S .N}} {{.S | printf "%q"}} {{len .L | printf "%d items"}}
<a href="/search?q={{urlquery .S "/" .N}}&amp;x={{.S | urlquery}}" onclick="f({{js .S}})">go</a>
{{$x := and .N .S}}{{$x}} {{$y := printf "%d-%s" .N .S}}{{$y}} {{with or .Empty .S}}[{{.}}]{{end}} {{with and .N .Empty}}no{{else}}yes{{end}}
{{range $i, $e := .L}}{{if and (gt $i 0) (ne $e "b")}},{{end}}{{$e}}{{if eq $i (len $.L)}}!{{end}}{{end}}
{{if lt .F 80.0}}low{{end}}{{if eq .N .U}}same{{end}}{{if eq .N 1 2 3}}small{{end}}{{if and true .On}}t{{end}}"#;

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"<p class="{{if and .On (not .Off)}}on{{end}}{{if or .Off .N}} n{{end}}">{{and .N .S}}|{{or .S .N}}|{{and .On .S .N}}|{{or .Off .Empty}}|{{not .S}}|{{not .L}}</p>
{{if and (ge .N 10) (not .Off)}}big{{else if or (eq (len .L) 0) .Off}}empty{{end}}
<i>{{len .L}} {{len .S}} {{len .M}} {{if eq (len .L) 2}}two{{end}} {{if gt (len .S) 3}}long{{end}}</i>
<b>{{index .L 0}}|{{index .M "a"}}|{{index .M "zz"}}|{{if ne (index .L 0) "main"}}legacy{{end}}|{{index .M .S}}</b>
{{printf "%s/%s" .S .Safe}} {{printf "%d" .N}} {{printf "%.1f%%" .F}} {{printf "%.2f" .N}} {{printf "%d" .S}} {{printf "%v|%v|%v" .N .S .On}} {{printf "%q" .S}} {{printf "%5d|%x" .N .N}} {{printf "%d %d" .N}} {{printf "%f" .F}}
{{print "Topics:" " " (len .L) " topic(s)"}} {{print .N .F .On}} {{.S | html}} {{html .S .N}} {{.S | printf "%q"}} {{len .L | printf "%d items"}}
<a href="/search?q={{urlquery .S "/" .N}}&amp;x={{.S | urlquery}}" onclick="f({{js .S}})">go</a>
{{$x := and .N .S}}{{$x}} {{$y := printf "%d-%s" .N .S}}{{$y}} {{with or .Empty .S}}[{{.}}]{{end}} {{with and .N .Empty}}no{{else}}yes{{end}}
{{range $i, $e := .L}}{{if and (gt $i 0) (ne $e "b")}},{{end}}{{$e}}{{if eq $i (len $.L)}}!{{end}}{{end}}
{{if lt .F 80.0}}low{{end}}{{if eq .N .U}}same{{end}}{{if eq .N 1 2 3}}small{{end}}{{if and true .On}}t{{end}}"#
    )]
    pub struct Native {
        pub on: bool,
        pub off: bool,
        pub n: i64,
        pub u: u32,
        pub f: f64,
        pub s: String,
        pub empty: String,
        pub safe: Html,
        pub l: Vec<String>,
        pub m: BTreeMap<String, i64>,
    }

    fn values() -> Vec<Native> {
        let a = Native {
            on: true,
            off: false,
            n: 12,
            u: 12,
            f: 79.25,
            s: "a<b>&\"c'".into(),
            empty: String::new(),
            safe: Html::new("<em>x</em>"),
            l: vec!["main".into(), "b".into(), "c d".into()],
            m: [("a".to_string(), 1), ("b".to_string(), 0)].into(),
        };
        let mut b = a.clone();
        b.on = false;
        b.n = 0;
        b.f = -0.0;
        b.s = "b".into();
        b.l = vec!["master".into(), "b".into()];
        let mut c = b.clone();
        c.off = true;
        c.n = 2;
        c.u = 7;
        c.f = 1234.5678;
        c.s = String::new();
        c.empty = "e/é?&=".into();
        c.m.clear();
        let mut d = a.clone();
        d.n = -3;
        d.f = f64::INFINITY;
        d.s = "zz".into();
        d.m.insert("zz".into(), 99);
        vec![a.clone(), b, c, d, a]
    }

    fn program(name: &str, src: &str) -> Program {
        let mut t = Template::new(name, Mode::Html);
        t.parse(src).unwrap();
        Program::new(t.compile(name).unwrap()).unwrap()
    }

    #[test]
    fn native_builtins_agree() {
        let p = program("Native", SRC);
        let values = values();
        for v in &values {
            let data = v.to_value();
            let html = v.render().unwrap();
            assert_eq!(html, p.render_html(&data).unwrap(), "{v:?}");
            assert_eq!(v.render_tree().unwrap(), p.render(&data).unwrap());
        }
        for w in values.windows(2) {
            let mut tree = w[0].render_tree().unwrap();
            let expected = wire::diff(
                &p.render(&w[0].to_value()).unwrap(),
                &p.render(&w[1].to_value()).unwrap(),
            );
            assert_eq!(w[1].diff_from(&w[0], &mut tree).unwrap(), expected);
            assert_eq!(tree, p.render(&w[1].to_value()).unwrap());
        }
    }

    /// Go's output for the first value (from the Go oracle, data
    /// `{"On":true,"Off":false,"N":12,"U":{"$uint":12},"F":79.25,
    /// "S":"a<b>&\"c'","Empty":"","Safe":{"$html":"<em>x</em>"},
    /// "L":["main","b","c d"],"M":{"a":1,"b":0}}`).
    const GO_OUTPUT: &str = r#"<p class="on n">a&lt;b&gt;&amp;&#34;c&#39;|a&lt;b&gt;&amp;&#34;c&#39;|12||false|false</p>
big
<i>3 8 2  long</i>
<b>main|1|0||0</b>
a&lt;b&gt;&amp;&#34;c&#39;/&lt;em&gt;x&lt;/em&gt; 12 79.2% %!f(int=12) %!d(string=a&lt;b&gt;&amp;&#34;c&#39;) 12|a&lt;b&gt;&amp;&#34;c&#39;|true &#34;a&lt;b&gt;&amp;\&#34;c&#39;&#34;    12|c 12 %!d(MISSING) 79.250000
Topics: 3 topic(s) 12 79.25 true a&lt;b&gt;&amp;&#34;c&#39; a&lt;b&gt;&amp;&#34;c&#39;12 &#34;a&lt;b&gt;&amp;\&#34;c&#39;&#34; 3 items
<a href="/search?q=a%3Cb%3E%26%22c%27%2F12&amp;x=a%3Cb%3E%26%22c%27" onclick="f(&#34;a\\u003Cb\\u003E\\u0026\\\&#34;c\\&#39;&#34;)">go</a>
a&lt;b&gt;&amp;&#34;c&#39; 12-a&lt;b&gt;&amp;&#34;c&#39; [a&lt;b&gt;&amp;&#34;c&#39;] yes
mainb,c d
lowsamet"#;

    #[test]
    fn native_builtins_print_like_go() {
        assert_eq!(values()[0].render().unwrap(), GO_OUTPUT);
    }

    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(
        source = r#"{{if eq .Which 0}}{{index .L 5}}{{else if eq .Which 1}}{{len .N}}{{else if eq .Which 2}}{{index .M 1}}{{else if eq .Which 3}}{{printf "%s" .P.V}}{{else if eq .Which 4}}{{if and .N .P.V}}x{{end}}{{else}}{{if and .N (index .L 7)}}x{{end}}{{end}}"#
    )]
    pub struct Errs {
        pub which: i64,
        pub n: i64,
        pub l: Vec<String>,
        pub m: BTreeMap<String, i64>,
        pub p: Option<Inner>,
    }

    #[derive(livetemplate::GoValue, Clone, PartialEq, Debug)]
    pub struct Inner {
        pub v: String,
    }

    #[test]
    fn native_builtins_fail_like_go() {
        let p = program(
            "Errs",
            r#"{{if eq .Which 0}}{{index .L 5}}{{else if eq .Which 1}}{{len .N}}{{else if eq .Which 2}}{{index .M 1}}{{else if eq .Which 3}}{{printf "%s" .P.V}}{{else if eq .Which 4}}{{if and .N .P.V}}x{{end}}{{else}}{{if and .N (index .L 7)}}x{{end}}{{end}}"#,
        );
        for which in 0..6 {
            let v = Errs {
                which,
                n: 1,
                l: vec!["a".into()],
                m: BTreeMap::new(),
                p: None,
            };
            let typed = v.render().unwrap_err();
            let dynamic = p.render_html(&v.to_value()).unwrap_err();
            assert_eq!(typed.message, dynamic.message);
            assert_eq!(typed.kind, dynamic.kind);
        }
        // Short-circuit: the failing `index` / nil `.P.V` is not evaluated.
        for which in [4, 5] {
            let v = Errs {
                which,
                n: 0,
                l: vec![],
                m: BTreeMap::new(),
                p: None,
            };
            assert_eq!(v.render().unwrap(), "");
        }
    }
}
