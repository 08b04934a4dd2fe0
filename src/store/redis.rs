//! A [`PageStore`] on Redis (feature `redis`).
//!
//! # Layout
//!
//! One hash per page, `{prefix}:{app_id}:{page_id}`, with fields `v` (the
//! version, a decimal integer) and `d` (the [`super::codec`] record), and a
//! Redis TTL (`PEXPIRE`) of the page TTL, refreshed by every load and
//! write: idle pages vanish without a sweeper.
//!
//! # Why Lua scripts rather than WATCH/MULTI
//!
//! Every operation is one server-side Lua script (`EVALSHA`), which Redis
//! runs atomically: the compare-and-set of [`PageStore::update`] reads the
//! version and writes version and record with a single `HSET`, so a record
//! is never written half and two writers can never both succeed on one
//! version. WATCH/MULTI/EXEC would need two more round trips per write and
//! a connection reserved between WATCH and EXEC, and would report a lost
//! race only as a failed EXEC, without the current version; a script gives
//! one round trip and an exact answer (written / conflict with version /
//! missing).
//!
//! # Failures and time bounds
//!
//! Connections are opened with a connect timeout (which also bounds the
//! handshake) and carry read and write timeouts, so every call returns
//! within about `connect_timeout + response_timeout` (plus one retry on a
//! fresh connection when a pooled one turns out dead, e.g. after a Redis
//! restart). A connection that saw any error is dropped, along with the
//! idle ones; the next call reconnects, so work resumes by itself when Redis
//! is back. A timed-out write has an unknown outcome; the runtime's next
//! compare-and-set reconciles it (see [`super`]).

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use redis::{Client, Connection, RedisError, RedisResult, Script};

use super::{PageKey, PageStore, StoreError, StoreErrorKind, StoreResult, Update, Versioned};

const CREATE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', '1', 'd', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
";

const LOAD: &str = r"
local r = redis.call('HMGET', KEYS[1], 'v', 'd')
if not r[1] or not r[2] then return false end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return r
";

const UPDATE: &str = r"
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return {-1, 0} end
if v ~= ARGV[1] then return {0, tonumber(v)} end
local nv = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'v', string.format('%d', nv), 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, nv}
";

/// Settings of a [`RedisStore`].
#[derive(Debug, Clone)]
pub struct RedisStoreOptions {
    /// Longest wait to open a connection, handshake included (default 1 s).
    pub connect_timeout: Duration,
    /// Longest wait for one reply, and for sending one request (default 1 s).
    pub response_timeout: Duration,
    /// Key prefix (default `"livetemplate"`).
    pub key_prefix: String,
    /// Idle connections kept for reuse (default 8).
    pub max_idle: usize,
}

impl Default for RedisStoreOptions {
    fn default() -> Self {
        RedisStoreOptions {
            connect_timeout: Duration::from_secs(1),
            response_timeout: Duration::from_secs(1),
            key_prefix: "livetemplate".into(),
            max_idle: 8,
        }
    }
}

