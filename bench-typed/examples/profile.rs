//! Runs one typed-template workload in a loop, for profiling
//! (`valgrind --tool=callgrind target/release/examples/profile diff`).

use livetemplate::typed::LiveTemplate as _;
use livetemplate::{GoValue, LiveTemplate};

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

#[derive(LiveTemplate)]
#[template(source = "<table>{{range .Table}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>")]
pub struct BigTable {
    pub table: Vec<Vec<usize>>,
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    match what.as_str() {
        "table" => {
            let t = BigTable { table: (0..100).map(|_| (0..100).collect()).collect() };
            let mut total = 0;
            for _ in 0..n {
                total += t.render().unwrap().len();
            }
            println!("{total}");
        }
        _ => {
            let old = Todo {
                title: "Todo".into(),
                items: (0..50)
                    .map(|i| Item {
                        id: i as u32,
                        title: format!("item {i}"),
                        done: i % 3 == 0,
                        note: (i % 2 == 0).then(|| format!("note {i}")),
                    })
                    .collect(),
                filter: "all".into(),
                owner: "me".into(),
            };
            let mut new = old.clone();
            new.items[25].title = "changed".into();
            let base = old.render_tree().unwrap();
            let mut total = 0;
            for _ in 0..n {
                let mut tree = base.clone();
                total += new.diff_from(&old, &mut tree).unwrap().len();
            }
            println!("{total}");
        }
    }
}
