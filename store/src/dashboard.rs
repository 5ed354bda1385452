//! The dashboard's queries: browser sessions, a learner's submissions, a class's scores and the
//! reports behind "the checks a class fails most". Reached from any [`Store`](crate::Store)
//! through [`Store::dashboard`](crate::Store::dashboard).

use std::collections::HashMap;

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

/// Which learners the class grid shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridFilter {
    /// Only this cohort's learners.
    pub cohort: Option<String>,
    /// Only this project's column: its scores, its mean, its struggling learners.
    pub project: Option<String>,
    /// Only the learners whose best score on a project they submitted (of the shown ones) is
    /// still under [`STRUGGLING_BELOW`]: they tried and are stuck. Learners who submitted
    /// nothing have not started, which sorting by mean shows.
    pub struggling: bool,
}

/// A best score under this, in percent, on a submitted project makes a learner "struggling".
pub const STRUGGLING_BELOW: f64 = 50.0;

/// What the class grid's rows are sorted by. Ties always go by name, A to Z.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridOrder {
    /// The learner's name (bytes, as Rust compares them).
    Name,
    /// The mean of the best scores over the shown projects (a project not graded counts 0).
    Mean,
    /// The best score on one project (never graded sorts below 0).
    Project(String),
}

/// One page of the class grid.
#[derive(Debug, Clone)]
pub struct GridQuery {
    /// Which learners.
    pub filter: GridFilter,
    /// In which order.
    pub order: GridOrder,
    /// High to low (Z to A).
    pub descending: bool,
    /// How many rows of the order to skip.
    pub offset: i64,
    /// How many rows at most.
    pub limit: i64,
}

/// The learners of one page of the class grid, and how many the filter keeps in all.
#[derive(Debug, Clone, Default)]
pub struct GridPage {
    /// Learners the filter keeps, over every page.
    pub total: i64,
    /// This page's learners, in order.
    pub rows: Vec<GridRow>,
}

/// A learner's best scores, for the class grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    /// The learner's user id.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Their cohort, if any.
    pub cohort: Option<String>,
    /// `(project id, best score)` for every project (of the filter) they have a score on.
    pub best: Vec<(String, f64)>,
}

/// A project's mean best score over a cohort or the class (those with a score on it).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectMean {
    /// The project.
    pub project_id: String,
    /// Mean of their best scores.
    pub mean: f64,
    /// How many learners have a score on it.
    pub learners: i64,
}

/// The checks a class fails, on the latest graded submission of each learner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FailingChecks {
    /// Learners with a graded submission of the project.
    pub graded: i64,
    /// Every check one of them fails, the most failed first.
    pub checks: Vec<FailingCheck>,
}

/// A check some learners fail.
#[derive(Debug, Clone, PartialEq)]
pub struct FailingCheck {
    /// Its task's id.
    pub task_id: String,
    /// Its task's title.
    pub task_title: String,
    /// The check's name.
    pub check_name: String,
    /// How many learners fail it.
    pub learners: i64,
    /// How many fail it with each verdict (`wrong_output`...), the most common first.
    pub verdicts: Vec<(String, i64)>,
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

    /// Puts a user in a cohort, or in none; false when there is no such user.
    async fn set_cohort(&self, name: &str, cohort: Option<&str>) -> Result<bool, StoreError>;

    /// The cohorts learners are in, by name, with how many learners each has.
    async fn cohorts(&self) -> Result<Vec<(String, i64)>, StoreError>;

    /// One page of the class grid: the learners a filter keeps, in order, with their best
    /// scores.
    async fn grid_page(&self, query: &GridQuery) -> Result<GridPage, StoreError>;

    /// Each project's mean best score over the filter's cohort (or the class) and project:
    /// the learners with a score on it, struggling or not, to compare a page's learners with.
    async fn grid_means(&self, filter: &GridFilter) -> Result<Vec<ProjectMean>, StoreError>;

