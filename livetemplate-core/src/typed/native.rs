//! Builtin functions evaluated by the generated code itself (no
//! interpreter, no [`Value`] unless the function needs one): the values
//! `and`/`or` choose ([`Either`]), `index` results ([`Indexed`], through
//! [`GoIndex`]), `printf` verbs on typed arguments ([`printf_verb`]) and
//! the text/template escaping functions ([`eval_args`]).
//!
//! Every function here either gives exactly the interpreter's result or
//! reports (with `None`) that the generated code must ask the interpreter
//! (for Go's error text, or for a case not worth a fast path).

use crate::escape::Escaper;
use crate::value::Value;

use super::GoValue;

/// The operand `and`/`or` chose when the operands have different types:
/// the value keeps its own type (and so its own printing).
#[derive(Debug, Clone, Copy)]
pub enum Either<L, R> {
    /// The first operand (or one of the first ones, nested).
    L(L),
    /// The last operand.
    R(R),
}

macro_rules! either_fn {
    ($self:ident, $v:ident => $e:expr) => {
        match $self {
            Either::L($v) => $e,
            Either::R($v) => $e,
        }
    };
}

impl<L: GoValue, R: GoValue> GoValue for Either<L, R> {
    type Deref = Self;
    /// Not followed (the generated code never reads fields of a chosen
    /// operand: it converts it to a [`Value`] first).
    fn go_deref(&self) -> Option<&Self> {
        Some(self)
    }
    fn to_value(&self) -> Value {
        either_fn!(self, v => v.to_value())
    }
    fn is_true(&self) -> bool {
        either_fn!(self, v => v.is_true())
    }
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        either_fn!(self, v => v.write_escaped(out, chain))
    }
    fn write_html(&self, out: &mut String, chain: &[Escaper]) {
        either_fn!(self, v => v.write_html(out, chain))
    }
    fn go_len(&self) -> Option<usize> {
        either_fn!(self, v => v.go_len())
    }
    fn go_int(&self) -> Option<i128> {
        either_fn!(self, v => v.go_int())
    }
    fn go_str(&self) -> Option<&str> {
        either_fn!(self, v => v.go_str())
    }
    fn go_float(&self) -> Option<f64> {
        either_fn!(self, v => v.go_float())
    }
}

/// The result of `index`: an element, or the zero value of the element
/// type (a key missing from a map).
#[derive(Debug)]
pub enum Indexed<'a, E> {
    /// The element.
    Found(&'a E),
    /// A missing key: Go's zero value of the element type.
    Zero,
}

impl<E: GoValue> GoValue for Indexed<'_, E> {
    type Deref = Self;
    /// Not followed (see [`Either`]).
    fn go_deref(&self) -> Option<&Self> {
        Some(self)
    }
    fn to_value(&self) -> Value {
        match self {
            Indexed::Found(v) => v.to_value(),
            Indexed::Zero => E::go_type().zero(),
        }
    }
    fn is_true(&self) -> bool {
        match self {
            Indexed::Found(v) => v.is_true(),
            Indexed::Zero => self.to_value().truth(),
        }
    }
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        match self {
            Indexed::Found(v) => v.write_escaped(out, chain),
            Indexed::Zero => super::apply_or_print(out, chain, &self.to_value()),
        }
    }
    fn write_html(&self, out: &mut String, chain: &[Escaper]) {
        match self {
            Indexed::Found(v) => v.write_html(out, chain),
            Indexed::Zero => super::apply_or_print(out, chain, &self.to_value()),
        }
    }
    fn go_len(&self) -> Option<usize> {
        match self {
            Indexed::Found(v) => v.go_len(),
            Indexed::Zero => None,
        }
    }
    fn go_int(&self) -> Option<i128> {
        match self {
            Indexed::Found(v) => v.go_int(),
            Indexed::Zero => None,
        }
    }
    fn go_str(&self) -> Option<&str> {
        match self {
            Indexed::Found(v) => v.go_str(),
            Indexed::Zero => None,
        }
    }
    fn go_float(&self) -> Option<f64> {
        match self {
            Indexed::Found(v) => v.go_float(),
            Indexed::Zero => None,
        }
    }
}

