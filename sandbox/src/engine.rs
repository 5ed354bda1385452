//! The Docker engine connection and the lifecycle of one sandbox container.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, ListContainersOptionsBuilder,
    RemoveContainerOptionsBuilder,
};
use bytesize::ByteSize;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::archive::{self, SandboxFile};
use crate::cleanup;
use crate::run::{self, RunOutcome, RunRequest};
use crate::{LABEL, OWNER_LABEL, SANDBOX_USER, SandboxError, WORK_DIR};

/// Resource limits and image of one sandbox container.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    /// Image reference, e.g. `checker/node:18`.
    pub image: String,
    /// Memory for everything running in the container, swap and tmpfs included.
    pub memory: ByteSize,
    /// Maximum number of processes and threads at once.
    pub pids: u32,
    /// CPU share, in cores.
    pub cpus: f64,
    /// Size of the writable work directory (a tmpfs, counted in `memory` too).
    pub work_dir_size: ByteSize,
}

impl SandboxConfig {
    /// A configuration with conservative defaults: 256 MiB, 128 processes, one core, 64 MiB of
    /// work directory.
    pub fn new(image: impl Into<String>) -> Self {
        SandboxConfig {
            image: image.into(),
            memory: ByteSize::mib(256),
            pids: 128,
            cpus: 1.0,
            work_dir_size: ByteSize::mib(64),
        }
    }
}

/// A connection to the Docker engine that opens sandboxes.
#[derive(Clone)]
pub struct Engine {
    docker: Docker,
    owner: String,
    /// Sandboxes in use at once; more callers of [`Engine::open`] wait their turn.
    slots: Arc<Semaphore>,
    /// Started containers waiting for a submission, per configuration.
    pools: Arc<Mutex<Vec<Arc<Pool>>>>,
}

/// Started containers of one configuration, ready to be handed out. Each is used by exactly one
/// submission and then removed, so nothing of one learner's run can reach another's.
struct Pool {
    config: SandboxConfig,
    target: usize,
    ready: Mutex<Vec<Sandbox>>,
    /// Refills in flight, so that the pool is not overfilled.
    pending: AtomicUsize,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("owner", &self.owner)
            .finish()
    }
}

