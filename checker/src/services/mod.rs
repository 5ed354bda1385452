//! Services a project can run beside the learner's code (`services:` in a spec): one module per
//! service, each describing its image (built offline like the runtimes), how it runs locked
//! down in the learner's pod, how it is seeded and how it is reset between tasks. [`SERVICES`]
//! is the only list that names them all.

mod mariadb;
mod redis;
mod swapi;

use std::time::Duration;

use bytesize::ByteSize;
use sandbox::{Readiness, ServiceSetup, ServiceSpec};

/// A service a project can name in `services:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Name used in specs, e.g. `redis`.
    pub name: &'static str,
    /// Local image reference.
    pub image: &'static str,
    /// Debian packages installed on top of the essential base system.
    pub packages: &'static [&'static str],
    /// Files the image holds beyond its packages (also `COPY`ed by its Dockerfile).
    pub files: &'static [ImageFile],
    /// Shell script run inside the image's root file system once packages and files are in
    /// (e.g. initialising a data directory), or empty.
    pub setup: &'static str,
    /// Command and arguments the service runs.
    pub command: &'static [&'static str],
    /// User the service runs as (a name of the image).
    pub user: &'static str,
    /// Environment of the service's container (its own scripts' clients read it too).
    pub env: &'static [(&'static str, &'static str)],
    /// Writable tmpfs directories and their sizes (the root file system is read-only).
    pub writable: &'static [(&'static str, ByteSize)],
    /// Memory of the service container, its tmpfs included.
    pub memory: ByteSize,
    /// Processes and threads at once.
    pub pids: u32,
    /// A `/bin/sh` script inside the service that exits 0 once it answers.
    pub ready: &'static str,
    /// A `/bin/sh` script inside the service that reads the seed on standard input.
    pub load: &'static str,
    /// A `/bin/sh` script inside the service that takes it back to empty between tasks.
    pub reset: &'static str,
    /// Whether the service holds databases: a project then names the one its code uses.
    pub databases: bool,
    /// Environment of every learner command, so that the school's clients find the service on
    /// `localhost` (a spec's own `env` wins).
    pub learner_env: &'static [(&'static str, &'static str)],
    /// Public host names the service stands in for: the learner's container resolves them to
    /// the pod's loopback, so a hard-coded URL of the school's reaches the service.
    pub hosts: &'static [&'static str],
    /// Whether it listens on ports below 1024 (a stand-in for a public host's 80 and 443).
    pub low_ports: bool,
    /// A file of the image copied into the learner's work directory once the service is
    /// ready: (path in the image, name in the work directory).
    pub share: Option<(&'static str, &'static str)>,
    /// What learners get, for `checker images list` and the README.
    pub description: &'static str,
}

/// A file placed in a service image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageFile {
    /// Absolute path in the image.
    pub path: &'static str,
    /// Contents (the file of the same name under `docker/services/<service>/` or
    /// `docker/runtimes/<runtime>/`).
    pub contents: &'static str,
    /// Permission bits, e.g. `0o755` for a script.
    pub mode: u32,
}

/// Every service Checker knows. Keep `docker/services/<name>/Dockerfile` in step (a test checks).
pub const SERVICES: &[Service] = &[redis::REDIS, mariadb::MARIADB, swapi::SWAPI];

/// The service called `name`, if Checker ships one.
pub fn find(name: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.name == name)
}

/// Names of all services, for error hints.
pub fn names() -> String {
    SERVICES
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// When a project's services are taken back to their seeded state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fresh {
    /// Once per submission: tasks see what earlier tasks left.
    #[default]
    Submission,
    /// Before every task: each task starts from the seed alone.
    Task,
}

/// A service as a project uses it: which one, its database and seed, how often it is reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUse {
    /// The service.
    pub service: &'static Service,
    /// The database created empty (and made the default of the seed) for services that hold
    /// databases.
    pub database: Option<String>,
    /// The grader's seed, fed to the service's `load` script after the database is created.
    pub seed: Vec<u8>,
    /// When it is reset.
    pub fresh: Fresh,
}

