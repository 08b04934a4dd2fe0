//! A compiled program and its evaluation over data.

use crate::error::Result;
use crate::exec::{Exec, Prog};
use crate::template::{Compiled, Mode};
use crate::value::Value;
use crate::wire::{self, Rendered};

use super::compile::{Block, BlockId, compile};
use super::purity::{FreeRead, reusable_bodies};

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
    /// For each block that is the body of a reusable `range`, its outer
    /// reads (see [`super::purity`]).
    reuse: Vec<Option<Vec<FreeRead>>>,
}

impl Program {
    /// Compiles the slot tree of a compiled (parsed and escaped) template.
    pub fn new(compiled: Compiled) -> Result<Program> {
        let (blocks, root) = compile(compiled.set(), compiled.entry())?;
        let reuse = reusable_bodies(&blocks, compiled.set(), compiled.funcs());
        Ok(Program {
            compiled,
            blocks,
            root,
            reuse,
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
        self.build(data, None)
    }

    /// Renders `data` given `prev`, the tree of an earlier render by this
    /// program (the one the client holds): the result equals
    /// `self.render(data)`, but the items of a `range` whose body depends
    /// only on its item and on values it reads from outer variables
    /// (`$.Currency`, `$col.Name`; see [`Program::reuses_items`]), when
    /// those values are identical to the previous render's, and whose
    /// element and index are identical to those of an item of `prev`, are
    /// not evaluated again: they share that item's dynamics (an `Arc`, which
    /// [`wire::diff_into`] then settles without looking inside). An old item is looked for just after
    /// the last one reused, then at the same position, so inserting or
    /// removing items keeps the rest. A `prev` from another program is
    /// simply not used. `prev` may be the tree [`wire::diff_into`] keeps
    /// for the client: where it holds a node as a string, nothing below is
    /// reused (the result still equals `self.render(data)`).
    ///
    /// ```
    /// use livetemplate_core::{Mode, Template, program::Program, value::Value};
    /// let mut t = Template::new("main", Mode::Html);
    /// t.parse("<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>").unwrap();
    /// let program = Program::new(t.compile("main").unwrap()).unwrap();
    /// let held = program.render(&Value::from_json(r#"["a","b"]"#).unwrap()).unwrap();
    /// let data = Value::from_json(r#"["a","c"]"#).unwrap();
    /// let next = program.render_update(&held, &data).unwrap();
    /// assert_eq!(next, program.render(&data).unwrap());
    /// assert_eq!(Program::diff(&held, &next), r#"{"0":{"k":{"1":{"0":"c"},"kc":2}}}"#);
    /// ```
    pub fn render_update(&self, prev: &Rendered, data: &Value) -> Result<Rendered> {
        self.build(data, Some(prev))
    }

    fn build(&self, data: &Value, prev: Option<&Rendered>) -> Result<Rendered> {
        let set = self.compiled.set();
        let exec = Exec::new(set, self.compiled.funcs()).options(self.compiled.options().clone());
        let tree = exec.lookup(self.compiled.entry())?;
        let mut state = exec.state(tree, data);
        let prog = Prog {
            blocks: &self.blocks,
            reuse: &self.reuse,
        };
        state.build_root(prog, self.root, data, prev)
    }

    /// Whether block `id` is the body of a `range` whose items
    /// [`Program::render_update`] can reuse: it depends only on its item and
    /// on values read from outer variables (not on the whole `$`), assigns
    /// no outer variable and calls only pure functions.
    pub fn reuses_items(&self, id: BlockId) -> bool {
        self.reuse.get(id).is_some_and(Option::is_some)
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

    /// The diff taking a client from `old` to `new`, for a caller that
    /// keeps no client state (see [`wire::diff`]).
    pub fn diff(old: &Rendered, new: &Rendered) -> String {
        wire::diff(old, new)
    }

    /// The diff taking a client holding `held` to `new`; `held` becomes
    /// what the client then holds (see [`wire::diff_into`]). `held` stays
    /// a valid `prev` for [`Program::render_update`].
    pub fn diff_into(held: &mut Rendered, new: Rendered) -> String {
        wire::diff_into(held, new)
    }
}
