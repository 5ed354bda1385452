//! Passwords (argon2id), API tokens (random, stored as SHA-256 hashes) and the extractor that
//! turns a bearer token into the signed-in [`User`].

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use store::{User, now_ms};

use crate::api::AppState;
use crate::error::ApiError;

/// Prefix of every API token, so a leaked one is easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "chk_";

/// An API token. Its `Debug` never shows it; [`ApiToken::expose`] is for the one place that
/// prints it (once, on creation) or sends it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// A fresh random token (256 bits).
    pub fn generate() -> ApiToken {
        ApiToken(format!("{TOKEN_PREFIX}{}", random_hex(32)))
    }

    /// A token given by a user or read from their credentials.
    pub fn new(token: impl Into<String>) -> ApiToken {
        ApiToken(token.into())
    }

    /// What the store keeps: the hex SHA-256 of the token.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

/// `n` random bytes from the operating system, in hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id and a random salt, off the async runtime's threads.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
    })
    .await?
}

/// Whether `password` matches the stored argon2 `hash`, checked off the runtime's threads.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// The user a request's `Authorization: Bearer` token belongs to. Handlers that take it answer
/// 401 with a hint when the token is missing, unknown or expired.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "this endpoint needs an API token",
                    "send `Authorization: Bearer TOKEN`; `checker login --server URL` gets one",
                )
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the Authorization header is not a bearer token",
                    "send `Authorization: Bearer TOKEN`",
                )
            })?;
        let token = ApiToken::new(token);
        match state.store.user_by_token(&token.hash()).await? {
            None => Err(ApiError::unauthorized(
                "this API token is not valid",
                "check the token, or get a new one with `checker login --server URL`",
            )),
            Some((_, Some(expires_at))) if expires_at <= now_ms() => Err(ApiError::unauthorized(
                "this API token has expired",
                "sign in again with `checker login --server URL`",
            )),
            Some((user, _)) => Ok(AuthUser(user)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hidden_and_hashed() {
        let a = ApiToken::generate();
        let b = ApiToken::generate();
        assert_ne!(a, b);
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_eq!(a.expose().len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(format!("{a:?}"), "ApiToken(***)");
        assert_eq!(a.hash().len(), 64);
        assert_eq!(a.hash(), ApiToken::new(a.expose()).hash());
        assert!(!a.hash().contains(&a.expose()[4..]));
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), hash.clone()).await);
        assert!(!verify_password("wrong".into(), hash).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }
}
