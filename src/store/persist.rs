//! Page operations of an application with a page store (a child module of
//! `page`): create, resume, compare-and-set writes with reload-and-retry on
//! conflicts, delete. See [`crate::store`] for the semantics.

use std::sync::Arc;

use livetemplate_core::value::Value;
use livetemplate_core::wire::Rendered;

use super::{CloseReason, Page, PageState, total_bytes};
use crate::app::AppShared;
use crate::data::estimate_value;
use crate::engine::estimate_rendered;
use crate::error::{Error, Result, TokenRejection};
use crate::fragment::Fragment;
use crate::renderer::{ClientState, Template};
use crate::store::codec::{self, Decoded, Missing};
use crate::store::{PageStore, StoreError, StoreErrorKind, Update, Versioned};
use crate::token::Claims;

/// Conflicts in a row after which a write gives up (each conflict means
/// another writer succeeded, so this only trips under extreme contention).
const MAX_ATTEMPTS: usize = 200;

/// Waits a little after the `attempt`-th conflict in a row, so that a writer
/// that keeps losing the compare-and-set to a faster one is not starved:
/// first a yield, then exponentially longer pauses up to 1 ms (all 200
/// attempts together wait well under a second).
fn back_off(attempt: usize) {
    if attempt < 3 {
        std::thread::yield_now();
    } else {
        let micros = 1u64 << (attempt - 3).min(10);
        std::thread::sleep(std::time::Duration::from_micros(micros));
    }
}

/// Revoked nonces kept per stored page (the newest).
const REVOKED_PER_PAGE: usize = 16;

/// What an operation changes; `None` keeps the current value.
#[derive(Default)]
struct Next {
    data: Option<(Value, usize)>,
    client: Option<ClientState>,
    rotate: Option<(String, String)>,
}

fn state_of(r: Rendered) -> ClientState {
    let bytes = estimate_rendered(&r);
    ClientState::new(r, bytes)
}

/// Rebuilds a stored client state with the template's statics; statics it
/// does not list are learned by evaluating `data` once. `None` (the next
/// update then sends a full tree) if they still cannot be found.
fn restore_client(template: &Template, data: &Value, bytes: &[u8]) -> Option<ClientState> {
    match codec::decode_client(bytes, template.statics_map()) {
        Ok(r) => Some(state_of(r)),
        Err(Missing::Statics(_)) => {
            let (_, cs) = template.renderer().first_tree(data).ok()?;
            let r = cs.downcast_ref::<Rendered>()?;
            let mut map = template.statics_map().clone();
            codec::collect_statics(r, &mut map);
            match codec::decode_client(bytes, &map) {
                Ok(r) => Some(state_of(r)),
                Err(_) => {
                    tracing::warn!(
                        template = template.name(),
                        "stored client state uses unknown statics; a full tree will be sent"
                    );
                    None
                }
            }
        }
        Err(Missing::Corrupt(e)) => {
            tracing::warn!(template = template.name(), error = %e, "stored client state unreadable; a full tree will be sent");
            None
        }
    }
}

fn push_revoked(list: &mut Vec<String>, nonce: String) {
    list.push(nonce);
    if list.len() > REVOKED_PER_PAGE {
        let extra = list.len() - REVOKED_PER_PAGE;
        list.drain(..extra);
    }
}

fn corrupt(app: &AppShared, op: &'static str, e: codec::CodecError) -> Error {
    app.store_error(op, StoreError::new(StoreErrorKind::Protocol, e.to_string()))
}

impl Page {
    fn store(&self) -> Option<&Arc<dyn PageStore>> {
        self.app.store.as_ref()
    }

