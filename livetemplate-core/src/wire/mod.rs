//! The LiveView wire format: a rendered value tree, its first-render JSON,
//! and the diff between two renders.
//!
//! A [`Rendered`] is what one evaluation of a [`crate::program::Program`]
//! produces: for each node its statics (shared, fingerprinted at compile time)
//! and its dynamic values. The server keeps the last one per page as "what the
//! client holds"; [`diff`] compares a new one with it and writes only the
//! changes, in the Phoenix LiveView 1.1+ format.

mod client;
mod diff;
mod encode;
mod json;
mod rendered;

pub use client::{ClientError, ClientModel};
pub(crate) use diff::diff_held;
pub use diff::{diff, diff_into};
pub use encode::first_render;
pub(crate) use rendered::same_context;
pub use rendered::{Comprehension, Dyn, Item, ItemMemo, Rendered, Statics};

#[cfg(test)]
mod tests;
