//! Evaluation of pipelines, commands and operands (Go's `eval*` functions).

use crate::error::Error;
use crate::funcs::{Builtin, Func, compare};
use crate::parse::ast::{Arg, Command, NumberNode, Pipeline};
use crate::value::{Type, Value};

use super::display::Cursor;
use super::{MissingKey, State};

/// The result of evaluating an expression: Go's `reflect.Value` as far as
/// the interpreter needs it. Values found in the data are borrowed; computed
/// ones are owned. The `I*` variants are values held in an `interface{}`
/// (elements of `[]any`, `map[string]any`, fields of type `any`): Go names
/// their type `interface {}` in some errors. `Value::Nil` is a nil
/// `interface{}`, which differs from `Invalid` ("no value") in a few error
/// cases, as in Go.
#[derive(Debug, Clone)]
pub(crate) enum Ev<'d> {
    /// No value (Go's zero `reflect.Value`).
    Invalid,
    /// A value borrowed from the data.
    Ref(&'d Value),
    /// A computed value.
    Own(Value),
    /// A borrowed value of static type `interface{}`.
    IRef(&'d Value),
    /// A computed value of static type `interface{}`.
    IOwn(Value),
}

impl<'d> Ev<'d> {
    /// A borrowed value, held in an interface when `iface`.
    pub(crate) fn borrowed(v: &'d Value, iface: bool) -> Self {
        if iface || matches!(v, Value::Nil) {
            Ev::IRef(v)
        } else {
            Ev::Ref(v)
        }
    }

    /// The value, `None` when there is none.
    pub(crate) fn get(&self) -> Option<&Value> {
        match self {
            Ev::Invalid => None,
            Ev::Ref(v) | Ev::IRef(v) => Some(v),
            Ev::Own(v) | Ev::IOwn(v) => Some(v),
        }
    }

    /// Whether the value's static type is `interface{}`.
    pub(crate) fn is_iface(&self) -> bool {
        matches!(self, Ev::IRef(_) | Ev::IOwn(_))
    }

    /// Go's "dig down into interface{}": a nil interface becomes no value,
    /// another interface its concrete value.
    pub(crate) fn dig(self) -> Self {
        match self {
            Ev::IRef(Value::Nil)
            | Ev::IOwn(Value::Nil)
            | Ev::Ref(Value::Nil)
            | Ev::Own(Value::Nil) => Ev::Invalid,
            Ev::IRef(v) => Ev::Ref(v),
            Ev::IOwn(v) => Ev::Own(v),
            other => other,
        }
    }

    /// An owned copy (cheap: composites are reference counted).
    pub(crate) fn into_value(self) -> Option<Value> {
        match self {
            Ev::Invalid => None,
            Ev::Ref(v) | Ev::IRef(v) => Some(v.clone()),
            Ev::Own(v) | Ev::IOwn(v) => Some(v),
        }
    }

    /// The same value with an unrelated lifetime (borrowed values are cloned).
    pub(crate) fn detach<'x>(self) -> Ev<'x> {
        match self {
            Ev::Invalid => Ev::Invalid,
            Ev::Ref(v) => Ev::Own(v.clone()),
            Ev::Own(v) => Ev::Own(v),
            Ev::IRef(v) => Ev::IOwn(v.clone()),
            Ev::IOwn(v) => Ev::IOwn(v),
        }
    }

    /// This value as dot.
    pub(crate) fn as_dot(&self) -> Dot<'_> {
        match self {
            Ev::Invalid => Dot::None,
            Ev::Ref(v) => Dot::Val(v),
            Ev::Own(v) => Dot::Val(v),
            Ev::IRef(v) => Dot::Iface(v),
            Ev::IOwn(v) => Dot::Iface(v),
        }
    }
}

/// Dot (Go's `.`), with the same distinctions as [`Ev`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dot<'d> {
    /// No value.
    None,
    /// A value.
    Val(&'d Value),
    /// A value of static type `interface{}`.
    Iface(&'d Value),
}

impl<'d> Dot<'d> {
    /// Dot for the top of an execution: untyped nil is no value.
    pub(crate) fn root(v: &'d Value) -> Self {
        match v {
            Value::Nil => Dot::None,
            v => Dot::Val(v),
        }
    }

    /// The value, `None` when there is none.
    pub(crate) fn get(self) -> Option<&'d Value> {
        match self {
            Dot::None => None,
            Dot::Val(v) | Dot::Iface(v) => Some(v),
        }
    }
}

