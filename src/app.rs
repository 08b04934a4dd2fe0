//! Applications: tenants that own pages, keys, limits and metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use dashmap::DashMap;
use serde::Serialize;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::data::to_value;
use crate::error::{Error, Result};
use crate::metrics::{Gauges, Health, Metrics, MetricsSnapshot};
use crate::page::{
    CloseReason, Page, PageInner, PageState, close_state, is_expired_at, take_nonce,
};
use crate::registry::Registry;
use crate::renderer::Template;
use crate::store::{PageKey, PageStore, StoreError};
use crate::token::{RevokedNonces, SigningKey, TokenService, TokenSettings, random_hex};

/// State shared by an application and its pages.
#[derive(Debug)]
pub(crate) struct AppShared {
    pub(crate) id: String,
    pub(crate) config: Config,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tokens: TokenService,
    pub(crate) revoked: RevokedNonces,
    pub(crate) registry: Registry,
    pub(crate) metrics: Metrics,
    /// Where pages are persisted for other processes (`None`: in-process only).
    pub(crate) store: Option<Arc<dyn PageStore>>,
    /// Templates by fingerprint (hex), to resume stored pages.
    pub(crate) templates: DashMap<Arc<str>, Template>,
    closed: AtomicBool,
    last_cleanup_ms: AtomicU64,
}

impl AppShared {
    /// Closes one page: out of the registry, memory and slot released.
    /// Returns whether this call closed it. Never touches the store.
    pub(crate) fn close_page(&self, inner: &Arc<PageInner>, reason: CloseReason) -> bool {
        let mut st = inner.lock();
        self.close_held(inner, &mut st, reason)
    }

    /// [`AppShared::close_page`] with the page's state already locked.
    pub(crate) fn close_held(
        &self,
        inner: &Arc<PageInner>,
        st: &mut PageState,
        reason: CloseReason,
    ) -> bool {
        let Some(bytes) = close_state(st) else {
            return false;
        };
        let nonce = take_nonce(st);
        // Lock order: page state, then the map shard (never the reverse).
        let removed = self.registry.remove(&inner.id_arc()).is_some();
        self.revoked.revoke(nonce);
        self.registry.release_memory(bytes);
        if removed {
            self.registry.release_slot();
        }
        match reason {
            CloseReason::Closed => {
                self.metrics.page_closed();
                tracing::debug!(app_id = %self.id, page_id = %inner.id_arc(), "page closed");
            }
            CloseReason::Expired => {
                self.metrics.page_expired();
                tracing::info!(app_id = %self.id, page_id = %inner.id_arc(), "page expired");
            }
        }
        true
    }

    pub(crate) fn cleanup(&self) -> usize {
        let now = self.clock.now_millis();
        self.last_cleanup_ms.store(now, Ordering::SeqCst);
        let ttl = self.config.page.ttl;
        self.registry
            .all()
            .into_iter()
            .filter(|p| is_expired_at(p, now, ttl) && self.close_page(p, CloseReason::Expired))
            .count()
    }

    fn maybe_cleanup(&self) {
        let now = self.clock.now_millis();
        let last = self.last_cleanup_ms.load(Ordering::SeqCst);
        let interval =
            u64::try_from(self.config.page.cleanup_interval.as_millis()).unwrap_or(u64::MAX);
        if now.saturating_sub(last) >= interval
            && self
                .last_cleanup_ms
                .compare_exchange(last, now, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            self.cleanup();
        }
    }

    pub(crate) fn fail(&self, e: Error) -> Error {
        self.metrics.error(&e);
        e
    }

    /// The store key of page `page_id`.
    pub(crate) fn key<'a>(&'a self, page_id: &'a str) -> PageKey<'a> {
        PageKey {
            app_id: &self.id,
            page_id,
        }
    }

    /// A store failure as a runtime error (counted in the metrics).
    pub(crate) fn store_error(&self, op: &'static str, e: StoreError) -> Error {
        let store = self.store.as_ref().map_or("none", |s| s.name()).to_string();
        tracing::warn!(app_id = %self.id, op, store = %store, error = %e.message, "page store failed");
        self.fail(Error::Store {
            op,
            store,
            message: e.message,
        })
    }

