//! The HTTP API: [`app`] builds the router, each handler is a small function that lists what it
//! needs (state, the signed-in user, path and body) and fails with [`ApiError`].

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension, FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use checker::report::{CheckReport, Report, TaskReport};
use checker::spec::Project;
use checker::upload::{UploadError, UploadLimits};
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::Notify;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wire::{
    CheckEvent, DoneEvent, ErrorBody, ErrorEvent, Event, GitSubmission, Health, LoginRequest,
    LoginResponse, Score, StatusEvent, Submission, SubmissionCreated, TaskEvent,
};

use crate::auth::{ApiToken, AuthUser, CurrentToken};
use crate::curriculum::Curriculum;
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use crate::signin::{PeerAddr, SignInError};
use store::{
    GradingEvent, NewSubmission, Role, ScoreRecord, Slot, Status, Store, StoredFile,
    SubmissionRecord, User, now_ms,
};

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
    /// Progress streams: their bounds, and the news of this process's worker.
    pub progress: Arc<crate::progress::ProgressHub>,
    /// Whether `GET /metrics` answers (off by default: it tells anyone the queue and verdicts).
    pub metrics: bool,
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
            progress: Arc::new(crate::progress::ProgressHub::default()),
            metrics: false,
        }
    }
}

/// Room for the multipart envelope around the archive.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The whole HTTP API, git routes included, and its OpenAPI document at `/api/openapi.json`.
/// Every `/api` refusal is JSON `{error, hint}`: unknown routes and wrong methods too.
pub fn app(state: AppState) -> Router {
    let (router, document) = routes(&state.limits).split_for_parts();
    let document = document
        .to_json()
        .expect("the OpenAPI document is plain data and serializes");
    router
        .route(
            "/api/openapi.json",
            get(move || async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    document,
                )
            }),
        )
        .route("/api", any(unknown_route))
        .route("/api/", any(unknown_route))
        .route("/api/{*rest}", any(unknown_route))
        .method_not_allowed_fallback(wrong_method)
        .with_state(state)
}

/// The OpenAPI document of the API, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes(&UploadLimits::default()).into_openapi()
}

/// Every documented route: the one list that both the router and the document are made from.
fn routes(limits: &UploadLimits) -> OpenApiRouter<AppState> {
    let body_limit = (limits.max_archive + MULTIPART_OVERHEAD) as usize;
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(metrics))
        .routes(routes!(login))
        .routes(routes!(me))
        .routes(routes!(my_tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(revoke_current_token))
        .routes(routes!(my_scores))
        .routes(routes!(all_scores))
        .routes(routes!(projects))
        .routes(routes!(project))
        .routes(routes!(submit))
        .routes(routes!(submission))
        .routes(routes!(submission_events))
        .layer(DefaultBodyLimit::max(body_limit))
        .merge(crate::git::routes())
}

async fn unknown_route(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no route {}", echo(uri.path())),
        "GET /api/openapi.json lists every route",
    )
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method}", echo(uri.path())),
        "GET /api/openapi.json lists the methods of every route",
    )
}

/// The server and its database answer.
#[utoipa::path(get, path = "/healthz", tag = "server", security(()),
    responses(
        (status = 200, description = "healthy", body = Health),
        (status = 503, description = "the database does not answer", body = ErrorBody),
    ))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await.map_err(ApiError::unavailable)?;
    Ok(Json(Health {
        status: "ok".into(),
        projects: state.curriculum.projects().count(),
    }))
}

/// Prometheus metrics: queue depth, grading time histogram, verdict counts. Only when the
/// operator asked for them (`checker serve --metrics`).
#[utoipa::path(get, path = "/metrics", tag = "server", security(()),
    responses(
        (status = 200, description = "Prometheus text format", body = String,
            content_type = "text/plain"),
        (status = 404, description = "metrics are off on this server", body = ErrorBody),
        (status = 503, description = "the database does not answer", body = ErrorBody),
    ))]
async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    if !state.metrics {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "metrics are off on this server",
            "the operator turns them on with `checker serve --metrics`",
        ));
    }
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

