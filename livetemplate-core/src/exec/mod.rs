//! The interpreter: executes parsed (and escaped) trees over a [`Value`],
//! with Go 1.19 `text/template` semantics and error messages.
//!
//! ```
//! use livetemplate_core::exec::Exec;
//! use livetemplate_core::funcs::FuncMap;
//! use livetemplate_core::parse::{parse, ParseOptions, TemplateSet};
//! use livetemplate_core::value::Value;
//!
//! let funcs = FuncMap::builtins();
//! let is_func = |n: &str| funcs.is_func(n);
//! let mut set = TemplateSet::new();
//! set.add_parsed(parse("main", "Hi {{.User.Name}}!", &ParseOptions::new(&is_func))?)?;
//! let exec = Exec::new(&set, &funcs);
//!
//! let data = Value::from_json(r#"{"User": {"Name": "Ann"}}"#)?;
//! assert_eq!(exec.render("main", &data)?, "Hi Ann!");
//!
//! // Errors read like Go's and name the data path being evaluated.
//! let data = Value::from_json(r#"{"User": {"$struct": {"Id": 1}}}"#)?;
//! assert_eq!(
//!     exec.render("main", &data).unwrap_err().message,
//!     r#"template: main:1:10: executing "main" at <.User.Name>: can't evaluate field Name in type struct { Id int }"#
//! );
//! # Ok::<(), livetemplate_core::Error>(())
//! ```
//!
//! For the slot-tree compiler, [`State`] evaluates single pipelines
//! ([`State::eval_pipeline_value`]) and executes lists ([`State::exec_list`])
//! with the same semantics.

mod build;
mod builtins;
mod display;
mod eval;

use std::fmt;

use crate::error::{Error, ErrorKind, line_col};
use crate::funcs::FuncMap;
use crate::parse::TemplateSet;
use crate::parse::ast::{ActionNode, BranchNode, List, Node, TemplateNode, Tree};
use crate::value::Value;

pub(crate) use build::Prog;
use display::Cursor;
use eval::{Dot, Ev};

/// Go's default `maxExecDepth`: how deeply `{{template}}` calls may nest.
pub const MAX_EXEC_DEPTH: usize = 100_000;

/// What a field access on a map does when the key is missing (Go's
/// `missingkey` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` / `missingkey=invalid`: "no value" (prints
    /// `<no value>` in text mode).
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type.
    Zero,
    /// `missingkey=error`: execution stops with an error.
    Error,
}

/// Execution options (Go's `Template.Option`, plus limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOptions {
    /// The `missingkey` behaviour.
    pub missing_key: MissingKey,
    /// Maximum nesting of `{{template}}` calls before execution fails with
    /// `exceeded maximum template depth (N)`; Go's value
    /// [`MAX_EXEC_DEPTH`] by default.
    pub max_depth: usize,
    /// Native stack (in bytes) that nested template calls may use before
    /// execution fails with the same error as [`ExecOptions::max_depth`].
    /// This ends runaway recursion cleanly long before Go's depth limit
    /// would be reached (and before a thread's stack would overflow); the
    /// default, [`DEFAULT_STACK_LIMIT`], suits threads with 2 MiB stacks.
    pub stack_limit: usize,
}

/// The default [`ExecOptions::stack_limit`]: 1 MiB.
pub const DEFAULT_STACK_LIMIT: usize = 1 << 20;

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            missing_key: MissingKey::Default,
            max_depth: MAX_EXEC_DEPTH,
            stack_limit: DEFAULT_STACK_LIMIT,
        }
    }
}

