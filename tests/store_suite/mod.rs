//! Scenarios every page store must pass, run against the in-process
//! `MemoryStore` (tests/runtime_store.rs) and Redis (tests/runtime_redis.rs).
//!
//! "Two processes" are two applications with separate memory that share
//! only what separate processes would: the signing key, the application
//! id, the store and the template sources (each compiles its own copy).

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use livetemplate::core::value::Value;
use livetemplate::core::wire::ClientModel;
use livetemplate::{Application, ErrorKind, PageStore, SigningKey, Template, TokenRejection};
use serde::Serialize;

pub const TODO: &str = r#"<h1>{{.Title}}</h1>{{if .Owner}}<p>by {{.Owner.Name}} ({{.Owner.Age}})</p>{{else}}<p>nobody</p>{{end}}
<ul>{{range .Items}}<li data-key="{{.ID}}" class="{{if .Done}}done{{end}}">{{.Text}} #{{.ID}} {{printf "%T" .ID}}</li>{{end}}</ul>
<span>{{.Count}} {{printf "%T %v" .Ratio .Ratio}} {{.Raw}}</span>"#;

#[derive(Serialize, Clone, Debug)]
pub struct Owner {
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(rename = "Age")]
    pub age: u8,
}

#[derive(Serialize, Clone, Debug)]
pub struct Item {
    #[serde(rename = "ID")]
    pub id: u64,
    #[serde(rename = "Text")]
    pub text: String,
    #[serde(rename = "Done")]
    pub done: bool,
}

#[derive(Serialize, Clone, Debug)]
pub struct Todo {
    #[serde(rename = "Title")]
    pub title: String,
    #[serde(rename = "Owner")]
    pub owner: Option<Owner>,
    #[serde(rename = "Items")]
    pub items: Vec<Item>,
    #[serde(rename = "Count")]
    pub count: i64,
    #[serde(rename = "Ratio")]
    pub ratio: f64,
    #[serde(rename = "Raw")]
    pub raw: String,
}

pub fn todo(n: u64, title: &str) -> Todo {
    Todo {
        title: title.into(),
        owner: Some(Owner {
            name: "Ann".into(),
            age: 41,
        }),
        items: (1..=n)
            .map(|i| Item {
                id: i,
                text: format!("item <{i}>"),
                done: i % 2 == 0,
            })
            .collect(),
        count: -(n as i64),
        ratio: 0.5,
        raw: "a&b".into(),
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42u8; 32]).unwrap()
}

static NEXT_APP: AtomicU64 = AtomicU64::new(0);

