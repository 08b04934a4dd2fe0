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

mod fused {
    //! `apply_chain_into` writes the last escaper straight into the output,
    //! fuses the URL chains into one pass and formats integers on the
    //! stack; whatever the value, it must append exactly what the
    //! step-by-step `apply_chain` returns.

    use super::*;
    use proptest::prelude::*;

    /// Every chain the escaping pass produces in practice, plus every
    /// chain of the Go fixtures.
    fn chains() -> Vec<Vec<Escaper>> {
        use Escaper::*;
        let mut chains: Vec<Vec<Escaper>> = vec![
            vec![HtmlEscaper],
            vec![AttrEscaper],
            vec![RcdataEscaper],
            vec![NospaceEscaper],
            vec![UrlNormalizer],
            vec![UrlEscaper],
            vec![UrlFilter],
            vec![UrlNormalizer, AttrEscaper],
            vec![UrlEscaper, AttrEscaper],
            vec![UrlFilter, UrlNormalizer, AttrEscaper],
            vec![UrlNormalizer, NospaceEscaper],
            vec![UrlEscaper, NospaceEscaper],
            vec![UrlFilter, UrlNormalizer, NospaceEscaper],
            vec![UrlFilter, UrlEscaper, AttrEscaper],
            vec![JsValEscaper],
            vec![JsValEscaper, AttrEscaper],
            vec![JsStrEscaper],
            vec![JsStrEscaper, AttrEscaper],
            vec![JsRegexpEscaper, AttrEscaper],
            vec![CssValueFilter],
            vec![CssValueFilter, AttrEscaper],
            vec![CssEscaper, AttrEscaper],
            vec![SrcsetEscaper, AttrEscaper],
            vec![HtmlNameFilter, AttrEscaper],
            vec![EvalArgs, HtmlEscaper],
            vec![Html, UrlQuery],
            vec![UrlQuery, HtmlEscaper],
            vec![],
        ];
        let data: Vec<J> = serde_json::from_str(include_str!("data/escapers.json")).unwrap();
        for case in &data {
            let chain: Vec<Escaper> = case["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| Escaper::from_go_name(n.as_str().unwrap()).unwrap())
                .collect();
            if !chains.contains(&chain) {
                chains.push(chain);
            }
        }
        chains
    }

    fn check(chain: &[Escaper], v: &Value) -> Result<(), TestCaseError> {
        let mut into = String::from("pre");
        apply_chain_into(&mut into, chain, v);
        prop_assert_eq!(
            into,
            format!("pre{}", apply_chain(chain, v)),
            "{:?} {:?}",
            chain,
            v
        );
        Ok(())
    }

    /// Strings rich in what the escapers treat specially: URL reserved
    /// characters, `%` escapes (valid and not), HTML specials, quotes,
    /// control characters, JS line separators and non-ASCII text.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("%".to_string()),
            Just("%2f".to_string()),
            Just("%zz".to_string()),
            Just("&".to_string()),
            Just("+".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just("<>".to_string()),
            Just("javascript:".to_string()),
            Just("https://x.example/a?b=c&d=e#f".to_string()),
            Just("\u{2028}".to_string()),
            Just("\u{fdd0}".to_string()),
            Just("é日本".to_string()),
            Just(" , 2x".to_string()),
            "[\\x00-\\x1f]",
            "[!-~]{0,4}",
            any::<char>().prop_map(|c| c.to_string()),
        ];
        prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    fn value() -> impl Strategy<Value = Value> {
        let safe = prop_oneof![
            Just(SafeKind::Html),
            Just(SafeKind::Css),
            Just(SafeKind::Js),
            Just(SafeKind::JsStr),
            Just(SafeKind::Url),
            Just(SafeKind::HtmlAttr),
            Just(SafeKind::Srcset),
        ];
        prop_oneof![
            4 => text().prop_map(|s| Value::String(s.into())),
            2 => (safe, text()).prop_map(|(k, s)| Value::Safe(k, s.into())),
            2 => any::<i64>().prop_map(Value::Int),
            1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0), Just(-1)].prop_map(Value::Int),
            1 => any::<u64>().prop_map(Value::Uint),
            1 => any::<bool>().prop_map(Value::Bool),
            1 => any::<f64>().prop_map(Value::Float),
            1 => Just(Value::Nil),
            1 => any::<i64>().prop_map(|i| Value::Ptr(Arc::new(Value::Int(i)))),
            1 => text().prop_map(|s| Value::Ptr(Arc::new(Value::String(s.into())))),
        ]
    }

    proptest! {
        #[test]
        fn apply_chain_into_equals_apply_chain(v in value()) {
            for chain in chains() {
                check(&chain, &v)?;
            }
        }
    }

    /// The fixture inputs through every chain, not only their own.
    #[test]
    fn fixture_values_through_every_chain() {
        let data: Vec<J> = serde_json::from_str(include_str!("data/escapers.json")).unwrap();
        let chains = chains();
        for case in &data {
            let v = to_value(&case["value"]);
            for chain in &chains {
                check(chain, &v).unwrap();
            }
        }
    }
}
