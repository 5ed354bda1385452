//! The contract of Checker's HTTP API: every body the server answers with or takes, and every
//! event of a submission's progress stream, as plain serde types with their OpenAPI schemas.
//!
//! The server's handlers return these types, the command-line client reads them, and the
//! OpenAPI document served at `/api/openapi.json` is derived from them, so the three cannot
//! drift apart.
//!
//! ```
//! let body = r#"{"error": "no submission 7"}"#;
//! let error: wire::ErrorBody = serde_json::from_str(body).unwrap();
//! assert_eq!(error.error, "no submission 7");
//! assert_eq!(error.hint, None);
//! ```
//!
//! Reports are [`checker::report::Report`], the same JSON as `checker grade --json`; their
//! schema is documented as an object (the report's own shape lives with the engine that writes
//! it).

use checker::report::{CheckReport, Report, TaskReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every error answer of the API: what went wrong and, when there is something to do about it,
/// what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// What went wrong, in one line.
    pub error: String,
    /// What the caller can do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// `GET /healthz`: the server and its database answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` (an unhealthy server answers 503 with an [`ErrorBody`]).
    pub status: String,
    /// How many projects the server grades.
    pub projects: usize,
}

/// `POST /api/login`: a name and a password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The user's name.
    pub name: String,
    /// The user's password.
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("name", &self.name)
            .field("password", &"***")
            .finish()
    }
}

/// One of the signed-in user's API tokens (`GET /api/me/tokens`); the token itself is never
/// shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Token {
    /// Its id, for `DELETE /api/me/tokens/{id}`.
    pub id: i64,
    /// What it is for: `login` for `checker login`, else the name it was created with.
    pub label: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds; null: it does not expire.
    pub expires_at: Option<i64>,
    /// Whether this request was made with it.
    pub current: bool,
}

/// The answer to `POST /api/login`: a new API token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// The bearer token; shown once, stored by the server only as a hash.
    pub token: String,
    /// When the token stops working, in Unix milliseconds.
    pub expires_at: i64,
    /// Who signed in.
    pub user: User,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("token", &"***")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// A user as the API shows them (`GET /api/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// The name they sign in with.
    pub name: String,
    /// What they may read.
    pub role: Role,
}

/// What a user may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
}

/// A learner's best and latest score in one project (`GET /api/me/scores`, `GET /api/scores`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Score {
    /// The learner.
    pub user: String,
    /// The project's id.
    pub project: String,
    /// The project's title (its id if the server no longer grades it).
    pub title: String,
    /// Best score so far, from 0 to 1 (the best bonus breaks ties).
    pub best_score: f64,
    /// Bonus of that submission, from 0 to 1.
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
    /// When the scores last changed, in Unix milliseconds.
    pub updated_at: i64,
}

/// A project the server grades (`GET /api/projects`, `GET /api/projects/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Its id, as `checker submit ID` takes it.
    pub id: String,
    /// Its title.
    pub title: String,
    /// A digest of its spec: reports name the version they were graded against.
    pub spec_version: String,
    /// Its folder in a learner's repository, for submissions from git.
    pub repo_dir: Option<String>,
    /// The files a learner submits.
    pub files: Vec<String>,
    /// Globs of optional files a learner may submit besides them (modules of their own that
    /// the named files import), e.g. `api/**/*.py`; `*` stays inside one folder, `**` crosses
    /// folders. Absent from older servers.
    #[serde(default)]
    pub extra_files: Vec<String>,
    /// Its tasks, in order.
    pub tasks: Vec<Task>,
    /// Bounds on an uploaded archive.
    pub limits: UploadLimits,
}

/// One task of a [`Project`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the project's score needs it.
    pub mandatory: bool,
    /// The learner's files it grades.
    pub files: Vec<String>,
    /// How many checks it runs.
    pub checks: usize,
}

/// Bounds on an uploaded archive, in bytes and files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UploadLimits {
    /// Compressed size.
    pub max_archive: u64,
    /// Sum of the unpacked file sizes.
    pub max_unpacked: u64,
    /// Number of entries of any kind.
    pub max_files: usize,
    /// Size of one file.
    pub max_file: u64,
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for a worker.
    Queued,
    /// A worker is grading it.
    Running,
    /// Graded: the report and the score are there.
    Graded,
    /// The platform could not grade it (never a score).
    Failed,
}

impl Status {
    /// Whether the submission will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Graded | Status::Failed)
    }
}

/// `POST /api/submissions` with a JSON body: grade a commit of a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GitSubmission {
    /// The project's id.
    pub project: String,
    /// Which commit.
    pub git: GitRef,
}

