//! Git as a submission source: `POST /api/submissions` with `{project, git: {url, rev}}`,
//! repositories linked to learners (`/api/me/repos`), and the signed push webhook
//! (`POST /api/hooks/git`).
//!
//! The commit is fetched in the request, before `202 Accepted`, and its files are stored like an
//! upload's, so the queue and the workers do not know git exists: a submission from git is a
//! submission with a [`GitSource`] row beside it (URL without credentials, revision, commit,
//! folder).

pub mod callback;
pub mod fetch;
pub mod url;
pub mod webhook;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use checker::spec::Project;
use checker::submission::LearnerFile;
use serde_json::Value;
use sha2::{Digest, Sha256};
use store::git::{GitSource, RepoLink};
use store::{NewSubmission, StoreError, User, now_ms};
use tokio::sync::Semaphore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wire::{
    ErrorBody, GitSubmission, HookAnswer, Ignored, LinkRequest, Pong, PushQueued, PushSkipped,
    PushSubmission, RepoLinked, SubmissionCreated,
};

use crate::api::AppState;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, Json};
use fetch::{FetchError, FetchLimits, Fetched};
use url::{GitUrl, UrlError};
use webhook::{Push, WebhookSecret};

/// The operator's git settings (`checker serve --git-allow-host ... --webhook-secret ...`).
#[derive(Debug, Clone)]
pub struct GitConfig {
    /// Hosts (`host` or `host:port`) repositories may be fetched from; empty: git is off.
    pub allow_hosts: Vec<String>,
    /// Bounds on each fetch.
    pub limits: FetchLimits,
    /// The operator's secret of push webhooks set up school-wide (each linked repository has
    /// its own too); None: only repositories' own secrets are believed.
    pub webhook_secret: Option<WebhookSecret>,
    /// Deliveries whose push is older than this are refused as replays.
    pub max_delivery_age: Duration,
    /// Where results are reported back per commit; None: they are not.
    pub callback: Option<callback::CallbackConfig>,
    /// Git submissions (`POST /api/submissions` with a URL) only from repositories linked to
    /// the submitting learner, so nobody submits another learner's repository as their own.
    pub linked_only: bool,
    /// Fetches running at once (each is a `git` process and up to `limits.max_bytes` on
    /// disk); more wait a little, then get 503 with `Retry-After`.
    pub fetches: Arc<Semaphore>,
}

/// Fetches at once by default.
pub const DEFAULT_FETCHES: usize = 4;

/// How long a fetch waits for one of the [`GitConfig::fetches`] before it is refused.
const FETCH_QUEUE_WAIT: Duration = Duration::from_secs(10);

impl Default for GitConfig {
    fn default() -> Self {
        GitConfig {
            allow_hosts: Vec::new(),
            limits: FetchLimits::default(),
            webhook_secret: None,
            max_delivery_age: Duration::from_secs(24 * 3600),
            callback: None,
            linked_only: false,
            fetches: Arc::new(Semaphore::new(DEFAULT_FETCHES)),
        }
    }
}

/// Fetches a commit once one of the operator's fetch slots is free; 503 when none frees soon.
async fn fetch_bounded(state: &AppState, url: &GitUrl, rev: &str) -> Result<Fetched, ApiError> {
    let permit = tokio::time::timeout(FETCH_QUEUE_WAIT, state.git.fetches.acquire())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            ApiError::retry_after(
                StatusCode::SERVICE_UNAVAILABLE,
                "every git fetch slot of the server is busy",
                "try again in a moment",
                FETCH_QUEUE_WAIT,
            )
        })?;
    let fetched = fetch::fetch(url, rev, &state.git.limits)
        .await
        .map_err(fetch_refused);
    drop(permit);
    fetched
}

/// Largest webhook payload read.
const MAX_PAYLOAD: usize = 4 * 1024 * 1024;

/// The git routes: repository links and the push webhook, part of [`crate::api::app`]. (Git
/// submissions go through `POST /api/submissions`, which hands JSON bodies to [`submit_json`].)
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_repos, link_repo))
        .routes(routes!(push_hook))
        .layer(DefaultBodyLimit::max(MAX_PAYLOAD))
}

fn url_refused(error: UrlError) -> ApiError {
    let hint = match error {
        UrlError::Host { .. } => "ask the operator to allow the host, or use an allowed one",
        UrlError::Rev(_) => "name a branch, a tag or a commit, e.g. main or 3f2a9c1",
        _ => "use e.g. https://github.com/you/repo.git",
    };
    ApiError::bad_request(error.to_string(), hint)
}

