//! Pages resumable on any process through Redis (feature `redis`).
//!
//! These tests need a Redis server: `LIVETEMPLATE_TEST_REDIS_URL`
//! (`redis://127.0.0.1:PORT`) names it; without it they skip with a message.
//! The fault test starts its own `redis-server` (from `PATH`) so that it can
//! pause, kill and restart it.
//!
//! Run: `cargo test --features redis --test runtime_redis`.

/// Prints a skip notice once, past the test harness's output capture.
fn skip_notice(message: &str) {
    use std::io::Write;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "runtime_redis: SKIPPED: {message}");
    });
}

#[cfg(not(feature = "redis"))]
#[test]
fn redis_tests_need_the_redis_feature() {
    skip_notice(
        "the Redis tests need `--features redis` and LIVETEMPLATE_TEST_REDIS_URL=redis://127.0.0.1:PORT",
    );
}

#[cfg(feature = "redis")]
mod store_suite;

#[cfg(feature = "redis")]
mod redis_tests {
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use livetemplate::core::wire::ClientModel;
    use livetemplate::store::{RedisStore, RedisStoreOptions};
    use livetemplate::{Application, ErrorKind, PageStore, Template};

    use super::store_suite::*;

    const URL_VAR: &str = "LIVETEMPLATE_TEST_REDIS_URL";

    fn url() -> Option<String> {
        match std::env::var(URL_VAR) {
            Ok(u) if !u.is_empty() => Some(u),
            _ => {
                super::skip_notice(&format!(
                    "set {URL_VAR}=redis://127.0.0.1:PORT to run the Redis tests"
                ));
                None
            }
        }
    }

    fn store(url: &str) -> Arc<dyn PageStore> {
        let s = RedisStore::open(url).unwrap();
        s.ping().expect("the test Redis server answers");
        Arc::new(s)
    }

    #[test]
    fn redis_cross_process_resume() {
        let Some(url) = url() else { return };
        cross_process_resume(store(&url));
    }

    #[test]
    fn redis_tokens_across_processes() {
        let Some(url) = url() else { return };
        tokens_across_processes(store(&url));
    }

    #[test]
    fn redis_concurrent_updates_from_two_applications() {
        let Some(url) = url() else { return };
        concurrent_updates(store(&url), 1000);
    }

