//! The runtime's error type.
//!
//! Every error carries the operation that failed (`"new_page"`, `"get_page"`,
//! ...). Messages never contain signing keys, token contents or page data;
//! token rejections carry a [`TokenRejection`] reason instead.

use std::fmt;

/// Result alias of the runtime.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a token was rejected. The reason is safe to log: it never contains
/// any part of the token or of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenRejection {
    /// Not a well-formed JWT (wrong number of parts, bad base64/JSON, too long, missing claims).
    Malformed,
    /// The header names an algorithm other than HS256 (including `none`).
    WrongAlgorithm,
    /// The signature does not verify with the current key, nor with a
    /// previous key still in its grace period.
    BadSignature,
    /// Claims are inconsistent (e.g. issued in the future, expiry before issue).
    BadClaims,
    /// The token was issued by another application.
    ForeignApplication,
    /// The token's nonce was revoked (its page's token was rotated).
    Revoked,
    /// The token's nonce is not the page's current nonce and is not (or no
    /// longer) remembered as revoked.
    UnknownNonce,
}

impl TokenRejection {
    /// A short stable label (used in logs and metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenRejection::Malformed => "malformed",
            TokenRejection::WrongAlgorithm => "wrong_algorithm",
            TokenRejection::BadSignature => "bad_signature",
            TokenRejection::BadClaims => "bad_claims",
            TokenRejection::ForeignApplication => "foreign_application",
            TokenRejection::Revoked => "revoked",
            TokenRejection::UnknownNonce => "unknown_nonce",
        }
    }

    /// All reasons, in a fixed order (for metrics output).
    pub const ALL: [TokenRejection; 7] = [
        TokenRejection::Malformed,
        TokenRejection::WrongAlgorithm,
        TokenRejection::BadSignature,
        TokenRejection::BadClaims,
        TokenRejection::ForeignApplication,
        TokenRejection::Revoked,
        TokenRejection::UnknownNonce,
    ];
}

impl fmt::Display for TokenRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of an [`Error`], for matching without caring about details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// No live page with that id (never existed, closed or expired).
    PageNotFound,
    /// The application is closed, or the request belongs to another application.
    InvalidApplication,
    /// The token's `exp` has passed (beyond the leeway).
    TokenExpired,
    /// The token is not acceptable (see [`TokenRejection`]).
    TokenInvalid,
    /// Accepting the request would exceed the memory budget.
    MemoryBudgetExceeded,
    /// The application already holds `max_pages` pages.
    PageLimitExceeded,
    /// The template cannot be used (parse or escape error).
    TemplateInvalid,
    /// The data cannot be converted or rendered.
    DataInvalid,
    /// A configuration value is invalid.
    Config,
    /// The system random number generator failed.
    Random,
    /// The page store failed (unreachable, timed out, corrupt record, or
    /// too many concurrent writers); the page's in-process state is unchanged.
    Store,
}

impl ErrorKind {
    /// A short stable label (used in logs and metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::PageNotFound => "page_not_found",
            ErrorKind::InvalidApplication => "invalid_application",
            ErrorKind::TokenExpired => "token_expired",
            ErrorKind::TokenInvalid => "token_invalid",
            ErrorKind::MemoryBudgetExceeded => "memory_budget_exceeded",
            ErrorKind::PageLimitExceeded => "page_limit_exceeded",
            ErrorKind::TemplateInvalid => "template_invalid",
            ErrorKind::DataInvalid => "data_invalid",
            ErrorKind::Config => "config",
            ErrorKind::Random => "random",
            ErrorKind::Store => "store",
        }
    }

    /// All kinds, in a fixed order (for metrics output).
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::PageNotFound,
        ErrorKind::InvalidApplication,
        ErrorKind::TokenExpired,
        ErrorKind::TokenInvalid,
        ErrorKind::MemoryBudgetExceeded,
        ErrorKind::PageLimitExceeded,
        ErrorKind::TemplateInvalid,
        ErrorKind::DataInvalid,
        ErrorKind::Config,
        ErrorKind::Random,
        ErrorKind::Store,
    ];
}

