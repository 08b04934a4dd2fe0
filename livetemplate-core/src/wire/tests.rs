//! Wire-format tests: the client model applied to first renders and diffs of
//! random trees must always reproduce the direct HTML.

use std::sync::Arc;

use proptest::prelude::*;

use super::*;

/// A tiny deterministic generator (SplitMix64) driven by proptest's seeds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The shape of a template: what each node's dynamics can be.
enum Shape {
    Str,
    /// A branch: one of several nodes (or `""` when `None` is picked).
    Branch(Vec<Option<NodeShape>>),
    Comp {
        item: NodeShape,
        keyed: bool,
    },
}

struct NodeShape {
    statics: Arc<Statics>,
    dyns: Vec<Shape>,
}

fn node_shape(rng: &mut Rng, depth: u32, salt: &mut u64) -> NodeShape {
    let n = rng.below(4) as usize;
    let dyns = (0..n)
        .map(|_| match (depth, rng.below(4)) {
            (0, _) | (_, 0 | 1) => Shape::Str,
            (_, 2) => Shape::Branch(
                (0..1 + rng.below(3))
                    .map(|_| (rng.below(4) > 0).then(|| node_shape(rng, depth - 1, salt)))
                    .collect(),
            ),
            _ => Shape::Comp {
                item: node_shape(rng, depth - 1, salt),
                keyed: rng.below(2) == 0,
            },
        })
        .collect();
    *salt += 1;
    let parts = (0..=n).map(|i| format!("<s{}.{i}>", *salt)).collect();
    NodeShape {
        statics: Statics::new(parts, *salt),
        dyns,
    }
}

fn instance(shape: &NodeShape, rng: &mut Rng) -> Rendered {
    Rendered {
        statics: Arc::clone(&shape.statics),
        dyns: dyns(&shape.dyns, rng),
    }
}

fn dyns(shapes: &[Shape], rng: &mut Rng) -> Vec<Dyn> {
    const WORDS: [&str; 5] = ["a", "b", "é\"<x>", "", "line\nbreak"];
    shapes
        .iter()
        .map(|s| match s {
            Shape::Str => Dyn::Str(WORDS[rng.below(5) as usize].to_string()),
            Shape::Branch(opts) => match &opts[rng.below(opts.len() as u64) as usize] {
                Some(n) => Dyn::Node(instance(n, rng)),
                None => Dyn::Str(String::new()),
            },
            Shape::Comp { item, keyed } => {
                let count = rng.below(7);
                let items = (0..count)
                    .map(|_| {
                        let key = keyed.then(|| format!("k{}", rng.below(8)));
                        Item::new(key, dyns(&item.dyns, rng))
                    })
                    .collect();
                Dyn::Comp(Comprehension::new(Arc::clone(&item.statics), items))
            }
        })
        .collect()
}

/// Makes a next state mostly like `prev`: a few random edits so diffs are small.
fn evolve(shape: &NodeShape, prev: &Rendered, rng: &mut Rng) -> Rendered {
    if rng.below(3) == 0 {
        return instance(shape, rng);
    }
    let mut next = prev.clone();
    for (d, s) in next.dyns.iter_mut().zip(&shape.dyns) {
        // Empty a comprehension, or regrow an empty one.
        if rng.below(4) == 0
            && let (Dyn::Comp(c), Shape::Comp { item, keyed }) = (&mut *d, s)
        {
            if c.items.is_empty() {
                for _ in 0..1 + rng.below(3) {
                    let key = keyed.then(|| format!("k{}", rng.below(8)));
                    c.items.push(Item::new(key, dyns(&item.dyns, rng)));
                }
            } else {
                c.items.clear();
            }
            continue;
        }
        // Switch a branch.
        if rng.below(4) == 0 && matches!(s, Shape::Branch(_)) {
            *d = dyns(std::slice::from_ref(s), rng).remove(0);
            continue;
        }
        if rng.below(3) == 0
            && let Dyn::Comp(c) = d
            && !c.items.is_empty()
        {
            match rng.below(3) {
                0 => {
                    let it = c.items.remove(rng.below(c.items.len() as u64) as usize);
                    c.items.insert(0, it);
                }
                1 => {
                    c.items.remove(rng.below(c.items.len() as u64) as usize);
                }
                _ => {
                    let it = c.items[0].clone();
                    c.items.push(it);
                }
            }
        }
    }
    next
}

