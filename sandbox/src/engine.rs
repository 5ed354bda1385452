//! The connection to the Docker engine: opening pods within the engine's slot limit, local
//! images, and sweeping containers left behind by dead processes.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::{CreateImageOptionsBuilder, ListContainersOptionsBuilder};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::pod::{self, Sandbox, SandboxConfig};
use crate::pool::Pool;
use crate::{LABEL, OWNER_LABEL, SandboxError};

/// The environment variable that switches the in-sandbox runner off (`CHECKER_COMMANDS=exec`).
pub const RUNNER_SWITCH: &str = "CHECKER_COMMANDS";

/// A connection to the Docker engine that opens sandboxes.
#[derive(Clone)]
pub struct Engine {
    pub(crate) docker: Docker,
    /// `host/pid` of this process, carried by every container it creates.
    pub(crate) owner: String,
    /// Sandboxes in use at once; more callers of [`Engine::open`] wait their turn.
    slots: Arc<Semaphore>,
    /// Started pods waiting for a submission, per configuration.
    pub(crate) pools: Arc<Mutex<Vec<Arc<Pool>>>>,
    /// Whether commands are started by a runner inside each sandbox instead of one
    /// `docker exec` each.
    pub(crate) runner: bool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("owner", &self.owner)
            .finish()
    }
}

