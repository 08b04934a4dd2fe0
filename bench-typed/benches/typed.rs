//! Typed templates against askama and sailfish on the two standard shapes
//! of the Rust template benchmarks ("big-table": 100x100 integers; "teams"),
//! plus the change-tracked diff of a 50-item todo list with one item changed.
//! Run: `cd bench-typed && cargo bench --bench typed`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use livetemplate::typed::LiveTemplate as _;
use livetemplate::{GoValue, LiveTemplate};

const SIZE: usize = 100;

mod lt {
    use super::*;

    #[derive(LiveTemplate)]
    #[template(
        source = "<table>{{range .Table}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>"
    )]
    pub struct BigTable {
        pub table: Vec<Vec<usize>>,
    }

    #[derive(GoValue, Clone, PartialEq)]
    pub struct Team {
        pub name: String,
        pub score: u8,
    }

    #[derive(LiveTemplate)]
    #[template(
        source = r#"<html><head><title>{{.Year}}</title></head><body><h1>CSL {{.Year}}</h1><ul>{{range $i, $t := .Teams}}<li class="{{if eq $i 0}}champion{{end}}"><b>{{$t.Name}}</b>: {{$t.Score}}</li>{{end}}</ul></body></html>"#
    )]
    pub struct Teams {
        pub year: u16,
        pub teams: Vec<Team>,
    }

    #[derive(GoValue, Clone, PartialEq)]
    pub struct Item {
        #[go(name = "ID")]
        pub id: u32,
        pub title: String,
        pub done: bool,
        pub note: Option<String>,
    }

    #[derive(LiveTemplate, Clone, PartialEq)]
    #[template(path = "todo.html")]
    pub struct Todo {
        pub title: String,
        pub items: Vec<Item>,
        pub filter: String,
        pub owner: String,
    }
}

mod ask {
    use askama::Template;

    #[derive(Template)]
    #[template(
        source = "<table>{% for row in table %}<tr>{% for col in row %}<td>{{ col }}</td>{% endfor %}</tr>{% endfor %}</table>",
        ext = "html"
    )]
    pub struct BigTable {
        pub table: Vec<Vec<usize>>,
    }

    pub struct Team {
        pub name: String,
        pub score: u8,
    }

    #[derive(Template)]
    #[template(
        source = r#"<html><head><title>{{ year }}</title></head><body><h1>CSL {{ year }}</h1><ul>{% for team in teams %}<li class="{% if loop.first %}champion{% endif %}"><b>{{ team.name }}</b>: {{ team.score }}</li>{% endfor %}</ul></body></html>"#,
        ext = "html"
    )]
    pub struct Teams {
        pub year: u16,
        pub teams: Vec<Team>,
    }
}

mod sail {
    use sailfish::Template;

    #[derive(Template)]
    #[template(path = "sailfish/big-table.stpl")]
    pub struct BigTable {
        pub table: Vec<Vec<usize>>,
    }

    pub struct Team {
        pub name: String,
        pub score: u8,
    }

    #[derive(Template)]
    #[template(path = "sailfish/teams.stpl")]
    pub struct Teams {
        pub year: u16,
        pub teams: Vec<Team>,
    }
}

fn table() -> Vec<Vec<usize>> {
    (0..SIZE).map(|_| (0..SIZE).collect()).collect()
}

fn teams() -> Vec<(String, u8)> {
    vec![
        ("Jiangsu".into(), 43),
        ("Beijing".into(), 27),
        ("Guangzhou".into(), 22),
        ("Shandong".into(), 12),
    ]
}

fn big_table(c: &mut Criterion) {
    use askama::Template as _;
    use sailfish::Template as _;
    let mut g = c.benchmark_group("big-table");
    let lt_t = lt::BigTable { table: table() };
    let a = ask::BigTable { table: table() };
    let s = sail::BigTable { table: table() };
    let expected = lt_t.render().unwrap();
    assert_eq!(a.render().unwrap(), expected);
    assert_eq!(s.render().unwrap(), expected);
    g.bench_function("livetemplate", |b| {
        b.iter(|| black_box(&lt_t).render().unwrap())
    });
    g.bench_function("askama", |b| b.iter(|| black_box(&a).render().unwrap()));
    g.bench_function("sailfish", |b| b.iter(|| black_box(&s).render().unwrap()));
    g.finish();
}

fn teams_bench(c: &mut Criterion) {
    use askama::Template as _;
    use sailfish::Template as _;
    let mut g = c.benchmark_group("teams");
    let lt_t = lt::Teams {
        year: 2015,
        teams: teams()
            .into_iter()
            .map(|(name, score)| lt::Team { name, score })
            .collect(),
    };
    let a = ask::Teams {
        year: 2015,
        teams: teams()
            .into_iter()
            .map(|(name, score)| ask::Team { name, score })
            .collect(),
    };
    let s = sail::Teams {
        year: 2015,
        teams: teams()
            .into_iter()
            .map(|(name, score)| sail::Team { name, score })
            .collect(),
    };
    let expected = lt_t.render().unwrap();
    assert_eq!(a.render().unwrap(), expected);
    assert_eq!(s.render().unwrap(), expected);
    g.bench_function("livetemplate", |b| {
        b.iter(|| black_box(&lt_t).render().unwrap())
    });
    g.bench_function("askama", |b| b.iter(|| black_box(&a).render().unwrap()));
    g.bench_function("sailfish", |b| b.iter(|| black_box(&s).render().unwrap()));
    g.finish();
}

fn todo(n: usize) -> lt::Todo {
    lt::Todo {
        title: "Todo".into(),
        items: (0..n)
            .map(|i| lt::Item {
                id: i as u32,
                title: format!("item {i}"),
                done: i % 3 == 0,
                note: (i % 2 == 0).then(|| format!("note {i}")),
            })
            .collect(),
        filter: "all".into(),
        owner: "me".into(),
    }
}

fn diff_bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("todo-diff");
    let old = todo(50);
    let mut new = old.clone();
    new.items[25].title = "changed".into();
    let base = old.render_tree().unwrap();
    g.bench_function("diff_from (50 items, one changed)", |b| {
        b.iter_batched(
            || base.clone(),
            // The page keeps the new tree for the next diff: it is returned
            // so that criterion drops it outside the measurement.
            |mut tree| {
                let diff = new.diff_from(&old, &mut tree).unwrap();
                (tree, diff)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("render_tree (50 items)", |b| {
        b.iter(|| black_box(&new).render_tree().unwrap())
    });
    g.finish();

    // Through the runtime: a TypedPage update (diff_from on the page's
    // client state, plus the page bookkeeping and the data kept as a
    // Value), alternating between the two values.
    let mut g = c.benchmark_group("typed-page");
    let app = livetemplate::Application::new().unwrap();
    let page = app.new_typed_page(old.clone()).unwrap();
    page.render_tree().unwrap();
    let pair = [new.clone(), old.clone()];
    let mut i = 0;
    g.bench_function("render_fragments (50 items, one changed)", |b| {
        b.iter_batched(
            || {
                i += 1;
                pair[i % 2].clone()
            },
            |v| page.render_fragments(v).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, big_table, teams_bench, diff_bench);
criterion_main!(benches);
