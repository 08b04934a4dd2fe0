//! Evaluating a compiled [`crate::program`] into a [`Rendered`] tree: the same
//! walk as the interpreter's (sharing its steps), but each slot's value is
//! kept apart from the statics instead of being appended to one string.
//!
//! The walk can be given the previous tree of the same program: then the
//! items of a `range` whose body is reusable (see `program::purity`), whose
//! reads of outer variables give identical values, and whose element (and
//! index) are identical to an old item's take that item's dynamics as they
//! are (shared, not copied), and are not evaluated again. Old values are only ever matched to the same
//! place in the program (the same slot of the same block, reached through
//! the same branches, calls and ranges), so a reused item was evaluated at
//! the same template-call depth as the new one would be.

use std::sync::Arc;

use crate::error::Error;
use crate::parse::ast::{BranchNode, Node};
use crate::program::{Block, BlockId, FreeRead, Op, Slot};
use crate::value::{Type, Value};
use crate::wire::{Comprehension, Dyn, Item, ItemMemo, Rendered, same_context};

use super::display::Cursor;
use super::{Dot, Flow, Iteration, State};

/// The compiled program being evaluated.
#[derive(Clone, Copy)]
pub(crate) struct Prog<'t> {
    /// Its blocks.
    pub(crate) blocks: &'t [Block],
    /// For each block that is the body of a reusable range, its outer reads.
    pub(crate) reuse: &'t [Option<Vec<FreeRead>>],
}

impl<'t> Prog<'t> {
    fn statics_of(&self, id: BlockId, other: &Arc<crate::wire::Statics>) -> bool {
        Arc::ptr_eq(&self.blocks[id].statics, other)
    }
}

/// How a range's items are built.
struct RangeShape<'t> {
    body: BlockId,
    key_slot: Option<usize>,
    opaque: bool,
    /// The body is reusable: these are its outer reads.
    reads: Option<&'t [FreeRead]>,
    /// The range binds the index (or key) to a variable.
    binds_index: bool,
}

/// The context of one render of a reusable range: what its items' memos get.
struct MemoContext {
    /// The values of the body's outer reads.
    context: Option<Arc<[(Value, bool)]>>,
}

/// How far past the expected position an old item is looked for.
const REUSE_WINDOW: usize = 8;

/// The items of the previous render of a range, and where the next new
/// item is expected among them.
struct OldItems<'p> {
    items: &'p [Item],
    /// Whether items may be reused (the outer reads are unchanged).
    reuse: bool,
    /// Index after the last old item reused.
    next: usize,
    /// Old index minus new index of the last item reused.
    offset: isize,
}

impl<'p> OldItems<'p> {
    fn new(items: &'p [Item], reuse: bool) -> Self {
        OldItems {
            items,
            reuse,
            next: 0,
            offset: 0,
        }
    }

    /// Where new item `i` is expected: at the offset of the last reuse.
    fn expected_index(&self, i: usize) -> Option<usize> {
        i.checked_add_signed(self.offset)
            .filter(|&j| j < self.items.len())
    }

    /// An old item evaluated from the same inputs as new item `i`: looked
    /// for where it is expected, then among the few after the last one
    /// reused (so items inserted or removed before shift the search), then
    /// at the same position.
    fn find(&mut self, i: usize, memo: &ItemMemo) -> Option<&'p Item> {
        if !self.reuse {
            return None;
        }
        let end = self.items.len().min(self.next + REUSE_WINDOW);
        let found = self
            .expected_index(i)
            .into_iter()
            .chain(self.next..end)
            .chain(std::iter::once(i))
            .find(|&j| {
                self.items
                    .get(j)
                    .and_then(|o| o.memo.as_ref())
                    .is_some_and(|m| m.same_inputs(memo))
            })?;
        self.next = found + 1;
        self.offset = found as isize - i as isize;
        self.items.get(found)
    }

    /// The old item expected at new item `i`: its nested nodes are reused
    /// where they can be when `i` is evaluated.
    fn expected(&self, i: usize) -> Option<&'p Item> {
        self.expected_index(i)
            .or((i < self.items.len()).then_some(i))
            .and_then(|j| self.items.get(j))
    }
}

impl<'t> State<'t> {
    /// Evaluates the root block with `$` and dot bound to `data`, reusing
    /// what it can of `prev` (an earlier render of the same program).
    pub(crate) fn build_root(
        &mut self,
        prog: Prog<'t>,
        root: BlockId,
        data: &Value,
        prev: Option<&Rendered>,
    ) -> Result<Rendered, Error> {
        let prev = prev
            .filter(|p| prog.statics_of(root, &p.statics))
            .map(|p| &p.dyns[..]);
        self.build_block(prog, root, Dot::root(data), prev)
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
        let prog = Prog { blocks, reuse: &[] };
        self.build_slot(prog, slot, Dot::root(dot), None)
    }