    fn register(&self, template: &Template) {
        if !self.templates.contains_key(template.fingerprint_hex()) {
            self.templates
                .entry(template.fingerprint_hex().into())
                .or_insert_with(|| template.clone());
        }
    }

    fn check_open(&self, op: &'static str) -> Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(self.fail(Error::InvalidApplication {
                op,
                reason: "application is closed",
            }));
        }
        Ok(())
    }
}

/// A tenant: owns its pages, its signing key, its limits and its metrics.
///
/// Cheap to clone (an `Arc`); `Send + Sync`. Nothing is global: two
/// applications in one process share nothing.
///
/// Expired pages are swept opportunistically: `new_page` and `get_page` run
/// [`Application::cleanup_expired_pages`] when `cleanup_interval` has passed
/// since the last sweep, and `new_page` also sweeps once before refusing for
/// the page limit. There is no background thread; call
/// `cleanup_expired_pages` from a timer of your own if you prefer.
#[derive(Clone, Debug)]
pub struct Application {
    shared: Arc<AppShared>,
}

impl Application {
    /// An application with the default configuration and a random key.
    pub fn new() -> Result<Application> {
        Application::builder().build()
    }

    /// An application from a configuration.
    pub fn from_config(config: Config) -> Result<Application> {
        Application::builder().config(config).build()
    }

    /// A builder starting from the defaults.
    pub fn builder() -> ApplicationBuilder {
        ApplicationBuilder {
            config: Config::default(),
            clock: None,
            store: None,
        }
    }

    /// The application id (the `app_id` claim of its tokens).
    pub fn id(&self) -> &str {
        &self.shared.id
    }

    /// The configuration in force (the signing key stays redacted in `Debug`).
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The token service (issue/verify without pages; used by benchmarks).
    pub fn token_service(&self) -> &TokenService {
        &self.shared.tokens
    }

    /// Creates a page of `template` with `data`, and its first token.
    ///
    /// Fails with [`Error::PageLimitExceeded`] at `max_pages` (after one
    /// sweep of expired pages), with [`Error::MemoryBudgetExceeded`] if the
    /// page would not fit in the budget, with [`Error::DataInvalid`] if the
    /// data cannot be converted. Existing pages are never evicted to make room.
    pub fn new_page<T: Serialize>(&self, template: &Template, data: T) -> Result<Page> {
        const OP: &str = "new_page";
        let data = to_value(&data, OP).map_err(|e| self.shared.fail(e))?;
        self.new_page_value(template, data)
    }

    /// [`Application::new_page`] with data already converted.
    pub(crate) fn new_page_value(
        &self,
        template: &Template,
        data: livetemplate_core::value::Value,
    ) -> Result<Page> {
        const OP: &str = "new_page";
        let s = &self.shared;
        s.check_open(OP)?;
        s.maybe_cleanup();
        s.register(template);
        if s.registry.reserve_slot(OP).is_err() {
            s.cleanup();
            s.registry.reserve_slot(OP).map_err(|e| {
                tracing::warn!(app_id = %s.id, limit = s.registry.max_pages(), "page limit reached");
                s.fail(e)
            })?;
        }
        let ids = random_hex(16, OP).and_then(|id| Ok((id, random_hex(16, OP)?)));
        let (id, nonce) = match ids {
            Ok(v) => v,
            Err(e) => {
                s.registry.release_slot();
                return Err(s.fail(e));
            }
        };
        let token = match s.tokens.issue(&id, &nonce) {
            Ok(t) => t,
            Err(e) => {
                s.registry.release_slot();
                return Err(s.fail(e.with_op(OP)));
            }
        };
        let (page, bytes) = Page::build(Arc::clone(s), template.clone(), data, id, nonce, token);
        if let Err(e) = s.registry.reserve_memory(bytes, OP) {
            s.registry.release_slot();
            tracing::warn!(app_id = %s.id, needed = bytes, "memory budget reached");
            return Err(s.fail(e));
        }
        if let Err(e) = page.create_in_store(OP) {
            s.registry.release_memory(bytes);
            s.registry.release_slot();
            return Err(e);
        }
        s.registry.insert(Arc::clone(page.inner()));
        // A concurrent `close()` may have run between the check and the insert.
        if s.closed.load(Ordering::SeqCst) {
            s.close_page(page.inner(), CloseReason::Closed);
            return Err(s.fail(Error::InvalidApplication {
                op: OP,
                reason: "application is closed",
            }));
        }
        s.metrics.page_created();
        tracing::debug!(app_id = %s.id, page_id = %page.id(), template = page.template().name(), bytes, "page created");
        Ok(page)
    }

