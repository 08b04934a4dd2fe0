//! html/template's contextual auto-escaping, as a compile-time pass.
//!
//! - [`Escaper`] and [`apply_chain`]: the `_html_template_*` functions.
//! - [`Context`] and [`context_after`]: the HTML/JS/CSS/URL context model.

mod attr;
mod content;
mod context;
mod css;
mod error;
mod escaper;
mod html;
mod js;
mod pass;
mod transition;
mod url;

pub use content::eval_args;
pub use context::{Attr, Context, Delim, Element, JsCtx, State, UrlPart};
pub use escaper::{
    Escaper, apply_chain, apply_chain_into, apply_chain_str_into, html_escape_str_into,
};
pub use pass::{action_string, escape_set, explain, is_derived_name};
pub use transition::context_after;

/// What filters emit in place of an unsafe value.
pub(crate) const FILTER_FAILSAFE: &str = "ZgotmplZ";
