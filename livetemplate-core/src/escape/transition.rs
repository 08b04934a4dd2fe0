//! How a run of template text moves the escaping context (Go's
//! `transition.go` and `contextAfterText`).

use super::attr::{ContentType, attr_type};
use super::context::{Attr, Context, Delim, Element, JsCtx, State, UrlPart};
use super::css::{decode_css, ends_with_css_keyword};
use super::error::{EscapeError, quote, quote_prec};
use super::js::{is_js_type, next_js_ctx};

/// A transition result: the new context and how many bytes were consumed.
pub(crate) type Step = Result<(Context, usize), EscapeError>;

/// The context after the whole of `s`, starting in `c`.
pub fn context_after(mut c: Context, s: &str) -> Result<Context, String> {
    let s = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let (c1, n) = context_after_text(c, &s[i..]).map_err(|e| e.description)?;
        if n == 0 && c1 == c {
            return Err(format!("no progress at byte {i}"));
        }
        c = c1;
        i += n;
    }
    Ok(c)
}

/// Consumes some bytes from the front of `s` (Go's `contextAfterText`).
pub(crate) fn context_after_text(c: Context, s: &[u8]) -> Step {
    if c.delim == Delim::None {
        let (c1, i) = t_special_tag_end(c, s)?;
        if i == 0 {
            // A special end tag (`</script>`) starts here.
            return Ok((c1, 0));
        }
        return transition(c, &s[..i]);
    }
    // Inside an attribute value.
    let ends = c.delim.ends();
    let i = s.iter().position(|b| ends.contains(b)).unwrap_or(s.len());
    if c.delim == Delim::SpaceOrTagEnd {
        if let Some(j) = s[..i].iter().position(|b| b"\"'<=`".contains(b)) {
            return Err(EscapeError::bare(format!(
                "{} in unquoted attr: {}",
                quote(&s[j..j + 1]),
                quote(&s[..i])
            )));
        }
    }
    if i == s.len() {
        // Still inside the attribute: decode entities so that the
        // embedded language sees the real characters.
        let text = String::from_utf8_lossy(s);
        let decoded = unescape_html(&text);
        let mut u = decoded.as_bytes();
        let mut c = c;
        while !u.is_empty() {
            let (c1, n) = transition(c, u)?;
            c = c1;
            u = &u[n..];
        }
        return Ok((c, s.len()));
    }
    let mut element = c.element;
    if c.state == State::Attr
        && c.element == Element::Script
        && c.attr == Attr::ScriptType
        && !is_js_type(&String::from_utf8_lossy(&s[..i]))
    {
        element = Element::None;
    }
    let consumed = if c.delim != Delim::SpaceOrTagEnd {
        i + 1
    } else {
        i
    };
    Ok((
        Context {
            state: State::Tag,
            element,
            ..Context::default()
        },
        consumed,
    ))
}

/// Dispatches on the state (Go's `transitionFunc`).
pub(crate) fn transition(c: Context, s: &[u8]) -> Step {
    match c.state {
        State::Text => Ok(t_text(c, s)),
        State::Tag => t_tag(c, s),
        State::AttrName => t_attr_name(c, s),
        State::AfterName => Ok(t_after_name(c, s)),
        State::BeforeValue => Ok(t_before_value(c, s)),
        State::HtmlCmt => Ok(t_html_cmt(c, s)),
        State::Rcdata => t_special_tag_end(c, s),
        State::Attr => Ok((c, s.len())),
        State::Url | State::Srcset => Ok(t_url(c, s)),
        State::Js => t_js(c, s),
        State::JsDqStr | State::JsSqStr | State::JsBqStr | State::JsRegexp => t_js_delimited(c, s),
        State::JsBlockCmt | State::CssBlockCmt => Ok(t_block_cmt(c, s)),
        State::JsLineCmt | State::CssLineCmt => Ok(t_line_cmt(c, s)),
        State::Css => Ok(t_css(c, s)),
        State::CssDqStr | State::CssSqStr | State::CssDqUrl | State::CssSqUrl | State::CssUrl => {
            t_css_str(c, s)
        }
        State::Error | State::Dead => Ok((c, s.len())),
    }
}

