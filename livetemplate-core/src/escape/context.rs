//! The escaping context: where in an HTML document (and in its embedded
//! URL, JS and CSS) the output of a template node lands.

use std::fmt;

/// The high-level parser state (Go's `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum State {
    /// Parsed character data, outside tags, comments and special elements.
    #[default]
    Text,
    /// Inside a tag, before an attribute or the end of the tag.
    Tag,
    /// Inside an attribute name.
    AttrName,
    /// After an attribute name, before any `=`.
    AfterName,
    /// After `=`, before the value.
    BeforeValue,
    /// Inside `<!-- ... -->`.
    HtmlCmt,
    /// Inside `<textarea>` or `<title>`.
    Rcdata,
    /// Inside an attribute whose value is plain text.
    Attr,
    /// Inside an attribute whose value is a URL.
    Url,
    /// Inside a `srcset` attribute.
    Srcset,
    /// Inside a script element or event handler.
    Js,
    /// Inside a JS `"` string.
    JsDqStr,
    /// Inside a JS `'` string.
    JsSqStr,
    /// Inside a JS template literal.
    JsBqStr,
    /// Inside a JS regexp literal.
    JsRegexp,
    /// Inside a JS block comment.
    JsBlockCmt,
    /// Inside a JS line comment.
    JsLineCmt,
    /// Inside a style element or attribute.
    Css,
    /// Inside a CSS `"` string.
    CssDqStr,
    /// Inside a CSS `'` string.
    CssSqStr,
    /// Inside CSS `url("...")`.
    CssDqUrl,
    /// Inside CSS `url('...')`.
    CssSqUrl,
    /// Inside CSS `url(...)`.
    CssUrl,
    /// Inside a CSS block comment.
    CssBlockCmt,
    /// Inside a CSS line comment.
    CssLineCmt,
    /// An error state (the error travels separately).
    Error,
    /// Unreachable code after `{{break}}`/`{{continue}}`.
    Dead,
}

impl State {
    /// Go's name, e.g. `stateJSDqStr`.
    pub fn go_name(self) -> &'static str {
        use State::*;
        match self {
            Text => "stateText",
            Tag => "stateTag",
            AttrName => "stateAttrName",
            AfterName => "stateAfterName",
            BeforeValue => "stateBeforeValue",
            HtmlCmt => "stateHTMLCmt",
            Rcdata => "stateRCDATA",
            Attr => "stateAttr",
            Url => "stateURL",
            Srcset => "stateSrcset",
            Js => "stateJS",
            JsDqStr => "stateJSDqStr",
            JsSqStr => "stateJSSqStr",
            JsBqStr => "stateJSBqStr",
            JsRegexp => "stateJSRegexp",
            JsBlockCmt => "stateJSBlockCmt",
            JsLineCmt => "stateJSLineCmt",
            Css => "stateCSS",
            CssDqStr => "stateCSSDqStr",
            CssSqStr => "stateCSSSqStr",
            CssDqUrl => "stateCSSDqURL",
            CssSqUrl => "stateCSSSqURL",
            CssUrl => "stateCSSURL",
            CssBlockCmt => "stateCSSBlockCmt",
            CssLineCmt => "stateCSSLineCmt",
            Error => "stateError",
            Dead => "stateDead",
        }
    }

    /// States whose content is for template authors only (comments).
    pub fn is_comment(self) -> bool {
        matches!(
            self,
            State::HtmlCmt
                | State::JsBlockCmt
                | State::JsLineCmt
                | State::CssBlockCmt
                | State::CssLineCmt
        )
    }

    /// States that occur solely inside an HTML tag.
    pub fn is_in_tag(self) -> bool {
        matches!(
            self,
            State::Tag | State::AttrName | State::AfterName | State::BeforeValue | State::Attr
        )
    }
}

/// What ends the current attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Delim {
    /// Not in an attribute value.
    #[default]
    None,
    /// `"`
    DoubleQuote,
    /// `'`
    SingleQuote,
    /// Unquoted: a space or `>`.
    SpaceOrTagEnd,
}

