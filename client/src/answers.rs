//! The server's answers as the client reads them: one typed struct per response body and per
//! progress event. Every response is parsed here and nowhere else, so moving to shared wire
//! types changes this file alone.

use checker::report::{Report, TaskReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of every unsuccessful answer: `{ "error", "hint" }`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorAnswer {
    /// What went wrong.
    pub(crate) error: Option<String>,
    /// What to do about it.
    pub(crate) hint: Option<String>,
}

/// The signed-in user (`GET /api/me`, and `user` in the answer to `POST /api/login`).
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    /// Their name.
    pub name: String,
    /// `learner`, `instructor` or `admin`.
    pub role: String,
}

/// The answer to `POST /api/login`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoginAnswer {
    /// The new token.
    pub(crate) token: String,
    /// Who signed in.
    pub(crate) user: Option<LoginUser>,
}

/// The user part of [`LoginAnswer`]; older servers may leave out the role.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoginUser {
    pub(crate) role: Option<String>,
}

/// A submission as `POST /api/submissions` accepted it.
#[derive(Debug, Clone, Deserialize)]
pub struct Accepted {
    /// Its id.
    pub id: i64,
    /// `queued`.
    pub status: String,
    /// The files the server kept.
    pub files: Vec<String>,
}

/// A git submission as the server accepted it: the submission and the commit it fetched.
#[derive(Debug, Clone, Deserialize)]
pub struct AcceptedGit {
    /// The submission.
    #[serde(flatten)]
    pub accepted: Accepted,
    /// Where its files came from.
    #[serde(default)]
    pub git: GitSource,
}

/// The git source of a submission: repository, revision asked for, and the commit it was.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GitSource {
    /// The commit fetched (full hash).
    #[serde(default)]
    pub commit: String,
}

/// A submission's state as `GET /api/submissions/{id}` tells it.
#[derive(Debug, Clone, Deserialize)]
pub struct SubmissionState {
    /// Its id.
    pub id: i64,
    /// `queued`, `running`, `graded` or `failed`.
    pub status: String,
    /// Claims so far.
    pub attempts: i64,
    /// The platform error, when there was one.
    pub error: Option<String>,
    /// The report, once graded (or of a failed attempt).
    pub report: Option<Report>,
}

impl SubmissionState {
    /// Whether nothing will change any more.
    pub fn is_final(&self) -> bool {
        self.status == "graded" || self.status == "failed"
    }
}

/// A project as the server describes it (`GET /api/projects/{id}`).
#[derive(Debug, Clone, Deserialize)]
pub struct ProjectInfo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Spec version.
    pub spec_version: String,
    /// Where the project lives in a learner's repository, if the spec says.
    pub repo_dir: Option<String>,
    /// Every file a learner provides.
    pub files: Vec<String>,
    /// Globs of optional files the project also takes (none from older servers).
    #[serde(default)]
    pub extra_files: Vec<String>,
    /// Tasks in spec order.
    pub tasks: Vec<TaskInfo>,
    /// Upload limits.
    pub limits: LimitsInfo,
}

/// A task of a project.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskInfo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Counts towards the score.
    pub mandatory: bool,
}

/// The server's upload limits.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LimitsInfo {
    /// Compressed archive size.
    pub max_archive: u64,
}

/// One of the signed-in user's API tokens (`GET /api/me/tokens`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenRow {
    /// Its id, for revoking.
    pub id: i64,
    /// What it is for (`login` for `checker login`).
    pub label: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds; None: it does not expire.
    pub expires_at: Option<i64>,
    /// Whether it is the token this client used.
    #[serde(default)]
    pub current: bool,
}

/// One row of `GET /api/me/scores`: a learner's best and latest score on a project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScoreRow {
    /// Project id.
    pub project: String,
    /// Project title.
    pub title: String,
    /// Best score, percent.
    pub best_score: Option<f64>,
    /// Bonus of the best submission, percent.
    pub best_bonus: Option<f64>,
    /// Score of the latest graded submission, percent.
    pub latest_score: Option<f64>,
    /// Its bonus, percent.
    pub latest_bonus: Option<f64>,
    /// Submissions graded.
    #[serde(default)]
    pub graded: i64,
    /// The other fields, kept as they came for `checker scores --json`.
    #[serde(flatten)]
    pub more: serde_json::Map<String, Value>,
}

/// A repository linked by `POST /api/me/repos`.
#[derive(Debug, Clone, Deserialize)]
pub struct LinkedRepo {
    /// Its URL, credentials hidden.
    pub url: String,
    /// The secret of its webhook.
    pub webhook_secret: String,
    /// Whether a delivery signed with the secret confirmed the link.
    #[serde(default)]
    pub confirmed: bool,
}

/// What one server-sent event of `GET /api/submissions/{id}/events` says.
#[derive(Debug, Clone)]
pub enum Progress {
    /// The submission's status changed (`queued`, `running`, ...).
    Status(String),
    /// A task has all its results, in grading attempt `attempt`.
    Task {
        /// The attempt (1 for the first claim; more after a worker died).
        attempt: i64,
        /// The task's results.
        task: Box<TaskReport>,
    },
    /// Grading is over; the final state is at `GET /api/submissions/{id}`.
    Done,
    /// Any other event (`check`, `error`, ...), or one whose data is not understood.
    Other,
}

#[derive(Deserialize)]
struct StatusData {
    status: String,
}

#[derive(Deserialize)]
struct TaskData {
    #[serde(default)]
    attempt: i64,
    task: TaskReport,
}

impl Progress {
    /// Reads an event from its name and JSON data.
    pub(crate) fn parse(event: &str, data: &str) -> Progress {
        match event {
            "status" => serde_json::from_str::<StatusData>(data)
                .map_or(Progress::Other, |d| Progress::Status(d.status)),
            "task" => {
                serde_json::from_str::<TaskData>(data).map_or(Progress::Other, |d| Progress::Task {
                    attempt: d.attempt,
                    task: Box::new(d.task),
                })
            }
            "done" => Progress::Done,
            _ => Progress::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_events_are_typed() {
        assert!(matches!(
            Progress::parse("status", r#"{"status":"running"}"#),
            Progress::Status(s) if s == "running"
        ));
        let task = r#"{"attempt":2,"task":{"id":"t","title":"T","mandatory":true,"score":100.0,"passed":true,"checks":[]}}"#;
        assert!(matches!(
            Progress::parse("task", task),
            Progress::Task { attempt: 2, task } if task.id == "t"
        ));
        assert!(matches!(Progress::parse("task", "{}"), Progress::Other));
        assert!(matches!(Progress::parse("done", "{}"), Progress::Done));
    }

    #[test]
    fn score_rows_keep_every_field() {
        let row: ScoreRow = serde_json::from_str(
            r#"{"project":"p","title":"P","best_score":100.0,"best_bonus":0.0,"latest_score":50.0,"latest_bonus":0.0,"graded":2,"latest_submission":7,"user":"ada"}"#,
        )
        .unwrap();
        assert_eq!(row.graded, 2);
        let back = serde_json::to_value(&row).unwrap();
        assert_eq!(back["latest_submission"], 7);
        assert_eq!(back["user"], "ada");
        assert_eq!(back["latest_score"], 50.0);
    }
}
