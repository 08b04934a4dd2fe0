//! JavaScript escapers: values as JSON-like JS literals, JS string and
//! regexp bodies (Go's `js.go`), and the JS slash context.

use std::fmt::Write;

use super::attr::ContentType;
use super::content::{indirect, stringify};
use super::context::JsCtx;
use crate::value::{SafeKind, Type, Value};

/// The JS context after `s`, given the context before it: whether a
/// following `/` starts a regexp or is a division.
pub(crate) fn next_js_ctx(s: &[u8], preceding: JsCtx) -> JsCtx {
    // Trim trailing JS white space, including U+2028 and U+2029.
    let mut s = s;
    loop {
        match s.last() {
            Some(b'\t' | b'\n' | 0x0c | b'\r' | b' ') => s = &s[..s.len() - 1],
            Some(0xa8 | 0xa9)
                if s.len() >= 3 && s[s.len() - 3] == 0xe2 && s[s.len() - 2] == 0x80 =>
            {
                s = &s[..s.len() - 3]
            }
            _ => break,
        }
    }
    let n = s.len();
    if n == 0 {
        return preceding;
    }
    let c = s[n - 1];
    match c {
        b'+' | b'-' => {
            let mut start = n - 1;
            while start > 0 && s[start - 1] == c {
                start -= 1;
            }
            if (n - start) & 1 == 1 {
                JsCtx::Regexp
            } else {
                JsCtx::DivOp
            }
        }
        b'.' => {
            if n != 1 && s[n - 2].is_ascii_digit() {
                JsCtx::DivOp
            } else {
                JsCtx::Regexp
            }
        }
        b',' | b'<' | b'>' | b'=' | b'*' | b'%' | b'&' | b'|' | b'^' | b'?' | b'!' | b'~'
        | b'(' | b'[' | b':' | b';' | b'{' | b'}' => JsCtx::Regexp,
        _ => {
            let mut j = n;
            while j > 0 && is_js_ident_part(s[j - 1] as char) {
                j -= 1;
            }
            match &s[j..] {
                b"break" | b"case" | b"continue" | b"delete" | b"do" | b"else" | b"finally"
                | b"in" | b"instanceof" | b"return" | b"throw" | b"try" | b"typeof" | b"void" => {
                    JsCtx::Regexp
                }
                _ => JsCtx::DivOp,
            }
        }
    }
}

/// Whether `c` can be part of a JS identifier (ASCII only, like Go).
pub(crate) fn is_js_ident_part(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphanumeric()
}