impl Engine {
    /// Connects to the local Docker engine (`DOCKER_HOST` or the default socket) and checks
    /// that it answers.
    pub async fn connect() -> Result<Self, SandboxError> {
        let unavailable =
            |e: bollard::errors::Error| SandboxError::DockerUnavailable(e.to_string());
        let docker = Docker::connect_with_defaults().map_err(unavailable)?;
        let docker = tokio::time::timeout(Duration::from_secs(10), docker.negotiate_version())
            .await
            .map_err(|_| SandboxError::DockerUnavailable("no answer within 10 s".into()))?
            .map_err(unavailable)?;
        docker.ping().await.map_err(unavailable)?;
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".into());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Engine {
            docker,
            owner: format!("{host}/{}", std::process::id()),
            slots: Arc::new(Semaphore::new(cores)),
            pools: Arc::default(),
            runner: std::env::var(RUNNER_SWITCH).map_or(true, |v| v != "exec"),
        })
    }

    /// Checks that the engine still answers (within 5 s).
    pub async fn ping(&self) -> Result<(), SandboxError> {
        match tokio::time::timeout(Duration::from_secs(5), self.docker.ping()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(SandboxError::DockerUnavailable(e.to_string())),
            Err(_) => Err(SandboxError::DockerUnavailable(
                "no answer within 5 s".into(),
            )),
        }
    }

    /// Whether commands are started by a small runner inside each sandbox (the default), or by
    /// one `docker exec` each (slower; the environment variable `CHECKER_COMMANDS=exec` chooses
    /// it too). Applies to sandboxes opened from now on.
    pub fn with_runner(mut self, runner: bool) -> Self {
        self.runner = runner;
        self
    }

    /// Limits how many sandboxes are in use at once (default: the number of CPU cores). Further
    /// [`Engine::open`] calls wait for a sandbox to be removed.
    pub fn with_max_sandboxes(mut self, max: usize) -> Self {
        self.slots = Arc::new(Semaphore::new(max.max(1)));
        self
    }

    /// Sandboxes that can be opened right now without waiting.
    pub fn free_slots(&self) -> usize {
        self.slots.available_permits()
    }

    /// Whether an image with this reference exists locally.
    pub async fn image_exists(&self, image: &str) -> Result<bool, SandboxError> {
        Ok(self.image_size(image).await?.is_some())
    }

    /// Size in bytes of a local image, `None` when it does not exist.
    pub async fn image_size(&self, image: &str) -> Result<Option<u64>, SandboxError> {
        match self.docker.inspect_image(image).await {
            Ok(inspect) => Ok(Some(inspect.size.unwrap_or(0).max(0) as u64)),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(e) => Err(SandboxError::docker("inspect an image")(e)),
        }
    }

    /// The value of label `key` of a local image; `None` when the image or the label is absent.
    pub async fn image_label(
        &self,
        image: &str,
        key: &str,
    ) -> Result<Option<String>, SandboxError> {
        match self.docker.inspect_image(image).await {
            Ok(inspect) => Ok(inspect
                .config
                .and_then(|config| config.labels)
                .and_then(|mut labels| labels.remove(key))),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(e) => Err(SandboxError::docker("inspect an image")(e)),
        }
    }

    /// Imports a root file system tarball as image `reference` (`docker import`), applying
    /// Dockerfile-style `changes` such as `ENV PATH=...` or `WORKDIR /work`.
    pub async fn import_image(
        &self,
        rootfs: &Path,
        reference: &str,
        changes: &[String],
    ) -> Result<(), SandboxError> {
        let (repo, tag) = reference.rsplit_once(':').unwrap_or((reference, "latest"));
        let file = tokio::fs::File::open(rootfs)
            .await
            .map_err(|source| SandboxError::Io {
                context: format!("opening {}", rootfs.display()),
                source,
            })?;
        let body = bollard::body_try_stream(tokio_util::io::ReaderStream::new(file));
        let options = CreateImageOptionsBuilder::default()
            .from_src("-")
            .repo(repo)
            .tag(tag)
            .changes(changes.to_vec())
            .build();
        let mut progress = self.docker.create_image(Some(options), Some(body), None);
        while let Some(item) = progress.next().await {
            item.map_err(SandboxError::docker("import an image"))?;
        }
        Ok(())
    }

    /// Removes containers (learners and services alike) left behind by earlier processes on
    /// this host that have died (crashed, killed), recognised by their labels. Returns how many
    /// were removed.
    pub async fn sweep_orphans(&self) -> Result<usize, SandboxError> {
        let host = self.owner.split('/').next().unwrap_or_default().to_owned();
        let filters = HashMap::from([("label".to_owned(), vec![LABEL.to_owned()])]);
        let options = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&filters)
            .build();
        let containers = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(SandboxError::docker("list sandbox containers"))?;
        let mut removed = 0;
        for container in containers {
            let owner = container
                .labels
                .as_ref()
                .and_then(|l| l.get(OWNER_LABEL))
                .cloned()
                .unwrap_or_default();
            let Some((owner_host, pid)) = owner.split_once('/') else {
                continue;
            };
            let alive = Path::new("/proc").join(pid).exists();
            if owner_host == host
                && !alive
                && let Some(id) = container.id
                && pod::remove_container(&self.docker, &id).await.is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Creates and starts a locked-down pod: no network beyond its own loopback, read-only
    /// root, all capabilities dropped, no new privileges, memory (swap included), process and
    /// CPU limits, and a tmpfs work directory; plus the configured services, each ready before
    /// this returns. Commands later run in the learner's container as an unprivileged user.
    ///
    /// Waits while the engine's sandbox limit is reached; takes a warm pod when
    /// [`Engine::keep_warm`] has one ready.
    pub async fn open(&self, config: &SandboxConfig) -> Result<Sandbox, SandboxError> {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.open_with(config, permit).await
    }

    /// Like [`Engine::open`], but `None` instead of waiting when the sandbox limit is reached.
    pub async fn try_open(&self, config: &SandboxConfig) -> Option<Result<Sandbox, SandboxError>> {
        let permit = self.slots.clone().try_acquire_owned().ok()?;
        Some(self.open_with(config, permit).await)
    }

    async fn open_with(
        &self,
        config: &SandboxConfig,
        permit: OwnedSemaphorePermit,
    ) -> Result<Sandbox, SandboxError> {
        let mut sandbox = match self.take_warm(config).await {
            Some(sandbox) => sandbox,
            None => Sandbox::create(self, config).await?,
        };
        sandbox.permit = Some(permit);
        Ok(sandbox)
    }
}