    /// The live page a token opens. See [`crate::token`] for every check.
    pub fn get_page(&self, token: &str) -> Result<Page> {
        const OP: &str = "get_page";
        let s = &self.shared;
        s.check_open(OP)?;
        s.maybe_cleanup();
        let claims = s.tokens.verify(token).map_err(|e| {
            let e = e.with_op(OP);
            match e.token_rejection() {
                Some(reason) => tracing::warn!(app_id = %s.id, %reason, "token rejected"),
                None => {
                    tracing::warn!(app_id = %s.id, reason = e.kind().as_str(), "token rejected")
                }
            }
            s.fail(e)
        })?;
        if s.store.is_some() {
            return Page::resume(s, &claims, OP);
        }
        let Some(inner) = s.registry.get(&claims.page_id) else {
            return Err(s.fail(Error::PageNotFound { op: OP }));
        };
        if is_expired_at(&inner, s.clock.now_millis(), s.config.page.ttl) {
            s.close_page(&inner, CloseReason::Expired);
            return Err(s.fail(Error::PageNotFound { op: OP }));
        }
        let page = Page::from_parts(inner, Arc::clone(s));
        if let Err(reason) = page.check_nonce(&claims.nonce) {
            tracing::warn!(app_id = %s.id, %reason, "token rejected");
            return Err(s.fail(Error::TokenInvalid { op: OP, reason }));
        }
        // Fails with PageNotFound if the page was closed meanwhile; records the access.
        page.data().map_err(|e| e.with_op(OP))?;
        Ok(page)
    }

    /// Makes `template` available for resuming stored pages that use it
    /// (matched by [`Template::fingerprint_hex`]). [`Application::new_page`]
    /// registers its template too; a process that only resumes pages made
    /// elsewhere registers its templates at start. The first template
    /// registered for a fingerprint stays.
    pub fn register_template(&self, template: &Template) {
        self.shared.register(template);
    }

    /// The registered template with this fingerprint (64 hex digits).
    pub fn template(&self, fingerprint_hex: &str) -> Option<Template> {
        self.shared
            .templates
            .get(fingerprint_hex)
            .map(|t| t.value().clone())
    }

    /// The page store's name (`"memory"`, `"redis"`), or `None` when pages
    /// live in this process only.
    pub fn store_name(&self) -> Option<&str> {
        self.shared.store.as_deref().map(|s| s.name())
    }

    /// Pages held now.
    pub fn page_count(&self) -> usize {
        self.shared.registry.len()
    }

    /// Estimated bytes held by all pages.
    pub fn memory_usage(&self) -> usize {
        self.shared.registry.memory()
    }

    /// Removes every page unused for longer than `page_ttl`; returns how many.
    pub fn cleanup_expired_pages(&self) -> usize {
        self.shared.cleanup()
    }

    /// Replaces the signing key (random when `None`). Tokens signed with the
    /// previous key stay valid for `token.key_rotation_grace`; tokens issued
    /// from now on (new pages, [`Page::rotate_token`]) use the new key.
    pub fn rotate_signing_key(&self, new_key: Option<SigningKey>) -> Result<()> {
        self.shared.check_open("rotate_signing_key")?;
        self.shared
            .tokens
            .rotate_key(new_key)
            .map_err(|e| self.shared.fail(e.with_op("rotate_signing_key")))?;
        tracing::info!(app_id = %self.shared.id, "signing key rotated");
        Ok(())
    }

    /// A snapshot of the metrics.
    pub fn metrics(&self) -> MetricsSnapshot {
        let s = &self.shared;
        s.metrics.snapshot(
            Gauges {
                pages_active: s.registry.len(),
                max_pages: s.registry.max_pages(),
                memory_bytes: s.registry.memory(),
                memory_budget: s.registry.budget(),
            },
            &s.config.metrics.namespace,
        )
    }

