#!/usr/bin/env python3
"""Generates tests/derive_corpus.rs: Go conformance cases whose data maps onto
Rust structs, as typed templates (`#[derive(LiveTemplate)]`) checked against
Go's output. Run from the repository root:

    python3 tests/gen_typed_corpus.py /work/shared/conformance/go_cases.json

`python3 tests/gen_typed_corpus.py --extra` generates tests/derive_corpus_native.rs
from tests/typed_corpus_extra.json instead: cases of our own in the same
format (outputs from the Go oracle) for the builtin calls and
`break`/`continue`, which the typed path compiles natively.

The generated file is committed; tests never read the corpus at run time.
Mapping of the oracle's JSON data: `$struct` → a generated struct
(`#[derive(GoValue)]`, field `GoName` → `go_name` with `#[go(name)]`),
`$ptr` → `Option<T>` (`Some`), `$nilptr` → `Option<i64>` (`None`), int →
`i64`, `$uint` → `u64`, float/`$float` → `f64`, string → `String`, bool,
`$html`/... → the safe-content newtypes, homogeneous arrays → `Vec<T>`,
plain objects below the root → `BTreeMap<String, T>`, `null` → `Value::Nil`.
The root must be a struct (or a pointer to one). Cases listed in
tests/typed_corpus_excluded.txt (with the reason) are left out.
"""
import json, re, sys, os

KEYWORDS = set("as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while async await dyn abstract become box do final macro override priv typeof unsized virtual yield try gen".split())
SAFE = {"$html": "Html", "$css": "Css", "$js": "Js", "$jsstr": "JsStr", "$url": "Url", "$attr": "HtmlAttr", "$srcset": "Srcset"}


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


def ident(name):
    s = go_to_snake(name)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", s):
        raise Unmappable("field name " + name)
    return "r#" + s if s in KEYWORDS else s


def rust_str(s):
    return json.dumps(s, ensure_ascii=False) + ".to_string()"


class Unmappable(Exception):
    pass


