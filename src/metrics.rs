//! Built-in counters and gauges, the Prometheus text format, and the health check.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{ErrorKind, TokenRejection};

/// Upper bounds (microseconds) of the update latency histogram buckets.
pub const LATENCY_BUCKETS_US: [u64; 16] = [
    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
    1_000_000, 5_000_000,
];

/// Live metrics of one application (lock-free atomics).
#[derive(Debug)]
pub(crate) struct Metrics {
    enabled: bool,
    pages_created: AtomicU64,
    pages_closed: AtomicU64,
    pages_expired: AtomicU64,
    updates_generated: AtomicU64,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS_US.len() + 1],
    latency_sum_us: AtomicU64,
    token_failures: [AtomicU64; TokenRejection::ALL.len() + 1],
    errors: [AtomicU64; ErrorKind::ALL.len()],
}

fn zeros<const N: usize>() -> [AtomicU64; N] {
    std::array::from_fn(|_| AtomicU64::new(0))
}

impl Metrics {
    pub(crate) fn new(enabled: bool) -> Self {
        Metrics {
            enabled,
            pages_created: AtomicU64::new(0),
            pages_closed: AtomicU64::new(0),
            pages_expired: AtomicU64::new(0),
            updates_generated: AtomicU64::new(0),
            latency_buckets: zeros(),
            latency_sum_us: AtomicU64::new(0),
            token_failures: zeros(),
            errors: zeros(),
        }
    }

