//! JSON → [`Value`], following the Go oracle's conventions exactly.
//!
//! * The number literal decides the type: no `.`, `e` or `E` and fits in
//!   int64 → `int`; anything else → `float64`.
//! * Arrays and objects get the common element type of their items (`[1,2]`
//!   is `[]int`, `{"a":1}` is `map[string]int`), else `interface {}`; in
//!   untyped mode always `interface {}`.
//! * `null` is untyped nil.
//! * Single-key objects whose key starts with `$` are typed values:
//!   `$struct` (fields in document order), `$html`, `$css`, `$js`, `$jsstr`,
//!   `$url`, `$attr`, `$srcset`, `$uint`, `$int`, `$float`, `$ptr`,
//!   `$nilptr` (a nil `*int`) and `$nil`.

use super::{SafeKind, StructType, Type, Value};
use crate::error::{Error, ErrorKind};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::sync::Arc;

impl Value {
    /// Decodes JSON data the way the Go oracle does (typed collections).
    /// Empty (or all-whitespace) input is untyped nil. Errors have kind
    /// [`ErrorKind::Data`] and name the data path, as in
    /// `data.items[3].$uint: $uint needs an unsigned integer, got -1`.
    pub fn from_json(text: &str) -> Result<Value, Error> {
        decode(text, true)
    }

    /// Like [`Value::from_json`] but every array is `[]interface {}` and
    /// every object `map[string]interface {}` (the oracle's `"untyped"`).
    pub fn from_json_untyped(text: &str) -> Result<Value, Error> {
        decode(text, false)
    }
}

fn decode(text: &str, typed: bool) -> Result<Value, Error> {
    if text
        .trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
        .is_empty()
    {
        return Ok(Value::Nil);
    }
    let text = drop_negative_integer_zero(text);
    let node: Node = serde_json::from_str(&text)
        .map_err(|e| Error::new(ErrorKind::Data, format!("data: invalid JSON: {e}")))?;
    convert(&node, typed).map_err(|e| e.into_error())
}