fn check_sequence(seed: u64) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed);
    let mut salt = 0;
    let shape = node_shape(&mut rng, 3, &mut salt);
    let mut state = instance(&shape, &mut rng);
    // One client driven by stateless diffs, one by held diffs.
    let mut client = ClientModel::new();
    let mut held_client = ClientModel::new();
    let first = first_render(&state);
    let fail = |e: ClientError, d: &str| TestCaseError::fail(format!("{e} in {d}"));
    client.apply_str(&first).map_err(|e| fail(e, &first))?;
    held_client.apply_str(&first).map_err(|e| fail(e, &first))?;
    prop_assert_eq!(client.html().unwrap(), state.to_html());
    let mut held = state.clone();
    for _ in 0..8 {
        let next = evolve(&shape, &state, &mut rng);
        let d = diff(&state, &next);
        client.apply_str(&d).map_err(|e| fail(e, &d))?;
        prop_assert_eq!(client.html().unwrap(), next.to_html(), "diff {}", d);
        prop_assert_eq!(diff(&next, &next), "{}");
        let hd = diff_into(&mut held, next.clone());
        held_client.apply_str(&hd).map_err(|e| fail(e, &hd))?;
        prop_assert_eq!(
            held_client.html().unwrap(),
            next.to_html(),
            "held diff {}",
            hd
        );
        prop_assert_eq!(held.to_html(), next.to_html());
        // Self-diffs, against the held tree and against the same render.
        prop_assert_eq!(diff_into(&mut held.clone(), held.clone()), "{}");
        prop_assert_eq!(diff_into(&mut held, next.clone()), "{}");
        state = next;
    }
    Ok(())
}

proptest! {
    #[test]
    fn first_render_plus_diffs_reproduce_every_state(seed in any::<u64>()) {
        check_sequence(seed)?;
    }
}

fn st(parts: &[&str], salt: u64) -> Arc<Statics> {
    Statics::new(parts.iter().map(|s| s.to_string()).collect(), salt)
}

fn s(x: &str) -> Dyn {
    Dyn::Str(x.into())
}

fn list(items: &[&str], statics: &Arc<Statics>) -> Rendered {
    let root = st(&["<ul>", "</ul>"], 1);
    let items = items.iter().map(|x| Item::new(None, vec![s(x)])).collect();
    Rendered {
        statics: root,
        dyns: vec![Dyn::Comp(Comprehension::new(Arc::clone(statics), items))],
    }
}

#[test]
fn first_render_shape() {
    let li = st(&["<li>", "</li>"], 2);
    let r = list(&["a", "b"], &li);
    assert_eq!(
        first_render(&r),
        r#"{"s":["<ul>","</ul>"],"0":{"s":0,"k":{"0":{"0":"a"},"1":{"0":"b"},"kc":2}},"p":{"0":["<li>","</li>"]}}"#
    );
    assert_eq!(
        first_render(&list(&[], &li)),
        r#"{"s":["<ul>","</ul>"],"0":""}"#
    );
}

#[test]
fn unchanged_is_empty_and_one_change_is_one_entry() {
    let li = st(&["<li>", "</li>"], 2);
    assert_eq!(diff(&list(&["a", "b"], &li), &list(&["a", "b"], &li)), "{}");
    assert_eq!(
        diff(&list(&["a", "b"], &li), &list(&["a", "c"], &li)),
        r#"{"0":{"k":{"1":{"0":"c"},"kc":2}}}"#
    );
}

