//! The HTTP API: [`app`] builds the router, each handler is a small function that lists what it
//! needs (state, the signed-in user, path and body) and fails with [`ApiError`].

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use checker::report::{CheckReport, Report, TaskReport};
use checker::spec::Project;
use checker::upload::{UploadError, UploadLimits};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{Value, json};
use store::{NewSubmission, Status, Store, SubmissionRecord, User, now_ms};
use tokio::sync::Notify;

use crate::auth::{ApiToken, AuthUser};
use crate::curriculum::Curriculum;
use crate::error::ApiError;
use crate::signin::{PeerAddr, SignInError};

/// How many submissions one user may make in a window of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Submissions allowed per window; 0 means no limit.
    pub submissions: u32,
    /// The window.
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            submissions: 30,
            window: Duration::from_secs(60),
        }
    }
}

/// Everything a handler may need.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The projects this server accepts.
    pub curriculum: Arc<Curriculum>,
    /// Bounds on an uploaded archive.
    pub limits: UploadLimits,
    /// Submissions per user and window.
    pub rate_limit: RateLimit,
    /// How long a token from `POST /api/login` lasts.
    pub login_token_lifetime: Duration,
    /// Wakes the workers of this process when a submission is queued.
    pub wake: Arc<Notify>,
    /// Git sources and push webhooks (off until the operator allows a host).
    pub git: Arc<crate::git::GitConfig>,
    /// Bounds the cost of sign-ins (API and dashboard share it).
    pub sign_in: Arc<crate::signin::SignInGuard>,
}

impl AppState {
    /// State with default limits.
    pub fn new(store: Arc<dyn Store>, curriculum: Arc<Curriculum>) -> Self {
        AppState {
            store,
            curriculum,
            limits: UploadLimits::default(),
            rate_limit: RateLimit::default(),
            login_token_lifetime: Duration::from_secs(90 * 24 * 3600),
            wake: Arc::new(Notify::new()),
            git: Arc::new(crate::git::GitConfig::default()),
            sign_in: Arc::new(crate::signin::SignInGuard::default()),
        }
    }
}

/// Room for the multipart envelope around the archive.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// How often the progress stream looks for news.
const EVENTS_POLL: Duration = Duration::from_millis(250);

/// The whole HTTP API.
pub fn app(state: AppState) -> Router {
    let body_limit = (state.limits.max_archive + MULTIPART_OVERHEAD) as usize;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi))
        .route("/api/login", post(login))
        .route("/api/me", get(me))
        .route("/api/me/scores", get(my_scores))
        .route("/api/scores", get(all_scores))
        .route("/api/projects", get(projects))
        .route("/api/projects/{id}", get(project))
        .route("/api/submissions", post(submit))
        .route("/api/submissions/{id}", get(submission))
        .route("/api/submissions/{id}/events", get(events))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await.map_err(ApiError::unavailable)?;
    Ok(Json(json!({
        "status": "ok",
        "projects": state.curriculum.projects().count(),
    })))
}

async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let stats = state.store.stats().await?;
    let text = crate::metrics::render(&stats);
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

#[derive(Deserialize)]
struct Login {
    name: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    Json(login): Json<Login>,
) -> Result<Json<Value>, ApiError> {
    let user = state
        .sign_in
        .sign_in(state.store.as_ref(), &login.name, login.password, peer)
        .await
        .map_err(|error| match error {
            SignInError::Wrong => ApiError::unauthorized(
                "wrong name or password",
                "check both; an operator adds users with `checker user add`",
            ),
            SignInError::Throttled { retry_after } => ApiError::retry_after(
                StatusCode::TOO_MANY_REQUESTS,
                error.to_string(),
                "wait before trying again; every failed attempt doubles the wait",
                retry_after,
            ),
            SignInError::Busy { retry_after } => ApiError::retry_after(
                StatusCode::SERVICE_UNAVAILABLE,
                error.to_string(),
                "try again in a moment",
                retry_after,
            ),
            SignInError::Store(error) => ApiError::from(error),
        })?;
    let token = ApiToken::generate();
    let expires_at = now_ms() + state.login_token_lifetime.as_millis() as i64;
    state
        .store
        .add_token(user.id, &token.hash(), "login", Some(expires_at))
        .await?;
    tracing::info!(user = %user.name, "signed in");
    Ok(Json(json!({
        "token": token.expose(),
        "expires_at": expires_at,
        "user": user_json(&user),
    })))
}

fn user_json(user: &User) -> Value {
    json!({ "name": user.name, "role": user.role })
}

