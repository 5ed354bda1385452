//! Runtime images shipped with Checker, and how to build them without a registry.

use crate::services::ImageFile;

/// A runtime a project can name with `runtime:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    /// Name used in specs, e.g. `node`.
    pub name: &'static str,
    /// Local image reference the runtime's checks run in.
    pub image: &'static str,
    /// Debian packages installed on top of the essential base system.
    pub packages: &'static [&'static str],
    /// Python wheels from PyPI unpacked into the image's site-packages, pinned by hash.
    pub wheels: &'static [Wheel],
    /// Files the image holds beyond its packages (also `COPY`ed by its Dockerfile).
    pub files: &'static [ImageFile],
    /// Shell script run inside the image's root file system once packages and files are in,
    /// or empty.
    pub setup: &'static str,
    /// What learners get, for `--help` and the README.
    pub description: &'static str,
}

/// A wheel downloaded from PyPI when an image is built, refused unless its SHA-256 matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wheel {
    /// Distribution name, e.g. `pycodestyle`.
    pub name: &'static str,
    /// Pinned version.
    pub version: &'static str,
    /// Where PyPI serves it.
    pub url: &'static str,
    /// Hex SHA-256 of the file.
    pub sha256: &'static str,
}

impl Wheel {
    /// The wheel's file name (the last segment of its URL).
    pub fn file_name(&self) -> &'static str {
        self.url.rsplit('/').next().unwrap_or(self.url)
    }
}

/// The node image's start-up snapshot with Babel loaded (see `docker/runtimes/node/`).
pub const BABEL_SNAPSHOT: &str = "/usr/lib/checker/node/babel.blob";

/// The Debian release every runtime image is built from.
pub const DEBIAN_SUITE: &str = "bookworm";

/// Every runtime Checker knows. Keep `docker/runtimes/<name>/Dockerfile` in step (a test checks).
pub const RUNTIMES: &[Runtime] = &[
    Runtime {
        name: "node",
        image: "checker/node:bookworm",
        // The school's JavaScript toolchain as far as Debian ships it: ESLint 6.4 (its version),
        // TypeScript 4.8, Babel 7, mocha/chai/sinon for learners' tests, Express and request.
        packages: &[
            "nodejs",
            "eslint",
            "node-typescript",
            "node-babel7",
            "mocha",
            "chai",
            "node-sinon",
            "node-chai-as-promised",
            "node-express",
            "node-body-parser",
            "node-request",
            "node-supertest",
        ],
        wheels: &[],
        // Node's start-up snapshot with Babel loaded, for projects that load learners' files
        // as the school's `babel-node` did (`NODE_OPTIONS=--snapshot-blob {BABEL_SNAPSHOT}`).
        files: &[ImageFile {
            path: "/usr/lib/checker/node/babel-snapshot.js",
            contents: include_str!("../../docker/runtimes/node/babel-snapshot.js"),
            mode: 0o644,
        }],
        setup: include_str!("../../docker/runtimes/node/setup"),
        description: "Node.js 18 (Debian 12's nodejs package) with ESLint 6.4, TypeScript 4.8, \
                      Babel 7, mocha, chai, sinon, Express and request",
    },
    Runtime {
        name: "python",
        image: "checker/python:bookworm",
        packages: &[
            "python3",
            "python3-parameterized",
            "python3-requests",
            "mypy",
            // Servers and services the backend projects talk to (Flask apps, Redis, MySQL).
            "python3-flask",
            "python3-flask-babel",
            "python3-flask-cors",
            "python3-babel",
            "python3-tz",
            "python3-redis",
            "python3-bcrypt",
            "python3-sqlalchemy",
            "python3-pymysql",
            "mariadb-client",
            "curl",
        ],
        // The versions the school's style checks used.
        wheels: &[
            Wheel {
                name: "pycodestyle",
                version: "2.5.0",
                url: "https://files.pythonhosted.org/packages/0e/0c/04a353e104d2f324f8ee5f4b32012618c1c86dd79e52a433b64fceed511b/pycodestyle-2.5.0-py2.py3-none-any.whl",
                sha256: "95a2219d12372f05704562a14ec30bc76b05a5b297b21a5dfe3f6fac3491ae56",
            },
            Wheel {
                name: "pep8",
                version: "1.7.1",
                url: "https://files.pythonhosted.org/packages/42/3f/669429ce58de2c22d8d2c542752e137ec4b9885fff398d3eceb1a7f5acb4/pep8-1.7.1-py2.py3-none-any.whl",
                sha256: "b22cfae5db09833bb9bd7c8463b53e1a9c9b39f12e304a8d0bba729c501827ee",
            },
            // What the school's personal-data task imports; pure Python, not in Debian.
            Wheel {
                name: "mysql-connector-python",
                version: "8.0.33",
                url: "https://files.pythonhosted.org/packages/a9/98/3cd603a0130a4bc088942b51c142ce13de3bf21a26b4f960527859a780da/mysql_connector_python-8.0.33-py2.py3-none-any.whl",
                sha256: "c20a85a69af41d2d7d5cf52106f0b9473775819d189487c6ff3d3f3946931ca2",
            },
        ],
        files: &[],
        setup: "",
        description: "Python 3.11 (Debian 12's python3) with parameterized, requests, mypy 1.0, \
                      pycodestyle 2.5.0, pep8 1.7.1, Flask 2.2 with Flask-Babel 2, redis-py, \
                      bcrypt, SQLAlchemy 1.4, mysql-connector and the mysql client",
    },
];

/// The runtime called `name`, if Checker ships one.
pub fn find(name: &str) -> Option<&'static Runtime> {
    RUNTIMES.iter().find(|r| r.name == name)
}

/// Names of all runtimes, for error hints.
pub fn names() -> String {
    RUNTIMES
        .iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Dockerfiles for users with a registry install the same packages as the offline build.
    #[test]
    fn dockerfiles_match_offline_recipes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docker/runtimes");
        for runtime in RUNTIMES {
            let path = root.join(runtime.name).join("Dockerfile");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                text.contains(&format!("FROM debian:{DEBIAN_SUITE}-slim")),
                "{}",
                path.display()
            );
            for package in runtime.packages {
                assert!(
                    text.contains(&format!(" {package}")),
                    "{} lacks {package}",
                    path.display()
                );
            }
            for file in runtime.files {
                assert!(
                    text.lines()
                        .any(|l| l.starts_with("COPY ") && l.ends_with(file.path)),
                    "{} does not copy {}",
                    path.display(),
                    file.path
                );
            }
            if !runtime.setup.is_empty() {
                assert!(text.contains("COPY setup /tmp/setup"), "{}", path.display());
            }
            for wheel in runtime.wheels {
                let pin = format!(
                    "{}=={} --hash=sha256:{}",
                    wheel.name, wheel.version, wheel.sha256
                );
                assert!(text.contains(&pin), "{} lacks {pin}", path.display());
            }
        }
    }
}
