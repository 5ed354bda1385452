//! Runtime images shipped with Checker, and how to build them without a registry.

/// A runtime a project can name with `runtime:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    /// Name used in specs, e.g. `node`.
    pub name: &'static str,
    /// Local image reference the runtime's checks run in.
    pub image: &'static str,
    /// Debian packages installed on top of the essential base system.
    pub packages: &'static [&'static str],
    /// What learners get, for `--help` and the README.
    pub description: &'static str,
}

/// The Debian release every runtime image is built from.
pub const DEBIAN_SUITE: &str = "bookworm";

/// Every runtime Checker knows. Keep `docker/runtimes/<name>/Dockerfile` in step (a test checks).
pub const RUNTIMES: &[Runtime] = &[
    Runtime {
        name: "node",
        image: "checker/node:bookworm",
        packages: &["nodejs"],
        description: "Node.js 18 (Debian 12's nodejs package)",
    },
    Runtime {
        name: "python",
        image: "checker/python:bookworm",
        packages: &["python3"],
        description: "Python 3.11 (Debian 12's python3 package)",
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
        }
    }
}
