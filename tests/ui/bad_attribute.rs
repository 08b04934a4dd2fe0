use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(pth = "page.html")]
struct Page {
    title: String,
}

fn main() {}