fn dot_ev(dot: Dot<'_>) -> Ev<'_> {
    match dot {
        Dot::None => Ev::Invalid,
        Dot::Val(v) => Ev::Ref(v),
        Dot::Iface(v) => Ev::IRef(v),
    }
}

/// The value of the field chain `idents` from `dot` when every step is a
/// struct field or a present key of a string-keyed map (pointers followed);
/// `None` otherwise, leaving the general evaluator to decide (missing keys,
/// nil values, errors).
#[inline]
pub(super) fn found_field_chain<'d>(dot: Dot<'d>, idents: &[String]) -> Option<Ev<'d>> {
    let (v, iface) = found_field(dot, idents)?;
    Some(Ev::borrowed(v, iface))
}

/// [`found_field_chain`] as the value and whether its static type is
/// `interface{}`: small enough to come back in registers (the hot callers
/// need no [`Ev`]).
#[inline]
pub(super) fn found_field<'d>(dot: Dot<'d>, idents: &[String]) -> Option<(&'d Value, bool)> {
    let mut cur = match dot {
        Dot::Val(v) | Dot::Iface(v) => v,
        Dot::None => return None,
    };
    let mut iface = false;
    if idents.is_empty() {
        return None;
    }
    for name in idents {
        let mut v = cur;
        while let Value::Ptr(p) = v {
            v = p;
        }
        match v {
            Value::Struct(s) => {
                let i = s.ty.field_index(name)?;
                iface = matches!(s.ty.fields[i].1, Type::Any);
                cur = s.fields.get(i)?;
            }
            Value::Map(m) if matches!(m.key, Type::String) => {
                cur = m.get_str(name)?;
                iface = matches!(m.elem, Type::Any);
            }
            _ => return None,
        }
    }
    Some((cur, iface))
}

/// Applies `f` to the value inside `ev`, keeping borrowed results borrowed.
pub(crate) fn project<'d, E>(
    ev: Ev<'d>,
    f: impl for<'x> FnOnce(Option<&'x Value>) -> Result<Ev<'x>, E>,
) -> Result<Ev<'d>, E> {
    match ev {
        Ev::Invalid => f(None),
        Ev::Ref(v) | Ev::IRef(v) => f(Some(v)),
        Ev::Own(v) | Ev::IOwn(v) => f(Some(&v)).map(Ev::detach),
    }
}

/// The integer a number literal is when [`State::ideal_constant`] makes an
/// `int` of it (no complex or float syntax); `None` for anything else.
fn plain_int(n: &NumberNode) -> Option<i64> {
    if n.complex.is_some() || (n.float.is_some() && has_float_syntax(&n.text)) {
        return None;
    }
    n.int
}

/// Whether a number literal's text makes it a float constant in Go's
/// `idealConstant`: a `.`, exponent or hex-float `p`, but not in a hex
/// integer (`0xE`) or a rune literal (`'.'`).
fn has_float_syntax(text: &str) -> bool {
    let is_hex_int = text.len() > 2
        && text.as_bytes()[0] == b'0'
        && matches!(text.as_bytes()[1], b'x' | b'X')
        && !text.contains(['p', 'P']);
    let is_rune = text.starts_with('\'');
    !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P'])
}

/// Whether untyped nil can be assigned to a parameter of type `t`.
fn can_be_nil(t: &Type) -> bool {
    matches!(t, Type::Any | Type::Slice(_) | Type::Map(..) | Type::Ptr(_))
}

fn type_name(v: &Value) -> String {
    v.type_of().to_string()
}

fn arg_string(a: &Arg) -> String {
    a.to_string()
}

/// A function resolved for a call.
#[derive(Clone, Copy)]
enum Callee<'f> {
    Builtin(Builtin),
    User(&'f Func),
}

