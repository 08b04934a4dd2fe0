//! Go's comparison builtins `eq`, `ne`, `lt`, `le`, `gt`, `ge` with
//! text/template's `basicKind` rules: integers compare with unsigned
//! integers by value, other mixed kinds are an error, and non-basic values
//! (pointers, structs) compare with Go's `==` when comparable.
//!
//! Arguments are `Option<&Value>`: `None` is "no value" (an invalid
//! `reflect.Value`, e.g. a missing map key or untyped nil).

use std::sync::Arc;

use crate::gofmt;
use crate::value::{Type, Value};

/// "incompatible types for comparison"
pub const ERR_BAD_COMPARISON: &str = "incompatible types for comparison";
/// "invalid type for comparison"
pub const ERR_BAD_COMPARISON_TYPE: &str = "invalid type for comparison";
/// "missing argument for comparison"
pub const ERR_NO_COMPARISON: &str = "missing argument for comparison";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Int(_)) => Kind::Int,
        Some(Value::Uint(_)) => Kind::Uint,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::Complex(..)) => Kind::Complex,
        Some(Value::String(_) | Value::Safe(..)) => Kind::String,
        _ => Kind::Invalid,
    }
}

/// Strips a nil interface: Go's `indirectInterface` as seen from our model,
/// where `Value::Nil` is both untyped nil and a nil `interface{}`.
fn concrete(v: Option<&Value>) -> Option<&Value> {
    match v {
        Some(Value::Nil) | None => None,
        v => v,
    }
}

fn int(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i)) => *i,
        _ => 0,
    }
}

fn uint(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Uint(u)) => *u,
        _ => 0,
    }
}

fn float(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Float(f)) => *f,
        _ => 0.0,
    }
}

fn complex(v: Option<&Value>) -> (f64, f64) {
    match v {
        Some(Value::Complex(re, im)) => (*re, *im),
        _ => (0.0, 0.0),
    }
}

fn string(v: Option<&Value>) -> &str {
    match v {
        Some(Value::String(s) | Value::Safe(_, s)) => s,
        _ => "",
    }
}

fn boolean(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
}

/// Go's reflect kind, for the "same kind" test of non-basic values.
fn reflect_kind(v: &Value) -> u8 {
    match v {
        Value::Nil => 0,
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Uint(_) => 3,
        Value::Float(_) => 4,
        Value::String(_) | Value::Safe(..) => 5,
        Value::Slice(_) => 6,
        Value::Map(_) => 7,
        Value::Struct(_) => 8,
        Value::Ptr(_) | Value::NilPtr(_) => 9,
        Value::Complex(..) => 10,
    }
}

fn is_nil(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Nil | Value::NilPtr(_)))
}

/// Whether Go's `==` is defined on values of type `t`.
pub fn type_comparable(t: &Type) -> bool {
    match t {
        Type::Slice(_) | Type::Map(..) => false,
        Type::Struct(st) => st.fields.iter().all(|(_, t)| type_comparable(t)),
        _ => true,
    }
}

fn value_comparable(v: &Value) -> bool {
    match v {
        Value::Slice(_) | Value::Map(_) => false,
        Value::Struct(s) => s.ty.fields.iter().all(|(_, t)| type_comparable(t)),
        _ => true,
    }
}

/// Go's `==` on two values of comparable types (interface semantics: the
/// dynamic types must match; pointers compare by identity).
pub fn go_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Complex(r1, i1), Value::Complex(r2, i2)) => r1 == r2 && i1 == i2,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Safe(k1, x), Value::Safe(k2, y)) => k1 == k2 && x == y,
        (Value::Ptr(x), Value::Ptr(y)) => Arc::ptr_eq(x, y),
        (Value::NilPtr(x), Value::NilPtr(y)) => x == y,
        (Value::Struct(x), Value::Struct(y)) => {
            (Arc::ptr_eq(&x.ty, &y.ty) || x.ty == y.ty)
                && x.fields
                    .iter()
                    .zip(y.fields.iter())
                    .all(|(a, b)| go_equal(a, b))
        }
        _ => false,
    }
}

fn type_string(v: &Value) -> String {
    v.type_of().to_string()
}

