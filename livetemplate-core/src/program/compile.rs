//! Compiling trees into blocks of statics and slots.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::parse::TemplateSet;
use crate::parse::ast::{BranchNode, List, Node, Pipeline, TemplateNode};
use crate::wire::Statics;

/// Index of a block in a program.
pub type BlockId = usize;

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
}

/// What produces one dynamic value. Each holds the AST node it came from,
/// which the evaluator needs for Go's error positions.
#[derive(Debug)]
pub enum Slot {
    /// `{{pipeline}}` (a [`Node::Action`]): the escaped string.
    Expr(Node),
    /// `{{if}}`/`{{with}}` (the node): a nested node of the branch taken, `""` when none.
    Branch {
        /// The `If` or `With` node.
        node: Node,
        /// Block of the true branch.
        then: BlockId,
        /// Block of the `else` branch.
        otherwise: Option<BlockId>,
        /// When no branch has a slot, the branch's text is sent as a plain string.
        text_only: bool,
    },
    /// `{{range}}`: a comprehension; its `else` a nested node.
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
    /// `{{template "name" pipeline}}`: the callee as a nested node.
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
    };
    let root = c.template_block(&tree.name, &tree.root);
    Ok((c.blocks, root))
}

struct Compiler<'a> {
    set: &'a TemplateSet,
    blocks: Vec<Block>,
    templates: HashMap<String, BlockId>,
}

/// Statics under construction.
struct Builder {
    parts: Vec<String>,
    ops: Vec<Op>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            parts: vec![String::new()],
            ops: Vec::new(),
        }
    }
    fn text(&mut self, t: &str) {
        self.parts
            .last_mut()
            .expect("parts is never empty")
            .push_str(t);
    }
    fn slot(&mut self, s: Slot) {
        self.ops.push(Op::Slot(s));
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
        self.fill(id, list);
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
        self.blocks[id] = Block {
            statics: Statics::new(b.parts, id as u64 + 1),
            ops: b.ops,
        };
    }

    fn nodes(&mut self, b: &mut Builder, list: &List) {
        for node in &list.nodes {
            match node {
                Node::Text(t) => b.text(&t.text),
                Node::Comment(_) => {}
                Node::Action(a) if !a.pipe.decl.is_empty() => b.ops.push(Op::Bind(a.pipe.clone())),
                Node::Action(_) => b.slot(Slot::Expr(node.clone())),
                Node::If(n) | Node::With(n) => {
                    let s = self.branch(node, n);
                    b.slot(s)
                }
                Node::Range(n) => {
                    let s = self.range(n);
                    b.slot(s)
                }
                Node::Template(t) => {
                    let block = self
                        .set
                        .get(&t.name)
                        .cloned()
                        .map(|tree| self.template_block(&tree.name, &tree.root));
                    b.slot(Slot::Call {
                        node: t.clone(),
                        block,
                    })
                }
                // Only reachable outside an opaque range body, which the parser rejects.
                Node::Break(_) | Node::Continue(_) => {}
            }
        }
    }

    fn branch(&mut self, node: &Node, n: &BranchNode) -> Slot {
        let then = self.list_block(&n.list);
        let otherwise = n.else_list.as_ref().map(|l| self.list_block(l));
        let text_only = self.blocks[then].slot_count() == 0
            && otherwise.is_none_or(|e| self.blocks[e].slot_count() == 0);
        Slot::Branch {
            node: node.clone(),
            then,
            otherwise,
            text_only,
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
/// the statics before it must be `<tag ...` (whitespace allowed first) with no
/// `>` yet, ending in ` data-key="`, and the slot must be a plain expression.
fn key_slot(block: &Block) -> Option<usize> {
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
        let tag_open = trimmed.starts_with('<')
            && trimmed[1..].starts_with(|c: char| c.is_ascii_alphabetic())
            && !trimmed.contains('>');
        if !tag_open {
            return None;
        }
        if (part.ends_with(" data-key=\"") || part.ends_with(" data-key='"))
            && matches!(
                block.ops.iter().filter(|o| matches!(o, Op::Slot(_))).nth(i),
                Some(Op::Slot(Slot::Expr(_)))
            )
        {
            return Some(i);
        }
        prefix.push('\u{0}');
    }
    None
}
