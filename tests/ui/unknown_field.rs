use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "<h1>{{.Titel}}</h1>\n<p>{{.Count}} {{.Bodyy}}</p>")]
struct Page {
    title: String,
    count: i64,
    body: String,
}

fn main() {}