impl ExecOptions {
    /// Applies one Go option string such as `missingkey=zero`. Unknown
    /// options are an error (Go panics with the same text).
    pub fn apply(&mut self, opt: &str) -> Result<(), Error> {
        if opt.is_empty() {
            return Err(Error::new(ErrorKind::Exec, "empty option string"));
        }
        if let Some(("missingkey", value)) = opt.split_once('=') {
            self.missing_key = match value {
                "invalid" | "default" => MissingKey::Default,
                "zero" => MissingKey::Zero,
                "error" => MissingKey::Error,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Exec,
                        format!("unrecognized option: {opt}"),
                    ));
                }
            };
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::Exec,
            format!("unrecognized option: {opt}"),
        ))
    }

    /// Options from a list of Go option strings.
    pub fn from_options<S: AsRef<str>>(opts: &[S]) -> Result<Self, Error> {
        let mut o = ExecOptions::default();
        for opt in opts {
            o.apply(opt.as_ref())?;
        }
        Ok(o)
    }
}

/// Executes templates of a [`TemplateSet`] with a [`FuncMap`].
#[derive(Debug, Clone)]
pub struct Exec<'t> {
    set: &'t TemplateSet,
    funcs: &'t FuncMap,
    opts: ExecOptions,
    root: Option<&'t str>,
}

impl<'t> Exec<'t> {
    /// An executor over `set` calling functions from `funcs`.
    pub fn new(set: &'t TemplateSet, funcs: &'t FuncMap) -> Self {
        Exec {
            set,
            funcs,
            opts: ExecOptions::default(),
            root: None,
        }
    }

    /// Sets the options.
    pub fn options(mut self, opts: ExecOptions) -> Self {
        self.opts = opts;
        self
    }

    /// Names the set's main template, for Go's `no template "x" associated
    /// with template "main"` error.
    pub fn root_name(mut self, name: &'t str) -> Self {
        self.root = Some(name);
        self
    }

    /// The options in effect.
    pub fn opts(&self) -> &ExecOptions {
        &self.opts
    }

    /// Executes template `name` over `data`, appending to `out`. On error,
    /// `out` holds the output written before the error.
    pub fn execute(&self, name: &str, data: &Value, out: &mut String) -> Result<(), Error> {
        let tree = self.lookup(name)?;
        out.reserve(tree.source.len());
        let mut state = State::new(self.set, self.funcs, &self.opts, tree, data);
        state.exec_list(data, &tree.root, out)
    }

    /// Executes template `name` over `data` into a new string.
    pub fn render(&self, name: &str, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        self.execute(name, data, &mut out)?;
        Ok(out)
    }

    /// The tree of template `name`, or Go's "no template" error.
    pub fn lookup(&self, name: &str) -> Result<&'t Tree, Error> {
        match self.set.get(name) {
            Some(t) => Ok(t),
            None => {
                let mut msg = String::from("template: no template ");
                crate::gofmt::quote::quote_into(&mut msg, name, false);
                msg.push_str(" associated with template ");
                crate::gofmt::quote::quote_into(&mut msg, self.root.unwrap_or(name), false);
                Err(Error::new(ErrorKind::Exec, msg))
            }
        }
    }

    /// A [`State`] for evaluating pieces of template `tree` with `$` bound
    /// to `root`.
    pub fn state(&'t self, tree: &'t Tree, root: &Value) -> State<'t> {
        State::new(self.set, self.funcs, &self.opts, tree, root)
    }
}

/// A variable slot: `None` is "no value"; `iface` as in [`Ev`].
#[derive(Debug, Clone)]
struct Var<'t> {
    name: &'t str,
    value: Option<Value>,
    iface: bool,
}

/// What a walk step asks of the enclosing `range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

/// The state of one execution (Go's `state`): the template being executed,
/// the variable stack and the current node for error messages.
pub struct State<'t> {
    set: &'t TemplateSet,
    funcs: &'t FuncMap,
    opts: &'t ExecOptions,
    tree: &'t Tree,
    vars: Vec<Var<'t>>,
    /// Index of the first variable visible to the current template.
    base: usize,
    depth: usize,
    at: Cursor<'t>,
    /// Address of a local of the frame that created the state, to measure
    /// the native stack used by nested template calls.
    stack_base: usize,
    /// Buffers for building range items' dynamics (reused: each item's
    /// dynamics are then moved into one exact-size allocation).
    scratch: Vec<Vec<crate::wire::Dyn>>,
}

