//! The one error type of every handler, and its mapping to responses:
//! a status code and `{ "error": "...", "hint": "..." }`.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::StoreError;

/// A request that could not be served, and what the client can do about it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    hint: Option<String>,
    retry_after: Option<Duration>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
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
            error: error.into(),
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
        match &error {
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => {
                ApiError::unavailable(error)
            }
            _ => ApiError::internal(error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: &self.error,
            hint: self.hint.as_deref(),
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