/// serde_json reads the literal `-0` as the float `-0.0`, but Go's rule
/// makes it the int `0`. Dropping the sign of that literal (outside strings)
/// gives exactly Go's value. Allocates only when such a literal occurs.
fn drop_negative_integer_zero(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut cuts = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'-' if !in_string
                && b.get(i + 1) == Some(&b'0')
                && !matches!(b.get(i + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9')) =>
            {
                cuts.push(i)
            }
            _ => {}
        }
        i += 1;
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in cuts {
        out.push_str(&text[last..c]);
        last = c + 1;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// An order-preserving JSON tree that keeps duplicate keys and the kind of
/// number literal.
enum Node {
    Null,
    Bool(bool),
    /// A non-negative integer literal that fits in u64.
    U64(u64),
    /// A negative integer literal that fits in i64.
    I64(i64),
    /// Any other number.
    F64(f64),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Node, E> {
        Ok(Node::U64(u))
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Node, E> {
        Ok(Node::I64(i))
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Node, E> {
        Ok(Node::F64(f))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
        Ok(Node::Str(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Node, E> {
        Ok(Node::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element()? {
            items.push(n);
        }
        Ok(Node::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            entries.push((k, v));
        }
        Ok(Node::Obj(entries))
    }
}

/// An error with its data path, built from the inside out.
pub(super) struct PathError {
    /// Path segments, innermost first (`[3]`, `.items`).
    segs: Vec<String>,
    msg: String,
}

impl PathError {
    pub(super) fn new(msg: impl Into<String>) -> Self {
        PathError {
            segs: Vec::new(),
            msg: msg.into(),
        }
    }

    pub(super) fn at_index(mut self, i: usize) -> Self {
        self.segs.push(format!("[{i}]"));
        self
    }

    pub(super) fn at_key(mut self, key: &str) -> Self {
        self.segs.push(key_segment(key));
        self
    }

    pub(super) fn at_segment(mut self, seg: String) -> Self {
        self.segs.push(seg);
        self
    }

    pub(super) fn into_error(self) -> Error {
        let mut path = String::from("data");
        for s in self.segs.iter().rev() {
            path.push_str(s);
        }
        Error::new(ErrorKind::Data, format!("{path}: {}", self.msg))
    }
}

/// `.key` for identifier-like keys (optionally `$`-prefixed), else `["key"]`.
pub(super) fn key_segment(key: &str) -> String {
    let body = key.strip_prefix('$').unwrap_or(key);
    let ident = !body.is_empty()
        && !body.starts_with(|c: char| c.is_ascii_digit())
        && body.chars().all(|c| c == '_' || c.is_alphanumeric());
    if ident {
        format!(".{key}")
    } else {
        format!("[{}]", serde_json::to_string(key).unwrap_or_default())
    }
}

fn number(n: &Node) -> Option<Value> {
    Some(match *n {
        Node::U64(u) => match i64::try_from(u) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(u as f64),
        },
        Node::I64(i) => Value::Int(i),
        Node::F64(f) => Value::Float(f),
        _ => return None,
    })
}

fn convert(n: &Node, typed: bool) -> Result<Value, PathError> {
    Ok(match n {
        Node::Null => Value::Nil,
        Node::Bool(b) => Value::Bool(*b),
        Node::Str(s) => Value::str(s),
        Node::U64(_) | Node::I64(_) | Node::F64(_) => number(n).unwrap_or(Value::Nil),
        Node::Arr(items) => {
            let vals = items
                .iter()
                .enumerate()
                .map(|(i, c)| convert(c, typed).map_err(|e| e.at_index(i)))
                .collect::<Result<Vec<_>, _>>()?;
            let elem = if typed {
                Value::common_type(&vals)
            } else {
                Type::Any
            };
            Value::slice(elem, vals)
        }
        Node::Obj(entries) => {
            if let [(key, val)] = entries.as_slice() {
                if key.starts_with('$') {
                    return special(key, val, typed).map_err(|e| e.at_key(key));
                }
            }
            let vals = entries
                .iter()
                .map(|(k, c)| convert(c, typed).map_err(|e| e.at_key(k)))
                .collect::<Result<Vec<_>, _>>()?;
            let elem = if typed {
                Value::common_type(&vals)
            } else {
                Type::Any
            };
            let pairs = entries
                .iter()
                .zip(vals)
                .map(|((k, _), v)| {
                    // A nil in a typed map is impossible: nil forces interface {}.
                    (Value::str(k), v)
                })
                .collect();
            Value::map(Type::String, elem, pairs)
        }
    })
}

fn kind_name(n: &Node) -> &'static str {
    match n {
        Node::Null => "null",
        Node::Bool(_) => "bool",
        Node::U64(_) | Node::I64(_) | Node::F64(_) => "number",
        Node::Str(_) => "string",
        Node::Arr(_) => "array",
        Node::Obj(_) => "object",
    }
}

fn special(key: &str, n: &Node, typed: bool) -> Result<Value, PathError> {
    let safe = match key {
        "$html" => Some(SafeKind::Html),
        "$css" => Some(SafeKind::Css),
        "$js" => Some(SafeKind::Js),
        "$jsstr" => Some(SafeKind::JsStr),
        "$url" => Some(SafeKind::Url),
        "$attr" => Some(SafeKind::HtmlAttr),
        "$srcset" => Some(SafeKind::Srcset),
        _ => None,
    };
    if let Some(kind) = safe {
        return match n {
            Node::Str(s) => Ok(Value::safe(kind, s)),
            other => Err(PathError::new(format!(
                "{key} needs a string, got {}",
                kind_name(other)
            ))),
        };
    }
    match key {
        "$uint" | "$int" | "$float" => {
            let bad =
                |what: &str| PathError::new(format!("{key} needs {what}, got {}", show_number(n)));
            match (key, n) {
                (_, Node::Null | Node::Bool(_) | Node::Str(_) | Node::Arr(_) | Node::Obj(_)) => {
                    Err(PathError::new(format!(
                        "{key} needs a number, got {}",
                        kind_name(n)
                    )))
                }
                ("$uint", Node::U64(u)) => Ok(Value::Uint(*u)),
                ("$uint", _) => Err(bad("an unsigned integer")),
                ("$int", Node::U64(u)) => i64::try_from(*u)
                    .map(Value::Int)
                    .map_err(|_| bad("an int64")),
                ("$int", Node::I64(i)) => Ok(Value::Int(*i)),
                ("$int", _) => Err(bad("an integer")),
                (_, Node::U64(u)) => Ok(Value::Float(*u as f64)),
                (_, Node::I64(i)) => Ok(Value::Float(*i as f64)),
                (_, Node::F64(f)) => Ok(Value::Float(*f)),
            }
        }
        "$ptr" => {
            let v = convert(n, typed)?;
            if v.is_nil() {
                return Err(PathError::new("$ptr of null"));
            }
            Ok(Value::ptr(v))
        }
        "$nilptr" => Ok(Value::NilPtr(Type::Int)),
        "$nil" => Ok(Value::Nil),
        "$struct" => {
            let Node::Obj(entries) = n else {
                return Err(PathError::new(format!(
                    "$struct needs an object, got {}",
                    kind_name(n)
                )));
            };
            let mut fields: Vec<(String, Type)> = Vec::with_capacity(entries.len());
            let mut vals = Vec::with_capacity(entries.len());
            for (k, c) in entries {
                if !is_exported_ident(k) {
                    return Err(PathError::new(format!(
                        "$struct field {} is not an exported identifier",
                        serde_json::to_string(k).unwrap_or_default()
                    )));
                }
                if fields.iter().any(|(f, _)| f == k) {
                    return Err(PathError::new(format!("$struct has duplicate field {k}")));
                }
                let v = convert(c, typed).map_err(|e| e.at_key(k))?;
                let t = if v.is_nil() { Type::Any } else { v.type_of() };
                fields.push((k.clone(), t));
                vals.push(v);
            }
            Ok(Value::structure(
                Arc::new(StructType::anonymous(fields)),
                vals,
            ))
        }
        _ => Err(PathError::new(format!(
            "unknown typed value {}",
            serde_json::to_string(key).unwrap_or_default()
        ))),
    }
}

fn show_number(n: &Node) -> String {
    match n {
        Node::U64(u) => u.to_string(),
        Node::I64(i) => i.to_string(),
        Node::F64(f) => f.to_string(),
        _ => String::new(),
    }
}

/// A Go exported identifier: an upper-case letter, then letters, digits, `_`.
fn is_exported_ident(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_uppercase())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}
