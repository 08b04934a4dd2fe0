#!/usr/bin/env python3
"""Generates bench-compare/benches/typed_scenarios/mod.rs: the scenario pages
(../benches/scenarios/*.json) as typed templates, for the speed bar's typed
column (benches/core_vs_gotmpl.rs). Needs python3 and rustfmt.

    python3 bench-compare/gen_typed.py                      # from the committed schemas
    python3 bench-compare/gen_typed.py --states DIR         # re-infer the schemas

Every scenario becomes a module with one `#[derive(LiveTemplate)]` struct
`Page` (the template inline, `mode = "text"` for text scenarios), one
`#[derive(GoValue)]` struct per nested object type, and `data()` building
the scenario's (first) state.

Types come from a schema per scenario (bench-compare/typed_schemas.json),
inferred from JSON values: string -> `String`, integer -> `i64`, float (a
'.' or an exponent in the JSON text) -> `f64` (an integer where other
states have floats is a float too), bool -> `bool`, null together with a
`T` -> `Option<T>`, arrays -> `Vec<T>` (element objects unified into one
struct; a field missing from some elements or states keeps its type and
is `Default::default()` where missing: `Option<T>` would make a present
`""` a non-nil pointer, true in `with`), objects -> a
struct, except where the template treats the object as a Go map (ranges
over it, indexes it, takes its `len`, prints it whole) or its keys are not
Go identifiers: then `BTreeMap<String, T>`. Values of mixed types are
`Value` (the dynamic value, built from the JSON).

The first state alone says nothing about a value that is `null` or `[]`
in it (`User: null` becomes a struct later), so `--states DIR` reads the
whole LiveView scenario suite (all 4-7 states of each scenario, e.g.
/work/shared/scenarios/cases) and writes the unified schemas to
typed_schemas.json; without it the committed schemas are used, so the
output depends only on files in this repository. The generated file is
committed.

Scenarios the typed path cannot express are listed in EXCLUDED with the
reason (they are not generated); the bench checks every generated one
against Go's output before timing it.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "benches", "scenarios")
SCHEMAS = os.path.join(HERE, "typed_schemas.json")
OUT = os.path.join(HERE, "benches", "typed_scenarios", "mod.rs")

# Scenarios the typed path cannot express (id -> reason). Filled in from
# compile errors of the generated code; each reason is printed by the bench.
EXCLUDED = {}

KEYWORDS = set(
    "as break const continue crate else enum extern false fn for if impl in let loop match mod "
    "move mut pub ref return self Self static struct super trait true type unsafe use where while "
    "async await dyn abstract become box do final macro override priv typeof unsized virtual "
    "yield try gen".split()
)
RESERVED_TYPES = {"Page", "String", "Value", "Vec", "Option", "BTreeMap", "Some", "None", "Result"}


# ---------------------------------------------------------------- schemas
# A schema is JSON: "str" | "int" | "float" | "bool" | "null" | "any" |
# "unknown" (an empty array's element) | {"list": S} | {"opt": S} |
# {"obj": [[key, S, optional], ...]} (keys in order of first appearance).


def schema_of(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list):
        s = "unknown"
        for x in v:
            s = unify(s, schema_of(x))
        return {"list": s}
    if isinstance(v, dict):
        return {"obj": [[k, schema_of(x), False] for k, x in v.items()]}
    raise TypeError(type(v).__name__)


def kind(s):
    return s if isinstance(s, str) else next(iter(s))


def unify(a, b):
    if a == b:
        return a
    if a == "unknown":
        return b
    if b == "unknown":
        return a
    if a == "any" or b == "any":
        return "any"
    if a == "null":
        return b if kind(b) in ("null", "opt") else {"opt": b}
    if b == "null":
        return unify(b, a)
    if kind(a) == "opt" or kind(b) == "opt":
        inner = unify(a["opt"] if kind(a) == "opt" else a, b["opt"] if kind(b) == "opt" else b)
        return "any" if inner == "any" else {"opt": inner}
    if a in ("int", "float") and b in ("int", "float"):
        return "float"
    if kind(a) == "list" and kind(b) == "list":
        return {"list": unify(a["list"], b["list"])}
    if kind(a) == "obj" and kind(b) == "obj":
        fa = {k: (s, o) for k, s, o in a["obj"]}
        fb = {k: (s, o) for k, s, o in b["obj"]}
        keys = [k for k, _, _ in a["obj"]] + [k for k, _, _ in b["obj"] if k not in fa]
        out = []
        for k in keys:
            if k in fa and k in fb:
                out.append([k, unify(fa[k][0], fb[k][0]), fa[k][1] or fb[k][1]])
            else:
                s, _ = fa.get(k) or fb.get(k)
                out.append([k, s, True])
        return {"obj": out}
    return "any"


# ------------------------------------------------------- template analysis

FIELD_CHAIN = re.compile(r"^(?:\.|\$\w*)?((?:\.\w+)*)$")


def last_field(arg):
    """`Flags` for `.Flags`, `$.A.Flags`, `$x.Flags`; None otherwise."""
    m = FIELD_CHAIN.match(arg.strip())
    if not m or not m.group(1):
        return None
    return m.group(1).rsplit(".", 1)[1]


def map_names(template):
    """Field names the template uses as Go maps: ranged over, indexed,
    `len`'d or printed whole."""
    names = set()
    for act in re.findall(r"\{\{-?\s*(.*?)\s*-?\}\}", template, re.S):
        if act.startswith("/*"):
            continue
        m = re.match(r"range\s+(?:\$\w+\s*(?:,\s*\$\w+\s*)?:?=\s*)?(\S+)\s*$", act)
        if m and last_field(m.group(1)):
            names.add(last_field(m.group(1)))
        for m in re.finditer(r"\b(?:index|len)\s+(\S+)", act):
            if last_field(m.group(1).strip("()")):
                names.add(last_field(m.group(1).strip("()")))
        if last_field(act):
            names.add(last_field(act))
    return names


