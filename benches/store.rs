//! Page-store benchmarks: resume latency (a process that has never seen the
//! page opens it from its token) and update throughput (`render_fragments`
//! on one page), for the in-process registry (no store), the in-process
//! `MemoryStore` (the serialization cost alone) and Redis (feature `redis`,
//! server at `LIVETEMPLATE_TEST_REDIS_URL`).
//!
//! Run: `LIVETEMPLATE_TEST_REDIS_URL=redis://127.0.0.1:6379 cargo bench -p livetemplate --features redis --bench store`

#[path = "../tests/store_suite/mod.rs"]
mod store_suite;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use livetemplate::{Application, MemoryStore, PageStore, SigningKey, Template};
use store_suite::{TODO, todo};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32]).unwrap()
}

fn app(id: &str, store: Option<Arc<dyn PageStore>>, t: &Template) -> Application {
    let mut b = Application::builder()
        .id(id)
        .signing_key(key())
        .max_pages(100_000);
    if let Some(s) = store {
        b = b.store(s);
    }
    let a = b.build().unwrap();
    a.register_template(t);
    a
}

struct Stats {
    p50: Duration,
    p99: Duration,
    mean: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let n = samples.len();
    let total: Duration = samples.iter().sum();
    Stats {
        p50: samples[n / 2],
        p99: samples[(n * 99 / 100).min(n - 1)],
        mean: total / n as u32,
    }
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Resume: get_page on an application that holds no copy of the page.
fn resume(name: &str, store: Option<Arc<dyn PageStore>>, items: u64, n: usize) {
    let t = Template::html("todo", TODO).unwrap();
    let id = format!("bench-{}-{name}", std::process::id());
    let a = app(&id, store.clone(), &t);
    let page = a.new_page(&t, todo(items, "bench")).unwrap();
    page.render_tree().unwrap();
    let token = page.token();
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        // A fresh "process" each time (built outside the timing). Without
        // a store the page can only be reopened where it lives.
        let b = if store.is_some() {
            app(&id, store.clone(), &t)
        } else {
            a.clone()
        };
        let start = Instant::now();
        let p = b.get_page(&token).unwrap();
        samples.push(start.elapsed());
        black_box(p);
    }
    let s = stats(samples);
    println!(
        "resume  {name:<10} {items:>3} items: mean {}  p50 {}  p99 {}",
        us(s.mean),
        us(s.p50),
        us(s.p99)
    );
    page.close();
}

/// Updates: render_fragments alternating two data sets (every call diffs).
fn updates(name: &str, store: Option<Arc<dyn PageStore>>, items: u64, n: usize) {
    let t = Template::html("todo", TODO).unwrap();
    let id = format!("bench-{}-{name}-u", std::process::id());
    let a = app(&id, store, &t);
    let page = a.new_page(&t, todo(items, "bench")).unwrap();
    page.render_tree().unwrap();
    let data = [todo(items, "even"), todo(items, "odd")];
    let mut samples = Vec::with_capacity(n);
    let all = Instant::now();
    for i in 0..n {
        let start = Instant::now();
        black_box(page.render_fragments(&data[i % 2]).unwrap());
        samples.push(start.elapsed());
    }
    let total = all.elapsed();
    let s = stats(samples);
    println!(
        "update  {name:<10} {items:>3} items: {:>8.0} updates/s  p50 {}  p99 {}",
        n as f64 / total.as_secs_f64(),
        us(s.p50),
        us(s.p99)
    );
    page.close();
}

/// Two applications updating one page at once (compare-and-set conflicts).
fn contended(name: &str, store: Arc<dyn PageStore>, items: u64, per_app: usize) {
    let t = Template::html("todo", TODO).unwrap();
    let id = format!("bench-{}-{name}-c", std::process::id());
    let a = app(&id, Some(Arc::clone(&store)), &t);
    let b = app(&id, Some(store), &t);
    let page = a.new_page(&t, todo(items, "bench")).unwrap();
    page.render_tree().unwrap();
    let pb = b.get_page(&page.token()).unwrap();
    let start = Instant::now();
    let hs: Vec<_> = [page.clone(), pb]
        .into_iter()
        .enumerate()
        .map(|(w, p)| {
            std::thread::spawn(move || {
                for i in 0..per_app {
                    p.render_fragments(todo(items, &format!("{w}-{i}")))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    let total = start.elapsed();
    println!(
        "update  {name:<10} {items:>3} items, 2 writers: {:>8.0} updates/s (final version {})",
        (2 * per_app) as f64 / total.as_secs_f64(),
        {
            page.reload().unwrap();
            page.version()
        }
    );
    page.close();
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (n_resume, n_update) = if quick { (20, 20) } else { (2_000, 5_000) };
    let memory: Arc<dyn PageStore> = Arc::new(MemoryStore::new());
    #[allow(unused_mut)]
    let mut stores: Vec<(&str, Option<Arc<dyn PageStore>>)> =
        vec![("in-process", None), ("memory", Some(memory))];
    #[cfg(feature = "redis")]
    match std::env::var("LIVETEMPLATE_TEST_REDIS_URL") {
        Ok(url) => {
            let s = livetemplate::RedisStore::open(&url).unwrap();
            s.ping().unwrap();
            stores.push(("redis", Some(Arc::new(s))));
        }
        Err(_) => println!("(redis: set LIVETEMPLATE_TEST_REDIS_URL to include it)"),
    }
    #[cfg(not(feature = "redis"))]
    println!("(redis: build with --features redis to include it)");
    for items in [5, 50] {
        for (name, s) in &stores {
            resume(name, s.clone(), items, n_resume);
        }
        for (name, s) in &stores {
            updates(name, s.clone(), items, n_update);
        }
        for (name, s) in &stores {
            if let Some(s) = s {
                contended(name, Arc::clone(s), items, n_update / 2);
            }
        }
    }
}
