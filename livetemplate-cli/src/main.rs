//! The `livetemplate` command: render Go templates exactly as Go does, print
//! LiveView trees and diffs, and run conformance case files.

mod args;
mod conformance;
mod data;
mod live;
mod render;

use std::process::ExitCode;

const USAGE: &str = "\
usage:
  livetemplate render [--text] [--name NAME] [--define NAME=FILE]... TEMPLATE DATA.json
  livetemplate tree [--text] TEMPLATE DATA.json
  livetemplate diff [--text] TEMPLATE STATE0.json STATE1.json ...
  livetemplate conformance [--floor N] [--verbose] [--chains] CASES.json
  livetemplate help";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match cmd.as_str() {
        "render" => render::run(rest),
        "conformance" => conformance::run(rest),
        "tree" => live::tree(rest),
        "diff" => live::diff(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("livetemplate: {msg}");
            ExitCode::from(2)
        }
    }
}
