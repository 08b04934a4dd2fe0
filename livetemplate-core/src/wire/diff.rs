//! The diff between what the client holds and a new render.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::encode::{Message, first_render};
use super::json::{push_usize, write_index_key, write_name_key, write_str};
use super::rendered::{Comprehension, Dyn, Item, Rendered, item_dyns_eq};

/// The LiveView diff that takes a client holding `old` to `new`.
///
/// Unchanged values are omitted, so equal renders give `{}`. A nested node
/// whose statics changed (a branch switch) is sent whole with its statics;
/// one whose statics are unchanged sends only its changed dynamics. A
/// comprehension sends only changed or moved items (`"km": true` when any
/// item moved) and its new count `"kc"`. Items are matched by key when the
/// template gives keys, else by equal content, else by position. If the roots'
/// statics differ the result is a full render.
pub fn diff(old: &Rendered, new: &Rendered) -> String {
    if old.statics.fingerprint != new.statics.fingerprint {
        return first_render(new);
    }
    let mut msg = Message::with_capacity(64);
    msg.out.push('{');
    let mut first = true;
    diff_dyns(&mut msg, &mut first, &old.dyns, &new.dyns);
    msg.finish_root(first)
}

/// Writes the entries for every dynamic of `new` that differs from `old`.
/// Returns whether anything was written.
fn diff_dyns(msg: &mut Message, first: &mut bool, old: &[Dyn], new: &[Dyn]) -> bool {
    let mut wrote = false;
    for (i, n) in new.iter().enumerate() {
        let Some(o) = old.get(i) else {
            write_index_key(&mut msg.out, first, i);
            msg.write_dyn(n);
            wrote = true;
            continue;
        };
        // Most values are unchanged strings: settle them without writing
        // (and then taking back) the key.
        if let (Dyn::Str(a), Dyn::Str(b)) = (o, n) {
            if !crate::bytes::str_eq(a, b) {
                write_index_key(&mut msg.out, first, i);
                write_str(&mut msg.out, b);
                wrote = true;
            }
            continue;
        }
        let mark = msg.out.len();
        let was_first = *first;
        write_index_key(&mut msg.out, first, i);
        if diff_dyn(msg, o, n) {
            wrote = true;
        } else {
            msg.out.truncate(mark);
            *first = was_first;
        }
    }
    wrote
}

/// Writes the change from `old` to `new` (the key is already written).
/// Returns false, writing nothing, when they are equal.
fn diff_dyn(msg: &mut Message, old: &Dyn, new: &Dyn) -> bool {
    match (old, new) {
        (Dyn::Str(a), Dyn::Str(b)) => {
            if crate::bytes::str_eq(a, b) {
                return false;
            }
            write_str(&mut msg.out, b);
            true
        }
        (Dyn::Node(a), Dyn::Node(b)) if a.statics.fingerprint == b.statics.fingerprint => {
            let mark = msg.out.len();
            msg.out.push('{');
            let mut first = true;
            if diff_dyns(msg, &mut first, &a.dyns, &b.dyns) {
                msg.out.push('}');
                true
            } else {
                msg.out.truncate(mark);
                false
            }
        }
        // The client holds `""` for a comprehension first sent empty, so a
        // comprehension that was empty is always sent whole.
        (Dyn::Comp(a), Dyn::Comp(b))
            if a.statics.fingerprint == b.statics.fingerprint && !a.items.is_empty() =>
        {
            diff_comprehension(msg, a, b)
        }
        (Dyn::Comp(a), Dyn::Comp(b)) if a.items.is_empty() && b.items.is_empty() => false,
        _ => {
            msg.write_dyn(new);
            true
        }
    }
}

/// How a new item is found among the old ones.
enum Source {
    /// Diffed against the old item at the same index (equal, changed, or
    /// a different item that took its place).
    At,
    /// Moved from this old index (and diffed against that item).
    Moved(usize),
    /// Beyond the old list: sent whole.
    New,
}

