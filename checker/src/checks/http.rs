//! `http`: the learner's server started in the background, a sequence of HTTP requests sent to
//! it from inside the sandbox, each answer judged on its status, chosen headers, cookies and
//! body.
//!
//! The server runs as the learner's code runs (`/bin/sh`, the project's environment, the work
//! directory) for this check only: it and everything it started end with the check. Requests go
//! through [`sandbox::Sandbox::connect`], a connection opened inside the pod's network namespace,
//! so the server is reached where the school's curl reached it (`localhost:<port>`) and nothing
//! outside the pod is. Cookies a response sets are sent with the following requests, as a
//! browser or `requests.Session` would.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use bytesize::ByteSize;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::run::CrashSummary;
use super::{Context, Kind, keys};
use crate::compare::{Compare, Comparison};
use crate::report::{CheckReport, Verdict};
use crate::spec::{Limits, Validator};

/// How long a server may take to listen when the spec does not say.
const DEFAULT_STARTUP: Duration = Duration::from_secs(10);

keys! {
    /// The keys of an `http` check.
    pub struct HttpKeys {
        /// The `/bin/sh` command that starts the learner's server in the work directory, e.g.
        /// `API_HOST=0.0.0.0 API_PORT=5000 python3 -m api.v1.app`.
        #[schemars(with = "Option<String>")]
        pub http: Option<Spanned<String>>,
        /// The TCP port the server listens on inside the sandbox.
        #[schemars(with = "Option<u16>")]
        pub port: Option<Spanned<u16>>,
        /// How long the server may take to start listening (default 10s).
        #[schemars(with = "Option<String>")]
        pub startup: Option<Spanned<String>>,
        /// The requests, sent in order once the server listens; each with what it must get.
        #[schemars(with = "Option<Vec<RawStep>>")]
        pub requests: Option<Spanned<Vec<RawStep>>>,
    }
}

/// One request and the answer it must get, as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    /// Request method (default `GET`).
    #[schemars(with = "Option<String>")]
    pub method: Option<Spanned<String>>,
    /// Path and query, e.g. `/api/v1/users?page=2`.
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// Request headers.
    pub headers: Option<BTreeMap<String, String>>,
    /// A raw request body.
    pub body: Option<String>,
    /// A JSON request body (sent with `Content-Type: application/json`).
    pub json: Option<serde_json::Value>,
    /// Form fields, sent URL-encoded (`Content-Type: application/x-www-form-urlencoded`).
    pub form: Option<BTreeMap<String, String>>,
    /// What the answer must be.
    #[serde(default)]
    pub expect: RawAnswer,
}

/// The expected answer to one request, as written.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAnswer {
    /// Status code.
    #[schemars(with = "Option<u16>")]
    pub status: Option<Spanned<u16>>,
    /// Header values (names in any case), compared exactly, or as patterns with
    /// `compare: regex`.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub headers: Option<Spanned<BTreeMap<String, String>>>,
    /// Names of cookies the answer must set.
    pub cookies: Option<Vec<String>>,
    /// The body (a pattern with `compare: regex`).
    #[schemars(with = "Option<String>")]
    pub body: Option<Spanned<String>>,
    /// The body as a JSON value, compared as JSON (instead of `body`).
    #[schemars(with = "Option<serde_json::Value>")]
    pub json: Option<Spanned<serde_json::Value>>,
    /// How the body is compared (default `trailing_whitespace`).
    #[schemars(with = "Option<Comparison>")]
    pub compare: Option<Spanned<String>>,
}

/// One request of an `http` check.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Request method.
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// Request headers, in order.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Request body.
    pub body: Vec<u8>,
    /// What the answer must be.
    pub expect: Answer,
}

/// What an answer must be; `None` parts are not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Status code.
    pub status: Option<u16>,
    /// Header values by (lower-case) name.
    pub headers: Vec<(String, String)>,
    /// Cookies it must set.
    pub cookies: Vec<String>,
    /// The body.
    pub body: Option<String>,
    /// How the body (and, with `regex`, header values) are compared.
    pub compare: Compare,
}

/// A server and the requests it must answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpCheck {
    /// `/bin/sh` command starting the server.
    pub command: String,
    /// Port it listens on.
    pub port: u16,
    /// How long it may take to listen.
    pub startup: Duration,
    /// The requests, in order.
    pub steps: Vec<Step>,
    /// Wall-clock limit of the whole check (server start to last answer).
    pub time: Duration,
    /// Cap on the server's output and on each answer's body.
    pub output: ByteSize,
}

