//! Throwaway harness: escaper chains vs the Go corpus. Not committed.
use livetemplate_core::escape::{escape_set, explain};
use livetemplate_core::parse::{ParseOptions, TemplateSet, parse};
use serde_json::Value as J;

#[test]
#[ignore]
fn corpus() {
    let data = std::fs::read_to_string("/work/shared/conformance/go_cases.json").unwrap();
    let cases: Vec<J> = serde_json::from_str(&data).unwrap();
    let builtins = [
        "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
        "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
    ];
    let (mut ok, mut bad, mut skipped) = (0, 0, 0);
    let only = std::env::var("ONLY").ok();
    for c in &cases {
        if c["mode"] != "html" {
            continue;
        }
        let id = c["id"].as_str().unwrap();
        if let Some(o) = &only {
            if !id.contains(o.as_str()) {
                continue;
            }
        }
        let funcs: Vec<String> = c["funcs"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        let is_func = |n: &str| builtins.contains(&n) || funcs.iter().any(|f| f == n);
        let name = c["name"].as_str().unwrap_or("main");
        let delims: Vec<String> = c["delims"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        let (l, r) = if delims.len() == 2 {
            (delims[0].as_str(), delims[1].as_str())
        } else {
            ("", "")
        };
        let opts = ParseOptions::new(&is_func).with_delims(l, r);
        let mut set = TemplateSet::new();
        let mut perr = None;
        match parse(name, c["template"].as_str().unwrap(), &opts) {
            Ok(t) => {
                let _ = set.add_parsed(t);
            }
            Err(e) => perr = Some(e.message),
        }
        if let Some(d) = c["defines"].as_object() {
            let mut names: Vec<&String> = d.keys().collect();
            names.sort();
            for n in names {
                match parse(n, d[n].as_str().unwrap(), &opts) {
                    Ok(t) => {
                        let _ = set.add_parsed(t);
                    }
                    Err(e) => {
                        if perr.is_none() {
                            perr = Some(e.message)
                        }
                    }
                }
            }
        }
        if perr.is_some() || c["parse_only"] == true {
            skipped += 1;
            continue;
        }
        let entry = c["entry"].as_str().unwrap_or(name);
        let oracle_err = c["oracle_error"].as_str().unwrap_or("");
        let want_escape_err = oracle_err.starts_with("html/template");
        match escape_set(&set, entry) {
            Ok(out) => {
                if want_escape_err {
                    bad += 1;
                    println!(
                        "MISSING ERROR {id}: {:?}\n   want {oracle_err}",
                        c["template"]
                    );
                    continue;
                }
                let got = explain(&out);
                let want: Vec<String> = c["go_escaped_actions"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default();

                if got == want {
                    ok += 1
                } else {
                    bad += 1;
                    println!(
                        "CHAIN {id}: {:?}\n   got  {got:?}\n   want {want:?}",
                        c["template"]
                    );
                }
            }
            Err(e) => {
                if e.message == oracle_err {
                    ok += 1
                } else {
                    bad += 1;
                    println!(
                        "ERROR {id}: {:?}\n   got  {}\n   want {oracle_err}",
                        c["template"], e.message
                    );
                }
            }
        }
    }
    println!("ok {ok} bad {bad} skipped {skipped}");
}
