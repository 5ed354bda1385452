//! Where everything the server knows is kept: users, tokens, projects, submissions and their
//! files, the queue, results and scores.
//!
//! The server and workers talk to storage only through the narrow [`Store`] trait (with its
//! [`git`] and [`dashboard`] parts). One implementation, [`SqlStore`], runs on two databases:
//! [`SqliteStore`] (one file, zero set-up; one writer) and [`PostgresStore`] (many workers on
//! many hosts; jobs claimed with `FOR UPDATE SKIP LOCKED`). Its SQL is written once; what the
//! databases do differently lives in their [`Dialect`]. Each database has its own migrations
//! folder (`migrations/sqlite`, `migrations/postgres`), run at start.

pub mod dashboard;
mod dialect;
pub mod git;
mod sql;
mod url;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use serde::Serialize;
use thiserror::Error;

pub use dialect::{Dialect, Pools};
pub use sql::SqlStore;
pub use url::{Backend, DbUrl};

/// The store on a SQLite file.
pub type SqliteStore = SqlStore<sqlx::Sqlite>;

/// The store on a PostgreSQL database.
pub type PostgresStore = SqlStore<sqlx::Postgres>;

/// Something went wrong in the database: the platform's fault, never the learner's.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database refused or failed a query, or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrating the schema failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A row with the same unique key exists (a user name, a token).
    #[error("{0} already exists")]
    Conflict(String),
    /// A stored value could not be understood (a role, a status).
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the database could not be reached (rather than refusing a query): callers
    /// answer "try again" instead of "failed".
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => true,
            // PostgreSQL going down or starting up: connection exceptions (class 08) and
            // operator intervention such as `terminating connection due to administrator
            // command` while it restarts (57P01-57P03).
            StoreError::Database(sqlx::Error::Database(error)) => error
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        }
    }
}

/// The role of a user: what they may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Submits and reads their own submissions and scores.
    Learner,
    /// Reads everyone's submissions and scores.
    Instructor,
    /// Everything an instructor may, and runs the platform.
    Admin,
}