fn diff_comprehension(msg: &mut Message, old: &Comprehension, new: &Comprehension) -> bool {
    let mark = msg.out.len();
    msg.out.push_str("{\"k\":{");
    let mut kf = true;
    let mut moved = false;
    let mut changed = old.items.len() != new.items.len();
    let sources = Matcher::new(old).sources(new);
    for ((i, item), source) in new.items.iter().enumerate().zip(sources) {
        // An item in place with equal dynamics sends nothing.
        if matches!(source, Source::At)
            && old
                .items
                .get(i)
                .is_some_and(|o| item_dyns_eq(&o.dyns, &item.dyns))
        {
            continue;
        }
        let entry_mark = msg.out.len();
        let was_first = kf;
        write_index_key(&mut msg.out, &mut kf, i);
        let wrote = match source {
            Source::At => {
                let inner = msg.out.len();
                msg.out.push('{');
                let mut f = true;
                if diff_dyns(msg, &mut f, &old.items[i].dyns, &item.dyns) {
                    msg.out.push('}');
                    true
                } else {
                    msg.out.truncate(inner);
                    false
                }
            }
            Source::Moved(j) => {
                moved = true;
                let inner = msg.out.len();
                msg.out.push('[');
                push_usize(&mut msg.out, j);
                msg.out.push_str(",{");
                let mut f = true;
                let same = std::sync::Arc::ptr_eq(&old.items[j].dyns, &item.dyns);
                if !same && diff_dyns(msg, &mut f, &old.items[j].dyns, &item.dyns) {
                    msg.out.push_str("}]");
                } else {
                    msg.out.truncate(inner);
                    push_usize(&mut msg.out, j);
                }
                true
            }
            Source::New => {
                msg.write_item(item);
                true
            }
        };
        if wrote {
            changed = true;
        } else {
            msg.out.truncate(entry_mark);
            kf = was_first;
        }
    }
    if !changed {
        msg.out.truncate(mark);
        return false;
    }
    write_name_key(&mut msg.out, &mut kf, "kc");
    push_usize(&mut msg.out, new.items.len());
    if moved {
        msg.out.push_str(",\"km\":true");
    }
    msg.out.push_str("}}");
    true
}

/// Finds, for each new item, where it came from in the old list.
///
/// The JS client copies a moved item by reference from a snapshot of the old
/// list, so an old item must be the source of at most one move per diff (two
/// entries sharing one object would later change together).
struct Matcher<'a> {
    old: &'a Comprehension,
    moved_from: Vec<bool>,
    by_key: Option<HashMap<&'a str, Vec<usize>>>,
    by_content: Option<HashMap<u64, Vec<usize>>>,
    by_value: Option<ValueIndex<'a>>,
}

impl<'a> Matcher<'a> {
    fn new(old: &'a Comprehension) -> Self {
        Matcher {
            old,
            moved_from: vec![false; old.items.len()],
            by_key: None,
            by_content: None,
            by_value: None,
        }
    }

    /// Where each new item comes from. Exact matches (same key, or equal
    /// content) are settled first, so that a merely similar item cannot take
    /// an old item another one is equal to; then each remaining item is a
    /// move of the old item sharing most values when that is cheaper to
    /// send than a diff at its position.
    fn sources(&mut self, new: &Comprehension) -> Vec<Source> {
        let exact: Vec<Option<Source>> = new
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| self.exact(item, i))
            .collect();
        exact
            .into_iter()
            .zip(new.items.iter().enumerate())
            .map(|(found, (i, item))| match found {
                Some(s) => s,
                None if item.key.is_some() => self.fallback(i),
                None => self.similar(item, i),
            })
            .collect()
    }

    /// A match by key, or by equal content for items without keys.
    fn exact(&mut self, item: &Item, i: usize) -> Option<Source> {
        let old = self.old;
        let at_i = old.items.get(i);
        if let Some(key) = &item.key {
            if at_i.is_some_and(|o| {
                o.key
                    .as_deref()
                    .is_some_and(|k| crate::bytes::str_eq(k, key))
            }) {
                return Some(Source::At);
            }
            let map = self.by_key.get_or_insert_with(|| {
                let mut m: HashMap<&str, Vec<usize>> = HashMap::with_capacity(old.items.len());
                for (j, it) in old.items.iter().enumerate() {
                    if let Some(k) = &it.key {
                        m.entry(k.as_str()).or_default().push(j);
                    }
                }
                m
            });
            let found = map
                .get(key.as_str())
                .and_then(|js| first_free(js, &self.moved_from))?;
            return Some(self.moved(found, i));
        }
        if at_i.is_some_and(|o| item_dyns_eq(&o.dyns, &item.dyns)) {
            return Some(Source::At);
        }
        let map = self.by_content.get_or_insert_with(|| {
            let mut m: HashMap<u64, Vec<usize>> = HashMap::with_capacity(old.items.len());
            for (j, it) in old.items.iter().enumerate() {
                m.entry(content_hash(&it.dyns)).or_default().push(j);
            }
            m
        });
        let found = map.get(&content_hash(&item.dyns)).and_then(|js| {
            js.iter().copied().find(|&j| {
                !self.moved_from[j] && j != i && item_dyns_eq(&old.items[j].dyns, &item.dyns)
            })
        })?;
        Some(self.moved(found, i))
    }

    /// The old item sharing most values, when moving it is cheaper.
    fn similar(&mut self, item: &Item, i: usize) -> Source {
        let old = self.old;
        let index = self.by_value.get_or_insert_with(|| ValueIndex::new(old));
        if let Some((j, _)) = index.best_match(item, i, &self.moved_from) {
            let here = match old.items.get(i) {
                Some(o) => change_cost(&o.dyns, &item.dyns),
                None => full_cost(&item.dyns),
            };
            // `[j,{...}]` costs a few bytes more than `{...}`.
            if change_cost(&old.items[j].dyns, &item.dyns) + 8 < here {
                return self.moved(j, i);
            }
        }
        self.fallback(i)
    }

    fn moved(&mut self, j: usize, i: usize) -> Source {
        if j == i {
            return Source::At;
        }
        self.moved_from[j] = true;
        Source::Moved(j)
    }

    fn fallback(&self, i: usize) -> Source {
        if i < self.old.items.len() {
            Source::At
        } else {
            Source::New
        }
    }
}

