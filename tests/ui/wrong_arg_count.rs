use livetemplate::LiveTemplate;

#[derive(LiveTemplate)]
#[template(source = "{{len .A .B}} and {{not}} and {{.A | lt 1 2}}")]
struct Page {
    a: Vec<i64>,
    b: Vec<i64>,
}

fn main() {}
