//! Parser unit tests: one case per distinct Go error message (wording and
//! line, as printed by Go 1.19 for the same input), trees, and the set rules.

use super::ast::*;
use super::*;

fn is_func(name: &str) -> bool {
    matches!(
        name,
        "printf" | "len" | "index" | "and" | "or" | "not" | "eq" | "html"
    )
}

fn parse_main(src: &str) -> Result<Vec<Tree>, Error> {
    parse("main", src, &ParseOptions::new(&is_func))
}

#[test]
fn every_error_message_like_go() {
    let cases: &[(&str, &str)] = &[
        (
            "{{$x:=.}}{{$x!2}}",
            "template: main:1: bad character U+0021 '!'",
        ),
        ("{{3k}}", "template: main:1: bad number syntax: \"3k\""),
        (
            "hello-{{/* */ }}-world",
            "template: main:1: comment ends before closing delimiter",
        ),
        ("{{.X:}}", "template: main:1: expected :="),
        (
            "{{if .X}}1{{else}}2{{else}}3{{end}}",
            "template: main:1: expected end; found {{else}}",
        ),
        (
            "line1\n{{\nx\n}}",
            "template: main:3: function \"x\" not defined",
        ),
        (
            "{{1.E}}",
            "template: main:1: illegal number syntax: \"1.E\"",
        ),
        ("{{08}}", "template: main:1: integer overflow: \"08\""),
        ("{{'\\\"'}}", "template: main:1: invalid syntax"),
        (
            "{{'433937734937734969526500969526500'}}",
            "template: main:1: malformed character constant: '433937734937734969526500969526500'",
        ),
        (
            "{{'ab'}}",
            "template: main:1: malformed character constant: 'ab'",
        ),
        (
            "{{'xx'}}",
            "template: main:1: malformed character constant: 'xx'",
        ),
        (
            "{{block \"foo\"}}hello{{end}}",
            "template: main:1: missing value for block clause",
        ),
        ("{{\n}}", "template: main:2: missing value for command"),
        ("{{if}}{{end}}", "template: main:1: missing value for if"),
        (
            "{{printf \"%d\" ( ) }}",
            "template: main:1: missing value for parenthesized pipeline",
        ),
        (
            "{{range $k,}}{{end}}",
            "template: main:1: missing value for range",
        ),
        (
            "{{with}}{{end}}",
            "template: main:1: missing value for with",
        ),
        (
            "{{12|.}}",
            "template: main:1: non executable command in pipeline stage 2",
        ),
        (
            "{{range $k, .}}{{end}}",
            "template: main:1: range can only initialize variables",
        ),
        (
            "{{0x1+0x2i}}",
            "template: main:1: strconv.ParseFloat: parsing \"0x1\": invalid syntax",
        ),
        (
            "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
            "template: main:1: template: multiple definition of template \"a\"",
        ),
        (
            "{{$a,$b,$c := 23}}",
            "template: main:1: too many declarations in command",
        ),
        (
            "{{range $u, $v, $w := 3}}{{end}}",
            "template: main:1: too many declarations in range",
        ),
        (
            "{{with $v, $u := 3}}{{end}}",
            "template: main:1: too many declarations in with",
        ),
        ("line1\n{{", "template: main:2: unclosed action"),
        ("{{/*}}", "template: main:1: unclosed comment"),
        ("{{.X (1 2 3}}", "template: main:1: unclosed left paren"),
        ("{{$x}}", "template: main:1: undefined variable \"$x\""),
        (
            "{{0.1.E}}",
            "template: main:1: unexpected . after term \"0.1\"",
        ),
        (
            "{{\"hello\".guys}}",
            "template: main:1: unexpected . after term \"\\\"hello\\\"\"",
        ),
        ("hello{{range .x}}", "template: main:1: unexpected EOF"),
        (
            "{{block .X .}}{{end}}",
            "template: main:1: unexpected \".X\" in block clause",
        ),
        (
            "{{\n/*x*/}}",
            "template: main:2: unexpected \"/\" in command",
        ),
        (
            "{{define}}{{end}}",
            "template: main:1: unexpected \"}}\" in define clause",
        ),
        (
            "{{else with .X}}",
            "template: main:1: unexpected <with> in else",
        ),
        (
            "{{range .X}}a{{else if .Y}}b{{end}}",
            "template: main:1: unexpected <if> in input",
        ),
        (
            "{{printf 3, 4}}",
            "template: main:1: unexpected \",\" in operand",
        ),
        (
            "{{range if else end with}}",
            "template: main:1: unexpected <if> in range",
        ),
        (
            "{{template $v}}",
            "template: main:1: unexpected \"$v\" in template clause",
        ),
        (
            "{{break 1}}",
            "template: main:1: unexpected \"1\" in {{break}}",
        ),
        (
            "{{range .}}{{continue .}}{{end}}",
            "template: main:1: unexpected <.> in {{continue}}",
        ),
        ("{{else}}", "template: main:1: unexpected {{else}}"),
        (
            "{{block \"a\" .}}x{{else}}y{{end}}",
            "template: main:1: unexpected {{else}} in block clause",
        ),
        (
            "{{define \"a\"}}{{else}}{{end}}",
            "template: main:1: unexpected {{else}} in define clause",
        ),
        ("{{end}}", "template: main:1: unexpected {{end}}"),
        (
            "#{{\u{1}}}",
            "template: main:1: unrecognized character in action: U+0001",
        ),
        (
            "{{'a}}",
            "template: main:1: unterminated character constant",
        ),
        (
            "{{\n\n.X 'a}}",
            "template: main:3: unterminated character constant in action started at main:1",
        ),
        ("{{\"a}}", "template: main:1: unterminated quoted string"),
        (
            "{{\n\n\"abc\n\"}}",
            "template: main:3: unterminated quoted string in action started at main:1",
        ),
        (
            "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
            "template: main:3: unterminated raw quoted string",
        ),
        (
            "{{\n\n`abc",
            "template: main:3: unterminated raw quoted string in action started at main:1",
        ),
        (
            "{{range .}}{{end}} {{break}}",
            "template: main:1: {{break}} outside {{range}}",
        ),
        (
            "{{range .}}{{end}} {{continue}}",
            "template: main:1: {{continue}} outside {{range}}",
        ),
        (
            "line1\n{{\"x\"\n\"y\"\n",
            "template: main:4: unclosed action started at main:2",
        ),
        (
            "{{\n\n\n\n\n",
            "template: main:6: unclosed action started at main:1",
        ),
        (
            "{{.X 1 2 3 ) }}",
            "template: main:1: unexpected \")\" in command",
        ),
        ("{{template \"\\q\"}}", "template: main:1: invalid syntax"),
        // Go reports a bad block end at the line of the block's own action.
        (
            "{{block \"a\" .}}\n\nx{{else}}y{{end}}",
            "template: main:1: unexpected {{else}} in block clause",
        ),
        (
            "{{block \"a\" .}}x{{end}}{{block \"a\" .}}y{{end}}",
            "template: main:1: template: multiple definition of template \"a\"",
        ),
        (
            "{{range .}}{{block \"a\" .}}{{break}}{{end}}{{end}}",
            "template: main:1: {{break}} outside {{range}}",
        ),
        (
            "{{$x := 1}}{{define \"a\"}}{{$x}}{{end}}",
            "template: main:1: undefined variable \"$x\"",
        ),
    ];
    let mut bad = Vec::new();
    for (src, want) in cases {
        match parse_main(src) {
            Ok(_) => bad.push(format!("{src:?}: parsed, want {want:?}")),
            Err(e) if e.message != *want => {
                bad.push(format!("{src:?}:\n   got {:?}\n  want {want:?}", e.message))
            }
            Err(e) => assert_eq!(e.kind, crate::ErrorKind::Parse),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn trees_main_first_then_defines_in_order() {
    let trees =
        parse_main(r#"A{{define "b"}}B{{end}}{{block "c" .X}}C{{end}}{{define "a"}}{{end}}"#)
            .unwrap();
    let names: Vec<&str> = trees.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["main", "b", "c", "a"]);
    assert!(
        trees
            .iter()
            .all(|t| t.parse_name == "main" && std::sync::Arc::ptr_eq(&t.source, &trees[0].source))
    );
    assert_eq!(trees[0].root.to_string(), r#"A{{template "c" .X}}"#);
    assert_eq!(trees[2].root.to_string(), "C");
}

#[test]
fn empty_main_loses_to_define_of_same_name() {
    let trees = parse_main(r#"{{define "main"}}x{{end}} "#).unwrap();
    assert_eq!(trees.len(), 1);
    assert_eq!(trees[0].root.to_string(), "x");
}

#[test]
fn spans_and_positions() {
    let src = "ab {{- .X.Y | printf \"%d\" -}} \n{{if $x := .A}}{{(.B).C}}{{else if .D}}{{end}}";
    let trees = parse_main(src).unwrap();
    let t = &trees[0];
    let Node::Text(text) = &t.root.nodes[0] else {
        panic!()
    };
    assert_eq!(&src[text.span.start as usize..text.span.end as usize], "ab");
    let Node::Action(a) = &t.root.nodes[1] else {
        panic!()
    };
    assert_eq!(
        &src[a.span.start as usize..a.span.end as usize],
        "{{- .X.Y | printf \"%d\" -}}"
    );
    assert_eq!(
        &src[a.pipe.span.start as usize..a.pipe.span.end as usize],
        ".X.Y | printf \"%d\""
    );
    assert_eq!(a.pipe.to_string(), ".X.Y | printf \"%d\"");
    let arg = &a.pipe.cmds[0].args[0];
    assert_eq!(t.location_at(arg.go_pos()), "main:1:9"); // Go reports .X.Y at .Y
    assert_eq!(t.location(arg.span()), "main:1:7");
    let Node::If(b) = &t.root.nodes[2] else {
        panic!()
    };
    assert_eq!(
        &src[b.span.start as usize..b.span.end as usize],
        &src[src.find("{{if").unwrap()..]
    );
    assert_eq!(t.location_at(t.root.nodes[2].go_pos()), "main:2:5");
    let Node::Action(chain) = &b.list.nodes[0] else {
        panic!()
    };
    assert_eq!(chain.pipe.to_string(), "(.B).C");
    let else_list = b.else_list.as_ref().unwrap();
    assert!(matches!(else_list.nodes[..], [Node::If(_)]));
}

#[test]
fn assignment_prints_like_go() {
    let trees = parse_main("{{$x := 1}}{{$x = 2}}{{range $i, $e := .}}{{end}}").unwrap();
    // Go prints ":=" for assignments too.
    assert_eq!(
        trees[0].root.to_string(),
        "{{$x := 1}}{{$x := 2}}{{range $i, $e := .}}{{end}}"
    );
    let Node::Action(a) = &trees[0].root.nodes[1] else {
        panic!()
    };
    assert!(a.pipe.is_assign);
}

#[test]
fn comments_kept_on_request() {
    let mut opts = ParseOptions::new(&is_func);
    opts.keep_comments = true;
    let trees = parse("main", "a {{- /* c */ -}} b", &opts).unwrap();
    assert_eq!(trees[0].root.to_string(), "a{{/* c */}}b");
    assert!(is_empty_tree(
        &parse("main", " {{/* c */}}\n", &opts).unwrap()[0].root
    ));
}

#[test]
fn custom_delimiters() {
    let opts = ParseOptions::new(&is_func).with_delims("<<", ">>");
    let trees = parse("main", "{{.X}} <<- .Y ->> <<if 1>>a<<end>>", &opts).unwrap();
    assert_eq!(trees[0].root.to_string(), "{{.X}}{{.Y}}{{if 1}}a{{end}}");
}

#[test]
fn set_rules_like_add_parse_tree() {
    let mut set = TemplateSet::new();
    set.add_parsed(parse_main(r#"{{block "a" .}}default{{end}}"#).unwrap())
        .unwrap();
    assert_eq!(set.get("a").unwrap().root.to_string(), "default");
    // A later define overrides the block default.
    set.add_parsed(
        parse(
            "x",
            r#"{{define "a"}}override{{end}}"#,
            &ParseOptions::new(&is_func),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(set.get("a").unwrap().root.to_string(), "override");
    // An empty redefinition keeps the body.
    set.add_parsed(
        parse(
            "y",
            r#"{{define "a"}} {{/* */}} {{end}}"#,
            &ParseOptions::new(&is_func),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(set.get("a").unwrap().root.to_string(), "override");
    // The parse's own (empty) main tree "y" is added since no "y" existed.
    assert_eq!(set.get("y").unwrap().root.to_string(), "");
    assert_eq!(set.names().collect::<Vec<_>>(), ["a", "main", "x", "y"]);
}
