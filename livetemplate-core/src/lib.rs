//! # livetemplate-core
//!
//! The compiler and interpreter behind LiveTemplate: Go `text/template` and
//! `html/template` semantics, byte for byte.
//!
//! The pipeline, one module per pass:
//!
//! ```text
//! source ─ lex ─ parse ─ escape (html mode) ─ program (slot tree) ─ exec / wire
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bytes;
pub mod error;
pub mod escape;
pub mod exec;
pub mod funcs;
pub mod gofmt;
pub mod lex;
pub mod parse;
pub mod program;
mod template;
pub mod typed;
pub mod value;
pub mod wire;

pub use error::{Error, ErrorKind, Result};
pub use template::{Compiled, ExecFailure, Mode, Template};
