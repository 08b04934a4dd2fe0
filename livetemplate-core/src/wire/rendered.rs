//! The rendered value tree: statics shared by reference, dynamics by value.

use std::sync::Arc;

use crate::value::Value;

/// The static segments of one block of a template, with their fingerprint.
///
/// Built once at compile time; every render of the block shares them.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Statics {
    /// Fingerprint of the segments (and of the block's shape); equal
    /// fingerprints mean equal statics.
    pub fingerprint: u64,
    /// The segments; a node with `n` dynamics has `n + 1` segments.
    pub parts: Box<[Box<str>]>,
}

impl Statics {
    /// Statics from segments, fingerprinted with `salt` (the block's identity).
    pub fn new(parts: Vec<String>, salt: u64) -> Arc<Statics> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(salt.to_le_bytes());
        for p in &parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        let digest = h.finalize();
        let mut fp = [0u8; 8];
        fp.copy_from_slice(&digest[..8]);
        Arc::new(Statics {
            fingerprint: u64::from_le_bytes(fp),
            parts: parts.into_iter().map(String::into_boxed_str).collect(),
        })
    }
}

/// A rendered node: statics interleaved with dynamics.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The node's statics.
    pub statics: Arc<Statics>,
    /// One value per gap between statics.
    pub dyns: Vec<Dyn>,
}

/// One dynamic value.
#[derive(Debug, Clone)]
pub enum Dyn {
    /// Text inserted verbatim (already escaped).
    Str(String),
    /// A nested node (an `if`/`with` branch, a template call).
    Node(Rendered),
    /// A comprehension (`range`).
    Comp(Comprehension),
}

/// A comprehension: statics shared by all items, dynamics per item.
#[derive(Debug, Clone)]
pub struct Comprehension {
    /// The item statics.
    pub statics: Arc<Statics>,
    /// The items in order.
    pub items: Vec<Item>,
    /// In a tree held for a client (see [`super::diff_into`]): whether the
    /// client holds this comprehension's statics although it has no items
    /// (it was emptied by a diff, `{"k":{"kc":0}}`), so that regrowing it
    /// needs no statics. An empty comprehension sent whole is sent as `""`
    /// and leaves this false. Meaningless for a comprehension with items
    /// (the client always holds their statics) and in a tree that is not
    /// held for a client; like [`Item::memo`], ignored by equality.
    pub statics_held: bool,
}

impl Comprehension {
    /// A comprehension of `items` over `statics` (as a render makes it:
    /// [`Comprehension::statics_held`] false).
    pub fn new(statics: Arc<Statics>, items: Vec<Item>) -> Comprehension {
        Comprehension {
            statics,
            items,
            statics_held: false,
        }
    }

    /// Whether a client holding this comprehension holds its statics (it
    /// has items, or was emptied by a diff).
    pub(crate) fn client_has_statics(&self) -> bool {
        self.statics_held || !self.items.is_empty()
    }
}

/// One item of a comprehension.
#[derive(Debug, Clone)]
pub struct Item {
    /// The item's key (from `data-key`), when the template gives one.
    pub key: Option<String>,
    /// The item's dynamics, shared: an item carried over unchanged from an
    /// earlier render is the same allocation (which equality and the diff
    /// settle without looking inside).
    pub dyns: Arc<[Dyn]>,
    /// What the item was evaluated from, when its body depends on nothing
    /// else (see [`crate::program::Program::render_update`]). An evaluation
    /// cache, not part of the wire format: ignored by equality, the diff and
    /// the encoders.
    pub memo: Option<ItemMemo>,
}

impl Item {
    /// An item with dynamics `dyns` (and no evaluation memo).
    pub fn new(key: Option<String>, dyns: Vec<Dyn>) -> Item {
        Item {
            key,
            dyns: Arc::from(dyns),
            memo: None,
        }
    }
}

/// The inputs an item of a `range` was evaluated from: its element and its
/// index (or map key). An item whose body reads nothing but these (and
/// variables it declares) renders the same for the same inputs, so a later
/// render can reuse its dynamics.
#[derive(Debug, Clone)]
pub struct ItemMemo {
    /// The element (the item's dot).
    pub(crate) elem: Value,
    /// The index (slice) or key (map), when the range binds it to a variable.
    pub(crate) index: Option<Value>,
    /// Whether the element came from an interface-typed collection.
    pub(crate) iface: bool,
    /// Whether the item ended the loop (`{{break}}`).
    pub(crate) broke: bool,
    /// The values the body read from outer variables (`$.X`, `$col.Name`)
    /// and whether each had an interface type; shared by all items of one
    /// render of the range, compared once per range.
    pub(crate) context: Option<Arc<[(Value, bool)]>>,
}

impl ItemMemo {
    /// Whether `self` and `other` are the same inputs: identical values
    /// (not Go's `eq`: types must match, floats bit for bit, since `-0`
    /// and `0` print differently).
    pub(crate) fn same_inputs(&self, other: &ItemMemo) -> bool {
        self.iface == other.iface
            && identical(&self.elem, &other.elem)
            && match (&self.index, &other.index) {
                (None, None) => true,
                (Some(a), Some(b)) => identical(a, b),
                _ => false,
            }
    }
}

