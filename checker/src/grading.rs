//! The one door to Docker for callers of this crate: a [`Grader`] grades submissions in
//! sandboxes, and a [`GradeError`] says when the platform, not the learner, failed.
//!
//! A learner's fault (wrong output, a crash, a limit hit, a missing file) is a verdict in the
//! [`Report`], never an error; an error means the submission could not be graded at all and
//! says nothing about it.

use std::sync::{Arc, Mutex};

use sandbox::{Engine, SandboxConfig, SandboxError};
use thiserror::Error;

pub use crate::engine::Event;
use crate::report::Report;
use crate::spec::Project;
use crate::submission::Submission;

/// Why a submission could not be graded: always the platform's fault.
#[derive(Debug, Error)]
pub enum GradeError {
    /// The Docker engine cannot be reached.
    #[error(
        "cannot reach the Docker engine ({reason}); start Docker or set DOCKER_HOST, then try again"
    )]
    DockerUnreachable {
        /// What the connection attempt said.
        reason: String,
    },
    /// The image a project runs in is not present locally.
    #[error("runtime image `{image}` is missing; run `checker images build` to build it offline")]
    ImageMissing {
        /// The image reference.
        image: String,
    },
    /// A runtime image shipped with Checker was built from an older recipe: its checks could
    /// fail for want of what the current specs rely on, which is never the learner's fault.
    #[error(
        "runtime image `{image}` was built from an older recipe; run `checker images build` to rebuild it"
    )]
    ImageStale {
        /// The image reference.
        image: String,
    },
    /// A sandbox failed or was lost (Docker refused a call, a container vanished, files could
    /// not be copied in).
    #[error("{0}")]
    Sandbox(String),
}

impl From<SandboxError> for GradeError {
    fn from(error: SandboxError) -> Self {
        match error {
            SandboxError::DockerUnavailable(reason) => GradeError::DockerUnreachable { reason },
            SandboxError::ImageMissing(image) => GradeError::ImageMissing { image },
            other => GradeError::Sandbox(other.to_string()),
        }
    }
}

/// Grades submissions in locked-down sandboxes on the local Docker engine.
///
/// Cloning is cheap and shares the connection, the sandbox limit and the warm pools.
#[derive(Debug, Clone)]
pub struct Grader {
    engine: Engine,
    /// Sandbox configurations kept warm, so that two projects of one shape share a pool.
    warm: Arc<Mutex<Vec<SandboxConfig>>>,
    /// Shipped runtime images found built from the current recipe (looked at once each).
    current: Arc<Mutex<Vec<String>>>,
}

impl Grader {
    /// Connects to Docker (`DOCKER_HOST` or the default socket) and checks that it answers.
    pub async fn connect() -> Result<Grader, GradeError> {
        Ok(Grader {
            engine: Engine::connect().await?,
            warm: Arc::default(),
            current: Arc::default(),
        })
    }

    /// Checks that Docker still answers, so that a worker claims no job it cannot grade.
    pub async fn ping(&self) -> Result<(), GradeError> {
        Ok(self.engine.ping().await?)
    }

    /// Limits how many sandboxes are in use at once (default: the number of CPU cores); a
    /// grading waits for its first sandbox, and takes further lanes only while slots are free.
    pub fn with_max_sandboxes(self, max: usize) -> Grader {
        Grader {
            engine: self.engine.with_max_sandboxes(max),
            ..self
        }
    }

    /// Starts each check's process through a runner inside the sandbox (`true`, the default)
    /// or with one `docker exec` each (slower; kept as a baseline). Applies to sandboxes opened
    /// from now on.
    pub fn with_runner(self, runner: bool) -> Grader {
        Grader {
            engine: self.engine.with_runner(runner),
            ..self
        }
    }

    /// Keeps `count` started sandboxes ready for `project`, so that grading starts at once
    /// instead of creating them. Projects whose sandboxes look alike share one pool. Each
    /// sandbox serves one submission and is then removed; the pool refills in the background.
    pub fn keep_warm(&self, project: &Project, count: usize) {
        let config = crate::engine::sandbox_config(project);
        let mut warm = self.warm.lock().unwrap_or_else(|p| p.into_inner());
        if count > 0 && !warm.contains(&config) {
            self.engine.keep_warm(&config, count);
            warm.push(config);
        }
    }

    /// Removes the warm sandboxes and stops refilling them. Call before exiting.
    pub async fn close(&self) {
        self.warm.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.engine.close_pools().await;
    }

    /// Removes sandboxes left behind by earlier processes on this host that died; returns how
    /// many.
    pub async fn sweep_orphans(&self) -> Result<usize, GradeError> {
        Ok(self.engine.sweep_orphans().await?)
    }

    /// Grades `submission` against `project` and returns the full report (hidden outputs
    /// included; use [`Report::redacted`] before showing it to a learner).
    ///
    /// With `lanes` above 1, tasks are spread over up to that many sandboxes of the same
    /// submission, run side by side, as far as sandbox slots are free (it never waits for a
    /// second one). Checks of one task always run in order in one sandbox. `on_event` sees
    /// progress as it happens.
    ///
    /// An error means the platform failed before the checks could run; failures during a
    /// check become [`crate::report::Verdict::InternalError`] in the report.
    pub async fn grade(
        &self,
        project: &Project,
        submission: &Submission,
        lanes: usize,
        on_event: &mut (dyn FnMut(Event<'_>) + Send),
    ) -> Result<Report, GradeError> {
        self.require_current_image(&project.image).await?;
        Ok(crate::engine::grade_with(&self.engine, project, submission, lanes, on_event).await?)
    }

    /// Refuses a shipped runtime's image built from an older recipe (a missing image is the
    /// sandbox's to report). Other images are the project author's and taken as they are.
    async fn require_current_image(&self, image: &str) -> Result<(), GradeError> {
        let current = || self.current.lock().unwrap_or_else(|p| p.into_inner());
        let Some(runtime) = crate::runtime::RUNTIMES.iter().find(|r| r.image == image) else {
            return Ok(());
        };
        if current().iter().any(|i| i == image) {
            return Ok(());
        }
        match crate::images::state(self, &runtime.into()).await? {
            crate::images::ImageState::Stale { .. } => Err(GradeError::ImageStale {
                image: image.to_owned(),
            }),
            crate::images::ImageState::Current { .. } => {
                current().push(image.to_owned());
                Ok(())
            }
            crate::images::ImageState::Missing => Ok(()),
        }
    }

    /// Size in bytes of a local image, `None` when it is missing.
    pub async fn image_size(&self, image: &str) -> Result<Option<u64>, GradeError> {
        Ok(self.engine.image_size(image).await?)
    }

    /// The Docker engine, for building images.
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// Waits until sandboxes dropped mid-grading (an interrupted grading, a stopped worker) are
/// removed. Call once before the process exits.
pub async fn finish_cleanup() {
    sandbox::finish_cleanup().await;
}
