//! Runtime support for compile-time (typed) templates.
//!
//! `#[derive(LiveTemplate)]` (crate `livetemplate-macros`) parses, escapes
//! and compiles a template at build time and generates Rust code that reads
//! the struct's fields directly. The generated code relies on this module
//! only (re-exported as `::livetemplate::typed`):
//!
//! * [`GoValue`]: how a Rust value looks to a template: its Go [`Value`]
//!   (used for everything beyond plain printing, so `%v`, `printf`, `eq`
//!   and the escapers have one implementation), its truth, its type, and a
//!   fast path to print it escaped.
//! * [`GoRange`]: what `{{range}}` iterates (slices, `Vec`, arrays, maps in
//!   Go's key order, `Option` as a nil-able pointer).
//! * Safe-content newtypes [`Html`], [`Css`], [`Js`], [`JsStr`], [`Url`],
//!   [`HtmlAttr`], [`Srcset`] (Go's `template.HTML` etc.).
//! * [`LiveTemplate`]: the trait the derive implements (HTML, [`Rendered`]
//!   trees, first render and change-tracked diffs).
//! * [`native`]: builtin calls the generated code evaluates itself (`and`/`or`
//!   choosing an operand of either type, `index`, `printf` verbs, the
//!   escaping functions).
//! * [`Fallback`]: the template re-compiled at run time (once, lazily) so
//!   that pipelines the generated code does not compile (and Go's errors)
//!   are evaluated by the same interpreter as the dynamic path.
//! * [`field`]: how fields of nested structs (range items, `.A.B`) are
//!   read, so that a misspelt one is a compile error naming the template
//!   position.

pub mod field;
pub mod native;

pub use native::{Either, GoIndex, Indexed};

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use crate::error::Error;
use crate::error::Result;
use crate::escape::{Escaper, apply_chain_into, apply_chain_str_into};
use crate::exec::Exec;
use crate::parse::ast::{Node, Pipeline};
use crate::program::{Op, Program, Slot};
use crate::template::{Mode, Template};
use crate::value::{SafeKind, StructType, Type, Value};
use crate::wire::{self, Comprehension, Dyn, Item, Rendered, Statics};

/// Paths the generated code uses, so that it never depends on the user's
/// prelude (it works under `#![no_implicit_prelude]` and a shadowed `core`).
#[doc(hidden)]
pub mod rt {
    pub use crate::escape::Escaper;
    pub use crate::funcs::compare;
    pub use crate::value::{StructType, Type, Value};
    pub use crate::wire::{Comprehension, Dyn, Item, Rendered, Statics};
    pub use std::boxed::Box;
    pub use std::clone::Clone;
    pub use std::cmp::PartialEq;
    pub use std::iter::{IntoIterator, Iterator};
    pub use std::marker::Sized;
    pub use std::mem::{replace, take};
    pub use std::option::Option::{self, None, Some};
    pub use std::result::Result::{self, Err, Ok};
    pub use std::string::String;
    pub use std::sync::atomic::{AtomicUsize, Ordering};
    pub use std::sync::{Arc, LazyLock};
    pub use std::vec::Vec;
    pub use std::{include_str, vec};
}

/// A Rust value as seen by a template.
pub trait GoValue {
    /// What the value points to when followed like a Go pointer (itself
    /// for everything but `Option`, references and smart pointers).
    type Deref: GoValue + ?Sized;

    /// Follows the value like Go follows a pointer in `with` and field
    /// chains: `None` for a nil pointer (`Option::None`).
    fn go_deref(&self) -> Option<&Self::Deref>;

    /// The Go type of values of this type (element types of slices and
    /// maps, field types of structs).
    fn go_type() -> Type
    where
        Self: Sized,
    {
        Type::Any
    }

    /// The value as a Go [`Value`].
    fn to_value(&self) -> Value;

    /// Go's truth (`if`, `with`, `and`, `or`, `not`): false for zero
    /// numbers, `false`, empty strings, slices and maps, nil.
    fn is_true(&self) -> bool {
        self.to_value().truth()
    }

    /// Appends the value printed (`%v`) and escaped by `chain` (an empty
    /// chain is text/template printing), exactly as the interpreter does.
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        let v = self.to_value();
        if chain.is_empty() {
            crate::gofmt::write_printable(out, &v);
        } else {
            apply_chain_into(out, chain, &v);
        }
    }

    /// [`GoValue::write_escaped`] when `chain` is known (at build time) to
    /// be one of the HTML escapers that leave digits, signs and letters
    /// alone (`HtmlEscaper`, `AttrEscaper`, `RcdataEscaper`): integers
    /// and booleans are written straight into `out`, strings escaped by
    /// byte scanning, with no [`Value`] in between.
    fn write_html(&self, out: &mut String, chain: &[Escaper]) {
        self.write_escaped(out, chain)
    }

    /// Go's `len` of the value when it has one (strings, slices, arrays,
    /// maps); `None` lets the interpreter decide (and report Go's error).
    fn go_len(&self) -> Option<usize> {
        None
    }

    /// The value of a Go integer (signed or unsigned kind), for typed
    /// comparisons (`eq`, `lt`, ... compare integers of both signs by
    /// value); `None` for anything else.
    fn go_int(&self) -> Option<i128> {
        None
    }

    /// The value of a plain Go string, for typed comparisons; `None` for
    /// anything else.
    fn go_str(&self) -> Option<&str> {
        None
    }

    /// The value of a Go float (as [`GoValue::to_value`] gives it), for
    /// typed `printf` verbs; `None` for anything else.
    fn go_float(&self) -> Option<f64> {
        None
    }
}

