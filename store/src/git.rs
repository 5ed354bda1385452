//! What the store keeps about git: where a submission's files came from (URL without
//! credentials, the revision asked for, the commit graded, the folder), the repositories learners
//! link to their accounts, and the webhook deliveries already handled.
//!
//! Reached from any [`Store`](crate::Store) through [`Store::git`](crate::Store::git).

use async_trait::async_trait;
use serde::Serialize;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::dialect::Dialect;
use crate::sql::{SqlStore, insert_submission};
use crate::{NewSubmission, StoreError, now_ms};

/// Where a git submission's files came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GitSource {
    /// The repository's URL, credentials removed.
    pub url: String,
    /// The revision asked for (a branch, a tag, a commit, `HEAD`).
    pub rev: String,
    /// The commit graded.
    pub commit: String,
    /// The project's folder in the repository, if the spec names one.
    pub dir: Option<String>,
}

/// A repository linked to a learner's account. `Debug` hides the URL (it may carry a token) and
/// the webhook secret.
#[derive(Clone, PartialEq, Eq)]
pub struct RepoLink {
    /// Row id.
    pub id: i64,
    /// The learner.
    pub user_id: i64,
    /// The URL as given; it may carry a read token, so it is never shown or logged as is.
    pub url: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The secret that signs this repository's push deliveries (made at the first link).
    pub webhook_secret: String,
    /// Whether a delivery signed with this link's secret arrived: proof that the learner can
    /// set the repository's webhook. Until then another learner may link it instead.
    pub confirmed: bool,
}

impl std::fmt::Debug for RepoLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoLink")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// Git's part of the store.
#[async_trait]
pub trait GitStore: Send + Sync {
    /// Stores a queued submission, its files and its git source in one transaction; with
    /// `callback`, its result is to be reported back once it is final.
    async fn add_git_submission(
        &self,
        submission: &NewSubmission,
        source: &GitSource,
        callback: bool,
    ) -> Result<i64, StoreError>;

    /// The git source of a submission, if it came from git.
    async fn git_source(&self, submission_id: i64) -> Result<Option<GitSource>, StoreError>;

    /// Links a repository (by its normalised `url_key`) to a user, with a new webhook secret.
    /// [`StoreError::Conflict`] when another user's link of it is confirmed; an unconfirmed one
    /// passes to this user with the new secret. Linking one's own again updates the URL and
    /// keeps the secret.
    async fn link_repo(
        &self,
        user_id: i64,
        url: &str,
        url_key: &str,
        webhook_secret: &str,
    ) -> Result<RepoLink, StoreError>;

    /// Marks a link confirmed (a delivery signed with its own secret arrived).
    async fn confirm_link(&self, id: i64, now: i64) -> Result<(), StoreError>;

    /// The link of a repository, by its normalised key.
    async fn repo_link(&self, url_key: &str) -> Result<Option<RepoLink>, StoreError>;

    /// A user's linked repositories.
    async fn repo_links(&self, user_id: i64) -> Result<Vec<RepoLink>, StoreError>;

    /// Records a webhook delivery id; false when it was seen before (a replay).
    async fn first_delivery(&self, delivery_id: &str, now: i64) -> Result<bool, StoreError>;

    /// Forgets a delivery that could not be handled for the platform's reasons (a host that
    /// timed out, a database error), so the sender's redelivery of it is not taken for a replay.
    async fn forget_delivery(&self, delivery_id: &str) -> Result<(), StoreError>;

    /// Callbacks due at `now` whose submission is final (graded or failed), oldest first.
    async fn due_callbacks(&self, now: i64, limit: i64) -> Result<Vec<Callback>, StoreError>;

    /// Takes a due callback for `until` (so one server sends it); false when another did.
    async fn claim_callback(&self, callback: &Callback, until: i64) -> Result<bool, StoreError>;