impl Role {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Instructor => "instructor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role reads every learner's submissions and scores.
    pub fn reads_everything(self) -> bool {
        matches!(self, Role::Instructor | Role::Admin)
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "learner" => Ok(Role::Learner),
            "instructor" => Ok(Role::Instructor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}`; use learner, instructor or admin"
            )),
        }
    }
}

/// A user, as the rest of the server sees them (never with a password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Unique name they sign in with.
    pub name: String,
    /// What they may read.
    pub role: Role,
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for a worker.
    Queued,
    /// A worker holds a lease on it and is grading.
    Running,
    /// Graded; the report and score are stored.
    Graded,
    /// The platform could not grade it (never a score).
    Failed,
}

impl Status {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Graded => "graded",
            Status::Failed => "failed",
        }
    }

    /// Whether nothing will change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Graded | Status::Failed)
    }

    fn parse(text: &str) -> Result<Status, StoreError> {
        match text {
            "queued" => Ok(Status::Queued),
            "running" => Ok(Status::Running),
            "graded" => Ok(Status::Graded),
            "failed" => Ok(Status::Failed),
            other => Err(StoreError::Corrupt(format!("submission status `{other}`"))),
        }
    }
}

/// One spec version of a project, recorded when a server starts with it.
#[derive(Debug, Clone)]
pub struct ProjectVersion {
    /// Project id.
    pub project_id: String,
    /// Hash of the spec and its grader files.
    pub version: String,
    /// Title.
    pub title: String,
    /// The `project.yaml` text.
    pub spec: String,
    /// Files a learner provides.
    pub learner_files: Vec<String>,
}

/// A submission to store, with the learner files it brought.
#[derive(Debug)]
pub struct NewSubmission {
    /// Who submitted.
    pub user_id: i64,
    /// Which project.
    pub project_id: String,
    /// The spec version the server had when it accepted the submission.
    pub spec_version: String,
    /// Where it came from (`upload`).
    pub source: String,
    /// Learner files by relative path: only those the spec names.
    pub files: Vec<StoredFile>,
    /// The id of the request that brought it, carried into the worker's logs.
    pub request_id: Option<String>,
}

/// One learner file of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Relative path.
    pub path: String,
    /// Contents.
    pub contents: Vec<u8>,
    /// Its executable bit.
    pub executable: bool,
}

/// An API token as the store keeps it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Row id, by which the token is revoked.
    pub id: i64,
    /// SHA-256 of the token.
    pub token_hash: String,
    /// What it is for (`login`, or the name given to `checker token create`).
    pub label: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds; None: it does not expire.
    pub expires_at: Option<i64>,
}

/// The answer of [`Store::take_submission_slot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The slot is the caller's.
    Taken,
    /// Every slot of the window is taken.
    Full {
        /// When the oldest slot of the window was taken (Unix ms).
        oldest: i64,
    },
}

/// A stored submission and, once there is one, its result.
#[derive(Debug, Clone)]
pub struct SubmissionRecord {
    /// Submission id.
    pub id: i64,
    /// Who submitted.
    pub user_id: i64,
    /// Their name.
    pub user_name: String,
    /// Which project.
    pub project_id: String,
    /// Spec version when accepted.
    pub spec_version: String,
    /// Where it stands.
    pub status: Status,
    /// How many times a worker claimed it.
    pub attempts: i64,
    /// The last platform error, if any.
    pub last_error: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When a worker last claimed it.
    pub started_at: Option<i64>,
    /// When it was graded or failed.
    pub finished_at: Option<i64>,
    /// The report and scores, once graded (or the report of a platform-failed attempt).
    pub result: Option<ResultRecord>,
}

/// A stored grading result.
#[derive(Debug, Clone)]
pub struct ResultRecord {
    /// Percent of mandatory points.
    pub score: f64,
    /// Percent of advanced points.
    pub bonus: f64,
    /// Every mandatory check passed.
    pub passed: bool,
    /// Grading time.
    pub duration_ms: i64,
    /// The full report ([`checker::report::Report`]) as JSON.
    pub report: String,
}

/// A job a worker holds a lease on.
#[derive(Debug, Clone)]
pub struct Job {
    /// Submission id.
    pub id: i64,
    /// Who submitted.
    pub user_id: i64,
    /// Which project.
    pub project_id: String,
    /// Spec version when accepted.
    pub spec_version: String,
    /// This claim's number (1 for the first).
    pub attempt: i64,
    /// The lease's unique owner; only its holder may renew, finish or release the job.
    pub lease_owner: String,
    /// The id of the request that brought the submission, for the logs.
    pub request_id: Option<String>,
}

/// A graded report, ready to store.
#[derive(Debug, Clone)]
pub struct GradedResult {
    /// Percent of mandatory points.
    pub score: f64,
    /// Percent of advanced points.
    pub bonus: f64,
    /// Every mandatory check passed.
    pub passed: bool,
    /// Grading time.
    pub duration_ms: i64,
    /// Spec version graded against.
    pub spec_version: String,
    /// The full report as JSON.
    pub report: String,
    /// How many checks got each verdict.
    pub verdicts: Vec<(String, i64)>,
    /// The worker's name.
    pub graded_by: String,
}

/// How a job ends.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Graded: the result is stored and the learner's scores updated.
    Graded(GradedResult),
    /// The platform could not grade it; no score. A partial report may be kept for operators.
    Failed {
        /// Why, for people.
        error: String,
        /// The report of the last attempt, if it got that far.
        report: Option<GradedResult>,
    },
}

/// Progress recorded while grading.
#[derive(Debug, Clone)]
pub struct GradingEvent {
    /// Increasing id (the SSE event id).
    pub id: i64,
    /// The attempt it belongs to.
    pub attempt: i64,
    /// `task` or `check`.
    pub kind: String,
    /// JSON.
    pub payload: String,
}

/// A learner's best and latest scores on a project.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRecord {
    /// The learner.
    pub user: String,
    /// The project.
    pub project: String,
    /// Best score so far (the best bonus breaks ties).
    pub best_score: f64,
    /// Bonus of that submission.
    pub best_bonus: f64,
    /// Which submission.
    pub best_submission: i64,
    /// Score of the most recent graded submission.
    pub latest_score: f64,
    /// Its bonus.
    pub latest_bonus: f64,
    /// Which submission.
    pub latest_submission: i64,
    /// How many submissions were graded.
    pub graded: i64,
    /// Unix milliseconds.
    pub updated_at: i64,
}

/// Figures for `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Submissions by status.
    pub by_status: Vec<(String, i64)>,
    /// Graded submissions.
    pub graded: i64,
    /// Their grading time, summed.
    pub grading_ms_sum: i64,
    /// Cumulative counts of grading times at or under each bound (milliseconds).
    pub grading_buckets: Vec<(i64, i64)>,
    /// Checks by verdict, over every graded submission.
    pub verdicts: Vec<(String, i64)>,
}

