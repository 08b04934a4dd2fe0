//! What execution errors print about a node: Go's `Node.String()` (the
//! `<...>` context) and Go's `Node.Position()` (the `LINE:COL`).
//!
//! Both come from the parser (`Display` impls and `go_pos` methods of the
//! AST); this module only tracks which node execution is at.

use std::fmt;

use crate::parse::ast::{ActionNode, Arg, BranchNode, Command, Node, Pipeline, TemplateNode};

/// The node execution is at, for error messages (Go's `state.node`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cursor<'t> {
    /// Nothing yet.
    None,
    /// A node of a list.
    Node(&'t Node),
    /// A pipeline.
    Pipe(&'t Pipeline),
    /// A command.
    Cmd(&'t Command),
    /// An operand.
    Arg(&'t Arg),
    /// A `{{template}}` call.
    Template(&'t TemplateNode),
    /// A range node.
    Range(&'t BranchNode),
    /// The pipeline of an action rewritten by html/template (Go shows the
    /// escapers it appended: `.X | _html_template_htmlescaper`).
    Escaped(&'t ActionNode),
}

impl Cursor<'_> {
    /// Go's `Position()` of the node as a byte offset into `tree.source`.
    pub(crate) fn pos(&self) -> usize {
        match *self {
            Cursor::None => 0,
            Cursor::Node(n) => n.go_pos(),
            Cursor::Pipe(p) => p.go_pos(),
            Cursor::Cmd(c) => c.go_pos(),
            Cursor::Arg(a) => match a {
                Arg::Pipe(p) => p.go_pos(),
                a => a.go_pos(),
            },
            Cursor::Template(t) => t.name_span.start as usize,
            Cursor::Range(b) => b.pipe.go_pos(),
            Cursor::Escaped(a) => a.pipe.go_pos(),
        }
    }
}

impl fmt::Display for Cursor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Cursor::None => Ok(()),
            Cursor::Node(n) => write!(f, "{n}"),
            Cursor::Pipe(p) => write!(f, "{p}"),
            Cursor::Cmd(c) => write!(f, "{c}"),
            Cursor::Arg(a) => write!(f, "{a}"),
            Cursor::Template(t) => write!(f, "{t}"),
            Cursor::Range(b) => write!(f, "{}", Node::Range(b.clone())),
            Cursor::Escaped(a) => f.write_str(&crate::escape::action_string(a)),
        }
    }
}
