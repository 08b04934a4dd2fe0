//! Parsing: template source to [`ast::Tree`]s.

pub mod ast;
