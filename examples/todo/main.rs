//! A todo list served live: `cargo run -p livetemplate-axum --example todo`.
//!
//! Open the printed URL: the first page is plain server HTML; adding,
//! toggling and deleting items sends an event over the WebSocket and the
//! server answers with a LiveView diff of the list. The list lives in the
//! server page (a reload keeps it, via the page token in a cookie).
//! `PORT` picks the port (default 3000; `PORT=0` takes a free one).

use livetemplate::{Application, Template};
use livetemplate_axum::{Event, EventError, Live, LiveView, Options, listen_addr};
use serde::Serialize;

/// Most items one list holds.
const MAX_ITEMS: usize = 200;
/// Longest title, in characters.
const MAX_TITLE: usize = 200;

#[derive(Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Item {
    #[serde(rename = "ID")]
    id: u64,
    title: String,
    done: bool,
}

#[derive(Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Todos {
    items: Vec<Item>,
    remaining: usize,
    #[serde(skip)]
    next_id: u64,
}

impl Todos {
    fn item(&mut self, event: &Event) -> Result<&mut Item, EventError> {
        let id = event.u64("id")?;
        self.items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| EventError::invalid(format!("no item {id}")))
    }
}

struct TodoView;

impl LiveView for TodoView {
    type State = Todos;

    fn mount(&self) -> Todos {
        Todos::default()
    }

    fn handle_event(&self, s: &mut Todos, event: &Event) -> Result<(), EventError> {
        match event.name.as_str() {
            "add" => {
                let title = event.str("title").unwrap_or_default();
                let title = title.trim();
                if title.is_empty() {
                    return Err(EventError::invalid("the title is empty"));
                }
                if s.items.len() >= MAX_ITEMS {
                    return Err(EventError::invalid("the list is full"));
                }
                s.next_id += 1;
                s.items.push(Item {
                    id: s.next_id,
                    title: title.chars().take(MAX_TITLE).collect(),
                    done: false,
                });
            }
            "toggle" => {
                let item = s.item(event)?;
                item.done = !item.done;
            }
            "delete" => {
                let id = event.u64("id")?;
                s.items.retain(|i| i.id != id);
            }
            _ => return Err(EventError::unknown()),
        }
        s.remaining = s.items.iter().filter(|i| !i.done).count();
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let template = Template::html("todo", include_str!("todo.html"))?;
    let options = Options {
        title: "LiveTemplate todos".into(),
        head: format!("<style>\n{}</style>", include_str!("style.css")),
        ..Options::default()
    };
    let live = Live::with_options(Application::new()?, template, TodoView, options);
    let listener = tokio::net::TcpListener::bind(listen_addr(3000)).await?;
    println!(
        "todo example listening on http://{}/",
        listener.local_addr()?
    );
    axum::serve(listener, live.router()).await?;
    Ok(())
}
