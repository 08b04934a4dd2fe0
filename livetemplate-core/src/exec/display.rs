//! What execution errors print about a node: Go's `Node.String()` (the
//! `<...>` context) and Go's `Node.Position()` (the `LINE:COL`).
//!
//! Go's positions are not always where a node starts: a field chain `.A.B`
//! is positioned at `.B`, a template call at its name. [`Cursor::pos`]
//! reproduces that from our spans.

use std::fmt::{self, Write};

use crate::parse::ast::{Arg, BranchNode, Command, List, Node, Pipeline, TemplateNode, Tree};

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
}

impl Cursor<'_> {
    /// Go's `Position()` of the node as a byte offset into `tree.source`.
    pub(crate) fn pos(&self, tree: &Tree) -> usize {
        match *self {
            Cursor::None => 0,
            Cursor::Node(n) => node_pos(n, tree),
            Cursor::Pipe(p) => pipe_pos(p),
            Cursor::Cmd(c) => c.span.start as usize,
            Cursor::Arg(a) => arg_pos(a),
            Cursor::Template(t) => template_pos(t, tree),
            Cursor::Range(b) => pipe_pos(&b.pipe),
        }
    }
}

impl fmt::Display for Cursor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        match *self {
            Cursor::None => {}
            Cursor::Node(n) => write_node(&mut s, n),
            Cursor::Pipe(p) => write_pipe(&mut s, p),
            Cursor::Cmd(c) => write_cmd(&mut s, c),
            Cursor::Arg(a) => write_arg(&mut s, a),
            Cursor::Template(t) => write_template(&mut s, t),
            Cursor::Range(b) => write_branch(&mut s, "range", b),
        }
        f.write_str(&s)
    }
}

fn node_pos(n: &Node, tree: &Tree) -> usize {
    match n {
        Node::Action(a) => pipe_pos(&a.pipe),
        Node::If(b) | Node::Range(b) | Node::With(b) => pipe_pos(&b.pipe),
        Node::Template(t) => template_pos(t, tree),
        other => other.span().start as usize,
    }
}

/// Go positions a pipeline at its first token.
pub(crate) fn pipe_pos(p: &Pipeline) -> usize {
    if let Some(v) = p.decl.first() {
        return v.span.start as usize;
    }
    match p.cmds.first() {
        Some(c) => c.span.start as usize,
        None => p.span.start as usize,
    }
}

/// Go positions a field/variable chain at its first trailing field.
pub(crate) fn arg_pos(a: &Arg) -> usize {
    match a {
        Arg::Field { span, idents } if idents.len() > 1 => span.start as usize + 1 + idents[0].len(),
        Arg::Variable { span, name, fields } if !fields.is_empty() => span.start as usize + name.len(),
        Arg::Chain { span, fields, .. } => {
            let tail: usize = fields.iter().map(|f| f.len() + 1).sum();
            (span.end as usize).saturating_sub(tail)
        }
        Arg::Pipe(p) => pipe_pos(p),
        other => other.span().start as usize,
    }
}

/// Go positions a template call at the template's name.
fn template_pos(t: &TemplateNode, tree: &Tree) -> usize {
    let start = t.span.start as usize;
    let end = (t.span.end as usize).min(tree.source.len());
    tree.source
        .get(start..end)
        .and_then(|s| s.find(['"', '`']))
        .map_or(start, |i| start + i)
}

/// Go's `String()` of an operand.
pub(crate) fn write_arg(s: &mut String, a: &Arg) {
    match a {
        Arg::Dot(_) => s.push('.'),
        Arg::Nil(_) => s.push_str("nil"),
        Arg::Bool(_, b) => s.push_str(if *b { "true" } else { "false" }),
        Arg::Number(n) => s.push_str(&n.text),
        Arg::String { quoted, .. } => s.push_str(quoted),
        Arg::Identifier { name, .. } => s.push_str(name),
        Arg::Field { idents, .. } => {
            for i in idents {
                s.push('.');
                s.push_str(i);
            }
        }
        Arg::Variable { name, fields, .. } => {
            s.push_str(name);
            for f in fields {
                s.push('.');
                s.push_str(f);
            }
        }
        Arg::Chain { node, fields, .. } => {
            if let Arg::Pipe(p) = &**node {
                s.push('(');
                write_pipe(s, p);
                s.push(')');
            } else {
                write_arg(s, node);
            }
            for f in fields {
                s.push('.');
                s.push_str(f);
            }
        }
        Arg::Pipe(p) => write_pipe(s, p),
    }
}

/// Go's `String()` of a command (parenthesised pipelines keep their parens).
pub(crate) fn write_cmd(s: &mut String, c: &Command) {
    for (i, a) in c.args.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        if let Arg::Pipe(p) = a {
            s.push('(');
            write_pipe(s, p);
            s.push(')');
        } else {
            write_arg(s, a);
        }
    }
}

/// Go's `String()` of a pipeline.
pub(crate) fn write_pipe(s: &mut String, p: &Pipeline) {
    if !p.decl.is_empty() {
        for (i, v) in p.decl.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&v.name);
        }
        s.push_str(if p.is_assign { " = " } else { " := " });
    }
    for (i, c) in p.cmds.iter().enumerate() {
        if i > 0 {
            s.push_str(" | ");
        }
        write_cmd(s, c);
    }
}

fn write_list(s: &mut String, l: &List) {
    for n in &l.nodes {
        write_node(s, n);
    }
}

fn write_branch(s: &mut String, name: &str, b: &BranchNode) {
    let _ = write!(s, "{{{{{name} ");
    write_pipe(s, &b.pipe);
    s.push_str("}}");
    write_list(s, &b.list);
    if let Some(e) = &b.else_list {
        s.push_str("{{else}}");
        write_list(s, e);
    }
    s.push_str("{{end}}");
}

fn write_template(s: &mut String, t: &TemplateNode) {
    s.push_str("{{template ");
    crate::gofmt::quote::quote_into(s, &t.name, false);
    if let Some(p) = &t.pipe {
        s.push(' ');
        write_pipe(s, p);
    }
    s.push_str("}}");
}

/// Go's `String()` of a node.
pub(crate) fn write_node(s: &mut String, n: &Node) {
    match n {
        Node::Text(t) => s.push_str(&t.text),
        Node::Comment(c) => {
            s.push_str("{{");
            s.push_str(&c.text);
            s.push_str("}}");
        }
        Node::Action(a) => {
            s.push_str("{{");
            write_pipe(s, &a.pipe);
            s.push_str("}}");
        }
        Node::If(b) => write_branch(s, "if", b),
        Node::Range(b) => write_branch(s, "range", b),
        Node::With(b) => write_branch(s, "with", b),
        Node::Template(t) => write_template(s, t),
        Node::Break(_) => s.push_str("{{break}}"),
        Node::Continue(_) => s.push_str("{{continue}}"),
    }
}