/// `GoValue` for references and smart pointers: everything is the
/// pointee's (the Go type, unknown statically, is the default `Any`).
macro_rules! forward_go_value {
    ($($ptr:ty),*) => {$(
        impl<T: GoValue + ?Sized> GoValue for $ptr {
            type Deref = T::Deref;
            fn go_deref(&self) -> Option<&Self::Deref> {
                (**self).go_deref()
            }
            fn to_value(&self) -> Value {
                (**self).to_value()
            }
            fn is_true(&self) -> bool {
                (**self).is_true()
            }
            fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
                (**self).write_escaped(out, chain)
            }
            fn write_html(&self, out: &mut String, chain: &[Escaper]) {
                (**self).write_html(out, chain)
            }
            fn go_len(&self) -> Option<usize> {
                (**self).go_len()
            }
            fn go_int(&self) -> Option<i128> {
                (**self).go_int()
            }
            fn go_str(&self) -> Option<&str> {
                (**self).go_str()
            }
            fn go_float(&self) -> Option<f64> {
                (**self).go_float()
            }
        }
    )*};
}

forward_go_value!(&T, Box<T>, Arc<T>);

/// Whether printing a number (digits, `-`, `.`, `e`, `+` excluded) through
/// `chain` leaves it unchanged.
fn number_safe(chain: &[Escaper]) -> bool {
    chain.iter().all(|e| {
        matches!(
            e,
            Escaper::HtmlEscaper
                | Escaper::AttrEscaper
                | Escaper::RcdataEscaper
                | Escaper::NospaceEscaper
                | Escaper::Html
        )
    })
}

macro_rules! go_int {
    ($($t:ty => $variant:ident as $as:ty, $ty:ident;)*) => {$(
        impl GoValue for $t {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> { Some(self) }
            fn go_type() -> Type { Type::$ty }
            fn to_value(&self) -> Value { Value::$variant(*self as $as) }
            fn is_true(&self) -> bool { *self != 0 }
            fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
                if number_safe(chain) {
                    out.push_str(itoa::Buffer::new().format(*self));
                } else {
                    apply_chain_into(out, chain, &self.to_value());
                }
            }
            #[inline]
            fn write_html(&self, out: &mut String, _: &[Escaper]) {
                #[allow(unused_comparisons)]
                if *self >= 0 && (*self as u64) < 10_000 {
                    push_small(out, *self as u32);
                } else {
                    out.push_str(itoa::Buffer::new().format(*self));
                }
            }
            fn go_int(&self) -> Option<i128> {
                Some(*self as i128)
            }
        }
    )*};
}

/// The bytes Go's HTML escapers rewrite in a plain string (NUL, `"`, `&`,
/// `'`, `+`, `<`, `>`), all below 64: one bit each.
pub(crate) const HTML_SPECIAL: u64 =
    1 | 1 << b'"' | 1 << b'&' | 1 << b'\'' | 1 << b'+' | 1 << b'<' | 1 << b'>';

/// Appends `s` escaped for HTML text or a quoted attribute: a branch-free
/// scan first (most strings need nothing), the escaper's table otherwise.
#[inline]
pub(crate) fn write_html_str(out: &mut String, s: &str) {
    let special = s.bytes().fold(0u64, |acc, c| {
        acc | (HTML_SPECIAL >> (c & 63) & u64::from(c < 64))
    });
    if special & 1 == 0 {
        out.push_str(s);
    } else {
        crate::escape::html_escape_str_into(out, s);
    }
}

/// Appends `n` (below 10000) in decimal, one byte at a time from a table of
/// digit pairs (cheaper than formatting and copying a slice for the small
/// numbers tables are full of).
#[inline(always)]
fn push_small(out: &mut String, n: u32) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let ascii = |b: u8| char::from(b & 0x7f);
    let pair = |out: &mut String, p: usize| {
        out.push(ascii(PAIRS[2 * p]));
        out.push(ascii(PAIRS[2 * p + 1]));
    };
    match n {
        0..=9 => out.push(ascii(b'0' + n as u8)),
        10..=99 => pair(out, n as usize),
        100..=999 => {
            out.push(ascii(b'0' + (n / 100) as u8));
            pair(out, (n % 100) as usize);
        }
        _ => {
            pair(out, (n / 100 % 100) as usize);
            pair(out, (n % 100) as usize);
        }
    }
}

go_int! {
    i8 => Int as i64, Int;
    i16 => Int as i64, Int;
    i32 => Int as i64, Int;
    i64 => Int as i64, Int;
    isize => Int as i64, Int;
    u8 => Uint as u64, Uint;
    u16 => Uint as u64, Uint;
    u32 => Uint as u64, Uint;
    u64 => Uint as u64, Uint;
    usize => Uint as u64, Uint;
}

