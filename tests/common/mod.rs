//! Helpers shared by the end-to-end tests: the real `checker` binary and a real Docker engine.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `checker` command run from the repository root, with colors off.
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

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Whether Docker and the node runtime image are here. Under `CI=true` their absence fails the
/// test instead: grading is never tested without a real engine there.
pub fn docker_ready() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let ready = Command::new("docker")
        .args(["image", "inspect", "checker/node:bookworm"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready && ci {
        panic!(
            "CI=true but Docker or checker/node:bookworm is missing: run `checker images build`"
        );
    }
    if !ready {
        println!(
            "Docker or checker/node:bookworm unavailable: this test needs them (CI=true requires them)"
        );
    }
    ready
}

/// Containers created by the process `pid` on this host, still present.
pub fn containers_of(pid: u32) -> Vec<String> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let filter = format!("label=org.checker.owner={}/{pid}", host.trim());
    let output = Command::new("docker")
        .args(["ps", "-aq", "--filter", &filter])
        .output()
        .expect("docker ps runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn fixture(path: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
