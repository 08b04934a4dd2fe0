use std::collections::BTreeMap;

use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "{{range .Tags}}{{.Len}}{{end}}\n{{.Scores.One}}")]
struct Page {
    tags: Vec<String>,
    scores: BTreeMap<String, i64>,
}

fn main() {}
