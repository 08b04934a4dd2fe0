//! Runtime benchmarks: token issue/verify throughput (criterion), memory per
//! page (RSS delta over 10,000 todo pages) and time to create 100,000 pages
//! (one-shot measurements printed first).
//!
//! Run: `cargo bench -p livetemplate --bench runtime`

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use livetemplate::Application;

/// Resident set size of this process in bytes (Linux `/proc/self/statm`).
fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn memory_per_page() {
    const N: usize = 10_000;
    let app = Application::builder()
        .max_pages(N)
        .memory_budget(1 << 34)
        .build()
        .unwrap();
    let template = common::todo_template();
    let data: Vec<common::Todo> = (0..N).map(|i| common::todo(i, 5)).collect();
    let before = rss_bytes();
    let mut pages = Vec::with_capacity(N);
    for d in &data {
        let p = app.new_page(&template, d).unwrap();
        p.render_tree().unwrap();
        pages.push(p);
    }
    let after = rss_bytes();
    let estimate = app.memory_usage() / N;
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "memory per page (todo, 5 items, after render_tree): RSS delta {} bytes/page over {N} pages; runtime estimate {estimate} bytes/page",
            a.saturating_sub(b) / N
        ),
        _ => println!("memory per page: RSS unavailable; runtime estimate {estimate} bytes/page"),
    }
    app.close();
}

fn create_100k_pages() {
    const N: usize = 100_000;
    let app = Application::builder()
        .max_pages(N)
        .memory_budget(1 << 34)
        .build()
        .unwrap();
    let template = common::todo_template();
    let data = common::todo(1, 5);
    let start = Instant::now();
    for _ in 0..N {
        black_box(app.new_page(&template, &data).unwrap());
    }
    let took = start.elapsed();
    println!(
        "create {N} pages: {:.3} s ({:.2} µs/page)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / N as f64
    );
    let start = Instant::now();
    app.close();
    println!("close {N} pages: {:.3} s", start.elapsed().as_secs_f64());
}

fn tokens(c: &mut Criterion) {
    let app = Application::new().unwrap();
    let svc = app.token_service();
    let token = svc
        .issue(
            "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210",
        )
        .unwrap();
    let mut g = c.benchmark_group("token");
    g.throughput(Throughput::Elements(1));
    g.bench_function("issue", |b| {
        b.iter(|| {
            svc.issue(
                black_box("0123456789abcdef0123456789abcdef"),
                black_box("fedcba9876543210"),
            )
            .unwrap()
        })
    });
    g.bench_function("verify", |b| {
        b.iter(|| svc.verify(black_box(&token)).unwrap())
    });
    let page = app
        .new_page(&common::todo_template(), common::todo(1, 5))
        .unwrap();
    let page_token = page.token();
    g.bench_function("get_page", |b| {
        b.iter(|| app.get_page(black_box(&page_token)).unwrap())
    });
    g.finish();
}

fn updates(c: &mut Criterion) {
    let app = Application::new().unwrap();
    let page = app
        .new_page(&common::todo_template(), common::todo(1, 20))
        .unwrap();
    page.render_tree().unwrap();
    let a = common::todo(1, 20);
    let mut b_data = common::todo(1, 20);
    b_data.items[7].done = !b_data.items[7].done;
    let mut flip = false;
    c.bench_function("page/render_fragments (todo, 20 items, 1 change)", |b| {
        b.iter(|| {
            flip = !flip;
            page.render_fragments(if flip { &b_data } else { &a })
                .unwrap()
        })
    });
}

fn main() {
    memory_per_page();
    create_100k_pages();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    tokens(&mut c);
    updates(&mut c);
    c.final_summary();
}