impl GoValue for f64 {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::Float
    }
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
    fn is_true(&self) -> bool {
        *self != 0.0
    }
    fn go_float(&self) -> Option<f64> {
        Some(*self)
    }
}

impl GoValue for f32 {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::Float
    }
    /// The shortest decimal of the `f32` as a `float64` (as the serde
    /// conversion does: `0.1f32` prints `0.1`).
    fn to_value(&self) -> Value {
        Value::Float(self.to_string().parse().unwrap_or(f64::from(*self)))
    }
    fn is_true(&self) -> bool {
        *self != 0.0
    }
    fn go_float(&self) -> Option<f64> {
        Some(self.to_string().parse().unwrap_or(f64::from(*self)))
    }
}

impl GoValue for bool {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::Bool
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn is_true(&self) -> bool {
        *self
    }
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        if number_safe(chain) {
            out.push_str(if *self { "true" } else { "false" });
        } else {
            apply_chain_into(out, chain, &self.to_value());
        }
    }
    fn write_html(&self, out: &mut String, _: &[Escaper]) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl GoValue for str {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn to_value(&self) -> Value {
        Value::str(self)
    }
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        apply_chain_str_into(out, chain, self)
    }
    #[inline]
    fn write_html(&self, out: &mut String, _: &[Escaper]) {
        write_html_str(out, self)
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.len())
    }
    fn go_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl GoValue for String {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::String
    }
    fn to_value(&self) -> Value {
        Value::str(self)
    }
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        apply_chain_str_into(out, chain, self)
    }
    #[inline]
    fn write_html(&self, out: &mut String, _: &[Escaper]) {
        write_html_str(out, self)
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.len())
    }
    fn go_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl GoValue for char {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::String
    }
    fn to_value(&self) -> Value {
        Value::str(self.encode_utf8(&mut [0; 4]))
    }
    fn is_true(&self) -> bool {
        true
    }
}

impl GoValue for Value {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn to_value(&self) -> Value {
        self.clone()
    }
    fn is_true(&self) -> bool {
        self.truth()
    }
    fn go_len(&self) -> Option<usize> {
        match self {
            Value::Ptr(_) | Value::Nil | Value::NilPtr(_) => None,
            v => v.len(),
        }
    }
    fn go_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(i128::from(*i)),
            Value::Uint(u) => Some(i128::from(*u)),
            _ => None,
        }
    }
    fn go_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    fn go_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// `Option<T>` is a Go pointer `*T`: `None` is a nil pointer (prints
/// `<nil>`, false), `Some(x)` is followed when printed.
impl<T: GoValue> GoValue for Option<T> {
    type Deref = T::Deref;
    fn go_deref(&self) -> Option<&Self::Deref> {
        self.as_ref().and_then(GoValue::go_deref)
    }
    fn go_type() -> Type {
        Type::ptr_to(T::go_type())
    }
    fn to_value(&self) -> Value {
        match self {
            Some(v) => Value::ptr(v.to_value()),
            None => Value::NilPtr(T::go_type()),
        }
    }
    fn is_true(&self) -> bool {
        self.is_some()
    }
    fn write_escaped(&self, out: &mut String, chain: &[Escaper]) {
        match self {
            Some(v) => v.write_escaped(out, chain),
            None => apply_or_print(out, chain, &self.to_value()),
        }
    }
    fn write_html(&self, out: &mut String, chain: &[Escaper]) {
        match self {
            Some(v) => v.write_html(out, chain),
            None => apply_or_print(out, chain, &self.to_value()),
        }
    }
}

fn apply_or_print(out: &mut String, chain: &[Escaper], v: &Value) {
    if chain.is_empty() {
        crate::gofmt::write_printable(out, v);
    } else {
        apply_chain_into(out, chain, v);
    }
}

impl<T: GoValue> GoValue for [T] {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn to_value(&self) -> Value {
        Value::slice(T::go_type(), self.iter().map(GoValue::to_value).collect())
    }
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T: GoValue> GoValue for Vec<T> {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::slice_of(T::go_type())
    }
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T: GoValue, const N: usize> GoValue for [T; N] {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::slice_of(T::go_type())
    }
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
    fn is_true(&self) -> bool {
        N != 0
    }
    fn go_len(&self) -> Option<usize> {
        Some(N)
    }
}

impl<K: GoValue, V: GoValue> GoValue for BTreeMap<K, V> {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::map_of(K::go_type(), V::go_type())
    }
    fn to_value(&self) -> Value {
        let entries = self.iter().map(|(k, v)| (k.to_value(), v.to_value()));
        Value::map(K::go_type(), V::go_type(), entries.collect())
    }
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<K: GoValue, V: GoValue, S> GoValue for HashMap<K, V, S> {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> {
        Some(self)
    }
    fn go_type() -> Type {
        Type::map_of(K::go_type(), V::go_type())
    }
    fn to_value(&self) -> Value {
        let entries = self.iter().map(|(k, v)| (k.to_value(), v.to_value()));
        Value::map(K::go_type(), V::go_type(), entries.collect())
    }
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.len())
    }
}