/// Whether a script `type` attribute value names JavaScript (or JSON).
pub(crate) fn is_js_type(mime: &str) -> bool {
    let mime = mime.split(';').next().unwrap_or("");
    let mime = mime.to_lowercase();
    matches!(
        mime.trim(),
        "application/ecmascript"
            | "application/javascript"
            | "application/json"
            | "application/ld+json"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "module"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

/// `_html_template_jsvalescaper`: the value as a JS expression (JSON, with
/// `template.JS` passed through and `template.JSStr` quoted).
pub fn js_val_escaper(v: &Value) -> String {
    let mut out = String::new();
    js_val_escaper_into(&mut out, v);
    out
}

/// [`js_val_escaper`] appending to `out`.
pub(crate) fn js_val_escaper_into(out: &mut String, v: &Value) {
    match indirect(v) {
        Value::Safe(SafeKind::Js, s) => return out.push_str(s),
        Value::Safe(SafeKind::JsStr, s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
            return;
        }
        _ => {}
    }
    let start = out.len();
    if let Err(e) = json(indirect(v), out) {
        out.truncate(start);
        out.push_str(" /* ");
        out.push_str(&e.replace("*/", "* /"));
        out.push_str(" */null ");
        return;
    }
    let b = &out[start..];
    if b.is_empty() {
        out.push_str(" null ");
        return;
    }
    let first = b.chars().next().unwrap_or(' ');
    let last = b.chars().next_back().unwrap_or(' ');
    if is_js_ident_part(first) || is_js_ident_part(last) {
        out.insert(start, ' ');
        out.push(' ');
    }
}

/// Go's `json.Marshal` of a value (HTML-safe string escaping).
fn json(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Nil | Value::NilPtr(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(format!(
                    "json: unsupported value: {}",
                    format_float(*f, b'g')
                ));
            }
            out.push_str(&format_float(*f, b'j'));
        }
        Value::Complex(..) => return Err("json: unsupported type: complex128".into()),
        Value::String(s) | Value::Safe(_, s) => json_string(s, out),
        Value::Ptr(p) => json(p, out)?,
        Value::Slice(s) => {
            out.push('[');
            for (i, x) in s.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(x, out)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            let mut keys = Vec::with_capacity(m.entries.len());
            for (k, x) in &m.entries {
                let ks = match indirect(k) {
                    Value::String(s) | Value::Safe(_, s) => s.to_string(),
                    Value::Int(i) => i.to_string(),
                    Value::Uint(u) => u.to_string(),
                    _ => {
                        return Err(format!(
                            "json: unsupported type: map[{}]{}",
                            go_type_name(&m.key),
                            go_type_name(&m.elem)
                        ));
                    }
                };
                keys.push((ks, x));
            }
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, x)) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(&k, out);
                out.push(':');
                json(x, out)?;
            }
            out.push('}');
        }
        Value::Struct(s) => {
            out.push('{');
            let mut first = true;
            for ((name, _), x) in s.ty.fields.iter().zip(s.fields.iter()) {
                if !name.starts_with(|c: char| c.is_uppercase()) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                json_string(name, out);
                out.push(':');
                json(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Go's name for a type, as `%T` prints it (enough for error messages).
fn go_type_name(t: &Type) -> String {
    match t {
        Type::Any => "interface {}".into(),
        Type::Bool => "bool".into(),
        Type::Int => "int".into(),
        Type::Uint => "uint".into(),
        Type::Float => "float64".into(),
        Type::Complex => "complex128".into(),
        Type::String => "string".into(),
        Type::Safe(k) => format!(
            "template.{}",
            match k {
                SafeKind::Html => "HTML",
                SafeKind::Css => "CSS",
                SafeKind::Js => "JS",
                SafeKind::JsStr => "JSStr",
                SafeKind::Url => "URL",
                SafeKind::HtmlAttr => "HTMLAttr",
                SafeKind::Srcset => "Srcset",
            }
        ),
        Type::Slice(e) => format!("[]{}", go_type_name(e)),
        Type::Map(k, e) => format!("map[{}]{}", go_type_name(k), go_type_name(e)),
        Type::Struct(s) => s.name.clone().unwrap_or_else(|| "struct {...}".into()),
        Type::Ptr(e) => format!("*{}", go_type_name(e)),
    }
}

/// A JSON string literal as Go's encoder writes it (`<`, `>`, `&`, U+2028
/// and U+2029 escaped).
fn json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let rep: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f | b'<' | b'>' | b'&' => None,
            0xe2 if bytes[i..].starts_with("\u{2028}".as_bytes()) => Some("\\u2028"),
            0xe2 if bytes[i..].starts_with("\u{2029}".as_bytes()) => Some("\\u2029"),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        match rep {
            Some(r) => {
                out.push_str(r);
                i += if r.starts_with("\\u2") { 3 } else { 1 };
            }
            None => {
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
                i += 1;
            }
        }
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Formats a float like Go: `b'g'` is `%v` (strconv 'g', shortest), `b'j'`
/// is encoding/json's format.
pub(crate) fn format_float(f: f64, mode: u8) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let use_exp = match mode {
        b'j' => f.abs() < 1e-6 || f.abs() >= 1e21,
        _ => !(-4..6).contains(&exp),
    };
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    if use_exp {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let a = exp.unsigned_abs();
        if mode == b'j' && exp < 0 {
            let _ = write!(out, "{a}");
        } else {
            let _ = write!(out, "{a:02}");
        }
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(&digits);
    }
    out
}

/// Replaces code points by the JS escape sequences in `table` (Go's `replace`).
fn replace(s: &str, table: fn(u8) -> Option<&'static str>) -> String {
    let mut out = String::new();
    if replace_into(&mut out, s, table) {
        out
    } else {
        s.to_string()
    }
}

/// Writes `s` with the replacements of `table` onto `out`; when nothing
/// needs replacing, writes nothing and returns `false`.
fn replace_into(out: &mut String, s: &str, table: fn(u8) -> Option<&'static str>) -> bool {
    let b = s.as_bytes();
    let mut written = 0;
    let mut any = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (rep, w): (Option<&str>, usize) = if c < 0x20 {
            (Some(LOW[c as usize]), 1)
        } else if c < 0x80 {
            (table(c), 1)
        } else if c == 0xe2 && b[i..].starts_with("\u{2028}".as_bytes()) {
            (Some("\\u2028"), 3)
        } else if c == 0xe2 && b[i..].starts_with("\u{2029}".as_bytes()) {
            (Some("\\u2029"), 3)
        } else {
            (None, 1)
        };
        if let Some(r) = rep {
            if !any {
                out.reserve(s.len() + 8);
                any = true;
            }
            out.push_str(&s[written..i]);
            out.push_str(r);
            written = i + w;
        }
        i += w;
    }
    if any {
        out.push_str(&s[written..]);
    }
    any
}

/// `_html_template_jsstrescaper` on a stringified value, appended to `out`.
pub(crate) fn js_str_escape_into(out: &mut String, s: &str, t: ContentType) {
    let table = if t == ContentType::JsStr {
        js_str_norm_table
    } else {
        js_str_table
    };
    if !replace_into(out, s, table) {
        out.push_str(s);
    }
}

const LOW: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
    "\\u0008", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011",
    "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
    "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
];

