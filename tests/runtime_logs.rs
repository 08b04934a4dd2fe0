//! Structured logs: emitted through `tracing` when a subscriber is installed,
//! never containing tokens or keys.

mod common;

use std::sync::{Arc, Mutex};

use livetemplate::{Application, SigningKey};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Collects every event as "message key=value ..." lines.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<String>>>);

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Subscriber for Collector {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(event.metadata().level().to_string());
        event.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn lifecycle_and_rejections_are_logged_without_secrets() {
    let collector = Collector::default();
    let key = [7u8; 32];
    let (token, page_id) = tracing::subscriber::with_default(collector.clone(), || {
        let app = Application::builder()
            .max_pages(1)
            .signing_key(SigningKey::from_bytes(&key).unwrap())
            .build()
            .unwrap();
        let t = common::placeholders("t", "x");
        let page = app.new_page(&t, ()).unwrap();
        let token = page.token();
        let _ = app.new_page(&t, ()); // limit reached
        let (msg, _) = token.rsplit_once('.').unwrap();
        let _ = app.get_page(&format!("{msg}.AAAA")); // bad signature
        page.rotate_token().unwrap();
        let _ = app.get_page(&token); // revoked
        let id = page.id().to_string();
        page.close();
        (token, id)
    });
    let lines = collector.0.lock().unwrap().clone();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(has("page created") && has(&page_id), "{lines:#?}");
    assert!(has("page limit reached"), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("token rejected") && l.contains("bad_signature")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("token rejected") && l.contains("revoked")),
        "{lines:#?}"
    );
    assert!(has("page closed"), "{lines:#?}");
    let key_hex = hex::encode(key);
    for l in &lines {
        for part in token.split('.') {
            assert!(!l.contains(part), "log line leaks the token: {l}");
        }
        assert!(!l.contains(&key_hex));
    }
}

// Only one test in this binary: tracing caches callsite interest process-wide,
// and a test running concurrently without a subscriber can race with it.