/// A repository and a revision in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GitRef {
    /// The repository's URL (`https://` or `ssh://` on a host the operator allows).
    pub url: String,
    /// A branch, a tag or a commit; `HEAD` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
}

/// Where a git submission's files came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GitSource {
    /// The repository's URL, credentials removed.
    pub url: String,
    /// The revision asked for (a branch, a tag, a commit, `HEAD`).
    pub rev: String,
    /// The commit graded.
    pub commit: String,
    /// The project's folder in the repository, if the spec names one.
    pub dir: Option<String>,
}

/// The answer to `POST /api/submissions` (`202 Accepted`): the submission is stored and queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubmissionCreated {
    /// The submission's id.
    pub id: i64,
    /// Always `queued`.
    pub status: Status,
    /// The project's id.
    pub project: String,
    /// The spec version it will be graded against.
    pub spec_version: String,
    /// The project's files that were stored.
    pub files: Vec<String>,
    /// How many other files the archive held (not stored).
    pub ignored_files: usize,
    /// The commit, for a submission from git.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitSource>,
    /// Where its status and report are (`GET`).
    pub url: String,
    /// Where its progress streams from (server-sent events).
    pub events: String,
}

/// A submission, its status and, once graded, its report (`GET /api/submissions/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Submission {
    /// Its id.
    pub id: i64,
    /// Who submitted it.
    pub user: String,
    /// The project's id.
    pub project: String,
    /// The spec version it is graded against.
    pub spec_version: String,
    /// Where it stands.
    pub status: Status,
    /// How many times a worker took it.
    pub attempts: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When the last attempt started, in Unix milliseconds.
    pub started_at: Option<i64>,
    /// When it was graded or failed, in Unix milliseconds.
    pub finished_at: Option<i64>,
    /// Why the platform could not grade it.
    pub error: Option<String>,
    /// Its score from 0 to 1, once graded.
    pub score: Option<f64>,
    /// Its bonus from 0 to 1, once graded.
    pub bonus: Option<f64>,
    /// Whether every mandatory task passed, once graded.
    pub passed: Option<bool>,
    /// The report, the same JSON as `checker grade --json` (hidden checks' outputs are
    /// withheld from learners).
    #[schema(value_type = Option<Object>)]
    pub report: Option<Report>,
    /// The commit, for a submission from git.
    pub git: Option<GitSource>,
}

/// `POST /api/me/repos`: link a repository to the signed-in learner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LinkRequest {
    /// The repository's URL.
    pub url: String,
}

/// The answer to `POST /api/me/repos` (`201 Created`): the link and the webhook to set up.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RepoLinked {
    /// The link's id.
    pub id: i64,
    /// The repository's URL, credentials removed.
    pub url: String,
    /// The repository as pushes name it (host and path).
    pub key: String,
    /// Where the push webhook delivers (a path on this server).
    pub webhook_url: String,
    /// The secret that signs the webhook's deliveries.
    pub webhook_secret: String,
    /// Whether a delivery signed with this secret arrived (a ping will do): until then the link
    /// is pending and another learner may link the repository instead.
    #[serde(default)]
    pub confirmed: bool,
}

impl std::fmt::Debug for RepoLinked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoLinked")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("key", &self.key)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &"***")
            .finish()
    }
}

/// A repository linked to the signed-in learner (`GET /api/me/repos`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RepoLink {
    /// The link's id.
    pub id: i64,
    /// The repository's URL, credentials removed.
    pub url: String,
    /// When it was linked, in Unix milliseconds.
    pub created_at: i64,
    /// Where the push webhook delivers (a path on this server).
    pub webhook_url: String,
    /// The secret that signs the webhook's deliveries.
    pub webhook_secret: String,
    /// Whether a delivery signed with this secret arrived (a ping will do): until then the link
    /// is pending and another learner may link the repository instead.
    #[serde(default)]
    pub confirmed: bool,
}

impl std::fmt::Debug for RepoLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoLink")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("created_at", &self.created_at)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &"***")
            .finish()
    }
}

/// The answer to a push webhook delivery (`POST /api/hooks/git`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum HookAnswer {
    /// A push, and the submissions it queued.
    Push(PushQueued),
    /// A `ping` delivery (sent when a webhook is set up).
    Pong(Pong),
    /// A delivery that is not graded (another event, a tag deletion).
    Ignored(Ignored),
}

/// The answer to a ping delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Pong {
    /// Always true.
    pub pong: bool,
}

/// The answer to a delivery that is not graded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ignored {
    /// Why.
    pub ignored: String,
}

/// What a push queued: one submission per project folder it touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushQueued {
    /// The commit pushed.
    pub commit: String,
    /// The ref pushed (`refs/heads/main`).
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The submissions queued.
    pub submissions: Vec<PushSubmission>,
    /// Projects whose folder the push touched but that could not be queued.
    pub skipped: Vec<PushSkipped>,
}

