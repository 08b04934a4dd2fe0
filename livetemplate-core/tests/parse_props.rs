//! Robustness: the lexer and parser never panic, whatever the input, and
//! deep nesting is an error rather than a stack overflow.

use livetemplate_core::parse::{ParseOptions, TemplateSet, is_empty_tree, parse};
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "{{", "}}", "{{-", "-}}", " ", "\n", "\t", "/*", "*/", ".", ".X", ".Y", "$", "$x", ":=", "=",
    ",", "|", "(", ")", "\"", "'", "`", "\\", "if", "else", "end", "range", "with", "define",
    "block", "template", "break", "continue", "nil", "true", "printf", "len", "foo", "1", "0x",
    "1e", "-", "+", "i", "_", "é", "€", "\u{0}", "\u{1}", "#", "<", ">", "x", "\"a\"", "'a'",
];

fn template() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
}

fn delims() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        Just((String::new(), String::new())),
        Just(("<<".to_string(), ">>".to_string())),
        Just(("{".to_string(), "}".to_string())),
        Just(("[[".to_string(), "]]".to_string())),
        ("[^\\s]{1,3}", "[^\\s]{1,3}"),
    ]
}

fn is_func(name: &str) -> bool {
    matches!(name, "printf" | "len" | "and" | "or" | "not" | "eq")
}

fn check(src: &str, left: &str, right: &str) {
    let opts = ParseOptions::new(&is_func).with_delims(left, right);
    match parse("main", src, &opts) {
        Ok(trees) => {
            for t in &trees {
                // Printing and positions must not panic either.
                let _ = t.root.to_string();
                let _ = t.location(t.root.span);
                let _ = is_empty_tree(&t.root);
            }
            let mut set = TemplateSet::new();
            set.add_parsed(trees).unwrap();
        }
        Err(e) => assert!(e.message.starts_with("template: main:"), "{}", e.message),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_fragments(src in template(), (l, r) in delims()) {
        check(&src, &l, &r);
    }

    #[test]
    fn never_panics_on_garbage(src in "\\PC{0,60}", (l, r) in delims()) {
        check(&src, &l, &r);
    }
}

#[test]
fn deep_nesting_is_an_error() {
    for src in [
        "{{".to_string() + &"(".repeat(100_000) + "}}",
        "{{if 1}}".repeat(100_000),
        "{{block \"a\" 1}}".repeat(100_000),
    ] {
        let err = parse("main", &src, &ParseOptions::new(&is_func)).unwrap_err();
        assert_eq!(err.message, "template: main:1: nesting too deep");
    }
    // Moderate nesting is fine.
    let src = "{{if 1}}".repeat(50)
        + "{{"
        + &"(".repeat(49)
        + "1"
        + &")".repeat(49)
        + "}}"
        + &"{{end}}".repeat(50);
    assert!(parse("main", &src, &ParseOptions::new(&is_func)).is_ok());
}