/// An address in the current stack frame (safe: the pointer is never used).
#[inline(never)]
fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl fmt::Debug for State<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("template", &self.tree.name)
            .field("vars", &self.vars)
            .field("depth", &self.depth)
            .finish()
    }
}

impl<'t> State<'t> {
    /// A state executing `tree` (a member of `set`) with `$` bound to `root`.
    pub fn new(
        set: &'t TemplateSet,
        funcs: &'t FuncMap,
        opts: &'t ExecOptions,
        tree: &'t Tree,
        root: &Value,
    ) -> Self {
        let mut vars = Vec::with_capacity(8);
        vars.push(Var {
            name: "$",
            value: Dot::root(root).get().cloned(),
            iface: false,
        });
        State {
            set,
            funcs,
            opts,
            tree,
            vars,
            base: 0,
            depth: 0,
            at: Cursor::None,
            stack_base: stack_addr(),
            scratch: Vec::new(),
        }
    }

    /// Executes `list` with dot `dot`, appending to `out`.
    pub fn exec_list(
        &mut self,
        dot: &Value,
        list: &'t List,
        out: &mut String,
    ) -> Result<(), Error> {
        self.walk_list(Dot::root(dot), list, out).map(|_| ())
    }

    /// Length of the variable stack, to [`State::pop`] back to.
    pub fn mark(&self) -> usize {
        self.vars.len()
    }

    /// Pops variables declared after `mark`.
    pub fn pop(&mut self, mark: usize) {
        self.vars
            .truncate(mark.max(self.base + 1).min(self.vars.len()));
    }

    /// Declares variable `name` (`$x`); `None` is "no value".
    pub fn push_var(&mut self, name: &'t str, value: Option<Value>) {
        self.vars.push(Var {
            name,
            value,
            iface: false,
        });
    }

