//! Page stores: where pages live so that any process can resume them.
//!
//! By default an [`crate::Application`] keeps its pages in its own memory
//! only (the in-process registry: zero configuration, no serialization).
//! Give it a [`PageStore`] with [`crate::ApplicationBuilder::store`] and
//! every page is also written to the store, as a [`codec`] record holding
//! what a resume needs: the template's identity (name and fingerprint), the
//! data (Go types exactly), what the client holds (statics fingerprints and
//! dynamics), the token state (current nonce, token, revoked nonces) and,
//! through the store's TTL, its expiry. Applications in several processes
//! that share a signing key, an application id, a store and their templates
//! then serve each other's pages:
//!
//! * process A creates a page; process B's [`crate::Application::get_page`]
//!   verifies the token, loads the record (refreshing its TTL), checks the
//!   nonce against the stored one, finds the template by fingerprint among
//!   its registered templates ([`crate::Application::register_template`]) and
//!   rebuilds the client state from its compiled statics, so its next
//!   [`crate::Page::render_fragments`] sends a minimal diff.
//!
//! # Versions and concurrency
//!
//! Each record carries a version, 1 when created and one more at each
//! write. Every write is a compare-and-set on the version the writer last
//! saw ([`PageStore::update`]); on a conflict the page reloads the current
//! record, redoes its operation on it (a diff is recomputed against the
//! client state that is now stored) and tries again. No update is lost and
//! a record is never written half: the store swaps whole records.
//!
//! # Failures
//!
//! A store error ([`crate::Error::Store`]) leaves the page's in-process
//! state exactly as it was before the call. A write whose outcome is unknown
//! (a timeout after the request was sent) is reconciled by the next
//! operation: its compare-and-set sees the newer version and reloads. The
//! stored client state may then be one diff ahead of the browser (the diff
//! was never delivered): after a [`crate::ErrorKind::Store`] error from
//! [`crate::Page::render_fragments`], send the browser a full tree
//! ([`crate::Page::render_tree`]) once the store answers again, as on a
//! reconnect.
//!
//! # Reading
//!
//! A [`crate::Page`] handle serves `render`, `data` and `token` from its
//! in-process copy, which reflects the store as of its last operation;
//! writes always go through the store's current version, `get_page`
//! always opens the current version, and [`crate::Page::reload`] refreshes
//! a handle explicitly.
//!
//! # Local copies
//!
//! The in-process registry acts as a cache of pages. Its limits (`max_pages`,
//! memory budget) bound the cache; its expiry sweep and
//! [`crate::Application::close`] drop local copies only, leaving the stored
//! pages to other processes and to the store's TTL. [`crate::Page::close`]
//! deletes the page from the store.

pub mod codec;
mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::time::Duration;

pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::{RedisStore, RedisStoreOptions};

/// The key of a stored page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey<'a> {
    /// The application id (several applications may share a store).
    pub app_id: &'a str,
    /// The page id.
    pub page_id: &'a str,
}

/// A stored record and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// The version (1 for a new page, +1 per write).
    pub version: u64,
    /// The encoded record ([`codec`]).
    pub record: Vec<u8>,
}

/// The outcome of a compare-and-set write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Written; the record now has this version.
    Written(u64),
    /// Not written: the stored version is this one, not the expected one.
    Conflict(u64),
    /// Not written: no such page (deleted or expired).
    Missing,
}

/// What went wrong in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The store could not be reached (connection refused, dropped, ...).
    Unavailable,
    /// The store did not answer in time; a write's outcome is unknown.
    Timeout,
    /// The store answered something unexpected.
    Protocol,
    /// `create` found a page with that id already.
    Exists,
}

/// A store failure (converted to [`crate::Error::Store`] by the runtime).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// What kind of failure.
    pub kind: StoreErrorKind,
    /// A description (never contains page data or tokens).
    pub message: String,
}

impl StoreError {
    /// A new error.
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        StoreError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// Result of store operations.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// Where pages are kept so that any process can resume them.
///
/// Implementations swap whole records atomically and keep a version per
/// page (see the module docs). `ttl` is the page's idle lifetime: every
/// create, load and update sets the record to expire `ttl` from now.
/// Every method must return within a bounded time.
pub trait PageStore: Send + Sync + fmt::Debug + 'static {
    /// A short name for logs and errors (`"memory"`, `"redis"`).
    fn name(&self) -> &str;

    /// Stores a new page with version 1; fails with
    /// [`StoreErrorKind::Exists`] if the key is taken.
    fn create(&self, key: PageKey<'_>, record: &[u8], ttl: Duration) -> StoreResult<u64>;

    /// The page's record, refreshing its TTL; `None` if absent or expired.
    fn load(&self, key: PageKey<'_>, ttl: Duration) -> StoreResult<Option<Versioned>>;

    /// Replaces the record if its version is `expected` (compare-and-set).
    fn update(
        &self,
        key: PageKey<'_>,
        expected: u64,
        record: &[u8],
        ttl: Duration,
    ) -> StoreResult<Update>;

    /// Deletes the page; returns whether it existed.
    fn delete(&self, key: PageKey<'_>) -> StoreResult<bool>;
}
