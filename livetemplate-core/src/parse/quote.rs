//! Go's string quoting and unquoting rules (`strconv.Quote`, `Unquote`,
//! `UnquoteChar`), as far as the template parser needs them.

pub use crate::lex::unicode::is_print;

/// Go's `strconv.Quote`: a double-quoted Go string literal.
pub fn go_quote(s: &str) -> String {
    crate::gofmt::quote::quote(s)
}

/// Go's `%.Nq` of a string: the first `n` runes quoted.
pub fn go_quote_prefix(s: &str, n: usize) -> String {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    go_quote(&s[..end])
}

/// Go's `strconv.ErrSyntax` message.
pub const INVALID_SYNTAX: &str = "invalid syntax";

/// One decoded character: its value and whether it is a raw byte (`\x`, octal)
/// rather than a rune.
struct Unquoted {
    value: u32,
    multibyte: bool,
}

/// Go's `strconv.UnquoteChar`: decodes the first character of `s`, returning
/// it and the rest.
fn unquote_char(s: &str, quote: u8) -> Result<(Unquoted, &str), &'static str> {
    let bytes = s.as_bytes();
    let Some(&c) = bytes.first() else {
        return Err(INVALID_SYNTAX);
    };
    if c == quote && (quote == b'\'' || quote == b'"') {
        return Err(INVALID_SYNTAX);
    }
    if c >= 0x80 {
        let ch = s.chars().next().ok_or(INVALID_SYNTAX)?;
        return Ok((
            Unquoted {
                value: ch as u32,
                multibyte: true,
            },
            &s[ch.len_utf8()..],
        ));
    }
    if c != b'\\' {
        return Ok((
            Unquoted {
                value: c as u32,
                multibyte: false,
            },
            &s[1..],
        ));
    }
    let Some(&e) = bytes.get(1).filter(|e| e.is_ascii()) else {
        return Err(INVALID_SYNTAX);
    };
    let mut rest = &s[2..];
    let simple = |v: u32| Unquoted {
        value: v,
        multibyte: false,
    };
    let value = match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(10),
        b'r' => simple(13),
        b't' => simple(9),
        b'v' => simple(11),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.as_bytes().get(..n).ok_or(INVALID_SYNTAX)?;
            let mut v: u32 = 0;
            for &d in digits {
                let x = (d as char).to_digit(16).ok_or(INVALID_SYNTAX)?;
                v = v << 4 | x;
            }
            rest = &rest[n..];
            if e == b'x' {
                simple(v)
            } else {
                if char::from_u32(v).is_none() {
                    return Err(INVALID_SYNTAX);
                }
                Unquoted {
                    value: v,
                    multibyte: true,
                }
            }
        }
        b'0'..=b'7' => {
            let mut v = (e - b'0') as u32;
            let digits = rest.as_bytes().get(..2).ok_or(INVALID_SYNTAX)?;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(INVALID_SYNTAX);
                }
                v = v << 3 | (d - b'0') as u32;
            }
            rest = &rest[2..];
            if v > 255 {
                return Err(INVALID_SYNTAX);
            }
            simple(v)
        }
        b'\\' => simple(b'\\' as u32),
        b'\'' | b'"' => {
            if e != quote {
                return Err(INVALID_SYNTAX);
            }
            simple(e as u32)
        }
        _ => return Err(INVALID_SYNTAX),
    };
    Ok((value, rest))
}

/// Go's `strconv.Unquote` for a double-quoted or back-quoted literal
/// (including the quotes). Bytes that do not form UTF-8 (from `\x` or octal
/// escapes) are replaced by U+FFFD, since the result is a Rust `String`.
pub fn unquote(lit: &str) -> Result<String, &'static str> {
    let b = lit.as_bytes();
    if b.len() < 2 || b[0] != b[b.len() - 1] {
        return Err(INVALID_SYNTAX);
    }
    let inner = &lit[1..lit.len() - 1];
    match b[0] {
        b'`' => {
            if inner.contains('`') {
                return Err(INVALID_SYNTAX);
            }
            Ok(inner.replace('\r', ""))
        }
        b'"' => {
            if inner.contains('\n') {
                return Err(INVALID_SYNTAX);
            }
            if !inner.contains(['\\', '"']) {
                return Ok(inner.to_string());
            }
            let mut out: Vec<u8> = Vec::with_capacity(inner.len());
            let mut s = inner;
            while !s.is_empty() {
                let (u, rest) = unquote_char(s, b'"')?;
                s = rest;
                if u.value < 0x80 || !u.multibyte {
                    out.push(u.value as u8);
                } else {
                    let ch = char::from_u32(u.value).unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
            }
            Ok(match String::from_utf8(out) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// Decodes a character constant such as `'a'` or `'\n'` to its rune value,
/// with Go's template parser errors.
pub fn unquote_char_constant(lit: &str) -> Result<u32, String> {
    let q = lit.as_bytes().first().copied().unwrap_or(b'\'');
    let (u, tail) = unquote_char(lit.get(1..).unwrap_or(""), q).map_err(str::to_string)?;
    if tail != "'" {
        return Err(format!("malformed character constant: {lit}"));
    }
    Ok(u.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(
            go_quote("a\"b\\c\n\t\u{1}\u{7f}é"),
            r#""a\"b\\c\n\t\x01\x7fé""#
        );
        assert_eq!(go_quote_prefix("abcdefghijklmnop", 10), r#""abcdefghij""#);
    }

    #[test]
    fn unquote_like_go() {
        assert_eq!(unquote(r#""a\tb\u00e9\x41\101""#).unwrap(), "a\tbéAA");
        assert_eq!(unquote("`a\r\\nb`").unwrap(), "a\\nb");
        assert_eq!(unquote(r#""\q""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote(r#""\'""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote(r#""\400""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote(r#""\uD800""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote("\"\\ൕ\""), Err(INVALID_SYNTAX));
    }

    #[test]
    fn char_constants() {
        assert_eq!(unquote_char_constant("'a'"), Ok(97));
        assert_eq!(unquote_char_constant(r"'\n'"), Ok(10));
        assert_eq!(unquote_char_constant(r"'\xff'"), Ok(255));
        assert_eq!(unquote_char_constant("'é'"), Ok(233));
        assert_eq!(
            unquote_char_constant("'ab'").unwrap_err(),
            "malformed character constant: 'ab'"
        );
        assert_eq!(unquote_char_constant("''").unwrap_err(), "invalid syntax");
        assert_eq!(
            unquote_char_constant(r#"'\"'"#).unwrap_err(),
            "invalid syntax"
        );
    }
}
