//! Typed pages: a `#[derive(LiveTemplate)]` struct as a page of the runtime.
//! The first render and every update, applied by the wire client model,
//! give exactly the struct's own `render()`; the page is a full page of its
//! application (tokens, metrics, memory, close).

use livetemplate::core::program::Program;
use livetemplate::core::wire::{self, ClientModel};
use livetemplate::core::{Mode, Template as CoreTemplate};
use livetemplate::typed::{GoValue as _, LiveTemplate as _};
use livetemplate::{Application, ErrorKind, GoValue, LiveTemplate, MemoryStore, Template};

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

fn todo(n: usize) -> Todo {
    Todo {
        title: "Todo <today>".into(),
        items: (0..n)
            .map(|i| Item {
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

/// Values a todo page goes through: one item changed, toggles, removals,
/// insertions, a filter change, emptied, refilled, unchanged.
fn history() -> Vec<Todo> {
    let a = todo(5);
    let mut b = a.clone();
    b.items[2].title = "changed <b>".into();
    let mut c = b.clone();
    c.items[0].done = !c.items[0].done;
    c.items.remove(3);
    let mut d = c.clone();
    d.items.insert(
        1,
        Item {
            id: 99,
            title: "new".into(),
            done: false,
            note: None,
        },
    );
    d.filter = "done".into();
    let mut e = d.clone();
    e.items.clear();
    let f = todo(50);
    let mut g = f.clone();
    g.items[25].title = "changed".into();
    vec![a, b, c, d, e, f, g.clone(), g]
}

fn dynamic() -> Program {
    let src = std::fs::read_to_string(format!(
        "{}/templates/todo.html",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut t = CoreTemplate::new("todo.html", Mode::Html);
    t.parse(&src).unwrap();
    Program::new(t.compile("todo.html").unwrap()).unwrap()
}

#[test]
fn first_render_and_updates_reach_the_client() {
    let app = Application::new().unwrap();
    let values = history();
    let page = app.new_typed_page(values[0].clone()).unwrap();
    assert_eq!(page.render().unwrap(), values[0].render().unwrap());
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    assert_eq!(client.html().unwrap(), values[0].render().unwrap());
    let program = dynamic();
    // The tree the dynamic engine holds for its client.
    let mut held = program.render(&values[0].to_value()).unwrap();
    for w in values.windows(2) {
        let new = &w[1];
        let fragments = page.render_fragments(new.clone()).unwrap();
        // The same diff as the dynamic engine, none when nothing changed.
        let expected = wire::diff_into(&mut held, program.render(&new.to_value()).unwrap());
        if expected == "{}" {
            assert!(fragments.is_empty());
        } else {
            assert_eq!(fragments.len(), 1);
            assert_eq!(fragments[0].wire_json(), expected);
            client.apply_str(fragments[0].wire_json()).unwrap();
        }
        assert_eq!(client.html().unwrap(), new.render().unwrap());
        assert_eq!(page.value(), *new);
        // The page handle sees the same data (the dynamic twin renders it).
        assert_eq!(page.page().render().unwrap(), new.render().unwrap());
    }
    let m = app.metrics();
    assert_eq!(m.pages_created, 1);
    assert_eq!(m.updates_generated, values.len() as u64 - 1);
    assert!(page.page().memory_usage() > 0);
    assert_eq!(app.memory_usage(), page.page().memory_usage());
}

#[test]
fn updates_before_the_first_render_send_the_whole_tree() {
    let app = Application::new().unwrap();
    let page = app.new_typed_page(todo(2)).unwrap();
    let fragments = page.render_fragments(todo(3)).unwrap();
    let mut client = ClientModel::new();
    client.apply_str(fragments[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), todo(3).render().unwrap());
}

#[test]
fn the_page_is_a_page_of_its_application() {
    let app = Application::new().unwrap();
    let page = app.new_typed_page(todo(1)).unwrap();
    let handle = app.get_page(&page.page().token()).unwrap();
    assert_eq!(handle.id(), page.page().id());
    assert_eq!(handle.render().unwrap(), todo(1).render().unwrap());
    // A client reconnecting through the generic handle gets the same tree.
    let mut client = ClientModel::new();
    client.apply_str(&handle.render_tree().unwrap()).unwrap();
    assert_eq!(client.html().unwrap(), todo(1).render().unwrap());
    // ... and typed updates diff against what that client holds.
    let fragments = page.render_fragments(todo(2)).unwrap();
    client.apply_str(fragments[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), todo(2).render().unwrap());
    assert_eq!(
        Template::typed::<Todo>().unwrap().fingerprint_hex(),
        handle.template().fingerprint_hex()
    );
    page.page().close();
    let err = page.render_fragments(todo(3)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PageNotFound);
    assert_eq!(app.page_count(), 0);
}

#[test]
fn with_a_page_store_updates_are_persisted() {
    let app = Application::builder()
        .store(std::sync::Arc::new(MemoryStore::new()))
        .build()
        .unwrap();
    let page = app.new_typed_page(todo(3)).unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    let mut renamed = todo(2);
    renamed.items[1].title = "renamed".into();
    renamed.filter = "done".into();
    for v in [todo(2), renamed] {
        for f in page.render_fragments(v.clone()).unwrap() {
            client.apply_str(f.wire_json()).unwrap();
        }
        assert_eq!(client.html().unwrap(), v.render().unwrap());
    }
}

/// A new item whose `with` branch is taken, sent in a diff: the wire
/// client model must resolve the first render's `"s": N` references before
/// the diff's own `"p"` (numbered afresh) arrives, as the real client does by
/// rendering after every message.
#[test]
fn new_item_with_nested_node_in_a_diff() {
    let program = dynamic();
    let a = program.render(&todo(2).to_value()).unwrap();
    let b = program.render(&todo(3).to_value()).unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&wire::first_render(&a)).unwrap();
    client.apply_str(&wire::diff(&a, &b)).unwrap();
    assert_eq!(client.html().unwrap(), b.to_html());
}

/// A root `range` whose unchanged items are reused, then a slot that fails.
#[derive(LiveTemplate, Clone, PartialEq, Debug)]
#[template(source = "<ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul><p>{{index .Slots .At}}</p>")]
pub struct Failing {
    pub items: Vec<String>,
    pub slots: Vec<i64>,
    pub at: i64,
}

fn failing(items: &[&str], at: i64) -> Failing {
    Failing {
        items: items.iter().map(|s| s.to_string()).collect(),
        slots: vec![10, 20],
        at,
    }
}

#[test]
fn a_failed_diff_leaves_the_held_tree_as_the_client_holds_it() {
    let old = failing(&["a", "b"], 0);
    let (first, mut tree) = old.first_render().unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&first).unwrap();
    // Items "a" and "b" are carried over, then `index` fails.
    let err = failing(&["a", "b", "c"], 5)
        .diff_from(&old, &mut tree)
        .unwrap_err();
    assert!(err.to_string().contains("index out of range"), "{err}");
    assert_eq!(tree, old.render_tree().unwrap());
    // The next update diffs from what the client really holds.
    let new = failing(&["a", "b", "d"], 1);
    client
        .apply_str(&new.diff_from(&old, &mut tree).unwrap())
        .unwrap();
    assert_eq!(client.html().unwrap(), new.render().unwrap());
    assert_eq!(tree, new.render_tree().unwrap());
}
