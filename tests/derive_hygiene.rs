//! Generated code is hygienic: no prelude, a shadowed `core` and `std` items.
#![no_implicit_prelude]

#[allow(dead_code)]
mod core {}
#[allow(dead_code)]
struct String;
#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
enum Option {
    None,
}
#[allow(dead_code)]
struct Result;

mod page {
    #[derive(::livetemplate::GoValue, ::std::clone::Clone, ::std::cmp::PartialEq)]
    pub struct Row {
        pub n: i64,
        #[go(name = "ID")]
        pub key: u32,
    }

    #[derive(::livetemplate::LiveTemplate, ::std::clone::Clone, ::std::cmp::PartialEq)]
    #[template(
        source = "{{range .Rows}}<p id=\"{{.ID}}\">{{.N}} {{printf \"%03d\" .N}}</p>{{end}}{{with .Name}}{{.}}{{end}}"
    )]
    pub struct Page {
        pub rows: ::std::vec::Vec<Row>,
        pub name: ::std::option::Option<::std::string::String>,
    }
}

#[test]
fn renders_without_prelude() {
    use ::livetemplate::typed::LiveTemplate;
    let p = page::Page {
        rows: ::std::vec![page::Row { n: 1, key: 7 }, page::Row { n: 22, key: 8 }],
        name: ::std::option::Option::Some(::std::string::ToString::to_string("<x>")),
    };
    ::std::assert_eq!(
        p.render().unwrap(),
        "<p id=\"7\">1 001</p><p id=\"8\">22 022</p>&lt;x&gt;"
    );
}