/// Containers `index` reads natively: slices by integer, maps with string
/// keys by string.
pub trait GoIndex {
    /// The element type.
    type Elem: GoValue;
    /// The element at `key`; `None` when the interpreter must decide (an
    /// index out of range or of another type: Go's error).
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, Self::Elem>>;
}

impl<C: GoIndex + ?Sized> GoIndex for &C {
    type Elem = C::Elem;
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, C::Elem>> {
        (**self).go_index(key)
    }
}

fn slice_index<'a, T, K: GoValue + ?Sized>(s: &'a [T], key: &K) -> Option<Indexed<'a, T>> {
    let i = usize::try_from(key.go_int()?).ok()?;
    s.get(i).map(Indexed::Found)
}

impl<T: GoValue> GoIndex for [T] {
    type Elem = T;
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, T>> {
        slice_index(self, key)
    }
}

impl<T: GoValue> GoIndex for Vec<T> {
    type Elem = T;
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, T>> {
        slice_index(self, key)
    }
}

impl<T: GoValue, const N: usize> GoIndex for [T; N] {
    type Elem = T;
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, T>> {
        slice_index(self, key)
    }
}

impl<V: GoValue> GoIndex for std::collections::BTreeMap<String, V> {
    type Elem = V;
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, V>> {
        Some(
            self.get(key.go_str()?)
                .map_or(Indexed::Zero, Indexed::Found),
        )
    }
}

impl<V: GoValue, S: std::hash::BuildHasher> GoIndex for std::collections::HashMap<String, V, S> {
    type Elem = V;
    fn go_index<K: GoValue + ?Sized>(&self, key: &K) -> Option<Indexed<'_, V>> {
        Some(
            self.get(key.go_str()?)
                .map_or(Indexed::Zero, Indexed::Found),
        )
    }
}

/// `index` of a container and a key, for generated code: containers
/// implementing [`GoIndex`] are indexed natively ([`IndexTyped`]); for any
/// other type ([`IndexAny`]) the interpreter decides. Called as
/// `(&Index(&c, &k)).go_index()` with both traits in scope.
#[derive(Debug)]
pub struct Index<'a, 'k, C: ?Sized, K: ?Sized>(pub &'a C, pub &'k K);

/// See [`Index`]: a container implementing [`GoIndex`].
pub trait IndexTyped<'a> {
    /// The element type.
    type Elem: GoValue;
    /// The element, or `None` for the interpreter.
    fn go_index(&self) -> Option<Indexed<'a, Self::Elem>>;
}

impl<'a, C: GoIndex + ?Sized, K: GoValue + ?Sized> IndexTyped<'a> for Index<'a, '_, C, K> {
    type Elem = C::Elem;
    fn go_index(&self) -> Option<Indexed<'a, C::Elem>> {
        self.0.go_index(self.1)
    }
}

/// See [`Index`]: any other container (always the interpreter).
pub trait IndexAny<'a> {
    /// Always `None`.
    fn go_index(&self) -> Option<Indexed<'a, Value>>;
}

impl<'a, C: ?Sized, K: ?Sized> IndexAny<'a> for &Index<'a, '_, C, K> {
    fn go_index(&self) -> Option<Indexed<'a, Value>> {
        None
    }
}

