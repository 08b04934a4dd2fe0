//! Page tokens: HS256 JWTs binding a browser to one page of one application.
//!
//! # Claims
//!
//! `page_id`, `app_id`, `iat`, `exp` (seconds since the epoch) and `nonce`
//! (128 random bits, hex).
//!
//! # Verification
//!
//! A token is accepted only if all of these hold, checked in this order:
//!
//! 1. It is at most 4 KiB of three base64url parts, and its header's `alg`
//!    is exactly `HS256`. `none`, HS384/HS512, RS*/ES*/PS*/EdDSA headers are
//!    rejected before any key is used ([`TokenRejection::WrongAlgorithm`]).
//! 2. The HMAC-SHA256 signature verifies with the application's current key,
//!    or with the previous key while that key is in its rotation grace
//!    period ([`TokenService::rotate_key`]).
//! 3. All five claims are present and well typed; `app_id` equals this
//!    application's id ([`TokenRejection::ForeignApplication`]);
//!    `iat` is not in the future and `exp` is not before `iat`
//!    ([`TokenRejection::BadClaims`]); `exp` has not passed
//!    (expired tokens get [`crate::Error::TokenExpired`]). A small leeway
//!    (`token.leeway`, default 5 s) absorbs clock skew.
//! 4. (In [`crate::Application::get_page`].) The page exists, is live, and
//!    the token's `nonce` is the page's *current* nonce.
//!
//! # Replay protection
//!
//! The semantics fit a browser that reconnects:
//!
//! - A token names exactly one page and dies with it: once the page is
//!   closed, expires or is cleaned up, its tokens are refused.
//! - While the page lives, its current token may be presented any number of
//!   times (a reconnecting browser re-sends the token it was given). This is
//!   by design: a token is a capability for one page, not a one-time ticket.
//! - Each page has exactly one current nonce. [`crate::Page::rotate_token`]
//!   issues a token with a fresh nonce and revokes the old one at once: a
//!   copy of the old token is refused even though its signature and expiry
//!   are still fine. Rotate after each reconnect for one-time tokens.
//! - The nonce store is bounded: live nonces are one per live page (bounded
//!   by `max_pages`); revoked nonces are remembered in a FIFO of
//!   `token.revoked_nonce_capacity` entries only to report
//!   [`TokenRejection::Revoked`] rather than [`TokenRejection::UnknownNonce`].
//!   Safety does not depend on that memory: any nonce other than the page's
//!   current one is refused.
//!
//! # Keys
//!
//! Each application has its own key: 32 bytes from the OS random generator
//! by default, or given by the user (at least 32 bytes) so that several
//! processes accept the same tokens (give them the same application id too).
//! Keys never appear in `Debug` output, errors or logs.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Result, TokenRejection};

/// Longest token accepted (bytes).
pub const MAX_TOKEN_LEN: usize = 4096;

/// Shortest signing key accepted (bytes).
pub const MIN_KEY_LEN: usize = 32;

/// An HMAC signing key. Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey(Vec<u8>);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(<{} bytes redacted>)", self.0.len())
    }
}

impl SigningKey {
    /// 32 bytes from the operating system's random generator.
    pub fn generate() -> Result<SigningKey> {
        let mut bytes = vec![0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|_| Error::Random { op: "generate_key" })?;
        Ok(SigningKey(bytes))
    }

    /// A key from raw bytes (at least [`MIN_KEY_LEN`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<SigningKey> {
        if bytes.len() < MIN_KEY_LEN {
            return Err(Error::Config {
                field: "token.signing_key".into(),
                message: format!("must be at least {MIN_KEY_LEN} bytes"),
            });
        }
        Ok(SigningKey(bytes.to_vec()))
    }

    /// A key from hex digits (at least 64, i.e. 32 bytes). The error text never echoes the input.
    pub fn from_hex(text: &str) -> std::result::Result<SigningKey, String> {
        let bytes =
            hex::decode(text.trim()).map_err(|_| "must be hexadecimal digits".to_string())?;
        if bytes.len() < MIN_KEY_LEN {
            return Err(format!(
                "must be at least {MIN_KEY_LEN} bytes ({} hex digits)",
                MIN_KEY_LEN * 2
            ));
        }
        Ok(SigningKey(bytes))
    }

    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The claims of a page token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The page this token opens.
    pub page_id: String,
    /// The application that issued it.
    pub app_id: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expires at (seconds since the epoch).
    pub exp: u64,
    /// The page's nonce at issue time.
    pub nonce: String,
}

