//! Writing rendered nodes in full (first render, new branches, new items).

use std::collections::HashMap;
use std::sync::Arc;

use super::json::{push_usize, write_index_key, write_name_key, write_str};
use super::rendered::{Comprehension, Dyn, Item, Rendered, Statics};

/// One wire message under construction: the JSON text and its shared
/// statics table `"p"` (indices local to this message, as LiveView does).
pub(super) struct Message {
    pub out: String,
    shared: Vec<Arc<Statics>>,
    index: HashMap<u64, usize>,
    /// Per statics fingerprint: bytes that nodes of those statics sent as
    /// plain HTML cost beyond their node JSON, in this message (see
    /// `diff::send_node`).
    pub flat_debt: HashMap<u64, usize>,
}

impl Message {
    pub fn with_capacity(n: usize) -> Self {
        Message {
            out: String::with_capacity(n),
            shared: Vec::new(),
            index: HashMap::new(),
            flat_debt: HashMap::new(),
        }
    }

    /// How many statics this message shares in `"p"` so far.
    pub fn shared_len(&self) -> usize {
        self.shared.len()
    }

    /// The bytes the `"p"` entries from index `from` on add to the message
    /// (with the `,"p":{}` around them when they are the first ones).
    pub fn shared_bytes_from(&self, from: usize) -> usize {
        if from >= self.shared.len() {
            return 0;
        }
        let mut n = if from == 0 { 7 } else { 0 };
        for (i, s) in self.shared.iter().enumerate().skip(from) {
            // `,"i":[...]` (the first entry has no comma).
            n += usize::from(i > 0) + itoa::Buffer::new().format(i).len() + 3;
            n += 2 + s.parts.len().saturating_sub(1);
            n += s.parts.iter().map(|p| json_str_len(p)).sum::<usize>();
        }
        n
    }

    /// Drops the shared statics from index `from` on (their references
    /// were taken back).
    pub fn truncate_shared(&mut self, from: usize) {
        for s in self.shared.drain(from..) {
            self.index.remove(&s.fingerprint);
        }
    }

    /// Writes `"s":N`, N being the statics' index in this message's `"p"`.
    pub fn write_statics_ref(&mut self, first: &mut bool, statics: &Arc<Statics>) {
        write_name_key(&mut self.out, first, "s");
        let next = self.shared.len();
        let idx = *self.index.entry(statics.fingerprint).or_insert(next);
        if idx == next {
            self.shared.push(Arc::clone(statics));
        }
        push_usize(&mut self.out, idx);
    }

    /// Closes the root object, adding `"p"` when any statics were shared.
    pub fn finish_root(mut self, first: bool) -> String {
        if !self.shared.is_empty() {
            let mut f = first;
            write_name_key(&mut self.out, &mut f, "p");
            self.out.push('{');
            let mut pf = true;
            for (i, s) in self.shared.iter().enumerate() {
                write_index_key(&mut self.out, &mut pf, i);
                write_statics_array(&mut self.out, s);
            }
            self.out.push('}');
        }
        self.out.push('}');
        self.out
    }

    /// Writes a node in full, its statics referenced through `"p"`.
    pub fn write_node(&mut self, node: &Rendered) {
        self.out.push('{');
        let mut first = true;
        self.write_statics_ref(&mut first, &node.statics);
        self.write_dyns(&mut first, &node.dyns);
        self.out.push('}');
    }

    /// Writes `"0":..,"1":..` for every dynamic.
    pub fn write_dyns(&mut self, first: &mut bool, dyns: &[Dyn]) {
        for (i, d) in dyns.iter().enumerate() {
            write_index_key(&mut self.out, first, i);
            self.write_dyn(d);
        }
    }

    /// Writes one dynamic in full.
    pub fn write_dyn(&mut self, d: &Dyn) {
        match d {
            Dyn::Str(s) => write_str(&mut self.out, s),
            Dyn::Node(n) => self.write_node(n),
            Dyn::Comp(c) if c.items.is_empty() => self.out.push_str("\"\""),
            Dyn::Comp(c) => self.write_comprehension(c),
        }
    }

    /// Writes a comprehension in full: statics and every item.
    pub fn write_comprehension(&mut self, c: &Comprehension) {
        self.out.push('{');
        let mut first = true;
        self.write_statics_ref(&mut first, &c.statics);
        write_name_key(&mut self.out, &mut first, "k");
        self.out.push('{');
        let mut kf = true;
        for (i, item) in c.items.iter().enumerate() {
            write_index_key(&mut self.out, &mut kf, i);
            self.write_item(item);
        }
        write_name_key(&mut self.out, &mut kf, "kc");
        push_usize(&mut self.out, c.items.len());
        self.out.push_str("}}");
    }

    /// Writes one item in full: `{"0":..,"1":..}`.
    pub fn write_item(&mut self, item: &Item) {
        self.out.push('{');
        let mut first = true;
        self.write_dyns(&mut first, &item.dyns);
        self.out.push('}');
    }
}

/// The length of `s` written as a JSON string literal by `write_str`.
pub(super) fn json_str_len(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' => 1,
                0..0x20 => 5,
                _ => 0,
            })
            .sum::<usize>()
}

fn write_statics_array(out: &mut String, s: &Statics) {
    out.push('[');
    for (i, part) in s.parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, part);
    }
    out.push(']');
}

/// The first render of `root` as LiveView JSON: `{"s":[...],"0":...,"p":{...}}`.
pub fn first_render(root: &Rendered) -> String {
    let mut msg = Message::with_capacity(256);
    msg.out.push('{');
    let mut first = true;
    write_name_key(&mut msg.out, &mut first, "s");
    write_statics_array(&mut msg.out, &root.statics);
    msg.write_dyns(&mut first, &root.dyns);
    msg.finish_root(first)
}