/// Whether two range contexts (see [`ItemMemo`]) are the same.
pub(crate) fn same_context(
    a: &Option<Arc<[(Value, bool)]>>,
    b: &Option<Arc<[(Value, bool)]>>,
) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            Arc::ptr_eq(a, b)
                || (a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|((x, i), (y, j))| i == j && identical(x, y)))
        }
        _ => false,
    }
}

/// Nesting below which [`identical`] stops looking (and answers "not
/// identical", which only costs a re-evaluation).
const MAX_COMPARE_DEPTH: usize = 200;

/// Whether two values are indistinguishable to a template.
fn identical(a: &Value, b: &Value) -> bool {
    identical_at(a, b, 0)
}

fn identical_at(a: &Value, b: &Value, depth: usize) -> bool {
    use crate::bytes::str_eq;
    if depth > MAX_COMPARE_DEPTH {
        return false;
    }
    let identical = |x: &Value, y: &Value| identical_at(x, y, depth + 1);
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Complex(x, i), Value::Complex(y, j)) => {
            x.to_bits() == y.to_bits() && i.to_bits() == j.to_bits()
        }
        (Value::String(x), Value::String(y)) => Arc::ptr_eq(x, y) || str_eq(x, y),
        (Value::Safe(k, x), Value::Safe(l, y)) => k == l && (Arc::ptr_eq(x, y) || str_eq(x, y)),
        (Value::Slice(x), Value::Slice(y)) => {
            Arc::ptr_eq(x, y)
                || (x.items.len() == y.items.len()
                    && same_type(&x.elem, &y.elem)
                    && x.items.iter().zip(&y.items).all(|(p, q)| identical(p, q)))
        }
        (Value::Map(x), Value::Map(y)) => {
            Arc::ptr_eq(x, y)
                || (x.entries.len() == y.entries.len()
                    && same_type(&x.key, &y.key)
                    && same_type(&x.elem, &y.elem)
                    && x.entries
                        .iter()
                        .zip(&y.entries)
                        .all(|((k, v), (l, w))| identical(k, l) && identical(v, w)))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            Arc::ptr_eq(x, y)
                || ((Arc::ptr_eq(&x.ty, &y.ty) || x.ty == y.ty)
                    && x.fields.len() == y.fields.len()
                    && x.fields.iter().zip(&y.fields).all(|(p, q)| identical(p, q)))
        }
        (Value::Ptr(x), Value::Ptr(y)) => Arc::ptr_eq(x, y) || identical_at(x, y, depth + 1),
        (Value::NilPtr(t), Value::NilPtr(u)) => same_type(t, u),
        _ => false,
    }
}

fn same_type(a: &crate::value::Type, b: &crate::value::Type) -> bool {
    use crate::value::Type;
    match (a, b) {
        (Type::Struct(x), Type::Struct(y)) => Arc::ptr_eq(x, y) || x == y,
        _ => a == b,
    }
}

// Equality is structural, as a derive would give, but compares strings
// with `crate::bytes` (no C library call per string): the diff compares
// every value of two renders.

fn statics_eq(a: &Arc<Statics>, b: &Arc<Statics>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

fn dyns_eq(a: &[Dyn], b: &[Dyn]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Equality of two items' shared dynamics: the same allocation is equal.
pub(crate) fn item_dyns_eq(a: &Arc<[Dyn]>, b: &Arc<[Dyn]>) -> bool {
    Arc::ptr_eq(a, b) || dyns_eq(a, b)
}

impl PartialEq for Rendered {
    fn eq(&self, other: &Self) -> bool {
        statics_eq(&self.statics, &other.statics) && dyns_eq(&self.dyns, &other.dyns)
    }
}

impl PartialEq for Dyn {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Dyn::Str(a), Dyn::Str(b)) => crate::bytes::str_eq(a, b),
            (Dyn::Node(a), Dyn::Node(b)) => a == b,
            (Dyn::Comp(a), Dyn::Comp(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq for Comprehension {
    fn eq(&self, other: &Self) -> bool {
        statics_eq(&self.statics, &other.statics)
            && self.items.len() == other.items.len()
            && self.items.iter().zip(&other.items).all(|(x, y)| x == y)
    }
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        let keys = match (&self.key, &other.key) {
            (Some(a), Some(b)) => crate::bytes::str_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        keys && item_dyns_eq(&self.dyns, &other.dyns)
    }
}

impl Rendered {
    /// The HTML this node stands for.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        self.write_html(&mut out);
        out
    }

    /// Appends the HTML this node stands for to `out`.
    pub fn write_html(&self, out: &mut String) {
        write_interleaved(&self.statics, &self.dyns, out);
    }
}

fn write_interleaved(statics: &Statics, dyns: &[Dyn], out: &mut String) {
    for (i, part) in statics.parts.iter().enumerate() {
        out.push_str(part);
        if let Some(d) = dyns.get(i) {
            d.write_html(out);
        }
    }
}

impl Dyn {
    /// Appends the HTML this value stands for to `out`.
    pub fn write_html(&self, out: &mut String) {
        match self {
            Dyn::Str(s) => out.push_str(s),
            Dyn::Node(n) => n.write_html(out),
            Dyn::Comp(c) => {
                for item in &c.items {
                    write_interleaved(&c.statics, &item.dyns, out);
                }
            }
        }
    }
}