/// Rough wire bytes of the diff from `old` to `new` dynamics.
fn change_cost(old: &[Dyn], new: &[Dyn]) -> usize {
    old.iter()
        .zip(new)
        .map(|(o, n)| match (o, n) {
            _ if o == n => 0,
            (_, Dyn::Str(s)) => s.len() + 6,
            _ => 64,
        })
        .sum()
}

/// Rough wire bytes of `dyns` sent whole.
fn full_cost(dyns: &[Dyn]) -> usize {
    dyns.iter()
        .map(|d| if let Dyn::Str(s) = d { s.len() + 6 } else { 64 })
        .sum()
}

/// The first index in `js` not yet used as a move source.
fn first_free(js: &[usize], moved_from: &[bool]) -> Option<usize> {
    js.iter().copied().find(|&j| !moved_from[j])
}

fn content_hash(dyns: &[Dyn]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_dyns(dyns, &mut h);
    h.finish()
}

fn hash_dyns(dyns: &[Dyn], h: &mut impl Hasher) {
    dyns.len().hash(h);
    for d in dyns {
        match d {
            Dyn::Str(s) => {
                0u8.hash(h);
                s.hash(h);
            }
            Dyn::Node(n) => {
                1u8.hash(h);
                n.statics.fingerprint.hash(h);
                hash_dyns(&n.dyns, h);
            }
            Dyn::Comp(c) => {
                2u8.hash(h);
                c.statics.fingerprint.hash(h);
                c.items.len().hash(h);
                for it in &c.items {
                    hash_dyns(&it.dyns, h);
                }
            }
        }
    }
}

/// Old items indexed by the strings in their slots, to find for a changed
/// item the old one sharing most values (e.g. a row that moved and got a new
/// rank): sending it as a move plus the few changed slots beats resending
/// the row at its new position.
struct ValueIndex<'a> {
    by_value: HashMap<(usize, &'a str), Vec<usize>>,
}

/// Values held by more old items than this say nothing about identity.
const MAX_SHARED: usize = 4;

impl<'a> ValueIndex<'a> {
    fn new(old: &'a Comprehension) -> Self {
        let mut by_value: HashMap<(usize, &'a str), Vec<usize>> = HashMap::new();
        for (j, it) in old.items.iter().enumerate() {
            for (k, d) in it.dyns.iter().enumerate() {
                if let Dyn::Str(s) = d {
                    let list = by_value.entry((k, s.as_str())).or_default();
                    if list.len() <= MAX_SHARED {
                        list.push(j);
                    }
                }
            }
        }
        ValueIndex { by_value }
    }

    /// The old item (other than `i`, not yet a move source) sharing most
    /// slot values with `item`, and how many it shares; ties go to the
    /// lowest index.
    fn best_match(&self, item: &Item, i: usize, moved_from: &[bool]) -> Option<(usize, usize)> {
        let mut scores: Vec<(usize, usize)> = Vec::new();
        for (k, d) in item.dyns.iter().enumerate() {
            let Dyn::Str(s) = d else { continue };
            let Some(list) = self.by_value.get(&(k, s.as_str())) else {
                continue;
            };
            if list.len() > MAX_SHARED {
                continue;
            }
            for &j in list.iter().filter(|&&j| j != i && !moved_from[j]) {
                match scores.iter_mut().find(|(c, _)| *c == j) {
                    Some((_, n)) => *n += 1,
                    None => scores.push((j, 1)),
                }
            }
        }
        scores
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
    }
}
