//! Passwords (argon2id), API tokens (random, stored as SHA-256 hashes) and the extractor that
//! turns a bearer token into the signed-in [`User`].

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use store::{Role, Store, StoreError, User, now_ms};

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
    tokio::task::spawn_blocking(move || hash_password_now(&password)).await?
}

/// Hashes a password with argon2id and a random salt on this thread (tens of milliseconds:
/// never on the async runtime's threads).
pub(crate) fn hash_password_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
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

/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Why an account could not be added or a token issued: the operator's input (exit 2 in the
/// binary) or the database (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name, password or user asked for is refused; the message says what to do instead.
    #[error("{0}")]
    Refused(String),
    /// The database or the password hashing failed.
    #[error("{0}")]
    Failed(String),
}

/// A new user's name as given, trimmed: one word, without spaces.
pub fn check_user_name(name: &str) -> Result<String, AccountError> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(AccountError::Refused(
            "a user name is one word, without spaces".into(),
        ));
    }
    Ok(name.to_owned())
}

/// Most characters a cohort's name may have.
pub const MAX_COHORT_CHARS: usize = 64;

/// A cohort's name as given, trimmed: letters, digits, `.`, `_` and `-` (it travels in
/// dashboard links and CSV files as it is).
pub fn check_cohort(cohort: &str) -> Result<String, AccountError> {
    let cohort = cohort.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    if cohort.is_empty()
        || cohort.chars().count() > MAX_COHORT_CHARS
        || !cohort.chars().all(allowed)
    {
        return Err(AccountError::Refused(format!(
            "a cohort is 1 to {MAX_COHORT_CHARS} letters, digits, `.`, `_` or `-`, e.g. 2026-spring"
        )));
    }
    Ok(cohort.to_owned())
}

/// Puts the user `name` in `cohort`, or in none.
pub async fn set_cohort(
    store: &dyn Store,
    name: &str,
    cohort: Option<&str>,
) -> Result<(), AccountError> {
    let cohort = cohort.map(check_cohort).transpose()?;
    match store.dashboard().set_cohort(name, cohort.as_deref()).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AccountError::Refused(format!(
            "no user `{name}`; add one with `checker user add {name}`"
        ))),
        Err(e) => Err(AccountError::Failed(e.to_string())),
    }
}

/// The password policy: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::Refused(format!(
            "the password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// Adds a user with an argon2id hash of `password` (checked against the policy first).
pub async fn add_user(
    store: &dyn Store,
    name: &str,
    role: Role,
    password: String,
) -> Result<User, AccountError> {
    let name = check_user_name(name)?;
    check_password(&password)?;
    let hash = hash_password(password)
        .await
        .map_err(|e| AccountError::Failed(e.to_string()))?;
    match store.add_user(&name, role, &hash).await {
        Ok(user) => Ok(user),
        Err(StoreError::Conflict(what)) => Err(AccountError::Refused(format!(
            "{what} already exists; pick another name"
        ))),
        Err(e) => Err(AccountError::Failed(e.to_string())),
    }
}

/// Issues a new API token to the user `name`, valid for `lifetime` (`None`: until revoked).
/// Only its hash is stored; the token is returned to be shown once.
pub async fn issue_token(
    store: &dyn Store,
    name: &str,
    label: &str,
    lifetime: Option<std::time::Duration>,
) -> Result<(User, ApiToken), AccountError> {
    let failed = |e: StoreError| AccountError::Failed(e.to_string());
    let (user, _) = store
        .user_with_password(name)
        .await
        .map_err(failed)?
        .ok_or_else(|| {
            AccountError::Refused(format!(
                "no user `{name}`; add one with `checker user add {name}`"
            ))
        })?;
    let token = ApiToken::generate();
    let expires_at = lifetime.map(|l| now_ms() + l.as_millis() as i64);
    store
        .add_token(user.id, &token.hash(), label, expires_at)
        .await
        .map_err(failed)?;
    Ok((user, token))
}

/// The user a request's `Authorization: Bearer` token belongs to. Handlers that take it answer
/// 401 with a hint when the token is missing, unknown or expired.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

/// The hash of the bearer token of a request, put beside the request by [`AuthUser`].
#[derive(Debug, Clone)]
pub struct CurrentToken(pub String);

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
        // Handlers about tokens need to know which one this request came with.
        parts.extensions.insert(CurrentToken(token.hash()));
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

    #[test]
    fn names_are_one_word_and_passwords_long_enough() {
        assert_eq!(check_user_name("  ada ").unwrap(), "ada");
        assert!(check_user_name("ada lovelace").is_err());
        assert!(check_user_name(" ").is_err());
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
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
