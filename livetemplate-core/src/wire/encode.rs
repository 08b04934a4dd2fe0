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
}

impl Message {
    pub fn with_capacity(n: usize) -> Self {
        Message {
            out: String::with_capacity(n),
            shared: Vec::new(),
            index: HashMap::new(),
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