fn find(s: &[u8], pat: &[u8]) -> Option<usize> {
    if pat.is_empty() {
        return Some(0);
    }
    s.windows(pat.len()).position(|w| w == pat)
}

fn index_any(s: &[u8], set: &[u8]) -> Option<usize> {
    s.iter().position(|b| set.contains(b))
}

fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The largest `j` such that `s[i..j]` is white space.
pub(crate) fn eat_white_space(s: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < s.len() && matches!(s[j], b' ' | b'\t' | b'\n' | 0x0c | b'\r') {
        j += 1;
    }
    j
}

/// The largest `j` such that `s[i..j]` is a tag name, and the element it names.
fn eat_tag_name(s: &[u8], i: usize) -> (usize, Element) {
    if i == s.len() || !is_alpha(s[i]) {
        return (i, Element::None);
    }
    let mut j = i + 1;
    while j < s.len() {
        let x = s[j];
        if is_alnum(x) {
            j += 1;
            continue;
        }
        if (x == b':' || x == b'-') && j + 1 < s.len() && is_alnum(s[j + 1]) {
            j += 2;
            continue;
        }
        break;
    }
    let name = s[i..j].to_ascii_lowercase();
    let e = match name.as_slice() {
        b"script" => Element::Script,
        b"style" => Element::Style,
        b"textarea" => Element::Textarea,
        b"title" => Element::Title,
        _ => Element::None,
    };
    (j, e)
}

/// The largest `j` such that `s[i..j]` is an attribute name.
fn eat_attr_name(s: &[u8], i: usize) -> Result<usize, EscapeError> {
    for j in i..s.len() {
        match s[j] {
            b' ' | b'\t' | b'\n' | 0x0c | b'\r' | b'=' | b'>' => return Ok(j),
            b'\'' | b'"' | b'<' => {
                return Err(EscapeError::bare(format!(
                    "{} in attribute name: {}",
                    quote(&s[j..j + 1]),
                    quote_prec(s, 32)
                )));
            }
            _ => {}
        }
    }
    Ok(s.len())
}

fn t_text(c: Context, s: &[u8]) -> (Context, usize) {
    let mut k = 0;
    loop {
        let Some(off) = s[k..].iter().position(|&b| b == b'<') else {
            return (c, s.len());
        };
        let mut i = k + off;
        if i + 1 == s.len() {
            return (c, s.len());
        }
        if s[i..].starts_with(b"<!--") {
            return (Context::with_state(State::HtmlCmt), i + 4);
        }
        i += 1;
        let mut end = false;
        if s[i] == b'/' {
            if i + 1 == s.len() {
                return (c, s.len());
            }
            end = true;
            i += 1;
        }
        let (j, e) = eat_tag_name(s, i);
        if j != i {
            let element = if end { Element::None } else { e };
            return (
                Context {
                    state: State::Tag,
                    element,
                    ..Context::default()
                },
                j,
            );
        }
        k = j;
    }
}

fn t_tag(c: Context, s: &[u8]) -> Step {
    let i = eat_white_space(s, 0);
    if i == s.len() {
        return Ok((c, s.len()));
    }
    if s[i] == b'>' {
        return Ok((
            Context {
                state: c.element.content_state(),
                element: c.element,
                ..Context::default()
            },
            i + 1,
        ));
    }
    let j = eat_attr_name(s, i)?;
    if i == j {
        return Err(EscapeError::bare(format!(
            "expected space, attr name, or end of tag, but got {}",
            quote(&s[i..])
        )));
    }
    let name = String::from_utf8_lossy(&s[i..j]).to_lowercase();
    let attr = if c.element == Element::Script && name == "type" {
        Attr::ScriptType
    } else {
        match attr_type(&name) {
            ContentType::Url => Attr::Url,
            ContentType::Css => Attr::Style,
            ContentType::Js => Attr::Script,
            ContentType::Srcset => Attr::Srcset,
            _ => Attr::None,
        }
    };
    let state = if j == s.len() {
        State::AttrName
    } else {
        State::AfterName
    };
    Ok((
        Context {
            state,
            element: c.element,
            attr,
            ..Context::default()
        },
        j,
    ))
}

fn t_attr_name(mut c: Context, s: &[u8]) -> Step {
    let i = eat_attr_name(s, 0)?;
    if i != s.len() {
        c.state = State::AfterName;
    }
    Ok((c, i))
}