#[test]
fn prepend_sends_the_new_item_and_moves() {
    let li = st(&["<li>", "</li>"], 2);
    let d = diff(
        &list(&["a", "b", "c"], &li),
        &list(&["z", "a", "b", "c"], &li),
    );
    assert_eq!(
        d,
        r#"{"0":{"k":{"0":{"0":"z"},"1":0,"2":1,"3":2,"kc":4,"km":true}}}"#
    );
}

#[test]
fn shrink_sends_only_the_count() {
    let li = st(&["<li>", "</li>"], 2);
    assert_eq!(
        diff(&list(&["a", "b", "c"], &li), &list(&["a", "b"], &li)),
        r#"{"0":{"k":{"kc":2}}}"#
    );
}

#[test]
fn branch_switch_sends_new_statics_and_same_branch_only_values() {
    let root = st(&["<div>", "</div>"], 1);
    let on = st(&["<b>", "</b>"], 2);
    let off = st(&["<i>", "</i>"], 3);
    let mk = |b: &Arc<Statics>, v: &str| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![Dyn::Node(Rendered {
            statics: Arc::clone(b),
            dyns: vec![s(v)],
        })],
    };
    assert_eq!(diff(&mk(&on, "x"), &mk(&on, "y")), r#"{"0":{"0":"y"}}"#);
    assert_eq!(
        diff(&mk(&on, "x"), &mk(&off, "x")),
        r#"{"0":{"s":0,"0":"x"},"p":{"0":["<i>","</i>"]}}"#
    );
}

#[test]
fn keyed_items_move_by_key() {
    let root = st(&["<ul>", "</ul>"], 1);
    let li = st(&["<li data-key=\"", "\">", "</li>"], 2);
    let mk = |items: &[(&str, &str)]| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![Dyn::Comp(Comprehension::new(
            Arc::clone(&li),
            items
                .iter()
                .map(|(k, v)| Item::new(Some(k.to_string()), vec![s(k), s(v)]))
                .collect(),
        ))],
    };
    let d = diff(
        &mk(&[("1", "a"), ("2", "b")]),
        &mk(&[("2", "B"), ("1", "a")]),
    );
    assert_eq!(
        d,
        r#"{"0":{"k":{"0":[1,{"1":"B"}],"1":0,"kc":2,"km":true}}}"#
    );
}

