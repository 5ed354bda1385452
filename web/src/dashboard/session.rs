//! Browser sessions: signing in and out, the session cookie, and CSRF tokens.
//!
//! The cookie holds a random token; the store keeps only its SHA-256 (as for API tokens) with
//! the session's CSRF token, which every form of the session carries. The sign-in form, shown
//! before there is a session, is protected by a double-submit token: a random value in a
//! short-lived cookie that the form must repeat.

use std::time::Duration;

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::{User, now_ms};

use super::{PageError, view};
use crate::api::AppState;
use crate::auth::{ApiToken, random_hex};
use crate::signin::{PeerAddr, SignInError};

/// The session cookie.
const SESSION_COOKIE: &str = "checker_session";
/// The sign-in form's double-submit token.
const LOGIN_CSRF_COOKIE: &str = "checker_login_csrf";

/// The sign-in form's CSRF cookie over HTTPS: browsers take a `__Host-` cookie only from this
/// very host over HTTPS (never from a sibling subdomain or a plain-HTTP answer), so the token
/// cannot be planted by someone else and then echoed in a forged form.
const HOST_LOGIN_CSRF_COOKIE: &str = "__Host-checker_login_csrf";

/// The name of the sign-in form's CSRF cookie for a request.
fn login_csrf_cookie(secure: bool) -> &'static str {
    if secure {
        HOST_LOGIN_CSRF_COOKIE
    } else {
        LOGIN_CSRF_COOKIE
    }
}
/// How long a browser stays signed in.
const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// The signed-in user of a page request, with their session's CSRF token. Pages that take it
/// send strangers to the sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// Who is looking.
    pub user: User,
    /// The token this session's forms carry.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let sign_in = || PageError::SignIn { next: next.clone() };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(sign_in)?;
        let hash = ApiToken::new(token).hash();
        let session = state
            .store
            .dashboard()
            .session(&hash)
            .await?
            .filter(|s| s.expires_at > now_ms())
            .ok_or_else(sign_in)?;
        Ok(Viewer {
            user: session.user,
            csrf: session.csrf,
        })
    }
}

/// A cookie's value from the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Whether the browser reached us over HTTPS (directly, or through a proxy that says so).
fn over_https(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').next().unwrap_or("").trim() == "https");
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded_proto || forwarded
}

/// `http://host:port` as the browser reached us, for commands shown on pages.
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("SERVER");
    let scheme = if over_https(headers) { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// A `Set-Cookie` value; `max_age` zero deletes the cookie.
fn set_cookie(name: &str, value: &str, max_age: Duration, same_site: &str, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite={same_site}{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Compares two secrets in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// Where to go after signing in: only a path of this site.
/// Where to go after signing in: only a clean path of this site. Browsers drop tabs and
/// newlines from a `Location` and read `\\` as `/`, so anything beyond the characters a URL
/// path and query may hold is refused rather than cleaned (`/\t/evil.example` would become
/// `//evil.example`, another site).
fn safe_next(next: Option<&str>) -> String {
    let clean = |next: &str| {
        next.starts_with('/')
            && !next.starts_with("//")
            && next.len() <= 2048
            && next
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&b))
    };
    match next {
        Some(next) if clean(next) => next.to_owned(),
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// `GET /login`: the sign-in form (signed-in users go straight on).
pub(crate) async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let hash = ApiToken::new(token).hash();
        if let Ok(Some(session)) = state.store.dashboard().session(&hash).await
            && session.expires_at > now_ms()
        {
            return Redirect::to(&next).into_response();
        }
    }
    login_page(&headers, &next, None, StatusCode::OK)
}

fn login_page(
    headers: &HeaderMap,
    next: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    let secure = over_https(headers);
    let name = login_csrf_cookie(secure);
    let csrf = cookie(headers, name).unwrap_or_else(|| random_hex(16));
    let page = view::login_page(&csrf, next, problem);
    let cookie = set_cookie(name, &csrf, Duration::from_secs(3600), "Strict", secure);
    with_cookies((status, page).into_response(), &[cookie])
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// `POST /login`: checks the password and starts a session.
pub(crate) async fn login(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = cookie(&headers, login_csrf_cookie(over_https(&headers))).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &form.csrf) {
        return Err(PageError::Csrf);
    }
    let next = safe_next(form.next.as_deref());
    let problem = match state
        .sign_in
        .sign_in(state.store.as_ref(), form.name.trim(), form.password, peer)
        .await
    {
        Ok(user) => Ok(user),
        Err(SignInError::Wrong) => Err((
            StatusCode::UNAUTHORIZED,
            "Wrong name or password. Check both; an operator adds users with `checker user add`."
                .to_owned(),
            None,
        )),
        Err(
            error @ (SignInError::Throttled { retry_after } | SignInError::Busy { retry_after }),
        ) => {
            let status = if matches!(error, SignInError::Busy { .. }) {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            Err((
                status,
                format!("{}.", capitalized(&error.to_string())),
                Some(retry_after),
            ))
        }
        Err(SignInError::Store(error)) => return Err(error.into()),
    };
    let user = match problem {
        Ok(user) => user,
        Err((status, text, retry_after)) => {
            let mut page = login_page(&headers, &next, Some(&text), status);
            if let Some(wait) = retry_after {
                page.headers_mut()
                    .insert(header::RETRY_AFTER, wait.as_secs().max(1).into());
            }
            return Ok(page);
        }
    };
    let token = ApiToken::generate();
    let expires_at = now_ms() + SESSION_LIFETIME.as_millis() as i64;
    state
        .store
        .dashboard()
        .create_session(user.id, &token.hash(), &random_hex(16), expires_at)
        .await?;
    tracing::info!(user = %user.name, "signed in to the dashboard");
    let secure = over_https(&headers);
    Ok(with_cookies(
        Redirect::to(&next).into_response(),
        &[
            set_cookie(
                SESSION_COOKIE,
                token.expose(),
                SESSION_LIFETIME,
                "Lax",
                secure,
            ),
            set_cookie(
                login_csrf_cookie(secure),
                "",
                Duration::ZERO,
                "Strict",
                secure,
            ),
        ],
    ))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: ends the session.
pub(crate) async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    if !same_secret(&viewer.csrf, &form.csrf) {
        return Err(PageError::Csrf);
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state
            .store
            .dashboard()
            .delete_session(&ApiToken::new(token).hash())
            .await?;
    }
    let cookie = set_cookie(
        SESSION_COOKIE,
        "",
        Duration::ZERO,
        "Lax",
        over_https(&headers),
    );
    Ok(with_cookies(
        Redirect::to("/login").into_response(),
        &[cookie],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; checker_session_x=2; checker_session=abc"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/class?sort=name")), "/class?sort=name");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/x",
            "/ /evil.example",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn secure_cookies_only_over_https() {
        let mut headers = HeaderMap::new();
        assert!(!over_https(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(over_https(&headers));
        let value = set_cookie("n", "v", Duration::from_secs(5), "Lax", true);
        assert_eq!(
            value,
            "n=v; Path=/; Max-Age=5; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", ""));
    }
}
