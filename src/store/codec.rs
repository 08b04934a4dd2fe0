//! The stored form of a page: a compact, versioned binary record.
//!
//! # Why a hand-written binary format
//!
//! The record must round-trip Go's types exactly (`int` vs `uint`, float
//! bits including NaN and `-0`, the seven safe-content kinds, struct type
//! names and field types, typed nil pointers, the element types of empty
//! slices and maps), must never panic or recurse without bound on a corrupt
//! record, and is written on every update. JSON would need a tag per number
//! and a recursion limit that real data can hit; this format is a few tag
//! bytes, LEB128 integers and length-prefixed UTF-8.
//!
//! # Layout (format 1)
//!
//! ```text
//! record  = "LTP" 0x01  str(template name)  str(template fingerprint hex)
//!           str(nonce)  str(token)  n str*(revoked nonces, oldest first)
//!           types value  client
//! types   = n (name? fields)*      struct types, each defined once
//! fields  = n (str type)*          (a field type may refer to an earlier struct type)
//! client  = 0 | 1 rendered         what the browser holds
//! rendered= u64(statics fingerprint) n dyn*
//! dyn     = 0 str | 1 rendered | 2 u64(item statics fingerprint) n item*
//!         | 3 u64(item statics fingerprint) 0   an empty comprehension whose
//!                                               statics the client holds
//! item    = key? n dyn*
//! ```
//!
//! Statics are stored by fingerprint only: the process that loads the page
//! has them from its own compiled template (see [`crate::Renderer::statics_table`]).
//! Struct types are interned by structure, so a list of 1,000 rows of one
//! Rust struct stores (and, once loaded, shares) one type.

use std::collections::HashMap;
use std::sync::Arc;

use livetemplate_core::value::{
    MapValue, SafeKind, SliceValue, StructType, StructValue, Type, Value,
};
use livetemplate_core::wire::{Comprehension, Dyn, Item, Rendered, Statics};

const MAGIC: &[u8; 4] = b"LTP\x01";

/// Deepest nesting of values, types or rendered nodes accepted when
/// decoding (a corrupt record cannot exhaust the stack).
pub const MAX_DEPTH: usize = 512;

/// A page as stored: everything another process needs to resume it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRecord {
    /// Name of the page's template (for messages).
    pub template_name: String,
    /// Fingerprint of the page's template (64 hex digits); the loading
    /// application must have a template with this fingerprint registered.
    pub template_fingerprint: String,
    /// The page's current nonce.
    pub nonce: String,
    /// The page's current token.
    pub token: String,
    /// Nonces of this page revoked by token rotation (newest last, bounded).
    pub revoked: Vec<String>,
    /// The page's data.
    pub data: Value,
    /// What the client holds, if a tree was sent.
    pub client: Option<Rendered>,
}

/// Why a record could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError(pub String);

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "page record: {}", self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, CodecError> {
    Err(CodecError(msg.into()))
}

// ---------------------------------------------------------------- writing

struct Writer {
    out: Vec<u8>,
    types: Vec<Arc<StructType>>,
    types_out: Vec<u8>,
    /// Set when the data nests deeper than [`MAX_DEPTH`] (it could not be read back).
    too_deep: bool,
}

fn put_uvarint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uvarint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn safe_code(k: SafeKind) -> u8 {
    match k {
        SafeKind::Html => 0,
        SafeKind::Css => 1,
        SafeKind::Js => 2,
        SafeKind::JsStr => 3,
        SafeKind::Url => 4,
        SafeKind::HtmlAttr => 5,
        SafeKind::Srcset => 6,
    }
}

fn safe_from(code: u8) -> Result<SafeKind, CodecError> {
    Ok(match code {
        0 => SafeKind::Html,
        1 => SafeKind::Css,
        2 => SafeKind::Js,
        3 => SafeKind::JsStr,
        4 => SafeKind::Url,
        5 => SafeKind::HtmlAttr,
        6 => SafeKind::Srcset,
        c => return err(format!("unknown safe-content kind {c}")),
    })
}

