//! The escaper functions html/template inserts into pipelines.

use super::attr::ContentType;
use super::{content, css, html, js, url};
use crate::value::Value;

/// Runs one of text/template's predefined escapers on `s`.
fn predefined(f: fn(&mut String, &str), s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    f(&mut out, s);
    out
}

/// Every escaper.
const ALL: [Escaper; 18] = [
    Escaper::AttrEscaper,
    Escaper::CommentEscaper,
    Escaper::CssEscaper,
    Escaper::CssValueFilter,
    Escaper::HtmlNameFilter,
    Escaper::HtmlEscaper,
    Escaper::JsRegexpEscaper,
    Escaper::JsStrEscaper,
    Escaper::JsValEscaper,
    Escaper::NospaceEscaper,
    Escaper::RcdataEscaper,
    Escaper::SrcsetEscaper,
    Escaper::UrlEscaper,
    Escaper::UrlFilter,
    Escaper::UrlNormalizer,
    Escaper::EvalArgs,
    Escaper::Html,
    Escaper::UrlQuery,
];

/// Appends the output of `apply_chain(chain, value)` to `out`. The last
/// escaper of a chain writes straight into `out`, the common URL chains
/// run as one pass, and integers are formatted without a `String`.
pub fn apply_chain_into(out: &mut String, chain: &[Escaper], value: &Value) {
    match chain {
        [single] => {
            let table = match single {
                Escaper::HtmlEscaper | Escaper::AttrEscaper | Escaper::RcdataEscaper => {
                    Some(html::Table::Html)
                }
                Escaper::NospaceEscaper => Some(html::Table::Nospace),
                _ => None,
            };
            if let Some(table) = table {
                match content::indirect(value) {
                    Value::String(s) => return html::html_replace_append(out, s, table),
                    // Nil prints as nothing.
                    Value::Nil => return,
                    Value::Safe(k, s) if content::safe_content_type(*k) != ContentType::Html => {
                        return html::html_replace_append(out, s, table);
                    }
                    Value::Safe(..) => {}
                    v => {
                        // A value that is not a string prints with
                        // `fmt.Sprint`: print it straight into `out`, and
                        // escape that text afterwards in the rare case it
                        // needs it (an exponent's `+`, `<` in a composite).
                        let start = out.len();
                        crate::gofmt::write_value(out, v);
                        if html::needs_escape(&out[start..], table) {
                            let text = out.split_off(start);
                            html::html_replace_append(out, &text, table);
                        }
                        return;
                    }
                }
            }
            single.apply_into(out, value);
        }
        // `href="{{.}}"` and `href="/x?q={{.}}"`: one pass for both steps.
        [
            e @ (Escaper::UrlNormalizer | Escaper::UrlEscaper),
            Escaper::AttrEscaper,
        ] => content::with_text(value, |s, t| {
            let norm = *e == Escaper::UrlNormalizer || t == ContentType::Url;
            url::url_escape_into(out, s, norm, true);
        }),
        // `href="{{.}}"` at the start of a URL.
        [
            Escaper::UrlFilter,
            Escaper::UrlNormalizer,
            Escaper::AttrEscaper,
        ] => content::with_text(value, |s, t| {
            let s = if t == ContentType::Url || url::is_safe_url(s) {
                s
            } else {
                URL_FILTER_FAILSAFE
            };
            url::url_escape_into(out, s, true, true);
        }),
        [] => out.push_str(&content::eval_args(std::slice::from_ref(value))),
        [first, middle @ .., last] => {
            let mut s = first.apply(value);
            for e in middle {
                s = e.apply_str(&s);
            }
            last.apply_str_into(out, &s);
        }
    }
}

/// What `_html_template_urlfilter` puts in place of an unsafe URL.
const URL_FILTER_FAILSAFE: &str = "#ZgotmplZ";

/// [`apply_chain_into`] for a plain Go `string` given as `&str`, without
/// converting it to a [`Value`] when the chain is one HTML escaper (the
/// typed templates' fast path; same output as `apply_chain_into` on
/// `Value::String`).
pub fn apply_chain_str_into(out: &mut String, chain: &[Escaper], s: &str) {
    match chain {
        [] => out.push_str(s),
        [Escaper::HtmlEscaper | Escaper::AttrEscaper | Escaper::RcdataEscaper] => {
            html::html_replace_append(out, s, html::Table::Html)
        }
        [Escaper::NospaceEscaper] => html::html_replace_append(out, s, html::Table::Nospace),
        _ => apply_chain_into(out, chain, &Value::str(s)),
    }
}

/// Appends the plain string `s` escaped as `_html_template_htmlescaper`
/// (and the attribute and RCDATA escapers, which treat plain strings the
/// same) does: [`apply_chain_str_into`] for a one-escaper HTML chain, with
/// no dispatch on the chain (the typed templates' fast path).
#[inline]
pub fn html_escape_str_into(out: &mut String, s: &str) {
    html::html_replace_append(out, s, html::Table::Html)
}

