//! The front door: parse a set of templates, compile (escape) an entry point,
//! execute it. Mirrors Go's `template.New(name).Delims(..).Funcs(..).Parse(..)`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, ErrorKind, Result};
use crate::exec::{self, ExecOptions};
use crate::funcs::FuncMap;
use crate::parse::{self, ParseOptions, TemplateSet};
use crate::value::Value;

/// Which of Go's template packages to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `html/template`: contextual auto-escaping.
    Html,
    /// `text/template`: no escaping.
    Text,
}

/// A namespace of parsed templates, before compilation.
///
/// ```
/// use livetemplate_core::{Mode, Template, value::Value};
/// let mut t = Template::new("main", Mode::Html);
/// t.parse("<p>{{.}}</p>").unwrap();
/// let page = t.compile("main").unwrap();
/// assert_eq!(page.execute(&Value::from("<b>")).unwrap(), "<p>&lt;b&gt;</p>");
/// ```
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    mode: Mode,
    left: String,
    right: String,
    funcs: Arc<FuncMap>,
    options: ExecOptions,
    set: TemplateSet,
}

/// An execution failure: the error and the output written before it.
#[derive(Debug, Clone)]
pub struct ExecFailure {
    /// What went wrong.
    pub error: Error,
    /// What had been written when it happened.
    pub partial: String,
}

impl Template {
    /// An empty template namespace whose main template is `name`.
    pub fn new(name: &str, mode: Mode) -> Self {
        Template {
            name: name.to_string(),
            mode,
            left: String::new(),
            right: String::new(),
            funcs: Arc::new(FuncMap::builtins()),
            options: ExecOptions::default(),
            set: TemplateSet::new(),
        }
    }

    /// Uses `left`/`right` as action delimiters (empty strings mean `{{` and `}}`).
    pub fn with_delims(mut self, left: &str, right: &str) -> Self {
        self.left = left.to_string();
        self.right = right.to_string();
        self
    }

    /// Uses `funcs` as the function map (it should include the builtins).
    pub fn with_funcs(mut self, funcs: FuncMap) -> Self {
        self.funcs = Arc::new(funcs);
        self
    }

    /// Sets an option as Go's `Template.Option` does, e.g. `missingkey=zero`.
    pub fn set_option(&mut self, option: &str) -> Result<()> {
        self.options.apply(option)
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The parsed templates.
    pub fn set(&self) -> &TemplateSet {
        &self.set
    }

    /// Parses `source` as the main template (and the templates it defines).
    pub fn parse(&mut self, source: &str) -> Result<()> {
        let name = self.name.clone();
        self.parse_named(&name, source)
    }

    /// Parses `source` as template `name` (Go's `t.New(name).Parse(source)`).
    pub fn parse_named(&mut self, name: &str, source: &str) -> Result<()> {
        let funcs = Arc::clone(&self.funcs);
        let is_func = move |f: &str| funcs.is_func(f);
        let mut opts = ParseOptions::new(&is_func);
        opts.left_delim = &self.left;
        opts.right_delim = &self.right;
        let trees = parse::parse(name, source, &opts)?;
        self.set.add_parsed(trees)
    }

    /// Compiles the template `entry` for execution: in html mode this runs the
    /// contextual escaping pass (once, here, never at render time).
    pub fn compile(&self, entry: &str) -> Result<Compiled> {
        let set = match self.mode {
            Mode::Text => {
                if self.set.get(entry).is_none() {
                    return Err(Error::new(
                        ErrorKind::Exec,
                        format!(
                            "template: no template {entry:?} associated with template {:?}",
                            self.name
                        ),
                    ));
                }
                self.set.clone()
            }
            Mode::Html => crate::escape::escape_set(&self.set, entry)?,
        };
        let entry_len = set.get(entry).map_or(0, |t| t.source.len());
        Ok(Compiled {
            mode: self.mode,
            entry: entry.to_string(),
            set: Arc::new(set),
            funcs: Arc::clone(&self.funcs),
            options: self.options.clone(),
            size_hint: Arc::new(AtomicUsize::new(0)),
            entry_len,
        })
    }
}

/// A compiled entry point: parsed, checked and (in html mode) escaped.
#[derive(Debug, Clone)]
pub struct Compiled {
    mode: Mode,
    entry: String,
    set: Arc<TemplateSet>,
    funcs: Arc<FuncMap>,
    options: ExecOptions,
    /// Room to reserve for the next output: the last output's length and a
    /// little more (shared by clones; 0 before the first execution).
    size_hint: Arc<AtomicUsize>,
    /// The entry template's source length (what the executor reserves).
    entry_len: usize,
}

impl Compiled {
    /// The mode it was compiled in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The entry template's name.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// The compiled (escaped) templates.
    pub fn set(&self) -> &TemplateSet {
        &self.set
    }

    /// The function map.
    pub fn funcs(&self) -> &FuncMap {
        &self.funcs
    }

    /// The execution options.
    pub fn options(&self) -> &ExecOptions {
        &self.options
    }

    /// Executes over `data` and returns the output.
    pub fn execute(&self, data: &Value) -> std::result::Result<String, ExecFailure> {
        let mut out = String::new();
        match self.execute_into(data, &mut out) {
            Ok(()) => Ok(out),
            Err(error) => Err(ExecFailure {
                error,
                partial: out,
            }),
        }
    }

    /// Executes over `data`, appending to `out`.
    pub fn execute_into(&self, data: &Value, out: &mut String) -> Result<()> {
        // A page re-rendered with new data keeps about the same size: room
        // for it is made at once, so the output is not regrown (and copied)
        // while it is written.
        let start = out.len();
        out.reserve(self.size_hint.load(Ordering::Relaxed).max(self.entry_len));
        exec::Exec::new(&self.set, &self.funcs)
            .options(self.options.clone())
            .execute(&self.entry, data, out)?;
        let len = out.len() - start;
        self.size_hint.store(len + len / 8, Ordering::Relaxed);
        Ok(())
    }

    /// Every action after escaping, in Go's notation (`main: .X | _html_template_htmlescaper`),
    /// sorted by template name as the oracle's `explain` does.
    pub fn explain(&self) -> Vec<String> {
        crate::escape::explain(&self.set)
    }
}
