//! An in-process [`PageStore`]: a map behind a mutex.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{PageKey, PageStore, StoreError, StoreErrorKind, StoreResult, Update, Versioned};
use crate::clock::{Clock, SystemClock};

#[derive(Debug)]
struct Entry {
    version: u64,
    record: Vec<u8>,
    expires_ms: u64,
}

/// A [`PageStore`] in this process's memory.
///
/// Several applications of one process can share it (pass clones of one
/// `Arc`), which is how tests and benchmarks exercise resuming and
/// versioning without a server. Expired records are dropped when touched
/// (and by [`MemoryStore::purge_expired`]).
#[derive(Debug)]
pub struct MemoryStore {
    map: Mutex<HashMap<String, Entry>>,
    clock: Arc<dyn Clock>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

fn key_of(k: PageKey<'_>) -> String {
    format!("{}\u{0}{}", k.app_id, k.page_id)
}

fn deadline(now: u64, ttl: Duration) -> u64 {
    now.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
}

impl MemoryStore {
    /// An empty store on the system clock.
    pub fn new() -> Self {
        MemoryStore::with_clock(Arc::new(SystemClock))
    }

    /// An empty store whose TTLs follow `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        MemoryStore {
            map: Mutex::new(HashMap::new()),
            clock,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records held (expired ones included until purged).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every expired record; returns how many.
    pub fn purge_expired(&self) -> usize {
        let now = self.clock.now_millis();
        let mut map = self.lock();
        let before = map.len();
        map.retain(|_, e| e.expires_ms > now);
        before - map.len()
    }

    /// The live entry for `key`, dropping it if expired.
    fn live<'m>(map: &'m mut HashMap<String, Entry>, key: &str, now: u64) -> Option<&'m mut Entry> {
        if map.get(key).is_some_and(|e| e.expires_ms <= now) {
            map.remove(key);
        }
        map.get_mut(key)
    }
}

impl PageStore for MemoryStore {
    fn name(&self) -> &str {
        "memory"
    }

    fn create(&self, key: PageKey<'_>, record: &[u8], ttl: Duration) -> StoreResult<u64> {
        let now = self.clock.now_millis();
        let k = key_of(key);
        let mut map = self.lock();
        if Self::live(&mut map, &k, now).is_some() {
            return Err(StoreError::new(
                StoreErrorKind::Exists,
                "page id already stored",
            ));
        }
        map.insert(
            k,
            Entry {
                version: 1,
                record: record.to_vec(),
                expires_ms: deadline(now, ttl),
            },
        );
        Ok(1)
    }

    fn load(&self, key: PageKey<'_>, ttl: Duration) -> StoreResult<Option<Versioned>> {
        let now = self.clock.now_millis();
        let mut map = self.lock();
        Ok(Self::live(&mut map, &key_of(key), now).map(|e| {
            e.expires_ms = deadline(now, ttl);
            Versioned {
                version: e.version,
                record: e.record.clone(),
            }
        }))
    }

    fn update(
        &self,
        key: PageKey<'_>,
        expected: u64,
        record: &[u8],
        ttl: Duration,
    ) -> StoreResult<Update> {
        let now = self.clock.now_millis();
        let mut map = self.lock();
        let Some(e) = Self::live(&mut map, &key_of(key), now) else {
            return Ok(Update::Missing);
        };
        if e.version != expected {
            return Ok(Update::Conflict(e.version));
        }
        e.version += 1;
        e.record.clear();
        e.record.extend_from_slice(record);
        e.expires_ms = deadline(now, ttl);
        Ok(Update::Written(e.version))
    }

    fn delete(&self, key: PageKey<'_>) -> StoreResult<bool> {
        let now = self.clock.now_millis();
        let mut map = self.lock();
        let k = key_of(key);
        let live = Self::live(&mut map, &k, now).is_some();
        map.remove(&k);
        Ok(live)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn versions_conflicts_and_ttl() {
        let clock = Arc::new(ManualClock::new(1_000));
        let s = MemoryStore::with_clock(clock.clone());
        let k = PageKey {
            app_id: "a",
            page_id: "p",
        };
        let ttl = Duration::from_secs(10);
        assert_eq!(s.create(k, b"one", ttl), Ok(1));
        assert_eq!(
            s.create(k, b"x", ttl).unwrap_err().kind,
            StoreErrorKind::Exists
        );
        assert_eq!(s.update(k, 1, b"two", ttl), Ok(Update::Written(2)));
        assert_eq!(s.update(k, 1, b"lost", ttl), Ok(Update::Conflict(2)));
        let v = s.load(k, ttl).unwrap().unwrap();
        assert_eq!((v.version, v.record.as_slice()), (2, &b"two"[..]));
        clock.advance(Duration::from_secs(9));
        assert!(s.load(k, ttl).unwrap().is_some(), "load refreshes the TTL");
        clock.advance(Duration::from_secs(9));
        assert!(s.load(k, ttl).unwrap().is_some());
        clock.advance(Duration::from_secs(11));
        assert_eq!(s.load(k, ttl), Ok(None));
        assert_eq!(s.update(k, 2, b"late", ttl), Ok(Update::Missing));
        assert!(s.is_empty());
        assert_eq!(s.create(k, b"again", ttl), Ok(1));
        assert_eq!(s.delete(k), Ok(true));
        assert_eq!(s.delete(k), Ok(false));
    }
}
