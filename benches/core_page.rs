//! Issue 3: compile (parse + contextual escaping) and render of a realistic
//! 10 KB page template (`templates/bench_page.html` over
//! `templates/bench_page.json`; output checked against Go's, stored in
//! `templates/bench_page.expected.html`).
//!
//! Run: `cargo bench -p livetemplate --bench core_page`

mod core_util;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::{Mode, Template};

const SOURCE: &str = include_str!("../templates/bench_page.html");
const DATA: &str = include_str!("../templates/bench_page.json");
const EXPECTED: &str = include_str!("../templates/bench_page.expected.html");

fn parse_and_escape(source: &str) -> livetemplate_core::Compiled {
    let mut t = Template::new("main", Mode::Html);
    t.parse(source).expect("bench page parses");
    t.compile("main").expect("bench page escapes")
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("page_10kb/compile");
    g.throughput(Throughput::Bytes(SOURCE.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            let mut t = Template::new("main", Mode::Html);
            t.parse(black_box(SOURCE)).unwrap();
            t
        })
    });
    g.bench_function("parse+escape", |b| {
        b.iter(|| parse_and_escape(black_box(SOURCE)))
    });
    g.bench_function("parse+escape+slot_tree", |b| {
        b.iter(|| Program::new(parse_and_escape(black_box(SOURCE))).unwrap())
    });
    g.finish();
}

fn render(c: &mut Criterion) {
    let data = Value::from_json(DATA).unwrap();
    let compiled = parse_and_escape(SOURCE);
    let program = Program::new(compiled.clone()).unwrap();
    // Correctness first: both paths must give Go's bytes.
    assert_eq!(compiled.execute(&data).unwrap(), EXPECTED);
    assert_eq!(program.render(&data).unwrap().to_html(), EXPECTED);

    let mut g = c.benchmark_group("page_10kb/render");
    g.throughput(Throughput::Bytes(EXPECTED.len() as u64));
    g.bench_function("execute (html string)", |b| {
        b.iter(|| compiled.execute(black_box(&data)).unwrap())
    });
    g.bench_function("program.render (Rendered tree)", |b| {
        b.iter(|| program.render(black_box(&data)).unwrap())
    });
    g.bench_function("program.render + to_html", |b| {
        b.iter(|| program.render(black_box(&data)).unwrap().to_html())
    });
    g.bench_function("program.render + first_render (wire JSON)", |b| {
        b.iter(|| {
            let r = program.render(black_box(&data)).unwrap();
            program.first_render(&r)
        })
    });
    g.finish();
}

fn summary() {
    let data = Value::from_json(DATA).unwrap();
    let compiled = parse_and_escape(SOURCE);
    let program = Program::new(compiled.clone()).unwrap();
    let kb = EXPECTED.len() as f64 / 1024.0;
    let mut ops = vec![
        core_util::Op {
            name: "parse",
            target: "",
            f: Box::new(|| {
                let mut t = Template::new("main", Mode::Html);
                t.parse(black_box(SOURCE)).unwrap();
                black_box(t);
            }),
        },
        core_util::Op {
            name: "parse + escape analysis (compile)",
            target: "< 1 ms",
            f: Box::new(|| {
                black_box(parse_and_escape(black_box(SOURCE)));
            }),
        },
        core_util::Op {
            name: "compile + slot tree (`Program::new`)",
            target: "",
            f: Box::new(|| {
                black_box(Program::new(parse_and_escape(black_box(SOURCE))).unwrap());
            }),
        },
        core_util::Op {
            name: "render: `Compiled::execute` (HTML string)",
            target: "a few µs per KB",
            f: Box::new(|| {
                black_box(compiled.execute(black_box(&data)).unwrap());
            }),
        },
        core_util::Op {
            name: "render: `Program::render` (Rendered tree)",
            target: "a few µs per KB",
            f: Box::new(|| {
                black_box(program.render(black_box(&data)).unwrap());
            }),
        },
        core_util::Op {
            name: "render + `first_render` (wire JSON)",
            target: "",
            f: Box::new(|| {
                let r = program.render(black_box(&data)).unwrap();
                black_box(program.first_render(&r));
            }),
        },
    ];
    let best = core_util::best_times(&mut ops, 60);
    println!(
        "\n10 KB page (template {} B, output {} B = {kb:.1} KB)\n\n| operation | best of 60 rounds | per KB | target |\n| --- | ---: | ---: | --- |",
        SOURCE.len(),
        EXPECTED.len()
    );
    let template_kb = SOURCE.len() as f64 / 1024.0;
    for (k, (op, t)) in ops.iter().zip(best).enumerate() {
        // Compile costs scale with the template, renders with the output.
        let per_kb = if k < 3 {
            format!("{} per template KB", core_util::fmt_ns(t / template_kb))
        } else {
            format!("{} per output KB", core_util::fmt_ns(t / kb))
        };
        println!(
            "| {} | {} | {per_kb} | {} |",
            op.name,
            core_util::fmt_ns(t),
            op.target
        );
    }
}

fn main() {
    summary();
    if core_util::summary_only() {
        return;
    }
    println!(
        "bench page: template {} bytes, data {} bytes, output {} bytes",
        SOURCE.len(),
        DATA.len(),
        EXPECTED.len()
    );
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    compile(&mut c);
    render(&mut c);
    c.final_summary();
}