/// Exchange a name and password for an API token.
#[utoipa::path(post, path = "/api/login", tag = "users", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "a new token", body = LoginResponse),
        (status = 400, description = "the body is not JSON", body = ErrorBody),
        (status = 401, description = "wrong name or password", body = ErrorBody),
        (status = 415, description = "the body is not sent as application/json", body = ErrorBody),
        (status = 422, description = "the JSON lacks a name or a password", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    Json(login): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
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
    Ok(Json(LoginResponse {
        token: token.expose().to_owned(),
        expires_at,
        user: wire_user(&user),
    }))
}

fn wire_user(user: &User) -> wire::User {
    wire::User {
        name: user.name.clone(),
        role: match user.role {
            Role::Learner => wire::Role::Learner,
            Role::Instructor => wire::Role::Instructor,
            Role::Admin => wire::Role::Admin,
        },
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/me", tag = "users",
    responses(
        (status = 200, description = "the user", body = wire::User),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
    ))]
async fn me(AuthUser(user): AuthUser) -> Json<wire::User> {
    Json(wire_user(&user))
}

/// The signed-in user's API tokens (never the tokens themselves), oldest first.
#[utoipa::path(get, path = "/api/me/tokens", tag = "users",
    responses(
        (status = 200, description = "the tokens", body = Vec<wire::Token>),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
    ))]
async fn my_tokens(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Extension(CurrentToken(current)): Extension<CurrentToken>,
) -> Result<Json<Vec<wire::Token>>, ApiError> {
    let tokens = state.store.tokens(user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| wire::Token {
                current: t.token_hash == current,
                id: t.id,
                label: t.label,
                created_at: t.created_at,
                expires_at: t.expires_at,
            })
            .collect(),
    ))
}

/// Revoke one of the signed-in user's API tokens: it stops working at once.
#[utoipa::path(delete, path = "/api/me/tokens/{id}", tag = "users",
    params(("id" = i64, Path, description = "the token's id (from GET /api/me/tokens)")),
    responses(
        (status = 204, description = "revoked"),
        (status = 400, description = "the id is not a number", body = ErrorBody),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 404, description = "no such token of yours", body = ErrorBody),
    ))]
async fn revoke_token(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if !state.store.revoke_token(user.id, id).await? {
        return Err(ApiError::not_found(format!("you have no token {id}")));
    }
    tracing::info!(user = %user.name, token = id, "token revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke the token this request is made with (what `checker login` does to the token it
/// replaces, and `checker logout`-like clean-ups).
#[utoipa::path(delete, path = "/api/me/tokens/current", tag = "users",
    responses(
        (status = 204, description = "revoked"),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
    ))]
async fn revoke_current_token(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Extension(CurrentToken(current)): Extension<CurrentToken>,
) -> Result<StatusCode, ApiError> {
    let tokens = state.store.tokens(user.id).await?;
    if let Some(token) = tokens.iter().find(|t| t.token_hash == current) {
        state.store.revoke_token(user.id, token.id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user's best and latest score per project.
#[utoipa::path(get, path = "/api/me/scores", tag = "scores",
    responses(
        (status = 200, description = "scores", body = Vec<Score>),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
    ))]
async fn my_scores(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Vec<Score>>, ApiError> {
    let scores = state.store.scores(Some(user.id)).await?;
    Ok(Json(wire_scores(&state, scores)))
}

/// Everyone's scores (instructors and admins).
#[utoipa::path(get, path = "/api/scores", tag = "scores",
    responses(
        (status = 200, description = "scores", body = Vec<Score>),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 403, description = "learners see only their own scores", body = ErrorBody),
    ))]
