//! The server's end-to-end tests: the real `checker serve` and `checker worker` processes on
//! 127.0.0.1, with a real SQLite file or PostgreSQL database.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::{get, http};
use super::library::archive;
use super::{available, checker, root, text, wait_for};

/// The small project of the queue tests.
pub fn smoke_tasks() -> String {
    root()
        .join("tests/fixtures/server/tasks")
        .display()
        .to_string()
}

pub const SMOKE: &str = "server-smoke";

/// The PostgreSQL server of the tests (`CHECKER_TEST_POSTGRES`, which `.ci/run` sets), behind
/// the gate of [`available`].
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("CHECKER_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty());
    let ready = available(
        "PostgreSQL (CHECKER_TEST_POSTGRES)",
        url.is_some(),
        ".ci/run starts PostgreSQL",
    );
    url.filter(|_| ready)
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
        let mut command = checker();
        command
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("RUST_LOG", "info,sqlx=warn")
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
            .args(["serve", "--db", db, "--listen", "127.0.0.1:0", "--metrics"])
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
    assert_eq!(reply.status, 202, "{}", reply.body);
    reply.json()["id"].as_i64().unwrap()
}

/// The submission's JSON, as its owner sees it.
pub fn submission(base: &str, token: &str, id: i64) -> Value {
    let reply = get(base, &format!("/api/submissions/{id}"), Some(token));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// Waits until the submission is graded or failed.
pub fn wait_final(base: &str, token: &str, id: i64, timeout: Duration) -> Value {
    wait_for(&format!("submission {id} to be graded"), timeout, || {
        let value = submission(base, token, id);
        matches!(value["status"].as_str(), Some("graded" | "failed")).then_some(value)
    })
}