fn js_str_table(c: u8) -> Option<&'static str> {
    Some(match c {
        b'"' => "\\u0022",
        b'`' => "\\u0060",
        b'&' => "\\u0026",
        b'\'' => "\\u0027",
        b'+' => "\\u002b",
        b'/' => "\\/",
        b'<' => "\\u003c",
        b'>' => "\\u003e",
        b'\\' => "\\\\",
        _ => return None,
    })
}

fn js_str_norm_table(c: u8) -> Option<&'static str> {
    if c == b'\\' { None } else { js_str_table(c) }
}

fn js_regexp_table(c: u8) -> Option<&'static str> {
    Some(match c {
        b'"' => "\\u0022",
        b'$' => "\\$",
        b'&' => "\\u0026",
        b'\'' => "\\u0027",
        b'(' => "\\(",
        b')' => "\\)",
        b'*' => "\\*",
        b'+' => "\\u002b",
        b'-' => "\\-",
        b'.' => "\\.",
        b'/' => "\\/",
        b'<' => "\\u003c",
        b'>' => "\\u003e",
        b'?' => "\\?",
        b'[' => "\\[",
        b'\\' => "\\\\",
        b']' => "\\]",
        b'^' => "\\^",
        b'{' => "\\{",
        b'|' => "\\|",
        b'}' => "\\}",
        _ => return None,
    })
}

/// `_html_template_jsstrescaper` on a stringified value.
pub(crate) fn js_str_escape(s: &str, t: ContentType) -> String {
    if t == ContentType::JsStr {
        replace(s, js_str_norm_table)
    } else {
        replace(s, js_str_table)
    }
}

/// `_html_template_jsregexpescaper` on a string.
pub(crate) fn js_regexp_escape(s: &str) -> String {
    let r = replace(s, js_regexp_table);
    if r.is_empty() { "(?:)".to_string() } else { r }
}

/// `_html_template_jsstrescaper`.
pub fn js_str_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    js_str_escape(&s, t)
}

/// `_html_template_jsregexpescaper`.
pub fn js_regexp_escaper(v: &Value) -> String {
    js_regexp_escape(&stringify(v).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        assert_eq!(format_float(1e6, b'g'), "1e+06");
        assert_eq!(format_float(123456.0, b'g'), "123456");
        assert_eq!(format_float(1e-5, b'g'), "1e-05");
        assert_eq!(format_float(0.0001, b'g'), "0.0001");
        assert_eq!(format_float(1e6, b'j'), "1000000");
        assert_eq!(format_float(1e20, b'j'), "100000000000000000000");
        assert_eq!(format_float(1e21, b'j'), "1e+21");
        assert_eq!(format_float(1.5e-7, b'j'), "1.5e-7");
        assert_eq!(format_float(-0.5, b'j'), "-0.5");
        assert_eq!(format_float(1e-5, b'j'), "0.00001");
    }

    #[test]
    fn js_ctx() {
        assert_eq!(next_js_ctx(b"x", JsCtx::Regexp), JsCtx::DivOp);
        assert_eq!(next_js_ctx(b"x = ", JsCtx::DivOp), JsCtx::Regexp);
        assert_eq!(next_js_ctx(b"return", JsCtx::DivOp), JsCtx::Regexp);
        assert_eq!(next_js_ctx(b"x++", JsCtx::Regexp), JsCtx::DivOp);
        assert_eq!(next_js_ctx(b"x+", JsCtx::DivOp), JsCtx::Regexp);
        assert_eq!(next_js_ctx(b"1.", JsCtx::Regexp), JsCtx::DivOp);
        assert_eq!(next_js_ctx(b"  ", JsCtx::Unknown), JsCtx::Unknown);
    }
}
