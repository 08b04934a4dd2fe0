//! Fuzz the html pipeline end to end: any input parsed as an html/template,
//! escaped (contextual autoescaping), and when that succeeds executed over a
//! small fixed data value both by the interpreter and through the slot tree,
//! then diffed against itself. Everything must end in a value or an `Err`,
//! never a panic; when both paths succeed they must agree, and a render
//! diffed with itself must be empty.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::wire::{diff, first_render};
use livetemplate_core::{Mode, Template};

const DATA: &str = r#"{"X":"<b>x</b>","Y":1,"Z":"","T":true,"F":false,
  "U":"javascript:alert(1)","H":{"$html":"<i>ok</i>"},
  "L":[{"X":"a","Y":0},{"X":"b","Y":2}],"M":{"k":"v","q":"'\""}}"#;

fn data() -> &'static Value {
    static DATA_VALUE: OnceLock<Value> = OnceLock::new();
    DATA_VALUE.get_or_init(|| Value::from_json(DATA).expect("fixed data is valid"))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(src) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut t = Template::new("main", Mode::Html);
    if t.parse(src).is_err() {
        return;
    }
    let Ok(compiled) = t.compile("main") else {
        return;
    };
    let data = data();
    let direct = compiled.execute(data);
    let Ok(program) = Program::new(compiled) else {
        return;
    };
    match (direct, program.render(data)) {
        (Ok(want), Ok(rendered)) => {
            assert_eq!(
                rendered.to_html(),
                want,
                "slot tree and interpreter disagree"
            );
            let _ = first_render(&rendered);
            assert_eq!(diff(&rendered, &rendered), "{}");
        }
        // Runaway recursion stops at a stack limit, whose depth differs
        // between the two paths' frames: only the kind of error must agree.
        (Err(a), Err(b)) if is_depth_error(&a.error) => assert!(is_depth_error(&b), "{b:?}"),
        (Err(a), Err(b)) => assert_eq!(a.error, b, "both paths must fail alike"),
        (a, b) => panic!("one path failed: {a:?} vs {b:?}"),
    }
});

/// The error for runaway template recursion.
fn is_depth_error(e: &livetemplate_core::Error) -> bool {
    e.message.contains("exceeded maximum template depth")
}