    /// The checks that the latest graded submissions of a project fail (of a cohort's
    /// learners, or everyone's), the most failed first.
    async fn failing_checks(
        &self,
        project_id: &str,
        cohort: Option<&str>,
    ) -> Result<FailingChecks, StoreError>;
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

    async fn set_cohort(&self, name: &str, cohort: Option<&str>) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        // Locks the user's row, as grading does, so their scores move between cohorts whole.
        let Some(user) = sqlx::query(
            "UPDATE users SET cohort = cohort WHERE name = $1 RETURNING id, role, cohort",
        )
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let id: i64 = user.try_get("id")?;
        let role: String = user.try_get("role")?;
        let before: Option<String> = user.try_get("cohort")?;
        if role == crate::Role::Learner.as_str() && before.as_deref() != cohort {
            let scores =
                sqlx::query("SELECT project_id, best_score FROM scores WHERE user_id = $1")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
            for row in &scores {
                let project: String = row.try_get("project_id")?;
                let best: f64 = row.try_get("best_score")?;
                for (to, sign) in [(before.as_deref(), -1i64), (cohort, 1)] {
                    sqlx::query(crate::sql::ADD_TO_CLASS_TOTALS)
                        .bind(&project)
                        .bind(to.unwrap_or_default())
                        .bind(sign)
                        .bind(sign as f64 * best)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        sqlx::query("UPDATE users SET cohort = $1 WHERE id = $2")
            .bind(cohort)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn cohorts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let sql = format!(
            "SELECT cohort, COUNT(*) AS n FROM users
            WHERE role = 'learner' AND cohort IS NOT NULL
            GROUP BY cohort ORDER BY cohort {}",
            D::BYTE_ORDER
        );
        sqlx::query(&sql)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("cohort")?, row.try_get("n")?)))
            .collect()
    }

    async fn grid_page(&self, query: &GridQuery) -> Result<GridPage, StoreError> {
        let (sql, binds) = grid_page_sql::<D>(query);
        let rows = with_binds(sqlx::query(&sql), &binds)
            .fetch_all(&self.reader)
            .await?;
        let mut page = GridPage::default();
        for row in &rows {
            page.total = row.try_get("total")?;
            page.rows.push(GridRow {
                user_id: row.try_get("id")?,
                name: row.try_get("name")?,
                cohort: row.try_get("cohort")?,
                best: Vec::new(),
            });
        }
        if page.rows.is_empty() {
            // Past the last page the window counts nothing: count on its own.
            if query.offset > 0 {
                let (sql, binds) = grid_count_sql(&query.filter);
                let row = with_binds(sqlx::query(&sql), &binds)
                    .fetch_one(&self.reader)
                    .await?;
                page.total = row.try_get("n")?;
            }
            return Ok(page);
        }
        // The page's cells, one row per learner (see `GRID_BEST`).
        let mut sql = Sql::default();
        let ids: Vec<String> = page
            .rows
            .iter()
            .map(|row| sql.bind(Bind::Int(row.user_id)))
            .collect();
        let project = match &query.filter.project {
            Some(project) => format!(" AND project_id = {}", sql.bind(Bind::text(project))),
            None => String::new(),
        };
        let cells = format!(
            "SELECT user_id, {GRID_BEST} AS best FROM scores
            WHERE user_id IN ({}){project} GROUP BY user_id",
            ids.join(", ")
        );
        let mut best: HashMap<i64, Vec<(String, f64)>> = HashMap::new();
        for row in with_binds(sqlx::query(&cells), &sql.binds)
            .fetch_all(&self.reader)
            .await?
        {
            best.insert(row.try_get("user_id")?, grid_best(row.try_get("best")?)?);
        }
        for row in &mut page.rows {
            row.best = best.remove(&row.user_id).unwrap_or_default();
        }
        Ok(page)
    }

    async fn grid_means(&self, filter: &GridFilter) -> Result<Vec<ProjectMean>, StoreError> {
        let mut sql = Sql::default();
        let mut conditions = Vec::new();
        if let Some(cohort) = &filter.cohort {
            conditions.push(format!("cohort = {}", sql.bind(Bind::text(cohort))));
        }
        if let Some(project) = &filter.project {
            conditions.push(format!("project_id = {}", sql.bind(Bind::text(project))));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let text = format!(
            "SELECT project_id, SUM(score_sum) AS total, CAST(SUM(learners) AS BIGINT) AS n
            FROM class_totals{filter}
            GROUP BY project_id HAVING SUM(learners) > 0"
        );
        with_binds(sqlx::query(&text), &sql.binds)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|row| {
                let total: f64 = row.try_get("total")?;
                let learners: i64 = row.try_get("n")?;
                Ok(ProjectMean {
                    project_id: row.try_get("project_id")?,
                    mean: total / learners as f64,
                    learners,
                })
            })
            .collect()
    }

    async fn failing_checks(
        &self,
        project_id: &str,
        cohort: Option<&str>,
    ) -> Result<FailingChecks, StoreError> {
        let mut sql = Sql::default();
        let project = sql.bind(Bind::text(project_id));
        let of_cohort = match cohort {
            Some(cohort) => format!(
                " JOIN users u ON u.id = {{table}}.user_id AND u.cohort = {}",
                sql.bind(Bind::text(cohort))
            ),
            None => String::new(),
        };
        let count = format!(
            "SELECT COUNT(*) AS n FROM scores sc{} WHERE sc.project_id = {project}",
            of_cohort.replace("{table}", "sc")
        );
        let graded: i64 = with_binds(sqlx::query(&count), &sql.binds)
            .fetch_one(&self.reader)
            .await?
            .try_get("n")?;
        let failing = format!(
            "SELECT f.task_id, MIN(f.task_title) AS task_title, f.check_name, f.verdict,
                COUNT(*) AS n
            FROM latest_failed_checks f{}
            WHERE f.project_id = {project}
            GROUP BY f.task_id, f.check_name, f.verdict",
            of_cohort.replace("{table}", "f")
        );
        let rows = with_binds(sqlx::query(&failing), &sql.binds)
            .fetch_all(&self.reader)
            .await?;
        let mut checks: Vec<FailingCheck> = Vec::new();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for row in &rows {
            let task_id: String = row.try_get("task_id")?;
            let name: String = row.try_get("check_name")?;
            let learners: i64 = row.try_get("n")?;
            let at = *index
                .entry((task_id.clone(), name.clone()))
                .or_insert_with(|| {
                    checks.push(FailingCheck {
                        task_id,
                        task_title: String::new(),
                        check_name: name,
                        learners: 0,
                        verdicts: Vec::new(),
                    });
                    checks.len() - 1
                });
            let check = &mut checks[at];
            check.task_title = row.try_get("task_title")?;
            check.learners += learners;
            check.verdicts.push((row.try_get("verdict")?, learners));
        }
        for check in &mut checks {
            check
                .verdicts
                .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        checks.sort_by(|a, b| {
            b.learners
                .cmp(&a.learners)
                .then_with(|| a.check_name.cmp(&b.check_name))
                .then_with(|| a.task_id.cmp(&b.task_id))
        });
        Ok(FailingChecks { graded, checks })
    }
}