    /// Evaluates block `id` with dot `dot`; `prev` is the block's dynamics
    /// in the previous render, if known.
    fn build_block(
        &mut self,
        prog: Prog<'t>,
        id: BlockId,
        dot: Dot<'_>,
        prev: Option<&[Dyn]>,
    ) -> Result<Rendered, Error> {
        let block = &prog.blocks[id];
        let mut dyns = Vec::with_capacity(block.slot_count());
        self.build_ops(prog, &block.ops, dot, &mut dyns, prev)?;
        Ok(Rendered {
            statics: Arc::clone(&block.statics),
            dyns,
        })
    }

    /// Evaluates block `id` as a dynamic value: a nested node, or its text
    /// when it has no slots (a plain string is smaller on the wire).
    fn build_nested(
        &mut self,
        prog: Prog<'t>,
        id: BlockId,
        dot: Dot<'_>,
        prev: Option<&Dyn>,
    ) -> Result<Dyn, Error> {
        let prev = match prev {
            Some(Dyn::Node(r)) if prog.statics_of(id, &r.statics) => Some(&r.dyns[..]),
            _ => None,
        };
        let r = self.build_block(prog, id, dot, prev)?;
        Ok(if r.dyns.is_empty() {
            Dyn::Str(String::from(&*r.statics.parts[0]))
        } else {
            Dyn::Node(r)
        })
    }

    /// Runs `ops`, pushing one value per slot onto `dyns` (whose previous
    /// values, if known, are `prev`).
    fn build_ops(
        &mut self,
        prog: Prog<'t>,
        ops: &'t [Op],
        dot: Dot<'_>,
        dyns: &mut Vec<Dyn>,
        prev: Option<&[Dyn]>,
    ) -> Result<(), Error> {
        for op in ops {
            match op {
                Op::Bind(pipe) => {
                    self.eval_pipeline(dot, pipe)?;
                }
                Op::Slot(slot) => {
                    let p = prev.and_then(|p| p.get(dyns.len()));
                    let d = self.build_slot(prog, slot, dot, p)?;
                    dyns.push(d);
                }
                Op::Call { node, ops } => {
                    let (new_dot, frame) = self.enter_template(dot, node)?;
                    let res = self.build_ops(prog, ops, new_dot.as_dot(), dyns, prev);
                    self.leave_template(frame);
                    res?;
                }
            }
        }
        Ok(())
    }

