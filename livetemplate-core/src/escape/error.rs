//! Escape errors, worded and located like html/template's `*Error`.

/// An error found by the escaping pass, before it is given its final
/// `html/template:...` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EscapeError {
    /// `NAME:LINE:COL` of the node the error is about, when there is one.
    pub location: Option<String>,
    /// A line number, used when there is no location (Go's `Error.Line`).
    pub line: Option<usize>,
    /// The description (`{{if}} branches end in different contexts: ...`).
    pub description: String,
}

impl EscapeError {
    /// An error not tied to a node (it is reported against the entry template).
    pub fn bare(description: impl Into<String>) -> Self {
        EscapeError {
            location: None,
            line: None,
            description: description.into(),
        }
    }

    /// The message Go prints, given the name of the template being executed.
    pub fn message(&self, entry: &str) -> String {
        match &self.location {
            Some(loc) => format!("html/template:{loc}: {}", self.description),
            None => match self.line {
                Some(line) => format!("html/template:{entry}:{line}: {}", self.description),
                None => format!("html/template:{entry}: {}", self.description),
            },
        }
    }
}

/// Go's `%q` of a byte string (strconv.Quote semantics).
pub(crate) fn quote(s: &[u8]) -> String {
    quote_prec(s, usize::MAX)
}

/// Go's `%.Nq`: the first `prec` runes, quoted.
pub(crate) fn quote_prec(s: &[u8], prec: usize) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut i = 0;
    let mut n = 0;
    while i < s.len() && n < prec {
        n += 1;
        let b = s[i];
        if b < 0x80 {
            i += 1;
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x07 => out.push_str("\\a"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                0x0b => out.push_str("\\v"),
                0x20..=0x7e => out.push(b as char),
                _ => out.push_str(&format!("\\x{b:02x}")),
            }
            continue;
        }
        match decode_rune(&s[i..]) {
            Some((c, w)) => {
                i += w;
                if is_print(c) {
                    out.push(c);
                } else if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            None => {
                out.push_str(&format!("\\x{b:02x}"));
                i += 1;
            }
        }
    }
    out.push('"');
    out
}

/// Decodes one UTF-8 rune at the start of `s`.
pub(crate) fn decode_rune(s: &[u8]) -> Option<(char, usize)> {
    let w = match s.first()? {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let chunk = s.get(..w)?;
    std::str::from_utf8(chunk)
        .ok()?
        .chars()
        .next()
        .map(|c| (c, w))
}

/// An approximation of Go's `unicode.IsPrint` for non-ASCII runes.
fn is_print(c: char) -> bool {
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32, 0xad | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0xfeff)
        || matches!(c as u32, 0xe000..=0xf8ff | 0xfff9..=0xfffb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(quote(b"a\"b\\\n\x01"), r#""a\"b\\\n\x01""#);
        assert_eq!(quote_prec(b"abcdef", 3), r#""abc""#);
        assert_eq!(quote("é\u{2028}".as_bytes()), "\"é\\u2028\"");
    }
}
