//! The recursive-descent parser.
//!
//! The grammar, the token look-ahead (three tokens, with Go's `backup2` /
//! `backup3` pushes) and the variable/`range` bookkeeping follow Go's
//! `text/template/parse`, because Go's error messages report the line of the
//! most recently *lexed* token: reproducing them exactly requires reading
//! tokens in the same order.

use std::sync::Arc;

use super::ast::*;
use super::number::new_number;
use super::quote::{go_quote, go_quote_prefix, unquote};
use super::{ParseOptions, is_empty_tree};
use crate::error::{Error, ErrorKind};
use crate::lex::{LexOptions, Lexer, Token, TokenKind};

type PResult<T> = Result<T, Error>;

/// Deepest nesting of control structures and parentheses accepted. Go has
/// no limit; we stop before the native stack could overflow.
const MAX_DEPTH: u32 = 100;

/// What `textOrAction` found: a node, or the `{{end}}` / `{{else}}` that
/// closes the current list.
enum Item {
    Node(Node),
    Term(Term),
}

/// The action that ends a list.
enum Term {
    /// `{{end}}`: `end` is the offset after its right delimiter.
    End { end: u32 },
    /// `{{else}}` (or `{{else if`, with `if` still pending): `pos` is Go's
    /// position of the else node, `start` the offset of its left delimiter.
    Else { pos: u32, start: u32 },
}

impl Term {
    fn describe(&self) -> &'static str {
        match self {
            Term::End { .. } => "{{end}}",
            Term::Else { .. } => "{{else}}",
        }
    }
}

pub(crate) struct Parser<'s, 'o> {
    src: &'s str,
    source: Arc<str>,
    parse_name: &'o str,
    is_func: &'o dyn Fn(&str) -> bool,
    lex: Lexer<'s>,
    toks: [Token; 3],
    peek_count: usize,
    vars: Vec<&'s str>,
    action_line: u32,
    range_depth: u32,
    depth: u32,
    trees: Vec<Tree>,
}

impl<'s, 'o> Parser<'s, 'o> {
    pub(crate) fn new(name: &'o str, src: &'s str, opts: &'o ParseOptions<'s>) -> Self {
        let lex = Lexer::new(
            src,
            LexOptions {
                left_delim: opts.left_delim,
                right_delim: opts.right_delim,
                emit_comments: opts.keep_comments,
                // Go 1.19 asks its tree's own (empty) function maps here, so
                // `break`/`continue` are always keywords via text/template.
                break_ok: true,
                continue_ok: true,
            },
        );
        let zero = Token {
            kind: TokenKind::Error,
            start: 0,
            end: 0,
            line: 0,
        };
        Parser {
            src,
            source: Arc::from(src),
            parse_name: name,
            is_func: opts.is_func,
            lex,
            toks: [zero; 3],
            peek_count: 0,
            vars: vec!["$"],
            action_line: 0,
            range_depth: 0,
            depth: 0,
            trees: Vec::new(),
        }
    }

    // ---- tokens ----------------------------------------------------------

