//! `serde::Serialize` → [`Value`].
//!
//! The mapping, chosen to look like the Go data a template author expects:
//!
//! | Rust (serde data model)        | Go value                                        |
//! |--------------------------------|-------------------------------------------------|
//! | `bool`                         | `bool`                                          |
//! | `i8`..`i64`, `i128` in range   | `int`                                           |
//! | `u8`..`u64`, `u128` in range   | `uint`                                          |
//! | `f64`                          | `float64`                                       |
//! | `f32`                          | `float64` of its shortest decimal (`0.1f32` → `0.1`) |
//! | `char`, `str`                  | `string`                                        |
//! | `&[u8]` (serialize_bytes)      | `[]uint`                                        |
//! | `None`, `()`                   | untyped nil                                     |
//! | `Some(x)`, newtype struct      | `x`                                             |
//! | seq, tuple, tuple struct       | slice with the items' common element type       |
//! | map                            | map sorted by key (Go's order), common key and element types |
//! | struct `Name { .. }`           | struct type `Name`, fields in declaration order, each field of type `interface {}` (so every value of one Rust struct type has the same Go type) |
//! | unit struct `Name`             | empty struct `Name`                             |
//! | unit variant `E::A`            | the string `"A"`                                |
//! | `E::A(x)`, `E::A(x, y)`, `E::A { .. }` | one-entry map `map[string]T{"A": x}` (serde's externally tagged form); a tuple variant's payload is a slice, a struct variant's a struct named `A` |

use super::json::{PathError, key_segment};
use super::{StructType, Type, Value};
use crate::error::Error;
use serde::ser::{self, Serialize};
use std::fmt;
use std::sync::Arc;

impl Value {
    /// Converts any `Serialize` value (see the module table for the
    /// mapping). Errors (from custom `Serialize` impls or out-of-range
    /// 128-bit integers) have kind [`crate::ErrorKind::Data`] and name the
    /// path, as in `data.items[2].price: ...`.
    pub fn from_serialize<T: Serialize + ?Sized>(v: &T) -> Result<Value, Error> {
        v.serialize(ValueSerializer).map_err(|e| e.0.into_error())
    }
}

/// The serializer's error: a message and its data path.
pub struct SerError(PathError);

impl fmt::Debug for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SerError")
    }
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot convert value")
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError(PathError::new(msg.to_string()))
    }
}

fn key_seg(k: &Value) -> String {
    match k {
        Value::String(s) | Value::Safe(_, s) => key_segment(s),
        other => {
            let mut s = String::from("[");
            crate::gofmt::write_value(&mut s, other);
            s.push(']');
            s
        }
    }
}

struct ValueSerializer;

type R = Result<Value, SerError>;