# ------------------------------------------------------------ code

def go_to_snake(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper():
            prev = name[i - 1] if i > 0 else None
            nxt = name[i + 1] if i + 1 < len(name) else None
            b = False
            if prev is None or prev == "_":
                b = False
            elif prev.islower() or prev.isdigit():
                b = True
            elif prev.isupper():
                b = nxt is not None and nxt.islower()
            if b:
                out.append("_")
            out.append(c.lower())
        else:
            out.append(c)
    return "".join(out)


def is_go_ident(k):
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) is not None


def rust_field(k):
    s = go_to_snake(k)
    return "r#" + s if s in KEYWORDS else s


def rust_str(s):
    out = []
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\u{%x}" % ord(c))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def raw_str(s):
    """A raw string literal (readable multi-line templates) when possible."""
    if "\r" in s:
        return rust_str(s)
    n = 1
    while '"' + "#" * n in s:
        n += 1
    return "r" + "#" * n + '"' + s + '"' + "#" * n


def camel(k):
    parts = re.split(r"[^A-Za-z0-9]+", k)
    s = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not s or not s[0].isalpha():
        s = "T" + s
    return s


def singular(name):
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 3:
        return name[:-1]
    return name + "Item"


class Module:
    def __init__(self, sid, maps):
        self.sid = sid
        self.maps = maps
        self.structs = []  # Rust source
        self.names = set(RESERVED_TYPES)

    def fresh(self, base):
        name = base
        n = 2
        while name in self.names:
            name = f"{base}{n}"
            n += 1
        self.names.add(name)
        return name

    def is_map(self, key, schema):
        return (key is not None and key in self.maps) or not all(is_go_ident(k) for k, _, _ in schema["obj"])

    def ty(self, s, name, key):
        """(Rust type, constructor) for schema `s` of the value at `key`
        (None for array elements and map values; `name` names its struct),
        where the constructor maps a JSON value to a Rust expression."""
        if s == "str":
            return "String", lambda v: rust_str(v) + ".to_string()"
        if s == "int":
            return "i64", lambda v: str(v)
        if s == "float":
            return "f64", lambda v: repr(float(v)) + "_f64"
        if s == "bool":
            return "bool", lambda v: "true" if v else "false"
        if s in ("any", "null", "unknown"):
            return "Value", lambda v: "j(" + raw_str(json.dumps(v, ensure_ascii=False)) + ")"
        k = kind(s)
        if k == "opt":
            t, c = self.ty(s["opt"], name, key)
            return f"Option<{t}>", lambda v: "None" if v is None else f"Some({c(v)})"
        if k == "list":
            t, c = self.ty(s["list"], singular(name), None)
            return f"Vec<{t}>", lambda v: "Vec::new()" if not v else "vec![" + ", ".join(c(x) for x in v) + "]"
        if k == "obj":
            if self.is_map(key, s):
                vs = "unknown"
                for _, fs, _ in s["obj"]:
                    vs = unify(vs, fs)
                t, c = self.ty(vs, name + "Value", None)
                return f"BTreeMap<String, {t}>", lambda v: "BTreeMap::from([" + ", ".join(
                    f"({rust_str(kk)}.to_string(), {c(x)})" for kk, x in v.items()) + "])"
            return self.struct(s, camel(name))
        raise ValueError(s)

    def fields(self, s):
        out = []
        seen = set()
        for k, fs, _optional in s["obj"]:
            f = rust_field(k)
            if f in seen:
                raise ValueError(f"{self.sid}: field collision {k}")
            seen.add(f)
            t, c = self.ty(fs, k, k)
            out.append((k, f, t, c))
        return out

    def field_lines(self, fs):
        return "".join(f"    #[go(name = {rust_str(k)})]\n    pub {f}: {t},\n" for k, f, t, _ in fs)

    @staticmethod
    def init(fs, v):
        parts = []
        for k, f, t, c in fs:
            if k in v:
                parts.append(f"{f}: {c(v[k])}")
            elif t == "Value":
                parts.append(f'{f}: j("null")')
            else:
                parts.append(f"{f}: Default::default()")
        return ", ".join(parts)

    def struct(self, s, base):
        name = self.fresh(base)
        fs = self.fields(s)
        self.structs.append(
            f"#[derive(GoValue, Clone, PartialEq, Debug)]\npub struct {name} {{\n{self.field_lines(fs)}}}\n")
        return name, lambda v: f"{name} {{ {self.init(fs, v)} }}"