    /// The health check: page-limit and memory state.
    pub fn health(&self) -> Health {
        let s = &self.shared;
        Health::assess(
            s.registry.len(),
            s.registry.max_pages(),
            s.registry.memory(),
            s.registry.budget(),
            self.is_closed(),
        )
    }

    /// Closes the application and every page; later calls fail with
    /// [`Error::InvalidApplication`]. Idempotent. With a page store, pages
    /// stay in the store (other processes may resume them); only this
    /// process's copies are dropped.
    pub fn close(&self) {
        let s = &self.shared;
        if s.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        let pages = s.registry.all();
        let n = pages.len();
        for p in pages {
            s.close_page(&p, CloseReason::Closed);
        }
        tracing::info!(app_id = %s.id, pages = n, "application closed");
    }

    /// Whether [`Application::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst)
    }

    /// Entries left in the page map (equals `page_count()` when idle; for tests).
    #[doc(hidden)]
    pub fn registry_entries(&self) -> usize {
        self.shared.registry.entries()
    }
}

/// Builds an [`Application`]; every setting has a default.
#[derive(Debug)]
pub struct ApplicationBuilder {
    config: Config,
    clock: Option<Arc<dyn Clock>>,
    store: Option<Arc<dyn PageStore>>,
}

impl ApplicationBuilder {
    /// Replaces the whole configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The application id bound into tokens (default: random).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.config.application.id = Some(id.into());
        self
    }

    /// Most pages held at once (default 1000).
    pub fn max_pages(mut self, n: usize) -> Self {
        self.config.page.max_pages = n;
        self
    }

    /// Idle time after which a page expires (default 1 h).
    pub fn page_ttl(mut self, ttl: Duration) -> Self {
        self.config.page.ttl = ttl;
        self
    }

    /// Minimum time between opportunistic sweeps (default 5 min).
    pub fn cleanup_interval(mut self, every: Duration) -> Self {
        self.config.page.cleanup_interval = every;
        self
    }

    /// Token lifetime (default 24 h).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token.ttl = ttl;
        self
    }

    /// Clock-skew leeway for token times (default 5 s).
    pub fn token_leeway(mut self, leeway: Duration) -> Self {
        self.config.token.leeway = leeway;
        self
    }

    /// Grace period of the previous key after a rotation (default 1 h).
    pub fn key_rotation_grace(mut self, grace: Duration) -> Self {
        self.config.token.key_rotation_grace = grace;
        self
    }

    /// The signing key (default: 32 random bytes from the OS).
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.config.token.signing_key = Some(key);
        self
    }

    /// Memory budget in estimated bytes (default 256 MiB).
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.config.memory.budget_bytes = bytes;
        self
    }

    /// The time source (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Persists pages in `store` so that other processes sharing it (and
    /// the signing key and application id) can resume them; see
    /// [`crate::store`]. The store's TTL for a page is `page_ttl`.
    pub fn store(mut self, store: Arc<dyn PageStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Validates the configuration and builds the application.
    pub fn build(self) -> Result<Application> {
        let config = self.config;
        config.validate()?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let id = match &config.application.id {
            Some(id) => id.clone(),
            None => random_hex(8, "new_application")?,
        };
        let key = match &config.token.signing_key {
            Some(k) => k.clone(),
            None => SigningKey::generate()?,
        };
        let settings = TokenSettings {
            ttl: config.token.ttl,
            leeway: config.token.leeway,
            key_rotation_grace: config.token.key_rotation_grace,
        };
        let tokens = TokenService::new(id.clone(), &key, settings, Arc::clone(&clock));
        let now = clock.now_millis();
        let shared = AppShared {
            revoked: RevokedNonces::new(config.token.revoked_nonce_capacity),
            registry: Registry::new(config.page.max_pages, config.memory.budget_bytes),
            metrics: Metrics::new(config.metrics.enabled),
            store: self.store,
            templates: DashMap::new(),
            id,
            config,
            clock,
            tokens,
            closed: AtomicBool::new(false),
            last_cleanup_ms: AtomicU64::new(now),
        };
        tracing::debug!(app_id = %shared.id, "application created");
        Ok(Application {
            shared: Arc::new(shared),
        })
    }
}
