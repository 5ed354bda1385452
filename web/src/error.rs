//! The one error type of every handler, and its mapping to responses:
//! a status code and [`wire::ErrorBody`], `{ "error": "...", "hint": "..." }`. axum's own
//! rejections (a malformed body, path or query) are mapped into it by the extractors of
//! [`crate::extract`].

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use store::StoreError;

/// The longest error message sent back: a message may quote the request (a malformed body, a
/// path), and a client's huge input is not echoed whole.
const MAX_ERROR_LEN: usize = 300;

/// A request that could not be served, and what the client can do about it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    hint: Option<String>,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// The message and its hint, for showing on a page.
    pub fn message(&self) -> String {
        match &self.hint {
            Some(hint) => format!("{}: {hint}", self.error),
            None => self.error.clone(),
        }
    }

    /// Any status, message and hint.
    pub fn new(status: StatusCode, error: impl Into<String>, hint: impl Into<String>) -> Self {
        ApiError {
            status,
            error: truncated(error.into()),
            hint: Some(hint.into()).filter(|h: &String| !h.is_empty()),
            retry_after: None,
        }
    }

    /// 400: the request itself is wrong.
    pub fn bad_request(error: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, hint)
    }

    /// 401: no valid token (the response asks for a bearer token).
    pub fn unauthorized(error: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error, hint)
    }

    /// 403: signed in, but not allowed.
    pub fn forbidden(error: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, error, hint)
    }

    /// 404: no such thing (or not the caller's to see; the two are not told apart).
    pub fn not_found(error: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error, "")
    }

    /// 413: the upload is over a limit.
    pub fn too_large(error: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, error, hint)
    }

    /// 429 with `Retry-After`.
    pub fn too_many(error: impl Into<String>, retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs().max(1);
        ApiError {
            retry_after: Some(Duration::from_secs(seconds)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                error,
                format!("wait {seconds} s before submitting again"),
            )
        }
    }

    /// `status` (429 or 503) with `Retry-After`, for callers that should simply wait.
    pub fn retry_after(
        status: StatusCode,
        error: impl Into<String>,
        hint: impl Into<String>,
        retry_after: Duration,
    ) -> Self {
        ApiError {
            retry_after: Some(Duration::from_secs(retry_after.as_secs().max(1))),
            ..Self::new(status, error, hint)
        }
    }

    /// 500: the platform failed. The detail is logged; the client gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server failed to handle this request",
            "this is not your fault; try again, and tell the operators if it persists",
        )
    }

    /// 503: a dependency (the database) is down.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::error!("service unavailable: {detail}");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server cannot reach its database",
            "try again in a moment",
        )
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        // The one place that decides: a database that is down or restarting is "try again".
        if error.is_unavailable() {
            ApiError::unavailable(error)
        } else {
            ApiError::internal(error)
        }
    }
}

/// `text` cut to at most [`MAX_ERROR_LEN`] bytes (on a character boundary), marked when cut.
fn truncated(mut text: String) -> String {
    if text.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// Where every hint about a malformed request points.
const SEE_THE_DOCUMENT: &str = "GET /api/openapi.json describes every route and body";

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let hint = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "send the body as JSON with `Content-Type: application/json`"
            }
            _ => SEE_THE_DOCUMENT,
        };
        ApiError::new(rejection.status(), rejection.body_text(), hint)
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(rejection.status(), rejection.body_text(), SEE_THE_DOCUMENT)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(rejection.status(), rejection.body_text(), SEE_THE_DOCUMENT)
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        ApiError::new(
            rejection.status(),
            rejection.body_text(),
            "send a smaller body",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = wire::ErrorBody {
            error: self.error,
            hint: self.hint,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(retry_after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, retry_after.as_secs().into());
        }
        response
    }
}
