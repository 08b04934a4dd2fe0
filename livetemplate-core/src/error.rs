//! Errors of every phase, worded like Go's.

use std::fmt;

/// Which phase produced an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Lexing/parsing/checking: `template: NAME:LINE:COL: ...` (Go's parse errors print `NAME:LINE:` only where Go does).
    Parse,
    /// html/template contextual escaping: `html/template:NAME:LINE:COL: ...`.
    Escape,
    /// Execution: `template: NAME:LINE:COL: executing "NAME" at <.X>: ...`.
    Exec,
    /// Bad input data (JSON, serde conversion); the message names the data path.
    Data,
}

/// An error with a fully formatted, Go-compatible message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The phase.
    pub kind: ErrorKind,
    /// The message exactly as printed.
    pub message: String,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// 1-based line and Go-style column of byte `offset` in `source`.
///
/// Go reports the column as the byte offset from the start of the line
/// (0-based for the first line as well as later ones, see
/// `text/template/parse.Tree.ErrorContext`).
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source.as_bytes()[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => offset - nl - 1,
        None => offset,
    };
    (line, col)
}

/// Convenient result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
