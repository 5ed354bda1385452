//! Helpers of the server's end-to-end tests: the real `checker serve`/`worker` processes on
//! 127.0.0.1, a real SQLite file or PostgreSQL database, and a plain HTTP/1.1 client.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use crate::common::{docker_ready, root};

/// The small project of the queue tests.
pub fn smoke_tasks() -> String {
    root()
        .join("tests/fixtures/server/tasks")
        .display()
        .to_string()
}

pub const SMOKE: &str = "server-smoke";

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The PostgreSQL server of the tests (`CHECKER_TEST_POSTGRES`, which `.ci/run` sets). Under
/// `CI=true` its absence fails the test; elsewhere the test says so and passes.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("CHECKER_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        if ci() {
            panic!("CI=true but CHECKER_TEST_POSTGRES is not set: .ci/run starts PostgreSQL");
        }
        println!("CHECKER_TEST_POSTGRES unset: this test needs PostgreSQL (CI=true requires it)");
    }
    url
}

/// A new, empty database on the test server, for one test; its URL.
pub fn fresh_postgres(name: &str) -> Option<String> {
    let admin = postgres_url()?;
    let database = format!(
        "checker_{name}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let output = Command::new("psql")
        .arg(&admin)
        .args(["-qc", &format!("CREATE DATABASE {database}")])
        .output()
        .expect("psql runs");
    assert!(
        output.status.success(),
        "cannot create a database: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let base = admin.rsplit_once('/').expect("a database URL").0;
    Some(format!("{base}/{database}"))
}

/// A place for one test's database, credentials and logs.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn sqlite(&self) -> String {
        format!("sqlite://{}", self.path("checker.db").display())
    }

    /// A `checker` command with this sandbox's config folder, no color, no inherited settings.
    pub fn checker(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
        command
            .current_dir(root())
            .env("NO_COLOR", "1")
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("RUST_LOG", "info,sqlx=warn")
            .env_remove("CHECKER_TASKS_DIR")
            .env_remove("CHECKER_DB")
            .env_remove("CHECKER_SERVER")
            .env_remove("CHECKER_TOKEN")
            .env_remove("CHECKER_LISTEN");
        command
    }

    /// Runs `checker` with `args` and `stdin`.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .checker()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("checker runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Adds a user with the password `password123`.
    pub fn add_user(&self, db: &str, name: &str, role: &str) {
        let output = self.run(
            &["user", "add", name, "--role", role, "--db", db],
            "password123\n",
        );
        assert!(
            output.status.success(),
            "user add: {}",
            text(&output.stderr)
        );
    }

    /// A new API token of `name`, lasting `expires`.
    pub fn token(&self, db: &str, name: &str, expires: &str) -> String {
        let output = self.run(
            &["token", "create", name, "--db", db, "--expires", expires],
            "",
        );
        assert!(
            output.status.success(),
            "token create: {}",
            text(&output.stderr)
        );
        text(&output.stdout).trim().to_owned()
    }

    /// Starts `checker serve` on a free port of 127.0.0.1.
    pub fn serve(&self, db: &str, args: &[&str], env: &[(&str, &str)]) -> Process {
        let log = self.log_path("serve");
        let mut command = self.checker();
        command
            .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied());
        Process::start(command, log, true)
    }

    /// Starts `checker worker`.
    pub fn worker(&self, db: &str, args: &[&str]) -> Process {
        let log = self.log_path("worker");
        let mut command = self.checker();
        command.args(["worker", "--db", db]).args(args);
        Process::start(command, log, false)
    }

    fn log_path(&self, kind: &str) -> PathBuf {
        for i in 0.. {
            let path = self.path(&format!("{kind}-{i}.log"));
            if !path.exists() {
                return path;
            }
        }
        unreachable!()
    }

    /// A folder of files, for `checker submit`.
    pub fn folder(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, contents) in files {
            std::fs::write(dir.join(path), contents).unwrap();
        }
        dir
    }
}

/// A running `checker` server or worker; killed (SIGKILL) when dropped.
pub struct Process {
    pub child: Child,
    pub log: PathBuf,
    /// `http://127.0.0.1:PORT` for a server.
    pub url: String,
}