/// Token settings (from [`crate::config::TokenConfig`]).
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// Lifetime of issued tokens.
    pub ttl: Duration,
    /// Clock-skew leeway.
    pub leeway: Duration,
    /// Grace period of the previous key after a rotation.
    pub key_rotation_grace: Duration,
}

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Previous key and the second until which it is still accepted.
    previous: Option<(DecodingKey, u64)>,
}

/// Issues and verifies the tokens of one application (see the module docs).
pub struct TokenService {
    app_id: String,
    settings: TokenSettings,
    clock: Arc<dyn Clock>,
    keys: RwLock<Keys>,
    validation: Validation,
}

impl fmt::Debug for TokenService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenService")
            .field("app_id", &self.app_id)
            .field("settings", &self.settings)
            .field("keys", &"<redacted>")
            .finish()
    }
}

fn keys_from(key: &SigningKey) -> (EncodingKey, DecodingKey) {
    (
        EncodingKey::from_secret(key.bytes()),
        DecodingKey::from_secret(key.bytes()),
    )
}

fn invalid(reason: TokenRejection) -> Error {
    Error::TokenInvalid {
        op: "verify_token",
        reason,
    }
}

/// Checks the header segment ourselves: exactly `{"alg":"HS256", ...}`.
fn header_alg_is_hs256(token: &str) -> std::result::Result<(), TokenRejection> {
    let mut parts = token.split('.');
    let (Some(h), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenRejection::Malformed);
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(h)
        .map_err(|_| TokenRejection::Malformed)?;
    let header: serde_json::Value =
        serde_json::from_slice(&raw).map_err(|_| TokenRejection::Malformed)?;
    match header.get("alg") {
        Some(serde_json::Value::String(alg)) if alg == "HS256" => Ok(()),
        Some(_) => Err(TokenRejection::WrongAlgorithm),
        None => Err(TokenRejection::Malformed),
    }
}

impl TokenService {
    /// A service for application `app_id` signing with `key`.
    pub fn new(
        app_id: String,
        key: &SigningKey,
        settings: TokenSettings,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let (encoding, decoding) = keys_from(key);
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        // Expiry is checked by us against the injectable clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims = HashSet::new();
        validation.leeway = 0;
        TokenService {
            app_id,
            settings,
            clock,
            keys: RwLock::new(Keys {
                encoding,
                decoding,
                previous: None,
            }),
            validation,
        }
    }

    /// The application id bound into tokens.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// Signs a token for `page_id` with `nonce`, valid for the configured TTL.
    pub fn issue(&self, page_id: &str, nonce: &str) -> Result<String> {
        let iat = self.clock.now_secs();
        let claims = Claims {
            page_id: page_id.to_string(),
            app_id: self.app_id.clone(),
            iat,
            exp: iat.saturating_add(self.settings.ttl.as_secs()),
            nonce: nonce.to_string(),
        };
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).map_err(
            |_| Error::TokenInvalid {
                op: "issue_token",
                reason: TokenRejection::Malformed,
            },
        )
    }

    /// Verifies format, algorithm, signature, claims, application binding and
    /// expiry (steps 1 to 3 of the module docs). The page/nonce check is the
    /// caller's.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Err(invalid(TokenRejection::Malformed));
        }
        header_alg_is_hs256(token).map_err(invalid)?;
        let now = self.clock.now_secs();
        let claims = {
            let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
            match self.decode(token, &keys.decoding) {
                Err(TokenRejection::BadSignature) => match &keys.previous {
                    Some((old, until)) if now <= *until => self.decode(token, old),
                    _ => Err(TokenRejection::BadSignature),
                },
                other => other,
            }
        }
        .map_err(invalid)?;
        if claims.app_id != self.app_id {
            return Err(invalid(TokenRejection::ForeignApplication));
        }
        let leeway = self.settings.leeway.as_secs();
        if claims.iat > now.saturating_add(leeway) || claims.exp < claims.iat {
            return Err(invalid(TokenRejection::BadClaims));
        }
        if claims.exp.saturating_add(leeway) < now {
            return Err(Error::TokenExpired { op: "verify_token" });
        }
        Ok(claims)
    }

    fn decode(
        &self,
        token: &str,
        key: &DecodingKey,
    ) -> std::result::Result<Claims, TokenRejection> {
        jsonwebtoken::decode::<Claims>(token, key, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                JwtErrorKind::InvalidSignature => TokenRejection::BadSignature,
                JwtErrorKind::InvalidAlgorithm
                | JwtErrorKind::InvalidAlgorithmName
                | JwtErrorKind::MissingAlgorithm => TokenRejection::WrongAlgorithm,
                _ => TokenRejection::Malformed,
            })
    }

    /// Replaces the signing key (a fresh random one when `new_key` is `None`).
    /// Tokens signed with the key being replaced stay valid for
    /// `key_rotation_grace`; only one previous key is kept, so rotating twice
    /// within the grace period ends the older key's grace at once.
    pub fn rotate_key(&self, new_key: Option<SigningKey>) -> Result<()> {
        let key = match new_key {
            Some(k) => k,
            None => SigningKey::generate()?,
        };
        let (encoding, decoding) = keys_from(&key);
        let until = self
            .clock
            .now_secs()
            .saturating_add(self.settings.key_rotation_grace.as_secs());
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        let old = std::mem::replace(&mut keys.decoding, decoding);
        keys.encoding = encoding;
        keys.previous = Some((old, until));
        Ok(())
    }
}