/// Appends one `printf` verb (`%d`, `%s`, `%v`, `%q`, `%f` with `prec`
/// digits, or `%f` with no precision when `prec` is negative) applied to
/// `v`, exactly as Go's `fmt` does: directly for the usual argument types,
/// through [`crate::gofmt::fprintf`] on the argument's [`Value`] for any
/// other (which prints Go's `%!d(string=x)` for a wrong type).
pub fn printf_verb<T: GoValue + ?Sized>(out: &mut String, verb: u8, prec: i32, v: &T) {
    match verb {
        b'd' | b'v' => {
            if let Some(i) = v.go_int() {
                out.push_str(itoa::Buffer::new().format(i));
                return;
            }
            if verb == b'v'
                && let Some(f) = v.go_float()
            {
                // Go's `%v` of a float: `%g` with the shortest precision.
                crate::gofmt::float::format_float(out, f, b'g', -1);
                return;
            }
            if verb == b'v'
                && let Some(s) = v.go_str()
            {
                out.push_str(s);
                return;
            }
        }
        b's' => {
            if let Some(s) = v.go_str() {
                out.push_str(s);
                return;
            }
        }
        b'q' => {
            if let Some(s) = v.go_str() {
                crate::gofmt::quote::quote_into(out, s, false);
                return;
            }
        }
        b'f' => {
            if let Some(f) = v.go_float().filter(|f| f.is_finite()) {
                let prec = if prec < 0 { 6 } else { i64::from(prec) };
                crate::gofmt::float::format_float(out, f, b'f', prec);
                return;
            }
        }
        _ => {}
    }
    let format = if verb == b'f' && prec >= 0 {
        format!("%.{prec}f")
    } else {
        format!("%{}", char::from(verb))
    };
    crate::gofmt::fprintf(out, &format, std::slice::from_ref(&v.to_value()));
}

/// Escapes for HTML text or a quoted attribute what was appended to `out`
/// from byte `start` on (a `printf` written straight into the output):
/// nothing to do, and no allocation, when it has no special byte.
pub fn escape_html_tail(out: &mut String, start: usize) {
    let Some(tail) = out.get(start..) else {
        return;
    };
    if tail
        .bytes()
        .any(|c| c < 64 && (super::HTML_SPECIAL >> c) & 1 == 1)
    {
        let tail = out.split_off(start);
        super::write_html_str(out, &tail);
    }
}

/// text/template's `evalArgs` (the `html`, `js` and `urlquery` functions):
/// a lone string as is, otherwise `fmt.Sprint` of the arguments with
/// pointers followed and nil printed `<no value>`.
pub fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let vals: Vec<Value> = args
        .iter()
        .map(|a| match a.indirect() {
            Value::Nil => Value::str("<no value>"),
            v => v.clone(),
        })
        .collect();
    crate::gofmt::sprint(&vals)
}

/// The builtin `html` of already converted arguments.
pub fn html_func(args: &[Value]) -> String {
    let mut out = String::new();
    crate::funcs::escapers::html_escape(&mut out, &eval_args(args));
    out
}

/// The builtin `urlquery` of already converted arguments.
pub fn urlquery_func(args: &[Value]) -> String {
    let mut out = String::new();
    crate::funcs::escapers::url_query_escape(&mut out, &eval_args(args));
    out
}

/// The builtin `js` of already converted arguments.
pub fn js_func(args: &[Value]) -> String {
    let mut out = String::new();
    crate::funcs::escapers::js_escape(&mut out, &eval_args(args));
    out
}

/// html/template's `_eval_args_` of already converted arguments.
pub fn eval_args_func(args: &[Value]) -> String {
    crate::escape::eval_args(args)
}

/// The builtin `print` of already converted arguments.
pub fn print_func(args: &[Value]) -> String {
    crate::gofmt::sprint(args)
}

/// A comparison (`op` one of `eq`, `ne`, `lt`, `le`, `gt`, `ge`; `eq`
/// against any of `rest`) by the core's functions; `None` (the
/// interpreter decides) for Go's errors and for pointers (compared by
/// identity, which converted values do not keep).
pub fn compare(op: &str, a: &Value, rest: &[Value]) -> Option<bool> {
    use crate::funcs::compare as c;
    if matches!(a, Value::Ptr(_)) || rest.iter().any(|v| matches!(v, Value::Ptr(_))) {
        return None;
    }
    let b = rest.first();
    let r = match op {
        "eq" => {
            let rest: Vec<Option<&Value>> = rest.iter().map(Some).collect();
            c::eq(Some(a), &rest)
        }
        "ne" => c::ne(Some(a), b),
        "lt" => c::lt(Some(a), b),
        "le" => c::le(Some(a), b),
        "gt" => c::gt(Some(a), b),
        "ge" => c::ge(Some(a), b),
        _ => return None,
    };
    r.ok()
}

