//! HTML escapers (Go's `html.go`): text, attribute values, RCDATA, unquoted
//! attribute values, attribute names and comments.

use super::FILTER_FAILSAFE;
use super::attr::{ContentType, attr_type};
use super::content::stringify;
use super::context::{Context, Delim, Element, State};
use super::transition::{t_special_tag_end, transition};
use crate::value::Value;

/// Which replacement table to use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// `&`, quotes, `+`, `<`, `>` and NUL.
    Html,
    /// Like `Html` but keeps `&` (for already-HTML content).
    HtmlNorm,
    /// Also white space, `=` and backquote, for unquoted attribute values.
    Nospace,
    /// Like `Nospace` but keeps `&`.
    NospaceNorm,
}

/// Replacement strings; index 0 means "keep the byte".
const REPL: [&str; 17] = [
    "", "\u{fffd}", "&#xfffd;", "&#34;", "&amp;", "&#39;", "&#43;", "&lt;", "&gt;", "&#9;",
    "&#10;", "&#11;", "&#12;", "&#13;", "&#32;", "&#61;", "&#96;",
];

/// Code of a byte that starts a possibly-encoded non-ASCII rune (U+FDD0..,
/// U+FFF0..: lead byte 0xEF) in the unquoted-attribute tables.
const RUNE: u8 = 0xff;

/// Per-byte replacement codes (indexes into [`REPL`]) of one table.
const fn codes(nospace: bool, keep_amp: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    t[0] = if nospace { 2 } else { 1 };
    t[b'"' as usize] = 3;
    if !keep_amp {
        t[b'&' as usize] = 4;
    }
    t[b'\'' as usize] = 5;
    t[b'+' as usize] = 6;
    t[b'<' as usize] = 7;
    t[b'>' as usize] = 8;
    if nospace {
        t[b'\t' as usize] = 9;
        t[b'\n' as usize] = 10;
        t[0x0b] = 11;
        t[0x0c] = 12;
        t[b'\r' as usize] = 13;
        t[b' ' as usize] = 14;
        t[b'=' as usize] = 15;
        t[b'`' as usize] = 16;
        t[0xef] = RUNE;
    }
    t
}

static CODES_HTML: [u8; 256] = codes(false, false);
static CODES_HTML_NORM: [u8; 256] = codes(false, true);
static CODES_NOSPACE: [u8; 256] = codes(true, false);
static CODES_NOSPACE_NORM: [u8; 256] = codes(true, true);

impl Table {
    fn codes(self) -> &'static [u8; 256] {
        match self {
            Table::Html => &CODES_HTML,
            Table::HtmlNorm => &CODES_HTML_NORM,
            Table::Nospace => &CODES_NOSPACE,
            Table::NospaceNorm => &CODES_NOSPACE_NORM,
        }
    }
}

/// Go's `htmlReplacer`. Non-ASCII runes pass through, except that the
/// unquoted-attribute tables encode U+FDD0..U+FDEF and U+FFF0..U+FFFF.
pub(crate) fn html_replace(s: &str, table: Table) -> String {
    let mut out = String::new();
    if html_replace_into(&mut out, s, table) {
        out
    } else {
        s.to_string()
    }
}

/// Writes `s` escaped with `table` onto `out`, copying runs that need no
/// escaping in one go. When `s` needs no escaping nothing is written and
/// `false` is returned (see [`html_replace_append`]).
fn html_replace_into(out: &mut String, s: &str, table: Table) -> bool {
    let codes = table.codes();
    let b = s.as_bytes();
    let mut written = 0;
    let mut any = false;
    let mut i = 0;
    // Skip each run of bytes that need nothing.
    while let Some(n) = b[i..].iter().position(|&c| codes[usize::from(c)] != 0) {
        i += n;
        let code = codes[usize::from(b[i])];
        let (repl, len): (std::borrow::Cow<'static, str>, usize) = if code == RUNE {
            let Some(ch) = s[i..].chars().next() else {
                break;
            };
            let r = ch as u32;
            if (0xfdd0..=0xfdef).contains(&r) || (0xfff0..=0xffff).contains(&r) {
                (format!("&#x{r:x};").into(), ch.len_utf8())
            } else {
                i += ch.len_utf8();
                continue;
            }
        } else {
            (REPL[usize::from(code)].into(), 1)
        };
        if !any {
            out.reserve(s.len() + 16);
            any = true;
        }
        out.push_str(&s[written..i]);
        out.push_str(&repl);
        i += len;
        written = i;
    }
    if any {
        out.push_str(&s[written..]);
    }
    any
}

/// Whether `s` has a byte that `table` may rewrite.
pub(crate) fn needs_escape(s: &str, table: Table) -> bool {
    let codes = table.codes();
    s.bytes().any(|c| codes[usize::from(c)] != 0)
}

/// Appends `s` escaped with `table` to `out`.
pub(crate) fn html_replace_append(out: &mut String, s: &str, table: Table) {
    if !html_replace_into(out, s, table) {
        out.push_str(s);
    }
}

