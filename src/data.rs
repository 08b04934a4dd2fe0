//! Page data: conversion from `serde::Serialize` and memory estimates.

use std::mem::size_of;
use std::sync::Arc;

use livetemplate_core::value::{MapValue, SliceValue, Type, Value};
use serde::Serialize;

use crate::error::{Error, Result};

/// Converts any `Serialize` value into a template [`Value`].
///
/// Stopgap until `Value::from_serialize` lands in `livetemplate-core`: goes
/// through JSON, so a Rust struct becomes a `map[string]any` (sorted keys)
/// rather than a Go struct, and integers become `int` (`uint` above
/// `i64::MAX`).
pub fn to_value<T: Serialize + ?Sized>(data: &T, op: &'static str) -> Result<Value> {
    let json = serde_json::to_value(data).map_err(|e| Error::DataInvalid {
        op,
        message: e.to_string(),
    })?;
    Ok(from_json(&json))
}

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::Uint(u)
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::String(Arc::from(s.as_str())),
        serde_json::Value::Array(items) => Value::Slice(Arc::new(SliceValue {
            elem: Type::Any,
            items: items.iter().map(from_json).collect(),
        })),
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(Value, Value)> = map
                .iter()
                .map(|(k, v)| (Value::String(Arc::from(k.as_str())), from_json(v)))
                .collect();
            entries.sort_by(|a, b| match (&a.0, &b.0) {
                (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
                _ => std::cmp::Ordering::Equal,
            });
            Value::Map(Arc::new(MapValue {
                key: Type::String,
                elem: Type::Any,
                entries,
            }))
        }
    }
}

/// Estimated bytes held by `v` (the enum itself plus everything it owns;
/// shared `Arc` contents are counted in full, so this errs high).
pub fn estimate_value(v: &Value) -> usize {
    size_of::<Value>() + heap_of(v)
}

fn heap_of(v: &Value) -> usize {
    const ARC_HEADER: usize = 2 * size_of::<usize>();
    match v {
        Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_) => 0,
        Value::String(s) | Value::Safe(_, s) => ARC_HEADER + s.len(),
        Value::Slice(s) => {
            ARC_HEADER + size_of::<SliceValue>() + s.items.iter().map(estimate_value).sum::<usize>()
        }
        Value::Map(m) => {
            ARC_HEADER
                + size_of::<MapValue>()
                + m.entries
                    .iter()
                    .map(|(k, v)| estimate_value(k) + estimate_value(v))
                    .sum::<usize>()
        }
        Value::Struct(s) => {
            ARC_HEADER
                + s.fields.iter().map(estimate_value).sum::<usize>()
                + size_of::<Vec<Value>>()
        }
        Value::Ptr(p) => ARC_HEADER + estimate_value(p),
        Value::NilPtr(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Todo {
        title: String,
        done: bool,
        n: u64,
    }

    #[test]
    fn converts_structs_and_lists() {
        let v = to_value(
            &vec![Todo {
                title: "a".into(),
                done: true,
                n: u64::MAX,
            }],
            "t",
        )
        .unwrap();
        let Value::Slice(s) = &v else {
            panic!("not a slice: {v:?}")
        };
        let Value::Map(m) = &s.items[0] else { panic!() };
        let keys: Vec<_> = m.entries.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(
            keys,
            vec![
                Value::String("done".into()),
                Value::String("n".into()),
                Value::String("title".into())
            ]
        );
        assert_eq!(m.entries[1].1, Value::Uint(u64::MAX));
        assert!(estimate_value(&v) > estimate_value(&Value::Nil));
    }

    #[test]
    fn unserializable_data_is_an_error() {
        let mut bad = std::collections::HashMap::new();
        bad.insert(vec![1u8], 1);
        let e = to_value(&bad, "new_page").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::DataInvalid);
        assert_eq!(e.operation(), "new_page");
    }
}