async fn me(AuthUser(user): AuthUser) -> Json<Value> {
    Json(user_json(&user))
}

async fn my_scores(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Value>, ApiError> {
    let scores = state.store.scores(Some(user.id)).await?;
    Ok(Json(scores_json(&state, scores)))
}

async fn all_scores(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Value>, ApiError> {
    if !user.role.reads_everything() {
        return Err(ApiError::forbidden(
            "only instructors and admins see everyone's scores",
            "your own are at /api/me/scores (`checker scores`)",
        ));
    }
    let scores = state.store.scores(None).await?;
    Ok(Json(scores_json(&state, scores)))
}

fn scores_json(state: &AppState, scores: Vec<store::ScoreRecord>) -> Value {
    scores
        .into_iter()
        .map(|score| {
            let mut value = serde_json::to_value(&score).unwrap_or_default();
            let title = state
                .curriculum
                .get(&score.project)
                .map(|p| p.title.clone());
            value["title"] = json!(title.unwrap_or_else(|| score.project.clone()));
            value
        })
        .collect()
}

async fn projects(State(state): State<AppState>, _: AuthUser) -> Json<Value> {
    let list: Vec<Value> = state
        .curriculum
        .projects()
        .map(|p| project_json(p, &state.limits))
        .collect();
    Json(json!(list))
}

async fn project(
    State(state): State<AppState>,
    _: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let project = known_project(&state, &id)?;
    Ok(Json(project_json(project, &state.limits)))
}

fn project_json(project: &Project, limits: &UploadLimits) -> Value {
    json!({
        "id": project.id,
        "title": project.title,
        "spec_version": project.version,
        "repo_dir": project.repo_dir,
        "files": project.learner_files(),
        "tasks": project.tasks.iter().map(|t| json!({
            "id": t.id,
            "title": t.title,
            "mandatory": t.mandatory,
            "files": t.files,
            "checks": t.checks.len(),
        })).collect::<Vec<_>>(),
        "limits": {
            "max_archive": limits.max_archive,
            "max_unpacked": limits.max_unpacked,
            "max_files": limits.max_files,
            "max_file": limits.max_file,
        },
    })
}

fn known_project<'a>(state: &'a AppState, id: &str) -> Result<&'a Project, ApiError> {
    state.curriculum.get(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no project `{id}` on this server"),
            format!("known projects: {}", state.curriculum.ids()),
        )
    })
}

#[derive(Deserialize)]
struct SubmitQuery {
    project: Option<String>,
}

/// `POST /api/submissions`: a multipart form (`project`, `archive`) or a raw `.tar.gz` body with
/// `?project=`. The submission and its files are committed before `202 Accepted`.
async fn submit(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Query(query): Query<SubmitQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    check_rate(&state, &user).await?;
    let limit = state.limits.max_archive;
    if let Some(length) = content_length(request.headers())
        && length > limit + MULTIPART_OVERHEAD
    {
        return Err(archive_too_large(length, limit));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        return crate::git::submit_json(&state, &user, request).await;
    }
    let (project_id, archive) = if content_type.starts_with("multipart/form-data") {
        read_multipart(request, &state, query.project).await?
    } else if content_type.is_empty()
        || [
            "application/gzip",
            "application/x-gzip",
            "application/octet-stream",
            "application/x-tar",
        ]
        .iter()
        .any(|t| content_type.starts_with(t))
    {
        let bytes = axum::body::to_bytes(request.into_body(), limit as usize + 1)
            .await
            .map_err(|_| archive_too_large(limit + 1, limit))?;
        (query.project, bytes.to_vec())
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("cannot take a `{content_type}` body"),
            "send a .tar.gz as application/gzip with ?project=ID, or a multipart form with \
             the fields `project` and `archive`",
        ));
    };
    let project_id = project_id.ok_or_else(|| {
        ApiError::bad_request(
            "which project is this for?",
            "add ?project=ID, or a `project` field to the form",
        )
    })?;
    let project = known_project(&state, &project_id)?;
    if archive.len() as u64 > limit {
        return Err(archive_too_large(archive.len() as u64, limit));
    }
    let limits = state.limits;
    let unpacked =
        tokio::task::spawn_blocking(move || checker::upload::unpack_tar_gz(&archive, &limits))
            .await
            .map_err(ApiError::internal)?
            .map_err(upload_refused)?;
    let wanted = project.learner_files();
    let total = unpacked.len();
    let files: Vec<(String, Vec<u8>)> = unpacked
        .into_iter()
        .filter(|(path, _)| wanted.contains(&path.as_str()))
        .collect();
    if files.is_empty() {
        return Err(ApiError::bad_request(
            format!("the archive holds none of the files of `{}`", project.id),
            format!(
                "the project's files are {}; `checker submit {}` packs them",
                wanted.join(", "),
                project.id
            ),
        ));
    }
    let names: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    let new = NewSubmission {
        user_id: user.id,
        project_id: project.id.clone(),
        spec_version: project.version.clone(),
        source: "upload".into(),
        files,
    };
    let id = state.store.add_submission(&new).await?;
    state.wake.notify_one();
    tracing::info!(submission = id, user = %user.name, project = %project.id, "queued");
    let location = format!("/api/submissions/{id}");
    let body = json!({
        "id": id,
        "status": Status::Queued,
        "project": project.id,
        "spec_version": project.version,
        "files": names,
        "ignored_files": total - names.len(),
        "url": location,
        "events": format!("{location}/events"),
    });
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn archive_too_large(size: u64, limit: u64) -> ApiError {
    ApiError::too_large(
        format!("the upload is {size} bytes; archives of at most {limit} bytes are accepted"),
        "submit only the project's files (`checker submit` packs exactly those)",
    )
}

