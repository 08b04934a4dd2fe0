//! The builtin functions, evaluated over [`Ev`] so that `index` can return
//! borrowed values.

use std::sync::Arc;

use crate::funcs::{Builtin, compare, escapers};
use crate::gofmt;
use crate::value::{SliceValue, Type, Value};

use super::State;
use super::eval::{Ev, project};

fn type_name(v: &Value) -> String {
    v.type_of().to_string()
}

/// Go's `indirectInterface`: a nil interface is no value.
fn concrete(v: Option<&Value>) -> Option<&Value> {
    match v {
        Some(Value::Nil) | None => None,
        v => v,
    }
}

/// Go's `indexArg`: an integer index in `0..=cap`.
fn index_arg(index: Option<&Value>, cap: usize) -> Result<usize, String> {
    let x: i64 = match concrete(index) {
        Some(Value::Int(i)) => *i,
        Some(Value::Uint(u)) => *u as i64,
        None => return Err("cannot index slice/array with nil".into()),
        Some(v) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                type_name(v)
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

/// Go's `prepareArg` for a map key of type `key`.
fn prepare_key(index: Option<&Value>, key: &Type) -> Result<Value, String> {
    let Some(v) = concrete(index) else {
        return match key {
            Type::Any | Type::Slice(_) | Type::Map(..) | Type::Ptr(_) => Ok(key.zero()),
            _ => Err(format!("value is nil; should be of type {key}")),
        };
    };
    if matches!(key, Type::Any) || v.has_type(key) {
        return Ok(v.clone());
    }
    match (v, key) {
        (Value::Int(i), Type::Uint) => Ok(Value::Uint(*i as u64)),
        (Value::Uint(u), Type::Int) => Ok(Value::Int(*u as i64)),
        _ => Err(format!("value has type {}; should be {key}", type_name(v))),
    }
}

fn index_one<'x>(item: Option<&'x Value>, index: Option<&Value>) -> Result<Ev<'x>, String> {
    let mut item = match item {
        Some(v) => v,
        None => return Err("index of untyped nil".into()),
    };
    while let Value::Ptr(p) = item {
        item = p;
    }
    match item {
        Value::NilPtr(_) | Value::Nil => Err("index of nil pointer".into()),
        Value::Slice(s) => {
            let x = index_arg(index, s.items.len())?;
            s.items
                .get(x)
                .map(Ev::Ref)
                .ok_or_else(|| "reflect: slice index out of range".into())
        }
        Value::String(s) | Value::Safe(_, s) => {
            let x = index_arg(index, s.len())?;
            s.as_bytes()
                .get(x)
                .map(|b| Ev::Own(Value::Uint(u64::from(*b))))
                .ok_or_else(|| "reflect: string index out of range".into())
        }
        Value::Map(m) => {
            let key = prepare_key(index, &m.key)?;
            Ok(match m.get(&key) {
                Some(v) => Ev::Ref(v),
                None => Ev::Own(m.elem.zero()),
            })
        }
        other => Err(format!("can't index item of type {}", type_name(other))),
    }
}

fn slice_item(item: Option<&Value>, indexes: &[Ev<'_>]) -> Result<Value, String> {
    let Some(item) = concrete(item) else {
        return Err("slice of untyped nil".into());
    };
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::String(s) | Value::Safe(_, s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::Slice(s) => s.items.len(),
        other => return Err(format!("can't slice item of type {}", type_name(other))),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index.get(), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match item {
        Value::String(s) => Value::String(Arc::from(String::from_utf8_lossy(
            &s.as_bytes()[idx[0]..idx[1]],
        ))),
        Value::Safe(k, s) => Value::Safe(
            *k,
            Arc::from(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]])),
        ),
        Value::Slice(s) => Value::Slice(Arc::new(SliceValue {
            elem: s.elem.clone(),
            items: s.items[idx[0]..idx[1]].to_vec(),
        })),
        _ => unreachable!("checked above"),
    })
}

pub(super) fn length(item: Option<&Value>) -> Result<Value, String> {
    let Some(mut item) = item else {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    };
    while let Value::Ptr(p) = item {
        item = p;
    }
    match item {
        Value::Nil | Value::NilPtr(_) => Err("len of nil pointer".into()),
        other => match other.len() {
            Some(n) => Ok(Value::Int(n as i64)),
            None => Err(format!("len of type {}", type_name(other))),
        },
    }
}