// Value tags.
const V_NIL: u8 = 0;
const V_FALSE: u8 = 1;
const V_TRUE: u8 = 2;
const V_INT: u8 = 3;
const V_UINT: u8 = 4;
const V_FLOAT: u8 = 5;
const V_STRING: u8 = 6;
const V_SAFE: u8 = 7;
const V_SLICE: u8 = 8;
const V_MAP: u8 = 9;
const V_STRUCT: u8 = 10;
const V_PTR: u8 = 11;
const V_NILPTR: u8 = 12;
const V_COMPLEX: u8 = 13;

// Type tags.
const T_ANY: u8 = 0;
const T_BOOL: u8 = 1;
const T_INT: u8 = 2;
const T_UINT: u8 = 3;
const T_FLOAT: u8 = 4;
const T_STRING: u8 = 5;
const T_SAFE: u8 = 6;
const T_SLICE: u8 = 7;
const T_MAP: u8 = 8;
const T_STRUCT: u8 = 9;
const T_PTR: u8 = 10;
const T_COMPLEX: u8 = 11;

impl Writer {
    /// The index of struct type `t` in the type table, defining it (and
    /// the struct types of its fields) first if needed.
    fn struct_index(&mut self, t: &Arc<StructType>) -> u64 {
        if let Some(i) = self
            .types
            .iter()
            .position(|x| Arc::ptr_eq(x, t) || **x == **t)
        {
            return i as u64;
        }
        // Field types first, so that a definition only refers backwards.
        let mut def = Vec::new();
        match &t.name {
            Some(n) => {
                def.push(1);
                put_str(&mut def, n);
            }
            None => def.push(0),
        }
        put_uvarint(&mut def, t.fields.len() as u64);
        for (name, ty) in &t.fields {
            put_str(&mut def, name);
            let mut buf = Vec::new();
            self.ty(&mut buf, ty);
            def.extend_from_slice(&buf);
        }
        self.types_out.extend_from_slice(&def);
        self.types.push(Arc::clone(t));
        (self.types.len() - 1) as u64
    }

    fn ty(&mut self, out: &mut Vec<u8>, t: &Type) {
        self.ty_at(out, t, 0);
    }

    fn ty_at(&mut self, out: &mut Vec<u8>, t: &Type, depth: usize) {
        if depth > MAX_DEPTH {
            self.too_deep = true;
            out.push(T_ANY);
            return;
        }
        match t {
            Type::Any => out.push(T_ANY),
            Type::Bool => out.push(T_BOOL),
            Type::Int => out.push(T_INT),
            Type::Uint => out.push(T_UINT),
            Type::Float => out.push(T_FLOAT),
            Type::String => out.push(T_STRING),
            Type::Complex => out.push(T_COMPLEX),
            Type::Safe(k) => out.extend_from_slice(&[T_SAFE, safe_code(*k)]),
            Type::Slice(e) => {
                out.push(T_SLICE);
                self.ty_at(out, e, depth + 1);
            }
            Type::Map(k, v) => {
                out.push(T_MAP);
                self.ty_at(out, k, depth + 1);
                self.ty_at(out, v, depth + 1);
            }
            Type::Struct(s) => {
                let i = self.struct_index(s);
                out.push(T_STRUCT);
                put_uvarint(out, i);
            }
            Type::Ptr(e) => {
                out.push(T_PTR);
                self.ty_at(out, e, depth + 1);
            }
        }
    }

