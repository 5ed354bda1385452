//! What every end-to-end test shares: the real `checker` binary, the one gate for what a test
//! needs from the machine (Docker, PostgreSQL, git, Chromium), one HTTP client, and the
//! projects' fixtures. Each file under `tests/` is its own test binary and uses part of this.

#![allow(dead_code)] // each test binary uses a different part

pub mod dashboard;
pub mod docker;
pub mod fixtures;
pub mod git;
pub mod http;
pub mod library;
pub mod server;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/PATH`, as a string for a command line.
pub fn fixture(path: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

/// Whether the tests run in CI (`CI=true`).
fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The gate of every test that needs something of the machine: whether `what` is `ready`.
/// Under `CI=true` its absence fails the test (CI never skips silently, `remedy` says what to
/// do); elsewhere the test says what it misses and passes.
pub fn available(what: &str, ready: bool, remedy: &str) -> bool {
    if !ready {
        if ci() {
            panic!("CI=true but {what} is missing: {remedy}");
        }
        println!("{what} unavailable: this test needs it (CI=true requires it)");
    }
    ready
}

/// A `checker` command run from the repository root, with colors off and no curriculum folder
/// inherited from the environment.
pub fn checker() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CHECKER_TASKS_DIR");
    command
}

/// Runs `checker` with `args` and returns what it did.
pub fn run(args: &[&str]) -> Output {
    checker()
        .args(args)
        .output()
        .expect("the checker binary runs")
}

/// Bytes as text, invalid UTF-8 replaced.
pub fn text(bytes: impl AsRef<[u8]>) -> String {
    String::from_utf8_lossy(bytes.as_ref()).into_owned()
}

pub fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

pub fn stderr(output: &Output) -> String {
    text(&output.stderr)
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