    /// Writes a new page's first record (version 1). No-op without a store.
    pub(crate) fn create_in_store(&self, op: &'static str) -> Result<()> {
        let Some(store) = self.store() else {
            return Ok(());
        };
        let mut st = self.inner.lock();
        let t = &self.inner.template;
        let bytes = codec::encode_parts(
            t.name(),
            t.fingerprint_hex(),
            &st.nonce,
            &st.token,
            &st.revoked,
            &st.data,
            None,
        )
        .map_err(|e| {
            self.fail(Error::DataInvalid {
                op,
                message: e.to_string(),
            })
        })?;
        let version = store
            .create(
                self.app.key(&self.inner.id),
                &bytes,
                self.app.config.page.ttl,
            )
            .map_err(|e| self.app.store_error(op, e))?;
        st.version = version;
        Ok(())
    }

    /// The version of the stored record this page's state matches: 1 after
    /// creation, one more per write from any process. 0 without a store.
    pub fn version(&self) -> u64 {
        self.inner.lock().version
    }

    /// Brings this page up to date with the store (other processes may have
    /// written it); returns whether anything changed. Without a store,
    /// returns `Ok(false)`.
    pub fn reload(&self) -> Result<bool> {
        const OP: &str = "reload_page";
        if self.store().is_none() {
            return Ok(false);
        }
        let mut st = self.live(OP)?;
        let before = st.version;
        self.reload_locked(&mut st, OP)?;
        Ok(st.version != before)
    }

    /// The page has vanished from the store: drop the local copy.
    fn gone(&self, st: &mut PageState, op: &'static str) -> Error {
        self.app.close_held(&self.inner, st, CloseReason::Expired);
        self.fail(Error::PageNotFound { op })
    }

    fn reload_locked(&self, st: &mut PageState, op: &'static str) -> Result<()> {
        let Some(store) = self.store() else {
            return Ok(());
        };
        let loaded = store
            .load(self.app.key(&self.inner.id), self.app.config.page.ttl)
            .map_err(|e| self.app.store_error(op, e))?;
        let Some(v) = loaded else {
            return Err(self.gone(st, op));
        };
        if v.version == st.version {
            return Ok(());
        }
        let d = codec::decode_head(&v.record).map_err(|e| corrupt(&self.app, op, e))?;
        self.apply_decoded(st, d, v.version, op)
    }

    /// Replaces the state with a stored record's.
    fn apply_decoded(
        &self,
        st: &mut PageState,
        d: Decoded<'_>,
        version: u64,
        op: &'static str,
    ) -> Result<()> {
        let t = &self.inner.template;
        if d.template_fingerprint != t.fingerprint_hex() {
            return Err(self.app.store_error(
                op,
                StoreError::new(
                    StoreErrorKind::Protocol,
                    "the stored page names another template",
                ),
            ));
        }
        st.client = d.client.and_then(|c| restore_client(t, &d.data, c));
        st.data_bytes = estimate_value(&d.data);
        st.data = d.data;
        st.nonce = d.nonce;
        st.token = d.token;
        st.revoked = d.revoked;
        st.version = version;
        self.reaccount(st, op, true)
    }

    fn encode_next(&self, st: &PageState, next: &Next, op: &'static str) -> Result<Vec<u8>> {
        let data = next.data.as_ref().map_or(&st.data, |(d, _)| d);
        let client = next
            .client
            .as_ref()
            .or(st.client.as_ref())
            .and_then(|c| c.downcast_ref::<Rendered>());
        let (nonce, token) = next
            .rotate
            .as_ref()
            .map_or((&st.nonce, &st.token), |(n, t)| (n, t));
        let rotated;
        let revoked = if next.rotate.is_some() {
            let mut r = st.revoked.clone();
            push_revoked(&mut r, st.nonce.clone());
            rotated = r;
            &rotated
        } else {
            &st.revoked
        };
        let t = &self.inner.template;
        codec::encode_parts(
            t.name(),
            t.fingerprint_hex(),
            nonce,
            token,
            revoked,
            data,
            client,
        )
        .map_err(|e| {
            self.fail(Error::DataInvalid {
                op,
                message: e.to_string(),
            })
        })
    }

