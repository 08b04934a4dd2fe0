//! The dynamic value model: Go's kinds as seen by `text/template`.
//!
//! Composite values are reference counted so that cloning a value (as the
//! interpreter does when it binds `.` or a variable) is O(1).
//!
//! * Input: [`Value::from_json`] / [`Value::from_json_untyped`] (the Go
//!   oracle's JSON conventions) and [`Value::from_serialize`] (any
//!   `serde::Serialize`; see the mapping table in the `ser` module docs).
//! * Go semantics: [`Value::type_of`] with `Display` for [`Type`] printing
//!   `%T` names, [`Type::zero`], [`Value::truth`] (`isTrue`),
//!   [`Value::len`], [`Value::indirect`], map lookups in Go's key order
//!   ([`MapValue::get`], [`MapValue::get_str`], [`compare_keys`]) and
//!   struct fields by name ([`StructValue::field`]).
//! * Printing lives in [`crate::gofmt`]; `Display` for [`Value`] is `%v`.

use std::sync::Arc;

/// The html/template safe-content string types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SafeKind {
    /// `template.HTML`
    Html,
    /// `template.CSS`
    Css,
    /// `template.JS`
    Js,
    /// `template.JSStr`
    JsStr,
    /// `template.URL`
    Url,
    /// `template.HTMLAttr`
    HtmlAttr,
    /// `template.Srcset`
    Srcset,
}

/// A Go type, as far as templates can observe it (zero values, `%T`,
/// comparison rules).
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `interface{}` (`any`).
    Any,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `uint`
    Uint,
    /// `float64`
    Float,
    /// `complex128`
    Complex,
    /// `string`
    String,
    /// One of the html/template string types.
    Safe(SafeKind),
    /// `[]T`
    Slice(Arc<Type>),
    /// `map[K]V`
    Map(Arc<Type>, Arc<Type>),
    /// A struct type.
    Struct(Arc<StructType>),
    /// `*T`
    Ptr(Arc<Type>),
}

/// The shape of a struct type: its (exported) fields in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct StructType {
    /// Type name when known (Rust struct name); `None` for an anonymous struct.
    pub name: Option<String>,
    /// Field names and types in order.
    pub fields: Vec<(String, Type)>,
}

/// A Go value. `==` is structural equality (used by the diff), not Go's `eq`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Untyped nil / a nil interface / "no value" (an invalid `reflect.Value`).
    Nil,
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i64),
    /// `uint`
    Uint(u64),
    /// `float64`
    Float(f64),
    /// `complex128`: real and imaginary parts (a template's complex
    /// constant such as `1+2i`).
    Complex(f64, f64),
    /// `string`
    String(Arc<str>),
    /// A safe-content string (`template.HTML` etc.).
    Safe(SafeKind, Arc<str>),
    /// A slice.
    Slice(Arc<SliceValue>),
    /// A map; entries are kept sorted by key (Go's iteration order in templates).
    Map(Arc<MapValue>),
    /// A struct.
    Struct(Arc<StructValue>),
    /// A non-nil pointer.
    Ptr(Arc<Value>),
    /// A typed nil pointer `(*T)(nil)`; holds `T`.
    NilPtr(Type),
}

/// A slice value: element type and items.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceValue {
    /// Element type.
    pub elem: Type,
    /// Items.
    pub items: Vec<Value>,
}

/// A map value: key and element types and entries sorted by key.
#[derive(Debug, Clone, PartialEq)]
pub struct MapValue {
    /// Key type.
    pub key: Type,
    /// Element type.
    pub elem: Type,
    /// Entries, sorted by key with Go's key order (numbers numerically, strings bytewise).
    pub entries: Vec<(Value, Value)>,
}

/// A struct value.
#[derive(Debug, Clone, PartialEq)]
pub struct StructValue {
    /// Its type.
    pub ty: Arc<StructType>,
    /// Field values in the order of `ty.fields`.
    pub fields: Vec<Value>,
}

mod json;
mod order;
mod ser;

pub use order::compare_keys;

use std::cmp::Ordering;
use std::fmt;

