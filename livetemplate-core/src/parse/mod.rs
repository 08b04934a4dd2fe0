//! Parsing: template source to [`ast::Tree`]s.
//!
//! [`parse`] accepts exactly what Go 1.19's `text/template/parse` accepts and
//! rejects the rest with Go's error messages (`template: NAME:LINE: ...`).
//!
//! ```
//! use livetemplate_core::parse::{parse, ParseOptions};
//! let is_func = |name: &str| name == "printf";
//! let trees = parse("main", r#"{{define "x"}}X{{end}}{{.A | printf "%d"}}"#, &ParseOptions::new(&is_func)).unwrap();
//! assert_eq!(trees[0].name, "main");
//! assert_eq!(trees[0].root.to_string(), r#"{{.A | printf "%d"}}"#);
//! assert_eq!(trees[1].name, "x");
//! ```

pub mod ast;
mod display;
mod number;
mod parser;
pub mod quote;
mod set;

pub use ast::Tree;
pub use set::TemplateSet;

use crate::error::Error;
use ast::{List, Node};

/// How to parse: delimiters, which identifiers are functions, comments.
#[derive(Clone, Copy)]
pub struct ParseOptions<'a> {
    /// Left delimiter; `""` means `{{`.
    pub left_delim: &'a str,
    /// Right delimiter; `""` means `}}`.
    pub right_delim: &'a str,
    /// Whether an identifier names a function (builtins and user functions).
    /// Go checks this at parse time: `function "foo" not defined`.
    pub is_func: &'a dyn Fn(&str) -> bool,
    /// Keep `{{/* */}}` comments as [`ast::Node::Comment`] (Go's `ParseComments`).
    pub keep_comments: bool,
}

impl<'a> ParseOptions<'a> {
    /// Default delimiters, no comments, functions as `is_func` says.
    pub fn new(is_func: &'a dyn Fn(&str) -> bool) -> Self {
        ParseOptions {
            left_delim: "",
            right_delim: "",
            is_func,
            keep_comments: false,
        }
    }

    /// The same options with delimiters `left` and `right` (`""` = default).
    pub fn with_delims(mut self, left: &'a str, right: &'a str) -> Self {
        self.left_delim = left;
        self.right_delim = right;
        self
    }
}

impl std::fmt::Debug for ParseOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseOptions")
            .field("left_delim", &self.left_delim)
            .field("right_delim", &self.right_delim)
            .field("keep_comments", &self.keep_comments)
            .finish_non_exhaustive()
    }
}

/// Parses `source` as the template `name`: the main tree first (unless an
/// empty main body lost to a `define` of the same name, as in Go), then
/// each `define`/`block` tree in source order. Within one source a second
/// non-empty definition of a name is an error, an empty one is ignored.
pub fn parse(name: &str, source: &str, opts: &ParseOptions) -> Result<Vec<Tree>, Error> {
    parser::Parser::new(name, source, opts).parse()
}

/// Go's `parse.IsEmptyTree`: whether a body holds nothing but white space
/// and comments.
pub fn is_empty_tree(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text.trim().is_empty(),
        Node::Comment(_) => true,
        _ => false,
    })
}

#[cfg(test)]
mod tests;
