//! Compiling trees into blocks of statics and slots.
//!
//! Passes, in one walk: text runs merge into statics; output actions become
//! slots; `if`/`with` chains (`{{else if}}` and an `{{else}}` holding only
//! another `if`/`with`) become one branch slot with several arms; `range`
//! becomes a comprehension slot; a `{{template}}` call is inlined into its
//! caller's block (its statics merge with the caller's), except for
//! recursive calls, which become nested nodes.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::parse::TemplateSet;
use crate::parse::ast::{BranchNode, List, Node, Pipeline, TemplateNode};
use crate::wire::Statics;

/// Index of a block in a program.
pub type BlockId = usize;

/// How deep calls are inlined before the compiler falls back to nested nodes.
const MAX_INLINE_DEPTH: usize = 16;

/// A sequence of statics and slots: one LiveView node shape.
#[derive(Debug)]
pub struct Block {
    /// The static segments (one more than the slots).
    pub statics: Arc<Statics>,
    /// What to evaluate, in order; each [`Op::Slot`] fills the next dynamic.
    pub ops: Vec<Op>,
}

impl Block {
    /// Number of dynamic slots.
    pub fn slot_count(&self) -> usize {
        self.statics.parts.len() - 1
    }
}

/// One step of a block.
#[derive(Debug)]
pub enum Op {
    /// Produces the next dynamic value.
    Slot(Slot),
    /// An action that only declares or assigns variables: evaluated, prints nothing.
    Bind(Pipeline),
    /// An inlined `{{template}}` call: `ops` run in the callee's scope, with
    /// the call's argument as dot; their slots belong to the enclosing block.
    Call {
        /// The call.
        node: TemplateNode,
        /// The callee's steps.
        ops: Vec<Op>,
    },
}

/// One arm of a branch: an `if` or `with` and its block.
#[derive(Debug)]
pub struct Arm {
    /// The `If` or `With` node (its pipeline is the condition).
    pub node: Node,
    /// The block rendered when the condition holds.
    pub block: BlockId,
}

/// What produces one dynamic value. Each holds the AST node it came from,
/// which the evaluator needs for Go's error positions.
#[derive(Debug)]
pub enum Slot {
    /// `{{pipeline}}` (a [`Node::Action`]): the escaped string.
    Expr(Node),
    /// An `if`/`with` chain: the first arm whose condition holds, else
    /// `otherwise`. A taken block with slots is a nested node; one without
    /// is sent as its text; nothing taken is `""`.
    Branch {
        /// The arms in order.
        arms: Vec<Arm>,
        /// The final `else` block.
        otherwise: Option<BlockId>,
    },
    /// `{{range}}`: a comprehension; its `else` a nested node (or its text).
    Range {
        /// The range node.
        node: BranchNode,
        /// The item block.
        body: BlockId,
        /// The `else` block.
        otherwise: Option<BlockId>,
        /// Index of the slot giving the item key (`data-key="{{...}}"` on the
        /// body's root element), if any.
        key_slot: Option<usize>,
        /// The body uses `break`/`continue`: each item is rendered whole as
        /// one string by the interpreter (the body block has one slot).
        opaque_items: bool,
    },
    /// A `{{template}}` call that could not be inlined (recursion, or a
    /// template that does not exist): the callee as a nested node.
    Call {
        /// The call.
        node: TemplateNode,
        /// Compiled callee (None if it does not exist: an error when evaluated).
        block: Option<BlockId>,
    },
}

/// Compiles template `entry` of `set` (already escaped in html mode).
pub fn compile(set: &TemplateSet, entry: &str) -> Result<(Vec<Block>, BlockId)> {
    let Some(tree) = set.get(entry) else {
        return Err(Error::new(
            ErrorKind::Exec,
            format!("template: no template {entry:?} associated with template {entry:?}"),
        ));
    };
    let mut c = Compiler {
        set,
        blocks: Vec::new(),
        templates: HashMap::new(),
        inlining: Vec::new(),
    };
    let root = c.template_block(&tree.name, &tree.root);
    Ok((c.blocks, root))
}

struct Compiler<'a> {
    set: &'a TemplateSet,
    blocks: Vec<Block>,
    /// Templates compiled as blocks of their own (entry and recursive callees).
    templates: HashMap<String, BlockId>,
    /// Templates being compiled or inlined right now (to detect recursion).
    inlining: Vec<String>,
}

/// Statics and steps under construction.
struct Builder {
    parts: Vec<String>,
    /// The steps of the block, and of each call being inlined on top.
    ops: Vec<Vec<Op>>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            parts: vec![String::new()],
            ops: vec![Vec::new()],
        }
    }
    fn text(&mut self, t: &str) {
        if let Some(last) = self.parts.last_mut() {
            last.push_str(t);
        }
    }
    fn op(&mut self, op: Op) {
        if let Some(top) = self.ops.last_mut() {
            top.push(op);
        }
    }
    fn slot(&mut self, s: Slot) {
        self.op(Op::Slot(s));
        self.parts.push(String::new());
    }
}