    fn value(&mut self, out: &mut Vec<u8>, v: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.too_deep = true;
            out.push(V_NIL);
            return;
        }
        match v {
            Value::Nil => out.push(V_NIL),
            Value::Bool(false) => out.push(V_FALSE),
            Value::Bool(true) => out.push(V_TRUE),
            Value::Int(i) => {
                out.push(V_INT);
                // Zigzag.
                put_uvarint(out, ((*i << 1) ^ (*i >> 63)) as u64);
            }
            Value::Uint(u) => {
                out.push(V_UINT);
                put_uvarint(out, *u);
            }
            Value::Float(f) => {
                out.push(V_FLOAT);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Complex(re, im) => {
                out.push(V_COMPLEX);
                out.extend_from_slice(&re.to_bits().to_le_bytes());
                out.extend_from_slice(&im.to_bits().to_le_bytes());
            }
            Value::String(s) => {
                out.push(V_STRING);
                put_str(out, s);
            }
            Value::Safe(k, s) => {
                out.extend_from_slice(&[V_SAFE, safe_code(*k)]);
                put_str(out, s);
            }
            Value::Slice(s) => {
                out.push(V_SLICE);
                self.ty_at(out, &s.elem, depth + 1);
                put_uvarint(out, s.items.len() as u64);
                for item in &s.items {
                    self.value(out, item, depth + 1);
                }
            }
            Value::Map(m) => {
                out.push(V_MAP);
                self.ty_at(out, &m.key, depth + 1);
                self.ty_at(out, &m.elem, depth + 1);
                put_uvarint(out, m.entries.len() as u64);
                for (k, v) in &m.entries {
                    self.value(out, k, depth + 1);
                    self.value(out, v, depth + 1);
                }
            }
            Value::Struct(s) => {
                let i = self.struct_index(&s.ty);
                out.push(V_STRUCT);
                put_uvarint(out, i);
                for f in &s.fields {
                    self.value(out, f, depth + 1);
                }
            }
            Value::Ptr(p) => {
                out.push(V_PTR);
                self.value(out, p, depth + 1);
            }
            Value::NilPtr(t) => {
                out.push(V_NILPTR);
                self.ty_at(out, t, depth + 1);
            }
        }
    }
}

fn put_rendered(out: &mut Vec<u8>, r: &Rendered) {
    out.extend_from_slice(&r.statics.fingerprint.to_le_bytes());
    put_dyns(out, &r.dyns);
}

fn put_dyns(out: &mut Vec<u8>, dyns: &[Dyn]) {
    put_uvarint(out, dyns.len() as u64);
    for d in dyns {
        match d {
            Dyn::Str(s) => {
                out.push(0);
                put_str(out, s);
            }
            Dyn::Node(n) => {
                out.push(1);
                put_rendered(out, n);
            }
            Dyn::Comp(c) => {
                // 3: a comprehension whose statics the client holds
                // although it has no items (see `Comprehension::statics_held`).
                out.push(if c.statics_held && c.items.is_empty() {
                    3
                } else {
                    2
                });
                out.extend_from_slice(&c.statics.fingerprint.to_le_bytes());
                put_uvarint(out, c.items.len() as u64);
                for item in &c.items {
                    match &item.key {
                        Some(k) => {
                            out.push(1);
                            put_str(out, k);
                        }
                        None => out.push(0),
                    }
                    put_dyns(out, &item.dyns);
                }
            }
        }
    }
}

/// Encodes a record; fails only for data nested deeper than [`MAX_DEPTH`].
pub fn encode(record: &PageRecord) -> Result<Vec<u8>, CodecError> {
    encode_parts(
        &record.template_name,
        &record.template_fingerprint,
        &record.nonce,
        &record.token,
        &record.revoked,
        &record.data,
        record.client.as_ref(),
    )
}

/// Encodes a record from borrowed parts (what a page holds).
pub(crate) fn encode_parts(
    template_name: &str,
    template_fingerprint: &str,
    nonce: &str,
    token: &str,
    revoked: &[String],
    data: &Value,
    client: Option<&Rendered>,
) -> Result<Vec<u8>, CodecError> {
    let mut w = Writer {
        out: Vec::with_capacity(256),
        types: Vec::new(),
        types_out: Vec::new(),
        too_deep: false,
    };
    let mut value = Vec::with_capacity(128);
    w.value(&mut value, data, 0);
    if w.too_deep {
        return err(format!(
            "data nested deeper than {MAX_DEPTH} levels cannot be stored"
        ));
    }
    let mut out = std::mem::take(&mut w.out);
    out.extend_from_slice(MAGIC);
    put_str(&mut out, template_name);
    put_str(&mut out, template_fingerprint);
    put_str(&mut out, nonce);
    put_str(&mut out, token);
    put_uvarint(&mut out, revoked.len() as u64);
    for n in revoked {
        put_str(&mut out, n);
    }
    put_uvarint(&mut out, w.types.len() as u64);
    out.extend_from_slice(&w.types_out);
    out.extend_from_slice(&value);
    match client {
        Some(r) => {
            out.push(1);
            put_rendered(&mut out, r);
        }
        None => out.push(0),
    }
    Ok(out)
}