/// Go's `eq arg1 arg2...`: whether `arg1` equals any of `rest`.
pub fn eq(arg1: Option<&Value>, rest: &[Option<&Value>]) -> Result<bool, String> {
    let arg1 = concrete(arg1);
    if rest.is_empty() {
        return Err(ERR_NO_COMPARISON.into());
    }
    let k1 = basic_kind(arg1);
    for &arg in rest {
        let arg = concrete(arg);
        let k2 = basic_kind(arg);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => int(arg1) >= 0 && int(arg1) as u64 == uint(arg),
                (Kind::Uint, Kind::Int) => int(arg) >= 0 && uint(arg1) == int(arg) as u64,
                _ => {
                    if arg1.is_some() && arg.is_some() {
                        return Err(ERR_BAD_COMPARISON.into());
                    }
                    false
                }
            }
        } else {
            match k1 {
                Kind::Bool => boolean(arg1) == boolean(arg),
                Kind::Float => float(arg1) == float(arg),
                Kind::Complex => complex(arg1) == complex(arg),
                Kind::Int => int(arg1) == int(arg),
                Kind::String => crate::bytes::str_eq(string(arg1), string(arg)),
                Kind::Uint => uint(arg1) == uint(arg),
                Kind::Invalid => match (arg1, arg) {
                    (Some(a), Some(b)) if reflect_kind(a) != reflect_kind(b) => {
                        return Err(gofmt::sprintf(
                            "non-comparable types %s: %v, %s: %v",
                            &[
                                a.clone(),
                                Value::str(&type_string(a)),
                                Value::str(&type_string(b)),
                                b.clone(),
                            ],
                        ));
                    }
                    _ if is_nil(arg1) || is_nil(arg) => is_nil(arg1) == is_nil(arg),
                    (Some(a), Some(b)) => {
                        if !value_comparable(b) {
                            return Err(gofmt::sprintf(
                                "non-comparable type %s: %v",
                                &[b.clone(), Value::str(&type_string(b))],
                            ));
                        }
                        go_equal(a, b)
                    }
                    _ => false,
                },
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's `ne`.
pub fn ne(a: Option<&Value>, b: Option<&Value>) -> Result<bool, String> {
    eq(a, &[b]).map(|t| !t)
}

/// Go's `lt`.
pub fn lt(arg1: Option<&Value>, arg2: Option<&Value>) -> Result<bool, String> {
    let arg1 = concrete(arg1);
    let k1 = basic_kind(arg1);
    if k1 == Kind::Invalid {
        return Err(ERR_BAD_COMPARISON_TYPE.into());
    }
    let arg2 = concrete(arg2);
    let k2 = basic_kind(arg2);
    if k2 == Kind::Invalid {
        return Err(ERR_BAD_COMPARISON_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(int(arg1) < 0 || (int(arg1) as u64) < uint(arg2)),
            (Kind::Uint, Kind::Int) => Ok(int(arg2) >= 0 && uint(arg1) < int(arg2) as u64),
            _ => Err(ERR_BAD_COMPARISON.into()),
        };
    }
    match k1 {
        Kind::Bool | Kind::Complex | Kind::Invalid => Err(ERR_BAD_COMPARISON_TYPE.into()),
        Kind::Float => Ok(float(arg1) < float(arg2)),
        Kind::Int => Ok(int(arg1) < int(arg2)),
        Kind::String => Ok(string(arg1) < string(arg2)),
        Kind::Uint => Ok(uint(arg1) < uint(arg2)),
    }
}

/// Go's `le`.
pub fn le(a: Option<&Value>, b: Option<&Value>) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, &[b])
}

/// Go's `gt`.
pub fn gt(a: Option<&Value>, b: Option<&Value>) -> Result<bool, String> {
    le(a, b).map(|t| !t)
}

