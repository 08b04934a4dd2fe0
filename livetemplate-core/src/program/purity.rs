//! Which `range` bodies render the same for the same inputs, and what those
//! inputs are.
//!
//! A body is *reusable* when what it renders depends only on the element,
//! its index (or map key), and values it reads from variables declared
//! outside it (`$.Currency`, `$col.Name`), which cannot change while the
//! range runs. So it must not assign to an outer variable (`{{$n = ...}}`
//! carries state from item to item), and it may call only functions known to
//! be pure (the builtins, the escapers and user functions declared pure with
//! [`Func::pure`]; any other user function of the [`FuncMap`] may read or
//! change state the template cannot see, so a body calling one, directly or
//! through a `{{template}}` it calls, is not reusable). A body reading the
//! whole root `$` (not a field of it) is not reusable either: the root
//! always changes. A `{{template}}` call starts a fresh variable scope (its
//! `$` is the argument), so only the callee's function calls matter.
//!
//! [`crate::program::Program::render_update`] evaluates a reusable body's
//! outer reads ([`FreeRead`]) once per range and, when they are identical to
//! the previous render's, reuses the rendered dynamics of an earlier item
//! evaluated from an identical element (and index).

use std::collections::HashMap;

use crate::funcs::{Func, FuncMap};
use crate::parse::TemplateSet;
use crate::parse::ast::{Arg, List, Node, Pipeline};

use super::compile::{Block, Op, Slot};

/// A read of a variable declared outside a range body: `$x.A.B` is
/// variable `$x`, fields `A`, `B` (`$x` alone has no fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FreeRead {
    /// The variable (`$` for the root).
    pub(crate) var: String,
    /// The field chain read from it.
    pub(crate) fields: Vec<String>,
}

/// How many distinct outer reads a body may have and stay reusable.
const MAX_FREE_READS: usize = 8;

/// For each block that is the body of a reusable `range`, its outer reads
/// (empty when it reads nothing outside its item); `None` for other blocks
/// (indexed by [`super::BlockId`]).
pub(crate) fn reusable_bodies(
    blocks: &[Block],
    set: &TemplateSet,
    funcs: &FuncMap,
) -> Vec<Option<Vec<FreeRead>>> {
    let mut out = vec![None; blocks.len()];
    let mut checker = Checker {
        set,
        funcs,
        templates: HashMap::new(),
        reads: Vec::new(),
    };
    for block in blocks {
        checker.ops(&block.ops, &mut out);
    }
    out
}

struct Checker<'a> {
    set: &'a TemplateSet,
    funcs: &'a FuncMap,
    /// Templates whose calls (transitively) use only pure functions; a
    /// template being checked counts as pure (a cycle adds no call).
    templates: HashMap<String, bool>,
    /// Outer reads of the body being checked.
    reads: Vec<FreeRead>,
}

impl<'a> Checker<'a> {
    fn ops(&mut self, ops: &'a [Op], out: &mut [Option<Vec<FreeRead>>]) {
        for op in ops {
            match op {
                Op::Slot(Slot::Range { node, body, .. }) => {
                    let mut scope: Vec<&str> = node.pipe.decl.iter().map(|v| &*v.name).collect();
                    self.reads.clear();
                    let ok =
                        self.list(&node.list, &mut scope) && self.reads.len() <= MAX_FREE_READS;
                    if let Some(slot) = out.get_mut(*body) {
                        *slot = ok.then(|| std::mem::take(&mut self.reads));
                    }
                }
                Op::Call { ops, .. } => self.ops(ops, out),
                Op::Slot(_) | Op::Bind(_) => {}
            }
        }
    }

    /// Records an outer read; false when it makes the body not reusable.
    fn free_read(&mut self, var: &str, fields: &[String]) -> bool {
        if var == "$" && fields.is_empty() {
            return false;
        }
        let read = FreeRead {
            var: var.to_string(),
            fields: fields.to_vec(),
        };
        if !self.reads.contains(&read) {
            self.reads.push(read);
        }
        true
    }