/// Runs `value` through `chain` like Go's rewritten pipeline
/// `value | e1 | e2 ...`: the first escaper sees the typed value (so
/// `template.HTML` etc. are honoured), later ones the previous output as a
/// plain string. An empty chain prints nothing special: it is `fmt.Sprint`.
pub fn apply_chain(chain: &[Escaper], value: &Value) -> String {
    let Some((first, rest)) = chain.split_first() else {
        return content::eval_args(std::slice::from_ref(value));
    };
    let mut s = first.apply(value);
    for e in rest {
        s = e.apply_str(&s);
    }
    s
}

/// One escaping or filtering function, named after Go's `_html_template_*`
/// functions (see `Escaper::go_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Escaper {
    /// `_html_template_attrescaper`
    AttrEscaper,
    /// `_html_template_commentescaper`
    CommentEscaper,
    /// `_html_template_cssescaper`
    CssEscaper,
    /// `_html_template_cssvaluefilter`
    CssValueFilter,
    /// `_html_template_htmlnamefilter`
    HtmlNameFilter,
    /// `_html_template_htmlescaper`
    HtmlEscaper,
    /// `_html_template_jsregexpescaper`
    JsRegexpEscaper,
    /// `_html_template_jsstrescaper`
    JsStrEscaper,
    /// `_html_template_jsvalescaper`
    JsValEscaper,
    /// `_html_template_nospaceescaper`
    NospaceEscaper,
    /// `_html_template_rcdataescaper`
    RcdataEscaper,
    /// `_html_template_srcsetescaper`
    SrcsetEscaper,
    /// `_html_template_urlescaper`
    UrlEscaper,
    /// `_html_template_urlfilter`
    UrlFilter,
    /// `_html_template_urlnormalizer`
    UrlNormalizer,
    /// `_eval_args_`: `fmt.Sprint` of its arguments with pointers followed.
    /// The pass never puts it in a chain (it becomes the identifier of a
    /// pipeline's first command, see [`super::eval_args`]); applied to one
    /// value it is that value's `fmt.Sprint`.
    EvalArgs,
    /// text/template's predefined `html`, kept at the end of a chain where
    /// Go keeps it (`{{.X | html}}`).
    Html,
    /// text/template's predefined `urlquery`, kept at the end of a chain.
    UrlQuery,
}

impl Escaper {
    /// The escaper named `name` in Go's notation, if any.
    pub fn from_go_name(name: &str) -> Option<Escaper> {
        ALL.iter().copied().find(|e| e.go_name() == name)
    }

    /// Applies this escaper to a pipeline's value (typed: safe-content
    /// types are honoured, as in Go when it is the first function of the chain).
    pub fn apply(self, v: &Value) -> String {
        match self {
            Escaper::AttrEscaper => html::attr_escaper(v),
            Escaper::CommentEscaper => String::new(),
            Escaper::CssEscaper => css::css_escaper(v),
            Escaper::CssValueFilter => css::css_value_filter(v),
            Escaper::HtmlNameFilter => html::html_name_filter(v),
            Escaper::HtmlEscaper => html::html_escaper(v),
            Escaper::JsRegexpEscaper => js::js_regexp_escaper(v),
            Escaper::JsStrEscaper => js::js_str_escaper(v),
            Escaper::JsValEscaper => js::js_val_escaper(v),
            Escaper::NospaceEscaper => html::nospace_escaper(v),
            Escaper::RcdataEscaper => html::rcdata_escaper(v),
            Escaper::SrcsetEscaper => url::srcset_escaper(v),
            Escaper::UrlEscaper => url::url_escaper(v),
            Escaper::UrlFilter => url::url_filter(v),
            Escaper::UrlNormalizer => url::url_normalizer(v),
            Escaper::EvalArgs => content::eval_args(std::slice::from_ref(v)),
            Escaper::Html => predefined(
                crate::funcs::escapers::html_escape,
                &content::text_eval_arg(v),
            ),
            Escaper::UrlQuery => predefined(
                crate::funcs::escapers::url_query_escape,
                &content::text_eval_arg(v),
            ),
        }
    }

    /// [`Escaper::apply`] appending to `out`.
    fn apply_into(self, out: &mut String, v: &Value) {
        match self {
            Escaper::HtmlEscaper
            | Escaper::AttrEscaper
            | Escaper::RcdataEscaper
            | Escaper::NospaceEscaper => {
                let (s, t) = content::stringify(v);
                if t == ContentType::Html {
                    out.push_str(&self.apply(v));
                } else {
                    // Every one of them escapes non-HTML text with its table.
                    let table = if self == Escaper::NospaceEscaper {
                        html::Table::Nospace
                    } else {
                        html::Table::Html
                    };
                    html::html_replace_append(out, &s, table);
                }
            }
            Escaper::UrlEscaper | Escaper::UrlNormalizer => content::with_text(v, |s, t| {
                let norm = self == Escaper::UrlNormalizer || t == ContentType::Url;
                url::url_escape_into(out, s, norm, false);
            }),
            Escaper::JsValEscaper => js::js_val_escaper_into(out, v),
            Escaper::JsStrEscaper => {
                content::with_text(v, |s, t| js::js_str_escape_into(out, s, t))
            }
            _ => out.push_str(&self.apply(v)),
        }
    }