impl Kind for HttpCheck {
    const KEY: &'static str = "http";
    const USAGE: &'static str = "`http: <server command>` (with `port:` and `requests:`)";
    type Keys = HttpKeys;

    fn located(keys: &HttpKeys) -> Option<(u64, u64)> {
        keys.http.as_ref().map(Validator::loc)
    }

    fn validate(keys: &HttpKeys, spec: &mut Validator, limits: Limits) -> Option<Self> {
        let command = keys.http.as_ref()?;
        let at = Validator::loc(command);
        if command.value.trim().is_empty() {
            spec.error(at, "the server command is empty", None);
        }
        let port = match &keys.port {
            Some(port) if port.value == 0 => {
                spec.error(Validator::loc(port), "port 0 cannot be probed", None);
                0
            }
            Some(port) => port.value,
            None => {
                spec.error(
                    at,
                    "an `http` check needs `port`: where the server listens",
                    Some("add e.g. `port: 5000`"),
                );
                0
            }
        };
        let mut startup = DEFAULT_STARTUP;
        if let Some(raw) = &keys.startup {
            match humantime::parse_duration(&raw.value) {
                Ok(d) if d >= Duration::from_millis(100) && d <= limits.time => startup = d,
                Ok(_) => spec.error(
                    Validator::loc(raw),
                    format!("startup time `{}` is out of range", raw.value),
                    Some("use between 100ms and the check's time limit"),
                ),
                Err(e) => spec.error(
                    Validator::loc(raw),
                    format!("`{}` is not a duration: {e}", raw.value),
                    Some("write e.g. `10s`"),
                ),
            }
        }
        let steps = match &keys.requests {
            Some(steps) if steps.value.is_empty() => {
                spec.error(
                    Validator::loc(steps),
                    "`requests` is empty",
                    Some("add `- path: /...` with its `expect:`"),
                );
                Vec::new()
            }
            Some(steps) => steps.value.iter().map(|s| step(s, spec)).collect(),
            None => {
                spec.error(
                    at,
                    "an `http` check needs `requests`: what to send and what must come back",
                    Some("add `requests:` with `- path: /...` and `expect: { status: 200 }`"),
                );
                Vec::new()
            }
        };
        Some(HttpCheck {
            command: command.value.clone(),
            port,
            startup: startup.min(limits.time),
            steps,
            time: limits.time,
            output: limits.output,
        })
    }

    async fn execute(&self, context: &Context<'_>) -> CheckReport {
        let sandbox = context.sandbox;
        let request = sandbox::RunRequest {
            script: self.command.clone(),
            stdin: None,
            env: context.project.env.clone(),
            time_limit: self.time,
            output_limit: self.output,
        };
        let started = Instant::now();
        let server = match sandbox.start_background(&request).await {
            Ok(server) => server,
            Err(error) => {
                let _ = sandbox.end_check().await;
                return context.explained(
                    Verdict::InternalError,
                    format!("the platform failed to start the server: {error}"),
                );
            }
        };
        let outcome = self.probe(sandbox, &server, started).await;
        // Ends the server and all it started, whatever happened.
        let ended = sandbox.end_check().await;
        let log = server.finish().await;
        let mut report = match (outcome, ended) {
            (Ok(outcome), Ok(())) => judge(context, self, outcome, &log),
            (Err(error), _) | (_, Err(error)) => {
                return context.explained(
                    Verdict::InternalError,
                    format!("the platform failed while running this check: {error}"),
                );
            }
        };
        report.duration_ms = started.elapsed().as_millis() as u64;
        report
    }
}