impl Delim {
    /// Go's name, e.g. `delimDoubleQuote`.
    pub fn go_name(self) -> &'static str {
        match self {
            Delim::None => "delimNone",
            Delim::DoubleQuote => "delimDoubleQuote",
            Delim::SingleQuote => "delimSingleQuote",
            Delim::SpaceOrTagEnd => "delimSpaceOrTagEnd",
        }
    }

    /// The bytes that end a value with this delimiter.
    pub(crate) fn ends(self) -> &'static [u8] {
        match self {
            Delim::None => b"",
            Delim::DoubleQuote => b"\"",
            Delim::SingleQuote => b"'",
            Delim::SpaceOrTagEnd => b" \t\n\x0c\r>",
        }
    }
}

/// The part of a URL the output lands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UrlPart {
    /// Not in a URL, or at its very start.
    #[default]
    None,
    /// In the scheme, authority or path.
    PreQuery,
    /// In the query or fragment.
    QueryOrFrag,
    /// Ambiguous (after joining branches).
    Unknown,
}

impl UrlPart {
    /// Go's name, e.g. `urlPartPreQuery`.
    pub fn go_name(self) -> &'static str {
        match self {
            UrlPart::None => "urlPartNone",
            UrlPart::PreQuery => "urlPartPreQuery",
            UrlPart::QueryOrFrag => "urlPartQueryOrFrag",
            UrlPart::Unknown => "urlPartUnknown",
        }
    }
}

/// Whether a `/` in JS starts a regexp or a division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum JsCtx {
    /// A `/` starts a regexp.
    #[default]
    Regexp,
    /// A `/` is a division operator.
    DivOp,
    /// Ambiguous (after joining branches).
    Unknown,
}

impl JsCtx {
    /// Go's name, e.g. `jsCtxDivOp`.
    pub fn go_name(self) -> &'static str {
        match self {
            JsCtx::Regexp => "jsCtxRegexp",
            JsCtx::DivOp => "jsCtxDivOp",
            JsCtx::Unknown => "jsCtxUnknown",
        }
    }
}

/// The kind of attribute being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Attr {
    /// A plain attribute (or none).
    #[default]
    None,
    /// An event handler (`onclick`).
    Script,
    /// The `type` attribute of a script element.
    ScriptType,
    /// `style`.
    Style,
    /// A URL-valued attribute.
    Url,
    /// `srcset`.
    Srcset,
}

impl Attr {
    /// Go's name, e.g. `attrURL`.
    pub fn go_name(self) -> &'static str {
        match self {
            Attr::None => "attrNone",
            Attr::Script => "attrScript",
            Attr::ScriptType => "attrScriptType",
            Attr::Style => "attrStyle",
            Attr::Url => "attrURL",
            Attr::Srcset => "attrSrcset",
        }
    }

    /// The state an attribute value of this kind starts in.
    pub(crate) fn start_state(self) -> State {
        match self {
            Attr::None | Attr::ScriptType => State::Attr,
            Attr::Script => State::Js,
            Attr::Style => State::Css,
            Attr::Url => State::Url,
            Attr::Srcset => State::Srcset,
        }
    }
}

/// The special element whose tag or body we are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Element {
    /// None.
    #[default]
    None,
    /// `<script>` (with a JS type or none).
    Script,
    /// `<style>`.
    Style,
    /// `<textarea>`.
    Textarea,
    /// `<title>`.
    Title,
}

impl Element {
    /// Go's name, e.g. `elementScript`.
    pub fn go_name(self) -> &'static str {
        match self {
            Element::None => "elementNone",
            Element::Script => "elementScript",
            Element::Style => "elementStyle",
            Element::Textarea => "elementTextarea",
            Element::Title => "elementTitle",
        }
    }

    /// The state of this element's body.
    pub(crate) fn content_state(self) -> State {
        match self {
            Element::None => State::Text,
            Element::Script => State::Js,
            Element::Style => State::Css,
            Element::Textarea | Element::Title => State::Rcdata,
        }
    }

    /// The tag name that ends this element's body.
    pub(crate) fn end_tag(self) -> &'static [u8] {
        match self {
            Element::None => b"",
            Element::Script => b"script",
            Element::Style => b"style",
            Element::Textarea => b"textarea",
            Element::Title => b"title",
        }
    }
}

