//! Bench-only crate: see `benches/typed.rs`.
