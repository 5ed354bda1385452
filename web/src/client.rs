//! The command-line side of the API: a typed HTTP client, the saved credentials, and the
//! packing of a project's files from a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use checker::report::Report;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::auth::ApiToken;

/// Why a request did not succeed, and which exit code that maps to.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The server could not be reached or did not answer (exit 3).
    #[error("cannot reach the server at {server}: {reason}")]
    Unreachable {
        /// Its URL.
        server: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused the request: the caller's input or credentials (exit 2).
    #[error("{error} (HTTP {status}){}", hint.as_ref().map(|h| format!("\nhint: {h}")).unwrap_or_default())]
    Refused {
        /// The status code.
        status: u16,
        /// The server's message.
        error: String,
        /// What to do about it.
        hint: Option<String>,
        /// `Retry-After`, for 429.
        retry_after: Option<u64>,
    },
    /// The server failed (5xx) or answered something unexpected (exit 3).
    #[error("the server failed: {0}")]
    Server(String),
}

impl ClientError {
    /// The error for a server's unsuccessful answer: its JSON `{error, hint}` body, as the
    /// platform's failure when `platform` (a 5xx), else as a refusal of the request.
    pub(crate) fn from_answer(
        status: reqwest::StatusCode,
        body: &Value,
        retry_after: Option<u64>,
        platform: bool,
    ) -> ClientError {
        let error = body["error"]
            .as_str()
            .map_or_else(|| status.to_string(), str::to_owned);
        if platform {
            return ClientError::Server(format!("{error} (HTTP {})", status.as_u16()));
        }
        ClientError::Refused {
            status: status.as_u16(),
            error,
            hint: body["hint"].as_str().map(str::to_owned),
            retry_after,
        }
    }

    /// The exit code of a command that failed this way: 2 for the caller's fault, 3 for the
    /// platform's.
    pub fn exit_code(&self) -> u8 {
        match self {
            ClientError::Refused { .. } => 2,
            _ => 3,
        }
    }
}

/// A submission as `POST /api/submissions` accepted it.
#[derive(Debug, Clone, Deserialize)]
pub struct Accepted {
    /// Its id.
    pub id: i64,
    /// `queued`.
    pub status: String,
    /// The files the server kept.
    pub files: Vec<String>,
}

/// A submission's state as `GET /api/submissions/{id}` tells it.
#[derive(Debug, Clone, Deserialize)]
pub struct SubmissionState {
    /// Its id.
    pub id: i64,
    /// `queued`, `running`, `graded` or `failed`.
    pub status: String,
    /// Claims so far.
    pub attempts: i64,
    /// The platform error, when there was one.
    pub error: Option<String>,
    /// The report, once graded (or of a failed attempt).
    pub report: Option<Report>,
}

impl SubmissionState {
    /// Whether nothing will change any more.
    pub fn is_final(&self) -> bool {
        self.status == "graded" || self.status == "failed"
    }
}

/// A project as the server describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct ProjectInfo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Spec version.
    pub spec_version: String,
    /// Where the project lives in a learner's repository, if the spec says.
    pub repo_dir: Option<String>,
    /// Every file a learner provides.
    pub files: Vec<String>,
    /// Tasks in spec order.
    pub tasks: Vec<TaskInfo>,
    /// Upload limits.
    pub limits: LimitsInfo,
}

/// A task of a project.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskInfo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Counts towards the score.
    pub mandatory: bool,
}

/// The server's upload limits.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LimitsInfo {
    /// Compressed archive size.
    pub max_archive: u64,
}

/// One server-sent event.
#[derive(Debug, Clone, Default)]
pub struct ServerEvent {
    /// The event name (`status`, `check`, `task`, `done`, `error`).
    pub event: String,
    /// Its JSON data.
    pub data: Value,
}

/// A client of one server, signed in with a token (or not yet).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    server: String,
    token: Option<ApiToken>,
}

impl Client {
    /// A client of the server at `server` (`http://host:port`).
    pub fn new(server: &str, token: Option<ApiToken>) -> Result<Client, ClientError> {
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

    /// The server's URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.server));
        match &self.token {
            Some(token) => builder.bearer_auth(token.expose()),
            None => builder,
        }
    }

