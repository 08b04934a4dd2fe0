use livetemplate::LiveTemplate;

// An assigned variable must be declared in an action, not by `range`.
#[derive(LiveTemplate)]
#[template(source = "{{range $n := .Items}}{{.}}{{end}}\n{{range $x := .Items}}{{$x = 1}}{{end}}")]
struct Page {
    items: Vec<bool>,
}

fn main() {}
