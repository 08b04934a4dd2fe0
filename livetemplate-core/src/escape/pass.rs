//! The escaping pass over a template set (Go's `escape.go`): every action
//! reachable from the entry template gets its escaper chain, templates
//! called in several contexts are cloned per context, text is rewritten,
//! and Go's escape errors are reported with Go's wording and position.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::context::{Context, Delim, JsCtx, State, UrlPart};
use super::error::{EscapeError, quote};
use super::escaper::Escaper;
use super::transition::context_after_text;
use crate::error::{Error, ErrorKind};
use crate::parse::TemplateSet;
use crate::parse::ast::{
    ActionNode, Arg, BranchNode, Command, List, Node, Pipeline, TemplateNode, TextNode, Tree,
};

type R<T> = Result<T, EscapeError>;

/// Escapes the templates reachable from `entry` like Go's html/template
/// does on first execution. Returns a new set where every reachable
/// [`ActionNode`] carries its escaper chain, text is rewritten, and
/// templates called from non-text contexts are added under Go's mangled
/// names (`x$htmltemplate_stateAttr_delimDoubleQuote`). Templates not
/// reachable from `entry` are left as they are.
pub fn escape_set(set: &TemplateSet, entry: &str) -> Result<TemplateSet, Error> {
    if set.get(entry).is_none() {
        return Err(Error::new(
            ErrorKind::Escape,
            format!("html/template: {} is undefined", quote(entry.as_bytes())),
        ));
    }
    let mut e = Esc::new(set, None);
    let result = e.escape_tree(Context::default(), entry, None);
    let c = match result {
        Ok((c, _)) => c,
        Err(err) => return Err(Error::new(ErrorKind::Escape, err.message(entry))),
    };
    if c.state != State::Text {
        let err = EscapeError::bare(format!("ends in a non-text context: {c}"));
        return Err(Error::new(ErrorKind::Escape, err.message(entry)));
    }
    let mut out = set.clone();
    for (dname, (base, root)) in e.bodies {
        let Some(orig) = set.get(&base) else { continue };
        let tree = Tree {
            name: dname,
            parse_name: orig.parse_name.clone(),
            source: orig.source.clone(),
            root,
        };
        out.insert(Arc::new(tree));
    }
    Ok(out)
}

/// Whether `name` is a template the pass derived (cloned for a context).
pub fn is_derived_name(name: &str) -> bool {
    name.contains("$htmltemplate_")
}

/// Contexts at the `break`s and `continue`s of the range loop being escaped.
#[derive(Default)]
struct RangeCtx {
    breaks: Vec<(Context, usize)>,
    continues: Vec<(Context, usize)>,
}

/// The escaper state (Go's `escaper`). Edits are not recorded by node
/// identity as in Go: escaping returns rewritten nodes, and a template's
/// rewritten body is kept once its output context is known to be right.
struct Esc<'a> {
    set: &'a TemplateSet,
    /// The tree whose nodes are being escaped (for error positions).
    tree: Option<Arc<Tree>>,
    /// Output context of each (mangled) template name.
    output: HashMap<String, Context>,
    /// Rewritten bodies by mangled name, with the name of the template they derive from.
    bodies: HashMap<String, (String, List)>,
    /// Mangled names called while escaping.
    called: HashSet<String>,
    /// Range loops being escaped, innermost last.
    ranges: Vec<RangeCtx>,
}

impl<'a> Esc<'a> {
    fn new(set: &'a TemplateSet, tree: Option<Arc<Tree>>) -> Self {
        Esc {
            set,
            tree,
            output: HashMap::new(),
            bodies: HashMap::new(),
            called: HashSet::new(),
            ranges: Vec::new(),
        }
    }

    fn loc(&self, pos: usize) -> Option<String> {
        self.tree.as_ref().map(|t| t.location_at(pos))
    }

    fn line_of(&self, pos: usize) -> usize {
        self.tree
            .as_ref()
            .map_or(0, |t| crate::error::line_col(&t.source, pos).0)
    }

