use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "{{range .Count}}x{{end}}")]
struct Page {
    count: i64,
}

fn main() {}