fn fetch_refused(error: FetchError) -> ApiError {
    match error {
        FetchError::Platform(detail) => ApiError::internal(detail),
        FetchError::TooLarge { .. } | FetchError::FileTooLarge { .. } => {
            ApiError::too_large(error.to_string(), "commit only the project's files")
        }
        FetchError::Timeout { .. } => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            error.to_string(),
            "check that the repository is reachable from the server, then try again",
        ),
        FetchError::Refused { .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            error.to_string(),
            "check the URL, that the revision is pushed, and that the server may read the \
             repository",
        ),
        FetchError::Symlink(_) => {
            ApiError::bad_request(error.to_string(), "replace the link by the file")
        }
    }
}

/// `POST /api/submissions` with a JSON body `{"project": ID, "git": {"url": URL, "rev": REV}}`:
/// fetches the commit, takes the project's folder, and queues it like an upload.
pub(crate) async fn submit_json(
    state: &AppState,
    user: &User,
    request: Request,
) -> Result<Response, ApiError> {
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .map_err(|_| ApiError::too_large("the JSON body is too large", "send {project, git}"))?;
    let asked: GitSubmission = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            format!("cannot read the JSON body: {e}"),
            r#"send {"project": "ID", "git": {"url": "https://...", "rev": "main"}}"#,
        )
    })?;
    let project = crate::api::known_project(state, &asked.project)?;
    let url = GitUrl::parse(&asked.git.url, &state.git.allow_hosts).map_err(url_refused)?;
    let rev = asked.git.rev.unwrap_or_else(|| "HEAD".into());
    url::check_rev(&rev).map_err(url_refused)?;
    if state.git.linked_only {
        let link = state.store.git().repo_link(&url.key()).await?;
        if link.is_none_or(|link| link.user_id != user.id) {
            return Err(ApiError::forbidden(
                format!("{url} is not linked to your account"),
                "this server grades only your own repositories: link it first with                  `checker repo link URL`",
            ));
        }
    }
    tracing::info!(user = %user.name, project = %project.id, %url, %rev, "fetching");
    let fetched = fetch_bounded(state, &url, &rev).await?;
    let queued = queue_commit(state, user.id, project, &fetched, &url, &rev).await?;
    Ok(crate::api::accepted(SubmissionCreated {
        id: queued.id,
        status: wire::Status::Queued,
        project: project.id.clone(),
        spec_version: project.version.clone(),
        files: queued.files,
        ignored_files: 0,
        git: Some(wire_source(queued.source)),
        url: String::new(),
        events: String::new(),
    }))
}

fn wire_source(source: GitSource) -> wire::GitSource {
    wire::GitSource {
        url: source.url,
        rev: source.rev,
        commit: source.commit,
        dir: source.dir,
    }
}

/// A submission queued from a commit.
struct Queued {
    id: i64,
    files: Vec<String>,
    source: GitSource,
}

/// Whether pushes to `url` are graded for `project`: it names a folder, and the repository is
/// its `repository` (when the spec names one).
fn graded_from(project: &Project, url: &GitUrl) -> bool {
    project.folder.is_some() && (project.repository.is_none() || project.is_repository(url.name()))
}