/// The full escaping context (Go's `context` without its error, which
/// travels as the `Err` side of a `Result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Context {
    /// Parser state.
    pub state: State,
    /// Attribute value delimiter.
    pub delim: Delim,
    /// URL part.
    pub url_part: UrlPart,
    /// JS slash context.
    pub js_ctx: JsCtx,
    /// Attribute kind.
    pub attr: Attr,
    /// Special element.
    pub element: Element,
}

impl Context {
    /// A context with only `state` set.
    pub fn with_state(state: State) -> Self {
        Context {
            state,
            ..Context::default()
        }
    }

    /// The name of template `name` cloned for this start context, as Go
    /// mangles it (`name$htmltemplate_stateRCDATA_elementTitle`).
    pub fn mangle(&self, name: &str) -> String {
        if self.state == State::Text {
            return name.to_string();
        }
        let mut s = format!("{name}$htmltemplate_{}", self.state.go_name());
        if self.delim != Delim::None {
            s.push('_');
            s.push_str(self.delim.go_name());
        }
        if self.url_part != UrlPart::None {
            s.push('_');
            s.push_str(self.url_part.go_name());
        }
        if self.js_ctx != JsCtx::Regexp {
            s.push('_');
            s.push_str(self.js_ctx.go_name());
        }
        if self.attr != Attr::None {
            s.push('_');
            s.push_str(self.attr.go_name());
        }
        if self.element != Element::None {
            s.push('_');
            s.push_str(self.element.go_name());
        }
        s
    }

    /// The context after the empty transitions an action implies
    /// (Go's `nudge`): `<a ` + action is an attribute name, `<a href=` +
    /// action is an unquoted value.
    pub fn nudge(mut self) -> Self {
        match self.state {
            State::Tag => self.state = State::AttrName,
            State::BeforeValue => {
                self.state = self.attr.start_state();
                self.delim = Delim::SpaceOrTagEnd;
                self.attr = Attr::None;
            }
            State::AfterName => {
                self.state = State::AttrName;
                self.attr = Attr::None;
            }
            _ => {}
        }
        self
    }
}

impl fmt::Display for Context {
    /// Go's `%v` of a context without error: `{stateText delimNone ... <nil>}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{{} {} {} {} {} {} <nil>}}",
            self.state.go_name(),
            self.delim.go_name(),
            self.url_part.go_name(),
            self.js_ctx.go_name(),
            self.attr.go_name(),
            self.element.go_name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangle_like_go() {
        let c = Context {
            state: State::Rcdata,
            element: Element::Title,
            ..Default::default()
        };
        assert_eq!(c.mangle("t"), "t$htmltemplate_stateRCDATA_elementTitle");
        assert_eq!(Context::default().mangle("t"), "t");
        let c = Context {
            state: State::Url,
            delim: Delim::DoubleQuote,
            url_part: UrlPart::PreQuery,
            attr: Attr::Url,
            js_ctx: JsCtx::DivOp,
            element: Element::None,
        };
        assert_eq!(
            c.mangle("x"),
            "x$htmltemplate_stateURL_delimDoubleQuote_urlPartPreQuery_jsCtxDivOp_attrURL"
        );
    }

    #[test]
    fn display_like_go() {
        let c = Context {
            state: State::Tag,
            ..Default::default()
        };
        assert_eq!(
            c.to_string(),
            "{stateTag delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}"
        );
    }

    #[test]
    fn nudge() {
        let c = Context {
            state: State::BeforeValue,
            attr: Attr::Url,
            ..Default::default()
        };
        let n = c.nudge();
        assert_eq!(
            (n.state, n.delim, n.attr),
            (State::Url, Delim::SpaceOrTagEnd, Attr::None)
        );
        assert_eq!(
            Context::with_state(State::Tag).nudge().state,
            State::AttrName
        );
    }
}
