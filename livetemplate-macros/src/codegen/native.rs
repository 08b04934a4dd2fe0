//! Pipelines of builtin calls compiled to Rust (no interpreter): `not`,
//! `and`, `or` (short-circuit, returning the chosen operand with its own
//! type), `eq`/`ne`/`lt`/`le`/`gt`/`ge`, `len`, `index` of a field,
//! `printf` with a constant format, `print`, `html`, `urlquery`, `js`.
//!
//! A native expression is Rust code whose value implements `GoValue`
//! (a field reference, a `bool`, an `i64`, a `String`, an
//! `Either`/`Indexed`...). It runs inside a labelled block `'l: { ...
//! Some(value) }`: whenever the value would be one of Go's errors (an index
//! out of range, incomparable operands) or a case without a fast path, it
//! leaves with `break 'l None` and the caller asks the interpreter, which
//! gives Go's exact error text. `None` from these functions means the
//! pipeline has a shape they do not compile at all.

use livetemplate_core::parse::ast::{Arg, Command, Pipeline};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Lifetime;

use super::{Gen, Scope, Val, decimal_int, t};

/// One piece of a `printf` format.
enum Piece {
    Text(String),
    /// Verb (`d`, `s`, `v`, `q`, `f`) and precision (`-1`: none).
    Verb(u8, i32),
}

/// Splits a `printf` format into text and simple verbs; `None` when it has
/// anything else (flags, widths, other verbs, argument indexes).
fn split_format(f: &str) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        let mut prec = -1i32;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            if digits.is_empty() || digits.len() > 2 {
                return None;
            }
            prec = digits.parse().ok()?;
        }
        let verb = chars.next()?;
        match (verb, prec) {
            ('%', -1) => text.push('%'),
            ('d' | 's' | 'v' | 'q', -1) | ('f', _) => {
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(Piece::Verb(verb as u8, prec));
            }
            _ => return None,
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Some(out)
}

