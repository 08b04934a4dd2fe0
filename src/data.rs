//! Page data: conversion from `serde::Serialize` and memory estimates.

use std::mem::size_of;

use livetemplate_core::value::{MapValue, SliceValue, StructType, StructValue, Type, Value};
use serde::Serialize;

use crate::error::{Error, Result};

/// Converts any `Serialize` value into a template [`Value`] with
/// [`Value::from_serialize`] (a Rust struct becomes a Go struct, a map a
/// map, `None` nil); errors become [`Error::DataInvalid`] naming the data path.
pub fn to_value<T: Serialize + ?Sized>(data: &T, op: &'static str) -> Result<Value> {
    Value::from_serialize(data).map_err(|e| Error::DataInvalid {
        op,
        message: e.message,
    })
}

/// Estimated bytes held by `v` (the enum itself plus everything it owns;
/// shared `Arc` contents are counted in full, so this errs high).
pub fn estimate_value(v: &Value) -> usize {
    size_of::<Value>() + heap_of(v)
}

fn heap_of(v: &Value) -> usize {
    const ARC_HEADER: usize = 2 * size_of::<usize>();
    match v {
        Value::Nil
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Uint(_)
        | Value::Float(_)
        | Value::Complex(..) => 0,
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
            // The serde conversion allocates the struct type per value: count it.
            let ty = ARC_HEADER
                + size_of::<StructType>()
                + s.ty.name.as_ref().map_or(0, String::len)
                + s.ty
                    .fields
                    .iter()
                    .map(|(n, _)| size_of::<(String, Type)>() + n.len())
                    .sum::<usize>();
            ARC_HEADER
                + size_of::<StructValue>()
                + ty
                + s.fields.iter().map(estimate_value).sum::<usize>()
        }
        Value::Ptr(p) => ARC_HEADER + estimate_value(p),
        Value::NilPtr(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Clone)]
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
        let item = &s.items[0];
        assert_eq!(item.field("title"), Some(&Value::str("a")));
        assert_eq!(item.field("n"), Some(&Value::Uint(u64::MAX)));
        let one = estimate_value(&v);
        let two = estimate_value(
            &to_value(
                &vec![
                    Todo {
                        title: "a".into(),
                        done: true,
                        n: 1
                    };
                    2
                ],
                "t",
            )
            .unwrap(),
        );
        assert!(one > estimate_value(&Value::Nil) && two > one);
    }

    #[test]
    fn unserializable_data_is_an_error() {
        let e = to_value(&vec![(1u8, u128::MAX)], "new_page").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::DataInvalid);
        assert_eq!(e.operation(), "new_page");
    }
}
