//! 1000 pages updated from several threads at once, then all closed.

mod common;

use std::sync::Barrier;

use livetemplate::Application;

#[test]
fn thousand_pages_updated_concurrently_then_closed() {
    const PAGES: usize = 1000;
    const THREADS: usize = 8;
    const UPDATES: usize = 3;
    let app = Application::builder().max_pages(PAGES).build().unwrap();
    let template = common::todo_template();
    let barrier = Barrier::new(THREADS);

    // Each thread creates its share of pages, then all threads update all
    // pages (interleaved), reopening them by token.
    let tokens: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (app, template, barrier) = (&app, &template, &barrier);
                s.spawn(move || {
                    let mine: Vec<String> = (0..PAGES / THREADS)
                        .map(|i| {
                            let p = app
                                .new_page(template, common::todo(t * 1000 + i, 3))
                                .unwrap();
                            p.render_tree().unwrap();
                            p.token()
                        })
                        .collect();
                    barrier.wait();
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(app.page_count(), PAGES);
    assert!(
        app.new_page(&template, common::todo(0, 1)).is_err(),
        "limit holds exactly"
    );

    let all: Vec<&String> = tokens.iter().flatten().collect();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (app, all) = (&app, &all);
            s.spawn(move || {
                for round in 0..UPDATES {
                    // Every thread touches every page; thread t owns updates of pages i % THREADS == t.
                    for (i, token) in all.iter().enumerate() {
                        let page = app.get_page(token).unwrap();
                        if i % THREADS == t {
                            let frags = page
                                .render_fragments(common::todo(i, 3 + round as u32 + 1))
                                .unwrap();
                            assert_eq!(frags.len(), 1);
                        } else {
                            page.render().unwrap();
                        }
                    }
                }
            });
        }
    });

    let m = app.metrics();
    assert_eq!(m.pages_created, PAGES as u64);
    assert_eq!(m.pages_active, PAGES as u64);
    assert_eq!(m.updates_generated, (PAGES * UPDATES) as u64);
    assert_eq!(
        m.latency_buckets.iter().sum::<u64>(),
        (PAGES * UPDATES) as u64
    );
    assert_eq!(m.token_validation_failures(), 0);
    assert_eq!(m.errors_for("page_limit_exceeded"), 1);
    assert!(m.update_latency_p95().is_some());

    // Close all pages concurrently, half by token and page handle.
    std::thread::scope(|s| {
        for chunk in all.chunks(PAGES / THREADS) {
            let app = &app;
            s.spawn(move || {
                for token in chunk {
                    app.get_page(token).unwrap().close();
                }
            });
        }
    });
    let m = app.metrics();
    assert_eq!(app.page_count(), 0);
    assert_eq!(app.registry_entries(), 0);
    assert_eq!(app.memory_usage(), 0);
    assert_eq!(
        (m.pages_created, m.pages_closed, m.pages_expired),
        (PAGES as u64, PAGES as u64, 0)
    );
    assert_eq!((m.pages_active, m.memory_bytes), (0, 0));
    for token in &all {
        assert_eq!(
            app.get_page(token).unwrap_err().kind(),
            livetemplate::ErrorKind::PageNotFound
        );
    }
}

#[test]
fn concurrent_creation_never_exceeds_the_limit() {
    let app = Application::builder().max_pages(100).build().unwrap();
    let template = common::placeholders("t", "x");
    let created: usize = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    (0..50)
                        .filter(|_| app.new_page(&template, ()).is_ok())
                        .count()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(created, 100);
    assert_eq!(app.page_count(), 100);
    assert_eq!(app.metrics().errors_for("page_limit_exceeded"), 300);
}

#[test]
fn concurrent_close_and_update_leave_nothing_behind() {
    let app = Application::new().unwrap();
    let template = common::todo_template();
    let pages: Vec<_> = (0..200)
        .map(|i| app.new_page(&template, common::todo(i, 2)).unwrap())
        .collect();
    std::thread::scope(|s| {
        s.spawn(|| {
            for (i, p) in pages.iter().enumerate() {
                let _ = p.render_fragments(common::todo(i, 5));
            }
        });
        s.spawn(|| {
            for p in pages.iter().rev() {
                p.close();
            }
        });
    });
    assert_eq!(app.page_count(), 0);
    assert_eq!(app.memory_usage(), 0);
    assert_eq!(app.registry_entries(), 0);
}
