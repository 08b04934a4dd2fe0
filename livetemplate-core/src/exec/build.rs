//! Evaluating a compiled [`crate::program`] into a [`Rendered`] tree: the same
//! walk as the interpreter's (sharing its steps), but each slot's value is
//! kept apart from the statics instead of being appended to one string.

use std::sync::Arc;

use crate::error::Error;
use crate::parse::ast::{BranchNode, Node};
use crate::program::{Block, BlockId, Op, Slot};
use crate::value::Value;
use crate::wire::{Comprehension, Dyn, Item, Rendered};

use super::display::Cursor;
use super::{Dot, Flow, State};

/// How a range's items are built.
struct RangeShape {
    body: BlockId,
    key_slot: Option<usize>,
    opaque: bool,
}

impl<'t> State<'t> {
    /// Evaluates the root block with `$` and dot bound to `data`.
    pub(crate) fn build_root(
        &mut self,
        blocks: &'t [Block],
        root: BlockId,
        data: &Value,
    ) -> Result<Rendered, Error> {
        self.build_block(blocks, root, Dot::root(data))
    }

    /// Evaluates one slot of `blocks` with dot `dot` (the typed templates
    /// evaluate the slots they do not compile, e.g. a `range` with
    /// `break`/`continue`, this way).
    pub fn build_slot_value(
        &mut self,
        blocks: &'t [Block],
        slot: &'t Slot,
        dot: &Value,
    ) -> Result<Dyn, Error> {
        self.build_slot(blocks, slot, Dot::root(dot))
    }

    /// Evaluates block `id` of `blocks` with dot `dot`.
    fn build_block(
        &mut self,
        blocks: &'t [Block],
        id: BlockId,
        dot: Dot<'_>,
    ) -> Result<Rendered, Error> {
        let block = &blocks[id];
        let mut dyns = Vec::with_capacity(block.slot_count());
        self.build_ops(blocks, &block.ops, dot, &mut dyns)?;
        Ok(Rendered {
            statics: Arc::clone(&block.statics),
            dyns,
        })
    }

    /// Evaluates block `id` as a dynamic value: a nested node, or its text
    /// when it has no slots (a plain string is smaller on the wire).
    fn build_nested(
        &mut self,
        blocks: &'t [Block],
        id: BlockId,
        dot: Dot<'_>,
    ) -> Result<Dyn, Error> {
        let r = self.build_block(blocks, id, dot)?;
        Ok(if r.dyns.is_empty() {
            Dyn::Str(String::from(&*r.statics.parts[0]))
        } else {
            Dyn::Node(r)
        })
    }

    /// Runs `ops`, pushing one value per slot onto `dyns`.
    fn build_ops(
        &mut self,
        blocks: &'t [Block],
        ops: &'t [Op],
        dot: Dot<'_>,
        dyns: &mut Vec<Dyn>,
    ) -> Result<(), Error> {
        for op in ops {
            match op {
                Op::Bind(pipe) => {
                    self.eval_pipeline(dot, pipe)?;
                }
                Op::Slot(slot) => {
                    let d = self.build_slot(blocks, slot, dot)?;
                    dyns.push(d);
                }
                Op::Call { node, ops } => {
                    let (new_dot, frame) = self.enter_template(dot, node)?;
                    let res = self.build_ops(blocks, ops, new_dot.as_dot(), dyns);
                    self.leave_template(frame);
                    res?;
                }
            }
        }
        Ok(())
    }

    fn build_slot(
        &mut self,
        blocks: &'t [Block],
        slot: &'t Slot,
        dot: Dot<'_>,
    ) -> Result<Dyn, Error> {
        match slot {
            Slot::Expr(node) => {
                let Node::Action(a) = node else {
                    return Err(self.error("internal error: expression slot without an action"));
                };
                let mut s = String::new();
                self.walk_action(dot, node, a, &mut s)?;
                Ok(Dyn::Str(s))
            }
            Slot::Branch { arms, otherwise } => {
                let mark = self.vars.len();
                let mut result = None;
                for arm in arms {
                    let (is_with, b) = match &arm.node {
                        Node::If(b) => (false, b),
                        Node::With(b) => (true, b),
                        _ => return Err(self.error("internal error: branch arm without if/with")),
                    };
                    self.at = Cursor::Node(&arm.node);
                    let val = self.eval_pipeline(dot, &b.pipe)?;
                    if val.get().is_some_and(Value::truth) {
                        let inner = if is_with { val.as_dot() } else { dot };
                        result = Some(self.build_nested(blocks, arm.block, inner)?);
                        break;
                    }
                }
                let result = match (result, otherwise) {
                    (Some(r), _) => r,
                    (None, Some(e)) => self.build_nested(blocks, *e, dot)?,
                    (None, None) => Dyn::Str(String::new()),
                };
                self.vars.truncate(mark);
                Ok(result)
            }
            Slot::Range {
                node,
                body,
                otherwise,
                key_slot,
                opaque_items,
            } => {
                let shape = RangeShape {
                    body: *body,
                    key_slot: *key_slot,
                    opaque: *opaque_items,
                };
                self.build_range(blocks, node, &shape, *otherwise, dot)
            }
            Slot::Call { node: t, block } => {
                let (new_dot, frame) = self.enter_template(dot, t)?;
                let res = match block {
                    Some(id) => self.build_block(blocks, *id, new_dot.as_dot()),
                    None => {
                        Err(self.error("internal error: template call without a compiled callee"))
                    }
                };
                self.leave_template(frame);
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
        let v = val.get();
        let mut items = Vec::new();
        let ran = self.range_each(v, r.pipe.decl.len(), |st, item_dot| {
            st.build_item(blocks, r, shape, item_dot, &mut items)
        })?;
        let result = match otherwise {
            Some(e) if !ran => self.build_nested(blocks, e, dot)?,
            _ => Dyn::Comp(Comprehension {
                statics: Arc::clone(&blocks[shape.body].statics),
                items,
            }),
        };
        self.vars.truncate(mark0);
        Ok(result)
    }

    /// Builds one item (its variables are bound); returns whether the loop must stop.
    fn build_item(
        &mut self,
        blocks: &'t [Block],
        r: &'t BranchNode,
        shape: &RangeShape,
        dot: Dot<'_>,
        items: &mut Vec<Item>,
    ) -> Result<bool, Error> {
        Ok(if shape.opaque {
            let mut s = String::new();
            let flow = self.walk_list(dot, &r.list, &mut s)?;
            items.push(Item {
                key: None,
                dyns: vec![Dyn::Str(s)],
            });
            flow == Flow::Break
        } else {
            let rendered = self.build_block(blocks, shape.body, dot)?;
            let key = shape.key_slot.and_then(|k| match rendered.dyns.get(k) {
                Some(Dyn::Str(s)) => Some(s.clone()),
                _ => None,
            });
            items.push(Item {
                key,
                dyns: rendered.dyns,
            });
            false
        })
    }
}