fn upload_refused(error: UploadError) -> ApiError {
    let hint = "pack only the project's files as regular files; `checker submit` does";
    match error {
        UploadError::ArchiveTooLarge { .. }
        | UploadError::UnpackedTooLarge { .. }
        | UploadError::FileTooLarge { .. }
        | UploadError::TooManyFiles { .. } => ApiError::too_large(error.to_string(), hint),
        _ => ApiError::bad_request(error.to_string(), hint),
    }
}

async fn read_multipart(
    request: Request,
    state: &AppState,
    mut project: Option<String>,
) -> Result<(Option<String>, Vec<u8>), ApiError> {
    let multipart_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            archive_too_large(state.limits.max_archive + 1, state.limits.max_archive)
        } else {
            ApiError::bad_request(
                format!("cannot read the form: {}", e.body_text()),
                "send the fields `project` and `archive` (a .tar.gz)",
            )
        }
    };
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| ApiError::bad_request(e.body_text(), "send multipart/form-data"))?;
    let mut archive = None;
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("project") => project = Some(field.text().await.map_err(multipart_error)?),
            Some("archive") => archive = Some(field.bytes().await.map_err(multipart_error)?),
            _ => {}
        }
    }
    let archive = archive.ok_or_else(|| {
        ApiError::bad_request(
            "the form has no `archive` field",
            "attach the .tar.gz of the project's files as `archive`",
        )
    })?;
    Ok((project, archive.to_vec()))
}

async fn check_rate(state: &AppState, user: &User) -> Result<(), ApiError> {
    let RateLimit {
        submissions,
        window,
    } = state.rate_limit;
    if submissions == 0 {
        return Ok(());
    }
    let window_ms = window.as_millis() as i64;
    let now = now_ms();
    let (count, oldest) = state
        .store
        .recent_submissions(user.id, now - window_ms)
        .await?;
    if count < i64::from(submissions) {
        return Ok(());
    }
    let wait_ms = oldest.map_or(window_ms, |oldest| oldest + window_ms - now);
    Err(ApiError::too_many(
        format!(
            "at most {submissions} submissions per {} are accepted",
            humantime::format_duration(window)
        ),
        Duration::from_millis(wait_ms.max(0) as u64 + 999),
    ))
}

/// The submission if the user may see it; another learner's is "not found" (existence is not
/// revealed).
async fn visible_submission(
    state: &AppState,
    user: &User,
    id: i64,
) -> Result<SubmissionRecord, ApiError> {
    match state.store.submission(id).await? {
        Some(record) if record.user_id == user.id || user.role.reads_everything() => Ok(record),
        _ => Err(ApiError::not_found(format!("no submission {id}"))),
    }
}

async fn submission(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let record = visible_submission(&state, &user, id).await?;
    let mut value = submission_json(&record, !user.role.reads_everything());
    value["git"] = crate::git::source_json(&state, id).await?;
    Ok(Json(value))
}

/// The JSON of a submission; `redact` hides hidden checks' outputs (for learners).
fn submission_json(record: &SubmissionRecord, redact: bool) -> Value {
    let report = record.result.as_ref().and_then(|result| {
        let report: Report = serde_json::from_str(&result.report).ok()?;
        Some(if redact { report.redacted() } else { report })
    });
    let graded = record.status == Status::Graded;
    let result = record.result.as_ref().filter(|_| graded);
    json!({
        "id": record.id,
        "user": record.user_name,
        "project": record.project_id,
        "spec_version": record.spec_version,
        "status": record.status,
        "attempts": record.attempts,
        "created_at": record.created_at,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "error": record.last_error,
        "score": result.map(|r| r.score),
        "bonus": result.map(|r| r.bonus),
        "passed": result.map(|r| r.passed),
        "report": report,
    })
}

