//! `livetemplate conformance`: run a case file in the format of Go's
//! conformance corpus and report what agrees with real Go.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;

use livetemplate_core::funcs::{FuncMap, oracle_helpers};
use livetemplate_core::value::Value;
use livetemplate_core::{Mode, Template};
use serde::Deserialize;

use crate::args::Args;

/// One case of the corpus (see the corpus README for the fields).
#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    template: String,
    #[serde(default)]
    data: serde_json::Value,
    #[serde(default)]
    mode: Option<String>,
    check: String,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    expected_error_contains: Option<String>,
    #[serde(default)]
    constructs: Vec<String>,
    #[serde(default)]
    go_escaped_actions: Option<Vec<String>>,
    #[serde(default)]
    defines: BTreeMap<String, String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    entry: Option<String>,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    delims: Vec<String>,
    #[serde(default)]
    funcs: Vec<String>,
    #[serde(default)]
    parse_only: bool,
    #[serde(default)]
    untyped: bool,
}

/// What running a case produced.
#[derive(Debug)]
enum Outcome {
    Output(String),
    Error(String),
}

/// The result of one case: its verdict and, for html cases, our escaper chains.
struct Run {
    outcome: Outcome,
    chains: Option<Vec<String>>,
}

fn run_case(case: &Case) -> Run {
    let mode = match case.mode.as_deref() {
        Some("text") => Mode::Text,
        _ => Mode::Html,
    };
    let name = case.name.as_deref().unwrap_or("main");
    let err = |e: String| Run {
        outcome: Outcome::Error(e),
        chains: None,
    };
    let mut funcs = FuncMap::builtins();
    let helpers = oracle_helpers();
    for f in &case.funcs {
        match helpers.user(f) {
            Some(func) => {
                funcs.insert(f.as_str(), func.clone());
            }
            None => return err(format!("unknown helper func {f:?}")),
        }
    }
    let mut tpl = Template::new(name, mode).with_funcs(funcs);
    match case.delims.as_slice() {
        [] => {}
        [l, r] => tpl = tpl.with_delims(l, r),
        _ => return err("delims must have two elements".into()),
    }
    for opt in &case.options {
        if let Err(e) = tpl.set_option(opt) {
            return err(e.to_string());
        }
    }
    if let Err(e) = tpl.parse(&case.template) {
        return err(e.to_string());
    }
    for (n, src) in &case.defines {
        if let Err(e) = tpl.parse_named(n, src) {
            return err(e.to_string());
        }
    }
    if case.parse_only {
        return Run {
            outcome: Outcome::Output(String::new()),
            chains: None,
        };
    }
    let data_text = case.data.to_string();
    let data = if case.untyped {
        Value::from_json_untyped(&data_text)
    } else {
        Value::from_json(&data_text)
    };
    let data = match data {
        Ok(d) => d,
        Err(e) => return err(format!("bad data: {e}")),
    };
    let entry = case.entry.as_deref().unwrap_or(name);
    let compiled = match tpl.compile(entry) {
        Ok(c) => c,
        Err(e) => return err(e.to_string()),
    };
    let chains = (mode == Mode::Html).then(|| compiled.explain());
    let outcome = match compiled.execute(&data) {
        Ok(out) => Outcome::Output(out),
        Err(f) => Outcome::Error(f.error.to_string()),
    };
    Run { outcome, chains }
}

/// Judges `run` against the case: `None` when it passes, else the reason.
fn judge(case: &Case, outcome: &Outcome) -> Option<String> {
    match (case.check.as_str(), outcome) {
        ("output", Outcome::Output(out)) => {
            let want = case.expected.as_deref().unwrap_or("");
            (out != want).then(|| format!("output {} want {}", excerpt(out), excerpt(want)))
        }
        ("output", Outcome::Error(e)) | ("no_error", Outcome::Error(e)) => {
            Some(format!("unexpected error: {}", excerpt(e)))
        }
        ("no_error", Outcome::Output(_)) => None,
        ("error", Outcome::Output(out)) => Some(format!("no error; output {}", excerpt(out))),
        ("error", Outcome::Error(e)) => match &case.expected_error_contains {
            Some(want) if !e.contains(want.as_str()) => {
                Some(format!("error {} lacks {}", excerpt(e), excerpt(want)))
            }
            _ => None,
        },
        (other, _) => Some(format!("unknown check {other:?}")),
    }
}

fn excerpt(s: &str) -> String {
    const MAX: usize = 160;
    if s.len() <= MAX {
        return format!("{s:?}");
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}...", &s[..end])
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

/// Runs `conformance [--floor N] [--verbose] [--chains] [--mode html|text] [-k SUBSTR] CASES.json`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["verbose", "chains"], &["floor", "mode", "filter"])?;
    let [path] = args.positional.as_slice() else {
        return Err("conformance needs one CASES.json".into());
    };
    let floor: Option<usize> = match args.get("floor") {
        Some(f) => Some(
            f.parse()
                .map_err(|_| format!("--floor wants a number, got {f:?}"))?,
        ),
        None => None,
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let cases: Vec<Case> = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let mode_filter = args.get("mode");
    let id_filter = args.get("filter");

    let mut total = Tally::default();
    let mut by_mode: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_tag: BTreeMap<String, Tally> = BTreeMap::new();
    let mut chains_equal = 0usize;
    let mut chains_checked = 0usize;
    for case in &cases {
        let mode = case.mode.clone().unwrap_or_else(|| "html".into());
        if mode_filter.is_some_and(|m| m != mode) || id_filter.is_some_and(|f| !case.id.contains(f))
        {
            continue;
        }
        let run = catch_unwind(AssertUnwindSafe(|| run_case(case))).unwrap_or_else(|_| Run {
            outcome: Outcome::Error("PANIC".into()),
            chains: None,
        });
        let verdict = match &run.outcome {
            Outcome::Error(e) if e == "PANIC" => Some("panicked".to_string()),
            o => judge(case, o),
        };
        if let (Some(want), Some(ours)) = (&case.go_escaped_actions, &run.chains) {
            chains_checked += 1;
            if want == ours {
                chains_equal += 1;
            } else if args.has("chains") {
                println!("CHAIN {}: ours {:?} go {:?}", case.id, ours, want);
            }
        }
        let ok = verdict.is_none();
        for tally in [&mut total, by_mode.entry(mode).or_default()] {
            if ok {
                tally.passed += 1
            } else {
                tally.failed += 1
            }
        }
        for tag in &case.constructs {
            let t = by_tag.entry(tag.clone()).or_default();
            if ok { t.passed += 1 } else { t.failed += 1 }
        }
        if let Some(reason) = verdict {
            println!("FAIL {}: {reason}", case.id);
            if args.has("verbose") {
                println!("     template: {}", excerpt(&case.template));
            }
        }
    }
    println!();
    println!("pass rate by construct:");
    for (tag, t) in &by_tag {
        let n = t.passed + t.failed;
        println!(
            "  {tag:<28} {:>4}/{:<4} {:>5.1}%",
            t.passed,
            n,
            100.0 * t.passed as f64 / n as f64
        );
    }
    for (mode, t) in &by_mode {
        println!("{mode} mode: {} passed, {} failed", t.passed, t.failed);
    }
    if chains_checked > 0 {
        println!("escaper chains equal to Go's: {chains_equal} of {chains_checked} html cases");
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    let ok = match floor {
        Some(f) => total.passed >= f,
        None => total.failed == 0,
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
