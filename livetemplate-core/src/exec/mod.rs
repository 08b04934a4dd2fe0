//! The interpreter: executes parsed (and escaped) trees over a [`crate::value::Value`].
