use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "<p>\n{{frobnicate .Title}}</p>")]
struct Page {
    title: String,
}

fn main() {}
