//! The command line's side of git: `checker submit PROJECT --git URL[@REV]` and
//! `checker repo link URL`, as JSON requests to the server.

use std::time::Duration;

use serde_json::{Value, json};

use crate::auth::ApiToken;
use crate::client::{Accepted, ClientError};

/// A signed-in client of the git endpoints.
#[derive(Debug, Clone)]
pub struct GitClient {
    http: reqwest::Client,
    server: String,
    token: ApiToken,
}

impl GitClient {
    /// A client of `server` (`http://host:port`) with `token`.
    pub fn new(server: &str, token: ApiToken) -> Result<GitClient, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("checker/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Server(e.to_string()))?;
        Ok(GitClient {
            http,
            server: server.trim_end_matches('/').to_owned(),
            token,
        })
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let response = self
            .http
            .post(format!("{}{path}", self.server))
            .bearer_auth(self.token.expose())
            .json(body)
            // The server fetches the repository before it answers.
            .timeout(Duration::from_secs(600))
            .send()
            .await
            .map_err(|e| ClientError::Unreachable {
                server: self.server.clone(),
                reason: e.to_string(),
            })?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(answer);
        }
        // A 504 here is the learner's git host timing out, not the grading server failing.
        let platform = status.is_server_error() && status.as_u16() != 504;
        Err(ClientError::from_answer(status, &answer, None, platform))
    }

    /// Asks the server to grade commit `rev` of repository `url`; returns the accepted
    /// submission and its git source (`url`, `rev`, `commit`, `dir`).
    pub async fn submit(
        &self,
        project: &str,
        url: &str,
        rev: &str,
    ) -> Result<(Accepted, Value), ClientError> {
        let body = json!({ "project": project, "git": { "url": url, "rev": rev } });
        let answer = self.post("/api/submissions", &body).await?;
        let source = answer["git"].clone();
        let accepted = serde_json::from_value(answer)
            .map_err(|e| ClientError::Server(format!("unexpected answer: {e}")))?;
        Ok((accepted, source))
    }

    /// Links repository `url` to the signed-in learner.
    pub async fn link(&self, url: &str) -> Result<Value, ClientError> {
        self.post("/api/me/repos", &json!({ "url": url })).await
    }
}