fn t_after_name(mut c: Context, s: &[u8]) -> (Context, usize) {
    let i = eat_white_space(s, 0);
    if i == s.len() {
        return (c, s.len());
    }
    if s[i] != b'=' {
        c.state = State::Tag;
        return (c, i);
    }
    c.state = State::BeforeValue;
    (c, i + 1)
}

fn t_before_value(mut c: Context, s: &[u8]) -> (Context, usize) {
    let mut i = eat_white_space(s, 0);
    if i == s.len() {
        return (c, s.len());
    }
    let mut delim = Delim::SpaceOrTagEnd;
    match s[i] {
        b'\'' => {
            delim = Delim::SingleQuote;
            i += 1;
        }
        b'"' => {
            delim = Delim::DoubleQuote;
            i += 1;
        }
        _ => {}
    }
    c.state = c.attr.start_state();
    c.delim = delim;
    (c, i)
}

fn t_html_cmt(c: Context, s: &[u8]) -> (Context, usize) {
    match find(s, b"-->") {
        Some(i) => (Context::default(), i + 3),
        None => (c, s.len()),
    }
}

/// In a raw text or RCDATA element body: stops at its end tag.
pub(crate) fn t_special_tag_end(c: Context, s: &[u8]) -> Step {
    if c.element != Element::None {
        if let Some(i) = index_tag_end(s, c.element.end_tag()) {
            return Ok((Context::default(), i));
        }
    }
    Ok((c, s.len()))
}

/// Index of `</tag` followed by a separator, case-insensitively.
fn index_tag_end(mut s: &[u8], tag: &[u8]) -> Option<usize> {
    let mut res = 0;
    while !s.is_empty() {
        let i = find(s, b"</")?;
        s = &s[i + 2..];
        if tag.len() <= s.len() && s[..tag.len()].eq_ignore_ascii_case(tag) {
            s = &s[tag.len()..];
            if !s.is_empty() && b"> \t\n\x0c/".contains(&s[0]) {
                return Some(res + i);
            }
            res += tag.len();
        }
        res += i + 2;
    }
    None
}

pub(crate) fn t_url(mut c: Context, s: &[u8]) -> (Context, usize) {
    if index_any(s, b"#?").is_some() {
        c.url_part = UrlPart::QueryOrFrag;
    } else if s.len() != eat_white_space(s, 0) && c.url_part == UrlPart::None {
        c.url_part = UrlPart::PreQuery;
    }
    (c, s.len())
}

