//! `livetemplate render`: print what Go prints for a template and data.

use std::io::Write;
use std::process::ExitCode;

use livetemplate_core::{Mode, Template};

use crate::args::Args;
use crate::data::{read_data, read_source};

/// Runs `render [--text] [--name NAME] [--define NAME=FILE]... TEMPLATE DATA.json`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["text"], &["name", "define"])?;
    let [template_path, data_path] = args.positional.as_slice() else {
        return Err("render needs TEMPLATE and DATA.json".into());
    };
    let mode = if args.has("text") {
        Mode::Text
    } else {
        Mode::Html
    };
    let name = args.get("name").unwrap_or("main");
    let mut tpl = Template::new(name, mode);
    let source = read_source(template_path)?;
    if let Err(e) = tpl.parse(&source) {
        eprintln!("{e}");
        return Ok(ExitCode::FAILURE);
    }
    for def in args.all("define") {
        let (def_name, file) = def
            .split_once('=')
            .ok_or_else(|| format!("--define wants NAME=FILE, got {def:?}"))?;
        let src = read_source(file)?;
        if let Err(e) = tpl.parse_named(def_name, &src) {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    }
    let data = read_data(data_path)?;
    let compiled = match tpl.compile(name) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match compiled.execute(&data) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(out.as_bytes())
                .map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(failure.partial.as_bytes())
                .map_err(|e| e.to_string())?;
            eprintln!("{}", failure.error);
            Ok(ExitCode::FAILURE)
        }
    }
}
