//! Go's map key order (`internal/fmtsort`), which `range` and `%v` use.

use super::Value;
use std::cmp::Ordering;

/// Rank of `String` keys, for searches by `&str`.
pub(super) const STRING_RANK: u8 = 5;

/// Orders values of different types (Go gives no meaningful order there:
/// it compares type addresses; any fixed order will do). Untyped nil first,
/// as fmtsort puts nil interfaces first.
pub(super) fn rank(v: &Value) -> u8 {
    match v {
        Value::Nil => 0,
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Uint(_) => 3,
        Value::Float(_) => 4,
        Value::String(_) => STRING_RANK,
        Value::Safe(..) => 6,
        Value::Slice(_) => 7,
        Value::Map(_) => 8,
        Value::Struct(_) => 9,
        Value::NilPtr(_) => 10,
        Value::Ptr(_) => 11,
        Value::Complex(..) => 12,
    }
}

/// A total order on map keys that agrees with Go's `fmtsort` wherever Go's
/// order is defined: integers and floats numerically (NaN first), complex
/// numbers by real then imaginary part, strings bytewise, `false` before
/// `true`, structs field by field, nil before non-nil. Keys of different types (only possible in `map[interface {}]`)
/// are ordered by kind; Go orders those by type address, which is arbitrary.
/// Non-nil pointers compare by pointee (Go: by address).
pub fn compare_keys(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Nil, Value::Nil) => Ordering::Equal,
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Uint(x), Value::Uint(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => float_cmp(*x, *y),
        (Value::Complex(r1, i1), Value::Complex(r2, i2)) => {
            float_cmp(*r1, *r2).then_with(|| float_cmp(*i1, *i2))
        }
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Safe(k1, x), Value::Safe(k2, y)) => {
            k1.cmp(k2).then_with(|| x.as_bytes().cmp(y.as_bytes()))
        }
        (Value::Slice(x), Value::Slice(y)) => seq_cmp(&x.items, &y.items),
        (Value::Map(x), Value::Map(y)) => {
            for ((k1, v1), (k2, v2)) in x.entries.iter().zip(&y.entries) {
                let c = compare_keys(k1, k2).then_with(|| compare_keys(v1, v2));
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.entries.len().cmp(&y.entries.len())
        }
        (Value::Struct(x), Value::Struct(y)) => seq_cmp(&x.fields, &y.fields),
        (Value::NilPtr(_), Value::NilPtr(_)) => Ordering::Equal,
        (Value::Ptr(x), Value::Ptr(y)) => compare_keys(x, y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn seq_cmp(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let c = compare_keys(x, y);
        if c != Ordering::Equal {
            return c;
        }
    }
    a.len().cmp(&b.len())
}

/// fmtsort's float order: numeric, NaN before everything, NaNs equal.
fn float_cmp(a: f64, b: f64) -> Ordering {
    match a.partial_cmp(&b) {
        Some(o) => o,
        None => match (a.is_nan(), b.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            _ => Ordering::Greater,
        },
    }
}
