//! The SQLite store: one file, created and migrated at start; one writer connection, so claims
//! and commits never race inside a process, and a busy timeout between processes.

use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::sql::{self, claim_sql, impl_store};
use super::{
    DbUrl, GradingEvent, Job, NewSubmission, Outcome, ProjectVersion, ResultRecord, Role,
    ScoreRecord, Stats, Status, StoreError, SubmissionRecord, User, millis, now_ms,
};

/// A SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database file.
    pub async fn open(url: &DbUrl) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url.expose())?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An answered 202 must survive a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }
}

// The pools' own Debug would print their connect options, password included.
impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

impl_store!(SqliteStore, claim = claim_sql!(""));

super::git::impl_git_store!(SqliteStore);

super::dashboard::impl_dashboard_store!(SqliteStore);
