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