impl SafeKind {
    /// Go's name of the type, as `%T` prints it (`template.HTML`, ...).
    pub fn type_name(self) -> &'static str {
        match self {
            SafeKind::Html => "template.HTML",
            SafeKind::Css => "template.CSS",
            SafeKind::Js => "template.JS",
            SafeKind::JsStr => "template.JSStr",
            SafeKind::Url => "template.URL",
            SafeKind::HtmlAttr => "template.HTMLAttr",
            SafeKind::Srcset => "template.Srcset",
        }
    }
}

/// Prints the type the way Go's `%T` (`reflect.Type.String`) does:
/// `int`, `[]interface {}`, `map[string]int`, `*int`, `template.HTML`,
/// `struct { A int; B string }`. A named struct prints its bare name (Go
/// would add the package, as in `main.User`; Rust types have none).
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("interface {}"),
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Uint => f.write_str("uint"),
            Type::Float => f.write_str("float64"),
            Type::Complex => f.write_str("complex128"),
            Type::String => f.write_str("string"),
            Type::Safe(k) => f.write_str(k.type_name()),
            Type::Slice(e) => write!(f, "[]{e}"),
            Type::Map(k, v) => write!(f, "map[{k}]{v}"),
            Type::Ptr(e) => write!(f, "*{e}"),
            Type::Struct(st) => {
                if let Some(name) = &st.name {
                    return f.write_str(name);
                }
                if st.fields.is_empty() {
                    return f.write_str("struct {}");
                }
                f.write_str("struct {")?;
                for (i, (name, ty)) in st.fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(";")?;
                    }
                    write!(f, " {name} {ty}")?;
                }
                f.write_str(" }")
            }
        }
    }
}

impl Type {
    /// Go's zero value of the type: `0`, `""`, `false`, an empty slice or
    /// map (Go's nil slice and nil map print like empty ones), a struct of
    /// zero fields, a typed nil pointer, and untyped nil for `interface{}`.
    pub fn zero(&self) -> Value {
        match self {
            Type::Any => Value::Nil,
            Type::Bool => Value::Bool(false),
            Type::Int => Value::Int(0),
            Type::Uint => Value::Uint(0),
            Type::Float => Value::Float(0.0),
            Type::Complex => Value::Complex(0.0, 0.0),
            Type::String => Value::String(Arc::from("")),
            Type::Safe(k) => Value::Safe(*k, Arc::from("")),
            Type::Slice(e) => Value::Slice(Arc::new(SliceValue {
                elem: (**e).clone(),
                items: Vec::new(),
            })),
            Type::Map(k, e) => Value::Map(Arc::new(MapValue {
                key: (**k).clone(),
                elem: (**e).clone(),
                entries: Vec::new(),
            })),
            Type::Struct(st) => Value::Struct(Arc::new(StructValue {
                ty: st.clone(),
                fields: st.fields.iter().map(|(_, t)| t.zero()).collect(),
            })),
            Type::Ptr(e) => Value::NilPtr((**e).clone()),
        }
    }

    /// `[]elem`
    pub fn slice_of(elem: Type) -> Type {
        Type::Slice(Arc::new(elem))
    }

    /// `map[key]elem`
    pub fn map_of(key: Type, elem: Type) -> Type {
        Type::Map(Arc::new(key), Arc::new(elem))
    }

    /// `*elem`
    pub fn ptr_to(elem: Type) -> Type {
        Type::Ptr(Arc::new(elem))
    }

    /// Whether values of this type have Go kind `string` (plain strings and
    /// the safe-content types).
    pub fn is_string_kind(&self) -> bool {
        matches!(self, Type::String | Type::Safe(_))
    }
}

impl StructType {
    /// An anonymous struct type with the given fields.
    pub fn anonymous(fields: Vec<(String, Type)>) -> Self {
        StructType { name: None, fields }
    }

    /// Index of the field called `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|(n, _)| crate::bytes::str_eq(n, name))
    }
}

impl StructValue {
    /// The value of the field called `name`.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.ty.field_index(name).and_then(|i| self.fields.get(i))
    }
}

