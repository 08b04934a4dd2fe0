//! The escaper functions html/template inserts into pipelines.

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
    /// `_html_template_evalargs`
    EvalArgs,
}

impl Escaper {
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
            Escaper::EvalArgs => "_html_template_evalargs",
        }
    }
}
