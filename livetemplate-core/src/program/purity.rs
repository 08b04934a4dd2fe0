//! Which `range` bodies render the same for the same item.
//!
//! A body is *pure in its item* when what it renders depends only on the
//! element, its index (or map key) and nothing else: it reads no variable but
//! those the range declares and those declared inside the body (no `$`, no
//! outer `$x`, and no assignment to one), and it calls only functions known to
//! be pure (the builtins, the escapers and user functions declared pure with
//! [`Func::pure`]; any other user function of the [`FuncMap`] may read or
//! change state the template cannot see, so a body calling one, directly or
//! through a `{{template}}` it calls, is not pure).
//! A `{{template}}` call starts a fresh variable scope (its `$` is the
//! argument), so only the callee's function calls matter.
//!
//! [`crate::program::Program::render_update`] reuses the rendered dynamics
//! of an earlier item of a pure body evaluated from identical inputs.

use std::collections::HashMap;

use crate::funcs::{Func, FuncMap};
use crate::parse::TemplateSet;
use crate::parse::ast::{Arg, List, Node, Pipeline};

use super::compile::{Block, Op, Slot};

/// For each block, whether it is the body of a `range` that is pure in its
/// item (indexed by [`super::BlockId`]).
pub(crate) fn pure_bodies(blocks: &[Block], set: &TemplateSet, funcs: &FuncMap) -> Vec<bool> {
    let mut pure = vec![false; blocks.len()];
    let mut checker = Checker {
        set,
        funcs,
        templates: HashMap::new(),
    };
    for block in blocks {
        checker.ops(&block.ops, &mut pure);
    }
    pure
}

struct Checker<'a> {
    set: &'a TemplateSet,
    funcs: &'a FuncMap,
    /// Templates whose calls (transitively) use only pure functions; a
    /// template being checked counts as pure (a cycle adds no call).
    templates: HashMap<String, bool>,
}

impl<'a> Checker<'a> {
    fn ops(&mut self, ops: &'a [Op], pure: &mut [bool]) {
        for op in ops {
            match op {
                Op::Slot(Slot::Range { node, body, .. }) => {
                    let mut scope: Vec<&str> = node.pipe.decl.iter().map(|v| &*v.name).collect();
                    if let Some(p) = pure.get_mut(*body) {
                        *p = self.list(&node.list, &mut scope);
                    }
                }
                Op::Call { ops, .. } => self.ops(ops, pure),
                Op::Slot(_) | Op::Bind(_) => {}
            }
        }
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
            Arg::Variable { name, .. } => scope.contains(&&**name),
            Arg::Identifier { name, .. } => self.funcs.user(name).is_none_or(Func::is_pure),
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
