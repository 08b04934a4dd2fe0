//! Issue 5: first render and one-change diffs through the slot-tree program
//! and the LiveView wire format.
//!
//! * a todo page of 50 items where one item changes (target: diff < 10 µs),
//! * a 1000-row table where one cell changes (target: diff < 200 µs).
//!
//! "diff" is what a server did per update before issue 5: evaluate the new
//! data into a `Rendered` tree (`program.render`) and compare it with the
//! tree the client holds (`wire::diff`). "update" is what it does now:
//! `program.render_update(&held, &new)` (only the items whose inputs changed
//! are evaluated; the others share the held tree's dynamics) then
//! `wire::diff`. Data are Rust structs converted with
//! `Value::from_serialize`, as the runtime does (the conversion is timed on
//! its own).
//!
//! Run: `cargo bench -p livetemplate --bench core_diff`

mod core_util;

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::wire;
use livetemplate_core::{Mode, Template};
use serde::Serialize;

const TODO: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}} ({{.Left}} left)</title></head>
<body>
<main class="todo-app">
  <header>
    <h1>{{.Title}}</h1>
    <form phx-submit="add"><input name="text" value="{{.Draft}}" placeholder="What needs to be done?" autofocus></form>
  </header>
  {{if .Items}}<ul class="todo-list">
    {{range .Items}}<li data-key="{{.ID}}" class="todo{{if .Done}} done{{end}}">
      <input type="checkbox" phx-click="toggle" phx-value-id="{{.ID}}"{{if .Done}} checked{{end}}>
      <label>{{.Text}}</label>
      {{with .Due}}<time>{{.}}</time>{{end}}
      <button phx-click="delete" phx-value-id="{{.ID}}" aria-label="Delete {{.Text}}">&times;</button>
    </li>
    {{end}}
  </ul>{{else}}<p class="empty">Nothing to do.</p>{{end}}
  <footer><span class="count">{{.Left}} items left</span>
    <a href="?filter=all" class="{{if eq .Filter "all"}}selected{{end}}">All</a>
    <a href="?filter=active" class="{{if eq .Filter "active"}}selected{{end}}">Active</a>
    <a href="?filter=done" class="{{if eq .Filter "done"}}selected{{end}}">Completed</a>
  </footer>
</main>
</body>
</html>"#;

const TABLE: &str = r#"<table class="grid">
<thead><tr><th>ID</th><th>Name</th><th>Region</th><th>Units</th><th>Revenue</th></tr></thead>
<tbody>
{{range .Rows}}<tr data-key="{{.ID}}"><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.Region}}</td><td class="num">{{.Units}}</td><td class="num">{{.Revenue}}</td></tr>
{{end}}</tbody>
<tfoot><tr><td colspan="4">Total</td><td class="num">{{.Total}}</td></tr></tfoot>
</table>"#;

#[derive(Serialize, Clone)]
#[allow(non_snake_case)]
struct TodoItem {
    ID: u32,
    Text: String,
    Done: bool,
    Due: String,
}

#[derive(Serialize, Clone)]
#[allow(non_snake_case)]
struct TodoPage {
    Title: String,
    Draft: String,
    Items: Vec<TodoItem>,
    Left: usize,
    Filter: String,
}

fn todo_page(n: u32) -> TodoPage {
    let items: Vec<TodoItem> = (0..n)
        .map(|i| TodoItem {
            ID: 100 + i,
            Text: format!("Task number {i}: write the <report> & send it"),
            Done: i % 3 == 0,
            Due: if i % 4 == 0 {
                format!("2026-12-{:02}", 1 + i % 28)
            } else {
                String::new()
            },
        })
        .collect();
    TodoPage {
        Title: "My todos".into(),
        Draft: String::new(),
        Left: items.iter().filter(|i| !i.Done).count(),
        Items: items,
        Filter: "all".into(),
    }
}

#[derive(Serialize, Clone)]
#[allow(non_snake_case)]
struct Row {
    ID: u32,
    Name: String,
    Region: String,
    Units: i64,
    Revenue: f64,
}

#[derive(Serialize, Clone)]
#[allow(non_snake_case)]
struct Table {
    Rows: Vec<Row>,
    Total: f64,
}

fn table(n: u32) -> Table {
    const REGIONS: [&str; 4] = ["North", "South", "East", "West"];
    let rows: Vec<Row> = (0..n)
        .map(|i| Row {
            ID: i + 1,
            Name: format!("Product {i}"),
            Region: REGIONS[i as usize % 4].into(),
            Units: i64::from(i * 7 % 113),
            Revenue: f64::from(i * 7 % 113) * 19.5,
        })
        .collect();
    Table {
        Total: rows.iter().map(|r| r.Revenue).sum(),
        Rows: rows,
    }
}

fn program(source: &str) -> Program {
    let mut t = Template::new("main", Mode::Html);
    t.parse(source).unwrap();
    Program::new(t.compile("main").unwrap()).unwrap()
}

