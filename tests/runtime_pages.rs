//! Pages: rendering through the wire engine, isolation, limits, TTL, memory, close.

mod common;

use std::sync::Arc;
use std::time::Duration;

use livetemplate::core::wire::ClientModel;
use livetemplate::{Application, ErrorKind, ManualClock};
use serde_json::json;

fn clocked(clock: &Arc<ManualClock>) -> livetemplate::ApplicationBuilder {
    Application::builder().clock(clock.clone())
}

#[test]
fn zero_config_application_works() {
    let app = Application::new().unwrap();
    assert_eq!(app.config().page.max_pages, 1000);
    assert_eq!(app.config().page.ttl, Duration::from_secs(3600));
    assert_eq!(app.config().page.cleanup_interval, Duration::from_secs(300));
    assert_eq!(app.config().token.ttl, Duration::from_secs(86_400));
    let page = app
        .new_page(
            &common::placeholders("hello", "<b>{{.Name}}</b>"),
            json!({"Name": "<World>"}),
        )
        .unwrap();
    assert_eq!(page.render().unwrap(), "<b>&lt;World&gt;</b>");
    assert_eq!(app.page_count(), 1);
    assert_eq!(page.id().len(), 32);
    assert_ne!(
        Application::new().unwrap().id(),
        app.id(),
        "random ids per application"
    );
}

#[test]
fn tree_then_fragments_reproduce_the_html_on_the_client() {
    let app = Application::new().unwrap();
    let page = app
        .new_page(&common::todo_template(), common::todo(1, 5))
        .unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    assert_eq!(client.html().unwrap(), page.render().unwrap());

    let mut data = common::todo(1, 5);
    type Step = Box<dyn Fn(&mut common::Todo)>;
    let steps: Vec<Step> = vec![
        Box::new(|d| d.title = "Renamed".into()),
        Box::new(|d| d.items[2].done = true),
        Box::new(|d| {
            d.items.remove(0);
        }),
        Box::new(|d| d.items.reverse()),
        Box::new(|d| {
            d.items.push(common::TodoItem {
                id: 99,
                text: "new <task>".into(),
                done: false,
            });
        }),
        Box::new(|d| d.items.clear()),
    ];
    for step in steps {
        step(&mut data);
        let frags = page.render_fragments(&data).unwrap();
        assert_eq!(frags.len(), 1);
        let f = &frags[0];
        assert_eq!((f.strategy, f.action), ("tree_based", "update_tree"));
        assert!(f.id.starts_with("tree-") && f.id.len() == 21, "{}", f.id);
        assert!(
            !f.wire_json().contains("\"s\":[\"<main>"),
            "diff, not a full render: {}",
            f.wire_json()
        );
        client.apply_str(f.wire_json()).unwrap();
        assert_eq!(client.html().unwrap(), page.render().unwrap());
    }
    // Same data again: nothing to send.
    assert!(page.render_fragments(&data).unwrap().is_empty());
    assert_eq!(app.metrics().updates_generated, 7);
}

