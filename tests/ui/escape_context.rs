use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "<a {{if .Link}}href=\"{{.Link}}{{end}}\">x</a>")]
struct Page {
    link: String,
}

fn main() {}