// ---------------------------------------------------------------- reading

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    types: Vec<Arc<StructType>>,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let Some(&b) = self.buf.get(self.pos) else {
            return err("truncated");
        };
        self.pos += 1;
        Ok(b)
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.buf.len());
        let Some(end) = end else {
            return err("truncated");
        };
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn uvarint(&mut self) -> Result<u64, CodecError> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return err("integer overflow");
            }
            n |= part << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        err("integer too long")
    }

    /// A count of things each at least one byte long (bounded by what is left).
    fn count(&mut self) -> Result<usize, CodecError> {
        let n = self.uvarint()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.buf.len() - self.pos => Ok(n),
            _ => err("count larger than the record"),
        }
    }

    fn u64_le(&mut self) -> Result<u64, CodecError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn str(&mut self) -> Result<&'a str, CodecError> {
        let n = self.count()?;
        std::str::from_utf8(self.bytes(n)?).or_else(|_| err("invalid UTF-8"))
    }

    fn ty(&mut self, depth: usize) -> Result<Type, CodecError> {
        if depth > MAX_DEPTH {
            return err("types nested too deeply");
        }
        Ok(match self.byte()? {
            T_ANY => Type::Any,
            T_BOOL => Type::Bool,
            T_INT => Type::Int,
            T_UINT => Type::Uint,
            T_FLOAT => Type::Float,
            T_STRING => Type::String,
            T_COMPLEX => Type::Complex,
            T_SAFE => Type::Safe(safe_from(self.byte()?)?),
            T_SLICE => Type::Slice(Arc::new(self.ty(depth + 1)?)),
            T_MAP => {
                let k = self.ty(depth + 1)?;
                Type::Map(Arc::new(k), Arc::new(self.ty(depth + 1)?))
            }
            T_STRUCT => Type::Struct(self.struct_ref()?),
            T_PTR => Type::Ptr(Arc::new(self.ty(depth + 1)?)),
            t => return err(format!("unknown type tag {t}")),
        })
    }

    fn struct_ref(&mut self) -> Result<Arc<StructType>, CodecError> {
        let i = self.uvarint()?;
        usize::try_from(i)
            .ok()
            .and_then(|i| self.types.get(i))
            .cloned()
            .ok_or_else(|| CodecError(format!("unknown struct type {i}")))
    }

    fn types(&mut self) -> Result<(), CodecError> {
        let n = self.count()?;
        for _ in 0..n {
            let name = match self.byte()? {
                0 => None,
                1 => Some(self.str()?.to_string()),
                b => return err(format!("bad type-name flag {b}")),
            };
            let nf = self.count()?;
            let mut fields = Vec::with_capacity(nf);
            for _ in 0..nf {
                let fname = self.str()?.to_string();
                fields.push((fname, self.ty(0)?));
            }
            self.types.push(Arc::new(StructType { name, fields }));
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return err("values nested too deeply");
        }
        Ok(match self.byte()? {
            V_NIL => Value::Nil,
            V_FALSE => Value::Bool(false),
            V_TRUE => Value::Bool(true),
            V_INT => {
                let z = self.uvarint()?;
                Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            V_UINT => Value::Uint(self.uvarint()?),
            V_FLOAT => Value::Float(f64::from_bits(self.u64_le()?)),
            V_COMPLEX => {
                let re = f64::from_bits(self.u64_le()?);
                Value::Complex(re, f64::from_bits(self.u64_le()?))
            }
            V_STRING => Value::String(self.str()?.into()),
            V_SAFE => {
                let k = safe_from(self.byte()?)?;
                Value::Safe(k, self.str()?.into())
            }
            V_SLICE => {
                let elem = self.ty(depth + 1)?;
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Slice(Arc::new(SliceValue { elem, items }))
            }
            V_MAP => {
                let key = self.ty(depth + 1)?;
                let elem = self.ty(depth + 1)?;
                let n = self.count()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.value(depth + 1)?;
                    entries.push((k, self.value(depth + 1)?));
                }
                Value::Map(Arc::new(MapValue { key, elem, entries }))
            }
            V_STRUCT => {
                let ty = self.struct_ref()?;
                let mut fields = Vec::with_capacity(ty.fields.len());
                for _ in 0..ty.fields.len() {
                    fields.push(self.value(depth + 1)?);
                }
                Value::Struct(Arc::new(StructValue { ty, fields }))
            }
            V_PTR => Value::Ptr(Arc::new(self.value(depth + 1)?)),
            V_NILPTR => Value::NilPtr(self.ty(depth + 1)?),
            t => return err(format!("unknown value tag {t}")),
        })
    }

    fn rendered(&mut self, statics: &StaticsLookup<'_>, depth: usize) -> Result<Rendered, Missing> {
        let fp = self.u64_le()?;
        let s = statics.get(fp)?;
        let dyns = self.dyns(statics, depth)?;
        if dyns.len() + 1 != s.parts.len() {
            return Err(Missing::Corrupt(CodecError(
                "dynamics do not match their statics".into(),
            )));
        }
        Ok(Rendered { statics: s, dyns })
    }

    fn dyns(&mut self, statics: &StaticsLookup<'_>, depth: usize) -> Result<Vec<Dyn>, Missing> {
        if depth > MAX_DEPTH {
            return Err(CodecError("rendered tree nested too deeply".into()).into());
        }
        let n = self.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(match self.byte()? {
                0 => Dyn::Str(self.str()?.to_string()),
                1 => Dyn::Node(self.rendered(statics, depth + 1)?),
                tag @ (2 | 3) => {
                    let s = statics.get(self.u64_le()?)?;
                    let ni = self.count()?;
                    let mut items = Vec::with_capacity(ni);
                    for _ in 0..ni {
                        let key = match self.byte()? {
                            0 => None,
                            1 => Some(self.str()?.to_string()),
                            b => return Err(CodecError(format!("bad key flag {b}")).into()),
                        };
                        let dyns = self.dyns(statics, depth + 1)?;
                        if dyns.len() + 1 != s.parts.len() {
                            return Err(CodecError(
                                "item dynamics do not match their statics".into(),
                            )
                            .into());
                        }
                        items.push(Item::new(key, dyns));
                    }
                    let mut c = Comprehension::new(s, items);
                    c.statics_held = tag == 3 && c.items.is_empty();
                    Dyn::Comp(c)
                }
                t => return Err(CodecError(format!("unknown dynamic tag {t}")).into()),
            });
        }
        Ok(out)
    }
}