    /// Go's position of `{{break}}`/`{{continue}}`: the keyword.
    fn keyword_pos(&self, span_start: usize, kw: &str) -> usize {
        self.tree
            .as_ref()
            .and_then(|t| t.source.get(span_start..).and_then(|s| s.find(kw)))
            .map_or(span_start, |off| span_start + off)
    }

    fn err_at(&self, pos: usize, description: String) -> EscapeError {
        EscapeError {
            location: self.loc(pos),
            line: None,
            description,
        }
    }

    fn escape_list(&mut self, mut c: Context, list: &List) -> R<(Context, List)> {
        let mut nodes = Vec::with_capacity(list.nodes.len());
        let mut it = list.nodes.iter();
        for n in it.by_ref() {
            let (c1, n1) = self.escape_node(c, n)?;
            c = c1;
            nodes.push(n1);
            if c.state == State::Dead {
                break;
            }
        }
        // Unreachable nodes after break/continue stay as they are.
        nodes.extend(it.cloned());
        Ok((
            c,
            List {
                span: list.span,
                nodes,
            },
        ))
    }

    fn escape_node(&mut self, c: Context, n: &Node) -> R<(Context, Node)> {
        match n {
            Node::Action(a) => {
                let (c, a) = self.escape_action(c, a)?;
                Ok((c, Node::Action(a)))
            }
            Node::Text(t) => {
                let (c, t) = self.escape_text(c, t)?;
                Ok((c, Node::Text(t)))
            }
            Node::Comment(_) => Ok((c, n.clone())),
            Node::If(b) => {
                let (c, b) = self.escape_branch(c, b, "if", n.go_pos())?;
                Ok((c, Node::If(b)))
            }
            Node::Range(b) => {
                let (c, b) = self.escape_branch(c, b, "range", n.go_pos())?;
                Ok((c, Node::Range(b)))
            }
            Node::With(b) => {
                let (c, b) = self.escape_branch(c, b, "with", n.go_pos())?;
                Ok((c, Node::With(b)))
            }
            Node::Template(t) => {
                let (c1, name) = self.escape_tree(c, &t.name, Some(n.go_pos()))?;
                let mut t1: TemplateNode = t.clone();
                t1.name = name;
                Ok((c1, Node::Template(t1)))
            }
            Node::Break(_) => {
                let pos = self.keyword_pos(n.go_pos(), "break");
                if let Some(rc) = self.ranges.last_mut() {
                    rc.breaks.push((c, pos));
                }
                Ok((Context::with_state(State::Dead), n.clone()))
            }
            Node::Continue(_) => {
                let pos = self.keyword_pos(n.go_pos(), "continue");
                if let Some(rc) = self.ranges.last_mut() {
                    // Go appends to the breaks when recording a continue.
                    let mut v = rc.breaks.clone();
                    v.push((c, pos));
                    rc.continues = v;
                }
                Ok((Context::with_state(State::Dead), n.clone()))
            }
        }
    }

