//! One pod's lifecycle: the learner's container and its service containers are created
//! together, restarted together when a command leaves the learner's container unusable, and
//! removed together on every path (explicit removal, drop, shutdown).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder, RestartContainerOptionsBuilder,
};
use bytesize::ByteSize;
use tokio::sync::OwnedSemaphorePermit;

use crate::archive::SandboxFile;
use crate::engine::Engine;
use crate::memory::MemoryCounters;
use crate::run::{self, RunRequest};
use crate::runner::{self, RunnerSlot};
use crate::service::{Service, ServiceSpec};
use crate::{LABEL, OWNER_LABEL, POD_LABEL, SANDBOX_USER, SandboxError, WORK_DIR, cleanup, lock};

/// Resource limits and image of one sandbox pod.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    /// Image reference, e.g. `checker/node:18`.
    pub image: String,
    /// Memory for everything running in the learner's container, swap and tmpfs included.
    pub memory: ByteSize,
    /// Maximum number of processes and threads at once.
    pub pids: u32,
    /// CPU share, in cores.
    pub cpus: f64,
    /// Size of the writable work directory (a tmpfs, counted in `memory` too).
    pub work_dir_size: ByteSize,
    /// Service containers sharing the learner's network namespace (reachable on `localhost`),
    /// each with limits of its own. Empty by default.
    pub services: Vec<ServiceSpec>,
}

impl SandboxConfig {
    /// A configuration with conservative defaults: 256 MiB, 128 processes, one core, 64 MiB of
    /// work directory, no services.
    pub fn new(image: impl Into<String>) -> Self {
        SandboxConfig {
            image: image.into(),
            memory: ByteSize::mib(256),
            pids: 128,
            cpus: 1.0,
            work_dir_size: ByteSize::mib(64),
            services: Vec::new(),
        }
    }

    /// The same configuration with one more service.
    pub fn with_service(mut self, service: ServiceSpec) -> Self {
        self.services.push(service);
        self
    }
}

static POD_COUNTER: AtomicU64 = AtomicU64::new(0);

/// How the leftovers of a command were cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cleanup {
    /// `kill -9 -1` ran inside the sandbox.
    Killed,
    /// The pod had to be restarted.
    Restarted,
    /// A background process runs for the current check: leftovers are ended with it, at
    /// [`Sandbox::end_check`].
    Deferred,
}

/// One running sandbox pod: the learner's container, where commands run, and its services.
/// Removed by [`Sandbox::remove`], or in the background when dropped.
pub struct Sandbox {
    pub(crate) docker: Docker,
    /// The learner container's id.
    pub(crate) id: String,
    /// The learner container's name, which names the pod in its services' labels.
    pub(crate) name: String,
    /// The pod's service containers, in configuration order.
    pub(crate) services: Vec<Service>,
    removed: bool,
    /// The container's memory counters after the last command, to tell whether the next one
    /// ran into the memory limit.
    pub(crate) memory: Mutex<MemoryCounters>,
    /// The engine slot this sandbox holds while in use; freed when it is removed or dropped.
    pub(crate) permit: Option<OwnedSemaphorePermit>,
    /// Every upload so far (files, protected), to restore them after a restart.
    pub(crate) uploads: Mutex<Vec<(Vec<SandboxFile>, bool)>>,
    /// When files were last copied in: a check's mark must come later than their timestamps.
    pub(crate) uploaded_at: Mutex<Option<std::time::Instant>>,
    /// Whether a background process was started in the current check (until
    /// [`Sandbox::end_check`]); commands then leave other processes running.
    pub(crate) background: AtomicBool,
    /// The in-container runner that starts commands (see `runner`).
    pub(crate) runner: RunnerSlot,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("id", &self.id)
            .field("services", &self.services)
            .finish()
    }
}