/// A [`PageStore`] on a Redis server (see the module docs).
pub struct RedisStore {
    client: Client,
    options: RedisStoreOptions,
    idle: Mutex<Vec<Connection>>,
    create: Script,
    load: Script,
    update: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: show only the options.
        f.debug_struct("RedisStore")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisStore {
    /// A store on the server at `url` (`redis://host:port/db`) with default
    /// options. Does not connect yet (see [`RedisStore::ping`]).
    pub fn open(url: &str) -> StoreResult<RedisStore> {
        RedisStore::with_options(url, RedisStoreOptions::default())
    }

    /// A store on the server at `url` with `options`.
    pub fn with_options(url: &str, options: RedisStoreOptions) -> StoreResult<RedisStore> {
        let client = Client::open(url).map_err(|e| {
            // The message of a URL error does not echo the URL.
            StoreError::new(
                StoreErrorKind::Protocol,
                format!("invalid redis URL ({:?})", e.kind()),
            )
        })?;
        Ok(RedisStore {
            client,
            options,
            idle: Mutex::new(Vec::new()),
            create: Script::new(CREATE),
            load: Script::new(LOAD),
            update: Script::new(UPDATE),
        })
    }

    /// Checks that the server answers (within the timeouts).
    pub fn ping(&self) -> StoreResult<()> {
        self.run(|c| redis::cmd("PING").query::<String>(c).map(|_| ()))
    }

    /// The options in force.
    pub fn options(&self) -> &RedisStoreOptions {
        &self.options
    }

    fn key(&self, k: PageKey<'_>) -> String {
        format!("{}:{}:{}", self.options.key_prefix, k.app_id, k.page_id)
    }

    fn connect(&self) -> StoreResult<Connection> {
        let c = self
            .client
            .get_connection_with_timeout(self.options.connect_timeout)
            .map_err(|e| self.error(&e, "connect"))?;
        let t = Some(self.options.response_timeout);
        c.set_read_timeout(t)
            .and_then(|()| c.set_write_timeout(t))
            .map_err(|e| self.error(&e, "connect"))?;
        Ok(c)
    }

    fn error(&self, e: &RedisError, during: &str) -> StoreError {
        if e.is_timeout() {
            let ms = if during == "connect" {
                self.options.connect_timeout.as_millis()
            } else {
                self.options.response_timeout.as_millis()
            };
            StoreError::new(
                StoreErrorKind::Timeout,
                format!("redis did not answer within {ms} ms ({during})"),
            )
        } else if e.is_io_error() || e.is_connection_refusal() || e.is_connection_dropped() {
            StoreError::new(
                StoreErrorKind::Unavailable,
                format!("redis unreachable ({during}): {e}"),
            )
        } else {
            StoreError::new(
                StoreErrorKind::Protocol,
                format!("redis error ({during}): {e}"),
            )
        }
    }

    /// Runs `f` on a pooled or new connection. A pooled connection that
    /// turns out dead (not timed out) is replaced once by a fresh one: the
    /// request never reached a live server, so repeating it is safe.
    fn run<T>(&self, mut f: impl FnMut(&mut Connection) -> RedisResult<T>) -> StoreResult<T> {
        let pooled = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let fresh = pooled.is_none();
        let mut conn = match pooled {
            Some(c) => c,
            None => self.connect()?,
        };
        match f(&mut conn) {
            Ok(v) => {
                self.give_back(conn);
                Ok(v)
            }
            Err(e) => {
                drop(conn);
                self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
                let dead = !e.is_timeout() && (e.is_io_error() || e.is_connection_dropped());
                if fresh || !dead {
                    return Err(self.error(&e, "request"));
                }
                let mut conn = self.connect()?;
                let v = f(&mut conn).map_err(|e| self.error(&e, "request"))?;
                self.give_back(conn);
                Ok(v)
            }
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.options.max_idle {
            idle.push(conn);
        }
    }
}

impl PageStore for RedisStore {
    fn name(&self) -> &str {
        "redis"
    }

    fn create(&self, key: PageKey<'_>, record: &[u8], ttl: Duration) -> StoreResult<u64> {
        let k = self.key(key);
        let created: i64 =
            self.run(|c| self.create.key(&k).arg(record).arg(millis(ttl)).invoke(c))?;
        if created == 1 {
            Ok(1)
        } else {
            Err(StoreError::new(
                StoreErrorKind::Exists,
                "page id already stored",
            ))
        }
    }

    fn load(&self, key: PageKey<'_>, ttl: Duration) -> StoreResult<Option<Versioned>> {
        let k = self.key(key);
        let got: Option<(u64, Vec<u8>)> =
            self.run(|c| self.load.key(&k).arg(millis(ttl)).invoke(c))?;
        Ok(got.map(|(version, record)| Versioned { version, record }))
    }

    fn update(
        &self,
        key: PageKey<'_>,
        expected: u64,
        record: &[u8],
        ttl: Duration,
    ) -> StoreResult<Update> {
        let k = self.key(key);
        let (status, version): (i64, u64) = self.run(|c| {
            self.update
                .key(&k)
                .arg(expected)
                .arg(record)
                .arg(millis(ttl))
                .invoke(c)
        })?;
        match status {
            1 => Ok(Update::Written(version)),
            0 => Ok(Update::Conflict(version)),
            -1 => Ok(Update::Missing),
            s => Err(StoreError::new(
                StoreErrorKind::Protocol,
                format!("unexpected update status {s}"),
            )),
        }
    }

    fn delete(&self, key: PageKey<'_>) -> StoreResult<bool> {
        let k = self.key(key);
        let n: i64 = self.run(|c| redis::cmd("DEL").arg(&k).query(c))?;
        Ok(n > 0)
    }
}