    fn escape_action(&mut self, c: Context, a: &ActionNode) -> R<(Context, ActionNode)> {
        if !a.pipe.decl.is_empty() {
            // A variable declaration, not an interpolation.
            return Ok((c, a.clone()));
        }
        let mut c = c.nudge();
        let pos = a.pipe.go_pos();
        let ncmds = a.pipe.cmds.len();
        for (i, cmd) in a.pipe.cmds.iter().enumerate() {
            if let Some(Arg::Identifier { name, .. }) = cmd.args.first() {
                if (name == "html" || name == "urlquery")
                    && (i + 1 < ncmds
                        || (c.state == State::Attr
                            && c.delim == Delim::SpaceOrTagEnd
                            && name == "html"))
                {
                    return Err(self.err_at(
                        pos,
                        format!(
                            "predefined escaper {} disallowed in template",
                            quote(name.as_bytes())
                        ),
                    ));
                }
            }
        }
        let mut s: Vec<Escaper> = Vec::with_capacity(3);
        match c.state {
            State::Error => return Ok((c, a.clone())),
            State::Url
            | State::CssDqStr
            | State::CssSqStr
            | State::CssDqUrl
            | State::CssSqUrl
            | State::CssUrl => {
                let css_str = matches!(c.state, State::CssDqStr | State::CssSqStr);
                match c.url_part {
                    UrlPart::None | UrlPart::PreQuery => {
                        if c.url_part == UrlPart::None {
                            s.push(Escaper::UrlFilter);
                        }
                        s.push(if css_str {
                            Escaper::CssEscaper
                        } else {
                            Escaper::UrlNormalizer
                        });
                    }
                    UrlPart::QueryOrFrag => s.push(Escaper::UrlEscaper),
                    UrlPart::Unknown => {
                        return Err(self.err_at(
                            pos,
                            format!(
                                "{{{{{}}}}} appears in an ambiguous context within a URL",
                                a.pipe
                            ),
                        ));
                    }
                }
            }
            State::Js => {
                s.push(Escaper::JsValEscaper);
                c.js_ctx = JsCtx::DivOp;
            }
            State::JsDqStr | State::JsSqStr => s.push(Escaper::JsStrEscaper),
            State::JsBqStr => {
                return Err(self.err_at(
                    pos,
                    format!("{{{{{}}}}} appears in a JS template literal", a.pipe),
                ));
            }
            State::JsRegexp => s.push(Escaper::JsRegexpEscaper),
            State::Css => s.push(Escaper::CssValueFilter),
            State::Text => s.push(Escaper::HtmlEscaper),
            State::Rcdata => s.push(Escaper::RcdataEscaper),
            State::Attr => {}
            State::AttrName | State::Tag => {
                c.state = State::AttrName;
                s.push(Escaper::HtmlNameFilter);
            }
            State::Srcset => s.push(Escaper::SrcsetEscaper),
            st if st.is_comment() => s.push(Escaper::CommentEscaper),
            st => {
                return Err(self.err_at(pos, format!("unexpected state {}", st.go_name())));
            }
        }
        match c.delim {
            Delim::None => {}
            Delim::SpaceOrTagEnd => s.push(Escaper::NospaceEscaper),
            _ => s.push(Escaper::AttrEscaper),
        }
        let (pipe, escapers) = ensure_pipeline_contains(&a.pipe, s);
        Ok((
            c,
            ActionNode {
                span: a.span,
                pipe,
                escapers,
            },
        ))
    }

    fn escape_branch(
        &mut self,
        c: Context,
        b: &BranchNode,
        kind: &str,
        pos: usize,
    ) -> R<(Context, BranchNode)> {
        if kind == "range" {
            self.ranges.push(RangeCtx::default());
        }
        let body = self.escape_list(c, &b.list);
        let (mut c0, list) = match body {
            Ok(x) => x,
            Err(e) => {
                if kind == "range" {
                    self.ranges.pop();
                }
                return Err(e);
            }
        };
        if kind == "range" {
            let rc = self.ranges.pop().unwrap_or_default();
            c0 = self.join_range(c0, &rc)?;
            // The body may run again: escaping it from c0 must end in c0.
            self.ranges.push(RangeCtx::default());
            let ranges = std::mem::take(&mut self.ranges);
            let mut e1 = self.sub();
            e1.ranges = ranges;
            let again = e1.escape_list(c0, &b.list);
            self.ranges = std::mem::take(&mut e1.ranges);
            let reentry = again.and_then(|(c1, _)| self.join(c0, c1, pos, "range"));
            let rc = self.ranges.pop().unwrap_or_default();
            match reentry {
                Ok(c) => c0 = c,
                Err(mut e) => {
                    e.description = format!("on range loop re-entry: {}", e.description);
                    if e.location.is_none() {
                        e.line = Some(self.line_of(pos));
                    }
                    return Err(e);
                }
            }
            c0 = self.join_range(c0, &rc)?;
        }
        let (c1, else_list) = match &b.else_list {
            Some(l) => {
                let (c1, l1) = self.escape_list(c, l)?;
                (c1, Some(l1))
            }
            None => (c, None),
        };
        let c = self.join(c0, c1, pos, kind)?;
        Ok((
            c,
            BranchNode {
                span: b.span,
                pipe: b.pipe.clone(),
                list,
                else_list,
            },
        ))
    }