    /// [`Escaper::apply_str`] appending to `out`.
    fn apply_str_into(self, out: &mut String, s: &str) {
        match self {
            Escaper::HtmlEscaper | Escaper::AttrEscaper | Escaper::RcdataEscaper => {
                html::html_replace_append(out, s, html::Table::Html)
            }
            Escaper::NospaceEscaper => html::html_replace_append(out, s, html::Table::Nospace),
            Escaper::UrlEscaper | Escaper::UrlNormalizer => {
                url::url_escape_into(out, s, self == Escaper::UrlNormalizer, false);
            }
            Escaper::JsStrEscaper => js::js_str_escape_into(out, s, ContentType::Plain),
            _ => out.push_str(&self.apply_str(s)),
        }
    }

    /// Applies this escaper to the plain-string output of the previous one.
    pub fn apply_str(self, s: &str) -> String {
        let t = ContentType::Plain;
        match self {
            Escaper::AttrEscaper => html::attr_escape_str(s, t),
            Escaper::CommentEscaper => String::new(),
            Escaper::CssEscaper => css::css_escape(s),
            Escaper::CssValueFilter => css::css_value_filter_str(s, t),
            Escaper::HtmlNameFilter => html::html_name_filter_str(s, t),
            Escaper::HtmlEscaper => html::html_escape_str(s, t),
            Escaper::JsRegexpEscaper => js::js_regexp_escape(s),
            Escaper::JsStrEscaper => js::js_str_escape(s, t),
            Escaper::JsValEscaper => js::js_val_escaper(&Value::String(s.into())),
            Escaper::NospaceEscaper => html::nospace_escape_str(s, t),
            Escaper::RcdataEscaper => html::rcdata_escape_str(s, t),
            Escaper::SrcsetEscaper => url::srcset_str(s, t),
            Escaper::UrlEscaper => url::url_process_str(s, t, false),
            Escaper::UrlFilter => url::url_filter_str(s, t),
            Escaper::UrlNormalizer => url::url_process_str(s, t, true),
            Escaper::EvalArgs => s.to_string(),
            Escaper::Html => predefined(crate::funcs::escapers::html_escape, s),
            Escaper::UrlQuery => predefined(crate::funcs::escapers::url_query_escape, s),
        }
    }

    /// Go's name for this function, as it appears in an escaped pipeline.
    pub fn go_name(self) -> &'static str {
        match self {
            Escaper::AttrEscaper => "_html_template_attrescaper",
            Escaper::CommentEscaper => "_html_template_commentescaper",
            Escaper::CssEscaper => "_html_template_cssescaper",
            Escaper::CssValueFilter => "_html_template_cssvaluefilter",
            Escaper::HtmlNameFilter => "_html_template_htmlnamefilter",
            Escaper::HtmlEscaper => "_html_template_htmlescaper",
            Escaper::JsRegexpEscaper => "_html_template_jsregexpescaper",
            Escaper::JsStrEscaper => "_html_template_jsstrescaper",
            Escaper::JsValEscaper => "_html_template_jsvalescaper",
            Escaper::NospaceEscaper => "_html_template_nospaceescaper",
            Escaper::RcdataEscaper => "_html_template_rcdataescaper",
            Escaper::SrcsetEscaper => "_html_template_srcsetescaper",
            Escaper::UrlEscaper => "_html_template_urlescaper",
            Escaper::UrlFilter => "_html_template_urlfilter",
            Escaper::UrlNormalizer => "_html_template_urlnormalizer",
            Escaper::EvalArgs => "_eval_args_",
            Escaper::Html => "html",
            Escaper::UrlQuery => "urlquery",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Type;

    /// `apply_chain_into` takes shortcuts for one HTML escaper; they must
    /// write exactly what the general `apply_chain` returns.
    #[test]
    fn apply_chain_into_equals_apply_chain() {
        let values = [
            Value::Int(-42),
            Value::Uint(7),
            Value::Bool(true),
            Value::Float(2203.5),
            Value::Float(1e21),
            Value::Float(-1.5e-7),
            Value::Nil,
            Value::NilPtr(Type::Int),
            Value::ptr(Value::Int(3)),
            Value::str("a<b>&\"c' +=`\t"),
            Value::list(vec![Value::str("<x>"), Value::Int(1)]),
            Value::slice(Type::Float, vec![Value::Float(1e100)]),
        ];
        let chains: [&[Escaper]; 5] = [
            &[Escaper::HtmlEscaper],
            &[Escaper::AttrEscaper],
            &[Escaper::RcdataEscaper],
            &[Escaper::NospaceEscaper],
            &[Escaper::UrlNormalizer, Escaper::AttrEscaper],
        ];
        for chain in chains {
            for v in &values {
                let mut out = String::from("pre");
                apply_chain_into(&mut out, chain, v);
                assert_eq!(
                    out,
                    format!("pre{}", apply_chain(chain, v)),
                    "{chain:?} {v:?}"
                );
            }
        }
    }
}