fn one_entry_map(variant: &str, v: Value) -> Value {
    let elem = if v.is_nil() { Type::Any } else { v.type_of() };
    Value::map(Type::String, elem, vec![(Value::str(variant), v)])
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = SerError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = SeqSer;
    type SerializeMap = MapSer;
    type SerializeStruct = StructSer;
    type SerializeStructVariant = StructSer;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> R {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> R {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> R {
        Ok(Value::Int(v))
    }
    fn serialize_i128(self, v: i128) -> R {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| SerError(PathError::new(format!("integer {v} overflows int64"))))
    }
    fn serialize_u8(self, v: u8) -> R {
        Ok(Value::Uint(v.into()))
    }
    fn serialize_u16(self, v: u16) -> R {
        Ok(Value::Uint(v.into()))
    }
    fn serialize_u32(self, v: u32) -> R {
        Ok(Value::Uint(v.into()))
    }
    fn serialize_u64(self, v: u64) -> R {
        Ok(Value::Uint(v))
    }
    fn serialize_u128(self, v: u128) -> R {
        u64::try_from(v)
            .map(Value::Uint)
            .map_err(|_| SerError(PathError::new(format!("integer {v} overflows uint64"))))
    }
    fn serialize_f32(self, v: f32) -> R {
        // Widen through the shortest decimal so 0.1f32 stays 0.1.
        let f = if v.is_finite() {
            v.to_string().parse::<f64>().unwrap_or(f64::from(v))
        } else {
            f64::from(v)
        };
        Ok(Value::Float(f))
    }
    fn serialize_f64(self, v: f64) -> R {
        Ok(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> R {
        let mut buf = [0u8; 4];
        Ok(Value::str(v.encode_utf8(&mut buf)))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(Value::str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Value::slice(
            Type::Uint,
            v.iter().map(|&b| Value::Uint(b.into())).collect(),
        ))
    }
    fn serialize_none(self) -> R {
        Ok(Value::Nil)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Value::Nil)
    }
    fn serialize_unit_struct(self, name: &'static str) -> R {
        Ok(Value::structure(
            Arc::new(StructType {
                name: Some(name.to_owned()),
                fields: Vec::new(),
            }),
            Vec::new(),
        ))
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        Ok(Value::str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| SerError(e.0.at_key(variant)))?;
        Ok(one_entry_map(variant, v))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, SerError> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer, SerError> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.min(4096)),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer, SerError> {
        Ok(MapSer {
            entries: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
        })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructSer, SerError> {
        Ok(StructSer {
            name,
            keys: Vec::with_capacity(len.min(4096)),
            vals: Vec::new(),
            variant: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<StructSer, SerError> {
        Ok(StructSer {
            name: variant,
            keys: Vec::with_capacity(len.min(4096)),
            vals: Vec::new(),
            variant: Some(variant),
        })
    }
}

/// Collects a sequence (or tuple, or tuple variant payload).
pub struct SeqSer {
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl SeqSer {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        let i = self.items.len();
        let v = value.serialize(ValueSerializer).map_err(|e| {
            let e = SerError(e.0.at_index(i));
            match self.variant {
                Some(var) => SerError(e.0.at_key(var)),
                None => e,
            }
        })?;
        self.items.push(v);
        Ok(())
    }
    fn finish(self) -> R {
        let list = Value::list(self.items);
        Ok(match self.variant {
            Some(var) => one_entry_map(var, list),
            None => list,
        })
    }
}

/// The sequence-like serde traits all push elements and finish the same way.
macro_rules! seq_like {
    ($($tr:ident :: $method:ident),*) => {$(
        impl ser::$tr for SeqSer {
            type Ok = Value;
            type Error = SerError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
                self.push(value)
            }
            fn end(self) -> R {
                self.finish()
            }
        }
    )*};
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Collects a map.
pub struct MapSer {
    entries: Vec<(Value, Value)>,
    key: Option<Value>,
}

impl ser::SerializeMap for MapSer {
    type Ok = Value;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        let k = key
            .serialize(ValueSerializer)
            .map_err(|e| SerError(e.0.at_segment(format!("[key {}]", self.entries.len()))))?;
        self.key = Some(k);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        let k = self.key.take().unwrap_or(Value::Nil);
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| SerError(e.0.at_segment(key_seg(&k))))?;
        self.entries.push((k, v));
        Ok(())
    }
    fn end(self) -> R {
        let key = Value::common_type(
            &self
                .entries
                .iter()
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>(),
        );
        let elem = super::common_type_of(self.entries.iter().map(|(_, v)| v));
        Ok(Value::map(key, elem, self.entries))
    }
}

/// Collects a struct (or struct variant payload).
pub struct StructSer {
    name: &'static str,
    keys: Vec<&'static str>,
    vals: Vec<Value>,
    variant: Option<&'static str>,
}

/// How many struct types [`struct_type`] keeps per thread.
const MAX_CACHED_TYPES: usize = 1024;

thread_local! {
    /// The struct types built so far, by the addresses of their (static)
    /// name and field names: every value of one Rust struct shares one
    /// `Arc<StructType>` (less memory, no per-value type allocation, and
    /// type comparisons settled by pointer).
    static STRUCT_TYPES: std::cell::RefCell<std::collections::HashMap<Vec<usize>, Arc<StructType>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The struct type named `name` with fields `keys` (all `interface{}`, as
/// serde gives no Go types), shared with earlier values of the same shape.
fn struct_type(name: &'static str, keys: &[&'static str]) -> Arc<StructType> {
    let build = || {
        Arc::new(StructType {
            name: Some(name.to_owned()),
            fields: keys.iter().map(|k| ((*k).to_owned(), Type::Any)).collect(),
        })
    };
    // Equal addresses and lengths mean equal strings.
    let mut id = Vec::with_capacity(2 + 2 * keys.len());
    for k in std::iter::once(&name).chain(keys) {
        id.push(k.as_ptr() as usize);
        id.push(k.len());
    }
    STRUCT_TYPES
        .try_with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(t) = cache.get(&id) {
                return Arc::clone(t);
            }
            let t = build();
            if cache.len() < MAX_CACHED_TYPES {
                cache.insert(id, Arc::clone(&t));
            }
            t
        })
        .unwrap_or_else(|_| build())
}

impl StructSer {
    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let v = value.serialize(ValueSerializer).map_err(|e| {
            let e = e.0.at_key(key);
            SerError(match self.variant {
                Some(var) => e.at_key(var),
                None => e,
            })
        })?;
        self.keys.push(key);
        self.vals.push(v);
        Ok(())
    }
    fn finish(self) -> R {
        let ty = struct_type(self.name, &self.keys);
        let s = Value::structure(ty, self.vals);
        Ok(match self.variant {
            Some(var) => one_entry_map(var, s),
            None => s,
        })
    }
}

impl ser::SerializeStruct for StructSer {
    type Ok = Value;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.field(key, value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStructVariant for StructSer {
    type Ok = Value;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.field(key, value)
    }
    fn end(self) -> R {
        self.finish()
    }
}
