//! The dashboard's queries: browser sessions, a learner's submissions, a class's scores and the
//! reports behind "the checks a class fails most". Both back ends run the same statements
//! (`$N` parameters work on SQLite and PostgreSQL alike), stamped out by
//! [`impl_dashboard_store!`] beside [`super::Store`]'s own implementation.

use async_trait::async_trait;

use super::{Status, StoreError, User};

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// Whose session it is.
    pub user: User,
    /// The token every form of this session carries.
    pub csrf: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// One submission in a list: no report, no files.
#[derive(Debug, Clone)]
pub struct SubmissionSummary {
    /// Submission id.
    pub id: i64,
    /// Who submitted.
    pub user_name: String,
    /// Which project.
    pub project_id: String,
    /// Where it stands.
    pub status: Status,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When it was graded or failed.
    pub finished_at: Option<i64>,
    /// Percent of mandatory points, once graded.
    pub score: Option<f64>,
    /// Percent of advanced points, once graded.
    pub bonus: Option<f64>,
}

/// A learner's best scores, for the class grid.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// The learner's user id.
    pub user_id: i64,
    /// `(project id, best score)` for every project they have a score on.
    pub best: Vec<(String, f64)>,
}

/// The dashboard's storage interface, implemented by both stores.
#[async_trait]
pub trait DashboardStore: Send + Sync {
    /// Starts a session; expired sessions of anyone are dropped on the way.
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), StoreError>;

    /// The session of a cookie's hash (expired ones too: the caller decides).
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// A user by name.
    async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError>;

    /// A user's most recent submissions (of one project, or all), newest first.
    async fn submissions_of(
        &self,
        user_id: i64,
        project_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SubmissionSummary>, StoreError>;

    /// Every learner, by name.
    async fn learners(&self) -> Result<Vec<User>, StoreError>;

    /// Every learner's best scores (one row per learner with any).
    async fn grid_scores(&self) -> Result<Vec<GridRow>, StoreError>;

    /// The report JSON of every learner's latest graded submission of a project.
    async fn latest_reports(&self, project_id: &str) -> Result<Vec<String>, StoreError>;
}

pub(crate) const CREATE_SESSION: &str = "INSERT INTO web_sessions
        (token_hash, user_id, csrf, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5)";

pub(crate) const DROP_EXPIRED_SESSIONS: &str = "DELETE FROM web_sessions WHERE expires_at < $1";

pub(crate) const SESSION: &str = "SELECT u.id, u.name, u.role, s.csrf, s.expires_at
    FROM web_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1";

pub(crate) const DELETE_SESSION: &str = "DELETE FROM web_sessions WHERE token_hash = $1";

pub(crate) const USER_BY_NAME: &str = "SELECT id, name, role FROM users WHERE name = $1";

const SUBMISSION_LIST: &str = "SELECT s.id, u.name AS user_name, s.project_id, s.status,
        s.created_at, s.finished_at, r.score, r.bonus
    FROM submissions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN results r ON r.submission_id = s.id
    WHERE s.user_id = $1";

pub(crate) fn submissions_of_sql(one_project: bool) -> String {
    if one_project {
        format!("{SUBMISSION_LIST} AND s.project_id = $3 ORDER BY s.id DESC LIMIT $2")
    } else {
        format!("{SUBMISSION_LIST} ORDER BY s.id DESC LIMIT $2")
    }
}

pub(crate) const LEARNERS: &str =
    "SELECT id, name, role FROM users WHERE role = 'learner' ORDER BY name";

/// One row per learner rather than per score: 20 times fewer rows to decode for a class of 20
/// projects. Scores travel as integer hundredths (they are rounded to two decimals), which
/// SQLite turns into text twice as fast as a REAL. Project ids never hold `,` or `=` (the spec
/// validator allows `[A-Za-z0-9._-]`).
pub(crate) const GRID_SCORES: &str = "SELECT user_id,
        string_agg(project_id || '=' || CAST(ROUND(best_score * 100) AS BIGINT), ',') AS best
    FROM scores GROUP BY user_id";

/// Parses a row of [`GRID_SCORES`].
pub(crate) fn grid_row(user_id: i64, best: Option<String>) -> Result<GridRow, StoreError> {
    let best = best
        .unwrap_or_default()
        .split(',')
        .filter(|cell| !cell.is_empty())
        .map(|cell| {
            let (project, score) = cell
                .rsplit_once('=')
                .ok_or_else(|| StoreError::Corrupt(format!("grid cell `{cell}`")))?;
            let hundredths: i64 = score
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("grid score `{cell}`")))?;
            Ok((project.to_owned(), hundredths as f64 / 100.0))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(GridRow { user_id, best })
}

pub(crate) const LATEST_REPORTS: &str = "SELECT r.report
    FROM scores sc JOIN results r ON r.submission_id = sc.latest_submission
    WHERE sc.project_id = $1";

/// A [`User`] from a row with `id`, `name` and `role`.
macro_rules! user_row {
    ($row:expr) => {{
        let row = $row;
        let role: String = sqlx::Row::try_get(row, "role")?;
        Ok::<User, StoreError>(User {
            id: sqlx::Row::try_get(row, "id")?,
            name: sqlx::Row::try_get(row, "name")?,
            role: role.parse().map_err(StoreError::Corrupt)?,
        })
    }};
}
pub(crate) use user_row;