async fn all_scores(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Vec<Score>>, ApiError> {
    if !user.role.reads_everything() {
        return Err(ApiError::forbidden(
            "only instructors and admins see everyone's scores",
            "your own are at /api/me/scores (`checker scores`)",
        ));
    }
    let scores = state.store.scores(None).await?;
    Ok(Json(wire_scores(&state, scores)))
}

fn wire_scores(state: &AppState, scores: Vec<ScoreRecord>) -> Vec<Score> {
    scores
        .into_iter()
        .map(|score| Score {
            title: state
                .curriculum
                .get(&score.project)
                .map_or_else(|| score.project.clone(), |p| p.title.clone()),
            user: score.user,
            project: score.project,
            best_score: score.best_score,
            best_bonus: score.best_bonus,
            best_submission: score.best_submission,
            latest_score: score.latest_score,
            latest_bonus: score.latest_bonus,
            latest_submission: score.latest_submission,
            graded: score.graded,
            updated_at: score.updated_at,
        })
        .collect()
}

/// Projects this server grades.
#[utoipa::path(get, path = "/api/projects", tag = "projects",
    responses(
        (status = 200, description = "projects", body = Vec<wire::Project>),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
    ))]
async fn projects(State(state): State<AppState>, _: AuthUser) -> Json<Vec<wire::Project>> {
    Json(
        state
            .curriculum
            .projects()
            .map(|p| wire_project(p, &state.limits))
            .collect(),
    )
}

/// One project: its files, tasks and upload limits.
#[utoipa::path(get, path = "/api/projects/{id}", tag = "projects",
    params(("id" = String, Path, description = "the project's id")),
    responses(
        (status = 200, description = "the project", body = wire::Project),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 404, description = "no such project", body = ErrorBody),
    ))]
async fn project(
    State(state): State<AppState>,
    _: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<wire::Project>, ApiError> {
    let project = known_project(&state, &id)?;
    Ok(Json(wire_project(project, &state.limits)))
}

fn wire_project(project: &Project, limits: &UploadLimits) -> wire::Project {
    wire::Project {
        id: project.id.clone(),
        title: project.title.clone(),
        spec_version: project.version.clone(),
        repo_dir: project.folder.clone(),
        files: project
            .learner_files()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        extra_files: project.extra_files.patterns().to_vec(),
        tasks: project
            .tasks
            .iter()
            .map(|t| wire::Task {
                id: t.id.clone(),
                title: t.title.clone(),
                mandatory: t.mandatory,
                files: t.files.clone(),
                checks: t.checks.len(),
            })
            .collect(),
        limits: wire::UploadLimits {
            max_archive: limits.max_archive,
            max_unpacked: limits.max_unpacked,
            max_files: limits.max_files,
            max_file: limits.max_file,
        },
    }
}

pub(crate) fn known_project<'a>(state: &'a AppState, id: &str) -> Result<&'a Project, ApiError> {
    state.curriculum.get(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no project `{}` on this server", echo(id)),
            format!("known projects: {}", state.curriculum.ids()),
        )
    })
}

/// At most [`ECHO_CHARS`] characters of what a caller sent, for an error message: an answer
/// never carries a large input back.
pub(crate) fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// See [`echo`].
const ECHO_CHARS: usize = 80;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SubmitQuery {
    /// The project's id (or the `project` field of the form).
    project: Option<String>,
}

/// The multipart form of `POST /api/submissions`.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used: the form is read field by field.
struct UploadForm {
    /// The project's id (or `?project=`).
    project: Option<String>,
    /// A .tar.gz of the project's files.
    #[schema(value_type = String, format = Binary)]
    archive: Vec<u8>,
}