#[test]
fn client_model_rejects_what_the_real_client_would_mangle() {
    let mut c = ClientModel::new();
    c.apply_str(r#"{"s":["<ul>","</ul>"],"0":{"s":["<li>","</li>"],"k":{"0":{"0":"a"},"kc":1}}}"#)
        .unwrap();
    assert!(
        c.clone()
            .apply_str(r#"{"0":{"k":{"0":0,"kc":1}}}"#)
            .is_err(),
        "move without km"
    );
    assert!(
        c.clone()
            .apply_str(r#"{"0":{"k":{"0":{"0":"b"}}}}"#)
            .is_err(),
        "missing kc"
    );
    let mut bad = ClientModel::new();
    assert!(
        bad.apply_str(r#"{"s":["a","b"],"0":1}"#).is_err(),
        "numeric dynamic"
    );
}

#[test]
fn shared_statics_are_numbered_afresh_in_every_message() {
    // First render: the comprehension's statics are "p" 0. A later diff's
    // "p" 0 is another array; the client must not mix them up.
    let mut c = ClientModel::new();
    c.apply_str(r#"{"s":["<ul>","</ul>"],"0":{"s":0,"k":{"0":{"0":"a"},"kc":1}},"p":{"0":["<li>","</li>"]}}"#).unwrap();
    c.apply_str(r#"{"0":{"k":{"1":{"0":{"s":0,"0":"b"}},"kc":2}},"p":{"0":["<b>","</b>"]}}"#)
        .unwrap();
    assert_eq!(c.html().unwrap(), "<ul><li>a</li><li><b>b</b></li></ul>");
}

#[test]
fn client_model_keeps_the_statics_of_an_emptied_comprehension() {
    // The real client (phoenix_live_view 1.2.12) renders this sequence as
    // "<ul><li>a</li></ul>", "<ul></ul>", "<ul><li>b</li><li>c</li></ul>".
    let mut c = ClientModel::new();
    c.apply_str(r#"{"0":{"s":["<li>","</li>"],"k":{"0":{"0":"a"},"kc":1}},"s":["<ul>","</ul>"]}"#)
        .unwrap();
    c.apply_str(r#"{"0":{"k":{"kc":0}}}"#).unwrap();
    assert_eq!(c.html().unwrap(), "<ul></ul>");
    c.apply_str(r#"{"0":{"k":{"0":{"0":"b"},"1":{"0":"c"},"kc":2}}}"#)
        .unwrap();
    assert_eq!(c.html().unwrap(), "<ul><li>b</li><li>c</li></ul>");
}

#[test]
fn client_model_replaces_a_node_by_a_string_and_rejects_diffs_into_it() {
    let mut c = ClientModel::new();
    c.apply_str(r#"{"s":["<p>","</p>"],"0":{"s":["<b>","</b>"],"0":"x"}}"#)
        .unwrap();
    c.apply_str(r#"{"0":"<i>y</i>"}"#).unwrap();
    assert_eq!(c.html().unwrap(), "<p><i>y</i></p>");
    // A diff into the string (no statics) cannot render.
    assert!(c.clone().apply_str(r#"{"0":{"0":"z"}}"#).is_err());
    c.apply_str(r#"{"0":{"s":["<b>","</b>"],"0":"z"}}"#)
        .unwrap();
    assert_eq!(c.html().unwrap(), "<p><b>z</b></p>");
}

/// Applies `first` and then `diffs` through [`diff_into`], checking the
/// client model after each; returns the wire messages.
fn held_sequence(states: &[Rendered]) -> Vec<String> {
    let mut client = ClientModel::new();
    let first = first_render(&states[0]);
    client.apply_str(&first).unwrap();
    let mut out = vec![first];
    let mut held = states[0].clone();
    for s in &states[1..] {
        let d = diff_into(&mut held, s.clone());
        client.apply_str(&d).unwrap();
        assert_eq!(client.html().unwrap(), s.to_html(), "after {d}");
        assert_eq!(held.to_html(), s.to_html());
        out.push(d);
    }
    out
}

#[test]
fn an_emptied_comprehension_regrows_without_statics() {
    let li = st(&["<li>", "</li>"], 2);
    let states = [
        list(&["a"], &li),
        list(&[], &li),
        list(&["b", "c"], &li),
        list(&[], &li),
        list(&[], &li),
        list(&["d"], &li),
    ];
    assert_eq!(
        held_sequence(&states)[1..],
        [
            r#"{"0":{"k":{"kc":0}}}"#,
            r#"{"0":{"k":{"0":{"0":"b"},"1":{"0":"c"},"kc":2}}}"#,
            r#"{"0":{"k":{"kc":0}}}"#,
            "{}",
            r#"{"0":{"k":{"0":{"0":"d"},"kc":1}}}"#,
        ]
    );
    // Without the held state, the statics are sent again.
    assert_eq!(
        diff(&states[1], &states[2]),
        r#"{"0":{"s":0,"k":{"0":{"0":"b"},"1":{"0":"c"},"kc":2}},"p":{"0":["<li>","</li>"]}}"#
    );
}

#[test]
fn a_comprehension_first_sent_empty_gets_its_statics_when_it_grows() {
    let li = st(&["<li>", "</li>"], 2);
    let states = [list(&[], &li), list(&[], &li), list(&["a"], &li)];
    assert_eq!(
        held_sequence(&states),
        [
            r#"{"s":["<ul>","</ul>"],"0":""}"#,
            "{}",
            r#"{"0":{"s":0,"k":{"0":{"0":"a"},"kc":1}},"p":{"0":["<li>","</li>"]}}"#,
        ]
    );
}

#[test]
fn a_nested_comprehension_emptied_inside_an_item_regrows_without_statics() {
    let root = st(&["<ul>", "</ul>"], 1);
    let li = st(&["<li>", "</li>"], 2);
    let tag = st(&["<b>", "</b>"], 3);
    let mk = |tags: &[&str]| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![Dyn::Comp(Comprehension::new(
            Arc::clone(&li),
            vec![Item::new(
                None,
                vec![Dyn::Comp(Comprehension::new(
                    Arc::clone(&tag),
                    tags.iter().map(|t| Item::new(None, vec![s(t)])).collect(),
                ))],
            )],
        ))],
    };
    let states = [mk(&["x"]), mk(&[]), mk(&[]), mk(&["y"])];
    assert_eq!(
        held_sequence(&states)[1..],
        [
            r#"{"0":{"k":{"0":{"0":{"k":{"kc":0}}},"kc":1}}}"#,
            "{}",
            r#"{"0":{"k":{"0":{"0":{"k":{"0":{"0":"y"},"kc":1}}},"kc":1}}}"#,
        ]
    );
}

#[test]
fn a_node_sent_whole_goes_as_html_when_smaller() {
    let root = st(&["<div>", "</div>"], 1);
    let on = st(&["<b>", "</b>"], 2);
    let off = st(&["<i>", "</i>"], 3);
    let mk = |b: &Arc<Statics>, v: &str| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![Dyn::Node(Rendered {
            statics: Arc::clone(b),
            dyns: vec![s(v)],
        })],
    };
    let states = [
        mk(&on, "x"),
        mk(&off, "x"),
        mk(&off, "x"),
        mk(&off, "y"),
        mk(&on, "y"),
    ];
    assert_eq!(
        held_sequence(&states)[1..],
        [
            // Instead of {"0":{"s":0,"0":"x"},"p":{"0":["<i>","</i>"]}}.
            r#"{"0":"<i>x</i>"}"#,
            // Same HTML: nothing, the client keeps its string.
            "{}",
            // The client holds a string: the whole value again.
            r#"{"0":"<i>y</i>"}"#,
            r#"{"0":"<b>y</b>"}"#,
        ]
    );
}

#[test]
fn a_node_with_long_statics_goes_as_a_node() {
    // A later change inside it would send the long statics again: the few
    // bytes its HTML saves now do not pay for that.
    let root = st(&["<div>", "", "</div>"], 1);
    let long = "<span class=\"badge badge-warning text-uppercase\">";
    let badge = st(&[long, "</span>"], 2);
    let mk = |v: Option<&str>| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![
            match v {
                Some(v) => Dyn::Node(Rendered {
                    statics: Arc::clone(&badge),
                    dyns: vec![s(v)],
                }),
                None => s(""),
            },
            s("-"),
        ],
    };
    let d = held_sequence(&[mk(None), mk(Some("x")), mk(Some("y"))]);
    assert_eq!(
        d[1..],
        [
            r#"{"0":{"s":0,"0":"x"},"p":{"0":["<span class=\"badge badge-warning text-uppercase\">","</span>"]}}"#,
            r#"{"0":{"0":"y"}}"#,
        ]
    );
}

#[test]
fn nodes_of_one_statics_in_one_message_share_their_p_entry() {
    // Five `<em class="note">{{.}}</em>` nodes: alone, one goes as HTML
    // (cheaper than node + "p" entry); but each HTML copy costs more than
    // a node once the entry is sent, so the others go as nodes sharing it.
    let root = st(&["<div>", "", "", "", "", "</div>"], 4);
    let note = st(&["<em class=\"note\">", "</em>"], 5);
    let mk = |on: bool| Rendered {
        statics: Arc::clone(&root),
        dyns: (0..5)
            .map(|i| {
                if on {
                    Dyn::Node(Rendered {
                        statics: Arc::clone(&note),
                        dyns: vec![s(&i.to_string())],
                    })
                } else {
                    s("")
                }
            })
            .collect(),
    };
    let d = held_sequence(&[mk(false), mk(true)]);
    assert_eq!(
        d[1],
        r#"{"0":"<em class=\"note\">0</em>","1":{"s":0,"0":"1"},"2":{"s":0,"0":"2"},"3":{"s":0,"0":"3"},"4":{"s":0,"0":"4"},"p":{"0":["<em class=\"note\">","</em>"]}}"#
    );
    // At most the "p" entry more than sending every one as a node.
    let stateless = diff(&mk(false), &mk(true));
    let p_entry = r#""0":["<em class=\"note\">","</em>"]"#;
    assert!(d[1].len() < stateless.len() + p_entry.len());
    // One alone goes as HTML.
    let one = |on: bool| Rendered {
        statics: Arc::clone(&root),
        dyns: (0..5)
            .map(|i| match (on, i) {
                (true, 0) => Dyn::Node(Rendered {
                    statics: Arc::clone(&note),
                    dyns: vec![s("0")],
                }),
                _ => s(""),
            })
            .collect(),
    };
    assert_eq!(
        held_sequence(&[one(false), one(true)])[1],
        r#"{"0":"<em class=\"note\">0</em>"}"#
    );
}

#[test]
fn a_node_with_empty_statics_goes_as_its_value() {
    // `{{if .Note}}{{.Note}}{{end}}`: the node is just its value.
    let root = st(&["<p>", "</p>"], 1);
    let bare = st(&["", ""], 2);
    let mk = |v: Option<&str>| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![match v {
            Some(v) => Dyn::Node(Rendered {
                statics: Arc::clone(&bare),
                dyns: vec![s(v)],
            }),
            None => s(""),
        }],
    };
    let d = held_sequence(&[mk(None), mk(Some("&#34;Needs review&#34;")), mk(None)]);
    assert_eq!(d[1..], [r#"{"0":"&#34;Needs review&#34;"}"#, r#"{"0":""}"#]);
}

#[test]
fn a_node_containing_a_comprehension_is_sent_as_a_node() {
    let root = st(&["<div>", "</div>"], 1);
    let li = st(&["<li>", "</li>"], 2);
    let mk = |on: bool| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![if on {
            Dyn::Node(list(&["a"], &li))
        } else {
            s("")
        }],
    };
    let d = held_sequence(&[mk(false), mk(true)]);
    assert!(d[1].contains(r#""k""#), "{}", d[1]);
}

#[test]
fn held_items_stay_equal_to_the_rendered_ones() {
    // An item's string replaced by a node of the same HTML: outside items
    // the client keeps its string; inside, the held item keeps the node
    // (render_update may carry the item over into a later render).
    let root = st(&["<ul>", "</ul>"], 1);
    let li = st(&["<li>", "</li>"], 2);
    let bare = st(&["", ""], 3);
    let mk = |node: bool| Rendered {
        statics: Arc::clone(&root),
        dyns: vec![Dyn::Comp(Comprehension::new(
            Arc::clone(&li),
            vec![Item::new(
                None,
                vec![if node {
                    Dyn::Node(Rendered {
                        statics: Arc::clone(&bare),
                        dyns: vec![s("x")],
                    })
                } else {
                    s("x")
                }],
            )],
        ))],
    };
    let mut held = mk(false);
    let d = diff_into(&mut held, mk(true));
    assert_eq!(
        d,
        r#"{"0":{"k":{"0":{"0":{"s":0,"0":"x"}},"kc":1}},"p":{"0":["",""]}}"#
    );
    assert_eq!(held, mk(true));
}
