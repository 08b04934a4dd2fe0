//! The dynamic value model: Go's kinds as seen by `text/template`.
//!
//! Composite values are reference counted so that cloning a value (as the
//! interpreter does when it binds `.` or a variable) is O(1).

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