impl<'t> State<'t> {
    /// Evaluates `pipe` with dot `dot`: Go's value of the pipeline, with
    /// declared variables pushed (or assigned) as Go does. `None` is "no
    /// value". Callers that declare variables pop them with [`State::pop`].
    pub fn eval_pipeline_value(
        &mut self,
        dot: &Value,
        pipe: &'t Pipeline,
    ) -> Result<Option<Value>, Error> {
        let dot = Dot::root(dot);
        Ok(self.eval_pipeline(dot, pipe)?.into_value())
    }

    pub(crate) fn eval_pipeline<'d>(
        &mut self,
        dot: Dot<'d>,
        pipe: &'t Pipeline,
    ) -> Result<Ev<'d>, Error> {
        self.eval_pipeline_at(dot, pipe, Cursor::Pipe(pipe))
    }

    /// [`State::eval_pipeline`] reporting errors at the pipeline as `at`
    /// shows it (an escaped action's pipeline includes its escapers).
    pub(crate) fn eval_pipeline_at<'d>(
        &mut self,
        dot: Dot<'d>,
        pipe: &'t Pipeline,
        at: Cursor<'t>,
    ) -> Result<Ev<'d>, Error> {
        // Fast path: a lone field chain (`.A.B`) that finds every field.
        // Anything else (missing keys, nil, errors) takes the general path.
        if pipe.decl.is_empty()
            && let [cmd] = pipe.cmds.as_slice()
            && let [first @ Arg::Field { idents, .. }] = cmd.args.as_slice()
            && let Some(ev) = found_field_chain(dot, idents)
        {
            self.at = Cursor::Arg(first);
            return Ok(ev.dig());
        }
        self.at = at;
        let value = match pipe.cmds.as_slice() {
            // Most pipelines have one command: no value to pass along.
            [cmd] => self.eval_command(dot, cmd, None)?.dig(),
            cmds => {
                let mut value: Option<Ev<'d>> = None;
                for cmd in cmds {
                    let v = self.eval_command(dot, cmd, value.take())?;
                    value = Some(v.dig());
                }
                value.unwrap_or(Ev::Invalid)
            }
        };
        for var in &pipe.decl {
            let v = value.get().cloned();
            if pipe.is_assign {
                self.set_var(&var.name, v)?;
            } else {
                self.push_var(&var.name, v);
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'t [Arg], fin: &Option<Ev<'_>>) -> Result<(), Error> {
        if args.len() > 1 || fin.is_some() {
            let what = args.first().map(arg_string).unwrap_or_default();
            return Err(self.error(format_args!("can't give argument to non-function {what}")));
        }
        Ok(())
    }

    fn eval_command<'d>(
        &mut self,
        dot: Dot<'d>,
        cmd: &'t Command,
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        let Some(first) = cmd.args.first() else {
            self.at = Cursor::Cmd(cmd);
            return Err(self.error("empty command"));
        };
        match first {
            Arg::Field { .. } => return self.eval_field_node(dot, first, &cmd.args, fin),
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, &cmd.args, fin),
            Arg::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, Cursor::Cmd(cmd), &cmd.args[1..], fin);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable { .. } => return self.eval_variable_node(dot, first, &cmd.args, fin),
            _ => {}
        }
        self.at = Cursor::Arg(first);
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Arg::Bool(_, b) => Ok(Ev::Own(Value::Bool(*b))),
            Arg::Dot(_) => Ok(dot_ev(dot)),
            Arg::Nil(_) => Err(self.error("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { value, .. } => Ok(Ev::Own(Value::str(value))),
            _ => Err(self.error(format_args!(
                "can't evaluate command {:?}",
                arg_string(first)
            ))),
        }
    }

    /// Go's `idealConstant`: the type of an untyped number comes from its syntax.
    fn ideal_constant<'d>(&mut self, arg: &'t Arg, n: &NumberNode) -> Result<Ev<'d>, Error> {
        self.at = Cursor::Arg(arg);
        let text = n.text.as_str();
        if let Some((re, im)) = n.complex {
            // A complex literal is complex128 even when its imaginary part is zero.
            return Ok(Ev::Own(Value::Complex(re, im)));
        }
        if let Some(f) = n.float {
            if has_float_syntax(text) {
                return Ok(Ev::Own(Value::Float(f)));
            }
        }
        if let Some(i) = n.int {
            return Ok(Ev::Own(Value::Int(i)));
        }
        if n.uint.is_some() {
            return Err(self.error(format_args!("{text} overflows int")));
        }
        Ok(Ev::Invalid)
    }

    fn eval_field_node<'d>(
        &mut self,
        dot: Dot<'d>,
        field: &'t Arg,
        args: &'t [Arg],
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        self.at = Cursor::Arg(field);
        let Arg::Field { idents, .. } = field else {
            unreachable!("eval_field_node on {field:?}")
        };
        if args.len() <= 1
            && fin.is_none()
            && let Some(ev) = found_field_chain(dot, idents)
        {
            return Ok(ev);
        }
        self.eval_field_chain(dot_ev(dot), idents, args, fin)
    }

    fn eval_chain_node<'d>(
        &mut self,
        dot: Dot<'d>,
        chain: &'t Arg,
        args: &'t [Arg],
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        self.at = Cursor::Arg(chain);
        let Arg::Chain { node, fields, .. } = chain else {
            unreachable!("eval_chain_node on {chain:?}")
        };
        if fields.is_empty() {
            return Err(self.error("internal error: no fields in evalChainNode"));
        }
        if let Arg::Nil(_) = **node {
            return Err(self.error(format_args!(
                "indirection through explicit nil in {}",
                arg_string(chain)
            )));
        }
        let recv = self.eval_arg(dot, node, None)?;
        self.eval_field_chain(recv, fields, args, fin)
    }

    fn eval_variable_node<'d>(
        &mut self,
        dot: Dot<'d>,
        var: &'t Arg,
        args: &'t [Arg],
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        let _ = dot;
        self.at = Cursor::Arg(var);
        let Arg::Variable { name, fields, .. } = var else {
            unreachable!("eval_variable_node on {var:?}")
        };
        if fields.is_empty() {
            let value = self.var_ev(name)?;
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        // Walk the fields on the variable's value in place; only the result
        // is copied out of the variable stack.
        let has_args = args.len() > 1 || fin.is_some();
        let var = self.find_var(name)?;
        if !has_args
            && let Some(v) = &var.value
            && let Some(ev) = found_field_chain(Dot::Val(v), fields)
        {
            return Ok(ev.detach());
        }
        let recv = match &var.value {
            None => Ev::Invalid,
            Some(v) => Ev::borrowed(v, var.iface),
        };
        Ok(self.field_chain_ref(recv, fields, has_args)?.detach())
    }

    /// [`State::eval_field_chain`] without moving the cursor: every step
    /// borrows from `recv`.
    fn field_chain_ref<'v>(
        &self,
        mut recv: Ev<'v>,
        idents: &[String],
        has_args: bool,
    ) -> Result<Ev<'v>, Error> {
        let Some((last, init)) = idents.split_last() else {
            return Ok(recv);
        };
        for name in init {
            recv = self.eval_field(recv, name, false)?;
        }
        self.eval_field(recv, last, has_args)
    }

    fn eval_field_chain<'d>(
        &mut self,
        recv: Ev<'d>,
        idents: &'t [String],
        args: &'t [Arg],
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        let has_args = args.len() > 1 || fin.is_some();
        self.field_chain_ref(recv, idents, has_args)
    }

    /// Go's `evalField` (there are no methods): a struct field or a map
    /// element, following pointers.
    fn eval_field<'d>(&self, recv: Ev<'d>, name: &str, has_args: bool) -> Result<Ev<'d>, Error> {
        if let Ev::Invalid = recv {
            if self.opts.missing_key == MissingKey::Error {
                let mut msg = String::from("nil data; no entry for key ");
                crate::gofmt::quote::quote_into(&mut msg, name, false);
                return Err(self.error(msg));
            }
            return Ok(Ev::Invalid);
        }
        let iface = recv.is_iface();
        project(recv, |v| match v {
            Some(v) => self.field_of(v, iface, name, has_args),
            None => Ok(Ev::Invalid),
        })
    }

    fn field_of<'v>(
        &self,
        orig: &'v Value,
        iface: bool,
        name: &str,
        has_args: bool,
    ) -> Result<Ev<'v>, Error> {
        let type_name = |v: &Value| {
            if iface {
                "interface {}".to_string()
            } else {
                type_name(v)
            }
        };
        let mut v = orig;
        while let Value::Ptr(p) = v {
            v = p;
        }
        match v {
            Value::Nil => {
                return Err(self.error(format_args!(
                    "nil pointer evaluating {}.{name}",
                    type_name(orig)
                )));
            }
            Value::Struct(s) => {
                if let Some(i) = s.ty.field_index(name) {
                    if has_args {
                        return Err(self.error(format_args!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    let iface = matches!(s.ty.fields[i].1, Type::Any);
                    // A well-formed struct value has a value for every field.
                    return Ok(s
                        .fields
                        .get(i)
                        .map_or(Ev::Invalid, |f| Ev::borrowed(f, iface)));
                }
            }
            Value::Map(m) if matches!(m.key, Type::String | Type::Any) => {
                if has_args {
                    return Err(
                        self.error(format_args!("{name} is not a method but has arguments"))
                    );
                }
                let found = if matches!(m.key, Type::String) {
                    m.get_str(name)
                } else {
                    m.entries
                        .iter()
                        .find(|(k, _)| matches!(k, Value::String(s) if &**s == name))
                        .map(|(_, v)| v)
                };
                let iface = matches!(m.elem, Type::Any);
                return match found {
                    Some(x) => Ok(Ev::borrowed(x, iface)),
                    None => match self.opts.missing_key {
                        MissingKey::Default => Ok(Ev::Invalid),
                        MissingKey::Zero if iface => Ok(Ev::IOwn(Value::Nil)),
                        MissingKey::Zero => Ok(Ev::Own(m.elem.zero())),
                        MissingKey::Error => {
                            let mut msg = String::from("map has no entry for key ");
                            crate::gofmt::quote::quote_into(&mut msg, name, false);
                            Err(self.error(msg))
                        }
                    },
                };
            }
            Value::NilPtr(t) => {
                let no_such_field = matches!(t, Type::Struct(st) if st.field_index(name).is_none());
                if !no_such_field {
                    return Err(self.error(format_args!(
                        "nil pointer evaluating {}.{name}",
                        type_name(orig)
                    )));
                }
            }
            _ => {}
        }
        Err(self.error(format_args!(
            "can't evaluate field {name} in type {}",
            type_name(orig)
        )))
    }

    fn eval_function<'d>(
        &mut self,
        dot: Dot<'d>,
        ident: &'t Arg,
        name: &'t str,
        node: Cursor<'t>,
        args: &'t [Arg],
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        self.at = Cursor::Arg(ident);
        let funcs = self.funcs;
        let callee = match funcs.user(name) {
            Some(f) => Callee::User(f),
            None => match Builtin::from_name(name) {
                Some(b) => Callee::Builtin(b),
                None => {
                    let mut msg = String::new();
                    crate::gofmt::quote::quote_into(&mut msg, name, false);
                    msg.push_str(" is not a defined function");
                    return Err(self.error(msg));
                }
            },
        };
        self.eval_call(dot, callee, node, name, args, fin)
    }

    /// Go's `evalCall`: argument count and type checks, then the call.
    fn eval_call<'d>(
        &mut self,
        dot: Dot<'d>,
        callee: Callee<'t>,
        node: Cursor<'t>,
        name: &str,
        args: &'t [Arg],
        fin: Option<Ev<'d>>,
    ) -> Result<Ev<'d>, Error> {
        let (fixed, variadic) = match callee {
            Callee::Builtin(b) => b.arity(),
            Callee::User(f) => (f.params().len(), f.rest().is_some()),
        };
        let num_in = args.len() + usize::from(fin.is_some());
        if variadic {
            if num_in < fixed {
                return Err(self.error(format_args!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != fixed {
            return Err(self.error(format_args!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        let param_type = |i: usize| -> &Type {
            match callee {
                Callee::Builtin(b) => b.param_type(i),
                Callee::User(f) => f.param_type(i),
            }
        };

        // and/or short-circuit: arguments are evaluated lazily.
        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let want = b == Builtin::Or;
            let mut v = Ev::Invalid;
            for arg in args {
                v = self.eval_arg(dot, arg, Some(&Type::Any))?;
                if v.get().is_some_and(Value::truth) == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }

        // `not x` and `len x` of an operand read in place.
        if let Callee::Builtin(b @ (Builtin::Not | Builtin::Len)) = callee
            && fin.is_none()
            && let [x] = args
            && let Some(v) = self.value_in_place(dot, x)
        {
            let result = if b == Builtin::Not {
                Ok(Value::Bool(!v.truth()))
            } else {
                super::builtins::length(Some(v))
            };
            self.at = Cursor::Arg(x);
            return match result {
                Ok(v) => Ok(Ev::Own(v)),
                Err(msg) => {
                    self.at = node;
                    Err(self.error(format_args!("error calling {name}: {msg}")))
                }
            };
        }

        // Two-operand comparisons: operands in locals, and a string
        // literal compared with a string without making a value of it.
        if let Callee::Builtin(
            b @ (Builtin::Eq | Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge),
        ) = callee
            && fin.is_none()
            && let [x, y] = args
        {
            if let Some(result) = self.compare_in_place(dot, b, x, y) {
                self.at = Cursor::Arg(y);
                return match result {
                    Ok(t) => Ok(Ev::Own(Value::Bool(t))),
                    Err(msg) => {
                        self.at = node;
                        Err(self.error(format_args!("error calling {name}: {msg}")))
                    }
                };
            }
            let xv = self.eval_arg(dot, x, Some(&Type::Any))?;
            let result = match (b, y, xv.get()) {
                (
                    Builtin::Eq | Builtin::Ne,
                    Arg::String { value: lit, .. },
                    Some(Value::String(s) | Value::Safe(_, s)),
                ) => {
                    // What evaluating the literal would leave behind.
                    self.at = Cursor::Arg(y);
                    Ok(crate::bytes::str_eq(s, lit) == (b == Builtin::Eq))
                }
                _ => {
                    let yv = self.eval_arg(dot, y, Some(&Type::Any))?;
                    let (x, y) = (xv.get(), yv.get());
                    match b {
                        Builtin::Eq => compare::eq(x, &[y]),
                        Builtin::Ne => compare::ne(x, y),
                        Builtin::Lt => compare::lt(x, y),
                        Builtin::Le => compare::le(x, y),
                        Builtin::Gt => compare::gt(x, y),
                        _ => compare::ge(x, y),
                    }
                }
            };
            return match result {
                Ok(t) => Ok(Ev::Own(Value::Bool(t))),
                Err(msg) => {
                    self.at = node;
                    Err(self.error(format_args!("error calling {name}: {msg}")))
                }
            };
        }

        // Arguments live on the stack for the common small calls.
        let mut inline: [Ev<'d>; 4] = [Ev::Invalid, Ev::Invalid, Ev::Invalid, Ev::Invalid];
        let mut heap: Vec<Ev<'d>> = Vec::new();
        let argv: &mut [Ev<'d>] = if num_in <= inline.len() {
            &mut inline[..num_in]
        } else {
            heap.resize(num_in, Ev::Invalid);
            &mut heap
        };
        for (i, arg) in args.iter().enumerate() {
            let ty = param_type(i);
            // Dot and found fields for `interface{}` parameters are built
            // in their slot (what `eval_arg` returns for them).
            if matches!(ty, Type::Any) {
                match arg {
                    Arg::Dot(_) => {
                        self.at = Cursor::Arg(arg);
                        argv[i] = dot_ev(dot);
                        continue;
                    }
                    Arg::Field { idents, .. } => {
                        if let Some((v, iface)) = found_field(dot, idents) {
                            self.at = Cursor::Arg(arg);
                            argv[i] = Ev::borrowed(v, iface);
                            continue;
                        }
                    }
                    _ => {}
                }
            }
            argv[i] = self.eval_arg(dot, arg, Some(ty))?;
        }
        if let Some(f) = fin {
            let t = param_type(num_in - 1);
            argv[num_in - 1] = self.validate_type(f, Some(t))?;
        }
        let result = match callee {
            Callee::Builtin(b) => self.call_builtin(b, argv),
            Callee::User(f) => {
                let vals: Vec<Value> = argv
                    .iter_mut()
                    .map(|v| {
                        std::mem::replace(v, Ev::Invalid)
                            .into_value()
                            .unwrap_or(Value::Nil)
                    })
                    .collect();
                f.call(&vals).map(Ev::Own)
            }
        };
        result.map_err(|msg| {
            self.at = node;
            self.error(format_args!("error calling {name}: {msg}"))
        })
    }

    /// The value of an operand that can be read in place, without
    /// evaluating anything that could fail or have effects: a variable or
    /// field chain whose every field is found, or dot. `None` otherwise.
    pub(super) fn value_in_place<'a>(&'a self, dot: Dot<'a>, arg: &Arg) -> Option<&'a Value> {
        match arg {
            Arg::Variable { name, fields, .. } => self.var_value_in_place(name, fields),
            Arg::Field { idents, .. } => found_field(dot, idents).map(|(v, _)| v),
            Arg::Dot(_) => dot.get(),
            _ => None,
        }
    }

    /// The truth of an `if` condition that is one command: a lone operand,
    /// `not x` or a two-operand comparison of the builtins, with operands
    /// read in place ([`State::value_in_place`]). `None` when the general
    /// path must run (other commands, operands not found, and errors,
    /// which it reports).
    pub(super) fn condition_in_place(&self, dot: Dot<'_>, cmd: &Command) -> Option<bool> {
        match cmd.args.as_slice() {
            [arg] => self.value_in_place(dot, arg).map(Value::truth),
            [Arg::Identifier { name, .. }, operands @ ..] if self.funcs.user(name).is_none() => {
                match (Builtin::from_name(name)?, operands) {
                    (Builtin::Not, [x]) => self.value_in_place(dot, x).map(|v| !v.truth()),
                    (
                        b @ (Builtin::Eq
                        | Builtin::Ne
                        | Builtin::Lt
                        | Builtin::Le
                        | Builtin::Gt
                        | Builtin::Ge),
                        [x, y],
                    ) => self.compare_in_place(dot, b, x, y)?.ok(),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The comparison `b x y` when both operands can be read in place
    /// ([`State::value_in_place`], or a string or plain integer literal):
    /// the same result as evaluating them, without copying values out of
    /// the data or the variables. `None` when the general path must run.
    fn compare_in_place(
        &self,
        dot: Dot<'_>,
        b: Builtin,
        x: &Arg,
        y: &Arg,
    ) -> Option<Result<bool, String>> {
        let xv = self.value_in_place(dot, x)?;
        let int;
        let yv = match y {
            Arg::String { value: lit, .. } => {
                return match (b, xv) {
                    (Builtin::Eq | Builtin::Ne, Value::String(s) | Value::Safe(_, s)) => {
                        Some(Ok(crate::bytes::str_eq(s, lit) == (b == Builtin::Eq)))
                    }
                    _ => None,
                };
            }
            Arg::Number(n) => {
                int = Value::Int(plain_int(n)?);
                &int
            }
            _ => self.value_in_place(dot, y)?,
        };
        let (x, y) = (Some(xv), Some(yv));
        Some(match b {
            Builtin::Eq => compare::eq(x, &[y]),
            Builtin::Ne => compare::ne(x, y),
            Builtin::Lt => compare::lt(x, y),
            Builtin::Le => compare::le(x, y),
            Builtin::Gt => compare::gt(x, y),
            Builtin::Ge => compare::ge(x, y),
            _ => return None,
        })
    }

    /// Go's `evalArg`: evaluates an argument for a parameter of type `ty`
    /// (`None`: untyped, as for the operand of a chain).
    fn eval_arg<'d>(
        &mut self,
        dot: Dot<'d>,
        arg: &'t Arg,
        ty: Option<&Type>,
    ) -> Result<Ev<'d>, Error> {
        self.at = Cursor::Arg(arg);
        let v = match arg {
            Arg::Dot(_) => dot_ev(dot),
            Arg::Nil(_) => {
                return match ty {
                    None | Some(Type::Any) => Ok(Ev::Invalid),
                    Some(t) if can_be_nil(t) => Ok(Ev::Own(t.zero())),
                    Some(t) => Err(self.error(format_args!("cannot assign nil to {t}"))),
                };
            }
            Arg::Field { .. } => self.eval_field_node(dot, arg, std::slice::from_ref(arg), None)?,
            Arg::Variable { .. } => self.eval_variable_node(dot, arg, &[], None)?,
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, arg, name, Cursor::Arg(arg), &[], None)?
            }
            Arg::Chain { .. } => self.eval_chain_node(dot, arg, &[], None)?,
            Arg::Bool(_, b) => {
                return match ty {
                    Some(Type::Bool | Type::Any) | None => Ok(Ev::Own(Value::Bool(*b))),
                    Some(t) => self.literal_mismatch(arg, t),
                };
            }
            Arg::Number(n) => {
                return match ty {
                    Some(Type::Any) | None => self.ideal_constant(arg, n),
                    Some(Type::Int) => match n.int {
                        Some(i) => Ok(Ev::Own(Value::Int(i))),
                        None => Err(self.error(format_args!("expected integer; found {}", n.text))),
                    },
                    Some(Type::Uint) => match n.uint {
                        Some(u) => Ok(Ev::Own(Value::Uint(u))),
                        None => {
                            Err(self
                                .error(format_args!("expected unsigned integer; found {}", n.text)))
                        }
                    },
                    Some(Type::Float) => match n.float {
                        Some(f) => Ok(Ev::Own(Value::Float(f))),
                        None => Err(self.error(format_args!("expected float; found {}", n.text))),
                    },
                    Some(Type::Complex) => match n.complex {
                        Some((re, im)) => Ok(Ev::Own(Value::Complex(re, im))),
                        None => Err(self.error(format_args!("expected complex; found {}", n.text))),
                    },
                    Some(t) => self.literal_mismatch(arg, t),
                };
            }
            Arg::String { value, .. } => {
                return match ty {
                    Some(Type::String | Type::Any) | None => Ok(Ev::Own(Value::str(value))),
                    Some(Type::Safe(k)) => Ok(Ev::Own(Value::safe(*k, value))),
                    Some(t) => self.literal_mismatch(arg, t),
                };
            }
        };
        self.validate_type(v, ty)
    }

    fn literal_mismatch<'d>(&self, arg: &'t Arg, t: &Type) -> Result<Ev<'d>, Error> {
        let s = arg_string(arg);
        Err(match t {
            Type::Bool => self.error(format_args!("expected bool; found {s}")),
            Type::String | Type::Safe(_) => self.error(format_args!("expected string; found {s}")),
            Type::Int => self.error(format_args!("expected integer; found {s}")),
            Type::Uint => self.error(format_args!("expected unsigned integer; found {s}")),
            Type::Float => self.error(format_args!("expected float; found {s}")),
            Type::Complex => self.error(format_args!("expected complex; found {s}")),
            t => self.error(format_args!("can't handle {s} for arg of type {t}")),
        })
    }

    /// Go's `validateType`: the value must be assignable to `ty` (one
    /// pointer indirection is allowed).
    fn validate_type<'d>(&self, v: Ev<'d>, ty: Option<&Type>) -> Result<Ev<'d>, Error> {
        let Some(ty) = ty else { return Ok(v) };
        if matches!(ty, Type::Any) {
            return Ok(v);
        }
        let Some(val) = v.get() else {
            if can_be_nil(ty) {
                return Ok(Ev::Own(ty.zero()));
            }
            return Err(self.error(format_args!("invalid value; expected {ty}")));
        };
        if val.has_type(ty) {
            return Ok(v);
        }
        match val {
            Value::Ptr(inner) if inner.has_type(ty) => {
                return Ok(project(v, |p| match p {
                    Some(Value::Ptr(inner)) => Ok::<_, ()>(Ev::Ref(inner)),
                    _ => Ok(Ev::Invalid),
                })
                .unwrap_or(Ev::Invalid));
            }
            Value::NilPtr(t) if t == ty => {
                return Err(self.error(format_args!("dereference of nil pointer of type {ty}")));
            }
            _ => {}
        }
        Err(self.error(format_args!(
            "wrong type for value; expected {ty}; got {}",
            type_name(val)
        )))
    }
}