fn t_js(mut c: Context, s: &[u8]) -> Step {
    let Some(mut i) = index_any(s, b"\"`'/") else {
        c.js_ctx = next_js_ctx(s, c.js_ctx);
        return Ok((c, s.len()));
    };
    c.js_ctx = next_js_ctx(&s[..i], c.js_ctx);
    match s[i] {
        b'"' => {
            c.state = State::JsDqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        b'\'' => {
            c.state = State::JsSqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        b'`' => {
            c.state = State::JsBqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        _ => {
            if i + 1 < s.len() && s[i + 1] == b'/' {
                c.state = State::JsLineCmt;
                i += 1;
            } else if i + 1 < s.len() && s[i + 1] == b'*' {
                c.state = State::JsBlockCmt;
                i += 1;
            } else if c.js_ctx == JsCtx::Regexp {
                c.state = State::JsRegexp;
            } else if c.js_ctx == JsCtx::DivOp {
                c.js_ctx = JsCtx::Regexp;
            } else {
                return Err(EscapeError::bare(format!(
                    "'/' could start a division or regexp: {}",
                    quote_prec(&s[i..], 32)
                )));
            }
        }
    }
    Ok((c, i + 1))
}

fn t_js_delimited(mut c: Context, s: &[u8]) -> Step {
    let specials: &[u8] = match c.state {
        State::JsSqStr => b"\\'",
        State::JsBqStr => b"`\\",
        State::JsRegexp => b"\\/[]",
        _ => b"\\\"",
    };
    let mut k = 0;
    let mut in_charset = false;
    while let Some(off) = index_any(&s[k..], specials) {
        let mut i = k + off;
        match s[i] {
            b'\\' => {
                i += 1;
                if i == s.len() {
                    return Err(EscapeError::bare(format!(
                        "unfinished escape sequence in JS string: {}",
                        quote(s)
                    )));
                }
            }
            b'[' => in_charset = true,
            b']' => in_charset = false,
            _ => {
                if !in_charset {
                    c.state = State::Js;
                    c.js_ctx = JsCtx::DivOp;
                    return Ok((c, i + 1));
                }
            }
        }
        k = i + 1;
    }
    if in_charset {
        return Err(EscapeError::bare(format!(
            "unfinished JS regexp charset: {}",
            quote(s)
        )));
    }
    Ok((c, s.len()))
}

fn t_block_cmt(mut c: Context, s: &[u8]) -> (Context, usize) {
    let Some(i) = find(s, b"*/") else {
        return (c, s.len());
    };
    c.state = if c.state == State::JsBlockCmt {
        State::Js
    } else {
        State::Css
    };
    (c, i + 2)
}

fn t_line_cmt(mut c: Context, s: &[u8]) -> (Context, usize) {
    let i = if c.state == State::JsLineCmt {
        let mut found = None;
        for (k, &b) in s.iter().enumerate() {
            if b == b'\n'
                || b == b'\r'
                || (b == 0xe2 && s[k..].starts_with("\u{2028}".as_bytes()))
                || (b == 0xe2 && s[k..].starts_with("\u{2029}".as_bytes()))
            {
                found = Some(k);
                break;
            }
        }
        found
    } else {
        index_any(s, b"\n\x0c\r")
    };
    let Some(i) = i else {
        return (c, s.len());
    };
    c.state = if c.state == State::JsLineCmt {
        State::Js
    } else {
        State::Css
    };
    (c, i)
}

fn is_css_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn t_css(mut c: Context, s: &[u8]) -> (Context, usize) {
    let mut k = 0;
    loop {
        let Some(off) = index_any(&s[k..], b"(\"'/") else {
            return (c, s.len());
        };
        let i = k + off;
        match s[i] {
            b'(' => {
                let mut p = &s[..i];
                while let Some((&last, rest)) = p.split_last() {
                    if is_css_ws(last) {
                        p = rest;
                    } else {
                        break;
                    }
                }
                if ends_with_css_keyword(p, "url") {
                    let mut j = i + 1;
                    while j < s.len() && is_css_ws(s[j]) {
                        j += 1;
                    }
                    if j != s.len() && s[j] == b'"' {
                        c.state = State::CssDqUrl;
                        j += 1;
                    } else if j != s.len() && s[j] == b'\'' {
                        c.state = State::CssSqUrl;
                        j += 1;
                    } else {
                        c.state = State::CssUrl;
                    }
                    return (c, j);
                }
            }
            b'/' => {
                if i + 1 < s.len() {
                    match s[i + 1] {
                        b'/' => {
                            c.state = State::CssLineCmt;
                            return (c, i + 2);
                        }
                        b'*' => {
                            c.state = State::CssBlockCmt;
                            return (c, i + 2);
                        }
                        _ => {}
                    }
                }
            }
            b'"' => {
                c.state = State::CssDqStr;
                return (c, i + 1);
            }
            _ => {
                c.state = State::CssSqStr;
                return (c, i + 1);
            }
        }
        k = i + 1;
    }
}

fn t_css_str(mut c: Context, s: &[u8]) -> Step {
    let end_and_esc: &[u8] = match c.state {
        State::CssDqStr | State::CssDqUrl => b"\\\"",
        State::CssSqStr | State::CssSqUrl => b"\\'",
        _ => b"\\\t\n\x0c\r )",
    };
    let mut k = 0;
    loop {
        let Some(off) = index_any(&s[k..], end_and_esc) else {
            let (c1, n) = t_url(c, &decode_css(&s[k..]));
            return Ok((c1, k + n.min(s.len() - k)));
        };
        let mut i = k + off;
        if s[i] == b'\\' {
            i += 1;
            if i == s.len() {
                return Err(EscapeError::bare(format!(
                    "unfinished escape sequence in CSS string: {}",
                    quote(s)
                )));
            }
        } else {
            c.state = State::Css;
            return Ok((c, i + 1));
        }
        c = t_url(c, &decode_css(&s[..i + 1])).0;
        k = i + 1;
    }
}

/// Go's `html.UnescapeString`, for the entities that matter in attribute
/// values: numeric references and the named ones (a subset of HTML5's table).
pub(crate) fn unescape_html(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] != b'&' {
            i += 1;
            continue;
        }
        if let Some((rep, n)) = unescape_entity(&b[i..]) {
            out.push_str(&s[last..i]);
            out.push_str(&rep);
            i += n;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[last..]);
    std::borrow::Cow::Owned(out)
}

/// Decodes one entity at the start of `s` (which starts with `&`).
fn unescape_entity(s: &[u8]) -> Option<(String, usize)> {
    if s.get(1) == Some(&b'#') {
        let mut i = 2;
        let hex = matches!(s.get(2), Some(b'x') | Some(b'X'));
        if hex {
            i += 1;
        }
        let start = i;
        let mut x: u32 = 0;
        while i < s.len() {
            let d = s[i];
            let v = if hex {
                (d as char).to_digit(16)
            } else {
                (d as char).to_digit(10)
            };
            match v {
                Some(v) => {
                    x = x
                        .saturating_mul(if hex { 16 } else { 10 })
                        .saturating_add(v);
                    i += 1;
                }
                None => break,
            }
        }
        if i == start {
            return None;
        }
        if s.get(i) == Some(&b';') {
            i += 1;
        }
        let c = match x {
            0x80..=0x9f => replacement_c1(x),
            0 | 0xd800..=0xdfff => '\u{fffd}',
            _ if x > 0x10ffff => '\u{fffd}',
            _ => char::from_u32(x).unwrap_or('\u{fffd}'),
        };
        return Some((c.to_string(), i));
    }
    // Named entity: longest name that matches, `;` optional for the legacy ones.
    let mut j = 1;
    while j < s.len() && s[j].is_ascii_alphanumeric() {
        j += 1;
    }
    let name = std::str::from_utf8(&s[1..j]).ok()?;
    let has_semi = s.get(j) == Some(&b';');
    if has_semi {
        if let Some(v) = named_entity(name) {
            return Some((v.to_string(), j + 1));
        }
    }
    // Legacy entities without a semicolon: try the longest prefix.
    let mut k = name.len();
    while k > 1 {
        if let Some(v) = named_entity(&name[..k]) {
            if is_legacy(&name[..k]) {
                return Some((v.to_string(), 1 + k));
            }
        }
        k -= 1;
    }
    None
}

fn is_legacy(name: &str) -> bool {
    matches!(
        name,
        "amp" | "lt" | "gt" | "quot" | "nbsp" | "AMP" | "LT" | "GT" | "QUOT" | "copy" | "reg"
    )
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "copy" => "\u{a9}",
        "reg" => "\u{ae}",
        "iexcl" => "\u{a1}",
        "colon" => ":",
        "sol" => "/",
        "lpar" => "(",
        "rpar" => ")",
        "semi" => ";",
        "comma" => ",",
        "period" => ".",
        "num" => "#",
        "quest" => "?",
        "equals" => "=",
        "Tab" => "\t",
        "NewLine" => "\n",
        "bsol" => "\\",
        "grave" => "`",
        "lsqb" => "[",
        "rsqb" => "]",
        "lcub" => "{",
        "rcub" => "}",
        "excl" => "!",
        "dollar" => "$",
        "percnt" => "%",
        "ast" => "*",
        "plus" => "+",
        "commat" => "@",
        "lowbar" => "_",
        "verbar" => "|",
        "Hat" => "^",
        _ => return None,
    })
}

