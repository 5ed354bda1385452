//! The real Docker engine the grading tests need.

use std::process::Command;

use super::available;

/// Whether Docker and the node runtime image are here (see [`available`]).
pub fn docker_ready() -> bool {
    let ready = Command::new("docker")
        .args(["image", "inspect", "checker/node:bookworm"])
        .output()
        .is_ok_and(|o| o.status.success());
    available(
        "Docker or checker/node:bookworm",
        ready,
        "run `checker images build`",
    )
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

/// Whether Docker, the python runtime and the service images (Redis, MariaDB) are here.
pub fn services_ready() -> bool {
    let ready = docker_ready()
        && [
            "checker/python:bookworm",
            "checker/redis:bookworm",
            "checker/mariadb:bookworm",
        ]
        .iter()
        .all(|image| {
            Command::new("docker")
                .args(["image", "inspect", image])
                .output()
                .is_ok_and(|o| o.status.success())
        });
    available(
        "the python runtime and the redis and mariadb service images",
        ready,
        "run `checker images build`",
    )
}

/// Whether Docker, the node runtime and the Star Wars API stand-in's image are here.
pub fn swapi_ready() -> bool {
    let ready = docker_ready()
        && Command::new("docker")
            .args(["image", "inspect", "checker/swapi:bookworm"])
            .output()
            .is_ok_and(|o| o.status.success());
    available(
        "the node runtime and the swapi service image",
        ready,
        "run `checker images build`",
    )
}