/// Statics by fingerprint, as the loading process knows them.
pub(crate) struct StaticsLookup<'a>(pub(crate) &'a HashMap<u64, Arc<Statics>>);

impl StaticsLookup<'_> {
    fn get(&self, fp: u64) -> Result<Arc<Statics>, Missing> {
        self.0.get(&fp).cloned().ok_or(Missing::Statics(fp))
    }
}

/// Why the client part of a record could not be rebuilt.
#[derive(Debug)]
pub(crate) enum Missing {
    /// This process does not know the statics with that fingerprint.
    Statics(u64),
    /// The record is corrupt.
    Corrupt(CodecError),
}

impl From<CodecError> for Missing {
    fn from(e: CodecError) -> Self {
        Missing::Corrupt(e)
    }
}

/// A decoded record whose client part is still bytes (it needs the
/// template's statics to be rebuilt).
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub(crate) template_name: String,
    pub(crate) template_fingerprint: String,
    pub(crate) nonce: String,
    pub(crate) token: String,
    pub(crate) revoked: Vec<String>,
    pub(crate) data: Value,
    /// The encoded client state (starting at its statics fingerprint), if any.
    pub(crate) client: Option<&'a [u8]>,
}

/// Decodes everything but the client state.
pub(crate) fn decode_head(buf: &[u8]) -> Result<Decoded<'_>, CodecError> {
    let mut r = Reader {
        buf,
        pos: 0,
        types: Vec::new(),
    };
    if r.bytes(4).ok() != Some(&MAGIC[..]) {
        return err("not a LiveTemplate page record (format 1)");
    }
    let template_name = r.str()?.to_string();
    let template_fingerprint = r.str()?.to_string();
    let nonce = r.str()?.to_string();
    let token = r.str()?.to_string();
    let n = r.count()?;
    let mut revoked = Vec::with_capacity(n);
    for _ in 0..n {
        revoked.push(r.str()?.to_string());
    }
    r.types()?;
    let data = r.value(0)?;
    let client = match r.byte()? {
        0 => {
            if r.pos != buf.len() {
                return err("trailing bytes");
            }
            None
        }
        1 => Some(&buf[r.pos..]),
        b => return err(format!("bad client flag {b}")),
    };
    Ok(Decoded {
        template_name,
        template_fingerprint,
        nonce,
        token,
        revoked,
        data,
        client,
    })
}

