//! Pages: one browser view of one template with its data and client state.

use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use livetemplate_core::value::Value;
use serde::Serialize;

use crate::app::AppShared;
use crate::data::{estimate_value, to_value};
use crate::error::{Error, Result};
use crate::fragment::Fragment;
use crate::renderer::{ClientState, Template};

// Page operations when the application has a page store (a child module,
// so it shares the page's private state).
#[path = "store/persist.rs"]
mod persist;

/// Why a page is being closed (for logs and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloseReason {
    Closed,
    Expired,
}

#[derive(Debug)]
pub(crate) struct PageState {
    data: Value,
    data_bytes: usize,
    client: Option<ClientState>,
    nonce: String,
    token: String,
    /// Bytes reserved for this page in the registry.
    accounted: usize,
    closed: bool,
    /// The stored record's version this state matches (0 without a store).
    version: u64,
    /// This page's revoked nonces, newest last (kept in the stored record).
    revoked: Vec<String>,
}

/// The shared part of a page, held by the registry and by [`Page`] handles.
#[derive(Debug)]
pub(crate) struct PageInner {
    id: Arc<str>,
    template: Template,
    last_access_ms: AtomicU64,
    state: Mutex<PageState>,
}

impl PageInner {
    pub(crate) fn id_arc(&self) -> Arc<str> {
        Arc::clone(&self.id)
    }

    pub(crate) fn last_access_ms(&self) -> u64 {
        self.last_access_ms.load(Ordering::SeqCst)
    }

    fn touch(&self, now_ms: u64) {
        self.last_access_ms.fetch_max(now_ms, Ordering::SeqCst);
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, PageState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Fixed bytes per page besides data and client state: the structs, the
/// registry entry, ids, nonce and token.
fn base_bytes(id: &str, nonce: &str, token: &str) -> usize {
    size_of::<PageInner>() + size_of::<PageState>() + 2 * size_of::<usize>() // Arc header
        + 2 * (size_of::<Arc<str>>() + size_of::<Arc<PageInner>>()) // map entry and slack
        + id.len() + nonce.len() + token.len()
}

fn total_bytes(st: &PageState, id: &str) -> usize {
    base_bytes(id, &st.nonce, &st.token)
        + st.data_bytes
        + st.client.as_ref().map_or(0, ClientState::memory_usage)
}

/// A live page. Cloning gives another handle to the same page.
///
/// All methods are safe to call from several threads; operations on one
/// page are serialized.
#[derive(Clone)]
pub struct Page {
    inner: Arc<PageInner>,
    app: Arc<AppShared>,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("id", &self.inner.id)
            .field("template", &self.inner.template)
            .finish()
    }
}

impl Page {
    /// Creates a page (slot and memory already handled by the caller: see
    /// `AppShared::create_page`). Returns the page and its accounted bytes.
    pub(crate) fn build(
        app: Arc<AppShared>,
        template: Template,
        data: Value,
        id: String,
        nonce: String,
        token: String,
    ) -> (Page, usize) {
        let data_bytes = estimate_value(&data);
        let now = app.clock.now_millis();
        let id: Arc<str> = id.into();
        let mut st = PageState {
            data,
            data_bytes,
            client: None,
            nonce,
            token,
            accounted: 0,
            closed: false,
            version: 0,
            revoked: Vec::new(),
        };
        st.accounted = total_bytes(&st, &id);
        let bytes = st.accounted;
        let inner = Arc::new(PageInner {
            id,
            template,
            last_access_ms: AtomicU64::new(now),
            state: Mutex::new(st),
        });
        (Page { inner, app }, bytes)
    }

    pub(crate) fn from_parts(inner: Arc<PageInner>, app: Arc<AppShared>) -> Page {
        Page { inner, app }
    }

    pub(crate) fn inner(&self) -> &Arc<PageInner> {
        &self.inner
    }

    /// The page id (32 hex digits, random).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The template this page renders.
    pub fn template(&self) -> &Template {
        &self.inner.template
    }

