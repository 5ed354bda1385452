use thiserror::Error;

/// Everything that can go wrong on the platform's side of a sandbox.
///
/// None of these is the learner's fault: a caller must report them as platform errors and never
/// score them against a submission.
#[derive(Debug, Error)]
pub enum SandboxError {
    /// The Docker engine could not be reached at all.
    #[error(
        "cannot reach the Docker engine ({0}); start Docker or set DOCKER_HOST, then try again"
    )]
    DockerUnavailable(String),

    /// The runtime image a sandbox needs is not present locally.
    #[error("runtime image `{0}` is missing; run `checker images build` to build it offline")]
    ImageMissing(String),

    /// A Docker API call failed.
    #[error("Docker failed while trying to {action}: {source}")]
    Docker {
        /// What the sandbox was doing, e.g. "create the container".
        action: &'static str,
        /// The engine's own error.
        #[source]
        source: bollard::errors::Error,
    },

    /// A command's end could not be observed (the container vanished, the engine stopped).
    #[error("lost track of a command in the sandbox: {0}")]
    Lost(String),

    /// Copying files into the container failed.
    #[error("could not copy files into the sandbox: {0}")]
    Upload(String),

    /// A service container of the pod could not be set up, stopped, or did not become ready.
    #[error("service `{service}` failed: {reason}; the end of its log:\n{logs}")]
    Service {
        /// The service's name.
        service: String,
        /// What went wrong.
        reason: String,
        /// The end of the service's output, to tell why.
        logs: String,
    },

    /// A local I/O error (reading an image archive, packing files).
    #[error("{context}: {source}")]
    Io {
        /// What was being read or written.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl SandboxError {
    pub(crate) fn docker(action: &'static str) -> impl FnOnce(bollard::errors::Error) -> Self {
        move |source| SandboxError::Docker { action, source }
    }
}
