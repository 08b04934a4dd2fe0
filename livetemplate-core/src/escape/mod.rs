//! html/template's contextual auto-escaping, as a compile-time pass.

mod escaper;

pub use escaper::Escaper;
