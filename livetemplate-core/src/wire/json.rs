//! Minimal JSON writing straight into a `String` (no intermediate values).

/// Appends `s` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    // Copy each run of bytes that need no escape in one go.
    while let Some(n) = bytes[start..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let i = start + n;
        let b = bytes[i];
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends `"key":` for an integer key, preceded by a comma unless first.
pub fn write_index_key(out: &mut String, first: &mut bool, key: usize) {
    if !*first {
        out.push(',');
    }
    *first = false;
    out.push('"');
    push_usize(out, key);
    out.push_str("\":");
}

/// Appends `"key":` for a name, preceded by a comma unless first.
pub fn write_name_key(out: &mut String, first: &mut bool, key: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
}

/// Appends a decimal number.
pub fn push_usize(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_serde_json() {
        for s in [
            "plain",
            "q\"uote\\",
            "nl\n\t\r",
            "\u{1}\u{1f}",
            "é ✓ 😀",
            "</script>",
        ] {
            let mut out = String::new();
            write_str(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn escapes_exactly_quotes_backslashes_and_controls() {
        let mut out = String::new();
        write_str(&mut out, "a\"b\\c\nd\re\tf\u{1}g\u{1f}h\u{7f}<&>é");
        let expected = "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\u{7f}<&>é\"";
        assert_eq!(out, expected);
        out.clear();
        write_str(&mut out, "");
        assert_eq!(out, "\"\"");
    }

    #[test]
    fn numbers_and_keys() {
        let mut out = String::new();
        let mut first = true;
        write_index_key(&mut out, &mut first, 0);
        push_usize(&mut out, 1234567);
        write_index_key(&mut out, &mut first, 10);
        write_name_key(&mut out, &mut first, "kc");
        assert_eq!(out, "\"0\":1234567,\"10\":,\"kc\":");
    }
}
