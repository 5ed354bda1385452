//! The store over either database: [`SqlStore`], generic over its [`Dialect`]. Each statement is
//! written once, next to the code that binds its parameters and reads its rows.
//!
//! The `where` clauses on the implementations list what sqlx must provide for the types the
//! store binds and reads (Rust does not carry such bounds along with a trait, so each
//! implementation states them); both [`sqlx::Sqlite`] and [`sqlx::Postgres`] meet them.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use crate::dialect::{Dialect, Pools};
use crate::{
    DbUrl, GRADING_BUCKETS_MS, GradingEvent, Job, NewSubmission, Outcome, ProjectVersion,
    ResultRecord, Role, ScoreRecord, Slot, Stats, Status, Store, StoreError, StoredFile,
    SubmissionRecord, TokenRecord, User, millis, now_ms, random_hex,
};

/// The store on a database of dialect `D`.
pub struct SqlStore<D: Dialect> {
    pub(crate) writer: Pool<D>,
    pub(crate) reader: Pool<D>,
}

impl<D: Dialect> SqlStore<D> {
    /// Connects (creating a SQLite file if needed) and migrates the database.
    pub async fn open(url: &DbUrl) -> Result<SqlStore<D>, StoreError> {
        let Pools { writer, reader } = D::connect(url).await?;
        Ok(SqlStore { writer, reader })
    }
}

impl<D: Dialect> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        SqlStore {
            writer: self.writer.clone(),
            reader: self.reader.clone(),
        }
    }
}

// The pools' own Debug would print their connect options, password included.
impl<D: Dialect> std::fmt::Debug for SqlStore<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SqlStore<{}>", <D as sqlx::Database>::NAME)
    }
}

/// Inserts a queued submission and its files inside a transaction; its id.
pub(crate) async fn insert_submission<D: Dialect>(
    tx: &mut D::Connection,
    submission: &NewSubmission,
) -> Result<i64, StoreError>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'a> &'a str: ColumnIndex<D::Row>,
    for<'q> i64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> String: Encode<'q, D> + Type<D>,
    for<'q> Vec<u8>: Encode<'q, D> + Type<D>,
    for<'q> bool: Encode<'q, D> + Type<D>,
    for<'q> Option<String>: Encode<'q, D>,
{
    let row = sqlx::query(
        "INSERT INTO submissions
            (user_id, project_id, spec_version, source, status, attempts, not_before, created_at,
             request_id)
        VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5, $6) RETURNING id",
    )
    .bind(submission.user_id)
    .bind(&submission.project_id)
    .bind(&submission.spec_version)
    .bind(&submission.source)
    .bind(now_ms())
    .bind(submission.request_id.clone())
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    for file in &submission.files {
        sqlx::query(
            "INSERT INTO submission_files (submission_id, path, contents, executable)
            VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&file.path)
        .bind(&file.contents)
        .bind(file.executable)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// A check a report says failed (any verdict but `passed`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FailedCheck {
    pub task_id: String,
    pub task_title: String,
    pub name: String,
    pub verdict: String,
}

/// The failed checks of a report's JSON (the documented `--json` fields `tasks[].id`, `title`,
/// `checks[].name`, `verdict`); none when it is not a report.
pub(crate) fn failed_checks(report: &str) -> Vec<FailedCheck> {
    #[derive(serde::Deserialize)]
    struct Report {
        #[serde(default)]
        tasks: Vec<Task>,
    }
    #[derive(serde::Deserialize)]
    struct Task {
        #[serde(default)]
        id: String,
        #[serde(default)]
        title: String,
        #[serde(default)]
        checks: Vec<Check>,
    }
    #[derive(serde::Deserialize)]
    struct Check {
        #[serde(default)]
        name: String,
        verdict: String,
    }
    let Ok(report) = serde_json::from_str::<Report>(report) else {
        return Vec::new();
    };
    report
        .tasks
        .into_iter()
        .flat_map(|task| {
            let (id, title) = (task.id, task.title);
            task.checks
                .into_iter()
                .filter(|check| check.verdict != "passed")
                .map(move |check| FailedCheck {
                    task_id: id.clone(),
                    task_title: title.clone(),
                    name: check.name,
                    verdict: check.verdict,
                })
        })
        .collect()
}

