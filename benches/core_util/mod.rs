//! Shared by the core benches: a load-robust timing summary.
//!
//! The bench machine is shared, so besides criterion's statistics each core
//! bench prints, for every operation, the best per-call time over many short
//! batches run in interleaved rounds: the minimum is what the code costs when
//! it gets the CPU, and interleaving exposes all operations to the same load.

#![allow(dead_code)]

use std::time::{Duration, Instant};

/// One timed operation.
pub struct Op<'a> {
    /// Its label in the table.
    pub name: &'static str,
    /// The target, as text (`""` when none).
    pub target: &'static str,
    /// One call.
    pub f: Box<dyn FnMut() + 'a>,
}

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

/// Best time per call in ns of each op over `rounds` interleaved rounds of
/// ~2 ms batches.
pub fn best_times(ops: &mut [Op<'_>], rounds: usize) -> Vec<f64> {
    let batch = Duration::from_millis(2);
    let ns: Vec<u32> = ops
        .iter_mut()
        .map(|op| calibrate(&mut op.f, batch))
        .collect();
    let mut best = vec![f64::INFINITY; ops.len()];
    for _ in 0..rounds {
        for (k, op) in ops.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..ns[k] {
                (op.f)();
            }
            best[k] = best[k].min(t.elapsed().as_nanos() as f64 / f64::from(ns[k]));
        }
    }
    best
}

/// A duration in ns, in the unit that suits it.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Times `ops` and prints a Markdown table (operation, best time, target).
pub fn summary(title: &str, ops: &mut [Op<'_>]) {
    let best = best_times(ops, 60);
    println!("\n{title}\n\n| operation | best of 60 rounds | target |\n| --- | ---: | --- |");
    for (op, t) in ops.iter().zip(best) {
        println!("| {} | {} | {} |", op.name, fmt_ns(t), op.target);
    }
}

/// Whether only the summary was asked for (`-- --summary`).
pub fn summary_only() -> bool {
    std::env::args().any(|a| a == "--summary")
}
