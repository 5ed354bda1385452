//! The dashboard: server-rendered HTML pages for learners and instructors, served by
//! `checker serve` beside the API.
//!
//! Pages are [maud] templates ([`view`]), rendered on the server; the only script is a small
//! embedded file that follows a submission's grading live through server-sent events, and every
//! page works without it. Browsers sign in with a session cookie ([`session`]): HttpOnly,
//! SameSite=Lax, Secure on HTTPS, and every form carries the session's CSRF token. The API keeps
//! its bearer tokens and never accepts the cookie, so it needs no CSRF defence of its own.

mod chart;
mod pages;
mod session;
mod settings;
mod view;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use store::StoreError;

use crate::api::AppState;

/// What every page answer carries: no inline script or style, nothing from elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

const STYLESHEET: &str = include_str!("../../static/dashboard.css");
const SCRIPT: &str = include_str!("../../static/dashboard.js");

/// The dashboard's routes, to merge with the API's router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/projects/{id}", get(pages::project))
        .route("/submissions/{id}", get(pages::submission))
        .route("/submissions/{id}/events", get(pages::submission_events))
        .route("/class", get(pages::class))
        .route("/class.csv", get(pages::class_csv))
        .route("/class/projects/{id}", get(pages::class_project))
        .route("/learners/{name}", get(pages::learner))
        .route("/settings", get(settings::settings))
        .route("/settings/repos", post(settings::link))
        .route("/static/dashboard.css", get(stylesheet))
        .route("/static/dashboard.js", get(script))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Pages hold a person's scores: never kept by shared caches or on disk.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn stylesheet() -> impl IntoResponse {
    static_file("text/css; charset=utf-8", STYLESHEET)
}

async fn script() -> impl IntoResponse {
    static_file("text/javascript; charset=utf-8", SCRIPT)
}

fn static_file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// Why a page could not be shown; rendered as an HTML page (the API's errors are JSON).
#[derive(Debug)]
pub(crate) enum PageError {
    /// Not signed in: off to the sign-in page, and back to `next` after.
    SignIn { next: String },
    /// A form without the right CSRF token.
    Csrf,
    /// Signed in, but not allowed.
    Forbidden(String),
    /// No such thing, or not the viewer's to see (the two are not told apart).
    NotFound(String),
    /// The platform failed; the detail is logged.
    Internal(String),
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        PageError::Internal(error.to_string())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            PageError::SignIn { next } => {
                let target = format!("/login?next={}", view::url_encode(&next));
                return Redirect::to(&target).into_response();
            }
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form was missing its security token, or it came from another site. \
                 Go back, reload the page and try again."
                    .to_owned(),
            ),
            PageError::Forbidden(text) => (StatusCode::FORBIDDEN, "Not allowed", text),
            PageError::NotFound(text) => (StatusCode::NOT_FOUND, "Not found", text),
            PageError::Internal(detail) => {
                tracing::error!("dashboard: {detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server failed to show this page. This is not your fault; try again, \
                     and tell the operators if it persists."
                        .to_owned(),
                )
            }
        };
        (status, view::error_page(status, title, &text)).into_response()
    }
}
