//! The one place that writes SQL. Both back ends run these statements (`$N` parameters work on
//! SQLite and PostgreSQL alike); only the claim differs, so the implementation is stamped out for
//! each by [`impl_store!`] with its own claim statement.

/// Claims the oldest job that is queued and due, or whose lease expired. `{lock}` becomes
/// `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite runs the statement under its single writer.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE submissions
             SET status = 'running', lease_owner = $1, lease_until = $2, started_at = $3,
                 attempts = attempts + 1
             WHERE id = (
                 SELECT id FROM submissions
                 WHERE (status = 'queued' AND not_before <= $3)
                    OR (status = 'running' AND lease_until < $3)
                 ORDER BY id
                 LIMIT 1 ",
            $lock,
            ")
             RETURNING id, user_id, project_id, spec_version, attempts"
        )
    };
}
pub(crate) use claim_sql;

pub(crate) const RECORD_PROJECT: &str = "INSERT INTO project_versions
        (project_id, version, title, spec, learner_files, loaded_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (project_id, version) DO NOTHING";

pub(crate) const ADD_USER: &str = "INSERT INTO users (name, role, password_hash, created_at)
    VALUES ($1, $2, $3, $4) RETURNING id";

pub(crate) const USER_WITH_PASSWORD: &str =
    "SELECT id, name, role, password_hash FROM users WHERE name = $1";

pub(crate) const ADD_TOKEN: &str =
    "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5)";

pub(crate) const USER_BY_TOKEN: &str = "SELECT u.id, u.name, u.role, t.expires_at
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = $1";

pub(crate) const ADD_SUBMISSION: &str = "INSERT INTO submissions
        (user_id, project_id, spec_version, source, status, attempts, not_before, created_at)
    VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5) RETURNING id";

pub(crate) const ADD_SUBMISSION_FILE: &str =
    "INSERT INTO submission_files (submission_id, path, contents) VALUES ($1, $2, $3)";

pub(crate) const RECENT_SUBMISSIONS: &str = "SELECT COUNT(*) AS n, MIN(created_at) AS oldest
    FROM submissions WHERE user_id = $1 AND created_at > $2";

pub(crate) const SUBMISSION: &str = "SELECT s.id, s.user_id, u.name AS user_name, s.project_id,
        s.spec_version, s.status, s.attempts, s.last_error, s.created_at, s.started_at,
        s.finished_at, r.score, r.bonus, r.passed, r.duration_ms, r.report
    FROM submissions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN results r ON r.submission_id = s.id
    WHERE s.id = $1";

pub(crate) const SUBMISSION_FILES: &str =
    "SELECT path, contents FROM submission_files WHERE submission_id = $1 ORDER BY path";

pub(crate) const EVENTS_AFTER: &str = "SELECT id, attempt, kind, payload FROM grading_events
    WHERE submission_id = $1 AND id > $2 ORDER BY id";

const SCORE_COLUMNS: &str = "SELECT u.name AS user_name, sc.project_id, sc.best_score,
        sc.best_bonus, sc.best_submission, sc.latest_score, sc.latest_bonus,
        sc.latest_submission, sc.graded, sc.updated_at
    FROM scores sc JOIN users u ON u.id = sc.user_id";

pub(crate) fn scores_sql(one_user: bool) -> String {
    if one_user {
        format!("{SCORE_COLUMNS} WHERE sc.user_id = $1 ORDER BY sc.project_id")
    } else {
        format!("{SCORE_COLUMNS} ORDER BY u.name, sc.project_id")
    }
}

pub(crate) const STATUS_COUNTS: &str =
    "SELECT status, COUNT(*) AS n FROM submissions GROUP BY status ORDER BY status";

