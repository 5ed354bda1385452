//! The dashboard's queries: browser sessions, a learner's submissions, a class's scores and the
//! reports behind "the checks a class fails most". Reached from any [`Store`](crate::Store)
//! through [`Store::dashboard`](crate::Store::dashboard).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::dialect::Dialect;
use crate::sql::{SqlStore, user_of};
use crate::{Status, StoreError, User, now_ms};

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

#[async_trait]
impl<D: Dialect> DashboardStore for SqlStore<D>
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
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5)",
        )
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

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        sqlx::query(
            "SELECT u.id, u.name, u.role, s.csrf, s.expires_at
            FROM web_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?
        .map(|row| {
            Ok(SessionRecord {
                user: user_of(&row)?,
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        sqlx::query("SELECT id, name, role FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .map(|row| user_of(&row))
            .transpose()
    }

    async fn submissions_of(
        &self,
        user_id: i64,
        project_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SubmissionSummary>, StoreError> {
        const LIST: &str = "SELECT s.id, u.name AS user_name, s.project_id, s.status,
                s.created_at, s.finished_at, r.score, r.bonus
            FROM submissions s
            JOIN users u ON u.id = s.user_id
            LEFT JOIN results r ON r.submission_id = s.id
            WHERE s.user_id = $1";
        let rows = match project_id {
            Some(project_id) => {
                let sql = format!("{LIST} AND s.project_id = $3 ORDER BY s.id DESC LIMIT $2");
                sqlx::query(&sql)
                    .bind(user_id)
                    .bind(limit)
                    .bind(project_id)
                    .fetch_all(&self.reader)
                    .await?
            }
            None => {
                let sql = format!("{LIST} ORDER BY s.id DESC LIMIT $2");
                sqlx::query(&sql)
                    .bind(user_id)
                    .bind(limit)
                    .fetch_all(&self.reader)
                    .await?
            }
        };
        rows.iter()
            .map(|row| {
                let status = Status::parse(&row.try_get::<String, _>("status")?)?;
                // A platform-failed attempt may keep a report, never a score.
                let graded = status == Status::Graded;
                let score: Option<f64> = row.try_get("score")?;
                let bonus: Option<f64> = row.try_get("bonus")?;
                Ok(SubmissionSummary {
                    id: row.try_get("id")?,
                    user_name: row.try_get("user_name")?,
                    project_id: row.try_get("project_id")?,
                    status,
                    created_at: row.try_get("created_at")?,
                    finished_at: row.try_get("finished_at")?,
                    score: score.filter(|_| graded),
                    bonus: bonus.filter(|_| graded),
                })
            })
            .collect()
    }

    async fn learners(&self) -> Result<Vec<User>, StoreError> {
        sqlx::query("SELECT id, name, role FROM users WHERE role = 'learner' ORDER BY name")
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(user_of)
            .collect()
    }

    async fn grid_scores(&self) -> Result<Vec<GridRow>, StoreError> {
        sqlx::query(GRID_SCORES)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|row| grid_row(row.try_get("user_id")?, row.try_get("best")?))
            .collect()
    }

    async fn latest_reports(&self, project_id: &str) -> Result<Vec<String>, StoreError> {
        sqlx::query(
            "SELECT r.report
            FROM scores sc JOIN results r ON r.submission_id = sc.latest_submission
            WHERE sc.project_id = $1",
        )
        .bind(project_id)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|row| Ok(row.try_get("report")?))
        .collect()
    }
}

/// One row per learner rather than per score: 20 times fewer rows to decode for a class of 20
/// projects. Scores travel as integer hundredths (they are rounded to two decimals), which
/// SQLite turns into text twice as fast as a REAL. Project ids never hold `,` or `=` (the spec
/// validator allows `[A-Za-z0-9._-]`).
const GRID_SCORES: &str = "SELECT user_id,
        string_agg(project_id || '=' || CAST(ROUND(best_score * 100) AS BIGINT), ',') AS best
    FROM scores GROUP BY user_id";

/// Parses a row of [`GRID_SCORES`].
fn grid_row(user_id: i64, best: Option<String>) -> Result<GridRow, StoreError> {
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
