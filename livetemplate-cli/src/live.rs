//! `livetemplate tree` and `livetemplate diff`: LiveView wire messages.

use std::process::ExitCode;

use livetemplate_core::program::Program;
use livetemplate_core::{Mode, Template};

use crate::args::Args;
use crate::data::{read_data, read_source};

fn program(args: &Args, template_path: &str) -> Result<Result<Program, String>, String> {
    let mode = if args.has("text") {
        Mode::Text
    } else {
        Mode::Html
    };
    let source = read_source(template_path)?;
    let mut tpl = Template::new("main", mode);
    Ok(tpl
        .parse(&source)
        .and_then(|()| tpl.compile("main"))
        .and_then(Program::new)
        .map_err(|e| e.to_string()))
}

/// Runs `tree [--text] TEMPLATE DATA.json`: the first render as JSON.
pub fn tree(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["text"], &[])?;
    let [template_path, data_path] = args.positional.as_slice() else {
        return Err("tree needs TEMPLATE and DATA.json".into());
    };
    let program = match program(&args, template_path)? {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let data = read_data(data_path)?;
    match program.render(&data) {
        Ok(r) => {
            println!("{}", program.first_render(&r));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Runs `diff [--text] TEMPLATE S0.json S1.json ...`: one JSON array
/// `[first_render, diff_1, ..., diff_n]`.
pub fn diff(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["text"], &[])?;
    let Some((template_path, states)) = args.positional.split_first() else {
        return Err("diff needs TEMPLATE and at least one STATE.json".into());
    };
    if states.is_empty() {
        return Err("diff needs at least one STATE.json".into());
    }
    let program = match program(&args, template_path)? {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut out = String::from("[");
    let mut held = None;
    for (i, path) in states.iter().enumerate() {
        let data = read_data(path)?;
        // As the server does: evaluate given the tree the client holds.
        let rendered = match held.as_ref().map_or_else(
            || program.render(&data),
            |old| program.render_update(old, &data),
        ) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                return Ok(ExitCode::FAILURE);
            }
        };
        if i > 0 {
            out.push(',');
        }
        match &mut held {
            None => {
                out.push_str(&program.first_render(&rendered));
                held = Some(rendered);
            }
            Some(h) => out.push_str(&Program::diff_into(h, rendered)),
        }
    }
    out.push(']');
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