/// Go's `evalArgs` for `html`, `js` and `urlquery`.
fn eval_args(args: &[Ev<'_>]) -> String {
    if let [v] = args {
        if let Some(Value::String(s)) = v.get() {
            return s.to_string();
        }
    }
    let vals: Vec<Value> = args
        .iter()
        .map(|a| {
            let mut v = a.get();
            while let Some(Value::Ptr(p)) = v {
                v = Some(p);
            }
            match v {
                None | Some(Value::Nil) => Value::str("<no value>"),
                Some(v) => v.clone(),
            }
        })
        .collect();
    gofmt::sprint(&vals)
}

/// Calls `f` with the arguments as values (no value is `Value::Nil`),
/// held on the stack for the usual few arguments.
fn with_values<R>(args: &[Ev<'_>], f: impl FnOnce(&[Value]) -> R) -> R {
    let value = |a: &Ev<'_>| a.get().cloned().unwrap_or(Value::Nil);
    if args.len() <= 4 {
        let mut buf = [Value::Nil, Value::Nil, Value::Nil, Value::Nil];
        for (slot, a) in buf.iter_mut().zip(args) {
            *slot = value(a);
        }
        f(&buf[..args.len()])
    } else {
        f(&args.iter().map(value).collect::<Vec<_>>())
    }
}

impl State<'_> {
    pub(super) fn call_builtin<'d>(
        &self,
        b: Builtin,
        argv: &mut [Ev<'d>],
    ) -> Result<Ev<'d>, String> {
        let take = |v: &mut Ev<'d>| std::mem::replace(v, Ev::Invalid);
        match b {
            // Handled lazily by the caller; kept total here.
            Builtin::And | Builtin::Or => return Ok(argv.last_mut().map_or(Ev::Invalid, take)),
            Builtin::Index => {
                let mut iter = argv.iter_mut().map(take);
                let first = iter.next().unwrap_or(Ev::Invalid);
                let mut item = project(first, |v| {
                    Ok::<_, String>(concrete(v).map_or(Ev::Invalid, Ev::Ref))
                })?;
                if item.get().is_none() {
                    return Err("index of untyped nil".into());
                }
                for index in iter {
                    item = project(item, |v| index_one(v, index.get()))?;
                }
                return Ok(item);
            }
            _ => {}
        }
        let argv: &[Ev<'d>] = argv;
        let bool_result = |r: Result<bool, String>| r.map(|t| Ev::Own(Value::Bool(t)));
        let get = |i: usize| argv.get(i).and_then(Ev::get);
        match b {
            Builtin::And | Builtin::Or | Builtin::Index => Ok(Ev::Invalid), // handled above
            Builtin::Not => Ok(Ev::Own(Value::Bool(!get(0).is_some_and(Value::truth)))),
            Builtin::Len => length(get(0)).map(Ev::Own),
            Builtin::Eq if argv.len() == 2 => bool_result(compare::eq(get(0), &[get(1)])),
            Builtin::Eq => {
                let rest: Vec<Option<&Value>> = argv.iter().skip(1).map(Ev::get).collect();
                bool_result(compare::eq(get(0), &rest))
            }
            Builtin::Ne => bool_result(compare::ne(get(0), get(1))),
            Builtin::Lt => bool_result(compare::lt(get(0), get(1))),
            Builtin::Le => bool_result(compare::le(get(0), get(1))),
            Builtin::Gt => bool_result(compare::gt(get(0), get(1))),
            Builtin::Ge => bool_result(compare::ge(get(0), get(1))),
            Builtin::Slice => slice_item(get(0), &argv[1..]).map(Ev::Own),
            Builtin::Html => {
                let mut out = String::new();
                escapers::html_escape(&mut out, &eval_args(argv));
                Ok(Ev::Own(Value::str(&out)))
            }
            Builtin::Js => {
                let mut out = String::new();
                escapers::js_escape(&mut out, &eval_args(argv));
                Ok(Ev::Own(Value::str(&out)))
            }
            Builtin::Urlquery => {
                let mut out = String::new();
                escapers::url_query_escape(&mut out, &eval_args(argv));
                Ok(Ev::Own(Value::str(&out)))
            }
            Builtin::Print => Ok(Ev::Own(Value::str(&with_values(argv, gofmt::sprint)))),
            Builtin::EvalArgs => Ok(Ev::Own(Value::str(&with_values(
                argv,
                crate::escape::eval_args,
            )))),
            Builtin::Println => Ok(Ev::Own(Value::str(&with_values(argv, gofmt::sprintln)))),
            Builtin::Printf => {
                let format = get(0).and_then(Value::as_str).unwrap_or("");
                Ok(Ev::Own(Value::str(&with_values(&argv[1..], |args| {
                    gofmt::sprintf(format, args)
                }))))
            }
            Builtin::Call => match concrete(get(0)) {
                None => Err("call of nil".into()),
                Some(v) => Err(format!("non-function of type {}", type_name(v))),
            },
        }
    }
}
