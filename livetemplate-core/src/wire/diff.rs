//! The diff between what the client holds and a new render.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use std::sync::Arc;

use super::encode::{Message, first_render, json_str_len};
use super::json::{push_usize, write_index_key, write_name_key, write_str};
use super::rendered::{Comprehension, Dyn, Item, Rendered, item_dyns_eq};

/// The LiveView diff that takes a client holding `old` to `new`, for a
/// caller that keeps no client state: `old` is taken as the client got it
/// from [`first_render`] or from this function, so the diff is always
/// correct but never uses what [`diff_into`] knows (a comprehension that was
/// empty is sent whole with its statics; a node is never sent as plain
/// HTML). A server that keeps the client's tree should use [`diff_into`].
///
/// Unchanged values are omitted, so equal renders give `{}`. A nested node
/// whose statics changed (a branch switch) is sent whole with its statics;
/// one whose statics are unchanged sends only its changed dynamics. A
/// comprehension sends only changed or moved items (`"km": true` when any
/// item moved) and its new count `"kc"`. Items are matched by key when the
/// template gives keys, else by equal content, else by position. If the roots'
/// statics differ the result is a full render.
pub fn diff(old: &Rendered, new: &Rendered) -> String {
    // The diff walks a copy it may change (items' dynamics are shared, not
    // copied; evaluation memos are left out).
    let mut new = Rendered {
        statics: Arc::clone(&new.statics),
        dyns: copy_dyns(&new.dyns),
    };
    diff_root(old, &mut new, Cx::STATELESS)
}

fn copy_dyns(dyns: &[Dyn]) -> Vec<Dyn> {
    dyns.iter()
        .map(|d| match d {
            Dyn::Str(s) => Dyn::Str(s.clone()),
            Dyn::Node(n) => Dyn::Node(Rendered {
                statics: Arc::clone(&n.statics),
                dyns: copy_dyns(&n.dyns),
            }),
            Dyn::Comp(c) => Dyn::Comp(Comprehension {
                statics: Arc::clone(&c.statics),
                items: c
                    .items
                    .iter()
                    .map(|i| Item {
                        key: i.key.clone(),
                        dyns: Arc::clone(&i.dyns),
                        memo: None,
                    })
                    .collect(),
                statics_held: c.statics_held,
            }),
        })
        .collect()
}

/// The LiveView diff that takes a client holding `held` to `new`, leaving
/// in `held` exactly what the client holds afterwards.
///
/// `held` must be what the client holds: the tree of a first render
/// ([`first_render`]; the client then holds every empty comprehension as
/// `""`, which is what a rendered tree says) as left by earlier calls of
/// this function. Beyond [`diff`], it
/// * regrows a comprehension the client holds empty with its statics
///   (emptied by a diff, [`Comprehension::statics_held`]) without resending
///   them;
/// * sends a node that must go whole (new statics: a branch switch, a slot
///   that held a string) as its HTML when that string is smaller than the
///   node's JSON and the `"p"` statics it would add, by at least the
///   node's statics: `held` then has the string at that slot
///   ([`Dyn::Str`]), so a later change there sends the value whole again,
///   statics included, and the saving must pay for one such change (a
///   large block whose values change later stays a node). Nodes of one
///   statics sent as HTML in one message never cost more, together, than
///   the `"p"` entry they avoid. Nodes inside comprehension items, and nodes
///   containing comprehensions, are always sent as nodes (their items keep
///   being diffed and reused, see
///   [`crate::program::Program::render_update`]).
///
/// A held tree equals (`==`) the rendered tree except where nodes were sent
/// as strings; [`crate::program::Program::render_update`] accepts it as the
/// previous render (it reuses nothing below a string).
pub fn diff_into(held: &mut Rendered, new: Rendered) -> String {
    let mut new = new;
    let out = diff_held(held, &mut new);
    *held = new;
    out
}

/// [`diff_into`] without the replacement: writes the diff from `held` to
/// `new` and turns `new` into what the client then holds.
pub(crate) fn diff_held(held: &Rendered, new: &mut Rendered) -> String {
    diff_root(held, new, Cx::HELD)
}

/// How the old tree is read and the new one kept.
#[derive(Clone, Copy)]
struct Cx {
    /// The old tree is exactly what the client holds (a held tree), and the
    /// new one is turned into what it will hold.
    held: bool,
    /// Inside a comprehension item (nodes are not sent as strings there).
    in_item: bool,
}

impl Cx {
    const STATELESS: Cx = Cx {
        held: false,
        in_item: false,
    };
    const HELD: Cx = Cx {
        held: true,
        in_item: false,
    };
}