    /// Records an attempt: delivered, retried at `next_at`, or (`next_at` None) given up.
    async fn record_callback(
        &self,
        submission_id: i64,
        delivered: bool,
        next_at: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError>;
}

/// A result to report back, with what the report says.
#[derive(Debug, Clone)]
pub struct Callback {
    /// The submission.
    pub submission_id: i64,
    /// Attempts so far.
    pub attempts: i64,
    /// When it was due.
    pub next_at: i64,
    /// The learner's name.
    pub user: String,
    /// The project.
    pub project_id: String,
    /// `graded` or `failed`.
    pub status: String,
    /// Score, when graded.
    pub score: Option<f64>,
    /// Bonus, when graded.
    pub bonus: Option<f64>,
    /// Every mandatory check passed, when graded.
    pub passed: Option<bool>,
    /// The platform error, when failed.
    pub error: Option<String>,
    /// Where the files came from.
    pub source: GitSource,
}

#[async_trait]
impl<D: Dialect> GitStore for SqlStore<D>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'a> &'a str: ColumnIndex<D::Row>,
    for<'q> i64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> f64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> bool: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> String: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    for<'q> Vec<u8>: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<i64>: Encode<'q, D>,
    for<'q> Option<String>: Encode<'q, D>,
    for<'q> Option<&'q str>: Encode<'q, D>,
{
    async fn add_git_submission(
        &self,
        submission: &NewSubmission,
        source: &GitSource,
        callback: bool,
    ) -> Result<i64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let id = insert_submission::<D>(&mut tx, submission).await?;
        sqlx::query(
            "INSERT INTO submission_git (submission_id, url, rev, commit_sha, dir)
            VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&source.url)
        .bind(&source.rev)
        .bind(&source.commit)
        .bind(&source.dir)
        .execute(&mut *tx)
        .await?;
        if callback {
            sqlx::query(
                "INSERT INTO git_callbacks (submission_id, attempts, next_at) VALUES ($1, 0, $2)",
            )
            .bind(id)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn git_source(&self, submission_id: i64) -> Result<Option<GitSource>, StoreError> {
        sqlx::query("SELECT url, rev, commit_sha, dir FROM submission_git WHERE submission_id = $1")
            .bind(submission_id)
            .fetch_optional(&self.reader)
            .await?
            .map(|row| source_of(&row))
            .transpose()
    }

    async fn link_repo(
        &self,
        user_id: i64,
        url: &str,
        url_key: &str,
        webhook_secret: &str,
    ) -> Result<RepoLink, StoreError> {
        // No row back: the key exists and the `WHERE` refused it, so another user holds it.
        let row = sqlx::query(
            "INSERT INTO repo_links (user_id, url, url_key, created_at, webhook_secret)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (url_key) DO UPDATE SET url = excluded.url,
                webhook_secret = CASE WHEN repo_links.user_id = excluded.user_id
                    THEN repo_links.webhook_secret ELSE excluded.webhook_secret END,
                created_at = CASE WHEN repo_links.user_id = excluded.user_id
                    THEN repo_links.created_at ELSE excluded.created_at END,
                user_id = excluded.user_id
            WHERE repo_links.user_id = excluded.user_id OR repo_links.confirmed_at IS NULL
            RETURNING id, user_id, url, created_at, webhook_secret, confirmed_at",
        )
        .bind(user_id)
        .bind(url)
        .bind(url_key)
        .bind(now_ms())
        .bind(webhook_secret)
        .fetch_optional(&self.writer)
        .await?;
        match row {
            Some(row) => link_of(&row),
            None => Err(StoreError::Conflict(
                "a link of this repository to another account".into(),
            )),
        }
    }

    async fn confirm_link(&self, id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE repo_links SET confirmed_at = $2 WHERE id = $1 AND confirmed_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn repo_link(&self, url_key: &str) -> Result<Option<RepoLink>, StoreError> {
        sqlx::query(&format!("{LINKS} WHERE url_key = $1"))
            .bind(url_key)
            .fetch_optional(&self.reader)
            .await?
            .map(|row| link_of(&row))
            .transpose()
    }

    async fn repo_links(&self, user_id: i64) -> Result<Vec<RepoLink>, StoreError> {
        sqlx::query(&format!("{LINKS} WHERE user_id = $1 ORDER BY id"))
            .bind(user_id)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(link_of)
            .collect()
    }

    async fn first_delivery(&self, delivery_id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO webhook_deliveries (delivery_id, received_at) VALUES ($1, $2)
            ON CONFLICT (delivery_id) DO NOTHING",
        )
        .bind(delivery_id)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(D::rows_affected(&done) == 1)
    }

    async fn forget_delivery(&self, delivery_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM webhook_deliveries WHERE delivery_id = $1")
            .bind(delivery_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn due_callbacks(&self, now: i64, limit: i64) -> Result<Vec<Callback>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.submission_id, c.attempts, c.next_at,
                u.name AS user_name, s.project_id, s.status, s.last_error,
                r.score, r.bonus, r.passed, g.url, g.rev, g.commit_sha, g.dir
            FROM git_callbacks c
            JOIN submissions s ON s.id = c.submission_id
            JOIN users u ON u.id = s.user_id
            JOIN submission_git g ON g.submission_id = c.submission_id
            LEFT JOIN results r ON r.submission_id = c.submission_id
            WHERE c.delivered_at IS NULL AND NOT c.given_up AND c.next_at <= $1
              AND s.status IN ('graded', 'failed')
            ORDER BY c.next_at, c.submission_id
            LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Callback {
                    submission_id: row.try_get("submission_id")?,
                    attempts: row.try_get("attempts")?,
                    next_at: row.try_get("next_at")?,
                    user: row.try_get("user_name")?,
                    project_id: row.try_get("project_id")?,
                    status: row.try_get("status")?,
                    score: row.try_get("score")?,
                    bonus: row.try_get("bonus")?,
                    passed: row.try_get("passed")?,
                    error: row.try_get("last_error")?,
                    source: source_of(row)?,
                })
            })
            .collect()
    }