/// Count and sum of grading times of graded submissions, and one cumulative count per bucket.
pub(crate) fn grading_histogram_sql() -> String {
    let buckets: Vec<String> = super::GRADING_BUCKETS_MS
        .iter()
        .map(|bound| {
            format!("CAST(COALESCE(SUM(CASE WHEN r.duration_ms <= {bound} THEN 1 ELSE 0 END), 0) AS BIGINT)")
        })
        .collect();
    format!(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(r.duration_ms), 0) AS BIGINT) AS total, {}
         FROM results r JOIN submissions s ON s.id = r.submission_id
         WHERE s.status = 'graded'",
        buckets.join(", ")
    )
}

pub(crate) const VERDICT_COUNTS: &str =
    "SELECT verdict, count FROM verdict_counts ORDER BY verdict";

pub(crate) const DROP_OLD_EVENTS: &str =
    "DELETE FROM grading_events WHERE submission_id = $1 AND attempt < $2";

pub(crate) const RENEW: &str = "UPDATE submissions SET lease_until = $1
    WHERE id = $2 AND lease_owner = $3 AND status = 'running'";

pub(crate) const ADD_EVENT: &str =
    "INSERT INTO grading_events (submission_id, attempt, kind, payload) VALUES ($1, $2, $3, $4)";

pub(crate) const MARK_GRADED: &str = "UPDATE submissions
    SET status = 'graded', finished_at = $1, lease_owner = NULL, lease_until = NULL,
        last_error = NULL
    WHERE id = $2 AND lease_owner = $3 AND status = 'running'";

pub(crate) const MARK_FAILED: &str = "UPDATE submissions
    SET status = 'failed', finished_at = $1, lease_owner = NULL, lease_until = NULL,
        last_error = $2
    WHERE id = $3 AND lease_owner = $4 AND status = 'running'";

