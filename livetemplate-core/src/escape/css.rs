//! CSS escapers and helpers (Go's `css.go`).

use super::attr::ContentType;
use super::content::stringify;
use crate::value::Value;

/// Whether `b` ends with the CSS keyword `kw` (case-insensitive), not
/// preceded by a name character.
pub(crate) fn ends_with_css_keyword(b: &[u8], kw: &str) -> bool {
    if b.len() < kw.len() {
        return false;
    }
    let i = b.len() - kw.len();
    if i != 0 {
        let before = String::from_utf8_lossy(&b[..i]);
        if let Some(r) = before.chars().next_back() {
            if is_css_nmchar(r) {
                return false;
            }
        }
    }
    b[i..].eq_ignore_ascii_case(kw.as_bytes())
}

fn is_css_nmchar(r: char) -> bool {
    let r = r as u32;
    matches!(r, 0x61..=0x7a | 0x41..=0x5a | 0x30..=0x39 | 0x80..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff)
        || r == '-' as u32
        || r == '_' as u32
}

pub(crate) fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

fn is_css_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// Decodes CSS escapes (`\41 `, `\"`) in `s`.
pub(crate) fn decode_css(s: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !s.contains(&b'\\') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut b = Vec::with_capacity(s.len());
    let mut s = s;
    while !s.is_empty() {
        let i = s.iter().position(|&c| c == b'\\').unwrap_or(s.len());
        b.extend_from_slice(&s[..i]);
        s = &s[i..];
        if s.len() < 2 {
            break;
        }
        if is_hex(s[1]) {
            let mut j = 2;
            while j < s.len() && j < 7 && is_hex(s[j]) {
                j += 1;
            }
            let mut r: u32 = 0;
            for &c in &s[1..j] {
                r = (r << 4) | (c as char).to_digit(16).unwrap_or(0);
            }
            if r > 0x10ffff {
                r /= 16;
                j -= 1;
            }
            let ch = char::from_u32(r).unwrap_or('\u{fffd}');
            let mut buf = [0u8; 4];
            b.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            s = skip_css_space(&s[j..]);
        } else {
            let n = super::error::decode_rune(&s[1..])
                .map(|(_, w)| w)
                .unwrap_or(1);
            b.extend_from_slice(&s[1..1 + n]);
            s = &s[1 + n..];
        }
    }
    std::borrow::Cow::Owned(b)
}

fn skip_css_space(c: &[u8]) -> &[u8] {
    match c.first() {
        Some(b'\t' | b'\n' | 0x0c | b' ') => &c[1..],
        Some(b'\r') => {
            if c.get(1) == Some(&b'\n') {
                &c[2..]
            } else {
                &c[1..]
            }
        }
        _ => c,
    }
}

fn css_repl(c: u8) -> Option<&'static str> {
    Some(match c {
        0 => "\\0",
        b'\t' => "\\9",
        b'\n' => "\\a",
        0x0c => "\\c",
        b'\r' => "\\d",
        b'"' => "\\22",
        b'&' => "\\26",
        b'\'' => "\\27",
        b'(' => "\\28",
        b')' => "\\29",
        b'+' => "\\2b",
        b'/' => "\\2f",
        b':' => "\\3a",
        b';' => "\\3b",
        b'<' => "\\3c",
        b'>' => "\\3e",
        b'\\' => "\\\\",
        b'{' => "\\7b",
        b'}' => "\\7d",
        _ => return None,
    })
}

/// `_html_template_cssescaper` on a string.
pub(crate) fn css_escape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut written = 0;
    for (i, &c) in b.iter().enumerate() {
        let Some(rep) = (if c < 0x80 { css_repl(c) } else { None }) else {
            continue;
        };
        if written == 0 {
            out.reserve(s.len() + 8);
        }
        out.push_str(&s[written..i]);
        out.push_str(rep);
        written = i + 1;
        if rep != "\\\\" && (written == b.len() || is_hex(b[written]) || is_css_space(b[written])) {
            out.push(' ');
        }
    }
    if written == 0 {
        return s.to_string();
    }
    out.push_str(&s[written..]);
    out
}

/// `_html_template_cssvaluefilter` on a stringified value.
pub(crate) fn css_value_filter_str(s: &str, t: ContentType) -> String {
    if t == ContentType::Css {
        return s.to_string();
    }
    let b = decode_css(s.as_bytes());
    let mut id = Vec::with_capacity(64);
    for (i, &c) in b.iter().enumerate() {
        match c {
            0 | b'"' | b'\'' | b'(' | b')' | b'/' | b';' | b'@' | b'[' | b'\\' | b']' | b'`'
            | b'{' | b'}' => return super::FILTER_FAILSAFE.to_string(),
            b'-' => {
                if i != 0 && b[i - 1] == b'-' {
                    return super::FILTER_FAILSAFE.to_string();
                }
            }
            _ => {
                if c < 0x80 && is_css_nmchar(c as char) {
                    id.push(c.to_ascii_lowercase());
                }
            }
        }
    }
    let has = |pat: &[u8]| id.windows(pat.len()).any(|w| w == pat);
    if has(b"expression") || has(b"mozbinding") {
        return super::FILTER_FAILSAFE.to_string();
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// `_html_template_cssescaper`.
pub fn css_escaper(v: &Value) -> String {
    css_escape(&stringify(v).0)
}

/// `_html_template_cssvaluefilter`.
pub fn css_value_filter(v: &Value) -> String {
    let (s, t) = stringify(v);
    css_value_filter_str(&s, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode() {
        assert_eq!(&*decode_css(b"\\41 b"), b"Ab");
        assert_eq!(&*decode_css(b"a\\\"b"), b"a\"b");
    }
}