/// A [`User`] from a row with `id`, `name` and `role`.
pub(crate) fn user_of<R: Row>(row: &R) -> Result<User, StoreError>
where
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: role.parse::<Role>().map_err(StoreError::Corrupt)?,
    })
}

const SCORES: &str = "SELECT u.name AS user_name, sc.project_id, sc.best_score, sc.best_bonus,
        sc.best_submission, sc.latest_score, sc.latest_bonus, sc.latest_submission, sc.graded,
        sc.updated_at
    FROM scores sc JOIN users u ON u.id = sc.user_id";

/// Count and sum of grading times of graded submissions, and one cumulative count per bucket.
fn grading_histogram_sql() -> String {
    let buckets: Vec<String> = GRADING_BUCKETS_MS
        .iter()
        .map(|bound| {
            format!(
                "CAST(COALESCE(SUM(CASE WHEN r.duration_ms <= {bound} THEN 1 ELSE 0 END), 0) \
                 AS BIGINT) AS le_{bound}"
            )
        })
        .collect();
    format!(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(r.duration_ms), 0) AS BIGINT) AS total, {}
         FROM results r JOIN submissions s ON s.id = r.submission_id
         WHERE s.status = 'graded'",
        buckets.join(", ")
    )
}

/// Best: the higher score, the higher bonus on a tie. Latest: the most recent submission, even
/// when an older one finishes grading after it.
const UPDATE_SCORES: &str = "INSERT INTO scores
        (user_id, project_id, best_score, best_bonus, best_submission,
         latest_score, latest_bonus, latest_submission, graded, updated_at)
    VALUES ($1, $2, $3, $4, $5, $3, $4, $5, 1, $6)
    ON CONFLICT (user_id, project_id) DO UPDATE SET
        best_score = CASE WHEN excluded.best_score > scores.best_score
            OR (excluded.best_score = scores.best_score AND excluded.best_bonus > scores.best_bonus)
            THEN excluded.best_score ELSE scores.best_score END,
        best_bonus = CASE WHEN excluded.best_score > scores.best_score
            OR (excluded.best_score = scores.best_score AND excluded.best_bonus > scores.best_bonus)
            THEN excluded.best_bonus ELSE scores.best_bonus END,
        best_submission = CASE WHEN excluded.best_score > scores.best_score
            OR (excluded.best_score = scores.best_score AND excluded.best_bonus > scores.best_bonus)
            THEN excluded.best_submission ELSE scores.best_submission END,
        latest_score = CASE WHEN excluded.latest_submission > scores.latest_submission
            THEN excluded.latest_score ELSE scores.latest_score END,
        latest_bonus = CASE WHEN excluded.latest_submission > scores.latest_submission
            THEN excluded.latest_bonus ELSE scores.latest_bonus END,
        latest_submission = CASE WHEN excluded.latest_submission > scores.latest_submission
            THEN excluded.latest_submission ELSE scores.latest_submission END,
        graded = scores.graded + 1,
        updated_at = excluded.updated_at";

/// Adds learners and score points to a project's totals in a cohort (`''`: none).
pub(crate) const ADD_TO_CLASS_TOTALS: &str = "INSERT INTO class_totals
        (project_id, cohort, learners, score_sum) VALUES ($1, $2, $3, $4)
    ON CONFLICT (project_id, cohort) DO UPDATE SET
        learners = class_totals.learners + excluded.learners,
        score_sum = class_totals.score_sum + excluded.score_sum";