    async fn claim_callback(&self, callback: &Callback, until: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE git_callbacks SET next_at = $1
            WHERE submission_id = $2 AND next_at = $3 AND delivered_at IS NULL AND NOT given_up",
        )
        .bind(until)
        .bind(callback.submission_id)
        .bind(callback.next_at)
        .execute(&self.writer)
        .await?;
        Ok(D::rows_affected(&done) == 1)
    }

    async fn record_callback(
        &self,
        submission_id: i64,
        delivered: bool,
        next_at: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE git_callbacks
            SET attempts = attempts + 1, delivered_at = $1, next_at = COALESCE($2, next_at),
                given_up = $3, last_error = $4
            WHERE submission_id = $5",
        )
        .bind(delivered.then_some(now_ms()))
        .bind(next_at)
        .bind(!delivered && next_at.is_none())
        .bind(error)
        .bind(submission_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}

const LINKS: &str =
    "SELECT id, user_id, url, created_at, webhook_secret, confirmed_at FROM repo_links";

/// A [`GitSource`] from a row with `url`, `rev`, `commit_sha` and `dir`.
fn source_of<R: Row>(row: &R) -> Result<GitSource, StoreError>
where
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(GitSource {
        url: row.try_get("url")?,
        rev: row.try_get("rev")?,
        commit: row.try_get("commit_sha")?,
        dir: row.try_get("dir")?,
    })
}

/// A [`RepoLink`] from a row of [`LINKS`].
fn link_of<R: Row>(row: &R) -> Result<RepoLink, StoreError>
where
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(RepoLink {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        url: row.try_get("url")?,
        created_at: row.try_get("created_at")?,
        webhook_secret: row.try_get("webhook_secret")?,
        confirmed: row.try_get::<Option<i64>, _>("confirmed_at")?.is_some(),
    })
}
