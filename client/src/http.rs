//! The HTTP client of one server: one method per API call.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::answers::{
    Accepted, AcceptedGit, ErrorAnswer, LinkedRepo, LoginAnswer, Me, Progress, ProjectInfo,
    ScoreRow, SubmissionState, TokenRow,
};
use crate::credentials::{self, Token};
use crate::error::ClientError;
use crate::events::drain_events;

/// A client of one server, signed in with a token (or not yet).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    server: String,
    token: Option<Token>,
}

impl Client {
    /// A client of the server at `server` (`http://host:port`).
    pub fn new(server: &str, token: Option<Token>) -> Result<Client, ClientError> {
        let server = server.trim_end_matches('/').to_owned();
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            return Err(ClientError::Refused {
                status: 0,
                error: format!("`{server}` is not a server URL"),
                hint: Some("use e.g. --server http://127.0.0.1:8080".into()),
                retry_after: None,
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("checker/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Server(e.to_string()))?;
        Ok(Client {
            http,
            server,
            token,
        })
    }

    /// The client of the chosen server, signed in: `server` (a flag or `CHECKER_SERVER`), else
    /// the last login's; the token from `CHECKER_TOKEN`, else the saved one.
    pub fn signed_in(server: Option<&str>) -> Result<Client, ClientError> {
        let (server, token) = credentials::signed_in(server)?;
        Client::new(&server, Some(token))
    }

    /// The server's URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.server));
        match &self.token {
            Some(token) => builder.bearer_auth(token.expose()),
            None => builder,
        }
    }

    fn unreachable(&self, error: &dyn std::error::Error) -> ClientError {
        ClientError::Unreachable {
            server: self.server.clone(),
            reason: error_chain(error),
        }
    }

    /// Sends a request; an unsuccessful answer becomes its [`ClientError`]. `platform` says
    /// which statuses are the platform's fault rather than the caller's.
    async fn send_with(
        &self,
        builder: RequestBuilder,
        platform: fn(StatusCode) -> bool,
    ) -> Result<Response, ClientError> {
        let response = builder.send().await.map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.parse().ok());
        let body: ErrorAnswer = response.json().await.unwrap_or_default();
        Err(ClientError::from_answer(
            status,
            body,
            retry_after,
            platform(status),
        ))
    }

    async fn send(&self, builder: RequestBuilder) -> Result<Response, ClientError> {
        self.send_with(builder, |status| status.is_server_error())
            .await
    }

    async fn read<T: DeserializeOwned>(response: Response, what: &str) -> Result<T, ClientError> {
        response
            .json()
            .await
            .map_err(|e| ClientError::Server(format!("unexpected answer to {what}: {e}")))
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let response = self
            .send(
                self.request(Method::GET, path)
                    .timeout(Duration::from_secs(60)),
            )
            .await?;
        Self::read(response, path).await
    }

    /// Posts JSON to a git endpoint: the server fetches the repository before it answers, and
    /// a 504 there is the learner's git host timing out, not the grading server failing.
    async fn post_git<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ClientError> {
        let request = self
            .request(Method::POST, path)
            .json(body)
            .timeout(Duration::from_secs(600));
        let response = self
            .send_with(request, |status| {
                status.is_server_error() && status != StatusCode::GATEWAY_TIMEOUT
            })
            .await?;
        Self::read(response, path).await
    }

    /// Exchanges a name and password for a new token. Returns the token and the user's role.
    pub async fn login(&self, name: &str, password: &str) -> Result<(Token, String), ClientError> {
        let body = json!({ "name": name, "password": password });
        let response = self
            .send(self.request(Method::POST, "/api/login").json(&body))
            .await?;
        let answer: LoginAnswer = Self::read(response, "/api/login").await?;
        let role = answer
            .user
            .and_then(|u| u.role)
            .unwrap_or_else(|| "learner".into());
        Ok((Token::new(answer.token), role))
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<Me, ClientError> {
        self.get_json("/api/me").await
    }

    /// A project's files, tasks and limits.
    pub async fn project(&self, id: &str) -> Result<ProjectInfo, ClientError> {
        self.get_json(&format!("/api/projects/{id}")).await
    }

    /// Uploads a `.tar.gz` of a project's files; `progress` hears of bytes sent so far.
    pub async fn submit(
        &self,
        project: &str,
        archive: Vec<u8>,
        progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> Result<Accepted, ClientError> {
        const CHUNK: usize = 64 * 1024;
        let length = archive.len();
        let archive = bytes::Bytes::from(archive);
        let progress = Arc::new(progress);
        let chunks = (0..length.div_ceil(CHUNK)).map(move |i| {
            let end = ((i + 1) * CHUNK).min(length);
            let chunk = archive.slice(i * CHUNK..end);
            progress(end as u64);
            Ok::<_, std::io::Error>(chunk)
        });
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
        let request = self
            .request(Method::POST, "/api/submissions")
            .query(&[("project", project)])
            .header(reqwest::header::CONTENT_TYPE, "application/gzip")
            .header(reqwest::header::CONTENT_LENGTH, length)
            .timeout(Duration::from_secs(300))
            .body(body);
        let response = self.send(request).await?;
        if response.status() != StatusCode::ACCEPTED {
            return Err(ClientError::Server(format!(
                "expected 202 Accepted, got {}",
                response.status()
            )));
        }
        Self::read(response, "the upload").await
    }

    /// Asks the server to grade commit `rev` of repository `url`; it fetches the commit before
    /// it answers.
    pub async fn submit_git(
        &self,
        project: &str,
        url: &str,
        rev: &str,
    ) -> Result<AcceptedGit, ClientError> {
        let body = json!({ "project": project, "git": { "url": url, "rev": rev } });
        self.post_git("/api/submissions", &body).await
    }

    /// The signed-in user's API tokens.
    pub async fn tokens(&self) -> Result<Vec<TokenRow>, ClientError> {
        self.get_json("/api/me/tokens").await
    }

    /// Revokes token `id` of the signed-in user.
    pub async fn revoke_token(&self, id: i64) -> Result<(), ClientError> {
        self.send(self.request(Method::DELETE, &format!("/api/me/tokens/{id}")))
            .await?;
        Ok(())
    }

    /// Links repository `url` to the signed-in learner.
    pub async fn link_repo(&self, url: &str) -> Result<LinkedRepo, ClientError> {
        self.post_git("/api/me/repos", &json!({ "url": url })).await
    }

    /// A submission's status and report.
    pub async fn submission(&self, id: i64) -> Result<SubmissionState, ClientError> {
        self.get_json(&format!("/api/submissions/{id}")).await
    }

    /// The signed-in user's scores.
    pub async fn my_scores(&self) -> Result<Vec<ScoreRow>, ClientError> {
        self.get_json("/api/me/scores").await
    }

    /// Follows a submission's progress; `on_event` hears each event until `done` (or the
    /// stream ends).
    pub async fn follow(
        &self,
        id: i64,
        mut on_event: impl FnMut(Progress),
    ) -> Result<(), ClientError> {
        let response = self
            .send(
                self.request(Method::GET, &format!("/api/submissions/{id}/events"))
                    .header(reqwest::header::ACCEPT, "text/event-stream"),
            )
            .await?;
        let mut stream = response.bytes_stream();
        let mut buffer = String::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.unreachable(&e))?;
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            for event in drain_events(&mut buffer) {
                let progress = Progress::parse(&event.event, &event.data);
                let done = matches!(progress, Progress::Done);
                on_event(progress);
                if done {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// An error with its causes, `: `-separated (reqwest's own message alone says little).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