/// Reads the project's files from the commit and queues them. They are read in the project's
/// `folder`; a repository that is not the project's `repository` may hold them at its top
/// instead (a learner's repository of this project alone).
async fn queue_commit(
    state: &AppState,
    user_id: i64,
    project: &Project,
    fetched: &Fetched,
    url: &GitUrl,
    rev: &str,
) -> Result<Queued, ApiError> {
    let mut dir = project.folder.as_deref();
    let wanted = project.learner_files();
    let mut files: BTreeMap<String, LearnerFile> = fetched
        .read_files(dir, &wanted, &project.extra_files, &state.git.limits)
        .await
        .map_err(fetch_refused)?;
    let own_repository = project.repository.is_none() || project.is_repository(url.name());
    let holds_named = |files: &BTreeMap<String, LearnerFile>| {
        files.keys().any(|path| wanted.contains(&path.as_str()))
    };
    if !holds_named(&files) && dir.is_some() && !own_repository {
        dir = None;
        files = fetched
            .read_files(dir, &wanted, &project.extra_files, &state.git.limits)
            .await
            .map_err(fetch_refused)?;
    }
    if !holds_named(&files) {
        return Err(ApiError::bad_request(
            format!(
                "commit {} holds none of the files of `{}` in {}",
                short(&fetched.commit),
                project.id,
                dir.map_or("the repository's top folder".to_owned(), |d| format!(
                    "folder `{d}`"
                )),
            ),
            format!(
                "the project's files are {}; commit and push them",
                wanted.join(", ")
            ),
        ));
    }
    let (named, others): (BTreeMap<_, _>, BTreeMap<_, _>) = files
        .into_iter()
        .partition(|(path, _)| wanted.contains(&path.as_str()));
    let files: BTreeMap<String, LearnerFile> = named
        .into_iter()
        .chain(project.extra_files.select(others, &wanted).files)
        .collect();
    let names: Vec<String> = files.keys().cloned().collect();
    let source = GitSource {
        url: url.redacted(),
        rev: rev.to_owned(),
        commit: fetched.commit.clone(),
        dir: dir.map(str::to_owned),
    };
    let new = NewSubmission {
        user_id,
        project_id: project.id.clone(),
        spec_version: project.version.clone(),
        source: "git".into(),
        files: files.into_iter().map(crate::api::stored).collect(),
        request_id: crate::request_id::current(),
    };
    let id = state
        .store
        .git()
        .add_git_submission(&new, &source, state.git.callback.is_some())
        .await?;
    state.wake.notify_one();
    tracing::info!(submission = id, project = %project.id, commit = %source.commit, "queued from git");
    Ok(Queued {
        id,
        files: names,
        source,
    })
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// The git source of a submission, if it came from git.
pub(crate) async fn git_source(
    state: &AppState,
    id: i64,
) -> Result<Option<wire::GitSource>, StoreError> {
    Ok(state.store.git().git_source(id).await?.map(wire_source))
}

/// Where push webhooks deliver.
const WEBHOOK_PATH: &str = "/api/hooks/git";

/// Link a repository to the signed-in learner, so its pushes are graded as theirs. One
/// repository belongs to one account. The link is pending until a delivery signed with its
/// secret arrives (set the webhook up; its ping will do): until then another learner may link
/// the repository instead, so nobody can hold a repository they cannot set webhooks on.
#[utoipa::path(post, path = "/api/me/repos", tag = "git",
    request_body = LinkRequest,
    responses(
        (status = 201, description = "linked; set up the webhook with this secret", body = RepoLinked),
        (status = 400, description = "not a repository URL, or not on an allowed host", body = ErrorBody),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
        (status = 409, description = "linked to another account, and confirmed", body = ErrorBody),
        (status = 415, description = "the body is not sent as application/json", body = ErrorBody),
        (status = 422, description = "the JSON lacks a url", body = ErrorBody),
    ))]
async fn link_repo(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Json(link): Json<LinkRequest>,
) -> Result<(StatusCode, Json<RepoLinked>), ApiError> {
    let (linked, url) = link_for(&state, &user, &link.url).await?;
    Ok((
        StatusCode::CREATED,
        Json(RepoLinked {
            id: linked.id,
            url: url.redacted(),
            key: url.key(),
            webhook_url: WEBHOOK_PATH.into(),
            webhook_secret: linked.webhook_secret,
            confirmed: linked.confirmed,
        }),
    ))
}

/// Links the repository at `raw_url` to `user` (the API's and the dashboard's way alike).
pub(crate) async fn link_for(
    state: &AppState,
    user: &User,
    raw_url: &str,
) -> Result<(RepoLink, GitUrl), ApiError> {
    let url = GitUrl::parse(raw_url, &state.git.allow_hosts).map_err(url_refused)?;
    let linked = match state
        .store
        .git()
        .link_repo(
            user.id,
            url.expose(),
            &url.key(),
            &crate::auth::random_hex(24),
        )
        .await
    {
        Ok(linked) => linked,
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("{url} is linked to another account"),
                "a repository is graded as one learner's once a delivery signed with its \
                 secret confirmed the link; ask an operator if it is yours",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user = %user.name, %url, "repository linked");
    Ok((linked, url))
}

/// The signed-in learner's repositories (credentials removed).
#[utoipa::path(get, path = "/api/me/repos", tag = "git",
    responses(
        (status = 200, description = "the linked repositories", body = Vec<wire::RepoLink>),
        (status = 401, description = "no API token, or an unknown or expired one", body = ErrorBody),
    ))]
