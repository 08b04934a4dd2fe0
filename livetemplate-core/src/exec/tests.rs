//! Interpreter tests; expected outputs and error texts come from Go 1.19
//! (the go-oracle).
