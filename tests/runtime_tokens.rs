//! Security tests for page tokens: every rule of `livetemplate::token`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use livetemplate::{Application, Claims, ErrorKind, ManualClock, SigningKey, TokenRejection};

const KEY: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn app_with(id: &str, key: &[u8], clock: Arc<ManualClock>) -> Application {
    Application::builder()
        .id(id)
        .signing_key(SigningKey::from_bytes(key).unwrap())
        .token_ttl(Duration::from_secs(60))
        .token_leeway(Duration::from_secs(5))
        .key_rotation_grace(Duration::from_secs(120))
        .page_ttl(Duration::from_secs(3600))
        .clock(clock)
        .build()
        .unwrap()
}

fn setup() -> (Application, livetemplate::Page, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let app = app_with("shop", &KEY, clock.clone());
    let page = app
        .new_page(
            &common::placeholders("t", "<p>{{.Title}}</p>"),
            common::todo(1, 3),
        )
        .unwrap();
    (app, page, clock)
}

fn claims_of(token: &str) -> Claims {
    let payload = token.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

fn rejection(app: &Application, token: &str) -> TokenRejection {
    let err = app.get_page(token).expect_err("token must be rejected");
    assert_eq!(err.kind(), ErrorKind::TokenInvalid, "{err}");
    err.token_rejection().unwrap()
}

/// A token with `header` JSON and `claims`, signed HS256-style with `key` over the parts.
fn forge(header_json: &str, claims: &Claims, key: &[u8], alg: Algorithm) -> String {
    let h = b64(header_json.as_bytes());
    let c = b64(&serde_json::to_vec(claims).unwrap());
    let msg = format!("{h}.{c}");
    let sig =
        jsonwebtoken::crypto::sign(msg.as_bytes(), &EncodingKey::from_secret(key), alg).unwrap();
    format!("{msg}.{sig}")
}

#[test]
fn valid_token_opens_its_page_repeatedly() {
    let (app, page, _) = setup();
    let token = page.token();
    for _ in 0..3 {
        let again = app.get_page(&token).unwrap();
        assert_eq!(again.id(), page.id());
    }
    let c = claims_of(&token);
    assert_eq!(c.page_id, page.id());
    assert_eq!(c.app_id, "shop");
    assert_eq!(c.exp - c.iat, 60);
    assert_eq!(c.nonce.len(), 32);
}

#[test]
fn tampered_signature_and_payload_are_rejected() {
    let (app, page, _) = setup();
    let token = page.token();
    let (msg, sig) = token.rsplit_once('.').unwrap();
    // Flip each character of the signature in turn (except the last, whose low bits are padding).
    let sig_bytes = sig.as_bytes();
    for i in 0..sig_bytes.len() - 1 {
        let mut s = sig_bytes.to_vec();
        s[i] = if s[i] == b'A' { b'B' } else { b'A' };
        let t = format!("{msg}.{}", String::from_utf8(s).unwrap());
        let r = rejection(&app, &t);
        assert!(
            matches!(r, TokenRejection::BadSignature | TokenRejection::Malformed),
            "{r:?}"
        );
    }
    // Same signature, another page id in the payload.
    let other = app.new_page(&common::placeholders("t", "x"), ()).unwrap();
    let mut claims = claims_of(&token);
    claims.page_id = other.id().to_string();
    let (h, _) = msg.split_once('.').unwrap();
    let t = format!("{h}.{}.{sig}", b64(&serde_json::to_vec(&claims).unwrap()));
    assert_eq!(rejection(&app, &t), TokenRejection::BadSignature);
}

#[test]
fn alg_none_and_other_algorithms_are_rejected_even_with_the_right_key() {
    let (app, page, _) = setup();
    let claims = claims_of(&page.token());
    let body = b64(&serde_json::to_vec(&claims).unwrap());
    for alg in ["none", "None", "NONE", "hs256", "HS256 ", ""] {
        let h = b64(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#).as_bytes());
        for sig in ["", "AAAA"] {
            assert_eq!(
                rejection(&app, &format!("{h}.{body}.{sig}")),
                TokenRejection::WrongAlgorithm,
                "{alg}"
            );
        }
    }
    // Other HMACs computed with the application's real key.
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let t = jsonwebtoken::encode(&Header::new(alg), &claims, &EncodingKey::from_secret(&KEY))
            .unwrap();
        assert_eq!(
            rejection(&app, &t),
            TokenRejection::WrongAlgorithm,
            "{alg:?}"
        );
    }
    // Asymmetric algorithm headers (key-confusion attempts: HMAC over the parts with our key).
    for name in [
        "RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA",
    ] {
        let t = forge(
            &format!(r#"{{"alg":"{name}","typ":"JWT"}}"#),
            &claims,
            &KEY,
            Algorithm::HS256,
        );
        assert_eq!(
            rejection(&app, &t),
            TokenRejection::WrongAlgorithm,
            "{name}"
        );
    }
    // Header without alg.
    let t = forge(r#"{"typ":"JWT"}"#, &claims, &KEY, Algorithm::HS256);
    assert_eq!(rejection(&app, &t), TokenRejection::Malformed);
    // The same forged token with a correct header is accepted: the tests above fail for the header only.
    let t = forge(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &claims,
        &KEY,
        Algorithm::HS256,
    );
    assert_eq!(app.get_page(&t).unwrap().id(), page.id());
}

#[test]
fn expired_tokens_are_rejected_after_the_leeway() {
    let (app, page, clock) = setup();
    let token = page.token();
    clock.advance(Duration::from_secs(65));
    assert!(app.get_page(&token).is_ok(), "exp + leeway not yet passed");
    clock.advance(Duration::from_secs(2));
    let err = app.get_page(&token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TokenExpired);
    // A fresh token for the same page works.
    let fresh = page.rotate_token().unwrap();
    assert_eq!(app.get_page(&fresh).unwrap().id(), page.id());
    assert_eq!(app.metrics().token_failures_for("expired"), 1);
}

#[test]
fn issued_in_the_future_or_inverted_times_are_rejected() {
    let (app, page, _) = setup();
    let mut claims = claims_of(&page.token());
    claims.iat += 3600;
    claims.exp += 3600;
    let t = forge(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &claims,
        &KEY,
        Algorithm::HS256,
    );
    assert_eq!(rejection(&app, &t), TokenRejection::BadClaims);
    let mut claims = claims_of(&page.token());
    claims.exp = claims.iat - 1;
    let t = forge(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &claims,
        &KEY,
        Algorithm::HS256,
    );
    assert_eq!(rejection(&app, &t), TokenRejection::BadClaims);
}

#[test]
fn rotated_tokens_are_revoked_and_replays_fail() {
    let (app, page, _) = setup();
    let first = page.token();
    let second = page.rotate_token().unwrap();
    assert_ne!(first, second);
    assert_eq!(page.token(), second);
    assert_eq!(rejection(&app, &first), TokenRejection::Revoked);
    assert_eq!(
        rejection(&app, &first),
        TokenRejection::Revoked,
        "replaying again fails again"
    );
    assert_eq!(app.get_page(&second).unwrap().id(), page.id());
    let third = page.rotate_token().unwrap();
    assert_eq!(rejection(&app, &second), TokenRejection::Revoked);
    assert!(app.get_page(&third).is_ok());
}

#[test]
fn revocation_does_not_depend_on_the_bounded_store() {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let mut config = livetemplate::Config::default();
    config.token.revoked_nonce_capacity = 2;
    let app = Application::builder()
        .config(config)
        .clock(clock)
        .build()
        .unwrap();
    let page = app.new_page(&common::placeholders("t", "x"), ()).unwrap();
    let old = page.token();
    for _ in 0..5 {
        page.rotate_token().unwrap();
    }
    // Forgotten by the FIFO, still refused.
    assert_eq!(rejection(&app, &old), TokenRejection::UnknownNonce);
}

#[test]
fn tokens_die_with_their_page() {
    let (app, page, clock) = setup();
    let token = page.token();
    page.close();
    assert_eq!(
        app.get_page(&token).unwrap_err().kind(),
        ErrorKind::PageNotFound
    );
    // Expired page (idle beyond page_ttl): token still within its own ttl is refused.
    let app2 = Application::builder()
        .page_ttl(Duration::from_secs(10))
        .token_ttl(Duration::from_secs(3600))
        .clock(clock.clone())
        .build()
        .unwrap();
    let p = app2.new_page(&common::placeholders("t", "x"), ()).unwrap();
    let t = p.token();
    clock.advance(Duration::from_secs(11));
    assert_eq!(
        app2.get_page(&t).unwrap_err().kind(),
        ErrorKind::PageNotFound
    );
    assert!(p.is_closed());
    // A closed application refuses everything.
    let q = app.new_page(&common::placeholders("t", "x"), ()).unwrap();
    let qt = q.token();
    app.close();
    assert_eq!(
        app.get_page(&qt).unwrap_err().kind(),
        ErrorKind::InvalidApplication
    );
}

#[test]
fn foreign_key_is_rejected() {
    let (app, page, _) = setup();
    let claims = claims_of(&page.token());
    let other_key = [9u8; 32];
    let t = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&other_key),
    )
    .unwrap();
    assert_eq!(rejection(&app, &t), TokenRejection::BadSignature);
    // Same claims, empty and short keys.
    for key in [&b""[..], &b"k"[..]] {
        let t = forge(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &claims,
            key,
            Algorithm::HS256,
        );
        assert_eq!(rejection(&app, &t), TokenRejection::BadSignature);
    }
}

#[test]
fn truncated_and_garbage_tokens_are_rejected() {
    let (app, page, _) = setup();
    let token = page.token();
    for n in 0..token.len() {
        let err = app
            .get_page(&token[..n])
            .expect_err("truncated token accepted");
        assert_eq!(err.kind(), ErrorKind::TokenInvalid, "prefix {n}: {err}");
    }
    let long = format!("{token}{}", "A".repeat(5000));
    let garbage = [
        "",
        ".",
        "..",
        "...",
        "a.b.c",
        "a.b",
        "a.b.c.d",
        "\u{0}\u{1}",
        "ééé.ééé.ééé",
        "eyJ.eyJ.x",
        "Bearer x",
        &long,
        "null",
        "{}",
        "eyJhbGciOiJIUzI1NiJ9..",
    ];
    for g in garbage {
        let err = app.get_page(g).expect_err("garbage accepted");
        assert_eq!(err.kind(), ErrorKind::TokenInvalid, "{g:?}");
    }
    // Random bytes, deterministic seed.
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let len = (rng.next() % 300) as usize;
        let s: String = (0..len)
            .map(|_| char::from(b"abcXYZ019-_.="[(rng.next() % 13) as usize]))
            .collect();
        assert!(app.get_page(&s).is_err());
    }
    // Missing claims and wrong claim types.
    for payload in [
        r#"{"page_id":"x"}"#,
        r#"{"page_id":1,"app_id":"shop","iat":1,"exp":2,"nonce":"n"}"#,
    ] {
        let h = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
        let msg = format!("{h}.{}", b64(payload.as_bytes()));
        let sig = jsonwebtoken::crypto::sign(
            msg.as_bytes(),
            &EncodingKey::from_secret(&KEY),
            Algorithm::HS256,
        )
        .unwrap();
        assert_eq!(
            rejection(&app, &format!("{msg}.{sig}")),
            TokenRejection::Malformed,
            "{payload}"
        );
    }
}

