//! Attribute value types (Go's `attr.go`) and content types (`content.go`).

/// The kind of content a value holds or an attribute expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentType {
    Plain,
    Css,
    Html,
    HtmlAttr,
    Js,
    JsStr,
    Url,
    Srcset,
    Unsafe,
}

fn attr_type_map(name: &str) -> Option<ContentType> {
    Some(match name {
        "accept" | "alt" | "autocomplete" | "autofocus" | "autoplay" | "border" | "checked"
        | "class" | "cols" | "colspan" | "contenteditable" | "contextmenu" | "controls"
        | "coords" | "datetime" | "default" | "dir" | "dirname" | "disabled" | "draggable"
        | "dropzone" | "for" | "formtarget" | "headers" | "height" | "hidden" | "high"
        | "hreflang" | "id" | "ismap" | "kind" | "label" | "lang" | "list" | "loop" | "low"
        | "max" | "maxlength" | "media" | "mediagroup" | "min" | "multiple" | "name" | "open"
        | "optimum" | "placeholder" | "preload" | "pubdate" | "radiogroup" | "readonly"
        | "required" | "reversed" | "rows" | "rowspan" | "spellcheck" | "scope" | "scoped"
        | "seamless" | "selected" | "shape" | "size" | "sizes" | "span" | "srclang" | "start"
        | "step" | "tabindex" | "target" | "title" | "width" | "wrap" => ContentType::Plain,
        "accept-charset" | "async" | "challenge" | "charset" | "content" | "crossorigin"
        | "defer" | "enctype" | "form" | "formenctype" | "formmethod" | "formnovalidate"
        | "http-equiv" | "keytype" | "language" | "method" | "novalidate" | "pattern" | "rel"
        | "sandbox" | "type" | "value" => ContentType::Unsafe,
        "action" | "archive" | "background" | "cite" | "classid" | "codebase" | "data"
        | "formaction" | "href" | "icon" | "longdesc" | "manifest" | "poster" | "profile"
        | "src" | "usemap" | "xmlns" => ContentType::Url,
        "srcdoc" => ContentType::Html,
        "srcset" => ContentType::Srcset,
        "style" => ContentType::Css,
        _ => return None,
    })
}

/// A conservative guess at the type of the lower-case attribute `name`.
pub(crate) fn attr_type(name: &str) -> ContentType {
    let name = if let Some(rest) = name.strip_prefix("data-") {
        rest
    } else if let Some((prefix, short)) = name.split_once(':') {
        if prefix == "xmlns" {
            return ContentType::Url;
        }
        short
    } else {
        name
    };
    if let Some(t) = attr_type_map(name) {
        return t;
    }
    if name.starts_with("on") {
        return ContentType::Js;
    }
    if name.contains("src") || name.contains("uri") || name.contains("url") {
        return ContentType::Url;
    }
    ContentType::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_types() {
        assert_eq!(attr_type("href"), ContentType::Url);
        assert_eq!(attr_type("data-href"), ContentType::Url);
        assert_eq!(attr_type("xlink:href"), ContentType::Url);
        assert_eq!(attr_type("xmlns:foo"), ContentType::Url);
        assert_eq!(attr_type("onclick"), ContentType::Js);
        assert_eq!(attr_type("style"), ContentType::Css);
        assert_eq!(attr_type("srcset"), ContentType::Srcset);
        assert_eq!(attr_type("g:tweeturl"), ContentType::Url);
        assert_eq!(attr_type("title"), ContentType::Plain);
        assert_eq!(attr_type("type"), ContentType::Unsafe);
        assert_eq!(attr_type("srcdoc"), ContentType::Html);
    }
}
