//! Page stores without a server: two applications sharing a `MemoryStore`,
//! and a store that fails on demand (the in-process state must stay as it
//! was, and work must resume when the store is back).

mod store_suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use livetemplate::store::{
    MemoryStore, PageKey, PageStore, StoreError, StoreErrorKind, StoreResult, Update, Versioned,
};
use livetemplate::{ErrorKind, core::wire::ClientModel};
use store_suite::*;

#[test]
fn memory_cross_process_resume() {
    cross_process_resume(Arc::new(MemoryStore::new()));
}

#[test]
fn memory_tokens_across_processes() {
    tokens_across_processes(Arc::new(MemoryStore::new()));
}

#[test]
fn memory_concurrent_updates() {
    concurrent_updates(Arc::new(MemoryStore::new()), 1000);
}

/// A store that is "down" on demand, or that applies a write and then
/// reports a timeout (the outcome-unknown case).
#[derive(Debug, Default)]
struct Flaky {
    inner: MemoryStore,
    down: AtomicBool,
    lose_reply: AtomicBool,
}

impl Flaky {
    fn check(&self) -> StoreResult<()> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::new(
                StoreErrorKind::Unavailable,
                "connection refused",
            ))
        } else {
            Ok(())
        }
    }
}

impl PageStore for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn create(&self, key: PageKey<'_>, record: &[u8], ttl: Duration) -> StoreResult<u64> {
        self.check()?;
        self.inner.create(key, record, ttl)
    }
    fn load(&self, key: PageKey<'_>, ttl: Duration) -> StoreResult<Option<Versioned>> {
        self.check()?;
        self.inner.load(key, ttl)
    }
    fn update(
        &self,
        key: PageKey<'_>,
        expected: u64,
        record: &[u8],
        ttl: Duration,
    ) -> StoreResult<Update> {
        self.check()?;
        let r = self.inner.update(key, expected, record, ttl)?;
        if self.lose_reply.swap(false, Ordering::SeqCst) {
            return Err(StoreError::new(StoreErrorKind::Timeout, "read timed out"));
        }
        Ok(r)
    }
    fn delete(&self, key: PageKey<'_>) -> StoreResult<bool> {
        self.check()?;
        self.inner.delete(key)
    }
}

#[test]
fn store_failures_leave_the_page_as_it_was() {
    let flaky = Arc::new(Flaky::default());
    let (app, t) = node(&app_id(), flaky.clone());
    let page = app.new_page(&t, todo(2, "one")).unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    let before = (
        page.data().unwrap(),
        page.version(),
        page.memory_usage(),
        app.memory_usage(),
    );

    flaky.down.store(true, Ordering::SeqCst);
    let e = page.render_fragments(todo(3, "two")).unwrap_err();
    assert_eq!(
        (e.kind(), e.operation()),
        (ErrorKind::Store, "render_fragments")
    );
    assert!(
        e.to_string().contains("flaky") && e.to_string().contains("connection refused"),
        "{e}"
    );
    assert_eq!(
        page.set_data(todo(4, "x")).unwrap_err().kind(),
        ErrorKind::Store
    );
    assert_eq!(page.rotate_token().unwrap_err().kind(), ErrorKind::Store);
    assert_eq!(
        app.get_page(&page.token()).unwrap_err().kind(),
        ErrorKind::Store
    );
    assert_eq!(
        app.new_page(&t, todo(1, "n")).unwrap_err().kind(),
        ErrorKind::Store
    );
    assert_eq!(app.page_count(), 1, "the refused page left nothing behind");
    let after = (
        page.data().unwrap(),
        page.version(),
        page.memory_usage(),
        app.memory_usage(),
    );
    assert_eq!(before, after, "nothing changed in process");
    assert_eq!(
        app.metrics()
            .errors
            .iter()
            .find(|(k, _)| *k == "store")
            .map(|x| x.1),
        Some(5)
    );

    // Back: the diff is against what the client held before the outage.
    flaky.down.store(false, Ordering::SeqCst);
    let f = page.render_fragments(todo(3, "two")).unwrap();
    client.apply_str(f[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), page.render().unwrap());
    assert_eq!(page.version(), before.1 + 1);

    // A write that landed but whose reply was lost: the page reports the
    // error and keeps its old state; the next write reconciles.
    flaky.lose_reply.store(true, Ordering::SeqCst);
    assert_eq!(
        page.render_fragments(todo(5, "lost")).unwrap_err().kind(),
        ErrorKind::Store
    );
    assert_eq!(page.version(), before.1 + 1);
    let f = page.render_fragments(todo(5, "five")).unwrap();
    // The stored client state already had the "lost" tree: the diff is from it.
    assert!(
        f[0].wire_json().contains("five") && !f[0].wire_json().contains("item &lt;5&gt;"),
        "{}",
        f[0].wire_json()
    );
    assert_eq!(page.version(), before.1 + 3);
}

#[test]
fn local_sweeps_drop_copies_and_the_store_ttl_decides_expiry() {
    use livetemplate::{Application, ManualClock, Template};
    let app_clock = Arc::new(ManualClock::new(1_000_000));
    let store_clock = Arc::new(ManualClock::new(1_000_000));
    let store = Arc::new(MemoryStore::with_clock(store_clock.clone()));
    let ttl = Duration::from_secs(60);
    let app = Application::builder()
        .clock(app_clock.clone())
        .store(store.clone())
        .page_ttl(ttl)
        .build()
        .unwrap();
    let t = Template::html("todo", TODO).unwrap();
    let page = app.new_page(&t, todo(2, "x")).unwrap();
    page.render_tree().unwrap();
    let token = page.token();

    // This process's copy is idle past the TTL: the sweep drops it, but
    // the stored page (kept alive elsewhere) is still there.
    app_clock.advance(Duration::from_secs(61));
    assert_eq!(app.cleanup_expired_pages(), 1);
    assert_eq!(app.page_count(), 0);
    let again = app.get_page(&token).unwrap();
    assert_eq!(again.version(), 2);
    assert_eq!(app.page_count(), 1);
    assert!(
        again.render_fragments(todo(2, "x")).unwrap().is_empty(),
        "client state restored"
    );

    // The store's TTL passes: the page is gone for every process.
    store_clock.advance(Duration::from_secs(61));
    assert_eq!(
        app.get_page(&token).unwrap_err().kind(),
        ErrorKind::PageNotFound
    );
    assert_eq!(app.page_count(), 0);
    assert!(store.is_empty());
}