    fn find_var(&self, name: &str) -> Result<&Var<'t>, Error> {
        match self.vars[self.base..]
            .iter()
            .rev()
            .find(|v| crate::bytes::str_eq(v.name, name))
        {
            Some(v) => Ok(v),
            None => Err(self.error(format_args!("undefined variable: {name}"))),
        }
    }

    fn var_ev<'d>(&self, name: &str) -> Result<Ev<'d>, Error> {
        let v = self.find_var(name)?;
        Ok(match (&v.value, v.iface) {
            (None, _) => Ev::Invalid,
            (Some(x), false) => Ev::Own(x.clone()),
            (Some(x), true) => Ev::IOwn(x.clone()),
        })
    }

    /// The value of `$name.fields...` when the variable is defined and every
    /// field is found (see [`eval::found_field_chain`]), borrowed from the
    /// variable stack; `None` otherwise (no value, a missing field, an
    /// error: left to the general evaluator).
    pub(crate) fn var_value_in_place(&self, name: &str, fields: &[String]) -> Option<&Value> {
        let var = self.vars[self.base..]
            .iter()
            .rev()
            .find(|v| crate::bytes::str_eq(v.name, name))?;
        let v = var.value.as_ref()?;
        if fields.is_empty() {
            return Some(v);
        }
        eval::found_field(Dot::Val(v), fields).map(|(v, _)| v)
    }

    /// The value of variable `name` (`None`: no value), or Go's error.
    pub fn var(&self, name: &str) -> Result<Option<&Value>, Error> {
        self.find_var(name).map(|v| v.value.as_ref())
    }

    /// Assigns to the innermost variable `name` (Go's `$x = value`), or
    /// Go's `undefined variable` error.
    pub fn assign_var(&mut self, name: &str, value: Option<Value>) -> Result<(), Error> {
        self.set_var(name, value)
    }

    fn set_var(&mut self, name: &str, value: Option<Value>) -> Result<(), Error> {
        match self.vars[self.base..]
            .iter_mut()
            .rev()
            .find(|v| v.name == name)
        {
            Some(v) => {
                v.value = value;
                v.iface = false;
                Ok(())
            }
            None => Err(self.error(format_args!("undefined variable: {name}"))),
        }
    }

    /// An execution error at the current node, worded like Go's.
    fn error(&self, msg: impl fmt::Display) -> Error {
        let name = &self.tree.name;
        let mut message = String::with_capacity(64);
        use fmt::Write;
        match self.at {
            Cursor::None => {
                let _ = write!(message, "template: {name}: {msg}");
            }
            at => {
                let pos = at.pos();
                let (line, col) = line_col(&self.tree.source, pos);
                let _ = write!(
                    message,
                    "template: {}:{}:{}: executing ",
                    self.tree.parse_name, line, col
                );
                crate::gofmt::quote::quote_into(&mut message, name, false);
                let _ = write!(message, " at <{at}>: {msg}");
            }
        }
        Error::new(ErrorKind::Exec, message)
    }

    fn walk_list<'d>(
        &mut self,
        dot: Dot<'d>,
        list: &'t List,
        out: &mut String,
    ) -> Result<Flow, Error> {
        for node in &list.nodes {
            match self.walk(dot, node, out)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk<'d>(&mut self, dot: Dot<'d>, node: &'t Node, out: &mut String) -> Result<Flow, Error> {
        match node {
            Node::Text(t) => out.push_str(&t.text),
            Node::Action(a) => self.walk_action(dot, node, a, out)?,
            Node::If(b) => {
                self.at = Cursor::Node(node);
                return self.walk_if_or_with(false, dot, b, out);
            }
            Node::With(b) => {
                self.at = Cursor::Node(node);
                return self.walk_if_or_with(true, dot, b, out);
            }
            Node::Range(b) => return self.walk_range(dot, b, out),
            Node::Template(t) => self.walk_template(dot, t, out)?,
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
            Node::Comment(_) => {}
        }
        Ok(Flow::Normal)
    }

    /// Evaluates an action and writes its (escaped) value, unless it only
    /// declares variables; those persist until the enclosing `end`.
    fn walk_action(
        &mut self,
        dot: Dot<'_>,
        node: &'t Node,
        a: &'t ActionNode,
        out: &mut String,
    ) -> Result<(), Error> {
        self.at = Cursor::Node(node);
        // Fast path: `{{.}}`, `{{.A.B}}`, `{{$x}}` or `{{$x.A.B}}` that finds
        // its value prints it in place (no copy); anything else, including
        // every error, takes the general path.
        if a.pipe.decl.is_empty()
            && let [cmd] = a.pipe.cmds.as_slice()
            && let [arg] = cmd.args.as_slice()
            && let Some(v) = self.value_in_place(dot, arg)
        {
            if a.escapers.is_empty() {
                self.print_value(Some(v), out);
            } else {
                crate::escape::apply_chain_into(out, &a.escapers, v);
            }
            return Ok(());
        }
        // Escaped actions report Go's rewritten pipeline in errors.
        let at = if a.escapers.is_empty() {
            Cursor::Pipe(&a.pipe)
        } else {
            Cursor::Escaped(a)
        };
        let val = self.eval_pipeline_at(dot, &a.pipe, at)?;
        if a.pipe.decl.is_empty() {
            self.at = Cursor::Node(node);
            if a.escapers.is_empty() {
                self.print_value(val.get(), out);
            } else {
                // html/template: the escaper chain decides the text.
                let v = val.get().unwrap_or(&Value::Nil);
                crate::escape::apply_chain_into(out, &a.escapers, v);
            }
        }
        Ok(())
    }

    /// Go's `printValue`: pointers are followed, "no value" prints
    /// `<no value>`, everything else prints with `%v`.
    fn print_value(&self, v: Option<&Value>, out: &mut String) {
        crate::gofmt::write_printable(out, v.unwrap_or(&Value::Nil));
    }

    fn walk_if_or_with<'d>(
        &mut self,
        is_with: bool,
        dot: Dot<'d>,
        b: &'t BranchNode,
        out: &mut String,
    ) -> Result<Flow, Error> {
        let mark = self.vars.len();
        // Fast path: `{{if .A}}`, `{{if not $x.A}}`, `{{if eq .A "b"}}`...
        // whose operands are found decides in place.
        if !is_with
            && b.pipe.decl.is_empty()
            && let [cmd] = b.pipe.cmds.as_slice()
            && let Some(truth) = self.condition_in_place(dot, cmd)
        {
            let list = if truth {
                Some(&b.list)
            } else {
                b.else_list.as_ref()
            };
            let flow = match list {
                Some(list) => self.walk_list(dot, list, out)?,
                None => Flow::Normal,
            };
            self.vars.truncate(mark);
            return Ok(flow);
        }
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let truth = val.get().is_some_and(Value::truth);
        let flow = if truth {
            if is_with {
                self.walk_list(val.as_dot(), &b.list, out)?
            } else {
                self.walk_list(dot, &b.list, out)?
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e, out)?
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn walk_range<'d>(
        &mut self,
        dot: Dot<'d>,
        r: &'t BranchNode,
        out: &mut String,
    ) -> Result<Flow, Error> {
        self.at = Cursor::Range(r);
        let mark0 = self.vars.len();
        let val = self.eval_pipeline(dot, &r.pipe)?;
        let v = val.get();
        let ran = self.range_each(v, r.pipe.decl.len(), |st, item_dot, _| {
            let flow = st.walk_list(item_dot, &r.list, out)?;
            Ok(flow == Flow::Break)
        })?;
        let mut flow = Flow::Normal;
        if !ran {
            if let Some(e) = &r.else_list {
                // Go recovers a `break` of the `else` list here (it ends
                // the range); a `continue` goes on to the enclosing range.
                if self.walk_list(dot, e, out)? == Flow::Continue {
                    flow = Flow::Continue;
                }
            }
        }
        self.vars.truncate(mark0);
        Ok(flow)
    }

    /// Runs `body` once per element of the range target `v` (a slice, or a
    /// map in key order), with the range's variables bound and dot set to
    /// the element; `body` returns whether to stop (`break`). Returns whether
    /// any iteration ran, or Go's error for a target that cannot be ranged over.
    fn range_each<'v>(
        &mut self,
        v: Option<&'v Value>,
        ndecl: usize,
        mut body: impl FnMut(&mut Self, Dot<'v>, Iteration<'v>) -> Result<bool, Error>,
    ) -> Result<bool, Error> {
        let mut v = v;
        while let Some(Value::Ptr(p)) = v {
            v = Some(p);
        }
        let mark = self.vars.len();
        let mut ran = false;
        match v {
            Some(Value::Slice(s)) => {
                let iface = matches!(s.elem, crate::value::Type::Any);
                for (i, item) in s.items.iter().enumerate() {
                    ran = true;
                    let dot =
                        self.bind_iteration(ndecl, mark, || Value::Int(i as i64), (item, iface));
                    let it = Iteration {
                        elem: item,
                        index: IterIndex::Pos(i),
                        iface,
                    };
                    let stop = body(self, dot, it)?;
                    self.vars.truncate(mark);
                    if stop {
                        break;
                    }
                }
            }
            Some(Value::Map(m)) => {
                let iface = matches!(m.elem, crate::value::Type::Any);
                for (k, item) in &m.entries {
                    ran = true;
                    let dot = self.bind_iteration(ndecl, mark, || k.clone(), (item, iface));
                    let it = Iteration {
                        elem: item,
                        index: IterIndex::Key(k),
                        iface,
                    };
                    let stop = body(self, dot, it)?;
                    self.vars.truncate(mark);
                    if stop {
                        break;
                    }
                }
            }
            None | Some(Value::Nil) => {}
            Some(other) => return Err(self.range_error(other)),
        }
        Ok(ran)
    }

    /// Binds the range variables of one iteration and returns its dot.
    fn bind_iteration<'e>(
        &mut self,
        ndecl: usize,
        mark: usize,
        index: impl FnOnce() -> Value,
        (elem, iface): (&'e Value, bool),
    ) -> Dot<'e> {
        if ndecl > 0 {
            // Like Go's setTopVar: the top of the stack gets the element,
            // the slot below it the index.
            if let Some(top) = mark.checked_sub(1).and_then(|i| self.vars.get_mut(i)) {
                top.value = Some(elem.clone());
                top.iface = iface;
            }
            if ndecl > 1 {
                if let Some(next) = mark.checked_sub(2).and_then(|i| self.vars.get_mut(i)) {
                    next.value = Some(index());
                    next.iface = false;
                }
            }
        }
        if iface || elem.is_nil() {
            Dot::Iface(elem)
        } else {
            Dot::Val(elem)
        }
    }

    /// Go's error for ranging over something that is not a slice or map.
    fn range_error(&self, over: &Value) -> Error {
        let mut msg = String::from("range can't iterate over ");
        crate::gofmt::write_value(&mut msg, over);
        self.error(msg)
    }

    fn walk_template<'d>(
        &mut self,
        dot: Dot<'d>,
        t: &'t TemplateNode,
        out: &mut String,
    ) -> Result<(), Error> {
        let (new_dot, frame) = self.enter_template(dot, t)?;
        let res = self.walk_list(new_dot.as_dot(), &self.tree.root, out);
        self.leave_template(frame);
        res.map(|_| ())
    }

    /// Starts a `{{template}}` call: checks the callee and the depth,
    /// evaluates the argument and switches to the callee's tree and scope.
    /// Returns the callee's dot and the caller's frame for [`Self::leave_template`].
    fn enter_template<'d>(
        &mut self,
        dot: Dot<'d>,
        t: &'t TemplateNode,
    ) -> Result<(Ev<'d>, Frame<'t>), Error> {
        self.at = Cursor::Template(t);
        let set = self.set;
        let Some(tree) = set.get(&t.name) else {
            let mut msg = String::from("template ");
            crate::gofmt::quote::quote_into(&mut msg, &t.name, false);
            msg.push_str(" not defined");
            return Err(self.error(msg));
        };
        if self.depth >= self.opts.max_depth
            || stack_addr().abs_diff(self.stack_base) > self.opts.stack_limit
        {
            return Err(self.error(format_args!(
                "exceeded maximum template depth ({})",
                self.opts.max_depth
            )));
        }
        // Variables declared by the argument pipeline persist in the caller.
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Ev::Invalid,
        };
        let frame = Frame {
            tree: self.tree,
            base: self.base,
            at: self.at,
            mark: self.vars.len(),
        };
        self.depth += 1;
        self.tree = tree;
        self.base = frame.mark;
        // No dynamic scoping: the callee sees only `$`.
        self.vars.push(Var {
            name: "$",
            value: new_dot.get().cloned(),
            iface: false,
        });
        Ok((new_dot, frame))
    }

    /// Returns from a call started by [`Self::enter_template`].
    fn leave_template(&mut self, frame: Frame<'t>) {
        self.vars.truncate(frame.mark);
        self.depth -= 1;
        (self.tree, self.base, self.at) = (frame.tree, frame.base, frame.at);
    }
}

/// One iteration of a `range`, as [`State::range_each`] runs it.
#[derive(Clone, Copy)]
struct Iteration<'v> {
    /// The element.
    elem: &'v Value,
    /// Its position (slice) or key (map).
    index: IterIndex<'v>,
    /// Whether the collection's element type is `interface{}`.
    iface: bool,
}

/// Where an iteration's element is in the collection.
#[derive(Clone, Copy)]
enum IterIndex<'v> {
    /// Position in a slice.
    Pos(usize),
    /// Key of a map entry.
    Key(&'v Value),
}

impl IterIndex<'_> {
    /// The value a range's index variable gets.
    fn value(self) -> Value {
        match self {
            IterIndex::Pos(i) => Value::Int(i as i64),
            IterIndex::Key(k) => k.clone(),
        }
    }
}

/// The caller's state saved across a `{{template}}` call.
struct Frame<'t> {
    tree: &'t Tree,
    base: usize,
    at: Cursor<'t>,
    mark: usize,
}

#[cfg(test)]
mod tests;
