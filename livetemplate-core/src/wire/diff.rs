//! The diff between what the client holds and a new render.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::encode::{Message, first_render};
use super::json::{push_usize, write_index_key, write_name_key, write_str};
use super::rendered::{Comprehension, Dyn, Item, Rendered};

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
            if a != b {
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
            if a == b {
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
    Same,
    Moved(usize),
    Positional,
    New,
}

fn diff_comprehension(msg: &mut Message, old: &Comprehension, new: &Comprehension) -> bool {
    let mark = msg.out.len();
    msg.out.push_str("{\"k\":{");
    let mut kf = true;
    let mut moved = false;
    let mut changed = old.items.len() != new.items.len();
    let mut by_key: Option<HashMap<&str, usize>> = None;
    let mut by_content: Option<HashMap<u64, usize>> = None;
    for (i, item) in new.items.iter().enumerate() {
        let source = locate(old, item, i, &mut by_key, &mut by_content);
        // An item in place with equal dynamics sends nothing.
        if matches!(source, Source::Same | Source::Positional) && old.items[i].dyns == item.dyns {
            continue;
        }
        let entry_mark = msg.out.len();
        let was_first = kf;
        write_index_key(&mut msg.out, &mut kf, i);
        let wrote = match source {
            Source::Same => {
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
                if diff_dyns(msg, &mut f, &old.items[j].dyns, &item.dyns) {
                    msg.out.push_str("}]");
                } else {
                    msg.out.truncate(inner);
                    push_usize(&mut msg.out, j);
                }
                true
            }
            Source::Positional => {
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

/// Finds where new item `i` came from.
fn locate<'a>(
    old: &'a Comprehension,
    item: &Item,
    i: usize,
    by_key: &mut Option<HashMap<&'a str, usize>>,
    by_content: &mut Option<HashMap<u64, usize>>,
) -> Source {
    if let Some(key) = &item.key {
        if old
            .items
            .get(i)
            .is_some_and(|o| o.key.as_ref() == Some(key))
        {
            return Source::Same;
        }
        let map = by_key.get_or_insert_with(|| {
            let mut m = HashMap::with_capacity(old.items.len());
            for (j, it) in old.items.iter().enumerate() {
                if let Some(k) = &it.key {
                    m.entry(k.as_str()).or_insert(j);
                }
            }
            m
        });
        return match map.get(key.as_str()) {
            Some(&j) if j == i => Source::Same,
            Some(&j) => Source::Moved(j),
            None if i < old.items.len() => Source::Positional,
            None => Source::New,
        };
    }
    if let Some(o) = old.items.get(i)
        && o.dyns == item.dyns
    {
        return Source::Same;
    }
    let map = by_content.get_or_insert_with(|| {
        let mut m = HashMap::with_capacity(old.items.len());
        for (j, it) in old.items.iter().enumerate() {
            m.entry(content_hash(&it.dyns)).or_insert(j);
        }
        m
    });
    if let Some(&j) = map.get(&content_hash(&item.dyns))
        && old.items[j].dyns == item.dyns
    {
        return if j == i {
            Source::Same
        } else {
            Source::Moved(j)
        };
    }
    if i < old.items.len() {
        Source::Positional
    } else {
        Source::New
    }
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
