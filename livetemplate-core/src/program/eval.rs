//! A compiled program and its evaluation over data.

use crate::error::Result;
use crate::exec::Exec;
use crate::template::{Compiled, Mode};
use crate::value::Value;
use crate::wire::{self, Rendered};

use super::compile::{Block, BlockId, compile};

/// A template compiled into a slot tree, ready to render trees and diffs.
///
/// ```
/// use livetemplate_core::{Mode, Template, program::Program, value::Value};
/// let mut t = Template::new("main", Mode::Html);
/// t.parse("<p>{{.}}</p>").unwrap();
/// let program = Program::new(t.compile("main").unwrap()).unwrap();
/// let before = program.render(&Value::from("a")).unwrap();
/// let after = program.render(&Value::from("b")).unwrap();
/// assert_eq!(program.first_render(&before), r#"{"s":["<p>","</p>"],"0":"a"}"#);
/// assert_eq!(Program::diff(&before, &after), r#"{"0":"b"}"#);
/// ```
#[derive(Debug)]
pub struct Program {
    compiled: Compiled,
    blocks: Vec<Block>,
    root: BlockId,
}

impl Program {
    /// Compiles the slot tree of a compiled (parsed and escaped) template.
    pub fn new(compiled: Compiled) -> Result<Program> {
        let (blocks, root) = compile(compiled.set(), compiled.entry())?;
        Ok(Program {
            compiled,
            blocks,
            root,
        })
    }

    /// The compiled template this program was built from.
    pub fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// The mode (html or text).
    pub fn mode(&self) -> Mode {
        self.compiled.mode()
    }

    /// The blocks; index with a [`BlockId`].
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The root block.
    pub fn root(&self) -> BlockId {
        self.root
    }

    /// Evaluates every slot over `data`.
    pub fn render(&self, data: &Value) -> Result<Rendered> {
        let set = self.compiled.set();
        let exec = Exec::new(set, self.compiled.funcs()).options(self.compiled.options().clone());
        let tree = exec.lookup(self.compiled.entry())?;
        let mut state = exec.state(tree, data);
        state.build_root(&self.blocks, self.root, data)
    }

    /// The HTML for `data` (the interpreter's direct output; equal to
    /// `self.render(data)?.to_html()`).
    pub fn render_html(&self, data: &Value) -> Result<String> {
        let mut out = String::new();
        self.compiled.execute_into(data, &mut out)?;
        Ok(out)
    }

    /// The first-render wire JSON of a rendered tree.
    pub fn first_render(&self, rendered: &Rendered) -> String {
        wire::first_render(rendered)
    }

    /// The diff taking a client from `old` to `new`.
    pub fn diff(old: &Rendered, new: &Rendered) -> String {
        wire::diff(old, new)
    }
}
