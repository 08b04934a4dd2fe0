//! Turning a pipeline value into the string an escaper works on (Go's
//! `stringify`, `indirect` and `evalArgs`).

use std::borrow::Cow;

use super::attr::ContentType;
use crate::value::{SafeKind, Value};

/// Follows pointers to the value they point at (stops at a nil pointer).
pub(crate) fn indirect(mut v: &Value) -> &Value {
    while let Value::Ptr(p) = v {
        v = p;
    }
    v
}

/// The content type of a safe-content kind.
pub(crate) fn safe_content_type(k: SafeKind) -> ContentType {
    match k {
        SafeKind::Html => ContentType::Html,
        SafeKind::Css => ContentType::Css,
        SafeKind::Js => ContentType::Js,
        SafeKind::JsStr => ContentType::JsStr,
        SafeKind::Url => ContentType::Url,
        SafeKind::HtmlAttr => ContentType::HtmlAttr,
        SafeKind::Srcset => ContentType::Srcset,
    }
}

/// Go's `stringify` for a single argument: a (pointer to a) string or
/// safe-content string keeps its type; nil prints as nothing; anything
/// else is formatted with `fmt.Sprint` after following pointers.
pub(crate) fn stringify(v: &Value) -> (Cow<'_, str>, ContentType) {
    match indirect(v) {
        Value::String(s) => (Cow::Borrowed(&**s), ContentType::Plain),
        Value::Safe(k, s) => (Cow::Borrowed(&**s), safe_content_type(*k)),
        Value::Nil => (Cow::Borrowed(""), ContentType::Plain),
        other => (Cow::Owned(sprint1(other)), ContentType::Plain),
    }
}

/// Calls `f` with what [`stringify`] returns for `v`, formatting integers
/// and booleans on the stack instead of in a new `String`.
pub(crate) fn with_text<R>(v: &Value, f: impl FnOnce(&str, ContentType) -> R) -> R {
    match indirect(v) {
        Value::Int(i) => {
            let mut buf = [0u8; 20];
            f(
                format_u64(&mut buf, i.unsigned_abs(), *i < 0),
                ContentType::Plain,
            )
        }
        Value::Uint(u) => {
            let mut buf = [0u8; 20];
            f(format_u64(&mut buf, *u, false), ContentType::Plain)
        }
        Value::Bool(b) => f(if *b { "true" } else { "false" }, ContentType::Plain),
        _ => {
            let (s, t) = stringify(v);
            f(&s, t)
        }
    }
}

/// `n` in decimal (with a leading `-` when `neg`), written at the end of
/// `buf`; the result borrows `buf`.
fn format_u64(buf: &mut [u8; 20], mut n: u64, neg: bool) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// html/template's `evalArgs` (the `_eval_args_` function): `fmt.Sprint`
/// of the arguments with pointers followed; a lone string is returned as is.
pub fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let derefed: Vec<Value> = args.iter().map(|a| indirect(a).clone()).collect();
    crate::gofmt::sprint(&derefed)
}

/// text/template's `evalArgs` for one argument (used by the predefined
/// `html` and `urlquery` functions): a string as is, nil as `<no value>`.
pub(crate) fn text_eval_arg(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(&**s),
        Value::Nil => Cow::Borrowed("<no value>"),
        other => Cow::Owned(sprint1(indirect(other))),
    }
}

/// `fmt.Sprint(v)`.
pub(crate) fn sprint1(v: &Value) -> String {
    crate::gofmt::sprint(std::slice::from_ref(v))
}