    /// Locks the state of a live page, records an access, or fails.
    fn live(&self, op: &'static str) -> Result<MutexGuard<'_, PageState>> {
        let st = self.inner.lock();
        if st.closed {
            drop(st);
            return Err(self.fail(Error::PageNotFound { op }));
        }
        self.inner.touch(self.app.clock.now_millis());
        Ok(st)
    }

    fn fail(&self, e: Error) -> Error {
        self.app.metrics.error(&e);
        e
    }

    /// Re-accounts the page's memory after a change; growth beyond the
    /// budget is refused unless `force`.
    fn reaccount(&self, st: &mut PageState, op: &'static str, force: bool) -> Result<()> {
        let new = total_bytes(st, &self.inner.id);
        let old = st.accounted;
        if new > old {
            if force {
                self.app.registry.force_memory(new - old);
            } else {
                self.app.registry.reserve_memory(new - old, op)?;
            }
        } else {
            self.app.registry.release_memory(old - new);
        }
        st.accounted = new;
        Ok(())
    }

    /// Full HTML of the current data.
    pub fn render(&self) -> Result<String> {
        let data = self.live("render")?.data.clone();
        self.inner
            .template
            .renderer()
            .render(&data)
            .map_err(|e| self.fail(Error::from_core("render", e)))
    }

    /// The first render as LiveView wire JSON. The page then holds what the
    /// client holds, and later [`Page::render_fragments`] calls diff against it.
    /// Calling it again starts over (a reconnecting browser gets a full tree).
    pub fn render_tree(&self) -> Result<String> {
        const OP: &str = "render_tree";
        if self.app.store.is_some() {
            return self.render_tree_stored(OP);
        }
        let mut st = self.live(OP)?;
        let (wire, client) = self
            .inner
            .template
            .renderer()
            .first_tree(&st.data)
            .map_err(|e| self.fail(Error::from_core(OP, e)))?;
        let previous = st.client.replace(client);
        if let Err(e) = self.reaccount(&mut st, OP, false) {
            st.client = previous;
            return Err(self.fail(e));
        }
        Ok(wire)
    }

    /// Replaces the data and returns what the client needs to catch up: one
    /// fragment with the wire diff, none when nothing changed. Before any
    /// [`Page::render_tree`], the fragment carries the full first tree.
    ///
    /// Memory: growth of the data is checked against the budget before
    /// anything changes (on refusal the page keeps its old data); the client
    /// state that results from a diff is always kept, as the client holds it.
    ///
    /// Errors change nothing: when the new data cannot be rendered (an
    /// execution error), the page keeps its old data and client state, and
    /// the next update diffs from them.
    pub fn render_fragments<T: Serialize>(&self, new_data: T) -> Result<Vec<Fragment>> {
        const OP: &str = "render_fragments";
        let started = Instant::now();
        let data = to_value(&new_data, OP).map_err(|e| self.fail(e))?;
        self.render_fragments_value(data, started)
    }

    /// [`Page::render_fragments`] with the data already converted.
    pub(crate) fn render_fragments_value(
        &self,
        data: Value,
        started: Instant,
    ) -> Result<Vec<Fragment>> {
        const OP: &str = "render_fragments";
        let data_bytes = estimate_value(&data);
        if self.app.store.is_some() {
            let fragments = self.render_fragments_stored(data, data_bytes, OP)?;
            self.app.metrics.update(started.elapsed());
            return Ok(fragments);
        }
        let mut st = self.live(OP)?;
        let reserved = self.reserve_growth(st.data_bytes, data_bytes, OP)?;
        let renderer = self.inner.template.renderer();
        let state = &mut *st;
        let wire = match state.client.as_mut() {
            Some(client) => renderer.diff(client, &data),
            None => renderer.first_tree(&data).map(|(wire, client)| {
                state.client = Some(client);
                wire
            }),
        };
        let wire = match wire {
            Ok(wire) => wire,
            Err(e) => {
                // The page keeps its data and client state: nothing changed.
                self.app.registry.release_memory(reserved);
                return Err(self.fail(Error::from_core(OP, e)));
            }
        };
        self.commit_data(state, data, data_bytes);
        self.reaccount(&mut st, OP, true)?;
        drop(st);
        let fragments = self.fragments(wire, OP)?;
        self.app.metrics.update(started.elapsed());
        Ok(fragments)
    }

    /// Whether the application keeps pages in a page store.
    pub(crate) fn has_store(&self) -> bool {
        self.app.store.is_some()
    }

    /// A typed page's update: replaces the data with `data` (when given),
    /// lets `f` take the client state (`None` before the first render) to
    /// the new render and return its wire JSON, re-accounts memory, and
    /// returns the wire JSON.
    pub(crate) fn typed_update(
        &self,
        op: &'static str,
        data: Option<Value>,
        f: impl FnOnce(&mut Option<ClientState>) -> livetemplate_core::Result<String>,
    ) -> Result<String> {
        let mut st = self.live(op)?;
        let data = data.map(|d| {
            let bytes = estimate_value(&d);
            (d, bytes)
        });
        let reserved = match &data {
            Some((_, bytes)) => self.reserve_growth(st.data_bytes, *bytes, op)?,
            None => 0,
        };
        let wire = match f(&mut st.client) {
            Ok(wire) => wire,
            Err(e) => {
                self.app.registry.release_memory(reserved);
                return Err(self.fail(Error::from_core(op, e)));
            }
        };
        if let Some((d, bytes)) = data {
            self.commit_data(&mut st, d, bytes);
        }
        self.reaccount(&mut st, op, true)?;
        Ok(wire)
    }

    /// The fragments for a wire diff, counted as an update in the metrics.
    pub(crate) fn typed_fragments(
        &self,
        wire: String,
        op: &'static str,
        started: Instant,
    ) -> Result<Vec<Fragment>> {
        let fragments = self.fragments(wire, op)?;
        self.app.metrics.update(started.elapsed());
        Ok(fragments)
    }

    fn fragments(&self, wire: String, op: &'static str) -> Result<Vec<Fragment>> {
        Ok(if is_empty_diff(&wire) {
            Vec::new()
        } else {
            vec![
                Fragment::tree(self.inner.template.fingerprint_hex(), wire).map_err(|e| {
                    self.fail(Error::DataInvalid {
                        op,
                        message: format!("renderer produced invalid wire JSON: {e}"),
                    })
                })?,
            ]
        })
    }

    fn replace_data(
        &self,
        st: &mut PageState,
        data: Value,
        data_bytes: usize,
        op: &'static str,
    ) -> Result<()> {
        self.reserve_growth(st.data_bytes, data_bytes, op)?;
        self.commit_data(st, data, data_bytes);
        Ok(())
    }

    /// Reserves the memory that data growing from `old` to `new` bytes
    /// needs (refused over the budget, changing nothing); returns the bytes
    /// reserved, to release if the update does not happen (a committed
    /// update keeps them: see [`Page::commit_data`]).
    pub(crate) fn reserve_growth(&self, old: usize, new: usize, op: &'static str) -> Result<usize> {
        let grow = new.saturating_sub(old);
        if grow > 0 {
            self.app.registry.reserve_memory(grow, op).map_err(|e| {
                tracing::warn!(app_id = %self.app.id, page_id = %self.inner.id, op, "memory budget reached");
                self.fail(e)
            })?;
        }
        Ok(grow)
    }

    /// Stores `data` once [`Page::reserve_growth`] made room for it.
    fn commit_data(&self, st: &mut PageState, data: Value, data_bytes: usize) {
        if data_bytes < st.data_bytes {
            self.app.registry.release_memory(st.data_bytes - data_bytes);
        }
        st.accounted = st.accounted + data_bytes - st.data_bytes;
        st.data = data;
        st.data_bytes = data_bytes;
    }

    /// Replaces the data without computing a diff; the next
    /// [`Page::render_fragments`] diffs against what the client holds.
    pub fn set_data<T: Serialize>(&self, data: T) -> Result<()> {
        const OP: &str = "set_data";
        let data = to_value(&data, OP).map_err(|e| self.fail(e))?;
        let data_bytes = estimate_value(&data);
        if self.app.store.is_some() {
            return self.set_data_stored(data, data_bytes, OP);
        }
        let mut st = self.live(OP)?;
        self.replace_data(&mut st, data, data_bytes, OP)
    }

    /// The current data.
    pub fn data(&self) -> Result<Value> {
        Ok(self.live("data")?.data.clone())
    }

    /// The page's current token.
    pub fn token(&self) -> String {
        self.inner.lock().token.clone()
    }

    /// Issues a token with a fresh nonce and revokes the previous one at
    /// once (see [`crate::token`] for the replay rules).
    pub fn rotate_token(&self) -> Result<String> {
        const OP: &str = "rotate_token";
        let nonce = crate::token::random_hex(16, OP).map_err(|e| self.fail(e))?;
        let token = self
            .app
            .tokens
            .issue(&self.inner.id, &nonce)
            .map_err(|e| self.fail(e.with_op(OP)))?;
        if self.app.store.is_some() {
            return self.rotate_token_stored(nonce, token, OP);
        }
        let mut st = self.live(OP)?;
        let old = std::mem::replace(&mut st.nonce, nonce);
        st.token = token.clone();
        self.reaccount(&mut st, OP, true)?;
        drop(st);
        self.app.revoked.revoke(old);
        tracing::debug!(app_id = %self.app.id, page_id = %self.inner.id, "page token rotated");
        Ok(token)
    }

    /// Checks `nonce` against the current one (used by `get_page`).
    pub(crate) fn check_nonce(
        &self,
        nonce: &str,
    ) -> std::result::Result<(), crate::TokenRejection> {
        let st = self.inner.lock();
        if st.nonce == nonce {
            Ok(())
        } else if self.app.revoked.is_revoked(nonce) || st.revoked.iter().any(|n| n == nonce) {
            Err(crate::TokenRejection::Revoked)
        } else {
            Err(crate::TokenRejection::UnknownNonce)
        }
    }

    /// Closes the page: it leaves the registry, its memory is released and
    /// its tokens stop working. Closing twice is harmless. With a page
    /// store the page is deleted there too (if the store cannot be reached,
    /// the stored copy lives until its TTL; the failure is logged).
    pub fn close(&self) {
        if self.app.store.is_some() && !self.is_closed() {
            self.delete_stored("close_page");
        }
        self.app.close_page(&self.inner, CloseReason::Closed);
    }

    /// Whether the page was closed (or expired and was cleaned up).
    pub fn is_closed(&self) -> bool {
        self.inner.lock().closed
    }

    /// Estimated bytes held by the page (as counted against the budget).
    pub fn memory_usage(&self) -> usize {
        self.inner.lock().accounted
    }

    /// Whether the page has gone unused for longer than `ttl`.
    pub fn is_expired(&self, ttl: Duration) -> bool {
        is_expired_at(&self.inner, self.app.clock.now_millis(), ttl)
    }
}

pub(crate) fn is_expired_at(inner: &PageInner, now_ms: u64, ttl: Duration) -> bool {
    let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
    now_ms.saturating_sub(inner.last_access_ms()) > ttl_ms
}

/// Marks `st` closed and frees what it holds; returns the bytes to release.
pub(crate) fn close_state(st: &mut PageState) -> Option<usize> {
    if st.closed {
        return None;
    }
    st.closed = true;
    st.data = Value::Nil;
    st.client = None;
    st.token = String::new();
    Some(std::mem::take(&mut st.accounted))
}

/// The nonce of a page's state (revoked when the page closes).
pub(crate) fn take_nonce(st: &mut PageState) -> String {
    std::mem::take(&mut st.nonce)
}

fn is_empty_diff(wire: &str) -> bool {
    let t = wire.trim();
    t.is_empty() || (t.starts_with('{') && t.ends_with('}') && t[1..t.len() - 1].trim().is_empty())
}