    /// Whether `list` is pure with the variables of `scope` visible.
    fn list(&mut self, list: &'a List, scope: &mut Vec<&'a str>) -> bool {
        let mark = scope.len();
        let ok = list.nodes.iter().all(|n| self.node(n, scope));
        scope.truncate(mark);
        ok
    }

    fn node(&mut self, node: &'a Node, scope: &mut Vec<&'a str>) -> bool {
        match node {
            Node::Text(_) | Node::Comment(_) | Node::Break(_) | Node::Continue(_) => true,
            // Variables an action declares stay visible to the end of the list.
            Node::Action(a) => self.pipe(&a.pipe, scope),
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                let mark = scope.len();
                let ok = self.pipe(&b.pipe, scope)
                    && self.list(&b.list, scope)
                    && b.else_list.as_ref().is_none_or(|l| self.list(l, scope));
                scope.truncate(mark);
                ok
            }
            Node::Template(t) => {
                t.pipe.as_ref().is_none_or(|p| self.pipe(p, scope)) && self.template(&t.name)
            }
        }
    }

    /// Whether `p` is pure; declares its variables in `scope`.
    fn pipe(&mut self, p: &'a Pipeline, scope: &mut Vec<&'a str>) -> bool {
        let args = p
            .cmds
            .iter()
            .all(|c| c.args.iter().all(|a| self.arg(a, scope)));
        if !args {
            return false;
        }
        if p.is_assign {
            // `$x = v` changes the innermost `$x`: fine only for a body's own.
            p.decl.iter().all(|v| scope.contains(&&*v.name))
        } else {
            scope.extend(p.decl.iter().map(|v| &*v.name));
            true
        }
    }

    fn arg(&mut self, a: &'a Arg, scope: &mut Vec<&'a str>) -> bool {
        match a {
            Arg::Variable { name, fields, .. } => {
                scope.contains(&&**name) || self.free_read(name, fields)
            }
            Arg::Identifier { name, .. } => self.funcs.user(name).is_none_or(Func::is_pure),
            // `(...).A.B`: the chain's fields are read from what the node
            // gives, which is checked (and recorded) as it is.
            Arg::Chain { node, .. } => self.arg(node, scope),
            Arg::Pipe(p) => {
                let mark = scope.len();
                let ok = self.pipe(p, scope);
                scope.truncate(mark);
                ok
            }
            Arg::Dot(_)
            | Arg::Nil(_)
            | Arg::Bool(..)
            | Arg::Number(_)
            | Arg::String { .. }
            | Arg::Field { .. } => true,
        }
    }

    /// Whether template `name` (and what it calls) calls only pure functions.
    fn template(&mut self, name: &str) -> bool {
        if let Some(&known) = self.templates.get(name) {
            return known;
        }
        // A missing template is an error, the same every time.
        let Some(tree) = self.set.get(name) else {
            return true;
        };
        self.templates.insert(name.to_string(), true);
        let ok = self.calls_pure(&tree.root);
        self.templates.insert(name.to_string(), ok);
        ok
    }

    /// Whether `list` calls only pure functions (variables aside).
    fn calls_pure(&mut self, list: &List) -> bool {
        list.nodes.iter().all(|n| match n {
            Node::Action(a) => self.pipe_calls_pure(&a.pipe),
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                self.pipe_calls_pure(&b.pipe)
                    && self.calls_pure(&b.list)
                    && b.else_list.as_ref().is_none_or(|l| self.calls_pure(l))
            }
            Node::Template(t) => {
                t.pipe.as_ref().is_none_or(|p| self.pipe_calls_pure(p)) && self.template(&t.name)
            }
            Node::Text(_) | Node::Comment(_) | Node::Break(_) | Node::Continue(_) => true,
        })
    }

    fn pipe_calls_pure(&self, p: &Pipeline) -> bool {
        p.cmds
            .iter()
            .all(|c| c.args.iter().all(|a| self.arg_calls_pure(a)))
    }

    fn arg_calls_pure(&self, a: &Arg) -> bool {
        match a {
            Arg::Identifier { name, .. } => self.funcs.user(name).is_none_or(Func::is_pure),
            Arg::Chain { node, .. } => self.arg_calls_pure(node),
            Arg::Pipe(p) => self.pipe_calls_pure(p),
            _ => true,
        }
    }
}
