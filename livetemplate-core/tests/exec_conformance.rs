//! Developer harness: runs the text-mode cases of the shared Go conformance
//! corpus through parse + exec and reports the pass rate. Ignored by default
//! (the corpus lives outside the repository):
//!
//! ```text
//! cargo test -p livetemplate-core --test exec_conformance -- --ignored --nocapture
//! ```

use std::collections::BTreeMap;

use livetemplate_core::exec::{Exec, ExecOptions};
use livetemplate_core::funcs::{FuncMap, oracle_helpers};
use livetemplate_core::parse::{ParseOptions, TemplateSet, parse};
use livetemplate_core::value::Value;

const CORPUS: &str = "/work/shared/conformance/go_cases.json";

fn run(case: &serde_json::Value) -> Result<String, String> {
    let s = |k: &str| case.get(k).and_then(|v| v.as_str());
    let name = s("name").unwrap_or("main");
    let helpers = oracle_helpers();
    let mut funcs = FuncMap::builtins();
    for f in case
        .get("funcs")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let n = f.as_str().unwrap();
        funcs.insert(n, helpers.user(n).unwrap().clone());
    }
    let is_func = |n: &str| funcs.is_func(n);
    let delims: Vec<&str> = case
        .get("delims")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .collect();
    let mut popts = ParseOptions::new(&is_func);
    if delims.len() == 2 {
        popts = popts.with_delims(delims[0], delims[1]);
    }
    let mut set = TemplateSet::new();
    let trees = parse(name, s("template").unwrap_or(""), &popts).map_err(|e| e.message)?;
    set.add_parsed(trees).map_err(|e| e.message)?;
    let defines: BTreeMap<String, String> = case
        .get("defines")
        .and_then(|v| v.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default();
    for (n, src) in &defines {
        let trees = parse(n, src, &popts).map_err(|e| e.message)?;
        set.add_parsed(trees).map_err(|e| e.message)?;
    }
    if case.get("parse_only").and_then(|v| v.as_bool()) == Some(true) {
        return Ok(String::new());
    }
    let opts: Vec<String> = case
        .get("options")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .map(|o| o.as_str().unwrap().to_string())
        .collect();
    let opts = ExecOptions::from_options(&opts).map_err(|e| e.message)?;
    let data = match case.get("data") {
        None | Some(serde_json::Value::Null) => Value::Nil,
        Some(d) => {
            let text = d.to_string();
            if case.get("untyped").and_then(|v| v.as_bool()) == Some(true) {
                Value::from_json_untyped(&text)
            } else {
                Value::from_json(&text)
            }
            .map_err(|e| format!("bad data: {}", e.message))?
        }
    };
    let entry = s("entry").unwrap_or(name);
    if case["mode"] == "html" {
        set = livetemplate_core::escape::escape_set(&set, entry).map_err(|e| e.message)?;
    }
    let exec = Exec::new(&set, &funcs).options(opts).root_name(name);
    let mut out = String::new();
    exec.execute(entry, &data, &mut out)
        .map_err(|e| e.message)?;
    Ok(out)
}

#[test]
#[ignore]
fn text_cases() {
    run_mode("text");
}

#[test]
#[ignore]
fn html_cases() {
    run_mode("html");
}

fn run_mode(mode: &str) {
    let corpus = std::env::var("EXEC_CORPUS").unwrap_or_else(|_| CORPUS.to_string());
    let Ok(text) = std::fs::read_to_string(&corpus) else {
        eprintln!("corpus not found at {corpus}");
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let (mut pass, mut total) = (0, 0);
    let only = std::env::var("CASE").ok();
    for case in cases.iter().filter(|c| c["mode"] == mode) {
        let id = case["id"].as_str().unwrap();
        if only.as_deref().is_some_and(|o| !id.contains(o)) {
            continue;
        }
        total += 1;
        let got = std::panic::catch_unwind(|| run(case)).unwrap_or_else(|_| Err("PANIC".into()));
        let ok = match case["check"].as_str().unwrap() {
            "output" => got.as_deref() == Ok(case["expected"].as_str().unwrap_or("")),
            "no_error" => got.is_ok(),
            _ => match &got {
                Ok(_) => false,
                Err(e) => case["oracle_error"].as_str().is_none_or(|want| e == want),
            },
        };
        if ok {
            pass += 1;
        } else {
            println!(
                "FAIL {id}\n  template: {:?}\n  want: {:?} {:?}\n  got:  {:?}",
                case["template"].as_str().unwrap(),
                case["expected"],
                case["oracle_error"],
                got
            );
        }
    }
    println!("{mode} cases: {pass}/{total} pass");
}
