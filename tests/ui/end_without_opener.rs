use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "<p>{{.Title}}</p>\n{{end}}")]
struct Page {
    title: String,
}

fn main() {}
