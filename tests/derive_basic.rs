//! Typed templates: `#[derive(LiveTemplate)]` against the dynamic interpreter.

use livetemplate::core::program::Program;
use livetemplate::core::{Mode, Template};
use livetemplate::typed::{GoValue, LiveTemplate};
use livetemplate::{GoValue, LiveTemplate};

#[derive(GoValue, Clone, PartialEq, Debug)]
struct Item {
    #[go(name = "ID")]
    id: u32,
    title: String,
    done: bool,
    note: Option<String>,
}

#[derive(LiveTemplate, Clone, PartialEq, Debug)]
#[template(path = "todo.html")]
struct Todo {
    title: String,
    items: Vec<Item>,
    filter: String,
    owner: String,
}

fn program(path: &str) -> Program {
    let src = std::fs::read_to_string(format!("{}/templates/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let mut t = Template::new(path, Mode::Html);
    t.parse(&src).unwrap();
    Program::new(t.compile(path).unwrap()).unwrap()
}

fn todo(n: usize) -> Todo {
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
fn todo_matches_interpreter() {
    let p = program("todo.html");
    let a = todo(3);
    let html = a.render().unwrap();
    let dynamic = p.render_html(&a.to_value()).unwrap();
    assert_eq!(html, dynamic);
    let tree = a.render_tree().unwrap();
    assert_eq!(tree, p.render(&a.to_value()).unwrap());
}