/// A fresh application id (several test runs may share one Redis).
pub fn app_id() -> String {
    let mut r = [0u8; 8];
    for (i, b) in r.iter_mut().enumerate() {
        *b = (std::process::id() as u8).wrapping_add(i as u8);
    }
    format!(
        "test-{}-{}-{}",
        std::process::id(),
        NEXT_APP.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

/// One "process": an application on `store` with its own compiled template.
pub fn node(id: &str, store: Arc<dyn PageStore>) -> (Application, Template) {
    let app = Application::builder()
        .id(id)
        .signing_key(key())
        .store(store)
        .build()
        .unwrap();
    let t = Template::html("todo", TODO).unwrap();
    app.register_template(&t);
    (app, t)
}

/// Process A creates a page and sends a tree; process B resumes it and
/// produces the diffs an in-process page would, which the client applies.
pub fn cross_process_resume(store: Arc<dyn PageStore>) {
    let id = app_id();
    let (a, ta) = node(&id, Arc::clone(&store));
    let (b, _tb) = node(&id, Arc::clone(&store));
    // The reference: one process, no store.
    let solo = Application::new().unwrap();
    let ts = Template::html("todo", TODO).unwrap();

    let pa = a.new_page(&ta, todo(3, "first")).unwrap();
    let ps = solo.new_page(&ts, todo(3, "first")).unwrap();
    assert_eq!(pa.version(), 1);
    let mut client = ClientModel::new();
    let tree = pa.render_tree().unwrap();
    assert_eq!(tree, ps.render_tree().unwrap());
    client.apply_str(&tree).unwrap();
    assert_eq!(pa.version(), 2);

    // B has never seen the page: it resumes it from the store.
    assert_eq!(b.page_count(), 0);
    let pb = b.get_page(&pa.token()).unwrap();
    assert_eq!(pb.id(), pa.id());
    assert_eq!(b.page_count(), 1);
    assert_eq!(pb.version(), 2);
    // The data round-tripped exactly (uint vs int, struct types, floats).
    assert_eq!(pb.data().unwrap(), pa.data().unwrap());
    assert_eq!(pb.render().unwrap(), pa.render().unwrap());

    let mut d = todo(3, "second");
    d.items[1].done = true;
    d.items.push(Item {
        id: 9,
        text: "new".into(),
        done: false,
    });
    d.owner = None;
    let fb = pb.render_fragments(d.clone()).unwrap();
    let fs = ps.render_fragments(d.clone()).unwrap();
    assert_eq!(fb.len(), 1);
    assert_eq!(
        fb[0].wire_json(),
        fs[0].wire_json(),
        "B's diff is the one-process diff"
    );
    assert!(
        !fb[0].wire_json().contains("\"s\":[\"<h1>"),
        "a diff, not a full tree: {}",
        fb[0].wire_json()
    );
    client.apply_str(fb[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), pb.render().unwrap());
    assert_eq!(pb.version(), 3);

    // Back to A: its copy is stale; the write conflicts, A reloads and
    // diffs against what the client now holds (B's last tree).
    let d2 = todo(2, "third");
    let fa = pa.render_fragments(d2.clone()).unwrap();
    let fs = ps.render_fragments(d2.clone()).unwrap();
    assert_eq!(fa[0].wire_json(), fs[0].wire_json());
    client.apply_str(fa[0].wire_json()).unwrap();
    assert_eq!(client.html().unwrap(), pa.render().unwrap());
    assert_eq!(pa.version(), 4);

    // Nothing changed: no fragment, still a write (the data is the same).
    assert!(pb.render_fragments(d2).unwrap().is_empty());

    // A third process that never registered the template cannot resume.
    let c = Application::builder()
        .id(&id)
        .signing_key(key())
        .store(Arc::clone(&store))
        .build()
        .unwrap();
    let e = c.get_page(&pa.token()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TemplateInvalid);
    assert!(e.to_string().contains("not registered"), "{e}");

    pa.close();
    assert_eq!(
        b.get_page(&pb.token()).unwrap_err().kind(),
        ErrorKind::PageNotFound
    );
    assert_eq!(b.page_count(), 0, "B dropped its stale copy");
}

/// Token state travels with the page: a rotation in A revokes the old
/// token in B; tokens of another application id are refused.
pub fn tokens_across_processes(store: Arc<dyn PageStore>) {
    let id = app_id();
    let (a, ta) = node(&id, Arc::clone(&store));
    let (b, _) = node(&id, Arc::clone(&store));
    let page = a.new_page(&ta, todo(1, "t")).unwrap();
    let old = page.token();
    let pb = b.get_page(&old).unwrap();
    let new = page.rotate_token().unwrap();
    let e = b.get_page(&old).unwrap_err();
    assert_eq!(e.token_rejection(), Some(TokenRejection::Revoked));
    // B's copy learns the new nonce when it reloads.
    assert!(pb.reload().unwrap());
    assert_eq!(pb.token(), new);
    assert_eq!(b.get_page(&new).unwrap().id(), page.id());
    let (other, _) = node(&app_id(), Arc::clone(&store));
    assert_eq!(
        other.get_page(&new).unwrap_err().token_rejection(),
        Some(TokenRejection::ForeignApplication)
    );
    // Closing the application keeps the page for other processes.
    a.close();
    assert!(b.get_page(&new).is_ok());
    page.close(); // a closed application's page: already dropped locally, stays stored
    assert!(b.get_page(&new).is_ok());
    b.get_page(&new).unwrap().close();
    assert_eq!(
        b.get_page(&new).unwrap_err().kind(),
        ErrorKind::PageNotFound
    );
}

/// Two applications update one page concurrently, `per_app` times each.
/// No update is lost: versions are 2..=2*per_app+1, each exactly once,
/// and the stored state is the write with the highest version.
pub fn concurrent_updates(store: Arc<dyn PageStore>, per_app: u64) {
    let id = app_id();
    let (a, ta) = node(&id, Arc::clone(&store));
    let (b, _) = node(&id, Arc::clone(&store));
    let page = a.new_page(&ta, todo(2, "start")).unwrap();
    page.render_tree().unwrap();
    let token = page.token();
    let pb = b.get_page(&token).unwrap();
    let run = |p: livetemplate::Page, who: &'static str| {
        std::thread::spawn(move || {
            let mut seen = Vec::with_capacity(per_app as usize);
            for i in 0..per_app {
                let title = format!("{who}-{i}");
                p.render_fragments(todo(1 + i % 4, &title)).unwrap();
                seen.push((p.version(), title));
            }
            seen
        })
    };
    let ha = run(page.clone(), "a");
    let hb = run(pb.clone(), "b");
    let mut all = ha.join().unwrap();
    all.extend(hb.join().unwrap());
    all.sort();
    let versions: Vec<u64> = all.iter().map(|(v, _)| *v).collect();
    let expected: Vec<u64> = (3..=2 * per_app + 2).collect();
    assert_eq!(versions, expected, "every write got its own version");
    let (last_version, last_title) = all.last().unwrap().clone();

    // A fresh process sees exactly the last write.
    let (c, _) = node(&id, Arc::clone(&store));
    let pc = c.get_page(&token).unwrap();
    assert_eq!(pc.version(), last_version);
    let title = pc.data().unwrap().field("Title").cloned();
    assert_eq!(title, Some(Value::str(&last_title)));
    // Its client state is consistent with that data: nothing to send.
    let last_n = 1 + last_title
        .rsplit('-')
        .next()
        .unwrap()
        .parse::<u64>()
        .unwrap()
        % 4;
    assert!(
        pc.render_fragments(todo(last_n, &last_title))
            .unwrap()
            .is_empty()
    );
    pc.close();
}