async fn list_repos(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<Vec<wire::RepoLink>>, ApiError> {
    let links = state.store.git().repo_links(user.id).await?;
    Ok(Json(
        links
            .into_iter()
            .map(|l| wire::RepoLink {
                id: l.id,
                url: url::redact(&l.url),
                created_at: l.created_at,
                webhook_url: WEBHOOK_PATH.into(),
                webhook_secret: l.webhook_secret,
                confirmed: l.confirmed,
            })
            .collect(),
    ))
}

/// A signed GitHub or GitLab push: queues one submission per project whose folder the push
/// touched, as the learner who linked the repository.
///
/// A delivery is believed when it is signed with the secret of the repository it names (made
/// when the learner linked it), or with the operator's secret (for a school's organisation-wide
/// hook, whose secret learners never see). A learner's secret signs only their own repository,
/// and its first delivery (a ping too) confirms their link.
#[utoipa::path(post, path = "/api/hooks/git", tag = "git", security(()),
    request_body(description = "GitHub's or GitLab's push (or ping) payload, signed in \
        X-Hub-Signature-256 or X-Gitlab-Token", content = Object),
    responses(
        (status = 200, description = "a ping, an event that is not graded, or a push that touched no project", body = HookAnswer),
        (status = 202, description = "the submissions queued", body = HookAnswer),
        (status = 400, description = "not JSON, too old, or dated in the future", body = ErrorBody),
        (status = 401, description = "not signed, or signed with another secret", body = ErrorBody),
        (status = 404, description = "no learner linked the repository", body = ErrorBody),
        (status = 409, description = "this repository's ref was pushed at this commit before (a replay)", body = ErrorBody),
        (status = 429, description = "the learner's submissions are over the rate limit", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
        (status = 413, description = "the payload is too large", body = ErrorBody),
        (status = 422, description = "the commit cannot be fetched", body = ErrorBody),
        (status = 503, description = "every git fetch slot is busy", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
        (status = 504, description = "fetching the commit took too long", body = ErrorBody),
    ))]
async fn push_hook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<(StatusCode, Json<HookAnswer>), ApiError> {
    let refused = |error: webhook::SignatureError| {
        tracing::warn!("webhook refused: {error}");
        ApiError::unauthorized(
            error.to_string(),
            "set the secret `checker repo link` printed (or the operator's) in the webhook",
        )
    };
    let payload: Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            format!("the payload is not JSON: {e}"),
            "send application/json",
        )
    })?;
    let link = linked_repository(&state, &payload).await?;
    let by_link = link.as_ref().map(|link| {
        webhook::verify(
            &WebhookSecret::new(link.webhook_secret.clone()),
            &headers,
            &body,
        )
    });
    let by_operator = state
        .git
        .webhook_secret
        .as_ref()
        .map(|secret| webhook::verify(secret, &headers, &body));
    match (by_link, by_operator) {
        (Some(Ok(())), _) => {
            // Signed with the link's own secret: whoever linked it can set the repository's
            // webhook, which proves the repository theirs.
            if let Some(link) = link.as_ref().filter(|link| !link.confirmed) {
                state.store.git().confirm_link(link.id, now_ms()).await?;
                tracing::info!(link = link.id, "repository link confirmed");
            }
        }
        (_, Some(Ok(()))) => {}
        (Some(Err(error)), _) | (None, Some(Err(error))) => return Err(refused(error)),
        (None, None) => return Err(refused(webhook::SignatureError::Mismatch)),
    }
    let event = ["x-github-event", "x-gitlab-event"]
        .iter()
        .find_map(|h| headers.get(*h)?.to_str().ok())
        .unwrap_or("push")
        .to_ascii_lowercase();
    let ignored = |why: String| {
        Ok((
            StatusCode::OK,
            Json(HookAnswer::Ignored(Ignored { ignored: why })),
        ))
    };
    if event == "ping" {
        return Ok((StatusCode::OK, Json(HookAnswer::Pong(Pong { pong: true }))));
    }
    if event != "push" && event != "push hook" {
        return ignored(format!("`{event}` events are not graded"));
    }
    // The delivery id is not signed: it is only logged, never trusted to tell replays apart.
    let delivery_id = webhook::delivery_id(&headers).unwrap_or_default();
    let Some(push) = Push::parse(&payload) else {
        return ignored("not a push of a commit".into());
    };
    let Some(link) = link else {
        return Err(ApiError::not_found(format!(
            "no learner linked the repository {}",
            push.repository_urls
                .first()
                .map_or("(unnamed)".to_owned(), |u| url::redact(u))
        )));
    };
    let now = now_ms();
    if let Some(pushed_at) = push.pushed_at {
        let age_ms = now - pushed_at.saturating_mul(1000);
        if age_ms > state.git.max_delivery_age.as_millis() as i64 {
            return Err(ApiError::bad_request(
                "this push is too old to be graded (a replayed delivery?)",
                format!(
                    "deliveries are accepted for {} after the push; push again",
                    humantime::format_duration(state.git.max_delivery_age)
                ),
            ));
        }
        if -age_ms > MAX_CLOCK_SKEW.as_millis() as i64 {
            return Err(ApiError::bad_request(
                "this push is dated in the future",
                "check the sender's clock, then push again",
            ));
        }
    }
    // A replay is the same repository, ref and commit, whatever the delivery id says: those
    // are what the signature covers (and what GitLab's token, which signs nothing, vouches for).
    let delivery = push_key(&link, &push);
    if !state.store.git().first_delivery(&delivery, now).await? {
        tracing::warn!(%delivery_id, commit = %push.after, "webhook replay refused");
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "the push of {} to `{}` was handled already",
                short(&push.after),
                push.git_ref
            ),
            "a replayed delivery is never graded twice; push a new commit",
        ));
    }
    let handled = grade_push(&state, &push, &link).await;
    if handled.is_err() {
        // Nothing was queued: the sender may deliver it again once the cause is fixed.
        state.store.git().forget_delivery(&delivery).await?;
    }
    let (status, queued) = handled?;
    tracing::info!(%delivery_id, commit = %push.after, "push handled");
    Ok((status, Json(HookAnswer::Push(queued))))
}