    fn build_slot(
        &mut self,
        prog: Prog<'t>,
        slot: &'t Slot,
        dot: Dot<'_>,
        prev: Option<&Dyn>,
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
                        result = Some(self.build_nested(prog, arm.block, inner, prev)?);
                        break;
                    }
                }
                let result = match (result, otherwise) {
                    (Some(r), _) => r,
                    (None, Some(e)) => self.build_nested(prog, *e, dot, prev)?,
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
                    reads: prog.reuse.get(*body).and_then(Option::as_deref),
                    binds_index: node.pipe.decl.len() > 1,
                };
                self.build_range(prog, node, &shape, *otherwise, dot, prev)
            }
            Slot::Call { node: t, block } => {
                let (new_dot, frame) = self.enter_template(dot, t)?;
                let res = match block {
                    Some(id) => {
                        let prev = match prev {
                            Some(Dyn::Node(r)) if prog.statics_of(*id, &r.statics) => {
                                Some(&r.dyns[..])
                            }
                            _ => None,
                        };
                        self.build_block(prog, *id, new_dot.as_dot(), prev)
                    }
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
        prog: Prog<'t>,
        r: &'t BranchNode,
        shape: &RangeShape<'_>,
        otherwise: Option<BlockId>,
        dot: Dot<'_>,
        prev: Option<&Dyn>,
    ) -> Result<Dyn, Error> {
        // The outer reads cannot change while the range runs (a reusable
        // body assigns no outer variable): read them once.
        let memo = match shape.reads {
            None => None,
            Some([]) => Some(MemoContext { context: None }),
            Some(reads) => self
                .read_context(reads)
                .map(|c| MemoContext { context: Some(c) }),
        };
        self.at = Cursor::Range(r);
        let mark0 = self.vars.len();
        let val = self.eval_pipeline(dot, &r.pipe)?;
        let v = val.get();
        let mut items = Vec::with_capacity(range_len(v));
        let mut old = match prev {
            Some(Dyn::Comp(c)) if prog.statics_of(shape.body, &c.statics) => {
                let reuse = memo.as_ref().is_some_and(|m| {
                    c.items
                        .iter()
                        .find_map(|i| i.memo.as_ref())
                        .is_some_and(|om| same_context(&om.context, &m.context))
                });
                Some(OldItems::new(&c.items, reuse))
            }
            _ => None,
        };
        let ran = self.range_each(v, r.pipe.decl.len(), |st, item_dot, it| {
            let memo = memo.as_ref();
            st.build_item(
                prog,
                r,
                shape,
                (item_dot, it, memo),
                &mut items,
                old.as_mut(),
            )
        })?;
        let result = match otherwise {
            Some(e) if !ran => self.build_nested(prog, e, dot, prev)?,
            _ => Dyn::Comp(Comprehension::new(
                Arc::clone(&prog.blocks[shape.body].statics),
                items,
            )),
        };
        self.vars.truncate(mark0);
        Ok(result)
    }

    /// The values of a body's outer reads, with whether each has an
    /// interface type; `None` when one cannot be read plainly (an undefined
    /// variable, a missing field or key, a nil pointer: the body then is
    /// evaluated item by item, which reports or handles it).
    fn read_context(&self, reads: &[FreeRead]) -> Option<Arc<[(Value, bool)]>> {
        reads
            .iter()
            .map(|read| {
                let var = self.find_var(&read.var).ok()?;
                let mut v = var.value.as_ref()?;
                let mut iface = var.iface;
                for f in &read.fields {
                    while let Value::Ptr(p) = v {
                        v = p;
                    }
                    match v {
                        Value::Struct(s) => {
                            let i = s.ty.field_index(f)?;
                            iface = matches!(s.ty.fields.get(i), Some((_, Type::Any)));
                            v = s.fields.get(i)?;
                        }
                        Value::Map(m) if matches!(m.key, Type::String) => {
                            iface = matches!(m.elem, Type::Any);
                            v = m.get_str(f)?;
                        }
                        _ => return None,
                    }
                }
                Some((v.clone(), iface))
            })
            .collect()
    }

    /// Builds one item (its variables are bound), or takes an old one
    /// evaluated from the same inputs; returns whether the loop must stop.
    fn build_item(
        &mut self,
        prog: Prog<'t>,
        r: &'t BranchNode,
        shape: &RangeShape<'_>,
        (dot, it, ctx): (Dot<'_>, Iteration<'_>, Option<&MemoContext>),
        items: &mut Vec<Item>,
        old: Option<&mut OldItems<'_>>,
    ) -> Result<bool, Error> {
        let i = items.len();
        let mut memo = ctx.map(|c| ItemMemo {
            elem: it.elem.clone(),
            index: shape.binds_index.then(|| it.index.value()),
            iface: it.iface,
            broke: false,
            context: c.context.clone(),
        });
        let mut expected = None;
        if let Some(old) = old {
            if let Some(m) = &mut memo {
                if let Some(o) = old.find(i, m) {
                    // The new element's memo: the held tree then keeps
                    // only the latest data alive.
                    m.broke = o.memo.as_ref().is_some_and(|om| om.broke);
                    let broke = m.broke;
                    items.push(Item {
                        key: o.key.clone(),
                        dyns: Arc::clone(&o.dyns),
                        memo,
                    });
                    return Ok(broke);
                }
            }
            expected = old.expected(i);
        }
        Ok(if shape.opaque {
            let mut s = String::new();
            let flow = self.walk_list(dot, &r.list, &mut s)?;
            let broke = flow == Flow::Break;
            if let Some(m) = &mut memo {
                m.broke = broke;
            }
            items.push(Item {
                key: None,
                dyns: Arc::new([Dyn::Str(s)]),
                memo,
            });
            broke
        } else {
            let prev = expected.map(|o| &o.dyns[..]);
            let block = &prog.blocks[shape.body];
            let mut dyns = self.scratch.pop().unwrap_or_default();
            dyns.reserve(block.slot_count());
            let res = self.build_ops(prog, &block.ops, dot, &mut dyns, prev);
            let key = shape.key_slot.and_then(|k| match dyns.get(k) {
                Some(Dyn::Str(s)) => Some(s.clone()),
                _ => None,
            });
            // One exact-size allocation; the buffer is kept for the next item.
            let shared: Arc<[Dyn]> = dyns.drain(..).collect();
            self.scratch.push(dyns);
            res?;
            items.push(Item {
                key,
                dyns: shared,
                memo,
            });
            false
        })
    }
}

/// How many items ranging over `v` gives at most (to size the items).
fn range_len(mut v: Option<&Value>) -> usize {
    while let Some(Value::Ptr(p)) = v {
        v = Some(p);
    }
    match v {
        Some(Value::Slice(s)) => s.items.len(),
        Some(Value::Map(m)) => m.entries.len(),
        _ => 0,
    }
}