/// Submit a project's files (a .tar.gz upload, or a commit of a git repository); the
/// submission is stored before the answer and graded by a worker.
///
/// A multipart form (`project`, `archive`), a raw `.tar.gz` body with `?project=`, or a JSON
/// body `{"project": ID, "git": {"url": URL, "rev": REV}}`.
#[utoipa::path(post, path = "/api/submissions", tag = "submissions",
    params(SubmitQuery),
    request_body(content(
        (String = "application/gzip"),
        (UploadForm = "multipart/form-data"),
        (GitSubmission = "application/json"),
    )),
    responses(
        (status = 202, description = "stored and queued", body = SubmissionCreated,
            headers(("Location" = String, description = "the submission's URL"))),
        (status = 400, description = "not a safe .tar.gz, no project, none of the project's files, a malformed query or JSON body, a bad git URL", body = ErrorBody),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 403, description = "a git repository not linked to the learner, on a server that grades only linked ones", body = ErrorBody),
        (status = 404, description = "no such project", body = ErrorBody),
        (status = 413, description = "over a size or file-count limit", body = ErrorBody),
        (status = 415, description = "neither application/gzip, multipart/form-data nor application/json", body = ErrorBody),
        (status = 422, description = "the commit cannot be fetched", body = ErrorBody),
        (status = 429, description = "too many submissions (every attempt counts, refused ones too)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
        (status = 503, description = "every git fetch slot is busy", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
        (status = 504, description = "fetching the commit took too long", body = ErrorBody),
    ))]
async fn submit(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Query(query): Query<SubmitQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    take_slot(&state, user.id).await?;
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
    let wanted: Vec<String> = project
        .learner_files()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let keep = wanted.clone();
    let extra = project.extra_files.clone();
    let (mut unpacked, skipped) = tokio::task::spawn_blocking(move || {
        // Files outside the names and the `extra_files` globs are skipped unread.
        checker::upload::unpack_tar_gz_only(&archive, &limits, |path| {
            keep.iter().any(|w| w == path) || extra.wants(path)
        })
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(upload_refused)?;
    let named: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let (named_files, others): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut unpacked)
        .into_iter()
        .partition(|(path, _)| named.contains(&path.as_str()));
    let extras = project.extra_files.select(others, &named);
    let files: Vec<StoredFile> = named_files
        .into_iter()
        .chain(extras.files)
        .map(stored)
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
    let names: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let new = NewSubmission {
        user_id: user.id,
        project_id: project.id.clone(),
        spec_version: project.version.clone(),
        source: "upload".into(),
        files,
        request_id: crate::request_id::current(),
    };
    let id = state.store.add_submission(&new).await?;
    state.wake.notify_one();
    tracing::info!(submission = id, user = %user.name, project = %project.id, "queued");
    Ok(accepted(SubmissionCreated {
        id,
        status: wire::Status::Queued,
        project: project.id.clone(),
        spec_version: project.version.clone(),
        ignored_files: skipped,
        files: names,
        git: None,
        url: String::new(),
        events: String::new(),
    }))
}

/// A learner file as the store keeps it.
pub(crate) fn stored((path, file): (String, checker::submission::LearnerFile)) -> StoredFile {
    StoredFile {
        path,
        contents: file.contents,
        executable: file.executable,
    }
}

/// `202 Accepted` with the new submission's URLs in the body and `Location`.
pub(crate) fn accepted(mut created: SubmissionCreated) -> Response {
    created.url = format!("/api/submissions/{}", created.id);
    created.events = format!("{}/events", created.url);
    let location = HeaderValue::from_str(&created.url).ok();
    let mut response = (StatusCode::ACCEPTED, Json(created)).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
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

/// Takes one of the user's submission slots of the window, before anything costly (reading the
/// body, fetching a commit): concurrent attempts cannot all pass, and refused ones count too.
pub(crate) async fn take_slot(state: &AppState, user_id: i64) -> Result<(), ApiError> {
    let RateLimit {
        submissions,
        window,
    } = state.rate_limit;
    if submissions == 0 {
        return Ok(());
    }
    let window_ms = window.as_millis() as i64;
    let now = now_ms();
    let slot = state
        .store
        .take_submission_slot(user_id, now - window_ms, i64::from(submissions), now)
        .await?;
    let Slot::Full { oldest } = slot else {
        return Ok(());
    };
    let wait_ms = oldest + window_ms - now;
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

/// A submission's status and report (hidden checks redacted for learners).
#[utoipa::path(get, path = "/api/submissions/{id}", tag = "submissions",
    params(("id" = i64, Path, description = "the submission's id")),
    responses(
        (status = 200, description = "the submission", body = Submission),
        (status = 400, description = "the id is not a number", body = ErrorBody),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 404, description = "no such submission, or not yours to see", body = ErrorBody),
    ))]
