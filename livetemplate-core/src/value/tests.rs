use super::*;
use crate::ErrorKind;

fn json(s: &str) -> Value {
    Value::from_json(s).expect("valid test data")
}

fn ty(s: &str) -> String {
    json(s).type_of().to_string()
}

#[test]
fn json_types_follow_the_oracle() {
    // Expected `%T` strings from Go (`printf "%T" .`).
    assert_eq!(ty("3"), "int");
    assert_eq!(ty("3.0"), "float64");
    assert_eq!(ty("1e2"), "float64");
    assert_eq!(ty("9223372036854775808"), "float64");
    assert_eq!(ty("[1,2]"), "[]int");
    assert_eq!(ty("[1,2.5]"), "[]interface {}");
    assert_eq!(ty("[1,null]"), "[]interface {}");
    assert_eq!(ty("[]"), "[]interface {}");
    assert_eq!(ty("[[1],[2]]"), "[][]int");
    assert_eq!(ty(r#"{"a":1,"b":2}"#), "map[string]int");
    assert_eq!(ty(r#"{"a":1,"b":"x"}"#), "map[string]interface {}");
    assert_eq!(
        ty(r#"{"$struct":{"A":1,"B":"x","C":null}}"#),
        "struct { A int; B string; C interface {} }"
    );
    assert_eq!(ty(r#"{"$struct":{}}"#), "struct {}");
    assert_eq!(ty(r#"{"$html":"x"}"#), "template.HTML");
    assert_eq!(ty(r#"{"$srcset":"x"}"#), "template.Srcset");
    assert_eq!(ty(r#"{"$uint":3}"#), "uint");
    assert_eq!(ty(r#"{"$float":3}"#), "float64");
    assert_eq!(ty(r#"{"$int":3}"#), "int");
    assert_eq!(ty(r#"{"$ptr":[1]}"#), "*[]int");
    assert_eq!(ty(r#"{"$nilptr":true}"#), "*int");
    assert_eq!(ty(r#"[{"$ptr":1},{"$ptr":2}]"#), "[]*int");
    assert!(json(r#"{"$nil":1}"#).is_nil());
    assert!(json("  ").is_nil());
    assert!(json("null").is_nil());
    // Two keys: a plain map, not a typed value.
    assert_eq!(ty(r#"{"$html":"a","$css":"b"}"#), "map[string]string");
    assert_eq!(json("-0"), Value::Int(0));
    assert_eq!(
        json("-0.0").as_float().map(f64::is_sign_negative),
        Some(true)
    );
}

#[test]
fn json_untyped() {
    let v = Value::from_json_untyped(r#"{"a":[1,2],"s":{"$struct":{"A":[1]}}}"#).unwrap();
    assert_eq!(v.type_of().to_string(), "map[string]interface {}");
    assert_eq!(
        v.map_get_str("a").unwrap().type_of().to_string(),
        "[]interface {}"
    );
    assert_eq!(
        v.map_get_str("s").unwrap().type_of().to_string(),
        "struct { A []interface {} }"
    );
}

#[test]
fn json_struct_keeps_document_order_and_maps_sort() {
    let v = json(r#"{"$struct":{"Z":1,"A":2}}"#);
    let s = v.as_struct().unwrap();
    assert_eq!(
        s.ty.fields
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["Z", "A"]
    );
    assert_eq!(v.field("A"), Some(&Value::Int(2)));
    assert_eq!(v.field("B"), None);
    let m = json(r#"{"b":1,"a":2,"B":3,"é":4,"a":5}"#);
    let keys: Vec<&str> = m
        .as_map()
        .unwrap()
        .entries
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(keys, ["B", "a", "b", "é"]);
    // Duplicate keys: the last one wins, as in Go's map assignment.
    assert_eq!(m.map_get_str("a"), Some(&Value::Int(5)));
    assert_eq!(m.map_get(&Value::str("b")), Some(&Value::Int(1)));
    assert_eq!(m.map_get_str("zz"), None);
}

#[test]
fn json_errors_name_the_path() {
    let err = |s: &str| {
        let e = Value::from_json(s).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Data);
        e.message
    };
    assert_eq!(
        err(r#"{"items":[1,2,3,{"$uint":-1}]}"#),
        "data.items[3].$uint: $uint needs an unsigned integer, got -1"
    );
    assert_eq!(
        err(r#"{"a b":{"$html":1}}"#),
        r#"data["a b"].$html: $html needs a string, got number"#
    );
    assert_eq!(err(r#"{"$ptr":null}"#), "data.$ptr: $ptr of null");
    assert_eq!(
        err(r#"{"$struct":{"a":1}}"#),
        r#"data.$struct: $struct field "a" is not an exported identifier"#
    );
    assert_eq!(
        err(r#"{"$struct":{"A":1,"A":2}}"#),
        "data.$struct: $struct has duplicate field A"
    );
    assert_eq!(
        err(r#"{"$bogus":1}"#),
        r#"data.$bogus: unknown typed value "$bogus""#
    );
    assert_eq!(
        err(r#"{"$int":1.5}"#),
        "data.$int: $int needs an integer, got 1.5"
    );
    assert!(err("[1,").starts_with("data: invalid JSON:"));
}

#[test]
fn truth_is_go_is_true() {
    for (src, want) in [
        ("null", false),
        ("0", false),
        ("1", true),
        ("0.0", false),
        ("-0.5", true),
        (r#""""#, false),
        (r#""x""#, true),
        ("[]", false),
        ("[0]", true),
        ("{}", false),
        (r#"{"a":0}"#, true),
        (r#"{"$struct":{}}"#, true),
        (r#"{"$nilptr":true}"#, false),
        (r#"{"$ptr":0}"#, true),
        (r#"{"$html":""}"#, false),
        (r#"{"$uint":0}"#, false),
        ("false", false),
        ("true", true),
    ] {
        assert_eq!(json(src).truth(), want, "{src}");
    }
    assert!(Value::Float(f64::NAN).truth());
    // Go's isTrue on complex128: non-zero.
    assert!(!Value::Complex(0.0, 0.0).truth());
    assert!(!Value::Complex(-0.0, 0.0).truth());
    assert!(Value::Complex(0.0, 1.5).truth());
    assert!(Value::Complex(1.0, 0.0).truth());
}

#[test]
fn complex_type_and_zero() {
    let z = Value::Complex(1.0, 2.0);
    assert_eq!(z.type_of(), Type::Complex);
    assert_eq!(z.type_of().to_string(), "complex128");
    assert!(z.has_type(&Type::Complex));
    assert!(!z.has_type(&Type::Float));
    assert_eq!(Type::Complex.zero(), Value::Complex(0.0, 0.0));
    assert_eq!(z.len(), None);
    assert_eq!(Type::slice_of(Type::Complex).to_string(), "[]complex128");
}

#[test]
fn len_and_zero() {
    assert_eq!(json(r#""héllo""#).len(), Some(6));
    assert_eq!(json("[1,2,3]").len(), Some(3));
    assert_eq!(json(r#"{"a":1}"#).len(), Some(1));
    assert_eq!(json("3").len(), None);
    assert_eq!(json(r#"{"$ptr":[1]}"#).len(), None);
    assert_eq!(json(r#"{"$ptr":{"$ptr":[1]}}"#).indirect().len(), Some(1));
    assert_eq!(
        json(r#"{"$ptr":{"$nilptr":1}}"#).indirect(),
        &Value::NilPtr(Type::Int)
    );
    let st = json(r#"{"$struct":{"A":1,"B":"x","C":[1],"D":{"$ptr":1},"E":null}}"#);
    let zero = st.type_of().zero();
    let mut out = String::new();
    crate::gofmt::write_value(&mut out, &zero);
    assert_eq!(out, "{0  [] <nil> <nil>}");
    assert_eq!(Type::map_of(Type::String, Type::Int).zero().len(), Some(0));
    assert_eq!(
        Type::Safe(SafeKind::Js).zero(),
        Value::safe(SafeKind::Js, "")
    );
}

#[test]
fn key_order_is_fmtsort() {
    let m = Value::map(
        Type::Float,
        Type::Int,
        vec![
            (Value::Float(2.0), Value::Int(1)),
            (Value::Float(f64::NAN), Value::Int(2)),
            (Value::Float(-1.0), Value::Int(3)),
        ],
    );
    let mut out = String::new();
    crate::gofmt::write_value(&mut out, &m);
    assert_eq!(out, "map[NaN:2 -1:3 2:1]");
    // Go 1.19: fmt.Println(map[complex128]int{1 + 2i: 1, 1 + 1i: 2, 5i: 3, -1 + 9i: 4}).
    let m = Value::map(
        Type::Complex,
        Type::Int,
        vec![
            (Value::Complex(1.0, 2.0), Value::Int(1)),
            (Value::Complex(1.0, 1.0), Value::Int(2)),
            (Value::Complex(0.0, 5.0), Value::Int(3)),
            (Value::Complex(-1.0, 9.0), Value::Int(4)),
        ],
    );
    assert_eq!(m.to_string(), "map[(-1+9i):4 (0+5i):3 (1+1i):2 (1+2i):1]");
    assert_eq!(m.type_of().to_string(), "map[complex128]int");
    let s = Value::list(vec![Value::Complex(1.0, 0.0), Value::Complex(0.0, 2.0)]);
    assert_eq!(s.to_string(), "[(1+0i) (0+2i)]");
    let m = Value::map(
        Type::Int,
        Type::Bool,
        vec![
            (Value::Int(10), true.into()),
            (Value::Int(-2), false.into()),
        ],
    );
    out.clear();
    crate::gofmt::write_value(&mut out, &m);
    assert_eq!(out, "map[-2:false 10:true]");
    assert_eq!(m.map_get(&Value::Int(10)), Some(&Value::Bool(true)));
    let m = Value::map(
        Type::Bool,
        Type::Int,
        vec![(true.into(), Value::Int(1)), (false.into(), Value::Int(0))],
    );
    out.clear();
    crate::gofmt::write_value(&mut out, &m);
    assert_eq!(out, "map[false:0 true:1]");
    assert_eq!(m.to_string(), "map[false:0 true:1]");
}

mod serde_input {
    use super::*;
    use serde::Serialize;
    use std::collections::{BTreeMap, HashMap};

    #[test]
    fn values_of_one_struct_share_its_type() {
        #[derive(Serialize)]
        struct A {
            x: i32,
            #[serde(skip_serializing_if = "Option::is_none")]
            y: Option<i32>,
        }
        let ty = |v: &Value| match v {
            Value::Struct(s) => Arc::clone(&s.ty),
            other => panic!("{other:?}"),
        };
        let list = |v: &Value| match v {
            Value::Slice(s) => s.items.iter().map(ty).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let one = A { x: 1, y: Some(2) };
        let two = A { x: 3, y: Some(4) };
        let short = A { x: 5, y: None };
        let a = list(&Value::from_serialize(&vec![one, two, short]).unwrap());
        assert!(Arc::ptr_eq(&a[0], &a[1]));
        // Another set of fields is another type.
        assert!(!Arc::ptr_eq(&a[0], &a[2]));
        assert_eq!(a[2].fields.len(), 1);
        assert_eq!(a[0].fields[1].0, "y");
        // Shared across conversions too.
        let b = ty(&Value::from_serialize(&A { x: 0, y: Some(0) }).unwrap());
        assert!(Arc::ptr_eq(&a[0], &b));
    }

    #[derive(Serialize)]
    struct Item {
        name: String,
        price: f64,
        qty: u32,
        tags: Vec<&'static str>,
        note: Option<String>,
    }

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Circle(f32),
        Rect { w: i32, h: i32 },
        Pair(i8, i8),
    }

    #[derive(Serialize)]
    struct Page {
        title: &'static str,
        items: Vec<Item>,
        shapes: Vec<Shape>,
        counts: HashMap<String, i64>,
        unit: (),
    }

    fn show(v: &Value) -> String {
        let mut out = String::new();
        crate::gofmt::write_value(&mut out, v);
        out
    }

    #[test]
    fn structs_vecs_maps_enums() {
        let page = Page {
            title: "Shop",
            items: vec![
                Item {
                    name: "a".into(),
                    price: 1.5,
                    qty: 2,
                    tags: vec!["x", "y"],
                    note: None,
                },
                Item {
                    name: "b".into(),
                    price: 10.0,
                    qty: 0,
                    tags: vec![],
                    note: Some("n".into()),
                },
            ],
            shapes: vec![
                Shape::Dot,
                Shape::Circle(0.1),
                Shape::Rect { w: 2, h: 3 },
                Shape::Pair(1, -1),
            ],
            counts: HashMap::from([("z".to_owned(), 1), ("a".to_owned(), 2)]),
            unit: (),
        };
        let v = Value::from_serialize(&page).unwrap();
        assert_eq!(v.type_of().to_string(), "Page");
        let items = v.field("items").unwrap();
        assert_eq!(items.type_of().to_string(), "[]Item");
        assert_eq!(show(items), "[{a 1.5 2 [x y] <nil>} {b 10 0 [] n}]");
        assert_eq!(
            items.as_slice().unwrap().items[0].field("qty"),
            Some(&Value::Uint(2))
        );
        assert_eq!(
            show(v.field("shapes").unwrap()),
            "[Dot map[Circle:0.1] map[Rect:{2 3}] map[Pair:[1 -1]]]"
        );
        assert_eq!(show(v.field("counts").unwrap()), "map[a:2 z:1]");
        assert_eq!(
            v.field("counts").unwrap().type_of().to_string(),
            "map[string]int"
        );
        assert!(v.field("unit").unwrap().is_nil());
        assert_eq!(Value::from_serialize(&Some(3u64)).unwrap(), Value::Uint(3));
        assert!(Value::from_serialize(&None::<i32>).unwrap().is_nil());
        let m: BTreeMap<i32, bool> = BTreeMap::from([(10, true), (-1, false)]);
        let mv = Value::from_serialize(&m).unwrap();
        assert_eq!(mv.type_of().to_string(), "map[int]bool");
        assert_eq!(show(&mv), "map[-1:false 10:true]");
        assert_eq!(Value::from_serialize(&'é').unwrap(), Value::str("é"));
        assert_eq!(
            Value::from_serialize(&i128::from(i64::MIN)).unwrap(),
            Value::Int(i64::MIN)
        );
    }

    struct Failing;
    impl Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no way"))
        }
    }

    #[derive(Serialize)]
    struct Outer {
        list: Vec<Inner>,
    }
    #[derive(Serialize)]
    struct Inner {
        bad: Failing,
    }

    #[test]
    fn errors_name_the_path() {
        let e = Value::from_serialize(&Outer {
            list: vec![Inner { bad: Failing }],
        })
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Data);
        assert_eq!(e.message, "data.list[0].bad: no way");
        let e = Value::from_serialize(&u128::MAX).unwrap_err();
        assert_eq!(
            e.message,
            format!("data: integer {} overflows uint64", u128::MAX)
        );
        let m = BTreeMap::from([("k k", Failing)]);
        assert_eq!(
            Value::from_serialize(&m).unwrap_err().message,
            r#"data["k k"]: no way"#
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any input gives a value or a data error, never a panic; values
        /// print and report their type.
        #[test]
        fn from_json_never_panics(text in r#"[\[\]{}:,"$a-zA-Z0-9.eE+\- ]{0,40}"#) {
            match Value::from_json(&text) {
                Ok(v) => {
                    let mut out = String::new();
                    crate::gofmt::write_value(&mut out, &v);
                    let _ = v.type_of().to_string();
                }
                Err(e) => prop_assert_eq!(e.kind, ErrorKind::Data),
            }
        }

        /// Typed-wrapper objects built from random keys and values never panic.
        #[test]
        fn wrappers_never_panic(
            key in prop_oneof![Just("$struct"), Just("$ptr"), Just("$uint"), Just("$int"), Just("$float"), Just("$html"), Just("$nilptr"), Just("$nil"), Just("$x")],
            val in prop_oneof![Just("1"), Just("-1"), Just("1.5"), Just("\"s\""), Just("null"), Just("[1]"), Just("{\"A\":1}"), Just("{\"a\":1}"), Just("18446744073709551616")],
        ) {
            let text = format!("{{\"{key}\":{val}}}");
            let _ = Value::from_json(&text);
            let _ = Value::from_json_untyped(&text);
        }
    }
}

#[test]
fn get_str_finds_keys_in_small_and_large_maps() {
    for n in [0usize, 1, 5, 16, 17, 40] {
        let entries: Vec<(String, Value)> = (0..n)
            .map(|i| (format!("key{i:02}"), Value::Int(i as i64)))
            .collect();
        let m = MapValue::new(
            Type::String,
            Type::Int,
            entries
                .iter()
                .map(|(k, v)| (Value::str(k), v.clone()))
                .collect(),
        );
        for (k, v) in &entries {
            assert_eq!(m.get_str(k), Some(v), "{n} entries, {k}");
        }
        assert_eq!(m.get_str("key"), None);
        assert_eq!(m.get_str("zzz"), None);
        assert_eq!(m.get_str(""), None);
    }
    // Non-string keys of an interface-keyed map never match a string.
    let m = MapValue::new(
        Type::Any,
        Type::Int,
        vec![
            (Value::Int(1), Value::Int(1)),
            (Value::str("1"), Value::Int(2)),
        ],
    );
    assert_eq!(m.get_str("1"), Some(&Value::Int(2)));
}
