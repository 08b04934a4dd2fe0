//! The helper functions of Go's template tests, as registered by the
//! go-oracle (`add`, `echo`, `oneArg`, ...), with the same signatures and
//! behaviour.

use crate::gofmt;
use crate::value::{Type, Value};

use super::{Func, FuncMap};

fn string_arg(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The go-oracle's test helpers: `add`, `echo`, `makemap`, `mapOfThree`,
/// `oneArg`, `twoArgs`, `zeroArgs`, `dddArg`, `returnInt`, `typeOf`, `die`,
/// `valueString` and `pred`.
pub fn oracle_helpers() -> FuncMap {
    let mut m = FuncMap::builtins();
    // func(args ...int) int
    m.insert(
        "add",
        Func::variadic(vec![], Type::Int, |args| {
            Ok(Value::Int(
                args.iter()
                    .map(|a| a.as_int().unwrap_or(0))
                    .fold(0i64, i64::wrapping_add),
            ))
        }),
    );
    // func(arg any) any
    m.insert(
        "echo",
        Func::new(vec![Type::Any], |args| Ok(args[0].clone())),
    );
    // func(arg ...string) map[string]string
    m.insert(
        "makemap",
        Func::variadic(vec![], Type::String, |args| {
            if args.len() % 2 != 0 {
                return Err("bad makemap".into());
            }
            let entries = args
                .chunks(2)
                .map(|kv| (kv[0].clone(), kv[1].clone()))
                .collect();
            Ok(Value::map(Type::String, Type::String, entries))
        }),
    );
    // func() any { return map[string]int{"three": 3} }
    m.insert(
        "mapOfThree",
        Func::new(vec![], |_| {
            Ok(Value::map(
                Type::String,
                Type::Int,
                vec![(Value::str("three"), Value::Int(3))],
            ))
        }),
    );
    // func(a string) string
    m.insert(
        "oneArg",
        Func::new(vec![Type::String], |args| {
            Ok(Value::str(&format!("oneArg={}", string_arg(&args[0]))))
        }),
    );
    // func(a, b string) string
    m.insert(
        "twoArgs",
        Func::new(vec![Type::String, Type::String], |args| {
            Ok(Value::str(&format!(
                "twoArgs={}{}",
                string_arg(&args[0]),
                string_arg(&args[1])
            )))
        }),
    );
    // func() string
    m.insert(
        "zeroArgs",
        Func::new(vec![], |_| Ok(Value::str("zeroArgs"))),
    );
    // func(a int, b ...string) string { return fmt.Sprintln(a, b) }
    m.insert(
        "dddArg",
        Func::variadic(vec![Type::Int], Type::String, |args| {
            let rest = Value::slice(Type::String, args[1..].to_vec());
            Ok(Value::str(&gofmt::sprintln(&[args[0].clone(), rest])))
        }),
    );
    // func() int
    m.insert("returnInt", Func::new(vec![], |_| Ok(Value::Int(7))));
    // func(arg any) string { return fmt.Sprintf("%T", arg) }
    m.insert(
        "typeOf",
        Func::new(vec![Type::Any], |args| {
            Ok(Value::str(&gofmt::sprintf("%T", args)))
        }),
    );
    // func() bool { panic("die") }
    m.insert("die", Func::new(vec![], |_| Err("die".into())));
    // func(v string) string
    m.insert(
        "valueString",
        Func::new(vec![Type::String], |_| Ok(Value::str("value is ignored"))),
    );
    // func(a ...any) (any, error)
    m.insert(
        "pred",
        Func::variadic(vec![], Type::Any, |args| {
            if let [Value::Int(i)] = args {
                if *i > 0 {
                    return Ok(Value::Int(i - 1));
                }
            }
            let list = Value::slice(Type::Any, args.to_vec());
            Err(gofmt::sprintf("undefined pred(%v)", &[list]))
        }),
    );
    m
}
