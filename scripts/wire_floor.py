#!/usr/bin/env python3
"""How small can the LiveView diffs of the scenario suite get?

Reads what the scenario checker keeps (`check --keep DIR --json R.json`) and
prints, per scenario and as medians, the savings over resending the HTML:

* `ours`: the diffs the CLI sent (as the checker counts them);
* `flat`: a floor for the LiveView wire format. Every string the diff
  carries (changed dynamics and any statics it had to send) is charged its
  JSON string plus the least framing any LiveView diff needs for it: a
  one-digit key at the root (`"0":`, comma). No nesting, no `"k"`/`"kc"`
  around items, no `"s"`/`"p"` bookkeeping;
* `flat+p`: the same, but a value repeated within one message may be sent
  once as the statics of a static-only node (`"p":{"0":["v"]}`) and
  referenced as `{"s":0}` from each place (about 12 bytes a place), the one
  way the format has to send a repeated string once.

The format has no reference to a dynamic value sent earlier or elsewhere in
a message, so a diff that must change N places carries N values; these
floors only drop overhead that a real diff cannot drop.

Usage:
    ../shared/scenarios/check --cli target/release/livetemplate --keep /tmp/k --json /tmp/r.json
    python3 scripts/wire_floor.py /tmp/k /tmp/r.json
"""

import collections
import json
import pathlib
import statistics
import sys


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def strings(msg):
    """Every string a message carries (dynamics and statics), in order."""
    out = []

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k not in ("kc", "km"):
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
        elif isinstance(o, str):
            out.append(o)

    walk(msg)
    return out


def floors(msg):
    vals = strings(msg)
    flat = 2 + sum(len(compact(v).encode()) + 5 for v in vals) - (1 if vals else 0)
    shared = 2
    for v, n in collections.Counter(vals).items():
        cost = len(compact(v).encode()) + 5
        shared += min(n * cost, cost + n * 12)
    return flat, shared - (1 if vals else 0)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    keep, report = pathlib.Path(sys.argv[1]), json.load(open(sys.argv[2]))
    full = {s["id"]: s["full_bytes"] for s in report["scenarios"] if s.get("full_bytes")}
    rows = []
    for sid in sorted(full):
        diffs = json.load(open(keep / sid / "diffs.json"))[1:]
        sent = sum(len(compact(d).encode()) for d in diffs)
        flat = sum(floors(d)[0] for d in diffs)
        shared = sum(floors(d)[1] for d in diffs)
        rows.append((sid, *(1 - b / full[sid] for b in (sent, flat, shared))))
    print(f"{'scenario':32} {'ours':>7} {'flat':>7} {'flat+p':>7}")
    for sid, a, b, c in rows:
        print(f"{sid:32} {a:7.1%} {b:7.1%} {c:7.1%}")
    med = [statistics.median(r[i] for r in rows) for i in (1, 2, 3)]
    print(f"{'median':32} {med[0]:7.1%} {med[1]:7.1%} {med[2]:7.1%}")


if __name__ == "__main__":
    main()