impl Process {
    fn start(mut command: Command, log: PathBuf, server: bool) -> Process {
        let log_file = std::fs::File::create(&log).unwrap();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("checker starts");
        let mut url = String::new();
        if server {
            let mut line = String::new();
            BufReader::new(child.stdout.as_mut().unwrap())
                .read_line(&mut line)
                .unwrap();
            url = line
                .trim()
                .strip_prefix("listening on ")
                .unwrap_or_else(|| {
                    panic!(
                        "the server did not start: {line}\n{}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    )
                })
                .to_owned();
        }
        Process { child, log, url }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and wait.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and wait (at most 20 s) for the exit status.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill9();
        None
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Process {
    /// Stops it cleanly (SIGTERM: a worker hands its job back and removes its sandbox).
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// One HTTP/1.1 request on its own connection. `body` is (content type, bytes).
pub fn http(
    method: &str,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Reply {
    try_http(method, base, path, token, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// [`http`], or why there was no answer (the server is gone).
pub fn try_http(
    method: &str,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Result<Reply, String> {
    let mut stream = connect(base)?;
    let _ = stream.write_all(&head(
        method,
        base,
        path,
        token,
        body.map(|(t, b)| (t, b.len())),
    ));
    if let Some((_, bytes)) = body {
        // A server may answer and close before reading a refused body.
        let _ = stream.write_all(bytes);
    }
    read_reply(stream)
}

/// Sends only the head of a request announcing `length` bytes of body, and reads the answer
/// (a server that refuses by `Content-Length` answers without waiting for the body).
pub fn http_head_only(
    base: &str,
    path: &str,
    token: &str,
    content_type: &str,
    length: usize,
) -> Reply {
    let mut stream = connect(base).unwrap();
    stream
        .write_all(&head(
            "POST",
            base,
            path,
            Some(token),
            Some((content_type, length)),
        ))
        .unwrap();
    read_reply(stream).unwrap()
}

pub fn get(base: &str, path: &str, token: Option<&str>) -> Reply {
    http("GET", base, path, token, None)
}

fn connect(base: &str) -> Result<TcpStream, String> {
    let address = base.strip_prefix("http://").expect("an http:// URL");
    let stream = TcpStream::connect(address).map_err(|e| format!("cannot connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    Ok(stream)
}

fn head(
    method: &str,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, usize)>,
) -> Vec<u8> {
    let host = base.strip_prefix("http://").unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    match body {
        Some((content_type, length)) => head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {length}\r\n"
        )),
        None if method == "POST" => head.push_str("Content-Length: 0\r\n"),
        None => {}
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn read_reply(mut stream: TcpStream) -> Result<Reply, String> {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
            Err(_) if !raw.is_empty() => break,
            Err(e) => return Err(format!("no answer: {e}")),
        }
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("not HTTP: {}", text(&raw)))?;
    let head = text(&raw[..split]);
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(text(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// Polls `check` until it gives a value, or panics after `timeout` naming `what`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A `.tar.gz` of files.
pub fn archive(files: &[(&str, &[u8])]) -> Vec<u8> {
    let files: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(p, c)| ((*p).to_owned(), c.to_vec()))
        .collect();
    checker::upload::pack_tar_gz(&files).unwrap()
}

/// Uploads a smoke-project submission; returns its id.
pub fn submit_smoke(base: &str, token: &str, answer: &str, slow: Option<u32>) -> i64 {
    let slow = slow.map(|s| s.to_string());
    let mut files: Vec<(&str, &[u8])> = vec![("answer.txt", answer.as_bytes())];
    if let Some(slow) = &slow {
        files.push(("slow.txt", slow.as_bytes()));
    }
    let reply = http(
        "POST",
        base,
        &format!("/api/submissions?project={SMOKE}"),
        Some(token),
        Some(("application/gzip", &archive(&files))),
    );
    assert_eq!(reply.status, 202, "{}", text(&reply.body));
    reply.json()["id"].as_i64().unwrap()
}

/// The submission's JSON, as its owner sees it.
pub fn submission(base: &str, token: &str, id: i64) -> Value {
    let reply = get(base, &format!("/api/submissions/{id}"), Some(token));
    assert_eq!(reply.status, 200, "{}", text(&reply.body));
    reply.json()
}

/// Waits until the submission is graded or failed.
pub fn wait_final(base: &str, token: &str, id: i64, timeout: Duration) -> Value {
    wait_for(&format!("submission {id} to be graded"), timeout, || {
        let value = submission(base, token, id);
        matches!(value["status"].as_str(), Some("graded" | "failed")).then_some(value)
    })
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
