//! Run commands on given files inside an isolated, resource-limited Docker container.
//!
//! This crate knows nothing of task specs or grading: it opens a locked-down container from an
//! image, copies files into its work directory, runs shell commands one at a time with a
//! wall-clock limit and an output cap, and removes the container afterwards on every path
//! (explicit removal, drop, or [`finish_cleanup`] at shutdown).
//!
//! A sandbox is a *pod*: the learner's container plus zero or more service containers
//! ([`ServiceSpec`]) that share its network namespace, which has loopback only. Services answer
//! on `localhost`; nothing else is reachable. Within one check, a learner's server can run in the
//! background ([`Sandbox::start_background`]) until [`Sandbox::end_check`].
//!
//! ```no_run
//! # async fn demo(engine: &sandbox::Engine) -> Result<(), sandbox::SandboxError> {
//! use std::time::Duration;
//! use sandbox::{Readiness, RunRequest, SandboxConfig, ServiceSpec};
//!
//! // A pod whose service answers on localhost:6379 once ready.
//! let redis = ServiceSpec::new("redis", "checker/redis:7")
//!     .command(["redis-server", "--bind", "127.0.0.1"])
//!     .ready_when(Readiness::Listening(6379));
//! let pod = engine.open(&SandboxConfig::new("checker/python:bookworm").with_service(redis)).await?;
//!
//! // One check: the learner's server in the background, probes against it, then the end.
//! let server = pod.start_background(&RunRequest::new("python3 app.py", Duration::from_secs(30))).await?;
//! if pod.wait_until_listening(8000, Duration::from_secs(5)).await? {
//!     let probe = RunRequest::new("python3 probe.py http://localhost:8000/", Duration::from_secs(5));
//!     let _answer = pod.run(&probe).await?;
//! }
//! pod.end_check().await?;
//! let _log = server.finish().await; // what the server printed, for the verdict
//! pod.remove().await?;
//! # Ok(()) }
//! ```
//!
//! Modules, one job each: `engine` (connection, slot limit, images, orphan sweep), `pool` (warm
//! pods), `pod` (one pod's lifecycle), `service` (service containers and readiness), `upload`
//! (files in), `scoped` (files for one check only), `run` (one command), `background`
//! (processes living for one check), `runner` (the in-container process that starts each
//! command), `memory` (out-of-memory accounting).
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
mod background;
mod cleanup;
mod engine;
mod error;
mod memory;
mod pod;
mod pool;
mod run;
mod runner;
mod scoped;
mod service;
mod upload;

pub use archive::{MAX_PATH_LEN, SandboxFile, validate_relative_path};
pub use background::{BackgroundHandle, BackgroundOutput, Connection};
pub use cleanup::finish_cleanup;
pub use engine::{Engine, RUNNER_SWITCH};
pub use error::SandboxError;
pub use pod::{Sandbox, SandboxConfig};
pub use run::{RunOutcome, RunRequest, Termination};
pub use scoped::{CheckMark, shell_quote};
pub use service::{Readiness, ServiceSetup, ServiceSpec};

/// Where the submission's files live inside the container (a tmpfs).
pub const WORK_DIR: &str = "/work";

/// The unprivileged user every command of a submission runs as (`nobody` in Debian images).
pub const SANDBOX_USER: &str = "65534:65534";

/// Label carried by every container this crate creates, so strays can be found and swept.
pub const LABEL: &str = "org.checker.sandbox";

/// Label naming the process (`host/pid`) that created a container.
pub const OWNER_LABEL: &str = "org.checker.owner";

/// Label naming the pod (its learner container's name) every container of it belongs to.
pub const POD_LABEL: &str = "org.checker.pod";

/// Label naming the service a container runs (absent on learner containers).
pub const SERVICE_LABEL: &str = "org.checker.service";

/// Locks a mutex, ignoring poisoning: every value guarded here stays consistent even when a
/// holder panicked (lists and counters replaced whole).
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
