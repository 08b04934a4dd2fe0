//! URL escapers and filters (Go's `url.go`), including `srcset`.

use super::FILTER_FAILSAFE;
use super::attr::ContentType;
use super::content::stringify;
use crate::value::Value;

/// Whether `s` has no scheme, or one of http, https and mailto.
pub(crate) fn is_safe_url(s: &str) -> bool {
    if let Some((protocol, _)) = s.split_once(':') {
        if !protocol.contains('/')
            && !protocol.eq_ignore_ascii_case("http")
            && !protocol.eq_ignore_ascii_case("https")
            && !protocol.eq_ignore_ascii_case("mailto")
        {
            return false;
        }
    }
    true
}

/// `_html_template_urlfilter` on a stringified value.
pub(crate) fn url_filter_str(s: &str, t: ContentType) -> String {
    if t == ContentType::Url || is_safe_url(s) {
        s.to_string()
    } else {
        format!("#{FILTER_FAILSAFE}")
    }
}

/// Percent-encodes `s` onto `out`; `norm` keeps reserved characters and
/// valid `%xx` escapes. Returns whether anything was encoded.
fn process_url_onto(s: &str, norm: bool, out: &mut String) -> bool {
    url_escape_into(out, s, norm, false)
}

/// Percent-encodes `s` onto `out` like Go's `urlProcessor` (`norm` keeps
/// reserved characters and valid `%xx` escapes); with `attr`, the result is
/// also escaped for an HTML attribute value in the same pass, as
/// `_html_template_attrescaper` would escape it afterwards: of the bytes
/// the URL step lets through (ASCII letters and digits, `-._~`, `%`, and
/// with `norm` `!#$&*+,/:;=?@[]`), only `&` and `+` are rewritten by the
/// attribute escaper (quotes, `<`, `>` and NUL are always percent-encoded).
/// Returns whether the URL step encoded anything.
pub(crate) fn url_escape_into(out: &mut String, s: &str, norm: bool, attr: bool) -> bool {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    let mut written = 0;
    let mut encoded = false;
    let mut i = 0;
    while i < b.len() {
        // Skip the run of bytes kept in every mode.
        if URL_CLASS[usize::from(b[i])] == URL_KEEP {
            i += 1;
            continue;
        }
        let c = b[i];
        let keep = match URL_CLASS[usize::from(c)] {
            URL_RESERVED if norm && attr && (c == b'&' || c == b'+') => {
                // Kept by the URL step, rewritten by the attribute escaper.
                push_kept(out, s, written, i);
                out.push_str(if c == b'&' { "&amp;" } else { "&#43;" });
                i += 1;
                written = i;
                continue;
            }
            URL_RESERVED => norm,
            URL_PERCENT => {
                norm && i + 2 < b.len()
                    && b[i + 1].is_ascii_hexdigit()
                    && b[i + 2].is_ascii_hexdigit()
            }
            _ => false,
        };
        if !keep {
            push_kept(out, s, written, i);
            out.push('%');
            out.push(HEX[(c >> 4) as usize] as char);
            out.push(HEX[(c & 15) as usize] as char);
            written = i + 1;
            encoded = true;
        }
        i += 1;
    }
    push_kept(out, s, written, b.len());
    encoded
}

/// Byte classes of the URL step: kept in every mode (ASCII letters and
/// digits, `-._~`), kept when normalizing (`!#$&*+,/:;=?@[]`), `%` (kept
/// when normalizing and starting a valid escape), and always encoded.
const URL_KEEP: u8 = 0;
const URL_RESERVED: u8 = 1;
const URL_PERCENT: u8 = 2;
const URL_ENCODE: u8 = 3;

static URL_CLASS: [u8; 256] = {
    let mut t = [URL_ENCODE; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            t[c] = URL_KEEP;
        } else if matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'&'
                | b'*'
                | b'+'
                | b','
                | b'/'
                | b':'
                | b';'
                | b'='
                | b'?'
                | b'@'
                | b'['
                | b']'
        ) {
            t[c] = URL_RESERVED;
        } else if b == b'%' {
            t[c] = URL_PERCENT;
        }
        c += 1;
    }
    t
};

/// Appends `s[from..to]`, bytes the URL step kept (all ASCII), to `out`.
/// Both ends are character boundaries whenever the range is not empty:
/// its first and last bytes are kept, so ASCII, and an ASCII byte is never
/// followed by a continuation byte.
#[inline]
fn push_kept(out: &mut String, s: &str, from: usize, to: usize) {
    if from < to {
        out.push_str(s.get(from..to).unwrap_or_default());
    }
}

/// `_html_template_urlescaper` (`norm == false`) or
/// `_html_template_urlnormalizer` (`norm == true`) on a stringified value.
pub(crate) fn url_process_str(s: &str, t: ContentType, norm: bool) -> String {
    let norm = norm || t == ContentType::Url;
    let mut out = String::with_capacity(s.len() + 16);
    process_url_onto(s, norm, &mut out);
    out
}

fn is_html_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// `_html_template_srcsetescaper` on a stringified value.
pub(crate) fn srcset_str(s: &str, t: ContentType) -> String {
    match t {
        ContentType::Srcset => return s.to_string(),
        ContentType::Url => {
            let mut out = String::new();
            process_url_onto(s, true, &mut out);
            return out.replace(',', "%2c");
        }
        _ => {}
    }
    let mut out = String::with_capacity(s.len());
    let mut written = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        if c == b',' {
            filter_srcset_element(s, written, i, &mut out);
            out.push(',');
            written = i + 1;
        }
    }
    filter_srcset_element(s, written, s.len(), &mut out);
    out
}

fn filter_srcset_element(s: &str, left: usize, right: usize, out: &mut String) {
    let b = s.as_bytes();
    let mut start = left;
    while start < right && is_html_space(b[start]) {
        start += 1;
    }
    let mut end = right;
    for (i, &c) in b.iter().enumerate().take(right).skip(start) {
        if is_html_space(c) {
            end = i;
            break;
        }
    }
    let url = &s[start..end];
    if is_safe_url(url) {
        let metadata_ok = b[end..right]
            .iter()
            .all(|&c| is_html_space(c) || c.is_ascii_alphanumeric());
        if metadata_ok {
            out.push_str(&s[left..start]);
            process_url_onto(url, true, out);
            out.push_str(&s[end..right]);
            return;
        }
    }
    out.push('#');
    out.push_str(FILTER_FAILSAFE);
}

/// `_html_template_urlfilter`.
pub fn url_filter(v: &Value) -> String {
    let (s, t) = stringify(v);
    url_filter_str(&s, t)
}

/// `_html_template_urlescaper`.
pub fn url_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    url_process_str(&s, t, false)
}

/// `_html_template_urlnormalizer`.
pub fn url_normalizer(v: &Value) -> String {
    let (s, t) = stringify(v);
    url_process_str(&s, t, true)
}

/// `_html_template_srcsetescaper`.
pub fn srcset_escaper(v: &Value) -> String {
    let (s, t) = stringify(v);
    srcset_str(&s, t)
}
