//! Go's `strconv.Quote` family and `strconv.IsPrint`.

pub use crate::lex::unicode::is_print;

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_escaped(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let r = c as u32;
            if r < 0x20 || r == 0x7f {
                out.push_str("\\x");
                out.push(HEX[(r >> 4) as usize] as char);
                out.push(HEX[(r & 0xf) as usize] as char);
            } else if r < 0x10000 {
                out.push_str("\\u");
                for s in (0..4).rev() {
                    out.push(HEX[((r >> (4 * s)) & 0xf) as usize] as char);
                }
            } else {
                out.push_str("\\U");
                for s in (0..8).rev() {
                    out.push(HEX[((r >> (4 * s)) & 0xf) as usize] as char);
                }
            }
        }
    }
}

/// Appends Go's `strconv.Quote(s)` (or `QuoteToASCII` when `ascii_only`).
pub fn quote_into(out: &mut String, s: &str, ascii_only: bool) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(out, c, '"', ascii_only);
    }
    out.push('"');
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    quote_into(&mut out, s, false);
    out
}

/// Appends Go's `strconv.QuoteRune(r)` (or `QuoteRuneToASCII`).
pub fn quote_rune_into(out: &mut String, c: char, ascii_only: bool) {
    out.push('\'');
    push_escaped(out, c, '\'', ascii_only);
    out.push('\'');
}

/// Go's `strconv.CanBackquote`: a single-line string without control
/// characters other than tab, without a backquote or U+FEFF.
pub fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        let r = c as u32;
        !((r < 0x20 && c != '\t') || r == 0x7f || c == '`' || c == '\u{feff}')
    })
}