/// How far in the future a push may be dated (the sender's clock may be ahead of ours).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// The replay key of a push: its linked repository, ref and commit, hashed.
fn push_key(link: &RepoLink, push: &Push) -> String {
    let mut hash = Sha256::new();
    for part in [link.id.to_string().as_str(), &push.git_ref, &push.after] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("push:{hex}")
}

/// The link of the repository a payload names, if a learner linked it.
async fn linked_repository(
    state: &AppState,
    payload: &Value,
) -> Result<Option<RepoLink>, ApiError> {
    // A ping names its repository too, so the payload is not read as a push here.
    for candidate in &webhook::repository_urls(payload) {
        if let Some(key) = url::key_of(candidate)
            && let Some(found) = state.store.git().repo_link(&key).await?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Queues one submission per project folder the push touched (in a repository named like the
/// project's `repository`, when it names one); errors only when nothing was queued.
async fn grade_push(
    state: &AppState,
    push: &Push,
    link: &RepoLink,
) -> Result<(StatusCode, PushQueued), ApiError> {
    let url = GitUrl::parse(&link.url, &state.git.allow_hosts).map_err(url_refused)?;
    let projects: Vec<&Project> = state
        .curriculum
        .projects()
        .filter(|p| graded_from(p, &url) && p.folder.as_deref().is_some_and(|d| push.touches(d)))
        .collect();
    if projects.is_empty() {
        let nothing = PushQueued {
            commit: push.after.clone(),
            git_ref: push.git_ref.clone(),
            submissions: Vec::new(),
            skipped: Vec::new(),
        };
        return Ok((StatusCode::OK, nothing));
    }
    // A graded push takes one of the learner's submission slots, like an upload.
    crate::api::take_slot(state, link.user_id).await?;
    let fetched = fetch_bounded(state, &url, &push.after).await?;
    let mut submissions = Vec::new();
    let mut skipped = Vec::new();
    for project in projects {
        match queue_commit(state, link.user_id, project, &fetched, &url, &push.after).await {
            Ok(queued) => submissions.push(PushSubmission {
                id: queued.id,
                project: project.id.clone(),
                files: queued.files,
                url: format!("/api/submissions/{}", queued.id),
            }),
            Err(error) if submissions.is_empty() && error.status().is_server_error() => {
                return Err(error);
            }
            Err(error) => skipped.push(PushSkipped {
                project: project.id.clone(),
                status: error.status().as_u16(),
            }),
        }
    }
    tracing::info!(%url, commit = %fetched.commit, queued = submissions.len(), "push queued");
    Ok((
        StatusCode::ACCEPTED,
        PushQueued {
            commit: fetched.commit,
            git_ref: push.git_ref.clone(),
            submissions,
            skipped,
        },
    ))
}