/// A value bound to a statement built at run time.
#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

impl Bind {
    fn text(text: &str) -> Bind {
        Bind::Text(text.to_owned())
    }
}

/// The parameters of a statement built at run time, numbered as they are added.
#[derive(Debug, Default)]
struct Sql {
    binds: Vec<Bind>,
}

impl Sql {
    /// Adds a parameter; its placeholder (`$3`).
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }
}

fn with_binds<'q, D: Dialect>(
    mut query: sqlx::query::Query<'q, D, D::Arguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, D, D::Arguments<'q>>
where
    i64: Encode<'q, D> + Type<D>,
    &'q str: Encode<'q, D> + Type<D>,
{
    for bind in binds {
        query = match bind {
            Bind::Int(value) => query.bind(*value),
            Bind::Text(value) => query.bind(value.as_str()),
        };
    }
    query
}

/// The condition on `users u` that keeps a filter's learners.
fn learners_where(sql: &mut Sql, filter: &GridFilter) -> String {
    let mut text = String::from("u.role = 'learner'");
    if let Some(cohort) = &filter.cohort {
        text.push_str(&format!(" AND u.cohort = {}", sql.bind(Bind::text(cohort))));
    }
    if filter.struggling {
        match &filter.project {
            Some(project) => text.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM scores s WHERE s.user_id = u.id \
                 AND s.project_id = {} AND s.best_score < {STRUGGLING_BELOW})",
                sql.bind(Bind::text(project))
            )),
            // Kept with the learner's scores.
            None => text.push_str(" AND u.projects_below_half > 0"),
        }
    }
    text
}