/// A bounded FIFO memory of revoked nonces (see the module docs).
#[derive(Debug)]
pub struct RevokedNonces {
    capacity: usize,
    inner: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl RevokedNonces {
    /// A store remembering at most `capacity` nonces.
    pub fn new(capacity: usize) -> Self {
        RevokedNonces {
            capacity,
            inner: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// Remembers `nonce` as revoked, forgetting the oldest beyond capacity.
    pub fn revoke(&self, nonce: String) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (set, order) = &mut *guard;
        if set.insert(nonce.clone()) {
            order.push_back(nonce);
            while order.len() > self.capacity {
                if let Some(old) = order.pop_front() {
                    set.remove(&old);
                }
            }
        }
    }

    /// Whether `nonce` is remembered as revoked.
    pub fn is_revoked(&self, nonce: &str) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .contains(nonce)
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).1.len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `n` random bytes from the OS, as lowercase hex.
pub(crate) fn random_hex(n: usize, op: &'static str) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|_| Error::Random { op })?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn service(id: &str) -> (TokenService, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        let settings = TokenSettings {
            ttl: Duration::from_secs(60),
            leeway: Duration::from_secs(5),
            key_rotation_grace: Duration::from_secs(30),
        };
        let s = TokenService::new(
            id.into(),
            &SigningKey::generate().unwrap(),
            settings,
            clock.clone(),
        );
        (s, clock)
    }

    #[test]
    fn round_trip_and_expiry_with_leeway() {
        let (s, clock) = service("a");
        let t = s.issue("p1", "n1").unwrap();
        let c = s.verify(&t).unwrap();
        assert_eq!(
            (c.page_id.as_str(), c.app_id.as_str(), c.nonce.as_str()),
            ("p1", "a", "n1")
        );
        assert_eq!(c.exp - c.iat, 60);
        clock.advance(Duration::from_secs(64));
        assert!(s.verify(&t).is_ok(), "inside leeway");
        clock.advance(Duration::from_secs(2));
        assert_eq!(
            s.verify(&t).unwrap_err().kind(),
            crate::ErrorKind::TokenExpired
        );
    }

    #[test]
    fn key_debug_is_redacted() {
        let k = SigningKey::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "SigningKey(<32 bytes redacted>)");
        assert!(SigningKey::from_bytes(&[7u8; 31]).is_err());
        assert!(SigningKey::from_hex("zz").is_err());
    }

    #[test]
    fn revoked_store_is_bounded() {
        let r = RevokedNonces::new(3);
        for i in 0..10 {
            r.revoke(format!("n{i}"));
        }
        assert_eq!(r.len(), 3);
        assert!(r.is_revoked("n9") && r.is_revoked("n7") && !r.is_revoked("n6"));
    }
}