    fn join_range(&self, mut c0: Context, rc: &RangeCtx) -> R<Context> {
        for &(c, pos) in &rc.breaks {
            c0 = self.join(c0, c, pos, "range").map_err(|mut e| {
                e.description = format!("at range loop break: {}", e.description);
                e
            })?;
        }
        for &(c, pos) in &rc.continues {
            c0 = self.join(c0, c, pos, "range").map_err(|mut e| {
                e.description = format!("at range loop continue: {}", e.description);
                e
            })?;
        }
        Ok(c0)
    }

    /// Joins the contexts at the ends of two branches (Go's `join`).
    fn join(&self, a: Context, b: Context, pos: usize, kind: &str) -> R<Context> {
        join_contexts(a, b).ok_or_else(|| {
            self.err_at(
                pos,
                format!("{{{{{kind}}}}} branches end in different contexts: {a}, {b}"),
            )
        })
    }

    /// A sub-escaper that sees this one's inferences (Go's
    /// `escapeListConditionally` helper).
    fn sub(&self) -> Esc<'a> {
        let mut e1 = Esc::new(self.set, self.tree.clone());
        e1.output = self.output.clone();
        e1
    }

    /// Escapes the template `name` starting in `c`, cloning it for `c`
    /// when needed; returns its output context and the name to call.
    fn escape_tree(&mut self, c: Context, name: &str, pos: Option<usize>) -> R<(Context, String)> {
        let dname = c.mangle(name);
        self.called.insert(dname.clone());
        if let Some(out) = self.output.get(&dname) {
            return Ok((*out, dname));
        }
        let Some(tree) = self.set.get(name).cloned() else {
            let description = format!("no such template {}", quote(name.as_bytes()));
            return Err(EscapeError {
                location: pos.and_then(|p| self.loc(p)),
                line: None,
                description,
            });
        };
        let c1 = self.compute_out_ctx(c, &dname, name, &tree)?;
        Ok((c1, dname))
    }

    fn compute_out_ctx(
        &mut self,
        c: Context,
        dname: &str,
        base: &str,
        tree: &Arc<Tree>,
    ) -> R<Context> {
        let (mut c1, mut ok) = self.escape_template_body(c, dname, base, tree)?;
        if !ok {
            // Look for a fixed point by assuming c1 as the output context.
            // A failed second attempt is not reported: c1 stays the best guess.
            if let Ok((c2, true)) = self.escape_template_body(c1, dname, base, tree) {
                c1 = c2;
                ok = true;
            }
        }
        if !ok {
            let t = Esc::new(self.set, Some(tree.clone()));
            return Err(t.err_at(
                tree.root.span.start as usize,
                format!("cannot compute output context for template {dname}"),
            ));
        }
        Ok(c1)
    }

    fn escape_template_body(
        &mut self,
        c: Context,
        dname: &str,
        base: &str,
        tree: &Arc<Tree>,
    ) -> R<(Context, bool)> {
        // Assume the output context equals the input one so that recursive
        // calls terminate.
        self.output.insert(dname.to_string(), c);
        let mut e1 = self.sub();
        e1.tree = Some(tree.clone());
        e1.ranges = std::mem::take(&mut self.ranges);
        let r = e1.escape_list(c, &tree.root);
        self.ranges = std::mem::take(&mut e1.ranges);
        let (c1, root) = r?;
        let ok = !e1.called.contains(dname) || c1 == c;
        if ok {
            self.output.extend(e1.output);
            self.bodies.extend(e1.bodies);
            self.called.extend(e1.called);
            self.bodies
                .insert(dname.to_string(), (base.to_string(), root));
        }
        Ok((c1, ok))
    }

    /// Escapes a text node: tracks the context through it, escapes stray
    /// `<` in text, and strips comments (Go's `escapeText`).
    fn escape_text(&mut self, mut c: Context, n: &TextNode) -> R<(Context, TextNode)> {
        let s = n.text.as_bytes();
        let mut written = 0;
        let mut i = 0;
        let mut b: Vec<u8> = Vec::new();
        while i != s.len() {
            let (c1, nread) = context_after_text(c, &s[i..]).map_err(|e| self.text_err(e))?;
            let i1 = i + nread;
            if c.state == State::Text || c.state == State::Rcdata {
                let mut end = i1;
                if c1.state != c.state {
                    if let Some(j) = s[i..end].iter().rposition(|&x| x == b'<') {
                        end = i + j;
                    }
                }
                for j in i..end {
                    if s[j] == b'<' && !starts_with_doctype(&s[j..]) {
                        b.extend_from_slice(&s[written..j]);
                        b.extend_from_slice(b"&lt;");
                        written = j + 1;
                    }
                }
            } else if c.state.is_comment() && c.delim == Delim::None {
                match c.state {
                    State::JsBlockCmt => {
                        let part = &s[written.min(i1)..i1];
                        let nl = part.iter().any(|&x| x == b'\n' || x == b'\r')
                            || contains(part, "\u{2028}".as_bytes())
                            || contains(part, "\u{2029}".as_bytes());
                        b.push(if nl { b'\n' } else { b' ' });
                    }
                    State::CssBlockCmt => b.push(b' '),
                    _ => {}
                }
                written = i1;
            }
            if c.state != c1.state && c1.state.is_comment() && c1.delim == Delim::None {
                // Keep the text before the comment start.
                let mut cs = i1.saturating_sub(2);
                if c1.state == State::HtmlCmt {
                    cs = cs.saturating_sub(2);
                }
                if cs >= written {
                    b.extend_from_slice(&s[written..cs]);
                }
                written = i1;
            }
            if i == i1 && c.state == c1.state {
                return Err(EscapeError::bare(format!(
                    "infinite loop from {c} to {c1} on {}",
                    quote(&s[i..])
                )));
            }
            c = c1;
            i = i1;
        }
        if written != 0 && c.state != State::Error {
            if !c.state.is_comment() || c.delim != Delim::None {
                b.extend_from_slice(&s[written..]);
            }
            let text = String::from_utf8_lossy(&b).into_owned();
            return Ok((c, TextNode { span: n.span, text }));
        }
        Ok((c, n.clone()))
    }

    /// Errors found inside text have no node in Go: they are reported
    /// against the template being executed.
    fn text_err(&self, e: EscapeError) -> EscapeError {
        e
    }
}