fn diff_root(old: &Rendered, new: &mut Rendered, cx: Cx) -> String {
    if old.statics.fingerprint != new.statics.fingerprint {
        if cx.held {
            clear_held_flags(&mut new.dyns);
        }
        return first_render(new);
    }
    let mut msg = Message::with_capacity(64);
    msg.out.push('{');
    let mut first = true;
    diff_dyns(&mut msg, &mut first, &old.dyns, &mut new.dyns, cx);
    msg.finish_root(first)
}

/// Writes the entries for every dynamic of `new` that differs from `old`.
/// Returns whether anything was written.
fn diff_dyns(msg: &mut Message, first: &mut bool, old: &[Dyn], new: &mut [Dyn], cx: Cx) -> bool {
    let mut wrote = false;
    for (i, n) in new.iter_mut().enumerate() {
        let Some(o) = old.get(i) else {
            write_index_key(&mut msg.out, first, i);
            send_whole(msg, n, cx);
            wrote = true;
            continue;
        };
        // Most values are unchanged strings: settle them without writing
        // (and then taking back) the key.
        if let (Dyn::Str(a), Dyn::Str(b)) = (o, &*n) {
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
        if diff_dyn(msg, o, n, cx) {
            wrote = true;
        } else {
            msg.out.truncate(mark);
            *first = was_first;
        }
    }
    wrote
}

/// Writes the change from `old` to `new` (the key is already written).
/// Returns false, writing nothing, when they are equal. In a held diff,
/// leaves in `new` what the client holds.
fn diff_dyn(msg: &mut Message, old: &Dyn, new: &mut Dyn, cx: Cx) -> bool {
    match (old, &mut *new) {
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
            if diff_dyns(msg, &mut first, &a.dyns, &mut b.dyns, cx) {
                msg.out.push('}');
                true
            } else {
                msg.out.truncate(mark);
                false
            }
        }
        // The client holds a string (maybe a node sent as its HTML): the
        // same HTML needs nothing, and the client keeps its string. Not in
        // items: their held dynamics stay equal to the rendered ones (which
        // `render_update` may carry over).
        (Dyn::Str(a), Dyn::Node(b)) if cx.held && !cx.in_item && b.to_html() == *a => {
            *new = Dyn::Str(a.clone());
            false
        }
        // The client holds `""` for a comprehension sent empty.
        (Dyn::Str(a), Dyn::Comp(b)) if a.is_empty() && b.items.is_empty() => {
            b.statics_held = false;
            false
        }
        (Dyn::Comp(a), Dyn::Comp(b))
            if a.statics.fingerprint == b.statics.fingerprint
                && (if cx.held {
                    a.client_has_statics()
                } else {
                    !a.items.is_empty()
                }) =>
        {
            b.statics_held = true;
            diff_comprehension(msg, a, b, cx)
        }
        (Dyn::Comp(a), Dyn::Comp(b)) if a.items.is_empty() && b.items.is_empty() => {
            // Both hold `""` (the statics, when the client had them, are
            // the old ones: the fingerprint differs only after the case
            // above, so the client holds a string or other statics).
            b.statics_held = false;
            false
        }
        _ => {
            send_whole(msg, new, cx);
            true
        }
    }
}

/// Writes `d` in full. In a held diff, clears the held flags of the empty
/// comprehensions in it (they go as `""`) and sends a node as its HTML
/// where that is smaller (see [`diff_into`]), leaving the string in `d`.
fn send_whole(msg: &mut Message, d: &mut Dyn, cx: Cx) {
    if !cx.held {
        msg.write_dyn(d);
        return;
    }
    clear_held_flags(std::slice::from_mut(d));
    if let Dyn::Node(_) = d
        && !cx.in_item
    {
        send_node(msg, d);
    } else {
        msg.write_dyn(d);
    }
}

