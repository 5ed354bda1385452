//! Sign-in with a bounded cost. Checking a password is deliberately expensive (argon2id: about
//! 19 MiB and tens of milliseconds each), so an unauthenticated caller must never be able to
//! make the server do it without limit. Three bounds hold whatever the callers do at once:
//!
//! - at most `concurrent` password checks run at a time, and at most `queue` more wait for
//!   their turn; beyond that the answer is "busy, retry after 1 s" without hashing anything;
//! - after a few wrong passwords for one account or from one address, further attempts are
//!   refused without hashing until a delay that doubles with each failure (capped) has passed;
//! - an unknown name costs the same as a known one (a check against a dummy hash), so timing
//!   does not tell which names exist.
//!
//! Every failed attempt is logged with the name and the caller's address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use tokio::sync::Semaphore;

use store::{Store, StoreError, User};

/// Wrong passwords for one account before attempts are slowed down.
const ACCOUNT_FREE_FAILURES: u32 = 5;
/// Wrong passwords from one address (any account) before attempts are slowed down: high,
/// since a whole class may sign in from behind one school address.
const ADDRESS_FREE_FAILURES: u32 = 50;
/// The longest wait imposed after repeated failures. Short enough that a learner whose
/// account someone else is hammering can still sign in within minutes.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Failures are forgotten after this long without another one.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// At most this many accounts and addresses are tracked; older entries are dropped first.
const MAX_TRACKED: usize = 100_000;
/// How long a sign-in may wait for a free password-checking slot.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Why a sign-in did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The name or the password is wrong (the two are never told apart).
    #[error("wrong name or password")]
    Wrong,
    /// Too many recent failures for this account or address.
    #[error("too many failed sign-ins; try again in {} s", retry_after.as_secs().max(1))]
    Throttled {
        /// When the next attempt will be considered.
        retry_after: Duration,
    },
    /// Every password-checking slot and queue place is taken.
    #[error("the server is busy checking other sign-ins; try again in a second")]
    Busy {
        /// When to try again.
        retry_after: Duration,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Bounds the cost of sign-ins for the whole server; one is shared by the API and the
/// dashboard.
#[derive(Debug)]
pub struct SignInGuard {
    hashing: Semaphore,
    queue: Semaphore,
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long after the last failure the next attempt must wait, given the free failures.
    fn backoff(&self, free: u32) -> Duration {
        if self.count < free {
            return Duration::ZERO;
        }
        let doublings = (self.count - free).min(16);
        (Duration::from_secs(1) * 2u32.pow(doublings)).min(MAX_BACKOFF)
    }
}

impl Default for SignInGuard {
    /// As many password checks at once as there are cores, and 64 waiting.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        SignInGuard::new(cores, 64)
    }
}

impl SignInGuard {
    /// A guard running at most `concurrent` password checks at once, with `queue` more
    /// waiting.
    pub fn new(concurrent: usize, queue: usize) -> Self {
        SignInGuard {
            hashing: Semaphore::new(concurrent.max(1)),
            queue: Semaphore::new(concurrent.max(1) + queue),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Checks `name` and `password`; `peer` is the caller's address when known.
    pub async fn sign_in(
        &self,
        store: &dyn Store,
        name: &str,
        password: String,
        peer: Option<IpAddr>,
    ) -> Result<User, SignInError> {
        let account = format!("user:{}", name.to_lowercase());
        let address = peer.map(|ip| format!("addr:{ip}"));
        let wait = self.wait_for(&account, ACCOUNT_FREE_FAILURES).max(
            address
                .as_deref()
                .map_or(Duration::ZERO, |a| self.wait_for(a, ADDRESS_FREE_FAILURES)),
        );
        if !wait.is_zero() {
            tracing::warn!(name, peer = ?peer, "sign-in refused: too many failures");
            return Err(SignInError::Throttled { retry_after: wait });
        }
        let busy = || SignInError::Busy {
            retry_after: Duration::from_secs(1),
        };
        let _place = self.queue.try_acquire().map_err(|_| busy())?;
        let found = store.user_with_password(name).await?;
        let _slot = tokio::time::timeout(QUEUE_WAIT, self.hashing.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, DUMMY_HASH.clone()),
        };
        let matches = crate::auth::verify_password(password, hash).await;
        match user {
            Some(user) if matches => {
                self.forget(&account);
                Ok(user)
            }
            _ => {
                self.fail(&account);
                if let Some(address) = &address {
                    self.fail(address);
                }
                tracing::warn!(name, peer = ?peer, "sign-in failed: wrong name or password");
                Err(SignInError::Wrong)
            }
        }
    }

    fn wait_for(&self, key: &str, free: u32) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.get(key).map_or(Duration::ZERO, |f| {
            f.backoff(free).saturating_sub(f.last.elapsed())
        })
    }

    fn fail(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, f| f.last.elapsed() < FORGET_AFTER);
            if failures.len() >= MAX_TRACKED {
                // Still full: an attack from very many addresses. Forgetting is the bounded
                // choice; the per-account counts rebuild at once.
                failures.clear();
            }
        }
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            last: Instant::now(),
        });
        if entry.last.elapsed() >= FORGET_AFTER {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = Instant::now();
    }

    fn forget(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }
}

/// An argon2 hash of a random password, checked for unknown names so that they cost what
/// known ones do.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    crate::auth::hash_password_now(&crate::auth::random_hex(16)).unwrap_or_default()
});

/// The caller's address, when the server was started with connection info (see
/// [`crate::serve`]); requests sent in-process in tests have none.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_after_the_free_failures_and_is_capped() {
        let at = |count| {
            Failures {
                count,
                last: Instant::now(),
            }
            .backoff(5)
        };
        assert_eq!(at(4), Duration::ZERO);
        assert_eq!(at(5), Duration::from_secs(1));
        assert_eq!(at(6), Duration::from_secs(2));
        assert_eq!(at(9), Duration::from_secs(16));
        assert_eq!(at(40), MAX_BACKOFF);
    }
}
