use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(path = "does_not_exist.html")]
struct Page {
    title: String,
}

fn main() {}
