//! The `#[template(...)]` attribute.

use proc_macro2::Span;
use syn::{Attribute, LitStr};

/// Where the template comes from.
pub enum Origin {
    /// `path = "x.html"`: a file under `templates/`.
    Path(String),
    /// `source = "..."`: inline text.
    Source(String),
}

/// The parsed attribute.
pub struct Attrs {
    pub origin: Origin,
    /// Span of the `path`/`source` literal (errors point at it).
    pub span: Span,
    /// `mode = "text"`.
    pub text: bool,
    /// `print = "code"`.
    pub print: bool,
}

/// Reads `#[template(...)]` from `attrs`.
pub fn parse(attrs: &[Attribute], item_span: Span) -> syn::Result<Attrs> {
    let mut origin = None;
    let mut span = item_span;
    let mut text = false;
    let mut print = false;
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("template")) {
        found = true;
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            let value = || -> syn::Result<LitStr> { meta.value()?.parse::<LitStr>() };
            match key.as_str() {
                "path" | "source" => {
                    let lit = value()?;
                    if origin.is_some() {
                        return Err(meta.error("give one of `path` or `source`, once"));
                    }
                    span = lit.span();
                    origin = Some(if key == "path" {
                        Origin::Path(lit.value())
                    } else {
                        Origin::Source(lit.value())
                    });
                }
                "mode" => {
                    let lit = value()?;
                    match lit.value().as_str() {
                        "html" => text = false,
                        "text" => text = true,
                        _ => {
                            return Err(syn::Error::new(
                                lit.span(),
                                "`mode` must be \"html\" or \"text\"",
                            ));
                        }
                    }
                }
                "print" => {
                    let lit = value()?;
                    match lit.value().as_str() {
                        "code" => print = true,
                        "none" => print = false,
                        _ => {
                            return Err(syn::Error::new(
                                lit.span(),
                                "`print` must be \"code\" or \"none\"",
                            ));
                        }
                    }
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown template option `{key}` (expected `path`, `source`, `mode` or `print`)"
                    )));
                }
            }
            Ok(())
        })?;
    }
    if !found {
        return Err(syn::Error::new(
            item_span,
            "missing `#[template(path = \"...\")]` or `#[template(source = \"...\")]`",
        ));
    }
    let Some(origin) = origin else {
        return Err(syn::Error::new(
            item_span,
            "`#[template]` needs `path = \"...\"` or `source = \"...\"`",
        ));
    };
    Ok(Attrs {
        origin,
        span,
        text,
        print,
    })
}