macro_rules! safe_types {
    ($($(#[$doc:meta])* $name:ident => $kind:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            /// Wraps `s`, trusted as this kind of content.
            pub fn new(s: impl Into<String>) -> Self {
                $name(s.into())
            }
        }

        impl GoValue for $name {
    type Deref = Self;
    fn go_deref(&self) -> Option<&Self::Deref> { Some(self) }
            fn go_type() -> Type { Type::Safe(SafeKind::$kind) }
            fn to_value(&self) -> Value { Value::safe(SafeKind::$kind, &self.0) }
            fn is_true(&self) -> bool { !self.0.is_empty() }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    )*};
}

safe_types! {
    /// Trusted HTML (Go's `template.HTML`): inserted without escaping in HTML text.
    Html => Html;
    /// Trusted CSS (Go's `template.CSS`).
    Css => Css;
    /// A trusted JavaScript expression (Go's `template.JS`).
    Js => Js;
    /// A trusted JavaScript string body (Go's `template.JSStr`).
    JsStr => JsStr;
    /// A trusted URL (Go's `template.URL`).
    Url => Url;
    /// A trusted attribute name=value fragment (Go's `template.HTMLAttr`).
    HtmlAttr => HtmlAttr;
    /// A trusted `srcset` value (Go's `template.Srcset`).
    Srcset => Srcset;
}

/// What `{{range}}` iterates.
pub trait GoRange {
    /// The key (`$i` of `range $i, $x :=`): the index of a slice, the key of a map.
    type Key: GoValue;
    /// The element type (the dot inside the body).
    type Item: GoValue;
    /// The iterator over the entries (no allocation for slices).
    type Iter<'a>: Iterator<Item = (Self::Key, &'a Self::Item)>
    where
        Self: 'a;
    /// The entries in Go's order (maps by sorted key).
    fn go_range(&self) -> Self::Iter<'_>;
}

impl<R: GoRange + ?Sized> GoRange for &R {
    type Key = R::Key;
    type Item = R::Item;
    type Iter<'a>
        = R::Iter<'a>
    where
        Self: 'a;
    fn go_range(&self) -> Self::Iter<'_> {
        (**self).go_range()
    }
}

impl<T: GoValue> GoRange for [T] {
    type Key = usize;
    type Item = T;
    type Iter<'a>
        = std::iter::Enumerate<std::slice::Iter<'a, T>>
    where
        T: 'a;
    fn go_range(&self) -> Self::Iter<'_> {
        self.iter().enumerate()
    }
}

impl<T: GoValue> GoRange for Vec<T> {
    type Key = usize;
    type Item = T;
    type Iter<'a>
        = std::iter::Enumerate<std::slice::Iter<'a, T>>
    where
        T: 'a;
    fn go_range(&self) -> Self::Iter<'_> {
        self.iter().enumerate()
    }
}

impl<T: GoValue, const N: usize> GoRange for [T; N] {
    type Key = usize;
    type Item = T;
    type Iter<'a>
        = std::iter::Enumerate<std::slice::Iter<'a, T>>
    where
        T: 'a;
    fn go_range(&self) -> Self::Iter<'_> {
        self.iter().enumerate()
    }
}

/// A nil pointer ranges over nothing; `Some(x)` ranges over `x`.
impl<R: GoRange> GoRange for Option<R> {
    type Key = R::Key;
    type Item = R::Item;
    type Iter<'a>
        = std::iter::Flatten<std::option::IntoIter<R::Iter<'a>>>
    where
        R: 'a;
    fn go_range(&self) -> Self::Iter<'_> {
        self.as_ref().map(GoRange::go_range).into_iter().flatten()
    }
}

impl<K: GoValue + Clone, V: GoValue> GoRange for BTreeMap<K, V> {
    type Key = K;
    type Item = V;
    type Iter<'a>
        = std::vec::IntoIter<(K, &'a V)>
    where
        K: 'a,
        V: 'a;
    /// In Go's key order (for string and integer keys this is `Ord`'s order
    /// only for strings compared bytewise and integers; other keys are
    /// sorted with Go's rules).
    fn go_range(&self) -> Self::Iter<'_> {
        sorted_entries(self.iter()).into_iter()
    }
}

impl<K: GoValue + Clone, V: GoValue, S> GoRange for HashMap<K, V, S> {
    type Key = K;
    type Item = V;
    type Iter<'a>
        = std::vec::IntoIter<(K, &'a V)>
    where
        K: 'a,
        V: 'a,
        S: 'a;
    fn go_range(&self) -> Self::Iter<'_> {
        sorted_entries(self.iter()).into_iter()
    }
}

