//! Evaluating a compiled [`crate::program`] into a [`Rendered`] tree: the same
//! walk as the interpreter's, but each slot's value is kept apart from the
//! statics instead of being appended to one string.

use std::sync::Arc;

use crate::error::Error;
use crate::parse::ast::{BranchNode, Node};
use crate::program::{Block, BlockId, Op, Slot};
use crate::value::Value;
use crate::wire::{Comprehension, Dyn, Item, Rendered};

use super::display::Cursor;
use super::eval::Ev;
use super::{Dot, Flow, State, Var};

impl<'t> State<'t> {
    /// Evaluates block `id` of `blocks` with dot `dot`.
    pub(crate) fn build_block(&mut self, blocks: &'t [Block], id: BlockId, dot: Dot<'_>) -> Result<Rendered, Error> {
        let block = &blocks[id];
        let mut dyns = Vec::with_capacity(block.slot_count());
        for op in &block.ops {
            match op {
                Op::Bind(pipe) => {
                    self.eval_pipeline(dot, pipe)?;
                }
                Op::Slot(slot) => {
                    let d = self.build_slot(blocks, slot, dot)?;
                    dyns.push(d);
                }
            }
        }
        Ok(Rendered { statics: Arc::clone(&block.statics), dyns })
    }

    fn build_slot(&mut self, blocks: &'t [Block], slot: &'t Slot, dot: Dot<'_>) -> Result<Dyn, Error> {
        match slot {
            Slot::Expr(node) => {
                let Node::Action(a) = node else {
                    return Err(self.error("internal error: expression slot without an action"));
                };
                self.at = Cursor::Node(node);
                let val = self.eval_pipeline(dot, &a.pipe)?;
                self.at = Cursor::Node(node);
                let mut s = String::new();
                if a.escapers.is_empty() {
                    self.print_value(val.get(), &mut s);
                } else {
                    let v = val.get().unwrap_or(&Value::Nil);
                    s.push_str(&crate::escape::apply_chain(&a.escapers, v));
                }
                Ok(Dyn::Str(s))
            }
            Slot::Branch { node, then, otherwise, text_only } => {
                let (is_with, b) = match node {
                    Node::If(b) => (false, b),
                    Node::With(b) => (true, b),
                    _ => return Err(self.error("internal error: branch slot without if/with")),
                };
                self.at = Cursor::Node(node);
                let mark = self.vars.len();
                let val = self.eval_pipeline(dot, &b.pipe)?;
                let truth = val.get().is_some_and(Value::truth);
                let chosen = if truth { Some(*then) } else { *otherwise };
                let result = match chosen {
                    None => Dyn::Str(String::new()),
                    Some(id) => {
                        let inner = if truth && is_with { val.get() } else { dot };
                        let r = self.build_block(blocks, id, inner)?;
                        if *text_only {
                            Dyn::Str(r.statics.parts[0].to_string())
                        } else {
                            Dyn::Node(r)
                        }
                    }
                };
                self.vars.truncate(mark);
                Ok(result)
            }
            Slot::Range { node, body, otherwise, key_slot, opaque_items } => {
                let shape = RangeShape { body: *body, key_slot: *key_slot, opaque: *opaque_items };
                self.build_range(blocks, node, &shape, *otherwise, dot)
            }
            Slot::Call { node: t, block } => {
                self.at = Cursor::Template(t);
                let set = self.set;
                let (Some(tree), Some(id)) = (set.get(&t.name), block) else {
                    let mut msg = String::from("template ");
                    crate::gofmt::quote::quote_into(&mut msg, &t.name, false);
                    msg.push_str(" not defined");
                    return Err(self.error(msg));
                };
                if self.depth >= self.opts.max_depth {
                    return Err(self.error(format_args!("exceeded maximum template depth ({})", self.opts.max_depth)));
                }
                let new_dot = match &t.pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Ev::Invalid,
                };
                let saved = (self.tree, self.base, self.at);
                let mark = self.vars.len();
                self.depth += 1;
                self.tree = tree;
                self.base = mark;
                self.vars.push(Var { name: "$", value: new_dot.get().cloned() });
                let res = self.build_block(blocks, *id, new_dot.get());
                self.vars.truncate(mark);
                self.depth -= 1;
                (self.tree, self.base, self.at) = saved;
                Ok(Dyn::Node(res?))
            }
        }
    }

    fn build_range(
        &mut self,
        blocks: &'t [Block],
        r: &'t BranchNode,
        shape: &RangeShape,
        otherwise: Option<BlockId>,
        dot: Dot<'_>,
    ) -> Result<Dyn, Error> {
        self.at = Cursor::Range(r);
        let mark0 = self.vars.len();
        let val = self.eval_pipeline(dot, &r.pipe)?;
        let mut v = val.get();
        while let Some(Value::Ptr(p)) = v {
            v = Some(p);
        }
        let mark = self.vars.len();
        let mut items = Vec::new();
        let mut ran = false;
        match v {
            Some(Value::Slice(s)) => {
                for (i, elem) in s.items.iter().enumerate() {
                    ran = true;
                    let index = || Value::Int(i as i64);
                    if self.build_item(blocks, r, shape, mark, index, elem, &mut items)? {
                        break;
                    }
                }
            }
            Some(Value::Map(m)) => {
                for (k, elem) in &m.entries {
                    ran = true;
                    if self.build_item(blocks, r, shape, mark, || k.clone(), elem, &mut items)? {
                        break;
                    }
                }
            }
            None | Some(Value::Nil) => {}
            Some(other) => {
                let mut msg = String::from("range can't iterate over ");
                crate::gofmt::write_value(&mut msg, other);
                return Err(self.error(msg));
            }
        }
        let result = match otherwise {
            Some(e) if !ran => Dyn::Node(self.build_block(blocks, e, dot)?),
            _ => Dyn::Comp(Comprehension { statics: Arc::clone(&blocks[shape.body].statics), items }),
        };
        self.vars.truncate(mark0);
        Ok(result)
    }

    /// Builds one item; returns whether the loop must stop (`break`).
    #[allow(clippy::too_many_arguments)]
    fn build_item(
        &mut self,
        blocks: &'t [Block],
        r: &'t BranchNode,
        shape: &RangeShape,
        mark: usize,
        index: impl FnOnce() -> Value,
        elem: &Value,
        items: &mut Vec<Item>,
    ) -> Result<bool, Error> {
        let ndecl = r.pipe.decl.len();
        if ndecl > 0 {
            self.vars[mark - 1].value = Some(elem.clone());
            if ndecl > 1 {
                self.vars[mark - 2].value = Some(index());
            }
        }
        let stop = if shape.opaque {
            let mut s = String::new();
            let flow = self.walk_list(Some(elem), &r.list, &mut s)?;
            items.push(Item { key: None, dyns: vec![Dyn::Str(s)] });
            flow == Flow::Break
        } else {
            let rendered = self.build_block(blocks, shape.body, Some(elem))?;
            let key = shape.key_slot.and_then(|k| match rendered.dyns.get(k) {
                Some(Dyn::Str(s)) => Some(s.clone()),
                _ => None,
            });
            items.push(Item { key, dyns: rendered.dyns });
            false
        };
        self.vars.truncate(mark);
        Ok(stop)
    }
}

/// How a range's items are built.
struct RangeShape {
    body: BlockId,
    key_slot: Option<usize>,
    opaque: bool,
}

impl<'t> State<'t> {
    /// Evaluates the root block with `$` and dot bound to `data`.
    pub(crate) fn build_root(&mut self, blocks: &'t [Block], root: BlockId, data: &Value) -> Result<Rendered, Error> {
        self.build_block(blocks, root, super::root_dot(data))
    }
}