/// A [`SubmissionSummary`] from a row of [`submissions_of_sql`].
macro_rules! summary_row {
    ($row:expr) => {{
        let row = $row;
        let status: String = sqlx::Row::try_get(row, "status")?;
        let status = $crate::Status::parse(&status)?;
        // A platform-failed attempt may keep a report, never a score.
        let graded = status == $crate::Status::Graded;
        let score: Option<f64> = sqlx::Row::try_get(row, "score")?;
        let bonus: Option<f64> = sqlx::Row::try_get(row, "bonus")?;
        Ok::<_, StoreError>($crate::dashboard::SubmissionSummary {
            id: sqlx::Row::try_get(row, "id")?,
            user_name: sqlx::Row::try_get(row, "user_name")?,
            project_id: sqlx::Row::try_get(row, "project_id")?,
            status,
            created_at: sqlx::Row::try_get(row, "created_at")?,
            finished_at: sqlx::Row::try_get(row, "finished_at")?,
            score: score.filter(|_| graded),
            bonus: bonus.filter(|_| graded),
        })
    }};
}
pub(crate) use summary_row;

/// Implements [`DashboardStore`] for a store type with `reader()` and `writer()` pools; invoked
/// by `impl_store!`, in the store's own module.
macro_rules! impl_dashboard_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::dashboard::DashboardStore for $store {
            async fn create_session(
                &self,
                user_id: i64,
                token_hash: &str,
                csrf: &str,
                expires_at: i64,
            ) -> Result<(), StoreError> {
                use $crate::dashboard as q;
                let now = now_ms();
                let mut tx = self.writer().begin().await?;
                sqlx::query(q::DROP_EXPIRED_SESSIONS)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(q::CREATE_SESSION)
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &str,
            ) -> Result<Option<$crate::dashboard::SessionRecord>, StoreError> {
                use $crate::dashboard as q;
                let Some(row) = sqlx::query(q::SESSION)
                    .bind(token_hash)
                    .fetch_optional(self.reader())
                    .await?
                else {
                    return Ok(None);
                };
                Ok(Some(q::SessionRecord {
                    user: $crate::dashboard::user_row!(&row)?,
                    csrf: sqlx::Row::try_get(&row, "csrf")?,
                    expires_at: sqlx::Row::try_get(&row, "expires_at")?,
                }))
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query($crate::dashboard::DELETE_SESSION)
                    .bind(token_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
                use $crate::dashboard as q;
                let row = sqlx::query(q::USER_BY_NAME)
                    .bind(name)
                    .fetch_optional(self.reader())
                    .await?;
                match row {
                    Some(row) => Ok(Some($crate::dashboard::user_row!(&row)?)),
                    None => Ok(None),
                }
            }

            async fn submissions_of(
                &self,
                user_id: i64,
                project_id: Option<&str>,
                limit: i64,
            ) -> Result<Vec<$crate::dashboard::SubmissionSummary>, StoreError> {
                use $crate::dashboard as q;
                let sql = q::submissions_of_sql(project_id.is_some());
                let mut query = sqlx::query(&sql).bind(user_id).bind(limit);
                if let Some(project_id) = project_id {
                    query = query.bind(project_id);
                }
                let rows = query.fetch_all(self.reader()).await?;
                rows.iter()
                    .map(|row| $crate::dashboard::summary_row!(row))
                    .collect()
            }

            async fn learners(&self) -> Result<Vec<User>, StoreError> {
                use $crate::dashboard as q;
                let rows = sqlx::query(q::LEARNERS).fetch_all(self.reader()).await?;
                rows.iter()
                    .map(|row| $crate::dashboard::user_row!(row))
                    .collect()
            }

            async fn grid_scores(
                &self,
            ) -> Result<Vec<$crate::dashboard::GridRow>, StoreError> {
                use $crate::dashboard as q;
                let rows = sqlx::query(q::GRID_SCORES).fetch_all(self.reader()).await?;
                rows.iter()
                    .map(|row| {
                        q::grid_row(
                            sqlx::Row::try_get(row, "user_id")?,
                            sqlx::Row::try_get(row, "best")?,
                        )
                    })
                    .collect()
            }

            async fn latest_reports(&self, project_id: &str) -> Result<Vec<String>, StoreError> {
                let rows = sqlx::query($crate::dashboard::LATEST_REPORTS)
                    .bind(project_id)
                    .fetch_all(self.reader())
                    .await?;
                rows.iter()
                    .map(|row| Ok(sqlx::Row::try_get(row, "report")?))
                    .collect()
            }
        }
    };
}
pub(crate) use impl_dashboard_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_rows_parse_hundredths() {
        let row = grid_row(7, Some("p00=3333,es6.data-x=10000,p02=0".into())).unwrap();
        assert_eq!(row.user_id, 7);
        assert_eq!(
            row.best,
            [
                ("p00".to_owned(), 33.33),
                ("es6.data-x".to_owned(), 100.0),
                ("p02".to_owned(), 0.0)
            ]
        );
        assert!(grid_row(1, None).unwrap().best.is_empty());
        assert!(grid_row(1, Some("p00".into())).is_err());
    }
}
