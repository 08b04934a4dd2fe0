//! # LiveTemplate
//!
//! Server-driven live HTML from Go templates: render a page once, then send
//! the browser only what changed, in the Phoenix LiveView wire format.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use livetemplate_core as core;
