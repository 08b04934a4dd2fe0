//! Go's `String()` of parse nodes, and Go's node positions.
//!
//! `Display` prints nodes exactly like Go's `parse.Node.String()`: exec errors
//! show `<.X.Y>` with it, and html/template's rewritten actions are compared
//! in this notation. Go quirks kept on purpose: a declaration always prints
//! ` := ` (even for `=`), a parenthesised pipeline argument prints with
//! parentheses, and text prints raw.
//!
//! Go reports positions of some nodes at a byte that is not the node's first
//! one (a field chain `.X.Y` is reported at `.Y`, an action at its first
//! token). The `go_pos` methods give Go's position; [`Tree::location_at`]
//! turns it into Go's `NAME:LINE:COL`.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use super::quote::go_quote;
use crate::error::line_col;

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => f.write_str(if *b { "true" } else { "false" }),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Field { idents, .. } => {
                for id in idents {
                    f.write_char('.')?;
                    f.write_str(id)?;
                }
                Ok(())
            }
            Arg::Variable { name, fields, .. } => {
                f.write_str(name)?;
                for id in fields {
                    f.write_char('.')?;
                    f.write_str(id)?;
                }
                Ok(())
            }
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for id in fields {
                    f.write_char('.')?;
                    f.write_str(id)?;
                }
                Ok(())
            }
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl Display for Variable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for Pipeline {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for List {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for n in &self.nodes {
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

impl Display for TemplateNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{template {}", go_quote(&self.name))?;
        if let Some(p) = &self.pipe {
            write!(f, " {p}")?;
        }
        f.write_str("}}")
    }
}

fn branch(f: &mut Formatter<'_>, word: &str, b: &BranchNode) -> fmt::Result {
    write!(f, "{{{{{word} {}}}}}{}", b.pipe, b.list)?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{e}")?;
    }
    f.write_str("{{end}}")
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text(t) => f.write_str(&t.text),
            Node::Comment(c) => write!(f, "{{{{{}}}}}", c.text),
            Node::Action(a) => write!(f, "{{{{{}}}}}", a.pipe),
            Node::If(b) => branch(f, "if", b),
            Node::Range(b) => branch(f, "range", b),
            Node::With(b) => branch(f, "with", b),
            Node::Template(t) => write!(f, "{t}"),
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

impl Arg {
    /// Go's position of this operand (`Node.Position()`): the byte Go
    /// reports in `NAME:LINE:COL`. A field or variable with several
    /// fields (`.X.Y`, `$x.A`) and a chain (`(.X).Y`) are reported at
    /// their second part (`.Y`, `.A`), like Go.
    pub fn go_pos(&self) -> usize {
        match self {
            Arg::Field { span, idents } if idents.len() > 1 => {
                span.start as usize + 1 + idents[0].len()
            }
            Arg::Variable { span, name, fields } if !fields.is_empty() => {
                span.start as usize + name.len()
            }
            Arg::Chain { span, fields, .. } => {
                span.end as usize - fields.iter().map(|f| f.len() + 1).sum::<usize>()
            }
            other => other.span().start as usize,
        }
    }
}

impl Command {
    /// Go's position of this command: its first token.
    pub fn go_pos(&self) -> usize {
        self.span.start as usize
    }
}

impl Pipeline {
    /// Go's position of this pipeline: its first token.
    pub fn go_pos(&self) -> usize {
        self.span.start as usize
    }
}

impl Node {
    /// Go's position of this node (`Node.Position()`): an action or
    /// `if`/`range`/`with` is reported at the first token of its pipeline,
    /// a template call at its name, text and comments at their start.
    pub fn go_pos(&self) -> usize {
        match self {
            Node::Action(a) => a.pipe.go_pos(),
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.go_pos(),
            Node::Template(t) => t.name_span.start as usize,
            other => other.span().start as usize,
        }
    }
}

impl Tree {
    /// Go's `NAME:LINE:COL` for byte offset `pos` of this tree's source
    /// (as `Tree.ErrorContext` prints it; the column is the 0-based byte
    /// offset in the line).
    pub fn location_at(&self, pos: usize) -> String {
        let (line, col) = line_col(&self.source, pos);
        format!("{}:{}:{}", self.parse_name, line, col)
    }

    /// [`Tree::location_at`] of `span.start`. For Go's exact column of a
    /// node, pass its Go position instead: `tree.location_at(arg.go_pos())`.
    pub fn location(&self, span: Span) -> String {
        self.location_at(span.start as usize)
    }
}