impl Gen<'_> {
    /// A fresh loop or block label.
    pub(super) fn label(&mut self, what: &str) -> Lifetime {
        self.counter += 1;
        Lifetime::new(&format!("'__lt_{what}{}", self.counter), Span::call_site())
    }

    /// The pipeline as a native expression of type `Option<T>` (`T:
    /// GoValue`; `None`: ask the interpreter), or `None` when it is not
    /// compiled natively.
    pub(super) fn native_value(&mut self, scope: &Scope, pipe: &Pipeline) -> Option<TokenStream> {
        if !pipe.decl.is_empty() || pipe.is_assign {
            return None;
        }
        let l = self.label("n");
        let v = self.n_pipe(scope, pipe, &l)?;
        let t = t();
        Some(quote!((#l: { #t::rt::Some(#v) })))
    }

    /// Statements writing `{{printf "FORMAT" args...}}` (a constant format
    /// of simple verbs, one per argument) straight into `out` (an
    /// expression of type `&mut String`), escaped there for HTML text or
    /// attributes (`html`) or left as is (text/template), without a
    /// `String` in between; `fallback` (statements) when evaluating the
    /// arguments gives up. `None` when the pipeline is not of that shape.
    pub(super) fn printf_into(
        &mut self,
        scope: &Scope,
        pipe: &Pipeline,
        out: &TokenStream,
        html: bool,
        fallback: TokenStream,
    ) -> Option<TokenStream> {
        if !pipe.decl.is_empty() || pipe.is_assign {
            return None;
        }
        let [cmd] = pipe.cmds.as_slice() else {
            return None;
        };
        let Some((Arg::Identifier { name, .. }, args)) = cmd.args.split_first() else {
            return None;
        };
        let Some((Arg::String { value: format, .. }, rest)) = args.split_first() else {
            return None;
        };
        if name != "printf" {
            return None;
        }
        let pieces = split_format(format)?;
        if pieces
            .iter()
            .filter(|p| matches!(p, Piece::Verb(..)))
            .count()
            != rest.len()
        {
            return None;
        }
        let t = t();
        let l = self.label("n");
        let mut vals = Vec::new();
        for a in rest {
            vals.push(self.n_arg(scope, a, &l)?);
        }
        let ids: Vec<_> = (0..vals.len()).map(|_| self.fresh("a")).collect();
        let mut next = ids.iter();
        let mut stmts = Vec::new();
        for p in pieces {
            match p {
                Piece::Text(x) => stmts.push(quote!(#t::rt::String::push_str(#out, #x);)),
                Piece::Verb(v, prec) => {
                    let a = next.next()?;
                    stmts.push(quote!(#t::native::printf_verb(#out, #v, #prec, &#a);));
                }
            }
        }
        let start = self.fresh("start");
        let tail = if html {
            quote!(#t::native::escape_html_tail(#out, #start);)
        } else {
            quote!()
        };
        Some(
            quote!(match (#l: { #(let #ids = #vals;)* #t::rt::Some((#(#ids,)*)) }) {
                #t::rt::Some((#(#ids,)*)) => {
                    let #start = #t::rt::String::len(#out);
                    #(#stmts)*
                    #tail
                }
                #t::rt::None => { #fallback }
            }),
        )
    }

    /// The pipeline's truth as a native expression of type
    /// `Option<bool>`, or `None` when it is not compiled natively.
    pub(super) fn native_truth(&mut self, scope: &Scope, pipe: &Pipeline) -> Option<TokenStream> {
        if !pipe.decl.is_empty() || pipe.is_assign {
            return None;
        }
        let l = self.label("n");
        let v = self.n_cond_pipe(scope, pipe, &l)?;
        let t = t();
        Some(quote!((#l: { #t::rt::Some(#v) })))
    }

    fn n_cond_pipe(&mut self, scope: &Scope, pipe: &Pipeline, l: &Lifetime) -> Option<TokenStream> {
        if !pipe.decl.is_empty() || pipe.is_assign {
            return None;
        }
        if let [cmd] = pipe.cmds.as_slice()
            && let Some((Arg::Identifier { name, .. }, args)) = cmd.args.split_first()
        {
            match name.as_str() {
                "and" | "or" if !args.is_empty() => {
                    let mut conds = Vec::new();
                    for a in args {
                        conds.push(self.n_cond_arg(scope, a, l)?);
                    }
                    return Some(if name == "and" {
                        quote!((#(#conds)&&*))
                    } else {
                        quote!((#(#conds)||*))
                    });
                }
                "not" => {
                    let [a] = args else { return None };
                    let c = self.n_cond_arg(scope, a, l)?;
                    return Some(quote!(!(#c)));
                }
                "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
                    let mut vals = Vec::new();
                    for a in args {
                        vals.push(self.n_arg(scope, a, l)?);
                    }
                    return self.n_compare(name, vals, l);
                }
                _ => {}
            }
        }
        let v = self.n_pipe(scope, pipe, l)?;
        let t = t();
        Some(quote!(#t::GoValue::is_true(&#v)))
    }

    fn n_cond_arg(&mut self, scope: &Scope, a: &Arg, l: &Lifetime) -> Option<TokenStream> {
        match a {
            Arg::Pipe(p) => self.n_cond_pipe(scope, p, l),
            Arg::Bool(_, b) => Some(quote!(#b)),
            other => {
                let v = self.n_arg(scope, other, l)?;
                let t = t();
                Some(quote!(#t::GoValue::is_true(&#v)))
            }
        }
    }

    fn n_pipe(&mut self, scope: &Scope, pipe: &Pipeline, l: &Lifetime) -> Option<TokenStream> {
        if !pipe.decl.is_empty() || pipe.is_assign {
            return None;
        }
        let mut prev: Option<TokenStream> = None;
        for cmd in &pipe.cmds {
            prev = Some(self.n_cmd(scope, cmd, prev, l)?);
        }
        prev
    }

    fn n_cmd(
        &mut self,
        scope: &Scope,
        cmd: &Command,
        last: Option<TokenStream>,
        l: &Lifetime,
    ) -> Option<TokenStream> {
        match cmd.args.split_first() {
            Some((Arg::Identifier { name, .. }, args)) => self.n_call(scope, name, args, last, l),
            Some((a, [])) if last.is_none() => self.n_arg(scope, a, l),
            _ => None,
        }
    }

    /// An operand as a native expression.
    fn n_arg(&mut self, scope: &Scope, a: &Arg, l: &Lifetime) -> Option<TokenStream> {
        match a {
            Arg::Number(n) if n.complex.is_none() => {
                if let Some(i) = n.int.filter(|_| decimal_int(&n.text)) {
                    Some(quote!(#i))
                } else if let Some(f) = n.float.filter(|_| {
                    let t = n.text.to_ascii_lowercase();
                    !t.contains('x') && !t.contains('\'') && t.contains(['.', 'e'])
                }) {
                    if !f.is_finite() {
                        return None;
                    }
                    let lit = proc_macro2::Literal::f64_suffixed(f.abs());
                    Some(if f.is_sign_negative() {
                        quote!((-#lit))
                    } else {
                        quote!(#lit)
                    })
                } else {
                    None
                }
            }
            Arg::String { value, .. } => Some(quote!(#value)),
            Arg::Bool(_, b) => Some(quote!(#b)),
            Arg::Pipe(p) => self.n_pipe(scope, p, l),
            Arg::Identifier { name, .. } => self.n_call(scope, name, &[], None, l),
            Arg::Dot(_) | Arg::Field { .. } | Arg::Variable { .. } => {
                match self.bailing_chain(scope, a, l)? {
                    Val::Typed { expr, .. } => Some(expr),
                    Val::Dyn(e) => Some(e),
                }
            }
            _ => None,
        }
    }

    /// A field chain whose nil pointers leave the native block `l` (so
    /// that the interpreter reports Go's error).
    fn bailing_chain(&mut self, scope: &Scope, a: &Arg, l: &Lifetime) -> Option<Val> {
        let saved = self.bail.replace(l.clone());
        let v = self.chain(scope, a);
        self.bail = saved;
        v
    }

    /// `a OP b` on native values: integers and strings directly, anything
    /// else through `Value`s (the interpreter for errors and pointers).
    fn n_compare(
        &mut self,
        name: &str,
        vals: Vec<TokenStream>,
        l: &Lifetime,
    ) -> Option<TokenStream> {
        let t = t();
        let ok = match name {
            "eq" => vals.len() >= 2,
            _ => vals.len() == 2,
        };
        if !ok {
            return None;
        }
        let ids: Vec<_> = (0..vals.len()).map(|_| self.fresh("c")).collect();
        let first = &ids[0];
        let rest = &ids[1..];
        let general = quote!(match #t::native::compare(#name, &#t::GoValue::to_value(&#first), &[#(#t::GoValue::to_value(&#rest)),*]) {
            #t::rt::Some(r) => r,
            #t::rt::None => break #l #t::rt::None,
        });
        let body = if ids.len() == 2 {
            let op = match name {
                "eq" => quote!(==),
                "ne" => quote!(!=),
                "lt" => quote!(<),
                "le" => quote!(<=),
                "gt" => quote!(>),
                _ => quote!(>=),
            };
            let second = &ids[1];
            quote!(match (#t::GoValue::go_int(&#first), #t::GoValue::go_int(&#second)) {
                (#t::rt::Some(x), #t::rt::Some(y)) => x #op y,
                _ => match (#t::GoValue::go_str(&#first), #t::GoValue::go_str(&#second)) {
                    (#t::rt::Some(x), #t::rt::Some(y)) => x #op y,
                    _ => #general,
                },
            })
        } else {
            general
        };
        Some(quote!({ #(let #ids = #vals;)* #body }))
    }

    /// A builtin call (`last`: the value piped in, the last argument).
    fn n_call(
        &mut self,
        scope: &Scope,
        name: &str,
        args: &[Arg],
        last: Option<TokenStream>,
        l: &Lifetime,
    ) -> Option<TokenStream> {
        let t = t();
        let n = args.len() + usize::from(last.is_some());
        match name {
            "and" | "or" => {
                if last.is_some() || args.is_empty() {
                    return None;
                }
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.n_arg(scope, a, l)?);
                }
                let mut acc = vals.pop()?;
                while let Some(v) = vals.pop() {
                    let id = self.fresh("o");
                    let cond = if name == "and" {
                        quote!(!#t::GoValue::is_true(&#id))
                    } else {
                        quote!(#t::GoValue::is_true(&#id))
                    };
                    acc = quote!({
                        let #id = #v;
                        if #cond { #t::Either::L(#id) } else { #t::Either::R(#acc) }
                    });
                }
                return Some(acc);
            }
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "not" | "len" | "index" | "printf"
            | "print" | "html" | "urlquery" | "js" | "_eval_args_" => {}
            _ => return None,
        }
        // Every other builtin evaluates all its arguments first.
        let mut vals = Vec::new();
        if name == "index" {
            // The container must be a field (the result borrows it).
            let [c, k] = args else { return None };
            let Some(Val::Typed { expr, .. }) = self.bailing_chain(scope, c, l) else {
                return None;
            };
            let key = match last {
                Some(x) => x,
                None => self.n_arg(scope, k, l)?,
            };
            if n != 2 {
                return None;
            }
            let kid = self.fresh("k");
            return Some(quote!({
                let #kid = #key;
                #[allow(unused_imports)]
                use #t::native::{IndexAny as _, IndexTyped as _};
                match (&#t::native::Index(#expr, &#kid)).go_index() {
                    #t::rt::Some(v) => v,
                    #t::rt::None => break #l #t::rt::None,
                }
            }));
        }
        let mut format = None;
        for (i, a) in args.iter().enumerate() {
            if name == "printf" && i == 0 {
                let Arg::String { value, .. } = a else {
                    return None;
                };
                format = Some(value.clone());
                continue;
            }
            vals.push(self.n_arg(scope, a, l)?);
        }
        if let Some(x) = last {
            if name == "printf" && format.is_none() {
                return None;
            }
            vals.push(x);
        }
        let ids: Vec<_> = (0..vals.len()).map(|_| self.fresh("a")).collect();
        let bind = quote!(#(let #ids = #vals;)*);
        let values = quote!(&[#(#t::GoValue::to_value(&#ids)),*]);
        let body = match name {
            "not" => {
                let [a] = ids.as_slice() else { return None };
                quote!(!#t::GoValue::is_true(&#a))
            }
            "len" => {
                let [a] = ids.as_slice() else { return None };
                quote!(match #t::GoValue::go_len(&#a) {
                    #t::rt::Some(n) => n as i64,
                    #t::rt::None => break #l #t::rt::None,
                })
            }
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
                let vals = ids.iter().map(|i| quote!(#i)).collect();
                let c = self.n_compare(name, vals, l)?;
                quote!(#c)
            }
            "printf" => {
                let format = format?;
                match split_format(&format) {
                    Some(pieces)
                        if pieces
                            .iter()
                            .filter(|p| matches!(p, Piece::Verb(..)))
                            .count()
                            == ids.len() =>
                    {
                        let s = format_ident!("__lt_s");
                        let mut stmts = Vec::new();
                        let mut next = ids.iter();
                        let cap = format.len() + 8 * ids.len();
                        for p in pieces {
                            match p {
                                Piece::Text(x) => stmts.push(quote!(#s.push_str(#x);)),
                                Piece::Verb(v, prec) => {
                                    let a = next.next()?;
                                    stmts.push(
                                        quote!(#t::native::printf_verb(&mut #s, #v, #prec, &#a);),
                                    );
                                }
                            }
                        }
                        quote!({
                            let mut #s = #t::rt::String::with_capacity(#cap);
                            #(#stmts)*
                            #s
                        })
                    }
                    _ => quote!(#t::native::sprintf(#format, #values)),
                }
            }
            "html" if ids.len() == 1 => {
                let a = &ids[0];
                quote!(#t::native::html_one(&#a))
            }
            "urlquery" if ids.len() == 1 => {
                let a = &ids[0];
                quote!(#t::native::urlquery_one(&#a))
            }
            "print" => quote!(#t::native::print_func(#values)),
            "html" => quote!(#t::native::html_func(#values)),
            "urlquery" => quote!(#t::native::urlquery_func(#values)),
            "js" => quote!(#t::native::js_func(#values)),
            "_eval_args_" => quote!(#t::native::eval_args_func(#values)),
            _ => return None,
        };
        Some(quote!({ #bind #body }))
    }
}
