//! The compiled form: a template split into static segments and dynamic slots.
//!
//! [`compile`] turns an escaped template set into a [`Program`]: a tree of
//! [`Block`]s. A block's text becomes its statics (adjacent text merged); each
//! output action becomes a dynamic slot holding the escaped value; `if`/`with`
//! become nested nodes whose statics depend on the branch taken; `range`
//! becomes a comprehension whose statics are shared by every item; a
//! `{{template}}` call becomes a nested node. [`Program::render`] evaluates it
//! over data into a [`crate::wire::Rendered`] tree, from which both the HTML
//! and the LiveView wire messages are written. [`Program::render_update`]
//! does the same given the previous tree, evaluating again only the `range`
//! items whose inputs changed (see [`Program::reuses_items`] for which
//! bodies qualify).

mod compile;
mod eval;
mod purity;

pub use compile::{Arm, Block, BlockId, Op, Slot, compile};
pub use eval::Program;
pub(crate) use purity::FreeRead;
