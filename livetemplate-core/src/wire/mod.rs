//! The LiveView wire format: first render, diffs, JSON output.
