//! Procedural macros for LiveTemplate (work in progress: see issue 7).