async fn submission(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<Submission>, ApiError> {
    let record = visible_submission(&state, &user, id).await?;
    let mut submission = wire_submission(&record, !user.role.reads_everything());
    submission.git = crate::git::git_source(&state, id).await?;
    Ok(Json(submission))
}

fn wire_status(status: Status) -> wire::Status {
    match status {
        Status::Queued => wire::Status::Queued,
        Status::Running => wire::Status::Running,
        Status::Graded => wire::Status::Graded,
        Status::Failed => wire::Status::Failed,
    }
}

/// A submission as the API shows it (without its git source); `redact` hides hidden checks'
/// outputs (for learners).
fn wire_submission(record: &SubmissionRecord, redact: bool) -> Submission {
    let report = record.result.as_ref().and_then(|result| {
        let report: Report = serde_json::from_str(&result.report).ok()?;
        Some(if redact { report.redacted() } else { report })
    });
    let graded = record.status == Status::Graded;
    let result = record.result.as_ref().filter(|_| graded);
    Submission {
        id: record.id,
        user: record.user_name.clone(),
        project: record.project_id.clone(),
        spec_version: record.spec_version.clone(),
        status: wire_status(record.status),
        attempts: record.attempts,
        created_at: record.created_at,
        started_at: record.started_at,
        finished_at: record.finished_at,
        error: record.last_error.clone(),
        score: result.map(|r| r.score),
        bonus: result.map(|r| r.bonus),
        passed: result.map(|r| r.passed),
        report,
        git: None,
    }
}

/// A submission's progress as server-sent events: `status` when it changes, `check` for each
/// finished check, `task` for each finished task, then `done` (see the `*Event` schemas). A
/// user holds a bounded number of streams at once, and a stream ends with an `error` event after
/// its lifetime (30 min by default): connect again to follow on.
#[utoipa::path(get, path = "/api/submissions/{id}/events", tag = "submissions",
    params(("id" = i64, Path, description = "the submission's id")),
    responses(
        (status = 200, description = "an event stream of StatusEvent, CheckEvent, TaskEvent, then DoneEvent (ErrorEvent if it cannot go on)",
            body = String, content_type = "text/event-stream"),
        (status = 400, description = "the id is not a number", body = ErrorBody),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 404, description = "no such submission, or not yours to see", body = ErrorBody),
        (status = 429, description = "the user follows the most submissions at once already", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    ))]
async fn submission_events(
    state: State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    events(state, user, axum::extract::Path(id)).await
}

