//! text/template's `html`, `js` and `urlquery` escapers (Go's
//! `HTMLEscapeString`, `JSEscapeString` and `url.QueryEscape`).
//!
//! These are the *text/template* escapers; html/template's contextual
//! escapers (which differ, e.g. `+` → `&#43;`) live in [`crate::escape`].

use crate::gofmt::quote::is_print;

/// Go's `template.HTMLEscapeString`: `<`, `>`, `&`, `'`, `"` become entities
/// and NUL becomes U+FFFD.
pub fn html_escape(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            0 => "\u{FFFD}",
            b'"' => "&#34;",
            b'\'' => "&#39;",
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Go's `template.JSEscapeString`: escapes quotes, backslash, `<>&=`, control
/// characters and non-printable runes for use in JavaScript strings.
pub fn js_escape(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let special =
            matches!(c, '\\' | '\'' | '"' | '<' | '>' | '&' | '=') || c < ' ' || !c.is_ascii();
        if !special {
            continue;
        }
        out.push_str(&s[last..i]);
        last = i + c.len_utf8();
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c.is_ascii() => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            c if is_print(c) => out.push(c),
            c => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out.push_str(&s[last..]);
}

/// Go's `url.QueryEscape`: unreserved bytes are kept, space becomes `+` and
/// every other byte `%XX` (upper-case hex).
pub fn url_query_escape(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            continue;
        }
        // The run before `i` is ASCII only, so it is valid UTF-8.
        out.push_str(std::str::from_utf8(&bytes[last..i]).unwrap_or_default());
        last = i + 1;
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out.push_str(std::str::from_utf8(&bytes[last..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&mut String, &str), s: &str) -> String {
        let mut out = String::new();
        f(&mut out, s);
        out
    }

    #[test]
    fn html() {
        assert_eq!(
            run(html_escape, "<a href='x'>&\"\0</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&#34;\u{FFFD}&lt;/a&gt;"
        );
        assert_eq!(run(html_escape, "plain é"), "plain é");
    }

    #[test]
    fn js() {
        // From Go's TestJSEscaping.
        assert_eq!(run(js_escape, "a"), "a");
        assert_eq!(run(js_escape, "'foo"), "\\'foo");
        assert_eq!(run(js_escape, "Go \"jump\" \\"), "Go \\\"jump\\\" \\\\");
        assert_eq!(
            run(js_escape, "Yukihiro says \"今日は世界\""),
            "Yukihiro says \\\"今日は世界\\\""
        );
        assert_eq!(
            run(js_escape, "unprintable \u{FDFF}"),
            "unprintable \\uFDFF"
        );
        assert_eq!(run(js_escape, "<html>"), "\\u003Chtml\\u003E");
        assert_eq!(
            run(js_escape, "no = in attributes"),
            "no \\u003D in attributes"
        );
        assert_eq!(
            run(js_escape, "&#x27; does not become HTML entity"),
            "\\u0026#x27; does not become HTML entity"
        );
        assert_eq!(run(js_escape, "\t\u{1}"), "\\u0009\\u0001");
    }

    #[test]
    fn urlquery() {
        assert_eq!(
            run(url_query_escape, "a b&c=d/é~-_."),
            "a+b%26c%3Dd%2F%C3%A9~-_."
        );
    }
}