def generate(scenarios, schemas):
    mods = []
    for sc in scenarios:
        sid = sc["id"]
        if sid in EXCLUDED:
            continue
        schema = unify(schemas.get(sid, "unknown"), schema_of(sc["data"]))
        if kind(schema) != "obj":
            raise ValueError(f"{sid}: the data is not an object")
        m = Module(sid, map_names(sc["template"]))
        fs = m.fields(schema)
        mode = ', mode = "text"' if sc["mode"] == "text" else ""
        mods.append((sid, f"""
/// `{sid}` ({sc['mode']}).
pub mod {sid} {{
    use super::*;

{indent(''.join(m.structs))}
    #[derive(LiveTemplate, Clone, PartialEq, Debug)]
    #[template(source = {raw_str(sc['template'])}{mode})]
    pub struct Page {{
{indent(m.field_lines(fs))}    }}

    /// The scenario's first state.
    pub fn data() -> Page {{
        Page {{ {Module.init(fs, sc['data'])} }}
    }}
}}
"""))
    return mods


def indent(src):
    return "".join(("    " + line if line.strip() else line) for line in src.splitlines(True))


def main():
    args = sys.argv[1:]
    scenarios = []
    for f in sorted(os.listdir(SCENARIOS)):
        if f.endswith(".json"):
            with open(os.path.join(SCENARIOS, f), encoding="utf-8") as fh:
                scenarios.append(json.load(fh))
    if args[:1] == ["--states"]:
        schemas = {}
        for sc in scenarios:
            with open(os.path.join(args[1], sc["id"] + ".json"), encoding="utf-8") as fh:
                full = json.load(fh)
            if full["states"][0] != sc["data"] or full["template"] != sc["template"]:
                sys.exit(f"{sc['id']}: the suite's first state or template differs from benches/scenarios")
            s = "unknown"
            for st in full["states"]:
                s = unify(s, schema_of(st))
            schemas[sc["id"]] = s
        with open(SCHEMAS, "w", encoding="utf-8") as fh:
            json.dump(schemas, fh, ensure_ascii=False, indent=None, separators=(",", ":"))
            fh.write("\n")
    elif args:
        sys.exit(__doc__)
    else:
        with open(SCHEMAS, encoding="utf-8") as fh:
            schemas = json.load(fh)
    mods = generate(scenarios, schemas)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("//! Generated by bench-compare/gen_typed.py from benches/scenarios and\n")
        f.write("//! bench-compare/typed_schemas.json: do not edit.\n")
        f.write(f"//! {len(mods)} typed scenarios ({len(EXCLUDED)} excluded, see `EXCLUDED`).\n\n")
        f.write("#![allow(clippy::all, clippy::pedantic, dead_code, unused_imports)]\n\n")
        f.write("use std::collections::BTreeMap;\n\n")
        f.write("use livetemplate::core::value::Value;\n")
        f.write("use livetemplate::typed::LiveTemplate as _;\n")
        f.write("use livetemplate::{GoValue, LiveTemplate};\n\n")
        f.write("/// A dynamic value from JSON (values whose type varies between states).\n")
        f.write("fn j(json: &str) -> Value {\n    Value::from_json(json).expect(\"generated JSON\")\n}\n\n")
        f.write("/// Scenarios left out, with the reason.\n")
        f.write("pub const EXCLUDED: &[(&str, &str)] = &[\n")
        for sid, why in sorted(EXCLUDED.items()):
            f.write(f"    ({rust_str(sid)}, {rust_str(why)}),\n")
        f.write("];\n\n")
        f.write("/// Renders a scenario's first state to its HTML (or text).\n")
        f.write("pub type Render = Box<dyn Fn() -> Result<String, livetemplate::typed::Error>>;\n\n")
        f.write("fn renderer<T: livetemplate::typed::LiveTemplate + 'static>(page: T) -> Render {\n")
        f.write("    Box::new(move || page.render())\n}\n\n")
        f.write("/// Every generated scenario: (id, renderer of its first state).\n")
        f.write("pub fn all() -> Vec<(&'static str, Render)> {\n    vec![\n")
        for sid, _ in mods:
            f.write(f"        ({rust_str(sid)}, renderer({sid}::data())),\n")
        f.write("    ]\n}\n")
        for _, src in mods:
            f.write(src)
    # The bench crate is formatted with `cargo fmt`: keep the generated file as rustfmt leaves it.
    subprocess.run(["rustfmt", "--edition", "2024", OUT], check=True)
    print(f"{len(mods)} scenarios generated, {len(EXCLUDED)} excluded -> {os.path.relpath(OUT)}")


main()
