//! Code generation: the slot tree of the template, compiled at build time by
//! `livetemplate-core`, turned into Rust that reads the struct's fields.
//!
//! Every block becomes straight-line code in two flavours: one appending the
//! HTML to a buffer (`render_into`), one building the `Rendered` tree
//! (`render_tree`, `diff_from`) with the same statics (same block ids and
//! fingerprints) as the dynamic `Program`. A pipeline that is a plain field
//! chain (`.`, `.A.B`, `$x.A`, `$.A`) is read directly (`&self.a.b`; a
//! field of a nested value through `typed::field::NestedField`, which
//! inlines to the same access and makes a missing field a rustc error that
//! names the template position) and printed through `GoValue`. Pipelines of
//! builtin calls (`not`, `and`, `or`, comparisons, `len`, `index`, `printf`
//! with a constant format, `print`, `html`, `urlquery`, `js`) are compiled
//! to Rust too (module `native`); any other pipeline, and any native one
//! whose value would be one of Go's errors, is evaluated by the interpreter
//! on a `Value` made of just the fields it reads (`typed::Fallback`), so
//! that Go's error texts have one implementation. A `range` whose body uses
//! `break`/`continue` is a Rust loop walking the body's nodes (one opaque
//! item per iteration, as the dynamic path builds it).

use std::collections::{BTreeMap, BTreeSet};

use livetemplate_core::funcs::Builtin;
use livetemplate_core::parse::ast::{Arg, BranchNode, List, Node, Pipeline};
use livetemplate_core::program::{Arm, Block, Op, Slot, compile};
use livetemplate_core::{Mode, Template};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attributes;
use crate::errors::TemplateError;
use crate::load;
use crate::names::go_to_snake;

mod native;

/// A value in scope: the dot, `$` or a variable.
#[derive(Clone)]
enum Val {
    /// A Rust expression of type `&T`; `is_root` when `T` is the derived struct.
    Typed { expr: TokenStream, is_root: bool },
    /// A Rust expression of type `&Value`.
    Dyn(TokenStream),
}

#[derive(Clone)]
struct Scope {
    dot: Val,
    root: Val,
    vars: Vec<(String, Val)>,
    /// Variables some `{{$x = ...}}` assigns: their mutable `Value` bindings.
    mutables: Vec<(String, Ident)>,
}

impl Scope {
    fn var(&self, name: &str) -> Option<Val> {
        if name == "$" {
            return Some(self.root.clone());
        }
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// What a pipeline reads from one value (the dot, `$`, a variable).
#[derive(Default, Clone)]
struct Usage {
    bare: bool,
    fields: BTreeSet<String>,
}

#[derive(Default)]
struct Uses {
    dot: Usage,
    vars: BTreeMap<String, Usage>,
}

fn uses_arg(a: &Arg, u: &mut Uses) {
    match a {
        Arg::Dot(_) => u.dot.bare = true,
        Arg::Field { idents, .. } => {
            if let Some(f) = idents.first() {
                u.dot.fields.insert(f.clone());
            }
        }
        Arg::Variable { name, fields, .. } => {
            let e = u.vars.entry(name.clone()).or_default();
            match fields.first() {
                Some(f) => {
                    e.fields.insert(f.clone());
                }
                None => e.bare = true,
            }
        }
        Arg::Chain { node, .. } => match &**node {
            // `(.).X`, `$x.Y` written as a chain: the whole value.
            Arg::Dot(_) => u.dot.bare = true,
            Arg::Variable { name, .. } => u.vars.entry(name.clone()).or_default().bare = true,
            other => uses_arg(other, u),
        },
        Arg::Pipe(p) => uses_pipe(p, u),
        _ => {}
    }
}

fn uses_pipe(p: &Pipeline, u: &mut Uses) {
    for c in &p.cmds {
        for a in &c.args {
            uses_arg(a, u);
        }
    }
}

/// Where a pipeline is in the program: block, op path (through inlined
/// calls), arm of a branch.
#[derive(Clone)]
struct Loc {
    block: usize,
    path: Vec<usize>,
    arm: usize,
    /// For a pipeline inside the body of a `range` with `break`/`continue`
    /// (the slot at `block`/`path`): the pipeline's offset in the source.
    span: Option<u32>,
}

impl Loc {
    fn arm(&self, arm: usize) -> Loc {
        Loc {
            arm,
            ..self.clone()
        }
    }
}

/// Per-item change tracking of a root `range` slot in `diff_from`.
struct Track {
    /// The root slot's index.
    index: usize,
    /// The ranged value read from `old` (an expression that may use `?`).
    old_expr: TokenStream,
    /// Conditions (equal root fields) for the body to render the same.
    conds: Vec<TokenStream>,
}

/// How a block's code is emitted.
struct Emit<'x> {
    tree: bool,
    out: &'x TokenStream,
    dyns: &'x Ident,
    diff: bool,
    /// HTML without the block's first and last statics (a loop body whose
    /// statics are written around it, merged between iterations).
    trim: bool,
}

struct Gen<'a> {
    blocks: &'a [Block],
    source: &'a str,
    /// The module holding the types named like the fields read on nested
    /// values (`field`, in the anonymous const around the generated impls).
    checks_mod: Ident,
    /// Those types: (Go name, type).
    names: Vec<(String, Ident)>,
    /// Their definitions.
    name_defs: Vec<TokenStream>,
    /// The derived struct's fields: (Rust name, Go name).
    fields: &'a [(String, String)],
    struct_name: String,
    span: Span,
    errors: Vec<TemplateError>,
    counter: usize,
    calls: Vec<usize>,
    /// Root fields compared by `diff_from`: (Rust field, variable).
    same_fields: Vec<(Ident, Ident)>,
    /// Variables assigned (`{{$x = ...}}`) somewhere in the template.
    assigned: BTreeSet<String>,
    /// Inside native code (see `native`): a nil pointer met by a field
    /// chain leaves this labelled block with `None` (the interpreter then
    /// reports Go's error) instead of returning an error.
    bail: Option<syn::Lifetime>,
}

fn t() -> TokenStream {
    quote!(::livetemplate::typed)
}

impl<'a> Gen<'a> {
    fn fresh(&mut self, what: &str) -> Ident {
        self.counter += 1;
        format_ident!("__lt_{}{}", what, self.counter)
    }

    fn err(&mut self, offset: u32, msg: String) {
        self.errors
            .push(TemplateError::at(self.source, offset as usize, msg));
    }

    /// The Rust field of the derived struct read by `.go_name` (reported
    /// at `offset` when there is none).
    fn field(&mut self, go_name: &str, offset: u32) -> Ident {
        let name = if let Some((rust, _)) = self
            .fields
            .iter()
            .find(|(r, g)| r == go_name || g == go_name)
        {
            rust.clone()
        } else {
            let snake = go_to_snake(go_name);
            if !self.fields.iter().any(|(r, _)| *r == snake) {
                let have: Vec<&str> = self.fields.iter().map(|(r, _)| r.as_str()).collect();
                let have = have.join(", ");
                self.err(
                    offset,
                    format!(
                        "unknown field `.{go_name}`: struct `{}` has no field `{snake}` (fields: {have})",
                        self.struct_name
                    ),
                );
            }
            snake
        };
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        if syn::parse_str::<Ident>(&name).is_ok() {
            Ident::new(&name, self.span)
        } else {
            Ident::new_raw(&name, self.span)
        }
    }