/// Benchmarks first render and the one-change update for `old` → `new`.
fn bench_case(c: &mut Criterion, name: &str, program: &Program, old: &Value, new: &Value) {
    let held = program.render(old).unwrap();
    let next = program.render(new).unwrap();
    // The update must be small and non-empty: one change.
    let patch = wire::diff(&held, &next);
    let updated = program.render_update(&held, new).unwrap();
    assert!(updated == next, "{name}: render_update differs from render");
    assert_eq!(wire::diff(&held, &updated), patch);
    assert_eq!(wire::diff_into(&mut held.clone(), updated), patch);
    assert!(patch.len() > 2 && patch.len() < 200, "{name}: {patch}");
    println!(
        "{name}: HTML {} bytes, first render {} bytes, diff {} bytes: {patch}",
        next.to_html().len(),
        wire::first_render(&held).len(),
        patch.len()
    );
    let mut g = c.benchmark_group(name);
    g.bench_function("first render (render + wire JSON)", |b| {
        b.iter(|| {
            let r = program.render(black_box(old)).unwrap();
            wire::first_render(&r)
        })
    });
    g.bench_function("render (Rendered tree)", |b| {
        b.iter(|| program.render(black_box(new)).unwrap())
    });
    g.bench_function("wire::diff only", |b| {
        b.iter(|| wire::diff(black_box(&held), black_box(&next)))
    });
    g.bench_function("diff (render new + wire::diff)", |b| {
        b.iter(|| {
            let r = program.render(black_box(new)).unwrap();
            wire::diff(&held, &r)
        })
    });
    g.bench_function("render_update (from the held tree)", |b| {
        b.iter(|| program.render_update(&held, black_box(new)).unwrap())
    });
    g.bench_function("update (render_update + wire::diff_into)", |b| {
        // The server's path: the held tree becomes the new one, so the data
        // alternate between the two states (each update is one change).
        let mut tree = held.clone();
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            let data = if flip { new } else { old };
            let r = program.render_update(&tree, black_box(data)).unwrap();
            wire::diff_into(&mut tree, r)
        })
    });
    g.finish();
}

/// The load-robust summary of one case.
fn summary_case(title: &str, target: &'static str, program: &Program, old: &Value, new: &Value) {
    let held = program.render(old).unwrap();
    let next = program.render(new).unwrap();
    let mut tree = held.clone();
    let mut flip = false;
    let mut ops = vec![
        core_util::Op {
            name: "first render (render + wire JSON)",
            target: "",
            f: Box::new(|| {
                let r = program.render(black_box(old)).unwrap();
                black_box(wire::first_render(&r));
            }),
        },
        core_util::Op {
            name: "render new data (Rendered tree)",
            target: "",
            f: Box::new(|| {
                black_box(program.render(black_box(new)).unwrap());
            }),
        },
        core_util::Op {
            name: "wire::diff only",
            target: "",
            f: Box::new(|| {
                black_box(wire::diff(black_box(&held), black_box(&next)));
            }),
        },
        core_util::Op {
            name: "diff = render new + wire::diff (before)",
            target: "",
            f: Box::new(|| {
                let r = program.render(black_box(new)).unwrap();
                black_box(wire::diff(&held, &r));
            }),
        },
        core_util::Op {
            name: "render_update (from the held tree)",
            target: "",
            f: Box::new(|| {
                black_box(program.render_update(&held, black_box(new)).unwrap());
            }),
        },
        core_util::Op {
            name: "**update = render_update + wire::diff_into**",
            target,
            f: Box::new(move || {
                // The server's path: the held tree becomes the new one, so
                // the data alternate between the two states.
                flip = !flip;
                let data = if flip { new } else { old };
                let r = program.render_update(&tree, black_box(data)).unwrap();
                black_box(wire::diff_into(&mut tree, r));
            }),
        },
    ];
    core_util::summary(title, &mut ops);
}

fn summaries() {
    let p = program(TODO);
    let old = todo_page(50);
    let mut new = old.clone();
    new.Items[25].Text = "Task number 25: renamed".into();
    let (o, n) = (
        Value::from_serialize(&old).unwrap(),
        Value::from_serialize(&new).unwrap(),
    );
    summary_case("todo, 50 items, one item changes", "< 10 µs", &p, &o, &n);
    let p = program(TABLE);
    let old = table(1000);
    let mut new = old.clone();
    new.Rows[500].Units += 1;
    let (o, n) = (
        Value::from_serialize(&old).unwrap(),
        Value::from_serialize(&new).unwrap(),
    );
    summary_case("table, 1000 rows, one cell changes", "< 200 µs", &p, &o, &n);
}

fn todo(c: &mut Criterion) {
    let program = program(TODO);
    let old = todo_page(50);
    let mut new = old.clone();
    new.Items[25].Text = "Task number 25: renamed".into();
    let old_v = Value::from_serialize(&old).unwrap();
    let new_v = Value::from_serialize(&new).unwrap();
    bench_case(c, "todo_50/one_item_changes", &program, &old_v, &new_v);
    c.bench_function("todo_50/Value::from_serialize", |b| {
        b.iter(|| Value::from_serialize(black_box(&new)).unwrap())
    });
}

fn table_1000(c: &mut Criterion) {
    let program = program(TABLE);
    let old = table(1000);
    let mut new = old.clone();
    new.Rows[500].Units += 1;
    let old_v = Value::from_serialize(&old).unwrap();
    let new_v = Value::from_serialize(&new).unwrap();
    bench_case(c, "table_1000/one_cell_changes", &program, &old_v, &new_v);
    c.bench_function("table_1000/Value::from_serialize", |b| {
        b.iter(|| Value::from_serialize(black_box(&new)).unwrap())
    });
}

fn main() {
    summaries();
    if core_util::summary_only() {
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    todo(&mut c);
    table_1000(&mut c);
    c.final_summary();
}
