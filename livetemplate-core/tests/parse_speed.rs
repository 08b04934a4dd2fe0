//! Speed check (ignored by default; run in release):
//!
//! ```text
//! cargo test --release -p livetemplate-core --test parse_speed -- --ignored --nocapture
//! ```

use std::time::Instant;

use livetemplate_core::parse::{ParseOptions, parse};

/// A realistic ~10 KB page template.
fn page() -> String {
    let row = r#"<tr class="{{if .Done}}done{{else}}todo{{end}}">
  <td>{{.ID}}</td><td>{{.Title | printf "%q"}}</td>
  {{- range $i, $t := .Tags}}<span data-i="{{$i}}">{{$t}}</span>{{end -}}
  <td>{{with .Owner}}{{.Name}} &lt;{{.Email}}&gt;{{else}}nobody{{end}}</td>
</tr>
"#;
    let mut s = String::from("{{define \"row\"}}")
        + row
        + "{{end}}<table>{{range .Items}}{{template \"row\" .}}{{end}}</table>\n";
    while s.len() < 10_000 {
        s.push_str("<p>{{.Header.Title}} {{len .Items}} {{/* note */}} {{index .Map \"k\"}}</p>\n");
        s.push_str(row);
    }
    s
}

#[test]
#[ignore]
fn parse_10kb() {
    let src = page();
    let is_func = |n: &str| matches!(n, "printf" | "len" | "index");
    let opts = ParseOptions::new(&is_func);
    parse("page", &src, &opts).unwrap();
    // The best of several batches: robust against a busy machine.
    let per = (0..30)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..50 {
                std::hint::black_box(parse("page", std::hint::black_box(&src), &opts).unwrap());
            }
            t.elapsed() / 50
        })
        .min()
        .unwrap();
    eprintln!("parse of {} bytes: {:?} per parse", src.len(), per);
}
