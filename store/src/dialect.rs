//! What differs between the two databases, and nothing else.
//!
//! The store's statements are written once (in `sql.rs`, `git.rs`, `dashboard.rs`) and run on
//! both: SQLite and PostgreSQL accept the same `$N` parameters, `ON CONFLICT ... DO UPDATE`,
//! `RETURNING` and `string_agg`, and every time is a Unix-millisecond integer bound from Rust, so
//! no date function is needed. A [`Dialect`] holds the rest: how a claimer keeps other claimers
//! off the job it takes, how a database is connected to and migrated, and how its driver reports
//! the rows a statement changed.
//!
//! The store is generic over sqlx's own database types rather than built on `sqlx::Any`: `Any`
//! copies every cell into its own value type (the class grid reads thousands), decodes by loose
//! runtime kinds (SQLite's `BOOLEAN` and `INTEGER` columns), and is set up from a URL alone, so
//! SQLite's write-ahead log, `synchronous = FULL` and read-only reader pool would be lost. The
//! price of the generic code is the list of sqlx bounds each implementation states.

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgQueryResult};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{Database, Pool, Postgres, Sqlite};

use crate::{DbUrl, StoreError};

/// A database the store runs on: sqlx's own database type, with the few things its SQL or its
/// set-up does differently.
pub trait Dialect: Database {
    /// Ends the claim's inner `SELECT`: how the row a claimer picks is kept from the others.
    const CLAIM_LOCK: &'static str;

    /// Follows a text column in `ORDER BY`: compare bytes, as Rust's `str` does, whatever the
    /// database's locale (PostgreSQL's default collation may put `Bob` after `ada`).
    const BYTE_ORDER: &'static str;

    /// Connects to the database, creating it if the database can, and runs its migrations.
    /// Returns the pool that writes and the pool that reads (they may be the same).
    fn connect(url: &DbUrl) -> impl Future<Output = Result<Pools<Self>, StoreError>> + Send;

    /// How many rows a statement changed (each driver reports it in its own result type).
    fn rows_affected(result: &Self::QueryResult) -> u64;
}

/// The pools of one database.
pub struct Pools<D: Database> {
    /// Every write and every transaction goes here.
    pub writer: Pool<D>,
    /// Reads that need no transaction.
    pub reader: Pool<D>,
}

/// SQLite: one file, created and migrated at start. One writer connection, so claims and
/// commits never race inside a process (a claim needs no lock clause), and a busy timeout
/// between processes; reads go to their own read-only pool.
impl Dialect for Sqlite {
    const CLAIM_LOCK: &'static str = "";
    const BYTE_ORDER: &'static str = "COLLATE BINARY";

    async fn connect(url: &DbUrl) -> Result<Pools<Sqlite>, StoreError> {
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
        Ok(Pools { writer, reader })
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }
}

/// PostgreSQL, for many workers on many hosts: a claimer locks the row it picks and skips the
/// rows others hold, so two workers never take the same job.
impl Dialect for Postgres {
    const CLAIM_LOCK: &'static str = "FOR UPDATE SKIP LOCKED";
    const BYTE_ORDER: &'static str = "COLLATE \"C\"";

    async fn connect(url: &DbUrl) -> Result<Pools<Postgres>, StoreError> {
        let options: PgConnectOptions = url.expose().parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        // Migrations take an advisory lock, so several processes may start at once.
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Pools {
            writer: pool.clone(),
            reader: pool,
        })
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }
}
