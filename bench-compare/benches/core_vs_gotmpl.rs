//! The speed bar: render the scenario pages (`../benches/scenarios/*.json`,
//! copied from the LiveView scenario suite: template, first state, Go's
//! output) with livetemplate-core and with the `gotmpl` crate, side by side
//! in one run.
//!
//! Every engine's output is first checked against Go's; a scenario that an
//! engine cannot render exactly is reported and left out of the geomean for
//! both. After the criterion groups, an interleaved timing loop (both
//! engines alternately, best of 40 rounds of ~2 ms batches) prints the per-scenario
//! table and the geomeans.
//!
//! Run: `cargo bench --manifest-path bench-compare/Cargo.toml`
//! (add `-- --summary` to skip criterion and print only the table).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use livetemplate_core::program::Program;
use livetemplate_core::value::Value;
use livetemplate_core::{Compiled, Mode, Template};

struct Scenario {
    id: String,
    text: bool,
    data_json: String,
    expected: String,
    ours: Compiled,
    program: Program,
    data: Value,
    gotmpl: Option<Gotmpl>,
}

enum GoEngine {
    Html(gotmpl::html::Template),
    Text(gotmpl::Template),
}

struct Gotmpl {
    engine: GoEngine,
    data: gotmpl::Value,
}

impl Gotmpl {
    fn render(&self) -> gotmpl::Result<String> {
        match &self.engine {
            GoEngine::Html(t) => t.execute_to_string(&self.data),
            GoEngine::Text(t) => t.execute_to_string(&self.data),
        }
    }
}

fn load_gotmpl(text: bool, source: &str, data: &serde_json::Value) -> Result<Gotmpl, String> {
    let data = gotmpl::to_value(data).map_err(|e| format!("data: {e}"))?;
    let engine = if text {
        GoEngine::Text(
            gotmpl::Template::new("main")
                .parse(source)
                .map_err(|e| e.to_string())?,
        )
    } else {
        GoEngine::Html(
            gotmpl::html::Template::new("main")
                .parse(source)
                .map_err(|e| e.to_string())?,
        )
    };
    Ok(Gotmpl { engine, data })
}

fn load() -> Vec<Scenario> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("benches/scenarios")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let id = json["id"].as_str().unwrap().to_string();
        let text = json["mode"] == "text";
        let source = json["template"].as_str().unwrap();
        let expected = json["expected"].as_str().unwrap().to_string();
        let data_json = json["data"].to_string();
        let mut t = Template::new("main", if text { Mode::Text } else { Mode::Html });
        t.parse(source).unwrap();
        let ours = t.compile("main").unwrap();
        let program = Program::new(ours.clone()).unwrap();
        let data = Value::from_json(&data_json).unwrap();
        assert_eq!(ours.execute(&data).unwrap(), expected, "{id}: ours");
        assert_eq!(
            program.render(&data).unwrap().to_html(),
            expected,
            "{id}: ours (tree)"
        );
        let gotmpl = match load_gotmpl(text, source, &json["data"]) {
            Ok(g) => match g.render() {
                Ok(s) if s == expected => Some(g),
                Ok(s) => {
                    let at = s
                        .bytes()
                        .zip(expected.bytes())
                        .position(|(a, b)| a != b)
                        .unwrap_or(s.len().min(expected.len()));
                    let lo = at.saturating_sub(30);
                    println!(
                        "EXCLUDED {id}: gotmpl output differs from Go's at byte {at}: gotmpl {:?} / Go {:?}",
                        s.get(lo..(at + 30).min(s.len())).unwrap_or(""),
                        expected
                            .get(lo..(at + 30).min(expected.len()))
                            .unwrap_or("")
                    );
                    None
                }
                Err(e) => {
                    println!("EXCLUDED {id}: gotmpl execute error: {e}");
                    None
                }
            },
            Err(e) => {
                println!("EXCLUDED {id}: gotmpl: {e}");
                None
            }
        };
        out.push(Scenario {
            id,
            text,
            data_json,
            expected,
            ours,
            program,
            data,
            gotmpl,
        });
    }
    out
}

/// Calls of `f` that take about `target`.
fn calibrate(f: &mut dyn FnMut(), target: Duration) -> u32 {
    let mut n = 1u32;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        if t.elapsed() >= target || n >= 1 << 24 {
            return n;
        }
        n *= 2;
    }
}