static SANDBOX_COUNTER: AtomicU64 = AtomicU64::new(0);

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
        })
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

    /// Keeps `count` started containers of `config` ready, so that [`Engine::open`] hands one
    /// out at once instead of creating it. Every container serves one submission and is then
    /// removed; the pool refills in the background.
    pub fn keep_warm(&self, config: &SandboxConfig, count: usize) {
        let pool = Arc::new(Pool {
            config: config.clone(),
            target: count,
            ready: Mutex::new(Vec::new()),
            pending: AtomicUsize::new(0),
        });
        lock(&self.pools).push(pool.clone());
        self.refill(&pool);
    }

    /// Removes every warm container and stops refilling. Call before exiting.
    pub async fn close_pools(&self) {
        let pools: Vec<Arc<Pool>> = std::mem::take(&mut *lock(&self.pools));
        for pool in pools {
            // Let refills in flight land, so that their containers are removed too.
            while pool.pending.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let ready: Vec<Sandbox> = std::mem::take(&mut *lock(&pool.ready));
            for sandbox in ready {
                let _ = sandbox.remove().await;
            }
        }
    }

    fn refill(&self, pool: &Arc<Pool>) {
        let missing = pool
            .target
            .saturating_sub(lock(&pool.ready).len() + pool.pending.load(Ordering::SeqCst));
        for _ in 0..missing {
            pool.pending.fetch_add(1, Ordering::SeqCst);
            let (engine, pool) = (self.clone(), pool.clone());
            tokio::spawn(async move {
                if let Ok(sandbox) = engine.create(&pool.config).await {
                    // A pool closed meanwhile must not keep the container.
                    if lock(&engine.pools).iter().any(|p| Arc::ptr_eq(p, &pool)) {
                        lock(&pool.ready).push(sandbox);
                    } else {
                        let _ = sandbox.remove().await;
                    }
                }
                pool.pending.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    /// A warm container of `config`, if one is ready and still running.
    async fn take_warm(&self, config: &SandboxConfig) -> Option<Sandbox> {
        let pool = lock(&self.pools)
            .iter()
            .find(|p| p.config == *config)
            .cloned()?;
        loop {
            let candidate = lock(&pool.ready).pop();
            self.refill(&pool);
            let sandbox = candidate?;
            let running = self
                .docker
                .inspect_container(&sandbox.id, None)
                .await
                .ok()
                .and_then(|c| c.state?.running)
                .unwrap_or(false);
            if running {
                return Some(sandbox);
            }
        }
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

    /// Removes containers left behind by earlier processes on this host that have died
    /// (crashed, killed), recognised by their labels. Returns how many were removed.
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
                && remove_container(&self.docker, &id).await.is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Creates and starts a locked-down container: no network, read-only root, all
    /// capabilities dropped, no new privileges, memory (swap included), process and CPU limits,
    /// and a tmpfs work directory. Commands later run in it as an unprivileged user.
    ///
    /// Waits while the engine's sandbox limit is reached; takes a warm container when
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
            None => self.create(config).await?,
        };
        sandbox.permit = Some(permit);
        Ok(sandbox)
    }

    /// Creates and starts a container (no slot taken: pooled containers sit idle).
    async fn create(&self, config: &SandboxConfig) -> Result<Sandbox, SandboxError> {
        if !self.image_exists(&config.image).await? {
            return Err(SandboxError::ImageMissing(config.image.clone()));
        }
        let memory = i64::try_from(config.memory.as_u64()).unwrap_or(i64::MAX);
        let tmpfs = HashMap::from([
            (
                WORK_DIR.to_owned(),
                format!(
                    "rw,exec,nosuid,nodev,size={},mode=1777",
                    config.work_dir_size.as_u64()
                ),
            ),
            (
                "/tmp".to_owned(),
                "rw,exec,nosuid,nodev,size=16m,mode=1777".to_owned(),
            ),
        ]);
        let host_config = HostConfig {
            network_mode: Some("none".into()),
            readonly_rootfs: Some(true),
            cap_drop: Some(vec!["ALL".into()]),
            security_opt: Some(vec!["no-new-privileges".into()]),
            memory: Some(memory),
            memory_swap: Some(memory),
            pids_limit: Some(i64::from(config.pids)),
            nano_cpus: Some((config.cpus * 1e9) as i64),
            tmpfs: Some(tmpfs),
            init: Some(true),
            ipc_mode: Some("private".into()),
            // Shared memory is one more tmpfs; keep it small (it counts towards `memory` too).
            shm_size: Some(8 * 1024 * 1024),
            ..Default::default()
        };
        let labels = HashMap::from([
            (LABEL.to_owned(), "1".to_owned()),
            (OWNER_LABEL.to_owned(), self.owner.clone()),
        ]);
        let body = ContainerCreateBody {
            image: Some(config.image.clone()),
            // The keep-alive process runs as uid 0 without any capability, so the sandbox user
            // can signal every process of its own (`kill -9 -1`) without ending the container.
            user: Some("0:0".into()),
            cmd: Some(vec!["sleep".into(), "infinity".into()]),
            entrypoint: Some(vec![]),
            env: Some(vec![]),
            network_disabled: Some(true),
            labels: Some(labels),
            host_config: Some(host_config),
            ..Default::default()
        };
        let name = format!(
            "checker-{}-{}",
            std::process::id(),
            SANDBOX_COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let created = self
            .docker
            .create_container(
                Some(CreateContainerOptionsBuilder::default().name(&name).build()),
                body,
            )
            .await
            .map_err(SandboxError::docker("create the container"))?;
        // From here on the container exists: the Sandbox value owns it and removes it on drop.
        let sandbox = Sandbox {
            docker: self.docker.clone(),
            id: created.id,
            removed: false,
            memory: Mutex::new(MemoryCounters::default()),
            uploads: Mutex::new(Vec::new()),
            permit: None,
        };
        self.docker
            .start_container(&sandbox.id, None)
            .await
            .map_err(SandboxError::docker("start the container"))?;
        let counters = sandbox.read_memory_counters().await?;
        *lock(&sandbox.memory) = counters;
        Ok(sandbox)
    }
}

/// How the leftovers of a command were cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cleanup {
    /// `kill -9 -1` ran inside the sandbox.
    Killed,
    /// The container had to be restarted.
    Restarted,
}

/// Cumulative memory events of a container.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MemoryCounters {
    /// Processes killed by the kernel for lack of memory.
    pub oom_kills: u64,
    /// Times usage ran into the limit (reclaim was forced).
    pub limit_hits: u64,
}

impl MemoryCounters {
    /// Reads `key value` pairs (see `run::MEMORY_COUNTERS`), after an optional marker.
    pub(crate) fn parse(text: &[u8]) -> MemoryCounters {
        let text = String::from_utf8_lossy(text);
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let mut counters = MemoryCounters::default();
        for pair in tokens.windows(2) {
            let value = pair[1].parse::<u64>().ok();
            match (pair[0], value) {
                ("oom_kill", Some(n)) => counters.oom_kills = n,
                ("max", Some(n)) => counters.limit_hits = n,
                _ => {}
            }
        }
        counters
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn remove_container(docker: &Docker, id: &str) -> Result<(), bollard::errors::Error> {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    match docker.remove_container(id, Some(options)).await {
        Ok(()) => Ok(()),
        // Already gone: that is what we wanted.
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// One running sandbox container. Removed by [`Sandbox::remove`], or in the background when
/// dropped.
pub struct Sandbox {
    pub(crate) docker: Docker,
    pub(crate) id: String,
    removed: bool,
    /// The container's memory counters after the last command, to tell whether the next one
    /// ran into the memory limit.
    pub(crate) memory: Mutex<MemoryCounters>,
    /// The engine slot this sandbox holds while in use; freed when it is removed or dropped.
    permit: Option<OwnedSemaphorePermit>,
    /// Every upload so far (files, protected), to restore them after a restart.
    uploads: Mutex<Vec<(Vec<SandboxFile>, bool)>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("id", &self.id).finish()
    }
}

impl Sandbox {
    /// The container's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Copies files into the work directory, owned by the sandbox user.
    pub async fn upload(&self, files: &[SandboxFile]) -> Result<(), SandboxError> {
        self.upload_as(files, false).await
    }

    /// Copies files into the work directory owned by root and read-only: commands can read
    /// and run them but, the directory being sticky, neither change nor delete them.
    pub async fn upload_protected(&self, files: &[SandboxFile]) -> Result<(), SandboxError> {
        self.upload_as(files, true).await
    }

    async fn upload_as(&self, files: &[SandboxFile], protected: bool) -> Result<(), SandboxError> {
        if files.is_empty() {
            return Ok(());
        }
        self.send_files(files, protected).await?;
        // Kept to restore the work directory if the container has to be restarted.
        lock(&self.uploads).push((files.to_vec(), protected));
        Ok(())
    }

    /// Docker refuses archive uploads into a tmpfs or onto a read-only root, so the tar stream
    /// goes through the standard input of a `tar -x` run inside the container.
    async fn send_files(&self, files: &[SandboxFile], protected: bool) -> Result<(), SandboxError> {
        let owned = files.to_vec();
        let tarball = tokio::task::spawn_blocking(move || archive::pack(&owned, protected))
            .await
            .map_err(|e| SandboxError::Upload(e.to_string()))??;
        let script = format!("tar -x -f - -C {WORK_DIR} --no-overwrite-dir");
        let user = if protected { "0:0" } else { SANDBOX_USER };
        let (exit_code, stderr) = self.exec_with_input(&script, tarball, user).await?;
        if exit_code != Some(0) {
            return Err(SandboxError::Upload(format!(
                "tar exited with {exit_code:?}: {}",
                String::from_utf8_lossy(&stderr).trim()
            )));
        }
        Ok(())
    }

    /// Runs one command; see [`RunRequest`] for limits and [`RunOutcome`] for what comes back.
    pub async fn run(&self, request: &RunRequest) -> Result<RunOutcome, SandboxError> {
        run::run(self, request).await
    }

    /// Runs `script` as `user` with `input` on its standard input, waits for it and
    /// returns its exit code and standard error.
    async fn exec_with_input(
        &self,
        script: &str,
        input: Vec<u8>,
        user: &str,
    ) -> Result<(Option<i64>, Vec<u8>), SandboxError> {
        let argv = vec!["/bin/sh".into(), "-c".into(), script.to_owned()];
        let exec = run::create_exec_argv(self, argv, &[], true, user).await?;
        let started = self
            .docker
            .start_exec(&exec, None)
            .await
            .map_err(SandboxError::docker("start a command"))?;
        let bollard::exec::StartExecResults::Attached {
            mut output,
            input: mut stdin,
        } = started
        else {
            return Err(SandboxError::Upload("the command started detached".into()));
        };
        let writer = async move {
            stdin.write_all(&input).await?;
            stdin.shutdown().await
        };
        let mut stderr = Vec::new();
        let reader = async {
            while let Some(chunk) = output.next().await {
                if let Ok(bollard::container::LogOutput::StdErr { message }) = chunk
                    && stderr.len() < 4096
                {
                    stderr.extend_from_slice(&message);
                }
            }
        };
        let (written, ()) = tokio::join!(writer, reader);
        written.map_err(|e| SandboxError::Upload(e.to_string()))?;
        let exit_code = run::exit_code(self, &exec).await?;
        Ok((exit_code, stderr))
    }

    /// Reads the container's cumulative memory counters.
    pub(crate) async fn read_memory_counters(&self) -> Result<MemoryCounters, SandboxError> {
        let request = RunRequest::new(run::MEMORY_COUNTERS, Duration::from_secs(10));
        let outcome = run::run_raw(self, &request, "0:0").await?;
        if outcome.exit_code != Some(0) {
            return Err(SandboxError::Lost(format!(
                "the sandbox stopped answering (exit code {:?})",
                outcome.exit_code
            )));
        }
        Ok(MemoryCounters::parse(&outcome.stdout))
    }

    /// Kills every process of the sandbox user (leftovers of a command that failed, timed out
    /// or killed its wrapper). When that is impossible (a fork bomb holds every process slot, or
    /// memory is so short that not even `kill` can start), the container is restarted, which
    /// ends every process in it, and the files uploaded so far are put back.
    pub(crate) async fn kill_all_or_restart(&self) -> Result<Cleanup, SandboxError> {
        let request = RunRequest::new("kill -9 -1 2>/dev/null; true", Duration::from_secs(5));
        let killed = run::run_raw(self, &request, SANDBOX_USER).await;
        if matches!(&killed, Ok(outcome) if outcome.exit_code == Some(0)) {
            return Ok(Cleanup::Killed);
        }
        let options = bollard::query_parameters::RestartContainerOptionsBuilder::default()
            .t(0)
            .build();
        self.docker
            .restart_container(&self.id, Some(options))
            .await
            .map_err(SandboxError::docker("restart the sandbox"))?;
        // A restart remounts the tmpfs directories without their sticky, world-writable mode
        // (and some engines keep their contents): restore the mode, then empty them, the
        // sandbox user's files first (it may have locked them with chmod), then root's.
        let steps = [
            ("0:0", "chmod 1777 /work /tmp"),
            (
                SANDBOX_USER,
                "chmod -R u+rwX /work /tmp 2>/dev/null; \
                 rm -rf /work/* /work/.[!.]* /tmp/* /tmp/.[!.]* 2>/dev/null; true",
            ),
            (
                "0:0",
                "rm -rf /work/* /work/.[!.]* /tmp/* /tmp/.[!.]* 2>/dev/null; true",
            ),
        ];
        for (user, script) in steps {
            let request = RunRequest::new(script, Duration::from_secs(30));
            let outcome = run::run_raw(self, &request, user).await?;
            if outcome.exit_code != Some(0) {
                return Err(SandboxError::Lost(
                    "the restarted sandbox could not be emptied".into(),
                ));
            }
        }
        let uploads: Vec<(Vec<SandboxFile>, bool)> = lock(&self.uploads).clone();
        for (files, protected) in uploads {
            self.send_files(&files, protected).await?;
        }
        Ok(Cleanup::Restarted)
    }

    /// Whether the container's working set (memory use less reclaimable file cache, as
    /// `docker stats` counts it) is within 10% of its limit, from the engine's statistics:
    /// readable from outside even when nothing can start inside.
    pub(crate) async fn at_memory_limit(&self) -> bool {
        let options = bollard::query_parameters::StatsOptionsBuilder::default()
            .stream(false)
            .one_shot(true)
            .build();
        let mut stats = self.docker.stats(&self.id, Some(options));
        let Some(Ok(stats)) = stats.next().await else {
            return false;
        };
        let Some(memory) = stats.memory_stats else {
            return false;
        };
        let (Some(usage), Some(limit)) = (memory.usage, memory.limit) else {
            return false;
        };
        let cache = memory
            .stats
            .as_ref()
            .and_then(|s| {
                s.get("total_inactive_file")
                    .or_else(|| s.get("inactive_file"))
            })
            .copied()
            .unwrap_or(0);
        limit > 0 && usage.saturating_sub(cache) * 10 >= limit * 9
    }

    /// Stops and removes the container (force), waiting for Docker to confirm.
    pub async fn remove(mut self) -> Result<(), SandboxError> {
        self.removed = true;
        remove_container(&self.docker, &self.id)
            .await
            .map_err(SandboxError::docker("remove the container"))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let docker = self.docker.clone();
        let id = std::mem::take(&mut self.id);
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => cleanup::track(handle.spawn(async move {
                let _ = remove_container(&docker, &id).await;
            })),
            // No runtime left (process shutting down): remove synchronously on a fresh one.
            Err(_) => {
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        let _ = rt.block_on(remove_container(&docker, &id));
                    }
                })
                .join();
            }
        }
    }
}
