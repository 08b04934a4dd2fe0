use livetemplate::{GoValue, LiveTemplate};

#[derive(GoValue)]
struct Item {
    title: String,
}

#[derive(LiveTemplate)]
#[template(source = "{{range .Items}}<li>{{.Titel}}</li>{{end}}")]
struct Page {
    items: Vec<Item>,
}

fn main() {}