/// Go's `stripTags`: the text content of an HTML fragment, without tags
/// and comments.
pub(crate) fn strip_tags(html: &str) -> String {
    let s = html.as_bytes();
    let mut b: Vec<u8> = Vec::with_capacity(s.len());
    let mut c = Context::default();
    let mut i = 0;
    let mut all_text = true;
    while i != s.len() {
        if c.delim == Delim::None {
            // Element bodies are scanned like RCDATA, but keep their state.
            let step = if c.element != Element::None && !c.state.is_in_tag() {
                t_special_tag_end(c, &s[i..])
            } else {
                transition(c, &s[i..])
            };
            let (d, nread) = match step {
                Ok(x) => x,
                Err(_) => (Context::with_state(State::Error), s.len() - i),
            };
            let i1 = i + nread;
            if c.state == State::Text || c.state == State::Rcdata {
                let mut j = i1;
                if d.state != c.state {
                    if let Some(j1) = s[i..j].iter().rposition(|&x| x == b'<') {
                        j = i + j1;
                    }
                }
                b.extend_from_slice(&s[i..j]);
            } else {
                all_text = false;
            }
            if nread == 0 && d == c {
                // Cannot make progress (should not happen); keep the rest.
                break;
            }
            c = d;
            i = i1;
            continue;
        }
        let ends = c.delim.ends();
        match s[i..].iter().position(|x| ends.contains(x)) {
            None => break,
            Some(off) => {
                let mut i1 = i + off;
                if c.delim != Delim::SpaceOrTagEnd {
                    i1 += 1;
                }
                c = Context {
                    state: State::Tag,
                    element: c.element,
                    ..Context::default()
                };
                i = i1;
            }
        }
    }
    if all_text {
        return html.to_string();
    } else if c.state == State::Text || c.state == State::Rcdata {
        b.extend_from_slice(&s[i..]);
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// `_html_template_htmlescaper` on a stringified value.
pub(crate) fn html_escape_str(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        s.to_string()
    } else {
        html_replace(s, Table::Html)
    }
}

/// `_html_template_attrescaper` on a stringified value.
pub(crate) fn attr_escape_str(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        html_replace(&strip_tags(s), Table::HtmlNorm)
    } else {
        html_replace(s, Table::Html)
    }
}

/// `_html_template_rcdataescaper` on a stringified value.
pub(crate) fn rcdata_escape_str(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        html_replace(s, Table::HtmlNorm)
    } else {
        html_replace(s, Table::Html)
    }
}

/// `_html_template_nospaceescaper` on a stringified value.
pub(crate) fn nospace_escape_str(s: &str, t: ContentType) -> String {
    if t == ContentType::Html {
        html_replace(&strip_tags(s), Table::NospaceNorm)
    } else {
        html_replace(s, Table::Nospace)
    }
}

/// `_html_template_htmlnamefilter` on a stringified value.
pub(crate) fn html_name_filter_str(s: &str, t: ContentType) -> String {
    if t == ContentType::HtmlAttr {
        return s.to_string();
    }
    if s.is_empty() {
        return FILTER_FAILSAFE.to_string();
    }
    let s = s.to_lowercase();
    if attr_type(&s) != ContentType::Plain {
        return FILTER_FAILSAFE.to_string();
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
    {
        return FILTER_FAILSAFE.to_string();
    }
    s
}

/// `_html_template_htmlescaper`.
pub fn html_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    html_escape_str(&s, t)
}

/// `_html_template_attrescaper`.
pub fn attr_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    attr_escape_str(&s, t)
}

/// `_html_template_rcdataescaper`.
pub fn rcdata_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    rcdata_escape_str(&s, t)
}

/// `_html_template_nospaceescaper`.
pub fn nospace_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    nospace_escape_str(&s, t)
}

/// `_html_template_htmlnamefilter`.
pub fn html_name_filter(v: &Value) -> String {
    let (s, t) = stringify(v);
    html_name_filter_str(&s, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip() {
        assert_eq!(
            strip_tags("Hello, <b>World</b> &amp;tc!"),
            "Hello, World &amp;tc!"
        );
        assert_eq!(strip_tags("<a title=\"x>y\">z</a>"), "z");
        assert_eq!(strip_tags("plain"), "plain");
        assert_eq!(strip_tags("a<!-- c -->b"), "ab");
        assert_eq!(strip_tags("<textarea>x<y</textarea>z"), "xz");
    }

    /// Go's replacement tables (html.go), written out rune by rune.
    fn reference(s: &str, table: Table) -> String {
        let nospace = matches!(table, Table::Nospace | Table::NospaceNorm);
        let keep_amp = matches!(table, Table::HtmlNorm | Table::NospaceNorm);
        let mut out = String::new();
        for ch in s.chars() {
            let r = ch as u32;
            match ch {
                '\0' if nospace => out.push_str("&#xfffd;"),
                '\0' => out.push('\u{fffd}'),
                '"' => out.push_str("&#34;"),
                '&' if !keep_amp => out.push_str("&amp;"),
                '\'' => out.push_str("&#39;"),
                '+' => out.push_str("&#43;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '=' | '`' if nospace => {
                    out.push_str(&format!("&#{r};"))
                }
                _ if nospace
                    && ((0xfdd0..=0xfdef).contains(&r) || (0xfff0..=0xffff).contains(&r)) =>
                {
                    out.push_str(&format!("&#x{r:x};"))
                }
                _ => out.push(ch),
            }
        }
        out
    }

    #[test]
    fn replacement_tables_match_go() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é\u{fdd0}\u{fdef}\u{fdf0}\u{ffef}\u{fff0}\u{ffff}日本\u{1f600}");
        for table in [
            Table::Html,
            Table::HtmlNorm,
            Table::Nospace,
            Table::NospaceNorm,
        ] {
            for s in [
                all.as_str(),
                "",
                "plain text",
                "a&b",
                "\u{fff0}x",
                "x\u{ef}",
            ] {
                assert_eq!(html_replace(s, table), reference(s, table), "{s:?}");
            }
            let mut appended = String::from("pre:");
            html_replace_append(&mut appended, &all, table);
            assert_eq!(appended, format!("pre:{}", reference(&all, table)));
        }
    }
}