fn replacement_c1(x: u32) -> char {
    const TABLE: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    char::from_u32(TABLE[(x - 0x80) as usize]).unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::context::*;

    fn after(s: &str) -> Context {
        context_after(Context::default(), s).unwrap()
    }

    fn st(s: &str) -> State {
        after(s).state
    }

    #[test]
    fn html_states() {
        assert_eq!(st(""), State::Text);
        assert_eq!(st("Hello, World!"), State::Text);
        assert_eq!(st("I <3 Ponies!"), State::Text);
        assert_eq!(st("<a"), State::Tag);
        assert_eq!(st("<a "), State::Tag);
        assert_eq!(st("<a>"), State::Text);
        assert_eq!(st("<a href"), State::AttrName);
        assert_eq!(st("<a href "), State::AfterName);
        assert_eq!(st("<a href="), State::BeforeValue);
        assert_eq!(st("<!-- x"), State::HtmlCmt);
        assert_eq!(st("<!-- x -->"), State::Text);
        assert_eq!(st("</a"), State::Tag);
        let c = after("<a href=\"x");
        assert_eq!(
            (c.state, c.delim, c.url_part),
            (State::Url, Delim::DoubleQuote, UrlPart::PreQuery)
        );
        let c = after("<a href='x?");
        assert_eq!(
            (c.state, c.delim, c.url_part),
            (State::Url, Delim::SingleQuote, UrlPart::QueryOrFrag)
        );
        let c = after("<a title=x");
        assert_eq!((c.state, c.delim), (State::Attr, Delim::SpaceOrTagEnd));
        let c = after("<img srcset=\"");
        assert_eq!(c.state, State::Srcset);
        let c = after("<a data-url=\"");
        assert_eq!(c.attr, Attr::Url);
    }

    #[test]
    fn special_elements() {
        let c = after("<textarea>");
        assert_eq!((c.state, c.element), (State::Rcdata, Element::Textarea));
        assert_eq!(st("<textarea>x</textarea>"), State::Text);
        assert_eq!(st("<title>x</TITLE >"), State::Text);
        assert_eq!(st("<script>"), State::Js);
        assert_eq!(st("<script>x</script>"), State::Text);
        assert_eq!(st("<style>"), State::Css);
        assert_eq!(st("<script type=\"text/template\">"), State::Text);
        assert_eq!(st("<script type=\"text/javascript\">"), State::Js);
    }

    #[test]
    fn js_states() {
        assert_eq!(st("<script>var x = \""), State::JsDqStr);
        assert_eq!(st("<script>var x = '"), State::JsSqStr);
        assert_eq!(st("<script>var x = `"), State::JsBqStr);
        assert_eq!(st("<script>var x = /"), State::JsRegexp);
        assert_eq!(st("<script>/* "), State::JsBlockCmt);
        assert_eq!(st("<script>// "), State::JsLineCmt);
        assert_eq!(st("<script>// x\n"), State::Js);
        assert_eq!(after("<script>x").js_ctx, JsCtx::DivOp);
        assert_eq!(after("<script>x = ").js_ctx, JsCtx::Regexp);
        assert_eq!(after("<script>return ").js_ctx, JsCtx::Regexp);
        assert_eq!(after("<script>x++").js_ctx, JsCtx::DivOp);
        assert_eq!(after("<script>x = \"a\"").js_ctx, JsCtx::DivOp);
        let c = after("<a onclick=\"alert(&quot;");
        assert_eq!(c.state, State::JsDqStr);
    }

    #[test]
    fn css_states() {
        assert_eq!(st("<style>p { color: \""), State::CssDqStr);
        assert_eq!(st("<style>p { background: url("), State::CssUrl);
        assert_eq!(st("<style>p { background: url(\""), State::CssDqUrl);
        assert_eq!(st("<style>p { background: url('"), State::CssSqUrl);
        assert_eq!(st("<style>/* x"), State::CssBlockCmt);
        assert_eq!(st("<style>// x"), State::CssLineCmt);
        let c = after("<a style=\"background: url('/x?");
        assert_eq!(
            (c.state, c.url_part),
            (State::CssSqUrl, UrlPart::QueryOrFrag)
        );
    }

    #[test]
    fn errors() {
        let e = |s: &str| context_after(Context::default(), s).unwrap_err();
        assert_eq!(e("<a b=c=d>"), r#""=" in unquoted attr: "c=d""#);
        assert_eq!(e("<a \"b\">"), r#""\"" in attribute name: " \"b\">""#);
        assert_eq!(
            e("<script>x = '\\"),
            r#"unfinished escape sequence in JS string: "\\""#
        );
        assert_eq!(
            e("<script>x = /[a"),
            r#"unfinished JS regexp charset: "[a""#
        );
    }

    #[test]
    fn unescape() {
        assert_eq!(unescape_html("a&quot;b&#39;&#x41;&amp"), "a\"b'A&");
    }
}
