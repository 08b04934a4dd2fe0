use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "<p>{{.Title</p>")]
struct Page {
    title: String,
}

fn main() {}