impl Compiler<'_> {
    fn alloc(&mut self) -> BlockId {
        self.blocks.push(Block {
            statics: Statics::new(vec![String::new()], 0),
            ops: Vec::new(),
        });
        self.blocks.len() - 1
    }

    fn template_block(&mut self, name: &str, list: &List) -> BlockId {
        if let Some(&id) = self.templates.get(name) {
            return id;
        }
        let id = self.alloc();
        self.templates.insert(name.to_string(), id);
        self.inlining.push(name.to_string());
        self.fill(id, list);
        self.inlining.pop();
        id
    }

    fn list_block(&mut self, list: &List) -> BlockId {
        let id = self.alloc();
        self.fill(id, list);
        id
    }

    fn fill(&mut self, id: BlockId, list: &List) {
        let mut b = Builder::new();
        self.nodes(&mut b, list);
        let ops = b.ops.pop().unwrap_or_default();
        self.blocks[id] = Block {
            statics: Statics::new(b.parts, id as u64 + 1),
            ops,
        };
    }

    fn nodes(&mut self, b: &mut Builder, list: &List) {
        for node in &list.nodes {
            match node {
                Node::Text(t) => b.text(&t.text),
                Node::Comment(_) => {}
                Node::Action(a) if !a.pipe.decl.is_empty() => b.op(Op::Bind(a.pipe.clone())),
                Node::Action(_) => b.slot(Slot::Expr(node.clone())),
                Node::If(_) | Node::With(_) => {
                    let s = self.branch(node);
                    b.slot(s)
                }
                Node::Range(n) => {
                    let s = self.range(n);
                    b.slot(s)
                }
                Node::Template(t) => self.call(b, t),
                // Only reachable outside an opaque range body, which the parser rejects.
                Node::Break(_) | Node::Continue(_) => {}
            }
        }
    }

    fn call(&mut self, b: &mut Builder, t: &TemplateNode) {
        let Some(tree) = self.set.get(&t.name).cloned() else {
            b.slot(Slot::Call {
                node: t.clone(),
                block: None,
            });
            return;
        };
        if self.inlining.contains(&tree.name) || self.inlining.len() >= MAX_INLINE_DEPTH {
            let block = Some(self.template_block(&tree.name, &tree.root));
            b.slot(Slot::Call {
                node: t.clone(),
                block,
            });
            return;
        }
        self.inlining.push(tree.name.clone());
        b.ops.push(Vec::new());
        self.nodes(b, &tree.root);
        let ops = b.ops.pop().unwrap_or_default();
        self.inlining.pop();
        b.op(Op::Call {
            node: t.clone(),
            ops,
        });
    }

    fn branch(&mut self, first: &Node) -> Slot {
        let mut arms = Vec::new();
        let mut node = first;
        while let Node::If(n) | Node::With(n) = node {
            arms.push(Arm {
                node: node.clone(),
                block: self.list_block(&n.list),
            });
            match &n.else_list {
                // `{{else if}}`, or an else holding nothing but another if/with.
                Some(l)
                    if l.nodes.len() == 1 && matches!(l.nodes[0], Node::If(_) | Node::With(_)) =>
                {
                    node = &l.nodes[0];
                }
                Some(l) => {
                    return Slot::Branch {
                        arms,
                        otherwise: Some(self.list_block(l)),
                    };
                }
                None => break,
            }
        }
        Slot::Branch {
            arms,
            otherwise: None,
        }
    }

    fn range(&mut self, n: &BranchNode) -> Slot {
        let otherwise = n.else_list.as_ref().map(|l| self.list_block(l));
        if breaks_loop(&n.list) {
            let body = self.alloc();
            let parts = vec![String::new(), String::new()];
            self.blocks[body] = Block {
                statics: Statics::new(parts, body as u64 + 1),
                ops: Vec::new(),
            };
            return Slot::Range {
                node: n.clone(),
                body,
                otherwise,
                key_slot: None,
                opaque_items: true,
            };
        }
        let body = self.list_block(&n.list);
        let key_slot = key_slot(&self.blocks[body]);
        Slot::Range {
            node: n.clone(),
            body,
            otherwise,
            key_slot,
            opaque_items: false,
        }
    }
}

/// Whether `list` has a `break`/`continue` for the enclosing range (not one of a nested range).
fn breaks_loop(list: &List) -> bool {
    list.nodes.iter().any(|n| match n {
        Node::Break(_) | Node::Continue(_) => true,
        Node::If(b) | Node::With(b) => {
            breaks_loop(&b.list) || b.else_list.as_ref().is_some_and(breaks_loop)
        }
        Node::Range(b) => b.else_list.as_ref().is_some_and(breaks_loop),
        _ => false,
    })
}

/// The slot holding `data-key="{{...}}"` of the body's root element, if any:
/// the statics before it must open a tag (`<name`, whitespace allowed first)
/// that is not closed yet, end in whitespace + `data-key="`, and the slot must
/// be a plain expression (of the body or of a call inlined into it).
fn key_slot(block: &Block) -> Option<usize> {
    let mut slots = Vec::new();
    collect_slots(&block.ops, &mut slots);
    let mut prefix = String::new();
    for (i, part) in block
        .statics
        .parts
        .iter()
        .enumerate()
        .take(block.slot_count())
    {
        prefix.push_str(part);
        let trimmed = prefix.trim_start();
        let open = trimmed
            .strip_prefix('<')
            .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_alphabetic()))
            && !trimmed.contains('>');
        if !open {
            return None;
        }
        let keyed = ["data-key=\"", "data-key='"].iter().any(|k| {
            part.strip_suffix(k)
                .is_some_and(|before| before.ends_with(|c: char| c.is_ascii_whitespace()))
        });
        if keyed && matches!(slots.get(i), Some(Slot::Expr(_))) {
            return Some(i);
        }
        prefix.push('\u{0}');
    }
    None
}

/// Every slot of `ops` in order, including those of inlined calls.
fn collect_slots<'a>(ops: &'a [Op], out: &mut Vec<&'a Slot>) {
    for op in ops {
        match op {
            Op::Slot(s) => out.push(s),
            Op::Bind(_) => {}
            Op::Call { ops, .. } => collect_slots(ops, out),
        }
    }
}