    fn inc(&self, c: &AtomicU64) {
        if self.enabled {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn page_created(&self) {
        self.inc(&self.pages_created);
    }

    pub(crate) fn page_closed(&self) {
        self.inc(&self.pages_closed);
    }

    pub(crate) fn page_expired(&self) {
        self.inc(&self.pages_expired);
    }

    pub(crate) fn update(&self, latency: Duration) {
        if !self.enabled {
            return;
        }
        self.updates_generated.fetch_add(1, Ordering::Relaxed);
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let idx = LATENCY_BUCKETS_US
            .iter()
            .position(|&b| us <= b)
            .unwrap_or(LATENCY_BUCKETS_US.len());
        self.latency_buckets[idx].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us.fetch_add(us, Ordering::Relaxed);
    }

    /// Counts an error; token rejections are also counted by reason.
    pub(crate) fn error(&self, e: &crate::Error) {
        if !self.enabled {
            return;
        }
        let kind = e.kind();
        if let Some(i) = ErrorKind::ALL.iter().position(|k| *k == kind) {
            self.errors[i].fetch_add(1, Ordering::Relaxed);
        }
        match (kind, e.token_rejection()) {
            (_, Some(r)) => {
                if let Some(i) = TokenRejection::ALL.iter().position(|x| *x == r) {
                    self.token_failures[i].fetch_add(1, Ordering::Relaxed);
                }
            }
            (ErrorKind::TokenExpired, None) => {
                self.token_failures[TokenRejection::ALL.len()].fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }

    pub(crate) fn snapshot(&self, gauges: Gauges, namespace: &str) -> MetricsSnapshot {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut token_failures: Vec<(&'static str, u64)> = TokenRejection::ALL
            .iter()
            .zip(&self.token_failures)
            .map(|(r, c)| (r.as_str(), load(c)))
            .collect();
        token_failures.push((
            "expired",
            load(&self.token_failures[TokenRejection::ALL.len()]),
        ));
        MetricsSnapshot {
            namespace: namespace.to_string(),
            pages_created: load(&self.pages_created),
            pages_closed: load(&self.pages_closed),
            pages_expired: load(&self.pages_expired),
            pages_active: gauges.pages_active as u64,
            max_pages: gauges.max_pages as u64,
            memory_bytes: gauges.memory_bytes as u64,
            memory_budget_bytes: gauges.memory_budget as u64,
            updates_generated: load(&self.updates_generated),
            latency_buckets: self.latency_buckets.iter().map(load).collect(),
            latency_sum_us: load(&self.latency_sum_us),
            token_failures,
            errors: ErrorKind::ALL
                .iter()
                .zip(&self.errors)
                .map(|(k, c)| (k.as_str(), load(c)))
                .collect(),
        }
    }
}

/// Gauge readings taken from the application when a snapshot is made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gauges {
    pub(crate) pages_active: usize,
    pub(crate) max_pages: usize,
    pub(crate) memory_bytes: usize,
    pub(crate) memory_budget: usize,
}

/// A consistent-enough copy of an application's metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsSnapshot {
    /// Metric name prefix.
    pub namespace: String,
    /// Pages ever created.
    pub pages_created: u64,
    /// Pages closed (by `Page::close`, `Application::close`).
    pub pages_closed: u64,
    /// Pages removed by TTL cleanup.
    pub pages_expired: u64,
    /// Pages currently held.
    pub pages_active: u64,
    /// The page limit.
    pub max_pages: u64,
    /// Estimated bytes held by all pages.
    pub memory_bytes: u64,
    /// The memory budget.
    pub memory_budget_bytes: u64,
    /// Updates (diffs) generated by `render_fragments`.
    pub updates_generated: u64,
    /// Update latency histogram: counts per bucket of [`LATENCY_BUCKETS_US`], then `+Inf`.
    pub latency_buckets: Vec<u64>,
    /// Sum of update latencies (µs).
    pub latency_sum_us: u64,
    /// Token validation failures by reason (`expired` last).
    pub token_failures: Vec<(&'static str, u64)>,
    /// Errors by kind.
    pub errors: Vec<(&'static str, u64)>,
}

impl MetricsSnapshot {
    /// Total token validation failures.
    pub fn token_validation_failures(&self) -> u64 {
        self.token_failures.iter().map(|(_, n)| n).sum()
    }

    /// Token validation failures for one reason label (`"bad_signature"`, `"expired"`, ...).
    pub fn token_failures_for(&self, reason: &str) -> u64 {
        self.token_failures
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or(0, |(_, n)| *n)
    }

    /// Total errors.
    pub fn errors_total(&self) -> u64 {
        self.errors.iter().map(|(_, n)| n).sum()
    }

    /// Errors of one kind label (`"page_not_found"`, ...).
    pub fn errors_for(&self, kind: &str) -> u64 {
        self.errors
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// Estimated 95th percentile of update latency, from the histogram
    /// (linear interpolation inside the bucket); `None` without updates.
    pub fn update_latency_p95(&self) -> Option<Duration> {
        let total: u64 = self.latency_buckets.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (total * 95).div_ceil(100);
        let mut seen = 0;
        for (i, &n) in self.latency_buckets.iter().enumerate() {
            if seen + n >= rank {
                let lo = if i == 0 { 0 } else { LATENCY_BUCKETS_US[i - 1] };
                let Some(&hi) = LATENCY_BUCKETS_US.get(i) else {
                    return Some(Duration::from_micros(lo));
                };
                let frac = (rank - seen) as f64 / n as f64;
                return Some(Duration::from_micros(lo + ((hi - lo) as f64 * frac) as u64));
            }
            seen += n;
        }
        None
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn to_prometheus(&self) -> String {
        let ns = &self.namespace;
        let mut out = String::with_capacity(4096);
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, String)]| {
            let _ = writeln!(out, "# HELP {ns}_{name} {help}");
            let _ = writeln!(out, "# TYPE {ns}_{name} {kind}");
            for (suffix_labels, value) in samples {
                let _ = writeln!(out, "{ns}_{name}{suffix_labels} {value}");
            }
        };
        let one = |v: u64| vec![(String::new(), v.to_string())];
        metric(
            "pages_created_total",
            "counter",
            "Pages created.",
            &one(self.pages_created),
        );
        metric(
            "pages_closed_total",
            "counter",
            "Pages closed.",
            &one(self.pages_closed),
        );
        metric(
            "pages_expired_total",
            "counter",
            "Pages removed after their TTL.",
            &one(self.pages_expired),
        );
        metric(
            "pages_active",
            "gauge",
            "Pages currently held.",
            &one(self.pages_active),
        );
        metric(
            "pages_max",
            "gauge",
            "The page limit.",
            &one(self.max_pages),
        );
        metric(
            "memory_bytes",
            "gauge",
            "Estimated bytes held by pages.",
            &one(self.memory_bytes),
        );
        metric(
            "memory_budget_bytes",
            "gauge",
            "The memory budget.",
            &one(self.memory_budget_bytes),
        );
        metric(
            "updates_generated_total",
            "counter",
            "Updates generated.",
            &one(self.updates_generated),
        );

        let mut hist = Vec::new();
        let mut cumulative = 0;
        for (i, n) in self.latency_buckets.iter().enumerate() {
            cumulative += n;
            let le = LATENCY_BUCKETS_US
                .get(i)
                .map_or("+Inf".to_string(), |us| fmt_secs(*us));
            hist.push((format!("_bucket{{le=\"{le}\"}}"), cumulative.to_string()));
        }
        hist.push(("_sum".to_string(), fmt_secs(self.latency_sum_us)));
        hist.push(("_count".to_string(), cumulative.to_string()));
        metric(
            "update_latency_seconds",
            "histogram",
            "Time to compute an update.",
            &hist,
        );
        let p95 = self
            .update_latency_p95()
            .map_or("NaN".to_string(), |d| fmt_secs(d.as_micros() as u64));
        metric(
            "update_latency_p95_seconds",
            "gauge",
            "Estimated p95 update latency.",
            &[(String::new(), p95)],
        );

        let by = |label: &str, v: &[(&'static str, u64)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(k, n)| (format!("{{{label}=\"{k}\"}}"), n.to_string()))
                .collect()
        };
        metric(
            "token_validation_failures_total",
            "counter",
            "Token validations that failed, by reason.",
            &by("reason", &self.token_failures),
        );
        metric(
            "errors_total",
            "counter",
            "Errors returned, by kind.",
            &by("kind", &self.errors),
        );
        out
    }
}

/// Microseconds as seconds with 6 decimals, trailing zeros trimmed.
fn fmt_secs(us: u64) -> String {
    let s = format!("{}.{:06}", us / 1_000_000, us % 1_000_000);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Overall health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthStatus {
    /// Below 90% of the page limit and of the memory budget.
    Healthy,
    /// At or above 90% of either limit.
    Degraded,
    /// A limit is reached (new pages are refused) or the application is closed.
    Unhealthy,
}

/// The health check's report.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// Overall status.
    pub status: HealthStatus,
    /// Pages held.
    pub pages: usize,
    /// Page limit.
    pub max_pages: usize,
    /// Estimated bytes held.
    pub memory_bytes: usize,
    /// Memory budget.
    pub memory_budget: usize,
    /// Whether the application is closed.
    pub closed: bool,
}

impl Health {
    pub(crate) fn assess(
        pages: usize,
        max_pages: usize,
        memory_bytes: usize,
        memory_budget: usize,
        closed: bool,
    ) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let worst = ratio(pages, max_pages).max(ratio(memory_bytes, memory_budget));
        let status = if closed || worst >= 1.0 {
            HealthStatus::Unhealthy
        } else if worst >= 0.9 {
            HealthStatus::Degraded
        } else {
            HealthStatus::Healthy
        };
        Health {
            status,
            pages,
            max_pages,
            memory_bytes,
            memory_budget,
            closed,
        }
    }

    /// Whether the status is [`HealthStatus::Healthy`].
    pub fn is_healthy(&self) -> bool {
        self.status == HealthStatus::Healthy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_interpolates_in_bucket() {
        let m = Metrics::new(true);
        for _ in 0..95 {
            m.update(Duration::from_micros(5));
        }
        for _ in 0..5 {
            m.update(Duration::from_millis(3));
        }
        let s = m.snapshot(
            Gauges {
                pages_active: 0,
                max_pages: 1,
                memory_bytes: 0,
                memory_budget: 1,
            },
            "x",
        );
        assert_eq!(s.update_latency_p95(), Some(Duration::from_micros(10)));
        assert_eq!(s.updates_generated, 100);
    }

    #[test]
    fn seconds_formatting() {
        assert_eq!(fmt_secs(10), "0.00001");
        assert_eq!(fmt_secs(1_000_000), "1");
        assert_eq!(fmt_secs(2_500), "0.0025");
        assert_eq!(fmt_secs(0), "0");
    }

    #[test]
    fn health_levels() {
        assert_eq!(
            Health::assess(10, 100, 0, 100, false).status,
            HealthStatus::Healthy
        );
        assert_eq!(
            Health::assess(90, 100, 0, 100, false).status,
            HealthStatus::Degraded
        );
        assert_eq!(
            Health::assess(1, 100, 100, 100, false).status,
            HealthStatus::Unhealthy
        );
        assert_eq!(
            Health::assess(1, 100, 1, 100, true).status,
            HealthStatus::Unhealthy
        );
    }
}