/// `printf` with a format the generated code does not split into verbs:
/// Go's `fmt.Sprintf` of the converted arguments.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    crate::gofmt::sprintf(format, args)
}

/// The builtin `html` of one argument (a plain string escaped directly).
pub fn html_one<T: GoValue + ?Sized>(v: &T) -> String {
    match v.go_str() {
        Some(s) => {
            let mut out = String::with_capacity(s.len());
            crate::funcs::escapers::html_escape(&mut out, s);
            out
        }
        None => html_func(std::slice::from_ref(&v.to_value())),
    }
}

/// The builtin `urlquery` of one argument (a plain string escaped directly).
pub fn urlquery_one<T: GoValue + ?Sized>(v: &T) -> String {
    match v.go_str() {
        Some(s) => {
            let mut out = String::with_capacity(s.len());
            crate::funcs::escapers::url_query_escape(&mut out, s);
            out
        }
        None => urlquery_func(std::slice::from_ref(&v.to_value())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast paths of [`printf_verb`] write exactly what Go's `fmt`
    /// (the core's `sprintf`) writes for the same verb and value.
    #[test]
    fn printf_verbs_match_sprintf() {
        fn check<T: GoValue + ?Sized>(v: &T) {
            for (verb, prec, format) in [
                (b'd', -1, "%d"),
                (b's', -1, "%s"),
                (b'v', -1, "%v"),
                (b'q', -1, "%q"),
                (b'f', -1, "%f"),
                (b'f', 0, "%.0f"),
                (b'f', 1, "%.1f"),
                (b'f', 2, "%.2f"),
                (b'f', 12, "%.12f"),
            ] {
                let mut fast = String::new();
                printf_verb(&mut fast, verb, prec, v);
                let slow = crate::gofmt::sprintf(format, &[v.to_value()]);
                assert_eq!(fast, slow, "{format} of {:?}", v.to_value());
            }
        }
        for f in [
            0.0,
            -0.0,
            1.5,
            2.25,
            2.675,
            -1.005,
            79.25,
            1e21,
            1e-7,
            123456789.125,
            0.1 + 0.2,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            check(&f);
            check(&(f as f32));
        }
        for i in [0i64, 7, -7, i64::MAX, i64::MIN] {
            check(&i);
        }
        check(&u64::MAX);
        check(&3u8);
        for s in ["", "plain", "a\"b\\c", "é\u{7f}\n\t", "\u{fffd}"] {
            check(s);
            check(&s.to_string());
        }
        check(&true);
        check(&Some(3i64));
        check(&None::<i64>);
        check(&Value::Int(4));
        check(&Value::str("v"));
        check(&vec![1i64, 2]);
    }

    #[test]
    fn escaping_a_tail_in_place_matches_the_string_path() {
        for s in ["", "plain 1.50", "a<b&c>\"d'e+f\0", "é+"] {
            let mut direct = String::from("<kept>");
            direct.push_str(s);
            escape_html_tail(&mut direct, 6);
            let mut via = String::from("<kept>");
            s.write_html(&mut via, &[Escaper::HtmlEscaper]);
            assert_eq!(direct, via, "{s:?}");
        }
    }

    #[test]
    fn eval_args_and_one_argument_forms_agree() {
        for v in [
            Value::str("a b&<c>/é?"),
            Value::Int(3),
            Value::Nil,
            Value::ptr(Value::str("p q")),
        ] {
            let one = std::slice::from_ref(&v);
            assert_eq!(html_one(&v), html_func(one));
            assert_eq!(urlquery_one(&v), urlquery_func(one));
        }
        assert_eq!(eval_args(&[Value::Nil, Value::Int(1)]), "<no value>1");
        assert_eq!(eval_args(&[Value::Int(2), Value::Int(1)]), "2 1");
        assert_eq!(eval_args(&[Value::str("a"), Value::str("b")]), "ab");
    }
}