    fn apply_next(
        &self,
        st: &mut PageState,
        next: Next,
        version: u64,
        op: &'static str,
    ) -> Result<()> {
        if let Some((data, bytes)) = next.data {
            st.data = data;
            st.data_bytes = bytes;
        }
        if let Some(c) = next.client {
            st.client = Some(c);
        }
        if let Some((nonce, token)) = next.rotate {
            let old = std::mem::replace(&mut st.nonce, nonce);
            st.token = token;
            push_revoked(&mut st.revoked, old.clone());
            self.app.revoked.revoke(old);
        }
        st.version = version;
        self.reaccount(st, op, true)
    }

    /// Compare-and-set loop: `make` computes the change from the current
    /// state; it is written if the store still has our version, else the
    /// page reloads and `make` runs again on the new state. The in-process
    /// state changes only after a successful write.
    fn commit<R>(
        &self,
        st: &mut PageState,
        op: &'static str,
        mut make: impl FnMut(&PageState) -> Result<(Next, R)>,
    ) -> Result<R> {
        let Some(store) = self.store().cloned() else {
            return Err(self.fail(Error::PageNotFound { op }));
        };
        let ttl = self.app.config.page.ttl;
        for attempt in 0..MAX_ATTEMPTS {
            let (next, out) = make(st)?;
            let bytes = self.encode_next(st, &next, op)?;
            match store.update(self.app.key(&self.inner.id), st.version, &bytes, ttl) {
                Ok(Update::Written(v)) => {
                    self.apply_next(st, next, v, op)?;
                    return Ok(out);
                }
                Ok(Update::Conflict(_)) => {
                    back_off(attempt);
                    self.reload_locked(st, op)?
                }
                Ok(Update::Missing) => return Err(self.gone(st, op)),
                Err(e) => return Err(self.app.store_error(op, e)),
            }
        }
        Err(self.app.store_error(
            op,
            StoreError::new(
                StoreErrorKind::Protocol,
                format!("gave up after {MAX_ATTEMPTS} conflicting concurrent writes"),
            ),
        ))
    }

    pub(super) fn render_fragments_stored(
        &self,
        data: Value,
        data_bytes: usize,
        op: &'static str,
    ) -> Result<Vec<Fragment>> {
        let mut st = self.live(op)?;
        let held = self.reserve_growth(st.data_bytes, data_bytes, op)?;
        let renderer = self.inner.template.renderer();
        let wire = self.commit(&mut st, op, |st| {
            let (client, wire) = match st.client.as_ref().and_then(Template::clone_state) {
                Some(mut c) => {
                    let wire = renderer.diff(&mut c, &data);
                    (c, wire)
                }
                None => match renderer.first_tree(&data) {
                    Ok((wire, c)) => (c, Ok(wire)),
                    Err(e) => return Err(self.fail(Error::from_core(op, e))),
                },
            };
            let wire = wire.map_err(|e| self.fail(Error::from_core(op, e)))?;
            let next = Next {
                data: Some((data.clone(), data_bytes)),
                client: Some(client),
                rotate: None,
            };
            Ok((next, wire))
        });
        self.app.registry.release_memory(held);
        drop(st);
        self.fragments(wire?, op)
    }

    pub(super) fn render_tree_stored(&self, op: &'static str) -> Result<String> {
        let mut st = self.live(op)?;
        let renderer = self.inner.template.renderer();
        self.commit(&mut st, op, |st| {
            let (wire, client) = renderer
                .first_tree(&st.data)
                .map_err(|e| self.fail(Error::from_core(op, e)))?;
            let next = Next {
                client: Some(client),
                ..Next::default()
            };
            Ok((next, wire))
        })
    }

    pub(super) fn set_data_stored(
        &self,
        data: Value,
        data_bytes: usize,
        op: &'static str,
    ) -> Result<()> {
        let mut st = self.live(op)?;
        let held = self.reserve_growth(st.data_bytes, data_bytes, op)?;
        let r = self.commit(&mut st, op, |_| {
            let next = Next {
                data: Some((data.clone(), data_bytes)),
                ..Next::default()
            };
            Ok((next, ()))
        });
        self.app.registry.release_memory(held);
        r
    }