/// Go's `ge`.
pub fn ge(a: Option<&Value>, b: Option<&Value>) -> Result<bool, String> {
    lt(a, b).map(|t| !t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(n: i64) -> Value {
        Value::Int(n)
    }

    #[test]
    fn eq_basic() {
        assert_eq!(eq(Some(&i(1)), &[Some(&i(2)), Some(&i(1))]), Ok(true));
        assert_eq!(eq(Some(&i(1)), &[Some(&i(2))]), Ok(false));
        assert_eq!(eq(Some(&i(3)), &[Some(&Value::Uint(3))]), Ok(true));
        assert_eq!(eq(Some(&i(-1)), &[Some(&Value::Uint(u64::MAX))]), Ok(false));
        assert_eq!(
            eq(
                Some(&Value::str("a")),
                &[Some(&Value::safe(crate::value::SafeKind::Html, "a"))]
            ),
            Ok(true)
        );
        assert_eq!(
            eq(Some(&i(2)), &[Some(&Value::Float(2.0))]),
            Err(ERR_BAD_COMPARISON.into())
        );
        assert_eq!(eq(Some(&i(2)), &[]), Err(ERR_NO_COMPARISON.into()));
        // Missing values compare unequal without error.
        assert_eq!(eq(None, &[Some(&i(2))]), Ok(false));
        assert_eq!(eq(None, &[None]), Ok(true));
        assert_eq!(eq(Some(&Value::Nil), &[None]), Ok(true));
    }

    #[test]
    fn eq_pointers() {
        let p = Value::ptr(i(1));
        let q = Value::ptr(i(1));
        assert_eq!(eq(Some(&p), &[Some(&p)]), Ok(true));
        assert_eq!(eq(Some(&p), &[Some(&q)]), Ok(false));
        assert_eq!(eq(Some(&p), &[Some(&i(1))]), Err(ERR_BAD_COMPARISON.into()));
        assert_eq!(eq(Some(&Value::NilPtr(Type::Int)), &[None]), Ok(true));
        assert_eq!(eq(Some(&p), &[None]), Ok(false));
    }

    #[test]
    fn eq_non_comparable() {
        let s = Value::slice(Type::Int, vec![i(1), i(2)]);
        assert_eq!(
            eq(Some(&s), &[Some(&s)]),
            Err("non-comparable type [%!s(int=1) %!s(int=2)]: []int".into())
        );
        let m = Value::string_map(vec![("a", i(1))]);
        assert_eq!(
            eq(Some(&s), &[Some(&m)]),
            Err(
                "non-comparable types [%!s(int=1) %!s(int=2)]: []int, map[string]int: map[a:1]"
                    .into()
            )
        );
    }

    #[test]
    fn ordering() {
        assert_eq!(lt(Some(&i(1)), Some(&i(2))), Ok(true));
        assert_eq!(lt(Some(&i(-1)), Some(&Value::Uint(0))), Ok(true));
        assert_eq!(lt(Some(&Value::Uint(5)), Some(&i(-1))), Ok(false));
        assert_eq!(lt(Some(&Value::str("a")), Some(&Value::str("b"))), Ok(true));
        assert_eq!(
            lt(Some(&Value::Bool(true)), Some(&Value::Bool(true))),
            Err(ERR_BAD_COMPARISON_TYPE.into())
        );
        assert_eq!(
            lt(Some(&i(1)), Some(&Value::Float(1.0))),
            Err(ERR_BAD_COMPARISON.into())
        );
        assert_eq!(lt(None, Some(&i(1))), Err(ERR_BAD_COMPARISON_TYPE.into()));
        assert_eq!(le(Some(&i(2)), Some(&i(2))), Ok(true));
        assert_eq!(gt(Some(&i(3)), Some(&i(2))), Ok(true));
        assert_eq!(ge(Some(&i(2)), Some(&i(3))), Ok(false));
        assert_eq!(ne(Some(&i(2)), Some(&i(3))), Ok(true));
        assert_eq!(
            ge(Some(&Value::Float(1.5)), Some(&Value::Float(1.5))),
            Ok(true)
        );
    }

    #[test]
    fn complex_compares_for_equality_only() {
        // Go 1.19: `eq 1+2i 1+2i`, `eq 1i 1`, `lt 1i 2i`, `lt 1i 1`.
        let a = Value::Complex(1.0, 2.0);
        let b = Value::Complex(1.0, 3.0);
        assert_eq!(eq(Some(&a), &[Some(&a.clone())]), Ok(true));
        assert_eq!(eq(Some(&a), &[Some(&b)]), Ok(false));
        assert_eq!(eq(Some(&a), &[Some(&b), Some(&a)]), Ok(true));
        assert_eq!(ne(Some(&a), Some(&b)), Ok(true));
        assert_eq!(eq(Some(&a), &[Some(&i(1))]), Err(ERR_BAD_COMPARISON.into()));
        assert_eq!(eq(Some(&a), &[None]), Ok(false));
        assert_eq!(lt(Some(&a), Some(&b)), Err(ERR_BAD_COMPARISON_TYPE.into()));
        assert_eq!(le(Some(&a), Some(&a)), Err(ERR_BAD_COMPARISON_TYPE.into()));
        assert_eq!(lt(Some(&a), Some(&i(1))), Err(ERR_BAD_COMPARISON.into()));
        assert!(go_equal(&a, &Value::Complex(1.0, 2.0)));
        assert!(!go_equal(&a, &Value::Float(1.0)));
    }
}