    #[test]
    fn redis_pages_expire_with_the_store_ttl() {
        let Some(url) = url() else { return };
        let id = app_id();
        let app = Application::builder()
            .id(&id)
            .store(Arc::new(RedisStore::open(&url).unwrap()))
            .page_ttl(Duration::from_secs(30))
            .build()
            .unwrap();
        let t = Template::html("todo", TODO).unwrap();
        let page = app.new_page(&t, todo(1, "ttl")).unwrap();
        let key = format!("livetemplate:{id}:{}", page.id());
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut c = client.get_connection().unwrap();
        let pttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut c).unwrap();
        assert!(pttl > 25_000 && pttl <= 30_000, "pttl {pttl}");
        // Expiry in Redis (forced here) makes the page vanish everywhere.
        let _: i64 = redis::cmd("PEXPIRE")
            .arg(&key)
            .arg(1)
            .query(&mut c)
            .unwrap();
        // Poll with EXISTS (a load would refresh the TTL).
        let deadline = Instant::now() + Duration::from_secs(5);
        while redis::cmd("EXISTS").arg(&key).query::<i64>(&mut c).unwrap() == 1 {
            assert!(Instant::now() < deadline, "key did not expire");
            std::thread::yield_now();
        }
        assert_eq!(
            page.render_fragments(todo(2, "late")).unwrap_err().kind(),
            ErrorKind::PageNotFound
        );
        assert_eq!(app.page_count(), 0);
    }

    /// Process B of `redis_two_os_processes`: resumes the page named by the
    /// environment and prints its diff. Run only by that test.
    #[test]
    #[ignore = "run by redis_two_os_processes as a separate OS process"]
    fn child_process_resume() {
        let (Ok(url), Ok(id), Ok(token)) = (
            std::env::var(URL_VAR),
            std::env::var("LT_CHILD_APP_ID"),
            std::env::var("LT_CHILD_TOKEN"),
        ) else {
            panic!("child_process_resume runs only under redis_two_os_processes");
        };
        let (app, _t) = node(&id, store(&url));
        let page = app.get_page(&token).unwrap();
        let f = page.render_fragments(todo(4, "from the child")).unwrap();
        println!("\nCHILD-WIRE {}", f[0].wire_json());
        println!("CHILD-VERSION {}", page.version());
    }

    #[test]
    fn redis_two_os_processes() {
        let Some(url) = url() else { return };
        let id = app_id();
        let (a, t) = node(&id, store(&url));
        let page = a.new_page(&t, todo(2, "parent")).unwrap();
        let mut client = ClientModel::new();
        client.apply_str(&page.render_tree().unwrap()).unwrap();
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "redis_tests::child_process_resume",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(URL_VAR, &url)
            .env("LT_CHILD_APP_ID", &id)
            .env("LT_CHILD_TOKEN", page.token())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let wire = stdout
            .lines()
            .find_map(|l| l.strip_prefix("CHILD-WIRE "))
            .expect("child printed its diff");
        // The same diff a single process computes.
        let solo = Application::new().unwrap();
        let ps = solo
            .new_page(&Template::html("todo", TODO).unwrap(), todo(2, "parent"))
            .unwrap();
        ps.render_tree().unwrap();
        let expected = ps.render_fragments(todo(4, "from the child")).unwrap();
        assert_eq!(wire, expected[0].wire_json());
        client.apply_str(wire).unwrap();
        // The parent sees the child's write.
        assert!(page.reload().unwrap());
        assert_eq!(page.version(), 3);
        assert_eq!(client.html().unwrap(), page.render().unwrap());
        page.close();
    }

    /// A redis-server of our own, so that it can be paused, killed and restarted.
    struct Server {
        child: Option<Child>,
        port: u16,
        dir: std::path::PathBuf,
    }

    impl Server {
        fn start(port: u16, dir: &std::path::Path) -> Option<Server> {
            let mut child = match Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args([
                    "--save",
                    "",
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                ])
                .arg("--dir")
                .arg(dir)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
            {
                Ok(c) => c,
                Err(e) => {
                    super::skip_notice(&format!("fault test: cannot run redis-server: {e}"));
                    return None;
                }
            };
            // Wait for readiness by reading its log (no sleeping).
            let stdout = child.stdout.take()?;
            let mut lines = BufReader::new(stdout).lines();
            let ready = lines
                .by_ref()
                .map_while(Result::ok)
                .any(|l| l.contains("Ready to accept connections"));
            assert!(ready, "redis-server did not start");
            std::thread::spawn(move || for _ in lines {});
            Some(Server {
                child: Some(child),
                port,
                dir: dir.to_path_buf(),
            })
        }

        fn url(&self) -> String {
            format!("redis://127.0.0.1:{}", self.port)
        }

        fn kill(&mut self) {
            if let Some(mut c) = self.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }

        fn restart(&mut self) {
            self.kill();
            let mut again = Server::start(self.port, &self.dir).expect("restart");
            self.child = again.child.take();
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.kill();
        }
    }

    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[test]
    fn redis_slow_stopped_and_restarted() {
        if url().is_none() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("lt-redis-fault-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let Some(mut server) = Server::start(free_port(), &dir) else {
            return;
        };
        let bound = Duration::from_millis(300);
        let options = RedisStoreOptions {
            connect_timeout: bound,
            response_timeout: bound,
            ..RedisStoreOptions::default()
        };
        let s: Arc<dyn PageStore> =
            Arc::new(RedisStore::with_options(&server.url(), options).unwrap());
        let id = app_id();
        let (app, t) = node(&id, Arc::clone(&s));
        let page = app.new_page(&t, todo(2, "one")).unwrap();
        let mut client = ClientModel::new();
        client.apply_str(&page.render_tree().unwrap()).unwrap();
        let f = page.render_fragments(todo(3, "two")).unwrap();
        client.apply_str(f[0].wire_json()).unwrap();
        assert_eq!(page.version(), 3);

        // Slow: the server holds every command for 2 s.
        let admin = redis::Client::open(server.url().as_str()).unwrap();
        let mut admin = admin.get_connection().unwrap();
        let _: () = redis::cmd("CLIENT")
            .arg("PAUSE")
            .arg(2000)
            .arg("ALL")
            .query(&mut admin)
            .unwrap();
        let before = (page.data().unwrap(), page.version(), page.memory_usage());
        let started = Instant::now();
        let e = page.render_fragments(todo(4, "slow")).unwrap_err();
        let took = started.elapsed();
        assert_eq!(e.kind(), ErrorKind::Store);
        assert!(
            e.to_string().contains("did not answer within 300 ms"),
            "{e}"
        );
        assert!(took < Duration::from_millis(1500), "bounded: {took:?}");
        assert_eq!(
            before,
            (page.data().unwrap(), page.version(), page.memory_usage())
        );
        let _: () = redis::cmd("CLIENT")
            .arg("UNPAUSE")
            .query(&mut admin)
            .unwrap();
        // The paused write ran when the pause ended (its outcome was
        // unknown to us): the next write conflicts, reloads and goes on.
        // The browser never got the "slow" diff: a reconnect sends a tree.
        let f = page.render_fragments(todo(5, "three")).unwrap();
        assert!(!f.is_empty());
        assert!(
            page.version() == 4 || page.version() == 5,
            "v{}",
            page.version()
        );
        let mut client = ClientModel::new();
        client.apply_str(&page.render_tree().unwrap()).unwrap();
        assert_eq!(client.html().unwrap(), page.render().unwrap());

        // Stopped: every operation fails fast with a clear error, and the
        // in-process state stays as it was.
        server.kill();
        let before = (page.data().unwrap(), page.version(), page.memory_usage());
        let started = Instant::now();
        let e = page.render_fragments(todo(6, "down")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Store);
        assert!(e.to_string().contains("redis"), "{e}");
        assert_eq!(
            app.get_page(&page.token()).unwrap_err().kind(),
            ErrorKind::Store
        );
        assert_eq!(
            app.new_page(&t, todo(1, "n")).unwrap_err().kind(),
            ErrorKind::Store
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            before,
            (page.data().unwrap(), page.version(), page.memory_usage())
        );
        assert_eq!(app.page_count(), 1);

        // Restarted (with its append-only file): work resumes by itself,
        // with diffs against what the client holds.
        server.restart();
        let f = page.render_fragments(todo(6, "back")).unwrap();
        client.apply_str(f[0].wire_json()).unwrap();
        assert_eq!(client.html().unwrap(), page.render().unwrap());
        assert_eq!(page.version(), before.1 + 1);
        // Another process resumes it after the restart.
        let (b, _) = node(&id, Arc::clone(&s));
        let pb = b.get_page(&page.token()).unwrap();
        assert_eq!(pb.version(), page.version());
        let f = pb.render_fragments(todo(1, "b")).unwrap();
        client.apply_str(f[0].wire_json()).unwrap();
        assert_eq!(client.html().unwrap(), pb.render().unwrap());
        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