fn contains(s: &[u8], pat: &[u8]) -> bool {
    s.windows(pat.len()).any(|w| w == pat)
}

fn starts_with_doctype(s: &[u8]) -> bool {
    s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE")
}

/// Go's `join` without the error: `None` when the contexts cannot be joined.
fn join_contexts(a: Context, b: Context) -> Option<Context> {
    if a.state == State::Dead {
        return Some(b);
    }
    if b.state == State::Dead {
        return Some(a);
    }
    if a == b {
        return Some(a);
    }
    let mut c = a;
    c.url_part = b.url_part;
    if c == b {
        c.url_part = UrlPart::Unknown;
        return Some(c);
    }
    let mut c = a;
    c.js_ctx = b.js_ctx;
    if c == b {
        c.js_ctx = JsCtx::Unknown;
        return Some(c);
    }
    let (c, d) = (a.nudge(), b.nudge());
    if !(c == a && d == b) {
        if let Some(e) = join_contexts(c, d) {
            return Some(e);
        }
    }
    None
}

/// The predefined escaper (`html` or `urlquery`) a command calls, if any.
fn predefined(cmd: &Command) -> Option<Escaper> {
    match cmd.args.first() {
        Some(Arg::Identifier { name, .. }) if name == "html" => Some(Escaper::Html),
        Some(Arg::Identifier { name, .. }) if name == "urlquery" => Some(Escaper::UrlQuery),
        _ => None,
    }
}

/// Go's `normalizeEscFn`: escapers with equivalent guarantees compare equal.
fn normalize(e: Escaper) -> Escaper {
    match e {
        Escaper::AttrEscaper | Escaper::HtmlEscaper | Escaper::RcdataEscaper => Escaper::Html,
        Escaper::UrlEscaper | Escaper::UrlNormalizer => Escaper::UrlQuery,
        e => e,
    }
}