pub(crate) const SAVE_RESULT: &str = "INSERT INTO results
        (submission_id, spec_version, score, bonus, passed, duration_ms, report, graded_by,
         created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (submission_id) DO UPDATE SET
        spec_version = excluded.spec_version, score = excluded.score, bonus = excluded.bonus,
        passed = excluded.passed, duration_ms = excluded.duration_ms, report = excluded.report,
        graded_by = excluded.graded_by, created_at = excluded.created_at";

/// Best: the higher score, the higher bonus on a tie. Latest: the most recent submission, even
/// when an older one finishes grading after it.
pub(crate) const UPDATE_SCORES: &str = "INSERT INTO scores
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

pub(crate) const COUNT_VERDICT: &str = "INSERT INTO verdict_counts (verdict, count)
    VALUES ($1, $2)
    ON CONFLICT (verdict) DO UPDATE SET count = verdict_counts.count + excluded.count";

pub(crate) const RELEASE: &str = "UPDATE submissions
    SET status = 'queued', lease_owner = NULL, lease_until = NULL, not_before = $1,
        last_error = $2, attempts = attempts - $3
    WHERE id = $4 AND lease_owner = $5 AND status = 'running'";

/// Implements [`super::Store`] for a type with `reader()` and `writer()` pools.
macro_rules! impl_store {
    ($store:ty, claim = $claim:expr) => {
        #[async_trait::async_trait]
        impl $crate::Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(self.reader()).await?;
                Ok(())
            }

            async fn record_projects(&self, versions: &[ProjectVersion]) -> Result<(), StoreError> {
                let now = now_ms();
                let mut tx = self.writer().begin().await?;
                for v in versions {
                    let files = serde_json::to_string(&v.learner_files).unwrap_or_default();
                    sqlx::query(sql::RECORD_PROJECT)
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
                let row = sqlx::query(sql::ADD_USER)
                    .bind(name)
                    .bind(role.as_str())
                    .bind(password_hash)
                    .bind(now_ms())
                    .fetch_one(self.writer())
                    .await
                    .map_err(|e| match e {
                        sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                            StoreError::Conflict(format!("user `{name}`"))
                        }
                        e => StoreError::Database(e),
                    })?;
                Ok(User {
                    id: row.try_get(0)?,
                    name: name.to_owned(),
                    role,
                })
            }

            async fn user_with_password(
                &self,
                name: &str,
            ) -> Result<Option<(User, String)>, StoreError> {
                let Some(row) = sqlx::query(sql::USER_WITH_PASSWORD)
                    .bind(name)
                    .fetch_optional(self.reader())
                    .await?
                else {
                    return Ok(None);
                };
                let user = User {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    role: role_of(row.try_get("role")?)?,
                };
                Ok(Some((user, row.try_get("password_hash")?)))
            }

            async fn add_token(
                &self,
                user_id: i64,
                token_hash: &str,
                label: &str,
                expires_at: Option<i64>,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::ADD_TOKEN)
                    .bind(user_id)
                    .bind(token_hash)
                    .bind(label)
                    .bind(now_ms())
                    .bind(expires_at)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn user_by_token(
                &self,
                token_hash: &str,
            ) -> Result<Option<(User, Option<i64>)>, StoreError> {
                let Some(row) = sqlx::query(sql::USER_BY_TOKEN)
                    .bind(token_hash)
                    .fetch_optional(self.reader())
                    .await?
                else {
                    return Ok(None);
                };
                let user = User {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    role: role_of(row.try_get("role")?)?,
                };
                Ok(Some((user, row.try_get("expires_at")?)))
            }

            async fn add_submission(&self, submission: &NewSubmission) -> Result<i64, StoreError> {
                let mut tx = self.writer().begin().await?;
                let row = sqlx::query(sql::ADD_SUBMISSION)
                    .bind(submission.user_id)
                    .bind(&submission.project_id)
                    .bind(&submission.spec_version)
                    .bind(&submission.source)
                    .bind(now_ms())
                    .fetch_one(&mut *tx)
                    .await?;
                let id: i64 = row.try_get(0)?;
                for (path, contents) in &submission.files {
                    sqlx::query(sql::ADD_SUBMISSION_FILE)
                        .bind(id)
                        .bind(path)
                        .bind(contents)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn recent_submissions(
                &self,
                user_id: i64,
                since: i64,
            ) -> Result<(i64, Option<i64>), StoreError> {
                let row = sqlx::query(sql::RECENT_SUBMISSIONS)
                    .bind(user_id)
                    .bind(since)
                    .fetch_one(self.reader())
                    .await?;
                Ok((row.try_get("n")?, row.try_get("oldest")?))
            }

            async fn submission(&self, id: i64) -> Result<Option<SubmissionRecord>, StoreError> {
                let Some(row) = sqlx::query(sql::SUBMISSION)
                    .bind(id)
                    .fetch_optional(self.reader())
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
                    status: Status::parse(row.try_get("status")?)?,
                    attempts: row.try_get("attempts")?,
                    last_error: row.try_get("last_error")?,
                    created_at: row.try_get("created_at")?,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    result,
                }))
            }

            async fn submission_files(
                &self,
                id: i64,
            ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
                let rows = sqlx::query(sql::SUBMISSION_FILES)
                    .bind(id)
                    .fetch_all(self.reader())
                    .await?;
                rows.iter()
                    .map(|row| Ok((row.try_get("path")?, row.try_get("contents")?)))
                    .collect()
            }

            async fn events_after(
                &self,
                id: i64,
                after: i64,
            ) -> Result<Vec<GradingEvent>, StoreError> {
                let rows = sqlx::query(sql::EVENTS_AFTER)
                    .bind(id)
                    .bind(after)
                    .fetch_all(self.reader())
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
                let query = sql::scores_sql(user_id.is_some());
                let mut query = sqlx::query(&query);
                if let Some(user_id) = user_id {
                    query = query.bind(user_id);
                }
                let rows = query.fetch_all(self.reader()).await?;
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
                for row in sqlx::query(sql::STATUS_COUNTS)
                    .fetch_all(self.reader())
                    .await?
                {
                    stats
                        .by_status
                        .push((row.try_get("status")?, row.try_get("n")?));
                }
                let histogram = sql::grading_histogram_sql();
                let row = sqlx::query(&histogram).fetch_one(self.reader()).await?;
                stats.graded = row.try_get("n")?;
                stats.grading_ms_sum = row.try_get("total")?;
                for (i, bound) in $crate::GRADING_BUCKETS_MS.iter().enumerate() {
                    stats.grading_buckets.push((*bound, row.try_get(i + 2)?));
                }
                for row in sqlx::query(sql::VERDICT_COUNTS)
                    .fetch_all(self.reader())
                    .await?
                {
                    stats
                        .verdicts
                        .push((row.try_get("verdict")?, row.try_get("count")?));
                }
                Ok(stats)
            }

            async fn claim(
                &self,
                worker: &str,
                lease: Duration,
            ) -> Result<Option<Job>, StoreError> {
                let now = now_ms();
                let lease_owner = format!("{worker}#{}", $crate::random_hex(8));
                let Some(row) = sqlx::query($claim)
                    .bind(&lease_owner)
                    .bind(now + millis(lease))
                    .bind(now)
                    .fetch_optional(self.writer())
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
                };
                sqlx::query(sql::DROP_OLD_EVENTS)
                    .bind(job.id)
                    .bind(job.attempt)
                    .execute(self.writer())
                    .await?;
                Ok(Some(job))
            }

            async fn renew(&self, job: &Job, lease: Duration) -> Result<bool, StoreError> {
                let done = sqlx::query(sql::RENEW)
                    .bind(now_ms() + millis(lease))
                    .bind(job.id)
                    .bind(&job.lease_owner)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn add_event(
                &self,
                job: &Job,
                kind: &str,
                payload: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::ADD_EVENT)
                    .bind(job.id)
                    .bind(job.attempt)
                    .bind(kind)
                    .bind(payload)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn finish(&self, job: &Job, outcome: &Outcome) -> Result<bool, StoreError> {
                let now = now_ms();
                let mut tx = self.writer().begin().await?;
                let (marked, result) = match outcome {
                    Outcome::Graded(result) => {
                        let marked = sqlx::query(sql::MARK_GRADED)
                            .bind(now)
                            .bind(job.id)
                            .bind(&job.lease_owner)
                            .execute(&mut *tx)
                            .await?;
                        (marked, Some(result))
                    }
                    Outcome::Failed { error, report } => {
                        let marked = sqlx::query(sql::MARK_FAILED)
                            .bind(now)
                            .bind(error)
                            .bind(job.id)
                            .bind(&job.lease_owner)
                            .execute(&mut *tx)
                            .await?;
                        (marked, report.as_ref())
                    }
                };
                if marked.rows_affected() != 1 {
                    // The lease expired and another worker owns the job now.
                    tx.rollback().await?;
                    return Ok(false);
                }
                if let Some(result) = result {
                    sqlx::query(sql::SAVE_RESULT)
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
                    sqlx::query(sql::UPDATE_SCORES)
                        .bind(job.user_id)
                        .bind(&job.project_id)
                        .bind(result.score)
                        .bind(result.bonus)
                        .bind(job.id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    for (verdict, count) in &result.verdicts {
                        sqlx::query(sql::COUNT_VERDICT)
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
                let done = sqlx::query(sql::RELEASE)
                    .bind(now_ms() + millis(retry_in))
                    .bind(error)
                    .bind(i64::from(refund))
                    .bind(job.id)
                    .bind(&job.lease_owner)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            fn git(&self) -> &dyn $crate::git::GitStore {
                self
            }

            fn dashboard(&self) -> &dyn $crate::dashboard::DashboardStore {
                self
            }
        }

        fn role_of(text: String) -> Result<Role, StoreError> {
            text.parse().map_err(StoreError::Corrupt)
        }
    };
}
pub(crate) use impl_store;