/// Validates one step.
fn step(raw: &RawStep, spec: &mut Validator) -> Step {
    let method = match &raw.method {
        Some(name) => match Method::from_bytes(name.value.to_ascii_uppercase().as_bytes()) {
            Ok(method) => method,
            Err(_) => {
                spec.error(
                    Validator::loc(name),
                    format!("`{}` is not an HTTP method", name.value),
                    Some("use e.g. GET, POST, PUT or DELETE"),
                );
                Method::GET
            }
        },
        None => Method::GET,
    };
    let path = &raw.path;
    if !path.value.starts_with('/') || path.value.parse::<hyper::Uri>().is_err() {
        spec.error(
            Validator::loc(path),
            format!("`{}` is not a request path", path.value),
            Some("write the path and query, starting with `/`, e.g. `/api/v1/status`"),
        );
    }
    let mut headers = Vec::new();
    for (name, value) in raw.headers.iter().flatten() {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => headers.push((name, value)),
            _ => spec.error(
                Validator::loc(path),
                format!("header `{name}: {value}` of this request is not a valid header"),
                None,
            ),
        }
    }
    let bodies = [raw.body.is_some(), raw.json.is_some(), raw.form.is_some()];
    if bodies.iter().filter(|given| **given).count() > 1 {
        spec.error(
            Validator::loc(path),
            "a request has one of `body`, `json` and `form`, not several",
            None,
        );
    }
    let mut body = Vec::new();
    let mut content_type = None;
    if let Some(text) = &raw.body {
        body = text.clone().into_bytes();
    } else if let Some(value) = &raw.json {
        body = value.to_string().into_bytes();
        content_type = Some("application/json");
    } else if let Some(fields) = &raw.form {
        body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
            .into_bytes();
        content_type = Some("application/x-www-form-urlencoded");
    }
    if let Some(kind) = content_type
        && !headers
            .iter()
            .any(|(name, _)| name == hyper::header::CONTENT_TYPE)
    {
        headers.push((hyper::header::CONTENT_TYPE, HeaderValue::from_static(kind)));
    }
    Step {
        method,
        path: path.value.clone(),
        headers,
        body,
        expect: answer(&raw.expect, spec),
    }
}

/// Validates the expected answer of one step.
fn answer(raw: &RawAnswer, spec: &mut Validator) -> Answer {
    let mut compare = Compare::default();
    if let Some(name) = &raw.compare {
        match Comparison::from_name(&name.value) {
            Some(mode) => compare.mode = mode,
            None => spec.error(
                Validator::loc(name),
                format!("unknown comparison `{}`", name.value),
                Some(&format!("use one of: {}", Comparison::names().join(", "))),
            ),
        }
    }
    if let Some(status) = &raw.status
        && !(100..=599).contains(&status.value)
    {
        spec.error(
            Validator::loc(status),
            format!("{} is not an HTTP status", status.value),
            Some("use a code between 100 and 599"),
        );
    }
    let body = match (&raw.body, &raw.json) {
        (Some(_), Some(json)) => {
            spec.error(
                Validator::loc(json),
                "an answer has `body` or `json`, not both",
                None,
            );
            None
        }
        (Some(body), None) => {
            if let Err((why, hint)) = compare.check_expected(&body.value) {
                spec.error(Validator::loc(body), why, Some(hint));
            }
            Some(body.value.clone())
        }
        (None, Some(json)) => {
            if let Some(name) = &raw.compare
                && compare.mode != Comparison::Json
            {
                spec.error(
                    Validator::loc(name),
                    "`json` is always compared as JSON",
                    Some("remove `compare` or write the body as text in `body`"),
                );
            }
            compare = Compare::new(Comparison::Json);
            Some(json.value.to_string())
        }
        (None, None) => None,
    };
    let mut headers = Vec::new();
    for (name, value) in raw.headers.iter().flat_map(|h| &h.value) {
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            let at = raw.headers.as_ref().map(Validator::loc).unwrap_or((0, 0));
            spec.error(at, format!("`{name}` is not a header name"), None);
        }
        if compare.mode == Comparison::Regex
            && let Err((why, hint)) = compare.check_expected(value)
        {
            let at = raw.headers.as_ref().map(Validator::loc).unwrap_or((0, 0));
            spec.error(at, format!("header `{name}`: {why}"), Some(hint));
        }
        headers.push((name.to_ascii_lowercase(), value.clone()));
    }
    Answer {
        status: raw.status.as_ref().map(|s| s.value),
        headers,
        cookies: raw.cookies.clone().unwrap_or_default(),
        body,
        compare,
    }
}

/// What the server did with one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, as text (bytes that are not UTF-8 replaced).
    pub body: String,
}