/// A submission queued by a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushSubmission {
    /// The submission's id.
    pub id: i64,
    /// The project's id.
    pub project: String,
    /// The project's files that were stored.
    pub files: Vec<String>,
    /// Where its status and report are.
    pub url: String,
}

/// A project a push touched but that was not queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushSkipped {
    /// The project's id.
    pub project: String,
    /// The HTTP status its submission would have been refused with.
    pub status: u16,
}

/// An event of `GET /api/submissions/{id}/events` (server-sent events): the SSE event name is
/// [`Event::name`], its data the variant's JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The status changed.
    Status(StatusEvent),
    /// A check finished.
    Check(CheckEvent),
    /// A task finished.
    Task(TaskEvent),
    /// The submission is graded or failed; the stream ends.
    Done(DoneEvent),
    /// The stream cannot go on (the submission is gone).
    Error(ErrorEvent),
}

impl Event {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Status(_) => "status",
            Event::Check(_) => "check",
            Event::Task(_) => "task",
            Event::Done(_) => "done",
            Event::Error(_) => "error",
        }
    }

    /// The SSE data: the variant's JSON.
    pub fn data(&self) -> String {
        let json = match self {
            Event::Status(e) => serde_json::to_string(e),
            Event::Check(e) => serde_json::to_string(e),
            Event::Task(e) => serde_json::to_string(e),
            Event::Done(e) => serde_json::to_string(e),
            Event::Error(e) => serde_json::to_string(e),
        };
        // Plain structs of strings and numbers always serialize.
        json.unwrap_or_default()
    }

    /// Reads an event from its SSE name and data; None for a name this version does not know
    /// (so a newer server's new events are skipped, not fatal).
    pub fn parse(name: &str, data: &str) -> Option<Result<Event, serde_json::Error>> {
        Some(match name {
            "status" => serde_json::from_str(data).map(Event::Status),
            "check" => serde_json::from_str(data).map(Event::Check),
            "task" => serde_json::from_str(data).map(Event::Task),
            "done" => serde_json::from_str(data).map(Event::Done),
            "error" => serde_json::from_str(data).map(Event::Error),
            _ => return None,
        })
    }
}

/// The `status` event: where the submission stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusEvent {
    /// The new status.
    pub status: Status,
    /// Which attempt (a submission whose worker died is graded again).
    pub attempt: i64,
}

/// The `check` event: one finished check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CheckEvent {
    /// The task the check belongs to.
    pub task_id: String,
    /// The check's report, as in the full report.
    #[schema(value_type = Object)]
    pub check: CheckReport,
    /// Which attempt.
    #[serde(default)]
    pub attempt: i64,
}

/// The `task` event: one finished task, its checks and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskEvent {
    /// The task's report, as in the full report.
    #[schema(value_type = Object)]
    pub task: TaskReport,
    /// Which attempt.
    #[serde(default)]
    pub attempt: i64,
}

/// The `done` event: the final status and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DoneEvent {
    /// The submission's id.
    pub id: i64,
    /// `graded` or `failed`.
    pub status: Status,
    /// Its score, when graded.
    pub score: Option<f64>,
    /// Its bonus, when graded.
    pub bonus: Option<f64>,
    /// Whether every mandatory task passed, when graded.
    pub passed: Option<bool>,
    /// Why the platform could not grade it.
    pub error: Option<String>,
}

/// The `error` event: the stream cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorEvent {
    /// What happened.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_their_sse_name_and_data() {
        let event = Event::Status(StatusEvent {
            status: Status::Running,
            attempt: 2,
        });
        assert_eq!(event.name(), "status");
        assert_eq!(event.data(), r#"{"status":"running","attempt":2}"#);
        let back = Event::parse(event.name(), &event.data()).unwrap().unwrap();
        assert_eq!(back, event);
        assert!(Event::parse("newer", "{}").is_none());
        assert!(Event::parse("done", "{}").unwrap().is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let login = LoginRequest {
            name: "ada".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{login:?}").contains("hunter2"));
        let linked = RepoLinked {
            id: 1,
            url: "https://example.org/r.git".into(),
            key: "example.org/r".into(),
            webhook_url: "/api/hooks/git".into(),
            webhook_secret: "s3cret".into(),
            confirmed: false,
        };
        assert!(!format!("{linked:?}").contains("s3cret"));
    }

    #[test]
    fn errors_omit_an_absent_hint() {
        let body = ErrorBody {
            error: "no".into(),
            hint: None,
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"error":"no"}"#);
    }
}
