//! Run commands on given files inside an isolated, resource-limited Docker container.
//!
//! This crate knows nothing of task specs or grading: it opens a locked-down container from an
//! image, copies files into its work directory, runs shell commands one at a time with a
//! wall-clock limit and an output cap, and removes the container afterwards on every path
//! (explicit removal, drop, or [`finish_cleanup`] at shutdown).
//!
//! ```no_run
//! # async fn demo() -> Result<(), sandbox::SandboxError> {
//! use std::time::Duration;
//! use sandbox::{Engine, RunRequest, SandboxConfig, SandboxFile};
//!
//! let engine = Engine::connect().await?;
//! let sandbox = engine.open(&SandboxConfig::new("checker/node:18")).await?;
//! sandbox.upload(&[SandboxFile::new("main.js", b"console.log(1 + 1)".to_vec())]).await?;
//! let outcome = sandbox.run(&RunRequest::new("node main.js", Duration::from_secs(5))).await?;
//! assert_eq!(outcome.stdout, b"2\n");
//! sandbox.remove().await?;
//! # Ok(()) }
//! ```

mod archive;
mod cleanup;
mod engine;
mod error;
mod run;

pub use archive::{MAX_PATH_LEN, SandboxFile, validate_relative_path};
pub use cleanup::finish_cleanup;
pub use engine::{Engine, Sandbox, SandboxConfig};
pub use error::SandboxError;
pub use run::{RunOutcome, RunRequest, Termination};

/// Where the submission's files live inside the container (a tmpfs).
pub const WORK_DIR: &str = "/work";

/// The unprivileged user every command of a submission runs as (`nobody` in Debian images).
pub const SANDBOX_USER: &str = "65534:65534";

/// Label carried by every container this crate creates, so strays can be found and swept.
pub const LABEL: &str = "org.checker.sandbox";

/// Label naming the process (`host/pid`) that created a container.
pub const OWNER_LABEL: &str = "org.checker.owner";