/// Go's `redundantFuncs`: `b` after `a` changes nothing.
fn redundant(a: Escaper, b: Escaper) -> bool {
    use Escaper::*;
    matches!(
        (a, b),
        (CommentEscaper, AttrEscaper | NospaceEscaper | HtmlEscaper)
            | (CssEscaper, AttrEscaper)
            | (JsRegexpEscaper, AttrEscaper)
            | (JsStrEscaper, AttrEscaper)
            | (UrlEscaper, UrlNormalizer)
    )
}

/// Go's `ensurePipelineContains`, split into the rewritten pipeline and
/// the escapers that follow it. A trailing predefined `html`/`urlquery`
/// equivalent to an inserted escaper moves into the chain; `{{html .X}}`
/// becomes `{{_eval_args_ .X | html}}`.
fn ensure_pipeline_contains(p: &Pipeline, mut s: Vec<Escaper>) -> (Pipeline, Vec<Escaper>) {
    let mut p = p.clone();
    if s.is_empty() {
        return (p, Vec::new());
    }
    let mut keep = p.cmds.len();
    if let Some(esc) = p.cmds.last().and_then(predefined) {
        if p.cmds.len() == 1 && p.cmds[0].args.len() > 1 {
            let cmd = &mut p.cmds[0];
            let span = cmd.args[0].span();
            cmd.args[0] = Arg::Identifier {
                span,
                name: "_eval_args_".to_string(),
            };
            p.cmds.push(Command {
                span: p.span,
                args: vec![Arg::Identifier {
                    span: p.span,
                    name: esc.go_name().to_string(),
                }],
            });
            keep += 1;
        }
        let mut dup = false;
        for x in s.iter_mut() {
            if normalize(*x) == esc {
                *x = esc;
                dup = true;
            }
        }
        if dup && keep > 1 {
            keep -= 1;
        } else if dup {
            // `{{html}}` alone: it stays the pipeline's only command.
            s.retain(|&x| x != esc);
        }
    }
    p.cmds.truncate(keep);
    let inserted: HashSet<Escaper> = p
        .cmds
        .iter()
        .filter_map(|c| match c.args.first() {
            Some(Arg::Identifier { name, .. }) => Escaper::from_go_name(name).map(normalize),
            _ => None,
        })
        .collect();
    let mut chain: Vec<Escaper> = Vec::with_capacity(s.len());
    for x in s {
        if inserted.contains(&normalize(x)) {
            continue;
        }
        if let Some(&last) = chain.last() {
            if redundant(last, x) {
                continue;
            }
        }
        chain.push(x);
    }
    (p, chain)
}

/// Every action of every template in `set`, after escaping, in Go's
/// notation as the oracle's `explain` prints them
/// (`main: .U | _html_template_urlfilter | _html_template_attrescaper`,
/// `main: template "x"`). Templates are listed by name; the clones made
/// for other contexts are not listed (Go keeps them out of `Templates()`).
pub fn explain(set: &TemplateSet) -> Vec<String> {
    let mut out = Vec::new();
    for tree in set.trees() {
        if is_derived_name(&tree.name) {
            continue;
        }
        explain_list(&tree.name, &tree.root, &mut out);
    }
    out
}

fn explain_list(name: &str, list: &List, out: &mut Vec<String>) {
    for n in &list.nodes {
        match n {
            Node::Action(a) => out.push(format!("{name}: {}", action_string(a))),
            Node::If(b) | Node::Range(b) | Node::With(b) => {
                explain_list(name, &b.list, out);
                if let Some(e) = &b.else_list {
                    explain_list(name, e, out);
                }
            }
            Node::Template(t) => out.push(format!(
                "{name}: template {}",
                crate::parse::quote::go_quote(&t.name)
            )),
            _ => {}
        }
    }
}

/// An action's pipeline followed by its escapers, in Go's notation.
pub fn action_string(a: &ActionNode) -> String {
    let mut s = a.pipe.to_string();
    for e in &a.escapers {
        if !s.is_empty() {
            s.push_str(" | ");
        }
        s.push_str(e.go_name());
    }
    s
}