class Gen:
    def __init__(self):
        self.structs = []  # source of nested struct definitions
        self.n = 0

    def value(self, v):
        """(rust type, rust expression) for JSON value v."""
        if v is None:
            return "Value", "Value::Nil"
        if isinstance(v, bool):
            return "bool", "true" if v else "false"
        if isinstance(v, int):
            return "i64", f"{v}i64"
        if isinstance(v, float):
            return "f64", repr(v) + "f64"
        if isinstance(v, str):
            return "String", rust_str(v)
        if isinstance(v, list):
            if not v:
                return "Vec<i64>", "Vec::new()"
            items = [self.value(x) for x in v]
            tys = {t for t, _ in items}
            if len(tys) != 1:
                raise Unmappable("mixed array")
            t = items[0][0]
            return f"Vec<{t}>", "vec![" + ", ".join(e for _, e in items) + "]"
        if isinstance(v, dict):
            if len(v) == 1:
                (k, x), = v.items()
                if k == "$struct":
                    return self.struct(x)
                if k == "$ptr":
                    t, e = self.value(x)
                    return f"Option<{t}>", f"Some({e})"
                if k == "$nilptr":
                    return "Option<i64>", "None"
                if k == "$uint":
                    return "u64", f"{int(x)}u64"
                if k == "$int":
                    return "i64", f"{int(x)}i64"
                if k == "$float":
                    return "f64", repr(float(x)) + "f64"
                if k in SAFE:
                    return SAFE[k], f"{SAFE[k]}::new({json.dumps(x, ensure_ascii=False)})"
            if any(k.startswith("$") for k in v):
                raise Unmappable("special " + ",".join(v))
            if not v:
                return "BTreeMap<String, i64>", "BTreeMap::new()"
            items = [(k, self.value(x)) for k, x in v.items()]
            tys = {t for _, (t, _) in items}
            if len(tys) != 1:
                raise Unmappable("mixed map")
            t = items[0][1][0]
            entries = ", ".join(f"({rust_str(k)}, {e})" for k, (_, e) in items)
            return f"BTreeMap<String, {t}>", f"BTreeMap::from([{entries}])"
        raise Unmappable(type(v).__name__)

    def fields(self, obj):
        out = []
        seen = set()
        for k, x in obj.items():
            f = ident(k)
            if f in seen:
                raise Unmappable("field collision " + k)
            seen.add(f)
            t, e = self.value(x)
            out.append((k, f, t, e))
        return out

    def struct(self, obj):
        self.n += 1
        name = f"S{self.n}"
        fs = self.fields(obj)
        body = "".join(f"    #[go(name = {json.dumps(k)})]\n    pub {f}: {t},\n" for k, f, t, _ in fs)
        self.structs.append(f"#[derive(GoValue, Clone, PartialEq, Debug)]\npub struct {name} {{\n{body}}}\n")
        init = ", ".join(f"{f}: {e}" for _, f, _, e in fs)
        return name, f"{name} {{ {init} }}"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_name = "derive_corpus.rs"
    if sys.argv[1] == "--extra":
        # Cases of our own in the corpus's format (expected outputs from the
        # Go oracle), for the forms the typed path compiles natively.
        cases = json.load(open(os.path.join(here, "typed_corpus_extra.json")))
        out_name = "derive_corpus_native.rs"
    else:
        cases = json.load(open(sys.argv[1]))
    excl_path = os.path.join(here, "typed_corpus_excluded.txt")
    excluded = {}
    if os.path.exists(excl_path):
        for line in open(excl_path):
            line = line.strip()
            if line and not line.startswith("#"):
                cid, _, why = line.partition(" ")
                excluded[cid] = why
    mods = []
    skipped = 0
    for c in cases:
        if c["check"] != "output" or c.get("funcs"):
            continue
        if any(k in c for k in ("defines", "entry", "options", "delims", "untyped", "parse_only", "name")):
            continue
        if c["id"] in excluded:
            skipped += 1
            continue
        d = c["data"]
        while isinstance(d, dict) and len(d) == 1 and "$ptr" in d:
            d = d["$ptr"]
        if not (isinstance(d, dict) and len(d) == 1 and "$struct" in d):
            continue
        tpl = c["template"]
        if "`" in tpl and False:
            continue
        g = Gen()
        try:
            fs = g.fields(d["$struct"])
        except Unmappable:
            continue
        mod = "c" + re.sub(r"[^a-z0-9]+", "_", c["id"].lower())
        body = "".join(f"    #[go(name = {json.dumps(k)})]\n    pub {f}: {t},\n" for k, f, t, _ in fs)
        init = ", ".join(f"{f}: {e}" for _, f, _, e in fs)
        mode = ', mode = "text"' if c["mode"] == "text" else ""
        src = json.dumps(tpl, ensure_ascii=False)
        exp = json.dumps(c["expected"], ensure_ascii=False)
        mods.append(f"""
/// {c['id']}: `{c['source_test']}`
mod {mod} {{
    #![allow(non_snake_case, dead_code, unused_imports, clippy::all)]
    use super::*;
{''.join(g.structs)}
#[derive(LiveTemplate, Clone, PartialEq, Debug)]
#[template(source = {src}{mode})]
pub struct Root {{
{body}}}

#[test]
fn agrees_with_go() {{
    let data = Root {{ {init} }};
    assert_eq!(data.render().unwrap(), {exp});
    assert_eq!(data.render_tree().unwrap().to_html(), {exp});
}}
}}
""")
    out = os.path.join(here, out_name)
    with open(out, "w") as f:
        if out_name == "derive_corpus.rs":
            f.write("//! Generated by tests/gen_typed_corpus.py from the Go conformance corpus: do not edit.\n")
        else:
            f.write("//! Generated by `tests/gen_typed_corpus.py --extra` from tests/typed_corpus_extra.json\n//! (builtin calls and break/continue, outputs from the Go oracle): do not edit.\n")
        f.write(f"//! {len(mods)} cases ({skipped} excluded, see tests/typed_corpus_excluded.txt).\n\n")
        f.write("#![allow(clippy::all, unused_imports)]\n\nuse std::collections::BTreeMap;\n\nuse livetemplate::core::value::Value;\nuse livetemplate::typed::{Css, Html, HtmlAttr, Js, JsStr, LiveTemplate, Srcset, Url};\nuse livetemplate::{GoValue, LiveTemplate};\n")
        for m in mods:
            f.write(m)
    print(len(mods), "cases,", skipped, "excluded")


main()