/// A learner's best score on a project, inside a transaction.
async fn best_score<D: Dialect>(
    tx: &mut D::Connection,
    user_id: i64,
    project_id: &str,
) -> Result<Option<f64>, StoreError>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'a> &'a str: ColumnIndex<D::Row>,
    for<'q> i64: Encode<'q, D> + Type<D>,
    for<'q> f64: Decode<'q, D> + Type<D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
{
    Ok(
        sqlx::query("SELECT best_score FROM scores WHERE user_id = $1 AND project_id = $2")
            .bind(user_id)
            .bind(project_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get("best_score"))
            .transpose()?,
    )
}

const SAVE_RESULT: &str = "INSERT INTO results
        (submission_id, spec_version, score, bonus, passed, duration_ms, report, graded_by,
         created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (submission_id) DO UPDATE SET
        spec_version = excluded.spec_version, score = excluded.score, bonus = excluded.bonus,
        passed = excluded.passed, duration_ms = excluded.duration_ms, report = excluded.report,
        graded_by = excluded.graded_by, created_at = excluded.created_at";

#[async_trait]
impl<D: Dialect> Store for SqlStore<D>
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
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn record_projects(&self, versions: &[ProjectVersion]) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        for v in versions {
            let files = serde_json::to_string(&v.learner_files).unwrap_or_default();
            sqlx::query(
                "INSERT INTO project_versions
                    (project_id, version, title, spec, learner_files, loaded_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (project_id, version) DO NOTHING",
            )
            .bind(&v.project_id)
            .bind(&v.version)
            .bind(&v.title)
            .bind(&v.spec)
            .bind(files)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<User, StoreError> {
        let row = sqlx::query(
            "INSERT INTO users (name, role, password_hash, created_at)
            VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now_ms())
        .fetch_one(&self.writer)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                StoreError::Conflict(format!("user `{name}`"))
            }
            e => StoreError::Database(e),
        })?;
        Ok(User {
            id: row.try_get("id")?,
            name: name.to_owned(),
            role,
        })
    }

    async fn user_with_password(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query("SELECT id, name, role, password_hash FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|row| Ok((user_of(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn add_token(
        &self,
        user_id: i64,
        token_hash: &str,
        label: &str,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(label)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn tokens(&self, user_id: i64) -> Result<Vec<TokenRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, token_hash, label, created_at, expires_at
            FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TokenRecord {
                    id: row.try_get("id")?,
                    token_hash: row.try_get("token_hash")?,
                    label: row.try_get("label")?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, user_id: i64, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(D::rows_affected(&done) == 1)
    }

    async fn user_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, Option<i64>)>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.role, t.expires_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| Ok((user_of(&row)?, row.try_get("expires_at")?)))
            .transpose()
    }

    async fn add_submission(&self, submission: &NewSubmission) -> Result<i64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let id = insert_submission::<D>(&mut tx, submission).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn recent_submissions(
        &self,
        user_id: i64,
        since: i64,
    ) -> Result<(i64, Option<i64>), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest
            FROM submissions WHERE user_id = $1 AND created_at > $2",
        )
        .bind(user_id)
        .bind(since)
        .fetch_one(&self.reader)
        .await?;
        Ok((row.try_get("n")?, row.try_get("oldest")?))
    }

    async fn take_submission_slot(
        &self,
        user_id: i64,
        since: i64,
        limit: i64,
        now: i64,
    ) -> Result<Slot, StoreError> {
        let mut tx = self.writer.begin().await?;
        // Writing the user's row first takes its lock (PostgreSQL) or the write lock (SQLite)
        // before the count, so two callers never both count the last free slot.
        sqlx::query("UPDATE users SET name = name WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM submission_slots WHERE user_id = $1 AND taken_at <= $2")
            .bind(user_id)
            .bind(since)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(taken_at) AS oldest
            FROM submission_slots WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        let taken: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        if taken >= limit {
            tx.rollback().await?;
            return Ok(Slot::Full {
                oldest: oldest.unwrap_or(now),
            });
        }
        sqlx::query("INSERT INTO submission_slots (user_id, taken_at) VALUES ($1, $2)")
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Slot::Taken)
    }

    async fn submission(&self, id: i64) -> Result<Option<SubmissionRecord>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT s.id, s.user_id, u.name AS user_name, s.project_id, s.spec_version,
                s.status, s.attempts, s.last_error, s.created_at, s.started_at, s.finished_at,
                r.score, r.bonus, r.passed, r.duration_ms, r.report
            FROM submissions s
            JOIN users u ON u.id = s.user_id
            LEFT JOIN results r ON r.submission_id = s.id
            WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        else {
            return Ok(None);
        };
        let report: Option<String> = row.try_get("report")?;
        let result = match report {
            Some(report) => Some(ResultRecord {
                score: row.try_get("score")?,
                bonus: row.try_get("bonus")?,
                passed: row.try_get("passed")?,
                duration_ms: row.try_get("duration_ms")?,
                report,
            }),
            None => None,
        };
        Ok(Some(SubmissionRecord {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            user_name: row.try_get("user_name")?,
            project_id: row.try_get("project_id")?,
            spec_version: row.try_get("spec_version")?,
            status: Status::parse(&row.try_get::<String, _>("status")?)?,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            created_at: row.try_get("created_at")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            result,
        }))
    }

    async fn submission_files(&self, id: i64) -> Result<Vec<StoredFile>, StoreError> {
        let rows = sqlx::query(
            "SELECT path, contents, executable FROM submission_files WHERE submission_id = $1
            ORDER BY path",
        )
        .bind(id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredFile {
                    path: row.try_get("path")?,
                    contents: row.try_get("contents")?,
                    executable: row.try_get("executable")?,
                })
            })
            .collect()
    }

    async fn events_after(&self, id: i64, after: i64) -> Result<Vec<GradingEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, attempt, kind, payload FROM grading_events
            WHERE submission_id = $1 AND id > $2 ORDER BY id",
        )
        .bind(id)
        .bind(after)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(GradingEvent {
                    id: row.try_get("id")?,
                    attempt: row.try_get("attempt")?,
                    kind: row.try_get("kind")?,
                    payload: row.try_get("payload")?,
                })
            })
            .collect()
    }

    async fn scores(&self, user_id: Option<i64>) -> Result<Vec<ScoreRecord>, StoreError> {
        let rows = match user_id {
            Some(user_id) => {
                let sql = format!("{SCORES} WHERE sc.user_id = $1 ORDER BY sc.project_id");
                sqlx::query(&sql)
                    .bind(user_id)
                    .fetch_all(&self.reader)
                    .await?
            }
            None => {
                let sql = format!("{SCORES} ORDER BY u.name, sc.project_id");
                sqlx::query(&sql).fetch_all(&self.reader).await?
            }
        };
        rows.iter()
            .map(|row| {
                Ok(ScoreRecord {
                    user: row.try_get("user_name")?,
                    project: row.try_get("project_id")?,
                    best_score: row.try_get("best_score")?,
                    best_bonus: row.try_get("best_bonus")?,
                    best_submission: row.try_get("best_submission")?,
                    latest_score: row.try_get("latest_score")?,
                    latest_bonus: row.try_get("latest_bonus")?,
                    latest_submission: row.try_get("latest_submission")?,
                    graded: row.try_get("graded")?,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .collect()
    }

    async fn stats(&self) -> Result<Stats, StoreError> {
        let mut stats = Stats::default();
        let statuses = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM submissions GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.reader)
        .await?;
        for row in statuses {
            stats
                .by_status
                .push((row.try_get("status")?, row.try_get("n")?));
        }
        let histogram = grading_histogram_sql();
        let row = sqlx::query(&histogram).fetch_one(&self.reader).await?;
        stats.graded = row.try_get("n")?;
        stats.grading_ms_sum = row.try_get("total")?;
        for bound in GRADING_BUCKETS_MS {
            let count = row.try_get(format!("le_{bound}").as_str())?;
            stats.grading_buckets.push((bound, count));
        }
        let verdicts = sqlx::query("SELECT verdict, count FROM verdict_counts ORDER BY verdict")
            .fetch_all(&self.reader)
            .await?;
        for row in verdicts {
            stats
                .verdicts
                .push((row.try_get("verdict")?, row.try_get("count")?));
        }
        Ok(stats)
    }

    async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<Job>, StoreError> {
        // The oldest job that is queued and due, or whose lease expired.
        let claim = format!(
            "UPDATE submissions
            SET status = 'running', lease_owner = $1, lease_until = $2, started_at = $3,
                attempts = attempts + 1
            WHERE id = (
                SELECT id FROM submissions
                WHERE (status = 'queued' AND not_before <= $3)
                   OR (status = 'running' AND lease_until < $3)
                ORDER BY id
                LIMIT 1 {}
            )
            RETURNING id, user_id, project_id, spec_version, attempts, request_id",
            D::CLAIM_LOCK
        );
        let now = now_ms();
        let lease_owner = format!("{worker}#{}", random_hex(8));
        let Some(row) = sqlx::query(&claim)
            .bind(&lease_owner)
            .bind(now + millis(lease))
            .bind(now)
            .fetch_optional(&self.writer)
            .await?
        else {
            return Ok(None);
        };
        let job = Job {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            project_id: row.try_get("project_id")?,
            spec_version: row.try_get("spec_version")?,
            attempt: row.try_get("attempts")?,
            lease_owner,
            request_id: row.try_get("request_id")?,
        };
        sqlx::query("DELETE FROM grading_events WHERE submission_id = $1 AND attempt < $2")
            .bind(job.id)
            .bind(job.attempt)
            .execute(&self.writer)
            .await?;
        Ok(Some(job))
    }

    async fn renew(&self, job: &Job, lease: Duration) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE submissions SET lease_until = $1
            WHERE id = $2 AND lease_owner = $3 AND status = 'running'",
        )
        .bind(now_ms() + millis(lease))
        .bind(job.id)
        .bind(&job.lease_owner)
        .execute(&self.writer)
        .await?;
        Ok(D::rows_affected(&done) == 1)
    }

    async fn add_event(&self, job: &Job, kind: &str, payload: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO grading_events (submission_id, attempt, kind, payload)
            VALUES ($1, $2, $3, $4)",
        )
        .bind(job.id)
        .bind(job.attempt)
        .bind(kind)
        .bind(payload)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn finish(&self, job: &Job, outcome: &Outcome) -> Result<bool, StoreError> {
        let now = now_ms();
        let (status, error, report) = match outcome {
            Outcome::Graded(result) => ("graded", None, Some(result)),
            Outcome::Failed { error, report } => ("failed", Some(error.as_str()), report.as_ref()),
        };
        let mut tx = self.writer.begin().await?;
        let marked = sqlx::query(
            "UPDATE submissions
            SET status = $1, finished_at = $2, lease_owner = NULL, lease_until = NULL,
                last_error = $3
            WHERE id = $4 AND lease_owner = $5 AND status = 'running'",
        )
        .bind(status)
        .bind(now)
        .bind(error)
        .bind(job.id)
        .bind(&job.lease_owner)
        .execute(&mut *tx)
        .await?;
        if D::rows_affected(&marked) != 1 {
            // The lease expired and another worker owns the job now.
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(result) = report {
            sqlx::query(SAVE_RESULT)
                .bind(job.id)
                .bind(&result.spec_version)
                .bind(result.score)
                .bind(result.bonus)
                .bind(result.passed)
                .bind(result.duration_ms)
                .bind(&result.report)
                .bind(&result.graded_by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if let Outcome::Graded(result) = outcome {
            // The learner's row is locked first, so that two results of one learner are summed
            // one after the other (each statement then sees the other's committed scores).
            let learner = sqlx::query(
                "UPDATE users SET best_total = best_total WHERE id = $1 RETURNING role, cohort",
            )
            .bind(job.user_id)
            .fetch_one(&mut *tx)
            .await?;
            let role: String = learner.try_get("role")?;
            let cohort: Option<String> = learner.try_get("cohort")?;
            let best_before = best_score(&mut tx, job.user_id, &job.project_id).await?;
            sqlx::query(UPDATE_SCORES)
                .bind(job.user_id)
                .bind(&job.project_id)
                .bind(result.score)
                .bind(result.bonus)
                .bind(job.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if role == Role::Learner.as_str() {
                let best = best_score(&mut tx, job.user_id, &job.project_id)
                    .await?
                    .unwrap_or_default();
                sqlx::query(ADD_TO_CLASS_TOTALS)
                    .bind(&job.project_id)
                    .bind(cohort.unwrap_or_default())
                    .bind(i64::from(best_before.is_none()))
                    .bind(best - best_before.unwrap_or_default())
                    .execute(&mut *tx)
                    .await?;
            }
            // The learner's sums for the class grid, from the scores just written.
            sqlx::query(
                "UPDATE users SET
                    best_total = (SELECT SUM(best_score) FROM scores WHERE user_id = $1),
                    projects_below_half = (SELECT COUNT(*) FROM scores
                        WHERE user_id = $1 AND best_score < $2)
                WHERE id = $1",
            )
            .bind(job.user_id)
            .bind(crate::dashboard::STRUGGLING_BELOW)
            .execute(&mut *tx)
            .await?;
            // The failed checks of the latest submission replace those of the one before; an
            // older submission graded late leaves them as they are.
            let latest: Option<i64> = sqlx::query(
                "SELECT latest_submission FROM scores WHERE user_id = $1 AND project_id = $2",
            )
            .bind(job.user_id)
            .bind(&job.project_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get("latest_submission"))
            .transpose()?;
            if latest == Some(job.id) {
                sqlx::query(
                    "DELETE FROM latest_failed_checks WHERE user_id = $1 AND project_id = $2",
                )
                .bind(job.user_id)
                .bind(&job.project_id)
                .execute(&mut *tx)
                .await?;
                for check in failed_checks(&result.report) {
                    sqlx::query(
                        "INSERT INTO latest_failed_checks (user_id, project_id, submission_id,
                            task_id, task_title, check_name, verdict)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(job.user_id)
                    .bind(&job.project_id)
                    .bind(job.id)
                    .bind(check.task_id)
                    .bind(check.task_title)
                    .bind(check.name)
                    .bind(check.verdict)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for (verdict, count) in &result.verdicts {
                sqlx::query(
                    "INSERT INTO verdict_counts (verdict, count) VALUES ($1, $2)
                    ON CONFLICT (verdict) DO UPDATE SET count = verdict_counts.count + excluded.count",
                )
                .bind(verdict)
                .bind(*count)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn release(
        &self,
        job: &Job,
        retry_in: Duration,
        error: &str,
        refund: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE submissions
            SET status = 'queued', lease_owner = NULL, lease_until = NULL, not_before = $1,
                last_error = $2, attempts = attempts - $3
            WHERE id = $4 AND lease_owner = $5 AND status = 'running'",
        )
        .bind(now_ms() + millis(retry_in))
        .bind(error)
        .bind(i64::from(refund))
        .bind(job.id)
        .bind(&job.lease_owner)
        .execute(&self.writer)
        .await?;
        Ok(D::rows_affected(&done) == 1)
    }

    fn git(&self) -> &dyn crate::git::GitStore {
        self
    }

    fn dashboard(&self) -> &dyn crate::dashboard::DashboardStore {
        self
    }
}