#[test]
fn key_rotation_keeps_old_tokens_for_the_grace_period_only() {
    let (app, page, clock) = setup();
    let old_token = page.token();
    let new_key = SigningKey::from_bytes(&[42u8; 32]).unwrap();
    app.rotate_signing_key(Some(new_key)).unwrap();
    assert!(app.get_page(&old_token).is_ok(), "old key in grace");
    // New tokens use the new key.
    let page2 = app.new_page(&common::placeholders("t", "x"), ()).unwrap();
    let claims2 = claims_of(&page2.token());
    let by_new_key = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims2,
        &EncodingKey::from_secret(&[42u8; 32]),
    )
    .unwrap();
    assert_eq!(by_new_key, page2.token());
    clock.advance(Duration::from_secs(50));
    assert!(app.get_page(&old_token).is_ok());
    clock.advance(Duration::from_secs(71)); // 121 s after rotation: grace (120 s) over, token ttl not yet
    assert_eq!(rejection(&app, &old_token), TokenRejection::BadSignature);
    // Rotating the page's token re-signs with the new key.
    let fresh = page.rotate_token().unwrap();
    assert_eq!(app.get_page(&fresh).unwrap().id(), page.id());
}

#[test]
fn second_rotation_ends_the_first_keys_grace() {
    let (app, page, _) = setup();
    let old_token = page.token();
    app.rotate_signing_key(None).unwrap();
    app.rotate_signing_key(None).unwrap();
    assert_eq!(rejection(&app, &old_token), TokenRejection::BadSignature);
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

#[test]
fn cross_application_access_always_fails() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("cross-application seed: {seed}");
    let mut rng = XorShift(seed);
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    // Apps 0-3: random keys. Apps 4-7: all share one key (several tenants
    // configured with the same secret), told apart by their ids only.
    let mut apps = Vec::new();
    for i in 0..4 {
        apps.push(
            Application::builder()
                .id(format!("rand{i}"))
                .clock(clock.clone())
                .build()
                .unwrap(),
        );
    }
    for i in 0..4 {
        apps.push(app_with(&format!("shared{i}"), &KEY, clock.clone()));
    }
    let template = common::placeholders("t", "<p>{{.Title}}</p>");
    let tokens: Vec<Vec<String>> = apps
        .iter()
        .map(|a| {
            (0..25)
                .map(|i| a.new_page(&template, common::todo(i, 3)).unwrap().token())
                .collect()
        })
        .collect();
    let mut successes = 0;
    let attempts = 5000;
    for _ in 0..attempts {
        let victim = (rng.next() % apps.len() as u64) as usize;
        let mut attacker = (rng.next() % apps.len() as u64) as usize;
        if attacker == victim {
            attacker = (attacker + 1) % apps.len();
        }
        let token = &tokens[victim][(rng.next() % 25) as usize];
        match apps[attacker].get_page(token) {
            Ok(_) => successes += 1,
            Err(e) => {
                let expect = if victim >= 4 && attacker >= 4 {
                    TokenRejection::ForeignApplication
                } else {
                    TokenRejection::BadSignature
                };
                assert_eq!(e.token_rejection(), Some(expect), "seed {seed}: {e}");
            }
        }
        // A random single-byte mutation of the victim's token, tried at the victim's own app.
        let mut bytes = token.clone().into_bytes();
        let at = (rng.next() % (bytes.len() as u64 - 1)) as usize;
        let replacement = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
            [(rng.next() % 65) as usize];
        if bytes[at] != replacement {
            bytes[at] = replacement;
            let mutated = String::from_utf8(bytes).unwrap();
            if apps[victim].get_page(&mutated).is_ok() {
                successes += 1;
            }
        }
    }
    assert_eq!(successes, 0, "seed {seed}");
    // Every legitimate token still works at its own application.
    for (a, ts) in apps.iter().zip(&tokens) {
        for t in ts {
            assert!(a.get_page(t).is_ok());
        }
    }
}

#[test]
fn errors_never_contain_token_contents_or_keys() {
    let (app, page, _) = setup();
    let token = page.token();
    let parts: Vec<&str> = token.split('.').collect();
    let mut errors = vec![];
    let (msg, _) = token.rsplit_once('.').unwrap();
    errors.push(app.get_page(&format!("{msg}.AAAA")).unwrap_err());
    errors.push(app.get_page(&token[..token.len() / 2]).unwrap_err());
    page.rotate_token().unwrap();
    errors.push(app.get_page(&token).unwrap_err());
    errors.push(
        livetemplate::Config::from_toml_str("[token]\nsigning_key = \"zz0123456789abcdef\"")
            .unwrap_err(),
    );
    let hex_key = hex::encode(KEY);
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            for p in &parts {
                assert!(!text.contains(p), "{text}");
            }
            assert!(
                !text.contains(&hex_key) && !text.contains("0123456789abcdef"),
                "{text}"
            );
        }
    }
    assert!(!format!("{:?}", app.config()).contains("0123456789abcdef"));
}