/// Every error the runtime reports. `op` names the operation that failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No live page with that id (never existed, closed or expired).
    #[error("{op}: page not found")]
    PageNotFound {
        /// The failed operation.
        op: &'static str,
    },
    /// The application is closed, or the token/page belongs to another application.
    #[error("{op}: invalid application: {reason}")]
    InvalidApplication {
        /// The failed operation.
        op: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The token has expired.
    #[error("{op}: token expired")]
    TokenExpired {
        /// The failed operation.
        op: &'static str,
    },
    /// The token was rejected.
    #[error("{op}: token invalid ({reason})")]
    TokenInvalid {
        /// The failed operation.
        op: &'static str,
        /// Why.
        reason: TokenRejection,
    },
    /// The memory budget would be exceeded.
    #[error(
        "{op}: memory budget exceeded (needs {needed} more bytes, {in_use} of {budget} bytes in use)"
    )]
    MemoryBudgetExceeded {
        /// The failed operation.
        op: &'static str,
        /// Bytes the operation needed.
        needed: usize,
        /// Bytes in use by the application.
        in_use: usize,
        /// The budget.
        budget: usize,
    },
    /// The page limit is reached.
    #[error("{op}: page limit exceeded (max_pages = {limit})")]
    PageLimitExceeded {
        /// The failed operation.
        op: &'static str,
        /// The configured `max_pages`.
        limit: usize,
    },
    /// The template cannot be used.
    #[error("{op}: template invalid: {message}")]
    TemplateInvalid {
        /// The failed operation.
        op: &'static str,
        /// The template error.
        message: String,
    },
    /// The data cannot be converted or rendered.
    #[error("{op}: data invalid: {message}")]
    DataInvalid {
        /// The failed operation.
        op: &'static str,
        /// The data or execution error.
        message: String,
    },
    /// A configuration value is invalid; `field` is its dotted path (`page.max_pages`).
    #[error("invalid configuration: {field}: {message}")]
    Config {
        /// Dotted path of the bad field (or the file for syntax errors).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The system random number generator failed.
    #[error("{op}: system random number generator failed")]
    Random {
        /// The failed operation.
        op: &'static str,
    },
    /// The page store failed; nothing was changed in this process.
    #[error("{op}: page store ({store}) failed: {message}")]
    Store {
        /// The failed operation.
        op: &'static str,
        /// The store's name (`"redis"`, `"memory"`).
        store: String,
        /// What failed (never page data, tokens or keys).
        message: String,
    },
}

impl Error {
    /// This error's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::PageNotFound { .. } => ErrorKind::PageNotFound,
            Error::InvalidApplication { .. } => ErrorKind::InvalidApplication,
            Error::TokenExpired { .. } => ErrorKind::TokenExpired,
            Error::TokenInvalid { .. } => ErrorKind::TokenInvalid,
            Error::MemoryBudgetExceeded { .. } => ErrorKind::MemoryBudgetExceeded,
            Error::PageLimitExceeded { .. } => ErrorKind::PageLimitExceeded,
            Error::TemplateInvalid { .. } => ErrorKind::TemplateInvalid,
            Error::DataInvalid { .. } => ErrorKind::DataInvalid,
            Error::Config { .. } => ErrorKind::Config,
            Error::Random { .. } => ErrorKind::Random,
            Error::Store { .. } => ErrorKind::Store,
        }
    }

    /// The operation that failed (`"config"` for configuration errors).
    pub fn operation(&self) -> &'static str {
        match self {
            Error::PageNotFound { op }
            | Error::InvalidApplication { op, .. }
            | Error::TokenExpired { op }
            | Error::TokenInvalid { op, .. }
            | Error::MemoryBudgetExceeded { op, .. }
            | Error::PageLimitExceeded { op, .. }
            | Error::TemplateInvalid { op, .. }
            | Error::DataInvalid { op, .. }
            | Error::Random { op }
            | Error::Store { op, .. } => op,
            Error::Config { .. } => "config",
        }
    }

    /// The token rejection reason, for [`Error::TokenInvalid`].
    pub fn token_rejection(&self) -> Option<TokenRejection> {
        match self {
            Error::TokenInvalid { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// Replaces the operation name (used when an inner step reports for an outer call).
    pub(crate) fn with_op(mut self, new_op: &'static str) -> Self {
        match &mut self {
            Error::PageNotFound { op }
            | Error::InvalidApplication { op, .. }
            | Error::TokenExpired { op }
            | Error::TokenInvalid { op, .. }
            | Error::MemoryBudgetExceeded { op, .. }
            | Error::PageLimitExceeded { op, .. }
            | Error::TemplateInvalid { op, .. }
            | Error::DataInvalid { op, .. }
            | Error::Random { op }
            | Error::Store { op, .. } => *op = new_op,
            Error::Config { .. } => {}
        }
        self
    }

    /// Maps a core (template) error to a runtime error for operation `op`.
    pub(crate) fn from_core(op: &'static str, e: livetemplate_core::Error) -> Self {
        use livetemplate_core::ErrorKind as K;
        match e.kind {
            K::Parse | K::Escape => Error::TemplateInvalid {
                op,
                message: e.message,
            },
            K::Exec | K::Data => Error::DataInvalid {
                op,
                message: e.message,
            },
        }
    }
}