impl Sandbox {
    /// Creates and starts a pod (no slot taken: pooled pods sit idle), its services ready.
    pub(crate) async fn create(
        engine: &Engine,
        config: &SandboxConfig,
    ) -> Result<Sandbox, SandboxError> {
        for image in std::iter::once(&config.image).chain(config.services.iter().map(|s| &s.image))
        {
            if !engine.image_exists(image).await? {
                return Err(SandboxError::ImageMissing(image.clone()));
            }
        }
        for spec in &config.services {
            spec.validate()?;
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
        let (tmpfs, cap_add) = runner::container_options(engine.runner, tmpfs);
        // Names that services stand in for resolve to the pod's loopback.
        let extra_hosts: Vec<String> = config
            .services
            .iter()
            .flat_map(|s| s.hosts.iter().map(|host| format!("{host}:127.0.0.1")))
            .collect();
        // Network sysctls belong to the namespace's owner, this container; a service joining it
        // cannot set them.
        let sysctls = config.services.iter().any(|s| s.low_ports).then(|| {
            HashMap::from([(
                "net.ipv4.ip_unprivileged_port_start".to_owned(),
                "0".to_owned(),
            )])
        });
        let host_config = HostConfig {
            // Mode "none" gives the pod a network namespace of its own with loopback only;
            // services join it, so they are reachable on localhost and nothing else is.
            network_mode: Some("none".into()),
            readonly_rootfs: Some(true),
            cap_drop: Some(vec!["ALL".into()]),
            cap_add,
            security_opt: Some(vec!["no-new-privileges".into()]),
            memory: Some(memory),
            memory_swap: Some(memory),
            pids_limit: Some(i64::from(config.pids)),
            nano_cpus: Some((config.cpus * 1e9) as i64),
            tmpfs,
            init: Some(true),
            ipc_mode: Some("private".into()),
            // Shared memory is one more tmpfs; keep it small (it counts towards `memory` too).
            shm_size: Some(8 * 1024 * 1024),
            extra_hosts: (!extra_hosts.is_empty()).then_some(extra_hosts),
            sysctls,
            ..Default::default()
        };
        let name = format!(
            "checker-{}-{}",
            std::process::id(),
            POD_COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let body = ContainerCreateBody {
            image: Some(config.image.clone()),
            // The keep-alive process runs as uid 0 without any capability, so the sandbox user
            // can signal every process of its own (`kill -9 -1`) without ending the container.
            user: Some("0:0".into()),
            cmd: Some(vec!["sleep".into(), "infinity".into()]),
            entrypoint: Some(vec![]),
            env: Some(vec![]),
            // Not `network_disabled`: that leaves no `localhost` in /etc/hosts and nothing for
            // services to join; mode "none" alone already gives loopback only.
            labels: Some(pod_labels(&engine.owner, &name)),
            host_config: Some(host_config),
            ..Default::default()
        };
        let pending = PendingCreation::new(&engine.docker, &name);
        let created = engine
            .docker
            .create_container(
                Some(CreateContainerOptionsBuilder::default().name(&name).build()),
                body,
            )
            .await;
        pending.settled();
        let created = created.map_err(SandboxError::docker("create the container"))?;
        // From here on the container exists: the Sandbox value owns it (and each service as it
        // is created) and removes them on drop.
        let mut sandbox = Sandbox {
            docker: engine.docker.clone(),
            id: created.id,
            name,
            services: Vec::new(),
            removed: false,
            memory: Mutex::new(MemoryCounters::default()),
            uploads: Mutex::new(Vec::new()),
            uploaded_at: Mutex::new(None),
            permit: None,
            background: AtomicBool::new(false),
            runner: RunnerSlot::new(engine.runner),
        };
        sandbox
            .docker
            .start_container(&sandbox.id, None)
            .await
            .map_err(SandboxError::docker("start the container"))?;
        for spec in &config.services {
            sandbox.add_service(spec, &engine.owner).await?;
        }
        sandbox.wait_services_ready().await?;
        sandbox.share_service_files().await?;
        let counters = sandbox.read_memory_counters().await?;
        *lock(&sandbox.memory) = counters;
        sandbox.runner.start(&sandbox).await;
        Ok(sandbox)
    }

    /// The learner container's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the learner's container and every service are still running.
    pub(crate) async fn all_running(&self) -> bool {
        for id in self.container_ids() {
            let running = self
                .docker
                .inspect_container(&id, None)
                .await
                .ok()
                .and_then(|c| c.state?.running)
                .unwrap_or(false);
            if !running {
                return false;
            }
        }
        true
    }

    /// Every container of the pod, services first: they live in the learner's network
    /// namespace, so they go before it.
    fn container_ids(&self) -> Vec<String> {
        self.services
            .iter()
            .map(|s| s.id.clone())
            .chain(std::iter::once(self.id.clone()))
            .collect()
    }

    /// Kills every process of the sandbox user (leftovers of a command that failed, timed out
    /// or killed its wrapper). When that is impossible (a fork bomb holds every process slot, or
    /// memory is so short that not even `kill` can start), the pod is restarted, which ends
    /// every process in it, and the files uploaded so far are put back.
    pub(crate) async fn kill_all_or_restart(&self) -> Result<Cleanup, SandboxError> {
        let request = RunRequest::new("kill -9 -1 2>/dev/null; true", Duration::from_secs(5));
        let killed = run::run_raw(self, &request, SANDBOX_USER).await;
        if matches!(&killed, Ok(outcome) if outcome.exit_code == Some(0)) {
            return Ok(Cleanup::Killed);
        }
        self.restart().await?;
        Ok(Cleanup::Restarted)
    }

    /// Restarts the whole pod: every process ends, the work directory holds exactly the
    /// uploads so far again, and the services start afresh (their tmpfs emptied) and are ready
    /// before this returns. The sandbox does this by itself when a command's leftovers cannot
    /// be killed; a caller may use it to give a task a pod without any state of earlier ones.
    ///
    /// The services restart too because a restart gives the learner's container a new network
    /// namespace, which they only join when they restart.
    pub async fn restart(&self) -> Result<(), SandboxError> {
        self.background.store(false, Ordering::SeqCst);
        self.runner.invalidate();
        let options = RestartContainerOptionsBuilder::default().t(0).build();
        self.docker
            .restart_container(&self.id, Some(options.clone()))
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
        for service in &self.services {
            self.docker
                .restart_container(&service.id, Some(options.clone()))
                .await
                .map_err(SandboxError::docker("restart a service"))?;
        }
        self.wait_services_ready().await?;
        self.restore_uploads().await
    }

    /// Stops and removes the pod's containers (force), waiting for Docker to confirm.
    pub async fn remove(mut self) -> Result<(), SandboxError> {
        self.removed = true;
        let mut result = Ok(());
        for id in self.container_ids() {
            // Every container is tried even when one fails, so none is left behind needlessly.
            if let Err(e) = remove_container(&self.docker, &id).await
                && result.is_ok()
            {
                result = Err(SandboxError::docker("remove the container")(e));
            }
        }
        result
    }
}

/// The labels of every container of a pod: what the orphan sweep looks for, who made it, and
/// which pod it belongs to.
pub(crate) fn pod_labels(owner: &str, pod: &str) -> HashMap<String, String> {
    HashMap::from([
        (LABEL.to_owned(), "1".to_owned()),
        (OWNER_LABEL.to_owned(), owner.to_owned()),
        (POD_LABEL.to_owned(), pod.to_owned()),
    ])
}

pub(crate) async fn remove_container(
    docker: &Docker,
    id: &str,
) -> Result<(), bollard::errors::Error> {
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

/// A container creation requested from the engine and not yet answered. If the future that
/// waits for the answer is dropped (Ctrl-C, a cancelled grading), the engine creates the
/// container all the same and no [`Sandbox`] owns it yet: dropping this removes it by name.
pub(crate) struct PendingCreation {
    docker: Docker,
    name: String,
    settled: bool,
}

impl PendingCreation {
    pub(crate) fn new(docker: &Docker, name: &str) -> Self {
        PendingCreation {
            docker: docker.clone(),
            name: name.to_owned(),
            settled: false,
        }
    }

    /// The engine answered: the container is owned by its caller, or was never made.
    pub(crate) fn settled(mut self) {
        self.settled = true;
    }
}

impl Drop for PendingCreation {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let docker = self.docker.clone();
        let name = std::mem::take(&mut self.name);
        cleanup::track(handle.spawn(async move {
            // The engine may still be creating it: look for it for a while.
            for _ in 0..30 {
                match docker.inspect_container(&name, None).await {
                    Ok(_) => {
                        let _ = remove_container(&docker, &name).await;
                        return;
                    }
                    Err(bollard::errors::Error::DockerResponseServerError {
                        status_code: 404,
                        ..
                    }) => tokio::time::sleep(Duration::from_millis(100)).await,
                    Err(_) => return,
                }
            }
        }));
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let docker = self.docker.clone();
        let ids = self.container_ids();
        let remove_all = async move {
            for id in ids {
                let _ = remove_container(&docker, &id).await;
            }
        };
        match tokio::runtime::Handle::try_current() {
            // While panicking the runtime is likely torn down next, cancelling a spawned
            // removal: remove synchronously then, like without a runtime.
            Ok(handle) if !std::thread::panicking() => cleanup::track(handle.spawn(remove_all)),
            // No runtime left (process shutting down): remove synchronously on a fresh one.
            _ => {
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        rt.block_on(remove_all);
                    }
                })
                .join();
            }
        }
    }
}
