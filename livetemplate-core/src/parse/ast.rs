//! The syntax tree of a Go template, mirroring `text/template/parse`.
//!
//! Every node carries a [`Span`]: byte offsets into the source of the template
//! it came from. Line and column are computed only when an error is printed
//! (see [`crate::error::line_col`] and [`Tree::location`]).

use std::sync::Arc;

/// A half-open byte range `start..end` into a template's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// One named template: the main one, or one introduced by `define`/`block`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// The template's name (`main`, or the name given to `define`).
    pub name: String,
    /// Name of the template whose source holds this tree (the one that was
    /// parsed: a `define` inside `main` has `parse_name == "main"`). Errors
    /// are reported as `template: PARSE_NAME:LINE:COL: ...` like Go's.
    pub parse_name: String,
    /// The full source text the spans point into.
    pub source: Arc<str>,
    /// The body.
    pub root: List,
}

/// A sequence of nodes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List {
    /// Span of the whole list.
    pub span: Span,
    /// The nodes in order.
    pub nodes: Vec<Node>,
}

/// A node of a template body.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Plain text, already trimmed by `{{-`/`-}}` markers.
    Text(TextNode),
    /// `{{/* ... */}}` (kept only when the parser is asked to keep comments).
    Comment(CommentNode),
    /// `{{pipeline}}`: prints the pipeline's value (unless it declares variables).
    Action(ActionNode),
    /// `{{if}} ... {{else}} ... {{end}}`.
    If(BranchNode),
    /// `{{range}} ... {{else}} ... {{end}}`.
    Range(BranchNode),
    /// `{{with}} ... {{else}} ... {{end}}`.
    With(BranchNode),
    /// `{{template "name" pipeline}}` (also the call half of `{{block}}`).
    Template(TemplateNode),
    /// `{{break}}` inside a range (the span is that of the keyword, Go's position).
    Break(Span),
    /// `{{continue}}` inside a range (the span is that of the keyword, Go's position).
    Continue(Span),
}

impl Node {
    /// The span of this node in its template's source.
    pub fn span(&self) -> Span {
        match self {
            Node::Text(n) => n.span,
            Node::Comment(n) => n.span,
            Node::Action(n) => n.span,
            Node::If(n) | Node::Range(n) | Node::With(n) => n.span,
            Node::Template(n) => n.span,
            Node::Break(s) | Node::Continue(s) => *s,
        }
    }
}

/// Plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextNode {
    /// Where the text sits in the source (after trimming, so the source at
    /// `span` is exactly `text`).
    pub span: Span,
    /// The text after trimming.
    pub text: String,
}

/// A comment.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentNode {
    /// Span of the `/* ... */` text (Go's position of a comment).
    pub span: Span,
    /// The comment including `/*` and `*/`.
    pub text: String,
}

/// `{{pipeline}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionNode {
    /// Span of the action from `{{` to `}}`.
    pub span: Span,
    /// The pipeline.
    pub pipe: Pipeline,
    /// The escaper chain chosen by html/template's contextual analysis
    /// (empty in text mode and before the escape pass runs). Applied in order
    /// to the pipeline's value, like Go's appended `| _html_template_*` commands.
    pub escapers: Vec<crate::escape::Escaper>,
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchNode {
    /// From the opening `{{` to the closing `}}` of `{{end}}`.
    pub span: Span,
    /// The condition / range expression (may declare variables).
    pub pipe: Pipeline,
    /// The body.
    pub list: List,
    /// The `{{else}}` body. An `{{else if ...}}` chain is represented as an
    /// else list holding a single nested `If` node, as in Go.
    pub else_list: Option<List>,
}

/// `{{template "name" pipeline}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateNode {
    /// Span of the action.
    pub span: Span,
    /// The called template's name.
    pub name: String,
    /// Where the name's string literal is written. Go reports a template
    /// call's position there (see [`Node::go_pos`]).
    pub name_span: Span,
    /// The argument pipeline (dot of the callee); `None` means nil.
    pub pipe: Option<Pipeline>,
}

/// A pipeline: optional variable declarations/assignments and commands joined by `|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// From the pipeline's first token to the end of its last command
    /// (inside the delimiters; inside the parentheses of a parenthesised
    /// pipeline). `span.start` is Go's position of the pipeline.
    pub span: Span,
    /// `true` for `$x = ...` (assignment), `false` for `$x := ...` (declaration).
    pub is_assign: bool,
    /// Declared or assigned variables (`$x`, or `$i, $e` in `range`).
    pub decl: Vec<Variable>,
    /// The commands; the output of each is the last argument of the next.
    pub cmds: Vec<Command>,
}

/// A variable name in a declaration, e.g. `$x`.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Where it is written.
    pub span: Span,
    /// The name including `$`.
    pub name: String,
}

/// One command of a pipeline: a function call, or a single operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// Span of the command.
    pub span: Span,
    /// The operands; when the first is an [`Arg::Identifier`] it is a function call.
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.`
    Dot(Span),
    /// `nil`
    Nil(Span),
    /// `true` / `false`
    Bool(Span, bool),
    /// A number literal.
    Number(NumberNode),
    /// A string literal (quoted or raw); `value` is the unquoted text.
    String {
        /// Where it is written.
        span: Span,
        /// The literal as written, with quotes.
        quoted: String,
        /// The decoded value.
        value: String,
    },
    /// A function name (`printf`, `len`, a user function).
    Identifier {
        /// Where it is written.
        span: Span,
        /// The name.
        name: String,
    },
    /// `.A.B.C`: `idents == ["A","B","C"]`.
    Field {
        /// Where it is written.
        span: Span,
        /// Field names without dots.
        idents: Vec<String>,
    },
    /// `$x` or `$x.A.B`: `name == "$x"`, `fields == ["A","B"]`.
    Variable {
        /// Where it is written.
        span: Span,
        /// The variable's name, including `$` (`$` alone is the root data).
        name: String,
        /// Field names that follow, without dots.
        fields: Vec<String>,
    },
    /// `(pipeline).A.B`, or any operand followed by fields.
    Chain {
        /// Where it is written.
        span: Span,
        /// The operand the fields are taken from.
        node: Box<Arg>,
        /// Field names without dots.
        fields: Vec<String>,
    },
    /// A parenthesised pipeline `( ... )`.
    Pipe(Box<Pipeline>),
}

impl Arg {
    /// The span of this operand.
    pub fn span(&self) -> Span {
        match self {
            Arg::Dot(s) | Arg::Nil(s) | Arg::Bool(s, _) => *s,
            Arg::Number(n) => n.span,
            Arg::String { span, .. }
            | Arg::Identifier { span, .. }
            | Arg::Field { span, .. }
            | Arg::Variable { span, .. }
            | Arg::Chain { span, .. } => *span,
            Arg::Pipe(p) => p.span,
        }
    }
}

/// A number literal with every interpretation Go's parser found valid.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberNode {
    /// Where it is written.
    pub span: Span,
    /// The literal as written.
    pub text: String,
    /// Value as a signed integer, when it is one.
    pub int: Option<i64>,
    /// Value as an unsigned integer, when it is one.
    pub uint: Option<u64>,
    /// Value as a float, when it is one.
    pub float: Option<f64>,
    /// Value as a complex number `(re, im)`, when it is one.
    pub complex: Option<(f64, f64)>,
    /// Whether it was written as a character constant (`'a'`).
    pub is_char: bool,
}