    pub(super) fn rotate_token_stored(
        &self,
        nonce: String,
        token: String,
        op: &'static str,
    ) -> Result<String> {
        let mut st = self.live(op)?;
        self.commit(&mut st, op, |_| {
            let next = Next {
                rotate: Some((nonce.clone(), token.clone())),
                ..Next::default()
            };
            Ok((next, ()))
        })?;
        drop(st);
        tracing::debug!(app_id = %self.app.id, page_id = %self.inner.id, "page token rotated");
        Ok(token)
    }

    /// Deletes the stored page (for [`Page::close`]); failures are logged.
    pub(super) fn delete_stored(&self, op: &'static str) {
        if let Some(store) = self.store()
            && let Err(e) = store.delete(self.app.key(&self.inner.id))
        {
            let _ = self.app.store_error(op, e);
        }
    }

    /// Opens the stored page a verified token names (`get_page` with a store).
    pub(crate) fn resume(app: &Arc<AppShared>, claims: &Claims, op: &'static str) -> Result<Page> {
        let Some(store) = app.store.as_ref() else {
            return Err(app.fail(Error::PageNotFound { op }));
        };
        let loaded = store
            .load(app.key(&claims.page_id), app.config.page.ttl)
            .map_err(|e| app.store_error(op, e))?;
        let Some(Versioned { version, record }) = loaded else {
            if let Some(inner) = app.registry.get(&claims.page_id) {
                app.close_page(&inner, CloseReason::Expired);
            }
            return Err(app.fail(Error::PageNotFound { op }));
        };
        let d = codec::decode_head(&record).map_err(|e| corrupt(app, op, e))?;
        if claims.nonce != d.nonce {
            let reason =
                if d.revoked.contains(&claims.nonce) || app.revoked.is_revoked(&claims.nonce) {
                    TokenRejection::Revoked
                } else {
                    TokenRejection::UnknownNonce
                };
            tracing::warn!(app_id = %app.id, %reason, "token rejected");
            return Err(app.fail(Error::TokenInvalid { op, reason }));
        }
        if let Some(inner) = app.registry.get(&claims.page_id) {
            let page = Page::from_parts(inner, Arc::clone(app));
            let mut st = page.inner.lock();
            // A copy closed meanwhile (swept) is out of the registry: resume anew below.
            if !st.closed {
                page.inner.touch(app.clock.now_millis());
                if st.version != version {
                    page.apply_decoded(&mut st, d, version, op)?;
                }
                drop(st);
                return Ok(page);
            }
        }
        let Some(template) = app
            .templates
            .get(d.template_fingerprint.as_str())
            .map(|t| t.value().clone())
        else {
            return Err(app.fail(Error::TemplateInvalid {
                op,
                message: format!(
                    "the page uses template {:?} (fingerprint {}), which is not registered in this application",
                    d.template_name, d.template_fingerprint
                ),
            }));
        };
        if app.registry.reserve_slot(op).is_err() {
            app.cleanup();
            app.registry.reserve_slot(op).map_err(|e| app.fail(e))?;
        }
        let client = d.client.and_then(|c| restore_client(&template, &d.data, c));
        let (page, _) = Page::build(
            Arc::clone(app),
            template,
            d.data,
            claims.page_id.clone(),
            d.nonce,
            d.token,
        );
        let bytes = {
            let mut st = page.inner.lock();
            st.client = client;
            st.revoked = d.revoked;
            st.version = version;
            st.accounted = total_bytes(&st, &page.inner.id);
            st.accounted
        };
        if let Err(e) = app.registry.reserve_memory(bytes, op) {
            app.registry.release_slot();
            return Err(app.fail(e));
        }
        if let Some(existing) = app.registry.insert_if_absent(Arc::clone(&page.inner)) {
            // Resumed concurrently by another thread: use that copy.
            app.registry.release_memory(bytes);
            app.registry.release_slot();
            return Ok(Page::from_parts(existing, Arc::clone(app)));
        }
        tracing::debug!(app_id = %app.id, page_id = %page.id(), version, "page resumed from the store");
        Ok(page)
    }
}
