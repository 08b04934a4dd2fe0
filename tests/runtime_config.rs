//! Configuration: TOML/JSON loading, defaults, validation naming the bad field.

use std::time::Duration;

use livetemplate::{Application, Config, Error, ErrorKind};

fn field_of(e: Error) -> String {
    match e {
        Error::Config { field, .. } => field,
        other => panic!("not a config error: {other}"),
    }
}

#[test]
fn empty_documents_give_the_defaults() {
    assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
    assert_eq!(Config::from_json_str("{}").unwrap(), Config::default());
    let d = Config::default();
    assert_eq!(d.page.max_pages, 1000);
    assert_eq!(d.page.ttl, Duration::from_secs(3600));
    assert_eq!(d.page.cleanup_interval, Duration::from_secs(300));
    assert_eq!(d.token.ttl, Duration::from_secs(86_400));
    assert!(d.metrics.enabled);
}

#[test]
fn toml_sets_every_section() {
    let c = Config::from_toml_str(
        r#"
        [application]
        id = "shop-1"
        [page]
        max_pages = 50
        ttl = "90s"
        cleanup_interval = 15
        [token]
        ttl = "2h"
        leeway = "500ms"
        key_rotation_grace = "1d"
        revoked_nonce_capacity = 7
        signing_key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        [memory]
        budget_bytes = 1048576
        [metrics]
        enabled = false
        namespace = "shop"
        "#,
    )
    .unwrap();
    assert_eq!(c.application.id.as_deref(), Some("shop-1"));
    assert_eq!(
        (c.page.max_pages, c.page.ttl, c.page.cleanup_interval),
        (50, Duration::from_secs(90), Duration::from_secs(15))
    );
    assert_eq!(c.token.ttl, Duration::from_secs(7200));
    assert_eq!(c.token.leeway, Duration::from_millis(500));
    assert_eq!(c.token.key_rotation_grace, Duration::from_secs(86_400));
    assert_eq!(c.token.revoked_nonce_capacity, 7);
    assert!(c.token.signing_key.is_some());
    assert_eq!(c.memory.budget_bytes, 1 << 20);
    assert!(!c.metrics.enabled);
    assert_eq!(c.metrics.namespace, "shop");
    let app = Application::from_config(c).unwrap();
    assert_eq!(app.id(), "shop-1");
    assert_eq!(app.metrics().max_pages, 50);
    assert!(
        !format!("{:?}", app.config()).contains("0a0b0c"),
        "key is redacted"
    );
}

#[test]
fn json_and_toml_agree_and_missing_fields_default() {
    let t = Config::from_toml_str("[page]\nmax_pages = 5\n").unwrap();
    let j = Config::from_json_str(r#"{"page": {"max_pages": 5}}"#).unwrap();
    assert_eq!(t, j);
    assert_eq!(t.page.ttl, Duration::from_secs(3600));
    assert_eq!(t.token, Config::default().token);
}

#[test]
fn files_load_by_extension() {
    let dir = std::env::temp_dir().join(format!("lt-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml_path = dir.join("app.toml");
    let json_path = dir.join("app.json");
    std::fs::write(&toml_path, "[page]\nmax_pages = 9\n").unwrap();
    std::fs::write(&json_path, r#"{"page":{"max_pages":8}}"#).unwrap();
    assert_eq!(Config::from_file(&toml_path).unwrap().page.max_pages, 9);
    assert_eq!(Config::from_file(&json_path).unwrap().page.max_pages, 8);
    let missing = Config::from_file(dir.join("nope.toml")).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Config);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validation_names_the_bad_field() {
    let cases = [
        ("[page]\nmax_pages = 0", "page.max_pages"),
        ("[page]\nmax_pages = -3", "page.max_pages"),
        ("[page]\nmax_pages = \"many\"", "page.max_pages"),
        ("[page]\nttl = \"0s\"", "page.ttl"),
        ("[page]\nttl = \"soon\"", "page.ttl"),
        ("[page]\ncleanup_interval = true", "page.cleanup_interval"),
        ("[page]\nmax_page = 3", "page.max_page"),
        ("[pages]\nmax_pages = 3", "pages"),
        ("[token]\nttl = \"400d\"", "token.ttl"),
        ("[token]\nleeway = \"1h\"", "token.leeway"),
        ("[token]\nsigning_key = \"abcd\"", "token.signing_key"),
        (
            "[token]\nsigning_key = \"not hex at all, not hex at all, not hex at all, not hex at all!\"",
            "token.signing_key",
        ),
        (
            "[token]\nrevoked_nonce_capacity = 1.5",
            "token.revoked_nonce_capacity",
        ),
        ("[memory]\nbudget_bytes = 10", "memory.budget_bytes"),
        ("[metrics]\nnamespace = \"9bad\"", "metrics.namespace"),
        ("[metrics]\nenabled = \"yes\"", "metrics.enabled"),
        ("[application]\nid = \"a b\"", "application.id"),
        ("[application]\nid = \"\"", "application.id"),
        ("page = 3", "page"),
        ("[page\n", "<document>"),
    ];
    for (doc, field) in cases {
        let err = Config::from_toml_str(doc).expect_err(doc);
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(field), "{doc}: {err}");
        assert_eq!(field_of(err), field, "{doc}");
    }
    let err = Config::from_json_str(r#"{"page":{"ttl":-1}}"#).unwrap_err();
    assert_eq!(field_of(err), "page.ttl");
    let err = Config::from_json_str("[1]").unwrap_err();
    assert_eq!(field_of(err), "<document>");
}

#[test]
fn builder_values_are_validated_too() {
    let err = Application::builder().max_pages(0).build().unwrap_err();
    assert_eq!(field_of(err), "page.max_pages");
    let err = Application::builder().id("no spaces").build().unwrap_err();
    assert_eq!(field_of(err), "application.id");
    let err = livetemplate::SigningKey::from_bytes(b"short").unwrap_err();
    assert_eq!(field_of(err), "token.signing_key");
}
