//! Fuzz the lexer and parser: any input, with default or custom delimiters,
//! must parse or fail with an error, never panic; printing the trees and
//! adding them to a set must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use livetemplate_core::parse::{ParseOptions, TemplateSet, parse};

fn is_func(name: &str) -> bool {
    matches!(name, "printf" | "len" | "and" | "or" | "not" | "eq" | "index")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A first byte below 4 selects custom delimiters.
    let (left, right, src) = match text.as_bytes().first() {
        Some(0) => ("<<", ">>", &text[1..]),
        Some(1) => ("{", "}", &text[1..]),
        Some(2) => ("[[", "]]", &text[1..]),
        Some(3) => ("{{", "}}", &text[1..]),
        _ => ("", "", text),
    };
    let opts = ParseOptions::new(&is_func).with_delims(left, right);
    if let Ok(trees) = parse("fuzz", src, &opts) {
        for t in &trees {
            let _ = t.root.to_string();
            let _ = t.location(t.root.span);
        }
        let mut set = TemplateSet::new();
        let _ = set.add_parsed(trees);
    }
});