#[test]
fn fragment_ids_are_deterministic_per_template_and_diff() {
    let app = Application::new().unwrap();
    let t = common::placeholders("t", "<p>{{.A}}</p>");
    let p1 = app.new_page(&t, json!({"A": 1})).unwrap();
    let p2 = app.new_page(&t, json!({"A": 1})).unwrap();
    p1.render_tree().unwrap();
    p2.render_tree().unwrap();
    let f1 = p1.render_fragments(json!({"A": 2})).unwrap();
    let f2 = p2.render_fragments(json!({"A": 2})).unwrap();
    assert_eq!(f1[0].id, f2[0].id);
    assert_eq!(f1[0].wire_json(), r#"{"0":"2"}"#);
    let f3 = p1.render_fragments(json!({"A": 3})).unwrap();
    assert_ne!(f1[0].id, f3[0].id);
    let other = app
        .new_page(&common::placeholders("u", "<i>{{.A}}</i>"), json!({"A": 1}))
        .unwrap();
    other.render_tree().unwrap();
    assert_ne!(
        other.render_fragments(json!({"A": 2})).unwrap()[0].id,
        f1[0].id
    );
    // Without render_tree first, the fragment carries the full tree.
    let fresh = app.new_page(&t, json!({"A": 1})).unwrap();
    let full = fresh.render_fragments(json!({"A": 5})).unwrap();
    assert!(
        full[0].wire_json().contains("\"s\":"),
        "{}",
        full[0].wire_json()
    );
    let json = serde_json::to_value(&full[0]).unwrap();
    assert_eq!(json["strategy"], "tree_based");
    assert_eq!(json["data"]["0"], "5");
}

#[test]
fn set_data_defers_the_diff() {
    let app = Application::new().unwrap();
    let page = app
        .new_page(
            &common::placeholders("t", "{{.A}}-{{.B}}"),
            json!({"A": 1, "B": 1}),
        )
        .unwrap();
    page.render_tree().unwrap();
    page.set_data(json!({"A": 2, "B": 1})).unwrap();
    assert_eq!(page.render().unwrap(), "2-1");
    let f = page.render_fragments(json!({"A": 2, "B": 3})).unwrap();
    assert_eq!(f[0].wire_json(), r#"{"0":"2","1":"3"}"#);
}

#[test]
fn page_data_is_never_visible_from_another_page() {
    let app = Application::new().unwrap();
    let t = common::placeholders("t", "<p>{{.Secret}}</p>");
    let pages: Vec<_> = (0..50)
        .map(|i| {
            app.new_page(&t, json!({"Secret": format!("secret-{i}-")}))
                .unwrap()
        })
        .collect();
    for (i, p) in pages.iter().enumerate() {
        p.render_tree().unwrap();
        p.render_fragments(json!({"Secret": format!("updated-{i}-")}))
            .unwrap();
    }
    for (i, p) in pages.iter().enumerate() {
        let reopened = app.get_page(&p.token()).unwrap();
        let html = reopened.render().unwrap();
        assert_eq!(html, format!("<p>updated-{i}-</p>"));
        assert_eq!(
            reopened.render_tree().unwrap(),
            format!(r#"{{"s":["<p>","</p>"],"0":"updated-{i}-"}}"#)
        );
        for j in 0..50 {
            if j != i {
                assert!(!html.contains(&format!("-{j}-")));
            }
        }
    }
    // The same data object given to two pages is copied, not shared mutable state.
    let a = app.new_page(&t, json!({"Secret": "x"})).unwrap();
    let b = app.new_page(&t, json!({"Secret": "x"})).unwrap();
    a.set_data(json!({"Secret": "only-a"})).unwrap();
    assert_eq!(b.render().unwrap(), "<p>x</p>");
}

#[test]
fn max_pages_is_enforced_with_a_clear_error() {
    let app = Application::builder().max_pages(3).build().unwrap();
    let t = common::placeholders("t", "x");
    let pages: Vec<_> = (0..3).map(|_| app.new_page(&t, ()).unwrap()).collect();
    let err = app.new_page(&t, ()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PageLimitExceeded);
    assert_eq!(
        err.to_string(),
        "new_page: page limit exceeded (max_pages = 3)"
    );
    assert_eq!(app.page_count(), 3);
    for p in &pages {
        assert!(p.render().is_ok(), "existing pages are untouched");
    }
    pages[0].close();
    assert!(app.new_page(&t, ()).is_ok());
    assert_eq!(app.metrics().errors_for("page_limit_exceeded"), 1);
}

#[test]
fn idle_pages_expire_and_cleanup_removes_them() {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let app = clocked(&clock)
        .page_ttl(Duration::from_secs(60))
        .cleanup_interval(Duration::from_secs(30))
        .build()
        .unwrap();
    let t = common::placeholders("t", "{{.A}}");
    let idle = app.new_page(&t, json!({"A": 1})).unwrap();
    let busy = app.new_page(&t, json!({"A": 1})).unwrap();
    clock.advance(Duration::from_secs(40));
    busy.render().unwrap(); // an access
    assert!(!idle.is_expired(Duration::from_secs(60)));
    assert!(idle.is_expired(Duration::from_secs(39)));
    clock.advance(Duration::from_secs(21));
    assert!(idle.is_expired(Duration::from_secs(60)) && !busy.is_expired(Duration::from_secs(60)));
    assert_eq!(app.cleanup_expired_pages(), 1);
    assert!(idle.is_closed() && !busy.is_closed());
    assert_eq!(app.page_count(), 1);
    assert_eq!(idle.render().unwrap_err().kind(), ErrorKind::PageNotFound);
    let m = app.metrics();
    assert_eq!((m.pages_expired, m.pages_closed, m.pages_active), (1, 0, 1));
    // Opportunistic sweep: new_page after the interval removes the now-idle page.
    clock.advance(Duration::from_secs(61));
    let _fresh = app.new_page(&t, json!({"A": 2})).unwrap();
    assert!(busy.is_closed());
    assert_eq!(app.page_count(), 1);
}

#[test]
fn a_full_application_sweeps_expired_pages_before_refusing() {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let app = clocked(&clock)
        .max_pages(2)
        .page_ttl(Duration::from_secs(10))
        .cleanup_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    let t = common::placeholders("t", "x");
    app.new_page(&t, ()).unwrap();
    app.new_page(&t, ()).unwrap();
    clock.advance(Duration::from_secs(11));
    assert!(app.new_page(&t, ()).is_ok());
    assert_eq!(app.page_count(), 1);
}

#[test]
fn memory_budget_is_enforced_without_losing_pages() {
    let app = Application::builder()
        .memory_budget(64 * 1024)
        .build()
        .unwrap();
    let t = common::placeholders("t", "<p>{{.Blob}}</p>");
    let mut pages = Vec::new();
    let err = loop {
        match app.new_page(&t, json!({"Blob": "x".repeat(4000)})) {
            Ok(p) => pages.push(p),
            Err(e) => break e,
        }
        assert!(pages.len() < 100, "budget never reached");
    };
    assert_eq!(err.kind(), ErrorKind::MemoryBudgetExceeded);
    assert!(
        err.to_string()
            .starts_with("new_page: memory budget exceeded"),
        "{err}"
    );
    let used = app.memory_usage();
    assert!(used <= 64 * 1024, "{used}");
    assert_eq!(used, pages.iter().map(|p| p.memory_usage()).sum::<usize>());
    for p in &pages {
        assert!(p.render().unwrap().len() > 4000, "existing pages survive");
    }
    // Growing one page past the budget is refused and keeps its old data.
    let err = pages[0]
        .render_fragments(json!({"Blob": "y".repeat(60_000)}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MemoryBudgetExceeded);
    assert!(pages[0].render().unwrap().contains("xxxx"));
    // Shrinking frees budget.
    pages[0].set_data(json!({"Blob": ""})).unwrap();
    assert!(app.memory_usage() < used);
    let health = app.health();
    assert!(health.memory_bytes <= health.memory_budget);
}

#[test]
fn memory_per_page_tracks_data_and_client_state() {
    let app = Application::new().unwrap();
    let page = app
        .new_page(&common::todo_template(), common::todo(1, 2))
        .unwrap();
    let before = page.memory_usage();
    page.set_data(common::todo(1, 20)).unwrap();
    let with_data = page.memory_usage();
    assert!(with_data > before);
    page.render_tree().unwrap();
    assert!(page.memory_usage() > with_data, "client state is counted");
    assert_eq!(app.memory_usage(), page.memory_usage());
    page.close();
    assert_eq!(app.memory_usage(), 0);
    assert_eq!(page.memory_usage(), 0);
}

#[test]
fn closing_frees_everything() {
    let app = Application::new().unwrap();
    let t = common::todo_template();
    let pages: Vec<_> = (0..10)
        .map(|i| app.new_page(&t, common::todo(i, 3)).unwrap())
        .collect();
    pages[0].close();
    pages[0].close(); // idempotent
    assert_eq!(app.page_count(), 9);
    app.close();
    assert_eq!(app.page_count(), 0);
    assert_eq!(app.memory_usage(), 0);
    assert_eq!(app.registry_entries(), 0);
    assert!(pages.iter().all(|p| p.is_closed()));
    assert_eq!(
        pages[3].render().unwrap_err().kind(),
        ErrorKind::PageNotFound
    );
    let err = app.new_page(&t, common::todo(0, 1)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidApplication);
    let m = app.metrics();
    assert_eq!(
        (
            m.pages_created,
            m.pages_closed,
            m.pages_active,
            m.memory_bytes
        ),
        (10, 10, 0, 0)
    );
    assert_eq!(app.health().status, livetemplate::HealthStatus::Unhealthy);
}

#[test]
fn render_errors_are_data_invalid_with_operation() {
    let app = Application::new().unwrap();
    let page = app
        .new_page(&common::placeholders("t", "{{.A}}"), vec![1, 2])
        .unwrap();
    let err = page.render().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataInvalid);
    assert_eq!(err.operation(), "render");
    let err = page.render_fragments(vec![(1u8, u128::MAX)]).unwrap_err();
    assert_eq!(
        (err.kind(), err.operation()),
        (ErrorKind::DataInvalid, "render_fragments")
    );
    assert_eq!(app.metrics().errors_for("data_invalid"), 2);
}

#[test]
fn a_render_error_changes_nothing() {
    let app = Application::new().unwrap();
    let template = livetemplate::Template::html(
        "t",
        "<ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul><p>{{index .Items .At}}</p>",
    )
    .unwrap();
    let page = app
        .new_page(&template, json!({"Items": ["a", "b"], "At": 0}))
        .unwrap();
    let mut client = ClientModel::new();
    client.apply_str(&page.render_tree().unwrap()).unwrap();
    let (data, memory) = (page.data().unwrap(), app.memory_usage());
    // Larger data whose render fails: the data, the client state and the
    // memory accounting stay as they were.
    let err = page
        .render_fragments(json!({"Items": ["a", "b", "c", "d", "e"], "At": 7}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataInvalid);
    assert!(err.to_string().contains("index out of range"), "{err}");
    assert_eq!(page.data().unwrap(), data);
    assert_eq!(app.memory_usage(), memory);
    assert_eq!(
        page.render().unwrap(),
        "<ul><li>a</li><li>b</li></ul><p>a</p>"
    );
    // The next update diffs from what the client holds.
    let fragments = page
        .render_fragments(json!({"Items": ["a", "b", "d"], "At": 1}))
        .unwrap();
    client.apply_str(fragments[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), page.render().unwrap());
}
