//! Complex constants (`1i`, `1+2i`) in html mode, through both the
//! interpreter and the slot tree. Expected outputs come from Go 1.19.8
//! (the go-oracle); the text-mode cases live in `data/exec_cases.json`.

use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::{Mode, Template};

fn html(src: &str) -> (Result<String, String>, Result<String, String>) {
    let mut t = Template::new("main", Mode::Html);
    t.parse(src).expect("parse");
    let compiled = t.compile("main").expect("compile");
    let data = Value::from_json(r#"{"X":1}"#).unwrap();
    let direct = compiled.execute(&data).map_err(|e| e.error.message);
    let program = Program::new(compiled).expect("program");
    let tree = program.render_html(&data).map_err(|e| e.message);
    (direct, tree)
}

#[test]
fn complex_constants_in_html_match_go() {
    let cases: &[(&str, &str)] = &[
        ("{{1i}}", "(0&#43;1i)"),
        ("{{if 1.5i}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO"),
        ("{{if 0i}}NON-ZERO{{else}}ZERO{{end}}", "ZERO"),
        ("{{with 1.5i}}{{.}}{{else}}ZERO{{end}}", "(0&#43;1.5i)"),
        ("{{printf \"%g\" 1+7i}}", "(1&#43;7i)"),
        ("{{1+2i|printf \"%v\"}}", "(1&#43;2i)"),
        ("{{if eq 1+2i 1+2i}}true{{else}}false{{end}}", "true"),
        ("{{if ne 1+2i 1+3i}}true{{else}}false{{end}}", "true"),
        (
            "<script>var x = {{1i}};</script>",
            "<script>var x =  /* json: unsupported type: complex128 */null ;</script>",
        ),
        (
            "<a onclick=\"f({{2i}})\">x</a>",
            "<a onclick=\"f( /* json: unsupported type: complex128 */null )\">x</a>",
        ),
        (
            "<a href=\"/{{1+2i}}\">x</a>",
            "<a href=\"/%281&#43;2i%29\">x</a>",
        ),
        (
            "<a href=\"?q={{1+2i}}\">{{if 1.5i}}NON-ZERO{{end}}</a>",
            "<a href=\"?q=%281%2b2i%29\">NON-ZERO</a>",
        ),
        (
            "<p title=\"{{3i}}\">{{urlquery 1i}}</p>",
            "<p title=\"(0&#43;3i)\">%280%2B1i%29</p>",
        ),
        (
            "<style>p{x: {{1i}}}</style>",
            "<style>p{x: ZgotmplZ}</style>",
        ),
        ("<a title={{1+2i}}>x</a>", "<a title=(1&#43;2i)>x</a>"),
        (
            "<script>var s = \"{{1i}}\"</script>",
            "<script>var s = \"(0\\u002b1i)\"</script>",
        ),
        (
            "<p data-x=\"{{1i}}\" onclick=\"x='{{1i}}'\" style=\"color: {{1i}}\">",
            "<p data-x=\"(0&#43;1i)\" onclick=\"x='(0\\u002b1i)'\" style=\"color: ZgotmplZ\">",
        ),
        ("<a href=\"{{1i}}\">", "<a href=\"%280&#43;1i%29\">"),
        ("<img srcset=\"{{1i}}\">", "<img srcset=\"%280&#43;1i%29\">"),
    ];
    for (src, want) in cases {
        let (direct, tree) = html(src);
        assert_eq!(direct.as_deref(), Ok(*want), "interpreter: {src}");
        assert_eq!(tree.as_deref(), Ok(*want), "slot tree: {src}");
    }
}

#[test]
fn complex_ordering_is_an_error_in_html() {
    let (direct, tree) = html("{{lt 1i 2i}}");
    let want = "template: main:1:2: executing \"main\" at <lt 1i 2i>: \
                error calling lt: invalid type for comparison";
    assert_eq!(direct, Err(want.to_string()));
    assert_eq!(tree, Err(want.to_string()));
}