/// Rebuilds a client state encoded by [`encode_parts`].
pub(crate) fn decode_client(
    buf: &[u8],
    statics: &HashMap<u64, Arc<Statics>>,
) -> Result<Rendered, Missing> {
    let mut r = Reader {
        buf,
        pos: 0,
        types: Vec::new(),
    };
    let out = r.rendered(&StaticsLookup(statics), 0)?;
    if r.pos != buf.len() {
        return Err(CodecError("trailing bytes".into()).into());
    }
    Ok(out)
}

/// Every statics object reachable from `r`, by fingerprint.
pub(crate) fn collect_statics(r: &Rendered, into: &mut HashMap<u64, Arc<Statics>>) {
    into.entry(r.statics.fingerprint)
        .or_insert_with(|| Arc::clone(&r.statics));
    collect_dyns(&r.dyns, into);
}

fn collect_dyns(dyns: &[Dyn], into: &mut HashMap<u64, Arc<Statics>>) {
    for d in dyns {
        match d {
            Dyn::Str(_) => {}
            Dyn::Node(n) => collect_statics(n, into),
            Dyn::Comp(c) => {
                into.entry(c.statics.fingerprint)
                    .or_insert_with(|| Arc::clone(&c.statics));
                for i in &c.items {
                    collect_dyns(&i.dyns, into);
                }
            }
        }
    }
}