    /// An expression of type `&F`: field `.go_name` of `base` (an
    /// expression of type `&T`, followed like a Go pointer first; `what`
    /// names the chain for a nil pointer error). A field of the derived
    /// struct (`is_root`) is read directly; any other through
    /// `typed::field::NestedField`, whose parameters (the struct, the
    /// template line and column, a type named like the field) make rustc
    /// report a missing one at its template position (`offset`).
    fn access(
        &mut self,
        base: &TokenStream,
        go_name: &str,
        is_root: bool,
        offset: u32,
        what: &str,
    ) -> TokenStream {
        let t = t();
        let deref = match &self.bail {
            Some(l) => quote!(match #t::deref(#base, #what) {
                #t::rt::Ok(d) => d,
                #t::rt::Err(_) => break #l #t::rt::None,
            }),
            None => quote!(#t::deref(#base, #what)?),
        };
        if is_root {
            let f = self.field(go_name, offset);
            return quote!(&(#deref).#f);
        }
        let name = self.name_type(go_name);
        let m = &self.checks_mod;
        let (line, col) = livetemplate_core::error::line_col(self.source, offset as usize);
        let (line, col) = (line as u32, col as u32 + 1);
        // rustc reports an unknown field at the argument: a block with
        // the span of the template literal.
        let mut arg = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, deref);
        arg.set_span(self.span);
        quote!(#t::field::NestedField::<Self, #line, #col, #m::#name, _>::get(#arg))
    }

    /// The unit type named like Go field `go_name` (implementing
    /// `typed::field::FieldName` with the key of its Rust name, the snake
    /// case of `go_name`), declared once in the module [`Gen::checks_mod`].
    fn name_type(&mut self, go_name: &str) -> Ident {
        if let Some((_, id)) = self.names.iter().find(|(n, _)| n == go_name) {
            return id.clone();
        }
        let mut tag: String = go_name
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if tag.is_empty() || tag.starts_with(|c: char| c.is_ascii_digit()) {
            tag.insert_str(0, "field_");
        }
        let mut id = match syn::parse_str::<Ident>(&tag) {
            Ok(i) => i,
            Err(_) => syn::parse_str::<Ident>(&format!("r#{tag}"))
                .unwrap_or_else(|_| format_ident!("{}_", tag)),
        };
        if self.names.iter().any(|(_, i)| *i == id) {
            id = format_ident!("{}_{}", tag, self.names.len());
        }
        let snake = go_to_snake(go_name);
        let key = crate::govalue::field_key(snake.strip_prefix("r#").unwrap_or(&snake));
        self.name_defs.push(quote! {
            pub struct #id;
            impl ::livetemplate::typed::field::FieldName for #id {
                type Key = #key;
            }
        });
        self.names.push((go_name.to_string(), id.clone()));
        id
    }

    /// Offsets of the field names `idents` in the chain written at `from`
    /// (`.A.B`, `$x.A.B`), each at its dot; `from` for any not found.
    fn offsets(&self, from: u32, idents: &[String]) -> Vec<u32> {
        let src = self.source.as_bytes();
        let mut pos = from as usize;
        let mut out = Vec::with_capacity(idents.len());
        for id in idents {
            let needle = format!(".{id}");
            let found = self.source.get(pos..).and_then(|rest| {
                rest.match_indices(needle.as_str())
                    .map(|(i, _)| pos + i)
                    .find(|&i| {
                        src.get(i + needle.len())
                            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    })
            });
            match found {
                Some(i) => {
                    out.push(i as u32);
                    pos = i + needle.len();
                }
                None => out.push(from),
            }
        }
        out
    }

    /// The Rust field of the derived struct for `.go_name`, without reporting errors.
    fn field_quiet(&mut self, go_name: &str) -> Ident {
        let n = self.errors.len();
        let id = self.field(go_name, 0);
        self.errors.truncate(n);
        id
    }

    /// The variable of `diff_from` holding whether root field `.go_name`
    /// is equal in `self` and `old` (each field is compared once).
    fn same_var(&mut self, go_name: &str) -> Ident {
        let id = self.field_quiet(go_name);
        if let Some((_, v)) = self.same_fields.iter().find(|(f, _)| *f == id) {
            return v.clone();
        }
        let v = format_ident!("__lt_same{}", self.same_fields.len());
        self.same_fields.push((id, v.clone()));
        v
    }

    /// Per-item tracking for root slot `s` (number `index`) of `diff_from`:
    /// possible for a `range` over a field chain of the root whose body
    /// reads only its items, its own variables and root fields (`$.X`).
    fn track_for(&mut self, s: &Slot, index: usize, rv: &BTreeSet<String>) -> Option<Track> {
        let Slot::Range {
            node,
            opaque_items: false,
            ..
        } = s
        else {
            return None;
        };
        if node.pipe.is_assign {
            return None;
        }
        let [cmd] = node.pipe.cmds.as_slice() else {
            return None;
        };
        let [arg] = cmd.args.as_slice() else {
            return None;
        };
        let idents = match arg {
            Arg::Field { idents, .. } => idents,
            Arg::Variable { name, fields, .. } if name == "$" && !fields.is_empty() => fields,
            _ => return None,
        };
        let mut acc = BTreeSet::new();
        if !reads_list(&node.list, false, rv, &mut acc) {
            return None;
        }
        let base = Val::Typed {
            expr: quote!(old),
            is_root: true,
        };
        let Some(Val::Typed { expr, .. }) = self.walk_fields(base, idents, node.span.start) else {
            return None;
        };
        let conds = acc
            .iter()
            .map(|f| {
                let v = self.same_var(f);
                quote!(#v)
            })
            .collect();
        Some(Track {
            index,
            old_expr: expr,
            conds,
        })
    }

    fn walk_fields(&mut self, base: Val, idents: &[String], offset: u32) -> Option<Val> {
        if idents.is_empty() {
            return Some(base);
        }
        match base {
            Val::Dyn(_) => None,
            Val::Typed { expr, is_root } => {
                let offsets = self.offsets(offset, idents);
                let mut e = expr;
                let mut root = is_root;
                let mut what = String::new();
                for (id, off) in idents.iter().zip(offsets) {
                    what.push('.');
                    what.push_str(id);
                    e = self.access(&e, id, root, off, &what);
                    root = false;
                }
                Some(Val::Typed {
                    expr: e,
                    is_root: false,
                })
            }
        }
    }

    /// A field chain, read directly; `None` when the interpreter must evaluate it.
    fn chain(&mut self, scope: &Scope, arg: &Arg) -> Option<Val> {
        match arg {
            Arg::Dot(_) => Some(scope.dot.clone()),
            Arg::Field { idents, span } => self.walk_fields(scope.dot.clone(), idents, span.start),
            Arg::Variable { name, fields, span } => {
                let base = scope.var(name)?;
                self.walk_fields(base, fields, span.start)
            }
            _ => None,
        }
    }

    /// The pipeline as a plain chain, if it is one.
    fn pipe_chain(&mut self, scope: &Scope, pipe: &Pipeline) -> Option<Val> {
        match pipe.cmds.as_slice() {
            [cmd] => match cmd.args.as_slice() {
                [a] => self.chain(scope, a),
                _ => None,
            },
            _ => None,
        }
    }

    fn value_of(&mut self, v: &Val, u: &Usage, offset: u32) -> TokenStream {
        let t = t();
        match v {
            Val::Dyn(e) => quote!(#t::rt::Clone::clone(#e)),
            Val::Typed { expr, .. } if u.bare => quote!(#t::GoValue::to_value(#expr)),
            Val::Typed { expr, is_root } => {
                let mut vals = Vec::new();
                for f in &u.fields {
                    let what = format!(".{f}");
                    let off = self.offsets(offset, std::slice::from_ref(f))[0];
                    let field = self.access(expr, f, *is_root, off, &what);
                    vals.push(quote!(#t::GoValue::to_value(#field)));
                }
                let names = &u.fields;
                // The struct type is built once per call site.
                quote!({
                    static TY: #t::rt::LazyLock<#t::rt::Arc<#t::rt::StructType>> =
                        #t::rt::LazyLock::new(|| #t::partial_type(&[#(#names),*]));
                    #t::partial_value(&TY, #t::rt::vec![#(#vals),*])
                })
            }
        }
    }

    /// Checks the arity of builtin calls (Go checks at run time; we can at build time).
    fn check_pipe(&mut self, pipe: &Pipeline) {
        for (i, cmd) in pipe.cmds.iter().enumerate() {
            for a in &cmd.args {
                if let Arg::Pipe(p) = a {
                    self.check_pipe(p);
                }
                if let Arg::Chain { node, .. } = a
                    && let Arg::Pipe(p) = &**node
                {
                    self.check_pipe(p);
                }
            }
            if let Some(Arg::Identifier { name, span }) = cmd.args.first()
                && let Some(b) = Builtin::from_name(name)
                && b != Builtin::EvalArgs
            {
                let got = cmd.args.len() - 1 + usize::from(i > 0);
                let (n, variadic) = b.arity();
                let ok = if variadic { got >= n } else { got == n };
                if !ok {
                    let want = if variadic {
                        format!("at least {n}")
                    } else {
                        n.to_string()
                    };
                    self.err(
                        span.start,
                        format!("wrong number of args for {name}: want {want} got {got}"),
                    );
                }
            }
        }
    }

    /// An expression of type `Option<Value>`: the pipeline evaluated by the interpreter.
    fn fallback(&mut self, scope: &Scope, loc: &Loc, pipe: &Pipeline) -> TokenStream {
        let t = t();
        let mut u = Uses::default();
        uses_pipe(pipe, &mut u);
        if pipe.is_assign {
            // The interpreter assigns to the variable: it must exist there.
            for d in &pipe.decl {
                u.vars.entry(d.name.clone()).or_default().bare = true;
            }
        }
        let off = pipe.span.start;
        let dot = self.value_of(&scope.dot.clone(), &u.dot, off);
        let mut root = quote!(#t::rt::Value::Nil);
        let mut vars = Vec::new();
        for (name, usage) in &u.vars {
            let Some(v) = scope.var(name) else {
                self.err(off, format!("undefined variable: {name}"));
                continue;
            };
            let val = self.value_of(&v, usage, off);
            if name == "$" {
                root = val;
            } else {
                vars.push(quote!((#name, #val)));
            }
        }
        let (block, path, arm) = (loc.block, &loc.path, loc.arm);
        if let Some(span) = loc.span {
            return quote!(Self::__livetemplate_fallback()?.eval_in(#block, &[#(#path),*], #span, &#dot, &#root, &[#(#vars),*])?);
        }
        quote!(Self::__livetemplate_fallback()?.eval(#block, &[#(#path),*], #arm, &#dot, &#root, &[#(#vars),*])?)
    }

    /// An expression of type `Option<Value>`: the pipeline evaluated by the
    /// generated code when [`Gen::native_value`] compiles it (the
    /// interpreter when that code gives up), else by the interpreter.
    fn eval(&mut self, scope: &Scope, loc: &Loc, pipe: &Pipeline) -> TokenStream {
        let t = t();
        let fallback = self.fallback(scope, loc, pipe);
        // The value of `$x := ...` / `$x = ...` is the pipeline's: the
        // caller binds it.
        let bare = Pipeline {
            decl: Vec::new(),
            is_assign: false,
            ..pipe.clone()
        };
        match self.native_value(scope, &bare) {
            Some(nv) => quote!(match #nv {
                #t::rt::Some(x) => #t::rt::Some(#t::GoValue::to_value(&x)),
                #t::rt::None => #fallback,
            }),
            None => fallback,
        }
    }

    /// A `bool` expression: the truth of an `if` condition, computed by the
    /// generated code when [`Gen::native_truth`] compiles it.
    fn truth(&mut self, scope: &Scope, loc: &Loc, pipe: &Pipeline) -> Option<TokenStream> {
        let t = t();
        if self.pipe_chain(scope, pipe).is_some() {
            return None;
        }
        let nt = self.native_truth(scope, pipe)?;
        let fallback = self.fallback(scope, loc, pipe);
        Some(quote!(match #nt {
            #t::rt::Some(b) => b,
            #t::rt::None => #t::value_truth((#fallback).as_ref()),
        }))
    }

    fn chain_tokens(escapers: &[livetemplate_core::escape::Escaper]) -> TokenStream {
        let t = t();
        let names = escapers
            .iter()
            .map(|e| format_ident!("{}", format!("{e:?}")));
        quote!(&[#(#t::rt::Escaper::#names),*])
    }

    /// Statements appending an action's escaped value to `out` (a `&mut String`).
    fn write_action(
        &mut self,
        scope: &Scope,
        loc: &Loc,
        node: &Node,
        out: &TokenStream,
    ) -> TokenStream {
        let t = t();
        let Node::Action(a) = node else {
            return quote!();
        };
        self.check_pipe(&a.pipe);
        let chain = Self::chain_tokens(&a.escapers);
        if let Some(Val::Typed { expr, .. }) = self.pipe_chain(scope, &a.pipe) {
            use livetemplate_core::escape::Escaper as E;
            return match a.escapers.as_slice() {
                [E::HtmlEscaper | E::AttrEscaper | E::RcdataEscaper] => {
                    quote!(#t::GoValue::write_html(#expr, #out, #chain);)
                }
                _ => quote!(#t::GoValue::write_escaped(#expr, #out, #chain);),
            };
        }
        {
            use livetemplate_core::escape::Escaper as E;
            let html = matches!(
                a.escapers.as_slice(),
                [E::HtmlEscaper | E::AttrEscaper | E::RcdataEscaper]
            );
            if html || a.escapers.is_empty() {
                let fallback = self.fallback(scope, loc, &a.pipe);
                let write = quote!(#t::write_value_escaped(#out, #chain, (#fallback).as_ref()););
                if let Some(direct) = self.printf_into(scope, &a.pipe, out, html, write) {
                    return quote!(#direct;);
                }
            }
        }
        if let Some(nv) = self.native_value(scope, &a.pipe) {
            use livetemplate_core::escape::Escaper as E;
            let write = match a.escapers.as_slice() {
                [E::HtmlEscaper | E::AttrEscaper | E::RcdataEscaper] => {
                    quote!(#t::GoValue::write_html(&x, #out, #chain))
                }
                _ => quote!(#t::GoValue::write_escaped(&x, #out, #chain)),
            };
            let fallback = self.fallback(scope, loc, &a.pipe);
            return quote!(match #nv {
                #t::rt::Some(x) => #write,
                #t::rt::None => #t::write_value_escaped(#out, #chain, (#fallback).as_ref()),
            };);
        }
        let v = self.fallback(scope, loc, &a.pipe);
        quote!(#t::write_value_escaped(#out, #chain, (#v).as_ref());)
    }

    /// Binds a pipeline's value: `(statements, value)`.
    fn bind(&mut self, scope: &Scope, loc: &Loc, pipe: &Pipeline) -> (TokenStream, Val) {
        let t = t();
        let id = self.fresh("v");
        if let Some(Val::Typed { expr, is_root }) = self.pipe_chain(scope, pipe) {
            return (
                quote!(let #id = #expr;),
                Val::Typed {
                    expr: quote!(#id),
                    is_root,
                },
            );
        }
        let v = self.eval(scope, loc, pipe);
        (
            quote!(let #id: #t::rt::Value = match #v { #t::rt::Some(v) => v, #t::rt::None => #t::rt::Value::Nil };),
            Val::Dyn(quote!(&#id)),
        )
    }

    fn declare(&mut self, scope: &mut Scope, pipe: &Pipeline, v: &Val) {
        if pipe.is_assign {
            self.err(
                pipe.span.start,
                "assigning to a variable (`$x = ...`) in `if`/`with`/`range` is not supported by typed templates".into(),
            );
        }
        for d in &pipe.decl {
            if self.assigned.contains(&d.name) {
                self.err(
                    pipe.span.start,
                    format!(
                        "variable {} is assigned (`=`) somewhere: declare it in an action (`{{{{{} := ...}}}}`), not in `if`/`with`/`range`, for typed templates",
                        d.name, d.name
                    ),
                );
            }
            scope.vars.push((d.name.clone(), v.clone()));
        }
    }

    /// A declaration (`{{$x := ...}}`) of a variable that is assigned
    /// somewhere, or an assignment (`{{$x = ...}}`): the variable is a
    /// mutable `Value`.
    fn bind_mutable(&mut self, scope: &mut Scope, loc: &Loc, pipe: &Pipeline) -> TokenStream {
        let t = t();
        let value = match self.pipe_chain(scope, pipe) {
            Some(Val::Typed { expr, .. }) => quote!(#t::GoValue::to_value(#expr)),
            Some(Val::Dyn(e)) => quote!(#t::rt::Clone::clone(#e)),
            None => {
                let v = self.eval(scope, loc, pipe);
                quote!(match #v { #t::rt::Some(v) => v, #t::rt::None => #t::rt::Value::Nil })
            }
        };
        let tmp = self.fresh("m");
        let mut stmts = vec![quote!(let #tmp: #t::rt::Value = #value;)];
        for d in &pipe.decl {
            if pipe.is_assign {
                match scope.mutables.iter().rev().find(|(n, _)| *n == d.name) {
                    Some((_, id)) => {
                        let id = id.clone();
                        stmts.push(quote!(#id = #t::rt::Clone::clone(&#tmp);));
                    }
                    // Declared by `if`/`with`/`range`: reported there.
                    None if scope.var(&d.name).is_some() => {}
                    None => self.err(pipe.span.start, format!("undefined variable: {}", d.name)),
                }
            } else {
                let id = self.fresh("mv");
                stmts.push(quote!(let mut #id: #t::rt::Value = #t::rt::Clone::clone(&#tmp);));
                scope.vars.push((d.name.clone(), Val::Dyn(quote!(&#id))));
                scope.mutables.push((d.name.clone(), id));
            }
        }
        quote!(#(#stmts)*)
    }

    /// Code for block `id`: HTML appended to `out` (when `tree` is false), or
    /// an expression of type `Rendered`.
    fn block(&mut self, id: usize, scope: &Scope, tree: bool, out: &TokenStream) -> TokenStream {
        self.block_with(id, scope, tree, out, false)
    }

    /// [`Gen::block`]; with `diff`, the block's own slots (not those of
    /// inlined calls) are skipped when the root fields they read are equal
    /// in `self` and `old` (the body of `diff_from`).
    fn block_with(
        &mut self,
        id: usize,
        scope: &Scope,
        tree: bool,
        out: &TokenStream,
        diff: bool,
    ) -> TokenStream {
        let t = t();
        let (stmts, dyns) = self.block_stmts(id, scope, tree, out, diff);
        if tree {
            let n = self.blocks[id].slot_count();
            quote!({
                let mut #dyns: #t::rt::Vec<#t::rt::Dyn> = #t::rt::Vec::with_capacity(#n);
                #(#stmts)*
                #t::rt::Rendered { statics: #t::rt::Clone::clone(&Self::__livetemplate_statics()[#id]), dyns: #dyns }
            })
        } else {
            quote!({ #(#stmts)* })
        }
    }

    /// The dynamics of block `id` (an expression of type `Vec<Dyn>`), for
    /// the items of a comprehension (whose statics are shared).
    fn block_dyns(&mut self, id: usize, scope: &Scope) -> TokenStream {
        let t = t();
        let (stmts, dyns) = self.block_stmts(id, scope, true, &quote!(), false);
        let n = self.blocks[id].slot_count();
        quote!({
            let mut #dyns: #t::rt::Vec<#t::rt::Dyn> = #t::rt::Vec::with_capacity(#n);
            #(#stmts)*
            #dyns
        })
    }

    fn block_stmts(
        &mut self,
        id: usize,
        scope: &Scope,
        tree: bool,
        out: &TokenStream,
        diff: bool,
    ) -> (Vec<TokenStream>, Ident) {
        self.block_stmts_trim(id, scope, tree, out, diff, false)
    }

    fn block_stmts_trim(
        &mut self,
        id: usize,
        scope: &Scope,
        tree: bool,
        out: &TokenStream,
        diff: bool,
        trim: bool,
    ) -> (Vec<TokenStream>, Ident) {
        let blocks = self.blocks;
        let block = &blocks[id];
        let mut scope = scope.clone();
        let mut stmts = Vec::new();
        let dyns = self.fresh("d");
        let mut slot = 0;
        let emit = Emit {
            tree,
            out,
            dyns: &dyns,
            diff,
            trim,
        };
        let mut root_vars = BTreeSet::new();
        self.ops(
            id,
            &block.ops,
            &[],
            &mut scope,
            &emit,
            &mut slot,
            &mut stmts,
            &mut root_vars,
        );
        let part: &str = &block.statics.parts[slot];
        if !tree && !part.is_empty() && !trim {
            stmts.push(quote!(#out.push_str(#part);));
        }
        (stmts, dyns)
    }

    #[allow(clippy::too_many_arguments)]
    fn ops(
        &mut self,
        id: usize,
        ops: &[Op],
        path: &[usize],
        scope: &mut Scope,
        e: &Emit<'_>,
        slot: &mut usize,
        stmts: &mut Vec<TokenStream>,
        root_vars: &mut BTreeSet<String>,
    ) {
        let t = t();
        let statics = &self.blocks[id].statics;
        for (op_i, op) in ops.iter().enumerate() {
            let mut p = path.to_vec();
            p.push(op_i);
            let loc = Loc {
                block: id,
                path: p.clone(),
                arm: 0,
                span: None,
            };
            match op {
                Op::Bind(pipe) => {
                    self.check_pipe(pipe);
                    let mutable = pipe.decl.iter().any(|d| self.assigned.contains(&d.name));
                    if pipe.is_assign || mutable {
                        stmts.push(self.bind_mutable(scope, &loc, pipe));
                    } else {
                        let (s, v) = self.bind(scope, &loc, pipe);
                        stmts.push(s);
                        self.declare(scope, pipe, &v);
                    }
                    for d in &pipe.decl {
                        root_vars.insert(d.name.clone());
                    }
                }
                Op::Slot(s) => {
                    let part: &str = &statics.parts[*slot];
                    let trimmed = e.trim && *slot == 0;
                    if !e.tree && !part.is_empty() && !trimmed {
                        let out = e.out;
                        stmts.push(quote!(#out.push_str(#part);));
                    }
                    let index = *slot;
                    *slot += 1;
                    if e.tree {
                        let dyns = e.dyns;
                        // Assignments make evaluation order matter: no skipping.
                        let reads = if e.diff && path.is_empty() && self.assigned.is_empty() {
                            slot_reads(s, root_vars)
                        } else {
                            None
                        };
                        match reads {
                            Some(fs) => {
                                let conds: Vec<Ident> =
                                    fs.iter().map(|f| self.same_var(f)).collect();
                                let track = self.track_for(s, index, root_vars);
                                let d = self.slot_dyn(scope, &loc, s, track.as_ref());
                                stmts.push(quote!(
                                    if true #(&& #conds)* {
                                        __lt_skip.push(#index);
                                        #dyns.push(#t::rt::Dyn::Str(#t::rt::String::new()));
                                    } else {
                                        #dyns.push(#d);
                                    }
                                ));
                            }
                            None => {
                                let d = self.slot_dyn(scope, &loc, s, None);
                                stmts.push(quote!(#dyns.push(#d);))
                            }
                        }
                    } else {
                        stmts.push(self.slot_html(scope, &loc, s, e.out));
                    }
                }
                Op::Call { node, ops } => {
                    let (pre, v) = match &node.pipe {
                        Some(pipe) => {
                            self.check_pipe(pipe);
                            self.bind(scope, &loc, pipe)
                        }
                        None => {
                            let id = self.fresh("v");
                            (
                                quote!(let #id = #t::rt::Value::Nil;),
                                Val::Dyn(quote!(&#id)),
                            )
                        }
                    };
                    let mut inner = Scope {
                        dot: v.clone(),
                        root: v,
                        vars: Vec::new(),
                        mutables: Vec::new(),
                    };
                    let mut inner_stmts = Vec::new();
                    // Variables of the callee never leak; mark the call as reading everything.
                    let mut callee_vars = BTreeSet::new();
                    self.ops(
                        id,
                        ops,
                        &p,
                        &mut inner,
                        e,
                        slot,
                        &mut inner_stmts,
                        &mut callee_vars,
                    );
                    stmts.push(quote!({ #pre #(#inner_stmts)* }));
                }
            }
        }
    }

    /// The condition of an `if`/`with`: statements, then the head of an `if` (`if COND` or `if let Some(d) = X`), and the new dot.
    fn branch_head(
        &mut self,
        scope: &mut Scope,
        loc: &Loc,
        b: &BranchNode,
        is_with: bool,
    ) -> (TokenStream, TokenStream, Option<Val>) {
        let t = t();
        self.check_pipe(&b.pipe);
        if !is_with && let Some(cond) = self.truth(scope, loc, &b.pipe) {
            return (quote!(), quote!(if #cond), None);
        }
        let (pre, v) = self.bind(scope, loc, &b.pipe);
        self.declare(scope, &b.pipe, &v);
        let (head, dot) = match (&v, is_with) {
            (Val::Typed { expr, .. }, false) => (quote!(if #t::GoValue::is_true(#expr)), None),
            (Val::Dyn(e), false) => (quote!(if #t::GoValue::is_true(#e)), None),
            (Val::Typed { expr, .. }, true) => {
                let d = self.fresh("w");
                (
                    quote!(if let #t::rt::Some(#d) = (if #t::GoValue::is_true(#expr) { #t::GoValue::go_deref(#expr) } else { #t::rt::None })),
                    Some(Val::Typed {
                        expr: quote!(#d),
                        is_root: false,
                    }),
                )
            }
            (Val::Dyn(e), true) => {
                let d = self.fresh("w");
                (
                    quote!(if let #t::rt::Some(#d) = (if #t::GoValue::is_true(#e) { #t::rt::Some(#e) } else { #t::rt::None })),
                    Some(Val::Dyn(quote!(#d))),
                )
            }
        };
        (pre, head, dot)
    }

    fn range_head(
        &mut self,
        scope: &mut Scope,
        loc: &Loc,
        r: &BranchNode,
    ) -> (TokenStream, TokenStream, Scope) {
        let (pre, head, inner, _, _) = self.range_head_kv(scope, loc, r);
        (pre, head, inner)
    }

    /// [`Gen::range_head`], also naming the loop's key and element
    /// variables when the range is over a typed value.
    fn range_head_kv(
        &mut self,
        scope: &mut Scope,
        loc: &Loc,
        r: &BranchNode,
    ) -> (
        TokenStream,
        TokenStream,
        Scope,
        Option<(Ident, Ident)>,
        Ident,
    ) {
        let t = t();
        self.check_pipe(&r.pipe);
        if r.pipe.is_assign {
            self.err(
                r.pipe.span.start,
                "assigning to a variable (`$x = ...`) is not supported by typed templates".into(),
            );
        }
        let k = self.fresh("k");
        let e = self.fresh("e");
        let v = match self.pipe_chain(scope, &r.pipe) {
            Some(v) => v,
            None => {
                let f = self.eval(scope, loc, &r.pipe);
                Val::Dyn(
                    quote!(&match #f { #t::rt::Some(v) => v, #t::rt::None => #t::rt::Value::Nil }),
                )
            }
        };
        let typed = matches!(v, Val::Typed { .. });
        let iter = self.fresh("iter");
        let (pre, head, kv, ev) = match v {
            Val::Typed { expr, .. } => (
                quote!(let #iter = #t::GoRange::go_range(#expr);),
                quote!(for (#k, #e) in #iter),
                Val::Typed {
                    expr: quote!(&#k),
                    is_root: false,
                },
                Val::Typed {
                    expr: quote!(#e),
                    is_root: false,
                },
            ),
            Val::Dyn(x) => (
                quote!(let #iter = #t::rt::IntoIterator::into_iter(#t::range_value(#x)?);),
                quote!(for (#k, #e) in #iter),
                Val::Dyn(quote!(&#k)),
                Val::Dyn(quote!(&#e)),
            ),
        };
        for d in &r.pipe.decl {
            if self.assigned.contains(&d.name) {
                self.err(
                    r.pipe.span.start,
                    format!(
                        "variable {} is assigned (`=`) somewhere: declare it in an action (`{{{{{} := ...}}}}`), not in `range`, for typed templates",
                        d.name, d.name
                    ),
                );
            }
        }
        let mut inner = scope.clone();
        inner.dot = ev.clone();
        match r.pipe.decl.as_slice() {
            [] => {}
            [x] => inner.vars.push((x.name.clone(), ev)),
            [i, x, ..] => {
                inner.vars.push((i.name.clone(), kv));
                inner.vars.push((x.name.clone(), ev));
            }
        }
        (pre, head, inner, typed.then_some((k, e)), iter)
    }

    /// A block as a dynamic value: its text when it has no slots, else a nested node.
    fn nested(&mut self, id: usize, scope: &Scope) -> TokenStream {
        let t = t();
        let block = &self.blocks[id];
        if block.slot_count() == 0 {
            let part: &str = &block.statics.parts[0];
            // Its variable bindings still run (assignments are visible later).
            let (stmts, _) = self.block_stmts(id, scope, true, &quote!(), false);
            quote!({ #(#stmts)* #t::rt::Dyn::Str(#t::string(#part)) })
        } else {
            let r = self.block(id, scope, true, &quote!());
            quote!(#t::rt::Dyn::Node(#r))
        }
    }

    /// An `if`/`with` chain from arm `i` on: HTML statements, or (`tree`) a `Dyn` expression.
    #[allow(clippy::too_many_arguments)]
    fn branch_chain(
        &mut self,
        scope: &Scope,
        loc: &Loc,
        arms: &[Arm],
        i: usize,
        otherwise: Option<usize>,
        tree: bool,
        out: &TokenStream,
    ) -> TokenStream {
        let t = t();
        let Some(arm) = arms.get(i) else {
            return match (otherwise, tree) {
                (Some(e), true) => self.nested(e, scope),
                (Some(e), false) => self.block(e, scope, false, out),
                (None, true) => quote!(#t::rt::Dyn::Str(#t::rt::String::new())),
                (None, false) => quote!({}),
            };
        };
        let (b, is_with) = match &arm.node {
            Node::If(b) => (b, false),
            Node::With(b) => (b, true),
            _ => return quote!({}),
        };
        let mut sc = scope.clone();
        let (pre, head, dot) = self.branch_head(&mut sc, &loc.arm(i), b, is_with);
        let mut then_sc = sc.clone();
        if let Some(d) = dot {
            then_sc.dot = d;
        }
        let th = if tree {
            self.nested(arm.block, &then_sc)
        } else {
            self.block(arm.block, &then_sc, false, out)
        };
        let el = self.branch_chain(&sc, loc, arms, i + 1, otherwise, tree, out);
        quote!({ #pre #head { #th } else { #el } })
    }

    fn slot_html(&mut self, scope: &Scope, loc: &Loc, s: &Slot, out: &TokenStream) -> TokenStream {
        let blocks = self.blocks;
        match s {
            Slot::Expr(node) => self.write_action(scope, loc, node, out),
            Slot::Branch { arms, otherwise } => {
                self.branch_chain(scope, loc, arms, 0, *otherwise, false, out)
            }
            Slot::Range {
                node,
                body,
                otherwise,
                opaque_items,
                ..
            } => {
                if *opaque_items {
                    let t = t();
                    if walkable(&node.list) {
                        return self.walked_range(scope, loc, node, *otherwise, Some(out));
                    }
                    let d = self.interpreted_slot(scope, loc, node);
                    return quote!(#t::rt::Dyn::write_html(&#d, #out););
                }
                let mut sc = scope.clone();
                let (pre, head, inner) = self.range_head(&mut sc, loc, node);
                let parts = &blocks[*body].statics.parts;
                let (first, last) = (&*parts[0], &*parts[parts.len() - 1]);
                let ran = self.fresh("ran");
                let el = match otherwise {
                    Some(e) => {
                        let el = self.block(*e, &sc, false, out);
                        quote!(if !#ran #el)
                    }
                    None => quote!(),
                };
                if parts.len() > 1 && !first.is_empty() && !last.is_empty() {
                    // The body's last and first statics meet between two
                    // iterations: written as one constant.
                    let joined = format!("{last}{first}");
                    let (stmts, _) = self.block_stmts_trim(*body, &inner, false, out, false, true);
                    return quote!({
                        #pre
                        let mut #ran = false;
                        #head {
                            if #ran { #out.push_str(#joined); } else { #ran = true; #out.push_str(#first); }
                            #(#stmts)*
                        }
                        if #ran { #out.push_str(#last); }
                        #el
                    });
                }
                let bd = self.block(*body, &inner, false, out);
                if otherwise.is_none() {
                    return quote!({ #pre #head #bd });
                }
                quote!({ #pre let mut #ran = false; #head { #ran = true; #bd } #el })
            }
            Slot::Call {
                node,
                block: callee,
            } => {
                let Some((pre, inner, callee)) = self.call_scope(scope, loc, node, *callee) else {
                    return quote!();
                };
                let body = self.block(callee, &inner, false, out);
                self.calls.pop();
                quote!({ #pre #body })
            }
        }
    }

    /// A `range` whose body uses `break`/`continue` (slot at `loc`), as a
    /// Rust loop walking the body's nodes: its HTML appended to `out`, or
    /// (`out` is `None`) a `Dyn` expression: a comprehension with one item
    /// per iteration, the text the iteration wrote up to its end, `break`
    /// or `continue` (as the interpreter builds it), or the `else` block.
    fn walked_range(
        &mut self,
        scope: &Scope,
        loc: &Loc,
        node: &BranchNode,
        otherwise: Option<usize>,
        out: Option<&TokenStream>,
    ) -> TokenStream {
        let t = t();
        let Slot::Range { body, .. } = self.find_slot(loc) else {
            return quote!(#t::rt::Dyn::Str(#t::rt::String::new()));
        };
        let mut sc = scope.clone();
        let (pre, head, mut inner) = self.range_head(&mut sc, loc, node);
        let o = self.fresh("o");
        let f = self.label("f");
        let item_flow = Flow {
            brk: quote!(break #f 1u8;),
            cont: quote!(break #f 2u8;),
        };
        let stmts = self.walk_list(&mut inner, loc, &node.list, &o, &item_flow);
        let flow = quote!(let __lt_flow: u8 = #f: { #(#stmts)* 0u8 };);
        match out {
            Some(out) => {
                let ran = self.fresh("ran");
                let el = match otherwise {
                    Some(e) => {
                        let el = self.block(e, &sc, false, out);
                        quote!(if !#ran #el)
                    }
                    None => quote!(),
                };
                quote!({
                    #pre
                    let mut #ran = false;
                    #head {
                        #ran = true;
                        let #o: &mut #t::rt::String = &mut *#out;
                        #flow
                        if __lt_flow == 1 { break; }
                    }
                    #el
                })
            }
            None => {
                let items = self.fresh("items");
                let buf = self.fresh("buf");
                let comp = quote!(#t::rt::Dyn::Comp(#t::rt::Comprehension::new(
                    #t::rt::Clone::clone(&Self::__livetemplate_statics()[#body]),
                    #items,
                )));
                let result = match otherwise {
                    Some(e) => {
                        let el = self.nested(e, &sc);
                        quote!(if #items.is_empty() { #el } else { #comp })
                    }
                    None => comp,
                };
                quote!({
                    #pre
                    let mut #items: #t::rt::Vec<#t::rt::Item> = #t::rt::Vec::new();
                    #head {
                        let mut #buf = #t::rt::String::new();
                        let #o: &mut #t::rt::String = &mut #buf;
                        #flow
                        #items.push(#t::rt::Item::new(#t::rt::None, #t::rt::vec![#t::rt::Dyn::Str(#buf)]));
                        if __lt_flow == 1 { break; }
                    }
                    #result
                })
            }
        }
    }

    /// The slot at `loc`.
    fn find_slot(&self, loc: &Loc) -> &'a Slot {
        static EMPTY: Slot = Slot::Branch {
            arms: Vec::new(),
            otherwise: None,
        };
        let blocks = self.blocks;
        let mut ops = &blocks[loc.block].ops;
        let Some((last, through)) = loc.path.split_last() else {
            return &EMPTY;
        };
        for &i in through {
            match ops.get(i) {
                Some(Op::Call { ops: inner, .. }) => ops = inner,
                _ => return &EMPTY,
            }
        }
        match ops.get(*last) {
            Some(Op::Slot(s)) => s,
            _ => &EMPTY,
        }
    }

    /// Statements writing the nodes of `list` (inside the body of the
    /// `range` slot at `rloc`) to `out` (a `&mut String` variable).
    fn walk_list(
        &mut self,
        scope: &mut Scope,
        rloc: &Loc,
        list: &List,
        out: &Ident,
        flow: &Flow,
    ) -> Vec<TokenStream> {
        let t = t();
        let mut stmts = Vec::new();
        for n in &list.nodes {
            match n {
                Node::Text(x) => {
                    let text = &x.text;
                    stmts.push(quote!(#t::rt::String::push_str(#out, #text);));
                }
                Node::Comment(_) | Node::Template(_) => {}
                Node::Break(_) => stmts.push(flow.brk.clone()),
                Node::Continue(_) => stmts.push(flow.cont.clone()),
                Node::Action(a) => {
                    let loc = Loc {
                        span: Some(a.pipe.span.start),
                        ..rloc.clone()
                    };
                    if a.pipe.decl.is_empty() {
                        stmts.push(self.write_action(scope, &loc, n, &quote!(#out)));
                        continue;
                    }
                    self.check_pipe(&a.pipe);
                    let mutable = a.pipe.decl.iter().any(|d| self.assigned.contains(&d.name));
                    if a.pipe.is_assign || mutable {
                        stmts.push(self.bind_mutable(scope, &loc, &a.pipe));
                    } else {
                        let (s, v) = self.bind(scope, &loc, &a.pipe);
                        stmts.push(s);
                        self.declare(scope, &a.pipe, &v);
                    }
                }
                Node::If(b) | Node::With(b) => {
                    let is_with = matches!(n, Node::With(_));
                    let loc = Loc {
                        span: Some(b.pipe.span.start),
                        ..rloc.clone()
                    };
                    let mut sc = scope.clone();
                    let (pre, head, dot) = self.branch_head(&mut sc, &loc, b, is_with);
                    let mut then_sc = sc.clone();
                    if let Some(d) = dot {
                        then_sc.dot = d;
                    }
                    let th = self.walk_list(&mut then_sc, rloc, &b.list, out, flow);
                    let el = match &b.else_list {
                        Some(l) => self.walk_list(&mut sc, rloc, l, out, flow),
                        None => Vec::new(),
                    };
                    stmts.push(quote!({ #pre #head { #(#th)* } else { #(#el)* } }));
                }
                Node::Range(r) => {
                    let loc = Loc {
                        span: Some(r.pipe.span.start),
                        ..rloc.clone()
                    };
                    let mut sc = scope.clone();
                    let (pre, head, mut inner) = self.range_head(&mut sc, &loc, r);
                    let l = self.label("r");
                    let inner_flow = Flow {
                        brk: quote!(break #l;),
                        cont: quote!(continue #l;),
                    };
                    let body = self.walk_list(&mut inner, rloc, &r.list, out, &inner_flow);
                    let ran = self.fresh("ran");
                    let e = self.label("e");
                    let else_flow = Flow {
                        brk: quote!(break #e;),
                        cont: flow.cont.clone(),
                    };
                    let el = match &r.else_list {
                        Some(x) => self.walk_list(&mut sc, rloc, x, out, &else_flow),
                        None => Vec::new(),
                    };
                    stmts.push(quote!({
                        #pre
                        let mut #ran = false;
                        #l: #head { #ran = true; #(#body)* }
                        if !#ran { #e: { #(#el)* } }
                    }));
                }
            }
        }
        stmts
    }

    /// A `Dyn` expression: the slot at `loc` evaluated by the interpreter
    /// (a `range` whose body uses `break`/`continue`, rendered by Go's
    /// rules item by item), with the dot, `$` and every variable in scope
    /// converted to `Value`s.
    fn interpreted_slot(&mut self, scope: &Scope, loc: &Loc, node: &BranchNode) -> TokenStream {
        self.check_pipe(&node.pipe);
        let whole = Usage {
            bare: true,
            fields: BTreeSet::new(),
        };
        let off = node.span.start;
        let dot = self.value_of(&scope.dot.clone(), &whole, off);
        let root = self.value_of(&scope.root.clone(), &whole, off);
        let mut vars = Vec::new();
        for (name, v) in scope.vars.clone() {
            let val = self.value_of(&v, &whole, off);
            vars.push(quote!((#name, #val)));
        }
        let (block, path) = (loc.block, &loc.path);
        quote!(Self::__livetemplate_fallback()?.eval_slot(#block, &[#(#path),*], &#dot, &#root, &[#(#vars),*])?)
    }

    fn call_scope(
        &mut self,
        scope: &Scope,
        loc: &Loc,
        node: &livetemplate_core::parse::ast::TemplateNode,
        callee: Option<usize>,
    ) -> Option<(TokenStream, Scope, usize)> {
        let t = t();
        let Some(callee) = callee else {
            self.err(node.span.start, format!("no such template {:?}", node.name));
            return None;
        };
        if self.calls.contains(&callee) {
            self.err(
                node.span.start,
                format!(
                    "recursive call of template {:?} is not supported by typed templates",
                    node.name
                ),
            );
            return None;
        }
        self.calls.push(callee);
        let (pre, v) = match &node.pipe {
            Some(p) => {
                self.check_pipe(p);
                self.bind(scope, loc, p)
            }
            None => {
                let id = self.fresh("v");
                (
                    quote!(let #id = #t::rt::Value::Nil;),
                    Val::Dyn(quote!(&#id)),
                )
            }
        };
        Some((
            pre,
            Scope {
                dot: v.clone(),
                root: v,
                vars: Vec::new(),
                mutables: Vec::new(),
            },
            callee,
        ))
    }

    /// An expression of type `Dyn` for one slot.
    fn slot_dyn(
        &mut self,
        scope: &Scope,
        loc: &Loc,
        s: &Slot,
        track: Option<&Track>,
    ) -> TokenStream {
        let t = t();
        match s {
            Slot::Expr(node) => {
                // Written into the function's scratch buffer, then copied
                // into a string of the exact size (one allocation).
                let w = self.write_action(scope, loc, node, &quote!(&mut __lt_scratch));
                quote!({ __lt_scratch.clear(); #w #t::rt::Dyn::Str(#t::string(&__lt_scratch)) })
            }
            Slot::Branch { arms, otherwise } => {
                self.branch_chain(scope, loc, arms, 0, *otherwise, true, &quote!())
            }
            Slot::Range {
                node,
                body,
                otherwise,
                key_slot,
                opaque_items,
            } => {
                if *opaque_items {
                    if walkable(&node.list) {
                        return self.walked_range(scope, loc, node, *otherwise, None);
                    }
                    return self.interpreted_slot(scope, loc, node);
                }
                let mut sc = scope.clone();
                let (pre, head, inner, kv, iter) = self.range_head_kv(&mut sc, loc, node);
                let bd = self.block_dyns(*body, &inner);
                let items = self.fresh("items");
                let r = self.fresh("r");
                let key = match key_slot {
                    Some(k) => {
                        quote!(match #r.get(#k) { #t::rt::Some(#t::rt::Dyn::Str(s)) => #t::rt::Some(#t::rt::Clone::clone(s)), _ => #t::rt::None })
                    }
                    None => quote!(#t::rt::None),
                };
                let comp = quote!(#t::rt::Dyn::Comp(#t::rt::Comprehension::new(
                    #t::rt::Clone::clone(&Self::__livetemplate_statics()[#body]),
                    #items,
                )));
                let result = match otherwise {
                    Some(e) => {
                        let el = self.nested(*e, &sc);
                        quote!(if #items.is_empty() { #el } else { #comp })
                    }
                    None => comp,
                };
                let build = quote!({
                    let #r: #t::rt::Vec<#t::rt::Dyn> = #bd;
                    let key = #key;
                    #items.push(#t::rt::Item::new(key, #r));
                });
                // Per-item change tracking (root slots of `diff_from`): an
                // item equal to the old one at its position (and whose body
                // reads nothing else that changed) keeps its old dynamics.
                let each = match (track, kv) {
                    (Some(tr), Some((k, e))) => {
                        let conds = &tr.conds;
                        let old_expr = &tr.old_expr;
                        let index = tr.index;
                        let it = self.fresh("old_it");
                        let prev = self.fresh("prev");
                        let same = quote!({
                            use #t::{SameAny as _, SameEq as _};
                            true #(&& #conds)* && match &#prev {
                                #t::rt::Some((ok, oe)) => (&#t::Same(&#k, ok)).same() && (&#t::Same(#e, *oe)).same(),
                                #t::rt::None => false,
                            }
                        });
                        return quote!({
                            #pre
                            let mut #it = (move || -> #t::rt::Result<_, #t::Error> {
                                #t::rt::Ok(#t::GoRange::go_range(#old_expr))
                            })().ok();
                            let mut #items: #t::rt::Vec<#t::rt::Item> = #t::rt::Vec::with_capacity(#t::rt::Iterator::size_hint(&#iter).0);
                            #head {
                                let #prev = match &mut #it { #t::rt::Some(i) => #t::rt::Iterator::next(i), #t::rt::None => #t::rt::None };
                                let reused = if #same { __lt_reuse.take(__lt_tree, #index, #items.len()) } else { #t::rt::None };
                                match reused {
                                    #t::rt::Some(item) => #items.push(item),
                                    #t::rt::None => #build,
                                }
                            }
                            #result
                        });
                    }
                    _ => build,
                };
                quote!({
                    #pre
                    let mut #items: #t::rt::Vec<#t::rt::Item> = #t::rt::Vec::with_capacity(#t::rt::Iterator::size_hint(&#iter).0);
                    #head #each
                    #result
                })
            }
            Slot::Call {
                node,
                block: callee,
            } => {
                let Some((pre, inner, callee)) = self.call_scope(scope, loc, node, *callee) else {
                    return quote!(#t::rt::Dyn::Str(#t::rt::String::new()));
                };
                let body = self.block(callee, &inner, true, &quote!());
                self.calls.pop();
                quote!({ #pre #t::rt::Dyn::Node(#body) })
            }
        }
    }
}

/// What `{{break}}` and `{{continue}}` do in a walked `range` body: in
/// the body itself, leave the item's labelled block with 1 (break) or 2
/// (continue); in a range nested in it, its labelled Rust loop; in the
/// `else` of a nested range, as in Go (whose nested range recovers its
/// break): `break` ends that `else`, `continue` is the outer one's.
#[derive(Clone)]
struct Flow {
    brk: TokenStream,
    cont: TokenStream,
}

/// Whether the generated code can walk a `range` body node by node (no
/// `{{template}}` calls, which the slot tree inlines but the AST does not).
fn walkable(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Template(_) => false,
        Node::If(b) | Node::With(b) | Node::Range(b) => {
            walkable(&b.list) && b.else_list.as_ref().is_none_or(walkable)
        }
        _ => true,
    })
}

/// Names of the variables assigned (`{{$x = ...}}`) anywhere in `blocks`.
fn assigned_vars(blocks: &[Block]) -> BTreeSet<String> {
    fn ops(list: &[Op], acc: &mut BTreeSet<String>) {
        for op in list {
            match op {
                Op::Bind(p) if p.is_assign => acc.extend(p.decl.iter().map(|d| d.name.clone())),
                Op::Call { ops: inner, .. } => ops(inner, acc),
                // A body with `break`/`continue` has no ops: its nodes.
                Op::Slot(Slot::Range {
                    node,
                    opaque_items: true,
                    ..
                }) => nodes(&node.list, acc),
                _ => {}
            }
        }
    }
    fn nodes(list: &List, acc: &mut BTreeSet<String>) {
        for n in &list.nodes {
            match n {
                Node::Action(a) if a.pipe.is_assign => {
                    acc.extend(a.pipe.decl.iter().map(|d| d.name.clone()))
                }
                Node::If(b) | Node::With(b) | Node::Range(b) => {
                    nodes(&b.list, acc);
                    if let Some(l) = &b.else_list {
                        nodes(l, acc);
                    }
                }
                _ => {}
            }
        }
    }
    let mut acc = BTreeSet::new();
    for b in blocks {
        ops(&b.ops, &mut acc);
    }
    acc
}

/// Whether a number literal is a plain decimal integer (`12`, `-3`, `1_000`).
fn decimal_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && !(digits.len() > 1 && digits.starts_with('0'))
}

/// Root fields a slot reads (Go names), or `None` when it must always be re-evaluated.
fn slot_reads(s: &Slot, root_vars: &BTreeSet<String>) -> Option<BTreeSet<String>> {
    let mut acc = BTreeSet::new();
    let ok = match s {
        Slot::Expr(Node::Action(a)) => reads_pipe(&a.pipe, true, root_vars, &mut acc),
        Slot::Expr(_) => false,
        Slot::Branch { arms, .. } => arms
            .iter()
            .all(|a| reads_node(&a.node, true, root_vars, &mut acc)),
        Slot::Range { node, .. } => {
            reads_node(&Node::Range(node.clone()), true, root_vars, &mut acc)
        }
        Slot::Call { node, .. } => node
            .pipe
            .as_ref()
            .is_none_or(|p| reads_pipe(p, true, root_vars, &mut acc)),
    };
    ok.then_some(acc)
}

fn reads_arg(a: &Arg, dot_root: bool, rv: &BTreeSet<String>, acc: &mut BTreeSet<String>) -> bool {
    match a {
        Arg::Dot(_) => !dot_root,
        Arg::Field { idents, .. } => {
            if dot_root && let Some(f) = idents.first() {
                acc.insert(f.clone());
            }
            true
        }
        Arg::Variable { name, fields, .. } => {
            if name == "$" {
                match fields.first() {
                    Some(f) => {
                        acc.insert(f.clone());
                        true
                    }
                    None => false,
                }
            } else {
                !rv.contains(name)
            }
        }
        Arg::Chain { node, .. } => reads_arg(node, dot_root, rv, acc),
        Arg::Pipe(p) => reads_pipe(p, dot_root, rv, acc),
        _ => true,
    }
}

fn reads_pipe(
    p: &Pipeline,
    dot_root: bool,
    rv: &BTreeSet<String>,
    acc: &mut BTreeSet<String>,
) -> bool {
    p.cmds
        .iter()
        .all(|c| c.args.iter().all(|a| reads_arg(a, dot_root, rv, acc)))
}

fn reads_list(
    l: &livetemplate_core::parse::ast::List,
    dot_root: bool,
    rv: &BTreeSet<String>,
    acc: &mut BTreeSet<String>,
) -> bool {
    l.nodes.iter().all(|n| reads_node(n, dot_root, rv, acc))
}

fn reads_node(n: &Node, dot_root: bool, rv: &BTreeSet<String>, acc: &mut BTreeSet<String>) -> bool {
    match n {
        Node::Action(a) => reads_pipe(&a.pipe, dot_root, rv, acc),
        Node::If(b) => {
            reads_pipe(&b.pipe, dot_root, rv, acc)
                && reads_list(&b.list, dot_root, rv, acc)
                && b.else_list
                    .as_ref()
                    .is_none_or(|l| reads_list(l, dot_root, rv, acc))
        }
        Node::With(b) | Node::Range(b) => {
            reads_pipe(&b.pipe, dot_root, rv, acc)
                && reads_list(&b.list, false, rv, acc)
                && b.else_list
                    .as_ref()
                    .is_none_or(|l| reads_list(l, dot_root, rv, acc))
        }
        Node::Template(t) => t
            .pipe
            .as_ref()
            .is_none_or(|p| reads_pipe(p, dot_root, rv, acc)),
        _ => true,
    }
}

/// An impl returning an error, emitted with compile errors so that no follow-on errors appear.
fn stub(input: &DeriveInput) -> TokenStream {
    let t = t();
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    quote! {
        impl #ig #t::LiveTemplate for #name #tg #wc {
            const NAME: &'static str = "";
            const SIZE_HINT: usize = 0;
            const SOURCE: &'static str = "";
            const TEXT: bool = false;
            fn render_into(&self, _: &mut #t::rt::String) -> #t::rt::Result<(), #t::Error> { #t::rt::Err(#t::stub_error()) }
            fn render_tree(&self) -> #t::rt::Result<#t::rt::Rendered, #t::Error> { #t::rt::Err(#t::stub_error()) }
            fn diff_from(&self, _: &Self, _: &mut #t::rt::Rendered) -> #t::rt::Result<#t::rt::String, #t::Error> { #t::rt::Err(#t::stub_error()) }
        }
        impl #ig #t::GoValue for #name #tg #wc {
            type Deref = Self;
            fn go_deref(&self) -> #t::rt::Option<&Self> { #t::rt::Some(self) }
            fn to_value(&self) -> #t::rt::Value { #t::rt::Value::Nil }
        }
    }
}

/// The `#[derive(LiveTemplate)]` expansion.
pub fn derive(input: &DeriveInput) -> TokenStream {
    match derive_inner(input) {
        Ok(ts) => ts,
        Err(errs) => {
            let stub = stub(input);
            let errs = errs.into_iter().map(syn::Error::into_compile_error);
            quote!(#(#errs)* #stub)
        }
    }
}

fn derive_inner(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let name = &input.ident;
    let struct_name = name.to_string();
    let attrs = attributes::parse(&input.attrs, name.span()).map_err(|e| vec![e])?;
    let fields: Vec<(String, String)> = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(f) => {
                let mut v = Vec::new();
                for field in &f.named {
                    let Some(i) = field.ident.as_ref() else {
                        continue;
                    };
                    let s = i.to_string();
                    let rust = s.strip_prefix("r#").map(str::to_string).unwrap_or(s);
                    let go = crate::govalue::go_name(field).map_err(|e| vec![e])?;
                    v.push((rust, go));
                }
                v
            }
            Fields::Unit => Vec::new(),
            Fields::Unnamed(_) => {
                return Err(vec![syn::Error::new(
                    name.span(),
                    "LiveTemplate needs a struct with named fields",
                )]);
            }
        },
        _ => {
            return Err(vec![syn::Error::new(
                name.span(),
                "LiveTemplate can only be derived for structs",
            )]);
        }
    };
    let span = attrs.span;
    let loaded = load::load(&attrs, &struct_name).map_err(|m| vec![syn::Error::new(span, m)])?;
    let report = |errs: Vec<TemplateError>| -> Vec<syn::Error> {
        errs.iter()
            .map(|e| syn::Error::new(span, e.render(&loaded.display, &loaded.source)))
            .collect()
    };
    let mode = if attrs.text { Mode::Text } else { Mode::Html };
    let mut tpl = Template::new(&loaded.name, mode);
    if let Err(e) = tpl.parse(&loaded.source) {
        return Err(report(vec![TemplateError::from_core(
            &loaded.name,
            &e.message,
        )]));
    }
    let compiled = tpl
        .compile(&loaded.name)
        .map_err(|e| report(vec![TemplateError::from_core(&loaded.name, &e.message)]))?;
    let (blocks, root) = compile(compiled.set(), compiled.entry())
        .map_err(|e| report(vec![TemplateError::from_core(&loaded.name, &e.message)]))?;

    let mut g = Gen {
        blocks: &blocks,
        source: &loaded.source,
        checks_mod: format_ident!("field"),
        names: Vec::new(),
        name_defs: Vec::new(),
        fields: &fields,
        struct_name: struct_name.clone(),
        span,
        errors: Vec::new(),
        counter: 0,
        calls: vec![root],
        same_fields: Vec::new(),
        assigned: assigned_vars(&blocks),
        bail: None,
    };
    let root_scope = Scope {
        dot: Val::Typed {
            expr: quote!(self),
            is_root: true,
        },
        root: Val::Typed {
            expr: quote!(self),
            is_root: true,
        },
        vars: Vec::new(),
        mutables: Vec::new(),
    };
    let out = quote!(__lt_out);
    let html = g.block(root, &root_scope, false, &out);
    let tree = g.block(root, &root_scope, true, &quote!());
    // diff_from: the root block, its slots guarded by the fields they read.
    let t = t();
    let diff_tree = g.block_with(root, &root_scope, true, &quote!(), true);
    if !g.errors.is_empty() {
        let mut errs = std::mem::take(&mut g.errors);
        errs.sort_by_key(|e| (e.line, e.col));
        errs.dedup_by(|a, b| a.line == b.line && a.col == b.col && a.message == b.message);
        return Err(report(errs));
    }
    let (same_fields, same_vars): (Vec<Ident>, Vec<Ident>) = g.same_fields.drain(..).unzip();

    let name_lit = &loaded.name;
    let text = attrs.text;
    let source = match &loaded.file {
        Some(f) => quote!(::core::include_str!(#f)),
        None => {
            let s = &loaded.source;
            quote!(#s)
        }
    };
    // `::core` may be shadowed by a user module; `include_str!` is reached through the runtime.
    let source = match &loaded.file {
        Some(f) => quote!(#t::rt::include_str!(#f)),
        None => source,
    };
    let statics: Vec<TokenStream> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let parts: Vec<&str> = b.statics.parts.iter().map(|p| &**p).collect();
            quote!(#t::statics(&[#(#parts),*], #i))
        })
        .collect();
    let size_hint: usize = blocks
        .iter()
        .map(|b| b.statics.parts.iter().map(|p| p.len()).sum::<usize>())
        .sum::<usize>()
        + 64;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let go_value = crate::govalue::impl_go_value(input).map_err(|e| vec![e])?;
    // The LiveTemplate impl sits in an anonymous const with the types
    // named like the nested fields it reads (module `field`, so that
    // rustc prints one that another type's name makes ambiguous as
    // `field::Name`).
    let checks_mod = &g.checks_mod;
    let name_defs = &g.name_defs;
    let checks = if name_defs.is_empty() {
        quote!()
    } else {
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types, non_snake_case, dead_code, unreachable_pub, missing_docs)]
            mod #checks_mod {
                #(#name_defs)*
            }
        }
    };
    let expanded = quote! {
        const _: () = {
        #checks
        impl #ig #name #tg #wc {
            #[doc(hidden)]
            fn __livetemplate_statics() -> &'static [#t::rt::Arc<#t::rt::Statics>] {
                static STATICS: #t::rt::LazyLock<#t::rt::Vec<#t::rt::Arc<#t::rt::Statics>>> =
                    #t::rt::LazyLock::new(|| #t::rt::vec![#(#statics),*]);
                &STATICS
            }
            #[doc(hidden)]
            #[allow(dead_code)]
            fn __livetemplate_fallback() -> #t::rt::Result<&'static #t::Fallback, #t::Error> {
                static FALLBACK: #t::rt::LazyLock<#t::rt::Result<#t::Fallback, #t::Error>> =
                    #t::rt::LazyLock::new(|| #t::Fallback::new(#name_lit, #source, #text));
                match &*FALLBACK {
                    #t::rt::Ok(f) => #t::rt::Ok(f),
                    #t::rt::Err(e) => #t::rt::Err(#t::rt::Clone::clone(e)),
                }
            }
        }
        #[allow(unused_variables, unused_mut, unused_assignments, unused_braces, unused_labels, unreachable_code, clippy::all)]
        impl #ig #t::LiveTemplate for #name #tg #wc {
            const NAME: &'static str = #name_lit;
            const SIZE_HINT: usize = #size_hint;
            const SOURCE: &'static str = #source;
            const TEXT: bool = #text;
            fn render_into(&self, __lt_out: &mut #t::rt::String) -> #t::rt::Result<(), #t::Error> {
                __lt_out.reserve(#size_hint);
                #html
                #t::rt::Ok(())
            }
            fn render(&self) -> #t::rt::Result<#t::rt::String, #t::Error> {
                static HINT: #t::rt::AtomicUsize = #t::rt::AtomicUsize::new(#size_hint);
                let mut out = #t::rt::String::with_capacity(HINT.load(#t::rt::Ordering::Relaxed));
                self.render_into(&mut out)?;
                HINT.store(out.len() + out.len() / 8, #t::rt::Ordering::Relaxed);
                #t::rt::Ok(out)
            }
            fn render_tree(&self) -> #t::rt::Result<#t::rt::Rendered, #t::Error> {
                let mut __lt_scratch = #t::rt::String::with_capacity(64);
                #t::rt::Ok(#tree)
            }
            fn diff_from(&self, old: &Self, __lt_tree: &mut #t::rt::Rendered) -> #t::rt::Result<#t::rt::String, #t::Error> {
                let mut __lt_scratch = #t::rt::String::with_capacity(64);
                let mut __lt_skip: #t::rt::Vec<usize> = #t::rt::Vec::new();
                let mut __lt_reuse = #t::Reuse::new();
                #(let #same_vars: bool = {
                    use #t::{SameAny as _, SameEq as _};
                    (&#t::Same(&self.#same_fields, &old.#same_fields)).same()
                };)*
                let __lt_new: #t::rt::Rendered = #diff_tree;
                #t::rt::Ok(#t::diff_tracked(__lt_tree, __lt_new, &__lt_skip, __lt_reuse))
            }
        }
        };
        #go_value
    };
    if attrs.print {
        eprintln!("{expanded}");
    }
    Ok(expanded)
}