    async fn send(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let response = builder.send().await.map_err(|e| ClientError::Unreachable {
            server: self.server.clone(),
            reason: error_chain(&e),
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.parse().ok());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        Err(ClientError::from_answer(
            status,
            &body,
            retry_after,
            status.is_server_error(),
        ))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let response = self
            .send(
                self.request(reqwest::Method::GET, path)
                    .timeout(Duration::from_secs(60)),
            )
            .await?;
        response
            .json()
            .await
            .map_err(|e| ClientError::Server(format!("unexpected answer to {path}: {e}")))
    }

    /// Exchanges a name and password for a new token. Returns the token and the user's role.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
    ) -> Result<(ApiToken, String), ClientError> {
        let body = serde_json::json!({ "name": name, "password": password });
        let response = self
            .send(
                self.request(reqwest::Method::POST, "/api/login")
                    .json(&body),
            )
            .await?;
        let answer: Value = response
            .json()
            .await
            .map_err(|e| ClientError::Server(e.to_string()))?;
        let token = answer["token"]
            .as_str()
            .ok_or_else(|| ClientError::Server("no token in the answer".into()))?;
        let role = answer["user"]["role"].as_str().unwrap_or("learner");
        Ok((ApiToken::new(token), role.to_owned()))
    }

    /// The signed-in user: `{ "name", "role" }`.
    pub async fn me(&self) -> Result<Value, ClientError> {
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
        let archive = bytes_of(archive);
        let progress = Arc::new(progress);
        let chunks = (0..length.div_ceil(CHUNK)).map(move |i| {
            let end = ((i + 1) * CHUNK).min(length);
            let chunk = archive.slice(i * CHUNK..end);
            progress(end as u64);
            Ok::<_, std::io::Error>(chunk)
        });
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
        let request = self
            .request(reqwest::Method::POST, "/api/submissions")
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
        response
            .json()
            .await
            .map_err(|e| ClientError::Server(format!("unexpected answer to the upload: {e}")))
    }

    /// A submission's status and report.
    pub async fn submission(&self, id: i64) -> Result<SubmissionState, ClientError> {
        self.get_json(&format!("/api/submissions/{id}")).await
    }

    /// The signed-in user's scores.
    pub async fn my_scores(&self) -> Result<Vec<Value>, ClientError> {
        self.get_json("/api/me/scores").await
    }

    /// Follows a submission's progress; `on_event` hears each event until `done` (or the
    /// stream ends).
    pub async fn follow(
        &self,
        id: i64,
        mut on_event: impl FnMut(&ServerEvent),
    ) -> Result<(), ClientError> {
        let response = self
            .send(
                self.request(
                    reqwest::Method::GET,
                    &format!("/api/submissions/{id}/events"),
                )
                .header(reqwest::header::ACCEPT, "text/event-stream"),
            )
            .await?;
        let mut stream = response.bytes_stream();
        let mut buffer = String::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| ClientError::Unreachable {
                server: self.server.clone(),
                reason: error_chain(&e),
            })?;
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                if let Some(event) = parse_event(&block) {
                    on_event(&event);
                    if event.event == "done" {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }
}

fn bytes_of(data: Vec<u8>) -> axum::body::Bytes {
    axum::body::Bytes::from(data)
}

/// One `event:`/`data:` block of a server-sent event stream; comments (keep-alives) are none.
fn parse_event(block: &str) -> Option<ServerEvent> {
    let mut event = ServerEvent {
        event: "message".into(),
        ..ServerEvent::default()
    };
    let mut data = String::new();
    let mut any = false;
    for line in block.lines() {
        if let Some(name) = line.strip_prefix("event:") {
            event.event = name.trim().to_owned();
            any = true;
        } else if let Some(text) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(text.strip_prefix(' ').unwrap_or(text));
            any = true;
        }
    }
    event.data = serde_json::from_str(&data).unwrap_or(Value::String(data));
    any.then_some(event)
}

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

/// What `checker login` saved: a token per server, and the server used by default.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Credentials {
    /// The server of the last login.
    pub default_server: Option<String>,
    /// Saved logins by server URL.
    pub servers: BTreeMap<String, SavedLogin>,
}

