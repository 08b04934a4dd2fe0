//! Metrics, the Prometheus text format, and the health check.

mod common;

use livetemplate::{Application, HealthStatus};
use serde_json::json;

#[test]
fn prometheus_output_reports_counters_gauges_and_latency() {
    let app = Application::builder().max_pages(10).build().unwrap();
    let t = common::placeholders("t", "{{.A}}");
    let pages: Vec<_> = (0..4)
        .map(|i| app.new_page(&t, json!({"A": i})).unwrap())
        .collect();
    for (i, p) in pages.iter().enumerate() {
        p.render_tree().unwrap();
        p.render_fragments(json!({"A": i + 10})).unwrap();
    }
    let closed_token = pages[0].token();
    pages[0].close();
    let _ = app.get_page("garbage");
    let _ = app.get_page(&closed_token);

    let m = app.metrics();
    assert_eq!(
        (
            m.pages_created,
            m.pages_closed,
            m.pages_active,
            m.updates_generated
        ),
        (4, 1, 3, 4)
    );
    assert_eq!(m.token_failures_for("malformed"), 1);
    assert_eq!(m.token_validation_failures(), 1);
    assert_eq!(m.errors_for("page_not_found"), 1);
    assert_eq!(m.errors_total(), 2);
    assert_eq!(m.memory_bytes as usize, app.memory_usage());

    let text = m.to_prometheus();
    let lines: Vec<&str> = text.lines().collect();
    for want in [
        "# TYPE livetemplate_pages_created_total counter",
        "livetemplate_pages_created_total 4",
        "livetemplate_pages_closed_total 1",
        "livetemplate_pages_active 3",
        "livetemplate_pages_max 10",
        "livetemplate_updates_generated_total 4",
        "# TYPE livetemplate_update_latency_seconds histogram",
        "livetemplate_update_latency_seconds_count 4",
        "livetemplate_update_latency_seconds_bucket{le=\"+Inf\"} 4",
        "livetemplate_token_validation_failures_total{reason=\"malformed\"} 1",
        "livetemplate_token_validation_failures_total{reason=\"bad_signature\"} 0",
        "livetemplate_errors_total{kind=\"page_not_found\"} 1",
        "# TYPE livetemplate_update_latency_p95_seconds gauge",
    ] {
        assert!(lines.contains(&want), "missing {want:?} in\n{text}");
    }
    assert!(lines.contains(&format!("livetemplate_memory_bytes {}", app.memory_usage()).as_str()));
    // Well-formed exposition: every sample line is `name{labels} number`, every
    // metric has HELP and TYPE, histogram buckets are cumulative.
    let mut last_bucket = 0u64;
    for line in &lines {
        if line.starts_with('#') {
            assert!(
                line.starts_with("# HELP livetemplate_")
                    || line.starts_with("# TYPE livetemplate_"),
                "{line}"
            );
            continue;
        }
        let (name, value) = line.rsplit_once(' ').unwrap();
        assert!(name.starts_with("livetemplate_"), "{line}");
        assert!(value == "NaN" || value.parse::<f64>().is_ok(), "{line}");
        if name.starts_with("livetemplate_update_latency_seconds_bucket") {
            let v: u64 = value.parse().unwrap();
            assert!(v >= last_bucket, "buckets are cumulative");
            last_bucket = v;
        }
    }
    let types = lines.iter().filter(|l| l.starts_with("# TYPE")).count();
    let helps = lines.iter().filter(|l| l.starts_with("# HELP")).count();
    assert_eq!(types, helps);
    assert_eq!(types, 12);
}

#[test]
fn namespace_and_disabled_metrics() {
    let mut config = livetemplate::Config::default();
    config.metrics.namespace = "shop".into();
    config.metrics.enabled = false;
    let app = Application::from_config(config).unwrap();
    let p = app
        .new_page(&common::placeholders("t", "{{.A}}"), json!({"A": 1}))
        .unwrap();
    p.render_fragments(json!({"A": 2})).unwrap();
    let m = app.metrics();
    assert_eq!((m.pages_created, m.updates_generated), (0, 0));
    assert_eq!(m.pages_active, 1, "gauges are live readings");
    assert!(m.to_prometheus().contains("shop_pages_active 1\n"));
    assert!(m.update_latency_p95().is_none());
    assert!(
        m.to_prometheus()
            .contains("shop_update_latency_p95_seconds NaN\n")
    );
}

#[test]
fn health_reports_page_limit_and_memory_state() {
    let app = Application::builder().max_pages(10).build().unwrap();
    let t = common::placeholders("t", "x");
    assert!(app.health().is_healthy());
    let pages: Vec<_> = (0..9).map(|_| app.new_page(&t, ()).unwrap()).collect();
    let h = app.health();
    assert_eq!(
        (h.status, h.pages, h.max_pages),
        (HealthStatus::Degraded, 9, 10)
    );
    let _last = app.new_page(&t, ()).unwrap();
    assert_eq!(app.health().status, HealthStatus::Unhealthy);
    for p in &pages {
        p.close();
    }
    assert!(app.health().is_healthy());
    // Memory: status follows the share of the budget in use.
    let small = Application::builder().memory_budget(4096).build().unwrap();
    let blob = common::placeholders("b", "{{.B}}");
    let mut held = Vec::new();
    while let Ok(p) = small.new_page(&blob, json!({"B": "x".repeat(100)})) {
        held.push(p);
        let h = small.health();
        let expect = if h.memory_bytes * 10 >= h.memory_budget * 9 {
            HealthStatus::Degraded
        } else {
            HealthStatus::Healthy
        };
        assert_eq!(h.status, expect, "{h:?}");
    }
    assert!(held.len() >= 2);
    let h = small.health();
    assert!(h.memory_bytes > 0 && h.memory_bytes <= 4096 && h.memory_budget == 4096);
}
