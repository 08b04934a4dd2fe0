//! Compile-time templates for LiveTemplate.
//!
//! Use these macros through the `livetemplate` crate (which re-exports
//! them together with the runtime support they need):
//!
//! * `#[derive(LiveTemplate)] #[template(path = "page.html")]` on a struct
//!   with named fields: the template (read from `templates/` next to the
//!   crate's `Cargo.toml`, or given inline with `source = "..."`) is
//!   parsed, escaped and compiled into Rust code at build time.
//!   Options: `mode = "html"` (default) or `"text"`, `print = "code"` (prints
//!   the generated code while compiling).
//! * `live_template! { #[template(...)] struct Name { fields } }`: declares
//!   the struct and derives the template in one go (same generated code).
//! * `#[derive(GoValue)]` for the structs a template reaches through fields
//!   (range items, nested structs): they become Go structs whose field
//!   `rust_name` is seen as `RustName`.
//!
//! Errors: a template that does not parse, escape or compile, and a field
//! the derived struct lacks, are errors of the macro at the template's
//! `file:line:col`, with an excerpt and a caret, all reported at once. A
//! field of a nested value (a range item, `.Owner.Name`, the dot of a
//! `with`) is of a type the macro cannot see: it is read through
//! `livetemplate::typed::field::NestedField`, whose parameters carry the
//! derived struct, the template line and column and the field's name, so
//! that rustc reports a missing one as
//! ``Page:1:23: unknown field `.Titel`: type `Item` has no such field``,
//! pointing at the `#[template]` literal (every such error of a template
//! together, once the macro's own errors are fixed).
//!
//! The phases live in plain modules: `attributes` (the `#[template]`
//! attribute), `load` (reading the file), `codegen` (the generated
//! code), `errors` (template errors with file, line, column and excerpt).

use proc_macro::TokenStream;

mod attributes;
mod codegen;
mod errors;
mod govalue;
mod load;
mod names;

/// Derives `livetemplate::typed::LiveTemplate` (and `GoValue`) for a struct
/// from a template. See the crate documentation.
#[proc_macro_derive(LiveTemplate, attributes(template, go))]
pub fn derive_live_template(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    codegen::derive(&input).into()
}

/// Derives `livetemplate::typed::GoValue` for a struct with named fields:
/// field `rust_name` is the Go field `RustName`, or the name given with
/// `#[go(name = "ID")]` on the field. Also implements
/// `livetemplate::typed::field::HasField` for each field, through which
/// typed templates read it when the struct is a nested value.
#[proc_macro_derive(GoValue, attributes(go))]
pub fn derive_go_value(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    govalue::derive(&input).into()
}

/// Declares a struct and derives its template:
///
/// ```ignore
/// live_template! {
///     #[template(source = "<p>{{.Name}}</p>")]
///     #[derive(Clone, PartialEq)]
///     pub struct Hello { pub name: String }
/// }
/// ```
///
/// expands to the struct (without the `#[template]` attribute) followed by
/// exactly what `#[derive(LiveTemplate)]` generates for it.
#[proc_macro]
pub fn live_template(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let generated = codegen::derive(&input);
    let mut item = input.clone();
    item.attrs.retain(|a| !a.path().is_ident("template"));
    quote::quote!(#item #generated).into()
}
