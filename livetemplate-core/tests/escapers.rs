//! Escaper outputs compared with Go 1.19's html/template (expected values
//! were produced by the Go oracle: each value rendered through a template
//! whose action gets exactly the chain listed).

use std::sync::Arc;

use livetemplate_core::escape::{Escaper, apply_chain, apply_chain_into};
use livetemplate_core::value::{
    MapValue, SafeKind, SliceValue, StructType, StructValue, Type, Value,
};
use serde_json::Value as J;

/// The oracle's JSON data conventions, enough for these fixtures.
fn to_value(j: &J) -> Value {
    match j {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            let t = n.to_string();
            if !t.contains(['.', 'e', 'E']) {
                if let Some(i) = n.as_i64() {
                    return Value::Int(i);
                }
            }
            Value::Float(n.as_f64().unwrap_or(0.0))
        }
        J::String(s) => Value::String(s.as_str().into()),
        J::Array(a) => {
            let items: Vec<Value> = a.iter().map(to_value).collect();
            Value::Slice(Arc::new(SliceValue {
                elem: Type::Any,
                items,
            }))
        }
        J::Object(o) => {
            if o.len() == 1 {
                let (k, v) = o.iter().next().unwrap();
                let safe = |k| Value::Safe(k, v.as_str().unwrap_or("").into());
                match k.as_str() {
                    "$html" => return safe(SafeKind::Html),
                    "$css" => return safe(SafeKind::Css),
                    "$js" => return safe(SafeKind::Js),
                    "$jsstr" => return safe(SafeKind::JsStr),
                    "$url" => return safe(SafeKind::Url),
                    "$attr" => return safe(SafeKind::HtmlAttr),
                    "$srcset" => return safe(SafeKind::Srcset),
                    "$uint" => return Value::Uint(v.as_u64().unwrap_or(0)),
                    "$float" => return Value::Float(v.as_f64().unwrap_or(0.0)),
                    "$ptr" => return Value::Ptr(Arc::new(to_value(v))),
                    "$nilptr" => return Value::NilPtr(Type::Int),
                    "$struct" => {
                        let o = v.as_object().unwrap();
                        let ty = StructType {
                            name: None,
                            fields: o.keys().map(|k| (k.clone(), Type::Any)).collect(),
                        };
                        return Value::Struct(Arc::new(StructValue {
                            ty: Arc::new(ty),
                            fields: o.values().map(to_value).collect(),
                        }));
                    }
                    _ => {}
                }
            }
            let mut entries: Vec<(Value, Value)> = o
                .iter()
                .map(|(k, v)| (Value::String(k.as_str().into()), to_value(v)))
                .collect();
            entries.sort_by(|a, b| match (&a.0, &b.0) {
                (Value::String(x), Value::String(y)) => x.cmp(y),
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

#[test]
fn escapers_match_go() {
    let data: Vec<J> = serde_json::from_str(include_str!("data/escapers.json")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &data {
        let chain: Vec<Escaper> = case["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| Escaper::from_go_name(n.as_str().unwrap()).expect("known escaper"))
            .collect();
        let jv = &case["value"];
        checked += 1;
        let got = apply_chain(&chain, &to_value(jv));
        let mut into = String::from("pre");
        apply_chain_into(&mut into, &chain, &to_value(jv));
        assert_eq!(into, format!("pre{got}"), "apply_chain_into {chain:?} {jv}");
        let want = case["expected"].as_str().unwrap();
        if got != want {
            failures.push(format!("{chain:?} {jv}: got {got:?}, want {want:?}"));
        }
    }
    assert!(checked > 900, "only {checked} cases checked");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn chain_after_first_is_plain_string() {
    // template.HTML is honoured by the first escaper only.
    let v = Value::Safe(SafeKind::Html, "<b>x</b>".into());
    assert_eq!(apply_chain(&[Escaper::HtmlEscaper], &v), "<b>x</b>");
    assert_eq!(
        apply_chain(&[Escaper::UrlNormalizer, Escaper::AttrEscaper], &v),
        "%3cb%3ex%3c/b%3e"
    );
    assert_eq!(
        Escaper::from_go_name("_eval_args_"),
        Some(Escaper::EvalArgs)
    );
}