impl ServiceUse {
    /// The sandbox's description of this service: image, limits, readiness, setup and reset.
    pub fn spec(&self) -> ServiceSpec {
        let service = self.service;
        let mut spec = ServiceSpec::new(service.name, service.image)
            .command(service.command.iter().copied())
            .ready_when(Readiness::Command(service.ready.to_owned()));
        spec.user = Some(service.user.to_owned());
        spec.env = service
            .env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        spec.memory = service.memory;
        spec.pids = service.pids;
        spec.writable = service
            .writable
            .iter()
            .map(|(path, size)| ((*path).to_owned(), *size))
            .collect();
        let mut stdin = Vec::new();
        if let Some(database) = &self.database {
            stdin.extend_from_slice(
                format!("CREATE DATABASE IF NOT EXISTS `{database}`;\nUSE `{database}`;\n")
                    .as_bytes(),
            );
        }
        stdin.extend_from_slice(&self.seed);
        spec.setup = (!stdin.is_empty()).then(|| ServiceSetup {
            script: service.load.to_owned(),
            stdin,
            timeout: Duration::from_secs(60),
        });
        spec.reset = Some(service.reset.to_owned());
        spec.hosts = service.hosts.iter().map(|h| (*h).to_owned()).collect();
        spec.low_ports = service.low_ports;
        spec.share = service
            .share
            .map(|(path, name)| (path.to_owned(), name.to_owned()));
        spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Dockerfiles for users with a registry install the same packages and copy the same
    /// files as the offline build.
    #[test]
    fn dockerfiles_match_offline_recipes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docker/services");
        for service in SERVICES {
            let dir = root.join(service.name);
            let path = dir.join("Dockerfile");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                text.contains(&format!(
                    "FROM debian:{}-slim",
                    crate::runtime::DEBIAN_SUITE
                )),
                "{}",
                path.display()
            );
            for package in service.packages {
                assert!(
                    text.contains(&format!(" {package}")),
                    "{} lacks {package}",
                    path.display()
                );
            }
            for file in service.files {
                let name = file.path.rsplit('/').next().unwrap_or(file.path);
                assert!(
                    text.lines().any(|l| l.starts_with("COPY ")
                        && (l.ends_with(file.path)
                            || l.ends_with(&format!(" {}/", parent(file.path))))),
                    "{} does not copy {}",
                    path.display(),
                    file.path
                );
                let _ = name;
            }
            assert!(text.contains(&format!("USER {}", service.user)));
            for (key, value) in service.env {
                assert!(
                    text.contains(&format!("ENV {key}={value}")),
                    "{}",
                    path.display()
                );
            }
            if !service.setup.is_empty() {
                assert!(text.contains("COPY setup /tmp/setup"), "{}", path.display());
            }
        }
    }

    fn parent(path: &str) -> &str {
        path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// Every script a service runs is valid `/bin/sh` (they are run only inside containers).
    #[test]
    fn service_scripts_are_valid_shell() {
        for service in SERVICES {
            for script in [service.ready, service.load, service.reset, service.setup] {
                let checked = std::process::Command::new("sh")
                    .args(["-n", "-c", script])
                    .output()
                    .unwrap();
                assert!(
                    checked.status.success(),
                    "{}: {}\n{script}",
                    service.name,
                    String::from_utf8_lossy(&checked.stderr)
                );
            }
        }
    }

    #[test]
    fn a_database_is_created_before_the_seed() {
        let using = ServiceUse {
            service: find("mariadb").unwrap(),
            database: Some("holberton".into()),
            seed: b"CREATE TABLE t (id INT);\n".to_vec(),
            fresh: Fresh::Task,
        };
        let spec = using.spec();
        let setup = spec.setup.unwrap();
        assert_eq!(
            String::from_utf8(setup.stdin).unwrap(),
            "CREATE DATABASE IF NOT EXISTS `holberton`;\nUSE `holberton`;\nCREATE TABLE t (id INT);\n"
        );
        assert_eq!(spec.user.as_deref(), Some("mysql"));
        assert!(spec.reset.is_some());
        let redis = ServiceUse {
            service: find("redis").unwrap(),
            database: None,
            seed: Vec::new(),
            fresh: Fresh::Submission,
        };
        assert_eq!(redis.spec().setup, None);
    }
}