/// The progress stream of a submission the user may see (the API's, and the dashboard's for a
/// signed-in browser).
pub(crate) async fn events(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    visible_submission(&state, &user, id).await?;
    let hub = &state.progress;
    let Some(guard) = hub.open(user.id) else {
        return Err(ApiError::retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "you follow {} submissions at once already; that is the most",
                hub.per_user
            ),
            "close another page or `checker submit --wait` that follows one",
            Duration::from_secs(5),
        ));
    };
    let progress = Progress {
        store: state.store.clone(),
        id,
        after: 0,
        status: None,
        done: false,
        redact: !user.role.reads_everything(),
        // Subscribed before the first read, so no news after it is missed.
        news: hub.subscribe(),
        fallback_poll: hub.fallback_poll,
        lifetime: hub.lifetime,
        deadline: tokio::time::Instant::now() + hub.lifetime,
        _guard: guard,
    };
    let stream = futures_util::stream::unfold(progress, |mut progress| async move {
        if progress.done {
            return None;
        }
        loop {
            let batch = if tokio::time::Instant::now() < progress.deadline {
                progress.next_batch().await
            } else {
                progress.done = true;
                let error = Event::Error(ErrorEvent {
                    error: format!(
                        "this stream ends after {}; connect again to follow on",
                        humantime::format_duration(progress.lifetime)
                    ),
                });
                vec![sse(&error, None)]
            };
            if !batch.is_empty() {
                return Some((batch, progress));
            }
            progress.wait_for_news().await;
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
    news: tokio::sync::broadcast::Receiver<i64>,
    fallback_poll: Duration,
    lifetime: Duration,
    deadline: tokio::time::Instant,
    _guard: crate::progress::StreamGuard,
}

/// An SSE event carrying `event`, with the id of the stored event it came from, if any.
fn sse(event: &Event, id: Option<i64>) -> SseEvent {
    let sse = SseEvent::default().event(event.name()).data(event.data());
    match id {
        Some(id) => sse.id(id.to_string()),
        None => sse,
    }
}

impl Progress {
    /// Waits until this process's worker announces a change of the submission, the fallback
    /// poll is due (for a worker elsewhere), or the stream's lifetime ends.
    async fn wait_for_news(&mut self) {
        use tokio::sync::broadcast::error::RecvError;
        let due = (tokio::time::Instant::now() + self.fallback_poll).min(self.deadline);
        let sleep = tokio::time::sleep_until(due);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                news = self.news.recv() => match news {
                    Ok(id) if id == self.id => return,
                    Ok(_) => {}
                    // Missed news may have been ours: read the store.
                    Err(RecvError::Lagged(_)) => return,
                    Err(RecvError::Closed) => return sleep.await,
                },
                () = &mut sleep => return,
            }
        }
    }

    /// What happened since the last batch; empty when nothing did.
    async fn next_batch(&mut self) -> Vec<SseEvent> {
        // Status first: the worker records every event before it marks the job done, so a
        // final status read here means the events read next are complete.
        let record = match self.store.submission(self.id).await {
            Ok(Some(record)) => record,
            Ok(None) => {
                self.done = true;
                let error = Event::Error(ErrorEvent {
                    error: format!("no submission {}", self.id),
                });
                return vec![sse(&error, None)];
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
            let status = Event::Status(StatusEvent {
                status: wire_status(record.status),
                attempt: record.attempts,
            });
            batch.push(sse(&status, None));
        }
        for stored in events {
            self.after = stored.id;
            match self.stored_event(&stored) {
                Ok(event) => batch.push(sse(&event, Some(stored.id))),
                Err(error) => tracing::warn!(
                    "progress of submission {}: event {} ({}) unreadable: {error}",
                    self.id,
                    stored.id,
                    stored.kind
                ),
            }
        }
        if record.status.is_final() {
            self.done = true;
            let summary = wire_submission(&record, self.redact);
            let done = Event::Done(DoneEvent {
                id: record.id,
                status: summary.status,
                score: summary.score,
                bonus: summary.bonus,
                passed: summary.passed,
                error: summary.error,
            });
            batch.push(sse(&done, None));
        }
        batch
    }

    /// A recorded event as the stream shows it: its attempt filled in, hidden checks redacted
    /// for learners.
    fn stored_event(&self, stored: &GradingEvent) -> Result<Event, String> {
        let event = Event::parse(&stored.kind, &stored.payload)
            .ok_or("unknown kind")?
            .map_err(|e| e.to_string())?;
        Ok(match event {
            Event::Check(mut check) => {
                check.attempt = stored.attempt;
                if self.redact {
                    check.check = check.check.redacted();
                }
                Event::Check(check)
            }
            Event::Task(mut task) => {
                task.attempt = stored.attempt;
                if self.redact {
                    task.task.checks = task.task.checks.iter().map(CheckReport::redacted).collect();
                }
                Event::Task(task)
            }
            other => other,
        })
    }
}

/// The payload of a grading event, as the worker records it (the attempt is stored beside it).
pub(crate) fn check_event(task: &str, check: &CheckReport) -> String {
    Event::Check(CheckEvent {
        task_id: task.to_owned(),
        check: check.clone(),
        attempt: 0,
    })
    .data()
}

/// The payload of a finished task, as the worker records it (the attempt is stored beside it).
pub(crate) fn task_event(task: &TaskReport) -> String {
    Event::Task(TaskEvent {
        task: task.clone(),
        attempt: 0,
    })
    .data()
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