/// A saved login.
#[derive(Serialize, Deserialize)]
pub struct SavedLogin {
    /// Who.
    pub user: String,
    /// Their token.
    pub token: String,
}

impl std::fmt::Debug for SavedLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedLogin")
            .field("user", &self.user)
            .field("token", &"***")
            .finish()
    }
}

impl Credentials {
    /// `$XDG_CONFIG_HOME/checker/credentials.json` (or `~/.config/checker/credentials.json`).
    pub fn path() -> anyhow::Result<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .ok_or_else(|| anyhow::anyhow!("neither XDG_CONFIG_HOME nor HOME is set"))?;
        Ok(base.join("checker").join("credentials.json"))
    }

    /// The saved credentials; none when the file does not exist.
    pub fn load() -> anyhow::Result<Credentials> {
        let path = Self::path()?;
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid ({e}); delete it and run `checker login` again",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes the file readable by its owner only (0600, in a 0700 folder), atomically.
    pub fn save(&self) -> anyhow::Result<PathBuf> {
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let path = Self::path()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let temporary = dir.join(format!(".credentials.{}.tmp", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(&serde_json::to_vec_pretty(self)?)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &path)?;
        Ok(path)
    }

    /// The server to use: the one given, else the default one.
    pub fn server(&self, given: Option<&str>) -> Option<String> {
        given
            .map(|s| s.trim_end_matches('/').to_owned())
            .or_else(|| self.default_server.clone())
    }

    /// The saved token for `server`.
    pub fn token(&self, server: &str) -> Option<ApiToken> {
        self.servers
            .get(server.trim_end_matches('/'))
            .map(|login| ApiToken::new(login.token.clone()))
    }
}

/// A project's files read from a learner's folder, ready to pack.
#[derive(Debug, Default)]
pub struct PackedFiles {
    /// Files found, by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Files the project names that could not be taken, and why.
    pub problems: Vec<String>,
}

/// Reads exactly the files `names` from `dir`: never a symbolic link, a folder or a file larger
/// than the learner file limit (those are reported in [`PackedFiles::problems`] and left out,
/// so their tasks fail with `missing_file` as in `checker grade`).
pub fn read_project_files(dir: &Path, names: &[String]) -> anyhow::Result<PackedFiles> {
    if !dir.is_dir() {
        anyhow::bail!(
            "submission folder {} does not exist or is not a folder",
            dir.display()
        );
    }
    let mut packed = PackedFiles::default();
    for name in names {
        match checker::submission::read_file(dir, name) {
            Ok(contents) => {
                packed.files.insert(name.clone(), contents);
            }
            Err(problem) => packed.problems.push(problem.describe(name)),
        }
    }
    Ok(packed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_server_sent_events() {
        let event = parse_event("id: 3\nevent: check\ndata: {\"a\":1}\n\n").unwrap();
        assert_eq!(event.event, "check");
        assert_eq!(event.data["a"], 1);
        assert!(parse_event(":\n\n").is_none());
    }

    #[test]
    fn reads_only_named_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "a").unwrap();
        std::fs::write(dir.path().join("other.js"), "o").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("b.js")).unwrap();
        let names = ["a.js", "b.js", "c.js"].map(String::from);
        let packed = read_project_files(dir.path(), &names).unwrap();
        assert_eq!(packed.files.keys().collect::<Vec<_>>(), ["a.js"]);
        assert_eq!(packed.problems.len(), 2);
        assert!(packed.problems[0].contains("symbolic link"));
    }
}

/// Reads a secret: from a prompt without echo on a terminal, else one line of standard input
/// (for scripts: `echo "$PASSWORD" | checker user add ...`).
pub fn read_secret(prompt: &str) -> std::io::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)
    } else {
        read_stdin_line()
    }
}

/// Reads one line: after a prompt on standard error when standard input is a terminal.
pub fn read_line(prompt: &str) -> std::io::Result<String> {
    use std::io::{IsTerminal, Write};
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
    }
    read_stdin_line()
}

fn read_stdin_line() -> std::io::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