/// One page of learners in order, each row with the filter's total (a window over the rows
/// before `LIMIT`, so one statement answers both).
fn grid_page_sql<D: Dialect>(query: &GridQuery) -> (String, Vec<Bind>) {
    let mut sql = Sql::default();
    let mut join = String::new();
    let key = match (&query.order, &query.filter.project) {
        (GridOrder::Name, _) => None,
        // One project shown: its score is the mean.
        (GridOrder::Mean, Some(project)) => {
            join = format!(
                " LEFT JOIN scores k ON k.user_id = u.id AND k.project_id = {}",
                sql.bind(Bind::text(project))
            );
            Some("COALESCE(k.best_score, 0)")
        }
        // Every project a learner has a score on is a column, so their sum orders as the mean.
        (GridOrder::Mean, None) => Some("u.best_total"),
        (GridOrder::Project(project), _) => {
            join = format!(
                " LEFT JOIN scores k ON k.user_id = u.id AND k.project_id = {}",
                sql.bind(Bind::text(project))
            );
            Some("COALESCE(k.best_score, -1)")
        }
    };
    let filter = learners_where(&mut sql, &query.filter);
    let dir = if query.descending { "DESC" } else { "ASC" };
    let order = match key {
        Some(key) => format!("{key} {dir}, u.name {} ASC", D::BYTE_ORDER),
        None => format!("u.name {} {dir}", D::BYTE_ORDER),
    };
    let limit = sql.bind(Bind::Int(query.limit));
    let offset = sql.bind(Bind::Int(query.offset));
    let text = format!(
        "SELECT u.id, u.name, u.cohort, COUNT(*) OVER () AS total
        FROM users u{join}
        WHERE {filter}
        ORDER BY {order}
        LIMIT {limit} OFFSET {offset}"
    );
    (text, sql.binds)
}

/// How many learners a filter keeps.
fn grid_count_sql(filter: &GridFilter) -> (String, Vec<Bind>) {
    let mut sql = Sql::default();
    let text = format!(
        "SELECT COUNT(*) AS n FROM users u WHERE {}",
        learners_where(&mut sql, filter)
    );
    (text, sql.binds)
}

/// A learner's cells in one text rather than one row per score: 20 times fewer rows to decode
/// for a class of 20 projects. Scores travel as integer hundredths (they are rounded to two
/// decimals), which SQLite turns into text twice as fast as a REAL. Project ids never hold `,`
/// or `=` (the spec validator allows `[A-Za-z0-9._-]`).
const GRID_BEST: &str =
    "string_agg(project_id || '=' || CAST(ROUND(best_score * 100) AS BIGINT), ',')";

/// Parses a learner's [`GRID_BEST`].
fn grid_best(best: Option<String>) -> Result<Vec<(String, f64)>, StoreError> {
    best.unwrap_or_default()
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_rows_parse_hundredths() {
        let best = grid_best(Some("p00=3333,es6.data-x=10000,p02=0".into())).unwrap();
        assert_eq!(
            best,
            [
                ("p00".to_owned(), 33.33),
                ("es6.data-x".to_owned(), 100.0),
                ("p02".to_owned(), 0.0)
            ]
        );
        assert!(grid_best(None).unwrap().is_empty());
        assert!(grid_best(Some("p00".into())).is_err());
    }
}
