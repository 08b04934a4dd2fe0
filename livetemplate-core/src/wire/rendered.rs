//! The rendered value tree: statics shared by reference, dynamics by value.

use std::sync::Arc;

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
}

/// One item of a comprehension.
#[derive(Debug, Clone)]
pub struct Item {
    /// The item's key (from `data-key`), when the template gives one.
    pub key: Option<String>,
    /// The item's dynamics.
    pub dyns: Vec<Dyn>,
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
        keys && dyns_eq(&self.dyns, &other.dyns)
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