/// Upper bounds of the grading time histogram, in milliseconds.
pub const GRADING_BUCKETS_MS: [i64; 9] = [
    1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000,
];

/// The storage interface of the server and its workers. Every state change that matters is one
/// transaction; nothing is held only in memory.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Records spec versions (known ones are kept as they are).
    async fn record_projects(&self, versions: &[ProjectVersion]) -> Result<(), StoreError>;

    /// Adds a user; [`StoreError::Conflict`] when the name is taken.
    async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<User, StoreError>;

    /// A user and their password hash, by name.
    async fn user_with_password(&self, name: &str) -> Result<Option<(User, String)>, StoreError>;

    /// Stores the hash of a new API token.
    async fn add_token(
        &self,
        user_id: i64,
        token_hash: &str,
        label: &str,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError>;

    /// The owner of a token hash, and when the token expires.
    async fn user_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, Option<i64>)>, StoreError>;

    /// A user's API tokens (their hashes only), oldest first.
    async fn tokens(&self, user_id: i64) -> Result<Vec<TokenRecord>, StoreError>;

    /// Deletes token `id` of `user_id`; false when the user has no such token.
    async fn revoke_token(&self, user_id: i64, id: i64) -> Result<bool, StoreError>;

    /// Stores a queued submission and its files in one transaction; returns its id.
    async fn add_submission(&self, submission: &NewSubmission) -> Result<i64, StoreError>;

    /// How many submissions a user made after `since` (Unix ms), and when the oldest of them was.
    async fn recent_submissions(
        &self,
        user_id: i64,
        since: i64,
    ) -> Result<(i64, Option<i64>), StoreError>;

    /// Takes one of the `limit` submission slots a user has per window, atomically: concurrent
    /// callers for one user are serialised (on the user's row), so exactly `limit` of them get
    /// a slot. `since` (Unix ms) is where the window starts; slots older are forgotten.
    async fn take_submission_slot(
        &self,
        user_id: i64,
        since: i64,
        limit: i64,
        now: i64,
    ) -> Result<Slot, StoreError>;

    /// A submission and its result.
    async fn submission(&self, id: i64) -> Result<Option<SubmissionRecord>, StoreError>;

    /// A submission's files.
    async fn submission_files(&self, id: i64) -> Result<Vec<StoredFile>, StoreError>;

    /// Grading progress of a submission recorded after event id `after`.
    async fn events_after(&self, id: i64, after: i64) -> Result<Vec<GradingEvent>, StoreError>;

    /// Scores of one user, or of everyone.
    async fn scores(&self, user_id: Option<i64>) -> Result<Vec<ScoreRecord>, StoreError>;

    /// Queue depth, grading times and verdict counts.
    async fn stats(&self) -> Result<Stats, StoreError>;

    /// Claims the oldest queued job, or one whose lease expired, for `lease`. The claim counts as
    /// an attempt; progress events of earlier attempts are dropped.
    async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<Job>, StoreError>;

    /// Extends the lease; false when it was lost (expired and claimed by another worker).
    async fn renew(&self, job: &Job, lease: Duration) -> Result<bool, StoreError>;

    /// Records progress of the grading in course.
    async fn add_event(&self, job: &Job, kind: &str, payload: &str) -> Result<(), StoreError>;

    /// Ends the job, in one transaction with its result and the learner's scores. False (and
    /// nothing written) when the lease was lost: a job is graded exactly once.
    async fn finish(&self, job: &Job, outcome: &Outcome) -> Result<bool, StoreError>;

    /// Gives the job back to the queue, to be claimed again after `retry_in`. With `refund`, the
    /// attempt does not count (the worker is shutting down, not failing).
    async fn release(
        &self,
        job: &Job,
        retry_in: Duration,
        error: &str,
        refund: bool,
    ) -> Result<bool, StoreError>;

    /// Git sources, linked repositories and webhook deliveries.
    fn git(&self) -> &dyn git::GitStore;

    /// The dashboard's queries (sessions, histories, the class grid) on the same database.
    fn dashboard(&self) -> &dyn dashboard::DashboardStore;
}

/// Connects to the database, creating a SQLite file if needed, and runs its migrations.
pub async fn open(url: &DbUrl) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = match url.backend() {
        Backend::Sqlite => Arc::new(SqliteStore::open(url).await?),
        Backend::Postgres => Arc::new(PostgresStore::open(url).await?),
    };
    tracing::info!(db = %url, "database ready");
    Ok(store)
}

/// Now, in Unix milliseconds: the one clock of the store.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `n` random bytes as hex, from the operating system's generator.
fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator answers");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
