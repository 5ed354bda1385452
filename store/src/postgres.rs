//! The PostgreSQL store, for many workers on many hosts: jobs are claimed with
//! `FOR UPDATE SKIP LOCKED`, so two workers never hold the same job at once.

use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::sql::{self, claim_sql, impl_store};
use super::{
    DbUrl, GradingEvent, Job, NewSubmission, Outcome, ProjectVersion, ResultRecord, Role,
    ScoreRecord, Stats, Status, StoreError, SubmissionRecord, User, millis, now_ms,
};

/// A PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and migrates (migrations take an advisory lock, so several processes may start
    /// at once).
    pub async fn open(url: &DbUrl) -> Result<PostgresStore, StoreError> {
        let options: PgConnectOptions = url.expose().parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }
}

// The pools' own Debug would print their connect options, password included.
impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgresStore")
    }
}

impl_store!(PostgresStore, claim = claim_sql!("FOR UPDATE SKIP LOCKED"));

super::git::impl_git_store!(PostgresStore);

super::dashboard::impl_dashboard_store!(PostgresStore);