/// How probing ended.
#[derive(Debug)]
enum Outcome {
    /// The server never listened: it ended first (true) or the startup time ran out (false).
    NeverListened { ended: bool },
    /// Every step was sent; the answers, in order.
    Answered(Vec<Received>),
    /// Step `index` got no answer, for the reason given.
    Unanswered { index: usize, why: Failure },
}

/// Why a request got no usable answer.
#[derive(Debug)]
enum Failure {
    /// The time limit of the check ran out.
    TimeLimit,
    /// The body was larger than the output cap.
    TooLarge,
    /// The connection failed or closed without an answer; whether the server had ended.
    NoAnswer { why: String, server_ended: bool },
}

impl HttpCheck {
    /// Waits for the server, then sends every step until one gets no answer.
    async fn probe(
        &self,
        sandbox: &sandbox::Sandbox,
        server: &sandbox::BackgroundHandle,
        started: Instant,
    ) -> Result<Outcome, sandbox::SandboxError> {
        loop {
            if sandbox.is_listening(self.port).await? {
                break;
            }
            if !server.is_running() {
                return Ok(Outcome::NeverListened { ended: true });
            }
            if started.elapsed() >= self.startup {
                return Ok(Outcome::NeverListened { ended: false });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut jar = CookieJar::default();
        let mut answers = Vec::new();
        for (index, step) in self.steps.iter().enumerate() {
            let left = self.time.saturating_sub(started.elapsed());
            let sent = tokio::time::timeout(left, self.send(sandbox, step, &jar)).await;
            let why = match sent {
                Err(_) => Failure::TimeLimit,
                Ok(Err(SendError::Platform(error))) => return Err(error),
                Ok(Err(SendError::TooLarge)) => Failure::TooLarge,
                Ok(Err(SendError::NoAnswer(why))) => {
                    // A server that crashed on the request is seen ending a moment later.
                    for _ in 0..20 {
                        if !server.is_running() {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    let server_ended = !server.is_running();
                    Failure::NoAnswer { why, server_ended }
                }
                Ok(Ok(received)) => {
                    jar.take(&received);
                    answers.push(received);
                    continue;
                }
            };
            return Ok(Outcome::Unanswered { index, why });
        }
        Ok(Outcome::Answered(answers))
    }

    /// Sends one request on a fresh connection and reads its answer.
    async fn send(
        &self,
        sandbox: &sandbox::Sandbox,
        step: &Step,
        jar: &CookieJar,
    ) -> Result<Received, SendError> {
        let connection = sandbox.connect(self.port).await?;
        let diagnostics = connection.diagnostics_source();
        let io = hyper_util::rt::TokioIo::new(connection);
        let no_answer = |error: hyper::Error| {
            let relay = diagnostics();
            let relay = relay.trim();
            SendError::NoAnswer(if relay.is_empty() {
                error.to_string()
            } else {
                format!("{error} ({relay})")
            })
        };
        let (mut sender, driver) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(no_answer)?;
        let driving = tokio::spawn(driver);
        let mut request = Request::builder()
            .method(step.method.clone())
            .uri(&step.path)
            .header(hyper::header::HOST, format!("localhost:{}", self.port))
            .header(hyper::header::CONNECTION, "close");
        for (name, value) in &step.headers {
            request = request.header(name, value);
        }
        let explicit_cookie = step
            .headers
            .iter()
            .any(|(name, _)| name == hyper::header::COOKIE);
        if let Some(cookies) = jar.header()
            && !explicit_cookie
        {
            request = request.header(hyper::header::COOKIE, cookies);
        }
        let request = request
            .body(Full::new(Bytes::from(step.body.clone())))
            .map_err(|e| SendError::NoAnswer(format!("the request could not be built: {e}")))?;
        let answered = sender.send_request(request).await.map_err(no_answer);
        let response = match answered {
            Ok(response) => response,
            Err(error) => {
                driving.abort();
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let cap = usize::try_from(self.output.as_u64()).unwrap_or(usize::MAX);
        let body = Limited::new(response.into_body(), cap).collect().await;
        driving.abort();
        let body = match body {
            Ok(body) => body.to_bytes(),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Err(SendError::TooLarge);
            }
            Err(error) => {
                return Err(SendError::NoAnswer(format!(
                    "the body could not be read: {error}"
                )));
            }
        };
        Ok(Received {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// Why sending one request failed.
enum SendError {
    /// The platform could not open the connection.
    Platform(sandbox::SandboxError),
    /// The answer's body was larger than the cap.
    TooLarge,
    /// No answer came.
    NoAnswer(String),
}

impl From<sandbox::SandboxError> for SendError {
    fn from(error: sandbox::SandboxError) -> Self {
        SendError::Platform(error)
    }
}

/// Cookies set by earlier answers, sent with later requests.
#[derive(Debug, Default)]
struct CookieJar {
    cookies: BTreeMap<String, String>,
}

impl CookieJar {
    /// Keeps the cookies an answer sets; an expired or emptied cookie is dropped.
    fn take(&mut self, received: &Received) {
        for (_, value) in received.headers.iter().filter(|(n, _)| n == "set-cookie") {
            let Ok(cookie) = cookie::Cookie::parse(value.as_str()) else {
                continue;
            };
            let expired = cookie.max_age().is_some_and(|age| age.is_zero())
                || cookie
                    .expires_datetime()
                    .is_some_and(|at| at <= cookie::time::OffsetDateTime::now_utc());
            if expired || cookie.value().is_empty() {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies
                    .insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
    }

    /// The `Cookie` header to send, if any cookie is kept.
    fn header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

/// Names of the cookies an answer sets.
fn cookies_set(received: &Received) -> Vec<String> {
    received
        .headers
        .iter()
        .filter(|(name, _)| name == "set-cookie")
        .filter_map(|(_, value)| cookie::Cookie::parse(value.as_str()).ok())
        .map(|cookie| cookie.name().to_owned())
        .collect()
}

/// The request as the report shows it: `> ` lines.
fn describe_request(step: &Step) -> String {
    let mut text = format!("> {} {}\n", step.method, step.path);
    for (name, value) in &step.headers {
        let _ = writeln!(
            text,
            "> {name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
    if !step.body.is_empty() {
        let _ = writeln!(text, ">\n> {}", String::from_utf8_lossy(&step.body));
    }
    text
}

/// The expected answer as the report shows it: the parts that are checked.
fn describe_expected(step: &Step) -> String {
    let expect = &step.expect;
    let mut text = describe_request(step);
    if let Some(status) = expect.status {
        let _ = writeln!(text, "< {status}");
    }
    for (name, value) in &expect.headers {
        let _ = writeln!(text, "< {name}: {value}");
    }
    for name in &expect.cookies {
        let _ = writeln!(text, "< set-cookie: {name}=...");
    }
    if let Some(body) = &expect.body {
        text.push('\n');
        text.push_str(&shown_body(&expect.compare, body));
    }
    text
}

/// The actual answer, showing the same parts as [`describe_expected`].
fn describe_received(step: &Step, received: &Received) -> String {
    let expect = &step.expect;
    let mut text = describe_request(step);
    if expect.status.is_some() {
        let _ = writeln!(text, "< {}", received.status);
    }
    for (name, _) in &expect.headers {
        match header(received, name) {
            Some(value) => {
                let _ = writeln!(text, "< {name}: {value}");
            }
            None => {
                let _ = writeln!(text, "< (no {name} header)");
            }
        }
    }
    let set = cookies_set(received);
    for name in &expect.cookies {
        if set.contains(name) {
            let _ = writeln!(text, "< set-cookie: {name}=...");
        } else {
            let _ = writeln!(text, "< (no {name} cookie set)");
        }
    }
    if expect.body.is_some() {
        text.push('\n');
        text.push_str(&shown_body(&expect.compare, &received.body));
    }
    text
}

/// A body as shown in a diff: JSON pretty-printed when compared as JSON, so a diff points at
/// the differing member.
fn shown_body(compare: &Compare, body: &str) -> String {
    if compare.mode == Comparison::Json
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
        && let Ok(pretty) = serde_json::to_string_pretty(&value)
    {
        return pretty + "\n";
    }
    body.to_owned()
}

fn header<'a>(received: &'a Received, name: &str) -> Option<&'a str> {
    received
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The first part of an answer that differs from what `step` expects, in words.
pub fn mismatch(step: &Step, received: &Received) -> Option<String> {
    let expect = &step.expect;
    if let Some(status) = expect.status
        && status != received.status
    {
        return Some(format!(
            "the status is {}, expected {status}",
            received.status
        ));
    }
    for (name, expected) in &expect.headers {
        let header_compare = match expect.compare.mode {
            Comparison::Regex => expect.compare,
            _ => Compare::new(Comparison::Exact),
        };
        match header(received, name) {
            None => return Some(format!("the answer has no `{name}` header")),
            Some(actual) if !header_compare.matches(expected, actual.trim()) => {
                return Some(format!("the `{name}` header differs"));
            }
            Some(_) => {}
        }
    }
    let set = cookies_set(received);
    if let Some(name) = expect.cookies.iter().find(|name| !set.contains(name)) {
        return Some(format!("the answer sets no `{name}` cookie"));
    }
    if let Some(body) = &expect.body
        && !expect.compare.matches(body, &received.body)
    {
        return Some(format!(
            "the body differs (compared {})",
            expect.compare.describe()
        ));
    }
    None
}

/// The verdict of the check from how probing went and what the server printed.
fn judge(
    context: &Context<'_>,
    check: &HttpCheck,
    outcome: Outcome,
    log: &sandbox::BackgroundOutput,
) -> CheckReport {
    let learner_files: Vec<&str> = context.submission.present().map(|(p, _)| p).collect();
    judge_outcome(context.check, check, outcome, log, &learner_files)
}

fn judge_outcome(
    spec: &crate::spec::Check,
    check: &HttpCheck,
    outcome: Outcome,
    log: &sandbox::BackgroundOutput,
    learner_files: &[&str],
) -> CheckReport {
    let mut report = CheckReport::bare(&spec.name, Verdict::Passed, spec.points, spec.hidden);
    let server_log = String::from_utf8_lossy(&log.stderr).into_owned();
    let printed = String::from_utf8_lossy(&log.stdout).into_owned();
    let crash = || {
        CrashSummary::read(&server_log, learner_files)
            .map(|summary| format!(": {}", summary.describe()))
            .unwrap_or_default()
    };
    let ended = |log: &sandbox::BackgroundOutput| match log.exit_code {
        Some(code) if code > 128 => format!("was killed by signal {}", code - 128),
        Some(code) => format!("exited with code {code}"),
        None => "ended".to_owned(),
    };
    let (verdict, reason) = match outcome {
        // Killed at the check's time limit: slow, not crashed.
        Outcome::NeverListened { ended: true } if log.timed_out => {
            report.limit = Some(humantime::format_duration(check.time).to_string());
            (
                Verdict::TimeLimit,
                format!(
                    "nothing listened on port {} within the check's {}",
                    check.port,
                    humantime::format_duration(check.time)
                ),
            )
        }
        Outcome::NeverListened { ended: true } => (
            Verdict::RuntimeError,
            format!(
                "the server {} before listening on port {}{}",
                ended(log),
                check.port,
                crash()
            ),
        ),
        Outcome::NeverListened { ended: false } => {
            report.limit = Some(humantime::format_duration(check.startup).to_string());
            (
                Verdict::TimeLimit,
                format!(
                    "nothing listened on port {} within {} of starting the server",
                    check.port,
                    humantime::format_duration(check.startup)
                ),
            )
        }
        Outcome::Unanswered { index, why, .. } => {
            let step = &check.steps[index];
            let which = format!("request {} ({} {})", index + 1, step.method, step.path);
            report.expected = Some(describe_expected(step));
            match why {
                Failure::TimeLimit => {
                    report.limit = Some(humantime::format_duration(check.time).to_string());
                    (
                        Verdict::TimeLimit,
                        format!(
                            "{which} got no answer within the check's {}",
                            humantime::format_duration(check.time)
                        ),
                    )
                }
                Failure::TooLarge => {
                    report.limit = Some(check.output.to_string());
                    (
                        Verdict::OutputLimit,
                        format!("the answer to {which} is larger than {}", check.output),
                    )
                }
                Failure::NoAnswer { .. } if log.timed_out => {
                    report.limit = Some(humantime::format_duration(check.time).to_string());
                    (
                        Verdict::TimeLimit,
                        format!(
                            "{which} got no answer within the check's {}",
                            humantime::format_duration(check.time)
                        ),
                    )
                }
                Failure::NoAnswer {
                    server_ended: true, ..
                } => (
                    Verdict::RuntimeError,
                    format!(
                        "the server {} while answering {which}{}",
                        ended(log),
                        crash()
                    ),
                ),
                Failure::NoAnswer { why, .. } => (
                    Verdict::RuntimeError,
                    format!("{which} got no answer: {why}{}", crash()),
                ),
            }
        }
        Outcome::Answered(answers) => {
            let failed = check.steps.iter().zip(&answers).enumerate().find_map(
                |(index, (step, received))| {
                    mismatch(step, received).map(|why| (index, step, received, why))
                },
            );
            match failed {
                None => {
                    report.stderr = Some(server_log);
                    return report;
                }
                Some((index, step, received, why)) => {
                    let expected = describe_expected(step);
                    let actual = describe_received(step, received);
                    report.diff = Compare::new(Comparison::Exact).diff(&expected, &actual);
                    report.expected = Some(expected);
                    report.actual = Some(actual);
                    (
                        Verdict::WrongOutput,
                        format!(
                            "request {} ({} {}): {why}",
                            index + 1,
                            step.method,
                            step.path
                        ),
                    )
                }
            }
        }
    };
    report.verdict = verdict;
    report.reason = Some(reason);
    let mut shown = server_log;
    if !printed.is_empty() {
        shown = format!("{printed}{shown}");
    }
    report.stderr = Some(shown);
    report.points = 0;
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckKind;

    fn step(status: u16, body: &str, compare: Comparison) -> Step {
        Step {
            method: Method::GET,
            path: "/api/v1/status".into(),
            headers: vec![(
                HeaderName::from_static("authorization"),
                HeaderValue::from_static("Basic Ym9i"),
            )],
            body: Vec::new(),
            expect: Answer {
                status: Some(status),
                headers: vec![("content-type".into(), "application/json".into())],
                cookies: Vec::new(),
                body: Some(body.into()),
                compare: Compare::new(compare),
            },
        }
    }

    fn received(status: u16, body: &str) -> Received {
        Received {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    fn check(steps: Vec<Step>) -> (crate::spec::Check, HttpCheck) {
        let http = HttpCheck {
            command: "python3 -m api.v1.app".into(),
            port: 5000,
            startup: Duration::from_secs(10),
            steps,
            time: Duration::from_secs(30),
            output: ByteSize::kib(64),
        };
        let spec = crate::spec::Check {
            name: "status".into(),
            kind: CheckKind::Http(http.clone()),
            points: 1,
            hidden: false,
            gate: false,
            message: None,
            own_files: Vec::new(),
        };
        (spec, http)
    }

    fn log(running: bool, exit_code: Option<i64>, stderr: &str) -> sandbox::BackgroundOutput {
        sandbox::BackgroundOutput {
            stderr: stderr.as_bytes().to_vec(),
            running,
            exit_code,
            ..Default::default()
        }
    }

    #[test]
    fn json_bodies_compare_as_values() {
        let step = step(200, r#"{"status": "OK"}"#, Comparison::Json);
        assert_eq!(
            mismatch(&step, &received(200, "{\"status\":\"OK\"}\n")),
            None
        );
        assert!(
            mismatch(&step, &received(200, r#"{"status": "ok"}"#))
                .unwrap()
                .starts_with("the body differs")
        );
    }

    #[test]
    fn the_status_is_judged_before_the_body() {
        let step = step(200, "{}", Comparison::Json);
        assert_eq!(
            mismatch(&step, &received(401, r#"{"error": "Unauthorized"}"#)).as_deref(),
            Some("the status is 401, expected 200")
        );
    }

    #[test]
    fn headers_are_exact_unless_patterns_and_must_be_present() {
        let mut step = step(200, "{}", Comparison::Json);
        let mut answer = received(200, "{}");
        answer.headers[0].1 = "text/html".into();
        assert_eq!(
            mismatch(&step, &answer).as_deref(),
            Some("the `content-type` header differs")
        );
        answer.headers.clear();
        assert_eq!(
            mismatch(&step, &answer).as_deref(),
            Some("the answer has no `content-type` header")
        );
        step.expect.compare = Compare::new(Comparison::Regex);
        step.expect.headers[0].1 = "text/html.*".into();
        step.expect.body = Some(".*".into());
        answer
            .headers
            .push(("content-type".into(), "text/html; charset=utf-8".into()));
        assert_eq!(mismatch(&step, &answer), None);
    }

    #[test]
    fn cookies_are_kept_sent_and_dropped_when_expired() {
        let mut jar = CookieJar::default();
        let mut answer = received(200, "{}");
        answer
            .headers
            .push(("set-cookie".into(), "session_id=abc; Path=/".into()));
        jar.take(&answer);
        assert_eq!(jar.header().as_deref(), Some("session_id=abc"));
        let mut step = step(200, "{}", Comparison::Json);
        step.expect.cookies = vec!["session_id".into()];
        assert_eq!(mismatch(&step, &answer), None);
        answer.headers.pop();
        answer.headers.push((
            "set-cookie".into(),
            "session_id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/".into(),
        ));
        jar.take(&answer);
        assert_eq!(jar.header(), None);
        assert_eq!(
            mismatch(&step, &received(200, "{}")).as_deref(),
            Some("the answer sets no `session_id` cookie")
        );
    }

    #[test]
    fn a_wrong_answer_diffs_request_and_response() {
        let (spec, http) = check(vec![step(200, r#"{"status": "OK"}"#, Comparison::Json)]);
        let outcome = Outcome::Answered(vec![received(404, r#"{"error": "Not found"}"#)]);
        let report = judge_outcome(&spec, &http, outcome, &log(true, None, ""), &[]);
        assert_eq!(report.verdict, Verdict::WrongOutput);
        assert_eq!(report.points, 0);
        assert_eq!(
            report.reason.as_deref(),
            Some("request 1 (GET /api/v1/status): the status is 404, expected 200")
        );
        let diff = report.diff.unwrap();
        assert!(diff.contains(" > GET /api/v1/status\n"), "{diff}");
        assert!(diff.contains("-< 200\n+< 404\n"), "{diff}");
        assert!(diff.contains("+  \"error\": \"Not found\"\n"), "{diff}");
    }

    #[test]
    fn a_server_that_never_listens_is_told_from_one_that_crashed() {
        let (spec, http) = check(vec![step(200, "{}", Comparison::Json)]);
        let silent = judge_outcome(
            &spec,
            &http,
            Outcome::NeverListened { ended: false },
            &log(true, None, ""),
            &[],
        );
        assert_eq!(silent.verdict, Verdict::TimeLimit);
        assert_eq!(
            silent.reason.as_deref(),
            Some("nothing listened on port 5000 within 10s of starting the server")
        );
        let traceback = "Traceback (most recent call last):\n  File \"/work/api/v1/app.py\", \
            line 3, in <module>\n    from flask import Flask, jsonify, abort, request\n\
            ImportError: cannot import name 'abort'\n";
        let crashed = judge_outcome(
            &spec,
            &http,
            Outcome::NeverListened { ended: true },
            &log(false, Some(1), traceback),
            &["api/v1/app.py"],
        );
        assert_eq!(crashed.verdict, Verdict::RuntimeError);
        let reason = crashed.reason.unwrap();
        assert!(
            reason.starts_with("the server exited with code 1 before listening on port 5000"),
            "{reason}"
        );
        assert_eq!(crashed.stderr.as_deref(), Some(traceback));
    }

    #[test]
    fn a_server_killed_at_the_time_limit_is_slow_not_crashed() {
        let (spec, http) = check(vec![step(200, "{}", Comparison::Json)]);
        let mut killed = log(false, Some(137), "");
        killed.timed_out = true;
        let report = judge_outcome(
            &spec,
            &http,
            Outcome::NeverListened { ended: true },
            &killed,
            &[],
        );
        assert_eq!(report.verdict, Verdict::TimeLimit);
        assert_eq!(report.limit.as_deref(), Some("30s"));
    }

    #[test]
    fn a_request_without_answer_names_the_request() {
        let (spec, http) = check(vec![step(200, "{}", Comparison::Json)]);
        let outcome = Outcome::Unanswered {
            index: 0,
            why: Failure::NoAnswer {
                why: "connection closed before message completed".into(),
                server_ended: true,
            },
        };
        let report = judge_outcome(&spec, &http, outcome, &log(false, Some(137), ""), &[]);
        assert_eq!(report.verdict, Verdict::RuntimeError);
        assert_eq!(
            report.reason.as_deref(),
            Some(
                "the server was killed by signal 9 while answering request 1 \
                 (GET /api/v1/status)"
            )
        );
    }
}
