//! Parsing: template source to [`ast::Tree`]s.

pub mod ast;
mod set;

pub use set::TemplateSet;