impl MapValue {
    /// A map of the given types; `entries` are sorted in Go's key order and
    /// for duplicate keys the last entry wins (as repeated assignment would).
    pub fn new(key: Type, elem: Type, mut entries: Vec<(Value, Value)>) -> Self {
        // A stable sort keeps duplicates in insertion order; keep the last.
        entries.sort_by(|a, b| compare_keys(&a.0, &b.0));
        let mut out: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if compare_keys(&last.0, &k) == Ordering::Equal => *last = (k, v),
                _ => out.push((k, v)),
            }
        }
        MapValue {
            key,
            elem,
            entries: out,
        }
    }

    /// The element for `key` (binary search in the sorted entries).
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.entries
            .binary_search_by(|(k, _)| compare_keys(k, key))
            .ok()
            .map(|i| &self.entries[i].1)
    }

    /// The element for the string key `key` (for maps keyed by a string
    /// kind); no allocation.
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        // Small maps (most template data): a scan that rejects on length
        // first beats the binary search's ordered comparisons.
        if self.entries.len() <= 16 {
            return self
                .entries
                .iter()
                .find(|(k, _)| matches!(k, Value::String(s) if crate::bytes::str_eq(s, key)))
                .map(|(_, v)| v);
        }
        self.entries
            .binary_search_by(|(k, _)| match k {
                Value::String(s) => crate::bytes::cmp(s.as_bytes(), key.as_bytes()),
                other => order::rank(other).cmp(&order::STRING_RANK),
            })
            .ok()
            .map(|i| &self.entries[i].1)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// A `string` value.
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// A safe-content string value (`template.HTML` etc.).
    pub fn safe(kind: SafeKind, s: &str) -> Value {
        Value::Safe(kind, Arc::from(s))
    }

    /// A slice `[]elem` holding `items`.
    pub fn slice(elem: Type, items: Vec<Value>) -> Value {
        Value::Slice(Arc::new(SliceValue { elem, items }))
    }

    /// A slice whose element type is the common type of `items` (as the
    /// JSON decoding does: `[]int` when all items are `int`, else
    /// `[]interface {}`).
    pub fn list(items: Vec<Value>) -> Value {
        let elem = Value::common_type(&items);
        Value::slice(elem, items)
    }

    /// A map `map[key]elem`; entries are sorted, the last duplicate wins.
    pub fn map(key: Type, elem: Type, entries: Vec<(Value, Value)>) -> Value {
        Value::Map(Arc::new(MapValue::new(key, elem, entries)))
    }

    /// A `map[string]T` with `T` the common type of the values.
    pub fn string_map<K: AsRef<str>>(entries: Vec<(K, Value)>) -> Value {
        let elem = common_type_of(entries.iter().map(|(_, v)| v));
        let entries = entries
            .into_iter()
            .map(|(k, v)| (Value::str(k.as_ref()), v))
            .collect();
        Value::map(Type::String, elem, entries)
    }

    /// A struct value. Missing trailing fields get their zero value and
    /// surplus values are dropped, so the value always matches `ty`.
    pub fn structure(ty: Arc<StructType>, mut fields: Vec<Value>) -> Value {
        fields.truncate(ty.fields.len());
        for (_, t) in &ty.fields[fields.len()..] {
            fields.push(t.zero());
        }
        Value::Struct(Arc::new(StructValue { ty, fields }))
    }

    /// A non-nil pointer to `v`.
    pub fn ptr(v: Value) -> Value {
        Value::Ptr(Arc::new(v))
    }

    /// The common element type of `items`: their type when all have the
    /// same one (and none is untyped nil), else `interface {}`.
    pub fn common_type(items: &[Value]) -> Type {
        common_type_of(items.iter())
    }

    /// The value's dynamic Go type. Untyped nil has no type; it reports
    /// `interface {}`.
    pub fn type_of(&self) -> Type {
        match self {
            Value::Nil => Type::Any,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Uint(_) => Type::Uint,
            Value::Float(_) => Type::Float,
            Value::Complex(..) => Type::Complex,
            Value::String(_) => Type::String,
            Value::Safe(k, _) => Type::Safe(*k),
            Value::Slice(s) => Type::Slice(Arc::new(s.elem.clone())),
            Value::Map(m) => Type::Map(Arc::new(m.key.clone()), Arc::new(m.elem.clone())),
            Value::Struct(s) => Type::Struct(s.ty.clone()),
            Value::Ptr(v) => Type::Ptr(Arc::new(v.type_of())),
            Value::NilPtr(t) => Type::Ptr(Arc::new(t.clone())),
        }
    }

    /// Whether the value's type equals `ty`, without building the type.
    pub fn has_type(&self, ty: &Type) -> bool {
        match (self, ty) {
            (Value::Bool(_), Type::Bool)
            | (Value::Int(_), Type::Int)
            | (Value::Uint(_), Type::Uint)
            | (Value::Float(_), Type::Float)
            | (Value::Complex(..), Type::Complex)
            | (Value::String(_), Type::String) => true,
            (Value::Safe(a, _), Type::Safe(b)) => a == b,
            (Value::Slice(s), Type::Slice(e)) => s.elem == **e,
            (Value::Map(m), Type::Map(k, e)) => m.key == **k && m.elem == **e,
            (Value::Struct(s), Type::Struct(t)) => Arc::ptr_eq(&s.ty, t) || *s.ty == **t,
            (Value::Ptr(v), Type::Ptr(e)) => v.has_type(e),
            (Value::NilPtr(t), Type::Ptr(e)) => *t == **e,
            _ => false,
        }
    }

    /// Go text/template's truth (`isTrue`): false for untyped nil, `false`,
    /// zero numbers, empty strings, slices and maps, and nil pointers; true
    /// for everything else, including every struct and non-nil pointer.
    pub fn truth(&self) -> bool {
        match self {
            Value::Nil | Value::NilPtr(_) => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::Complex(re, im) => *re != 0.0 || *im != 0.0,
            Value::String(s) | Value::Safe(_, s) => !s.is_empty(),
            Value::Slice(s) => !s.items.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::Struct(_) | Value::Ptr(_) => true,
        }
    }

    /// Go's `len` for the kinds that have one: strings (in bytes), slices
    /// and maps. `None` for other kinds (pointers are not followed).
    pub fn len(&self) -> Option<usize> {
        match self {
            Value::String(s) | Value::Safe(_, s) => Some(s.len()),
            Value::Slice(s) => Some(s.items.len()),
            Value::Map(m) => Some(m.entries.len()),
            _ => None,
        }
    }

    /// `Some(true)` when [`Value::len`] is `Some(0)`.
    pub fn is_empty(&self) -> Option<bool> {
        self.len().map(|n| n == 0)
    }

    /// Follows pointers like Go's `indirect`: the first value that is not
    /// a non-nil pointer (so a nil pointer is returned as itself).
    pub fn indirect(&self) -> &Value {
        let mut v = self;
        while let Value::Ptr(inner) = v {
            v = inner;
        }
        v
    }

    /// Whether this is untyped nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string of a `string` or safe-content value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Safe(_, s) => Some(s),
            _ => None,
        }
    }

    /// The `bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The `int`.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The `uint`.
    pub fn as_uint(&self) -> Option<u64> {
        match self {
            Value::Uint(u) => Some(*u),
            _ => None,
        }
    }

    /// The `float64`.
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The slice.
    pub fn as_slice(&self) -> Option<&SliceValue> {
        match self {
            Value::Slice(s) => Some(s),
            _ => None,
        }
    }

    /// The map.
    pub fn as_map(&self) -> Option<&MapValue> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The struct.
    pub fn as_struct(&self) -> Option<&StructValue> {
        match self {
            Value::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// A struct's field by name.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.as_struct().and_then(|s| s.field(name))
    }

    /// A map's element by key.
    pub fn map_get(&self, key: &Value) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// A string-keyed map's element by key.
    pub fn map_get_str(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get_str(key))
    }
}

fn common_type_of<'a>(mut items: impl Iterator<Item = &'a Value>) -> Type {
    let Some(first) = items.next() else {
        return Type::Any;
    };
    if first.is_nil() {
        return Type::Any;
    }
    let ty = first.type_of();
    for v in items {
        if !v.has_type(&ty) {
            return Type::Any;
        }
    }
    ty
}

/// Go's `%v` (see [`crate::gofmt::write_value`]).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        crate::gofmt::write_value(&mut s, self);
        f.write_str(&s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<u64> for Value {
    fn from(u: u64) -> Self {
        Value::Uint(u)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Arc::from(s))
    }
}

impl From<Vec<Value>> for Value {
    /// A slice with the items' common element type.
    fn from(items: Vec<Value>) -> Self {
        Value::list(items)
    }
}

#[cfg(test)]
mod tests;
