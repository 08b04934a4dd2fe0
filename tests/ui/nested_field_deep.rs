use livetemplate::{GoValue, LiveTemplate};

#[derive(GoValue)]
struct Address {
    city: String,
}

#[derive(GoValue)]
struct Owner {
    address: Option<Box<Address>>,
}

#[derive(LiveTemplate)]
#[template(source = "<p>{{.Owner.Adress.City}}</p>\n{{with .Owner}}<p>{{.Address.Cty}}</p>{{end}}")]
struct Page {
    owner: Owner,
}

fn main() {}