/// `GET /api/submissions/{id}/events`: `status` when it changes, `check` for each finished
/// check, `task` for each finished task, then `done`.
pub(crate) async fn events(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    visible_submission(&state, &user, id).await?;
    let progress = Progress {
        store: state.store.clone(),
        id,
        after: 0,
        status: None,
        done: false,
        redact: !user.role.reads_everything(),
    };
    let stream = futures_util::stream::unfold(progress, |mut progress| async move {
        if progress.done {
            return None;
        }
        loop {
            let batch = progress.next_batch().await;
            if !batch.is_empty() {
                return Some((batch, progress));
            }
            tokio::time::sleep(EVENTS_POLL).await;
        }
    });
    let stream = futures_util::StreamExt::flat_map(stream, |batch| {
        futures_util::stream::iter(batch.into_iter().map(Ok))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

struct Progress {
    store: Arc<dyn Store>,
    id: i64,
    after: i64,
    status: Option<Status>,
    done: bool,
    redact: bool,
}

impl Progress {
    /// What happened since the last batch; empty when nothing did.
    async fn next_batch(&mut self) -> Vec<Event> {
        let fail = |error: String| {
            vec![
                Event::default()
                    .event("error")
                    .data(json!({ "error": error }).to_string()),
            ]
        };
        // Status first: the worker records every event before it marks the job done, so a
        // final status read here means the events read next are complete.
        let record = match self.store.submission(self.id).await {
            Ok(Some(record)) => record,
            Ok(None) => {
                self.done = true;
                return fail(format!("no submission {}", self.id));
            }
            Err(error) => {
                tracing::warn!("progress of submission {}: {error}", self.id);
                return Vec::new();
            }
        };
        let events = match self.store.events_after(self.id, self.after).await {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!("progress of submission {}: {error}", self.id);
                return Vec::new();
            }
        };
        let mut batch = Vec::new();
        if self.status != Some(record.status) {
            self.status = Some(record.status);
            let data = json!({ "status": record.status, "attempt": record.attempts });
            batch.push(Event::default().event("status").data(data.to_string()));
        }
        for event in events {
            self.after = event.id;
            let mut payload: Value = serde_json::from_str(&event.payload).unwrap_or(Value::Null);
            if self.redact {
                redact_payload(&event.kind, &mut payload);
            }
            payload["attempt"] = json!(event.attempt);
            batch.push(
                Event::default()
                    .id(event.id.to_string())
                    .event(event.kind)
                    .data(payload.to_string()),
            );
        }
        if record.status.is_final() {
            self.done = true;
            let summary = submission_json(&record, self.redact);
            let data = json!({
                "id": record.id,
                "status": record.status,
                "score": summary["score"],
                "bonus": summary["bonus"],
                "passed": summary["passed"],
                "error": record.last_error,
            });
            batch.push(Event::default().event("done").data(data.to_string()));
        }
        batch
    }
}

fn redact_payload(kind: &str, payload: &mut Value) {
    match kind {
        "check" => {
            if let Ok(check) = serde_json::from_value::<CheckReport>(payload["check"].take()) {
                payload["check"] = json!(check.redacted());
            }
        }
        "task" => {
            if let Ok(mut task) = serde_json::from_value::<TaskReport>(payload["task"].take()) {
                task.checks = task.checks.iter().map(CheckReport::redacted).collect();
                payload["task"] = json!(task);
            }
        }
        _ => {}
    }
}

/// The payload of a grading event, as the worker records it.
pub(crate) fn check_event(task: &str, check: &CheckReport) -> String {
    json!({ "task_id": task, "check": check }).to_string()
}

/// The payload of a finished task, as the worker records it.
pub(crate) fn task_event(task: &TaskReport) -> String {
    json!({ "task": task }).to_string()
}

/// Counts checks by verdict in a report.
pub(crate) fn verdict_counts(report: &Report) -> Vec<(String, i64)> {
    let mut counts: BTreeMap<&'static str, i64> = BTreeMap::new();
    for check in report.tasks.iter().flat_map(|t| &t.checks) {
        *counts.entry(check.verdict.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(verdict, n)| (verdict.to_owned(), n))
        .collect()
}