/// Decodes a whole record, rebuilding the client state with `statics`.
pub fn decode(buf: &[u8], statics: &HashMap<u64, Arc<Statics>>) -> Result<PageRecord, CodecError> {
    let d = decode_head(buf)?;
    let client = match d.client {
        None => None,
        Some(c) => Some(decode_client(c, statics).map_err(|e| match e {
            Missing::Statics(fp) => CodecError(format!("unknown statics {fp:016x}")),
            Missing::Corrupt(e) => e,
        })?),
    };
    Ok(PageRecord {
        template_name: d.template_name,
        template_fingerprint: d.template_fingerprint,
        nonce: d.nonce,
        token: d.token,
        revoked: d.revoked,
        data: d.data,
        client,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(name: Option<&str>, fields: Vec<(&str, Type)>) -> Arc<StructType> {
        Arc::new(StructType {
            name: name.map(str::to_string),
            fields: fields
                .into_iter()
                .map(|(n, t)| (n.to_string(), t))
                .collect(),
        })
    }

    fn sample() -> Value {
        let inner = st(Some("Inner"), vec![("A", Type::Uint)]);
        let outer = st(
            Some("Outer"),
            vec![
                ("In", Type::Struct(Arc::clone(&inner))),
                ("P", Type::Ptr(Arc::new(Type::Struct(Arc::clone(&inner))))),
                ("L", Type::Slice(Arc::new(Type::Struct(Arc::clone(&inner))))),
            ],
        );
        let in_v = |n| {
            Value::Struct(Arc::new(StructValue {
                ty: Arc::clone(&inner),
                fields: vec![Value::Uint(n)],
            }))
        };
        let o = Value::Struct(Arc::new(StructValue {
            ty: outer,
            fields: vec![
                in_v(1),
                Value::NilPtr(Type::Struct(Arc::clone(&inner))),
                Value::Slice(Arc::new(SliceValue {
                    elem: Type::Struct(Arc::clone(&inner)),
                    items: vec![in_v(u64::MAX), in_v(0)],
                })),
            ],
        }));
        let m = Value::Map(Arc::new(MapValue {
            key: Type::String,
            elem: Type::Any,
            entries: vec![
                (Value::str("a"), Value::Int(i64::MIN)),
                (Value::str("b"), Value::Int(-1)),
                (Value::str("c"), Value::Float(f64::NAN)),
                (Value::str("d"), Value::Float(-0.0)),
                (Value::str("e"), Value::Float(f64::NEG_INFINITY)),
                (
                    Value::str("f"),
                    Value::Safe(SafeKind::Srcset, "x 1x".into()),
                ),
                (Value::str("g"), Value::Ptr(Arc::new(Value::Int(i64::MAX)))),
                (Value::str("h"), Value::Nil),
                (Value::str("i"), Value::Bool(true)),
                (Value::str("ia"), Value::Complex(-1.5, f64::INFINITY)),
                (Value::str("ib"), Value::NilPtr(Type::Complex)),
                (
                    Value::str("j"),
                    Value::Map(Arc::new(MapValue {
                        key: Type::Int,
                        elem: Type::Safe(SafeKind::JsStr),
                        entries: vec![],
                    })),
                ),
                (Value::str("k"), o),
                (
                    Value::str("l"),
                    Value::NilPtr(Type::Map(Arc::new(Type::Uint), Arc::new(Type::Any))),
                ),
            ],
        }));
        Value::Slice(Arc::new(SliceValue {
            elem: Type::Any,
            items: vec![m, Value::str("ünï"), Value::Uint(7), Value::Int(7)],
        }))
    }

    /// Structural equality that also treats NaN as equal to NaN (bitwise floats).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Slice(x), Value::Slice(y)) => {
                x.elem == y.elem
                    && x.items.len() == y.items.len()
                    && x.items.iter().zip(&y.items).all(|(a, b)| same(a, b))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.key == y.key
                    && x.elem == y.elem
                    && x.entries.len() == y.entries.len()
                    && x.entries
                        .iter()
                        .zip(&y.entries)
                        .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
            }
            (Value::Struct(x), Value::Struct(y)) => {
                x.ty == y.ty && x.fields.iter().zip(&y.fields).all(|(a, b)| same(a, b))
            }
            (Value::Ptr(x), Value::Ptr(y)) => same(x, y),
            _ => a == b,
        }
    }

    fn record(data: Value, client: Option<Rendered>) -> PageRecord {
        PageRecord {
            template_name: "t".into(),
            template_fingerprint: "ab".repeat(32),
            nonce: "n".into(),
            token: "tok".into(),
            revoked: vec!["old1".into(), "old2".into()],
            data,
            client,
        }
    }

    #[test]
    fn values_round_trip_exactly() {
        let v = sample();
        let bytes = encode(&record(v.clone(), None)).unwrap();
        let back = decode(&bytes, &HashMap::new()).unwrap();
        assert!(same(&back.data, &v), "{:?}\n!=\n{v:?}", back.data);
        assert_eq!(back.revoked, ["old1", "old2"]);
        // %T and printing agree too.
        assert_eq!(
            format!("{}", back.data.type_of()),
            format!("{}", v.type_of())
        );
    }

    #[test]
    fn struct_types_are_interned() {
        let ty = st(Some("Row"), vec![("N", Type::Int)]);
        let rows: Vec<Value> = (0..100)
            .map(|i| {
                // A distinct but equal type per row, as serde conversion makes.
                Value::Struct(Arc::new(StructValue {
                    ty: Arc::new((*ty).clone()),
                    fields: vec![Value::Int(i)],
                }))
            })
            .collect();
        let v = Value::Slice(Arc::new(SliceValue {
            elem: Type::Struct(Arc::clone(&ty)),
            items: rows,
        }));
        let bytes = encode(&record(v.clone(), None)).unwrap();
        // About 5 bytes per row: the type is written once, not per row.
        assert!(bytes.len() < 700, "{} bytes", bytes.len());
        let back = decode(&bytes, &HashMap::new()).unwrap().data;
        assert_eq!(back, v);
        let Value::Slice(s) = &back else { panic!() };
        let (Value::Struct(a), Value::Struct(b)) = (&s.items[0], &s.items[99]) else {
            panic!()
        };
        assert!(Arc::ptr_eq(&a.ty, &b.ty));
    }

    #[test]
    fn rendered_round_trips_through_fingerprints() {
        let root = Statics::new(vec!["<ul>".into(), "</ul><p>".into(), "</p>".into()], 1);
        let item = Statics::new(vec!["<li>".into(), "</li>".into()], 2);
        let leaf = Statics::new(vec!["<b>".into(), "</b>".into()], 3);
        let r = Rendered {
            statics: Arc::clone(&root),
            dyns: vec![
                Dyn::Comp(Comprehension::new(
                    Arc::clone(&item),
                    vec![
                        Item::new(Some("k1".into()), vec![Dyn::Str("a".into())]),
                        Item::new(None, vec![Dyn::Str("b".into())]),
                    ],
                )),
                Dyn::Node(Rendered {
                    statics: Arc::clone(&leaf),
                    dyns: vec![Dyn::Str("x".into())],
                }),
            ],
        };
        let mut table = HashMap::new();
        collect_statics(&r, &mut table);
        assert_eq!(table.len(), 3);
        let bytes = encode(&record(Value::Nil, Some(r.clone()))).unwrap();
        let back = decode(&bytes, &table).unwrap();
        assert_eq!(back.client.as_ref(), Some(&r));
        assert!(Arc::ptr_eq(&back.client.unwrap().statics, &root));
        // Without the statics the client part cannot be rebuilt.
        table.remove(&leaf.fingerprint);
        let e = decode(&bytes, &table).unwrap_err();
        assert!(e.0.contains("unknown statics"), "{e}");
    }

    #[test]
    fn held_statics_of_empty_comprehensions_round_trip() {
        let root = Statics::new(vec!["<ul>".into(), "</ul>".into(), "".into()], 1);
        let item = Statics::new(vec!["<li>".into(), "</li>".into()], 2);
        let mut held = Comprehension::new(Arc::clone(&item), Vec::new());
        held.statics_held = true;
        let r = Rendered {
            statics: Arc::clone(&root),
            dyns: vec![
                Dyn::Comp(held),
                Dyn::Comp(Comprehension::new(Arc::clone(&item), Vec::new())),
            ],
        };
        let mut table = HashMap::new();
        collect_statics(&r, &mut table);
        let bytes = encode(&record(Value::Nil, Some(r))).unwrap();
        let back = decode(&bytes, &table).unwrap().client.unwrap();
        let flags: Vec<bool> = back
            .dyns
            .iter()
            .map(|d| matches!(d, Dyn::Comp(c) if c.statics_held))
            .collect();
        assert_eq!(flags, [true, false]);
    }

    #[test]
    fn corrupt_records_are_errors_not_panics() {
        let bytes = encode(&record(sample(), None)).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], &HashMap::new()).is_err(), "cut {cut}");
        }
        // Flip every byte: never a panic.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            let _ = decode(&b, &HashMap::new());
        }
        // Deep nesting is bounded.
        let mut deep = Vec::from(&MAGIC[..]);
        // Four empty strings, no revoked nonces, no struct types.
        deep.extend_from_slice(&[0, 0, 0, 0, 0, 0]);

        deep.extend(std::iter::repeat_n(V_PTR, 100_000));
        deep.push(V_NIL);
        deep.push(0);
        let e = decode(&deep, &HashMap::new()).unwrap_err();
        assert!(e.0.contains("too deeply"), "{e}");
        // Huge counts do not allocate.
        let mut huge = Vec::from(&MAGIC[..]);
        put_uvarint(&mut huge, u64::MAX);
        assert!(decode(&huge, &HashMap::new()).is_err());
    }
}