    fn next(&mut self) -> Token {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.toks[0] = self.lex.next_token();
        }
        self.toks[self.peek_count]
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Token) {
        self.toks[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Token, t1: Token) {
        self.toks[1] = t1;
        self.toks[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Token {
        if self.peek_count > 0 {
            return self.toks[self.peek_count - 1];
        }
        self.peek_count = 1;
        self.toks[0] = self.lex.next_token();
        self.toks[0]
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != TokenKind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn text(&self, t: Token) -> &'s str {
        t.text(self.src)
    }

    /// Go's `item.String()`.
    fn describe(&self, t: Token) -> String {
        match t.kind {
            TokenKind::Eof => "EOF".into(),
            TokenKind::Error => self.error_text(t).to_string(),
            k if k.is_keyword() => format!("<{}>", self.text(t)),
            _ => {
                let v = self.text(t);
                if v.len() > 10 {
                    format!("{}...", go_quote_prefix(v, 10))
                } else {
                    go_quote(v)
                }
            }
        }
    }

    fn error_text(&self, t: Token) -> &str {
        if t.line == 0 {
            ""
        } else {
            self.lex.error_message()
        }
    }

    // ---- errors ----------------------------------------------------------

    fn error_at_line(&self, line: u32, msg: impl std::fmt::Display) -> Error {
        Error::new(
            ErrorKind::Parse,
            format!("template: {}:{}: {}", self.parse_name, line, msg),
        )
    }

    /// Go's `Tree.errorf`: the line is that of the last token lexed.
    fn errorf(&self, msg: impl std::fmt::Display) -> Error {
        self.error_at_line(self.toks[0].line, msg)
    }

    fn unexpected(&self, t: Token, context: &str) -> Error {
        if t.kind == TokenKind::Error {
            let msg = self.error_text(t);
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != t.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.action_line
                );
                if msg.ends_with(" action") {
                    extra.drain(.." in action".len());
                }
            }
            return self.errorf(format_args!("{msg}{extra}"));
        }
        self.errorf(format_args!(
            "unexpected {} in {}",
            self.describe(t),
            context
        ))
    }

    fn expect(&mut self, kind: TokenKind, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != kind {
            return Err(self.unexpected(t, context));
        }
        Ok(t)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.errorf("nesting too deep"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- trees -----------------------------------------------------------

    fn new_tree(&self, name: String, root: List) -> Tree {
        Tree {
            name,
            parse_name: self.parse_name.to_string(),
            source: self.source.clone(),
            root,
        }
    }

    /// Go's `Tree.add`: installs a tree in the set being built.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        match self.trees.iter().position(|t| t.name == tree.name) {
            None => self.trees.push(tree),
            Some(i) if is_empty_tree(&self.trees[i].root) => self.trees[i] = tree,
            Some(_) => {
                if !is_empty_tree(&tree.root) {
                    return Err(self.errorf(format_args!(
                        "template: multiple definition of template {}",
                        go_quote(&tree.name)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Parses the whole source; returns every tree, the main one first.
    pub(crate) fn parse(mut self) -> PResult<Vec<Tree>> {
        let start = self.peek().start;
        let mut nodes = Vec::new();
        while self.peek().kind != TokenKind::Eof {
            if self.peek().kind == TokenKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == TokenKind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Item::Node(n) => nodes.push(n),
                Item::Term(t) => {
                    return Err(self.errorf(format_args!("unexpected {}", t.describe())));
                }
            }
        }
        let root = List {
            span: list_span(start, &nodes),
            nodes,
        };
        let main = self.new_tree(self.parse_name.to_string(), root);
        self.add(main)?;
        let mut trees = self.trees;
        if let Some(i) = trees.iter().position(|t| t.name == self.parse_name) {
            let main = trees.remove(i);
            trees.insert(0, main);
        }
        Ok(trees)
    }

    /// Runs `f` with fresh per-tree state (variables, range depth, action
    /// line), as Go does when it starts a new `Tree` for `define`/`block`.
    fn with_fresh_tree<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let range_depth = std::mem::replace(&mut self.range_depth, 0);
        let action_line = std::mem::replace(&mut self.action_line, 0);
        let r = f(self);
        self.vars = vars;
        self.range_depth = range_depth;
        self.action_line = action_line;
        r
    }

    /// `{{define "name"}} ... {{end}}`; the keyword has been read.
    fn parse_definition(&mut self) -> PResult<()> {
        self.with_fresh_tree(|p| {
            const CONTEXT: &str = "define clause";
            let t = p.next_non_space();
            if t.kind != TokenKind::String && t.kind != TokenKind::RawString {
                return Err(p.unexpected(t, CONTEXT));
            }
            let name = unquote(p.text(t)).map_err(|e| p.errorf(e))?;
            p.expect(TokenKind::RightDelim, CONTEXT)?;
            let (list, end) = p.item_list()?;
            if !matches!(end, Term::End { .. }) {
                return Err(p.errorf(format_args!("unexpected {} in {}", end.describe(), CONTEXT)));
            }
            let tree = p.new_tree(name, list);
            p.add(tree)
        })
    }

    /// `textOrAction*` up to `{{end}}` or `{{else}}`, which is returned.
    fn item_list(&mut self) -> PResult<(List, Term)> {
        let start = self.peek_non_space().start;
        let mut nodes = Vec::new();
        while self.peek_non_space().kind != TokenKind::Eof {
            match self.text_or_action()? {
                Item::Node(n) => nodes.push(n),
                Item::Term(end) => {
                    return Ok((
                        List {
                            span: list_span(start, &nodes),
                            nodes,
                        },
                        end,
                    ));
                }
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        match t.kind {
            TokenKind::Text => Ok(Item::Node(Node::Text(TextNode {
                span: span(t),
                text: self.text(t).to_string(),
            }))),
            TokenKind::LeftDelim => {
                self.action_line = t.line;
                let r = self.action(t.start);
                self.action_line = 0;
                r
            }
            TokenKind::Comment => Ok(Item::Node(Node::Comment(CommentNode {
                span: span(t),
                text: self.text(t).to_string(),
            }))),
            _ => Err(self.unexpected(t, "input")),
        }
    }

    /// An action; the left delimiter (at `start`) has been read.
    fn action(&mut self, start: u32) -> PResult<Item> {
        let t = self.next_non_space();
        let node = match t.kind {
            TokenKind::Block => self.block_control(start)?,
            TokenKind::Break | TokenKind::Continue => self.break_control(t)?,
            TokenKind::Else => return Ok(Item::Term(self.else_control(start)?)),
            TokenKind::End => {
                let t = self.expect(TokenKind::RightDelim, "end")?;
                return Ok(Item::Term(Term::End { end: t.end }));
            }
            TokenKind::If => self.if_control(start)?,
            TokenKind::Range => {
                let b = self.parse_control(false, "range", start)?;
                Node::Range(b)
            }
            TokenKind::With => {
                let b = self.parse_control(false, "with", start)?;
                Node::With(b)
            }
            TokenKind::Template => self.template_control(start)?,
            _ => {
                self.backup();
                let (pipe, end) = self.pipeline("command", TokenKind::RightDelim)?;
                Node::Action(ActionNode {
                    span: Span {
                        start,
                        end: end.end,
                    },
                    pipe,
                    escapers: Vec::new(),
                })
            }
        };
        Ok(Item::Node(node))
    }

    fn break_control(&mut self, kw: Token) -> PResult<Node> {
        let kind = kw.kind;
        let word = if kind == TokenKind::Break {
            "break"
        } else {
            "continue"
        };
        let t = self.next_non_space();
        if t.kind != TokenKind::RightDelim {
            return Err(self.unexpected(t, &format!("{{{{{word}}}}}")));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format_args!("{{{{{word}}}}} outside {{{{range}}}}")));
        }
        // Go's position of break/continue is its keyword.
        let s = span(kw);
        Ok(if kind == TokenKind::Break {
            Node::Break(s)
        } else {
            Node::Continue(s)
        })
    }

    fn else_control(&mut self, start: u32) -> PResult<Term> {
        let peek = self.peek_non_space();
        if peek.kind == TokenKind::If {
            // `{{else if ...`: the `if` stays pending for parse_control.
            return Ok(Term::Else {
                pos: peek.start,
                start,
            });
        }
        let t = self.expect(TokenKind::RightDelim, "else")?;
        Ok(Term::Else {
            pos: t.start,
            start,
        })
    }

    fn if_control(&mut self, start: u32) -> PResult<Node> {
        Ok(Node::If(self.parse_control(true, "if", start)?))
    }

    fn parse_control(
        &mut self,
        allow_else_if: bool,
        context: &str,
        start: u32,
    ) -> PResult<BranchNode> {
        self.enter()?;
        let nvars = self.vars.len();
        let (pipe, _) = self.pipeline(context, TokenKind::RightDelim)?;
        let is_range = context == "range";
        if is_range {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if is_range {
            self.range_depth -= 1;
        }
        let (else_list, end) = match next {
            Term::End { end } => (None, end),
            Term::Else {
                pos,
                start: else_start,
            } => {
                if allow_else_if && self.peek().kind == TokenKind::If {
                    self.next();
                    let nested = self.if_control(else_start)?;
                    let end = nested.span().end;
                    (
                        Some(List {
                            span: Span { start: pos, end },
                            nodes: vec![nested],
                        }),
                        end,
                    )
                } else {
                    let (list, next) = self.item_list()?;
                    match next {
                        Term::End { end } => (Some(list), end),
                        other => {
                            return Err(self
                                .errorf(format_args!("expected end; found {}", other.describe())));
                        }
                    }
                }
            }
        };
        self.vars.truncate(nvars);
        self.leave();
        Ok(BranchNode {
            span: Span { start, end },
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, t: Token, context: &str) -> PResult<String> {
        match t.kind {
            TokenKind::String | TokenKind::RawString => {
                unquote(self.text(t)).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn template_control(&mut self, start: u32) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(t, CONTEXT)?;
        let next = self.next_non_space();
        let (pipe, end) = if next.kind != TokenKind::RightDelim {
            self.backup();
            let (p, end) = self.pipeline(CONTEXT, TokenKind::RightDelim)?;
            (Some(p), end.end)
        } else {
            (None, next.end)
        };
        Ok(Node::Template(TemplateNode {
            span: Span { start, end },
            name,
            name_span: span(t),
            pipe,
        }))
    }

    fn block_control(&mut self, start: u32) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        self.enter()?;
        let t = self.next_non_space();
        let name = self.template_name(t, CONTEXT)?;
        let (pipe, _) = self.pipeline(CONTEXT, TokenKind::RightDelim)?;
        // Go reports a bad block end with the outer tree's last token.
        let outer_line = self.toks[0].line;
        let body_name = name.clone();
        let end = self.with_fresh_tree(|p| {
            let (list, end) = p.item_list()?;
            let Term::End { end } = end else {
                return Err(p.error_at_line(
                    outer_line,
                    format_args!("unexpected {} in {}", end.describe(), CONTEXT),
                ));
            };
            let tree = p.new_tree(body_name, list);
            p.add(tree)?;
            Ok(end)
        })?;
        self.leave();
        Ok(Node::Template(TemplateNode {
            span: Span { start, end },
            name,
            name_span: span(t),
            pipe: Some(pipe),
        }))
    }

    // ---- pipelines -------------------------------------------------------

    /// `declarations? command ('|' command)*`, up to the `end` token, which is
    /// consumed and returned.
    fn pipeline(&mut self, context: &str, end: TokenKind) -> PResult<(Pipeline, Token)> {
        let first = self.peek_non_space();
        let mut decl = Vec::new();
        let mut is_assign = false;
        loop {
            let v = self.peek_non_space();
            if v.kind != TokenKind::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            let name = self.text(v);
            match next.kind {
                TokenKind::Assign | TokenKind::Declare => {
                    is_assign = next.kind == TokenKind::Assign;
                    self.next_non_space();
                    decl.push(Variable {
                        span: span(v),
                        name: name.to_string(),
                    });
                    self.vars.push(name);
                    break;
                }
                TokenKind::Char if self.text(next) == "," => {
                    self.next_non_space();
                    decl.push(Variable {
                        span: span(v),
                        name: name.to_string(),
                    });
                    self.vars.push(name);
                    if context == "range" && decl.len() < 2 {
                        match self.peek_non_space().kind {
                            TokenKind::Variable | TokenKind::RightDelim | TokenKind::RightParen => {
                                continue;
                            }
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format_args!("too many declarations in {context}")));
                }
                _ if after.kind == TokenKind::Space => {
                    self.backup3(v, after);
                    break;
                }
                _ => {
                    self.backup2(v);
                    break;
                }
            }
        }
        let mut cmds: Vec<Command> = Vec::new();
        loop {
            let t = self.next_non_space();
            if t.kind == end {
                self.check_pipeline(&cmds, context)?;
                let end_off = cmds.last().map_or(first.start, |c| c.span.end);
                let pipe = Pipeline {
                    span: Span {
                        start: first.start,
                        end: end_off,
                    },
                    is_assign,
                    decl,
                    cmds,
                };
                return Ok((pipe, t));
            }
            match t.kind {
                TokenKind::Bool
                | TokenKind::CharConstant
                | TokenKind::Complex
                | TokenKind::Dot
                | TokenKind::Field
                | TokenKind::Identifier
                | TokenKind::Number
                | TokenKind::Nil
                | TokenKind::RawString
                | TokenKind::String
                | TokenKind::Variable
                | TokenKind::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    cmds.push(c);
                }
                _ => return Err(self.unexpected(t, context)),
            }
        }
    }

    fn check_pipeline(&self, cmds: &[Command], context: &str) -> PResult<()> {
        if cmds.is_empty() {
            return Err(self.errorf(format_args!("missing value for {context}")));
        }
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format_args!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    /// `operand (space operand)*`, up to `|` (consumed) or a closing
    /// delimiter/paren (left in place).
    fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space().start;
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(a) = self.operand()? {
                args.push(a);
            }
            let t = self.next();
            match t.kind {
                TokenKind::Space => continue,
                TokenKind::RightDelim | TokenKind::RightParen => self.backup(),
                TokenKind::Pipe => {}
                _ => return Err(self.unexpected(t, "operand")),
            }
            break;
        }
        let Some(last) = args.last() else {
            return Err(self.errorf("empty command"));
        };
        let end = last.span().end;
        Ok(Command {
            span: Span { start, end },
            args,
        })
    }

    /// `term .Field*`.
    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some((term, term_start)) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != TokenKind::Field {
            return Ok(Some(term));
        }
        let mut fields = Vec::new();
        let mut end = 0;
        while self.peek().kind == TokenKind::Field {
            let f = self.next();
            fields.push(self.text(f)[1..].to_string());
            end = f.end;
        }
        Ok(Some(match term {
            Arg::Field { span, mut idents } => {
                idents.extend(fields);
                Arg::Field {
                    span: Span {
                        start: span.start,
                        end,
                    },
                    idents,
                }
            }
            Arg::Variable {
                span,
                name,
                fields: mut f,
            } => {
                f.extend(fields);
                Arg::Variable {
                    span: Span {
                        start: span.start,
                        end,
                    },
                    name,
                    fields: f,
                }
            }
            Arg::Bool(..) | Arg::String { .. } | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format_args!(
                    "unexpected . after term {}",
                    go_quote(&term.to_string())
                )));
            }
            node => Arg::Chain {
                span: Span {
                    start: term_start,
                    end,
                },
                node: Box::new(node),
                fields,
            },
        }))
    }

    /// A literal, function name, `.`, `.Field`, `$var` or `( pipeline )`,
    /// with the offset of its first token; `None` if the next token is none
    /// of those.
    fn term(&mut self) -> PResult<Option<(Arg, u32)>> {
        let t = self.next_non_space();
        let s = span(t);
        let arg = match t.kind {
            TokenKind::Identifier => {
                let name = self.text(t);
                if !(self.is_func)(name) {
                    return Err(
                        self.errorf(format_args!("function {} not defined", go_quote(name)))
                    );
                }
                Arg::Identifier {
                    span: s,
                    name: name.to_string(),
                }
            }
            TokenKind::Dot => Arg::Dot(s),
            TokenKind::Nil => Arg::Nil(s),
            TokenKind::Variable => {
                let name = self.text(t);
                if !self.vars.contains(&name) {
                    return Err(self.errorf(format_args!("undefined variable {}", go_quote(name))));
                }
                Arg::Variable {
                    span: s,
                    name: name.to_string(),
                    fields: Vec::new(),
                }
            }
            TokenKind::Field => Arg::Field {
                span: s,
                idents: vec![self.text(t)[1..].to_string()],
            },
            TokenKind::Bool => Arg::Bool(s, self.text(t) == "true"),
            TokenKind::CharConstant | TokenKind::Complex | TokenKind::Number => {
                Arg::Number(new_number(s, self.text(t), t.kind).map_err(|e| self.errorf(e))?)
            }
            TokenKind::LeftParen => {
                self.enter()?;
                let (pipe, _) = self.pipeline("parenthesized pipeline", TokenKind::RightParen)?;
                self.leave();
                Arg::Pipe(Box::new(pipe))
            }
            TokenKind::String | TokenKind::RawString => {
                let quoted = self.text(t);
                let value = unquote(quoted).map_err(|e| self.errorf(e))?;
                Arg::String {
                    span: s,
                    quoted: quoted.to_string(),
                    value,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some((arg, t.start)))
    }
}

fn span(t: Token) -> Span {
    Span {
        start: t.start,
        end: t.end,
    }
}

fn list_span(start: u32, nodes: &[Node]) -> Span {
    let end = nodes.last().map_or(start, |n| n.span().end.max(start));
    Span { start, end }
}