/// Time per call in ns of each of `fs`, measured in interleaved rounds
/// (each round runs every function once, in turn, for a short batch) and
/// keeping the best batch of each: on a shared, busy machine the minimum is
/// the most stable estimate, and interleaving exposes all engines to the
/// same load.
fn time_interleaved(fs: &mut [&mut dyn FnMut()], rounds: usize) -> Vec<f64> {
    let batch = Duration::from_millis(2);
    let ns: Vec<u32> = fs.iter_mut().map(|f| calibrate(*f, batch)).collect();
    let mut best = vec![f64::INFINITY; fs.len()];
    for _ in 0..rounds {
        for (k, f) in fs.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..ns[k] {
                f();
            }
            best[k] = best[k].min(t.elapsed().as_nanos() as f64 / f64::from(ns[k]));
        }
    }
    best
}

fn geomean(xs: &[f64]) -> f64 {
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

fn summary(scenarios: &[Scenario]) {
    println!(
        "\n| scenario | mode | output bytes | ours execute (µs) | ours render tree (µs) | gotmpl (µs) | gotmpl / ours |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    let (mut ours_v, mut tree_v, mut go_v, mut ours_all, mut tree_all) =
        (vec![], vec![], vec![], vec![], vec![]);
    for s in scenarios {
        let mut ours_f = || {
            black_box(s.ours.execute(black_box(&s.data)).unwrap());
        };
        let mut tree_f = || {
            black_box(s.program.render(black_box(&s.data)).unwrap());
        };
        let (ours, tree, go) = match &s.gotmpl {
            Some(g) => {
                let mut go_f = || {
                    black_box(g.render().unwrap());
                };
                let t = time_interleaved(&mut [&mut ours_f, &mut tree_f, &mut go_f], 40);
                (t[0], t[1], Some(t[2]))
            }
            None => {
                let t = time_interleaved(&mut [&mut ours_f, &mut tree_f], 40);
                (t[0], t[1], None)
            }
        };
        ours_all.push(ours);
        tree_all.push(tree);
        let (go_s, ratio) = match go {
            Some(go) => {
                ours_v.push(ours);
                tree_v.push(tree);
                go_v.push(go);
                (format!("{:.2}", go / 1e3), format!("{:.2}x", go / ours))
            }
            None => ("excluded".into(), "-".into()),
        };
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {} | {} |",
            s.id,
            if s.text { "text" } else { "html" },
            s.expected.len(),
            ours / 1e3,
            tree / 1e3,
            go_s,
            ratio
        );
    }
    let (o, t, g) = (geomean(&ours_v), geomean(&tree_v), geomean(&go_v));
    println!(
        "\ngeomean over the {} scenarios gotmpl renders exactly: ours execute {:.2} µs, ours render tree {:.2} µs, gotmpl {:.2} µs; gotmpl / ours = {:.2}x (execute), {:.2}x (tree)",
        go_v.len(),
        o / 1e3,
        t / 1e3,
        g / 1e3,
        g / o,
        g / t
    );
    println!(
        "geomean over all {} scenarios: ours execute {:.2} µs, ours render tree {:.2} µs",
        scenarios.len(),
        geomean(&ours_all) / 1e3,
        geomean(&tree_all) / 1e3
    );
}

fn main() {
    let scenarios = load();
    let only_summary = std::env::args().any(|a| a == "--summary");
    if !only_summary {
        let mut c = Criterion::default()
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .configure_from_args();
        for s in &scenarios {
            let mut g = c.benchmark_group(format!("scenario/{}", s.id));
            g.bench_function("ours execute", |b| {
                b.iter(|| s.ours.execute(black_box(&s.data)).unwrap())
            });
            g.bench_function("ours render tree", |b| {
                b.iter(|| s.program.render(black_box(&s.data)).unwrap())
            });
            if let Some(go) = &s.gotmpl {
                g.bench_function("gotmpl", |b| b.iter(|| go.render().unwrap()));
            }
            g.finish();
        }
        c.final_summary();
    }
    let _ = scenarios.iter().map(|s| s.data_json.len()).sum::<usize>();
    summary(&scenarios);
}
