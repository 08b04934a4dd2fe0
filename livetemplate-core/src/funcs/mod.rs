//! Builtin template functions and the function map.
