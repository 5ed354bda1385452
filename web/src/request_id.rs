//! Request ids: every request gets one (the caller's `X-Request-Id` when it is sane, a new one
//! otherwise), answered in the `X-Request-Id` header, carried by every log line of the request
//! and stored with the submission it creates, so that the worker's lines about the submission
//! carry it too: one id follows a submission from upload to score.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header that carries the id, both ways.
pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled, when called from inside one.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// A caller's id is kept when it is short and plain (it goes into logs and the database).
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator answers");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Middleware: gives the request its id, runs it inside a `request` span holding the id, and
/// answers the id in the `X-Request-Id` header.
pub async fn middleware(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(new_id, str::to_owned);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let mut response = CURRENT
        .scope(id.clone(), next.run(request))
        .instrument(span)
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_ids_are_taken_from_callers() {
        assert!(acceptable("3f2a-build.42_x"));
        assert!(!acceptable(""));
        assert!(!acceptable("a b"));
        assert!(!acceptable("id\nforged log line"));
        assert!(!acceptable(&"a".repeat(65)));
        assert_eq!(new_id().len(), 16);
        assert_ne!(new_id(), new_id());
    }
}