fn sorted_entries<'a, K: GoValue + Clone + 'a, V: 'a>(
    it: impl Iterator<Item = (&'a K, &'a V)>,
) -> Vec<(K, &'a V)> {
    let mut v: Vec<(Value, K, &V)> = it.map(|(k, v)| (k.to_value(), k.clone(), v)).collect();
    v.sort_by(|a, b| crate::value::compare_keys(&a.0, &b.0));
    v.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// Iterates a dynamic [`Value`] as `range` does (slices and maps; nil and
/// "no value" give nothing). Pointers are followed.
pub fn range_value(v: &Value) -> Result<Vec<(Value, Value)>> {
    match v.indirect() {
        Value::Slice(s) => Ok(s
            .items
            .iter()
            .enumerate()
            .map(|(i, x)| (Value::Int(i as i64), x.clone()))
            .collect()),
        Value::Map(m) => Ok(m.entries.clone()),
        Value::Nil | Value::NilPtr(_) => Ok(Vec::new()),
        other => Err(Error::new(
            crate::ErrorKind::Exec,
            format!("range can't iterate over {other}"),
        )),
    }
}

/// A struct value with only some fields (the ones a pipeline reads), for
/// evaluating a pipeline through the interpreter.
pub fn partial_struct(fields: Vec<(String, Value)>) -> Value {
    let (names, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    let ty = StructType {
        name: None,
        fields: names.into_iter().map(|n| (n, Type::Any)).collect(),
    };
    Value::structure(Arc::new(ty), values)
}

/// The type of a [`partial_value`]: an anonymous struct with fields
/// `names` (built once per fallback site by the generated code).
pub fn partial_type(names: &[&str]) -> Arc<StructType> {
    Arc::new(StructType {
        name: None,
        fields: names.iter().map(|n| (n.to_string(), Type::Any)).collect(),
    })
}

/// [`partial_struct`] with its type built beforehand ([`partial_type`]):
/// no field name is allocated per call.
pub fn partial_value(ty: &Arc<StructType>, values: Vec<Value>) -> Value {
    Value::structure(Arc::clone(ty), values)
}

/// The template compiled again at run time (lazily, once), used for
/// pipelines the generated code does not evaluate itself.
#[derive(Debug)]
pub struct Fallback {
    program: Program,
}

impl Fallback {
    /// Compiles `source` as template `name` in `mode` (text if `text`).
    pub fn new(name: &str, source: &str, text: bool) -> Result<Fallback> {
        let mode = if text { Mode::Text } else { Mode::Html };
        let mut t = Template::new(name, mode);
        t.parse(source)?;
        Ok(Fallback {
            program: Program::new(t.compile(name)?)?,
        })
    }

    /// The compiled program (its blocks have the same ids as at build time).
    pub fn program(&self) -> &Program {
        &self.program
    }

    fn pipe(&self, block: usize, path: &[usize], arm: usize) -> Option<&Pipeline> {
        let mut ops = &self.program.blocks().get(block)?.ops;
        let (last, through) = path.split_last()?;
        for &i in through {
            match ops.get(i)? {
                Op::Call { ops: inner, .. } => ops = inner,
                _ => return None,
            }
        }
        Some(match ops.get(*last)? {
            Op::Bind(p) => p,
            Op::Call { node, .. } => node.pipe.as_ref()?,
            Op::Slot(Slot::Expr(Node::Action(a))) => &a.pipe,
            Op::Slot(Slot::Branch { arms, .. }) => match &arms.get(arm)?.node {
                Node::If(b) | Node::With(b) => &b.pipe,
                _ => return None,
            },
            Op::Slot(Slot::Range { node, .. }) => &node.pipe,
            Op::Slot(Slot::Call { node, .. }) => node.pipe.as_ref()?,
            Op::Slot(_) => return None,
        })
    }

    /// Evaluates the slot at `path` of block `block` (see [`Fallback::eval`])
    /// into its dynamic value, with dot `dot`, `$` bound to `root` and the
    /// given variables (for slots the generated code does not compile:
    /// `range` bodies with `break`/`continue`).
    pub fn eval_slot(
        &self,
        block: usize,
        path: &[usize],
        dot: &Value,
        root: &Value,
        vars: &[(&'static str, Value)],
    ) -> Result<Dyn> {
        let slot = self.slot(block, path)?;
        let compiled = self.program.compiled();
        let exec = Exec::new(compiled.set(), compiled.funcs()).options(compiled.options().clone());
        let tree = exec.lookup(compiled.entry())?;
        let mut state = exec.state(tree, root);
        for (name, v) in vars {
            state.push_var(name, Some(v.clone()));
        }
        state.build_slot_value(self.program.blocks(), slot, dot)
    }

    /// Evaluates the pipeline starting at offset `span` of the source
    /// inside the body of the `range` slot at `path` of block `block` (a
    /// body with `break`/`continue`, which the generated code walks node
    /// by node), as [`Fallback::eval`] does.
    pub fn eval_in(
        &self,
        block: usize,
        path: &[usize],
        span: u32,
        dot: &Value,
        root: &Value,
        vars: &[(&'static str, Value)],
    ) -> Result<Option<Value>> {
        fn find(list: &crate::parse::ast::List, span: u32) -> Option<&Pipeline> {
            list.nodes.iter().find_map(|n| match n {
                Node::Action(a) if a.pipe.span.start == span => Some(&a.pipe),
                Node::If(b) | Node::With(b) | Node::Range(b) => {
                    if b.pipe.span.start == span {
                        Some(&b.pipe)
                    } else {
                        find(&b.list, span)
                            .or_else(|| b.else_list.as_ref().and_then(|l| find(l, span)))
                    }
                }
                Node::Template(t) => t.pipe.as_ref().filter(|p| p.span.start == span),
                _ => None,
            })
        }
        let pipe = match self.slot(block, path)? {
            Slot::Range { node, .. } => find(&node.list, span),
            _ => None,
        };
        let Some(pipe) = pipe else {
            return Err(out_of_step());
        };
        let compiled = self.program.compiled();
        let exec = Exec::new(compiled.set(), compiled.funcs()).options(compiled.options().clone());
        let tree = exec.lookup(compiled.entry())?;
        let mut state = exec.state(tree, root);
        for (name, v) in vars {
            state.push_var(name, Some(v.clone()));
        }
        state.eval_pipeline_value(dot, pipe)
    }

    /// The slot at `path` of block `block`.
    fn slot(&self, block: usize, path: &[usize]) -> Result<&Slot> {
        let mut ops = &self
            .program
            .blocks()
            .get(block)
            .ok_or_else(out_of_step)?
            .ops;
        let (last, through) = path.split_last().ok_or_else(out_of_step)?;
        for &i in through {
            match ops.get(i) {
                Some(Op::Call { ops: inner, .. }) => ops = inner,
                _ => return Err(out_of_step()),
            }
        }
        match ops.get(*last) {
            Some(Op::Slot(slot)) => Ok(slot),
            _ => Err(out_of_step()),
        }
    }

    /// Evaluates the pipeline of the op at `path` of block `block` (`path`
    /// goes through inlined calls; `arm` picks the arm of a branch) with
    /// dot `dot`, `$` bound to `root` and the given variables; `None` is
    /// "no value".
    pub fn eval(
        &self,
        block: usize,
        path: &[usize],
        arm: usize,
        dot: &Value,
        root: &Value,
        vars: &[(&'static str, Value)],
    ) -> Result<Option<Value>> {
        let Some(pipe) = self.pipe(block, path, arm) else {
            return Err(Error::new(
                crate::ErrorKind::Exec,
                "internal error: typed template out of step with its source",
            ));
        };
        let compiled = self.program.compiled();
        let set = compiled.set();
        let exec = Exec::new(set, compiled.funcs()).options(compiled.options().clone());
        let tree = exec.lookup(compiled.entry())?;
        let mut state = exec.state(tree, root);
        for (name, v) in vars {
            state.push_var(name, Some(v.clone()));
        }
        state.eval_pipeline_value(dot, pipe)
    }
}

fn out_of_step() -> Error {
    Error::new(
        crate::ErrorKind::Exec,
        "internal error: typed template out of step with its source",
    )
}

/// Appends `v` ("no value" as `None`) printed and escaped by `chain`, as
/// the interpreter prints an action's value.
pub fn write_value_escaped(out: &mut String, chain: &[Escaper], v: Option<&Value>) {
    apply_or_print(out, chain, v.unwrap_or(&Value::Nil));
}

/// The truth of a pipeline's value ("no value" is false).
pub fn value_truth(v: Option<&Value>) -> bool {
    v.is_some_and(Value::truth)
}

/// Builds the statics of a block exactly as the slot-tree compiler does
/// (same fingerprints, so typed and dynamic trees compare equal).
pub fn statics(parts: &[&str], block: usize) -> Arc<Statics> {
    Statics::new(
        parts.iter().map(|s| s.to_string()).collect(),
        block as u64 + 1,
    )
}

/// A compile-time template: implemented by `#[derive(LiveTemplate)]`.
pub trait LiveTemplate {
    /// The template's name (its file name, or the struct's name for inline sources).
    const NAME: &'static str;
    /// Estimated output size, used to pre-size the buffer.
    const SIZE_HINT: usize;
    /// The template's source (the same text the build compiled), so that
    /// the run time can compile its dynamic twin (identical output).
    const SOURCE: &'static str;
    /// Whether it is a text/template (no escaping) rather than html/template.
    const TEXT: bool;

    /// Appends the HTML to `out`.
    fn render_into(&self, out: &mut String) -> Result<()>;

    /// The HTML.
    fn render(&self) -> Result<String> {
        let mut out = String::with_capacity(Self::SIZE_HINT);
        self.render_into(&mut out)?;
        Ok(out)
    }

    /// The rendered tree (statics and dynamics), equal to what the dynamic
    /// [`Program::render`] gives for the same data.
    fn render_tree(&self) -> Result<Rendered>;

    /// Renders `self` knowing the client holds `old` rendered as `*tree`:
    /// slots whose fields compare equal between `old` and `self` are not
    /// evaluated again. Replaces `*tree` with the new tree and returns the
    /// wire diff (`{}` when nothing changed).
    fn diff_from(&self, old: &Self, tree: &mut Rendered) -> Result<String>;

    /// The first-render wire JSON and the tree.
    fn first_render(&self) -> Result<(String, Rendered)> {
        let tree = self.render_tree()?;
        Ok((wire::first_render(&tree), tree))
    }
}

/// Support for change-tracked diffs: the generated `diff_from` evaluates
/// the root slots whose fields changed and calls this with the indexes of
/// the others; they are kept from `tree` without being compared.
pub fn diff_with_skips(tree: &mut Rendered, new: Rendered, skipped: &[usize]) -> String {
    diff_tracked(tree, new, skipped, Reuse::default())
}

/// Items of root `range` slots that the generated `diff_from` did not
/// evaluate again because their values (and everything else their body
/// reads) compare equal to the old values at the same position: their
/// rendered dynamics are moved from the old tree into the new one.
#[derive(Debug, Default)]
pub struct Reuse {
    /// (root slot, item index, the old item's dynamics).
    taken: Vec<(usize, usize, Arc<[Dyn]>)>,
}

impl Reuse {
    /// Nothing taken yet.
    pub fn new() -> Reuse {
        Reuse::default()
    }

    /// Takes item `i` of the comprehension at root slot `slot` of `tree`
    /// (the old tree) for the new tree: the returned placeholder (no key,
    /// no dynamics) stands in the new tree until [`diff_tracked`] gives it
    /// the old item's key and dynamics. The old tree is not changed here
    /// (its item's dynamics are shared, not moved), so a render that fails
    /// after this leaves `tree` exactly as the client holds it. `None` when
    /// the old tree has no such item.
    pub fn take(&mut self, tree: &Rendered, slot: usize, i: usize) -> Option<Item> {
        let Some(Dyn::Comp(c)) = tree.dyns.get(slot) else {
            return None;
        };
        let item = c.items.get(i)?;
        if self
            .taken
            .last()
            .is_some_and(|&(s, j, _)| s == slot && j >= i)
        {
            return None;
        }
        self.taken.push((slot, i, Arc::clone(&item.dyns)));
        Some(Item::new(None, Vec::new()))
    }
}

/// Whether comparing the placeholders of the reused items of `old` and `new`
/// (two comprehensions of one slot) gives exactly the diff of the real
/// items. True when the real items are all keyed (so items are matched by
/// key, not content: a placeholder, empty on both sides, is found in place
/// by its equal content exactly as the real item would be by its key) and
/// no other new item takes its key from a reused old item (a move from it
/// would need its content).
fn placeholders_exact(old: &Comprehension, new: &Comprehension, reused: &[usize]) -> bool {
    let mut is_reused = vec![false; new.items.len().max(old.items.len())];
    for &i in reused {
        is_reused[i] = true;
    }
    let unkeyed_new = new
        .items
        .iter()
        .enumerate()
        .any(|(i, it)| !is_reused[i] && it.key.is_none());
    if unkeyed_new || old.items.iter().any(|it| it.key.is_none()) {
        return false;
    }
    let fresh: Vec<&str> = new
        .items
        .iter()
        .enumerate()
        .filter(|(i, _)| !is_reused[*i])
        .filter_map(|(_, it)| it.key.as_deref())
        .collect();
    let reused_keys = reused.iter().filter_map(|&j| old.items[j].key.as_deref());
    match fresh.len() {
        0 => true,
        // Usually one or two items changed: compare directly.
        1..=8 => reused_keys.into_iter().all(|k| !fresh.contains(&k)),
        _ => {
            let fresh: std::collections::HashSet<&str> = fresh.into_iter().collect();
            reused_keys.into_iter().all(|k| !fresh.contains(k))
        }
    }
}

fn comp_mut(r: &mut Rendered, slot: usize) -> Option<&mut Comprehension> {
    match r.dyns.get_mut(slot) {
        Some(Dyn::Comp(c)) => Some(c),
        _ => None,
    }
}

/// The diff of a change-tracked render: `new` is the new tree with empty
/// strings at the `skipped` root slots (kept from `tree`) and placeholder
/// items for the items `reuse` took from `tree`. Replaces `*tree` with the
/// completed new tree (as the client holds it) and returns the wire diff,
/// byte for byte the one [`wire::diff_into`] gives for the full trees.
pub fn diff_tracked(
    tree: &mut Rendered,
    mut new: Rendered,
    skipped: &[usize],
    reuse: Reuse,
) -> String {
    let same_root = tree.statics.fingerprint == new.statics.fingerprint;
    // The render succeeded: the taken old items become placeholders too
    // (empty, as their stand-ins in `new`).
    for &(slot, i, _) in &reuse.taken {
        if let Some(o) = comp_mut(tree, slot).and_then(|c| c.items.get_mut(i)) {
            o.dyns = Arc::from(Vec::new());
        }
    }
    // Settle, slot by slot, whether the placeholders can stay during the diff.
    let mut kept: Vec<(usize, usize, Arc<[Dyn]>)> = Vec::with_capacity(reuse.taken.len());
    let mut taken = reuse.taken.into_iter().peekable();
    while let Some(first) = taken.next() {
        let slot = first.0;
        let mut group = vec![first];
        while let Some(g) = taken.next_if(|g| g.0 == slot) {
            group.push(g);
        }
        let exact = same_root
            && match (tree.dyns.get(slot), new.dyns.get(slot)) {
                (Some(Dyn::Comp(o)), Some(Dyn::Comp(n))) => {
                    let idx: Vec<usize> = group.iter().map(|g| g.1).collect();
                    placeholders_exact(o, n, &idx)
                }
                _ => false,
            };
        if exact {
            kept.extend(group);
            continue;
        }
        for (slot, i, dyns) in group {
            let mut key = None;
            if let Some(o) = comp_mut(tree, slot).and_then(|c| c.items.get_mut(i)) {
                o.dyns = dyns.clone();
                key = o.key.clone();
            }
            if let Some(n) = comp_mut(&mut new, slot).and_then(|c| c.items.get_mut(i)) {
                n.dyns = dyns;
                n.key = key;
            }
        }
    }
    let mut stash = Vec::with_capacity(skipped.len());
    if same_root {
        for &i in skipped {
            if let (Some(o), Some(n)) = (tree.dyns.get_mut(i), new.dyns.get_mut(i)) {
                *n = Dyn::Str(String::new());
                stash.push((i, std::mem::replace(o, Dyn::Str(String::new()))));
            }
        }
    }
    let out = wire::diff_held(tree, &mut new);
    for (i, d) in stash {
        new.dyns[i] = d;
    }
    for (slot, i, dyns) in kept {
        let key = comp_mut(tree, slot)
            .and_then(|c| c.items.get_mut(i))
            .and_then(|o| o.key.take());
        if let Some(n) = comp_mut(&mut new, slot).and_then(|c| c.items.get_mut(i)) {
            n.dyns = dyns;
            n.key = key;
        }
    }
    *tree = new;
    out
}

/// Follows `v` like a Go pointer for a field access; a nil pointer is
/// Go's exec error (`nil pointer evaluating ...`), `what` naming the access.
pub fn deref<'a, T: GoValue + ?Sized>(v: &'a T, what: &str) -> Result<&'a T::Deref> {
    match v.go_deref() {
        Some(d) => Ok(d),
        None => Err(Error::new(
            crate::ErrorKind::Exec,
            format!("template: nil pointer evaluating {what}"),
        )),
    }
}

/// The error a template that failed to compile returns (its impl is a stub
/// emitted next to the compile errors).
pub fn stub_error() -> Error {
    Error::new(
        crate::ErrorKind::Parse,
        "template: this typed template failed to compile",
    )
}

/// `String::from(s)` for generated code (which cannot rely on `From` being in scope).
pub fn string(s: &str) -> String {
    s.to_string()
}

/// Change tracking: whether a field is unchanged between two values of a
/// template struct. Fields whose type implements `PartialEq` are compared
/// ([`SameEq`]); others count as always changed ([`SameAny`]). Generated
/// code calls `(&Same(&new.f, &old.f)).same()` with both traits in scope.
#[derive(Debug)]
pub struct Same<'a, T: ?Sized>(pub &'a T, pub &'a T);

/// See [`Same`]: equal by `PartialEq`.
pub trait SameEq {
    /// Whether both sides are equal.
    fn same(&self) -> bool;
}

impl<T: PartialEq + ?Sized> SameEq for Same<'_, T> {
    fn same(&self) -> bool {
        self.0 == self.1
    }
}

/// See [`Same`]: fallback for types without `PartialEq` (never the same).
pub trait SameAny {
    /// Always false.
    fn same(&self) -> bool;
}

impl<T: ?Sized> SameAny for &Same<'_, T> {
    fn same(&self) -> bool {
        false
    }
}

/// Whether `v` is a (non-nil) pointer.
pub fn is_ptr(v: &Value) -> bool {
    matches!(v, Value::Ptr(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed HTML fast paths write exactly what the escapers write.
    #[test]
    fn html_fast_paths_match_the_escapers() {
        let mut cases: Vec<String> = (0u8..128).map(|b| format!("a{}b", char::from(b))).collect();
        cases.extend(
            [
                "",
                "plain text",
                "é ü \u{fdd0} \u{fffd}",
                "a&b<c>\"d'e+f\0",
                "2026-11-25",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        for s in &cases {
            for e in [
                Escaper::HtmlEscaper,
                Escaper::AttrEscaper,
                Escaper::RcdataEscaper,
            ] {
                let mut fast = String::new();
                s.as_str().write_html(&mut fast, &[e]);
                let mut slow = String::new();
                apply_chain_into(&mut slow, &[e], &Value::str(s));
                assert_eq!(fast, slow, "{s:?} {e:?}");
            }
        }
        for n in [
            0i64,
            7,
            10,
            99,
            100,
            999,
            1000,
            9999,
            10000,
            123456,
            -1,
            -10000,
            i64::MIN,
        ] {
            let mut fast = String::new();
            n.write_html(&mut fast, &[Escaper::HtmlEscaper]);
            assert_eq!(fast, n.to_string());
        }
        for n in [0u64, 5, 42, 9999, 10000, u64::MAX] {
            let mut fast = String::new();
            n.write_html(&mut fast, &[Escaper::AttrEscaper]);
            assert_eq!(fast, n.to_string());
        }
    }
}
