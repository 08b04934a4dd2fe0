use livetemplate::LiveTemplate;

// `break` is reported; an assigned variable declared by `range` too.
#[derive(LiveTemplate)]
#[template(source = "{{range $n := .Items}}{{if .}}{{break}}{{end}}{{.}}{{end}}\n{{range $x := .Items}}{{$x = 1}}{{end}}")]
struct Page {
    items: Vec<bool>,
}

fn main() {}