/// Writes the node `d` whole, its nested nodes and then itself as HTML
/// when that is smaller by at least its statics (see below). Returns
/// whether it contains a comprehension (then it is always sent as a node).
fn send_node(msg: &mut Message, d: &mut Dyn) -> bool {
    let Dyn::Node(node) = d else {
        msg.write_dyn(d);
        return matches!(d, Dyn::Comp(_));
    };
    let mark = msg.out.len();
    let p_mark = msg.shared_len();
    msg.out.push('{');
    let mut first = true;
    msg.write_statics_ref(&mut first, &node.statics);
    let mut has_comp = false;
    for (i, child) in node.dyns.iter_mut().enumerate() {
        write_index_key(&mut msg.out, &mut first, i);
        has_comp |= send_node(msg, child);
    }
    msg.out.push('}');
    if has_comp {
        return true;
    }
    // The cost of the node: its JSON and the "p" entries it adds. Nodes of
    // one statics sent as HTML in this message owe the bytes they cost
    // beyond their JSON: once those reach the "p" entry, the entry is
    // cheaper than more HTML.
    let json = msg.out.len() - mark;
    let shared = msg.shared_bytes_from(p_mark);
    let fp = node.statics.fingerprint;
    let debt = if shared > 0 {
        msg.flat_debt.get(&fp).copied().unwrap_or(0)
    } else {
        0
    };
    // A later change inside a node sent as HTML sends the HTML again: its
    // statics once more. Only a saving that covers them is taken, so that
    // one such change still costs no more than the node would have.
    let statics = static_bytes(node);
    if statics + debt >= json + shared {
        return false;
    }
    let html = node.to_html();
    let h = json_str_len(&html);
    if h + debt + statics < json + shared {
        msg.out.truncate(mark);
        msg.truncate_shared(p_mark);
        write_str(&mut msg.out, &html);
        if shared > 0 && h > json {
            *msg.flat_debt.entry(fp).or_insert(0) += h - json;
        }
        *d = Dyn::Str(html);
    }
    false
}

/// The bytes of the statics of `node` and its nested nodes, as JSON
/// string content.
fn static_bytes(node: &Rendered) -> usize {
    let own: usize = node.statics.parts.iter().map(|p| json_str_len(p) - 2).sum();
    own + node
        .dyns
        .iter()
        .map(|d| match d {
            Dyn::Node(n) => static_bytes(n),
            _ => 0,
        })
        .sum::<usize>()
}

/// Clears [`Comprehension::statics_held`] in `dyns` (they are sent whole:
/// the client will hold an empty comprehension as `""`).
fn clear_held_flags(dyns: &mut [Dyn]) {
    for d in dyns {
        match d {
            Dyn::Str(_) => {}
            Dyn::Node(n) => clear_held_flags(&mut n.dyns),
            Dyn::Comp(c) => {
                c.statics_held = false;
                for item in &mut c.items {
                    if has_held_flags(&item.dyns) {
                        clear_held_flags(item_dyns_mut(&mut item.dyns));
                    }
                }
            }
        }
    }
}

fn has_held_flags(dyns: &[Dyn]) -> bool {
    dyns.iter().any(|d| match d {
        Dyn::Str(_) => false,
        Dyn::Node(n) => has_held_flags(&n.dyns),
        Dyn::Comp(c) => c.statics_held || c.items.iter().any(|i| has_held_flags(&i.dyns)),
    })
}

/// The item's dynamics, unshared first if another tree holds them too.
fn item_dyns_mut(dyns: &mut Arc<[Dyn]>) -> &mut [Dyn] {
    Arc::make_mut(dyns)
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

fn diff_comprehension(
    msg: &mut Message,
    old: &Comprehension,
    new: &mut Comprehension,
    cx: Cx,
) -> bool {
    let mark = msg.out.len();
    msg.out.push_str("{\"k\":{");
    let mut kf = true;
    let mut moved = false;
    let mut changed = old.items.len() != new.items.len();
    let sources = Matcher::new(old).sources(new);
    let item_cx = Cx {
        in_item: true,
        ..cx
    };
    for ((i, item), source) in new.items.iter_mut().enumerate().zip(sources) {
        // An item in place with equal dynamics sends nothing; the client
        // keeps what it holds (which may differ in held flags).
        if matches!(source, Source::At)
            && let Some(o) = old.items.get(i)
            && item_dyns_eq(&o.dyns, &item.dyns)
        {
            if cx.held && !Arc::ptr_eq(&o.dyns, &item.dyns) {
                item.dyns = Arc::clone(&o.dyns);
            }
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
                let dyns = item_dyns_mut(&mut item.dyns);
                if diff_dyns(msg, &mut f, &old.items[i].dyns, dyns, item_cx) {
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
                let from = &old.items[j].dyns;
                let same = Arc::ptr_eq(from, &item.dyns);
                if !same && diff_dyns(msg, &mut f, from, item_dyns_mut(&mut item.dyns), item_cx) {
                    msg.out.push_str("}]");
                } else {
                    msg.out.truncate(inner);
                    push_usize(&mut msg.out, j);
                    if cx.held {
                        item.dyns = Arc::clone(from);
                    }
                }
                true
            }
            Source::New => {
                if cx.held && has_held_flags(&item.dyns) {
                    clear_held_flags(item_dyns_mut(&mut item.dyns));
                }
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
